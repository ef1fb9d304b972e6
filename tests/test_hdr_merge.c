/* test_hdr_merge.c — the radiance merge (hdr_merge.h, ob_radiance_merge)
 * against independent truths.
 *
 * Truths
 *   - a noise-free synthetic stack (tests/hdr_synth.h) merged with the true
 *     g: every pixel's ln E is within its quantisation bound of the truth.
 *     Exposure j's bin z_j pins ln(E t_j) to the interval between g at
 *     z_j -+ 0.5, so |g(z_j) - ln t_j - ln E| <= q(z_j) = the larger half of
 *     that interval, and the merge (a w-weighted mean) is within
 *     sum w q / sum w (+ 1e-5 for float arithmetic);
 *   - pixels clipped in every exposure (hand-made: over-exposed, under-exposed,
 *     clipped dark-to-bright, NaN input; and a 20-stop scene through 5
 *     exposures one stop apart) come out finite, and exactly equal to g[z] - ln t of the
 *     darkest exposure (over-exposed) or the brightest (otherwise), with the
 *     exposures given out of time order;
 *   - the tensor entry points (ob_hdr_merge, ob_radiance_merge on a cpu
 *     context) give the same bits as ob_hdr_merge_cpu;
 *   - bad input: OB_ERR_ARG with a message. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdr_merge.h"
#include "hdr_synth.h"
#include "ob_ctx.h"
#include "ob_hdr_response.h"
#include "ob_test.h"

#define NB 256

static const synth_curve CURVES[3] = {
    {SYNTH_SRGB, 8.0, 0, 0},
    {SYNTH_RATIO, 4.0, 0.5, 2.2},
    {SYNTH_SRGB, 10.0, 0, 0},
};

/* g (C, NB) from the true curves; g(0) is the linear extrapolation of g(1),
 * g(2), as the solver's smoothness rows make it. */
static void true_g(float *g, int c)
{
    for (int ch = 0; ch < c; ch++) {
        for (int z = 1; z < NB; z++) g[ch * NB + z] = (float)synth_g_true(&CURVES[ch], z, NB);
        g[ch * NB] = 2 * g[ch * NB + 1] - g[ch * NB + 2];
    }
}

/* ln of the exposure at a fractional bin (continuous g) */
static double g_at(const synth_curve *cv, double z)
{
    return log(synth_finv(cv, z / (NB - 1))) - log(cv->k);
}

static void check_known_stack(void)
{
    synth_stack s;
    OB_CHECK(synth_make(&s, 3, 90, 110, 16, 1.0 / 256, 12, CURVES, 0, 8, 21) == 0, "synth_make");
    float *g = malloc(sizeof(float) * 3 * NB);
    true_g(g, 3);
    const size_t n = (size_t)s.h * s.w;
    float *out = malloc(sizeof(float) * 3 * n);
    const float *img[16];
    for (int j = 0; j < 16; j++) img[j] = ob_tensor_f32(&s.img[j]);
    OB_CHECK_OK(ob_hdr_merge_cpu(out, img, s.times, 16, 3, n, g, NB));
    size_t over = 0, unseen = 0;
    double worst = 0, sum2 = 0, worst_bound = 0;
    for (int ch = 0; ch < 3; ch++)
        for (size_t i = 0; i < n; i++) {
            const size_t k = ch * n + i;
            double sw = 0, swq = 0;
            for (int j = 0; j < 16; j++) {
                const int z = ob_hdr_bin(img[j][k], NB), w = ob_hdr_hat(z, NB);
                if (!w) continue;
                const double q = fmax(g_at(&CURVES[ch], z + 0.5) - g_at(&CURVES[ch], z),
                                      g_at(&CURVES[ch], z) - g_at(&CURVES[ch], z - 0.5));
                sw += w, swq += w * q;
            }
            if (sw == 0) {
                unseen++;
                continue;
            }
            const double err = fabs((double)out[k] - s.ln_e[k]), bound = swq / sw + 1e-5;
            over += !(err <= bound);
            worst = fmax(worst, err), worst_bound = fmax(worst_bound, bound), sum2 += err * err;
        }
    printf("known stack 3x%dx%d, 16 exposures, noise-free 8-bit: ln E max error %.4f, RMS %.5f; every pixel "
           "within its quantisation bound (largest bound %.4f); %zu pixels clipped everywhere\n",
           s.h, s.w, worst, sqrt(sum2 / (3 * n - unseen)), worst_bound, unseen);
    OB_CHECK(over == 0, "%zu pixels outside their quantisation bound", over);
    OB_CHECK(unseen == 0, "the scene was meant to be seen unclipped everywhere (%zu pixels were not)", unseen);
    free(g), free(out);
    synth_free(&s);
}

/* The rule, written from the contract: over-exposed in the darkest -> darkest, else brightest. */
static float expected_clipped(const float *const *img, const float *g, const double *t, int n_exp, size_t k)
{
    int dark = 0, bright = 0;
    for (int j = 1; j < n_exp; j++) {
        if (t[j] < t[dark]) dark = j;
        if (t[j] > t[bright]) bright = j;
    }
    const int j = ob_hdr_bin(img[dark][k], NB) == NB - 1 ? dark : bright;
    return g[ob_hdr_bin(img[j][k], NB)] - (float)log(t[j]);
}

static void check_clipped(void)
{
    /* hand-made: 1 channel, 8 pixels, 4 exposures out of time order */
    enum { J = 4, N = 8 };
    const double t[J] = {1.0 / 4, 1.0 / 64, 1.0, 1.0 / 16}; /* darkest 1, brightest 2 */
    float v[J][N];
    for (int j = 0; j < J; j++) {
        const float row[N] = {1, 0, 0.5f, 1, 0, NAN, 0.2f, 1};
        memcpy(v[j], row, sizeof row);
    }
    v[1][4] = 0, v[2][4] = 1; /* pixel 4: black in the darkest, white in the brightest */
    v[0][3] = 0.5f;           /* pixel 3: seen once, in exposure 0 */
    const float *img[J] = {v[0], v[1], v[2], v[3]};
    float g[NB], out[N];
    true_g(g, 1);
    OB_CHECK_OK(ob_hdr_merge_cpu(out, img, t, J, 1, N, g, NB));
    for (int i = 0; i < N; i++) OB_CHECK(isfinite(out[i]), "pixel %d: ln E = %g", i, out[i]);
    const float over = g[NB - 1] - (float)log(1.0 / 64), under = g[0] - (float)log(1.0);
    OB_CHECK(out[0] == over && out[7] == over, "over-exposed: %.9g %.9g, expected %.9g (darkest exposure)", out[0],
             out[7], over);
    OB_CHECK(out[1] == under, "under-exposed: %.9g, expected %.9g (brightest exposure)", out[1], under);
    OB_CHECK(out[5] == under, "NaN input (counts as 0): %.9g, expected %.9g", out[5], under);
    OB_CHECK(out[4] == g[NB - 1] - (float)log(1.0), "black-to-white: %.9g, expected the brightest's %.9g", out[4],
             g[NB - 1]);
    const float seen_once = g[ob_hdr_bin(0.5f, NB)] - (float)log(0.25);
    OB_CHECK(fabsf(out[3] - seen_once) <= 1e-6f, "seen once: %.9g, expected %.9g", out[3], seen_once);
    printf("hand-made clipped pixels: over %.4f, under %.4f, NaN %.4f, black-to-white %.4f, seen once %.4f\n",
           out[0], out[1], out[5], out[4], out[3]);

    /* a 20-stop scene through 5 exposures one stop apart, given out of order */
    synth_stack s;
    OB_CHECK(synth_make(&s, 3, 41, 57, 5, 1.0 / 64, 20, CURVES, 0.5 / 255, 8, 77) == 0, "synth_make");
    const double times[5] = {s.times[2], s.times[4], s.times[0], s.times[3], s.times[1]};
    for (int j = 0; j < 5; j++) s.times[j] = times[j];
    OB_CHECK(synth_render(&s, CURVES, 0.5 / 255, 8, 78) == 0, "synth_render");
    const size_t n = (size_t)s.h * s.w;
    float *gg = malloc(sizeof(float) * 3 * NB), *lne = malloc(sizeof(float) * 3 * n);
    true_g(gg, 3);
    const float *im[5];
    for (int j = 0; j < 5; j++) im[j] = ob_tensor_f32(&s.img[j]);
    OB_CHECK_OK(ob_hdr_merge_cpu(lne, im, s.times, 5, 3, n, gg, NB));
    size_t clipped = 0, wrong = 0, nonfinite = 0;
    for (int ch = 0; ch < 3; ch++)
        for (size_t i = 0; i < n; i++) {
            const size_t k = ch * n + i;
            nonfinite += !isfinite(lne[k]);
            int sw = 0;
            for (int j = 0; j < 5; j++) sw += ob_hdr_hat(ob_hdr_bin(im[j][k], NB), NB);
            if (sw) continue;
            clipped++;
            const float want = expected_clipped(im, gg + ch * NB, s.times, 5, k);
            wrong += lne[k] != want;
        }
    printf("20-stop scene, 5 exposures: %zu of %zu values clipped in every exposure, all finite: %s, rule "
           "broken at %zu\n", clipped, 3 * n, nonfinite ? "no" : "yes", wrong);
    OB_CHECK(nonfinite == 0, "%zu non-finite ln E values", nonfinite);
    OB_CHECK(clipped > 100, "the scene was meant to clip (only %zu clipped values)", clipped);
    OB_CHECK(wrong == 0, "%zu clipped values do not take the nearest usable exposure's estimate", wrong);
    free(gg), free(lne);
    synth_free(&s);
}

static void check_entry_points(ob_ctx *ctx)
{
    synth_stack s;
    OB_CHECK(synth_make(&s, 3, 33, 47, 6, 1.0 / 16, 10, CURVES, 0.5 / 255, 8, 9) == 0, "synth_make");
    float g[3 * NB];
    true_g(g, 3);
    const size_t n = (size_t)s.h * s.w;
    float *ref = malloc(sizeof(float) * 3 * n);
    const float *img[6];
    for (int j = 0; j < 6; j++) img[j] = ob_tensor_f32(&s.img[j]);
    OB_CHECK_OK(ob_hdr_merge_cpu(ref, img, s.times, 6, 3, n, g, NB));
    ob_tensor out, lne;
    const int64_t shape[3] = {3, s.h, s.w};
    OB_CHECK_OK(ob_tensor_alloc(&out, OB_F32, OB_HOST, 3, shape));
    OB_CHECK_OK(ob_hdr_merge(ctx, &out, s.ptr, s.times, 6, g, NB));
    OB_CHECK_OK(ob_radiance_merge(ctx, &lne, s.ptr, s.times, 6, g, NB));
    OB_CHECK(memcmp(ob_tensor_f32(&out), ref, 3 * n * sizeof(float)) == 0, "ob_hdr_merge differs from _cpu");
    OB_CHECK(lne.data && memcmp(ob_tensor_f32(&lne), ref, 3 * n * sizeof(float)) == 0,
             "ob_radiance_merge differs from _cpu");

    /* bad input */
    double t[6];
    memcpy(t, s.times, sizeof t);
    ob_tensor small, empty;
    const int64_t sshape[3] = {3, s.h, s.w - 1};
    OB_CHECK_OK(ob_tensor_zeros(&small, OB_F32, OB_HOST, 3, sshape));
    const ob_tensor *mixed[6] = {s.ptr[0], s.ptr[1], s.ptr[2], &small, s.ptr[4], s.ptr[5]};
    OB_CHECK_FAILS(ob_radiance_merge(ctx, &empty, s.ptr, t, 1, g, NB), OB_ERR_ARG);
    printf("merge, one exposure: %s\n", ob_last_error());
    OB_CHECK(empty.data == NULL, "a failed merge left an output allocated");
    OB_CHECK_FAILS(ob_radiance_merge(ctx, &empty, mixed, t, 6, g, NB), OB_ERR_ARG);
    printf("merge, different sizes: %s\n", ob_last_error());
    OB_CHECK_FAILS(ob_hdr_merge(ctx, &out, mixed, t, 6, g, NB), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_hdr_merge(ctx, &small, s.ptr, t, 6, g, NB), OB_ERR_ARG);
    t[4] = t[1];
    OB_CHECK_FAILS(ob_radiance_merge(ctx, &empty, s.ptr, t, 6, g, NB), OB_ERR_ARG);
    printf("merge, duplicate time: %s\n", ob_last_error());
    OB_CHECK_FAILS(ob_hdr_merge_cpu(ref, img, t, 6, 3, n, g, NB), OB_ERR_ARG);
    t[4] = 0;
    OB_CHECK_FAILS(ob_radiance_merge(ctx, &empty, s.ptr, t, 6, g, NB), OB_ERR_ARG);
    t[4] = -1;
    OB_CHECK_FAILS(ob_hdr_merge_cpu(ref, img, t, 6, 3, n, g, NB), OB_ERR_ARG);
    t[4] = INFINITY;
    OB_CHECK_FAILS(ob_hdr_merge_cpu(ref, img, t, 6, 3, n, g, NB), OB_ERR_ARG);
    memcpy(t, s.times, sizeof t);
    OB_CHECK_FAILS(ob_hdr_merge_cpu(ref, img, t, 6, 3, n, g, 8), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_hdr_merge_cpu(ref, img, t, OB_HDR_MAX_EXPOSURES + 1, 3, n, g, NB), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_hdr_merge_cpu(ref, img, t, 6, 3, 0, g, NB), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_hdr_merge_cpu(NULL, img, t, 6, 3, n, g, NB), OB_ERR_ARG);
    g[7] = NAN;
    OB_CHECK_FAILS(ob_radiance_merge(ctx, &empty, s.ptr, t, 6, g, NB), OB_ERR_ARG);
    printf("merge, NaN in g: %s\n", ob_last_error());
    ob_tensor_free(&small), ob_tensor_free(&out), ob_tensor_free(&lne);
    free(ref);
    synth_free(&s);
}

int main(void)
{
    ob_ctx *ctx;
    if (ob_ctx_create(&ctx, OB_BACKEND_CPU, 0) != OB_OK) return fprintf(stderr, "%s\n", ob_last_error()), 1;
    check_known_stack();
    check_clipped();
    check_entry_points(ctx);
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
