/* masked_ssd_cpu.c — the CPU path of masked_ssd.h.
 *
 * Two stages:
 *   taps   the support flattened once per call, in the order both paths add
 *          terms (channel, then ob_masked_ssd_cell's path order): for each cell
 *          its offset in the sample relative to the candidate, M*T and M, in
 *          double (M*T of two floats is exact);
 *   rows   OpenMP over candidate rows; along a row, VEC candidates at a time
 *          keep their cross term sum M*T*I and square term sum M*I^2 in
 *          registers while the taps stream past (unit-stride loads of the
 *          sample, fma in double), then ob_masked_ssd_finish adds the energy.
 * Every candidate's sums are added in tap order whatever VEC or the thread
 * count, so the result is reproducible and equal to the GPU path's bits. */
#include <stdint.h>
#include <stdlib.h>

#include "masked_ssd.h"

/* GCC tunes recent AVX-512 CPUs to 256-bit vectors by default; this loop is
 * pure register arithmetic (as ssim_cpu.c), where 512-bit vectors pay. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__AVX512F__)
#pragma GCC target("prefer-vector-width=512")
#endif

enum { VEC = 32, VEC_MID = 8 };

typedef struct {
    ptrdiff_t *off; /* (n): sample offset of the tap relative to the candidate's (0, 0) */
    double *mt, *m; /* (n): M*T and M */
    int n;
} taps;

static void taps_free(taps *t)
{
    free(t->off), free(t->mt), free(t->m);
}

static ob_status taps_build(taps *t, const float *templ, const float *weights, int c, int h, int w, int th, int tw,
                            int ov_top, int ov_left)
{
    const int per = ob_masked_ssd_support(th, tw, ov_top, ov_left);
    t->n = c * per;
    t->off = malloc(sizeof(ptrdiff_t) * (size_t)t->n);
    t->mt = malloc(sizeof(double) * (size_t)t->n);
    t->m = malloc(sizeof(double) * (size_t)t->n);
    if (!t->off || !t->mt || !t->m) {
        taps_free(t);
        return OB_FAIL(OB_ERR_NOMEM, "masked_ssd: no memory for %d taps", t->n);
    }
    for (int k = 0; k < t->n; k++) {
        const int ch = k / per;
        int i, j;
        ob_masked_ssd_cell(k % per, tw, ov_top, ov_left, &i, &j);
        const double m = weights ? (double)weights[i * tw + j] : 1.0;
        t->off[k] = ((ptrdiff_t)ch * h + i) * w + j;
        t->m[k] = m;
        t->mt[k] = m * (double)templ[((size_t)ch * th + i) * tw + j];
    }
    return OB_OK;
}

/* cost[0..nv) for the nv candidates whose (0, 0) is at base[0..nv); nv <= VEC.
 * Inlined with a constant nv, the v loops become full vectors in registers. */
static inline __attribute__((always_inline)) void chunk(float *restrict cost, const float *restrict base,
                                                        const taps *t, double energy, int nv)
{
    double cross[VEC] = {0}, sq[VEC] = {0};
    for (int k = 0; k < t->n; k++) {
        const float *restrict s = base + t->off[k];
        const double mt = t->mt[k], m = t->m[k];
#pragma omp simd
        for (int v = 0; v < nv; v++) {
            const double x = s[v];
            cross[v] = fma(mt, x, cross[v]);
            sq[v] = fma(m, x * x, sq[v]);
        }
    }
    for (int v = 0; v < nv; v++) cost[v] = ob_masked_ssd_finish(energy, cross[v], sq[v]);
}

double ob_masked_ssd_energy(const float *templ, const float *weights, int c, int th, int tw, int ov_top,
                            int ov_left)
{
    double lane[32];
    for (int l = 0; l < 32; l++) lane[l] = ob_masked_ssd_energy_lane(templ, weights, c, th, tw, ov_top, ov_left, l);
    for (int off = 16; off > 0; off >>= 1) /* the warp's shuffle-down tree */
        for (int l = 0; l < off; l++) lane[l] += lane[l + off];
    return lane[0];
}

ob_status ob_masked_ssd_cpu(float *cost, const float *sample, const float *templ, const float *weights, int c,
                            int h, int w, int th, int tw, int ov_top, int ov_left)
{
    OB_TRY(ob_masked_ssd_check(c, h, w, th, tw, ov_top, ov_left));
    OB_REQUIRE(cost && sample && templ, "masked_ssd: null pointer");
    taps t;
    OB_TRY(taps_build(&t, templ, weights, c, h, w, th, tw, ov_top, ov_left));
    const double energy = ob_masked_ssd_energy(templ, weights, c, th, tw, ov_top, ov_left);
    const int ny = h - th + 1, nx = w - tw + 1;
#pragma omp parallel for schedule(static)
    for (int y = 0; y < ny; y++) {
        float *row = cost + (size_t)y * nx;
        const float *base = sample + (size_t)y * w;
        int x = 0;
        for (; x + VEC <= nx; x += VEC) chunk(row + x, base + x, &t, energy, VEC);
        for (; x + VEC_MID <= nx; x += VEC_MID) chunk(row + x, base + x, &t, energy, VEC_MID);
        for (; x < nx; x++) chunk(row + x, base + x, &t, energy, 1);
    }
    taps_free(&t);
    return OB_OK;
}
