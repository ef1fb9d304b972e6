/* conv_shift.h — a stride-1 convolution of one image as k² GEMMs over a
 * zero-padded copy of it, with no im2col ("shifted planes"). Private to nets/;
 * nets/conv_cpu.c picks it per phase where it beats im2col + one GEMM.
 *
 * Why: im2col writes k²·C floats per output pixel and the GEMM then packs them
 * again; for ESPCN's 3x3 layers that traffic cost as much as the arithmetic.
 * Here each window tap t = (ki, kj) is one GEMM whose B operand is the padded
 * image itself, read at an offset: with the output computed on the padded
 * width, output position i = oy·wp + ox reads padded position i + off_t,
 * off_t = d·ki·wp + d·kj, for every channel alike, so B is a plain strided
 * view (rows = channels, leading dimension = the padded channel size).
 * Columns ox >= ow of that wide output read across the row edge: they are
 * computed and dropped (wp/ow more arithmetic: 19/17 for a 3x3 "same"
 * convolution of 17-wide crops).
 *
 * Contract
 *   Geometry (ob_shift_geom_init): image (c, h, w), window k, zero padding
 *   pad, dilation d, stride 1:
 *       hp = h + 2 pad, wp = w + 2 pad, oh = hp - d(k-1), ow = wp - d(k-1) (>= 1),
 *       cs = hp·wp + d(k-1)   floats per padded channel (the tail is slack the
 *                             last taps read, kept zero),
 *       lw = oh·wp            output positions on the padded width.
 *   Weights taps-major: wt[g][t][m][cg] is the weight from input channel
 *   g·cg + ci to output channel g·m + mo at tap t (t = ki·k + kj).
 *   Bands (ob_shift_band): output rows [row0, row0 + rows) of one image as a
 *   geometry of their own (oh = rows, hp = rows + d(k-1)): the padded plane
 *   then holds padded rows row0 .. row0 + hp - 1 only, and the output pointer
 *   is the band's first row (channels y_chan floats apart).
 *   ob_shift_pad    xp (c, cs) <- x (c, h, w) with a zero border and tail (the
 *                   band's rows of it).
 *   ob_shift_widen  dst (rows, lw) <- src (rows channels src_chan floats apart,
 *                   oh·ow each: a band's rows), zero at ox >= ow.
 *   ob_shift_conv   y (G·m channels y_chan floats apart, oh·ow each) =
 *                   sum_t W_t · Xp(shifted by off_t) (+ bias); wide (G·m, lw) is
 *                   caller scratch.
 *   ob_shift_wgrad  part[g][t] (m, cg) += dYw_g (m, lw) · Xp_g(shifted)ᵀ, dYw from
 *                   ob_shift_widen (its zero columns drop the wrapped reads).
 *   Single-threaded GEMMs of the caller's BLAS setting; buffers caller-owned,
 *   not overlapping.
 */
#ifndef OB_CONV_SHIFT_H
#define OB_CONV_SHIFT_H

#include <stdint.h>

typedef struct {
    int c, h, w, k, pad, dil;
    int hp, wp, oh, ow;
    int row0; /* first output (= padded) row: 0 for a whole image */
    int64_t cs, lw;
} ob_shift_geom;

void ob_shift_geom_init(ob_shift_geom *g, int c, int h, int w, int k, int pad, int dil);
/* band <- the output rows [row0, row0 + rows) of the whole-image geometry g */
void ob_shift_band(ob_shift_geom *band, const ob_shift_geom *g, int row0, int rows);
void ob_shift_pad(float *xp, const float *x, const ob_shift_geom *g);
void ob_shift_widen(float *dst, const float *src, int64_t src_chan, int rows, const ob_shift_geom *g);
void ob_shift_conv(float *y, int64_t y_chan, float *wide, const float *xp, const float *wt, const float *bias,
                   const ob_shift_geom *g, int groups, int m);
void ob_shift_wgrad(float *part, const float *dyw, const float *xp, const ob_shift_geom *g, int groups, int m);

#endif
