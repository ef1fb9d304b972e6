/* transfer_cost.h — the correspondence term of texture transfer (Efros &
 * Freeman 2001, section 3): how far each candidate patch of the sample is from
 * the target patch it would cover, compared on blurred luminance.
 *
 * Contract
 *   sample_lum Ls (h, w), target_lum Lt (ht, wt), patch side p (1 <= p <= h, w),
 *   target patch origin (ty, tx) inside the target (0 <= ty < ht, 0 <= tx < wt);
 *   cost (ny, nx) = (h - p + 1, w - p + 1):
 *     cost(y, x) = sum_{i < ph, j < pw} (Ls(y + i, x + j) - Lt(ty + i, tx + j))^2
 *   with ph = min(p, ht - ty), pw = min(p, wt - tx): target cells past the
 *   target's edge are skipped (the last row/column of patches of an output may
 *   hang over it; the sample window is always the full p x p, so cost has the
 *   same shape as the overlap SSD it is combined with:
 *   alpha * overlap_ssd + (1 - alpha) * cost in the transfer pipeline).
 *   Differences, squares and sums are in double (d = (double)Ls - (double)Lt,
 *   acc = fma(d, d, acc), i then j in order), stored as float: the CPU and GPU
 *   paths give bit-identical costs, so a seeded transfer picks the same patches
 *   on both.
 *
 *   L, the luminance both maps are made of, is ob_transfer_luminance below:
 *   luma Y = 0.299 R + 0.587 G + 0.114 B (Rec. 601, cv2's RGB2GRAY; 1 channel:
 *   itself; 2 channels: the first, gray + alpha; 4: RGB of RGBA), blurred by
 *   pyramid.h's 5-tap binomial [1 4 6 4 1]/16 per axis — a Gaussian of
 *   sigma = 1 px (the binomial's variance is exactly 1), reflect-101 borders.
 *   The blur keeps single-pixel noise and texture detail out of the match, as
 *   the paper's "blurred luminance" correspondence map asks.
 *
 * Paths
 *   _cpu   OpenMP over candidate rows; per row, 32 candidate columns at a time
 *          with their double accumulators in registers (host pointers).
 *   _cuda  kernels/transfer_cost.cu: one thread per candidate, 2-D blocks (cfg
 *          NULL = 32 x 8; block_x a multiple of 32, <= 1024 threads); the block
 *          walks the target patch in chunks of rows: per chunk it loads the
 *          sample rows its candidates need ((by + rows - 1) x (bx + pw - 1)) and
 *          the target rows into shared memory, then each thread accumulates.
 *          The chunk height is the most rows that fit in 48 KiB (device
 *          pointers; _emu: the same source under cuda-emu, host pointers).
 *   ob_transfer_cost, ob_transfer_luminance: tensors + context.
 *
 * Errors: OB_ERR_ARG for sizes < 1, p larger than the sample, (ty, tx) outside
 * the target, null pointers, block shapes the kernel cannot use (or a patch so
 * wide that one chunk row does not fit in shared memory).
 *
 * Example
 *   // Ls (1, H, W), Lt (1, Ht, Wt) from the images; cost (H-p+1, W-p+1)
 *   OB_TRY(ob_transfer_luminance(ctx, &ls, &sample));
 *   OB_TRY(ob_transfer_luminance(ctx, &lt, &target));
 *   OB_TRY(ob_transfer_cost(ctx, &cost, &ls, &lt, ty, tx, p));
 */
#ifndef OB_TRANSFER_COST_H
#define OB_TRANSFER_COST_H

#include <math.h>
#include <stddef.h>

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__CUDACC__)
#define OB_XFER_HD __host__ __device__ __forceinline__
#else
#define OB_XFER_HD static inline
#endif

/* Rec. 601 luma of one pixel of img (c, h, w) at plane offset i (shared by both paths). */
OB_XFER_HD float ob_transfer_luma_at(const float *img, int c, size_t plane, size_t i)
{
    if (c < 3) return img[i];
    return fmaf(0.114f, img[2 * plane + i], fmaf(0.587f, img[plane + i], 0.299f * img[i]));
}

/* Checks sizes and the target origin (both paths call it); names the bad value. */
ob_status ob_transfer_cost_check(int h, int w, int ht, int wt, int ty, int tx, int p);

/* cost (h-p+1, w-p+1) <- correspondence of sample_lum (h, w) with the target
 * patch of target_lum (ht, wt) at (ty, tx). */
ob_status ob_transfer_cost_cpu(float *cost, const float *sample_lum, const float *target_lum, int h, int w, int ht,
                               int wt, int ty, int tx, int p);
ob_status ob_transfer_cost_cuda(float *cost, const float *sample_lum, const float *target_lum, int h, int w, int ht,
                                int wt, int ty, int tx, int p, const ob_launch_cfg *cfg);
ob_status ob_transfer_cost_emu(float *cost, const float *sample_lum, const float *target_lum, int h, int w, int ht,
                               int wt, int ty, int tx, int p, const ob_launch_cfg *cfg);

/* lum (h, w) <- luma of img (c, h, w), c in 1..4 (not blurred). */
ob_status ob_transfer_luma_check(int c, int h, int w);
ob_status ob_transfer_luma_cpu(float *lum, const float *img, int c, int h, int w);
ob_status ob_transfer_luma_cuda(float *lum, const float *img, int c, int h, int w, const ob_launch_cfg *cfg);
ob_status ob_transfer_luma_emu(float *lum, const float *img, int c, int h, int w, const ob_launch_cfg *cfg);

/* Tensors where the context computes. cost (H-p+1, W-p+1) <- sample_lum
 * (1, H, W) or (H, W), target_lum (1, Ht, Wt) or (Ht, Wt). */
ob_status ob_transfer_cost(ob_ctx *ctx, ob_tensor *cost, const ob_tensor *sample_lum, const ob_tensor *target_lum,
                           int ty, int tx, int p);
/* lum (1, H, W) <- blur(luma(img (C, H, W))), C in 1..4; lum pre-allocated. */
ob_status ob_transfer_luminance(ob_ctx *ctx, ob_tensor *lum, const ob_tensor *img);

#ifdef __cplusplus
}
#endif
#endif
