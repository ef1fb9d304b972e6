/* ob_hdr_synth.h — exposure stacks with known truth, rendered from a radiance map
 * through a known camera: the HDR demo's embedded default and the tests' data.
 *
 * Contract
 *   The camera maps exposure X = gain · E · t (E: radiance, t: seconds) to a
 *   display value z = X^(1/gamma) — or, with `srgb` set, the sRGB transfer
 *   curve (a linear toe below X = 0.0031308, 1.055 X^(1/2.4) − 0.055 above, as
 *   real cameras' curves have a toe rather than an infinitely steep power) —
 *   clipped to [0, 1], adds Gaussian noise of
 *   standard deviation `noise` (in z units, from Philox, seeded) and quantises to
 *   `bits` (8 or 16) levels. Its log inverse response — what Debevec–Malik
 *   recovers — is g(z) = ln f⁻¹(z) − ln gain (gamma · ln z for the power curve),
 *   defined for z > 0.
 *   ob_render_stack allocates frames[j] (C, H, W) host float32 in [0, 1], the
 *   quantised values as ob_image_read would return them.
 *   ob_synth_radiance makes a procedural scene spanning `stops` stops (sky
 *   gradient, a sun disk, shadowed structures) when no real map is at hand.
 */
#ifndef OB_HDR_SYNTH_H
#define OB_HDR_SYNTH_H

#include <stdint.h>

#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    double gamma; /* display gamma of the response, e.g. 2.2 */
    double gain;  /* exposure scale */
    double noise; /* noise sigma in z units (0..1), before quantisation */
    int bits;     /* 8 or 16 */
    int srgb;     /* 1: the sRGB curve instead of the power 1/gamma */
} ob_camera;

/* log inverse response g(z) of the camera for z in (0, 1]. */
double ob_camera_log_exposure(const ob_camera *cam, double z);

ob_status ob_render_stack(ob_tensor *frames, const ob_tensor *radiance, const double *times, int n,
                          const ob_camera *cam, uint64_t seed);

ob_status ob_synth_radiance(ob_tensor *out, int w, int h, double stops);

/* Exposure times `stops_apart` stops apart, centred so the middle exposure puts
 * the radiance's geometric mean at mid-grey for `cam`. */
ob_status ob_bracket_times(double *times, int n, double stops_apart, const ob_tensor *radiance, const ob_camera *cam);

#ifdef __cplusplus
}
#endif
#endif
