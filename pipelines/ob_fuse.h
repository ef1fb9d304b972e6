/* ob_fuse.h — exposure fusion (Mertens, Kautz & Van Reeth 2007, "Exposure
 * Fusion"): a bracketed stack blended straight into one displayable image, no
 * response curve, no radiance map, no tone mapping. Each pixel is weighted by
 * how well it is exposed, how saturated and how contrasty it is, and the
 * images are blended band by band in Laplacian pyramids, so the weights'
 * seams vanish. Matches cv2.createMergeMertens(wc, ws, we).process(stack)
 * clipped to [0, 1] (tests/cli_fuse.sh measures how closely).
 *
 * Contract
 *   ob_fuse(ctx, out, stack, n, o):
 *     W_j = the weight of exposure j, normalised over the stack per pixel
 *           (kernels/fuse_weights.h: contrast^wc * saturation^ws *
 *           well-exposedness^we + 1e-12);
 *     R   = sum_j Laplacian(I_j) * Gaussian(W_j), level by level, the weight
 *           pyramid's one plane applied to every channel (kernels/pyramid.h:
 *           5-tap binomial, reflect-101);
 *     out = clip(collapse(R), 0, 1).
 *   Levels: o->levels, or 0 for OpenCV's floor(log2(min(H, W))) + 1 (the top
 *   level 1 pixel on a power-of-two shorter side); 1..that.
 *   stack: n >= 2 host tensors (C, H, W), contiguous, all of one size and
 *   channel count, C = 1 (grey) or 3 (RGB), each OB_F32 in [0, 1], OB_U8
 *   (v / 255) or OB_U16 (v / 65535); dtypes may differ between exposures.
 *   They are read, never changed. Memory: one weight plane per exposure and
 *   three pyramids (one image's, which also holds the float copy of the
 *   exposure at hand, one weight's, the sum): about (n + 2.7 C + 1.3) H W
 *   floats; on the CPU with n >= T threads, T sets of the three pyramids (the
 *   exposures run T at a time); on cuda the same as one set on the device plus
 *   one float image on the host.
 *   out: (C, H, W) host float32 in [0, 1], allocated here (free with
 *   ob_tensor_free); on failure nothing is allocated. The work runs on the
 *   context's backend (each exposure converted on the host, uploaded, and the
 *   result downloaded on cuda).
 *   o NULL: OB_FUSE_OPTS_DEFAULT (exponents 1, 1, 1, OpenCV's levels).
 *
 * Errors: OB_ERR_ARG for n < 2 ("fusion needs at least 2 exposures"), exposures
 * that differ in size or channels (naming both, by index: callers that know the
 * file names check first), C not 1 or 3, a dtype other than f32/u8/u16, device
 * or non-contiguous inputs, exponents negative or not finite, levels out of
 * range (with the range); OB_ERR_NOMEM, OB_ERR_CUDA from below.
 *
 * Example
 *   const ob_tensor *stack[3] = {&dark, &mid, &bright};   // (3, H, W) u8 or f32
 *   ob_fuse_opts o = OB_FUSE_OPTS_DEFAULT;
 *   ob_tensor out;
 *   OB_TRY(ob_fuse(ctx, &out, stack, 3, &o));
 *   OB_TRY(ob_image_write("fused.png", &out, OB_FMT_AUTO, 8));
 *   ob_tensor_free(&out);
 */
#ifndef OB_FUSE_H
#define OB_FUSE_H

#include "ob_ctx.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    float contrast, saturation, exposedness; /* Mertens' exponents wc, ws, we: finite, >= 0 */
    int levels;                              /* 0: floor(log2(min(H, W))) + 1, as OpenCV */
} ob_fuse_opts;

#define OB_FUSE_OPTS_DEFAULT {1.0f, 1.0f, 1.0f, 0}

/* out (C, H, W) f32 in [0, 1] <- exposure fusion of stack[0..n) (each (C, H, W) f32/u8/u16 host). */
ob_status ob_fuse(ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *stack, int n, const ob_fuse_opts *o);

/* The levels ob_fuse uses for an H x W stack when o->levels is 0. */
int ob_fuse_default_levels(int h, int w);

#ifdef __cplusplus
}
#endif
#endif
