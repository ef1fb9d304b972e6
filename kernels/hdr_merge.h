/* hdr_merge.h — radiance merge of an exposure stack (Debevec & Malik 1997,
 * eq. 6) through a recovered response g, and the pieces of that formula the
 * response recovery (response_solve.h, pipelines/hdr_response.c) shares.
 *
 * Contract
 *   Inputs are J exposures of the same scene, each (C, n) planar float32 in
 *   [0, 1] (n = H*W), exposure j taken with time times[j] seconds. g is the
 *   log inverse response per channel, (C, n_bins), natural-log units: pixel
 *   value bin z of channel c was produced by log exposure g[c][z] = ln(E * t).
 *     bin      z = rint(clamp(v, 0, 1) * (n_bins - 1)): 8-bit inputs (v = k/255)
 *              land exactly on k with 256 bins; 16-bit inputs (k/65535) are
 *              quantised to the nearest of the n_bins levels (k/257 is never a
 *              tie, so rint's round-half-even never matters there). NaN counts
 *              as 0.
 *     hat      w(z) = z for z <= (n_bins-1)/2, (n_bins-1) - z above (Debevec
 *              & Malik eq. 4 with Zmin = 0, Zmax = n_bins-1). So w(0) =
 *              w(n_bins-1) = 0: a clipped value says only "at least" or "at
 *              most", not how much, and is excluded from both the fit and the
 *              merge. Consequences: (a) in the fit, g at the two end bins has
 *              no data row, only the smoothness rows at z = 1 and z = n_bins-2
 *              (weight w = 1), so g(0) and g(n_bins-1) come out as the linear
 *              extrapolation of their neighbours; (b) in the merge a pixel
 *              clipped in every exposure has sum w = 0, handled by the rule
 *              below, and that rule's estimate is a bound, not a measurement.
 *     merge    ln E = sum_j w(z_j) (g[z_j] - ln t_j) / sum_j w(z_j)   (eq. 6)
 *              accumulated in float, exposures in the order given.
 *     clipped  sum_j w = 0 (every exposure at 0 or n_bins-1): the estimate of
 *              the nearest usable exposure, g[z] - ln t of one exposure:
 *              the darkest (smallest t) when the pixel is over-exposed there
 *              (z > (n_bins-1)/2: bright in the exposure least likely to
 *              saturate, so bright in all), else the brightest (largest t):
 *              under-exposed everywhere. Finite whenever g is; never NaN/inf.
 *   times: finite, > 0, all different (OB_ERR_ARG naming the pair otherwise);
 *   2 <= J <= OB_HDR_MAX_EXPOSURES; OB_HDR_MIN_BINS <= n_bins <=
 *   OB_HDR_MAX_BINS; 1 <= C <= 65535; n >= 1. Buffers are caller-owned and
 *   contiguous; ln_e must not overlap the inputs.
 *
 * Paths
 *   _cpu   OpenMP over pixel chunks of every channel (host pointers); the per
 *          pixel arithmetic is ob_hdr_merge_pixel below, shared with the GPU.
 *   _cuda  kernels/hdr_merge.cu: grid (blocks, C), one thread per pixel with a
 *          grid-stride loop; the block stages the J image pointers, ln t and
 *          its channel's g in shared memory. Every array (images, g, ln_e) is a
 *          device pointer; times is on the host (it goes in by value). cfg NULL
 *          = 256 threads; block_x a multiple of 32, at most 1024 (_emu: the
 *          same source under cuda-emu, host pointers).
 *   ob_hdr_merge: tensors (C, H, W) (all J alike) where ctx computes; g on the
 *          host (copied to the device for cuda).
 *
 * Example
 *   const float *imgs[3] = {dark, mid, bright};     // each (3, n)
 *   double t[3] = {1.0 / 1000, 1.0 / 250, 1.0 / 60};
 *   OB_TRY(ob_hdr_merge_cpu(ln_e, imgs, t, 3, 3, n, g, 256));
 */
#ifndef OB_HDR_MERGE_H
#define OB_HDR_MERGE_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OB_HDR_MAX_EXPOSURES 64
#define OB_HDR_MIN_BINS 16
#define OB_HDR_MAX_BINS 4096
#define OB_HDR_DEFAULT_BINS 256

#if defined(__CUDACC__)
#define OB_HDR_HD __host__ __device__ __forceinline__
#else
#define OB_HDR_HD static inline
#endif

/* What the merge needs besides the arrays, checked and derived once (hdr_merge.c). */
typedef struct {
    int n_exp, channels, n_bins;
    int darkest, brightest;          /* exposures with the smallest / largest time */
    float ln_t[OB_HDR_MAX_EXPOSURES]; /* ln times[j] */
} ob_hdr_merge_params;

/* times: finite, > 0, pairwise different, 2 <= n <= OB_HDR_MAX_EXPOSURES; the
 * message names the bad entry. `who` prefixes it ("hdr merge", "response"). */
ob_status ob_hdr_check_times(const double *times, int n, const char *who);
/* n_bins within [OB_HDR_MIN_BINS, OB_HDR_MAX_BINS]. */
ob_status ob_hdr_check_bins(int n_bins, const char *who);
/* Checks everything in the contract but the pointers, then fills *p. */
ob_status ob_hdr_merge_prepare(ob_hdr_merge_params *p, const double *times, int n_exp, int channels, size_t n,
                               int n_bins);

/* The response's bin of a value in [0, 1]. */
OB_HDR_HD int ob_hdr_bin(float v, int n_bins)
{
    /* comparisons, not fmaxf/fminf: those are library calls on the host
     * without -ffast-math; v > 0 is false for NaN, which so becomes 0 */
    v = v > 0.0f ? v : 0.0f;
    v = v < 1.0f ? v : 1.0f;
    return (int)rintf(v * (float)(n_bins - 1));
}

/* Debevec–Malik hat weight of bin z; zero at both ends (see the contract). */
OB_HDR_HD int ob_hdr_hat(int z, int n_bins)
{
    const int top = n_bins - 1;
    return 2 * z <= top ? z : top - z;
}

/* ln E of pixel `off` of one channel: img[j] points at that channel's plane of
 * exposure j, g at its response. Both paths call this. */
OB_HDR_HD float ob_hdr_merge_pixel(const float *const *img, const float *ln_t, const float *g, size_t off,
                                   int n_exp, int n_bins, int darkest, int brightest)
{
    float num = 0.0f, den = 0.0f;
    for (int j = 0; j < n_exp; j++) {
        const int z = ob_hdr_bin(img[j][off], n_bins);
        const float w = (float)ob_hdr_hat(z, n_bins);
        num += w * (g[z] - ln_t[j]);
        den += w;
    }
    if (den > 0.0f) return num / den;
    /* clipped in every exposure: the nearest usable exposure's estimate */
    const int zd = ob_hdr_bin(img[darkest][off], n_bins);
    const int j = 2 * zd > n_bins - 1 ? darkest : brightest;
    return g[ob_hdr_bin(img[j][off], n_bins)] - ln_t[j];
}

/* ln_e (C, n) <- merge of img[0..n_exp-1], each (C, n); g (C, n_bins). */
ob_status ob_hdr_merge_cpu(float *ln_e, const float *const *img, const double *times, int n_exp, int channels,
                           size_t n, const float *g, int n_bins);
ob_status ob_hdr_merge_cuda(float *ln_e, const float *const *img, const double *times, int n_exp, int channels,
                            size_t n, const float *g, int n_bins, const ob_launch_cfg *cfg);
ob_status ob_hdr_merge_emu(float *ln_e, const float *const *img, const double *times, int n_exp, int channels,
                           size_t n, const float *g, int n_bins, const ob_launch_cfg *cfg);

/* ---- 8/16-bit samples on the CPU (the HDR pipeline's streamed merge) ---------
 * The same merge for images that hold the files' own samples (OB_U8 0..255,
 * OB_U16 0..65535; value v = sample / 255 or / 65535 as ob_image_read gives
 * it), so no float copy of the stack is ever made: a sample's bin comes from a
 * table (ob_hdr_sample_bins: ob_hdr_bin of that float value, so every bin is
 * the float path's), and the per-(exposure, bin) terms w(z) (g[z] - ln t_j)
 * and w(z) are tabulated once per channel: the sum is ob_hdr_merge_pixel's,
 * term by term in the same order, so results equal the float path's up to the
 * compiler's contraction of a*b+c (tests/test_hdr_merge.c: 1e-6).
 *   img[j] points at exposure j's first sample of the rows to merge; channel
 *   c of it is at img[j] + c * in_cstride (elements), n samples per channel;
 *   ln_e likewise with out_cstride. Serial: the caller threads over row bands.
 *   bins: (65536) table from ob_hdr_sample_bins(bins, dtype, n_bins). */
/* bins[k] <- ob_hdr_bin(k / 255 or k / 65535) for k < 256 or 65536. */
ob_status ob_hdr_sample_bins(uint16_t *bins, ob_dtype dtype, int n_bins);
ob_status ob_hdr_merge_samples_cpu(float *ln_e, size_t out_cstride, const void *const *img, size_t in_cstride,
                                   ob_dtype dtype, const uint16_t *bins, const double *times, int n_exp, int channels,
                                   size_t n, const float *g, int n_bins);

/* ln_e (C, H, W), allocated by the caller where ctx computes, <- the merge of
 * the J tensors img[j] (C, H, W), same place and shape; g: host (C, n_bins). */
ob_status ob_hdr_merge(ob_ctx *ctx, ob_tensor *ln_e, const ob_tensor *const *img, const double *times, int n_exp,
                       const float *g, int n_bins);

#ifdef __cplusplus
}
#endif
#endif
