/* ob_hdr_stream.h — the HDR pipeline's merge and tone maps on the CPU,
 * streamed over bands of rows, for photos of real size: a 12 MP stack of 8
 * exposures is 288 MB of 8-bit samples, and a float copy of it would be 1.15 GB.
 *
 * Stages
 *   merge     ob_hdr_merge_streamed: every band of rows is merged from the
 *             stack's own 8/16-bit samples (hdr_merge.h's sample merge: no
 *             float copy of any exposure), exponentiated into the radiance map
 *             and summarised (ob_hdr_radiance_stats); with `release`, the
 *             stack's memory pages under a merged band go back to the OS at
 *             once (madvise), so the stack shrinks while the radiance map
 *             grows and the peak stays near the stack alone. Released samples
 *             read as 0 afterwards: the caller frees the stack next.
 *   display   ob_hdr_display_streamed: the three operators of ob_tonemap.h
 *             (global scale, global simple, Durand) in two passes over row
 *             bands plus the bilateral filter between them:
 *               pass 1  intensity I and L = log2(max(I, floor)) into one
 *                       (H, W) float plane, and sum L (Reinhard's log-average:
 *                       the same L as Durand step 3);
 *               filter  B = bilateral(L) (grid or exact), min / max B;
 *               pass 2  per pixel, all three operators from the radiance, L
 *                       and B, straight to 8- or 16-bit samples: nothing in
 *                       between is stored (no chroma, detail or float display
 *                       planes: 12 planes of the stage-by-stage path).
 *             Memory: the radiance, two float planes and the outputs. The per
 *             pixel arithmetic is tonemap.h's rules (ob_tm_*), the quantisation
 *             ob_image_write's, so the outputs equal ob_image_tonemap's then
 *             ob_image_write's up to float rounding of the sums
 *             (tests/test_hdr_stream.c).
 *
 * Contract
 *   stack: n (2..OB_HDR_MAX_EXPOSURES) contiguous host (C, H, W) tensors, C 1
 *   or 3, all OB_U8 or all OB_U16; times, g (C, n_bins), n_bins as in
 *   hdr_merge.h. radiance: host f32 (C, H, W), allocated by the caller.
 *   display[k]: allocated here, (3, H, W) OB_U8 (bits 8) or OB_U16 (bits 16),
 *   k = global scale, global simple, durand; freed on failure. seconds[k], if
 *   not NULL, gets each operator's own share of the time (the passes they
 *   share split evenly). Threads: OpenMP over bands.
 */
#ifndef OB_HDR_STREAM_H
#define OB_HDR_STREAM_H

#include "ob_tensor.h"
#include "ob_tonemap.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    double peak;      /* largest value of any channel, after tonemap.h's clean (global scale divides by it) */
    double i_min_pos; /* smallest positive intensity (20R + 40G + B)/61 (gray: the value); 0 if none */
    double i_max;     /* largest intensity */
} ob_hdr_radiance_stats;

ob_status ob_hdr_merge_streamed(ob_tensor *radiance, ob_hdr_radiance_stats *stats, ob_tensor *const *stack,
                                const double *times, int n, const float *g, int n_bins, int release);

typedef struct {
    ob_tonemap_opts durand; /* sigma_s (0 = default), sigma_r, stops, gamma, bilateral */
    float key;              /* global simple */
    int bits;               /* 8 or 16 */
} ob_hdr_display_opts;

typedef struct {
    double log_average, floor_, base_min, base_max, sigma_s; /* as ob_tonemap_report's */
} ob_hdr_display_report;

ob_status ob_hdr_display_streamed(ob_tensor display[3], ob_hdr_display_report *report, double seconds[3],
                                  const ob_tensor *radiance, const ob_hdr_radiance_stats *stats,
                                  const ob_hdr_display_opts *o);

#ifdef __cplusplus
}
#endif
#endif
