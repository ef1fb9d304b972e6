/* bench_ssim.c — our side of bench/b_ssim.py: SSIM and PSNR (CPU path) on a
 * 512 x 512 RGB photo (skimage's astronaut.png from $OB_SKIMAGE_DATA or Debian's
 * python3-skimage folder; random data when it is missing) against its 16-level
 * quantisation, the pair b_ssim.py gives scikit-image.
 * Cases: ssim_512x512x3, psnr_512x512x3 (extra: GB/s of input read). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "ob_image_io.h"
#include "psnr.h"
#include "ssim.h"

typedef struct {
    const float *a, *b;
    int c, h, w;
    double result[4];
} bench_args;

static void run_ssim(void *p)
{
    bench_args *q = p;
    ob_bench_ok(ob_ssim_cpu(q->result, q->a, q->b, q->c, q->h, q->w, 1.0), "ssim");
}

static void run_mse(void *p)
{
    bench_args *q = p;
    ob_bench_ok(ob_mse_cpu(q->result, q->a, q->b, (size_t)q->c * q->h * q->w), "mse");
}

int main(void)
{
    const char *dir = getenv("OB_SKIMAGE_DATA");
    char path[512];
    snprintf(path, sizeof path, "%s/astronaut.png", dir && *dir ? dir : "/usr/lib/python3/dist-packages/skimage/data");
    ob_tensor img = {0};
    const int c = 3, h = 512, w = 512;
    const size_t n = (size_t)c * h * w;
    float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    if (!a || !b) ob_bench_ok(OB_ERR_NOMEM, "allocating 2 x 512 x 512 x 3 floats");
    if (ob_image_read(&img, NULL, path) == OB_OK && img.shape[0] == c && img.shape[1] == h && img.shape[2] == w) {
        for (size_t i = 0; i < n; i++) a[i] = ob_tensor_f32(&img)[i];
        fprintf(stderr, "bench_ssim: data %s vs its 16-level quantisation\n", path);
    } else {
        uint64_t s = 12345;
        for (size_t i = 0; i < n; i++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            a[i] = (float)((s >> 40) & 255) / 255.0f;
        }
        fprintf(stderr, "bench_ssim: %s not readable, random data\n", path);
    }
    ob_tensor_free(&img);
    for (size_t i = 0; i < n; i++) b[i] = (float)(((int)lrintf(a[i] * 255) / 16) * 16) / 255.0f;

    bench_args args = {a, b, c, h, w, {0}};
    char extra[64];
    const double gb = 2.0 * n * sizeof(float) / 1e9;
    double ms = ob_bench_median_ms(run_ssim, &args, 3, 31);
    snprintf(extra, sizeof extra, "%.2f GB/s", gb / (ms * 1e-3));
    ob_bench_report("ssim_512x512x3", ms, 31, extra);
    ms = ob_bench_median_ms(run_mse, &args, 5, 101);
    snprintf(extra, sizeof extra, "%.2f GB/s", gb / (ms * 1e-3));
    ob_bench_report("psnr_512x512x3", ms, 101, extra);
    free(a), free(b);
    return 0;
}
