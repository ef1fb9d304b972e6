/* im2col.h — unfold image patches into GEMM columns (im2col) and fold them back
 * with summation (col2im, its adjoint): what a convolution is made of on the CPU
 * (nets/conv_cpu.c serves conv2d and conv_transpose2d). The CUDA kernels are
 * the same maps on the device, checked against the CPU in tests/parity_im2col.c;
 * the layers' GPU path is cuDNN (nets/conv2d_cudnn.c), which always has an
 * algorithm for the shapes the layers accept (IMPLICIT_GEMM needs no
 * workspace), so the kernels are the building block for a cuBLAS convolution,
 * not yet called by a layer.
 *
 * Contract
 *   Geometry g: an image (c, h, w) seen by a kh x kw window with stride
 *   (sh, sw), zero padding (ph, pw) and dilation (dh, dw) gives an output grid
 *       oh = (h + 2 ph - dh (kh - 1) - 1) / sh + 1,   ow likewise (>= 1),
 *   P = oh * ow positions. The column matrix has K = c * kh * kw rows, row
 *   r = (ci * kh + ki) * kw + kj (PyTorch's weight order, so a conv weight
 *   (C_out, C_in, kh, kw) is a row-major (C_out, K) matrix), and ld >= n * P
 *   elements per row; image i of a batch owns columns i*P .. i*P + P-1:
 *       col[r * ld + i * P + oy * ow + ox] = im[i][ci][oy sh - ph + ki dh][ox sw - pw + kj dw]
 *   (0 outside the image). With ld = n * P the columns of the whole batch sit
 *   side by side, so one GEMM serves all n images.
 *   col2im is the transpose of that map: it WRITES (not accumulates)
 *       im[i][ci][y][x] = sum over (ki, kj) in order of the col entries that read (y, x),
 *   (no atomics, deterministic: the GPU gathers per pixel, the CPU scatter-adds
 *   per window tap, and each pixel's terms are summed in the same (ki, kj)
 *   order on both, so they agree bit for bit).
 *   Buffers are caller-owned, contiguous, do not overlap; im is (n, c, h, w).
 *
 * Paths
 *   _cpu   OpenMP over (image, channel) planes (_cpu_serial: the calling thread
 *          only); the valid span of each window row computed once, so inner
 *          loops are plain copies / adds; stride 1 over an image as wide as
 *          its output grid copies each window tap as one contiguous span.
 *   _cuda  kernels/im2col.cu: one thread per col element (im2col) or per image
 *          pixel (col2im), 1-D blocks (default 256, a multiple of 32); device
 *          pointers (_emu: the same source under cuda-emu, host pointers).
 *
 * Errors: OB_ERR_ARG for sizes < 1, an empty output grid, ld < n * P, or
 * element counts past 2^31 - 1 on the GPU.
 *
 * Example
 *   ob_im2col_geom g = {.c = 3, .h = 17, .w = 17, .kh = 5, .kw = 5, .sh = 1, .sw = 1,
 *                       .ph = 2, .pw = 2, .dh = 1, .dw = 1};
 *   OB_TRY(ob_im2col_check(&g));                     // fills g.oh, g.ow
 *   OB_TRY(ob_im2col_cpu(col, x, &g, n, (int64_t)n * g.oh * g.ow));
 */
#ifndef OB_IM2COL_H
#define OB_IM2COL_H

#include <stdint.h>

#include "ob_launch.h"
#include "ob_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int c, h, w;    /* image planes and size */
    int kh, kw;     /* window */
    int sh, sw;     /* stride >= 1 */
    int ph, pw;     /* zero padding >= 0 */
    int dh, dw;     /* dilation >= 1 */
    int oh, ow;     /* output grid: filled by ob_im2col_check */
} ob_im2col_geom;

/* Checks g and fills g->oh, g->ow; OB_ERR_ARG naming the bad value. */
ob_status ob_im2col_check(ob_im2col_geom *g);

/* What every path checks first: a copy of *g, checked and completed, n >= 1
 * and ld >= n * oh * ow. */
ob_status ob_im2col_prepare(ob_im2col_geom *out, const ob_im2col_geom *g, int n, int64_t ld);

/* col (c*kh*kw, ld) <- patches of im (n, c, h, w); image i in columns i*P.. */
ob_status ob_im2col_cpu(float *col, const float *im, const ob_im2col_geom *g, int n, int64_t ld);
ob_status ob_im2col_cuda(float *col, const float *im, const ob_im2col_geom *g, int n, int64_t ld,
                         const ob_launch_cfg *cfg);
ob_status ob_im2col_emu(float *col, const float *im, const ob_im2col_geom *g, int n, int64_t ld,
                        const ob_launch_cfg *cfg);

/* The same on the calling thread, no OpenMP: for callers that interleave them
 * with OpenBLAS's threaded GEMMs, where OpenMP's idle workers, spinning after
 * each parallel region, would take the cores the GEMM threads need. */
ob_status ob_im2col_cpu_serial(float *col, const float *im, const ob_im2col_geom *g, int n, int64_t ld);
ob_status ob_col2im_cpu_serial(float *im, const float *col, const ob_im2col_geom *g, int n, int64_t ld);

/* im (n, c, h, w) <- fold of col (c*kh*kw, ld) (written, summing overlaps). */
ob_status ob_col2im_cpu(float *im, const float *col, const ob_im2col_geom *g, int n, int64_t ld);
ob_status ob_col2im_cuda(float *im, const float *col, const ob_im2col_geom *g, int n, int64_t ld,
                         const ob_launch_cfg *cfg);
ob_status ob_col2im_emu(float *im, const float *col, const ob_im2col_geom *g, int n, int64_t ld,
                        const ob_launch_cfg *cfg);

#ifdef __cplusplus
}
#endif
#endif
