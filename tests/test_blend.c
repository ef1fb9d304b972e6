/* test_blend.c — Laplacian blending (pipelines/ob_blend.h) on the CPU backend:
 * a mask of ones gives a and zeros gives b (to the pyramid round trip's
 * rounding, 1e-6), a per-channel mask picks per channel, a hard left/right
 * step gives a smooth monotone seam whose far sides equal a and b, and bad
 * input is refused with a message naming what is wrong. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_blend.h"
#include "ob_test.h"

static ob_ctx *ctx;

static ob_tensor image(int c, int h, int w, uint64_t seed, float lo, float hi)
{
    ob_tensor t;
    int64_t s[3] = {c, h, w};
    OB_CHECK_OK(ob_tensor_alloc(&t, OB_F32, OB_HOST, 3, s));
    ob_test_fill_uniform(ob_tensor_f32(&t), (size_t)c * h * w, seed, lo, hi);
    return t;
}

static void fill(ob_tensor *t, float v)
{
    for (int64_t i = 0; i < ob_tensor_numel(t); i++) ob_tensor_f32(t)[i] = v;
}

static void test_constant_masks(void)
{
    const int c = 3, h = 45, w = 67, levels = 5;
    ob_tensor a = image(c, h, w, 1, 0, 1), b = image(c, h, w, 2, 0, 1), m = image(1, h, w, 0, 0, 1), out;
    const size_t n = (size_t)c * h * w;
    fill(&m, 1.0f);
    OB_CHECK_OK(ob_laplacian_blend(ctx, &out, &a, &b, &m, levels));
    ob_test_allclose("mask of ones gives a (to 1e-6)", ob_tensor_f32(&out), ob_tensor_f32(&a), n, 1e-6, 0);
    ob_tensor_free(&out);
    fill(&m, 0.0f);
    OB_CHECK_OK(ob_laplacian_blend(ctx, &out, &a, &b, &m, levels));
    ob_test_allclose("mask of zeros gives b (to 1e-6)", ob_tensor_f32(&out), ob_tensor_f32(&b), n, 1e-6, 0);
    ob_tensor_free(&out);

    /* a (C, H, W) mask: channel 0 from a, 1 from b, 2 from a */
    ob_tensor mc = image(c, h, w, 0, 0, 1), want = image(c, h, w, 0, 0, 1);
    const size_t plane = (size_t)h * w;
    for (int k = 0; k < c; k++)
        for (size_t i = 0; i < plane; i++) {
            ob_tensor_f32(&mc)[k * plane + i] = k == 1 ? 0.0f : 1.0f;
            ob_tensor_f32(&want)[k * plane + i] = ob_tensor_f32(k == 1 ? &b : &a)[k * plane + i];
        }
    OB_CHECK_OK(ob_laplacian_blend(ctx, &out, &a, &b, &mc, levels));
    ob_test_allclose("per-channel mask picks per channel", ob_tensor_f32(&out), ob_tensor_f32(&want), n, 1e-6, 0);
    ob_tensor_free(&out);

    /* levels = 1: a plain per-pixel mix */
    ob_tensor_free(&m);
    m = image(1, h, w, 3, 0, 1);
    OB_CHECK_OK(ob_laplacian_blend(ctx, &out, &a, &b, &m, 1));
    for (int k = 0; k < c; k++)
        for (size_t i = 0; i < plane; i++) {
            const double mv = ob_tensor_f32(&m)[i];
            ob_tensor_f32(&want)[k * plane + i] =
                (float)(mv * ob_tensor_f32(&a)[k * plane + i] + (1 - mv) * ob_tensor_f32(&b)[k * plane + i]);
        }
    ob_test_allclose("one level is the per-pixel mix", ob_tensor_f32(&out), ob_tensor_f32(&want), n, 1e-7, 1e-6);
    ob_tensor_free(&out);
    ob_tensor_free(&a), ob_tensor_free(&b), ob_tensor_free(&m), ob_tensor_free(&mc), ob_tensor_free(&want);
}

/* mask 1 on x < w/2, 0 on the rest */
static ob_tensor step_mask(int h, int w)
{
    ob_tensor m = image(1, h, w, 0, 0, 1);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) ob_tensor_f32(&m)[y * w + x] = x < w / 2 ? 1.0f : 0.0f;
    return m;
}

/* Flat a = 0.8, b = 0.2: every row ramps monotonically from 0.8 to 0.2 over the
 * seam, within [0.2, 0.8], no step larger than 0.1, 0.5 +- 0.1 at the seam, and
 * exactly a or b (1e-6) beyond 4 * 2^levels pixels from it. */
static void test_seam_flat(void)
{
    const int h = 40, w = 256, levels = 4, far = 4 << levels;
    ob_tensor a = image(1, h, w, 0, 0, 1), b = image(1, h, w, 0, 0, 1), m = step_mask(h, w), out;
    fill(&a, 0.8f), fill(&b, 0.2f);
    OB_CHECK_OK(ob_laplacian_blend(ctx, &out, &a, &b, &m, levels));
    const float *o = ob_tensor_f32(&out);
    double worst_far = 0, worst_step = 0, lo = 1, hi = 0;
    int monotone = 1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const double v = o[y * w + x];
            lo = fmin(lo, v), hi = fmax(hi, v);
            if (x > 0) {
                const double d = v - o[y * w + x - 1];
                worst_step = fmax(worst_step, fabs(d));
                if (d > 1e-6) monotone = 0;
            }
            if (x < w / 2 - far) worst_far = fmax(worst_far, fabs(v - 0.8));
            if (x >= w / 2 + far) worst_far = fmax(worst_far, fabs(v - 0.2));
        }
    const double mid = 0.5 * (o[(h / 2) * w + w / 2 - 1] + o[(h / 2) * w + w / 2]);
    printf("flat seam, %d levels: range %.7f..%.7f, largest step %.4f, %.4f at the seam, worst far %.3g\n", levels, lo,
           hi, worst_step, mid, worst_far);
    OB_CHECK(monotone && lo >= 0.2 - 1e-6 && hi <= 0.8 + 1e-6,
             "flat seam: rows fall monotonically from a to b within [0.2, 0.8] (range %.7f..%.7f)", lo, hi);
    OB_CHECK(worst_step < 0.1, "flat seam is smooth: largest step between neighbours %.4f (< 0.1; hard mask: 0.6)",
             worst_step);
    OB_CHECK(fabs(mid - 0.5) < 0.1, "flat seam: %.4f at the seam, between a and b", mid);
    OB_CHECK(worst_far <= 1e-6, "flat seam: a and b exactly (1e-6) beyond %d px of the seam: worst %.3g", far,
             worst_far);
    ob_tensor_free(&a), ob_tensor_free(&b), ob_tensor_free(&m), ob_tensor_free(&out);
}

/* Textured a and b (noise): far from the seam the output is a on the left and b
 * on the right (1e-6: the mask pyramid is exactly 1 or 0 there, the binomial
 * taps having finite support); at the seam every value lies within the local
 * range of a and b. */
static void test_seam_textured(void)
{
    const int c = 3, h = 33, w = 200, levels = 3, far = 4 << levels;
    ob_tensor a = image(c, h, w, 5, 0.5f, 1), b = image(c, h, w, 6, 0, 0.5f), m = step_mask(h, w), out;
    OB_CHECK_OK(ob_laplacian_blend(ctx, &out, &a, &b, &m, levels));
    const float *o = ob_tensor_f32(&out), *pa = ob_tensor_f32(&a), *pb = ob_tensor_f32(&b);
    double worst_a = 0, worst_b = 0, seam_lo = 1, seam_hi = 0;
    for (int k = 0; k < c; k++)
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                const size_t i = ((size_t)k * h + y) * w + x;
                if (x < w / 2 - far) worst_a = fmax(worst_a, fabs(o[i] - pa[i]));
                if (x >= w / 2 + far) worst_b = fmax(worst_b, fabs(o[i] - pb[i]));
                if (x == w / 2 - 1 || x == w / 2) seam_lo = fmin(seam_lo, o[i]), seam_hi = fmax(seam_hi, o[i]);
            }
    printf("textured seam, %d levels: worst far from a %.3g, from b %.3g; at the seam %.4f..%.4f\n", levels, worst_a,
           worst_b, seam_lo, seam_hi);
    OB_CHECK(worst_a <= 1e-6 && worst_b <= 1e-6,
             "textured seam: a left and b right beyond %d px (worst %.3g, %.3g; tolerance 1e-6)", far, worst_a, worst_b);
    /* a in [0.5, 1], b in [0, 0.5]: the seam mixes them; the band-pass levels may overshoot a little */
    OB_CHECK(seam_lo > -0.15 && seam_hi < 1.15, "textured seam values stay near [0, 1]: %.3f..%.3f", seam_lo, seam_hi);
    ob_tensor_free(&a), ob_tensor_free(&b), ob_tensor_free(&m), ob_tensor_free(&out);
}

static void expect_fail(const char *what, const ob_tensor *a, const ob_tensor *b, const ob_tensor *m, int levels,
                        const char *needle)
{
    ob_tensor out = {0};
    ob_clear_error();
    ob_status s = ob_laplacian_blend(ctx, &out, a, b, m, levels);
    OB_CHECK(s == OB_ERR_ARG && strstr(ob_last_error(), needle) && out.data == NULL,
             "%s: refused naming '%s' (%s)", what, needle, ob_last_error());
}

static void test_bad_input(void)
{
    ob_tensor a = image(3, 40, 60, 1, 0, 1), b = image(3, 40, 61, 2, 0, 1), b1 = image(1, 40, 60, 2, 0, 1);
    ob_tensor m = image(1, 40, 60, 3, 0, 1), m_small = image(1, 39, 60, 3, 0, 1), m2 = image(2, 40, 60, 3, 0, 1);
    expect_fail("images of different sizes", &a, &b, &m, 3, "60x40");
    expect_fail("images of different sizes (second named)", &a, &b, &m, 3, "61x40");
    expect_fail("images with different channels", &a, &b1, &m, 3, "differ");
    expect_fail("mask of another size", &a, &a, &m_small, 3, "60x39");
    expect_fail("mask with 2 channels for 3", &a, &a, &m2, 3, "2 channels");
    expect_fail("levels 0", &a, &a, &m, 0, "1..5");
    expect_fail("levels too many", &a, &a, &m, 6, "1..5");
    ob_tensor_f32(&m)[61] = 1.5f;
    expect_fail("mask value above 1", &a, &a, &m, 3, "outside [0, 1]");
    ob_tensor_f32(&m)[61] = NAN;
    expect_fail("mask value NaN", &a, &a, &m, 3, "(x 1, y 1)");
    ob_tensor_free(&a), ob_tensor_free(&b), ob_tensor_free(&b1), ob_tensor_free(&m), ob_tensor_free(&m_small);
    ob_tensor_free(&m2);
}

int main(void)
{
    if (ob_ctx_create(&ctx, OB_BACKEND_CPU, 0) != OB_OK) return 1;
    test_constant_masks();
    test_seam_flat();
    test_seam_textured();
    test_bad_input();
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
