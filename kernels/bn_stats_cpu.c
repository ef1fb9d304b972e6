/* bn_stats_cpu.c — the CPU path of bn_stats.h. */
#include "bn_stats.h"

ob_status ob_bn_eval_stats_cpu(float *mean, float *invstd, float *scale, const float *weight,
                               const float *running_mean, const float *running_var, int c, float eps)
{
    OB_TRY(ob_bn_stats_check(mean, invstd, scale, weight, running_mean, running_var, c));
    for (int ch = 0; ch < c; ch++) {
        mean[ch] = running_mean[ch];
        invstd[ch] = ob_bn_invstd(running_var[ch], eps);
        scale[ch] = weight[ch] * invstd[ch];
    }
    return OB_OK;
}

ob_status ob_bn_count_cpu(float *counter)
{
    OB_REQUIRE(counter, "batch_norm counter: null pointer");
    counter[0] += 1.0f;
    return OB_OK;
}
