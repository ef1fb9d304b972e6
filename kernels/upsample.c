/* upsample.c — tensor entry points of upsample.h. */
#include "upsample.h"

#include "ob_dispatch.h"

static ob_status check(const ob_tensor *lo, const ob_tensor *hi, int s, ob_ctx *ctx)
{
    char a[64], b[64];
    OB_TRY(ob_check_f32(lo, "upsample input", ctx, 4));
    OB_TRY(ob_check_f32(hi, "upsample output", ctx, 4));
    OB_REQUIRE(s >= 1 && s <= 64, "upsample: scale %d outside 1..64", s);
    OB_REQUIRE(hi->shape[0] == lo->shape[0] && hi->shape[1] == lo->shape[1] && hi->shape[2] == lo->shape[2] * s &&
                   hi->shape[3] == lo->shape[3] * s,
               "upsample x%d: %s does not map to %s", s, ob_tensor_shape_str(lo, a, sizeof a),
               ob_tensor_shape_str(hi, b, sizeof b));
    OB_REQUIRE(lo->shape[0] * lo->shape[1] <= 0x7fffffff && hi->shape[2] <= 0x7fffffff && hi->shape[3] <= 0x7fffffff,
               "upsample: tensor too large");
    return OB_OK;
}

ob_status ob_upsample(ob_ctx *ctx, ob_tensor *y, const ob_tensor *x, int s, int bilinear)
{
    OB_TRY(check(x, y, s, ctx));
    const int planes = (int)(x->shape[0] * x->shape[1]), h = (int)x->shape[2], w = (int)x->shape[3];
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU)
        return ob_upsample_cpu(ob_tensor_f32(y), ob_tensor_f32(x), planes, h, w, s, bilinear);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_upsample_cuda(ob_tensor_f32(y), ob_tensor_f32(x), planes, h, w, s, bilinear, &cfg));
}

ob_status ob_upsample_backward(ob_ctx *ctx, ob_tensor *gx, const ob_tensor *gy, int s, int bilinear)
{
    OB_TRY(check(gx, gy, s, ctx));
    const int planes = (int)(gx->shape[0] * gx->shape[1]), h = (int)gx->shape[2], w = (int)gx->shape[3];
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU)
        return ob_upsample_backward_cpu(ob_tensor_f32(gx), ob_tensor_f32(gy), planes, h, w, s, bilinear);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_upsample_backward_cuda(ob_tensor_f32(gx), ob_tensor_f32(gy), planes, h, w, s, bilinear, &cfg));
}
