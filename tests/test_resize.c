/* test_resize.c — the CPU path against independent truths: a direct 2-D
 * evaluation of each method's definition in double, cv2.resize's own values
 * (tests/golden/, made by make_resize_golden.py; bicubic there is a numpy Keys
 * a = -0.5), hand-computed examples, identities (sizes equal, constants, ramps,
 * quadratics for bicubic, box means for area), and the entry points' checks. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_test.h"
#include "resize.h"

/* ---- the definitions, evaluated directly (not via resize_taps.h) ---------- */

static double keys(double t) /* Keys' cubic convolution kernel, a = -0.5 */
{
    const double a = -0.5;
    t = fabs(t);
    if (t <= 1) return (a + 2) * t * t * t - (a + 3) * t * t + 1;
    if (t < 2) return a * t * t * t - 5 * a * t * t + 8 * a * t - 4 * a;
    return 0;
}

static int clampi(int i, int n) { return i < 0 ? 0 : i >= n ? n - 1 : i; }

/* Weights of output d over all source pixels of one axis (w has `in` entries). */
static void axis_weights(double *w, ob_resize_method m, int d, int in, int out)
{
    memset(w, 0, sizeof(double) * (size_t)in);
    const double s = (double)in / out, c = (d + 0.5) * s - 0.5; /* half-pixel centre */
    switch (m) {
    case OB_RESIZE_NEAREST: { /* OpenCV computes the reciprocal of the inverse scale, in double */
        int k = (int)floor(d * (1.0 / ((double)out / in)));
        w[k < in - 1 ? k : in - 1] = 1;
        break;
    }
    case OB_RESIZE_BILINEAR: {
        int k = (int)floor(c);
        w[clampi(k, in)] += 1 - (c - k);
        w[clampi(k + 1, in)] += c - k;
        break;
    }
    case OB_RESIZE_BICUBIC: {
        int k = (int)floor(c);
        for (int j = k - 1; j <= k + 2; j++) w[clampi(j, in)] += keys(c - j);
        break;
    }
    case OB_RESIZE_BICUBIC_AA: { /* MATLAB imresize: the kernel stretched by s when shrinking, normalised */
        const double st = s > 1 ? s : 1;
        double total = 0;
        for (int j = (int)floor(c - 2 * st) - 1; j <= (int)ceil(c + 2 * st) + 1; j++) {
            const double v = keys((c - j) / st);
            w[clampi(j, in)] += v, total += v;
        }
        for (int k = 0; k < in; k++) w[k] /= total;
        break;
    }
    case OB_RESIZE_AREA: /* overlap of [d*s, (d+1)*s) with [k, k+1), over s */
        for (int k = 0; k < in; k++) {
            double lo = fmax(d * s, k), hi = fmin((d + 1) * s, k + 1.0);
            if (hi > lo) w[k] = (hi - lo) / s;
        }
        break;
    }
}

static void resize_by_definition(float *out, const float *in, int planes, int ih, int iw, int oh, int ow,
                                 ob_resize_method m)
{
    double *wy = malloc(sizeof(double) * ih), *wx = malloc(sizeof(double) * iw);
    for (int p = 0; p < planes; p++)
        for (int y = 0; y < oh; y++) {
            axis_weights(wy, m, y, ih, oh);
            for (int x = 0; x < ow; x++) {
                axis_weights(wx, m, x, iw, ow);
                double acc = 0;
                for (int i = 0; i < ih; i++)
                    if (wy[i] != 0)
                        for (int j = 0; j < iw; j++) acc += wy[i] * wx[j] * in[((size_t)p * ih + i) * iw + j];
                out[((size_t)p * oh + y) * ow + x] = (float)acc;
            }
        }
    free(wy), free(wx);
}

static const ob_resize_method ALL[5] = {OB_RESIZE_NEAREST, OB_RESIZE_BILINEAR, OB_RESIZE_BICUBIC, OB_RESIZE_AREA,
                                        OB_RESIZE_BICUBIC_AA};

static void check_vs_definition(int planes, int ih, int iw, int oh, int ow, ob_resize_method m, uint64_t seed)
{
    size_t ni = (size_t)planes * ih * iw, no = (size_t)planes * oh * ow;
    float *x = malloc(ni * sizeof *x), *y = malloc(no * sizeof *y), *ref = malloc(no * sizeof *ref);
    ob_test_fill_uniform(x, ni, seed, -1, 1);
    ob_test_fill_nan(y, no);
    resize_by_definition(ref, x, planes, ih, iw, oh, ow, m);
    OB_CHECK_OK(ob_resize_cpu(y, x, planes, ih, iw, oh, ow, m));
    char label[128];
    snprintf(label, sizeof label, "%s P%d %dx%d -> %dx%d vs definition", ob_resize_method_name(m), planes, ih, iw,
             oh, ow);
    ob_test_allclose(label, y, ref, no, 1e-5, 1e-5);
    free(x), free(y), free(ref);
}

static void test_sizes_vs_definition(void)
{
    /* odd sizes up and down, non-integer factors, 1xN, Nx1, mixed up/down */
    static const int sz[][4] = {{13, 17, 5, 7},  {13, 17, 29, 41}, {7, 9, 7, 9},  {1, 23, 1, 9},   {1, 9, 1, 23},
                                {23, 1, 9, 1},   {9, 1, 23, 1},    {1, 1, 5, 3},  {16, 12, 4, 3},  {15, 21, 5, 7},
                                {11, 10, 33, 3}, {3, 50, 7, 11},   {64, 48, 17, 31}, {5, 5, 1, 1}, {2, 2, 3, 3}};
    uint64_t seed = 100;
    for (size_t c = 0; c < sizeof sz / sizeof sz[0]; c++)
        for (int k = 0; k < 5; k++) {
            const int *s = sz[c];
            if (ALL[k] == OB_RESIZE_AREA && (s[2] > s[0] || s[3] > s[1])) continue; /* upscaling: refused below */
            check_vs_definition(c % 3 + 1, s[0], s[1], s[2], s[3], ALL[k], seed++);
        }
}

/* ---- identities ----------------------------------------------------------- */

static void test_identity_and_constant(void)
{
    const int h = 11, w = 14;
    float *x = malloc(3 * h * w * sizeof *x), *y = malloc(3 * 40 * 40 * sizeof *y);
    for (int k = 0; k < 5; k++) {
        ob_test_fill_uniform(x, 3 * h * w, 7 + k, -5, 5);
        ob_test_fill_nan(y, 3 * h * w);
        OB_CHECK_OK(ob_resize_cpu(y, x, 3, h, w, h, w, ALL[k]));
        char label[96];
        snprintf(label, sizeof label, "%s identity when sizes are equal (exact)", ob_resize_method_name(ALL[k]));
        ob_test_allclose(label, y, x, 3 * h * w, 0, 0);

        static const int out[][2] = {{5, 7}, {33, 40}, {1, 14}, {11, 3}, {4, 29}};
        for (int c = 0; c < 5; c++) {
            if (ALL[k] == OB_RESIZE_AREA && (out[c][0] > h || out[c][1] > w)) continue;
            for (int i = 0; i < 3 * h * w; i++) x[i] = 0.7f;
            size_t no = (size_t)3 * out[c][0] * out[c][1];
            float *ref = malloc(no * sizeof *ref);
            for (size_t i = 0; i < no; i++) ref[i] = 0.7f;
            OB_CHECK_OK(ob_resize_cpu(y, x, 3, h, w, out[c][0], out[c][1], ALL[k]));
            snprintf(label, sizeof label, "%s constant stays constant %dx%d -> %dx%d", ob_resize_method_name(ALL[k]),
                     h, w, out[c][0], out[c][1]);
            ob_test_allclose(label, y, ref, no, 0, 1e-6);
            free(ref);
        }
    }
    free(x), free(y);
}

/* Bilinear and bicubic reproduce a linear ramp wherever no tap is clamped;
 * Keys a = -0.5 also reproduces a quadratic there (a = -0.75 would not). */
static void test_polynomials(void)
{
    const int ih = 12, iw = 19;
    static const int out[][2] = {{29, 41}, {5, 8}, {17, 23}};
    float *x = malloc(ih * iw * sizeof *x), *y = malloc(29 * 41 * sizeof *y);
    for (int deg = 1; deg <= 2; deg++)
        for (int k = OB_RESIZE_BILINEAR; k <= OB_RESIZE_BICUBIC; k++) {
            if (deg == 2 && k == OB_RESIZE_BILINEAR) continue;
            const int reach = k == OB_RESIZE_BICUBIC ? 1 : 0; /* taps left of floor(c) */
            for (int i = 0; i < ih; i++)
                for (int j = 0; j < iw; j++)
                    x[i * iw + j] = deg == 1 ? 0.25f + 0.03f * j - 0.02f * i : 0.001f * (j * j + 2 * i * i);
            for (int c = 0; c < 3; c++) {
                const int oh = out[c][0], ow = out[c][1];
                OB_CHECK_OK(ob_resize_cpu(y, x, 1, ih, iw, oh, ow, (ob_resize_method)k));
                double worst = 0;
                int n = 0;
                for (int dy = 0; dy < oh; dy++)
                    for (int dx = 0; dx < ow; dx++) {
                        double cy = (dy + 0.5) * ih / oh - 0.5, cx = (dx + 0.5) * iw / ow - 0.5;
                        if (floor(cy) - reach < 0 || floor(cy) + 1 + reach > ih - 1) continue;
                        if (floor(cx) - reach < 0 || floor(cx) + 1 + reach > iw - 1) continue;
                        double want = deg == 1 ? 0.25 + 0.03 * cx - 0.02 * cy : 0.001 * (cx * cx + 2 * cy * cy);
                        worst = fmax(worst, fabs(y[dy * ow + dx] - want));
                        n++;
                    }
                OB_CHECK(n > 0 && worst <= 2e-6, "%s reproduces a degree-%d polynomial, %dx%d -> %dx%d: %d interior "
                         "pixels, max error %.3g", ob_resize_method_name((ob_resize_method)k), deg, ih, iw, oh, ow, n,
                         worst);
            }
        }
    free(x), free(y);
}

static void test_area_box_mean(void)
{
    const int ih = 24, iw = 30;
    static const int f[][2] = {{2, 2}, {3, 5}, {4, 3}, {24, 30}, {1, 6}};
    float *x = malloc(2 * ih * iw * sizeof *x), *y = malloc(2 * ih * iw * sizeof *y), *ref = malloc(2 * ih * iw * sizeof *ref);
    ob_test_fill_uniform(x, 2 * ih * iw, 77, -3, 3);
    for (int c = 0; c < 5; c++) {
        const int fy = f[c][0], fx = f[c][1], oh = ih / fy, ow = iw / fx;
        for (int p = 0; p < 2; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    double s = 0;
                    for (int u = 0; u < fy; u++)
                        for (int v = 0; v < fx; v++) s += x[(p * ih + i * fy + u) * iw + j * fx + v];
                    ref[(p * oh + i) * ow + j] = (float)(s / (fy * fx));
                }
        OB_CHECK_OK(ob_resize_cpu(y, x, 2, ih, iw, oh, ow, OB_RESIZE_AREA));
        char label[96];
        snprintf(label, sizeof label, "area /%dx/%d is the box mean", fy, fx);
        ob_test_allclose(label, y, ref, (size_t)2 * oh * ow, 1e-6, 1e-6);
    }
    free(x), free(y), free(ref);
}

/* nearest reads floor(dst * (1/(out/in))) with no interpolation: an index image shows which */
static void test_nearest_source(void)
{
    static const int sz[][4] = {{13, 17, 5, 7}, {13, 17, 40, 23}, {1, 2, 1, 98}, {7, 3, 7, 10}};
    for (int c = 0; c < 4; c++) {
        const int ih = sz[c][0], iw = sz[c][1], oh = sz[c][2], ow = sz[c][3];
        float *x = malloc(ih * iw * sizeof *x), *y = malloc(oh * ow * sizeof *y);
        for (int i = 0; i < ih * iw; i++) x[i] = (float)i;
        OB_CHECK_OK(ob_resize_cpu(y, x, 1, ih, iw, oh, ow, OB_RESIZE_NEAREST));
        int bad = 0;
        for (int dy = 0; dy < oh; dy++)
            for (int dx = 0; dx < ow; dx++) {
                int sy = (int)floor(dy * (1.0 / ((double)oh / ih))), sx = (int)floor(dx * (1.0 / ((double)ow / iw)));
                sy = sy < ih - 1 ? sy : ih - 1, sx = sx < iw - 1 ? sx : iw - 1;
                bad += y[dy * ow + dx] != (float)(sy * iw + sx);
            }
        OB_CHECK(bad == 0, "nearest %dx%d -> %dx%d picks the documented source pixel (%d wrong)", ih, iw, oh, ow, bad);
        if (ih == 1 && iw == 2 && ow == 98) /* cv2.resize's own answer: 1/(98/2) rounds below 1/49 */
            OB_CHECK(y[49] == 0.f && y[48] == 0.f && y[50] == 1.f, "nearest 2 -> 98 at dst 49 reads pixel 0 as cv2 does");
        free(x), free(y);
    }
}

/* ---- small examples computed by hand -------------------------------------- */

static void expect(const char *what, const float *in, int ih, int iw, int oh, int ow, ob_resize_method m,
                   const float *want)
{
    float got[64];
    ob_test_fill_nan(got, 64);
    OB_CHECK_OK(ob_resize_cpu(got, in, 1, ih, iw, oh, ow, m));
    ob_test_allclose(what, got, want, (size_t)oh * ow, 1e-6, 1e-6);
}

static void test_hand_examples(void)
{
    const float ramp4[4] = {0, 1, 2, 3};
    /* nearest 4 -> 3: floor(d * 4/3) = 0, 1, 2 */
    expect("nearest 1x4 -> 1x3", ramp4, 1, 4, 1, 3, OB_RESIZE_NEAREST, (const float[]){0, 1, 2});
    /* nearest 2 -> 5: floor(d * 0.4) = 0, 0, 0, 1, 1 */
    expect("nearest 1x2 -> 1x5", (const float[]){3, 8}, 1, 2, 1, 5, OB_RESIZE_NEAREST, (const float[]){3, 3, 3, 8, 8});
    /* bilinear 2 -> 4: centres -0.25 (border: pixel 0), 0.25, 0.75, 1.25 (border: pixel 1) */
    expect("bilinear 1x2 -> 1x4", (const float[]){0, 1}, 1, 2, 1, 4, OB_RESIZE_BILINEAR,
           (const float[]){0, 0.25f, 0.75f, 1});
    /* bilinear 2x2 -> 3x3: centres -1/6 (-> 0), 0.5, 7/6 (-> 1) on both axes */
    expect("bilinear 2x2 -> 3x3", (const float[]){0, 1, 2, 3}, 2, 2, 3, 3, OB_RESIZE_BILINEAR,
           (const float[]){0, 0.5f, 1, 1, 1.5f, 2, 2, 2.5f, 3});
    /* bicubic 4 -> 8, p = (4, 0, 2, 8); centres d/2 - 0.25. Keys a = -0.5:
     * W(0.25) = 0.8671875, W(0.75) = 0.2265625, W(1.25) = -0.0703125, W(1.75) = -0.0234375.
     * d=0: c=-0.25, taps -2..1 -> (0,0,0,1), dists 1.75,0.75,0.25,1.25: 1.0703125*4 = 4.28125
     * d=1: c=0.25, taps -1..2 -> (0,0,1,2), dists 1.25,0.25,0.75,1.75:
     *      (-0.0703125+0.8671875)*4 + 0.2265625*0 - 0.0234375*2 = 3.140625
     * d=3: c=1.25, taps 0..3, dists 1.25,0.25,0.75,1.75: -0.28125 + 0 + 0.453125 - 0.1875 = -0.015625
     * d=7: c=3.25, taps 2..5 -> (2,3,3,3): -0.0703125*2 + 1.0703125*8 = 8.421875 */
    {
        const float p[4] = {4, 0, 2, 8};
        float got[8];
        OB_CHECK_OK(ob_resize_cpu(got, p, 1, 1, 4, 1, 8, OB_RESIZE_BICUBIC));
        const float want[4] = {4.28125f, 3.140625f, -0.015625f, 8.421875f};
        const float sel[4] = {got[0], got[1], got[3], got[7]};
        ob_test_allclose("bicubic 1x4 -> 1x8 (Keys a=-0.5, borders)", sel, want, 4, 1e-6, 1e-6);
        /* the same along y */
        OB_CHECK_OK(ob_resize_cpu(got, p, 1, 4, 1, 8, 1, OB_RESIZE_BICUBIC));
        const float sel_y[4] = {got[0], got[1], got[3], got[7]};
        ob_test_allclose("bicubic 4x1 -> 8x1", sel_y, want, 4, 1e-6, 1e-6);
    }
    /* area 5 -> 2: [0, 2.5) = (1 + 2 + 0.5*3)/2.5 = 1.8; [2.5, 5) = (0.5*3 + 4 + 5)/2.5 = 4.2 */
    expect("area 1x5 -> 1x2", (const float[]){1, 2, 3, 4, 5}, 1, 5, 1, 2, OB_RESIZE_AREA, (const float[]){1.8f, 4.2f});
    /* area 3x3 -> 2x2: each output covers 1.5x1.5 pixels: corner 1, two half edges, a quarter centre */
    expect("area 3x3 -> 2x2", (const float[]){0, 0, 0, 0, 9, 0, 0, 0, 0}, 3, 3, 2, 2, OB_RESIZE_AREA,
           (const float[]){1, 1, 1, 1}); /* 9 * 0.25 / 2.25 = 1 */
}

/* ---- cv2.resize's values -------------------------------------------------- */

static void test_golden(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/golden/resize_golden.txt", ob_test_source_dir());
    FILE *f = fopen(path, "r");
    OB_CHECK(f != NULL, "open %s", path);
    if (!f) return;
    int ih = 0, iw = 0, ncase = 0;
    OB_CHECK(fscanf(f, " input %d %d", &ih, &iw) == 2 && ih > 0 && iw > 0, "golden header");
    float *x = malloc(sizeof(float) * ih * iw);
    for (int i = 0; i < ih * iw; i++)
        if (fscanf(f, "%f", &x[i]) != 1) OB_CHECK(0, "golden input value %d", i);
    char name[32];
    int oh, ow;
    while (fscanf(f, " case %31s %d %d", name, &oh, &ow) == 3) {
        ob_resize_method m;
        OB_CHECK_OK(ob_resize_method_parse(&m, name));
        float *ref = malloc(sizeof(float) * oh * ow), *y = malloc(sizeof(float) * oh * ow);
        for (int i = 0; i < oh * ow; i++)
            if (fscanf(f, "%f", &ref[i]) != 1) OB_CHECK(0, "golden %s value %d", name, i);
        OB_CHECK_OK(ob_resize_cpu(y, x, 1, ih, iw, oh, ow, m));
        char label[96];
        snprintf(label, sizeof label, "%s %dx%d -> %dx%d vs %s", name, ih, iw, oh, ow,
                 m == OB_RESIZE_BICUBIC ? "numpy Keys a=-0.5" : "cv2.resize");
        ob_test_allclose(label, y, ref, (size_t)oh * ow, 1e-5, 1e-5);
        free(ref), free(y);
        ncase++;
    }
    char tail[8] = "";
    OB_CHECK(ncase >= 20 && fscanf(f, "%7s", tail) == 1 && strcmp(tail, "end") == 0,
             "golden file read to its end (%d cases, then \"%s\")", ncase, tail);
    fclose(f);
    free(x);
}

/* ---- names and bad input ------------------------------------------------- */

static void test_names_and_errors(void)
{
    for (int k = 0; k < 5; k++) {
        ob_resize_method m = (ob_resize_method)-1;
        OB_CHECK_OK(ob_resize_method_parse(&m, ob_resize_method_name(ALL[k])));
        OB_CHECK(m == ALL[k], "method name round trip %s", ob_resize_method_name(ALL[k]));
    }
    ob_resize_method m;
    OB_CHECK_FAILS(ob_resize_method_parse(&m, "lanczos"), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "bicubic") != NULL, "parse error lists the methods: %s", ob_last_error());
    OB_CHECK_FAILS(ob_resize_method_parse(&m, NULL), OB_ERR_ARG);

    float buf[64] = {0};
    OB_CHECK_FAILS(ob_resize_cpu(buf, buf + 32, 1, 0, 4, 2, 2, OB_RESIZE_BILINEAR), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_resize_cpu(buf, buf + 32, 1, 4, 4, 2, 0, OB_RESIZE_BILINEAR), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_resize_cpu(buf, buf + 32, 0, 4, 4, 2, 2, OB_RESIZE_BILINEAR), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_resize_cpu(buf, buf + 32, 1, 4, 4, 2, 2, (ob_resize_method)9), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_resize_cpu(buf, buf + 32, 1, 4, 4, 5, 2, OB_RESIZE_AREA), OB_ERR_ARG);

    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    ob_tensor in, out, out_c, out_big, out_3d, batch_in, batch_out;
    int64_t si[4] = {2, 3, 9, 11}, so[4] = {2, 3, 4, 5}, sc[4] = {2, 2, 4, 5}, sb[4] = {2, 3, 12, 5};
    int64_t s3[3] = {6, 4, 5}, sbi[3] = {3, 9, 11}, sbo[3] = {3, 4, 5};
    OB_CHECK_OK(ob_tensor_alloc(&in, OB_F32, OB_HOST, 4, si));
    OB_CHECK_OK(ob_tensor_alloc(&out, OB_F32, OB_HOST, 4, so));
    OB_CHECK_OK(ob_tensor_alloc(&out_c, OB_F32, OB_HOST, 4, sc));
    OB_CHECK_OK(ob_tensor_alloc(&out_big, OB_F32, OB_HOST, 4, sb));
    OB_CHECK_OK(ob_tensor_alloc(&out_3d, OB_F32, OB_HOST, 3, s3));
    OB_CHECK_OK(ob_tensor_alloc(&batch_in, OB_F32, OB_HOST, 3, sbi));
    OB_CHECK_OK(ob_tensor_alloc(&batch_out, OB_F32, OB_HOST, 3, sbo));
    ob_test_fill_uniform(ob_tensor_f32(&in), 2 * 3 * 9 * 11, 5, 0, 1);
    ob_test_fill_uniform(ob_tensor_f32(&batch_in), 3 * 9 * 11, 6, 0, 1);

    for (int k = 0; k < 5; k++) {
        float *ref = malloc(sizeof(float) * 2 * 3 * 4 * 5);
        OB_CHECK_OK(ob_resize(ctx, &out, &in, ALL[k]));
        resize_by_definition(ref, ob_tensor_f32(&in), 6, 9, 11, 4, 5, ALL[k]);
        char label[64];
        snprintf(label, sizeof label, "ob_resize %s (N, C, H, W) tensor entry", ob_resize_method_name(ALL[k]));
        ob_test_allclose(label, ob_tensor_f32(&out), ref, 2 * 3 * 4 * 5, 1e-5, 1e-5);
        OB_CHECK_OK(ob_resize(ctx, &batch_out, &batch_in, ALL[k]));
        resize_by_definition(ref, ob_tensor_f32(&batch_in), 3, 9, 11, 4, 5, ALL[k]);
        snprintf(label, sizeof label, "ob_resize %s (C, H, W) tensor entry", ob_resize_method_name(ALL[k]));
        ob_test_allclose(label, ob_tensor_f32(&batch_out), ref, 3 * 4 * 5, 1e-5, 1e-5);
        free(ref);
    }
    OB_CHECK_FAILS(ob_resize(ctx, &out_c, &in, OB_RESIZE_BILINEAR), OB_ERR_ARG);   /* channels differ */
    OB_CHECK_FAILS(ob_resize(ctx, &out_3d, &in, OB_RESIZE_BILINEAR), OB_ERR_ARG);  /* rank differs */
    OB_CHECK_FAILS(ob_resize(ctx, &out_big, &in, OB_RESIZE_AREA), OB_ERR_ARG);     /* area upscaling */
    OB_CHECK(strstr(ob_last_error(), "bilinear") != NULL, "area upscaling error suggests bilinear: %s", ob_last_error());
    OB_CHECK_OK(ob_resize(ctx, &out_big, &in, OB_RESIZE_BICUBIC));
    OB_CHECK_FAILS(ob_resize(ctx, &out, &in, (ob_resize_method)5), OB_ERR_ARG);
    /* zero-sized dimensions, described by borrowing a buffer */
    ob_tensor empty_in, empty_out;
    int64_t ze[4] = {1, 3, 0, 11}, zo[4] = {1, 3, 4, 0};
    float dummy[16];
    if (ob_tensor_wrap(&empty_in, dummy, OB_F32, OB_HOST, 4, ze) == OB_OK) {
        OB_CHECK_FAILS(ob_resize(ctx, &out, &empty_in, OB_RESIZE_BILINEAR), OB_ERR_ARG);
        ob_tensor_free(&empty_in);
    }
    if (ob_tensor_wrap(&empty_out, dummy, OB_F32, OB_HOST, 4, zo) == OB_OK) {
        ob_tensor one;
        int64_t s1[4] = {1, 3, 9, 11};
        OB_CHECK_OK(ob_tensor_alloc(&one, OB_F32, OB_HOST, 4, s1));
        OB_CHECK_FAILS(ob_resize(ctx, &empty_out, &one, OB_RESIZE_BILINEAR), OB_ERR_ARG);
        ob_tensor_free(&one), ob_tensor_free(&empty_out);
    }
    ob_tensor_free(&in), ob_tensor_free(&out), ob_tensor_free(&out_c), ob_tensor_free(&out_big);
    ob_tensor_free(&out_3d), ob_tensor_free(&batch_in), ob_tensor_free(&batch_out);
    ob_ctx_destroy(ctx);
}

int main(void)
{
    test_hand_examples();
    test_identity_and_constant();
    test_polynomials();
    test_area_box_mean();
    test_nearest_source();
    test_sizes_vs_definition();
    test_golden();
    test_names_and_errors();
    return ob_test_finish();
}
