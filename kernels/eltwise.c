/* eltwise.c — tensor entry points of eltwise.h: checks, then the CPU or CUDA path. */
#include "eltwise.h"

#include "ob_dispatch.h"

static ob_status check_same(const ob_tensor *a, const ob_tensor *b, const char *what, ob_ctx *ctx)
{
    char s1[64], s2[64];
    OB_TRY(ob_check_f32(a, what, ctx, 0));
    OB_TRY(ob_check_f32(b, what, ctx, 0));
    OB_REQUIRE(ob_tensor_numel(a) == ob_tensor_numel(b), "%s: shapes %s and %s differ", what,
               ob_tensor_shape_str(a, s1, sizeof s1), ob_tensor_shape_str(b, s2, sizeof s2));
    return OB_OK;
}

ob_status ob_act_forward(ob_ctx *ctx, ob_tensor *y, const ob_tensor *x, ob_act_kind k, float slope)
{
    OB_TRY(check_same(y, x, ob_act_name(k), ctx));
    const int64_t n = ob_tensor_numel(x);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) return ob_act_forward_cpu(ob_tensor_f32(y), ob_tensor_f32(x), n, k, slope);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_act_forward_cuda(ob_tensor_f32(y), ob_tensor_f32(x), n, k, slope, &cfg));
}

ob_status ob_act_backward(ob_ctx *ctx, ob_tensor *gx, const ob_tensor *gy, const ob_tensor *x, const ob_tensor *y,
                          ob_act_kind k, float slope)
{
    OB_TRY(check_same(gx, gy, ob_act_name(k), ctx));
    const int needs_y = k == OB_ACT_TANH || k == OB_ACT_SIGMOID;
    const ob_tensor *used = needs_y ? y : x;
    OB_REQUIRE(used != NULL, "%s backward: needs the %s", ob_act_name(k), needs_y ? "output" : "input");
    OB_TRY(check_same(gy, used, ob_act_name(k), ctx));
    const float *xp = needs_y ? NULL : ob_tensor_f32(x), *yp = needs_y ? ob_tensor_f32(y) : NULL;
    const int64_t n = ob_tensor_numel(gy);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU)
        return ob_act_backward_cpu(ob_tensor_f32(gx), ob_tensor_f32(gy), xp, yp, n, k, slope);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_act_backward_cuda(ob_tensor_f32(gx), ob_tensor_f32(gy), xp, yp, n, k, slope, &cfg));
}

ob_status ob_add(ob_ctx *ctx, ob_tensor *out, const ob_tensor *a, const ob_tensor *b)
{
    OB_TRY(check_same(out, a, "add", ctx));
    OB_TRY(check_same(a, b, "add", ctx));
    const int64_t n = ob_tensor_numel(a);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) return ob_add_cpu(ob_tensor_f32(out), ob_tensor_f32(a), ob_tensor_f32(b), n);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_add_cuda(ob_tensor_f32(out), ob_tensor_f32(a), ob_tensor_f32(b), n, &cfg));
}

ob_status ob_dropout(ob_ctx *ctx, ob_tensor *y, const ob_tensor *x, float p, uint64_t seed, uint64_t step)
{
    OB_TRY(check_same(y, x, "dropout", ctx));
    const int64_t n = ob_tensor_numel(x);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) return ob_dropout_cpu(ob_tensor_f32(y), ob_tensor_f32(x), n, p, seed, step);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_dropout_cuda(ob_tensor_f32(y), ob_tensor_f32(x), n, p, seed, step, &cfg));
}
