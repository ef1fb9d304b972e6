/* bilateral_exact.c — argument checks shared by every path, the tensor checks
 * both bilateral filters share, and the tensor-level entry point (shape checks,
 * then the CPU or CUDA path). */
#include "bilateral_exact.h"

#include <math.h>
#include <stdio.h>

#include "ob_dispatch.h"

ob_status ob_bilateral_exact_check(int *radius, int h, int w, float sigma_s, float sigma_r)
{
    OB_REQUIRE(h >= 1 && w >= 1, "bilateral exact: image size must be >= 1 (got %d x %d)", h, w);
    OB_REQUIRE(isfinite(sigma_s) && sigma_s > 0.f && isfinite(sigma_r) && sigma_r > 0.f,
               "bilateral exact: sigma_s and sigma_r must be finite and > 0 (got %g, %g)", sigma_s, sigma_r);
    const double r = ceil(3.0 * sigma_s);
    OB_REQUIRE(r <= OB_BILATERAL_EXACT_MAX_RADIUS,
               "bilateral exact: sigma_s %g gives a window radius %g above the limit %d (use the bilateral grid)",
               sigma_s, r, OB_BILATERAL_EXACT_MAX_RADIUS);
    *radius = (int)r;
    return OB_OK;
}

/* (H, W) or (1, H, W) float32 where ctx computes; *h, *w its size. */
static ob_status check_image(const ob_tensor *t, const char *what, const ob_ctx *ctx, int *h, int *w)
{
    char s[64];
    OB_TRY(ob_check_f32(t, what, ctx, 0));
    OB_REQUIRE((t->ndim == 2 || (t->ndim == 3 && t->shape[0] == 1)) && t->shape[t->ndim - 2] <= 0x7fffffff &&
                   t->shape[t->ndim - 1] <= 0x7fffffff,
               "%s: expected a single-channel (H, W) or (1, H, W) tensor, got %s", what,
               ob_tensor_shape_str(t, s, sizeof s));
    *h = (int)t->shape[t->ndim - 2], *w = (int)t->shape[t->ndim - 1];
    return OB_OK;
}

ob_status ob_bilateral_tensor_args(int *h, int *w, const char *op, const ob_ctx *ctx, const ob_tensor *out,
                                   const ob_tensor *in, const ob_tensor *guide)
{
    char what[64];
    int oh, ow, gh, gw;
    snprintf(what, sizeof what, "%s: input", op);
    OB_TRY(check_image(in, what, ctx, h, w));
    snprintf(what, sizeof what, "%s: output", op);
    OB_TRY(check_image(out, what, ctx, &oh, &ow));
    snprintf(what, sizeof what, "%s: guide", op);
    OB_TRY(check_image(guide, what, ctx, &gh, &gw));
    OB_REQUIRE(oh == *h && ow == *w && gh == *h && gw == *w,
               "%s: input %d x %d, guide %d x %d and output %d x %d must have one size", op, *h, *w, gh, gw, oh, ow);
    return OB_OK;
}

ob_status ob_bilateral_exact(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in, const ob_tensor *guide,
                             float sigma_s, float sigma_r)
{
    int h, w;
    if (!guide) guide = in;
    OB_TRY(ob_bilateral_tensor_args(&h, &w, "bilateral exact", ctx, out, in, guide));
    float *y = ob_tensor_f32(out);
    const float *x = ob_tensor_f32(in), *g = ob_tensor_f32(guide);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) return ob_bilateral_exact_cpu(y, x, g, h, w, sigma_s, sigma_r);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_bilateral_exact_cuda(y, x, g, h, w, sigma_s, sigma_r, &cfg));
}
