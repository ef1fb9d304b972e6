/* masked_ssd.h — masked sum of squared differences of a template against every
 * placement in a sample, by direct filtering (no FFT): the cost surface image
 * quilting (Efros & Freeman 2001) chooses its next patch from.
 *
 * Contract
 *   sample I (C, H, W), template T (C, th, tw), weights M (th, tw) or none,
 *   cost (ny, nx) with ny = H - th + 1, nx = W - tw + 1 (th <= H, tw <= W):
 *     cost(y, x) = sum_c sum_{(i,j) in S} M(i,j) * (T(c,i,j) - I(c, y+i, x+j))^2
 *   S, the support, is the union of a top strip of `ov_top` rows and a left strip
 *   of `ov_left` columns of the template: L-shaped (both > 0), top-only
 *   (ov_left = 0), left-only (ov_top = 0); the whole template is ov_top = th.
 *   Only S is read — the overlaps of quilting are thin strips. M = NULL means
 *   M = 1 on S (the quilting case); otherwise finite weights >= 0, read on S only,
 *   so a general 0/1 or weighted mask is given as M with the strips as its
 *   bounding rows/columns (ov_top = th when it has no better bound).
 *
 *   Computed directly, as sum M * (T - I)^2, not through the seed's expansion
 *   sum M*T^2 - 2 * (I (*) M*T) + (I^2 (*) M) — the same quantity, whose three
 *   terms are typically 1e2..1e3 times a good match's cost, so in float32 they
 *   cancel, and in double they cost about twice the direct float sum. The
 *   direct sum has no cancellation, is >= 0 for M >= 0 by construction (no
 *   clamping), and an exact match costs exactly 0 (the seed's "tol = 1
 *   reproduces the sample").
 *   Accumulation: each (channel, template row) of the support is summed in
 *   float with fmaf, the row sums in double, so with L = the longest row of the
 *   support (tw, or ov_left when ov_top = 0)
 *     |cost - exact| <= (L + 3) * 2^-24 * exact     (M >= 0)
 *   (T - I and M*d round once each, d*d doubles that, a row's float sum adds
 *   L - 1 roundings, the float store one),
 *   checked against a double brute force in tests/test_masked_ssd.c.
 *   Both paths do these operations in the same order (channel, template row,
 *   column), so CPU, cuda-emu and CUDA give bit-identical costs — which keeps
 *   quilt_choose's pick identical across backends.
 *
 * Paths
 *   _cpu   OpenMP over tiles of 32 candidate rows x 64 columns; per row, the
 *          tile's candidates share registers while the support streams past
 *          (host pointers).
 *   _cuda  kernels/masked_ssd.cu: one block per tile of blockDim.x x
 *          (blockDim.y * OB_SSD_ROWS_PER_THREAD) candidates; per channel the block
 *          loads the sample region the tile needs (tile + support's bounding box
 *          - 1) and the template on the support into shared memory, then each
 *          thread accumulates its candidates (device pointers; _emu: the same source
 *          under cuda-emu, host pointers). cfg NULL = 32 x 8, block_x a multiple
 *          of 32, at most 1024 threads.
 *   ob_masked_ssd: tensors + context.
 *
 * Errors: OB_ERR_ARG for sizes < 1, a template larger than the sample, strips
 * outside 0..th / 0..tw or an empty support, null pointers.
 *
 * Example
 *   // cost (H-p+1, W-p+1) of an L-shaped overlap of `ov` pixels
 *   OB_TRY(ob_masked_ssd_cpu(cost, sample, templ, NULL, 3, H, W, p, p, ov, ov));
 */
#ifndef OB_MASKED_SSD_H
#define OB_MASKED_SSD_H

#include <math.h>

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OB_SSD_ROWS_PER_THREAD 2 /* candidate rows each GPU thread computes */

/* Checks sizes and strips (both paths call it); message names the bad value. */
ob_status ob_masked_ssd_check(int c, int h, int w, int th, int tw, int ov_top, int ov_left);

#if defined(__CUDACC__)
#define OB_SSD_HD __host__ __device__ __forceinline__
#else
#define OB_SSD_HD static inline
#endif

/* Number of support cells per channel: ov_top * tw + (th - ov_top) * ov_left. */
OB_SSD_HD int ob_masked_ssd_support(int th, int tw, int ov_top, int ov_left)
{
    return ov_top * tw + (th - ov_top) * ov_left;
}

/* The q-th support cell of a channel in path order (top strip row by row, then
 * the left strip below it row by row) -> (*i, *j); 0 <= q < support. */
OB_SSD_HD void ob_masked_ssd_cell(int q, int tw, int ov_top, int ov_left, int *i, int *j)
{
    if (q < ov_top * tw) {
        *i = q / tw, *j = q % tw;
    } else {
        q -= ov_top * tw;
        *i = ov_top + q / ov_left, *j = q % ov_left;
    }
}

/* One support cell's term added to its row's float sum: d = T - I, then
 * acc + d*d (M = 1) or acc + (M*d)*d, rounded once by fmaf. Both paths add a
 * (channel, template row)'s terms this way, column by column, and the row sums
 * in double, in the same order. */
OB_SSD_HD float ob_masked_ssd_term(float acc, float t, float x)
{
    const float d = t - x;
    return fmaf(d, d, acc);
}
OB_SSD_HD float ob_masked_ssd_wterm(float acc, float m, float t, float x)
{
    const float d = t - x;
    return fmaf(m * d, d, acc);
}

/* cost (ny, nx) <- masked SSD of templ (c, th, tw) at every placement in
 * sample (c, h, w); weights (th, tw) or NULL. */
ob_status ob_masked_ssd_cpu(float *cost, const float *sample, const float *templ, const float *weights, int c,
                            int h, int w, int th, int tw, int ov_top, int ov_left);
ob_status ob_masked_ssd_cuda(float *cost, const float *sample, const float *templ, const float *weights, int c,
                             int h, int w, int th, int tw, int ov_top, int ov_left, const ob_launch_cfg *cfg);
ob_status ob_masked_ssd_emu(float *cost, const float *sample, const float *templ, const float *weights, int c,
                            int h, int w, int th, int tw, int ov_top, int ov_left, const ob_launch_cfg *cfg);

/* Tensors: cost (H-th+1, W-tw+1) <- sample (C, H, W), templ (C, th, tw),
 * weights (th, tw) or NULL; all float32 where the context computes. */
ob_status ob_masked_ssd(ob_ctx *ctx, ob_tensor *cost, const ob_tensor *sample, const ob_tensor *templ,
                        const ob_tensor *weights, int ov_top, int ov_left);

#ifdef __cplusplus
}
#endif
#endif
