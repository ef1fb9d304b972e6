/* ob_tonemap.h — tone mapping: a linear radiance image to a display image in
 * [0, 1], on whichever backend the context chose; and the bilateral filter on
 * host images (the `obscura bilateral` verb).
 *
 * Contract
 *   radiance: host float32 (C, H, W), C in 1..4, linear. Before anything else
 *   every value goes through tonemap.h's clean (NaN and negatives -> 0, +inf
 *   and values above 1e30 -> 1e30), so any input gives a finite output. Gray
 *   (C = 1, 2) is replicated to R = G = B; an alpha channel (C = 2, 4) is
 *   ignored. *out is allocated here: host float32 (3, H, W), every value in
 *   [0, 1] (free it with ob_tensor_free). On the cuda backend the image is
 *   uploaded once, every stage runs on the device, and the result comes back
 *   before return. On failure nothing is allocated.
 *
 *   Operators (opts->op), each ending with display = min(1, v^gamma):
 *   global-scale   v = radiance / max, max over every channel of every pixel,
 *                  so the brightest value maps to exactly 1 and nothing clips.
 *                  The max, not a percentile: exact and deterministic on both
 *                  paths; the price is that one hot pixel darkens the whole
 *                  image, which is what the other two operators are for. An
 *                  all-black image stays black.
 *   global-simple  Reinhard et al. 2002 (their eqs. 1-3, no white point):
 *                  I = (20R + 40G + B)/61 as in Durand step 1 (close to the
 *                  paper's 0.27/0.67/0.06 luminance, and one helper for both),
 *                  log-average Lw = 2^(mean log2 max(I, floor)), a = key / Lw,
 *                  Ld = a I / (1 + a I), v = chroma * Ld (chroma as Durand
 *                  step 2). key: opts->key, default 0.18.
 *   durand         Durand & Dorsey 2002 as the seed's nine steps:
 *                    1 I = (20R + 40G + B)/61
 *                    2 chroma R/I, G/I, B/I (black: 1, 1, 1)
 *                    3 L = log2(max(I, floor)), floor = the smallest positive I
 *                      (1 when the image is black): zeros become as dark as the
 *                      darkest real pixel instead of an arbitrary -20 stops
 *                    4 B = bilateral filter of L guided by L (grid or exact),
 *                      sigma_s in pixels (default 2% of the larger side, at
 *                      least 1), sigma_r in log2 units (default 0.4)
 *                    5 D = L - B
 *                    6 B' = (B - max B) * s, s = stops / (max B - min B), so
 *                      B' spans exactly [-stops, 0] (a flat base: s = 1, B' = 0)
 *                    7 O = B' + D, intensity 2^O
 *                    8 colour: chroma * 2^O
 *                    9 gamma (default 1/2.2) and clamp to [0, 1].
 *
 *   report (optional, may be NULL): the scalars each operator computed; with
 *   want_layers set, durand also returns its layers as host (1, H, W) tensors
 *   (free with ob_tonemap_report_free).
 *
 * Errors: OB_ERR_ARG for a bad option (named, with its value), a radiance that
 * is not host float32 (C, H, W) with C in 1..4, or a bilateral grid too large
 * for sigma_r; OB_ERR_NOMEM; the backend's errors.
 *
 * Example
 *   ob_tonemap_opts o;
 *   ob_tonemap_opts_init(&o, OB_TONEMAP_DURAND);
 *   o.stops = 4;
 *   OB_TRY(ob_image_tonemap(ctx, &display, &radiance, &o, NULL));
 *   OB_TRY(ob_image_write("out.png", &display, OB_FMT_AUTO, 8));
 */
#ifndef OB_TONEMAP_PIPELINE_H
#define OB_TONEMAP_PIPELINE_H

#include "ob_ctx.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { OB_TONEMAP_GLOBAL_SCALE = 0, OB_TONEMAP_GLOBAL_SIMPLE = 1, OB_TONEMAP_DURAND = 2 } ob_tonemap_op;
typedef enum { OB_BILATERAL_GRID = 0, OB_BILATERAL_EXACT = 1 } ob_bilateral_method;

#define OB_TONEMAP_DEFAULT_GAMMA (1.0f / 2.2f)
#define OB_TONEMAP_DEFAULT_KEY 0.18f
#define OB_TONEMAP_DEFAULT_SIGMA_R 0.4f
#define OB_TONEMAP_DEFAULT_STOPS 5.0f
#define OB_TONEMAP_SIGMA_S_FRACTION 0.02f /* of the larger image side */

typedef struct {
    ob_tonemap_op op;
    float gamma;   /* > 0: display = v^gamma */
    float key;     /* global-simple: > 0 */
    float sigma_s; /* durand: pixels, > 0; 0 = 2% of the larger side (at least 1) */
    float sigma_r; /* durand: log2 units, > 0 */
    float stops;   /* durand: dR, the base layer's range in stops, > 0 */
    ob_bilateral_method bilateral; /* durand step 4 */
} ob_tonemap_opts;

typedef struct {
    int want_layers; /* in: durand fills the tensors below */
    /* out: what the operator computed */
    double peak;        /* global-scale: the max it divides by */
    double log_average; /* global-simple: Lw */
    double floor_;      /* global-simple, durand: step 3's epsilon */
    double base_min, base_max, base_scale; /* durand step 6: min B, max B, s */
    double sigma_s;     /* durand: the spatial sigma used, pixels */
    ob_tensor intensity, log_intensity, base, detail, base_scaled; /* durand layers, host (1, H, W) */
} ob_tonemap_report;

/* The defaults above for op. */
void ob_tonemap_opts_init(ob_tonemap_opts *o, ob_tonemap_op op);
/* OB_ERR_ARG naming the first bad option and its value. */
ob_status ob_tonemap_opts_check(const ob_tonemap_opts *o);

/* "global-scale" | "global-simple" | "durand"; OB_ERR_ARG listing them otherwise. */
ob_status ob_tonemap_op_parse(ob_tonemap_op *op, const char *name);
const char *ob_tonemap_op_name(ob_tonemap_op op);
/* "grid" | "exact" */
ob_status ob_bilateral_method_parse(ob_bilateral_method *m, const char *name);
const char *ob_bilateral_method_name(ob_bilateral_method m);

/* out (3, H, W) in [0, 1] <- radiance (C, H, W); report may be NULL. */
ob_status ob_image_tonemap(ob_ctx *ctx, ob_tensor *out, const ob_tensor *radiance, const ob_tonemap_opts *o,
                           ob_tonemap_report *report);
void ob_tonemap_report_free(ob_tonemap_report *r);

/* The bilateral filter of a host image (C, H, W), each channel on its own:
 *   guide_intensity 0: each channel guided by itself (the plain bilateral
 *                      filter, channel by channel; colours may shift at edges
 *                      where the channels' edges differ)
 *   guide_intensity 1: every channel guided by the intensity (20R + 40G + B)/61
 *                      of the first three channels (a joint filter: edges stay
 *                      aligned across channels); gray images guide by their one
 *                      channel either way.
 * sigma_s in pixels, sigma_r in the guide's units (0..1 for 8/16-bit files).
 * *out allocated here, (C, H, W) host. Alpha is filtered like any channel. */
ob_status ob_image_bilateral(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in, float sigma_s, float sigma_r,
                             ob_bilateral_method m, int guide_intensity);

#ifdef __cplusplus
}
#endif
#endif
