/* psnr.h — mean squared error and peak signal-to-noise ratio of two images.
 *
 * Contract (same numbers as scikit-image's mean_squared_error and
 * peak_signal_noise_ratio(a, b, data_range=R))
 *   mse  = (1/n) * sum_i (a[i] - b[i])^2, differences and sum in double, so the
 *          result does not depend on the order of the two inputs or on how the
 *          sum is split between threads or blocks beyond double rounding.
 *   psnr = 10 * log10(R^2 / mse) in dB; +INFINITY when mse == 0 (identical).
 *   Buffers are caller-owned contiguous float32 of n >= 1 elements; a and b may
 *   alias. Any NaN in the inputs gives a NaN result (not an error).
 *
 * Paths
 *   _cpu   plain C, OpenMP over fixed chunks (host pointers); the chunking does
 *          not depend on the thread count, so the result is reproducible
 *   _cuda  kernels/psnr.cu: grid-stride loop, block reduction in double, one
 *          partial sum per block copied back and summed on the host in block
 *          order (device pointers in, *mse on the host; _emu: the same source
 *          under cuda-emu, host pointers); cfg NULL = 256 threads per block
 *   ob_psnr: tensors + context; any shape, a and b must have the same one.
 *
 * Example
 *   double db;
 *   OB_TRY(ob_psnr(ctx, &db, &img, &ref, 1.0));   // images scaled to [0, 1]
 */
#ifndef OB_PSNR_H
#define OB_PSNR_H

#include <stddef.h>

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* *mse (host) <- mean of (a - b)^2 over n elements. */
ob_status ob_mse_cpu(double *mse, const float *a, const float *b, size_t n);
ob_status ob_mse_cuda(double *mse, const float *a, const float *b, size_t n, const ob_launch_cfg *cfg);
ob_status ob_mse_emu(double *mse, const float *a, const float *b, size_t n, const ob_launch_cfg *cfg);

/* 10 log10(data_range^2 / mse); INFINITY when mse == 0. */
double ob_psnr_from_mse(double mse, double data_range);

/* *psnr <- PSNR of a vs b (same shape, any rank), in dB. data_range > 0. */
ob_status ob_psnr(ob_ctx *ctx, double *psnr, const ob_tensor *a, const ob_tensor *b, double data_range);

#ifdef __cplusplus
}
#endif
#endif
