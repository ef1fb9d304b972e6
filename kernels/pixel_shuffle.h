/* pixel_shuffle.h — sub-pixel rearrangement (ESPCN) and its inverse.
 *
 * Contract (same layout as PyTorch's nn.PixelShuffle / nn.PixelUnshuffle)
 *   shuffle:    in (N, C*r*r, H, W)  ->  out (N, C, H*r, W*r)
 *               out[n, c, h*r + i, w*r + j] = in[n, c*r*r + i*r + j, h, w]
 *   unshuffle:  the exact inverse, in (N, C, H*r, W*r) -> out (N, C*r*r, H, W).
 *   Both are permutations, so each one's backward is the other applied to the
 *   gradient: ob_pixel_shuffle_backward(grad_in, grad_out) = unshuffle(grad_out).
 *   Buffers are caller-owned, contiguous float32, and must not overlap.
 *   r >= 1 (r = 1 is a copy); n, c, h, w >= 1.
 *
 * Paths
 *   _cpu   plain C, OpenMP over output rows (host pointers)
 *   _cuda  kernels/pixel_shuffle.cu (device pointers; _emu: the same source under
 *          cuda-emu, host pointers); cfg NULL = 256 threads per block
 *   ob_pixel_shuffle / ob_pixel_unshuffle: tensors + context, checks shapes and
 *   picks the path from the context's backend.
 *
 * Example
 *   // x: (1, 9, 17, 17) -> y: (1, 1, 51, 51)
 *   OB_TRY(ob_pixel_shuffle(ctx, &y, &x, 3));
 */
#ifndef OB_PIXEL_SHUFFLE_H
#define OB_PIXEL_SHUFFLE_H

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* n, c: batch and OUTPUT channels of the shuffle (input has c*r*r);
 * h, w: the LOW-resolution height and width. Same meaning for unshuffle. */
ob_status ob_pixel_shuffle_cpu(float *out, const float *in, int n, int c, int h, int w, int r);
ob_status ob_pixel_unshuffle_cpu(float *out, const float *in, int n, int c, int h, int w, int r);

ob_status ob_pixel_shuffle_cuda(float *out, const float *in, int n, int c, int h, int w, int r, const ob_launch_cfg *cfg);
ob_status ob_pixel_unshuffle_cuda(float *out, const float *in, int n, int c, int h, int w, int r, const ob_launch_cfg *cfg);
ob_status ob_pixel_shuffle_emu(float *out, const float *in, int n, int c, int h, int w, int r, const ob_launch_cfg *cfg);
ob_status ob_pixel_unshuffle_emu(float *out, const float *in, int n, int c, int h, int w, int r, const ob_launch_cfg *cfg);

/* out (N, C, H*r, W*r) <- in (N, C*r*r, H, W); out must be allocated. */
ob_status ob_pixel_shuffle(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in, int r);
/* out (N, C*r*r, H, W) <- in (N, C, H*r, W*r); out must be allocated. */
ob_status ob_pixel_unshuffle(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in, int r);
/* Backward of shuffle: grad_in (N, C*r*r, H, W) <- grad_out (N, C, H*r, W*r). */
ob_status ob_pixel_shuffle_backward(ob_ctx *ctx, ob_tensor *grad_in, const ob_tensor *grad_out, int r);
/* Backward of unshuffle: grad_in (N, C, H*r, W*r) <- grad_out (N, C*r*r, H, W). */
ob_status ob_pixel_unshuffle_backward(ob_ctx *ctx, ob_tensor *grad_in, const ob_tensor *grad_out, int r);

#ifdef __cplusplus
}
#endif
#endif
