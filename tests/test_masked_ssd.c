/* test_masked_ssd.c — the CPU path of masked_ssd.h against brute force: the
 * definition sum M (T - I)^2 evaluated directly in double over the whole
 * template (cells outside the strips skipped), on random inputs of odd sizes,
 * 1 and 3 channels, L-shaped, top-only, left-only and whole-template masks,
 * a general 0/1 mask and non-binary weights; an exact match is the minimum and
 * costs exactly 0; costs are never negative; the tensor entry; bad input.
 *
 * Tolerance: |got - ref| <= (L + 3) * 2^-24 * |ref|, the bound masked_ssd.h
 * states (L = the support's longest row): d = T - I and M*d round once each,
 * d*d doubles that, a row's float sum adds L - 1 roundings, the store one. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "masked_ssd.h"
#include "ob_test.h"

static double worst_abs, worst_rel;

/* Brute force: the definition in double, no expansion, no tap tables. */
static void brute(double *ref, const float *s, const float *t, const float *m, int c, int h, int w, int th, int tw,
                  int ov_top, int ov_left)
{
    const int ny = h - th + 1, nx = w - tw + 1;
    for (int y = 0; y < ny; y++)
        for (int x = 0; x < nx; x++) {
            double acc = 0;
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < th; i++)
                    for (int j = 0; j < tw; j++) {
                        if (!(i < ov_top || j < ov_left)) continue; /* outside the support */
                        const double wt = m ? m[i * tw + j] : 1.0;
                        const double d = (double)t[(ch * th + i) * tw + j] - s[(ch * h + y + i) * w + x + j];
                        acc += wt * d * d;
                    }
            ref[y * nx + x] = acc;
        }
}

/* masked SSD of random data vs brute force; weights: 0 none, 1 random 0/1, 2 random in [0, 2].
 * match: copy the template from the sample at a known place, which must win. */
static void check(int c, int h, int w, int th, int tw, int ov_top, int ov_left, int weights, int match, uint64_t seed)
{
    const int ny = h - th + 1, nx = w - tw + 1;
    const size_t ns = (size_t)c * h * w, nt = (size_t)c * th * tw, nc = (size_t)ny * nx;
    float *s = malloc(ns * sizeof *s), *t = malloc(nt * sizeof *t), *m = NULL, *got = malloc(nc * sizeof *got);
    double *ref = malloc(nc * sizeof *ref);
    ob_test_fill_uniform(s, ns, seed, 0, 1);
    ob_test_fill_uniform(t, nt, seed + 1, -0.5f, 1.5f);
    uint64_t st = seed + 2;
    const int my = ny / 3, mx = (2 * nx) / 3;
    if (match)
        for (int ch = 0; ch < c; ch++)
            for (int i = 0; i < th; i++)
                for (int j = 0; j < tw; j++) t[(ch * th + i) * tw + j] = s[(ch * h + my + i) * w + mx + j];
    if (weights) {
        m = malloc((size_t)th * tw * sizeof *m);
        for (int i = 0; i < th * tw; i++)
            m[i] = weights == 1 ? (float)(ob_test_rand_uniform(&st) < 0.6) : (float)(2 * ob_test_rand_uniform(&st));
    }
    ob_test_fill_nan(got, nc);
    brute(ref, s, t, m, c, h, w, th, tw, ov_top, ov_left);
    OB_CHECK_OK(ob_masked_ssd_cpu(got, s, t, m, c, h, w, th, tw, ov_top, ov_left));
    const int longest = ov_top ? tw : ov_left;
    const double atol = 0, rtol = (longest + 3) * 0x1p-24;
    int bad = 0, negative = 0;
    double wa = 0, wr = 0;
    for (size_t i = 0; i < nc; i++) {
        const double d = fabs(got[i] - ref[i]);
        if (!(d <= atol + rtol * fabs(ref[i]))) bad++;
        negative += got[i] < 0;
        wa = fmax(wa, d);
        if (ref[i] > 0) wr = fmax(wr, d / ref[i]);
    }
    worst_abs = fmax(worst_abs, wa), worst_rel = fmax(worst_rel, wr / rtol);
    const char *kind = ov_top == th ? "whole" : ov_top && ov_left ? "L" : ov_top ? "top" : "left";
    OB_CHECK(bad == 0 && negative == 0,
             "masked SSD C%d %dx%d template %dx%d %s (top %d, left %d) weights %d%s vs brute force: %d outside "
             "%.2g + %.2g*|ref| (max abs %.3g, rel %.3g), %d negative",
             c, h, w, th, tw, kind, ov_top, ov_left, weights, match ? " match" : "", bad, atol, rtol, wa, wr, negative);
    if (match) {
        int arg = 0;
        for (size_t i = 1; i < nc; i++)
            if (got[i] < got[arg]) arg = (int)i;
        OB_CHECK(got[my * nx + mx] == 0 && arg == my * nx + mx,
                 "exact match at (%d, %d) costs exactly 0 (got %.3g) and is the minimum (argmin %d, want %d)", my, mx,
                 got[my * nx + mx], arg, my * nx + mx);
    }
    free(s), free(t), free(m), free(got), free(ref);
}

static void test_vs_brute_force(void)
{
    uint64_t seed = 11, rng = 7;
    for (int c = 1; c <= 3; c += 2) {
        /* the three quilting shapes at a small patch, odd sizes */
        check(c, 23, 29, 7, 7, 2, 2, 0, 0, seed++);
        check(c, 23, 29, 7, 7, 2, 0, 0, 1, seed++);
        check(c, 23, 29, 7, 7, 0, 2, 0, 1, seed++);
        check(c, 31, 27, 9, 9, 3, 3, 0, 1, seed++);
        /* rectangular templates, thin and wide strips, whole template */
        check(c, 19, 33, 5, 11, 1, 4, 0, 0, seed++);
        check(c, 17, 21, 9, 5, 9, 0, 0, 1, seed++);
        check(c, 15, 15, 15, 15, 4, 4, 0, 1, seed++); /* template = sample: one candidate */
        check(c, 13, 40, 1, 7, 1, 0, 0, 0, seed++);   /* one-row template */
        check(c, 40, 13, 7, 1, 0, 1, 0, 0, seed++);   /* one-column template */
        /* a general 0/1 mask over the whole template, and weights on strips */
        check(c, 21, 25, 7, 9, 7, 0, 1, 1, seed++);
        check(c, 21, 25, 7, 9, 3, 2, 2, 1, seed++);
        check(c, 21, 25, 7, 9, 0, 3, 2, 0, seed++);
        /* random odd sizes and strips */
        for (int r = 0; r < 6; r++) {
            const int th = ob_test_rand_int(&rng, 2, 12) | 1, tw = ob_test_rand_int(&rng, 2, 12) | 1;
            const int h = th + (ob_test_rand_int(&rng, 0, 30) | 1), w = tw + (ob_test_rand_int(&rng, 0, 40) | 1);
            int ot = ob_test_rand_int(&rng, 0, th), ol = ob_test_rand_int(&rng, 0, tw);
            if (!ot && !ol) ol = 1;
            check(c, h, w, th, tw, ot, ol, r % 3, r % 2, seed++);
        }
    }
    printf("masked SSD vs brute force: max |err| %.3g, max rel err %.3g of the stated bound\n", worst_abs, worst_rel);
}

/* A flat sample and a flat template: every cost is n * (a - b)^2 exactly. */
static void test_constant(void)
{
    enum { H = 12, W = 14, P = 5 };
    float s[2 * H * W], t[2 * P * P], got[(H - P + 1) * (W - P + 1)];
    for (int i = 0; i < 2 * H * W; i++) s[i] = 0.25f;
    for (int i = 0; i < 2 * P * P; i++) t[i] = 0.75f;
    OB_CHECK_OK(ob_masked_ssd_cpu(got, s, t, NULL, 2, H, W, P, P, 2, 1));
    const float want = 2 * (2 * P + 3 * 1) * 0.25f; /* 2 channels x 13 cells x 0.5^2 */
    int bad = 0;
    for (int i = 0; i < (H - P + 1) * (W - P + 1); i++) bad += got[i] != want;
    OB_CHECK(bad == 0, "constant images: every cost is %g (%d differ)", want, bad);
}

static void test_errors_and_tensor(void)
{
    float buf[400] = {0};
    OB_CHECK_FAILS(ob_masked_ssd_cpu(buf, buf, buf, NULL, 1, 5, 5, 6, 3, 1, 1), OB_ERR_ARG);  /* taller than sample */
    OB_CHECK_FAILS(ob_masked_ssd_cpu(buf, buf, buf, NULL, 1, 5, 5, 3, 3, 0, 0), OB_ERR_ARG);  /* empty mask */
    OB_CHECK_FAILS(ob_masked_ssd_cpu(buf, buf, buf, NULL, 1, 5, 5, 3, 3, 4, 1), OB_ERR_ARG);  /* strip > template */
    OB_CHECK_FAILS(ob_masked_ssd_cpu(buf, buf, buf, NULL, 1, 5, 5, 3, 3, -1, 1), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_masked_ssd_cpu(buf, buf, buf, NULL, 0, 5, 5, 3, 3, 1, 1), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_masked_ssd_cpu(NULL, buf, buf, NULL, 1, 5, 5, 3, 3, 1, 1), OB_ERR_ARG);

    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    ob_tensor s, t, cost, bad_cost, m, t2;
    int64_t ss[3] = {3, 17, 19}, st[3] = {3, 5, 5}, sc[2] = {13, 15}, sb[2] = {13, 14}, sm[2] = {5, 5}, st2[3] = {1, 5, 5};
    OB_CHECK_OK(ob_tensor_alloc(&s, OB_F32, OB_HOST, 3, ss));
    OB_CHECK_OK(ob_tensor_alloc(&t, OB_F32, OB_HOST, 3, st));
    OB_CHECK_OK(ob_tensor_alloc(&cost, OB_F32, OB_HOST, 2, sc));
    OB_CHECK_OK(ob_tensor_alloc(&bad_cost, OB_F32, OB_HOST, 2, sb));
    OB_CHECK_OK(ob_tensor_alloc(&m, OB_F32, OB_HOST, 2, sm));
    OB_CHECK_OK(ob_tensor_alloc(&t2, OB_F32, OB_HOST, 3, st2));
    ob_test_fill_uniform(ob_tensor_f32(&s), 3 * 17 * 19, 3, 0, 1);
    ob_test_fill_uniform(ob_tensor_f32(&t), 3 * 5 * 5, 4, 0, 1);
    ob_test_fill_uniform(ob_tensor_f32(&m), 5 * 5, 5, 0, 1);
    float ref[13 * 15];
    OB_CHECK_OK(ob_masked_ssd(ctx, &cost, &s, &t, NULL, 2, 2));
    OB_CHECK_OK(ob_masked_ssd_cpu(ref, ob_tensor_f32(&s), ob_tensor_f32(&t), NULL, 3, 17, 19, 5, 5, 2, 2));
    ob_test_allclose("ob_masked_ssd tensor entry = ob_masked_ssd_cpu", ob_tensor_f32(&cost), ref, 13 * 15, 0, 0);
    OB_CHECK_OK(ob_masked_ssd(ctx, &cost, &s, &t, &m, 5, 0));
    OB_CHECK_OK(ob_masked_ssd_cpu(ref, ob_tensor_f32(&s), ob_tensor_f32(&t), ob_tensor_f32(&m), 3, 17, 19, 5, 5, 5, 0));
    ob_test_allclose("ob_masked_ssd tensor entry with weights", ob_tensor_f32(&cost), ref, 13 * 15, 0, 0);
    OB_CHECK_FAILS(ob_masked_ssd(ctx, &bad_cost, &s, &t, NULL, 2, 2), OB_ERR_ARG); /* wrong cost shape */
    OB_CHECK_FAILS(ob_masked_ssd(ctx, &cost, &s, &t2, NULL, 2, 2), OB_ERR_ARG);    /* channels differ */
    OB_CHECK_FAILS(ob_masked_ssd(ctx, &cost, &s, &t, &bad_cost, 2, 2), OB_ERR_ARG); /* weights shape */
    ob_tensor_free(&s), ob_tensor_free(&t), ob_tensor_free(&cost), ob_tensor_free(&bad_cost);
    ob_tensor_free(&m), ob_tensor_free(&t2);
    ob_ctx_destroy(ctx);
}

int main(void)
{
    test_constant();
    test_vs_brute_force();
    test_errors_and_tensor();
    return ob_test_finish();
}
