/* pyramid_cpu.c — the CPU path of pyramid.h.
 *
 * Each op works one output row at a time, in two named stages:
 *   vertical    row[x] = tap over the five (reflected) input rows, for every
 *               input column the row needs;
 *   horizontal  out[x] = tap over five (reflected) entries of row.
 * blur and reduce are one filter with a step of 1 or 2 between output samples;
 * expand runs the same two stages on the zero-inserted image U. Rows of all
 * planes are independent and split by OpenMP; each thread owns a row buffer.
 * The taps are pyramid.h's shared helpers, so the GPU gets the same bits. */
#include <stdlib.h>
#include <string.h>

#include "pyramid.h"

/* out row `oy` of plane `in` (h, w) filtered with output step `step` (1: blur, 2: reduce). */
static void filter_row(float *restrict out, float *restrict row, const float *in, int h, int w, int step, int oy,
                       int ow)
{
    const float *r[5];
    for (int k = 0; k < 5; k++) r[k] = in + (size_t)ob_pyr_reflect(step * oy - 2 + k, h) * w;
    for (int x = 0; x < w; x++) row[x] = ob_pyr_tap5(r[0][x], r[1][x], r[2][x], r[3][x], r[4][x]);
    for (int ox = 0; ox < ow; ox++) {
        const int c = step * ox;
        out[ox] = ob_pyr_tap5(row[ob_pyr_reflect(c - 2, w)], row[ob_pyr_reflect(c - 1, w)], row[c],
                              row[ob_pyr_reflect(c + 1, w)], row[ob_pyr_reflect(c + 2, w)]);
    }
}

static ob_status filter(float *out, const float *in, int planes, int h, int w, int step)
{
    const int oh = step == 1 ? h : (h + 1) / 2, ow = step == 1 ? w : (w + 1) / 2;
    const ptrdiff_t rows = (ptrdiff_t)planes * oh;
    int nomem = 0;
#pragma omp parallel
    {
        float *row = malloc(sizeof(float) * (size_t)w);
        if (!row) {
#pragma omp atomic write
            nomem = 1;
        }
#pragma omp for schedule(static)
        for (ptrdiff_t r = 0; r < rows; r++) {
            if (!row) continue;
            const ptrdiff_t p = r / oh;
            filter_row(out + (size_t)r * ow, row, in + (size_t)p * h * w, h, w, step, (int)(r % oh), ow);
        }
        free(row);
    }
    if (nomem) return OB_FAIL(OB_ERR_NOMEM, "pyramid: no memory for a %d-float row buffer", w);
    return OB_OK;
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

/* out row `oy` of expand(in (h, w)) to (oh, ow), then base + scale * it (base may be out). */
static void expand_row(float *out, float *restrict row, const float *in, const float *base, float scale,
                       int w, int oh, int ow, int oy)
{
    int q[5];
    for (int k = 0; k < 5; k++) q[k] = ob_pyr_reflect(oy - 2 + k, oh);
    for (int x = 0; x < ow; x++)
        row[x] = ob_pyr_expand_tap(ob_pyr_upsampled(in, w, q[0], x), ob_pyr_upsampled(in, w, q[1], x),
                                   ob_pyr_upsampled(in, w, q[2], x), ob_pyr_upsampled(in, w, q[3], x),
                                   ob_pyr_upsampled(in, w, q[4], x), oh);
    for (int x = 0; x < ow; x++) {
        const float e = ob_pyr_expand_tap(row[ob_pyr_reflect(x - 2, ow)], row[ob_pyr_reflect(x - 1, ow)], row[x],
                                          row[ob_pyr_reflect(x + 1, ow)], row[ob_pyr_reflect(x + 2, ow)], ow);
        out[x] = ob_pyr_combine(e, base != NULL, base ? base[x] : 0.0f, scale);
    }
}

ob_status ob_pyr_expand_cpu(float *out, const float *in, const float *base, float scale, int planes, int h, int w,
                            int oh, int ow)
{
    OB_TRY(ob_pyr_check_expand(planes, h, w, oh, ow));
    OB_REQUIRE(out && in, "pyramid expand: null pointer");
    const ptrdiff_t rows = (ptrdiff_t)planes * oh;
    int nomem = 0;
#pragma omp parallel
    {
        float *row = malloc(sizeof(float) * (size_t)ow);
        if (!row) {
#pragma omp atomic write
            nomem = 1;
        }
#pragma omp for schedule(static)
        for (ptrdiff_t r = 0; r < rows; r++) {
            if (!row) continue;
            const ptrdiff_t p = r / oh;
            const size_t at = (size_t)r * ow;
            expand_row(out + at, row, in + (size_t)p * h * w, base ? base + at : NULL, scale, w, oh, ow,
                       (int)(r % oh));
        }
        free(row);
    }
    if (nomem) return OB_FAIL(OB_ERR_NOMEM, "pyramid: no memory for a %d-float row buffer", ow);
    return OB_OK;
}

ob_status ob_pyr_mix_cpu(float *out, const float *a, const float *b, const float *m, int planes, int m_planes,
                         size_t n)
{
    OB_REQUIRE(out && a && b && m, "pyramid mix: null pointer");
    OB_REQUIRE(planes >= 1 && n >= 1 && (m_planes == 1 || m_planes == planes),
               "pyramid mix: %d planes of %zu values with a %d-plane mask (need 1 or %d)", planes, n, m_planes,
               planes);
#pragma omp parallel for schedule(static)
    for (int p = 0; p < planes; p++) {
        const float *mp = m + (m_planes == 1 ? 0 : (size_t)p * n);
        const size_t o = (size_t)p * n;
        for (size_t i = 0; i < n; i++) out[o + i] = ob_pyr_lerp(mp[i], a[o + i], b[o + i]);
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

static const ob_pyr_ops cpu_ops = {reduce_op, expand_op, mix_op, copy_op};

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
