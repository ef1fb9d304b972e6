/* im2col_cpu.c — the CPU path of im2col.h.
 *
 * Both directions work on one (image, channel) plane at a time; planes are
 * split by OpenMP, or run on the calling thread in the _serial variants (what
 * the convolution layers call between OpenBLAS GEMMs: see nets/conv_cpu.c).
 *   im2col  for each (ki, kj) row: the valid output range [ox0, ox1) is computed
 *           once per row, so the inner loop has no bounds test (a plain copy when
 *           sw == 1).
 *   col2im  a scatter-add per window tap in (ki, kj) order: every pixel sums
 *           its terms in the order the CUDA kernel's per-pixel gather does
 *           (bit-identical results), with a contiguous inner loop.
 */
#include <string.h>

#include "im2col.h"

/* First and one-past-last output index o with 0 <= o*s + off < n. */
static void valid_range(int *o0, int *o1, int off, int n, int s, int no)
{
    int lo = off >= 0 ? 0 : (-off + s - 1) / s;
    int hi = n - off <= 0 ? 0 : (n - off - 1) / s + 1;
    if (hi > no) hi = no;
    if (lo > hi) lo = hi;
    *o0 = lo, *o1 = hi;
}

/* One (ki, kj) row of a stride-1 window over an image as wide as its output
 * (the common "same" convolution): the valid rows are one shifted contiguous
 * span of the image, copied in one go; the columns the shift wrapped around
 * from the neighbouring row are then zeroed. */
static void im2col_row_flat(float *dst, const float *im, const ob_im2col_geom *g, int offy, int offx, int x0, int x1)
{
    int y0, y1; /* output rows whose input row is inside the image */
    valid_range(&y0, &y1, offy, g->h, 1, g->oh);
    const int ow = g->ow;
    memset(dst, 0, sizeof(float) * (size_t)y0 * ow);
    if (y1 > y0) {
        const int64_t first = (int64_t)y0 * ow + x0, last = (int64_t)(y1 - 1) * ow + x1; /* [first, last) */
        memcpy(dst + first, im + (int64_t)(y0 + offy) * g->w + x0 + offx, sizeof(float) * (size_t)(last - first));
        for (int oy = y0; oy < y1; oy++) {
            float *d = dst + (int64_t)oy * ow;
            for (int ox = 0; ox < x0; ox++) d[ox] = 0.f;
            for (int ox = x1; ox < ow; ox++) d[ox] = 0.f;
        }
    }
    memset(dst + (int64_t)y1 * ow, 0, sizeof(float) * (size_t)(g->oh - y1) * ow);
}

static void im2col_plane(float *col, const float *im, const ob_im2col_geom *g, int64_t ld)
{
    const int flat = g->sh == 1 && g->sw == 1 && g->ow == g->w;
    for (int ki = 0; ki < g->kh; ki++)
        for (int kj = 0; kj < g->kw; kj++) {
            float *row = col + (int64_t)(ki * g->kw + kj) * ld;
            const int offy = ki * g->dh - g->ph, offx = kj * g->dw - g->pw;
            int x0, x1;
            valid_range(&x0, &x1, offx, g->w, g->sw, g->ow);
            if (flat) {
                im2col_row_flat(row, im, g, offy, offx, x0, x1);
                continue;
            }
            for (int oy = 0; oy < g->oh; oy++) {
                float *dst = row + (int64_t)oy * g->ow;
                const int y = oy * g->sh + offy;
                if (y < 0 || y >= g->h) {
                    memset(dst, 0, sizeof(float) * (size_t)g->ow);
                    continue;
                }
                const float *src = im + (int64_t)y * g->w + offx;
                for (int ox = 0; ox < x0; ox++) dst[ox] = 0.f;
                if (g->sw == 1)
                    for (int ox = x0; ox < x1; ox++) dst[ox] = src[ox]; /* short rows: a loop beats a memcpy call */
                else
                    for (int ox = x0; ox < x1; ox++) dst[ox] = src[ox * g->sw];
                for (int ox = x1; ox < g->ow; ox++) dst[ox] = 0.f;
            }
        }
}

static ob_status im2col_run(float *col, const float *im, const ob_im2col_geom *geom, int n, int64_t ld, int threads)
{
    ob_im2col_geom g;
    OB_TRY(ob_im2col_prepare(&g, geom, n, ld));
    const int64_t p = (int64_t)g.oh * g.ow, kk = (int64_t)g.kh * g.kw, planes = (int64_t)n * g.c;
#pragma omp parallel for schedule(static) if (threads && planes * kk * p > 32768)
    for (int64_t q = 0; q < planes; q++) {
        const int64_t i = q / g.c, c = q % g.c;
        im2col_plane(col + c * kk * ld + i * p, im + q * g.h * g.w, &g, ld);
    }
    return OB_OK;
}

/* Scatter-add, window tap by window tap in (ki, kj) order: each pixel receives
 * its terms in the same order as the GPU's per-pixel gather starting from 0, so
 * the float sums are identical, while the inner loop is a contiguous add. */
static void col2im_plane(float *im, const float *col, const ob_im2col_geom *g, int64_t ld)
{
    memset(im, 0, sizeof(float) * (size_t)g->h * g->w);
    for (int ki = 0; ki < g->kh; ki++)
        for (int kj = 0; kj < g->kw; kj++) {
            const float *row = col + (int64_t)(ki * g->kw + kj) * ld;
            const int offy = ki * g->dh - g->ph, offx = kj * g->dw - g->pw;
            int x0, x1;
            valid_range(&x0, &x1, offx, g->w, g->sw, g->ow);
            for (int oy = 0; oy < g->oh; oy++) {
                const int y = oy * g->sh + offy;
                if (y < 0 || y >= g->h) continue;
                const float *src = row + (int64_t)oy * g->ow;
                float *dst = im + (int64_t)y * g->w + offx;
                if (g->sw == 1)
                    for (int ox = x0; ox < x1; ox++) dst[ox] += src[ox];
                else
                    for (int ox = x0; ox < x1; ox++) dst[ox * g->sw] += src[ox];
            }
        }
}

static ob_status col2im_run(float *im, const float *col, const ob_im2col_geom *geom, int n, int64_t ld, int threads)
{
    ob_im2col_geom g;
    OB_TRY(ob_im2col_prepare(&g, geom, n, ld));
    const int64_t p = (int64_t)g.oh * g.ow, kk = (int64_t)g.kh * g.kw, planes = (int64_t)n * g.c;
#pragma omp parallel for schedule(static) if (threads && planes * p * kk > 32768)
    for (int64_t q = 0; q < planes; q++) {
        const int64_t i = q / g.c, c = q % g.c;
        col2im_plane(im + q * g.h * g.w, col + c * kk * ld + i * p, &g, ld);
    }
    return OB_OK;
}

ob_status ob_im2col_cpu(float *col, const float *im, const ob_im2col_geom *g, int n, int64_t ld)
{
    return im2col_run(col, im, g, n, ld, 1);
}

ob_status ob_im2col_cpu_serial(float *col, const float *im, const ob_im2col_geom *g, int n, int64_t ld)
{
    return im2col_run(col, im, g, n, ld, 0);
}

ob_status ob_col2im_cpu(float *im, const float *col, const ob_im2col_geom *g, int n, int64_t ld)
{
    return col2im_run(im, col, g, n, ld, 1);
}

ob_status ob_col2im_cpu_serial(float *im, const float *col, const ob_im2col_geom *g, int n, int64_t ld)
{
    return col2im_run(im, col, g, n, ld, 0);
}
