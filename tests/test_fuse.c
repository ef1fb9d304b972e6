/* test_fuse.c — exposure fusion: the weights (kernels/fuse_weights.h) against
 * a direct per-pixel evaluation of the formula in double precision with libm;
 * ob_fuse_exp / ob_fuse_sqrt against libm; normalisation; the pyramid
 * accumulate op; ob_fuse (pipelines/ob_fuse.h) on cases with known answers —
 * identical exposures give the image back and uniform weights 1/n, two
 * constant exposures give their weighted mean, 8/16-bit and float inputs agree,
 * the CPU schedules agree — and bad input. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_weights.h"
#include "ob_fuse.h"
#include "ob_test.h"
#include "ob_threads.h"
#include "pyramid.h"

static int reflect(int i, int n) { return n == 1 ? 0 : i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i; }

/* The formula of fuse_weights.h, pixel by pixel, in double with libm. */
static double weight_ref(const float *img, int c, int h, int w, int y, int x, ob_fuse_exponents e)
{
    const size_t plane = (size_t)h * w;
    double grey[5];
    const int ys[5] = {y, reflect(y - 1, h), reflect(y + 1, h), y, y};
    const int xs[5] = {x, x, x, reflect(x - 1, w), reflect(x + 1, w)};
    for (int k = 0; k < 5; k++) {
        const size_t at = (size_t)ys[k] * w + xs[k];
        grey[k] = c == 1 ? img[at] : 0.299 * img[at] + 0.587 * img[at + plane] + 0.114 * img[at + 2 * plane];
    }
    const double contrast = fabs(grey[1] + grey[2] + grey[3] + grey[4] - 4 * grey[0]);
    const size_t at = (size_t)y * w + x;
    double mean = 0, var = 0, expo = 1;
    for (int k = 0; k < c; k++) mean += img[at + k * plane] / (double)c;
    for (int k = 0; k < c; k++) {
        const double v = img[at + k * plane];
        var += (v - mean) * (v - mean) / c;
        expo *= exp(-(v - 0.5) * (v - 0.5) / (2 * 0.2 * 0.2));
    }
    double wt = pow(contrast, e.contrast) * pow(expo, e.exposedness);
    if (c == 3) wt *= pow(sqrt(var), e.saturation);
    return wt + 1e-12;
}

static void check_weights(int c, int h, int w, ob_fuse_exponents e, uint64_t seed)
{
    const size_t plane = (size_t)h * w;
    float *img = malloc((size_t)c * plane * sizeof *img), *got = malloc(plane * sizeof *got);
    float *ref = malloc(plane * sizeof *ref);
    ob_test_fill_uniform(img, (size_t)c * plane, seed, 0, 1);
    ob_test_fill_nan(got, plane);
    OB_CHECK_OK(ob_fuse_weights_cpu(got, img, c, h, w, &e));
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) ref[(size_t)y * w + x] = (float)weight_ref(img, c, h, w, y, x, e);
    char label[128];
    snprintf(label, sizeof label, "weights = formula, C%d %dx%d exps (%g, %g, %g)", c, h, w, (double)e.contrast,
             (double)e.saturation, (double)e.exposedness);
    /* float arithmetic vs double: the Laplacian of values in [0, 1] loses up to
     * ~1e-7 absolute, which a near-zero contrast turns into a relative error */
    ob_test_allclose(label, got, ref, plane, 5e-7, 1e-4);
    free(img), free(got), free(ref);
}

static void test_weights(void)
{
    const ob_fuse_exponents one = OB_FUSE_EXPONENTS_DEFAULT, odd = {0.5f, 2.0f, 1.5f}, zero = {0, 0, 0};
    check_weights(3, 37, 53, one, 1);
    check_weights(1, 37, 53, one, 2);
    check_weights(3, 23, 19, odd, 3);
    check_weights(1, 23, 19, odd, 4);
    check_weights(3, 1, 17, one, 5);
    check_weights(3, 13, 1, one, 6);
    check_weights(1, 1, 1, one, 7);
    check_weights(3, 2, 3, one, 8);
    /* all exponents 0: every weight is 1 + 1e-12 */
    float img[3 * 4 * 5], w[4 * 5], ones[4 * 5];
    ob_test_fill_uniform(img, 60, 9, 0, 1);
    OB_CHECK_OK(ob_fuse_weights_cpu(w, img, 3, 4, 5, &zero));
    for (int i = 0; i < 20; i++) ones[i] = 1.0f;
    ob_test_allclose("weights with exponents 0, 0, 0 = 1", w, ones, 20, 0, 0);
}

/* ob_fuse_exp and ob_fuse_sqrt against libm over their ranges. */
static void test_math(void)
{
    double worst_exp = 0, worst_sqrt = 0;
    for (int i = 0; i <= 200000; i++) {
        const float x = -87.0f * (float)i / 200000.0f;
        const double e = exp((double)x), got = ob_fuse_exp(x);
        worst_exp = fmax(worst_exp, fabs(got - e) / e);
        const float s = (float)i / 200000.0f * 0.25f + 1e-30f;
        const double r = sqrt((double)s), gs = ob_fuse_sqrt(s);
        worst_sqrt = fmax(worst_sqrt, fabs(gs - r) / r);
    }
    OB_CHECK(worst_exp < 1.3e-7, "ob_fuse_exp within 1 ulp of exp on [-87, 0]: worst rel %.3g", worst_exp);
    OB_CHECK(worst_sqrt < 1.3e-7, "ob_fuse_sqrt within 1 ulp of sqrt on (0, 0.25]: worst rel %.3g", worst_sqrt);
    OB_CHECK(ob_fuse_sqrt(0.0f) == 0.0f && ob_fuse_exp(0.0f) == 1.0f && ob_fuse_exp(-1000.0f) > 0.0f,
             "sqrt(0) = 0, exp(0) = 1, exp(-1000) > 0");
}

static void test_normalize(void)
{
    enum { N = 3, P = 1001 };
    float w[N * P], ref[N * P];
    ob_test_fill_uniform(w, N * P, 11, 1e-12f, 3);
    for (int i = 0; i < P; i++) {
        const double s = (double)w[i] + w[P + i] + w[2 * P + i];
        for (int j = 0; j < N; j++) ref[j * P + i] = (float)(w[j * P + i] / s);
    }
    OB_CHECK_OK(ob_fuse_normalize_cpu(w, N, P));
    ob_test_allclose("normalised weights = w / sum", w, ref, N * P, 0, 3e-7);
}

/* acc += m * a, level by level, m one plane or C. */
static void test_accumulate(void)
{
    const int c = 3, h = 21, w = 34, levels = ob_pyr_deep_levels(21, 34);
    ob_pyr_shape s, sm;
    OB_CHECK_OK(ob_pyr_shape_init(&s, c, h, w, levels));
    OB_CHECK_OK(ob_pyr_shape_init(&sm, 1, h, w, levels));
    float *acc = malloc(s.numel * 4), *a = malloc(s.numel * 4), *m = malloc(s.numel * 4), *ref = malloc(s.numel * 4);
    ob_test_fill_uniform(acc, s.numel, 21, -1, 1);
    ob_test_fill_uniform(a, s.numel, 22, -1, 1);
    ob_test_fill_uniform(m, s.numel, 23, 0, 1);
    for (int mp = 1; mp <= c; mp += c - 1) {
        const ob_pyr_shape *ms = mp == 1 ? &sm : &s;
        for (int k = 0; k < levels; k++) {
            const size_t n = (size_t)s.h[k] * s.w[k];
            for (int p = 0; p < c; p++)
                for (size_t i = 0; i < n; i++) {
                    const size_t at = s.offset[k] + p * n + i, mt = ms->offset[k] + (mp == 1 ? 0 : p * n) + i;
                    ref[at] = (float)((double)acc[at] + (double)m[mt] * a[at]);
                }
        }
        OB_CHECK_OK(ob_pyr_accumulate_cpu(acc, a, m, c, mp, h, w, levels));
        ob_test_allclose(mp == 1 ? "accumulate, 1-plane weight" : "accumulate, C-plane weight", acc, ref, s.numel,
                         1e-7, 1e-7);
    }
    free(acc), free(a), free(m), free(ref);
}

static ob_tensor image(int c, int h, int w, uint64_t seed, float lo, float hi)
{
    ob_tensor t;
    const int64_t shape[3] = {c, h, w};
    OB_CHECK_OK(ob_tensor_alloc(&t, OB_F32, OB_HOST, 3, shape));
    ob_test_fill_uniform(ob_tensor_f32(&t), (size_t)c * h * w, seed, lo, hi);
    return t;
}

static void fill(ob_tensor *t, float v)
{
    for (int64_t i = 0; i < ob_tensor_numel(t); i++) ob_tensor_f32(t)[i] = v;
}

/* Identical exposures: uniform weights 1/n, and the fusion is the image. */
static void test_identical(ob_ctx *ctx)
{
    const int c = 3, h = 45, w = 61, n = 3;
    ob_tensor a = image(c, h, w, 31, 0, 1), out;
    const ob_tensor *stack[3] = {&a, &a, &a};
    OB_CHECK_OK(ob_fuse(ctx, &out, stack, n, NULL));
    ob_test_allclose("fuse of 3 identical exposures = the image", ob_tensor_f32(&out), ob_tensor_f32(&a),
                     (size_t)c * h * w, 2e-6, 0);
    float *wts = malloc((size_t)n * h * w * sizeof *wts), *third = malloc((size_t)n * h * w * sizeof *third);
    const ob_fuse_exponents e = OB_FUSE_EXPONENTS_DEFAULT;
    for (int j = 0; j < n; j++) OB_CHECK_OK(ob_fuse_weights_cpu(wts + (size_t)j * h * w, ob_tensor_f32(&a), c, h, w, &e));
    OB_CHECK_OK(ob_fuse_normalize_cpu(wts, n, (size_t)h * w));
    for (size_t i = 0; i < (size_t)n * h * w; i++) third[i] = 1.0f / 3.0f;
    ob_test_allclose("identical exposures: normalised weights all 1/3", wts, third, (size_t)n * h * w, 0, 1e-6);
    free(wts), free(third);
    ob_tensor_free(&a), ob_tensor_free(&out);
}

/* Two flat exposures, 0.5 and 0.9 grey-ish RGB, only well-exposedness (0, 0, 1):
 * W = exp(-sum (v - 0.5)^2 / 0.08) + 1e-12, constant, and every pyramid of a
 * constant is that constant: out = (W_a * 0.5 + W_b * 0.9) / (W_a + W_b). */
static void test_two_flat(ob_ctx *ctx)
{
    const int c = 3, h = 32, w = 48;
    ob_tensor a = image(c, h, w, 0, 0, 1), b = image(c, h, w, 0, 0, 1), out;
    fill(&a, 0.5f), fill(&b, 0.9f);
    const ob_tensor *stack[2] = {&a, &b};
    ob_fuse_opts o = {0, 0, 1, 0};
    OB_CHECK_OK(ob_fuse(ctx, &out, stack, 2, &o));
    const double wa = 1 + 1e-12, wb = exp(-3 * 0.4 * 0.4 / 0.08) + 1e-12, v = (wa * 0.5 + wb * 0.9) / (wa + wb);
    float *ref = malloc((size_t)c * h * w * sizeof *ref);
    for (int i = 0; i < c * h * w; i++) ref[i] = (float)v;
    ob_test_allclose("two flat exposures: their well-exposedness-weighted mean", ob_tensor_f32(&out), ref,
                     (size_t)c * h * w, 1e-6, 0);
    /* swapping the order changes nothing */
    const ob_tensor *swapped[2] = {&b, &a};
    ob_tensor out2;
    OB_CHECK_OK(ob_fuse(ctx, &out2, swapped, 2, &o));
    ob_test_allclose("two flat exposures, swapped", ob_tensor_f32(&out2), ref, (size_t)c * h * w, 1e-6, 0);
    free(ref);
    ob_tensor_free(&a), ob_tensor_free(&b), ob_tensor_free(&out), ob_tensor_free(&out2);
}

/* A dark and a bright half-exposed pair: the result stays in [0, 1] and the
 * 8-bit, 16-bit and float forms of the same stack give the same result. */
static void test_dtypes(ob_ctx *ctx)
{
    const int c = 3, h = 29, w = 40, n = 2;
    const int64_t shape[3] = {c, h, w};
    ob_tensor f[2], u8[2], u16[2], out_f, out_8, out_16;
    for (int j = 0; j < n; j++) {
        OB_CHECK_OK(ob_tensor_alloc(&f[j], OB_F32, OB_HOST, 3, shape));
        OB_CHECK_OK(ob_tensor_alloc(&u8[j], OB_U8, OB_HOST, 3, shape));
        OB_CHECK_OK(ob_tensor_alloc(&u16[j], OB_U16, OB_HOST, 3, shape));
        uint64_t st = 100 + j;
        for (int i = 0; i < c * h * w; i++) {
            const int k = (int)(ob_test_rand_uniform(&st) * 256) & 255, v = j ? (k + 255) / 2 : k / 2;
            ((uint8_t *)u8[j].data)[i] = (uint8_t)v;
            ((uint16_t *)u16[j].data)[i] = (uint16_t)(v * 257);
            ob_tensor_f32(&f[j])[i] = (float)v / 255.0f;
        }
    }
    const ob_tensor *sf[2] = {&f[0], &f[1]}, *s8[2] = {&u8[0], &u8[1]}, *s16[2] = {&u16[0], &u16[1]};
    const ob_tensor *mixed[2] = {&u8[0], &f[1]};
    OB_CHECK_OK(ob_fuse(ctx, &out_f, sf, n, NULL));
    OB_CHECK_OK(ob_fuse(ctx, &out_8, s8, n, NULL));
    OB_CHECK_OK(ob_fuse(ctx, &out_16, s16, n, NULL));
    const size_t total = (size_t)c * h * w;
    ob_test_allclose("fuse: u8 stack = its f32 form", ob_tensor_f32(&out_8), ob_tensor_f32(&out_f), total, 1e-6, 0);
    ob_test_allclose("fuse: u16 stack = its f32 form", ob_tensor_f32(&out_16), ob_tensor_f32(&out_f), total, 1e-6, 0);
    ob_tensor out_m;
    OB_CHECK_OK(ob_fuse(ctx, &out_m, mixed, n, NULL));
    ob_test_allclose("fuse: mixed u8 + f32 stack", ob_tensor_f32(&out_m), ob_tensor_f32(&out_f), total, 1e-6, 0);
    float lo = 1, hi = 0;
    for (size_t i = 0; i < total; i++) lo = fminf(lo, ob_tensor_f32(&out_f)[i]), hi = fmaxf(hi, ob_tensor_f32(&out_f)[i]);
    OB_CHECK(lo >= 0 && hi <= 1, "fused values clipped to [0, 1]: %g..%g", (double)lo, (double)hi);
    /* grey stacks too: C = 1 */
    ob_tensor g0 = image(1, h, w, 41, 0, 0.5f), g1 = image(1, h, w, 42, 0.5f, 1), og;
    const ob_tensor *sg[2] = {&g0, &g1};
    OB_CHECK_OK(ob_fuse(ctx, &og, sg, 2, NULL));
    OB_CHECK(og.shape[0] == 1 && og.shape[1] == h && og.shape[2] == w, "grey fusion keeps (1, H, W)");
    for (int j = 0; j < n; j++) ob_tensor_free(&f[j]), ob_tensor_free(&u8[j]), ob_tensor_free(&u16[j]);
    ob_tensor_free(&out_f), ob_tensor_free(&out_8), ob_tensor_free(&out_16), ob_tensor_free(&out_m);
    ob_tensor_free(&g0), ob_tensor_free(&g1), ob_tensor_free(&og);
}

/* The schedules (ob_fuse.h): one lane in order with the ops parallel (n < T or
 * T = 1) and T lanes at once (n >= T) give the same image to float rounding. */
static void test_schedules(ob_ctx *ctx)
{
    const int c = 3, h = 37, w = 50, n = 5;
    ob_tensor img[5], out[3];
    const ob_tensor *stack[5];
    for (int j = 0; j < n; j++) img[j] = image(c, h, w, 60 + j, 0.1f * j, 0.5f + 0.1f * j), stack[j] = &img[j];
    const int before = ob_threads(), threads[3] = {1, 2, 8}; /* 1 lane; 2 lanes; 1 lane, ops on 8 threads */
    for (int k = 0; k < 3; k++) {
        ob_threads_set(threads[k]);
        OB_CHECK_OK(ob_fuse(ctx, &out[k], stack, n, NULL));
    }
    ob_threads_set(before);
    const size_t total = (size_t)c * h * w;
    ob_test_allclose("fuse: 2 lanes = 1 lane", ob_tensor_f32(&out[1]), ob_tensor_f32(&out[0]), total, 1e-6, 0);
    ob_test_allclose("fuse: ops on 8 threads = 1 thread", ob_tensor_f32(&out[2]), ob_tensor_f32(&out[0]), total, 0, 0);
    for (int j = 0; j < n; j++) ob_tensor_free(&img[j]);
    for (int k = 0; k < 3; k++) ob_tensor_free(&out[k]);
}

static void test_errors(ob_ctx *ctx)
{
    ob_tensor a = image(3, 16, 20, 1, 0, 1), b = image(3, 16, 21, 2, 0, 1), g = image(1, 16, 20, 3, 0, 1);
    ob_tensor four = image(4, 16, 20, 4, 0, 1), out = {0};
    const ob_tensor *one[1] = {&a}, *sizes[2] = {&a, &b}, *chans[2] = {&a, &g}, *alpha[2] = {&four, &four};
    const ob_tensor *ok[2] = {&a, &a}, *hole[2] = {&a, NULL};
    OB_CHECK_FAILS(ob_fuse(ctx, &out, one, 1, NULL), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "at least 2 exposures") != NULL, "one image: %s", ob_last_error());
    OB_CHECK_FAILS(ob_fuse(ctx, &out, sizes, 2, NULL), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "21x16") && strstr(ob_last_error(), "20x16"), "sizes named: %s", ob_last_error());
    OB_CHECK_FAILS(ob_fuse(ctx, &out, chans, 2, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_fuse(ctx, &out, alpha, 2, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_fuse(ctx, &out, hole, 2, NULL), OB_ERR_ARG);
    const ob_fuse_opts neg = {1, -0.5f, 1, 0}, nan = {NAN, 1, 1, 0}, inf = {1, 1, INFINITY, 0};
    const ob_fuse_opts deep = {1, 1, 1, 6}, most = {1, 1, 1, 5}; /* 16 x 20: floor(log2 16) + 1 = 5 */
    OB_CHECK_FAILS(ob_fuse(ctx, &out, ok, 2, &neg), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "saturation") != NULL, "the bad exponent named: %s", ob_last_error());
    OB_CHECK_FAILS(ob_fuse(ctx, &out, ok, 2, &nan), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_fuse(ctx, &out, ok, 2, &inf), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_fuse(ctx, &out, ok, 2, &deep), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "1..5") != NULL, "levels range named: %s", ob_last_error());
    OB_CHECK(out.data == NULL, "nothing allocated on failure");
    OB_CHECK_OK(ob_fuse(ctx, &out, ok, 2, &most));
    ob_tensor_free(&out);
    OB_CHECK(ob_fuse_default_levels(256, 512) == 9 && ob_fuse_default_levels(16, 20) == 5,
             "default levels: floor(log2(min side)) + 1, as OpenCV");
    float buf[64];
    const ob_fuse_exponents e = OB_FUSE_EXPONENTS_DEFAULT;
    OB_CHECK_FAILS(ob_fuse_weights_cpu(buf, buf, 2, 4, 4, &e), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_fuse_weights_cpu(buf, buf, 3, 0, 4, &e), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_fuse_normalize_cpu(buf, 0, 4), OB_ERR_ARG);
    ob_tensor_free(&a), ob_tensor_free(&b), ob_tensor_free(&g), ob_tensor_free(&four);
}

int main(void)
{
    test_weights();
    test_math();
    test_normalize();
    test_accumulate();
    ob_ctx *ctx = NULL;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    if (ctx) {
        test_identical(ctx);
        test_two_flat(ctx);
        test_dtypes(ctx);
        test_schedules(ctx);
        test_errors(ctx);
    }
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
