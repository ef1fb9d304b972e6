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
 *   M = 1 on S (the quilting case); otherwise any finite weights, read on S only,
 *   so a general 0/1 or weighted mask is given as M with the strips as its
 *   bounding rows/columns (ov_top = th when it has no better bound).
 *
 *   Computed through the seed's expansion
 *     cost = sum M*T^2  -  2 * (I (*) M*T)  +  (I^2 (*) M)      [(*): correlation]
 *   with every term accumulated in double (each product of two floats is exact
 *   in double; the sums use explicit fma), then clamped at 0 and stored as float.
 *   Error: |cost - exact| <= ~1e-12 * (sum M*T^2 + sum M*I^2), so the stored
 *   float is the brute-force value to float rounding (tests/test_masked_ssd.c:
 *   rtol 1e-6, atol 1e-9 * scale); an exact match costs 0 up to that error.
 *   Both paths add the terms of one position in the same order (channel, then
 *   top strip row by row, then left strip) and the template energy
 *   sum M*T^2 in the order of ob_masked_ssd_energy, so CPU, cuda-emu and CUDA
 *   give bit-identical costs — which keeps quilt_choose's pick identical too.
 *
 * Paths
 *   _cpu   OpenMP over candidate rows; per row, VEC candidate columns at a time
 *          with their accumulators in registers, looping over the support
 *          (host pointers).
 *   _cuda  kernels/masked_ssd.cu: one block per tile of blockDim.x x
 *          (blockDim.y * OB_SSD_ROWS_PER_THREAD) candidates; per channel the block
 *          loads the sample region the tile needs (tile + support's bounding box
 *          - 1) and the template strips into shared memory, then each thread
 *          accumulates its candidates (device pointers; _emu: the same source
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
#include <stddef.h>

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

/* The template energy sum_c sum_S M*T^2 is added as 32 partial sums ("lanes"):
 * lane l takes the cells q = l, l + 32, ... of the flattened (channel, path)
 * order, each term fma(M, T*T, acc) (T*T exact in double); then the lanes are
 * added by a halving tree (v[l] += v[l + 16], 8, 4, 2, 1). The GPU runs the
 * lanes on one warp with shuffles; the CPU loops over them (masked_ssd.c), so
 * both get the same bits. templ (c, th, tw), weights (th, tw) or NULL. */
OB_SSD_HD double ob_masked_ssd_energy_lane(const float *templ, const float *weights, int c, int th, int tw,
                                           int ov_top, int ov_left, int lane)
{
    const int n = ob_masked_ssd_support(th, tw, ov_top, ov_left);
    double acc = 0;
    for (int q = lane; q < c * n; q += 32) {
        int i, j;
        ob_masked_ssd_cell(q % n, tw, ov_top, ov_left, &i, &j);
        const double t = templ[((size_t)(q / n) * th + i) * tw + j];
        const double m = weights ? (double)weights[i * tw + j] : 1.0;
        acc = fma(m, t * t, acc);
    }
    return acc;
}

/* One position's cost from its three double sums: (A + C) - 2B (2B is exact,
 * so contraction to fma cannot change it), clamped at 0, as float. */
OB_SSD_HD float ob_masked_ssd_finish(double energy, double cross, double sq)
{
    const double v = (energy + sq) - 2.0 * cross;
    return v > 0 ? (float)v : 0.0f;
}

/* The whole energy on the host (host pointers): the lanes above, then the tree. */
double ob_masked_ssd_energy(const float *templ, const float *weights, int c, int th, int tw, int ov_top,
                            int ov_left);

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
