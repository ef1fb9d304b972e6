/* pyramid_cpu.c — the CPU path of pyramid.h.
 *
 * Each op works one output row at a time, in two named stages:
 *   vertical    row[x] = tap over the five (reflected) input rows, for every
 *               input column the row needs;
 *   horizontal  out[x] = tap over five (reflected) entries of row.
 * blur and reduce are one filter with a step of 1 or 2 between output samples;
 * expand runs the same two stages on the zero-inserted image U, skipping the
 * taps that land on its zeros (expand_vertical). Borders are reflected only
 * where a tap can leave the row; the interior loops index directly and
 * vectorise. Rows of all planes are independent and split by OpenMP; each
 * thread owns a row buffer.
 * The taps are pyramid.h's shared helpers, so the GPU gets the same bits. */
#include <stdlib.h>
#include <string.h>

#include "pyramid.h"

enum { SERIAL_BELOW = 1 << 16 }; /* outputs: fewer run on the calling thread alone */

/* Horizontal taps at output columns [x0, x1) of a row of width w, every `step`
 * input columns; `reflect` = 0 only where all five taps lie inside the row. */
static inline void hpass(float *restrict out, const float *restrict row, int w, int x0, int x1, const int step,
                         const int reflect)
{
    for (int ox = x0; ox < x1; ox++) {
        const int c = step * ox;
        out[ox] = reflect ? ob_pyr_tap5(row[ob_pyr_reflect(c - 2, w)], row[ob_pyr_reflect(c - 1, w)], row[c],
                                        row[ob_pyr_reflect(c + 1, w)], row[ob_pyr_reflect(c + 2, w)])
                          : ob_pyr_tap5(row[c - 2], row[c - 1], row[c], row[c + 1], row[c + 2]);
    }
}

/* out row `oy` of plane `in` (h, w) filtered with output step `step` (1: blur, 2: reduce). */
static void filter_row(float *restrict out, float *restrict row, const float *in, int h, int w, int step, int oy,
                       int ow)
{
    const float *r[5];
    for (int k = 0; k < 5; k++) r[k] = in + (size_t)ob_pyr_reflect(step * oy - 2 + k, h) * w;
    for (int x = 0; x < w; x++) row[x] = ob_pyr_tap5(r[0][x], r[1][x], r[2][x], r[3][x], r[4][x]);
    /* interior: step * ox - 2 >= 0 and step * ox + 2 <= w - 1 */
    const int lo = step == 1 ? 2 : 1, hi = w >= 3 ? (w - 3) / step + 1 : 0;
    const int a = lo < ow ? lo : ow, b = hi > a ? (hi < ow ? hi : ow) : a;
    if (step == 1) {
        hpass(out, row, w, 0, a, 1, 1), hpass(out, row, w, a, b, 1, 0), hpass(out, row, w, b, ow, 1, 1);
    } else {
        hpass(out, row, w, 0, a, 2, 1), hpass(out, row, w, a, b, 2, 0), hpass(out, row, w, b, ow, 2, 1);
    }
}

/* Row oy of expand: U's rows oy-2..oy+2 (reflected) keep their parity, so an even
 * output row sees G rows at taps 0, 2, 4 and zeros at 1, 3; an odd one the
 * reverse. The same holds along x. So only G's columns are filtered
 * vertically (v, w values; U's odd columns would give +0), and each output
 * takes its three or two non-zero taps from v — the very expressions of
 * ob_pyr_expand_tap with those zeros, so the values are the GPU path's. */
static void expand_vertical(float *restrict v, const float *in, int w, int oh, int oy)
{
    int q[5];
    for (int k = 0; k < 5; k++) q[k] = ob_pyr_reflect(oy - 2 + k, oh) >> 1; /* G row of an even U row */
    if (!(oy & 1)) {
        const float *a = in + (size_t)q[0] * w, *b = in + (size_t)q[2] * w, *c = in + (size_t)q[4] * w;
        for (int j = 0; j < w; j++) v[j] = ob_pyr_expand_tap(a[j], 0.0f, b[j], 0.0f, c[j], oh);
    } else {
        const float *a = in + (size_t)q[1] * w, *b = in + (size_t)q[3] * w;
        for (int j = 0; j < w; j++) v[j] = ob_pyr_expand_tap(0.0f, a[j], 0.0f, b[j], 0.0f, oh);
    }
}

/* expand's horizontal taps at output column x, borders reflected. */
static inline float expand_at(const float *v, int x, int ow)
{
    if (!(x & 1))
        return ob_pyr_expand_tap(v[ob_pyr_reflect(x - 2, ow) >> 1], 0.0f, v[x >> 1], 0.0f,
                                 v[ob_pyr_reflect(x + 2, ow) >> 1], ow);
    return ob_pyr_expand_tap(0.0f, v[ob_pyr_reflect(x - 1, ow) >> 1], 0.0f, v[ob_pyr_reflect(x + 1, ow) >> 1], 0.0f,
                             ow);
}

/* out row oy of base + scale * expand(in (h, w)) to (oh, ow); base may be out.
 * buf: w + ow floats (v, then the expanded row e before it is combined). */
static void expand_row(float *out, float *restrict buf, const float *in, const float *base, float scale, int w, int oh,
                       int ow, int oy)
{
    float *restrict v = buf, *restrict e = buf + w;
    expand_vertical(v, in, w, oh, oy);
    /* pairs (2j, 2j+1) with all taps inside: 2j - 2 >= 0 and 2j + 3 <= ow - 1 */
    const int j_lo = 1, j_hi = (ow - 4) / 2 + 1; /* j in [j_lo, j_hi) */
    const int x_lo = j_hi > j_lo ? 2 * j_lo : 0, x_hi = j_hi > j_lo ? 2 * j_hi : 0;
    for (int x = 0; x < x_lo; x++) e[x] = expand_at(v, x, ow);
    for (int j = j_lo; j < j_hi; j++) {
        e[2 * j] = ob_pyr_expand_tap(v[j - 1], 0.0f, v[j], 0.0f, v[j + 1], ow);
        e[2 * j + 1] = ob_pyr_expand_tap(0.0f, v[j], 0.0f, v[j + 1], 0.0f, ow);
    }
    for (int x = x_hi > x_lo ? x_hi : x_lo; x < ow; x++) e[x] = expand_at(v, x, ow);
    if (base)
        for (int x = 0; x < ow; x++) out[x] = ob_pyr_combine(e[x], 1, base[x], scale);
    else
        for (int x = 0; x < ow; x++) out[x] = ob_pyr_combine(e[x], 0, 0.0f, scale);
}

/* One op over all output rows (planes x oh): filter (step 1 or 2) or expand (step 0). */
typedef struct {
    float *out;
    const float *in, *base;
    float scale;
    int planes, h, w, oh, ow, step;
} row_job;

static void job_row(const row_job *j, float *buf, ptrdiff_t r)
{
    const int y = (int)(r % j->oh);
    const size_t at = (size_t)r * j->ow;
    const float *plane = j->in + (size_t)(r / j->oh) * j->h * j->w;
    if (j->step)
        filter_row(j->out + at, buf, plane, j->h, j->w, j->step, y, j->ow);
    else
        expand_row(j->out + at, buf, plane, j->base ? j->base + at : NULL, j->scale, j->w, j->oh, j->ow, y);
}

/* The rows split by OpenMP; each thread owns a row buffer of `buf` floats. */
static ob_status run_rows(const row_job *j, size_t buf)
{
    const ptrdiff_t rows = (ptrdiff_t)j->planes * j->oh;
    int nomem = 0;
    /* small levels (the top of a pyramid) cost less than waking the team */
#pragma omp parallel if ((size_t)rows * j->ow >= SERIAL_BELOW)
    {
        float *row = malloc(sizeof(float) * buf);
        if (!row) {
#pragma omp atomic write
            nomem = 1;
        }
#pragma omp for schedule(static)
        for (ptrdiff_t r = 0; r < rows; r++)
            if (row) job_row(j, row, r);
        free(row);
    }
    if (nomem) return OB_FAIL(OB_ERR_NOMEM, "pyramid: no memory for a %zu-float row buffer", buf);
    return OB_OK;
}

static ob_status filter(float *out, const float *in, int planes, int h, int w, int step)
{
    const row_job j = {out, in, NULL, 1.0f, planes, h, w, step == 1 ? h : (h + 1) / 2, step == 1 ? w : (w + 1) / 2,
                       step};
    return run_rows(&j, (size_t)w);
}

ob_status ob_pyr_blur_cpu(float *out, const float *in, int planes, int h, int w)
{
    OB_TRY(ob_pyr_check("blur", planes, h, w));
    OB_REQUIRE(out && in, "pyramid blur: null pointer");
    return filter(out, in, planes, h, w, 1);
}

ob_status ob_pyr_reduce_cpu(float *out, const float *in, int planes, int h, int w)
{
    OB_TRY(ob_pyr_check("reduce", planes, h, w));
    OB_REQUIRE(out && in, "pyramid reduce: null pointer");
    return filter(out, in, planes, h, w, 2);
}

ob_status ob_pyr_expand_cpu(float *out, const float *in, const float *base, float scale, int planes, int h, int w,
                            int oh, int ow)
{
    OB_TRY(ob_pyr_check_expand(planes, h, w, oh, ow));
    OB_REQUIRE(out && in, "pyramid expand: null pointer");
    const row_job j = {out, in, base, scale, planes, h, w, oh, ow, 0};
    return run_rows(&j, (size_t)w + ow);
}

ob_status ob_pyr_mix_cpu(float *out, const float *a, const float *b, const float *m, int planes, int m_planes,
                         size_t n)
{
    OB_REQUIRE(out && a && b && m, "pyramid mix: null pointer");
    OB_REQUIRE(planes >= 1 && n >= 1 && (m_planes == 1 || m_planes == planes),
               "pyramid mix: %d planes of %zu values with a %d-plane mask (need 1 or %d)", planes, n, m_planes,
               planes);
#pragma omp parallel for schedule(static) if ((size_t)planes * n >= SERIAL_BELOW)
    for (int p = 0; p < planes; p++) {
        const float *mp = m + (m_planes == 1 ? 0 : (size_t)p * n);
        const size_t o = (size_t)p * n;
        for (size_t i = 0; i < n; i++) out[o + i] = ob_pyr_lerp(mp[i], a[o + i], b[o + i]);
    }
    return OB_OK;
}

ob_status ob_pyr_accum_cpu(float *acc, const float *a, const float *m, int planes, int m_planes, size_t n)
{
    OB_REQUIRE(acc && a && m, "pyramid accum: null pointer");
    OB_REQUIRE(planes >= 1 && n >= 1 && (m_planes == 1 || m_planes == planes),
               "pyramid accum: %d planes of %zu values with a %d-plane weight (need 1 or %d)", planes, n, m_planes,
               planes);
#pragma omp parallel for schedule(static) if ((size_t)planes * n >= SERIAL_BELOW)
    for (int p = 0; p < planes; p++) {
        const float *restrict mp = m + (m_planes == 1 ? 0 : (size_t)p * n);
        const float *restrict ap = a + (size_t)p * n;
        float *restrict out = acc + (size_t)p * n;
        for (size_t i = 0; i < n; i++) out[i] = ob_pyr_madd(mp[i], ap[i], out[i]);
    }
    return OB_OK;
}

/* ---- the multi-level schedule on this path ---------------------------------- */

static ob_status reduce_op(float *out, const float *in, int planes, int h, int w, const ob_launch_cfg *cfg)
{
    return ob_pyr_reduce_cpu(out, in, planes, h, w);
}

static ob_status expand_op(float *out, const float *in, const float *base, float scale, int planes, int h, int w,
                           int oh, int ow, const ob_launch_cfg *cfg)
{
    return ob_pyr_expand_cpu(out, in, base, scale, planes, h, w, oh, ow);
}

static ob_status mix_op(float *out, const float *a, const float *b, const float *m, int planes, int m_planes,
                        size_t n, const ob_launch_cfg *cfg)
{
    return ob_pyr_mix_cpu(out, a, b, m, planes, m_planes, n);
}

static ob_status copy_op(float *dst, const float *src, size_t n, const ob_launch_cfg *cfg)
{
    if (dst != src) memcpy(dst, src, n * sizeof(float));
    return OB_OK;
}

static ob_status accum_op(float *acc, const float *a, const float *m, int planes, int m_planes, size_t n,
                         const ob_launch_cfg *cfg)
{
    return ob_pyr_accum_cpu(acc, a, m, planes, m_planes, n);
}

static const ob_pyr_ops cpu_ops = {reduce_op, expand_op, mix_op, copy_op, accum_op};

ob_status ob_pyr_gaussian_cpu(float *pyr, const float *img, int planes, int h, int w, int levels)
{
    return ob_pyr_gaussian_with(&cpu_ops, pyr, img, planes, h, w, levels, NULL);
}

ob_status ob_pyr_laplacian_cpu(float *pyr, const float *img, int planes, int h, int w, int levels)
{
    return ob_pyr_laplacian_with(&cpu_ops, pyr, img, planes, h, w, levels, NULL);
}

ob_status ob_pyr_collapse_cpu(float *img, float *pyr, int planes, int h, int w, int levels)
{
    return ob_pyr_collapse_with(&cpu_ops, img, pyr, planes, h, w, levels, NULL);
}

ob_status ob_pyr_blend_cpu(float *pyr, const float *pyr_b, const float *mask_pyr, int planes, int mask_planes,
                           int h, int w, int levels)
{
    return ob_pyr_blend_with(&cpu_ops, pyr, pyr_b, mask_pyr, planes, mask_planes, h, w, levels, NULL);
}

ob_status ob_pyr_accumulate_cpu(float *acc, const float *pyr, const float *w_pyr, int planes, int w_planes, int h,
                                int w, int levels)
{
    return ob_pyr_accumulate_with(&cpu_ops, acc, pyr, w_pyr, planes, w_planes, h, w, levels, NULL);
}
