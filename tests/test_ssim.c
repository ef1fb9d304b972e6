/* test_ssim.c — the SSIM CPU path against independent truths and against
 * scikit-image on real photos.
 *
 * Truths
 *   - identical images give 1 (within 1e-12);
 *   - two constant images p, q give (2pq + C1) / (p^2 + q^2 + C1) exactly;
 *   - a linear ramp x and x + c: a normalised symmetric filter keeps a ramp, so
 *     ux = x, uy = x + c and vx = vy = vxy, hence per pixel
 *     S = (2x(x+c) + C1) / (x^2 + (x+c)^2 + C1), averaged in closed form;
 *   - a brute-force double SSIM (direct 11x11 window sums, written from the
 *     paper, not from ssim_cpu.c) on random odd-sized images, within 1e-6;
 *   - scikit-image 0.19 structural_similarity / peak_signal_noise_ratio on
 *     pairs made from its own photos (tests/golden/ssim_skimage.tsv, written by
 *     tests/golden/make_ssim_golden.py), |ours - skimage| <= 1e-5 for SSIM and
 *     1e-5 dB for PSNR. The photos come from $OB_SKIMAGE_DATA (default Debian's
 *     python3-skimage folder); without them the test is SKIPPED, never passed.
 * The photo pairs are also written as 8-bit PNGs to $OB_TEST_TMP/ssim_pairs/
 * (NAME_a.png, NAME_b.png, manifest.tsv with the expected values) for the CLI
 * test of `obscura metrics`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ob_image_io.h"
#include "ob_test.h"
#include "psnr.h"
#include "ssim.h"

#define SKIMAGE_TOL 1e-5
/* PSNR: our inputs are float32 v/255 (relative rounding 6e-8 per value, up to
 * ~1e-6 relative on a difference), skimage's are exact integers: 1e-5 dB. */
#define PSNR_TOL_DB 1e-5
#define BRUTE_TOL 1e-6

/* ---- brute force: the paper's definition with a 2-D Gaussian window --------- */
static double brute_ssim_plane(const float *a, const float *b, int h, int w, double R)
{
    double g[11], gs = 0;
    for (int k = 0; k < 11; k++) gs += g[k] = exp(-(double)(k - 5) * (k - 5) / (2 * 1.5 * 1.5));
    for (int k = 0; k < 11; k++) g[k] /= gs;
    const double C1 = 0.01 * R * 0.01 * R, C2 = 0.03 * R * 0.03 * R;
    double total = 0;
    for (int i = 5; i < h - 5; i++)
        for (int j = 5; j < w - 5; j++) {
            double mx = 0, my = 0;
            for (int u = 0; u < 11; u++)
                for (int v = 0; v < 11; v++) {
                    double wt = g[u] * g[v];
                    mx += wt * a[(i - 5 + u) * w + j - 5 + v], my += wt * b[(i - 5 + u) * w + j - 5 + v];
                }
            /* second pass: central moments directly, no cancellation */
            double sx = 0, sy = 0, sxy = 0;
            for (int u = 0; u < 11; u++)
                for (int v = 0; v < 11; v++) {
                    double wt = g[u] * g[v];
                    double dx = a[(i - 5 + u) * w + j - 5 + v] - mx, dy = b[(i - 5 + u) * w + j - 5 + v] - my;
                    sx += wt * dx * dx, sy += wt * dy * dy, sxy += wt * dx * dy;
                }
            total += (2 * mx * my + C1) * (2 * sxy + C2) / ((mx * mx + my * my + C1) * (sx + sy + C2));
        }
    return total / ((double)(h - 10) * (w - 10));
}

static void test_brute_force(int planes, int h, int w, uint64_t seed, double R)
{
    size_t n = (size_t)planes * h * w;
    float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    ob_test_fill_uniform(a, n, seed, 0, (float)R);
    /* b: a plus noise, so SSIM is neither ~0 nor ~1 */
    ob_test_fill_uniform(b, n, seed + 100, -0.2f * (float)R, 0.2f * (float)R);
    for (size_t i = 0; i < n; i++) b[i] += a[i];
    double *got = malloc(sizeof(double) * planes);
    OB_CHECK_OK(ob_ssim_cpu(got, a, b, planes, h, w, R));
    double worst = 0;
    for (int p = 0; p < planes; p++) {
        double ref = brute_ssim_plane(a + (size_t)p * h * w, b + (size_t)p * h * w, h, w, R);
        double d = fabs(got[p] - ref);
        if (!(d <= worst)) worst = d;
    }
    OB_CHECK(worst <= BRUTE_TOL, "brute force %dx%dx%d R=%g: max |fast - brute| %.3g > %g", planes, h, w, R, worst,
             BRUTE_TOL);
    printf("brute force %d x %d x %d R=%g: max |fast - brute| = %.3g (tol %g)\n", planes, h, w, R, worst, BRUTE_TOL);
    free(a), free(b), free(got);
}

static void test_identical_and_constant(void)
{
    const int h = 23, w = 31;
    float *a = malloc(sizeof(float) * h * w), *b = malloc(sizeof(float) * h * w);
    ob_test_fill_uniform(a, (size_t)h * w, 42, 0, 1);
    double s;
    OB_CHECK_OK(ob_ssim_cpu(&s, a, a, 1, h, w, 1.0));
    OB_CHECK(fabs(s - 1) <= 1e-12, "identical images: ssim %.17g, expected 1", s);

    const double p = 0.7, q = 0.3, C1 = 1e-4;
    for (int i = 0; i < h * w; i++) a[i] = (float)p, b[i] = (float)q;
    OB_CHECK_OK(ob_ssim_cpu(&s, a, b, 1, h, w, 1.0));
    double pf = (float)p, qf = (float)q, want = (2 * pf * qf + C1) / (pf * pf + qf * qf + C1);
    OB_CHECK(fabs(s - want) <= 1e-12, "constant images %g, %g: ssim %.17g, closed form %.17g", p, q, s, want);
    free(a), free(b);
}

/* x = gamma + alpha*i + beta*j and x + c, per-pixel closed form (see the top). */
static void test_ramp_offset(void)
{
    const int h = 41, w = 57;
    const double alpha = 0.011, beta = 0.007, gamma = 0.1, c = 0.05, C1 = 1e-4;
    float *a = malloc(sizeof(float) * h * w), *b = malloc(sizeof(float) * h * w);
    for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++) a[i * w + j] = (float)(gamma + alpha * i + beta * j), b[i * w + j] = a[i * w + j] + (float)c;
    double want = 0;
    for (int i = 5; i < h - 5; i++)
        for (int j = 5; j < w - 5; j++) {
            double x = a[i * w + j], y = b[i * w + j]; /* as stored (float) */
            want += (2 * x * y + C1) / (x * x + y * y + C1);
        }
    want /= (double)(h - 10) * (w - 10);
    double s;
    OB_CHECK_OK(ob_ssim_cpu(&s, a, b, 1, h, w, 1.0));
    OB_CHECK(fabs(s - want) <= 1e-7, "ramp + offset: ssim %.12f, closed form %.12f", s, want);
    printf("ramp + offset %g: ssim %.12f, closed form %.12f\n", c, s, want);
    free(a), free(b);
}

static void test_errors(void)
{
    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    ob_tensor a, b, small, other;
    int64_t s3[3] = {3, 20, 30}, s_small[3] = {3, 10, 30}, s_other[3] = {3, 30, 20};
    OB_CHECK_OK(ob_tensor_zeros(&a, OB_F32, OB_HOST, 3, s3));
    OB_CHECK_OK(ob_tensor_zeros(&b, OB_F32, OB_HOST, 3, s3));
    OB_CHECK_OK(ob_tensor_zeros(&small, OB_F32, OB_HOST, 3, s_small));
    OB_CHECK_OK(ob_tensor_zeros(&other, OB_F32, OB_HOST, 3, s_other));
    double m, per[3];
    OB_CHECK_OK(ob_ssim(ctx, &m, per, &a, &b, 1.0));
    OB_CHECK(m == 1.0 && per[0] == 1.0 && per[2] == 1.0, "zeros vs zeros: %g", m);
    OB_CHECK_FAILS(ob_ssim(ctx, &m, NULL, &small, &small, 1.0), OB_ERR_ARG);
    printf("too small: %s\n", ob_last_error());
    OB_CHECK(strstr(ob_last_error(), "11 x 11") != NULL, "the message names the window: %s", ob_last_error());
    OB_CHECK_FAILS(ob_ssim(ctx, &m, NULL, &a, &other, 1.0), OB_ERR_ARG);
    printf("shape mismatch: %s\n", ob_last_error());
    OB_CHECK(strstr(ob_last_error(), "(3, 20, 30)") && strstr(ob_last_error(), "(3, 30, 20)"),
             "the message names both shapes: %s", ob_last_error());
    OB_CHECK_FAILS(ob_ssim(ctx, &m, NULL, &a, &b, 0.0), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_ssim(ctx, &m, NULL, &a, &b, NAN), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_ssim_cpu(per, ob_tensor_f32(&a), ob_tensor_f32(&b), 1, 10, 11, 1.0), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_ssim_cpu(per, ob_tensor_f32(&a), ob_tensor_f32(&b), 0, 11, 11, 1.0), OB_ERR_ARG);
    ob_tensor_free(&a), ob_tensor_free(&b), ob_tensor_free(&small), ob_tensor_free(&other);
    ob_ctx_destroy(ctx);
}

/* ---- scikit-image on real photos ------------------------------------------ */
typedef struct {
    char name[64], photo_a[64], photo_b[64], op[32];
    int ca[4], cb[4]; /* y0, x0, h, w */
    double ssim, psnr;
} golden_case;

static const char *skimage_data(void)
{
    const char *d = getenv("OB_SKIMAGE_DATA");
    return d && *d ? d : "/usr/lib/python3/dist-packages/skimage/data";
}

/* photo cropped to (C, h, w) at (y0, x0); OB_ERR_* when the file is missing. */
static ob_status load_crop(ob_tensor *out, const char *photo, const int *crop)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.png", skimage_data(), photo);
    ob_tensor full;
    OB_TRY(ob_image_read(&full, NULL, path));
    const int C = (int)full.shape[0], H = (int)full.shape[1], W = (int)full.shape[2];
    const int y0 = crop[0], x0 = crop[1], h = crop[2], w = crop[3];
    if (y0 + h > H || x0 + w > W) {
        ob_tensor_free(&full);
        return OB_FAIL(OB_ERR_ARG, "%s is %dx%d, crop %d,%d,%d,%d does not fit", path, H, W, y0, x0, h, w);
    }
    int64_t shape[3] = {C, h, w};
    ob_status s = ob_tensor_alloc(out, OB_F32, OB_HOST, 3, shape);
    if (s == OB_OK) {
        const float *src = ob_tensor_f32(&full);
        float *dst = ob_tensor_f32(out);
        for (int c = 0; c < C; c++)
            for (int i = 0; i < h; i++)
                memcpy(dst + ((size_t)c * h + i) * w, src + ((size_t)c * H + y0 + i) * W + x0, sizeof(float) * w);
    }
    ob_tensor_free(&full);
    return s;
}

/* The ops of make_ssim_golden.py, on 8-bit values v = round(255 * x). */
static int apply_op(ob_tensor *t, const char *op)
{
    const int C = (int)t->shape[0];
    const size_t plane = (size_t)t->shape[1] * t->shape[2];
    float *x = ob_tensor_f32(t);
    if (!strcmp(op, "none")) return 1;
    if (!strncmp(op, "quant", 5) || !strcmp(op, "invert")) {
        int q = op[0] == 'q' ? atoi(op + 5) : 0;
        for (size_t i = 0; i < plane * C; i++) {
            int v = (int)lrintf(x[i] * 255.0f);
            v = q ? (v / q) * q : 255 - v;
            x[i] = (float)v / 255.0f;
        }
        return 1;
    }
    if (!strcmp(op, "bgr")) {
        for (int c = 0; c < C / 2; c++)
            for (size_t i = 0; i < plane; i++) {
                float tmp = x[c * plane + i];
                x[c * plane + i] = x[(C - 1 - c) * plane + i];
                x[(C - 1 - c) * plane + i] = tmp;
            }
        return 1;
    }
    return 0;
}

static int read_golden(golden_case *cases, int max)
{
    char path[1024], line[1024];
    snprintf(path, sizeof path, "%s/tests/golden/ssim_skimage.tsv", ob_test_source_dir());
    FILE *f = fopen(path, "r");
    OB_CHECK(f != NULL, "cannot open %s", path);
    if (!f) return 0;
    int n = 0;
    while (n < max && fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        golden_case *g = &cases[n];
        int got = sscanf(line, "%63s %63s %d,%d,%d,%d %63s %d,%d,%d,%d %31s %lf %lf", g->name, g->photo_a, &g->ca[0],
                         &g->ca[1], &g->ca[2], &g->ca[3], g->photo_b, &g->cb[0], &g->cb[1], &g->cb[2], &g->cb[3],
                         g->op, &g->ssim, &g->psnr);
        OB_CHECK(got == 14, "%s: cannot parse line: %s", path, line);
        if (got == 14) n++;
    }
    fclose(f);
    OB_CHECK(n >= 4, "%s: only %d cases", path, n);
    return n;
}

static int photos_present(const golden_case *cases, int n)
{
    char path[512];
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s.png", skimage_data(), cases[i].photo_a);
        if (access(path, R_OK) != 0) return 0;
        snprintf(path, sizeof path, "%s/%s.png", skimage_data(), cases[i].photo_b);
        if (access(path, R_OK) != 0) return 0;
    }
    return 1;
}

static void write_pair(FILE *manifest, const golden_case *g, const ob_tensor *a, const ob_tensor *b)
{
    char pa[1024], pb[1024];
    snprintf(pa, sizeof pa, "%s/ssim_pairs/%.63s_a.png", ob_test_tmpdir(), g->name);
    snprintf(pb, sizeof pb, "%s/ssim_pairs/%.63s_b.png", ob_test_tmpdir(), g->name);
    OB_CHECK_OK(ob_image_write(pa, a, OB_FMT_PNG, 8));
    OB_CHECK_OK(ob_image_write(pb, b, OB_FMT_PNG, 8));
    if (manifest)
        fprintf(manifest, "%s\t%s_a.png\t%s_b.png\t%.17g\t%.17g\n", g->name, g->name, g->name, g->ssim, g->psnr);
}

static void test_skimage_photos(void)
{
    golden_case cases[32];
    int n = read_golden(cases, 32);
    if (n == 0) return;
    if (!photos_present(cases, n)) {
        if (ob_test_failed) return; /* report the failures, do not hide them behind a skip */
        char why[700];
        snprintf(why, sizeof why,
                 "scikit-image's photos (astronaut.png, camera.png, coffee.png, chelsea.png) are not in %s; "
                 "install python3-skimage or set OB_SKIMAGE_DATA",
                 skimage_data());
        ob_test_skip(why);
    }
    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    char dir[512], mpath[600];
    mkdir(ob_test_path(dir, sizeof dir, "ssim_pairs"), 0755);
    snprintf(mpath, sizeof mpath, "%s/manifest.tsv", dir);
    FILE *manifest = fopen(mpath, "w");
    OB_CHECK(manifest != NULL, "cannot write %s", mpath);
    if (manifest)
        fprintf(manifest, "# name\ta\tb\tssim\tpsnr_db  (scikit-image, data_range 255 on 8-bit = 1 on [0,1])\n");
    double worst_ssim = 0, worst_psnr = 0;
    printf("%-20s %20s %20s %10s %14s %14s\n", "case", "ssim obscura", "ssim skimage", "|diff|", "psnr obscura",
           "psnr skimage");
    for (int i = 0; i < n; i++) {
        golden_case *g = &cases[i];
        ob_tensor a = {0}, b = {0};
        if (load_crop(&a, g->photo_a, g->ca) != OB_OK || load_crop(&b, g->photo_b, g->cb) != OB_OK) {
            OB_CHECK(0, "%s: %s", g->name, ob_last_error());
            ob_tensor_free(&a), ob_tensor_free(&b);
            continue;
        }
        OB_CHECK(apply_op(&b, g->op), "%s: unknown op %s", g->name, g->op);
        double s = NAN, p = NAN;
        OB_CHECK_OK(ob_ssim(ctx, &s, NULL, &a, &b, 1.0));
        OB_CHECK_OK(ob_psnr(ctx, &p, &a, &b, 1.0));
        double ds = fabs(s - g->ssim), dp = fabs(p - g->psnr);
        if (!(ds <= worst_ssim)) worst_ssim = ds;
        if (!(dp <= worst_psnr)) worst_psnr = dp;
        printf("%-20s %20.15f %20.15f %10.2e %14.9f %14.9f\n", g->name, s, g->ssim, ds, p, g->psnr);
        OB_CHECK(ds <= SKIMAGE_TOL, "%s: ssim %.15f vs skimage %.15f (|diff| %.3g > %g)", g->name, s, g->ssim, ds,
                 SKIMAGE_TOL);
        OB_CHECK(dp <= PSNR_TOL_DB, "%s: psnr %.12f vs skimage %.12f dB (|diff| %.3g > %g)", g->name, p, g->psnr, dp,
                 PSNR_TOL_DB);
        /* symmetric in a and b */
        double s2 = NAN;
        OB_CHECK_OK(ob_ssim(ctx, &s2, NULL, &b, &a, 1.0));
        OB_CHECK(fabs(s2 - s) <= 1e-12, "%s: ssim(b, a) %.17g != ssim(a, b) %.17g", g->name, s2, s);
        write_pair(manifest, g, &a, &b);
        ob_tensor_free(&a), ob_tensor_free(&b);
    }
    printf("max |ssim - skimage| = %.3g (tol %g), max |psnr - skimage| = %.3g dB (tol %g)\n", worst_ssim, SKIMAGE_TOL,
           worst_psnr, PSNR_TOL_DB);
    if (manifest) fclose(manifest);
    printf("pairs for the CLI test: %s\n", mpath);
    ob_ctx_destroy(ctx);
}

int main(void)
{
    test_identical_and_constant();
    test_ramp_offset();
    test_brute_force(1, 11, 11, 1, 1.0);
    test_brute_force(2, 13, 29, 2, 1.0);
    test_brute_force(3, 37, 53, 3, 255.0);
    test_brute_force(1, 64, 71, 4, 1.0);
    test_errors();
    test_skimage_photos();
    return ob_test_finish();
}
