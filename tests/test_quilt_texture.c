/* test_quilt_texture.c — the quilting pipelines on real textures (scikit-image's
 * brick and gravel, from $OB_SKIMAGE_DATA or Debian's python3-skimage; exit 77
 * SKIPPED when they are missing):
 *
 *   seams: the boundary error (below), averaged over 3 seeds, on gravel:
 *     quilt_cut < quilt_simple < quilt_random (measured: 0.0054, 0.0062, 0.0128);
 *     on brick both overlap methods are under half of random (0.0020-0.0022 vs
 *     0.0050), but cut vs simple (within 10% either way, depending on crop and
 *     output size) is inside the metric's noise there: the mortar lines' own
 *     gradients dominate every pair. The boundary error is the mean,
 *     over every pair of horizontally / vertically adjacent pixels in a zone
 *     O pixels wide starting at each patch boundary of the grid (x = k * step,
 *     the pairs (x-1, x) ... (x+O-2, x+O-1); rows likewise), of the squared
 *     difference. Each zone row holds exactly one crossing from the old patch
 *     to the new one: at the zone's start for random (abutting patches) and
 *     simple (the new patch pasted over the overlap), somewhere along the
 *     seam for cut; the other pairs are texture, the same in expectation for
 *     the three methods. So the metric ranks how visible the crossings are.
 *
 *   transfer (2 passes): gravel (a 128x128 crop) rendered as camera (downscaled 4x to 128x128)
 *     resembles the target: the correlation of its blurred luminance (binomial
 *     5x5, as the correspondence map) with the target's is > 0.8, while a
 *     plain quilt of gravel (no target) is < 0.3 (the two numbers measured:
 *     0.95 and -0.03 on this machine; printed); every output pixel is a
 *     sample pixel.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_image_io.h"
#include "ob_quilt.h"
#include "ob_test.h"

static int load(ob_tensor *t, const char *name)
{
    const char *dir = getenv("OB_SKIMAGE_DATA");
    if (!dir || !*dir) dir = "/usr/lib/python3/dist-packages/skimage/data";
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (ob_image_read(t, NULL, path) != OB_OK) {
        printf("cannot read %s (%s); set OB_SKIMAGE_DATA to scikit-image's data folder\n", path, ob_last_error());
        return 0;
    }
    return 1;
}

/* (C, h, w) crop at (y, x). */
static ob_tensor crop(const ob_tensor *t, int y, int x, int h, int w)
{
    ob_tensor o;
    const int c = (int)t->shape[0], th = (int)t->shape[1], tw = (int)t->shape[2];
    int64_t shape[3] = {c, h, w};
    if (ob_tensor_alloc(&o, OB_F32, OB_HOST, 3, shape) != OB_OK) abort();
    for (int ch = 0; ch < c; ch++)
        for (int i = 0; i < h; i++)
            memcpy(ob_tensor_f32(&o) + ((size_t)ch * h + i) * w, ob_tensor_f32(t) + ((size_t)ch * th + y + i) * tw + x,
                   (size_t)w * sizeof(float));
    return o;
}

/* The boundary error of the header comment. */
static double boundary_error(const ob_tensor *t, int step, int ov)
{
    const int c = (int)t->shape[0], h = (int)t->shape[1], w = (int)t->shape[2];
    const float *p = ob_tensor_f32(t);
    double sum = 0;
    long n = 0;
    for (int ch = 0; ch < c; ch++) {
        const float *q = p + (size_t)ch * h * w;
        for (int x0 = step; x0 < w; x0 += step)
            for (int x = x0; x < x0 + ov && x < w; x++)
                for (int y = 0; y < h; y++) {
                    const double d = q[y * w + x] - q[y * w + x - 1];
                    sum += d * d, n++;
                }
        for (int y0 = step; y0 < h; y0 += step)
            for (int y = y0; y < y0 + ov && y < h; y++)
                for (int x = 0; x < w; x++) {
                    const double d = q[y * w + x] - q[(y - 1) * w + x];
                    sum += d * d, n++;
                }
    }
    return sum / (double)(n ? n : 1);
}

/* strict: cut < simple < random; else simple and cut < random / 2 */
static void seams(ob_ctx *ctx, const ob_tensor *img, const char *name, int strict)
{
    ob_tensor smp = crop(img, 40, 60, 160, 160);
    ob_quilt_opts o;
    ob_quilt_opts_init(&o);
    o.patch = 24, o.overlap = 6, o.tol = 3;
    double e[3] = {0, 0, 0};
    for (int seed = 1; seed <= 3; seed++) {
        o.seed = (uint64_t)seed;
        for (int m = 0; m < 3; m++) {
            ob_tensor out = {0};
            OB_CHECK_OK(ob_quilt(ctx, &out, &smp, 168, 150, (ob_quilt_method)m, &o));
            if (!out.data) continue;
            e[m] += boundary_error(&out, m == OB_QUILT_RANDOM ? o.patch : o.patch - o.overlap, o.overlap) / 3;
            ob_tensor_free(&out);
        }
    }
    printf("%s: boundary error random %.5f  simple %.5f  cut %.5f\n", name, e[0], e[1], e[2]);
    if (strict)
        OB_CHECK(e[2] < e[1] && e[1] < e[0], "%s: boundary error cut %.5f < simple %.5f < random %.5f", name, e[2],
                 e[1], e[0]);
    else
        OB_CHECK(e[2] < e[0] / 2 && e[1] < e[0] / 2, "%s: boundary error cut %.5f and simple %.5f < random %.5f / 2",
                 name, e[2], e[1], e[0]);
    ob_tensor_free(&smp);
}

/* Luma blurred by the 5x5 binomial with clamped borders, (h, w). */
static float *blurred_luma(const ob_tensor *t)
{
    const int c = (int)t->shape[0], h = (int)t->shape[1], w = (int)t->shape[2];
    const float *p = ob_tensor_f32(t);
    const size_t n = (size_t)h * w;
    float *y = malloc(n * sizeof *y), *b = malloc(n * sizeof *b);
    for (size_t i = 0; i < n; i++) y[i] = c >= 3 ? 0.299f * p[i] + 0.587f * p[n + i] + 0.114f * p[2 * n + i] : p[i];
    static const double k[5] = {1 / 16.0, 4 / 16.0, 6 / 16.0, 4 / 16.0, 1 / 16.0};
    for (int r = 0; r < h; r++)
        for (int x = 0; x < w; x++) {
            double acc = 0;
            for (int i = -2; i <= 2; i++)
                for (int j = -2; j <= 2; j++) {
                    int yy = r + i < 0 ? 0 : r + i >= h ? h - 1 : r + i, xx = x + j < 0 ? 0 : x + j >= w ? w - 1 : x + j;
                    acc += k[i + 2] * k[j + 2] * y[(size_t)yy * w + xx];
                }
            b[(size_t)r * w + x] = (float)acc;
        }
    free(y);
    return b;
}

static double correlation(const ob_tensor *a, const ob_tensor *b)
{
    float *x = blurred_luma(a), *y = blurred_luma(b);
    const size_t n = (size_t)a->shape[1] * a->shape[2];
    double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) mx += x[i], my += y[i];
    mx /= (double)n, my /= (double)n;
    for (size_t i = 0; i < n; i++)
        sxy += (x[i] - mx) * (y[i] - my), sxx += (x[i] - mx) * (x[i] - mx), syy += (y[i] - my) * (y[i] - my);
    free(x), free(y);
    return sxy / sqrt(sxx * syy + 1e-30);
}

static int cmp_float(const void *a, const void *b)
{
    const float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* 1 channel: every output value is a sample value (sorted, binary search). */
static int pixels_from(const ob_tensor *out, const ob_tensor *smp)
{
    const size_t ns = (size_t)ob_tensor_numel(smp), no = (size_t)ob_tensor_numel(out);
    float *s = malloc(ns * sizeof *s);
    memcpy(s, smp->data, ns * sizeof *s);
    qsort(s, ns, sizeof *s, cmp_float);
    int ok = 1;
    const float *o = ob_tensor_f32(out);
    for (size_t i = 0; i < no && ok; i++) ok = bsearch(&o[i], s, ns, sizeof *s, cmp_float) != NULL;
    free(s);
    return ok;
}

/* target (1, h/4, w/4) <- 4x4 box average of t (1 channel). */
static ob_tensor downscale4(const ob_tensor *t)
{
    const int h = (int)t->shape[1], w = (int)t->shape[2], oh = h / 4, ow = w / 4;
    ob_tensor o;
    int64_t shape[3] = {1, oh, ow};
    if (ob_tensor_alloc(&o, OB_F32, OB_HOST, 3, shape) != OB_OK) abort();
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++) {
            float acc = 0;
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) acc += ob_tensor_f32(t)[(size_t)(4 * y + i) * w + 4 * x + j];
            ob_tensor_f32(&o)[(size_t)y * ow + x] = acc / 16;
        }
    return o;
}

static void transfer(ob_ctx *ctx, const ob_tensor *gravel, const ob_tensor *camera)
{
    ob_tensor smp = crop(gravel, 0, 0, 128, 128), tgt = downscale4(camera), out = {0}, plain = {0};
    ob_quilt_opts o;
    ob_quilt_opts_init(&o);
    o.patch = 15, o.overlap = 3, o.tol = 3, o.seed = 1, o.iterations = 2;
    OB_CHECK_OK(ob_texture_transfer(ctx, &out, &smp, &tgt, &o));
    OB_CHECK_OK(ob_quilt_cut(ctx, &plain, &smp, (int)tgt.shape[2], (int)tgt.shape[1], &o));
    if (out.data && plain.data) {
        const double r = correlation(&out, &tgt), r0 = correlation(&plain, &tgt);
        printf("transfer gravel -> camera: correlation of blurred luminance %.3f (plain quilt %.3f)\n", r, r0);
        OB_CHECK(r > 0.8, "transfer resembles the target: correlation %.3f > 0.8", r);
        OB_CHECK(fabs(r0) < 0.3, "a plain quilt does not: |correlation| %.3f < 0.3", r0);
        OB_CHECK(pixels_from(&out, &smp), "transfer uses only sample pixels");
    }
    ob_tensor_free(&out), ob_tensor_free(&plain), ob_tensor_free(&smp), ob_tensor_free(&tgt);
}

int main(void)
{
    ob_tensor brick = {0}, gravel = {0}, camera = {0};
    if (!load(&brick, "brick.png") || !load(&gravel, "gravel.png") || !load(&camera, "camera.png"))
        ob_test_skip("scikit-image's brick/gravel/camera are missing");
    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    seams(ctx, &brick, "brick", 0);
    seams(ctx, &gravel, "gravel", 1);
    transfer(ctx, &gravel, &camera);
    ob_ctx_destroy(ctx);
    ob_tensor_free(&brick), ob_tensor_free(&gravel), ob_tensor_free(&camera);
    return ob_test_finish();
}
