/* parity_bn_stats.c — bn_stats.cu (emu or real CUDA) vs the CPU path.
 * The arithmetic is the same inline code (ob_bn_invstd, one float multiply),
 * so the outputs must be equal (atol = rtol = 0), for odd channel counts,
 * two block sizes, blocks in order and in random order; the counter counts. */
#include <stdio.h>
#include <stdlib.h>

#include "bn_stats.h"
#include "ob_test.h"

static void check_eval(int c, int block, uint64_t order)
{
    float *w = malloc(c * sizeof *w), *rm = malloc(c * sizeof *w), *rv = malloc(c * sizeof *w);
    float *m = malloc(c * sizeof *w), *inv = malloc(c * sizeof *w), *sc = malloc(c * sizeof *w);
    float *gm = malloc(c * sizeof *w), *ginv = malloc(c * sizeof *w), *gsc = malloc(c * sizeof *w);
    ob_test_fill_uniform(w, (size_t)c, (uint64_t)c, -2, 2);
    ob_test_fill_uniform(rm, (size_t)c, (uint64_t)c + 1, -1, 1);
    ob_test_fill_uniform(rv, (size_t)c, (uint64_t)c + 2, 0, 3);
    rv[0] = 0.0f; /* eps alone keeps it finite */
    OB_CHECK_OK(ob_bn_eval_stats_cpu(m, inv, sc, w, rm, rv, c, 1e-5f));
    float *dw = ob_gpu_upload(w, (size_t)c), *drm = ob_gpu_upload(rm, (size_t)c), *drv = ob_gpu_upload(rv, (size_t)c);
    float *dm = ob_gpu_alloc((size_t)c), *dinv = ob_gpu_alloc((size_t)c), *dsc = ob_gpu_alloc((size_t)c);
    ob_launch_cfg cfg = {block, 0, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order);
    OB_CHECK_OK(OB_GPU(ob_bn_eval_stats)(dm, dinv, dsc, dw, drm, drv, c, 1e-5f, &cfg));
    ob_gpu_set_random_block_order(0);
    ob_gpu_download(gm, dm, (size_t)c), ob_gpu_download(ginv, dinv, (size_t)c), ob_gpu_download(gsc, dsc, (size_t)c);
    char label[96];
    snprintf(label, sizeof label, "%s bn eval stats c=%d block %d order %llu", ob_gpu_backend_name(), c, block,
             (unsigned long long)order);
    ob_test_allclose(label, gm, m, (size_t)c, 0, 0);
    ob_test_allclose(label, ginv, inv, (size_t)c, 0, 0);
    ob_test_allclose(label, gsc, sc, (size_t)c, 0, 0);
    OB_CHECK(inv[0] > 316.0f && inv[0] < 316.3f, "%s: invstd of a zero variance is 1/sqrt(eps): %g", label, inv[0]);
    ob_gpu_free(dw), ob_gpu_free(drm), ob_gpu_free(drv), ob_gpu_free(dm), ob_gpu_free(dinv), ob_gpu_free(dsc);
    free(w), free(rm), free(rv), free(m), free(inv), free(sc), free(gm), free(ginv), free(gsc);
}

static void check_count(void)
{
    float start = 41.0f, host = start;
    float *d = ob_gpu_upload(&start, 1);
    for (int i = 0; i < 5; i++) {
        OB_CHECK_OK(OB_GPU(ob_bn_count)(d, NULL));
        OB_CHECK_OK(ob_bn_count_cpu(&host));
    }
    float got;
    ob_gpu_download(&got, d, 1);
    OB_CHECK(got == 46.0f && host == 46.0f, "%s: counter 41 + 5 batches = %g (cpu %g)", ob_gpu_backend_name(), got,
             host);
    ob_gpu_free(d);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    const int blocks[2] = {128, 32};
    for (int b = 0; b < 2; b++) {
        check_eval(1, blocks[b], 0);
        check_eval(64, blocks[b], 3);
        check_eval(517, blocks[b], 11);
    }
    check_count();
    float x = 0;
    ob_launch_cfg huge = {2048, 0, 0, NULL, NULL};
    OB_CHECK_FAILS(OB_GPU(ob_bn_eval_stats)(&x, &x, &x, &x, &x, &x, 0, 1e-5f, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_bn_eval_stats)(&x, &x, &x, &x, &x, &x, 1, 1e-5f, &huge), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_bn_count)(NULL, NULL), OB_ERR_ARG);
    return ob_test_finish();
}
