/* fuse_weights.c — the checks both fusion-weight paths share and the
 * tensor-level entry points (fuse_weights.h). */
#include "fuse_weights.h"

#include "ob_dispatch.h"

ob_status ob_fuse_check_exponents(const ob_fuse_exponents *e, const char *who)
{
    OB_REQUIRE(e, "%s: no exponents", who);
    const float v[3] = {e->contrast, e->saturation, e->exposedness};
    static const char *const name[3] = {"contrast", "saturation", "exposedness"};
    for (int k = 0; k < 3; k++)
        OB_REQUIRE(isfinite(v[k]) && v[k] >= 0.0f, "%s: %s exponent %g; exponents must be finite and >= 0", who,
                   name[k], (double)v[k]);
    return OB_OK;
}

ob_status ob_fuse_check_image(int c, int h, int wd)
{
    OB_REQUIRE(c == 1 || c == 3, "fuse weights: %d channels; fusion takes grey (1) or RGB (3) images", c);
    OB_REQUIRE(h >= 1 && wd >= 1, "fuse weights: empty image (%dx%d)", wd, h);
    return OB_OK;
}

ob_status ob_fuse_weights(ob_ctx *ctx, ob_tensor *w, const ob_tensor *img, const ob_fuse_exponents *e)
{
    char a[64], b[64];
    OB_TRY(ob_check_f32(img, "fuse weights: image", ctx, 3));
    OB_TRY(ob_check_f32(w, "fuse weights: output", ctx, 3));
    OB_REQUIRE(img->shape[0] <= 3 && img->shape[1] <= 0x7fffffff && img->shape[2] <= 0x7fffffff,
               "fuse weights: image %s; fusion takes grey (1) or RGB (3) images", ob_tensor_shape_str(img, a, sizeof a));
    OB_REQUIRE(w->shape[0] == 1 && w->shape[1] == img->shape[1] && w->shape[2] == img->shape[2],
               "fuse weights: output %s for image %s (needs one plane of the image's size)",
               ob_tensor_shape_str(w, a, sizeof a), ob_tensor_shape_str(img, b, sizeof b));
    const int c = (int)img->shape[0], h = (int)img->shape[1], wd = (int)img->shape[2];
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) return ob_fuse_weights_cpu(ob_tensor_f32(w), ob_tensor_f32(img), c, h, wd, e);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_fuse_weights_cuda(ob_tensor_f32(w), ob_tensor_f32(img), c, h, wd, e, &cfg));
}

ob_status ob_fuse_normalize(ob_ctx *ctx, ob_tensor *w)
{
    OB_TRY(ob_check_f32(w, "fuse normalize: weights", ctx, 3));
    OB_REQUIRE(w->shape[0] <= 0x7fffffff, "fuse normalize: %lld exposures", (long long)w->shape[0]);
    const int n = (int)w->shape[0];
    const size_t npix = (size_t)w->shape[1] * (size_t)w->shape[2];
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) return ob_fuse_normalize_cpu(ob_tensor_f32(w), n, npix);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_fuse_normalize_cuda(ob_tensor_f32(w), n, npix, &cfg));
}
