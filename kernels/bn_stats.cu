/* bn_stats.cu — GPU path of bn_stats.h (also built under cuda-emu): one
 * thread per channel; the counter is one thread's add, queued on the stream
 * so that the step never waits for a transfer. */
#include "ob_cuda_kernel.h"
#include "bn_stats.h"

__global__ void bn_eval_stats_kernel(float *__restrict__ mean, float *__restrict__ invstd, float *__restrict__ scale,
                                     const float *__restrict__ weight, const float *__restrict__ running_mean,
                                     const float *__restrict__ running_var, int c, float eps)
{
    const int ch = blockIdx.x * blockDim.x + threadIdx.x;
    if (ch >= c) return;
    const float inv = ob_bn_invstd(running_var[ch], eps);
    mean[ch] = running_mean[ch], invstd[ch] = inv, scale[ch] = weight[ch] * inv;
}

__global__ void bn_count_kernel(float *counter) { counter[0] += 1.0f; }

extern "C" ob_status OB_GPU_FN(ob_bn_eval_stats)(float *mean, float *invstd, float *scale, const float *weight,
                                                const float *running_mean, const float *running_var, int c, float eps,
                                                const ob_launch_cfg *cfg)
{
    OB_TRY(ob_bn_stats_check(mean, invstd, scale, weight, running_mean, running_var, c));
    const int block = ob_cfg_block_x(cfg, 128);
    OB_REQUIRE_BLOCK(block >= 1 && block <= 1024, "bn_eval_stats needs 1..1024 threads per block");
    OB_LAUNCH(bn_eval_stats_kernel, ob_ceil_div(c, block), block, 0, ob_cfg_stream(cfg), mean, invstd, scale, weight,
              running_mean, running_var, c, eps);
    OB_CHECK_LAUNCH(bn_eval_stats_kernel);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_bn_count)(float *counter, const ob_launch_cfg *cfg)
{
    OB_REQUIRE(counter, "batch_norm counter: null pointer");
    OB_LAUNCH(bn_count_kernel, 1, 1, 0, ob_cfg_stream(cfg), counter);
    OB_CHECK_LAUNCH(bn_count_kernel);
    return OB_OK;
}
