/* test_response_monotone.c — the non-decreasing response of response_solve.h
 * ("Monotone g", kernels/response_monotone.c) against independent truths.
 *
 * Truths
 *   - noisy synthetic stack (tests/hdr_synth.h, sRGB curve, 8-bit, noise
 *     sigma 0.75 codes, 512 samples, weak smoothing lambda = 0.3 so that the
 *     noise shows): the free solve reverses; the monotone one is
 *     non-decreasing at every bin and within G_TOL = 0.05 (natural log, the
 *     mean difference removed) of the true curve over z = 5..250; both errors
 *     printed;
 *   - KKT of the QP, checked here from S and r (ob_response_reduced_system):
 *     the multiplier of g(k) >= g(k-1), mu_k = sum_{z >= k} (S g - r)_z, is
 *     >= -tol on ties and |mu_k| <= tol elsewhere, and along the shift;
 *     and the objective 1/2 g^T S g - r^T g is no larger than that of the
 *     isotonic projection of the free solution (pool adjacent violators,
 *     written here) or of 200 random feasible perturbations of g;
 *   - a problem whose free solution is already non-decreasing returns it
 *     unchanged (1e-12; it is the same code path);
 *   - lambda = 0 (S singular, the dense fallback) gives a non-decreasing,
 *     finite, pinned g;
 *   - 16 bins (random bins, the free g zigzags), 256 and 1024 bins (noisy
 *     stacks): non-decreasing, KKT;
 *   - the end bins (no data; response_solve.h "End bins") are the straight
 *     continuation of the nearest observed increment (1e-9 of the range),
 *     also on a narrow scene whose free g falls at the dark end;
 *   - where a GPU answers: the cuSOLVER path's monotone g matches the CPU's
 *     (1e-9); elsewhere "NOT RUN".
 * Solve times (free and monotone) are printed, never asserted. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdr_synth.h"
#include "ob_ctx.h"
#include "ob_hdr_response.h"
#include "ob_log.h"
#include "ob_test.h"
#include "response_solve.h"

#define G_TOL 0.05
#define KKT_TOL 1e-10 /* relative to sum |S g| + |r| */

static const synth_curve CURVE = {SYNTH_SRGB, 8.0, 0, 0};

/* A problem sampled from a one-channel synthetic stack of `stops` stops,
 * n_exp exposures one stop apart from t0, noise sigma (in [0, 1] units),
 * `bits`; seed drives the radiance and the noise. z is allocated here. */
typedef struct {
    synth_stack s;
    uint16_t *z;
    double ln_t[OB_HDR_MAX_EXPOSURES];
    ob_response_problem pb;
} problem;

static void problem_make_scene(problem *p, int n_exp, double t0, double stops, double sigma, int bits, int samples,
                               int n_bins, double lambda, uint64_t seed)
{
    memset(p, 0, sizeof *p);
    OB_CHECK(synth_make(&p->s, 1, 120, 160, n_exp, t0, stops, &CURVE, sigma, bits, seed) == 0, "synth_make");
    /* samples: eligible pixels (unclipped in two exposures or more) evenly
     * spaced in pixel order; radiance is random per pixel, so this is a
     * random sample (written here, not the pipeline's stratified sampler,
     * so the test depends on the solver alone) */
    const size_t n = (size_t)p->s.h * p->s.w;
    uint16_t *all = malloc(sizeof(uint16_t) * n * n_exp);
    size_t eligible = 0;
    for (size_t i = 0; i < n; i++) {
        int usable = 0;
        for (int j = 0; j < n_exp; j++) {
            const int z = ob_hdr_bin(ob_tensor_f32(&p->s.img[j])[i], n_bins);
            all[eligible * n_exp + j] = (uint16_t)z, usable += ob_hdr_hat(z, n_bins) > 0;
        }
        eligible += usable >= 2;
    }
    const int got = (size_t)samples < eligible ? samples : (int)eligible;
    p->z = malloc(sizeof(uint16_t) * (size_t)got * n_exp);
    for (int k = 0; k < got; k++)
        memcpy(p->z + (size_t)k * n_exp, all + (k * eligible / got) * n_exp, sizeof(uint16_t) * n_exp);
    free(all);
    for (int j = 0; j < n_exp; j++) p->ln_t[j] = log(p->s.times[j]);
    p->pb = (ob_response_problem){.z = p->z, .ln_t = p->ln_t, .n_samples = got, .n_exp = n_exp,
                                  .n_bins = n_bins, .lambda = lambda, .free_curve = 0};
}

/* 12 stops from 2^-8 s: every radiance is mid-grey in one of the exposures */
static void problem_make(problem *p, int n_exp, double sigma, int bits, int samples, int n_bins, double lambda,
                         uint64_t seed)
{
    problem_make_scene(p, n_exp, 1.0 / 256, 12, sigma, bits, samples, n_bins, lambda, seed);
}

static void problem_free(problem *p)
{
    free(p->z);
    synth_free(&p->s);
}

static int reversals(const double *g, int n)
{
    int k = 0;
    for (int z = 1; z < n; z++) k += g[z] < g[z - 1];
    return k;
}

/* max over z in 5..250 (8-bit units) of |g - g_true - mean(g - g_true)| */
static double g_error(const double *g, int nb)
{
    const int lo = 5 * (nb - 1) / 255, hi = 250 * (nb - 1) / 255;
    double mean = 0, worst = 0;
    for (int z = lo; z <= hi; z++) mean += g[z] - synth_g_true(&CURVE, z, nb);
    mean /= hi - lo + 1;
    for (int z = lo; z <= hi; z++) worst = fmax(worst, fabs(g[z] - synth_g_true(&CURVE, z, nb) - mean));
    return worst;
}

/* 1/2 g^T S g - r^T g */
static double objective(const double *s, const double *r, const double *g, int n)
{
    double f = 0;
    for (int i = 0; i < n; i++) {
        double sg = 0;
        for (int j = 0; j < n; j++) sg += s[(size_t)i * n + j] * g[j];
        f += 0.5 * g[i] * sg - r[i] * g[i];
    }
    return f;
}

/* Unweighted pool-adjacent-violators, written again here: the non-decreasing
 * h closest to g in the 2-norm. */
static void pava(double *h, const double *g, int n)
{
    double *v = malloc(sizeof(double) * n);
    int *len = malloc(sizeof(int) * n), m = 0;
    for (int z = 0; z < n; z++) {
        v[m] = g[z], len[m] = 1, m++;
        while (m > 1 && v[m - 2] > v[m - 1]) {
            v[m - 2] = (v[m - 2] * len[m - 2] + v[m - 1] * len[m - 1]) / (len[m - 2] + len[m - 1]);
            len[m - 2] += len[m - 1], m--;
        }
    }
    for (int p = 0, z = 0; p < m; p++)
        for (int k = 0; k < len[p]; k++) h[z++] = v[p];
    free(v), free(len);
}

/* The KKT conditions of the monotone QP at g, from S and r built by the
 * library's reduced system (the problem's definition); the worst violation
 * relative to sum |S g| + |r|. */
static double kkt_violation(const double *s, const double *r, const double *g, int n)
{
    double *grad = calloc((size_t)n, sizeof(double)), scale = 0;
    for (int i = 0; i < n; i++) {
        double sg = 0;
        for (int j = 0; j < n; j++) sg += s[(size_t)i * n + j] * g[j];
        grad[i] = sg - r[i], scale += fabs(sg) + fabs(r[i]);
    }
    double mu = 0, worst = 0;
    for (int k = n - 1; k >= 1; k--) {
        mu += grad[k];
        worst = fmax(worst, g[k] > g[k - 1] ? fabs(mu) : -mu); /* inactive: 0; active: >= 0 */
    }
    worst = fmax(worst, fabs(mu + grad[0])); /* the shift is free */
    free(grad);
    return worst / scale;
}

/* KKT, and no better objective among the isotonic projection of the free
 * solution and random feasible perturbations of g (each increment d becomes
 * max(0, d (1 + t u1) + t dbar u2), u uniform in [-1, 1], dbar the mean
 * increment, so ties open as well; g shifted by up to t). */
static void check_optimal(const ob_response_problem *pb, const double *g, const double *g_free, const char *label)
{
    const int n = pb->n_bins;
    double *s = malloc(sizeof(double) * n * n), *r = malloc(sizeof(double) * n), *h = malloc(sizeof(double) * n);
    OB_CHECK_OK(ob_response_reduced_system(s, r, pb));
    const double kkt = kkt_violation(s, r, g, n), f = objective(s, r, g, n);
    pava(h, g_free, n);
    const double f_iso = objective(s, r, h, n);
    uint64_t rng = 1234;
    double best_pert = INFINITY;
    const double dbar = (g[n - 1] - g[0]) / (n - 1); /* the mean increment */
    for (int trial = 0; trial < 200; trial++) {
        const double t = trial < 100 ? 1e-3 : 1e-1;
        h[0] = g[0] + t * (2 * ob_test_rand_uniform(&rng) - 1);
        for (int z = 1; z < n; z++) {
            const double u1 = 2 * ob_test_rand_uniform(&rng) - 1, u2 = 2 * ob_test_rand_uniform(&rng) - 1;
            const double d = (g[z] - g[z - 1]) * (1 + t * u1) + t * dbar * u2; /* opens ties too */
            h[z] = h[z - 1] + (d > 0 ? d : 0);
        }
        best_pert = fmin(best_pert, objective(s, r, h, n));
    }
    const double slack = 1e-12 * (fabs(f) + 1);
    printf("%s: KKT violation %.2e (tol %g); objective %.10g, isotonic projection of the free g %.10g, best of 200 "
           "feasible perturbations %.10g\n", label, kkt, KKT_TOL, f, f_iso, best_pert);
    OB_CHECK(kkt <= KKT_TOL, "%s: KKT violated by %g", label, kkt);
    OB_CHECK(f <= f_iso + slack, "%s: objective %.12g above the isotonic projection's %.12g", label, f, f_iso);
    OB_CHECK(f <= best_pert + slack, "%s: a feasible perturbation does better: %.12g < %.12g", label, best_pert, f);
    free(s), free(r), free(h);
}

/* The bins no data reaches (below the lowest / above the highest bin with
 * weight in a sample seen unclipped twice, z = 0 and n-1 included) are the
 * straight continuation of the nearest observed increment, >= 0
 * (response_solve.h, "End bins"); the worst departure, relative to the range of g. */
static double end_bins_error(const ob_response_problem *pb, const double *g)
{
    const int n = pb->n_bins, P = pb->n_exp;
    int lo = n, hi = -1;
    for (int i = 0; i < pb->n_samples; i++) {
        int seen = 0;
        for (int j = 0; j < P; j++) seen += ob_hdr_hat(pb->z[i * P + j], n) > 0;
        for (int j = 0; j < P && seen >= 2; j++) {
            const int z = pb->z[i * P + j];
            if (ob_hdr_hat(z, n) == 0) continue;
            lo = z < lo ? z : lo, hi = z > hi ? z : hi;
        }
    }
    const double range = g[n - 1] - g[0], d_lo = g[lo + 1] - g[lo], d_hi = g[hi] - g[hi - 1];
    double worst = 0;
    for (int z = 0; z < lo; z++) worst = fmax(worst, fabs(g[z] - (g[lo] - (lo - z) * d_lo)));
    for (int z = hi + 1; z < n; z++) worst = fmax(worst, fabs(g[z] - (g[hi] + (z - hi) * d_hi)));
    printf("  end bins: data reaches %d..%d; below, slope %.4g; above, slope %.4g; max departure from the "
           "straight continuation %.2e of the range\n", lo, hi, d_lo, d_hi, worst / range);
    return worst / range;
}

/* free and monotone g of pb; the times of each solve in *t_free, *t_mono (ms) */
static void solve_both(double *g_free, double *g_mono, ob_response_problem *pb, double *t_free, double *t_mono)
{
    pb->free_curve = 1;
    double t0 = ob_now_seconds();
    OB_CHECK_OK(ob_response_solve_cpu(g_free, pb, OB_RESPONSE_SOLVE_NORMAL));
    double t1 = ob_now_seconds();
    pb->free_curve = 0;
    OB_CHECK_OK(ob_response_solve_cpu(g_mono, pb, OB_RESPONSE_SOLVE_NORMAL));
    double t2 = ob_now_seconds();
    if (t_free) *t_free = 1e3 * (t1 - t0);
    if (t_mono) *t_mono = 1e3 * (t2 - t1);
}

/* (a) + (b): a noisy stack that makes the free solve reverse */
static void check_noisy(double sigma_codes, int samples, double lambda)
{
    problem p;
    problem_make(&p, 16, sigma_codes / 255, 8, samples, 256, lambda, 21);
    double gf[256], gm[256], tf, tm;
    solve_both(gf, gm, &p.pb, &tf, &tm);
    ob_response_monotone_info info;
    double gi[256];
    memcpy(gi, gf, sizeof gi);
    OB_CHECK_OK(ob_response_monotone(gi, &p.pb, &info));
    const double ef = g_error(gf, 256), em = g_error(gm, 256);
    printf("noisy 8-bit stack (sigma %g codes, %d samples x 16 exposures, 256 bins, lambda %g): free g reverses %d "
           "times, error over z 5..250 %.4f; monotone g reverses %d times, error %.4f (tol %.2f); %d ties, %d "
           "active-set steps; solve %.2f ms free, %.2f ms monotone\n", sigma_codes, p.pb.n_samples, lambda,
           reversals(gf, 256), ef,
           reversals(gm, 256), em, G_TOL, info.active, info.iterations, tf, tm);
    OB_CHECK(reversals(gf, 256) > 0, "the free solve does not reverse: the test lost its point");
    OB_CHECK(reversals(gm, 256) == 0, "monotone g reverses %d times", reversals(gm, 256));
    OB_CHECK(em <= G_TOL, "monotone g error %.4f > %.2f", em, G_TOL);
    OB_CHECK(info.method == OB_RESPONSE_MONOTONE_QP, "method %d (want the QP)", (int)info.method);
    double worst = 0;
    for (int z = 0; z < 256; z++) worst = fmax(worst, fabs(gi[z] - gm[z]));
    OB_CHECK(worst == 0, "ob_response_monotone on the free g differs from the solver's by %g", worst);
    OB_CHECK(gm[128] == 0, "g(128) = %g, not pinned", gm[128]);
    check_optimal(&p.pb, gm, gf, "noisy stack, 256 bins");
    double gd[256];
    OB_CHECK_OK(ob_response_solve_cpu(gd, &p.pb, OB_RESPONSE_SOLVE_DENSE)); /* same QP from dgelsd's free g */
    worst = 0;
    for (int z = 0; z < 256; z++) worst = fmax(worst, fabs(gd[z] - gm[z]));
    printf("  monotone g from the dense solver vs the normal equations: max diff %.2e (tol 1e-6)\n", worst);
    OB_CHECK(worst <= 1e-6, "monotone g: dense and normal solvers differ by %g", worst);
    OB_CHECK(end_bins_error(&p.pb, gm) <= 1e-9, "noisy stack: end bins are not the straight continuation");
    problem_free(&p);
}

/* (c) an already-monotone free solution comes back unchanged */
static void check_already_monotone(void)
{
    problem p;
    problem_make(&p, 8, 0.5 / 255, 8, 200, 256, 10.0, 11);
    double gf[256], gm[256];
    solve_both(gf, gm, &p.pb, NULL, NULL);
    double worst = 0;
    for (int z = 0; z < 256; z++) worst = fmax(worst, fabs(gf[z] - gm[z]));
    printf("clean stack: free g reverses %d times; max |g_monotone - g_free| = %.2e (tol 1e-12)\n",
           reversals(gf, 256), worst);
    OB_CHECK(reversals(gf, 256) == 0, "the clean problem's free g reverses: the test lost its point");
    OB_CHECK(worst <= 1e-12, "an already-monotone g changed by %g", worst);
    ob_response_monotone_info info;
    OB_CHECK_OK(ob_response_monotone(gf, &p.pb, &info));
    OB_CHECK(info.method == OB_RESPONSE_MONOTONE_ALREADY, "method %d (want unchanged)", (int)info.method);
    problem_free(&p);
}

/* (d) lambda = 0: the dense fallback, made monotone by isotonic regression */
static void check_lambda_zero(void)
{
    problem p;
    problem_make(&p, 16, 3.0 / 255, 8, 256, 256, 0.0, 21);
    double gf[256], gm[256];
    solve_both(gf, gm, &p.pb, NULL, NULL);
    int finite = 1;
    for (int z = 0; z < 256; z++) finite &= isfinite(gm[z]);
    const int rev_free = reversals(gf, 256);
    ob_response_monotone_info info;
    OB_CHECK_OK(ob_response_monotone(gf, &p.pb, &info));
    printf("lambda = 0 (dense fallback): free g reverses %d times, monotone %d; method %d (2 = isotonic)\n",
           rev_free, reversals(gm, 256), (int)info.method);
    OB_CHECK(finite && gm[128] == 0, "lambda = 0: g not finite or not pinned (g(128) = %g)", gm[128]);
    OB_CHECK(reversals(gm, 256) == 0, "lambda = 0: monotone g reverses %d times", reversals(gm, 256));
    OB_CHECK(info.method == OB_RESPONSE_MONOTONE_ISOTONIC, "lambda = 0: method %d (want isotonic)", (int)info.method);
    problem_free(&p);
}

/* (e) other bin counts; solve times for 256 and 1024 bins */
static void check_bins(int n_bins, int bits, int samples, double sigma, double lambda)
{
    problem p;
    problem_make(&p, 16, sigma, bits, samples, n_bins, lambda, 31);
    double *gf = malloc(sizeof(double) * n_bins), *gm = malloc(sizeof(double) * n_bins), tf, tm;
    solve_both(gf, gm, &p.pb, &tf, &tm);
    char label[96];
    snprintf(label, sizeof label, "%d bins (%d-bit, sigma %.2g codes, %d samples, lambda %g)", n_bins, bits,
             sigma * 255, p.pb.n_samples, lambda);
    ob_response_monotone_info info;
    double *gi = malloc(sizeof(double) * n_bins);
    memcpy(gi, gf, sizeof(double) * n_bins);
    OB_CHECK_OK(ob_response_monotone(gi, &p.pb, &info));
    printf("%s: free g reverses %d times, monotone %d (%d ties, %d active-set steps); solve %.2f ms free, %.2f ms "
           "monotone\n", label, reversals(gf, n_bins), reversals(gm, n_bins), info.active, info.iterations, tf, tm);
    free(gi);
    OB_CHECK(reversals(gm, n_bins) == 0, "%s: monotone g reverses %d times", label, reversals(gm, n_bins));
    OB_CHECK(reversals(gf, n_bins) > 0, "%s: the free solve does not reverse: the test lost its point", label);
    check_optimal(&p.pb, gm, gf, label);
    OB_CHECK(end_bins_error(&p.pb, gm) <= 1e-9, "%s: end bins are not the straight continuation", label);
    free(gf), free(gm);
    problem_free(&p);
}

/* max over z in lo..hi of |g - g_true - mean| */
static double g_error_range(const double *g, int nb, int lo, int hi)
{
    double mean = 0, worst = 0;
    for (int z = lo; z <= hi; z++) mean += g[z] - synth_g_true(&CURVE, z, nb);
    mean /= hi - lo + 1;
    for (int z = lo; z <= hi; z++) worst = fmax(worst, fabs(g[z] - synth_g_true(&CURVE, z, nb) - mean));
    return worst;
}

/* A narrow scene (3 stops, 3 exposures: bins ~20..140 of 256 reached): the
 * free g bends the wrong way in the bins no data reaches, at the dark end as
 * on real stacks, or the bright one; the monotone g continues them straight,
 * flat where the nearest increment is 0. */
static void check_narrow(int nb, double sigma_codes, double lambda)
{
    problem p;
    problem_make_scene(&p, 3, 1.0 / 128, 3, sigma_codes / 255, 8, 256, nb, lambda, 41);
    double *gf = malloc(sizeof(double) * 3 * nb), *gm = gf + nb, *gi = gm + nb;
    solve_both(gf, gm, &p.pb, NULL, NULL);
    ob_response_monotone_info info;
    memcpy(gi, gf, sizeof(double) * nb);
    OB_CHECK_OK(ob_response_monotone(gi, &p.pb, &info));
    char label[96];
    snprintf(label, sizeof label, "narrow scene (%d bins, sigma %g codes, lambda %g)", nb, sigma_codes, lambda);
    const int lo = 25 * (nb - 1) / 255, hi = 135 * (nb - 1) / 255, dark = nb / 25 + 1;
    printf("%s: free g reverses %d times (%d in z 0..%d), error over z %d..%d %.4f; monotone reverses %d times, "
           "error %.4f; %d ties, %d active-set steps\n", label, reversals(gf, nb), reversals(gf, dark), dark - 1, lo,
           hi, g_error_range(gf, nb, lo, hi), reversals(gm, nb), g_error_range(gm, nb, lo, hi), info.active,
           info.iterations);
    OB_CHECK(reversals(gf, nb) > 0, "%s: the free g does not reverse: the test lost its point", label);
    OB_CHECK(reversals(gm, nb) == 0, "%s: monotone g reverses %d times", label, reversals(gm, nb));
    check_optimal(&p.pb, gm, gf, label);
    OB_CHECK(end_bins_error(&p.pb, gm) <= 1e-9, "%s: end bins are not the straight continuation", label);
    free(gf);
    problem_free(&p);
}

/* Random bins (no camera behind them, as test_hdr_response.c's tiny system):
 * the free g zigzags; a small, hard QP with many active constraints. */
static void check_random(int nb, int n_samples, double lambda)
{
    enum { P = 4 };
    uint16_t *z = malloc(sizeof(uint16_t) * n_samples * P);
    uint64_t rng = 42;
    for (int i = 0; i < n_samples * P; i++) z[i] = (uint16_t)ob_test_rand_int(&rng, 0, nb - 1);
    const double ln_t[P] = {log(1 / 8.0), log(1 / 2.0), log(2.0), log(8.0)};
    ob_response_problem pb = {.z = z, .ln_t = ln_t, .n_samples = n_samples, .n_exp = P, .n_bins = nb,
                              .lambda = lambda};
    double *gf = malloc(sizeof(double) * 3 * nb), *gm = gf + nb, *gi = gm + nb;
    solve_both(gf, gm, &pb, NULL, NULL);
    ob_response_monotone_info info;
    memcpy(gi, gf, sizeof(double) * nb);
    OB_CHECK_OK(ob_response_monotone(gi, &pb, &info));
    char label[96];
    snprintf(label, sizeof label, "random bins (%d bins, %d samples x %d, lambda %g)", nb, n_samples, P, lambda);
    printf("%s: free g reverses %d times, monotone %d; %d ties, %d active-set steps\n", label, reversals(gf, nb),
           reversals(gm, nb), info.active, info.iterations);
    OB_CHECK(reversals(gf, nb) > 0, "%s: the free g does not reverse: the test lost its point", label);
    OB_CHECK(reversals(gm, nb) == 0, "%s: monotone g reverses %d times", label, reversals(gm, nb));
    OB_CHECK(info.method == OB_RESPONSE_MONOTONE_QP, "%s: method %d (want the QP)", label, (int)info.method);
    check_optimal(&pb, gm, gf, label);
    free(gf), free(z);
}

/* the cuSOLVER path ends in the same host QP */
static void check_cuda(void)
{
    ob_ctx *gpu;
    if (ob_ctx_create(&gpu, OB_BACKEND_CUDA, 0) != OB_OK) {
        printf("cuda monotone check NOT RUN: %s\n", ob_last_error());
        return;
    }
    problem p;
    problem_make(&p, 16, 3.0 / 255, 8, 256, 256, 10.0, 21);
    double gc[256], gg[256], worst = 0;
    OB_CHECK_OK(ob_response_solve_cpu(gc, &p.pb, OB_RESPONSE_SOLVE_NORMAL));
    OB_CHECK_OK(ob_response_solve_cusolver(gpu, gg, &p.pb));
    for (int z = 0; z < 256; z++) worst = fmax(worst, fabs(gg[z] - gc[z]));
    printf("cuda (cuSOLVER + host QP) vs cpu monotone g: max diff %.2e (tol 1e-9), cuda reverses %d times\n", worst,
           reversals(gg, 256));
    OB_CHECK(worst <= 1e-9 && reversals(gg, 256) == 0, "cuda monotone g: diff %g, %d reversals", worst,
             reversals(gg, 256));
    problem_free(&p);
    ob_ctx_destroy(gpu);
}

int main(void)
{
    check_noisy(0.75, 256, 0.1);
    check_already_monotone();
    check_lambda_zero();
    check_random(16, 40, 1.0);
    check_random(16, 6, 2.0);
    check_bins(256, 8, 256, 1.0 / 255, 0.3);
    check_bins(1024, 16, 1024, 3.0 / 255, 10.0);
    check_narrow(256, 1.0, 0.3);
    check_narrow(256, 2.0, 1.0);
    check_cuda();
    return ob_test_finish();
}
