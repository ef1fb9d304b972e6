/* spatial_softmax.c — tensor entry points of spatial_softmax.h. */
#include "spatial_softmax.h"

#include "ob_dispatch.h"

/* x (N, C, H, W): planes and sizes, checked. */
static ob_status planes_of(int *planes, int *h, int *w, const ob_tensor *x, const char *what, ob_ctx *ctx)
{
    OB_TRY(ob_check_f32(x, what, ctx, 4));
    OB_REQUIRE(x->shape[0] * x->shape[1] <= 0x7fffffff && x->shape[2] * x->shape[3] <= 0x7fffffff &&
                   x->shape[2] * x->shape[3] >= 1,
               "%s: planes of %lld x %lld positions unsupported", what, (long long)x->shape[2], (long long)x->shape[3]);
    *planes = (int)(x->shape[0] * x->shape[1]), *h = (int)x->shape[2], *w = (int)x->shape[3];
    return OB_OK;
}

static ob_status same(const ob_tensor *a, const ob_tensor *b, const char *what, ob_ctx *ctx)
{
    char s1[64], s2[64];
    OB_TRY(ob_check_f32(a, what, ctx, 4));
    OB_REQUIRE(ob_tensor_same_shape(a, b), "%s: shapes %s and %s differ", what, ob_tensor_shape_str(a, s1, sizeof s1),
               ob_tensor_shape_str(b, s2, sizeof s2));
    return OB_OK;
}

static ob_status check_xy(const ob_tensor *xy, const ob_tensor *x, const char *what, ob_ctx *ctx)
{
    char s[64];
    OB_TRY(ob_check_f32(xy, what, ctx, 3));
    OB_REQUIRE(xy->shape[0] == x->shape[0] && xy->shape[1] == x->shape[1] && xy->shape[2] == 2,
               "%s: coordinates %s, expected (%lld, %lld, 2)", what, ob_tensor_shape_str(xy, s, sizeof s),
               (long long)x->shape[0], (long long)x->shape[1]);
    return OB_OK;
}

ob_status ob_spatial_softmax(ob_ctx *ctx, ob_tensor *p, const ob_tensor *x)
{
    int planes = 0, h = 0, w = 0;
    OB_TRY(planes_of(&planes, &h, &w, x, "spatial softmax input", ctx));
    OB_TRY(same(p, x, "spatial softmax output", ctx));
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) return ob_spatial_softmax_cpu(ob_tensor_f32(p), ob_tensor_f32(x), planes, h * w);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_spatial_softmax_cuda(ob_tensor_f32(p), ob_tensor_f32(x), planes, h * w, &cfg));
}

ob_status ob_spatial_softmax_backward(ob_ctx *ctx, ob_tensor *gx, const ob_tensor *gp, const ob_tensor *p)
{
    int planes = 0, h = 0, w = 0;
    OB_TRY(planes_of(&planes, &h, &w, p, "spatial softmax output", ctx));
    OB_TRY(same(gp, p, "spatial softmax output gradient", ctx));
    OB_TRY(same(gx, p, "spatial softmax input gradient", ctx));
    float *g = ob_tensor_f32(gx), *go = ob_tensor_f32(gp), *pp = ob_tensor_f32(p);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) return ob_spatial_softmax_backward_cpu(g, go, pp, planes, h * w);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_spatial_softmax_backward_cuda(g, go, pp, planes, h * w, &cfg));
}

ob_status ob_soft_argmax(ob_ctx *ctx, ob_tensor *xy, const ob_tensor *x, ob_softargmax_coords coords)
{
    int planes = 0, h = 0, w = 0;
    OB_TRY(planes_of(&planes, &h, &w, x, "soft-argmax input", ctx));
    OB_TRY(check_xy(xy, x, "soft-argmax output", ctx));
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) return ob_soft_argmax_cpu(ob_tensor_f32(xy), ob_tensor_f32(x), planes, h, w, coords);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_soft_argmax_cuda(ob_tensor_f32(xy), ob_tensor_f32(x), planes, h, w, coords, &cfg));
}

ob_status ob_soft_argmax_backward(ob_ctx *ctx, ob_tensor *gx, const ob_tensor *gxy, const ob_tensor *x,
                                  const ob_tensor *xy, ob_softargmax_coords coords)
{
    int planes = 0, h = 0, w = 0;
    OB_TRY(planes_of(&planes, &h, &w, x, "soft-argmax input", ctx));
    OB_TRY(same(gx, x, "soft-argmax input gradient", ctx));
    OB_TRY(check_xy(xy, x, "soft-argmax output", ctx));
    OB_TRY(check_xy(gxy, x, "soft-argmax output gradient", ctx));
    float *g = ob_tensor_f32(gx), *go = ob_tensor_f32(gxy), *xp = ob_tensor_f32(x), *o = ob_tensor_f32(xy);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) return ob_soft_argmax_backward_cpu(g, go, xp, o, planes, h, w, coords);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_soft_argmax_backward_cuda(g, go, xp, o, planes, h, w, coords, &cfg));
}
