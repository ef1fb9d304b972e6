/* ob_blend.h — Laplacian pyramid blending (Burt & Adelson 1983, "A
 * multiresolution spline"; the face-in-toast recipe): each frequency band is
 * blended over a transition as wide as the band, so seams vanish without
 * ghosting fine detail.
 *
 * Contract
 *   ob_laplacian_blend(ctx, out, a, b, mask, levels):
 *     La, Lb = Laplacian pyramids of a and b, Gm = Gaussian pyramid of the mask
 *     (the mask blurred and halved once per level), all with `levels` levels
 *     (kernels/pyramid.h: 5-tap binomial, reflect-101 borders);
 *     L_k = Gm_k * La_k + (1 - Gm_k) * Lb_k for every level k (the top level
 *     blends the two Gaussian residuals), out = collapse(L).
 *   a, b: host float32 (C, H, W) of the same shape; mask: host (1, H, W) — one
 *   weight for every channel — or (C, H, W), values in [0, 1] (1 takes a, 0
 *   takes b); levels in 1..floor(log2(min(H, W))) (1: a plain per-pixel mix).
 *   out: (C, H, W) host, allocated here (free with ob_tensor_free); on failure
 *   nothing is allocated. The work runs on the context's backend (uploaded,
 *   computed on its stream, downloaded on cuda).
 *   A mask of all ones gives a and all zeros gives b, to the float rounding of
 *   the pyramid round trip (|out - a| <= ~1e-7 for values in [0, 1]); a hard
 *   step gives a seam that ramps over ~2^levels pixels.
 *
 * Errors: OB_ERR_ARG naming both sizes when the images (or the mask) differ in
 * size, for a mask with another channel count than 1 or C, for mask values
 * outside [0, 1] (the first one and where it is), and for levels out of range
 * (with the range); OB_ERR_NOMEM, OB_ERR_CUDA from below.
 *
 * Example
 *   ob_tensor out;
 *   OB_TRY(ob_laplacian_blend(ctx, &out, &face, &toast, &mask, 5));
 *   OB_TRY(ob_image_write("blend.png", &out, OB_FMT_AUTO, 8));
 *   ob_tensor_free(&out);
 */
#ifndef OB_BLEND_H
#define OB_BLEND_H

#include "ob_ctx.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* out (C, H, W) <- Laplacian blend of a (C, H, W) and b (C, H, W) under mask (1 or C, H, W). */
ob_status ob_laplacian_blend(ob_ctx *ctx, ob_tensor *out, const ob_tensor *a, const ob_tensor *b,
                             const ob_tensor *mask, int levels);

#ifdef __cplusplus
}
#endif
#endif
