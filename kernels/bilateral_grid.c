/* bilateral_grid.c — the geometry every path shares (cell sizes, grid sizes,
 * blur taps) and the tensor-level entry point (shape checks, then the CPU or
 * CUDA path). */
#include "bilateral_grid.h"

#include <math.h>

#include "bilateral_exact.h" /* ob_bilateral_tensor_args */
#include "ob_dispatch.h"

static int ok_sigma(float s) { return isfinite(s) && s > 0.f; }

/* Normalised Gaussian taps[0..radius] of sigma_b = sqrt(rate^2 - 1/3) cells: the
 * splat and slice tents add 1/6 cell^2 of variance each (bilateral_grid.h). */
static int blur_taps(float *taps, float rate)
{
    const double var = (double)rate * rate - 1.0 / 3.0, sb = sqrt(var);
    const int radius = (int)ceil(3.0 * sb);
    double w[OB_BILATERAL_GRID_MAX_RADIUS + 1], total = 0;
    for (int k = 0; k <= radius; k++) {
        w[k] = exp(-(double)k * k / (2.0 * var));
        total += k ? 2 * w[k] : w[k];
    }
    for (int k = 0; k <= OB_BILATERAL_GRID_MAX_RADIUS; k++) taps[k] = k <= radius ? (float)(w[k] / total) : 0.f;
    return radius;
}

ob_status ob_bilateral_grid_geometry(ob_bilateral_grid_geom *g, int h, int w, float sigma_s, float sigma_r,
                                     float gmin, float gmax, const ob_bilateral_grid_opts *opts)
{
    OB_REQUIRE(g, "bilateral grid: null geometry");
    OB_REQUIRE(h >= 1 && w >= 1, "bilateral grid: image size must be >= 1 (got %d x %d)", h, w);
    OB_REQUIRE(ok_sigma(sigma_s) && ok_sigma(sigma_r),
               "bilateral grid: sigma_s and sigma_r must be finite and > 0 (got %g, %g)", sigma_s, sigma_r);
    OB_REQUIRE(isfinite(gmin) && isfinite(gmax) && gmin <= gmax,
               "bilateral grid: guide range [%g, %g] must be finite and ordered", gmin, gmax);
    const float rate_s = opts && opts->rate_s > 0.f ? opts->rate_s : 1.f;
    const float rate_r = opts && opts->rate_r > 0.f ? opts->rate_r : 1.f;
    OB_REQUIRE(rate_s >= 0.6f && rate_s <= 8.f && rate_r >= 0.6f && rate_r <= 8.f,
               "bilateral grid: sampling rates must lie in [0.6, 8] (got rate_s %g, rate_r %g)", rate_s, rate_r);
    const double cell_s = (double)sigma_s / rate_s, cell_r = (double)sigma_r / rate_r;
    const double gw = floor((w - 1) / cell_s) + 2, gh = floor((h - 1) / cell_s) + 2;
    const double gd = floor(((double)gmax - gmin) / cell_r) + 2;
    OB_REQUIRE(gw * gh * gd <= (double)OB_BILATERAL_GRID_MAX_CELLS,
               "bilateral grid: %g x %g x %g cells exceed the limit of %lld (sigma_s %g px, sigma_r %g over a guide "
               "range of %g): raise the sigmas or lower the sampling rates",
               gw, gh, gd, OB_BILATERAL_GRID_MAX_CELLS, sigma_s, sigma_r, (double)gmax - gmin);
    g->h = h, g->w = w;
    g->gw = (int)gw, g->gh = (int)gh, g->gd = (int)gd;
    g->inv_s = (float)(1.0 / cell_s), g->inv_r = (float)(1.0 / cell_r);
    g->gmin = gmin;
    g->radius_s = blur_taps(g->taps_s, rate_s);
    g->radius_r = blur_taps(g->taps_r, rate_r);
    return OB_OK;
}

ob_status ob_bilateral_grid(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in, const ob_tensor *guide, float sigma_s,
                            float sigma_r)
{
    int h, w;
    if (!guide) guide = in;
    OB_TRY(ob_bilateral_tensor_args(&h, &w, "bilateral grid", ctx, out, in, guide));
    float *y = ob_tensor_f32(out);
    const float *x = ob_tensor_f32(in), *gd = ob_tensor_f32(guide);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) return ob_bilateral_grid_cpu(y, x, gd, h, w, sigma_s, sigma_r, NULL);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_bilateral_grid_cuda(y, x, gd, h, w, sigma_s, sigma_r, NULL, &cfg));
}
