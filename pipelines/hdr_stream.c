/* hdr_stream.c — the streamed CPU merge and tone maps of ob_hdr_stream.h. */
#define _DEFAULT_SOURCE /* madvise */
#include "ob_hdr_stream.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bilateral_exact.h"
#include "bilateral_grid.h"
#include "hdr_merge.h"
#include "ob_log.h"
#include "ob_simd_math.h" /* after math.h: the loops below vectorise */
#include "tonemap.h"

/* Rows per band: a band of 12 MP is 64k pixels per channel, enough work per
 * task, few enough that two threads finish together. */
enum { BAND_ROWS = 16, BLOCK = 256 };

/* ---- merge ------------------------------------------------------------------ */

/* Gives the whole pages inside [p, p + bytes) back to the OS. */
static void release_pages(void *p, size_t bytes)
{
    static long page;
    if (!page) page = sysconf(_SC_PAGESIZE);
    if (page <= 0) return;
    uintptr_t lo = ((uintptr_t)p + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
    uintptr_t hi = ((uintptr_t)p + bytes) & ~((uintptr_t)page - 1);
    if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

static inline double intensity_of(const float *e, size_t plane, size_t i, int c)
{
    return c >= 3 ? ob_tm_intensity(ob_tm_clean(e[i]), ob_tm_clean(e[plane + i]), ob_tm_clean(e[2 * plane + i]))
                  : ob_tm_clean(e[i]);
}

ob_status ob_hdr_merge_streamed(ob_tensor *radiance, ob_hdr_radiance_stats *stats, ob_tensor *const *stack,
                                const double *times, int n, const float *g, int n_bins, int release)
{
    OB_REQUIRE(radiance && stats && stack && g && n >= 2 && n <= OB_HDR_MAX_EXPOSURES && stack[0],
               "hdr merge: bad arguments");
    const ob_dtype dt = stack[0]->dtype;
    OB_REQUIRE(dt == OB_U8 || dt == OB_U16, "hdr merge: the streamed merge takes 8/16-bit stacks, not %s",
               ob_dtype_name(dt));
    const int c = (int)stack[0]->shape[0], h = (int)stack[0]->shape[1], w = (int)stack[0]->shape[2];
    OB_REQUIRE(c == 1 || c == 3, "hdr merge: %d channels (1 or 3)", c);
    for (int j = 0; j < n; j++)
        OB_REQUIRE(stack[j] && stack[j]->dtype == dt && ob_tensor_same_shape(stack[j], stack[0]) &&
                       ob_tensor_is_contiguous(stack[j]) && stack[j]->loc == OB_HOST,
                   "hdr merge: exposure %d differs from exposure 0 in type or shape", j);
    OB_REQUIRE(radiance->dtype == OB_F32 && radiance->loc == OB_HOST && ob_tensor_same_shape(radiance, stack[0]) &&
                   ob_tensor_is_contiguous(radiance),
               "hdr merge: the radiance map must be a host f32 tensor shaped like the exposures");
    uint16_t *bins = malloc(sizeof(uint16_t) * 65536);
    OB_REQUIRE(bins, "hdr merge: out of memory");
    ob_status st = ob_hdr_sample_bins(bins, dt, n_bins);
    const size_t plane = (size_t)h * w, es = ob_dtype_size(dt);
    const int bands = (h + BAND_ROWS - 1) / BAND_ROWS;
    double peak = 0, lo = INFINITY, hi = 0;
    int failed = 0;
    float *e = ob_tensor_f32(radiance);
#pragma omp parallel for schedule(dynamic, 1) reduction(max : peak, hi) reduction(min : lo) reduction(| : failed)
    for (int b = 0; b < bands; b++) {
        if (st != OB_OK) continue;
        const size_t r0 = (size_t)b * BAND_ROWS, rows = r0 + BAND_ROWS <= (size_t)h ? BAND_ROWS : h - r0;
        const size_t off = r0 * w, len = rows * w;
        const void *img[OB_HDR_MAX_EXPOSURES];
        for (int j = 0; j < n; j++) img[j] = (const char *)stack[j]->data + off * es;
        if (ob_hdr_merge_samples_cpu(e + off, plane, img, plane, dt, bins, times, n, c, len, g, n_bins) != OB_OK) {
            failed = 1;
            continue;
        }
        float band_peak = 0.f;
        for (int k = 0; k < c; k++) {
            float *p = e + (size_t)k * plane + off;
#pragma omp simd reduction(max : band_peak)
            for (size_t i = 0; i < len; i++) {
                p[i] = expf(p[i]);
                const float v = ob_tm_clean(p[i]);
                band_peak = v > band_peak ? v : band_peak;
            }
        }
        peak = band_peak > peak ? band_peak : peak;
        for (size_t i = off; i < off + len; i++) {
            const double v = intensity_of(e, plane, i, c);
            if (v > 0 && v < lo) lo = v;
            if (v > hi) hi = v;
        }
        if (release)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < c; k++)
                    release_pages((char *)stack[j]->data + ((size_t)k * plane + off) * es, len * es);
    }
    free(bins);
    if (st == OB_OK && failed) st = OB_FAIL(OB_ERR_INTERNAL, "hdr merge: %s", ob_last_error());
    stats->peak = peak;
    stats->i_min_pos = isfinite(lo) ? lo : 0;
    stats->i_max = hi;
    return st;
}

/* ---- display ------------------------------------------------------------------ */

/* ob_image_write's quantisation (image_io_internal.h's ob_quantize) for x
 * already in [0, 1] (ob_tm_display's range): there its two clamps change
 * nothing, and without them the store loops vectorise. */
static inline unsigned quantize01(float x, unsigned maxv) { return (unsigned)((double)x * maxv + 0.5); }

/* One channel value through the three operators' last steps: global scale's
 * display, Reinhard's and Durand's colour (chroma times the new intensity)
 * and display. */
static inline void three_ops(float v, float in, float ld, float io, float gs_scale, float gamma, float *gs,
                             float *simple, float *durand)
{
    const float chroma = ob_tm_chroma(v, in);
    *gs = ob_tm_display(v, gs_scale, gamma);
    *simple = ob_tm_display(chroma * ld, 1.f, gamma);
    *durand = ob_tm_display(chroma * io, 1.f, gamma);
}

typedef struct {
    const float *e;
    size_t plane;
    int c;
} radiance_view;

ob_status ob_hdr_display_streamed(ob_tensor display[3], ob_hdr_display_report *report, double seconds[3],
                                  const ob_tensor *radiance, const ob_hdr_radiance_stats *stats,
                                  const ob_hdr_display_opts *o)
{
    OB_REQUIRE(display && report && radiance && stats && o, "tonemap: null argument");
    OB_REQUIRE(o->bits == 8 || o->bits == 16, "tonemap: %d-bit output (8 or 16)", o->bits);
    OB_TRY(ob_tonemap_opts_check(&o->durand));
    OB_REQUIRE(o->key > 0 && isfinite(o->key), "tonemap: key %g must be positive", o->key);
    OB_REQUIRE(radiance->dtype == OB_F32 && radiance->loc == OB_HOST && radiance->ndim == 3 &&
                   ob_tensor_is_contiguous(radiance) && (radiance->shape[0] == 1 || radiance->shape[0] == 3),
               "tonemap: the radiance must be a contiguous host f32 (C, H, W), C 1 or 3");
    const int h = (int)radiance->shape[1], w = (int)radiance->shape[2];
    const radiance_view r = {ob_tensor_f32(radiance), (size_t)h * w, (int)radiance->shape[0]};
    const size_t n = r.plane;
    memset(display, 0, 3 * sizeof *display);
    memset(report, 0, sizeof *report);
    const int64_t shape[3] = {3, h, w};
    float *l = malloc(sizeof(float) * n * 2);
    OB_REQUIRE(l, "tonemap: no memory for two %dx%d planes", w, h);
    float *base = l + n;
    ob_status st = OB_OK;
    for (int k = 0; k < 3 && st == OB_OK; k++)
        st = ob_tensor_alloc(&display[k], o->bits == 16 ? OB_U16 : OB_U8, OB_HOST, 3, shape);
    const int bands = (h + BAND_ROWS - 1) / BAND_ROWS;
    double *sums = malloc(sizeof(double) * (size_t)bands);
    if (st == OB_OK && !sums) st = OB_FAIL(OB_ERR_NOMEM, "tonemap: out of memory");
    const double t0 = ob_now_seconds();
    /* pass 1: L = log2(max(I, floor)) (Durand step 3; Reinhard's log-average) */
    const float floor_ = stats->i_min_pos > 0 ? (float)stats->i_min_pos : 1.f;
    if (st == OB_OK) {
#pragma omp parallel for schedule(static)
        for (int b = 0; b < bands; b++) {
            const size_t lo = (size_t)b * BAND_ROWS * w, hi = lo + (size_t)BAND_ROWS * w < n ? lo + (size_t)BAND_ROWS * w : n;
            const float *rp = r.e, *gp = r.c >= 3 ? r.e + n : r.e, *bp = r.c >= 3 ? r.e + 2 * n : r.e;
            double s = 0;
#pragma omp simd reduction(+ : s)
            for (size_t i = lo; i < hi; i++) {
                l[i] = ob_tm_log2(ob_tm_intensity(ob_tm_clean(rp[i]), ob_tm_clean(gp[i]), ob_tm_clean(bp[i])), floor_);
                s += l[i];
            }
            sums[b] = s;
        }
    }
    double sum = 0;
    for (int b = 0; st == OB_OK && b < bands; b++) sum += sums[b]; /* in band order: the same on every run */
    const double t1 = ob_now_seconds();
    /* the base layer: Durand step 4, and step 6's range */
    const float side = (float)(h > w ? h : w);
    const float sigma_s = o->durand.sigma_s > 0.f ? o->durand.sigma_s
                                                  : fmaxf(1.f, OB_TONEMAP_SIGMA_S_FRACTION * side);
    if (st == OB_OK)
        st = o->durand.bilateral == OB_BILATERAL_EXACT
                 ? ob_bilateral_exact_cpu(base, l, l, h, w, sigma_s, o->durand.sigma_r)
                 : ob_bilateral_grid_cpu(base, l, l, h, w, sigma_s, o->durand.sigma_r, NULL);
    float bmin = INFINITY, bmax = -INFINITY;
    if (st == OB_OK) {
#pragma omp parallel for schedule(static) reduction(min : bmin) reduction(max : bmax)
        for (size_t i = 0; i < n; i++) {
            bmin = base[i] < bmin ? base[i] : bmin;
            bmax = base[i] > bmax ? base[i] : bmax;
        }
    }
    const double t2 = ob_now_seconds();
    /* the operators' scalars, as pipelines/tonemap.c computes them */
    float gs_scale = stats->peak > 0 ? (float)(1.0 / stats->peak) : 1.f;
    if (!isfinite(gs_scale)) gs_scale = 1.f;
    const double log_average = exp2(sum / (double)n);
    const float a = (float)fmin((double)o->key / log_average, 1e37);
    const double span = (double)bmax - bmin;
    const float scale = span > 0 ? (float)(o->durand.stops / span) : 1.f;
    const float gamma = o->durand.gamma;
    /* pass 2: every operator per pixel, in blocks of BLOCK pixels: the float
     * values in a vectorised loop, then quantised to the samples */
    if (st == OB_OK) {
        const int bits = o->bits;
#pragma omp parallel for schedule(static)
        for (int b = 0; b < bands; b++) {
            const size_t lo = (size_t)b * BAND_ROWS * w, hi = lo + (size_t)BAND_ROWS * w < n ? lo + (size_t)BAND_ROWS * w : n;
            const float *plane[3] = {r.e, r.c >= 3 ? r.e + n : r.e, r.c >= 3 ? r.e + 2 * n : r.e};
            float v[3][3][BLOCK]; /* operator, channel, pixel */
            for (size_t i0 = lo; i0 < hi; i0 += BLOCK) {
                const int m = (int)(hi - i0 < BLOCK ? hi - i0 : BLOCK);
                const float *pr = plane[0] + i0, *pg = plane[1] + i0, *pb = plane[2] + i0, *pl = l + i0,
                            *pbase = base + i0;
#pragma omp simd
                for (int t = 0; t < m; t++) {
                    const float cr = ob_tm_clean(pr[t]), cg = ob_tm_clean(pg[t]), cb = ob_tm_clean(pb[t]);
                    const float in = ob_tm_intensity(cr, cg, cb);
                    const float ld = ob_tm_reinhard(in, a);
                    const float io = ob_tm_exp2(ob_tm_base_scale(pbase[t], bmax, scale), pl[t] - pbase[t]);
                    /* channel by channel, unrolled: the vectoriser takes no arrays of lanes */
                    three_ops(cr, in, ld, io, gs_scale, gamma, &v[0][0][t], &v[1][0][t], &v[2][0][t]);
                    three_ops(cg, in, ld, io, gs_scale, gamma, &v[0][1][t], &v[1][1][t], &v[2][1][t]);
                    three_ops(cb, in, ld, io, gs_scale, gamma, &v[0][2][t], &v[1][2][t], &v[2][2][t]);
                }
                for (int op = 0; op < 3; op++)
                    for (int k = 0; k < 3; k++) {
                        void *out = display[op].data;
                        const size_t at = (size_t)k * n + i0;
                        if (bits == 16)
                            for (int t = 0; t < m; t++) ((uint16_t *)out)[at + t] = (uint16_t)quantize01(v[op][k][t], 65535);
                        else
                            for (int t = 0; t < m; t++) ((uint8_t *)out)[at + t] = (uint8_t)quantize01(v[op][k][t], 255);
                    }
            }
        }
    }
    const double t3 = ob_now_seconds();
    free(sums);
    free(l);
    if (st != OB_OK) {
        for (int k = 0; k < 3; k++) ob_tensor_free(&display[k]);
        return st;
    }
    report->log_average = log_average, report->floor_ = floor_, report->base_min = bmin, report->base_max = bmax;
    report->sigma_s = sigma_s;
    if (seconds) { /* pass 1 serves global simple and durand, the filter durand, pass 2 all three */
        seconds[0] = (t3 - t2) / 3;
        seconds[1] = (t1 - t0) / 2 + (t3 - t2) / 3;
        seconds[2] = (t1 - t0) / 2 + (t2 - t1) + (t3 - t2) / 3;
    }
    return OB_OK;
}
