/* quilt_choose.h — pick the next quilting patch among the `tol` cheapest
 * candidates (Efros & Freeman 2001; the seed's choose_sample).
 *
 * Contract
 *   cost (n) float32, the masked SSD surface flattened (index = y * nx + x).
 *   Candidates are ordered by (cost, index): ties go to the lower index, and NaN
 *   ranks after every number (ob_quilt_key). Let k = min(tol, n) and
 *     r = ob_philox_below(seed, OB_RNG_STREAM_QUILT, draw, k)
 *   (uniform in 0..k-1); the result is the index of the r-th cheapest candidate
 *   (0-based) — a uniform choice among the k cheapest, tol = 1 the argmin with
 *   ties to the lower index. `draw` numbers the choices of one run (the patch
 *   number), so a run is reproducible and any path gives the same pick.
 *   1 <= tol <= OB_QUILT_MAX_TOL, n >= 1. The cost buffer is only read.
 *
 * Paths
 *   _cpu   one pass keeping the r+1 smallest keys in a sorted array (host).
 *   _cuda  kernels/quilt_choose.cu: each block takes a segment of
 *          blockDim.x * OB_QUILT_ITEMS keys and selects its r+1 smallest by r+1
 *          rounds of a block-wide minimum over the keys above the last one
 *          picked (keys are unique, so this is exact and order-free); one
 *          more block merges the per-block lists the same way and writes the
 *          r-th. Device cost in, *chosen on the host (the launcher waits);
 *          a scratch list of blocks * (r+1) keys is allocated per call.
 *          cfg NULL = 256 threads; block_x a multiple of 32, at most 1024.
 *   ob_quilt_choose: a cost tensor of any shape + context.
 *
 * Example
 *   int idx;
 *   OB_TRY(ob_quilt_choose_cpu(&idx, cost, ny * nx, tol, seed, patch_no));
 *   int y = idx / nx, x = idx % nx;
 */
#ifndef OB_QUILT_CHOOSE_H
#define OB_QUILT_CHOOSE_H

#include <stdint.h>
#include <string.h>

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_philox.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OB_QUILT_MAX_TOL 64
#define OB_QUILT_ITEMS 8 /* keys per thread in the GPU's first pass */

#if defined(__CUDACC__)
#define OB_QUILT_HD __host__ __device__ __forceinline__
#else
#define OB_QUILT_HD static inline
#endif

/* The total order on candidates as one unsigned 64-bit key: the float's bits
 * made monotone (negatives flipped, so -0 < +0) in the high word, the index in
 * the low word; every NaN maps above +inf. Smaller key = better candidate. */
OB_QUILT_HD uint64_t ob_quilt_key(float cost, uint32_t index)
{
#if defined(__CUDA_ARCH__)
    uint32_t b = __float_as_uint(cost);
#else
    uint32_t b;
    memcpy(&b, &cost, sizeof b);
#endif
    if ((b & 0x7f800000u) == 0x7f800000u && (b & 0x007fffffu)) b = 0xffffffffu; /* NaN: last */
    else b = (b & 0x80000000u) ? ~b : (b | 0x80000000u);
    return ((uint64_t)b << 32) | index;
}

/* Checks n and tol (both paths call it) and returns the rank to pick. */
ob_status ob_quilt_choose_rank(int *rank, int n, int tol, uint64_t seed, uint64_t draw);

/* *chosen (host) <- index into cost (n) of the pick described above. */
ob_status ob_quilt_choose_cpu(int *chosen, const float *cost, int n, int tol, uint64_t seed, uint64_t draw);
ob_status ob_quilt_choose_cuda(int *chosen, const float *cost, int n, int tol, uint64_t seed, uint64_t draw,
                               const ob_launch_cfg *cfg);
ob_status ob_quilt_choose_emu(int *chosen, const float *cost, int n, int tol, uint64_t seed, uint64_t draw,
                              const ob_launch_cfg *cfg);

/* Tensor entry: cost of any shape (flattened, row-major), float32 where the
 * context computes; *chosen on the host. */
ob_status ob_quilt_choose(ob_ctx *ctx, int *chosen, const ob_tensor *cost, int tol, uint64_t seed, uint64_t draw);

#ifdef __cplusplus
}
#endif
#endif
