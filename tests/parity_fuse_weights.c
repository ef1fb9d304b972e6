/* parity_fuse_weights.c — fuse_weights.cu (emu or real CUDA) vs the CPU path.
 * Tolerance: atol 1e-12 (the weights' own epsilon), rtol 4e-6. Both paths
 * evaluate fuse_weights.h's shared per-pixel helpers on the same samples, so
 * under cuda-emu (the host's libm) they agree bit for bit; on a real GPU
 * CUDA's expf / powf (2 ulp) and the product of three measures may move the
 * last few bits. Weights on grey and RGB images, odd sizes and 1-pixel sides
 * (the reflect-101 borders), default and non-trivial exponents, two block
 * shapes, blocks in order and in random order; then normalise over stacks. */
#include <stdio.h>
#include <stdlib.h>

#include "fuse_weights.h"
#include "ob_test.h"

static const double ATOL = 1e-12, RTOL = 4e-6;

static void compare(const char *what, const float *gpu, const float *ref, size_t n)
{
    float *got = malloc(n * sizeof *got);
    ob_gpu_download(got, gpu, n);
    char label[200];
    snprintf(label, sizeof label, "%s %s (tolerance used %.3g)", ob_gpu_backend_name(), what,
             ob_test_tolerance_used(got, ref, n, ATOL, RTOL));
    ob_test_allclose(label, got, ref, n, ATOL, RTOL);
    free(got);
}

static void check_weights(int c, int h, int w, ob_fuse_exponents e, int bx, int by, uint64_t order)
{
    const size_t plane = (size_t)h * w, n = (size_t)c * plane;
    float *img = malloc(n * sizeof *img), *ref = malloc(plane * sizeof *ref);
    ob_test_fill_uniform(img, n, (uint64_t)(c * 1000 + h * 31 + w), 0, 1);
    ob_test_fill_nan(ref, plane);
    OB_CHECK_OK(ob_fuse_weights_cpu(ref, img, c, h, w, &e));
    ob_launch_cfg cfg = {bx, by, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order);
    float *dimg = ob_gpu_upload(img, n), *dw = ob_gpu_alloc(plane); /* NaN-poisoned */
    OB_CHECK_OK(OB_GPU(ob_fuse_weights)(dw, dimg, c, h, w, &e, &cfg));
    char what[128];
    snprintf(what, sizeof what, "weights C%d %dx%d exps (%g, %g, %g) block %dx%d order %llu", c, h, w,
             (double)e.contrast, (double)e.saturation, (double)e.exposedness, bx, by, (unsigned long long)order);
    compare(what, dw, ref, plane);
    ob_gpu_free(dimg), ob_gpu_free(dw);
    free(img), free(ref);
}

static void check_normalize(int n, size_t npix, int bx)
{
    const size_t total = (size_t)n * npix;
    float *w = malloc(total * sizeof *w);
    ob_test_fill_uniform(w, total, (uint64_t)(n * 7 + npix), 1e-12f, 2);
    ob_launch_cfg cfg = {bx, 1, 0, NULL, NULL};
    float *dw = ob_gpu_upload(w, total);
    OB_CHECK_OK(ob_fuse_normalize_cpu(w, n, npix));
    OB_CHECK_OK(OB_GPU(ob_fuse_normalize)(dw, n, npix, &cfg));
    char what[96];
    snprintf(what, sizeof what, "normalise %d x %zu block %d", n, npix, bx);
    compare(what, dw, w, total);
    ob_gpu_free(dw);
    free(w);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    static const int blocks[2][2] = {{32, 8}, {64, 3}};
    const ob_fuse_exponents dflt = OB_FUSE_EXPONENTS_DEFAULT, odd = {0.5f, 2.0f, 1.5f}, zero = {0, 0, 0};
    uint64_t rng = 77;
    for (int k = 0; k < 2; k++) {
        const int bx = blocks[k][0], by = blocks[k][1];
        check_weights(3, 37, 53, dflt, bx, by, 0);
        check_weights(1, 37, 53, dflt, bx, by, 5);
        check_weights(3, 29, 41, odd, bx, by, k ? 11 : 0);
        check_weights(1, 19, 23, odd, bx, by, 0);
        check_weights(3, 9, 7, zero, bx, by, 0);
        check_weights(3, 1, 45, dflt, bx, by, 0);
        check_weights(3, 33, 1, dflt, bx, by, 3);
        check_weights(1, 1, 1, dflt, bx, by, 0);
        check_weights(3, 2, 2, dflt, bx, by, 0);
        for (int r = 0; r < 2; r++)
            check_weights(ob_test_rand_int(&rng, 0, 1) ? 3 : 1, ob_test_rand_int(&rng, 1, 70),
                          ob_test_rand_int(&rng, 1, 90), dflt, bx, by, r ? 100 + r : 0);
    }
    check_normalize(7, 1000, 256);
    check_normalize(2, 37 * 53, 64);
    check_normalize(1, 5, 32);
    check_normalize(3, 70001, 128);
    /* what the kernels cannot take is refused, not launched */
    float *d = ob_gpu_alloc(256);
    const ob_launch_cfg bad = {48, 4, 0, NULL, NULL};
    const ob_fuse_exponents neg = {1, -1, 1}, inf = {1, 1, INFINITY};
    OB_CHECK_FAILS(OB_GPU(ob_fuse_weights)(d, d + 128, 3, 4, 4, &dflt, &bad), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_fuse_weights)(d, d + 128, 2, 4, 4, &dflt, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_fuse_weights)(d, d + 128, 3, 4, 4, &neg, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_fuse_weights)(d, d + 128, 3, 4, 4, &inf, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_fuse_normalize)(d, 0, 16, NULL), OB_ERR_ARG);
    ob_gpu_free(d);
    return ob_test_finish();
}
