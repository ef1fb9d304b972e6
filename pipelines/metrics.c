/* metrics.c — PSNR / SSIM on colour channels and on BT.601 luma (ob_metrics.h). */
#include "ob_metrics.h"

#include "ob_bt601.h"

#include "psnr.h"
#include "ssim.h"

ob_status ob_luma_bt601(ob_tensor *y, const ob_tensor *img, double data_range)
{
    const int64_t h = img->shape[1], w = img->shape[2], hw = h * w;
    int64_t shape[3] = {1, h, w};
    OB_TRY(ob_tensor_alloc(y, OB_F32, OB_HOST, 3, shape));
    const float *p = ob_tensor_f32(img);
    float *out = ob_tensor_f32(y);
    if (img->shape[0] < 3) {
        for (int64_t i = 0; i < hw; i++) out[i] = p[i];
        return OB_OK;
    }
    const float offset = (float)(16.0 / 255.0 * data_range);
    const float kr = (float)OB_BT601_Y_R / 255.0f, kg = (float)OB_BT601_Y_G / 255.0f, kb = (float)OB_BT601_Y_B / 255.0f;
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < hw; i++) out[i] = offset + kr * p[i] + kg * p[hw + i] + kb * p[2 * hw + i];
    return OB_OK;
}

/* Both metrics of one pair of host images of `c` colour channels, on ctx's backend. */
static ob_status quality(ob_ctx *ctx, ob_quality *q, double *per_channel, const ob_tensor *a, const ob_tensor *b,
                         int c, double range)
{
    ob_tensor va, vb, da = {0}, db = {0};
    int64_t shape[3] = {c, a->shape[1], a->shape[2]};
    OB_TRY(ob_tensor_wrap(&va, a->data, OB_F32, OB_HOST, 3, shape));
    OB_TRY(ob_tensor_wrap(&vb, b->data, OB_F32, OB_HOST, 3, shape));
    const ob_tensor *pa = &va, *pb = &vb;
    ob_status s = OB_OK;
    if (ob_ctx_location(ctx) == OB_DEVICE) {
        s = ob_tensor_clone_to(&da, &va, OB_DEVICE);
        if (s == OB_OK) s = ob_tensor_clone_to(&db, &vb, OB_DEVICE);
        pa = &da, pb = &db;
    }
    if (s == OB_OK) s = ob_psnr(ctx, &q->psnr, pa, pb, range);
    if (s == OB_OK) s = ob_ssim(ctx, &q->ssim, per_channel, pa, pb, range);
    ob_tensor_free(&da);
    ob_tensor_free(&db);
    return s;
}

ob_status ob_image_metrics(ob_ctx *ctx, ob_metrics_result *r, const ob_tensor *a, const ob_tensor *b, double data_range)
{
    char sa[64], sb[64];
    OB_REQUIRE(a->ndim == 3 && b->ndim == 3 && a->dtype == OB_F32 && b->dtype == OB_F32 && a->loc == OB_HOST &&
                   b->loc == OB_HOST,
               "metrics: expected two host float32 (C, H, W) images");
    OB_REQUIRE(ob_tensor_same_shape(a, b), "metrics: images differ in size: %s vs %s (channels, height, width)",
               ob_tensor_shape_str(a, sa, sizeof sa), ob_tensor_shape_str(b, sb, sizeof sb));
    OB_REQUIRE(a->shape[0] >= 1 && a->shape[0] <= 4, "metrics: %lld channels (expected 1 to 4)", (long long)a->shape[0]);
    OB_REQUIRE(data_range > 0, "metrics: data range %g must be positive", data_range);
    const int c = a->shape[0] == 2 || a->shape[0] == 4 ? (int)a->shape[0] - 1 : (int)a->shape[0];
    r->channels = c;
    OB_TRY(quality(ctx, &r->rgb, r->ssim_channel, a, b, c, data_range));
    if (c == 1) {
        r->y = r->rgb;
        return OB_OK;
    }
    ob_tensor ya, yb;
    OB_TRY(ob_luma_bt601(&ya, a, data_range));
    ob_status s = ob_luma_bt601(&yb, b, data_range);
    if (s == OB_OK) s = quality(ctx, &r->y, NULL, &ya, &yb, 1, data_range);
    ob_tensor_free(&ya);
    ob_tensor_free(&yb);
    return s;
}
