/* parity_bilateral_grid.c — bilateral_grid.cu (emu or real CUDA) vs the CPU
 * path, stage by stage and whole.
 *   range  min and max: exact (order-free).
 *   splat  both paths add each cell's pixels in raster order with the same
 *          weights (bilateral_grid.h's position rule), so they differ by FMA
 *          contraction only: |got - ref| <= 1e-5 + 1e-5 |ref| on cell sums of
 *          up to ~50 pixels with |in| <= 1 (a few ulp of the largest terms).
 *   blur   same taps, same order: 1e-5 + 1e-5 |ref|.
 *   slice  fed the same grid: 1e-6 + 1e-5 |ref| (outputs in [-1, 1]).
 *   whole  1e-5 + 1e-5 |ref|.
 * Odd sizes (1x1, 1xN, 37x53, 101x67), plain and cross (guide != in),
 * sampling rates 1 and 1.7/1.3, two block shapes, blocks in order and in
 * random order; block shapes the kernels cannot use are refused. */
#include <stdio.h>
#include <stdlib.h>

#include "bilateral_grid.h"
#include "ob_test.h"

static void check(int h, int w, float sigma_s, float sigma_r, int cross, const ob_bilateral_grid_opts *opts, int bx,
                  int by, uint64_t order_seed)
{
    const size_t n = (size_t)h * w;
    float *in = malloc(n * sizeof(float)), *guide = malloc(n * sizeof(float)), *ref = malloc(n * sizeof(float)),
          *got = malloc(n * sizeof(float));
    ob_test_fill_uniform(in, n, (uint64_t)(h * 131 + w * 7 + cross), -1, 1);
    if (cross)
        ob_test_fill_uniform(guide, n, (uint64_t)(h * 17 + w), 0, 2);
    else
        for (size_t i = 0; i < n; i++) guide[i] = in[i];
    const ob_launch_cfg cfg = {bx, by, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order_seed);
    char label[200];
    snprintf(label, sizeof label, "%s %dx%d s_s %g s_r %g %s rates %g/%g block %dx%d order %llu",
             ob_gpu_backend_name(), h, w, sigma_s, sigma_r, cross ? "cross" : "plain", opts ? opts->rate_s : 1.f,
             opts ? opts->rate_r : 1.f, bx, by, (unsigned long long)order_seed);
    float *d_in = ob_gpu_upload(in, n), *d_guide = ob_gpu_upload(guide, n), *d_out = ob_gpu_alloc(n);

    /* range */
    float lo, hi, glo = NAN, ghi = NAN;
    OB_CHECK_OK(ob_bilateral_grid_range_cpu(&lo, &hi, guide, n));
    OB_CHECK_OK(OB_GPU(ob_bilateral_grid_range)(&glo, &ghi, d_guide, n, &cfg));
    OB_CHECK(glo == lo && ghi == hi, "%s: range [%g, %g] (cpu [%g, %g])", label, glo, ghi, lo, hi);

    /* stages, each fed the CPU's previous stage */
    ob_bilateral_grid_geom g;
    OB_CHECK_OK(ob_bilateral_grid_geometry(&g, h, w, sigma_s, sigma_r, lo, hi, opts));
    const size_t cells = ob_bilateral_grid_cells(&g) * 2;
    float *a = malloc(cells * sizeof(float)), *b = malloc(cells * sizeof(float)), *c = malloc(cells * sizeof(float));
    float *d_a = ob_gpu_alloc(cells), *d_b = ob_gpu_alloc(cells);
    char what[260];
    OB_CHECK_OK(ob_bilateral_grid_splat_cpu(a, in, guide, &g));
    OB_CHECK_OK(OB_GPU(ob_bilateral_grid_splat)(d_a, d_in, d_guide, &g, &cfg));
    ob_gpu_download(c, d_a, cells);
    snprintf(what, sizeof what, "%s: splat (%dx%dx%d cells)", label, g.gw, g.gh, g.gd);
    ob_test_allclose(what, c, a, cells, 1e-5, 1e-5);

    ob_gpu_free(d_a);
    d_a = ob_gpu_upload(a, cells);
    OB_CHECK_OK(ob_bilateral_grid_blur_cpu(b, a, &g)); /* clobbers a */
    OB_CHECK_OK(OB_GPU(ob_bilateral_grid_blur)(d_b, d_a, &g, &cfg));
    ob_gpu_download(c, d_b, cells);
    snprintf(what, sizeof what, "%s: blur", label);
    ob_test_allclose(what, c, b, cells, 1e-5, 1e-5);

    ob_gpu_free(d_b);
    d_b = ob_gpu_upload(b, cells);
    OB_CHECK_OK(ob_bilateral_grid_slice_cpu(ref, b, in, guide, &g));
    OB_CHECK_OK(OB_GPU(ob_bilateral_grid_slice)(d_out, d_b, d_in, d_guide, &g, &cfg));
    ob_gpu_download(got, d_out, n);
    snprintf(what, sizeof what, "%s: slice", label);
    ob_test_allclose(what, got, ref, n, 1e-6, 1e-5);

    /* the whole filter */
    ob_gpu_free(d_out);
    d_out = ob_gpu_alloc(n);
    OB_CHECK_OK(ob_bilateral_grid_cpu(ref, in, guide, h, w, sigma_s, sigma_r, opts));
    OB_CHECK_OK(OB_GPU(ob_bilateral_grid)(d_out, d_in, d_guide, h, w, sigma_s, sigma_r, opts, &cfg));
    ob_gpu_download(got, d_out, n);
    snprintf(what, sizeof what, "%s: whole filter", label);
    ob_test_allclose(what, got, ref, n, 1e-5, 1e-5);

    ob_gpu_free(d_in), ob_gpu_free(d_guide), ob_gpu_free(d_out), ob_gpu_free(d_a), ob_gpu_free(d_b);
    free(in), free(guide), free(ref), free(got), free(a), free(b), free(c);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    static const int blocks[2][2] = {{32, 4}, {64, 3}};
    const ob_bilateral_grid_opts fine = {1.7f, 1.3f};
    for (int k = 0; k < 2; k++) {
        const int bx = blocks[k][0], by = blocks[k][1];
        check(37, 53, 4.f, 0.2f, 0, NULL, bx, by, 0);
        check(37, 53, 4.f, 0.2f, 1, &fine, bx, by, 11 + k);
        check(101, 67, 6.5f, 0.15f, 1, NULL, bx, by, 5 + k);
        check(101, 67, 3.f, 0.3f, 0, &fine, bx, by, 0);
        check(1, 29, 2.f, 0.25f, 0, NULL, bx, by, 3);
        check(23, 1, 2.f, 0.25f, 1, NULL, bx, by, 0);
        check(1, 1, 2.f, 0.25f, 0, NULL, bx, by, 0);
    }
    /* block shapes the kernels cannot use are refused, not launched */
    float *d = ob_gpu_alloc(64);
    const ob_launch_cfg huge = {64, 32, 0, NULL, NULL};
    OB_CHECK_FAILS(OB_GPU(ob_bilateral_grid)(d, d + 16, d + 16, 4, 4, 2.f, 0.1f, NULL, &huge), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_bilateral_grid)(d, d + 16, d + 16, 4, 4, -2.f, 0.1f, NULL, NULL), OB_ERR_ARG);
    ob_gpu_free(d);
    return ob_test_finish();
}
