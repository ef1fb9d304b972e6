/* parity_transfer_cost.c — transfer_cost.cu (emu or real CUDA) vs the CPU path.
 * Tolerance: atol = rtol = 0. Both paths sum (double)Ls - (double)Lt squared
 * with fma in the same order (i, then j) and round once to float, so the costs
 * must be identical — which a seeded transfer relies on to pick the same
 * patches. Random odd sizes, windows inside and over the target's edge, a wide
 * patch that needs several row chunks, two block shapes, random block order;
 * and the luma kernel. */
#include <stdio.h>
#include <stdlib.h>

#include "ob_test.h"
#include "transfer_cost.h"

static void check(int h, int w, int ht, int wt, int ty, int tx, int p, int bx, int by, uint64_t order)
{
    const int ny = h - p + 1, nx = w - p + 1;
    const size_t ns = (size_t)h * w, nt = (size_t)ht * wt, nc = (size_t)ny * nx;
    float *s = malloc(ns * sizeof *s), *t = malloc(nt * sizeof *t), *ref = malloc(nc * sizeof *ref);
    float *got = malloc(nc * sizeof *got);
    ob_test_fill_uniform(s, ns, (uint64_t)(h * 31 + w + p), 0, 1);
    ob_test_fill_uniform(t, nt, (uint64_t)(ht * 7 + wt + ty), 0, 1);
    ob_launch_cfg cfg = {bx, by, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order);
    float *ds = ob_gpu_upload(s, ns), *dt = ob_gpu_upload(t, nt), *dc = ob_gpu_alloc(nc);
    OB_CHECK_OK(ob_transfer_cost_cpu(ref, s, t, h, w, ht, wt, ty, tx, p));
    OB_CHECK_OK(OB_GPU(ob_transfer_cost)(dc, ds, dt, h, w, ht, wt, ty, tx, p, &cfg));
    ob_gpu_download(got, dc, nc);
    char label[160];
    snprintf(label, sizeof label, "%s cost %dx%d vs %dx%d at (%d, %d) p %d block %dx%d order %llu",
             ob_gpu_backend_name(), w, h, wt, ht, ty, tx, p, bx, by, (unsigned long long)order);
    ob_test_allclose(label, got, ref, nc, 0, 0);
    ob_gpu_free(ds), ob_gpu_free(dt), ob_gpu_free(dc);
    free(s), free(t), free(ref), free(got);
}

static void check_luma(int c, int h, int w)
{
    const size_t n = (size_t)h * w;
    float *img = malloc(c * n * sizeof *img), *ref = malloc(n * sizeof *ref), *got = malloc(n * sizeof *got);
    ob_test_fill_uniform(img, c * n, (uint64_t)(c * 13 + h), 0, 1);
    float *di = ob_gpu_upload(img, c * n), *dl = ob_gpu_alloc(n);
    OB_CHECK_OK(ob_transfer_luma_cpu(ref, img, c, h, w));
    OB_CHECK_OK(OB_GPU(ob_transfer_luma)(dl, di, c, h, w, NULL));
    ob_gpu_download(got, dl, n);
    char label[96];
    snprintf(label, sizeof label, "%s luma C%d %dx%d", ob_gpu_backend_name(), c, w, h);
    ob_test_allclose(label, got, ref, n, 0, 0);
    ob_gpu_free(di), ob_gpu_free(dl);
    free(img), free(ref), free(got);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    static const int blocks[2][2] = {{32, 8}, {64, 3}};
    uint64_t rng = 515;
    for (int b = 0; b < 2; b++) {
        const int bx = blocks[b][0], by = blocks[b][1];
        check(37, 53, 41, 29, 5, 7, 9, bx, by, 0);
        check(37, 53, 41, 29, 36, 24, 9, bx, by, 11);
        check(9, 13, 9, 13, 0, 0, 1, bx, by, 0);
        check(11, 17, 23, 31, 3, 2, 11, bx, by, 0);
        check(111, 181, 120, 150, 1, 2, 101, bx, by, 5); /* 101 x 101: 48 (32x8) or 45 (64x3) rows fit: 3 chunks */
        for (int r = 0; r < 4; r++) {
            const int h = ob_test_rand_int(&rng, 5, 70) | 1, w = ob_test_rand_int(&rng, 5, 90) | 1;
            const int p = ob_test_rand_int(&rng, 1, (h < w ? h : w) / 2 + 1) | 1;
            const int ht = ob_test_rand_int(&rng, 3, 50) | 1, wt = ob_test_rand_int(&rng, 3, 50) | 1;
            check(h, w, ht, wt, ob_test_rand_int(&rng, 0, ht - 1), ob_test_rand_int(&rng, 0, wt - 1), p, bx, by,
                  r % 2 ? 300 + r : 0);
        }
    }
    for (int c = 1; c <= 4; c++) check_luma(c, 17, 23);
    float *d = ob_gpu_alloc(64);
    const ob_launch_cfg odd = {48, 4, 0, NULL, NULL}, huge = {64, 32, 0, NULL, NULL};
    OB_CHECK_FAILS(OB_GPU(ob_transfer_cost)(d, d, d, 4, 4, 4, 4, 0, 0, 2, &odd), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_transfer_cost)(d, d, d, 4, 4, 4, 4, 0, 0, 2, &huge), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_transfer_cost)(d, d, d, 4, 4, 4, 4, 0, 0, 5, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_transfer_cost)(d, d, d, 4, 4, 4, 4, 0, 4, 2, NULL), OB_ERR_ARG);
    ob_gpu_free(d);
    return ob_test_finish();
}
