/* ssim.c — what both SSIM paths share (argument checks, Gaussian taps, C1/C2)
 * and the tensor-level entry point. */
#include "ssim.h"

#include <math.h>
#include <stdlib.h>

#include "ob_dispatch.h"

/* scipy.ndimage.gaussian_filter's 1-d kernel for sigma 1.5, truncate 3.5:
 * radius int(3.5 * 1.5 + 0.5) = 5, exp(-x^2 / (2 sigma^2)) normalised to sum 1. */
ob_status ob_ssim_prepare(ob_ssim_params *p, int planes, int h, int w, double data_range)
{
    OB_REQUIRE(planes >= 1, "ssim: %d planes (need at least 1)", planes);
    OB_REQUIRE(h >= OB_SSIM_WIN && w >= OB_SSIM_WIN,
               "ssim: image is %d x %d (H x W); SSIM's %d x %d Gaussian window needs at least %d x %d pixels", h, w,
               OB_SSIM_WIN, OB_SSIM_WIN, OB_SSIM_WIN, OB_SSIM_WIN);
    OB_REQUIRE(isfinite(data_range) && data_range > 0,
               "ssim: data_range %g must be finite and > 0 (1 for images in [0, 1], 255 for 8-bit values)",
               data_range);
    double sum = 0;
    for (int k = 0; k < OB_SSIM_WIN; k++) {
        double x = k - OB_SSIM_RADIUS;
        p->gd[k] = exp(-0.5 / (OB_SSIM_SIGMA * OB_SSIM_SIGMA) * x * x);
        sum += p->gd[k];
    }
    for (int k = 0; k < OB_SSIM_WIN; k++) {
        p->gd[k] /= sum;
        p->g[k] = (float)p->gd[k];
    }
    p->c1 = (OB_SSIM_K1 * data_range) * (OB_SSIM_K1 * data_range);
    p->c2 = (OB_SSIM_K2 * data_range) * (OB_SSIM_K2 * data_range);
    return OB_OK;
}

/* (C, H, W) or (H, W), float32, same shape, where the backend computes. */
static ob_status check_pair(const ob_tensor *a, const ob_tensor *b, ob_ctx *ctx)
{
    char sa[64], sb[64];
    OB_TRY(ob_check_f32(a, "ssim: first image", ctx, 0));
    OB_TRY(ob_check_f32(b, "ssim: second image", ctx, 0));
    OB_REQUIRE(a->ndim == 2 || a->ndim == 3, "ssim: expected a (C, H, W) or (H, W) image, got shape %s",
               ob_tensor_shape_str(a, sa, sizeof sa));
    OB_REQUIRE(ob_tensor_same_shape(a, b), "ssim: the images differ in shape: %s vs %s",
               ob_tensor_shape_str(a, sa, sizeof sa), ob_tensor_shape_str(b, sb, sizeof sb));
    for (int d = 0; d < a->ndim; d++)
        OB_REQUIRE(a->shape[d] <= 0x7fffffff, "ssim: dimension %d too large (%s)", d,
                   ob_tensor_shape_str(a, sa, sizeof sa));
    return OB_OK;
}

ob_status ob_ssim(ob_ctx *ctx, double *mean_ssim, double *per_channel, const ob_tensor *a, const ob_tensor *b,
                  double data_range)
{
    OB_REQUIRE(mean_ssim, "ssim: no output pointer");
    OB_TRY(check_pair(a, b, ctx));
    const int c = a->ndim == 3 ? (int)a->shape[0] : 1;
    const int h = (int)a->shape[a->ndim - 2], w = (int)a->shape[a->ndim - 1];
    double *per = per_channel ? per_channel : malloc(sizeof(double) * (size_t)c);
    if (!per) return OB_FAIL(OB_ERR_NOMEM, "ssim: no memory for %d channel results", c);
    const float *pa = ob_tensor_f32(a), *pb = ob_tensor_f32(b);
    ob_status st;
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) {
        st = ob_ssim_cpu(per, pa, pb, c, h, w, data_range);
    } else {
        ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
        st = OB_CUDA_PATH(ob_ssim_cuda(per, pa, pb, c, h, w, data_range, &cfg));
    }
    if (st != OB_OK) {
        if (per != per_channel) free(per);
        return st;
    }
    double sum = 0;
    for (int i = 0; i < c; i++) sum += per[i];
    *mean_ssim = sum / c;
    if (per != per_channel) free(per);
    return OB_OK;
}
