/* parity_psnr.c — psnr.cu's MSE (emu or real CUDA) vs the CPU path.
 * Tolerance: rel 1e-6 on the MSE and 1e-6 relative on PSNR (both sides sum in
 * double, so the real difference is ~1e-15); identical inputs give mse 0 and
 * PSNR +inf exactly. Odd sizes, two block sizes, blocks in random order; sizes
 * past MAX_BLOCKS * block exercise the grid-stride loop. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ob_test.h"
#include "psnr.h"

#define RTOL 1e-6

static void check(size_t n, int block, uint64_t order_seed)
{
    float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    ob_test_fill_uniform(a, n, n * 3 + 1, 0, 1);
    ob_test_fill_uniform(b, n, n * 3 + 2, 0, 1);
    double ref, got = NAN, same = NAN;
    OB_CHECK_OK(ob_mse_cpu(&ref, a, b, n));
    float *da = ob_gpu_upload(a, n), *db = ob_gpu_upload(b, n);
    ob_launch_cfg cfg = {block, 0, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order_seed);
    OB_CHECK_OK(OB_GPU(ob_mse)(&got, da, db, n, &cfg));
    OB_CHECK_OK(OB_GPU(ob_mse)(&same, da, da, n, &cfg));
    ob_gpu_set_random_block_order(0);
    const double rel = fabs(got - ref) / ref;
    const double pg = ob_psnr_from_mse(got, 1.0), pr = ob_psnr_from_mse(ref, 1.0);
    OB_CHECK(rel <= RTOL && fabs(pg - pr) <= RTOL * fabs(pr),
             "%s mse n=%zu block %d: %.17g vs cpu %.17g (rel %.3g > %g)", ob_gpu_backend_name(), n, block, got, ref,
             rel, RTOL);
    OB_CHECK(same == 0.0 && isinf(ob_psnr_from_mse(same, 1.0)), "%s mse(a, a) n=%zu: %g, expected 0",
             ob_gpu_backend_name(), n, same);
    printf("%s mse n=%8zu block %3d order %4llu: %.15f vs cpu %.15f (rel %.2e), psnr %.9f dB\n",
           ob_gpu_backend_name(), n, block, (unsigned long long)order_seed, got, ref, rel, pg);
    ob_gpu_free(da), ob_gpu_free(db);
    free(a), free(b);
}

typedef struct {
    double mse;
    const float *a, *b;
    size_t n;
} mse_call;

static ob_status mse_launch(void *user, const ob_launch_cfg *cfg)
{
    mse_call *c = user;
    return OB_GPU(ob_mse)(&c->mse, c->a, c->b, c->n, cfg);
}

static void check_no_alloc(void)
{
    const size_t n = 100003;
    float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    ob_test_fill_uniform(a, n, 1, 0, 1), ob_test_fill_uniform(b, n, 2, 0, 1);
    mse_call c = {NAN, ob_gpu_upload(a, n), ob_gpu_upload(b, n), n};
    OB_CHECK_OK(mse_launch(&c, NULL));
    const double ref = c.mse;
    ob_gpu_check_no_alloc("mse", mse_launch, &c);
    OB_CHECK(c.mse == ref, "mse with a workspace: %.17g vs %.17g", c.mse, ref);
    ob_gpu_free((void *)c.a), ob_gpu_free((void *)c.b);
    free(a), free(b);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    check_no_alloc();
    const int blocks[2] = {256, 96};
    for (int i = 0; i < 2; i++) {
        check(1, blocks[i], 0);
        check(31, blocks[i], 0);
        check(3 * 37 * 53, blocks[i], 77);
        check(3 * 128 * 97, blocks[i], 0);
        check((size_t)1024 * blocks[i] * 2 + 13, blocks[i], 5); /* every thread loops */
    }
    ob_launch_cfg odd = {100, 0, 0, NULL, NULL};
    double m;
    float *d = ob_gpu_alloc(8);
    OB_CHECK_FAILS(OB_GPU(ob_mse)(&m, d, d, 8, &odd), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_mse)(&m, d, d, 0, NULL), OB_ERR_ARG);
    ob_gpu_free(d);
    return ob_test_finish();
}
