/* parity_quilt.c — whole quilting pipelines (ob_quilt.h) on the GPU kernels vs
 * the CPU path: same seed => the same image, bit for bit.
 *
 * Built twice (tests/CMakeLists.txt): emu_quilt runs every kernel the
 * pipeline calls — masked SSD, choose, transfer cost and the three seam
 * kernels — through its _emu launcher (the .cu source under cuda-emu, host
 * memory), handed to the pipeline through ob_quilt_opts.kernels (the hook
 * ob_quilt.h documents); cuda_quilt (OB_GPU_TESTS) runs the surface kernels on
 * the device (the seam kernels stay the CPU's, as on the cuda backend).
 * Tolerance: none. The kernels promise bit-identical costs across paths
 * (masked_ssd.h, transfer_cost.h, seam_dp.h) and quilt_choose.h the same pick
 * for the same costs and (seed, draw), so any difference is a bug.
 * Random samples of odd sizes, 1 and 3 channels, outputs not multiples of the
 * step, tol 1 and 4; transfer with 2 passes; blocks in random order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "masked_ssd.h"
#include "ob_quilt.h"
#include "ob_test.h"
#include "quilt_choose.h"
#include "seam_dp.h"
#include "transfer_cost.h"

static ob_tensor make_image(int c, int h, int w, uint64_t seed)
{
    ob_tensor t;
    int64_t shape[3] = {c, h, w};
    if (ob_tensor_alloc(&t, OB_F32, OB_HOST, 3, shape) != OB_OK) abort();
    ob_test_fill_uniform(ob_tensor_f32(&t), (size_t)c * h * w, seed, 0, 1);
    return t;
}

static void gpu_kernels(ob_quilt_kernels *k)
{
    ob_quilt_kernels_cpu(k);
#if defined(OB_TEST_CUDA)
    k->loc = OB_DEVICE;
#else
    k->seam_error = ob_seam_error_emu, k->seam_dp = ob_seam_dp_emu, k->seam_mask = ob_seam_mask_emu;
#endif
    k->masked_ssd = OB_GPU(ob_masked_ssd), k->choose = OB_GPU(ob_quilt_choose);
    k->transfer_cost = OB_GPU(ob_transfer_cost);
}

static int same(const ob_tensor *a, const ob_tensor *b, const char *what)
{
    if (!a->data || !b->data || !ob_tensor_same_shape(a, b)) return 0;
    const float *x = ob_tensor_f32(a), *y = ob_tensor_f32(b);
    size_t diff = 0, n = (size_t)ob_tensor_numel(a);
    for (size_t i = 0; i < n; i++) diff += x[i] != y[i];
    if (diff) printf("  %s: %zu of %zu values differ\n", what, diff, n);
    return diff == 0;
}

static void quilt_case(ob_quilt_method m, int c, int h, int w, int ow, int oh, int p, int ov, int tol, uint64_t seed)
{
    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    ob_quilt_kernels k;
    gpu_kernels(&k);
    ob_tensor smp = make_image(c, h, w, seed), ref = {0}, got = {0};
    ob_quilt_opts o;
    ob_quilt_opts_init(&o);
    o.patch = p, o.overlap = ov, o.tol = tol, o.seed = seed;
    OB_CHECK_OK(ob_quilt(ctx, &ref, &smp, ow, oh, m, &o));
    o.kernels = &k;
    ob_gpu_set_random_block_order(seed);
    OB_CHECK_OK(ob_quilt(NULL, &got, &smp, ow, oh, m, &o));
    ob_gpu_set_random_block_order(0);
    char what[128];
    snprintf(what, sizeof what, "quilt %s c %d sample %dx%d out %dx%d p %d ov %d tol %d (%s)", ob_quilt_method_name(m),
             c, w, h, ow, oh, p, ov, tol, ob_gpu_backend_name());
    OB_CHECK(same(&ref, &got, what), "%s: identical to the CPU path", what);
    ob_tensor_free(&ref), ob_tensor_free(&got), ob_tensor_free(&smp);
    ob_ctx_destroy(ctx);
}

static void transfer_case(int c, int tc, int iterations, uint64_t seed)
{
    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    ob_quilt_kernels k;
    gpu_kernels(&k);
    ob_tensor smp = make_image(c, 29, 33, seed), tgt = make_image(tc, 27, 31, seed + 1), ref = {0}, got = {0};
    ob_quilt_opts o;
    ob_quilt_opts_init(&o);
    o.patch = 10, o.overlap = 3, o.tol = 3, o.seed = seed, o.iterations = iterations, o.alpha = 0.3f;
    OB_CHECK_OK(ob_texture_transfer(ctx, &ref, &smp, &tgt, &o));
    o.kernels = &k;
    OB_CHECK_OK(ob_texture_transfer(NULL, &got, &smp, &tgt, &o));
    char what[96];
    snprintf(what, sizeof what, "transfer c %d target c %d, %d passes (%s)", c, tc, iterations, ob_gpu_backend_name());
    OB_CHECK(same(&ref, &got, what), "%s: identical to the CPU path", what);
    ob_tensor_free(&ref), ob_tensor_free(&got), ob_tensor_free(&smp), ob_tensor_free(&tgt);
    ob_ctx_destroy(ctx);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    quilt_case(OB_QUILT_RANDOM, 3, 25, 27, 40, 33, 8, 2, 1, 1);
    quilt_case(OB_QUILT_SIMPLE, 3, 31, 29, 41, 37, 9, 3, 4, 2);
    quilt_case(OB_QUILT_CUT, 3, 31, 29, 41, 37, 9, 3, 4, 3);
    quilt_case(OB_QUILT_CUT, 1, 27, 35, 30, 44, 11, 4, 1, 4);
    quilt_case(OB_QUILT_SIMPLE, 1, 24, 24, 24, 24, 7, 2, 2, 5);
    transfer_case(3, 1, 2, 6);
    transfer_case(1, 3, 1, 7);
    return ob_test_finish();
}
