/* resize_cpu.c — the CPU path of resize.h.
 *
 * Separable, in two named stages per output row:
 *   vertical    row[x]  = sum_t wy[t] * in[iy[t]][x]   (contiguous, vectorises)
 *   horizontal  out[dx] = sum_t wx[t][dx] * row[ix[t][dx]]  (a short gather)
 * The tap tables (resize_taps.h) are built once per call, tap-major so the
 * horizontal loop reads them with unit stride. Output rows of all planes are
 * independent and split by OpenMP; each thread owns one row buffer. Vertical
 * first means no row is computed twice, whatever the scale. */
#include <stdlib.h>
#include <string.h>

#include "resize.h"
#include "resize_taps.h"

typedef struct {
    int k;      /* taps per output (padded with zero weights) */
    int n;      /* outputs along the axis */
    int *idx;   /* (k, n): clamped source positions */
    float *w;   /* (k, n) */
} axis_taps;

static void axis_free(axis_taps *a)
{
    free(a->idx), free(a->w);
    a->idx = NULL, a->w = NULL;
}

/* Fills the tables from the shared sampling rule; padding taps repeat the last
 * position with weight 0, so every index is in range. */
static ob_status axis_build(axis_taps *a, ob_resize_method m, int in, int out)
{
    a->k = ob_resize_max_taps(m, in, out);
    a->n = out;
    a->idx = malloc(sizeof(int) * (size_t)a->k * out);
    a->w = malloc(sizeof(float) * (size_t)a->k * out);
    if (!a->idx || !a->w) {
        axis_free(a);
        return OB_FAIL(OB_ERR_NOMEM, "resize: no memory for %d x %d tap tables", a->k, out);
    }
    for (int d = 0; d < out; d++) {
        int first, count;
        float fixed[OB_RESIZE_MAX_FIXED_TAPS];
        const int aa = m == OB_RESIZE_BICUBIC_AA, area = m == OB_RESIZE_AREA && in != out;
        double norm = 1;
        if (aa) {
            count = ob_resize_aa_span(d, in, out, &first);
            norm = ob_resize_aa_norm(d, in, out, first, count);
        } else if (area) {
            count = ob_resize_area_span(d, in, out, &first);
        } else {
            count = ob_resize_fixed_taps(m, d, in, out, &first, fixed);
        }
        for (int t = 0; t < a->k; t++) {
            const int live = t < count, pos = first + (live ? t : count - 1);
            float wt = 0.f;
            if (live)
                wt = aa     ? ob_resize_aa_weight(pos, d, in, out, norm)
                     : area ? ob_resize_area_weight(pos, d, in, out)
                            : fixed[t];
            a->idx[(size_t)t * out + d] = ob_resize_clamp(pos, in);
            a->w[(size_t)t * out + d] = wt;
        }
    }
    return OB_OK;
}

/* row[x] = sum_t wy[t] * in_rows[t][x]; a single weight-1 tap returns the source row itself. */
static const float *vertical(float *row, const float *plane, const axis_taps *ty, int dy, int in_w)
{
    const int k = ty->k, n = ty->n;
    if (k == 1) return plane + (size_t)ty->idx[dy] * in_w; /* k == 1 only with weight 1 */
    const float *r0 = plane + (size_t)ty->idx[dy] * in_w;
    const float w0 = ty->w[dy];
    for (int x = 0; x < in_w; x++) row[x] = w0 * r0[x];
    for (int t = 1; t < k; t++) {
        const float wt = ty->w[(size_t)t * n + dy];
        if (wt == 0.f) continue; /* padding taps */
        const float *rt = plane + (size_t)ty->idx[(size_t)t * n + dy] * in_w;
        for (int x = 0; x < in_w; x++) row[x] += wt * rt[x];
    }
    return row;
}

/* out[dx] = sum_t wx[t][dx] * row[ix[t][dx]], unrolled for the fixed tap counts. */
static void horizontal(float *restrict out, const float *restrict row, const axis_taps *tx)
{
    const int n = tx->n, k = tx->k;
    const int *restrict i0 = tx->idx;
    const float *restrict w0 = tx->w;
    if (k == 1) {
        for (int x = 0; x < n; x++) out[x] = row[i0[x]];
    } else if (k == 2) {
        const int *restrict i1 = i0 + n;
        const float *restrict w1 = w0 + n;
        for (int x = 0; x < n; x++) out[x] = w0[x] * row[i0[x]] + w1[x] * row[i1[x]];
    } else if (k == 4) {
        const int *restrict i1 = i0 + n, *restrict i2 = i0 + 2 * n, *restrict i3 = i0 + 3 * n;
        const float *restrict w1 = w0 + n, *restrict w2 = w0 + 2 * n, *restrict w3 = w0 + 3 * n;
        for (int x = 0; x < n; x++)
            out[x] = w0[x] * row[i0[x]] + w1[x] * row[i1[x]] + w2[x] * row[i2[x]] + w3[x] * row[i3[x]];
    } else {
        for (int x = 0; x < n; x++) out[x] = w0[x] * row[i0[x]];
        for (int t = 1; t < k; t++) {
            const int *restrict it = i0 + (size_t)t * n;
            const float *restrict wt = w0 + (size_t)t * n;
            for (int x = 0; x < n; x++) out[x] += wt[x] * row[it[x]];
        }
    }
}

ob_status ob_resize_cpu(float *out, const float *in, int planes, int in_h, int in_w, int out_h, int out_w,
                        ob_resize_method m)
{
    OB_TRY(ob_resize_check_sizes(planes, in_h, in_w, out_h, out_w, m));
    axis_taps tx = {0}, ty = {0};
    OB_TRY(axis_build(&tx, m, in_w, out_w));
    ob_status s = axis_build(&ty, m, in_h, out_h);
    if (s != OB_OK) {
        axis_free(&tx);
        return s;
    }
    const ptrdiff_t rows = (ptrdiff_t)planes * out_h;
    int nomem = 0;
#pragma omp parallel
    {
        float *row = ty.k > 1 ? malloc(sizeof(float) * (size_t)in_w) : NULL;
        if (ty.k > 1 && !row) {
#pragma omp atomic write
            nomem = 1;
        }
#pragma omp for schedule(static)
        for (ptrdiff_t r = 0; r < rows; r++) {
            if (ty.k > 1 && !row) continue;
            const ptrdiff_t p = r / out_h;
            const int dy = (int)(r % out_h);
            const float *src = vertical(row, in + (size_t)p * in_h * in_w, &ty, dy, in_w);
            horizontal(out + (size_t)r * out_w, src, &tx);
        }
        free(row);
    }
    axis_free(&tx), axis_free(&ty);
    if (nomem) return OB_FAIL(OB_ERR_NOMEM, "resize: no memory for a %d-float row buffer", in_w);
    return OB_OK;
}
