/* fuse_weights_cpu.c — the CPU path of fuse_weights.h.
 *
 * weights, one output row at a time in two stages:
 *   grey     the grey of rows y-1, y, y+1 (reflected) into a row buffer;
 *   weight   the Laplacian cross from those rows, then ob_fuse_weight with
 *            the pixel's channel values (specialised for grey / RGB and the
 *            default exponents, so that loop vectorises).
 * The first and last columns reflect; the interior indexes directly. Rows are
 * split by OpenMP, each thread owning its 3-row buffer.
 * normalise: per pixel the sum over the exposures, then each divided by it. */
#include <stdlib.h>

#include "fuse_weights.h"
#include "pyramid.h" /* ob_pyr_reflect: the same reflect-101 the pyramids use */

enum { SERIAL_BELOW = 1 << 15 }; /* pixels: fewer run on the calling thread alone */

static void grey_row(float *restrict out, const float *img, int c, size_t plane, int wd, int y)
{
    const float *r = img + (size_t)y * wd;
    if (c == 1) {
        for (int x = 0; x < wd; x++) out[x] = r[x];
        return;
    }
    const float *g = r + plane, *b = r + 2 * plane;
    for (int x = 0; x < wd; x++) out[x] = ob_fuse_grey(r[x], g[x], b[x]);
}

/* w row y from the grey rows up, mid, down (wd each): the two end columns
 * reflect, the interior indexes directly. colour and e are constants where
 * the common case calls it (weight_row_fast), so the interior loop folds the
 * exponents and channel branches away and vectorises. */
static inline __attribute__((always_inline)) void weight_row(float *restrict w, const float *img, const int colour, size_t plane, int wd, int y,
                                                             const float *up, const float *mid, const float *down,
                                                             const ob_fuse_exponents e)
{
    const size_t row = (size_t)y * wd;
    const float *restrict r = img + row, *restrict g = colour ? r + plane : r, *restrict b = colour ? g + plane : r;
    float *restrict out = w + row;
    for (int x = 0; x < wd; x += wd - 1 > 0 ? wd - 1 : 1) { /* x = 0 and x = wd - 1 */
        const float lap = ob_fuse_laplacian(up[x], down[x], mid[ob_pyr_reflect(x - 1, wd)],
                                            mid[ob_pyr_reflect(x + 1, wd)], mid[x]);
        out[x] = ob_fuse_weight(lap, r[x], g[x], b[x], colour, e);
    }
#pragma omp simd
    for (int x = 1; x < wd - 1; x++) {
        const float lap = ob_fuse_laplacian(up[x], down[x], mid[x - 1], mid[x + 1], mid[x]);
        out[x] = ob_fuse_weight(lap, r[x], g[x], b[x], colour, e);
    }
}

/* The rows for the default exponents (1, 1, 1) and for any others. */
static void weights_row(float *w, const float *img, int c, size_t plane, int wd, int y, const float *up,
                        const float *mid, const float *down, ob_fuse_exponents e)
{
    const ob_fuse_exponents unit = OB_FUSE_EXPONENTS_DEFAULT;
    const int is_unit = e.contrast == 1.0f && e.saturation == 1.0f && e.exposedness == 1.0f;
    if (c == 3 && is_unit) weight_row(w, img, 1, plane, wd, y, up, mid, down, unit);
    else if (c == 3) weight_row(w, img, 1, plane, wd, y, up, mid, down, e);
    else if (is_unit) weight_row(w, img, 0, plane, wd, y, up, mid, down, unit);
    else weight_row(w, img, 0, plane, wd, y, up, mid, down, e);
}

ob_status ob_fuse_weights_cpu(float *w, const float *img, int c, int h, int wd, const ob_fuse_exponents *e)
{
    OB_TRY(ob_fuse_check_image(c, h, wd));
    OB_TRY(ob_fuse_check_exponents(e, "fuse weights"));
    OB_REQUIRE(w && img, "fuse weights: null pointer");
    const size_t plane = (size_t)h * wd;
    const ob_fuse_exponents ex = *e;
    int nomem = 0;
#pragma omp parallel if (plane >= SERIAL_BELOW)
    {
        float *buf = malloc(sizeof(float) * 3 * (size_t)wd);
        if (!buf) {
#pragma omp atomic write
            nomem = 1;
        }
#pragma omp for schedule(static)
        for (int y = 0; y < h; y++) {
            if (!buf) continue;
            float *up = buf, *mid = buf + wd, *down = buf + 2 * (size_t)wd;
            grey_row(up, img, c, plane, wd, ob_pyr_reflect(y - 1, h));
            grey_row(mid, img, c, plane, wd, y);
            grey_row(down, img, c, plane, wd, ob_pyr_reflect(y + 1, h));
            weights_row(w, img, c, plane, wd, y, up, mid, down, ex);
        }
        free(buf);
    }
    if (nomem) return OB_FAIL(OB_ERR_NOMEM, "fuse weights: no memory for a %d-pixel row buffer", 3 * wd);
    return OB_OK;
}

ob_status ob_fuse_normalize_cpu(float *w, int n, size_t npix)
{
    OB_REQUIRE(w, "fuse normalize: null pointer");
    OB_REQUIRE(n >= 1 && npix >= 1, "fuse normalize: %d exposures of %zu pixels", n, npix);
    enum { CHUNK = 1024 };
    const ptrdiff_t chunks = (ptrdiff_t)((npix + CHUNK - 1) / CHUNK);
#pragma omp parallel for schedule(static) if (npix * (size_t)n >= SERIAL_BELOW)
    for (ptrdiff_t k = 0; k < chunks; k++) {
        const size_t i0 = (size_t)k * CHUNK, i1 = i0 + CHUNK < npix ? i0 + CHUNK : npix;
        float sum[CHUNK];
        for (size_t i = i0; i < i1; i++) sum[i - i0] = w[i];
        for (int j = 1; j < n; j++) {
            const float *wj = w + (size_t)j * npix;
            for (size_t i = i0; i < i1; i++) sum[i - i0] += wj[i];
        }
        for (int j = 0; j < n; j++) {
            float *wj = w + (size_t)j * npix;
            for (size_t i = i0; i < i1; i++) wj[i] = wj[i] / sum[i - i0];
        }
    }
    return OB_OK;
}
