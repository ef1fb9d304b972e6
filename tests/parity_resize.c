/* parity_resize.c — resize.cu (emu or real CUDA) vs the CPU path.
 * Tolerance |got - ref| <= 1e-5 + 1e-5*|ref| (inputs in [-2, 2]): both paths use
 * the same taps and weights (resize_taps.h) and the same nesting of the sum, so
 * they differ only by rounding (FMA contraction on the GPU). Every method, random
 * odd sizes up and down with non-integer factors, several planes, two block
 * shapes, blocks in order and in random order. */
#include <stdio.h>
#include <stdlib.h>

#include "ob_test.h"
#include "resize.h"

static void check(int planes, int ih, int iw, int oh, int ow, ob_resize_method m, int bx, int by,
                  uint64_t order_seed)
{
    size_t ni = (size_t)planes * ih * iw, no = (size_t)planes * oh * ow;
    float *x = malloc(ni * sizeof *x), *ref = malloc(no * sizeof *ref), *got = malloc(no * sizeof *got);
    ob_test_fill_uniform(x, ni, (uint64_t)(ih * 131 + iw * 7 + oh * 3 + ow + m), -2, 2);
    ob_launch_cfg cfg = {bx, by, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order_seed);

    float *dx = ob_gpu_upload(x, ni), *dy = ob_gpu_alloc(no);
    OB_CHECK_OK(ob_resize_cpu(ref, x, planes, ih, iw, oh, ow, m));
    OB_CHECK_OK(OB_GPU(ob_resize)(dy, dx, planes, ih, iw, oh, ow, m, &cfg));
    ob_gpu_download(got, dy, no);
    char label[160];
    snprintf(label, sizeof label, "%s %s P%d %dx%d -> %dx%d block %dx%d order %llu", ob_gpu_backend_name(),
             ob_resize_method_name(m), planes, ih, iw, oh, ow, bx, by, (unsigned long long)order_seed);
    ob_test_allclose(label, got, ref, no, 1e-5, 1e-5);
    ob_gpu_free(dx), ob_gpu_free(dy);
    free(x), free(ref), free(got);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    static const int blocks[2][2] = {{32, 8}, {64, 3}};
    uint64_t rng = 20240611;
    for (int k = 0; k < 5; k++) {
        const ob_resize_method m = (ob_resize_method)k;
        for (int b = 0; b < 2; b++) {
            const int bx = blocks[b][0], by = blocks[b][1];
            /* fixed shapes: identity, 1xN / Nx1, a single pixel, odd sizes up and down */
            check(2, 9, 13, 9, 13, m, bx, by, 0);
            check(1, 1, 37, 1, m == OB_RESIZE_AREA ? 10 : 71, m, bx, by, 0);
            check(3, 29, 1, m == OB_RESIZE_AREA ? 8 : 45, 1, m, bx, by, 77);
            check(1, 23, 31, 1, 1, m, bx, by, 0);
            /* random odd sizes, non-integer factors; upscaling except for area */
            for (int r = 0; r < 4; r++) {
                const int ih = ob_test_rand_int(&rng, 3, 40) | 1, iw = ob_test_rand_int(&rng, 3, 70) | 1;
                int oh = ob_test_rand_int(&rng, 1, 2 * ih + 5), ow = ob_test_rand_int(&rng, 1, 2 * iw + 5);
                if (m == OB_RESIZE_AREA) oh = 1 + oh % ih, ow = 1 + ow % iw;
                check(ob_test_rand_int(&rng, 1, 4), ih, iw, oh, ow, m, bx, by, r % 2 ? 1000 + r : 0);
            }
        }
        /* a larger downscale that needs several blocks per axis and many area taps */
        check(2, 97, 131, 13, 29, m, 32, 8, 5);
    }
    /* block shapes the kernel cannot use are refused, not launched */
    float *d = ob_gpu_alloc(64);
    const ob_launch_cfg odd = {48, 4, 0, NULL, NULL}, huge = {64, 32, 0, NULL, NULL};
    OB_CHECK_FAILS(OB_GPU(ob_resize)(d, d + 32, 1, 4, 4, 2, 2, OB_RESIZE_BILINEAR, &odd), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_resize)(d, d + 32, 1, 4, 4, 2, 2, OB_RESIZE_BILINEAR, &huge), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_resize)(d, d + 32, 1, 4, 4, 5, 5, OB_RESIZE_AREA, NULL), OB_ERR_ARG);
    ob_gpu_free(d);
    return ob_test_finish();
}
