/* parity_masked_ssd.c — masked_ssd.cu (emu or real CUDA) vs the CPU path
 * (masked_ssd_cpu.c, itself checked against brute force in test_masked_ssd.c).
 *
 * Tolerance: 0 — the costs must be bit-identical. Both paths add the same
 * float terms (ob_masked_ssd_term, one fmaf each) row by row in the same order
 * and the row sums in double (masked_ssd.h), which is what keeps the patch
 * choice identical across backends. Random odd sizes, 1 and 3 channels,
 * L-shaped, top-only, left-only and whole-template masks, with and without
 * weights, two block shapes, blocks in order and in random order. */
#include <stdio.h>
#include <stdlib.h>

#include "masked_ssd.h"
#include "ob_test.h"

static void check(int c, int h, int w, int th, int tw, int ov_top, int ov_left, int weighted, int bx, int by,
                  uint64_t order_seed)
{
    const int ny = h - th + 1, nx = w - tw + 1;
    const size_t ns = (size_t)c * h * w, nt = (size_t)c * th * tw, nc = (size_t)ny * nx;
    float *s = malloc(ns * sizeof *s), *t = malloc(nt * sizeof *t), *m = malloc((size_t)th * tw * sizeof *m);
    float *ref = malloc(nc * sizeof *ref), *got = malloc(nc * sizeof *got);
    const uint64_t seed = (uint64_t)(c * 7919 + h * 131 + w * 17 + th * 5 + tw + ov_top * 3 + ov_left);
    ob_test_fill_uniform(s, ns, seed, 0, 1);
    ob_test_fill_uniform(t, nt, seed + 1, 0, 1);
    ob_test_fill_uniform(m, (size_t)th * tw, seed + 2, 0, 2);
    const float *mh = weighted ? m : NULL;
    OB_CHECK_OK(ob_masked_ssd_cpu(ref, s, t, mh, c, h, w, th, tw, ov_top, ov_left));

    float *ds = ob_gpu_upload(s, ns), *dt = ob_gpu_upload(t, nt), *dm = ob_gpu_upload(m, (size_t)th * tw);
    float *dc = ob_gpu_alloc(nc);
    ob_launch_cfg cfg = {bx, by, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order_seed);
    OB_CHECK_OK(OB_GPU(ob_masked_ssd)(dc, ds, dt, weighted ? dm : NULL, c, h, w, th, tw, ov_top, ov_left, &cfg));
    ob_gpu_set_random_block_order(0);
    ob_gpu_download(got, dc, nc);
    char label[160];
    snprintf(label, sizeof label, "%s masked SSD C%d %dx%d template %dx%d strips %d,%d%s block %dx%d order %llu",
             ob_gpu_backend_name(), c, h, w, th, tw, ov_top, ov_left, weighted ? " weighted" : "", bx, by,
             (unsigned long long)order_seed);
    ob_test_allclose(label, got, ref, nc, 0, 0);
    ob_gpu_free(ds), ob_gpu_free(dt), ob_gpu_free(dm), ob_gpu_free(dc);
    free(s), free(t), free(m), free(ref), free(got);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    static const int blocks[2][2] = {{32, 8}, {64, 3}};
    uint64_t rng = 4242;
    for (int b = 0; b < 2; b++) {
        const int bx = blocks[b][0], by = blocks[b][1];
        for (int c = 1; c <= 3; c += 2) {
            check(c, 45, 51, 11, 11, 3, 3, 0, bx, by, 0);   /* L-shaped */
            check(c, 45, 51, 11, 11, 3, 0, 0, bx, by, 9);   /* top only */
            check(c, 45, 51, 11, 11, 0, 3, 1, bx, by, 10);  /* left only, weighted */
            check(c, 29, 37, 9, 7, 9, 0, 1, bx, by, 11);    /* whole template, weighted (a general mask) */
            check(c, 13, 15, 13, 15, 4, 2, 0, bx, by, 0);   /* template = sample */
            for (int r = 0; r < 4; r++) {
                const int th = ob_test_rand_int(&rng, 2, 16) | 1, tw = ob_test_rand_int(&rng, 2, 16) | 1;
                const int h = th + (ob_test_rand_int(&rng, 0, 60) | 1), w = tw + (ob_test_rand_int(&rng, 0, 80) | 1);
                int ot = ob_test_rand_int(&rng, 0, th / 2), ol = ob_test_rand_int(&rng, 0, tw / 2);
                if (!ot && !ol) ot = 1;
                check(c, h, w, th, tw, ot, ol, r == 3, bx, by, r % 2 ? 100 + r : 0);
            }
        }
    }
    /* the quilting shape of the benchmark: 3 x 97 x 101 sample, patch 31, overlap 6 */
    check(3, 97, 101, 31, 31, 6, 6, 0, 32, 8, 3);
    /* a whole 121 x 121 weighted template needs ~195 KiB of shared memory:
     * within an H100's opt-in (227 KiB), beyond an A100's (163 KiB), where
     * it must be refused with OB_ERR_ARG, not fail in cudaFuncSetAttribute */
#ifdef OB_TEST_EMU
    check(1, 141, 149, 121, 121, 121, 0, 1, 32, 8, 0);
    {
        float *s = ob_gpu_alloc((size_t)141 * 149), *c = ob_gpu_alloc((size_t)21 * 29);
        ob_emu_set_smem_optin(163 * 1024);
        OB_CHECK_FAILS(OB_GPU(ob_masked_ssd)(c, s, s, s, 1, 141, 149, 121, 121, 121, 0, NULL), OB_ERR_ARG);
        ob_emu_set_smem_optin(227 * 1024);
        ob_gpu_free(s), ob_gpu_free(c);
    }
#endif
    /* block shapes the kernel cannot use are refused, not launched */
    float *d = ob_gpu_alloc(64);
    const ob_launch_cfg odd = {48, 4, 0, NULL, NULL}, huge = {64, 32, 0, NULL, NULL};
    OB_CHECK_FAILS(OB_GPU(ob_masked_ssd)(d, d, d, NULL, 1, 4, 4, 2, 2, 1, 1, &odd), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_masked_ssd)(d, d, d, NULL, 1, 4, 4, 2, 2, 1, 1, &huge), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_masked_ssd)(d, d, d, NULL, 1, 4, 4, 5, 2, 1, 1, NULL), OB_ERR_ARG);
    ob_gpu_free(d);
    return ob_test_finish();
}
