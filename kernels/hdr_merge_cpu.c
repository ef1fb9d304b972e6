/* hdr_merge_cpu.c — the CPU path of hdr_merge.h: every (channel, chunk of
 * pixels) is independent; OpenMP splits them, and each pixel runs the shared
 * ob_hdr_merge_pixel (the formula lives once, in hdr_merge.h). */
#include "hdr_merge.h"

#include <stdlib.h>

enum { CHUNK = 1 << 14 };

ob_status ob_hdr_merge_cpu(float *ln_e, const float *const *img, const double *times, int n_exp, int channels,
                           size_t n, const float *g, int n_bins)
{
    ob_hdr_merge_params p;
    OB_TRY(ob_hdr_merge_prepare(&p, times, n_exp, channels, n, n_bins));
    OB_REQUIRE(ln_e && img && g, "hdr merge: null pointer");
    for (int j = 0; j < n_exp; j++) OB_REQUIRE(img[j], "hdr merge: exposure %d is a null pointer", j);
    const long long chunks = (long long)((n + CHUNK - 1) / CHUNK), total = chunks * channels;
#pragma omp parallel for schedule(static) if (total > 1)
    for (long long k = 0; k < total; k++) {
        const int c = (int)(k / chunks);
        const size_t lo = (size_t)(k % chunks) * CHUNK, hi = lo + CHUNK < n ? lo + CHUNK : n;
        const float *plane[OB_HDR_MAX_EXPOSURES];
        for (int j = 0; j < n_exp; j++) plane[j] = img[j] + (size_t)c * n;
        const float *gc = g + (size_t)c * n_bins;
        float *out = ln_e + (size_t)c * n;
        for (size_t i = lo; i < hi; i++)
            out[i] = ob_hdr_merge_pixel(plane, p.ln_t, gc, i, n_exp, n_bins, p.darkest, p.brightest);
    }
    return OB_OK;
}

ob_status ob_hdr_sample_bins(uint16_t *bins, ob_dtype dtype, int n_bins)
{
    OB_REQUIRE(bins, "hdr merge: no bin table");
    OB_REQUIRE(dtype == OB_U8 || dtype == OB_U16, "hdr merge: sample bins of %s (u8 or u16 only)", ob_dtype_name(dtype));
    OB_TRY(ob_hdr_check_bins(n_bins, "hdr merge"));
    const int top = dtype == OB_U8 ? 255 : 65535;
    const float scale = (float)top; /* the readers' v = k / 255.0f, k / 65535.0f */
    for (int k = 0; k <= top; k++) bins[k] = (uint16_t)ob_hdr_bin((float)k / scale, n_bins);
    return OB_OK;
}

static inline int sample_bin(const void *plane, ob_dtype dtype, size_t i, const uint16_t *bins)
{
    return dtype == OB_U8 ? bins[((const uint8_t *)plane)[i]] : bins[((const uint16_t *)plane)[i]];
}

ob_status ob_hdr_merge_samples_cpu(float *ln_e, size_t out_cstride, const void *const *img, size_t in_cstride,
                                   ob_dtype dtype, const uint16_t *bins, const double *times, int n_exp, int channels,
                                   size_t n, const float *g, int n_bins)
{
    ob_hdr_merge_params p;
    OB_TRY(ob_hdr_merge_prepare(&p, times, n_exp, channels, n, n_bins));
    OB_REQUIRE(ln_e && img && g && bins, "hdr merge: null pointer");
    OB_REQUIRE(dtype == OB_U8 || dtype == OB_U16, "hdr merge: samples of %s (u8 or u16 only)", ob_dtype_name(dtype));
    for (int j = 0; j < n_exp; j++) OB_REQUIRE(img[j], "hdr merge: exposure %d is a null pointer", j);
    const size_t esize = dtype == OB_U8 ? 1 : 2;
    /* term[j][z] = w(z) (g[z] - ln t_j), the products ob_hdr_merge_pixel forms */
    float *term = malloc(sizeof(float) * ((size_t)n_exp + 1) * (size_t)n_bins);
    OB_REQUIRE(term, "hdr merge: out of memory");
    float *weight = term + (size_t)n_exp * n_bins;
    for (int z = 0; z < n_bins; z++) weight[z] = (float)ob_hdr_hat(z, n_bins);
    for (int c = 0; c < channels; c++) {
        const float *gc = g + (size_t)c * n_bins;
        for (int j = 0; j < n_exp; j++)
            for (int z = 0; z < n_bins; z++) term[(size_t)j * n_bins + z] = weight[z] * (gc[z] - p.ln_t[j]);
        const void *plane[OB_HDR_MAX_EXPOSURES];
        for (int j = 0; j < n_exp; j++) plane[j] = (const char *)img[j] + (size_t)c * in_cstride * esize;
        float *out = ln_e + (size_t)c * out_cstride;
        for (size_t i = 0; i < n; i++) {
            float num = 0.0f, den = 0.0f;
            for (int j = 0; j < n_exp; j++) {
                const int z = sample_bin(plane[j], dtype, i, bins);
                num += term[(size_t)j * n_bins + z];
                den += weight[z];
            }
            if (den > 0.0f) {
                out[i] = num / den;
                continue;
            }
            const int zd = sample_bin(plane[p.darkest], dtype, i, bins); /* clipped everywhere: as the pixel rule */
            const int j = 2 * zd > n_bins - 1 ? p.darkest : p.brightest;
            out[i] = gc[sample_bin(plane[j], dtype, i, bins)] - p.ln_t[j];
        }
    }
    free(term);
    return OB_OK;
}
