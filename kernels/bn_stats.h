/* bn_stats.h — the small per-channel bookkeeping of batch_norm2d that would
 * otherwise round-trip to the host on a GPU: the evaluation statistics and
 * the batch counter.
 *
 * Contract
 *   ob_bn_eval_stats: for c channels, from the running statistics,
 *     mean[ch]   = running_mean[ch]
 *     invstd[ch] = 1 / sqrt(running_var[ch] + eps)   (double, rounded once)
 *     scale[ch]  = weight[ch] * invstd[ch]           (float)
 *   what an eval forward normalises with and its backward needs (nets/
 *   batchnorm.c); ob_bn_invstd is the one formula, shared with the layer's
 *   CPU forward. Outputs do not alias inputs.
 *   ob_bn_count: counter[0] += 1 (num_batches_tracked, kept as float32 like
 *   the layer's other parameters: exact up to 2^24 batches).
 *
 * Paths
 *   _cpu   plain loops
 *   _cuda  kernels/bn_stats.cu, one thread per channel / one thread (device
 *          pointers; _emu: the same source under cuda-emu); cfg NULL = 128
 *   The same bits on both paths: the arithmetic is the shared inline code.
 *
 * Errors: OB_ERR_ARG for c < 1 or a NULL pointer.
 */
#ifndef OB_KERNEL_BN_STATS_H
#define OB_KERNEL_BN_STATS_H

#include <math.h>

#include "ob_launch.h"
#include "ob_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__CUDACC__)
#define OB_BN_HD __host__ __device__ __forceinline__
#else
#define OB_BN_HD static inline
#endif

OB_BN_HD float ob_bn_invstd(float var, float eps) { return (float)(1.0 / sqrt((double)var + (double)eps)); }

ob_status ob_bn_stats_check(const void *a, const void *b, const void *c, const void *d, const void *e,
                            const void *f, int channels);

ob_status ob_bn_eval_stats_cpu(float *mean, float *invstd, float *scale, const float *weight,
                               const float *running_mean, const float *running_var, int c, float eps);
ob_status ob_bn_eval_stats_cuda(float *mean, float *invstd, float *scale, const float *weight,
                                const float *running_mean, const float *running_var, int c, float eps,
                                const ob_launch_cfg *cfg);
ob_status ob_bn_eval_stats_emu(float *mean, float *invstd, float *scale, const float *weight,
                               const float *running_mean, const float *running_var, int c, float eps,
                               const ob_launch_cfg *cfg);

ob_status ob_bn_count_cpu(float *counter);
ob_status ob_bn_count_cuda(float *counter, const ob_launch_cfg *cfg);
ob_status ob_bn_count_emu(float *counter, const ob_launch_cfg *cfg);

#ifdef __cplusplus
}
#endif
#endif
