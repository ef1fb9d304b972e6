/* ob_test.c — the harness behind ob_test.h. The GPU-under-test helpers pick
 * host or device memory from the backend the linking test names at run time:
 * OB_TEST_CUDA binaries call ob_gpu_use_device() first (see ob_gpu_init). */
#include "ob_test.h"
#include "ob_alloc_stats.h"
#include "ob_cuda_host.h"
#include "ob_workspace.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ob_test_passed, ob_test_failed;

int ob_test_check_at(int ok, const char *file, int line, const char *fmt, ...)
{
    if (ok) {
        ob_test_passed++;
        return 1;
    }
    ob_test_failed++;
    const char *base = strrchr(file, '/');
    fprintf(stderr, "FAIL %s:%d: ", base ? base + 1 : file, line);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 0;
}

int ob_test_allclose(const char *label, const float *got, const float *ref, size_t n, double atol, double rtol)
{
    double max_abs = 0, max_rel = 0;
    size_t worst = 0, bad = 0;
    double worst_excess = -1;
    for (size_t i = 0; i < n; i++) {
        double g = got[i], r = ref[i];
        double err = fabs(g - r);
        double rel = err / (fabs(r) > 1e-30 ? fabs(r) : 1e-30);
        int ok = isfinite(g) && isfinite(r) && err <= atol + rtol * fabs(r);
        if (!isfinite(g) || !isfinite(r)) err = INFINITY;
        if (!ok) bad++;
        double excess = err - (atol + rtol * fabs(r));
        if (excess > worst_excess || (!isfinite(err) && worst_excess != INFINITY)) {
            worst_excess = isfinite(err) ? excess : INFINITY;
            worst = i;
        }
        if (err > max_abs) max_abs = err;
        if (isfinite(err) && rel > max_rel) max_rel = rel;
    }
    int ok = bad == 0 && n > 0;
    printf("%s %s: n=%zu max_abs=%.3g max_rel=%.3g (atol %.1g, rtol %.1g)", ok ? "ok  " : "FAIL", label, n,
           max_abs, max_rel, atol, rtol);
    if (!ok && n > 0)
        printf(" -- %zu bad, worst [%zu] got %.9g ref %.9g", bad, worst, (double)got[worst], (double)ref[worst]);
    printf("\n");
    return ob_test_check_at(ok, __FILE__, __LINE__, "%s not close", label);
}

double ob_test_tolerance_used(const float *got, const float *ref, size_t n, double atol, double rtol)
{
    double w = 0;
    for (size_t i = 0; i < n; i++) w = fmax(w, fabs((double)got[i] - ref[i]) / (atol + rtol * fabs((double)ref[i])));
    return w;
}

int ob_test_finish(void)
{
    printf("%d passed, %d failed\n", ob_test_passed, ob_test_failed);
    return (ob_test_failed == 0 && ob_test_passed > 0) ? 0 : 1;
}

void ob_test_skip(const char *why)
{
    printf("SKIPPED: %s\n", why);
    exit(77);
}

const char *ob_test_torch_python(void)
{
    const char *py = getenv("OB_TORCH_PYTHON") ? getenv("OB_TORCH_PYTHON") : "/tmp/torchenv/bin/python";
    if (access(py, X_OK) == 0) return py;
    printf("%s not found: PyTorch + safetensors are not installed here\n", py);
    return NULL;
}

uint64_t ob_test_rand_u64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double ob_test_rand_uniform(uint64_t *s) { return (double)(ob_test_rand_u64(s) >> 11) * (1.0 / 9007199254740992.0); }

int ob_test_rand_int(uint64_t *s, int lo, int hi) { return lo + (int)(ob_test_rand_u64(s) % (uint64_t)(hi - lo + 1)); }

void ob_test_fill_uniform(float *x, size_t n, uint64_t seed, float lo, float hi)
{
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++) x[i] = lo + (hi - lo) * (float)ob_test_rand_uniform(&s);
}

void ob_test_fill_nan(float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) x[i] = NAN;
}

const char *ob_test_tmpdir(void)
{
    const char *d = getenv("OB_TEST_TMP");
    return d && *d ? d : "/tmp";
}

const char *ob_test_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", ob_test_tmpdir(), name);
    return buf;
}

void ob_test_write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(data, 1, n, f) != n)) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
    fclose(f);
}

unsigned char *ob_test_read_file(const char *path, size_t *n)
{
    *n = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    rewind(f);
    unsigned char *b = malloc((size_t)len + 1);
    *n = fread(b, 1, (size_t)len, f);
    fclose(f);
    return b;
}

const char *ob_test_source_dir(void)
{
    const char *d = getenv("OB_SOURCE_DIR");
    return d && *d ? d : ".";
}

/* ---- GPU under test ------------------------------------------------------ */
static int use_device; /* set by OB_GPU_TEST_INIT in cuda_* binaries */

void ob_gpu_test_init(int device)
{
    use_device = device;
    if (device) {
        char why[200];
        if (ob_cuda_device_count(why, sizeof why) == 0) {
            /* cuda_* tests are only built for bench/gpu_check; without a GPU they
             * cannot say anything, and must not pass */
            fprintf(stderr, "no GPU: %s\n", why);
            exit(1);
        }
    }
}

static int on_device(void) { return use_device; }

float *ob_gpu_alloc(size_t n)
{
    if (on_device()) {
        void *p = NULL;
        if (ob_device_malloc(&p, n * sizeof(float) + 4) != OB_OK) {
            fprintf(stderr, "ob_gpu_alloc: %s\n", ob_last_error());
            exit(1);
        }
        float *nan_fill = malloc(n * sizeof(float) + 4);
        ob_test_fill_nan(nan_fill, n);
        ob_device_memcpy(p, OB_DEVICE, nan_fill, OB_HOST, n * sizeof(float));
        free(nan_fill);
        return p;
    }
    float *p = malloc(n * sizeof(float) + 4);
    if (!p) {
        fprintf(stderr, "ob_gpu_alloc: out of memory\n");
        exit(1);
    }
    ob_test_fill_nan(p, n);
    return p;
}

float *ob_gpu_upload(const float *host, size_t n)
{
    float *p = ob_gpu_alloc(n);
    if (on_device()) ob_device_memcpy(p, OB_DEVICE, host, OB_HOST, n * sizeof(float));
    else memcpy(p, host, n * sizeof(float));
    return p;
}

void ob_gpu_download(float *host, const float *gpu, size_t n)
{
    if (on_device()) {
        if (ob_device_memcpy(host, OB_HOST, gpu, OB_DEVICE, n * sizeof(float)) != OB_OK) {
            fprintf(stderr, "ob_gpu_download: %s\n", ob_last_error());
            exit(1);
        }
    } else {
        memcpy(host, gpu, n * sizeof(float));
    }
}

void ob_gpu_free(void *p)
{
    if (on_device()) ob_device_free(p);
    else free(p);
}

const char *ob_gpu_backend_name(void) { return on_device() ? "cuda" : "cuda-emu"; }

int ob_test_each_cpu_impl(void (*body)(ob_ctx *ctx))
{
    const ob_cpu_impl impls[2] = {OB_CPU_IMPL_REF, OB_CPU_IMPL_DNNL};
    for (int i = 0; i < 2; i++) {
        ob_ctx *ctx;
        if (ob_ctx_create(&ctx, OB_BACKEND_CPU, 0) != OB_OK) return 1;
        if (ob_ctx_set_cpu_impl(ctx, impls[i]) != OB_OK)
            printf("note: --cpu-impl %s not in this build: %s\n", ob_cpu_impl_name(impls[i]), ob_last_error());
        else {
            printf("--- cpu-impl %s\n", ob_cpu_impl_name(impls[i]));
            body(ctx);
        }
        ob_ctx_destroy(ctx);
    }
    return 0;
}

void ob_gpu_check_no_alloc(const char *label, ob_gpu_launch_fn call, void *user)
{
    ob_workspace ws;
    if (on_device()) ob_workspace_init_device(&ws, NULL);
    else ob_workspace_init_host(&ws);
    const ob_launch_cfg plain = {0, 0, 0, NULL, NULL}, lent = {0, 0, 0, &ws, NULL};
    if (!on_device()) {
        const uint64_t c = ob_alloc_count();
        OB_CHECK_OK(call(user, &plain));
        OB_CHECK(ob_alloc_count() > c, "%s: without a workspace the launcher allocates (the count sees it)", label);
    }
    OB_CHECK_OK(call(user, &lent));
    OB_CHECK_OK(call(user, &lent));
    const uint64_t c0 = ob_alloc_count();
    for (int i = 0; i < 3; i++) OB_CHECK_OK(call(user, &lent));
    const uint64_t c1 = ob_alloc_count();
    OB_CHECK(c1 == c0, "%s: %llu allocations in 3 warmed-up calls with a workspace (want 0)", label,
             (unsigned long long)(c1 - c0));
    ob_workspace_release(&ws);
}

void ob_test_image(ob_tensor *t, int c, int h, int w)
{
    int64_t shape[3] = {c, h, w};
    if (ob_tensor_alloc(t, OB_F32, OB_HOST, 3, shape) != OB_OK) {
        fprintf(stderr, "alloc: %s\n", ob_last_error());
        exit(1);
    }
}
