/* quilt_choose.c — the argument checks and the random rank both choose paths
 * share, and the tensor-level entry point. */
#include "quilt_choose.h"

#include "ob_dispatch.h"

ob_status ob_quilt_choose_rank(int *rank, int n, int tol, uint64_t seed, uint64_t draw)
{
    OB_REQUIRE(n >= 1, "quilt_choose: no candidates (n = %d)", n);
    OB_REQUIRE(tol >= 1 && tol <= OB_QUILT_MAX_TOL, "quilt_choose: tol %d must be in 1..%d", tol, OB_QUILT_MAX_TOL);
    const int k = tol < n ? tol : n;
    *rank = (int)ob_philox_below(seed, OB_RNG_STREAM_QUILT, draw, (uint32_t)k);
    return OB_OK;
}

ob_status ob_quilt_choose(ob_ctx *ctx, int *chosen, const ob_tensor *cost, int tol, uint64_t seed, uint64_t draw)
{
    char a[64];
    OB_REQUIRE(chosen, "quilt_choose: no output pointer");
    OB_TRY(ob_check_f32(cost, "quilt_choose: cost", ctx, 0));
    const int64_t n = ob_tensor_numel(cost);
    OB_REQUIRE(n >= 1 && n <= 0x7fffffff, "quilt_choose: cost %s must have 1 .. 2^31-1 elements",
               ob_tensor_shape_str(cost, a, sizeof a));
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU)
        return ob_quilt_choose_cpu(chosen, ob_tensor_f32(cost), (int)n, tol, seed, draw);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_quilt_choose_cuda(chosen, ob_tensor_f32(cost), (int)n, tol, seed, draw, &cfg));
}
