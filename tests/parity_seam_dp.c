/* parity_seam_dp.c — seam_dp.cu (emu or real CUDA) vs the CPU path (seam_dp_cpu.c,
 * checked against exhaustive search in test_seam_dp.c).
 *
 * Tolerance: none — seams and masks must be identical (both paths run
 * seam_dp.h's ob_seam_relax and ob_seam_backtrack in float). Random odd strip
 * sizes, vertical and horizontal, batches of seams, surfaces with exact ties,
 * cross-sections wider than the block, two block sizes, blocks in order and
 * in random order; the patch mask from random seams, L-shaped and one-sided;
 * the error surface of strided views. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_test.h"
#include "seam_dp.h"

_Static_assert(sizeof(int) == sizeof(float), "int paths travel in float buffers");

static int *gpu_ints(const int *host, size_t n)
{
    return (int *)(host ? ob_gpu_upload((const float *)host, n) : ob_gpu_alloc(n));
}

static void check_dp(int n, int rows, int cols, ob_seam_dir dir, int ties, int bx, uint64_t order_seed)
{
    const size_t area = (size_t)rows * cols, len = dir == OB_SEAM_VERTICAL ? rows : cols;
    float *e = malloc(sizeof(float) * n * area);
    ob_test_fill_uniform(e, n * area, (uint64_t)(rows * 131 + cols * 7 + n), 0, 1);
    if (ties)
        for (size_t i = 0; i < n * area; i++) e[i] = floorf(e[i] * 3);
    int *ref = malloc(sizeof(int) * n * len), *got = malloc(sizeof(int) * n * len);
    OB_CHECK_OK(ob_seam_dp_cpu(ref, e, n, rows, cols, dir));
    float *de = ob_gpu_upload(e, n * area);
    int *dp = gpu_ints(NULL, n * len);
    ob_launch_cfg cfg = {bx, 0, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order_seed);
    OB_CHECK_OK(OB_GPU(ob_seam_dp)(dp, de, n, rows, cols, dir, &cfg));
    ob_gpu_set_random_block_order(0);
    ob_gpu_download((float *)got, (const float *)dp, n * len);
    int diff = 0;
    for (size_t i = 0; i < n * len; i++) diff += got[i] != ref[i];
    OB_CHECK(diff == 0, "%s seam_dp %d x %s %dx%d%s block %d order %llu: %d of %zu path entries differ",
             ob_gpu_backend_name(), n, dir == OB_SEAM_VERTICAL ? "vertical" : "horizontal", rows, cols,
             ties ? " tied" : "", bx, (unsigned long long)order_seed, diff, n * len);
    ob_gpu_free(de), ob_gpu_free(dp);
    free(e), free(ref), free(got);
}

static void check_mask(int ph, int pw, int ov_left, int ov_top, int bx, int by, uint64_t seed)
{
    int *vp = malloc(sizeof(int) * ph), *hp = malloc(sizeof(int) * pw);
    uint64_t st = seed;
    for (int i = 0; i < ph; i++) vp[i] = ov_left ? ob_test_rand_int(&st, 0, ov_left - 1) : 0;
    for (int j = 0; j < pw; j++) hp[j] = ov_top ? ob_test_rand_int(&st, 0, ov_top - 1) : 0;
    float *ref = malloc(sizeof(float) * ph * pw), *got = malloc(sizeof(float) * ph * pw);
    const int *v = ov_left ? vp : NULL, *h = ov_top ? hp : NULL;
    OB_CHECK_OK(ob_seam_mask_cpu(ref, v, h, ph, pw, ov_left, ov_top));
    int *dv = gpu_ints(vp, ph), *dh = gpu_ints(hp, pw);
    float *dm = ob_gpu_alloc((size_t)ph * pw);
    ob_launch_cfg cfg = {bx, by, 0, NULL, NULL};
    ob_gpu_set_random_block_order(seed);
    OB_CHECK_OK(OB_GPU(ob_seam_mask)(dm, v ? dv : NULL, h ? dh : NULL, ph, pw, ov_left, ov_top, &cfg));
    ob_gpu_set_random_block_order(0);
    ob_gpu_download(got, dm, (size_t)ph * pw);
    char label[128];
    snprintf(label, sizeof label, "%s seam_mask %dx%d left %d top %d block %dx%d", ob_gpu_backend_name(), ph, pw,
             ov_left, ov_top, bx, by);
    ob_test_allclose(label, got, ref, (size_t)ph * pw, 0, 0);
    ob_gpu_free(dv), ob_gpu_free(dh), ob_gpu_free(dm);
    free(vp), free(hp), free(ref), free(got);
}

static void check_error(int c, int rows, int cols, int bx, int by, uint64_t seed)
{
    enum { OH = 71, OW = 67, H = 53, W = 59 };
    float *out = malloc(sizeof(float) * c * OH * OW), *smp = malloc(sizeof(float) * c * H * W);
    ob_test_fill_uniform(out, (size_t)c * OH * OW, seed, 0, 1);
    ob_test_fill_uniform(smp, (size_t)c * H * W, seed + 1, 0, 1);
    const int oy = OH - rows - 3, ox = 2, sy = 1, sx = W - cols - 1;
    float *ref = malloc(sizeof(float) * rows * cols), *got = malloc(sizeof(float) * rows * cols);
    OB_CHECK_OK(ob_seam_error_cpu(ref, out + oy * OW + ox, OH * OW, OW, smp + sy * W + sx, H * W, W, c, rows, cols));
    float *dout = ob_gpu_upload(out, (size_t)c * OH * OW), *dsmp = ob_gpu_upload(smp, (size_t)c * H * W);
    float *de = ob_gpu_alloc((size_t)rows * cols);
    ob_launch_cfg cfg = {bx, by, 0, NULL, NULL};
    ob_gpu_set_random_block_order(seed);
    OB_CHECK_OK(OB_GPU(ob_seam_error)(de, dout + oy * OW + ox, OH * OW, OW, dsmp + sy * W + sx, H * W, W, c, rows,
                                      cols, &cfg));
    ob_gpu_set_random_block_order(0);
    ob_gpu_download(got, de, (size_t)rows * cols);
    char label[128];
    snprintf(label, sizeof label, "%s seam_error C%d %dx%d block %dx%d", ob_gpu_backend_name(), c, rows, cols, bx, by);
    ob_test_allclose(label, got, ref, (size_t)rows * cols, 0, 0);
    ob_gpu_free(dout), ob_gpu_free(dsmp), ob_gpu_free(de);
    free(out), free(smp), free(ref), free(got);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    static const int blocks[2] = {32, 64};
    uint64_t rng = 31337;
    for (int b = 0; b < 2; b++) {
        const int bx = blocks[b];
        for (int d = 0; d < 2; d++) {
            const ob_seam_dir dir = (ob_seam_dir)d;
            check_dp(1, 31, 6, dir, 0, bx, 0);   /* the quilting strips, either way round */
            check_dp(1, 6, 31, dir, 0, bx, 0);
            check_dp(7, 25, 5, dir, 1, bx, 3);   /* a batch with ties */
            check_dp(3, 9, 101, dir, 0, bx, 4);  /* cross-section wider than the block */
            check_dp(2, 1, 17, dir, 0, bx, 0);
            check_dp(2, 17, 1, dir, 1, bx, 0);
            for (int r = 0; r < 4; r++)
                check_dp(ob_test_rand_int(&rng, 1, 6), ob_test_rand_int(&rng, 1, 45) | 1,
                         ob_test_rand_int(&rng, 1, 45) | 1, dir, r % 2, bx, r ? 10 + r : 0);
        }
        check_mask(31, 31, 6, 6, bx, 8, 1);
        check_mask(31, 31, 6, 0, bx, 8, 2);
        check_mask(31, 31, 0, 6, bx, 8, 3);
        check_mask(17, 45, 9, 3, bx, 3, 4);
        check_error(3, 31, 6, bx, 8, 5);
        check_error(1, 6, 31, bx, 3, 6);
        check_error(3, 45, 51, bx, 8, 7);
    }
    float *d = ob_gpu_alloc(64 * 64);
    int *p = gpu_ints(NULL, 64);
    const ob_launch_cfg odd = {48, 0, 0, NULL, NULL};
    OB_CHECK_FAILS(OB_GPU(ob_seam_dp)(p, d, 1, 8, 8, OB_SEAM_VERTICAL, &odd), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_seam_dp)(p, d, 1, 200, 100, OB_SEAM_VERTICAL, NULL), OB_ERR_ARG); /* E > 48 KiB */
    OB_CHECK_FAILS(OB_GPU(ob_seam_mask)((float *)d, p, NULL, 8, 8, 9, 0, NULL), OB_ERR_ARG);
    ob_gpu_free(d), ob_gpu_free(p);
    return ob_test_finish();
}
