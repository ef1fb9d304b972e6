/* align.c — ob_align.h: landmarks to the template by Umeyama, the photo
 * warped with kernels/warp_affine.h. */
#include "ob_align.h"

#include <math.h>
#include <string.h>

#include "umeyama.h"
#include "warp_affine.h"

#define INNER_FIRST 17 /* iBUG 300-W: 0..16 are the jaw line */

void ob_face_template(float *pts, int size, double margin)
{
    for (int i = 0; i < OB_FACE_POINTS * 2; i++)
        pts[i] = (float)(((ob_face_template_unit[i] - 0.5) * (1 - 2 * margin) + 0.5) * size - 0.5);
}

static ob_status check_args(const float *kp, int k, int w, int h, int size, double margin)
{
    OB_REQUIRE(k == OB_FACE_POINTS, "align-face: %d landmarks; the template has the 68 of iBUG 300-W", k);
    OB_REQUIRE(size >= 16 && size <= 8192, "align-face: output size %d outside 16..8192", size);
    OB_REQUIRE(margin >= 0 && margin <= 0.45, "align-face: margin %g outside 0..0.45", margin);
    int outside = 0;
    for (int i = 0; i < k; i++) {
        const float x = kp[2 * i], y = kp[2 * i + 1];
        OB_REQUIRE(isfinite(x) && isfinite(y), "align-face: landmark %d is not finite", i);
        outside += x < -0.5f || y < -0.5f || x > w - 0.5f || y > h - 0.5f;
    }
    OB_REQUIRE(outside * 10 <= k, "align-face: %d of %d landmarks lie outside the %dx%d image (another photo's?)",
               outside, k, w, h);
    return OB_OK;
}

ob_status ob_align_face_transform(double T[9], const float *kp, int k, int w, int h, int size, double margin)
{
    OB_TRY(check_args(kp, k, w, h, size, margin));
    float tpl[OB_FACE_POINTS * 2];
    ob_face_template(tpl, size, margin);
    double src[OB_FACE_POINTS * 2], dst[OB_FACE_POINTS * 2];
    const int n = OB_FACE_POINTS - INNER_FIRST;
    for (int i = 0; i < 2 * n; i++) src[i] = kp[2 * INNER_FIRST + i], dst[i] = tpl[2 * INNER_FIRST + i];
    ob_status s = ob_umeyama(T, src, dst, n, 2, 1);
    if (s != OB_OK) return OB_FAIL(OB_ERR_ARG, "align-face: the landmarks do not span a face: %s", ob_last_error());
    return OB_OK;
}

ob_status ob_align_face(ob_ctx *ctx, ob_tensor *out, double T[9], const ob_tensor *img, const float *kp, int k,
                        int size, double margin)
{
    OB_REQUIRE(img->ndim == 3 && img->loc == OB_HOST && img->dtype == OB_F32, "align-face: a host (C, H, W) image");
    const int c = (int)img->shape[0], h = (int)img->shape[1], w = (int)img->shape[2];
    double t[9];
    OB_TRY(ob_align_face_transform(t, kp, k, w, h, size, margin));
    if (T) memcpy(T, t, sizeof t);
    const ob_affine2d m = {{t[0], t[1], t[2], t[3], t[4], t[5]}};
    const int64_t in4[4] = {1, c, h, w}, out3[3] = {c, size, size}, out4[4] = {1, c, size, size};
    ob_tensor res = {0}, src, dst, dev_in = {0}, dev_out = {0};
    OB_TRY(ob_tensor_alloc(&res, OB_F32, OB_HOST, 3, out3));
    ob_status s = ob_tensor_wrap(&src, img->data, OB_F32, OB_HOST, 4, in4); /* (1, C, H, W) views */
    if (s == OB_OK) s = ob_tensor_wrap(&dst, res.data, OB_F32, OB_HOST, 4, out4);
    if (s == OB_OK && ob_ctx_location(ctx) == OB_HOST) {
        s = ob_warp_affine_planes(ctx, &dst, &src, &m, 0.0f);
    } else if (s == OB_OK) {
        s = ob_tensor_clone_to(&dev_in, &src, ob_ctx_location(ctx));
        if (s == OB_OK) s = ob_tensor_alloc(&dev_out, OB_F32, ob_ctx_location(ctx), 4, out4);
        if (s == OB_OK) s = ob_warp_affine_planes(ctx, &dev_out, &dev_in, &m, 0.0f);
        if (s == OB_OK) s = ob_tensor_copy(&dst, &dev_out);
    }
    ob_tensor_free(&dev_in), ob_tensor_free(&dev_out);
    if (s != OB_OK) {
        ob_tensor_free(&res);
        return s;
    }
    *out = res;
    return OB_OK;
}
