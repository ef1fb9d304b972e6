/* ob_sr.h — super-resolution as a pipeline: an upscaler (a trained net from
 * a `train sr` checkpoint, or an interpolation), one image enlarged, and the
 * field's evaluation protocol on one high-resolution image.
 *
 * Contract
 *   ob_sr_load reads a checkpoint written by `obscura train sr` (metadata
 *   task "sr", model espcn|srcnn, scale 2..4, channels y|rgb) and builds the
 *   net where ctx computes, frozen for inference (ob_model_freeze); anything
 *   else is refused by name (OB_ERR_FORMAT: another task, a corrupt or
 *   mis-shaped file). ob_sr_interp makes an
 *   upscaler from nearest, bilinear or bicubic (kernels/resize.h).
 *   ob_sr_upscale(ctx, u, out, lr): lr host (C, h, w) in [0, 1], C 1..4
 *   (gray is taken as RGB, alpha is dropped) -> out (3, r h, r w) RGB:
 *     interpolation   each channel resized;
 *     net on Y        Y, Cb, Cr of lr (BT.601 studio range, MATLAB's
 *                     rgb2ycbcr); the net enlarges Y, bicubic enlarges Cb and
 *                     Cr; back to RGB;
 *     net on RGB      the net enlarges the three channels;
 *     srcnn           its input is the bicubic enlargement (the net keeps the
 *                     size).
 *   The result is clipped to [0, 1]. The net runs on tiles of u->tile x
 *   u->tile pixels of its input (LR for ESPCN, the bicubic enlargement for
 *   SRCNN; 0: the whole image at once), each read with a halo as wide as
 *   the net's receptive field (ESPCN 4 LR pixels: 5x5, 3x3, 3x3; SRCNN 3:
 *   three 3x3), so that every output pixel sees exactly the inputs it sees
 *   in the whole image (zero padding only at the image's own border): the
 *   result equals the whole-image one up to the convolutions' rounding.
 *   Memory: the result, 3 floats per output pixel (the bicubic colour is
 *   made in it and ESPCN writes its Y or RGB over it; SRCNN, which reads the
 *   enlargement it replaces, needs C floats more per output pixel), the LR
 *   planes (3 floats per input pixel), plus one tile's activations — about
 *   100 floats per pixel of (tile + 2 halo)^2 for ESPCN, 200 per pixel for
 *   SRCNN — whatever the image size.
 *   ob_sr_evaluate(ctx, u, q, enlarged, hr): the protocol of the SR papers —
 *   hr (C, H, W) is cropped to multiples of r (top-left), its LR image made
 *   by bicubic-aa (MATLAB imresize), enlarged by u, and PSNR and SSIM
 *   computed on Y (BT.601 16-235, ob_metrics.h) with r pixels shaved off
 *   every border. enlarged: NULL, or it receives the enlargement, RGB
 *   (3, H - H % r, W - W % r) with pixel (y, x) in place over hr's (y, x);
 *   the caller frees it.
 *
 * Errors: OB_ERR_ARG (bad shapes, scale outside 2..4, an image too small
 * for the protocol: under 3r + 1 pixels on a side), OB_ERR_FORMAT (a
 * checkpoint that is not a train sr one), the nets' and kernels' own.
 */
#ifndef OB_SR_H
#define OB_SR_H

#include "ob_ctx.h"
#include "ob_metrics.h"
#include "ob_model.h"
#include "resize.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int net;                  /* 1: a trained net; 0: interpolation */
    ob_resize_method method;  /* interpolation */
    int scale;                /* 2..4 */
    int channels;             /* net: 1 (Y) or 3 (RGB) */
    int pre_upscale;          /* srcnn */
    char model[16];           /* "espcn" | "srcnn" | the method's name */
    int tile;                 /* net: input tile side (0: whole image; ob_sr_load sets 256) */
    ob_model *m;
} ob_sr_upscaler;

/* The net's receptive radius in its input's pixels (ESPCN 4, SRCNN 3). */
int ob_sr_halo(const ob_sr_upscaler *u);

ob_status ob_sr_load(ob_sr_upscaler *u, ob_ctx *ctx, const char *checkpoint);
/* The shipped net `model` ("espcn" or "srcnn") for `scale` on Y
 * (data/sr/MODEL_xR_y.safetensors, found in the source tree the binary was
 * built from, or beside the binary as ../data/sr or ../share/obscura/sr);
 * OB_ERR_IO naming the places looked in when none is there. */
ob_status ob_sr_load_shipped(ob_sr_upscaler *u, ob_ctx *ctx, const char *model, int scale);
/* What a --model option names: "shipped" (the shipped ESPCN for `scale`, 3
 * when 0), "shipped-srcnn" (the shipped SRCNN-style net) or a checkpoint; a
 * net of another scale than a nonzero `scale` is OB_ERR_ARG ("... is a xR
 * net, not xS"), nothing kept. */
ob_status ob_sr_open(ob_sr_upscaler *u, ob_ctx *ctx, const char *model, int scale);
ob_status ob_sr_interp(ob_sr_upscaler *u, ob_resize_method method, int scale);
void ob_sr_release(ob_sr_upscaler *u);
ob_status ob_sr_upscale(ob_ctx *ctx, const ob_sr_upscaler *u, ob_tensor *out, const ob_tensor *lr);
ob_status ob_sr_evaluate(ob_ctx *ctx, const ob_sr_upscaler *u, ob_quality *y, ob_tensor *enlarged, const ob_tensor *hr);

/* BT.601 (MATLAB rgb2ycbcr) on [0, 1] planes, in place on 3 planes of n. */
void ob_sr_rgb_to_ycbcr(float *p, int64_t n);
void ob_sr_ycbcr_to_rgb(float *p, int64_t n);

#ifdef __cplusplus
}
#endif
#endif
