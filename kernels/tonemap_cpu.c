/* tonemap_cpu.c — the CPU path of tonemap.h: one plain loop per stage over the
 * per-pixel rules (ob_tm_*), OpenMP only above PARALLEL_MIN elements (a team
 * costs more than it saves on small images on a busy machine). stats cuts the
 * input into fixed chunks (independent of the thread count), reduces each in
 * order, and combines the chunks in order, so every run gives the same bits. */
#include "tonemap.h"

#include "ob_simd_math.h" /* the elementwise loops vectorise (log2f, exp2f, powf) */

enum { PARALLEL_MIN = 1 << 18, CHUNK = 1 << 14, MAX_CHUNKS = 256 };

ob_status ob_tonemap_clean_cpu(float *dst, const float *src, size_t n)
{
    OB_TRY(ob_tonemap_check("clean", n, dst && src));
#pragma omp parallel for schedule(static) if (n >= PARALLEL_MIN)
    for (ptrdiff_t k = 0; k < (ptrdiff_t)n; k++) dst[k] = ob_tm_clean(src[k]);
    return OB_OK;
}

ob_status ob_tonemap_intensity_cpu(float *i, const float *rgb, size_t n)
{
    OB_TRY(ob_tonemap_check("intensity", n, i && rgb));
    const float *r = rgb, *g = rgb + n, *b = rgb + 2 * n;
#pragma omp parallel for schedule(static) if (n >= PARALLEL_MIN)
    for (ptrdiff_t k = 0; k < (ptrdiff_t)n; k++) i[k] = ob_tm_intensity(r[k], g[k], b[k]);
    return OB_OK;
}

ob_status ob_tonemap_chroma_cpu(float *chroma, const float *rgb, const float *i, size_t n)
{
    OB_TRY(ob_tonemap_check("chroma", n, chroma && rgb && i));
#pragma omp parallel for schedule(static) if (n >= PARALLEL_MIN)
    for (ptrdiff_t k = 0; k < (ptrdiff_t)n; k++)
        for (int c = 0; c < 3; c++) chroma[c * n + k] = ob_tm_chroma(rgb[c * n + k], i[k]);
    return OB_OK;
}

ob_status ob_tonemap_log2_cpu(float *l, const float *i, size_t n, float floor_)
{
    OB_TRY(ob_tonemap_check("log2", n, l && i));
    OB_TRY(ob_tonemap_check_param("log2", "floor", floor_, 1));
#pragma omp parallel for schedule(static) if (n >= PARALLEL_MIN)
    for (ptrdiff_t k = 0; k < (ptrdiff_t)n; k++) l[k] = ob_tm_log2(i[k], floor_);
    return OB_OK;
}

ob_status ob_tonemap_detail_cpu(float *d, const float *l, const float *b, size_t n)
{
    OB_TRY(ob_tonemap_check("detail", n, d && l && b));
#pragma omp parallel for schedule(static) if (n >= PARALLEL_MIN)
    for (ptrdiff_t k = 0; k < (ptrdiff_t)n; k++) d[k] = l[k] - b[k];
    return OB_OK;
}

ob_status ob_tonemap_base_scale_cpu(float *bs, const float *b, size_t n, float bmax, float scale)
{
    OB_TRY(ob_tonemap_check("base_scale", n, bs && b));
    OB_TRY(ob_tonemap_check_param("base_scale", "bmax", bmax, 0));
    OB_TRY(ob_tonemap_check_param("base_scale", "scale", scale, 0));
#pragma omp parallel for schedule(static) if (n >= PARALLEL_MIN)
    for (ptrdiff_t k = 0; k < (ptrdiff_t)n; k++) bs[k] = ob_tm_base_scale(b[k], bmax, scale);
    return OB_OK;
}

ob_status ob_tonemap_exp2_cpu(float *io, const float *bs, const float *d, size_t n)
{
    OB_TRY(ob_tonemap_check("exp2", n, io && bs && d));
#pragma omp parallel for schedule(static) if (n >= PARALLEL_MIN)
    for (ptrdiff_t k = 0; k < (ptrdiff_t)n; k++) io[k] = ob_tm_exp2(bs[k], d[k]);
    return OB_OK;
}

ob_status ob_tonemap_colour_cpu(float *rgb, const float *chroma, const float *io, size_t n)
{
    OB_TRY(ob_tonemap_check("colour", n, rgb && chroma && io));
#pragma omp parallel for schedule(static) if (n >= PARALLEL_MIN)
    for (ptrdiff_t k = 0; k < (ptrdiff_t)n; k++)
        for (int c = 0; c < 3; c++) rgb[c * n + k] = chroma[c * n + k] * io[k];
    return OB_OK;
}

ob_status ob_tonemap_reinhard_cpu(float *ld, const float *i, size_t n, float a)
{
    OB_TRY(ob_tonemap_check("reinhard", n, ld && i));
    OB_TRY(ob_tonemap_check_param("reinhard", "a", a, 1));
#pragma omp parallel for schedule(static) if (n >= PARALLEL_MIN)
    for (ptrdiff_t k = 0; k < (ptrdiff_t)n; k++) ld[k] = ob_tm_reinhard(i[k], a);
    return OB_OK;
}

ob_status ob_tonemap_display_cpu(float *out, const float *in, size_t n, float scale, float gamma)
{
    OB_TRY(ob_tonemap_check("display", n, out && in));
    OB_TRY(ob_tonemap_check_param("display", "scale", scale, 0));
    OB_TRY(ob_tonemap_check_param("display", "gamma", gamma, 1));
#pragma omp parallel for schedule(static) if (n >= PARALLEL_MIN)
    for (ptrdiff_t k = 0; k < (ptrdiff_t)n; k++) out[k] = ob_tm_display(in[k], scale, gamma);
    return OB_OK;
}

/* Min positive (+inf if none) and sum of x[0..n), in order. */
static ob_tonemap_stats chunk_stats(const float *x, size_t n)
{
    float pos = INFINITY;
    double sum = 0;
    for (size_t k = 0; k < n; k++) {
        const float v = x[k];
        pos = v > 0.f && v < pos ? v : pos; /* ?: vectorises, fminf is a call */
        sum += v;
    }
    ob_tonemap_stats s = {pos, sum};
    return s;
}

ob_status ob_tonemap_stats_cpu(ob_tonemap_stats *s, const float *x, size_t n)
{
    OB_TRY(ob_tonemap_check("stats", n, s && x));
    size_t chunk = (n + MAX_CHUNKS - 1) / MAX_CHUNKS;
    if (chunk < CHUNK) chunk = CHUNK;
    const ptrdiff_t chunks = (ptrdiff_t)((n + chunk - 1) / chunk);
    ob_tonemap_stats part[MAX_CHUNKS];
#pragma omp parallel for schedule(static) if (n >= PARALLEL_MIN)
    for (ptrdiff_t c = 0; c < chunks; c++) {
        const size_t lo = (size_t)c * chunk, len = n - lo < chunk ? n - lo : chunk;
        part[c] = chunk_stats(x + lo, len);
    }
    ob_tonemap_stats t = part[0];
    for (ptrdiff_t c = 1; c < chunks; c++) {
        t.min_positive = fmin(t.min_positive, part[c].min_positive);
        t.sum += part[c].sum;
    }
    if (isinf(t.min_positive)) t.min_positive = 0;
    *s = t;
    return OB_OK;
}
