/* seam_dp.h — minimum error boundary cut through a quilting overlap (Efros &
 * Freeman 2001, section 2.1): the cheapest 8-connected path through an error
 * surface, by dynamic programming, and the patch mask it cuts.
 *
 * Contract
 *   e (rows, cols) float32, row-major: the error surface of one overlap strip
 *   (the caller's (old - new)^2 summed over channels, say).
 *   OB_SEAM_VERTICAL    a path from the top row to the bottom through a strip
 *                       `cols` wide: path[i] = the column of row i (rows
 *                       entries). Cumulative cost
 *                         E(0, j) = e(0, j)
 *                         E(i, j) = e(i, j) + min(E(i-1, j-1), E(i-1, j), E(i-1, j+1))
 *                       over the neighbours that exist.
 *   OB_SEAM_HORIZONTAL  the same along columns, left to right, through a strip
 *                       `rows` tall: path[j] = the row of column j (cols entries).
 *   |path[s] - path[s-1]| <= 1 (8-connected), and the path's sum of e is minimal
 *   among all such paths (up to float rounding of E). Ties: the end goes to the
 *   lowest index with the least E, and each step back to the lowest of the
 *   three neighbours with the least E (ob_seam_backtrack; both paths share it,
 *   and E is the same float arithmetic on both, so paths are identical).
 *   NaN in e: unspecified path, still connected and in range.
 *
 *   Error surface (the DP's input, from two strided views of planar images):
 *     e(i, j) = sum_c (a(c, i, j) - b(c, i, j))^2,  i < rows, j < cols,
 *   a(c, i, j) at a[c * a_plane + i * a_row + j] (the same for b): the output's
 *   overlap strip and the candidate patch's, say. Float, one fmaf per channel in
 *   channel order on both paths, so the surfaces are bit-identical.
 *
 *   Masks (1 = take the new patch, 0 = keep the old; the seam pixel is new):
 *     vertical seam   mask(i, j) = j >= path[i]  (left of the seam old, right new)
 *     horizontal seam mask(i, j) = i >= path[j]  (above the seam old, below new)
 *   ob_seam_mask builds a (ph, pw) patch mask from a vertical seam through its
 *   left ov_left columns and/or a horizontal seam through its top ov_top rows;
 *   where both strips overlap (the corner) the new patch is kept only where
 *   both say new (logical AND, as the seed combines them); 1 elsewhere.
 *
 * Paths
 *   _cpu   straightforward DP into a (rows, cols) buffer, then the backtrack
 *          (host pointers); batch seams one after another; the error surface
 *          and the mask pixel by pixel.
 *   _cuda  kernels/seam_dp.cu: one block per seam of a batch; E in shared
 *          memory, the steps sequential with the cross-section in parallel
 *          (__syncthreads between steps), backtrack by one thread; the error
 *          and mask kernels one thread per pixel (device pointers; _emu: the same
 *          source under cuda-emu, host pointers). cfg NULL = 32 threads,
 *          block_x a multiple of 32, at most 1024; E must fit 48 KiB of shared
 *          memory (rows * cols <= 12288).
 *   ob_seam_dp: an error-surface tensor + context.
 *
 * Errors: OB_ERR_ARG for sizes < 1, an unknown direction, strips wider than
 * the patch, null pointers. Strides are the caller's: views must lie inside
 * their buffers.
 *
 * Example
 *   // e_left: the left overlap of the output at (oy, ox) vs the patch at (sy, sx)
 *   OB_TRY(ob_seam_error_cpu(e_left, out + oy * OW + ox, OH * OW, OW, smp + sy * W + sx, H * W, W, 3, P, ov));
 *   int vpath[P], hpath[P];
 *   OB_TRY(ob_seam_dp_cpu(vpath, e_left, 1, P, ov, OB_SEAM_VERTICAL));   // e_left (P, ov)
 *   OB_TRY(ob_seam_dp_cpu(hpath, e_top, 1, ov, P, OB_SEAM_HORIZONTAL));  // e_top (ov, P)
 *   OB_TRY(ob_seam_mask_cpu(mask, vpath, hpath, P, P, ov, ov));          // mask (P, P)
 */
#ifndef OB_SEAM_DP_H
#define OB_SEAM_DP_H

#include <math.h>

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { OB_SEAM_VERTICAL = 0, OB_SEAM_HORIZONTAL = 1 } ob_seam_dir;

#if defined(__CUDACC__)
#define OB_SEAM_HD __host__ __device__ __forceinline__
#else
#define OB_SEAM_HD static inline
#endif

/* Index of the cumulative cost at (step s, cross position x) in a row-major
 * (rows, cols) buffer: steps are rows for a vertical seam, columns for a
 * horizontal one. */
OB_SEAM_HD int ob_seam_at(int s, int x, int cols, ob_seam_dir dir)
{
    return dir == OB_SEAM_VERTICAL ? s * cols + x : x * cols + s;
}

/* One DP cell: E(s, x) = e(s, x) + min over the step-(s-1) neighbours x-1..x+1
 * inside 0..width-1 (s >= 1). Compared in that order with `<`, the float sum is
 * the same on every path. */
OB_SEAM_HD float ob_seam_relax(const float *E, const float *e, int s, int x, int width, int cols, ob_seam_dir dir)
{
    float best = E[ob_seam_at(s - 1, x, cols, dir)];
    if (x > 0 && E[ob_seam_at(s - 1, x - 1, cols, dir)] < best) best = E[ob_seam_at(s - 1, x - 1, cols, dir)];
    if (x + 1 < width && E[ob_seam_at(s - 1, x + 1, cols, dir)] < best) best = E[ob_seam_at(s - 1, x + 1, cols, dir)];
    return e[ob_seam_at(s, x, cols, dir)] + best;
}

/* path (len) <- the seam through the filled cumulative costs E: the least
 * E(len-1, x) (lowest x on ties), then back step by step to the least of the
 * three neighbours (lowest x on ties). len = steps, width = cross section. */
OB_SEAM_HD void ob_seam_backtrack(int *path, const float *E, int len, int width, int cols, ob_seam_dir dir)
{
    int x = 0;
    for (int k = 1; k < width; k++)
        if (E[ob_seam_at(len - 1, k, cols, dir)] < E[ob_seam_at(len - 1, x, cols, dir)]) x = k;
    path[len - 1] = x;
    for (int s = len - 2; s >= 0; s--) {
        const int lo = x > 0 ? x - 1 : 0, hi = x + 1 < width ? x + 1 : width - 1;
        int best = lo;
        for (int k = lo + 1; k <= hi; k++)
            if (E[ob_seam_at(s, k, cols, dir)] < E[ob_seam_at(s, best, cols, dir)]) best = k;
        path[s] = x = best;
    }
}

/* Mask value at patch pixel (i, j) from the seams (see the contract). */
OB_SEAM_HD float ob_seam_mask_at(const int *vpath, const int *hpath, int i, int j, int ov_left, int ov_top)
{
    const int keep_old = (vpath && j < ov_left && j < vpath[i]) || (hpath && i < ov_top && i < hpath[j]);
    return keep_old ? 0.0f : 1.0f;
}

/* e(i, j) of the error surface (see the contract). */
OB_SEAM_HD float ob_seam_error_at(const float *a, long long a_plane, long long a_row, const float *b,
                                  long long b_plane, long long b_row, int c, int i, int j)
{
    float acc = 0.0f;
    for (int ch = 0; ch < c; ch++) {
        const float d = a[ch * a_plane + i * a_row + j] - b[ch * b_plane + i * b_row + j];
        acc = fmaf(d, d, acc);
    }
    return acc;
}

/* Checks sizes and the direction (both paths call it). */
ob_status ob_seam_check(int n, int rows, int cols, ob_seam_dir dir);
ob_status ob_seam_error_check(int c, int rows, int cols);
ob_status ob_seam_mask_check(int ph, int pw, const int *vpath, const int *hpath, int ov_left, int ov_top);

/* path (n, len) <- the seams of e (n, rows, cols); len = rows for vertical,
 * cols for horizontal. */
ob_status ob_seam_dp_cpu(int *path, const float *e, int n, int rows, int cols, ob_seam_dir dir);
ob_status ob_seam_dp_cuda(int *path, const float *e, int n, int rows, int cols, ob_seam_dir dir,
                          const ob_launch_cfg *cfg);
ob_status ob_seam_dp_emu(int *path, const float *e, int n, int rows, int cols, ob_seam_dir dir,
                         const ob_launch_cfg *cfg);

/* e (rows, cols) <- sum over c of (a - b)^2 on two strided views (see the contract). */
ob_status ob_seam_error_cpu(float *e, const float *a, long long a_plane, long long a_row, const float *b,
                            long long b_plane, long long b_row, int c, int rows, int cols);
ob_status ob_seam_error_cuda(float *e, const float *a, long long a_plane, long long a_row, const float *b,
                             long long b_plane, long long b_row, int c, int rows, int cols, const ob_launch_cfg *cfg);
ob_status ob_seam_error_emu(float *e, const float *a, long long a_plane, long long a_row, const float *b,
                            long long b_plane, long long b_row, int c, int rows, int cols, const ob_launch_cfg *cfg);

/* mask (ph, pw) <- the patch mask of vpath (ph; NULL: no left seam) and hpath
 * (pw; NULL: no top seam); paths in 0..ov_left-1 and 0..ov_top-1. */
ob_status ob_seam_mask_cpu(float *mask, const int *vpath, const int *hpath, int ph, int pw, int ov_left, int ov_top);
ob_status ob_seam_mask_cuda(float *mask, const int *vpath, const int *hpath, int ph, int pw, int ov_left,
                            int ov_top, const ob_launch_cfg *cfg);
ob_status ob_seam_mask_emu(float *mask, const int *vpath, const int *hpath, int ph, int pw, int ov_left, int ov_top,
                           const ob_launch_cfg *cfg);

/* Tensors: e (rows, cols) or (n, rows, cols) float32, path (n, len) ints where
 * the context computes (host for cpu, device for cuda). */
ob_status ob_seam_dp(ob_ctx *ctx, int *path, const ob_tensor *e, ob_seam_dir dir);

#ifdef __cplusplus
}
#endif
#endif
