/* bench_bilateral.c — the bilateral grid and the exact bilateral filter on the
 * CPU (our side; the peer is cv2.bilateralFilter, timed by bench/b_bilateral.py).
 *
 * The image is the log10 intensity of scikit-image's astronaut, as
 * test_bilateral.c computes it (log10((20R + 40G + B)/61 + 1/255)), resized
 * bilinearly from 512x512 to 2048x2048 (4 MP); without the photo
 * (OB_SKIMAGE_DATA, else /usr/lib/python3/dist-packages/skimage/data), a
 * synthetic pattern of the same range, and the case names say "synthetic".
 * b_bilateral.py rebuilds the same image.
 *
 * Case names carry what the peer needs:
 *     bilateral_grid_HxW_sS_rR[_rateQ]   the grid (rate_s = rate_r = Q, default 1)
 *     bilateral_exact_HxW_sS_rR          the exact filter, on the centre crop
 * (+ "_synthetic" when the photo is missing). The extra column of the grid
 * cases is its accuracy: PSNR (peak = the crop's data range) against the exact
 * filter on the 256x256 centre crop, both run on that crop — the accuracy /
 * speed trade-off of the sampling rate. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bilateral_exact.h"
#include "bilateral_grid.h"
#include "common.h"
#include "ob_image_io.h"
#include "psnr.h"
#include "resize.h"

enum { SIZE = 2048, CROP = 256 };

typedef struct {
    const float *in;
    float *out;
    int h, w;
    float sigma_s, sigma_r;
    ob_bilateral_grid_opts opts;
    int exact;
} bench_case;

static void run_case(void *arg)
{
    bench_case *b = arg;
    if (b->exact)
        ob_bench_ok(ob_bilateral_exact_cpu(b->out, b->in, b->in, b->h, b->w, b->sigma_s, b->sigma_r),
                    "ob_bilateral_exact_cpu");
    else
        ob_bench_ok(ob_bilateral_grid_cpu(b->out, b->in, b->in, b->h, b->w, b->sigma_s, b->sigma_r, &b->opts),
                    "ob_bilateral_grid_cpu");
}

/* SIZE x SIZE log10 intensity; *synthetic = 1 when the photo is missing. */
static float *make_image(int *synthetic)
{
    float *img = malloc(sizeof(float) * SIZE * SIZE);
    if (!img) ob_bench_ok(OB_FAIL(OB_ERR_NOMEM, "bench image"), "bench_bilateral");
    const char *dir = getenv("OB_SKIMAGE_DATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/astronaut.png", dir && *dir ? dir : "/usr/lib/python3/dist-packages/skimage/data");
    ob_tensor rgb;
    ob_image_info info;
    *synthetic = ob_image_read(&rgb, &info, path) != OB_OK || info.channels != 3;
    if (*synthetic) {
        fprintf(stderr, "bench_bilateral: %s not usable (%s); using a synthetic image\n", path, ob_last_error());
        for (int y = 0; y < SIZE; y++)
            for (int x = 0; x < SIZE; x++) /* the same formula as b_bilateral.py's */
                img[y * SIZE + x] = (float)(-1.2 + 0.8 * sin(x / 37.0) * cos(y / 53.0) + 0.3 * (x > SIZE / 2) -
                                            0.4 * (y > SIZE / 3));
        return img;
    }
    const int h = info.height, w = info.width;
    const size_t plane = (size_t)h * w;
    const float *px = ob_tensor_f32(&rgb);
    float *small = malloc(sizeof(float) * plane);
    for (size_t p = 0; p < plane; p++)
        small[p] = log10f((20.f * px[p] + 40.f * px[plane + p] + px[2 * plane + p]) / 61.f + 1.f / 255.f);
    ob_bench_ok(ob_resize_cpu(img, small, 1, h, w, SIZE, SIZE, OB_RESIZE_BILINEAR), "ob_resize_cpu");
    free(small);
    ob_tensor_free(&rgb);
    return img;
}

static void crop(float *dst, const float *img, int n)
{
    const int y0 = (SIZE - n) / 2, x0 = (SIZE - n) / 2;
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++) dst[y * n + x] = img[(size_t)(y0 + y) * SIZE + x0 + x];
}

/* PSNR of the grid at these settings vs exact, both on the crop. */
static double crop_psnr(const float *c, const float *exact, float ss, float sr, const ob_bilateral_grid_opts *o)
{
    float *g = malloc(sizeof(float) * CROP * CROP), lo = c[0], hi = c[0];
    ob_bench_ok(ob_bilateral_grid_cpu(g, c, c, CROP, CROP, ss, sr, o), "ob_bilateral_grid_cpu (crop)");
    for (int i = 0; i < CROP * CROP; i++) lo = fminf(lo, c[i]), hi = fmaxf(hi, c[i]);
    double mse;
    ob_bench_ok(ob_mse_cpu(&mse, g, exact, (size_t)CROP * CROP), "ob_mse_cpu");
    free(g);
    return ob_psnr_from_mse(mse, (double)hi - lo);
}

int main(void)
{
    int synthetic;
    float *img = make_image(&synthetic), *out = malloc(sizeof(float) * SIZE * SIZE);
    float *c = malloc(sizeof(float) * CROP * CROP), *exact = malloc(sizeof(float) * CROP * CROP);
    crop(c, img, CROP);
    const char *tag = synthetic ? "_synthetic" : "";
    static const struct { float sr, rate; } grid_cases[] = {{0.1f, 1.f}, {0.1f, 0.75f}, {0.1f, 2.f}, {0.4f, 1.f}};
    const float ss = 16.f;
    char name[128], extra[96];
    float last_sr = -1.f;
    for (size_t k = 0; k < sizeof grid_cases / sizeof grid_cases[0]; k++) {
        const float sr = grid_cases[k].sr, rate = grid_cases[k].rate;
        if (sr != last_sr) { /* the exact reference on the crop, timed too */
            bench_case e = {c, exact, CROP, CROP, ss, sr, {0, 0}, 1};
            const double ms = ob_bench_median_ms(run_case, &e, 0, 3);
            snprintf(name, sizeof name, "bilateral_exact_%dx%d_s%g_r%g%s", CROP, CROP, ss, sr, tag);
            ob_bench_report(name, ms, 3, "");
            last_sr = sr;
        }
        bench_case b = {img, out, SIZE, SIZE, ss, sr, {rate, rate}, 0};
        const double ms = ob_bench_median_ms(run_case, &b, 2, 11);
        if (rate == 1.f)
            snprintf(name, sizeof name, "bilateral_grid_%dx%d_s%g_r%g%s", SIZE, SIZE, ss, sr, tag);
        else
            snprintf(name, sizeof name, "bilateral_grid_%dx%d_s%g_r%g_rate%g%s", SIZE, SIZE, ss, sr, rate, tag);
        snprintf(extra, sizeof extra, "PSNR %.1f dB vs exact (%dx%d crop)", crop_psnr(c, exact, ss, sr, &b.opts),
                 CROP, CROP);
        ob_bench_report(name, ms, 11, extra);
    }
    free(img), free(out), free(c), free(exact);
    return 0;
}
