/* minmax.h — per-plane minimum and maximum of a planar float32 array (the
 * range a bilateral grid or a tone mapper needs before it starts).
 *
 * Contract
 *   x: (planes, n) contiguous float32, caller-owned; planes >= 1, n >= 1.
 *   mins[p], maxs[p] (host arrays of `planes` floats) <- the smallest and the
 *   largest value of plane p. NaN is ignored (a comparison with NaN is false,
 *   so a NaN never replaces a running extreme); +-inf count as values. A plane
 *   whose every value is NaN has no extremes: both come back NaN (the only way
 *   a NaN comes out). Min and max are exact, so the result is the same bits on
 *   every path, whatever the split into threads or blocks.
 *
 * Paths
 *   _cpu   OpenMP over planes x fixed chunks (one thread below 4M elements),
 *          the chunk results combined in order (host pointers)
 *   _cuda  kernels/minmax.cu: two passes, as block_sum.cuh's sums: a grid of
 *          (blocks, planes) walks each plane with a grid-stride loop, reduces
 *          min and max over the block (warp shuffles, then warp 0), one partial
 *          pair per block; the host combines the partials in block order.
 *          Device x, host mins/maxs; the call synchronises cfg's stream. cfg
 *          NULL = 256 threads; block_x a multiple of 32, at most 1024 (_emu:
 *          the same source under cuda-emu, host pointers)
 *   ob_minmax: a tensor of any rank 1..4 + context; the outermost dimension is
 *          the plane ((C, H, W): per channel), a rank-1 tensor is one plane.
 *
 * Example
 *   float lo[3], hi[3];
 *   OB_TRY(ob_minmax(ctx, lo, hi, &img));   // img (3, H, W)
 */
#ifndef OB_MINMAX_H
#define OB_MINMAX_H

#include <math.h>
#include <stddef.h>

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Sizes and pointers both paths check (OB_ERR_ARG naming the bad value). */
ob_status ob_minmax_check(const float *mins, const float *maxs, const float *x, int planes, size_t n);

/* After combining: a plane whose values were all NaN left lo = +inf and
 * hi = -inf (a real +inf or -inf moves both), so lo > hi marks it; both NaN. */
static inline void ob_minmax_finish(float *lo, float *hi)
{
    if (*lo > *hi) *lo = *hi = (float)NAN;
}

ob_status ob_minmax_cpu(float *mins, float *maxs, const float *x, int planes, size_t n);
ob_status ob_minmax_cuda(float *mins, float *maxs, const float *x, int planes, size_t n, const ob_launch_cfg *cfg);
ob_status ob_minmax_emu(float *mins, float *maxs, const float *x, int planes, size_t n, const ob_launch_cfg *cfg);

/* mins, maxs: shape[0] entries for rank >= 2, one for rank 1. */
ob_status ob_minmax(ob_ctx *ctx, float *mins, float *maxs, const ob_tensor *x);

#ifdef __cplusplus
}
#endif
#endif
