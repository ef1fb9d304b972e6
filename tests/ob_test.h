/* ob_test.h — the small harness every C test uses.
 *
 *   OB_CHECK(cond, fmt, ...)    counts a check; prints file:line and the message
 *                               when it fails, and the test goes on
 *   ob_test_allclose(...)       |got - ref| <= atol + rtol*|ref| elementwise; prints
 *                               the max abs and rel error and the worst index;
 *                               NaN or inf in `got` never passes
 *   ob_test_finish()            prints "N passed, M failed" and returns the exit
 *                               code (0 only when nothing failed and something ran)
 *   ob_test_skip(why)           exits 77 (ctest reports SKIPPED, never passed)
 *   ob_test_torch_python()      the python with PyTorch + safetensors the tests
 *                               compare with ($OB_TORCH_PYTHON, which ctest sets
 *                               to .ci/setup's venv; else /tmp/torchenv), or NULL
 *                               (after saying so) where it is not installed
 *
 * Parity tests (tests/parity_NAME.c) are built twice, as emu_NAME (OB_TEST_EMU:
 * the kernel's .cu source under cuda-emu, host memory) and cuda_NAME
 * (OB_TEST_CUDA: the real GPU, device memory). They call OB_GPU(ob_NAME) and move
 * data with ob_gpu_* so one source serves both.
 */
#ifndef OB_TEST_H
#define OB_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_status.h"

#ifdef __cplusplus
extern "C" {
#endif

extern int ob_test_passed, ob_test_failed;

int ob_test_check_at(int ok, const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
#define OB_CHECK(cond, ...) ob_test_check_at(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
/* A call that must succeed; prints ob_last_error() otherwise. */
#define OB_CHECK_OK(call) OB_CHECK((call) == OB_OK, "%s: %s", #call, ob_last_error())
/* A call that must fail with `status` and leave a message. */
#define OB_CHECK_FAILS(call, status)                                                        \
    do {                                                                                    \
        ob_clear_error();                                                                   \
        ob_status ob_s_ = (call);                                                           \
        OB_CHECK(ob_s_ == (status) && ob_last_error()[0], "%s: expected %s, got %s (%s)", #call, \
                 ob_status_name(status), ob_status_name(ob_s_), ob_last_error());           \
    } while (0)

int ob_test_allclose(const char *label, const float *got, const float *ref, size_t n, double atol, double rtol);
/* The largest |got - ref| / (atol + rtol |ref|): how much of the tolerance
 * the worst element uses (<= 1 passes); what parity tests print. */
double ob_test_tolerance_used(const float *got, const float *ref, size_t n, double atol, double rtol);
int ob_test_finish(void);
void ob_test_skip(const char *why);
const char *ob_test_torch_python(void);

/* Deterministic data: splitmix64 stream, uniform in [lo, hi). */
uint64_t ob_test_rand_u64(uint64_t *state);
double ob_test_rand_uniform(uint64_t *state);
void ob_test_fill_uniform(float *x, size_t n, uint64_t seed, float lo, float hi);
int ob_test_rand_int(uint64_t *state, int lo, int hi); /* in [lo, hi] */
void ob_test_fill_nan(float *x, size_t n);

/* t <- an uninitialised (c, h, w) host f32 image; exits the test if it cannot. */
void ob_test_image(ob_tensor *t, int c, int h, int w);
/* Scratch folder for files (OB_TEST_TMP, else /tmp), and a path inside it. */
const char *ob_test_tmpdir(void);
const char *ob_test_path(char *buf, size_t n, const char *name);
/* Whole-file helpers for fixtures the tests write and read back: write exits
 * the test on failure; read returns a malloc'd buffer (NULL if the file cannot
 * be opened) and its size in *n. */
void ob_test_write_file(const char *path, const void *data, size_t n);
unsigned char *ob_test_read_file(const char *path, size_t *n);
/* The source tree (OB_SOURCE_DIR), for committed fixtures. */
const char *ob_test_source_dir(void);

/* Runs body(ctx) on a cpu context for each CPU implementation this build has
 * (--cpu-impl ref, then dnnl where oneDNN is built in), printing which first;
 * 1 when a context could not be made, else 0. */
int ob_test_each_cpu_impl(void (*body)(ob_ctx *ctx));

/* ---- GPU under test (parity tests) ---------------------------------------- */
/* Allocations/copies for the backend under test: host memory under emu, device
 * memory on cuda. ob_gpu_alloc poisons the buffer with NaN. */
float *ob_gpu_alloc(size_t n);
float *ob_gpu_upload(const float *host, size_t n);
void ob_gpu_download(float *host, const float *gpu, size_t n);
void ob_gpu_free(void *p);
const char *ob_gpu_backend_name(void);
void ob_gpu_test_init(int device);

/* Hot-path allocations (ob_alloc_stats.h): `call` launches with a
 * configuration lending a workspace (device memory on cuda, the C heap under
 * emu) — twice to warm up, then three times, and the allocation count must
 * not move. Under emu it also checks that a configuration without a
 * workspace does allocate (the emulated cudaMalloc is counted), so the count
 * can see what it is asked about. `call` leaves its result in `user`. */
typedef ob_status (*ob_gpu_launch_fn)(void *user, const ob_launch_cfg *cfg);
void ob_gpu_check_no_alloc(const char *label, ob_gpu_launch_fn call, void *user);

#if defined(OB_TEST_CUDA)
#define OB_GPU(name) name##_cuda
#define OB_GPU_TEST_INIT() ob_gpu_test_init(1)
/* Block order is the hardware's business on a real GPU. */
#define ob_gpu_set_random_block_order(seed) ((void)(seed))
#else
#include "emu/cuda_emu_control.h"
#define OB_GPU(name) name##_emu
#define OB_GPU_TEST_INIT() ob_gpu_test_init(0)
/* Under emu: blocks in a seeded random order (seed 0 = in order), so a kernel that
 * depends on block order fails its parity test. */
#define ob_gpu_set_random_block_order(seed) ob_emu_set_block_order(seed)
#endif

#ifdef __cplusplus
}
#endif
#endif
