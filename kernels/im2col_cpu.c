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

/* The rows here are short (an ESPCN layer's are 17 floats) and there are
 * thousands per image: GCC would turn the zeroing and copy loops back into
 * memset/memcpy calls, whose call overhead measured ~15 % of a training step.
 * Kept as inline (vectorised) loops. */
#if defined(__GNUC__) && !defined(__clang__)
#define OB_INLINE_LOOPS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define OB_INLINE_LOOPS
#endif

static inline void zero_floats(float *d, int64_t n)
{
    for (int64_t i = 0; i < n; i++) d[i] = 0.f;
}

/* First and one-past-last output index o with 0 <= o*s + off < n. */
static void valid_range(int *o0, int *o1, int off, int n, int s, int no)
{
    int lo = off >= 0 ? 0 : (-off + s - 1) / s;
    int hi = n - off <= 0 ? 0 : (n - off - 1) / s + 1;
    if (hi > no) hi = no;
    if (lo > hi) lo = hi;
    *o0 = lo, *o1 = hi;
}

/* Stride 1 over an image as wide as its output grid (the common "same"
 * convolution): output index i = oy·ow + ox reads image index i + shift with
 * one shift per window tap, so each tap's valid rows are ONE contiguous span,
 * copied in one loop; the columns the span wrapped in from the neighbouring
 * row are zeroed after. The per-tap ranges are the same for every plane and
 * are worked out once. */
#define OB_FLAT_TAPS_MAX 64 /* windows up to 8x8 take the flat path */

typedef struct {
    int64_t first, last, shift; /* dst [first, last) <- im[i + shift] */
    int y0, y1, x0, x1;         /* valid output rows and columns */
} flat_tap;

static int flat_taps(flat_tap *taps, const ob_im2col_geom *g)
{
    if (g->sh != 1 || g->sw != 1 || g->ow != g->w || g->kh * g->kw > OB_FLAT_TAPS_MAX) return 0;
    for (int ki = 0; ki < g->kh; ki++)
        for (int kj = 0; kj < g->kw; kj++) {
            flat_tap *t = &taps[ki * g->kw + kj];
            const int offy = ki * g->dh - g->ph, offx = kj * g->dw - g->pw;
            valid_range(&t->y0, &t->y1, offy, g->h, 1, g->oh);
            valid_range(&t->x0, &t->x1, offx, g->w, 1, g->ow);
            t->shift = (int64_t)offy * g->w + offx;
            t->first = t->last = 0;
            if (t->y1 > t->y0 && t->x1 > t->x0)
                t->first = (int64_t)t->y0 * g->ow + t->x0, t->last = (int64_t)(t->y1 - 1) * g->ow + t->x1;
        }
    return 1;
}

OB_INLINE_LOOPS static void im2col_plane_flat(float *col, const float *im, const flat_tap *taps, int kk, int ow,
                                              int64_t p, int64_t ld)
{
    for (int k = 0; k < kk; k++) {
        const flat_tap *t = &taps[k];
        float *dst = col + (int64_t)k * ld;
        int64_t i = 0;
        for (; i < t->first; i++) dst[i] = 0.f;
        for (; i < t->last; i++) dst[i] = im[i + t->shift];
        for (; i < p; i++) dst[i] = 0.f;
        if (t->first < t->last && t->x1 - t->x0 < ow)
            for (int oy = t->y0; oy < t->y1 - 1; oy++) /* row oy's right gap runs into row oy+1's left one */
                for (int64_t j = (int64_t)oy * ow + t->x1; j < (int64_t)(oy + 1) * ow + t->x0; j++) dst[j] = 0.f;
    }
}

OB_INLINE_LOOPS static void im2col_plane(float *col, const float *im, const ob_im2col_geom *g, int64_t ld)
{
    for (int ki = 0; ki < g->kh; ki++)
        for (int kj = 0; kj < g->kw; kj++) {
            float *row = col + (int64_t)(ki * g->kw + kj) * ld;
            const int offy = ki * g->dh - g->ph, offx = kj * g->dw - g->pw;
            int x0, x1;
            valid_range(&x0, &x1, offx, g->w, g->sw, g->ow);
            for (int oy = 0; oy < g->oh; oy++) {
                float *dst = row + (int64_t)oy * g->ow;
                const int y = oy * g->sh + offy;
                if (y < 0 || y >= g->h) {
                    zero_floats(dst, g->ow);
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
    flat_tap taps[OB_FLAT_TAPS_MAX];
    const int flat = flat_taps(taps, &g);
#pragma omp parallel for schedule(static) if (threads && planes * kk * p > 32768)
    for (int64_t q = 0; q < planes; q++) {
        const int64_t i = q / g.c, c = q % g.c;
        if (flat) im2col_plane_flat(col + c * kk * ld + i * p, im + q * g.h * g.w, taps, (int)kk, g.ow, p, ld);
        else im2col_plane(col + c * kk * ld + i * p, im + q * g.h * g.w, &g, ld);
    }
    return OB_OK;
}

/* Scatter-add, window tap by window tap in (ki, kj) order: each pixel receives
 * its terms in the same order as the GPU's per-pixel gather starting from 0, so
 * the float sums are identical, while the inner loop is a contiguous add. */
OB_INLINE_LOOPS static void col2im_plane(float *im, const float *col, const ob_im2col_geom *g, int64_t ld)
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
