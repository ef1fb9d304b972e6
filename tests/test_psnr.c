/* test_psnr.c — MSE / PSNR CPU path against hand-computed values, a naive
 * double sum, thread-count independence, and the tensor entry point's checks.
 * (PSNR against scikit-image on real photos is in test_ssim.c.) */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_test.h"
#include "psnr.h"

static void test_hand_values(void)
{
    /* a - b = (-0.1, 0, 0.2, 0.1) -> mse = (0.01 + 0 + 0.04 + 0.01) / 4 = 0.015 in exact arithmetic */
    const float a[4] = {0.0f, 0.5f, 0.75f, 0.25f}, b[4] = {0.1f, 0.5f, 0.55f, 0.15f};
    double want = 0;
    for (int i = 0; i < 4; i++) want += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
    want /= 4;
    double mse;
    OB_CHECK_OK(ob_mse_cpu(&mse, a, b, 4));
    /* tolerance, not ==: ob_mse_cpu sums under `omp simd reduction`, so the SIMD width
     * (-march) and FMA contraction set the order; any order of 4 terms is within ~1e-15 */
    OB_CHECK(fabs(mse - want) <= 1e-14 * want, "mse %.17g, expected %.17g (diff %.3g, tol 1e-14 relative)", mse, want,
             mse - want);
    OB_CHECK(fabs(mse - 0.015) < 1e-8, "mse %.10g, expected about 0.015", mse);
    /* 10 log10(1 / 0.015) = 18.2390874094... */
    double p = ob_psnr_from_mse(0.015, 1.0);
    OB_CHECK(fabs(p - 18.239087409443187) < 1e-12, "psnr(0.015, 1) = %.15f", p);
    /* data_range 255, mse 1 -> 20 log10(255) = 48.1308036086791 */
    p = ob_psnr_from_mse(1.0, 255.0);
    OB_CHECK(fabs(p - 48.130803608679102) < 1e-12, "psnr(1, 255) = %.15f", p);
    /* mse = R^2 -> 0 dB; mse = R^2 / 100 -> 20 dB */
    OB_CHECK(ob_psnr_from_mse(4.0, 2.0) == 0.0, "psnr(R^2, R) != 0");
    OB_CHECK(fabs(ob_psnr_from_mse(0.01, 1.0) - 20.0) < 1e-12, "psnr(0.01, 1) != 20");
    OB_CHECK(isinf(ob_psnr_from_mse(0.0, 1.0)) && ob_psnr_from_mse(0.0, 1.0) > 0, "psnr(0) must be +inf");
}

static void test_large(size_t n, uint64_t seed)
{
    float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    ob_test_fill_uniform(a, n, seed, 0, 1);
    ob_test_fill_uniform(b, n, seed + 1, 0, 1);
    long double naive = 0; /* independent: one long-double loop */
    for (size_t i = 0; i < n; i++) naive += ((long double)a[i] - b[i]) * ((long double)a[i] - b[i]);
    double want = (double)(naive / n), mse1, mse2, same;
    int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    OB_CHECK_OK(ob_mse_cpu(&mse1, a, b, n));
    omp_set_num_threads(threads > 1 ? threads : 2);
    OB_CHECK_OK(ob_mse_cpu(&mse2, a, b, n));
    omp_set_num_threads(threads);
    OB_CHECK(fabs(mse1 - want) <= 1e-12 * want, "n=%zu: mse %.17g vs long-double sum %.17g", n, mse1, want);
    OB_CHECK(mse1 == mse2, "n=%zu: 1 thread %.17g vs several %.17g (must be bitwise equal)", n, mse1, mse2);
    OB_CHECK_OK(ob_mse_cpu(&same, a, a, n));
    OB_CHECK(same == 0.0 && isinf(ob_psnr_from_mse(same, 1.0)), "n=%zu: identical inputs give mse %g", n, same);
    printf("n=%zu: mse %.17g (long double %.17g)\n", n, mse1, want);
    free(a), free(b);
}

static void test_entry_point(void)
{
    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    ob_tensor a, b, c;
    int64_t s[3] = {3, 4, 5}, t[3] = {3, 5, 4};
    OB_CHECK_OK(ob_tensor_zeros(&a, OB_F32, OB_HOST, 3, s));
    OB_CHECK_OK(ob_tensor_zeros(&b, OB_F32, OB_HOST, 3, s));
    OB_CHECK_OK(ob_tensor_zeros(&c, OB_F32, OB_HOST, 3, t));
    double p = 0;
    OB_CHECK_OK(ob_psnr(ctx, &p, &a, &b, 1.0));
    OB_CHECK(isinf(p) && p > 0, "identical tensors: psnr %g, expected +inf", p);
    /* b = a + 0.1 everywhere: mse = 0.01 (float 0.1 squared), psnr = 20 dB */
    for (int i = 0; i < 60; i++) ob_tensor_f32(&b)[i] = 0.1f;
    OB_CHECK_OK(ob_psnr(ctx, &p, &a, &b, 1.0));
    double want = ob_psnr_from_mse((double)0.1f * 0.1f, 1.0);
    /* tolerance, not ==: the MSE is a SIMD-width-dependent sum (last bits differ on
     * AVX-512); 1e-12 relative on PSNR ~ 5e-12 relative on the MSE, far below any real bug */
    OB_CHECK(fabs(p - want) <= 1e-12 * fabs(want) && fabs(p - 20) < 1e-6,
             "constant offset 0.1: psnr %.17g, expected %.17g (diff %.3g, tol 1e-12 relative)", p, want, p - want);
    OB_CHECK_OK(ob_psnr(ctx, &p, &a, &b, 255.0));
    OB_CHECK(fabs(p - (20 + 20 * log10(255.0))) < 1e-6, "data_range 255: psnr %.12f", p);
    OB_CHECK_FAILS(ob_psnr(ctx, &p, &a, &c, 1.0), OB_ERR_ARG);
    printf("shape mismatch: %s\n", ob_last_error());
    OB_CHECK(strstr(ob_last_error(), "(3, 4, 5)") && strstr(ob_last_error(), "(3, 5, 4)"),
             "the message names both shapes: %s", ob_last_error());
    OB_CHECK_FAILS(ob_psnr(ctx, &p, &a, &b, 0.0), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_psnr(ctx, &p, &a, &b, -1.0), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_mse_cpu(&p, ob_tensor_f32(&a), ob_tensor_f32(&b), 0), OB_ERR_ARG);
    ob_tensor_free(&a), ob_tensor_free(&b), ob_tensor_free(&c);
    ob_ctx_destroy(ctx);
}

int main(void)
{
    test_hand_values();
    test_large(1, 1);
    test_large(1000, 2);
    test_large((1 << 14) + 7, 3);
    test_large(5000003, 4); /* more than 256 chunks of 2^14: the chunk size grows */
    test_entry_point();
    return ob_test_finish();
}
