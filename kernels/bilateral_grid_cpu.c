/* bilateral_grid_cpu.c — the CPU path of bilateral_grid.h, one function per
 * stage (Chen, Paris & Durand 2007: splat, blur, slice).
 *
 *   range  min and max of the guide (OpenMP reduction; order-free)
 *   splat  OpenMP over bands of SPLAT_BAND rows of cells: the task that owns a
 *          band zeroes it and scatters into it the pixel rows whose tent
 *          reaches it (a pixel row feeds two rows of cells; rows at a band's
 *          edge are read by both tasks that need them). Each cell thus
 *          receives its pixels in raster order whatever the thread count, the
 *          order the GPU's gather uses too.
 *   blur   three passes (x, y, range), each a weighted sum of whole vectors of
 *          cells (columns, rows, pairs), OpenMP over the outputs
 *   slice  OpenMP over pixel rows; trilinear read of 8 cells
 */
#include <stdlib.h>
#include <string.h>

#include "bilateral_grid.h"

ob_status ob_bilateral_grid_range_cpu(float *gmin, float *gmax, const float *guide, size_t n)
{
    OB_REQUIRE(gmin && gmax && guide && n >= 1, "bilateral grid: range of an empty or null guide");
    float lo = guide[0], hi = guide[0];
    long long bad = -1;
#pragma omp parallel for reduction(min : lo) reduction(max : hi) reduction(max : bad) schedule(static)
    for (long long i = 0; i < (long long)n; i++) {
        const float v = guide[i];
        if (!isfinite(v)) bad = bad > i ? bad : i;
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    if (bad >= 0)
        return OB_FAIL(OB_ERR_ARG, "bilateral grid: guide value %g at index %lld is not finite", guide[bad], bad);
    *gmin = lo, *gmax = hi;
    return OB_OK;
}

enum { SPLAT_BAND = 4 }; /* rows of cells per OpenMP task */

/* Adds pixel row y, at cell row iy with fraction ty, into cell rows iy (weight
 * 1 - ty) and iy + 1 (weight ty): rows[0], rows[1] ((gw, gd, 2) floats each),
 * NULL for a row another task owns. */
static void splat_row(float *const rows[2], const float *in, const float *guide, int y, float ty,
                      const ob_bilateral_grid_geom *g)
{
    const int gd = g->gd;
    const float wy[2] = {1.f - ty, ty}; /* ob_bil_tent(iy, iy, ty), ob_bil_tent(iy + 1, iy, ty) */
    for (int x = 0; x < g->w; x++) {
        const size_t p = (size_t)y * g->w + x;
        float tx, tz;
        const int ix = ob_bil_cell((float)x * g->inv_s, g->gw, &tx);
        const int iz = ob_bil_cell(ob_bil_zpos(guide[p], g->gmin, g->inv_r), gd, &tz);
        const float v = in[p];
        for (int r = 0; r < 2; r++) {
            if (!rows[r]) continue;
            for (int a = 0; a < 2; a++) {
                const float wxy = wy[r] * ob_bil_tent(ix + a, ix, tx);
                float *cell = rows[r] + ((size_t)(ix + a) * gd + iz) * 2;
                for (int b = 0; b < 2; b++) {
                    const float wgt = wxy * ob_bil_tent(iz + b, iz, tz);
                    cell[2 * b] += wgt * v;
                    cell[2 * b + 1] += wgt;
                }
            }
        }
    }
}

ob_status ob_bilateral_grid_splat_cpu(float *grid, const float *in, const float *guide,
                                      const ob_bilateral_grid_geom *g)
{
    OB_REQUIRE(grid && in && guide && g, "bilateral grid splat: null pointer");
    const size_t row_floats = (size_t)g->gw * g->gd * 2;
    const float cell_s = 1.f / g->inv_s;
    const int bands = (g->gh + SPLAT_BAND - 1) / SPLAT_BAND;
#pragma omp parallel for schedule(dynamic, 1)
    for (int band = 0; band < bands; band++) {
        /* this task owns cell rows c0 .. c1 - 1; a pixel row inside the band
         * feeds two of them in one pass, one at its edges feeds one (the task
         * next door does the other) */
        const int c0 = band * SPLAT_BAND, c1 = c0 + SPLAT_BAND < g->gh ? c0 + SPLAT_BAND : g->gh;
        memset(grid + (size_t)c0 * row_floats, 0, (size_t)(c1 - c0) * row_floats * sizeof(float));
        /* pixel rows whose cell is c0 - 1 .. c1 - 1; a row of margin either side,
         * the exact test is ob_bil_cell's (shared with the GPU) */
        int y0 = (int)((c0 - 1) * cell_s) - 1, y1 = (int)(c1 * cell_s) + 1;
        y0 = y0 < 0 ? 0 : y0, y1 = y1 > g->h - 1 ? g->h - 1 : y1;
        for (int y = y0; y <= y1; y++) {
            float ty;
            const int iy = ob_bil_cell((float)y * g->inv_s, g->gh, &ty);
            float *const rows[2] = {iy >= c0 && iy < c1 ? grid + (size_t)iy * row_floats : NULL,
                                    iy + 1 >= c0 && iy + 1 < c1 ? grid + (size_t)(iy + 1) * row_floats : NULL};
            if (rows[0] || rows[1]) splat_row(rows, in, guide, y, ty, g);
        }
    }
    return OB_OK;
}

/* dst[0..n) = sum over k of taps[|k|] * src_k[0..n), src_k = src + (c + k) * step
 * for the k with 0 <= c + k < len (cells beyond the grid are empty), k
 * ascending: the GPU's order. Whole vectors of cells at once, so it vectorises. */
static void blur_vectors(float *restrict dst, const float *restrict src, size_t n, int c, int len, size_t step,
                         const float *taps, int radius)
{
    for (size_t e = 0; e < n; e++) dst[e] = 0.f;
    for (int k = -radius; k <= radius; k++) {
        const int j = c + k;
        if (j < 0 || j >= len) continue;
        const float t = taps[k < 0 ? -k : k];
        const float *restrict sj = src + (size_t)j * step;
        for (size_t e = 0; e < n; e++) dst[e] += t * sj[e];
    }
}

ob_status ob_bilateral_grid_blur_cpu(float *dst, float *src, const ob_bilateral_grid_geom *g)
{
    OB_REQUIRE(dst && src && g && dst != src, "bilateral grid blur: null or aliased grids");
    const int gw = g->gw, gh = g->gh, gd = g->gd;
    const size_t col = (size_t)gd * 2, row = (size_t)gw * col; /* floats per cell column, per row of cells */
    /* x: src -> dst; the vectors are cell columns (gd pairs) */
#pragma omp parallel for schedule(static)
    for (long long l = 0; l < (long long)gh * gw; l++) {
        const size_t cy = (size_t)(l / gw);
        const int cx = (int)(l % gw);
        blur_vectors(dst + cy * row + cx * col, src + cy * row, col, cx, gw, col, g->taps_s, g->radius_s);
    }
    /* y: dst -> src; the vectors are whole rows of cells */
#pragma omp parallel for schedule(static)
    for (int cy = 0; cy < gh; cy++) blur_vectors(src + cy * row, dst, row, cy, gh, row, g->taps_s, g->radius_s);
    /* range: src -> dst, along each cell column; the vectors are (sum, weight) pairs */
#pragma omp parallel for schedule(static)
    for (long long l = 0; l < (long long)gh * gw; l++)
        for (int cz = 0; cz < gd; cz++)
            blur_vectors(dst + l * col + cz * 2, src + l * col, 2, cz, gd, 2, g->taps_r, g->radius_r);
    return OB_OK;
}

ob_status ob_bilateral_grid_slice_cpu(float *out, const float *grid, const float *in, const float *guide,
                                      const ob_bilateral_grid_geom *g)
{
    OB_REQUIRE(out && grid && in && guide && g, "bilateral grid slice: null pointer");
    const int gd = g->gd;
#pragma omp parallel for schedule(static)
    for (int y = 0; y < g->h; y++) {
        float ty;
        const int iy = ob_bil_cell((float)y * g->inv_s, g->gh, &ty);
        for (int x = 0; x < g->w; x++) {
            const size_t p = (size_t)y * g->w + x;
            float tx, tz;
            const int ix = ob_bil_cell((float)x * g->inv_s, g->gw, &tx);
            const int iz = ob_bil_cell(ob_bil_zpos(guide[p], g->gmin, g->inv_r), gd, &tz);
            float s = 0.f, wsum = 0.f;
            for (int b = 0; b < 2; b++)
                for (int a = 0; a < 2; a++) {
                    const float wxy = (b ? ty : 1.f - ty) * (a ? tx : 1.f - tx);
                    const float *cell = grid + (((size_t)(iy + b) * g->gw + ix + a) * gd + iz) * 2;
                    s += wxy * ((1.f - tz) * cell[0] + tz * cell[2]);
                    wsum += wxy * ((1.f - tz) * cell[1] + tz * cell[3]);
                }
            out[p] = wsum > 0.f ? s / wsum : in[p];
        }
    }
    return OB_OK;
}

ob_status ob_bilateral_grid_cpu(float *out, const float *in, const float *guide, int h, int w, float sigma_s,
                                float sigma_r, const ob_bilateral_grid_opts *opts)
{
    OB_REQUIRE(out && in && guide, "bilateral grid: null pointer");
    OB_REQUIRE(h >= 1 && w >= 1, "bilateral grid: image size must be >= 1 (got %d x %d)", h, w);
    float gmin, gmax;
    ob_bilateral_grid_geom g;
    OB_TRY(ob_bilateral_grid_range_cpu(&gmin, &gmax, guide, (size_t)h * w));
    OB_TRY(ob_bilateral_grid_geometry(&g, h, w, sigma_s, sigma_r, gmin, gmax, opts));
    const size_t n = ob_bilateral_grid_cells(&g) * 2;
    float *a = malloc(n * sizeof(float)), *b = malloc(n * sizeof(float));
    ob_status s = a && b ? OB_OK : OB_FAIL(OB_ERR_NOMEM, "bilateral grid: no memory for two grids of %zu floats", n);
    if (s == OB_OK) s = ob_bilateral_grid_splat_cpu(a, in, guide, &g);
    if (s == OB_OK) s = ob_bilateral_grid_blur_cpu(b, a, &g);
    if (s == OB_OK) s = ob_bilateral_grid_slice_cpu(out, b, in, guide, &g);
    free(a), free(b);
    return s;
}
