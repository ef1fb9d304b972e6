/* pixel_shuffle.c — tensor-level entry points: shape checks, then the CPU or CUDA path. */
#include "pixel_shuffle.h"

#include "ob_dispatch.h"

/* high (N, C, H*r, W*r) and low (N, C*r*r, H, W) must describe the same elements. */
static ob_status check_pair(const ob_tensor *high, const ob_tensor *low, int r, ob_ctx *ctx)
{
    char a[64], b[64];
    OB_TRY(ob_check_f32(high, "pixel shuffle: high-resolution tensor", ctx, 4));
    OB_TRY(ob_check_f32(low, "pixel shuffle: low-resolution tensor", ctx, 4));
    OB_REQUIRE(r >= 1 && r <= 64, "pixel shuffle: factor r=%d outside 1..64", r);
    const int64_t *H = high->shape, *L = low->shape;
    OB_REQUIRE(H[0] == L[0] && L[1] == H[1] * r * r && H[2] == L[2] * r && H[3] == L[3] * r,
               "pixel shuffle r=%d: shapes %s and %s do not correspond ((N, C, H*r, W*r) vs (N, C*r*r, H, W))", r,
               ob_tensor_shape_str(high, a, sizeof a), ob_tensor_shape_str(low, b, sizeof b));
    OB_REQUIRE(ob_tensor_numel(low) > 0, "pixel shuffle: empty tensor");
    OB_REQUIRE(L[1] <= 0x7fffffff && L[2] <= 0x7fffffff && L[3] <= 0x7fffffff, "pixel shuffle: dimension too large");
    return OB_OK;
}

static ob_status run(ob_ctx *ctx, ob_tensor *high, ob_tensor *low, int r, int to_high)
{
    OB_TRY(check_pair(high, low, r, ctx));
    int n = (int)high->shape[0], c = (int)high->shape[1], h = (int)low->shape[2], w = (int)low->shape[3];
    float *hi = ob_tensor_f32(high), *lo = ob_tensor_f32(low);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU)
        return to_high ? ob_pixel_shuffle_cpu(hi, lo, n, c, h, w, r) : ob_pixel_unshuffle_cpu(lo, hi, n, c, h, w, r);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return to_high ? OB_CUDA_PATH(ob_pixel_shuffle_cuda(hi, lo, n, c, h, w, r, &cfg))
                   : OB_CUDA_PATH(ob_pixel_unshuffle_cuda(lo, hi, n, c, h, w, r, &cfg));
}

ob_status ob_pixel_shuffle(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in, int r)
{
    return run(ctx, out, (ob_tensor *)in, r, 1);
}

ob_status ob_pixel_unshuffle(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in, int r)
{
    return run(ctx, (ob_tensor *)in, out, r, 0);
}

ob_status ob_pixel_shuffle_backward(ob_ctx *ctx, ob_tensor *grad_in, const ob_tensor *grad_out, int r)
{
    return ob_pixel_unshuffle(ctx, grad_in, grad_out, r);
}

ob_status ob_pixel_unshuffle_backward(ob_ctx *ctx, ob_tensor *grad_in, const ob_tensor *grad_out, int r)
{
    return ob_pixel_shuffle(ctx, grad_in, grad_out, r);
}
