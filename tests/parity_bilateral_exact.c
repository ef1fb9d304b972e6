/* parity_bilateral_exact.c — bilateral_exact.cu (emu or real CUDA) vs the CPU
 * path. Both add each pixel's neighbours in raster order with the same
 * weights, so they differ by expf's rounding (glibc vs CUDA, <= 2 ulp) and
 * FMA contraction: |got - ref| <= 1e-6 + 1e-5 |ref| (outputs in [-1, 1], sums
 * of up to ~7000 terms). Odd sizes, radii smaller and larger than the image
 * and than the block, plain and cross, two block shapes (and a narrow band
 * forced by a wide block), blocks in order and in random order. */
#include <stdio.h>
#include <stdlib.h>

#include "bilateral_exact.h"
#include "ob_test.h"

static void check(int h, int w, float sigma_s, float sigma_r, int cross, int bx, int by, uint64_t order_seed)
{
    const size_t n = (size_t)h * w;
    float *in = malloc(n * sizeof(float)), *guide = malloc(n * sizeof(float)), *ref = malloc(n * sizeof(float)),
          *got = malloc(n * sizeof(float));
    ob_test_fill_uniform(in, n, (uint64_t)(h * 31 + w * 3 + cross), -1, 1);
    if (cross)
        ob_test_fill_uniform(guide, n, (uint64_t)(h * 5 + w), -0.5f, 1.5f);
    else
        for (size_t i = 0; i < n; i++) guide[i] = in[i];
    const ob_launch_cfg cfg = {bx, by, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order_seed);
    float *d_in = ob_gpu_upload(in, n), *d_guide = ob_gpu_upload(guide, n), *d_out = ob_gpu_alloc(n);
    OB_CHECK_OK(ob_bilateral_exact_cpu(ref, in, guide, h, w, sigma_s, sigma_r));
    OB_CHECK_OK(OB_GPU(ob_bilateral_exact)(d_out, d_in, d_guide, h, w, sigma_s, sigma_r, &cfg));
    ob_gpu_download(got, d_out, n);
    char label[160];
    snprintf(label, sizeof label, "%s exact %dx%d s_s %g s_r %g %s block %dx%d order %llu", ob_gpu_backend_name(), h,
             w, sigma_s, sigma_r, cross ? "cross" : "plain", bx, by, (unsigned long long)order_seed);
    ob_test_allclose(label, got, ref, n, 1e-6, 1e-5);
    ob_gpu_free(d_in), ob_gpu_free(d_guide), ob_gpu_free(d_out);
    free(in), free(guide), free(ref), free(got);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    static const int blocks[2][2] = {{32, 8}, {16, 12}};
    for (int k = 0; k < 2; k++) {
        const int bx = blocks[k][0], by = blocks[k][1];
        check(37, 53, 2.f, 0.3f, 0, bx, by, 0);
        check(37, 53, 16.f, 0.4f, 1, bx, by, 7 + k); /* radius 48: the window exceeds the image */
        check(101, 67, 5.f, 0.2f, 1, bx, by, 3);
        check(101, 67, 0.4f, 0.5f, 0, bx, by, 0); /* radius 2 */
        check(1, 41, 3.f, 0.3f, 0, bx, by, 1);
        check(29, 1, 3.f, 0.3f, 1, bx, by, 0);
        check(1, 1, 3.f, 0.3f, 0, bx, by, 0);
    }
    /* a block so wide that the band has to shrink below its height */
    check(45, 300, 40.f, 0.3f, 1, 1024, 1, 2);
    check(45, 61, 30.f, 0.3f, 0, 256, 4, 9);
    /* refused: too many threads; radius 2048 with block_x 1024: one band row is
     * (1024 + 4096) x 2 floats + 2049 weights = 49156 bytes > 48 KiB */
    float *d = ob_gpu_alloc(64);
    const ob_launch_cfg huge = {64, 32, 0, NULL, NULL}, wide = {1024, 1, 0, NULL, NULL};
    OB_CHECK_FAILS(OB_GPU(ob_bilateral_exact)(d, d + 16, d + 16, 4, 4, 1.f, 0.1f, &huge), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_bilateral_exact)(d, d + 16, d + 16, 4, 4, 682.5f, 0.1f, &wide), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_bilateral_exact)(d, d + 16, d + 16, 4, 4, 1.f, 0.f, NULL), OB_ERR_ARG);
    ob_gpu_free(d);
    return ob_test_finish();
}
