/* transfer_cost.c — the checks both transfer-cost paths share and the
 * tensor-level entry points (luminance: luma kernel, then pyramid.h's blur). */
#include "transfer_cost.h"

#include "ob_dispatch.h"
#include "pyramid.h"

ob_status ob_transfer_cost_check(int h, int w, int ht, int wt, int ty, int tx, int p)
{
    OB_REQUIRE(h >= 1 && w >= 1 && ht >= 1 && wt >= 1 && p >= 1,
               "transfer cost: sizes must be >= 1 (sample %dx%d, target %dx%d, patch %d)", w, h, wt, ht, p);
    OB_REQUIRE(p <= h && p <= w, "transfer cost: patch %d larger than the %dx%d sample", p, w, h);
    OB_REQUIRE(ty >= 0 && ty < ht && tx >= 0 && tx < wt,
               "transfer cost: target patch origin (y %d, x %d) outside the %dx%d target", ty, tx, wt, ht);
    return OB_OK;
}

ob_status ob_transfer_luma_check(int c, int h, int w)
{
    OB_REQUIRE(c >= 1 && c <= 4 && h >= 1 && w >= 1, "transfer luminance: %d channels of %dx%d (need 1..4, sizes >= 1)",
               c, w, h);
    return OB_OK;
}

/* A luminance map: (1, H, W) or (H, W), float32 where the context computes. */
static ob_status lum_dims(const ob_tensor *t, const char *what, ob_ctx *ctx, int *h, int *w)
{
    char s[64];
    OB_TRY(ob_check_f32(t, what, ctx, 0));
    OB_REQUIRE((t->ndim == 2 || (t->ndim == 3 && t->shape[0] == 1)) && t->shape[t->ndim - 2] <= 0x7fffffff &&
                   t->shape[t->ndim - 1] <= 0x7fffffff,
               "%s: expected a (1, H, W) or (H, W) luminance map, got %s", what, ob_tensor_shape_str(t, s, sizeof s));
    *h = (int)t->shape[t->ndim - 2], *w = (int)t->shape[t->ndim - 1];
    return OB_OK;
}

ob_status ob_transfer_cost(ob_ctx *ctx, ob_tensor *cost, const ob_tensor *sample_lum, const ob_tensor *target_lum,
                           int ty, int tx, int p)
{
    int h = 0, w = 0, ht = 0, wt = 0;
    char s[64];
    OB_TRY(lum_dims(sample_lum, "transfer cost: sample", ctx, &h, &w));
    OB_TRY(lum_dims(target_lum, "transfer cost: target", ctx, &ht, &wt));
    OB_TRY(ob_transfer_cost_check(h, w, ht, wt, ty, tx, p));
    OB_TRY(ob_check_f32(cost, "transfer cost: output", ctx, 2));
    OB_REQUIRE(cost->shape[0] == h - p + 1 && cost->shape[1] == w - p + 1,
               "transfer cost: output %s, a %dx%d sample with patch %d needs (%d, %d)",
               ob_tensor_shape_str(cost, s, sizeof s), w, h, p, h - p + 1, w - p + 1);
    float *c = ob_tensor_f32(cost);
    const float *ls = ob_tensor_f32(sample_lum), *lt = ob_tensor_f32(target_lum);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) return ob_transfer_cost_cpu(c, ls, lt, h, w, ht, wt, ty, tx, p);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_transfer_cost_cuda(c, ls, lt, h, w, ht, wt, ty, tx, p, &cfg));
}

ob_status ob_transfer_luminance(ob_ctx *ctx, ob_tensor *lum, const ob_tensor *img)
{
    char a[64], b[64];
    OB_TRY(ob_check_f32(img, "transfer luminance: image", ctx, 3));
    OB_TRY(ob_check_f32(lum, "transfer luminance: output", ctx, 3));
    OB_REQUIRE(img->shape[0] >= 1 && img->shape[0] <= 4 && lum->shape[0] == 1 && lum->shape[1] == img->shape[1] &&
                   lum->shape[2] == img->shape[2] && img->shape[1] <= 0x7fffffff && img->shape[2] <= 0x7fffffff,
               "transfer luminance: image %s (1..4 channels) needs a (1, H, W) output of its size, got %s",
               ob_tensor_shape_str(img, a, sizeof a), ob_tensor_shape_str(lum, b, sizeof b));
    const int c = (int)img->shape[0], h = (int)img->shape[1], w = (int)img->shape[2];
    ob_tensor luma = {0};
    int64_t shape[3] = {1, h, w};
    OB_TRY(ob_tensor_alloc(&luma, OB_F32, ob_ctx_location(ctx), 3, shape));
    ob_status st;
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) {
        st = ob_transfer_luma_cpu(ob_tensor_f32(&luma), ob_tensor_f32(img), c, h, w);
    } else {
        ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
        st = OB_CUDA_PATH(ob_transfer_luma_cuda(ob_tensor_f32(&luma), ob_tensor_f32(img), c, h, w, &cfg));
    }
    if (st == OB_OK) st = ob_pyr_blur(ctx, lum, &luma);
    /* the blur must be done reading luma before it is freed */
    if (st == OB_OK && ob_ctx_location(ctx) == OB_DEVICE) st = ob_stream_sync(ob_ctx_stream(ctx));
    ob_tensor_free(&luma);
    return st;
}
