/* spatial_softmax.h — softmax over the H*W positions of each (n, c) plane, and
 * the soft-argmax: the expected (x, y) position under that softmax.
 *
 * Contract
 *   x (planes, H, W) logits, planes = N*C, contiguous float32, caller-owned.
 *   softmax     p[i] = exp(x[i] - m) / sum_j exp(x[j] - m), m = max_j x[j]
 *               (max-subtracted: no overflow for any finite logits)
 *   backward    gx[i] = p[i] * (gp[i] - sum_j gp[j] p[j])
 *   soft-argmax xy[plane] = (sum_i p[i] X(i), sum_i p[i] Y(i)), written as
 *               (planes, 2), x first. Coordinates:
 *                 OB_SOFTARGMAX_PIXEL       X = column, Y = row (0 .. W-1, 0 .. H-1:
 *                                           pixel centres, as argmax would index)
 *                 OB_SOFTARGMAX_NORMALIZED  X = -1 + 2 col / (W - 1), Y likewise
 *                                           (linspace(-1, 1, W): kornia's
 *                                           spatial_soft_argmax2d; 0 when W = 1)
 *   soft-argmax backward (from the logits and the forward's xy):
 *               gx[i] = p[i] * (gX (X(i) - x) + gY (Y(i) - y))
 *   Sums are in double on the CPU and in a fixed-order block reduction (double)
 *   on the GPU; the two agree within a few float ulps (parity: 1e-6 abs + 1e-5 rel).
 *
 * Paths
 *   _cpu   one plane per OpenMP iteration: max, sum, write
 *   _cuda  kernels/spatial_softmax.cu: one block per plane, threads striding
 *          over H*W, block reductions (warp shuffles, then one warp) for the
 *          max and the sums; cfg block_x a multiple of 32 up to 1024 (default
 *          256). Device pointers (_emu: the same source under cuda-emu).
 *   ob_spatial_softmax*, ob_soft_argmax*: tensors (N, C, H, W) + context.
 */
#ifndef OB_SPATIAL_SOFTMAX_H
#define OB_SPATIAL_SOFTMAX_H

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { OB_SOFTARGMAX_PIXEL = 0, OB_SOFTARGMAX_NORMALIZED = 1 } ob_softargmax_coords;

ob_status ob_spatial_softmax_cpu(float *p, const float *x, int planes, int hw);
ob_status ob_spatial_softmax_backward_cpu(float *gx, const float *gp, const float *p, int planes, int hw);
ob_status ob_soft_argmax_cpu(float *xy, const float *x, int planes, int h, int w, ob_softargmax_coords coords);
ob_status ob_soft_argmax_backward_cpu(float *gx, const float *gxy, const float *x, const float *xy, int planes, int h,
                                      int w, ob_softargmax_coords coords);

#define OB_SPATIAL_SOFTMAX_GPU_DECL(sfx)                                                                          \
    ob_status ob_spatial_softmax_##sfx(float *p, const float *x, int planes, int hw, const ob_launch_cfg *cfg);   \
    ob_status ob_spatial_softmax_backward_##sfx(float *gx, const float *gp, const float *p, int planes, int hw,   \
                                                const ob_launch_cfg *cfg);                                         \
    ob_status ob_soft_argmax_##sfx(float *xy, const float *x, int planes, int h, int w,                           \
                                   ob_softargmax_coords coords, const ob_launch_cfg *cfg);                        \
    ob_status ob_soft_argmax_backward_##sfx(float *gx, const float *gxy, const float *x, const float *xy,         \
                                            int planes, int h, int w, ob_softargmax_coords coords,                \
                                            const ob_launch_cfg *cfg);
OB_SPATIAL_SOFTMAX_GPU_DECL(cuda)
OB_SPATIAL_SOFTMAX_GPU_DECL(emu)

/* p (N, C, H, W) <- x (N, C, H, W). */
ob_status ob_spatial_softmax(ob_ctx *ctx, ob_tensor *p, const ob_tensor *x);
ob_status ob_spatial_softmax_backward(ob_ctx *ctx, ob_tensor *gx, const ob_tensor *gp, const ob_tensor *p);
/* xy (N, C, 2) <- x (N, C, H, W). */
ob_status ob_soft_argmax(ob_ctx *ctx, ob_tensor *xy, const ob_tensor *x, ob_softargmax_coords coords);
ob_status ob_soft_argmax_backward(ob_ctx *ctx, ob_tensor *gx, const ob_tensor *gxy, const ob_tensor *x,
                                  const ob_tensor *xy, ob_softargmax_coords coords);

/* Coordinate of index i along an axis of n positions. */
#if defined(__CUDACC__)
__host__ __device__ __forceinline__
#else
static inline
#endif
float ob_softargmax_coord(int i, int n, int coords)
{
    if (coords == OB_SOFTARGMAX_PIXEL) return (float)i;
    return n > 1 ? -1.0f + 2.0f * (float)i / (float)(n - 1) : 0.0f;
}

#ifdef __cplusplus
}
#endif
#endif
