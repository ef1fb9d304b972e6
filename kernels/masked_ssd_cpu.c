/* masked_ssd_cpu.c — the CPU path of masked_ssd.h.
 *
 * Two stages:
 *   rows   the support cut once per call into its (channel, template row) runs,
 *          in the order both paths add them: each run's offset in the sample
 *          relative to the candidate, its length, and T (and M) along it;
 *   scan   OpenMP over tiles of candidates; along a row, VEC candidates at a time
 *          keep a float run sum and a double total in registers while the runs
 *          stream past (unit-stride loads of the sample, fmaf per cell,
 *          ob_masked_ssd_term), the run sum going to the total after each run.
 * Every candidate's terms are added in the same order whatever VEC or the
 * thread count, so the result is reproducible and equal to the GPU path's bits. */
#include <math.h>
#include <stdlib.h>

#include "masked_ssd.h"

/* GCC tunes recent AVX-512 CPUs to 256-bit vectors by default; this loop is
 * pure register arithmetic (as ssim_cpu.c), where 512-bit vectors pay. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__AVX512F__)
#pragma GCC target("prefer-vector-width=512")
#endif

/* VEC candidates of a row share registers; a tile is TILE_Y rows of one band
 * of VEC columns, walked down, so the sample rows under it stay in L1 (a band of
 * an L-shaped 31 x 31 support in 3 channels reads ~35 KB) */
enum { VEC = 64, VEC_MID = 16, TILE_Y = 32 };

typedef struct {
    int off, len; /* sample offset of the run's first cell relative to the candidate's (0, 0); cells */
    int first;    /* index of its first cell in t / m */
} run;

typedef struct {
    run *runs;    /* (nruns) */
    float *t, *m; /* (cells): T and M along the runs (m NULL: M = 1) */
    int nruns;
} support;

static void support_free(support *s)
{
    free(s->runs), free(s->t), free(s->m);
}

static ob_status support_build(support *s, const float *templ, const float *weights, int c, int h, int w, int th,
                               int tw, int ov_top, int ov_left)
{
    const int per = ob_masked_ssd_support(th, tw, ov_top, ov_left), cells = c * per;
    s->nruns = 0;
    s->runs = malloc(sizeof(run) * (size_t)c * th);
    s->t = malloc(sizeof(float) * (size_t)cells);
    s->m = weights ? malloc(sizeof(float) * (size_t)cells) : NULL;
    if (!s->runs || !s->t || (weights && !s->m)) {
        support_free(s);
        return OB_FAIL(OB_ERR_NOMEM, "masked_ssd: no memory for %d support cells", cells);
    }
    int k = 0;
    for (int ch = 0; ch < c; ch++)
        for (int i = 0; i < th; i++) {
            const int len = i < ov_top ? tw : ov_left;
            if (len == 0) continue;
            s->runs[s->nruns++] = (run){(ch * h + i) * w, len, k}; /* < c * h * w, checked to fit an int */
            for (int j = 0; j < len; j++, k++) {
                s->t[k] = templ[((size_t)ch * th + i) * tw + j];
                if (weights) s->m[k] = weights[i * tw + j];
            }
        }
    return OB_OK;
}

/* cost[0..nv) for the nv candidates whose (0, 0) is at base[0..nv); nv <= VEC.
 * Inlined with a constant nv, the v loops become full vectors in registers. */
static inline __attribute__((always_inline)) void chunk(float *restrict cost, const float *restrict base,
                                                        const support *sp, int nv)
{
    double total[VEC] = {0};
    for (int r = 0; r < sp->nruns; r++) {
        const run ru = sp->runs[r];
        const float *restrict s = base + ru.off, *restrict t = sp->t + ru.first;
        const float *restrict m = sp->m ? sp->m + ru.first : NULL;
        float acc[VEC] = {0};
        for (int j = 0; j < ru.len; j++) {
            const float tj = t[j];
            if (m) {
                const float mj = m[j];
#pragma omp simd
                for (int v = 0; v < nv; v++) acc[v] = ob_masked_ssd_wterm(acc[v], mj, tj, s[j + v]);
            } else {
#pragma omp simd
                for (int v = 0; v < nv; v++) acc[v] = ob_masked_ssd_term(acc[v], tj, s[j + v]);
            }
        }
#pragma omp simd
        for (int v = 0; v < nv; v++) total[v] += acc[v];
    }
    for (int v = 0; v < nv; v++) cost[v] = (float)total[v];
}

ob_status ob_masked_ssd_cpu(float *cost, const float *sample, const float *templ, const float *weights, int c,
                            int h, int w, int th, int tw, int ov_top, int ov_left)
{
    OB_TRY(ob_masked_ssd_check(c, h, w, th, tw, ov_top, ov_left));
    OB_REQUIRE(cost && sample && templ, "masked_ssd: null pointer");
    support sp;
    OB_TRY(support_build(&sp, templ, weights, c, h, w, th, tw, ov_top, ov_left));
    const int ny = h - th + 1, nx = w - tw + 1;
    const int bands = (nx + VEC - 1) / VEC, blocks = (ny + TILE_Y - 1) / TILE_Y;
    /* dynamic: on a shared machine a descheduled thread's tiles go to the others */
#pragma omp parallel for schedule(dynamic)
    for (int tile = 0; tile < bands * blocks; tile++) {
        const int x0 = (tile % bands) * VEC, x1 = x0 + VEC < nx ? x0 + VEC : nx;
        const int y0 = (tile / bands) * TILE_Y, y1 = y0 + TILE_Y < ny ? y0 + TILE_Y : ny;
        for (int y = y0; y < y1; y++) {
            float *row = cost + (size_t)y * nx;
            const float *base = sample + (size_t)y * w;
            int x = x0;
            if (x + VEC <= x1) chunk(row + x, base + x, &sp, VEC), x += VEC;
            for (; x + VEC_MID <= x1; x += VEC_MID) chunk(row + x, base + x, &sp, VEC_MID);
            for (; x < x1; x++) chunk(row + x, base + x, &sp, 1);
        }
    }
    support_free(&sp);
    return OB_OK;
}
