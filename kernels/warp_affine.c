/* warp_affine.c — the inverse map and the tensor entry point of warp_affine.h. */
#include "warp_affine.h"

#include "ob_dispatch.h"

ob_status ob_warp_affine_invert(ob_affine2d *inv, const ob_affine2d *m)
{
    const double *a = m->m, det = a[0] * a[4] - a[1] * a[3];
    OB_REQUIRE(fabs(det) > 1e-12, "warp_affine: singular affine map (det %g)", det);
    double *r = inv->m;
    r[0] = a[4] / det, r[1] = -a[1] / det, r[3] = -a[3] / det, r[4] = a[0] / det;
    r[2] = -(r[0] * a[2] + r[1] * a[5]);
    r[5] = -(r[3] * a[2] + r[4] * a[5]);
    return OB_OK;
}

ob_status ob_warp_affine_planes(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in, const ob_affine2d *m, float fill)
{
    char a[64], b[64];
    OB_TRY(ob_check_f32(in, "warp_affine input", ctx, 4));
    OB_TRY(ob_check_f32(out, "warp_affine output", ctx, 4));
    OB_REQUIRE(out->shape[0] == in->shape[0] && out->shape[1] == in->shape[1],
               "warp_affine: %s and %s differ in images or channels", ob_tensor_shape_str(in, a, sizeof a),
               ob_tensor_shape_str(out, b, sizeof b));
    OB_REQUIRE(in->shape[0] * in->shape[1] <= 0x7fffffff, "warp_affine: too many planes");
    ob_affine2d inv;
    OB_TRY(ob_warp_affine_invert(&inv, m));
    const int planes = (int)(in->shape[0] * in->shape[1]), h = (int)in->shape[2], w = (int)in->shape[3];
    const int oh = (int)out->shape[2], ow = (int)out->shape[3];
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU)
        return ob_warp_affine_cpu(ob_tensor_f32(out), ob_tensor_f32(in), planes, h, w, oh, ow, inv, fill);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(
        ob_warp_affine_cuda(ob_tensor_f32(out), ob_tensor_f32(in), planes, h, w, oh, ow, inv, fill, &cfg));
}
