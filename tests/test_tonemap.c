/* test_tonemap.c — tone mapping against independent truths: the nine Durand
 * steps evaluated directly in double (with a brute-force bilateral written
 * here), hand values for the per-pixel rules and the global operators, the
 * base layer's span, finiteness on hostile inputs, the option checks, and the
 * host-image bilateral filter. Everything on the cpu backend. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bilateral_exact.h"
#include "bilateral_grid.h"
#include "minmax.h"
#include "ob_test.h"
#include "ob_tonemap.h"
#include "tonemap.h"

static ob_ctx *ctx;

/* A host (c, h, w) tensor holding x (copied). */
static ob_tensor image(const float *x, int c, int h, int w)
{
    ob_tensor t;
    int64_t shape[3] = {c, h, w};
    if (ob_tensor_alloc(&t, OB_F32, OB_HOST, 3, shape) != OB_OK) abort();
    memcpy(t.data, x, sizeof(float) * (size_t)c * h * w);
    return t;
}

/* Radiance with a wide range: log-uniform over 2^lo .. 2^hi per channel, plus a
 * bright rectangle (an edge the bilateral filter must keep). */
static float *radiance(int h, int w, uint64_t seed, double lo, double hi)
{
    const size_t n = (size_t)h * w;
    float *x = malloc(3 * n * sizeof *x);
    uint64_t s = seed;
    for (int c = 0; c < 3; c++)
        for (int y = 0; y < h; y++)
            for (int k = 0; k < w; k++) {
                double e = lo + (hi - lo) * ob_test_rand_uniform(&s) * 0.3;
                if (y >= h / 3 && y < 2 * h / 3 && k >= w / 4 && k < 3 * w / 4) e += 0.7 * (hi - lo);
                x[c * n + (size_t)y * w + k] = (float)exp2(e);
            }
    return x;
}

/* ---- the nine steps of Durand & Dorsey, directly, in double ---------------- */

typedef struct {
    double *l, *b, *d, *bs; /* (n) each */
    double bmin, bmax;
} durand_layers;

/* Exact bilateral of l guided by itself over the disc |p - q| <= ceil(3 ss). */
static void bilateral_ref(double *out, const double *l, int h, int w, double ss, double sr)
{
    const int r = (int)ceil(3 * ss);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double num = 0, den = 0, lp = l[y * w + x];
            for (int dy = -r; dy <= r; dy++)
                for (int dx = -r; dx <= r; dx++) {
                    const int qy = y + dy, qx = x + dx;
                    if (qy < 0 || qy >= h || qx < 0 || qx >= w || dx * dx + dy * dy > r * r) continue;
                    const double lq = l[qy * w + qx], dl = lp - lq;
                    const double wt = exp(-(dx * dx + dy * dy) / (2 * ss * ss)) * exp(-dl * dl / (2 * sr * sr));
                    num += wt * lq, den += wt;
                }
            out[y * w + x] = num / den;
        }
}

static void durand_ref(float *out, durand_layers *ly, const float *rgb, int h, int w, double ss, double sr,
                       double stops, double gamma)
{
    const size_t n = (size_t)h * w;
    double *in = malloc(n * sizeof *in), *chroma = malloc(3 * n * sizeof *chroma), floor_ = INFINITY;
    for (size_t p = 0; p < n; p++) { /* 1: intensity; 2: chroma */
        in[p] = (20.0 * rgb[p] + 40.0 * rgb[n + p] + rgb[2 * n + p]) / 61.0;
        for (int c = 0; c < 3; c++) chroma[c * n + p] = in[p] > 0 ? rgb[c * n + p] / in[p] : 1;
        if (in[p] > 0 && in[p] < floor_) floor_ = in[p];
    }
    for (size_t p = 0; p < n; p++) ly->l[p] = log2(fmax(in[p], floor_)); /* 3 */
    bilateral_ref(ly->b, ly->l, h, w, ss, sr);                          /* 4 */
    ly->bmin = INFINITY, ly->bmax = -INFINITY;
    for (size_t p = 0; p < n; p++) {
        ly->d[p] = ly->l[p] - ly->b[p]; /* 5 */
        ly->bmin = fmin(ly->bmin, ly->b[p]), ly->bmax = fmax(ly->bmax, ly->b[p]);
    }
    const double s = stops / (ly->bmax - ly->bmin);
    for (size_t p = 0; p < n; p++) {
        ly->bs[p] = (ly->b[p] - ly->bmax) * s;  /* 6 */
        const double io = exp2(ly->bs[p] + ly->d[p]); /* 7 */
        for (int c = 0; c < 3; c++) {
            const double v = chroma[c * n + p] * io; /* 8 */
            out[c * n + p] = (float)fmin(1.0, pow(fmax(v, 0.0), gamma)); /* 9 */
        }
    }
    free(in), free(chroma);
}

static void to_float(float *dst, const double *src, size_t n)
{
    for (size_t i = 0; i < n; i++) dst[i] = (float)src[i];
}

static void test_durand_nine_steps(void)
{
    const int h = 13, w = 17;
    const size_t n = (size_t)h * w;
    float *x = radiance(h, w, 11, -6, 10), *ref = malloc(3 * n * sizeof *ref), *tmp = malloc(n * sizeof *tmp);
    durand_layers ly = {malloc(n * sizeof(double)), malloc(n * sizeof(double)), malloc(n * sizeof(double)),
                        malloc(n * sizeof(double)), 0, 0};
    ob_tonemap_opts o;
    ob_tonemap_opts_init(&o, OB_TONEMAP_DURAND);
    o.bilateral = OB_BILATERAL_EXACT, o.sigma_s = 2.f, o.stops = 4.f;
    durand_ref(ref, &ly, x, h, w, o.sigma_s, o.sigma_r, o.stops, o.gamma);

    ob_tensor in = image(x, 3, h, w), out = {0};
    ob_tonemap_report r = {.want_layers = 1};
    OB_CHECK_OK(ob_image_tonemap(ctx, &out, &in, &o, &r));
    if (out.data) {
        /* float32 log2 / bilateral / exp2 against double: measured errors ~1e-6 */
        ob_test_allclose("durand (exact bilateral) vs the nine steps in double", ob_tensor_f32(&out), ref, 3 * n,
                         5e-6, 1e-5);
        to_float(tmp, ly.l, n);
        ob_test_allclose("durand step 3: log2 intensity", ob_tensor_f32(&r.log_intensity), tmp, n, 1e-5, 1e-6);
        to_float(tmp, ly.b, n);
        ob_test_allclose("durand step 4: base (exact bilateral)", ob_tensor_f32(&r.base), tmp, n, 2e-5, 1e-6);
        to_float(tmp, ly.d, n);
        ob_test_allclose("durand step 5: detail", ob_tensor_f32(&r.detail), tmp, n, 2e-5, 0);
        to_float(tmp, ly.bs, n);
        ob_test_allclose("durand step 6: scaled base", ob_tensor_f32(&r.base_scaled), tmp, n, 1e-5, 1e-6);
        OB_CHECK(fabs(r.base_max - ly.bmax) < 1e-4 && fabs(r.base_min - ly.bmin) < 1e-4,
                 "base range [%g, %g], reference [%g, %g]", r.base_min, r.base_max, ly.bmin, ly.bmax);
        OB_CHECK(r.sigma_s == 2.0, "sigma_s used %g, asked 2", r.sigma_s);
    }
    ob_tensor_free(&in), ob_tensor_free(&out), ob_tonemap_report_free(&r);
    free(x), free(ref), free(tmp), free(ly.l), free(ly.b), free(ly.d), free(ly.bs);
}

/* Step 6: B' spans exactly [-stops, 0], whatever the method and stops. */
static void test_base_span(void)
{
    const int h = 40, w = 57;
    float *x = radiance(h, w, 5, -3, 14);
    ob_tensor in = image(x, 3, h, w);
    static const float stops[] = {5.f, 2.5f, 9.f};
    for (int k = 0; k < 3; k++)
        for (int m = 0; m < 2; m++) {
            ob_tonemap_opts o;
            ob_tonemap_opts_init(&o, OB_TONEMAP_DURAND);
            o.stops = stops[k], o.bilateral = (ob_bilateral_method)m;
            ob_tensor out = {0};
            ob_tonemap_report r = {.want_layers = 1};
            OB_CHECK_OK(ob_image_tonemap(ctx, &out, &in, &o, &r));
            if (!out.data) continue;
            float lo, hi;
            OB_CHECK_OK(ob_minmax_cpu(&lo, &hi, ob_tensor_f32(&r.base_scaled), 1, (size_t)h * w));
            OB_CHECK(hi == 0.f && fabs(lo + stops[k]) <= 1e-5 * stops[k],
                     "%s stops %g: B' spans [%.9g, %.9g], expected [-%g, 0]", ob_bilateral_method_name(o.bilateral),
                     stops[k], lo, hi, stops[k]);
            OB_CHECK(fabs(r.sigma_s - 0.02 * w) < 1e-6, "default sigma_s %g, expected 2%% of %d", r.sigma_s, w);
            printf("ok   %s stops %g: B' in [%.7g, %.7g], base range %.3f stops\n",
                   ob_bilateral_method_name(o.bilateral), stops[k], lo, hi, r.base_max - r.base_min);
            ob_tensor_free(&out), ob_tonemap_report_free(&r);
        }
    ob_tensor_free(&in);
    free(x);
}

/* ---- the global operators, by hand ----------------------------------------- */

static void test_global_simple_hand(void)
{
    /* grey pixels of intensity 0.5 and 2: log-average 2^((-1 + 1) / 2) = 1, so
     * with key 1, Ld = L / (1 + L) exactly: 1/3 and 2/3 */
    const float x[6] = {0.5f, 2.f, 0.5f, 2.f, 0.5f, 2.f};
    ob_tensor in = image(x, 3, 1, 2), out = {0};
    ob_tonemap_opts o;
    ob_tonemap_opts_init(&o, OB_TONEMAP_GLOBAL_SIMPLE);
    o.key = 1.f, o.gamma = 1.f;
    ob_tonemap_report r = {0};
    OB_CHECK_OK(ob_image_tonemap(ctx, &out, &in, &o, &r));
    const float want[6] = {1.f / 3, 2.f / 3, 1.f / 3, 2.f / 3, 1.f / 3, 2.f / 3};
    if (out.data) ob_test_allclose("global-simple L/(1+L), key 1, gamma 1", ob_tensor_f32(&out), want, 6, 1e-6, 0);
    OB_CHECK(fabs(r.log_average - 1.0) < 1e-6, "log-average %g, expected 1", r.log_average);
    ob_tensor_free(&out);

    /* key 0.18, gamma 0.5: Ld = 0.18 L / (1 + 0.18 L), then the square root */
    o.key = 0.18f, o.gamma = 0.5f;
    OB_CHECK_OK(ob_image_tonemap(ctx, &out, &in, &o, NULL));
    const double a = 0.09 / 1.09, b = 0.36 / 1.36;
    const float want2[6] = {(float)sqrt(a), (float)sqrt(b), (float)sqrt(a), (float)sqrt(b), (float)sqrt(a),
                            (float)sqrt(b)};
    if (out.data) ob_test_allclose("global-simple key 0.18, gamma 0.5", ob_tensor_f32(&out), want2, 6, 1e-6, 0);
    ob_tensor_free(&out);
    ob_tensor_free(&in);

    /* colour: chroma times Ld. A pixel (2, 1, 0.5) has I = (40 + 40 + 0.5)/61 */
    const float c[3] = {2.f, 1.f, 0.5f};
    in = image(c, 3, 1, 1);
    o.key = 1.f, o.gamma = 1.f; /* one pixel: log-average = I, so a I = 1 and Ld = 1/2 */
    OB_CHECK_OK(ob_image_tonemap(ctx, &out, &in, &o, NULL));
    const double i = 80.5 / 61;
    const float want3[3] = {(float)fmin(1, 2 / i * 0.5), (float)(1 / i * 0.5), (float)(0.5 / i * 0.5)};
    if (out.data) ob_test_allclose("global-simple keeps the chroma", ob_tensor_f32(&out), want3, 3, 1e-6, 0);
    ob_tensor_free(&out), ob_tensor_free(&in);
}

static void test_global_scale_hand(void)
{
    const float x[6] = {4.f, 1.f, 0.f, 2.f, 8.f, 0.5f}; /* (3, 1, 2): max 8 */
    ob_tensor in = image(x, 3, 1, 2), out = {0};
    ob_tonemap_opts o;
    ob_tonemap_opts_init(&o, OB_TONEMAP_GLOBAL_SCALE);
    o.gamma = 1.f;
    ob_tonemap_report r = {0};
    OB_CHECK_OK(ob_image_tonemap(ctx, &out, &in, &o, &r));
    const float want[6] = {0.5f, 0.125f, 0.f, 0.25f, 1.f, 0.0625f};
    if (out.data) ob_test_allclose("global-scale: v / max, the max -> 1 exactly", ob_tensor_f32(&out), want, 6, 0, 0);
    OB_CHECK(r.peak == 8.0, "peak %g, expected 8", r.peak);
    ob_tensor_free(&out);
    o.gamma = 1.f / 2.2f;
    OB_CHECK_OK(ob_image_tonemap(ctx, &out, &in, &o, NULL));
    float want_g[6];
    for (int k = 0; k < 6; k++) want_g[k] = (float)pow(want[k], 1 / 2.2);
    if (out.data) ob_test_allclose("global-scale with gamma 1/2.2", ob_tensor_f32(&out), want_g, 6, 1e-6, 1e-6);
    ob_tensor_free(&out), ob_tensor_free(&in);
}

/* ---- per-pixel rules and kernels by hand ------------------------------------ */

static void test_rules(void)
{
    OB_CHECK(ob_tm_intensity(61.f, 0.f, 0.f) == 20.f && ob_tm_intensity(0.f, 61.f, 0.f) == 40.f &&
                 ob_tm_intensity(0.f, 0.f, 61.f) == 1.f && ob_tm_intensity(1.f, 1.f, 1.f) == 1.f,
             "intensity weights (20, 40, 1) / 61");
    OB_CHECK(ob_tm_chroma(3.f, 2.f) == 1.5f && ob_tm_chroma(0.f, 0.f) == 1.f, "chroma v / I, 1 for black");
    OB_CHECK(ob_tm_log2(8.f, 0.25f) == 3.f && ob_tm_log2(0.f, 0.25f) == -2.f, "log2 with floor");
    OB_CHECK(ob_tm_display(0.25f, 1.f, 0.5f) == 0.5f && ob_tm_display(3.f, 1.f, 0.5f) == 1.f &&
                 ob_tm_display(-1.f, 1.f, 0.5f) == 0.f && ob_tm_display(NAN, 1.f, 0.5f) == 0.f,
             "display: gamma, clamp, negatives and NaN to 0");
    OB_CHECK(ob_tm_reinhard(1.f, 1.f) == 0.5f && ob_tm_reinhard(3.f, 1.f) == 0.75f &&
                 ob_tm_reinhard(1e30f, 1e30f) == 1.f && ob_tm_reinhard(0.f, 5.f) == 0.f,
             "reinhard L/(1+L), saturating");
    OB_CHECK(ob_tm_base_scale(-1.f, 3.f, 0.5f) == -2.f && ob_tm_exp2(-2.f, 1.f) == 0.5f, "base scale, exp2");

    const float dirty[6] = {NAN, -1.f, -INFINITY, INFINITY, 1e31f, 2.5f};
    const float clean_want[6] = {0.f, 0.f, 0.f, 1e30f, 1e30f, 2.5f};
    float y[6];
    OB_CHECK_OK(ob_tonemap_clean_cpu(y, dirty, 6));
    ob_test_allclose("clean: NaN/negative -> 0, huge -> 1e30", y, clean_want, 6, 0, 0);

    const float v[7] = {3.f, 0.f, 0.5f, -2.f, 8.f, 0.25f, 1.f};
    ob_tonemap_stats s;
    OB_CHECK_OK(ob_tonemap_stats_cpu(&s, v, 7));
    OB_CHECK(s.min_positive == 0.25 && s.sum == 10.75, "stats %g %g", s.min_positive, s.sum);
    const float z[3] = {0.f, -1.f, 0.f};
    OB_CHECK_OK(ob_tonemap_stats_cpu(&s, z, 3));
    OB_CHECK(s.min_positive == 0 && s.sum == -1, "stats without positives");
    /* large input: several chunks; the sum in double is exact for these values */
    const size_t big = 1000003;
    float *x = malloc(big * sizeof *x);
    for (size_t k = 0; k < big; k++) x[k] = (float)(k % 7) - 1.f;
    x[777777] = 0.125f, x[5] = 99.f;
    OB_CHECK_OK(ob_tonemap_stats_cpu(&s, x, big));
    double sum = 0;
    for (size_t k = 0; k < big; k++) sum += x[k];
    OB_CHECK(s.min_positive == 0.125 && s.sum == sum, "stats of 1M: %g %.17g vs %.17g", s.min_positive, s.sum, sum);
    free(x);

    OB_CHECK_FAILS(ob_tonemap_log2_cpu(y, v, 3, 0.f), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_tonemap_display_cpu(y, v, 3, 1.f, 0.f), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_tonemap_display_cpu(y, v, 3, INFINITY, 1.f), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_tonemap_intensity_cpu(y, v, 0), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_tonemap_stats_cpu(&s, NULL, 3), OB_ERR_ARG);
}

/* ---- hostile inputs, shapes and options ----------------------------------------- */

static int all_in_unit(const ob_tensor *t)
{
    const float *p = ob_tensor_f32(t);
    for (int64_t k = 0; k < ob_tensor_numel(t); k++)
        if (!(p[k] >= 0.f && p[k] <= 1.f)) return 0;
    return 1;
}

static void test_hostile_inputs(void)
{
    const int h = 9, w = 11;
    const size_t n = (size_t)h * w;
    float *x = radiance(h, w, 3, -4, 4);
    for (size_t k = 0; k < 3 * n; k += 5) x[k] = 0.f;
    for (size_t k = 1; k < 3 * n; k += 17) x[k] = 1e6f;
    x[2] = NAN, x[3] = -5.f, x[4] = INFINITY;
    for (int c = 0; c < 3; c++) x[c * n + 40] = 0.f; /* one black pixel */
    float *black = calloc(3 * n, sizeof *black);
    const float *inputs[2] = {x, black};
    for (int k = 0; k < 2; k++)
        for (int op = 0; op < 3; op++)
            for (int m = 0; m < 2; m++) {
                if (op != OB_TONEMAP_DURAND && m) continue;
                ob_tonemap_opts o;
                ob_tonemap_opts_init(&o, (ob_tonemap_op)op);
                o.bilateral = (ob_bilateral_method)m;
                ob_tensor in = image(inputs[k], 3, h, w), out = {0};
                OB_CHECK_OK(ob_image_tonemap(ctx, &out, &in, &o, NULL));
                OB_CHECK(out.data && all_in_unit(&out), "%s %s%s: output not finite in [0, 1]",
                         k ? "all-black" : "zeros/1e6/NaN/inf", ob_tonemap_op_name(o.op), m ? " exact" : "");
                ob_tensor_free(&in), ob_tensor_free(&out);
            }
    free(x), free(black);
}

static void test_channels(void)
{
    const int h = 6, w = 7;
    const size_t n = (size_t)h * w;
    float *g = radiance(h, w, 9, -2, 6); /* use plane 0 as a gray image */
    float *rgba = malloc(4 * n * sizeof *rgba);
    for (int c = 0; c < 3; c++) memcpy(rgba + c * n, g, n * sizeof *g);
    for (size_t k = 0; k < n; k++) rgba[3 * n + k] = 0.3f; /* alpha: ignored */
    for (int op = 0; op < 3; op++) {
        ob_tonemap_opts o;
        ob_tonemap_opts_init(&o, (ob_tonemap_op)op);
        ob_tensor gray = image(g, 1, h, w), four = image(rgba, 4, h, w), a = {0}, b = {0};
        OB_CHECK_OK(ob_image_tonemap(ctx, &a, &gray, &o, NULL));
        OB_CHECK_OK(ob_image_tonemap(ctx, &b, &four, &o, NULL));
        if (a.data && b.data) {
            char label[96];
            snprintf(label, sizeof label, "%s: gray == replicated RGB (alpha ignored)", ob_tonemap_op_name(o.op));
            ob_test_allclose(label, ob_tensor_f32(&a), ob_tensor_f32(&b), 3 * n, 0, 0);
            snprintf(label, sizeof label, "%s: gray stays gray", ob_tonemap_op_name(o.op));
            ob_test_allclose(label, ob_tensor_f32(&a) + n, ob_tensor_f32(&a), n, 0, 0);
        }
        ob_tensor_free(&gray), ob_tensor_free(&four), ob_tensor_free(&a), ob_tensor_free(&b);
    }
    free(g), free(rgba);
}

static void test_options(void)
{
    ob_tonemap_opts o;
    ob_tonemap_opts_init(&o, OB_TONEMAP_DURAND);
    OB_CHECK(o.gamma > 0.4545f && o.gamma < 0.4546f && o.key == 0.18f && o.sigma_r == 0.4f && o.stops == 5.f &&
                 o.sigma_s == 0.f && o.bilateral == OB_BILATERAL_GRID,
             "defaults");
    OB_CHECK_OK(ob_tonemap_opts_check(&o));
    const float x[3] = {1, 2, 3};
    ob_tensor in = image(x, 3, 1, 1), out = {0};
    struct { float *field; float value; const char *what; } bad[] = {
        {&o.gamma, 0.f, "gamma 0"},   {&o.gamma, -1.f, "gamma < 0"}, {&o.gamma, NAN, "gamma NaN"},
        {&o.stops, 0.f, "stops 0"},   {&o.stops, -2.f, "stops < 0"}, {&o.sigma_r, 0.f, "sigma_r 0"},
        {&o.sigma_s, -1.f, "sigma_s < 0"}, {&o.key, 0.f, "key 0"},  {&o.sigma_s, INFINITY, "sigma_s inf"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        ob_tonemap_opts_init(&o, OB_TONEMAP_DURAND);
        *bad[k].field = bad[k].value;
        OB_CHECK_FAILS(ob_image_tonemap(ctx, &out, &in, &o, NULL), OB_ERR_ARG);
        OB_CHECK(out.data == NULL, "%s: output allocated on failure", bad[k].what);
    }
    ob_tonemap_op op;
    ob_bilateral_method m;
    OB_CHECK_OK(ob_tonemap_op_parse(&op, "global-simple"));
    OB_CHECK(op == OB_TONEMAP_GLOBAL_SIMPLE && strcmp(ob_tonemap_op_name(op), "global-simple") == 0, "op names");
    OB_CHECK_FAILS(ob_tonemap_op_parse(&op, "reinhard"), OB_ERR_ARG);
    OB_CHECK_OK(ob_bilateral_method_parse(&m, "exact"));
    OB_CHECK(m == OB_BILATERAL_EXACT, "method names");
    OB_CHECK_FAILS(ob_bilateral_method_parse(&m, "fast"), OB_ERR_ARG);
    ob_tensor_free(&in);
    /* five channels, or a 2-d tensor */
    float five[5] = {0};
    in = image(five, 5, 1, 1);
    ob_tonemap_opts_init(&o, OB_TONEMAP_GLOBAL_SCALE);
    OB_CHECK_FAILS(ob_image_tonemap(ctx, &out, &in, &o, NULL), OB_ERR_ARG);
    ob_tensor_free(&in);
}

/* ---- tensor entry points: shapes checked, then the cpu path ----------------- */

static void test_tensor_entries(void)
{
    const float x[18] = {1, 2, 3, 4, 5, 6, 0.5f, 1, 2, 3, 0, 1, 8, 1, 1, 1, 0, 2};
    ob_tensor rgb = image(x, 3, 2, 3), i = {0}, bad = {0};
    int64_t map[3] = {1, 2, 3}, flat[2] = {2, 3}, turned[3] = {1, 3, 2}, two[3] = {2, 2, 3};
    float want[6], got[6];
    OB_CHECK_OK(ob_tonemap_intensity_cpu(want, x, 6));
    OB_CHECK_OK(ob_tensor_alloc(&i, OB_F32, OB_HOST, 3, map));
    OB_CHECK_OK(ob_tonemap_intensity(ctx, &i, &rgb));
    ob_test_allclose("tensor intensity == cpu path", ob_tensor_f32(&i), want, 6, 0, 0);
    OB_CHECK_OK(ob_tensor_wrap(&bad, got, OB_F32, OB_HOST, 2, flat));
    OB_CHECK_OK(ob_tonemap_intensity(ctx, &bad, &rgb)); /* (H, W) maps are fine */
    ob_test_allclose("tensor intensity into (H, W)", got, want, 6, 0, 0);
    OB_CHECK_OK(ob_tensor_wrap(&bad, got, OB_F32, OB_HOST, 3, turned));
    OB_CHECK_FAILS(ob_tonemap_intensity(ctx, &bad, &rgb), OB_ERR_ARG); /* W x H, not H x W */
    OB_CHECK_FAILS(ob_tonemap_intensity(ctx, &i, &i), OB_ERR_ARG);     /* one plane where three are due */
    float buf[12];
    OB_CHECK_OK(ob_tensor_wrap(&bad, buf, OB_F32, OB_HOST, 3, two));
    OB_CHECK_FAILS(ob_tonemap_log2(ctx, &bad, &i, 1.f), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_tonemap_display(ctx, &bad, &rgb, 1.f, 1.f), OB_ERR_ARG); /* 12 values vs 18 */
    ob_tensor_free(&rgb), ob_tensor_free(&i);
}

/* ---- the host-image bilateral filter ------------------------------------------- */

static void test_image_bilateral(void)
{
    const int h = 12, w = 15;
    const size_t n = (size_t)h * w;
    float *x = malloc(3 * n * sizeof *x), *ref = malloc(n * sizeof *ref);
    ob_test_fill_uniform(x, 3 * n, 21, 0, 1);
    ob_tensor in = image(x, 3, h, w), out = {0};
    for (int m = 0; m < 2; m++) {
        OB_CHECK_OK(ob_image_bilateral(ctx, &out, &in, 2.f, 0.2f, (ob_bilateral_method)m, 0));
        if (!out.data) continue;
        for (int c = 0; c < 3; c++) { /* guided by itself: each plane as the filter alone gives it */
            if (m) OB_CHECK_OK(ob_bilateral_exact_cpu(ref, x + c * n, x + c * n, h, w, 2.f, 0.2f));
            else OB_CHECK_OK(ob_bilateral_grid_cpu(ref, x + c * n, x + c * n, h, w, 2.f, 0.2f, NULL));
            char label[64];
            snprintf(label, sizeof label, "bilateral %s, self guide, channel %d", ob_bilateral_method_name(m), c);
            ob_test_allclose(label, ob_tensor_f32(&out) + c * n, ref, n, 0, 0);
        }
        ob_tensor_free(&out);
    }
    /* intensity guide: every channel weighted by (20R + 40G + B)/61 */
    float *guide = malloc(n * sizeof *guide);
    OB_CHECK_OK(ob_tonemap_intensity_cpu(guide, x, n));
    OB_CHECK_OK(ob_image_bilateral(ctx, &out, &in, 2.f, 0.2f, OB_BILATERAL_EXACT, 1));
    for (int c = 0; out.data && c < 3; c++) {
        OB_CHECK_OK(ob_bilateral_exact_cpu(ref, x + c * n, guide, h, w, 2.f, 0.2f));
        ob_test_allclose("bilateral exact, intensity guide", ob_tensor_f32(&out) + c * n, ref, n, 0, 0);
    }
    ob_tensor_free(&out);
    OB_CHECK_FAILS(ob_image_bilateral(ctx, &out, &in, -1.f, 0.2f, OB_BILATERAL_GRID, 0), OB_ERR_ARG);
    OB_CHECK(out.data == NULL, "bilateral: output allocated on failure");
    ob_tensor_free(&in);
    free(x), free(ref), free(guide);
}

int main(void)
{
    if (ob_ctx_create(&ctx, OB_BACKEND_CPU, 0) != OB_OK) return 1;
    test_rules();
    test_global_scale_hand();
    test_global_simple_hand();
    test_durand_nine_steps();
    test_base_span();
    test_hostile_inputs();
    test_channels();
    test_options();
    test_tensor_entries();
    test_image_bilateral();
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
