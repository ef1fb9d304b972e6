/* parity_ssim.c — ssim.cu (emu or real CUDA) vs the CPU path (ssim_cpu.c, itself
 * checked against scikit-image in test_ssim.c).
 *
 * Tolerance: |gpu - cpu| <= 1e-6 (atol) on every plane's SSIM and on their mean.
 * The GPU filters in float32 on block-shifted values (see ssim.cu), the CPU in
 * double; the "smooth" images (a bright flat field with faint texture, where
 * uxx - ux^2 cancels) and a real photo exercise that difference. Sizes are odd,
 * from the 11 x 11 minimum up, with two block shapes and blocks in order and in
 * random order. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_image_io.h"
#include "ob_test.h"
#include "ssim.h"

#define ATOL 1e-6

static double worst_seen;

static void fill_pair(float *a, float *b, size_t n, int w, uint64_t seed, int smooth)
{
    ob_test_fill_uniform(a, n, seed, 0, 1);
    ob_test_fill_uniform(b, n, seed + 7, -0.15f, 0.15f);
    for (size_t i = 0; i < n; i++) {
        if (smooth) {
            /* 0.85 +- 0.01 with a slow gradient: tiny variance on a large mean */
            const double x = (double)(i % w), y = (double)(i / w);
            a[i] = (float)(0.85 + 0.004 * sin(0.05 * x + 0.03 * y) + 0.01 * (a[i] - 0.5));
            b[i] = a[i] + 0.02f * b[i];
        } else {
            b[i] += a[i];
        }
    }
}

static void check(int planes, int h, int w, int bx, int by, uint64_t order_seed, int smooth)
{
    size_t n = (size_t)planes * h * w;
    float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    fill_pair(a, b, n, w, (uint64_t)(planes * 7919 + h * 31 + w), smooth);
    double *ref = malloc(sizeof(double) * planes), *got = malloc(sizeof(double) * planes);
    for (int p = 0; p < planes; p++) got[p] = NAN;
    OB_CHECK_OK(ob_ssim_cpu(ref, a, b, planes, h, w, 1.0));

    float *da = ob_gpu_upload(a, n), *db = ob_gpu_upload(b, n);
    ob_launch_cfg cfg = {bx, by, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order_seed);
    OB_CHECK_OK(OB_GPU(ob_ssim)(got, da, db, planes, h, w, 1.0, &cfg));
    ob_gpu_set_random_block_order(0);

    double worst = 0, mean_ref = 0, mean_got = 0;
    for (int p = 0; p < planes; p++) {
        double d = fabs(got[p] - ref[p]);
        if (!(d <= worst)) worst = d; /* NaN sticks */
        mean_ref += ref[p] / planes, mean_got += got[p] / planes;
    }
    if (!(worst <= worst_seen)) worst_seen = worst;
    OB_CHECK(worst <= ATOL && fabs(mean_got - mean_ref) <= ATOL,
             "%s ssim %dx%dx%d block %dx%d order %llu%s: max |gpu - cpu| %.3g > %g (mean %.12f vs %.12f)",
             ob_gpu_backend_name(), planes, h, w, bx, by, (unsigned long long)order_seed, smooth ? " smooth" : "",
             worst, ATOL, mean_got, mean_ref);
    printf("%s ssim %3d x %3d x %3d block %2d x %2d order %4llu %-6s: mean %.12f, max |gpu - cpu| %.2e\n",
           ob_gpu_backend_name(), planes, h, w, bx, by, (unsigned long long)order_seed, smooth ? "smooth" : "random",
           mean_got, worst);
    ob_gpu_free(da), ob_gpu_free(db);
    free(a), free(b), free(ref), free(got);
}

/* A real photo and its 16-level quantisation: flat sky and skin on a mean far
 * from 0, where float moments are at their worst. Optional: it needs the file. */
static void check_photo(int bx, int by)
{
    const char *dir = getenv("OB_SKIMAGE_DATA");
    char path[512];
    snprintf(path, sizeof path, "%s/astronaut.png", dir && *dir ? dir : "/usr/lib/python3/dist-packages/skimage/data");
    ob_tensor img;
    if (ob_image_read(&img, NULL, path) != OB_OK) {
        printf("photo check NOT RUN: %s (the random and smooth cases still ran)\n", ob_last_error());
        return;
    }
    const int c = (int)img.shape[0], h = (int)img.shape[1], w = (int)img.shape[2];
    const size_t n = (size_t)c * h * w;
    float *a = ob_tensor_f32(&img), *b = malloc(n * sizeof *b);
    for (size_t i = 0; i < n; i++) b[i] = (float)(((int)lrintf(a[i] * 255) / 16) * 16) / 255.0f;
    double ref[4], got[4];
    OB_CHECK_OK(ob_ssim_cpu(ref, a, b, c, h, w, 1.0));
    float *da = ob_gpu_upload(a, n), *db = ob_gpu_upload(b, n);
    ob_launch_cfg cfg = {bx, by, 0, NULL, NULL};
    OB_CHECK_OK(OB_GPU(ob_ssim)(got, da, db, c, h, w, 1.0, &cfg));
    double worst = 0;
    for (int p = 0; p < c; p++)
        if (!(fabs(got[p] - ref[p]) <= worst)) worst = fabs(got[p] - ref[p]);
    if (!(worst <= worst_seen)) worst_seen = worst;
    OB_CHECK(worst <= ATOL, "%s ssim astronaut vs quant16 block %dx%d: max |gpu - cpu| %.3g > %g",
             ob_gpu_backend_name(), bx, by, worst, ATOL);
    printf("%s ssim astronaut %dx%dx%d vs quant16, block %d x %d: %.12f vs cpu %.12f, max |gpu - cpu| %.2e\n",
           ob_gpu_backend_name(), c, h, w, bx, by, got[0], ref[0], worst);
    ob_gpu_free(da), ob_gpu_free(db);
    free(b);
    ob_tensor_free(&img);
}

static void check_refusals(void)
{
    double s;
    float *d = ob_gpu_alloc(16 * 16);
    ob_launch_cfg not_warps = {48, 4, 0, NULL, NULL}, too_many = {64, 32, 0, NULL, NULL}, too_much_smem = {128, 8, 0, NULL, NULL};
    OB_CHECK_FAILS(OB_GPU(ob_ssim)(&s, d, d, 1, 16, 16, 1.0, &not_warps), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_ssim)(&s, d, d, 1, 16, 16, 1.0, &too_many), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_ssim)(&s, d, d, 1, 16, 16, 1.0, &too_much_smem), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_ssim)(&s, d, d, 1, 10, 16, 1.0, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_ssim)(&s, d, d, 1, 16, 16, -1.0, NULL), OB_ERR_ARG);
    ob_gpu_free(d);
}

typedef struct {
    double got[3];
    const float *a, *b;
} ssim_call;

static ob_status ssim_launch(void *user, const ob_launch_cfg *cfg)
{
    ssim_call *c = user;
    return OB_GPU(ob_ssim)(c->got, c->a, c->b, 3, 61, 67, 1.0, cfg);
}

/* An ssim call with a context's workspace allocates nothing once warm, and
 * gives what the call that allocates gives (same kernel, same blocks). */
static void check_no_alloc(void)
{
    const size_t n = (size_t)3 * 61 * 67;
    float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    fill_pair(a, b, n, 67, 5, 0);
    ssim_call c = {{NAN, NAN, NAN}, ob_gpu_upload(a, n), ob_gpu_upload(b, n)};
    double ref[3];
    OB_CHECK_OK(ssim_launch(&c, NULL));
    memcpy(ref, c.got, sizeof ref);
    ob_gpu_check_no_alloc("ssim", ssim_launch, &c);
    OB_CHECK(memcmp(ref, c.got, sizeof ref) == 0, "ssim with a workspace: %.17g vs %.17g", c.got[0], ref[0]);
    ob_gpu_free((void *)c.a), ob_gpu_free((void *)c.b);
    free(a), free(b);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    check_no_alloc();
    const int shapes[2][2] = {{32, 8}, {64, 4}};
    for (int s = 0; s < 2; s++) {
        const int bx = shapes[s][0], by = shapes[s][1];
        check(1, 11, 11, bx, by, 0, 0);
        check(1, 11, 75, bx, by, 0, 0);
        check(2, 37, 53, bx, by, 0, 0);
        check(3, 128, 97, bx, by, 1234 + s, 0);
        check(2, 61, 45, bx, by, 99, 1);
        check(1, 131, 203, bx, by, 0, 1);
    }
    check(1, 40, 40, 32, 32, 5, 0);  /* most threads */
    check(2, 29, 151, 64, 16, 6, 0); /* most shared memory (48 928 bytes) */
    check_photo(32, 8);
    check_refusals();
    printf("max |gpu - cpu| over all cases: %.3g (atol %g)\n", worst_seen, ATOL);
    return ob_test_finish();
}
