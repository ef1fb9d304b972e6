/* parity_spatial_softmax.c — spatial_softmax.cu (emu or real CUDA) vs the CPU
 * path: softmax, its backward, soft-argmax (pixel and normalised coordinates)
 * and its backward, at odd sizes (1x1, 7x9, 33x65 — more positions than
 * threads), two block sizes (256, 64), blocks in order and in a random order.
 * Both sum in double (the GPU in a fixed-order block reduction), so the
 * tolerance is a few float ulps: |got - ref| <= 1e-6 + 1e-5 |ref|. */
#include <stdio.h>
#include <stdlib.h>

#include "ob_test.h"
#include "spatial_softmax.h"

static void compare(const char *what, const float *dgot, const float *ref, size_t n, int planes, int h, int w,
                    int block, uint64_t order)
{
    char label[160];
    float *got = malloc(n * sizeof *got);
    ob_gpu_download(got, dgot, n);
    snprintf(label, sizeof label, "%s %s planes %d %dx%d block %d order %llu", ob_gpu_backend_name(), what, planes, h,
             w, block, (unsigned long long)order);
    ob_test_allclose(label, got, ref, n, 1e-6, 1e-5);
    free(got);
}

static void check(int planes, int h, int w, int block, uint64_t order)
{
    const size_t n = (size_t)planes * h * w, n2 = (size_t)planes * 2;
    float *x = malloc(n * sizeof *x), *gp = malloc(n * sizeof *gp), *gxy = malloc(n2 * sizeof *gxy);
    float *ref = malloc(n * sizeof *ref), *ref2 = malloc(n * sizeof *ref2), *xy = malloc(n2 * sizeof *xy);
    ob_test_fill_uniform(x, n, (uint64_t)(planes * 131 + h * 7 + w), -6, 6);
    ob_test_fill_uniform(gp, n, (uint64_t)(planes + 5), -1, 1);
    ob_test_fill_uniform(gxy, n2, (uint64_t)(planes + 9), -1, 1);
    ob_launch_cfg cfg = {block, 0, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order);
    float *dx = ob_gpu_upload(x, n), *dgp = ob_gpu_upload(gp, n), *dgxy = ob_gpu_upload(gxy, n2);
    float *dp = ob_gpu_alloc(n), *dg = ob_gpu_alloc(n), *dxy = ob_gpu_alloc(n2);

    OB_CHECK_OK(ob_spatial_softmax_cpu(ref, x, planes, h * w));
    OB_CHECK_OK(OB_GPU(ob_spatial_softmax)(dp, dx, planes, h * w, &cfg));
    compare("softmax", dp, ref, n, planes, h, w, block, order);
    OB_CHECK_OK(ob_spatial_softmax_backward_cpu(ref2, gp, ref, planes, h * w));
    float *dref = ob_gpu_upload(ref, n); /* the same p on both sides */
    OB_CHECK_OK(OB_GPU(ob_spatial_softmax_backward)(dg, dgp, dref, planes, h * w, &cfg));
    compare("softmax backward", dg, ref2, n, planes, h, w, block, order);
    ob_gpu_free(dref);

    for (int c = 0; c < 2; c++) {
        const ob_softargmax_coords coords = c ? OB_SOFTARGMAX_NORMALIZED : OB_SOFTARGMAX_PIXEL;
        OB_CHECK_OK(ob_soft_argmax_cpu(xy, x, planes, h, w, coords));
        OB_CHECK_OK(OB_GPU(ob_soft_argmax)(dxy, dx, planes, h, w, coords, &cfg));
        compare(c ? "soft-argmax normalized" : "soft-argmax pixel", dxy, xy, n2, planes, h, w, block, order);
        float *dxy_ref = ob_gpu_upload(xy, n2);
        OB_CHECK_OK(ob_soft_argmax_backward_cpu(ref2, gxy, x, xy, planes, h, w, coords));
        OB_CHECK_OK(OB_GPU(ob_soft_argmax_backward)(dg, dgxy, dx, dxy_ref, planes, h, w, coords, &cfg));
        compare(c ? "soft-argmax backward normalized" : "soft-argmax backward pixel", dg, ref2, n, planes, h, w, block,
                order);
        ob_gpu_free(dxy_ref);
    }
    ob_gpu_free(dx), ob_gpu_free(dgp), ob_gpu_free(dgxy), ob_gpu_free(dp), ob_gpu_free(dg), ob_gpu_free(dxy);
    free(x), free(gp), free(gxy), free(ref), free(ref2), free(xy);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    const int blocks[2] = {256, 64};
    for (int b = 0; b < 2; b++) {
        check(1, 1, 1, blocks[b], 0);
        check(6, 7, 9, blocks[b], 0);
        check(5, 33, 65, blocks[b], 777 + b);
    }
    /* a block size that is not whole warps is refused, not launched */
    ob_launch_cfg odd = {100, 0, 0, NULL, NULL};
    float *d = ob_gpu_alloc(16);
    OB_CHECK_FAILS(OB_GPU(ob_spatial_softmax)(d, d, 1, 16, &odd), OB_ERR_ARG);
    ob_gpu_free(d);
    return ob_test_finish();
}
