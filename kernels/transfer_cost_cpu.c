/* transfer_cost_cpu.c — the CPU path of transfer_cost.h.
 *
 * Candidate rows are split by OpenMP. Along a row, VEC candidates are done
 * together: for each target cell (i, j) in order, every candidate adds its own
 * squared difference to its own double accumulator, so each candidate's sum
 * has exactly the order of the GPU path (i, then j) and the same bits, while
 * the VEC-wide inner loop vectorises. */
#include "transfer_cost.h"

enum { VEC = 32 }; /* 32 accumulators: enough independent fma chains to hide their latency */

/* cost[0..nv) of the candidates (y, x0..x0+nv-1); nv is VEC or the row's tail. */
static inline void candidates(float *cost, const float *s, const float *t, int w, int wt, int ph, int pw, int nv)
{
    double acc[VEC] = {0};
    for (int i = 0; i < ph; i++) {
        const float *srow = s + (size_t)i * w, *trow = t + (size_t)i * wt;
        for (int j = 0; j < pw; j++) {
            const double tv = trow[j];
            for (int v = 0; v < nv; v++) {
                const double d = (double)srow[v + j] - tv;
                acc[v] = fma(d, d, acc[v]);
            }
        }
    }
    for (int v = 0; v < nv; v++) cost[v] = (float)acc[v];
}

ob_status ob_transfer_cost_cpu(float *cost, const float *sample_lum, const float *target_lum, int h, int w, int ht,
                               int wt, int ty, int tx, int p)
{
    OB_TRY(ob_transfer_cost_check(h, w, ht, wt, ty, tx, p));
    OB_REQUIRE(cost && sample_lum && target_lum, "transfer cost: null pointer");
    const int ny = h - p + 1, nx = w - p + 1;
    const int ph = p < ht - ty ? p : ht - ty, pw = p < wt - tx ? p : wt - tx;
    const float *t = target_lum + (size_t)ty * wt + tx;
#pragma omp parallel for schedule(static)
    for (int y = 0; y < ny; y++) {
        int x = 0;
        for (; x + VEC <= nx; x += VEC)
            candidates(cost + (size_t)y * nx + x, sample_lum + (size_t)y * w + x, t, w, wt, ph, pw, VEC);
        if (x < nx) candidates(cost + (size_t)y * nx + x, sample_lum + (size_t)y * w + x, t, w, wt, ph, pw, nx - x);
    }
    return OB_OK;
}

ob_status ob_transfer_luma_cpu(float *lum, const float *img, int c, int h, int w)
{
    OB_TRY(ob_transfer_luma_check(c, h, w));
    OB_REQUIRE(lum && img, "transfer luminance: null pointer");
    const size_t plane = (size_t)h * w;
#pragma omp parallel for schedule(static)
    for (int y = 0; y < h; y++)
        for (size_t i = (size_t)y * w; i < (size_t)(y + 1) * w; i++) lum[i] = ob_transfer_luma_at(img, c, plane, i);
    return OB_OK;
}
