/* test_transfer_cost.c — the CPU correspondence cost against brute force in
 * double (random odd sizes, target windows inside and hanging over the
 * target's edge, p = 1 and p = the sample's side), zero cost where the sample
 * holds the target patch itself, the luma weights, the luminance entry
 * (= blur(luma)), and the checks. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_test.h"
#include "pyramid.h"
#include "transfer_cost.h"

static void brute(double *cost, const float *s, const float *t, int h, int w, int ht, int wt, int ty, int tx, int p)
{
    const int ny = h - p + 1, nx = w - p + 1;
    for (int y = 0; y < ny; y++)
        for (int x = 0; x < nx; x++) {
            double acc = 0;
            for (int i = 0; i < p; i++)
                for (int j = 0; j < p; j++) {
                    if (ty + i >= ht || tx + j >= wt) continue; /* past the target's edge */
                    double d = (double)s[(y + i) * w + x + j] - (double)t[(ty + i) * wt + tx + j];
                    acc += d * d;
                }
            cost[y * nx + x] = acc;
        }
}

static void check(int h, int w, int ht, int wt, int ty, int tx, int p, uint64_t seed)
{
    const int ny = h - p + 1, nx = w - p + 1;
    float *s = malloc(sizeof(float) * h * w), *t = malloc(sizeof(float) * ht * wt);
    float *got = malloc(sizeof(float) * ny * nx), *ref = malloc(sizeof(float) * ny * nx);
    double *d = malloc(sizeof(double) * ny * nx);
    ob_test_fill_uniform(s, (size_t)h * w, seed, 0, 1);
    ob_test_fill_uniform(t, (size_t)ht * wt, seed + 1, 0, 1);
    ob_test_fill_nan(got, (size_t)ny * nx);
    brute(d, s, t, h, w, ht, wt, ty, tx, p);
    for (int i = 0; i < ny * nx; i++) ref[i] = (float)d[i];
    OB_CHECK_OK(ob_transfer_cost_cpu(got, s, t, h, w, ht, wt, ty, tx, p));
    char label[128];
    snprintf(label, sizeof label, "cost %dx%d vs target %dx%d at (%d, %d), p %d = brute force", w, h, wt, ht, ty, tx, p);
    /* double sums of <= p^2 terms in another order: float rounding of the result */
    ob_test_allclose(label, got, ref, (size_t)ny * nx, 1e-9, 1e-6);
    free(s), free(t), free(got), free(ref), free(d);
}

static void test_brute_force(void)
{
    check(37, 53, 41, 29, 5, 7, 9, 1);   /* window inside the target */
    check(37, 53, 41, 29, 36, 24, 9, 2); /* hangs over the bottom-right corner */
    check(21, 19, 15, 15, 0, 10, 7, 3);  /* over the right edge only */
    check(9, 13, 9, 13, 0, 0, 1, 4);     /* p = 1 */
    check(11, 17, 23, 31, 3, 2, 11, 5);  /* p = the sample's height: one candidate row */
    check(5, 5, 5, 5, 4, 4, 5, 6);       /* a single candidate, a single target cell */
    uint64_t rng = 77;
    for (int r = 0; r < 6; r++) {
        const int h = ob_test_rand_int(&rng, 5, 60) | 1, w = ob_test_rand_int(&rng, 5, 60) | 1;
        const int p = ob_test_rand_int(&rng, 1, (h < w ? h : w) / 2 + 1) | 1;
        const int ht = ob_test_rand_int(&rng, 3, 50) | 1, wt = ob_test_rand_int(&rng, 3, 50) | 1;
        check(h, w, ht, wt, ob_test_rand_int(&rng, 0, ht - 1), ob_test_rand_int(&rng, 0, wt - 1), p, 100 + r);
    }
}

/* Where the sample contains the target patch, the cost is exactly 0 there and > 0 elsewhere (random data). */
static void test_exact_match(void)
{
    const int h = 31, w = 45, p = 7, ty = 3, tx = 11, sy = 17, sx = 30;
    float *s = malloc(sizeof(float) * h * w), *t = malloc(sizeof(float) * 20 * 25);
    float *cost = malloc(sizeof(float) * (h - p + 1) * (w - p + 1));
    ob_test_fill_uniform(s, (size_t)h * w, 8, 0, 1);
    ob_test_fill_uniform(t, 20 * 25, 9, 0, 1);
    for (int i = 0; i < p; i++)
        for (int j = 0; j < p; j++) s[(sy + i) * w + sx + j] = t[(ty + i) * 25 + tx + j];
    OB_CHECK_OK(ob_transfer_cost_cpu(cost, s, t, h, w, 20, 25, ty, tx, p));
    const int nx = w - p + 1;
    int zeros = 0, at = -1;
    for (int i = 0; i < (h - p + 1) * nx; i++)
        if (cost[i] == 0) zeros++, at = i;
    OB_CHECK(zeros == 1 && at == sy * nx + sx, "the copied patch is the one zero-cost candidate (%d zeros, at %d)", zeros,
             at);
    free(s), free(t), free(cost);
}

static void test_luminance(void)
{
    const int h = 13, w = 19, n = h * w;
    float img[4 * 13 * 19], lum[13 * 19], ref[13 * 19];
    ob_test_fill_uniform(img, 4 * n, 5, 0, 1);
    for (int c = 1; c <= 4; c++) {
        OB_CHECK_OK(ob_transfer_luma_cpu(lum, img, c, h, w));
        for (int i = 0; i < n; i++)
            ref[i] = c < 3 ? img[i] : (float)(0.299 * img[i] + 0.587 * img[n + i] + 0.114 * img[2 * n + i]);
        char label[64];
        snprintf(label, sizeof label, "luma of %d channels (Rec. 601 on RGB)", c);
        ob_test_allclose(label, lum, ref, n, 1e-7, 1e-6);
    }
    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    ob_tensor im, l;
    int64_t si[3] = {3, h, w}, sl[3] = {1, h, w};
    OB_CHECK_OK(ob_tensor_wrap(&im, img, OB_F32, OB_HOST, 3, si));
    OB_CHECK_OK(ob_tensor_alloc(&l, OB_F32, OB_HOST, 3, sl));
    OB_CHECK_OK(ob_transfer_luminance(ctx, &l, &im));
    OB_CHECK_OK(ob_transfer_luma_cpu(lum, img, 3, h, w));
    OB_CHECK_OK(ob_pyr_blur_cpu(ref, lum, 1, h, w));
    ob_test_allclose("luminance = blur(luma) (sigma 1 binomial)", ob_tensor_f32(&l), ref, n, 0, 0);

    /* the cost tensor entry, and its checks */
    ob_tensor cost, cost_bad;
    int64_t sc[2] = {h - 5 + 1, w - 5 + 1}, scb[2] = {h - 5, w - 5 + 1};
    OB_CHECK_OK(ob_tensor_alloc(&cost, OB_F32, OB_HOST, 2, sc));
    OB_CHECK_OK(ob_tensor_alloc(&cost_bad, OB_F32, OB_HOST, 2, scb));
    float *want = malloc(sizeof(float) * sc[0] * sc[1]);
    OB_CHECK_OK(ob_transfer_cost(ctx, &cost, &l, &l, 2, 3, 5));
    OB_CHECK_OK(ob_transfer_cost_cpu(want, ob_tensor_f32(&l), ob_tensor_f32(&l), h, w, h, w, 2, 3, 5));
    ob_test_allclose("ob_transfer_cost tensor entry", ob_tensor_f32(&cost), want, (size_t)sc[0] * sc[1], 0, 0);
    OB_CHECK_FAILS(ob_transfer_cost(ctx, &cost_bad, &l, &l, 2, 3, 5), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_transfer_cost(ctx, &cost, &im, &l, 2, 3, 5), OB_ERR_ARG); /* 3 channels: not a luminance map */
    OB_CHECK_FAILS(ob_transfer_luminance(ctx, &cost, &im), OB_ERR_ARG);
    free(want);
    ob_tensor_free(&im), ob_tensor_free(&l), ob_tensor_free(&cost), ob_tensor_free(&cost_bad);
    ob_ctx_destroy(ctx);
}

static void test_errors(void)
{
    float buf[64] = {0};
    OB_CHECK_FAILS(ob_transfer_cost_cpu(buf, buf, buf, 4, 4, 4, 4, 0, 0, 5), OB_ERR_ARG); /* p > sample */
    OB_CHECK(strstr(ob_last_error(), "patch 5") != NULL, "names the patch: %s", ob_last_error());
    OB_CHECK_FAILS(ob_transfer_cost_cpu(buf, buf, buf, 4, 4, 4, 4, 0, 0, 0), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_transfer_cost_cpu(buf, buf, buf, 4, 4, 4, 4, 4, 0, 2), OB_ERR_ARG); /* ty outside */
    OB_CHECK_FAILS(ob_transfer_cost_cpu(buf, buf, buf, 4, 4, 4, 4, 0, -1, 2), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_transfer_cost_cpu(NULL, buf, buf, 4, 4, 4, 4, 0, 0, 2), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_transfer_luma_cpu(buf, buf, 5, 2, 2), OB_ERR_ARG);
}

int main(void)
{
    test_brute_force();
    test_exact_match();
    test_luminance();
    test_errors();
    return ob_test_finish();
}
