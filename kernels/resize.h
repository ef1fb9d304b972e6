/* resize.h — image resampling: nearest, bilinear, bicubic, area.
 *
 * Contract
 *   in  (planes, in_h, in_w)  ->  out (planes, out_h, out_w), planar float32;
 *   `planes` = N*C independent images. Buffers are caller-owned, contiguous and
 *   must not overlap. All sizes >= 1. Each axis is resampled on its own (the
 *   2-D weights are products of 1-D weights); along an axis with in == out every
 *   method is the identity, exactly.
 *
 *   Coordinates follow OpenCV's cv2.resize on float32 input, so results can be
 *   swapped with it (tests/golden/ holds cv2's values; they agree within 1e-5):
 *     nearest   INTER_NEAREST: src = floor(dst * (1 / (out/in))), computed in
 *               double as OpenCV does, clamped to in-1 (not the "exact" variant).
 *               The rounded reciprocal can land one pixel before the exact
 *               floor(dst*in/out) (2 -> 98 at dst 49 reads pixel 0); we keep
 *               cv2's choice so outputs are identical.
 *     bilinear  INTER_LINEAR: half-pixel centres s = (dst + 0.5)*in/out - 0.5,
 *               two taps, replicated border, no antialiasing on downscale.
 *     bicubic   Keys' cubic convolution with a = -0.5 (MATLAB's imresize kernel,
 *               reproduces quadratics) at the same half-pixel centres, four
 *               taps, replicated border, no antialiasing on downscale (MATLAB
 *               widens the kernel there; we do not). NOTE: OpenCV INTER_CUBIC
 *               uses a = -0.75, which is sharper and overshoots more, so our
 *               bicubic differs from cv2's by up to a few % of the local
 *               contrast near edges. Both reproduce linear ramps exactly.
 *     bicubic-aa  MATLAB imresize's default 'bicubic': on an axis that shrinks,
 *               the same Keys kernel (a = -0.5) stretched by in/out, so every
 *               output pixel averages the source area it covers (antialiased;
 *               the super-resolution field makes its low-resolution images
 *               this way); weights normalised to sum 1, computed in double.
 *               On an axis that does not shrink it is bicubic (up to float
 *               rounding of the weights). Centres as above; replicated border
 *               (MATLAB mirrors: the two differ within 2 * in/out pixels of
 *               the border only).
 *     area      INTER_AREA for downscaling: each output pixel is the mean of the
 *               source area it covers, partial pixels weighted by their exact
 *               covered fraction (integer factors: plain box means). Only for
 *               in >= out on both axes; OpenCV's area *upscaling* is a different
 *               filter, which we do not provide (use bilinear or bicubic).
 *               OpenCV drops covered slivers thinner than 1e-3 pixel; we do not,
 *               so for outputs wider than ~1000 pixels the two can differ by
 *               up to ~1e-3 of a pixel's weight.
 *
 * Paths
 *   _cpu   separable: per-call tap tables, a vertical pass into a row buffer then
 *          a horizontal pass, OpenMP over output rows of all planes.
 *   _cuda  kernels/resize.cu: one thread per output pixel, 2-D blocks (default
 *          32x8; cfg block_x must be a multiple of 32, block_x*block_y <= 1024),
 *          taps computed on the fly (device pointers; _emu: the same source under
 *          cuda-emu, host pointers).
 *   ob_resize: tensors (C, H, W) or (N, C, H, W) + context; checks shapes and
 *   picks the path. out is pre-allocated with the target size.
 *
 * Errors: OB_ERR_ARG for sizes < 1, an unknown method, area with upscaling.
 *
 * Example
 *   // x: (3, 480, 640) -> y: (3, 240, 320)
 *   ob_resize_method m;
 *   OB_TRY(ob_resize_method_parse(&m, "area"));
 *   OB_TRY(ob_resize(ctx, &y, &x, m));
 */
#ifndef OB_RESIZE_H
#define OB_RESIZE_H

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    OB_RESIZE_NEAREST = 0,
    OB_RESIZE_BILINEAR = 1,
    OB_RESIZE_BICUBIC = 2,
    OB_RESIZE_AREA = 3,
    OB_RESIZE_BICUBIC_AA = 4
} ob_resize_method;

/* "nearest" | "bilinear" | "bicubic" | "area" -> *m; OB_ERR_ARG listing them otherwise. */
ob_status ob_resize_method_parse(ob_resize_method *m, const char *name);
/* The name parse accepts ("?" for an invalid value). */
const char *ob_resize_method_name(ob_resize_method m);

/* out (planes, out_h, out_w) <- in (planes, in_h, in_w). */
ob_status ob_resize_cpu(float *out, const float *in, int planes, int in_h, int in_w, int out_h, int out_w,
                        ob_resize_method m);
ob_status ob_resize_cuda(float *out, const float *in, int planes, int in_h, int in_w, int out_h, int out_w,
                         ob_resize_method m, const ob_launch_cfg *cfg);
ob_status ob_resize_emu(float *out, const float *in, int planes, int in_h, int in_w, int out_h, int out_w,
                        ob_resize_method m, const ob_launch_cfg *cfg);

/* out (C, OH, OW) or (N, C, OH, OW) <- in (C, H, W) or (N, C, H, W); out allocated. */
ob_status ob_resize(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in, ob_resize_method m);

#ifdef __cplusplus
}
#endif
#endif
