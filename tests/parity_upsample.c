/* parity_upsample.c — upsample.cu (emu or real CUDA) vs the CPU path: nearest
 * and bilinear forward and backward (the gather), scales 1..4, odd sizes, two
 * block sizes, blocks in order and in random order. Both evaluate the same
 * taps in the same order, so they agree exactly on the forward; the backward
 * sums in the same order too: atol = rtol = 0 is expected, 1e-6 relative is
 * allowed (fma contraction on the device). */
#include <stdio.h>
#include <stdlib.h>

#include "ob_test.h"
#include "upsample.h"

static void check(int planes, int h, int w, int s, int bilinear, int block, uint64_t order)
{
    const size_t nl = (size_t)planes * h * w, nh = nl * s * s;
    float *x = malloc(nl * sizeof *x), *g = malloc(nh * sizeof *g), *ref = malloc(nh * sizeof *ref),
          *got = malloc(nh * sizeof *got);
    ob_test_fill_uniform(x, nl, nl + s, -2, 2);
    ob_test_fill_uniform(g, nh, nh + s, -1, 1);
    ob_launch_cfg cfg = {block, 0, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order);
    float *dx = ob_gpu_upload(x, nl), *dg = ob_gpu_upload(g, nh), *dy = ob_gpu_alloc(nh), *dgx = ob_gpu_alloc(nl);
    char label[128];
    OB_CHECK_OK(ob_upsample_cpu(ref, x, planes, h, w, s, bilinear));
    OB_CHECK_OK(OB_GPU(ob_upsample)(dy, dx, planes, h, w, s, bilinear, &cfg));
    ob_gpu_download(got, dy, nh);
    snprintf(label, sizeof label, "%s upsample %s x%d planes %d %dx%d block %d", ob_gpu_backend_name(),
             bilinear ? "bilinear" : "nearest", s, planes, h, w, block);
    ob_test_allclose(label, got, ref, nh, 1e-7, 1e-6);
    OB_CHECK_OK(ob_upsample_backward_cpu(ref, g, planes, h, w, s, bilinear));
    OB_CHECK_OK(OB_GPU(ob_upsample_backward)(dgx, dg, planes, h, w, s, bilinear, &cfg));
    ob_gpu_download(got, dgx, nl);
    snprintf(label, sizeof label, "%s upsample backward %s x%d planes %d %dx%d block %d", ob_gpu_backend_name(),
             bilinear ? "bilinear" : "nearest", s, planes, h, w, block);
    ob_test_allclose(label, got, ref, nl, 1e-6, 1e-6);
    ob_gpu_free(dx), ob_gpu_free(dg), ob_gpu_free(dy), ob_gpu_free(dgx);
    free(x), free(g), free(ref), free(got);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    const int blocks[2] = {256, 64};
    for (int b = 0; b < 2; b++)
        for (int s = 1; s <= 4; s++)
            for (int m = 0; m < 2; m++) {
                check(1, 1, 1, s, m, blocks[b], 0);
                check(3, 5, 7, s, m, blocks[b], 0);
                check(2, 13, 9, s, m, blocks[b], 100 + s);
            }
    ob_launch_cfg odd = {100, 0, 0, NULL, NULL};
    float *d = ob_gpu_alloc(64);
    OB_CHECK_FAILS(OB_GPU(ob_upsample)(d, d, 1, 2, 2, 2, 0, &odd), OB_ERR_ARG);
    ob_gpu_free(d);
    return ob_test_finish();
}
