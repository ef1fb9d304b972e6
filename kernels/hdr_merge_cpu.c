/* hdr_merge_cpu.c — the CPU path of hdr_merge.h: every (channel, chunk of
 * pixels) is independent; OpenMP splits them, and each pixel runs the shared
 * ob_hdr_merge_pixel (the formula lives once, in hdr_merge.h). */
#include "hdr_merge.h"

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
