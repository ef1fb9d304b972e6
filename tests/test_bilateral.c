/* test_bilateral.c — the CPU paths of bilateral_grid.h and bilateral_exact.h
 * against independent truths:
 *   - hand-evaluated exact filters (a 1x3 line, the disc's edge on a 5x5 grid);
 *   - a constant image stays constant (both filters, plain and cross);
 *   - the grid's stages: the splat conserves mass (sum of weights = pixels,
 *     sum of values = sum of in), the blur of a unit mass is the product of
 *     the 1-D taps;
 *   - sigma_r huge: both filters become a Gaussian blur, compared with a
 *     direct (normalised, in-image) Gaussian of the same sigma;
 *   - a noisy step much larger than sigma_r keeps each side's mean;
 *   - the accuracy check: grid vs exact on the log10 intensity of a
 *     real photo at sigma_s = 16 px, sigma_r = 0.4 must reach PSNR >= 35 dB;
 *   - argument checks and the tensor entry points.
 * The photo comes from scikit-image's data folder (OB_SKIMAGE_DATA overrides);
 * without it the test reports SKIPPED (exit 77), never passed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bilateral_exact.h"
#include "bilateral_grid.h"
#include "ob_image_io.h"
#include "ob_test.h"
#include "psnr.h"

/* ---- hand-evaluated exact filters ---------------------------------------- */

static void test_exact_by_hand(void)
{
    /* in = guide = (0, 1, 0), sigma_s = sigma_r = 1 (radius 3 covers the line):
     * centre: weights e^-1 (both neighbours: e^-1/2 spatial * e^-1/2 range) and 1,
     *         out = 1 / (1 + 2/e) = 0.57611688
     * left:   self 1 (value 0), x=1: e^-1/2 * e^-1/2 (value 1), x=2: e^-2 * 1 (value 0),
     *         out = e^-1 / (1 + e^-1 + e^-2) = 0.24472847 (right: the same) */
    const float line[3] = {0, 1, 0}, want[3] = {0.24472847f, 0.57611688f, 0.24472847f};
    float got[3];
    OB_CHECK_OK(ob_bilateral_exact_cpu(got, line, line, 1, 3, 1.f, 1.f));
    ob_test_allclose("exact 1x3 by hand", got, want, 3, 1e-7, 1e-6);
    /* the same line as a column */
    OB_CHECK_OK(ob_bilateral_exact_cpu(got, line, line, 3, 1, 1.f, 1.f));
    ob_test_allclose("exact 3x1 by hand", got, want, 3, 1e-7, 1e-6);

    /* 5x5, in = a unit impulse at (0, 0), guide = 0 (range weights 1), sigma_s = 0.5:
     * radius ceil(1.5) = 2, the disc dy^2 + dx^2 <= 4.
     * centre (2, 2): the impulse is at offset (-2, -2), outside the disc: out = 0 exactly.
     * (2, 0): the impulse at (-2, 0), on the disc's edge, weight e^-8; the pixel's
     * in-image disc holds dx in 0..2: 1 + 3e^-2 + 2e^-4 + 3e^-8 = 1.44364352,
     * out = e^-8 / 1.44364352 = 2.3237221e-4. */
    float imp[25] = {0}, zero[25] = {0}, out[25];
    imp[0] = 1.f;
    OB_CHECK_OK(ob_bilateral_exact_cpu(out, imp, zero, 5, 5, 0.5f, 1.f));
    OB_CHECK(out[2 * 5 + 2] == 0.f, "exact: a neighbour outside the disc gets no weight (got %g)", out[12]);
    const float want20 = 2.3237221e-4f;
    ob_test_allclose("exact 5x5 impulse on the disc's edge", &out[2 * 5 + 0], &want20, 1, 1e-10, 1e-5);
}

/* ---- constants ------------------------------------------------------------ */

static void test_constant(void)
{
    const int h = 37, w = 53;
    float *in = malloc(sizeof(float) * h * w), *guide = malloc(sizeof(float) * h * w),
          *out = malloc(sizeof(float) * h * w), *want = malloc(sizeof(float) * h * w);
    for (int i = 0; i < h * w; i++) in[i] = want[i] = 0.7f;
    ob_test_fill_uniform(guide, (size_t)h * w, 11, -1, 2);
    for (int cross = 0; cross < 2; cross++) {
        const float *g = cross ? guide : in;
        ob_test_fill_nan(out, (size_t)h * w);
        OB_CHECK_OK(ob_bilateral_grid_cpu(out, in, g, h, w, 5.f, 0.3f, NULL));
        ob_test_allclose(cross ? "grid: constant stays constant (random guide)" : "grid: constant stays constant",
                         out, want, (size_t)h * w, 0, 1e-6);
        ob_test_fill_nan(out, (size_t)h * w);
        OB_CHECK_OK(ob_bilateral_exact_cpu(out, in, g, h, w, 3.f, 0.3f));
        /* float sums of ~100 terms: a few ulp */
        ob_test_allclose(cross ? "exact: constant stays constant (random guide)" : "exact: constant stays constant",
                         out, want, (size_t)h * w, 0, 4e-6);
    }
    free(in), free(guide), free(out), free(want);
}

/* ---- the grid's stages ---------------------------------------------------- */

static void test_stages(void)
{
    const int h = 41, w = 29;
    float *in = malloc(sizeof(float) * h * w), *guide = malloc(sizeof(float) * h * w);
    ob_test_fill_uniform(in, (size_t)h * w, 3, -1, 1);
    ob_test_fill_uniform(guide, (size_t)h * w, 4, 0, 1);
    float lo, hi;
    OB_CHECK_OK(ob_bilateral_grid_range_cpu(&lo, &hi, guide, (size_t)h * w));
    ob_bilateral_grid_geom g;
    const ob_bilateral_grid_opts opts = {1.5f, 1.25f};
    OB_CHECK_OK(ob_bilateral_grid_geometry(&g, h, w, 4.f, 0.1f, lo, hi, &opts));
    /* cells: 4/1.5 px and 0.1/1.25 guide units */
    OB_CHECK(g.gw == (int)floor(28 / (4 / 1.5)) + 2 && g.gh == (int)floor(40 / (4 / 1.5)) + 2 &&
                 g.gd == (int)floor((hi - lo) / 0.08) + 2,
             "grid size %d x %d x %d from the documented formula", g.gw, g.gh, g.gd);
    const size_t n = ob_bilateral_grid_cells(&g) * 2;
    float *a = malloc(n * sizeof(float)), *b = malloc(n * sizeof(float));
    OB_CHECK_OK(ob_bilateral_grid_splat_cpu(a, in, guide, &g));
    double wsum = 0, vsum = 0, want_v = 0;
    for (size_t i = 0; i < n; i += 2) vsum += a[i], wsum += a[i + 1];
    for (int i = 0; i < h * w; i++) want_v += in[i];
    OB_CHECK(fabs(wsum - h * w) < 1e-3 && fabs(vsum - want_v) < 1e-3,
             "splat conserves mass: weights %.6f (want %d), values %.6f (want %.6f)", wsum, h * w, vsum, want_v);

    /* blur of a unit mass in cell (cy, cx, cz) far from the edges = taps product */
    memset(a, 0, n * sizeof(float));
    const int cy = g.gh / 2, cx = g.gw / 2, cz = g.gd / 2;
    a[(((size_t)cy * g.gw + cx) * g.gd + cz) * 2 + 1] = 1.f;
    OB_CHECK_OK(ob_bilateral_grid_blur_cpu(b, a, &g));
    double worst = 0, total = 0;
    for (int y = 0; y < g.gh; y++)
        for (int x = 0; x < g.gw; x++)
            for (int z = 0; z < g.gd; z++) {
                const int dy = abs(y - cy), dx = abs(x - cx), dz = abs(z - cz);
                const double want = dy <= g.radius_s && dx <= g.radius_s && dz <= g.radius_r
                                        ? (double)g.taps_s[dy] * g.taps_s[dx] * g.taps_r[dz]
                                        : 0.0;
                const float *c = b + (((size_t)y * g.gw + x) * g.gd + z) * 2;
                worst = fmax(worst, fabs(c[1] - want) + fabs(c[0]));
                total += c[1];
            }
    OB_CHECK(worst < 1e-7, "blur of a unit mass is the product of the taps (max error %.3g)", worst);
    OB_CHECK(cz >= g.radius_r && g.gd - 1 - cz >= g.radius_r ? fabs(total - 1) < 1e-5 : 1,
             "blur keeps an interior unit mass (total %.7f)", total);
    free(a), free(b), free(in), free(guide);
}

/* ---- sigma_r huge: a Gaussian blur ---------------------------------------- */

static const double PI = 3.14159265358979323846;

/* Normalised Gaussian over the image (the bilateral filter with G_r = 1), in double. */
static void gaussian_by_definition(float *out, const float *in, int h, int w, double sigma, int radius)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double s = 0, ws = 0;
            for (int qy = y - radius; qy <= y + radius; qy++)
                for (int qx = x - radius; qx <= x + radius; qx++) {
                    if (qy < 0 || qy >= h || qx < 0 || qx >= w) continue;
                    const double d2 = (double)(qy - y) * (qy - y) + (double)(qx - x) * (qx - x);
                    if (radius * radius < d2) continue;
                    const double wt = exp(-d2 / (2 * sigma * sigma));
                    s += wt * in[qy * w + qx], ws += wt;
                }
            out[y * w + x] = (float)(s / ws);
        }
}

static double max_abs_diff(const float *a, const float *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++) m = fmax(m, fabs((double)a[i] - b[i]));
    return m;
}

static void test_gaussian_limit(void)
{
    /* With sigma_r huge every pixel shares one range cell and the grid is a
     * spatial filter whose kernel (tent * Gaussian * tent) has the Gaussian's
     * variance by construction. What remains is aliasing: the splat and slice
     * tents pass a sinusoid of f cycles per cell with images of relative size
     * ~sinc^2(1 - f) + sinc^2(1 + f) each, twice per axis. On the pattern below
     * (unit amplitude, wavelengths 8-11 sigma, f <= 1/8 at rate 1, so ~0.03
     * per tent pass) that bounds the error by ~0.07 at rate 1, and it falls as
     * 1/rate^2 (0.02 at rate 2, 0.008 at rate 4). The Gaussian 15% wider (what
     * a blur of sigma = 1 cell would give) must be clearly further away. */
    const int h = 64, w = 80;
    const float sigma = 3.f;
    float *in = malloc(sizeof(float) * h * w), *out = malloc(sizeof(float) * h * w),
          *ref = malloc(sizeof(float) * h * w), *wide = malloc(sizeof(float) * h * w);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            in[y * w + x] = (float)(0.5 * sin(2 * PI * x / (9.0 * sigma)) * cos(2 * PI * y / (11.0 * sigma)) +
                                    0.5 * sin(2 * PI * (x + y) / (8.0 * sigma)) + 0.01 * x);
    gaussian_by_definition(ref, in, h, w, sigma, 4 * (int)sigma);
    gaussian_by_definition(wide, in, h, w, 1.15 * sigma, 4 * (int)(1.15 * sigma + 1));
    static const float rates[3] = {1.f, 2.f, 4.f}, tol[3] = {0.07f, 0.02f, 0.008f};
    for (int i = 0; i < 3; i++) {
        const ob_bilateral_grid_opts o = {rates[i], 1.f};
        OB_CHECK_OK(ob_bilateral_grid_cpu(out, in, in, h, w, sigma, 1e4f, &o));
        const double e_ref = max_abs_diff(out, ref, (size_t)h * w), e_wide = max_abs_diff(out, wide, (size_t)h * w);
        printf("  grid rate %g, sigma_r huge: max |err| vs Gaussian(sigma) %.4f, vs Gaussian(1.15 sigma) %.4f\n",
               rates[i], e_ref, e_wide);
        OB_CHECK(e_ref <= tol[i], "grid (rate %g) with sigma_r huge is a Gaussian of sigma_s: max |err| %.4f <= %g",
                 rates[i], e_ref, tol[i]);
        OB_CHECK(e_ref < 0.5 * e_wide, "grid (rate %g) matches sigma_s better than 1.15 sigma_s (%.4f vs %.4f)",
                 rates[i], e_ref, e_wide);
    }
    /* the exact filter with G_r = 1 is this Gaussian truncated at 3 sigma: the
     * cut tail (1.1% of the centre weight) changes a unit pattern by < 0.01 */
    OB_CHECK_OK(ob_bilateral_exact_cpu(out, in, in, h, w, sigma, 1e4f));
    const double e_exact = max_abs_diff(out, ref, (size_t)h * w);
    OB_CHECK(e_exact <= 0.01, "exact with sigma_r huge is the Gaussian (max |err| %.4f <= 0.01)", e_exact);
    free(in), free(out), free(ref), free(wide);
}

/* ---- a step much larger than sigma_r is kept ------------------------------- */

static void test_step_edge(void)
{
    /* left 0.2, right 0.8 (a vertical edge at a column that is not a cell
     * boundary), noise +-0.02; sigma_r = 0.05, so the step is 12 sigma_r and
     * weights across it are exp(-72): each side is filtered on its own. Each
     * side's mean stays (the noise averages out: within 0.003), and no pixel
     * is pulled towards the other side by more than the noise (0.03). */
    const int h = 48, w = 61, edge = 27;
    float *in = malloc(sizeof(float) * h * w), *out = malloc(sizeof(float) * h * w);
    ob_test_fill_uniform(in, (size_t)h * w, 21, -0.02f, 0.02f);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) in[y * w + x] += x < edge ? 0.2f : 0.8f;
    for (int which = 0; which < 2; which++) {
        const char *name = which ? "exact" : "grid";
        if (which)
            OB_CHECK_OK(ob_bilateral_exact_cpu(out, in, in, h, w, 6.f, 0.05f));
        else
            OB_CHECK_OK(ob_bilateral_grid_cpu(out, in, in, h, w, 6.f, 0.05f, NULL));
        double m_in[2] = {0}, m_out[2] = {0}, worst[2] = {0};
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                const int side = x >= edge;
                m_in[side] += in[y * w + x], m_out[side] += out[y * w + x];
                worst[side] = fmax(worst[side], fabs(out[y * w + x] - (side ? 0.8 : 0.2)));
            }
        for (int s = 0; s < 2; s++) {
            const double n = (double)h * (s ? w - edge : edge);
            OB_CHECK(fabs(m_out[s] / n - m_in[s] / n) < 0.003 && worst[s] < 0.03,
                     "%s keeps the step: %s side mean %.5f (in %.5f), max distance from %.1f: %.4f", name,
                     s ? "right" : "left", m_out[s] / n, m_in[s] / n, s ? 0.8 : 0.2, worst[s]);
        }
    }
    free(in), free(out);
}

/* ---- arguments and tensors ------------------------------------------------ */

static void test_errors_and_tensors(void)
{
    float buf[64];
    ob_test_fill_uniform(buf, 64, 1, 0, 1);
    float out[64];
    OB_CHECK_FAILS(ob_bilateral_grid_cpu(out, buf, buf, 0, 8, 2.f, 0.1f, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_bilateral_grid_cpu(out, buf, buf, 8, 8, 0.f, 0.1f, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_bilateral_grid_cpu(out, buf, buf, 8, 8, 2.f, NAN, NULL), OB_ERR_ARG);
    const ob_bilateral_grid_opts coarse = {0.5f, 1.f}, fine = {1.f, 9.f};
    OB_CHECK_FAILS(ob_bilateral_grid_cpu(out, buf, buf, 8, 8, 2.f, 0.1f, &coarse), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_bilateral_grid_cpu(out, buf, buf, 8, 8, 2.f, 0.1f, &fine), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "rate") != NULL, "bad rate is named: %s", ob_last_error());
    OB_CHECK_FAILS(ob_bilateral_grid_cpu(out, buf, buf, 8, 8, 2.f, 1e-9f, NULL), OB_ERR_ARG); /* 1e8 range cells */
    OB_CHECK(strstr(ob_last_error(), "sigma_r") != NULL, "too many cells suggests a larger sigma_r: %s",
             ob_last_error());
    float bad[64];
    memcpy(bad, buf, sizeof bad);
    bad[37] = NAN;
    OB_CHECK_FAILS(ob_bilateral_grid_cpu(out, buf, bad, 8, 8, 2.f, 0.1f, NULL), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "37") != NULL, "non-finite guide value located: %s", ob_last_error());
    OB_CHECK_FAILS(ob_bilateral_exact_cpu(out, buf, buf, 8, 0, 2.f, 0.1f), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_bilateral_exact_cpu(out, buf, buf, 8, 8, -1.f, 0.1f), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_bilateral_exact_cpu(out, buf, buf, 8, 8, 1.f, 0.f), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_bilateral_exact_cpu(out, buf, buf, 8, 8, 1e4f, 0.1f), OB_ERR_ARG); /* radius 30000 */

    /* a 1x1 image is its own output */
    OB_CHECK_OK(ob_bilateral_grid_cpu(out, buf, buf, 1, 1, 2.f, 0.1f, NULL));
    OB_CHECK(fabsf(out[0] - buf[0]) <= 1e-6f * fabsf(buf[0]), "grid 1x1 is the identity (%g vs %g)", out[0], buf[0]);

    /* tensor entries: (H, W) and (1, H, W), guide NULL = in, agree with the raw calls */
    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    ob_tensor t_in, t_out, t_in3, t_out3, t_bad, t_two;
    const int64_t s2[2] = {13, 17}, s3[3] = {1, 13, 17}, sb[2] = {13, 16}, sc[3] = {2, 13, 17};
    OB_CHECK_OK(ob_tensor_alloc(&t_in, OB_F32, OB_HOST, 2, s2));
    OB_CHECK_OK(ob_tensor_alloc(&t_out, OB_F32, OB_HOST, 2, s2));
    OB_CHECK_OK(ob_tensor_alloc(&t_in3, OB_F32, OB_HOST, 3, s3));
    OB_CHECK_OK(ob_tensor_alloc(&t_out3, OB_F32, OB_HOST, 3, s3));
    OB_CHECK_OK(ob_tensor_alloc(&t_bad, OB_F32, OB_HOST, 2, sb));
    OB_CHECK_OK(ob_tensor_alloc(&t_two, OB_F32, OB_HOST, 3, sc));
    ob_test_fill_uniform(ob_tensor_f32(&t_in), 13 * 17, 8, 0, 1);
    memcpy(ob_tensor_f32(&t_in3), ob_tensor_f32(&t_in), sizeof(float) * 13 * 17);
    float ref[13 * 17];
    OB_CHECK_OK(ob_bilateral_grid(ctx, &t_out, &t_in, NULL, 3.f, 0.2f));
    OB_CHECK_OK(ob_bilateral_grid_cpu(ref, ob_tensor_f32(&t_in), ob_tensor_f32(&t_in), 13, 17, 3.f, 0.2f, NULL));
    ob_test_allclose("ob_bilateral_grid (H, W) tensor entry", ob_tensor_f32(&t_out), ref, 13 * 17, 0, 0);
    OB_CHECK_OK(ob_bilateral_grid(ctx, &t_out3, &t_in3, &t_in3, 3.f, 0.2f));
    ob_test_allclose("ob_bilateral_grid (1, H, W) tensor entry", ob_tensor_f32(&t_out3), ref, 13 * 17, 0, 0);
    OB_CHECK_OK(ob_bilateral_exact(ctx, &t_out3, &t_in3, NULL, 2.f, 0.2f));
    OB_CHECK_OK(ob_bilateral_exact_cpu(ref, ob_tensor_f32(&t_in), ob_tensor_f32(&t_in), 13, 17, 2.f, 0.2f));
    ob_test_allclose("ob_bilateral_exact (1, H, W) tensor entry", ob_tensor_f32(&t_out3), ref, 13 * 17, 0, 0);
    OB_CHECK_FAILS(ob_bilateral_grid(ctx, &t_bad, &t_in, NULL, 3.f, 0.2f), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_bilateral_grid(ctx, &t_out, &t_in, &t_bad, 3.f, 0.2f), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_bilateral_exact(ctx, &t_two, &t_two, NULL, 3.f, 0.2f), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "single-channel") != NULL, "multi-channel refused: %s", ob_last_error());
    ob_tensor_free(&t_in), ob_tensor_free(&t_out), ob_tensor_free(&t_in3), ob_tensor_free(&t_out3);
    ob_tensor_free(&t_bad), ob_tensor_free(&t_two);
    ob_ctx_destroy(ctx);
}

/* ---- the accuracy check on a real photo --------------------------- */

/* log10 of Durand's intensity (20R + 40G + B) / 61, RGB in [0, 1], plus 1/255
 * (one 8-bit step) so black pixels stay finite: a (ch, cw) crop at (y0, x0). */
static float *log_intensity(const ob_tensor *img, int y0, int x0, int ch, int cw)
{
    const int H = (int)img->shape[1], W = (int)img->shape[2];
    const float *px = ob_tensor_f32(img);
    float *out = malloc(sizeof(float) * ch * cw);
    for (int y = 0; y < ch; y++)
        for (int x = 0; x < cw; x++) {
            const size_t p = (size_t)(y0 + y) * W + x0 + x, plane = (size_t)H * W;
            const float r = px[p], g = px[plane + p], b = px[2 * plane + p];
            out[y * cw + x] = log10f((20.f * r + 40.f * g + b) / 61.f + 1.f / 255.f);
        }
    return out;
}

/* 1 when the photo was found and checked, 0 when it is missing. */
static int test_photo_psnr(void)
{
    const char *dir = getenv("OB_SKIMAGE_DATA");
    if (!dir || !*dir) dir = "/usr/lib/python3/dist-packages/skimage/data";
    char path[1024];
    snprintf(path, sizeof path, "%s/astronaut.png", dir);
    ob_tensor img;
    ob_image_info info;
    if (ob_image_read(&img, &info, path) != OB_OK) {
        printf("  photo: cannot read %s (%s); set OB_SKIMAGE_DATA to scikit-image's data folder\n", path,
               ob_last_error());
        return 0;
    }
    OB_CHECK(info.channels == 3 && info.height >= 192 && info.width >= 192, "%s is RGB and at least 192x192", path);
    if (info.channels != 3 || info.height < 192 || info.width < 192) {
        ob_tensor_free(&img);
        return 1;
    }
    /* The exact filter at sigma_s = 16 reads ~7200 neighbours per pixel: a
     * 192x192 centre crop keeps this test to seconds under sanitizers. Both
     * filters see the same crop (its borders are borders for both). */
    const int n = 192, y0 = (info.height - n) / 2, x0 = (info.width - n) / 2;
    float *logi = log_intensity(&img, y0, x0, n, n);
    float *grid = malloc(sizeof(float) * n * n), *exact = malloc(sizeof(float) * n * n);
    OB_CHECK_OK(ob_bilateral_grid_cpu(grid, logi, logi, n, n, 16.f, 0.4f, NULL));
    OB_CHECK_OK(ob_bilateral_exact_cpu(exact, logi, logi, n, n, 16.f, 0.4f));
    float lo = logi[0], hi = logi[0];
    for (int i = 0; i < n * n; i++) lo = fminf(lo, logi[i]), hi = fmaxf(hi, logi[i]);
    double mse = NAN;
    OB_CHECK_OK(ob_mse_cpu(&mse, grid, exact, (size_t)n * n));
    /* PSNR's peak: the input's data range (max - min of the log image) */
    const double psnr = ob_psnr_from_mse(mse, (double)hi - lo);
    printf("  photo %s, %dx%d centre crop, log10 intensity in [%.3f, %.3f]: grid vs exact bilateral at sigma_s = 16, "
           "sigma_r = 0.4: PSNR %.2f dB (rmse %.5f)\n",
           path, n, n, lo, hi, psnr, sqrt(mse));
    OB_CHECK(psnr >= 35.0, "grid vs exact bilateral on a photo: PSNR %.2f dB >= 35 dB", psnr);
    free(logi), free(grid), free(exact);
    ob_tensor_free(&img);
    return 1;
}

int main(void)
{
    test_exact_by_hand();
    test_constant();
    test_stages();
    test_gaussian_limit();
    test_step_edge();
    test_errors_and_tensors();
    if (!test_photo_psnr() && ob_test_failed == 0) ob_test_skip("scikit-image's astronaut.png not found");
    return ob_test_finish();
}
