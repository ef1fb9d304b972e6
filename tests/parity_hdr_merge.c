/* parity_hdr_merge.c — hdr_merge.cu (emu or real CUDA) vs the CPU path.
 *
 * Tolerance on ln E: |gpu - cpu| <= 1e-5 (atol; rtol 0). Both paths run the
 * same per-pixel function (ob_hdr_merge_pixel) in float, so they differ only
 * where nvcc contracts w * (g - ln t) + num into an FMA; |ln E| < 12 here,
 * and a few float roundings of that size stay below 1e-5. Inputs: random odd
 * sizes and channel counts, 2 to 64 exposures with random distinct times in
 * random order, a random increasing g, pixel values uniform in [0, 1] with a
 * share forced to 0 or 1 (so some pixels are clipped in every exposure and
 * take the fallback), 256 and 1024 bins; two block sizes; blocks in order
 * and in random order. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "hdr_merge.h"
#include "ob_test.h"

#define ATOL 1e-5

static void check(int channels, int h, int w, int n_exp, int n_bins, int block, uint64_t order_seed, uint64_t seed)
{
    const size_t n = (size_t)h * w, plane = (size_t)channels * n;
    uint64_t rng = seed;
    double times[OB_HDR_MAX_EXPOSURES];
    for (int j = 0; j < n_exp; j++) {
        /* distinct: one stop apart plus a small jitter, then shuffled */
        times[j] = ldexp(1.0, j - n_exp / 2) * (1 + 0.1 * ob_test_rand_uniform(&rng));
    }
    for (int j = n_exp - 1; j > 0; j--) {
        const int k = ob_test_rand_int(&rng, 0, j);
        const double t = times[j];
        times[j] = times[k], times[k] = t;
    }
    float *g = malloc(sizeof(float) * channels * n_bins);
    for (int c = 0; c < channels; c++) {
        double acc = -6;
        for (int z = 0; z < n_bins; z++) g[c * n_bins + z] = (float)(acc += 12.0 / n_bins * (0.2 + ob_test_rand_uniform(&rng)));
    }
    float *host[OB_HDR_MAX_EXPOSURES];
    const float *dev[OB_HDR_MAX_EXPOSURES];
    for (int j = 0; j < n_exp; j++) {
        host[j] = malloc(sizeof(float) * plane);
        ob_test_fill_uniform(host[j], plane, seed * 131 + j, 0, 1);
        for (size_t i = 0; i < plane; i++)
            if (i % 7 == 3 || i % 11 == 5) host[j][i] = (i / 7) % 2 ? 1.0f : 0.0f; /* clipped everywhere */
        dev[j] = ob_gpu_upload(host[j], plane);
    }
    float *ref = malloc(sizeof(float) * plane), *got = malloc(sizeof(float) * plane);
    OB_CHECK_OK(ob_hdr_merge_cpu(ref, (const float *const *)host, times, n_exp, channels, n, g, n_bins));
    float *dg = ob_gpu_upload(g, (size_t)channels * n_bins), *dout = ob_gpu_alloc(plane);
    ob_launch_cfg cfg = {block, 0, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order_seed);
    OB_CHECK_OK(OB_GPU(ob_hdr_merge)(dout, dev, times, n_exp, channels, n, dg, n_bins, &cfg));
    ob_gpu_set_random_block_order(0);
    ob_gpu_download(got, dout, plane);
    char label[160];
    snprintf(label, sizeof label, "%s hdr merge %dx%dx%d J %d bins %d block %d order %llu", ob_gpu_backend_name(),
             channels, h, w, n_exp, n_bins, block, (unsigned long long)order_seed);
    ob_test_allclose(label, got, ref, plane, ATOL, 0);
    for (int j = 0; j < n_exp; j++) ob_gpu_free((void *)dev[j]), free(host[j]);
    ob_gpu_free(dg), ob_gpu_free(dout);
    free(g), free(ref), free(got);
}

static void check_refusals(void)
{
    float *d = ob_gpu_alloc(64), *g = ob_gpu_alloc(256);
    const float *img[40];
    double t[40];
    for (int j = 0; j < 40; j++) img[j] = d, t[j] = j + 1;
    ob_launch_cfg not_warps = {48, 0, 0, NULL, NULL}, too_small = {32, 0, 0, NULL, NULL};
    OB_CHECK_FAILS(OB_GPU(ob_hdr_merge)(d, img, t, 3, 1, 64, g, 256, &not_warps), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_hdr_merge)(d, img, t, 40, 1, 1, g, 256, &too_small), OB_ERR_ARG);
    t[1] = t[0];
    OB_CHECK_FAILS(OB_GPU(ob_hdr_merge)(d, img, t, 3, 1, 64, g, 256, NULL), OB_ERR_ARG);
    t[1] = 2;
    OB_CHECK_FAILS(OB_GPU(ob_hdr_merge)(d, img, t, 1, 1, 64, g, 256, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_hdr_merge)(d, img, t, 3, 1, 64, g, 5, NULL), OB_ERR_ARG);
    ob_gpu_free(d), ob_gpu_free(g);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    const int blocks[2] = {256, 96};
    for (int b = 0; b < 2; b++) {
        check(1, 1, 1, 2, 256, blocks[b], 0, 1);
        check(3, 37, 53, 5, 256, blocks[b], 0, 2);
        check(3, 61, 45, 16, 256, blocks[b], 17 + b, 3);
        check(2, 29, 151, 9, 1024, blocks[b], 5, 4);
        check(1, 13, 17, OB_HDR_MAX_EXPOSURES, 256, blocks[b], 9, 5);
    }
    check(1, 400, 401, 4, 256, 64, 3, 6); /* past MAX_BLOCKS_PER_CHANNEL (2048) x 64 threads: the grid-stride loop */
    check_refusals();
    return ob_test_finish();
}
