/* ob_hdr_response.h — HDR from an exposure stack, stages 1 and 2: recover the
 * camera's response (Debevec & Malik 1997) and merge the stack into a
 * log-radiance map through it.
 *
 * Contract
 *   stack: n_exposures host images, each (C, H, W) float32 in [0, 1] (as
 *   ob_image_read returns 8- and 16-bit files), all the same shape;
 *   times[j] the exposure time of stack[j] in seconds (finite, > 0, all
 *   different); 2 <= n_exposures <= OB_HDR_MAX_EXPOSURES. Values map to the
 *   response's bins as z = rint(v (n_bins - 1)) (hdr_merge.h): 8-bit files
 *   exactly, 16-bit files quantised to the nearest bin. Bad input is
 *   OB_ERR_ARG with a message naming the exposure / value / option.
 *
 *   ob_response_recover  g (C, n_bins) on the host <- per channel:
 *     sample   opts->samples pixels, stratified over intensity: a pixel's
 *              intensity is its mean bin over the stack (monotone in radiance,
 *              where one exposure's value saturates), pixels are bucketed by
 *              it, min(samples, n_bins) equal-width strata over 0..n_bins-1
 *              share the samples as evenly as their pixel counts allow
 *              (water-filling), and each stratum's picks are uniform without
 *              replacement (partial Fisher–Yates) driven by Philox (stream
 *              OB_RNG_STREAM_HDR_SAMPLES, counter = channel, stratum, draw),
 *              so the whole intensity range is covered and a seed gives the
 *              same samples on every machine. Only pixels unclipped
 *              (0 < z < n_bins-1) in at least two exposures are eligible: the
 *              others add no equation on g.
 *     solve    response_solve.h on ctx's backend (LAPACKE or cuSOLVER).
 *     g is in natural-log units with g(n_bins/2) = 0.
 *   ob_radiance_merge  *ln_radiance (C, H, W) host float32, allocated here
 *     (the caller frees it) <- hdr_merge.h's merge through g (C, n_bins) on
 *     ctx's backend (cuda: the stack is uploaded, the result read back).
 *     Finite everywhere: pixels clipped in every exposure take the nearest
 *     usable exposure's estimate (hdr_merge.h).
 *
 * Example
 *   ob_response_opts o = ob_response_opts_default();
 *   float *g = malloc(sizeof(float) * 3 * o.n_bins);
 *   OB_TRY(ob_response_recover(ctx, g, imgs, times, n, &o));
 *   ob_tensor lnE;
 *   OB_TRY(ob_radiance_merge(ctx, &lnE, imgs, times, n, g, o.n_bins));
 */
#ifndef OB_HDR_RESPONSE_H
#define OB_HDR_RESPONSE_H

#include <stdint.h>

#include "ob_ctx.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int n_bins;    /* response bins (default 256; 16..4096) */
    double lambda; /* smoothness weight (default 10; finite, >= 0) */
    int samples;   /* pixels sampled per channel (default 1024; >= 2) */
    uint64_t seed; /* Philox seed of the sampling (default 0) */
    int free_curve; /* 0 (default): g non-decreasing (response_solve.h); 1: the unconstrained fit */
} ob_response_opts;

ob_response_opts ob_response_opts_default(void);

/* The stack against the contract (count, shapes, dtype, host) and the times;
 * *c, *h, *w get the common shape. `who` prefixes the message. */
ob_status ob_hdr_stack_check(int *c, int *h, int *w, const ob_tensor *const *stack, const double *times,
                             int n_exposures, const char *who);

/* The sampling alone, for one channel: z (samples, n_exposures) bins, rows in
 * stratum order; *n_got = the rows filled (fewer than opts->samples only when
 * fewer pixels are eligible). */
ob_status ob_response_sample(uint16_t *z, int *n_got, const ob_tensor *const *stack, int n_exposures, int channel,
                             const ob_response_opts *opts);

/* g: (C, n_bins) host. opts NULL = defaults. */
ob_status ob_response_recover(ob_ctx *ctx, float *g, const ob_tensor *const *stack, const double *times,
                              int n_exposures, const ob_response_opts *opts);

/* *ln_radiance <- (C, H, W) host, allocated here; g: (C, n_bins) host. */
ob_status ob_radiance_merge(ob_ctx *ctx, ob_tensor *ln_radiance, const ob_tensor *const *stack, const double *times,
                            int n_exposures, const float *g, int n_bins);

#ifdef __cplusplus
}
#endif
#endif
