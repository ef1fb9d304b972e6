/* upsample_cpu.c — CPU path of upsample.h. The taps of every output row and
 * column are computed once per call (ob_upsample_taps, shared with
 * upsample.cu), then
 *   forward   OpenMP over output rows: the two source rows blended with the
 *             same arithmetic as ob_upsample_at (bit-identical to it);
 *   backward  OpenMP over planes, separably: each output row's gradient is
 *             scattered onto its input columns (R, oh x w, per thread), then
 *             R's rows onto their input rows. For every input (i, j) the terms
 *             arrive in the order ob_upsample_grad_at's gather sums them
 *             (outputs ascending, a row's columns first), so the result is the
 *             gather's; it costs ~4 multiply-adds per output instead of a
 *             window of weights recomputed per input. */
#include "upsample.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    int *i0, *i1;
    float *l1;
} axis_taps;

static ob_status taps_make(axis_taps *t, int n_out, int n_in, int s, int bilinear)
{
    t->i0 = malloc(sizeof(int) * (size_t)n_out), t->i1 = malloc(sizeof(int) * (size_t)n_out);
    t->l1 = malloc(sizeof(float) * (size_t)n_out);
    if (!t->i0 || !t->i1 || !t->l1) {
        free(t->i0), free(t->i1), free(t->l1);
        return OB_FAIL(OB_ERR_NOMEM, "upsample: out of memory");
    }
    for (int o = 0; o < n_out; o++) ob_upsample_taps(&t->i0[o], &t->i1[o], &t->l1[o], o, n_in, s, bilinear);
    return OB_OK;
}

static void taps_free(axis_taps *t)
{
    free(t->i0), free(t->i1), free(t->l1);
}

/* The taps of both axes of an (h s) x (w s) output. */
static ob_status plane_taps(axis_taps *ty, axis_taps *tx, int h, int w, int s, int bilinear)
{
    OB_TRY(taps_make(ty, h * s, h, s, bilinear));
    ob_status st = taps_make(tx, w * s, w, s, bilinear);
    if (st != OB_OK) taps_free(ty);
    return st;
}

ob_status ob_upsample_cpu(float *y, const float *x, int planes, int h, int w, int s, int bilinear)
{
    const int oh = h * s, ow = w * s;
    axis_taps ty, tx;
    OB_TRY(plane_taps(&ty, &tx, h, w, s, bilinear));
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < (int64_t)planes * oh; r++) {
        const int o = (int)(r % oh);
        const float *xp = x + (r / oh) * h * w, *top = xp + ty.i0[o] * w, *bot = xp + ty.i1[o] * w;
        const float ly = ty.l1[o];
        float *yr = y + r * ow;
        for (int p = 0; p < ow; p++) {
            const float lx = tx.l1[p];
            const float t = (1.0f - lx) * top[tx.i0[p]] + lx * top[tx.i1[p]];
            const float b = (1.0f - lx) * bot[tx.i0[p]] + lx * bot[tx.i1[p]];
            yr[p] = (1.0f - ly) * t + ly * b;
        }
    }
    taps_free(&ty), taps_free(&tx);
    return OB_OK;
}

/* acc[a], acc[b] += weights (1 - l) g, l g; one term of weight (1 - l) + l
 * where both taps are one input (the gather's weight) */
static inline void scatter2(float *acc, int a, int b, float l, float g)
{
    if (a == b) {
        acc[a] += ((1.0f - l) + l) * g;
    } else {
        acc[a] += (1.0f - l) * g;
        acc[b] += l * g;
    }
}

ob_status ob_upsample_backward_cpu(float *gx, const float *gy, int planes, int h, int w, int s, int bilinear)
{
    const int oh = h * s, ow = w * s;
    axis_taps ty, tx;
    OB_TRY(plane_taps(&ty, &tx, h, w, s, bilinear));
    int failed = 0;
#pragma omp parallel
    {
        float *rows = malloc(sizeof(float) * (size_t)oh * (size_t)w);
        if (!rows) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static)
        for (int64_t pl = 0; pl < planes; pl++) {
            if (!rows) continue;
            const float *gp = gy + pl * (int64_t)oh * ow;
            float *gxp = gx + pl * (int64_t)h * w;
            memset(rows, 0, sizeof(float) * (size_t)oh * (size_t)w);
            for (int o = 0; o < oh; o++) /* columns: each output row onto its w inputs */
                for (int p = 0; p < ow; p++) scatter2(rows + (size_t)o * w, tx.i0[p], tx.i1[p], tx.l1[p], gp[(size_t)o * ow + p]);
            memset(gxp, 0, sizeof(float) * (size_t)h * (size_t)w);
            for (int o = 0; o < oh; o++) { /* rows: each onto its input rows */
                const int a = ty.i0[o], b = ty.i1[o];
                const float l = ty.l1[o], *r = rows + (size_t)o * w;
                if (a == b) {
                    const float wt = (1.0f - l) + l;
                    for (int j = 0; j < w; j++) gxp[(size_t)a * w + j] += wt * r[j];
                } else {
                    for (int j = 0; j < w; j++) gxp[(size_t)a * w + j] += (1.0f - l) * r[j];
                    for (int j = 0; j < w; j++) gxp[(size_t)b * w + j] += l * r[j];
                }
            }
        }
        free(rows);
    }
    taps_free(&ty), taps_free(&tx);
    return failed ? OB_FAIL(OB_ERR_NOMEM, "upsample backward: out of memory") : OB_OK;
}
