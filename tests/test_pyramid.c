/* test_pyramid.c — the CPU pyramid against independent truths: the
 * definitions evaluated directly in double (weights per source pixel, no shared
 * helpers), cv2.pyrDown / cv2.pyrUp values (tests/golden/, made by
 * make_pyramid_golden.py), constants, exact reconstruction
 * collapse(laplacian(img)) = img, the level layout, the level mix, and the
 * entry points' checks. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_test.h"
#include "pyramid.h"

/* ---- the definitions, in double ------------------------------------------- */

static const double W5[5] = {1 / 16.0, 4 / 16.0, 6 / 16.0, 4 / 16.0, 1 / 16.0};

static int refl(int i, int n) /* reflect-101, written out as the mirror walk */
{
    if (n == 1) return 0;
    while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
    return i;
}

/* m (on, n): row d holds the weights of output d over the n source samples. */
static double *filter_matrix(int n, int step)
{
    const int on = step == 1 ? n : (n + 1) / 2;
    double *m = calloc((size_t)on * n, sizeof *m);
    for (int d = 0; d < on; d++)
        for (int a = -2; a <= 2; a++) m[(size_t)d * n + refl(step * d + a, n)] += W5[a + 2];
    return m;
}

/* Burt & Adelson: zeros inserted on the on-sample grid, reflect-101 there, x2. */
static double *expand_matrix(int n, int on)
{
    double *m = calloc((size_t)on * n, sizeof *m);
    for (int d = 0; d < on; d++) {
        if (on == 1) {
            m[0] = 1;
            continue;
        }
        for (int a = -2; a <= 2; a++) {
            int q = refl(d + a, on);
            if (q % 2 == 0) m[(size_t)d * n + q / 2] += 2 * W5[a + 2];
        }
    }
    return m;
}

/* out (planes, oh, ow) = My * in * Mx^T per plane, in double. */
static void apply(double *out, const float *in, const double *my, const double *mx, int planes, int h, int w, int oh,
                  int ow)
{
    for (int p = 0; p < planes; p++)
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                double acc = 0;
                for (int i = 0; i < h; i++) {
                    if (my[(size_t)y * h + i] == 0) continue;
                    for (int j = 0; j < w; j++)
                        acc += my[(size_t)y * h + i] * mx[(size_t)x * w + j] * in[((size_t)p * h + i) * w + j];
                }
                out[((size_t)p * oh + y) * ow + x] = acc;
            }
}

static void to_float(float *f, const double *d, size_t n)
{
    for (size_t i = 0; i < n; i++) f[i] = (float)d[i];
}

static void check_ops_vs_definition(int planes, int h, int w, uint64_t seed)
{
    const size_t n = (size_t)planes * h * w;
    const int rh = (h + 1) / 2, rw = (w + 1) / 2;
    float *x = malloc(n * sizeof *x), *got = malloc(4 * n * sizeof *got), *ref = malloc(4 * n * sizeof *ref);
    double *d = malloc(4 * n * sizeof *d);
    ob_test_fill_uniform(x, n, seed, -1, 1);
    char label[128];

    double *fy = filter_matrix(h, 1), *fx = filter_matrix(w, 1);
    apply(d, x, fy, fx, planes, h, w, h, w);
    to_float(ref, d, n);
    ob_test_fill_nan(got, n);
    OB_CHECK_OK(ob_pyr_blur_cpu(got, x, planes, h, w));
    snprintf(label, sizeof label, "blur P%d %dx%d vs definition", planes, h, w);
    ob_test_allclose(label, got, ref, n, 1e-6, 1e-6);
    free(fy), free(fx);

    double *ry = filter_matrix(h, 2), *rx = filter_matrix(w, 2);
    apply(d, x, ry, rx, planes, h, w, rh, rw);
    to_float(ref, d, (size_t)planes * rh * rw);
    ob_test_fill_nan(got, n);
    OB_CHECK_OK(ob_pyr_reduce_cpu(got, x, planes, h, w));
    snprintf(label, sizeof label, "reduce P%d %dx%d -> %dx%d vs definition", planes, h, w, rh, rw);
    ob_test_allclose(label, got, ref, (size_t)planes * rh * rw, 1e-6, 1e-6);
    free(ry), free(rx);

    /* expand to both sizes an axis may take (2n and 2n-1), plain and with base */
    for (int oy = 0; oy < 2; oy++) {
        const int oh = 2 * h - oy, ow = 2 * w - (1 - oy);
        if (oh < 1 || ow < 1) continue;
        double *ey = expand_matrix(h, oh), *ex = expand_matrix(w, ow);
        const size_t no = (size_t)planes * oh * ow;
        float *base = malloc(no * sizeof *base);
        ob_test_fill_uniform(base, no, seed + 7, -1, 1);
        apply(d, x, ey, ex, planes, h, w, oh, ow);
        to_float(ref, d, no);
        ob_test_fill_nan(got, no);
        OB_CHECK_OK(ob_pyr_expand_cpu(got, x, NULL, 1.0f, planes, h, w, oh, ow));
        snprintf(label, sizeof label, "expand P%d %dx%d -> %dx%d vs definition", planes, h, w, oh, ow);
        ob_test_allclose(label, got, ref, no, 1e-6, 1e-6);
        for (size_t i = 0; i < no; i++) ref[i] = (float)(base[i] - 0.5 * d[i]);
        OB_CHECK_OK(ob_pyr_expand_cpu(base, x, base, -0.5f, planes, h, w, oh, ow)); /* in place */
        snprintf(label, sizeof label, "base - 0.5 expand, in place, P%d %dx%d -> %dx%d", planes, h, w, oh, ow);
        ob_test_allclose(label, base, ref, no, 2e-6, 1e-6);
        free(ey), free(ex), free(base);
    }
    free(x), free(got), free(ref), free(d);
}

static void test_vs_definition(void)
{
    static const int sz[][2] = {{37, 53}, {1, 1}, {1, 9}, {8, 1}, {2, 2}, {3, 5}, {16, 12}, {31, 7}, {4, 33}};
    for (size_t c = 0; c < sizeof sz / sizeof sz[0]; c++) check_ops_vs_definition(c % 3 + 1, sz[c][0], sz[c][1], 40 + c);
}

/* ---- constants ------------------------------------------------------------- */

static void test_constants(void)
{
    const int h = 23, w = 31, n = 2 * h * w;
    float *x = malloc(4 * n * sizeof *x), *y = malloc(4 * n * sizeof *y), *ref = malloc(4 * n * sizeof *ref);
    static const float vals[2] = {1.0f, 0.7f};
    for (int v = 0; v < 2; v++) {
        /* 1.0: every partial sum is a small integer, so exact; 0.7: within an ulp */
        const double rtol = v == 0 ? 0 : 1.2e-7;
        for (int i = 0; i < 4 * n; i++) x[i] = vals[v], ref[i] = vals[v];
        char label[96];
        OB_CHECK_OK(ob_pyr_blur_cpu(y, x, 2, h, w));
        snprintf(label, sizeof label, "blur of the constant %g is constant", vals[v]);
        ob_test_allclose(label, y, ref, n, 0, rtol);
        OB_CHECK_OK(ob_pyr_reduce_cpu(y, x, 2, h, w));
        snprintf(label, sizeof label, "reduce of the constant %g is constant", vals[v]);
        ob_test_allclose(label, y, ref, 2 * ((h + 1) / 2) * ((w + 1) / 2), 0, rtol);
        OB_CHECK_OK(ob_pyr_expand_cpu(y, x, NULL, 1.0f, 2, h, w, 2 * h - 1, 2 * w));
        snprintf(label, sizeof label, "expand of the constant %g is constant", vals[v]);
        ob_test_allclose(label, y, ref, 2 * (2 * h - 1) * (2 * w), 0, rtol);
    }
    free(x), free(y), free(ref);
}

/* ---- cv2's values ---------------------------------------------------------- */

static void test_golden(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/golden/pyramid_golden.txt", ob_test_source_dir());
    FILE *f = fopen(path, "r");
    OB_CHECK(f != NULL, "open %s", path);
    if (!f) return;
    int h = 0, w = 0, ncase = 0;
    float *x = NULL;
    char word[16];
    while (fscanf(f, " %15s", word) == 1 && strcmp(word, "end") != 0) {
        if (strcmp(word, "input") == 0) {
            OB_CHECK(fscanf(f, "%d %d", &h, &w) == 2 && h > 0 && w > 0, "golden input header");
            free(x);
            x = malloc(sizeof(float) * h * w);
            for (int i = 0; i < h * w; i++)
                if (fscanf(f, "%f", &x[i]) != 1) OB_CHECK(0, "golden input value %d", i);
            continue;
        }
        char name[16];
        int oh, ow;
        OB_CHECK(strcmp(word, "case") == 0 && fscanf(f, " %15s %d %d", name, &oh, &ow) == 3 && x, "golden case header");
        float *ref = malloc(sizeof(float) * oh * ow), *y = malloc(sizeof(float) * oh * ow);
        for (int i = 0; i < oh * ow; i++)
            if (fscanf(f, "%f", &ref[i]) != 1) OB_CHECK(0, "golden %s value %d", name, i);
        if (strcmp(name, "down") == 0)
            OB_CHECK_OK(ob_pyr_reduce_cpu(y, x, 1, h, w));
        else
            OB_CHECK_OK(ob_pyr_expand_cpu(y, x, NULL, 1.0f, 1, h, w, oh, ow));
        char label[96];
        snprintf(label, sizeof label, "%s %dx%d -> %dx%d vs cv2.pyr%s", name, h, w, oh, ow,
                 name[0] == 'd' ? "Down" : "Up");
        ob_test_allclose(label, y, ref, (size_t)oh * ow, 1e-6, 1e-6);
        free(ref), free(y);
        ncase++;
    }
    OB_CHECK(ncase == 10 && strcmp(word, "end") == 0, "golden file read to its end (%d cases)", ncase);
    free(x);
    fclose(f);
}

/* ---- whole pyramids -------------------------------------------------------- */

static void check_pyramid(int planes, int h, int w, int levels, uint64_t seed)
{
    ob_pyr_shape s;
    OB_CHECK_OK(ob_pyr_shape_init(&s, planes, h, w, levels));
    const size_t n = (size_t)planes * h * w;
    float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *lap = malloc(s.numel * sizeof *lap);
    float *gau = malloc(s.numel * sizeof *gau), *ref = malloc(s.numel * sizeof *ref);
    ob_test_fill_uniform(x, n, seed, 0, 1);
    ob_test_fill_nan(gau, s.numel);
    ob_test_fill_nan(lap, s.numel);
    OB_CHECK_OK(ob_pyr_gaussian_cpu(gau, x, planes, h, w, levels));
    OB_CHECK_OK(ob_pyr_laplacian_cpu(lap, x, planes, h, w, levels));
    char label[128];

    /* Gaussian levels: the image, then reduce of the level below */
    memcpy(ref, x, n * sizeof *ref);
    for (int k = 0; k + 1 < levels; k++) ob_pyr_reduce_cpu(ref + s.offset[k + 1], ref + s.offset[k], planes, s.h[k], s.w[k]);
    snprintf(label, sizeof label, "gaussian pyramid P%d %dx%d L%d = image, reduce, reduce, ...", planes, h, w, levels);
    ob_test_allclose(label, gau, ref, s.numel, 0, 0);
    /* Laplacian levels: G_k - expand(G_{k+1}); the top is G_{L-1} */
    for (int k = 0; k + 1 < levels; k++)
        ob_pyr_expand_cpu(ref + s.offset[k], gau + s.offset[k + 1], gau + s.offset[k], -1.0f, planes, s.h[k + 1],
                          s.w[k + 1], s.h[k], s.w[k]);
    snprintf(label, sizeof label, "laplacian pyramid P%d %dx%d L%d = G_k - expand(G_k+1)", planes, h, w, levels);
    ob_test_allclose(label, lap, ref, s.numel, 0, 0);

    ob_test_fill_nan(y, n);
    OB_CHECK_OK(ob_pyr_collapse_cpu(y, lap, planes, h, w, levels));
    snprintf(label, sizeof label, "collapse(laplacian(img)) = img, P%d %dx%d L%d", planes, h, w, levels);
    ob_test_allclose(label, y, x, n, 1e-5, 0);
    free(x), free(y), free(lap), free(gau), free(ref);
}

static void test_pyramids(void)
{
    check_pyramid(3, 37, 53, ob_pyr_max_levels(37, 53), 1);
    check_pyramid(1, 37, 53, 1, 2);
    check_pyramid(2, 64, 48, 3, 3);
    check_pyramid(1, 2, 2, 1, 4);
    check_pyramid(1, 5, 300, 2, 5);
    check_pyramid(4, 129, 67, 6, 6);
    OB_CHECK(ob_pyr_max_levels(37, 53) == 5 && ob_pyr_max_levels(1, 9) == 1 && ob_pyr_max_levels(2, 3) == 1 &&
                 ob_pyr_max_levels(4, 4) == 2 && ob_pyr_max_levels(1024, 2000) == 10,
             "max levels = floor(log2(min side)), at least 1");
    OB_CHECK(ob_pyr_deep_levels(37, 53) == 6 && ob_pyr_deep_levels(1, 9) == 1 && ob_pyr_deep_levels(2, 3) == 2 &&
                 ob_pyr_deep_levels(4, 4) == 3 && ob_pyr_deep_levels(256, 512) == 9,
             "deep levels = floor(log2(min side)) + 1 (cv::buildPyramid with maxlevel floor(log2))");
    check_pyramid(3, 32, 48, ob_pyr_deep_levels(32, 48), 7);
    ob_pyr_shape s;
    OB_CHECK_OK(ob_pyr_shape_init(&s, 3, 37, 53, 4));
    OB_CHECK(s.h[1] == 19 && s.w[1] == 27 && s.h[3] == 5 && s.w[3] == 7 && s.offset[1] == (size_t)3 * 37 * 53 &&
                 s.numel == (size_t)3 * (37 * 53 + 19 * 27 + 10 * 14 + 5 * 7),
             "level sizes ceil(n/2) and offsets");
}

/* Level mix: mask 1 gives the first pyramid exactly, 0 the second, 0.25 the blend. */
static void test_blend_levels(void)
{
    const int c = 3, h = 21, w = 34, levels = 3;
    ob_pyr_shape s, sm;
    OB_CHECK_OK(ob_pyr_shape_init(&s, c, h, w, levels));
    OB_CHECK_OK(ob_pyr_shape_init(&sm, 1, h, w, levels));
    float *a = malloc(s.numel * 4), *b = malloc(s.numel * 4), *t = malloc(s.numel * 4), *m = malloc(s.numel * 4);
    ob_test_fill_uniform(a, s.numel, 11, -1, 1);
    ob_test_fill_uniform(b, s.numel, 12, -1, 1);
    for (int v = 0; v < 3; v++) {
        const float mv = v == 0 ? 1.0f : v == 1 ? 0.0f : 0.25f;
        for (size_t i = 0; i < s.numel; i++) m[i] = mv;
        memcpy(t, a, s.numel * 4);
        OB_CHECK_OK(ob_pyr_blend_cpu(t, b, m, c, v == 2 ? c : 1, h, w, levels));
        float *ref = malloc(s.numel * 4);
        for (size_t i = 0; i < s.numel; i++) ref[i] = (float)(mv * (double)a[i] + (1 - mv) * (double)b[i]);
        char label[64];
        snprintf(label, sizeof label, "blend levels under a constant mask %g (%s)", mv, v == 2 ? "C planes" : "1 plane");
        ob_test_allclose(label, t, ref, s.numel, v == 2 ? 1e-7 : 0, v == 2 ? 1e-6 : 0);
        free(ref);
    }
    free(a), free(b), free(t), free(m);
}

/* ---- tensors and bad input ------------------------------------------------ */

static void test_tensors_and_errors(void)
{
    float buf[64] = {0};
    OB_CHECK_FAILS(ob_pyr_reduce_cpu(buf, buf + 32, 0, 4, 4), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_pyr_blur_cpu(buf, buf + 32, 1, 0, 4), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_pyr_expand_cpu(buf, buf + 32, NULL, 1, 1, 3, 3, 7, 6), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "2n") != NULL, "expand size error explains the rule: %s", ob_last_error());
    OB_CHECK_FAILS(ob_pyr_expand_cpu(buf, buf + 32, NULL, 1, 1, 3, 3, 4, 6), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_pyr_mix_cpu(buf, buf, buf, buf, 3, 2, 4), OB_ERR_ARG);
    ob_pyr_shape s;
    OB_CHECK_FAILS(ob_pyr_shape_init(&s, 1, 37, 53, 0), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_pyr_shape_init(&s, 1, 37, 53, 7), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "1..6") != NULL, "levels error names the range: %s", ob_last_error());
    OB_CHECK_FAILS(ob_pyr_laplacian_cpu(buf, buf, 1, 4, 4, 4), OB_ERR_ARG);

    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    const int c = 2, h = 19, w = 26, levels = 3;
    OB_CHECK_OK(ob_pyr_shape_init(&s, c, h, w, levels));
    ob_tensor img, half, back, pyr, pyr_bad, out;
    int64_t si[3] = {c, h, w}, sh[3] = {c, 10, 13}, sp[1] = {(int64_t)s.numel}, spb[1] = {(int64_t)s.numel - 1};
    OB_CHECK_OK(ob_tensor_alloc(&img, OB_F32, OB_HOST, 3, si));
    OB_CHECK_OK(ob_tensor_alloc(&half, OB_F32, OB_HOST, 3, sh));
    OB_CHECK_OK(ob_tensor_alloc(&back, OB_F32, OB_HOST, 3, si));
    OB_CHECK_OK(ob_tensor_alloc(&out, OB_F32, OB_HOST, 3, si));
    OB_CHECK_OK(ob_tensor_alloc(&pyr, OB_F32, OB_HOST, 1, sp));
    OB_CHECK_OK(ob_tensor_alloc(&pyr_bad, OB_F32, OB_HOST, 1, spb));
    ob_test_fill_uniform(ob_tensor_f32(&img), (size_t)c * h * w, 9, 0, 1);
    float *ref = malloc(s.numel * sizeof *ref);

    OB_CHECK_OK(ob_pyr_reduce(ctx, &half, &img));
    OB_CHECK_OK(ob_pyr_reduce_cpu(ref, ob_tensor_f32(&img), c, h, w));
    ob_test_allclose("ob_pyr_reduce tensor entry", ob_tensor_f32(&half), ref, (size_t)c * 10 * 13, 0, 0);
    OB_CHECK_OK(ob_pyr_expand(ctx, &back, &half, &img, -1.0f));
    OB_CHECK_OK(ob_pyr_expand_cpu(ref, ob_tensor_f32(&half), ob_tensor_f32(&img), -1.0f, c, 10, 13, h, w));
    ob_test_allclose("ob_pyr_expand tensor entry", ob_tensor_f32(&back), ref, (size_t)c * h * w, 0, 0);
    OB_CHECK_OK(ob_pyr_blur(ctx, &out, &img));
    OB_CHECK_OK(ob_pyr_blur_cpu(ref, ob_tensor_f32(&img), c, h, w));
    ob_test_allclose("ob_pyr_blur tensor entry", ob_tensor_f32(&out), ref, (size_t)c * h * w, 0, 0);
    OB_CHECK_OK(ob_pyr_build(ctx, &pyr, &img, levels, 0));
    OB_CHECK_OK(ob_pyr_laplacian_cpu(ref, ob_tensor_f32(&img), c, h, w, levels));
    ob_test_allclose("ob_pyr_build laplacian tensor entry", ob_tensor_f32(&pyr), ref, s.numel, 0, 0);
    OB_CHECK_OK(ob_pyr_collapse(ctx, &out, &pyr, levels));
    ob_test_allclose("ob_pyr_collapse tensor entry", ob_tensor_f32(&out), ob_tensor_f32(&img), (size_t)c * h * w,
                     1e-5, 0);

    OB_CHECK_FAILS(ob_pyr_reduce(ctx, &back, &img), OB_ERR_ARG);             /* wrong output size */
    OB_CHECK_FAILS(ob_pyr_expand(ctx, &back, &img, NULL, 1.0f), OB_ERR_ARG); /* 19x26 cannot expand to 19x26 */
    OB_CHECK_FAILS(ob_pyr_expand(ctx, &back, &half, &half, 1.0f), OB_ERR_ARG); /* base of the wrong shape */
    OB_CHECK_FAILS(ob_pyr_build(ctx, &pyr_bad, &img, levels, 0), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_pyr_build(ctx, &pyr, &img, 5, 0), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_pyr_collapse(ctx, &out, &pyr_bad, levels), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_pyr_blend(ctx, &pyr, &pyr, &pyr, c, 3, h, w, levels), OB_ERR_ARG);
    free(ref);
    ob_tensor_free(&img), ob_tensor_free(&half), ob_tensor_free(&back), ob_tensor_free(&pyr);
    ob_tensor_free(&pyr_bad), ob_tensor_free(&out);
    ob_ctx_destroy(ctx);
}

int main(void)
{
    test_vs_definition();
    test_constants();
    test_golden();
    test_pyramids();
    test_blend_levels();
    test_tensors_and_errors();
    return ob_test_finish();
}
