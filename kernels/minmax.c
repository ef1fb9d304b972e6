/* minmax.c — argument checks both min/max paths share, and the tensor entry. */
#include "minmax.h"

#include "ob_dispatch.h"

ob_status ob_minmax_check(const float *mins, const float *maxs, const float *x, int planes, size_t n)
{
    OB_REQUIRE(mins && maxs && x, "minmax: null pointer");
    OB_REQUIRE(planes >= 1 && planes <= 65535, "minmax: %d planes (need 1 to 65535)", planes);
    OB_REQUIRE(n >= 1, "minmax: empty planes (n = 0)");
    return OB_OK;
}

ob_status ob_minmax(ob_ctx *ctx, float *mins, float *maxs, const ob_tensor *x)
{
    char s[64];
    OB_TRY(ob_check_f32(x, "minmax: input", ctx, 0));
    const int planes = x->ndim == 1 ? 1 : (int)x->shape[0];
    OB_REQUIRE(x->ndim == 1 || x->shape[0] <= 65535, "minmax: too many planes in %s",
               ob_tensor_shape_str(x, s, sizeof s));
    const size_t n = (size_t)ob_tensor_numel(x) / (size_t)(planes > 0 ? planes : 1);
    OB_REQUIRE(n >= 1 && planes >= 1, "minmax: empty tensor %s", ob_tensor_shape_str(x, s, sizeof s));
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) return ob_minmax_cpu(mins, maxs, ob_tensor_f32(x), planes, n);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_minmax_cuda(mins, maxs, ob_tensor_f32(x), planes, n, &cfg));
}
