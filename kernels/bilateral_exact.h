/* bilateral_exact.h — the bilateral filter by brute force (Tomasi & Manduchi
 * 1998), the reference the bilateral grid (bilateral_grid.h) is checked against:
 *     out(p) = sum_q G_s(|p - q|) G_r(g(p) - g(q)) in(q) / sum_q (same weights)
 *     G_s(d) = exp(-d^2 / (2 sigma_s^2)),  G_r(d) = exp(-d^2 / (2 sigma_r^2))
 * over the disc |p - q| <= radius = ceil(3 sigma_s) (the window OpenCV's
 * bilateralFilter uses for d = 2*radius + 1; the weights cut off are below
 * exp(-4.5) = 1.1% of the centre's), q inside the image only (no padding: the
 * border pixels simply have fewer neighbours, as in the grid).
 *
 * Contract
 *   in, guide, out: (h, w) planar float32, caller-owned, contiguous; guide may
 *   equal in (plain bilateral filter) or be another channel (cross bilateral);
 *   out must not overlap either. h, w >= 1; sigma_s, sigma_r > 0 and finite;
 *   radius <= OB_BILATERAL_EXACT_MAX_RADIUS. Cost: O(h w radius^2), so this is
 *   for references and small images (at sigma_s = 16 a pixel reads ~7200).
 *   Sums are float32, added in raster order of q on every path; the centre
 *   weight is 1, so the denominator is >= 1. NaN in in or guide spreads to
 *   the outputs whose window holds it (not checked).
 *
 * Paths
 *   _cpu   OpenMP over rows; 1-D tables of the spatial weight, a per-row disc
 *          half-width table.
 *   _cuda  kernels/bilateral_exact.cu: one thread per pixel, 2-D blocks (cfg
 *          block_x * block_y <= 1024; default 32 x 8); the block walks its
 *          window in bands of rows staged in shared memory (input and guide,
 *          band height x (block_x + 2 radius)), so each input pixel is read from
 *          global memory about (block_y + 2 radius) / band height times per block
 *          rather than once per neighbour. Device pointers (_emu: host pointers).
 *   ob_bilateral_exact: tensors (H, W) or (1, H, W) + context; guide NULL = in.
 *
 * Example
 *   OB_TRY(ob_bilateral_exact_cpu(ref, logi, logi, h, w, 16.f, 0.4f));
 */
#ifndef OB_BILATERAL_EXACT_H
#define OB_BILATERAL_EXACT_H

#include <math.h>

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OB_BILATERAL_EXACT_MAX_RADIUS 2048

/* out (h, w) <- exact bilateral filter of in (h, w) guided by guide (h, w). */
ob_status ob_bilateral_exact_cpu(float *out, const float *in, const float *guide, int h, int w, float sigma_s,
                                 float sigma_r);
ob_status ob_bilateral_exact_cuda(float *out, const float *in, const float *guide, int h, int w, float sigma_s,
                                  float sigma_r, const ob_launch_cfg *cfg);
ob_status ob_bilateral_exact_emu(float *out, const float *in, const float *guide, int h, int w, float sigma_s,
                                 float sigma_r, const ob_launch_cfg *cfg);

/* out (H, W) or (1, H, W) <- in (same shape) guided by guide (same shape; NULL = in). */
ob_status ob_bilateral_exact(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in, const ob_tensor *guide,
                             float sigma_s, float sigma_r);

/* ---- private: shared by the CPU and CUDA paths ----------------------------- */
/* Checks the arguments; *radius = ceil(3 sigma_s). */
ob_status ob_bilateral_exact_check(int *radius, int h, int w, float sigma_s, float sigma_r);
/* Tensor checks of both bilateral filters' entry points: out, in and guide
 * float32 (H, W) or (1, H, W) of one size where ctx computes; op names the filter. */
ob_status ob_bilateral_tensor_args(int *h, int *w, const char *op, const ob_ctx *ctx, const ob_tensor *out,
                                   const ob_tensor *in, const ob_tensor *guide);

#if defined(__CUDACC__)
#define OB_BILX_HD static __host__ __device__ __forceinline__
#else
#define OB_BILX_HD static inline
#endif

/* -1 / (2 sigma^2): the exponent factor of a Gaussian. */
OB_BILX_HD float ob_bilx_neg_half_inv_var(float sigma) { return -0.5f / (sigma * sigma); }
/* Spatial weight at offset k along one axis: G_s(dx, dy) = w(dx) * w(dy). */
OB_BILX_HD float ob_bilx_spatial(int k, float nhiv) { return expf((float)(k * k) * nhiv); }
/* Half-width of the disc |d| <= radius at row offset dy (0 <= |dy| <= radius). */
OB_BILX_HD int ob_bilx_half_width(int dy, int radius)
{
    int hw = (int)sqrtf((float)(radius * radius - dy * dy));
    while (hw * hw > radius * radius - dy * dy) hw--; /* exact integer floor-sqrt */
    while ((hw + 1) * (hw + 1) <= radius * radius - dy * dy) hw++;
    return hw;
}

#ifdef __cplusplus
}
#endif
#endif
