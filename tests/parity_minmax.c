/* parity_minmax.c — minmax.cu (emu or real CUDA) vs the CPU path, and the CPU
 * path vs a plain loop written here.
 *
 * Tolerance: none — min and max are exact, so every path must give the same
 * bits (NaN only for an all-NaN plane, on both). Inputs: random odd sizes and
 * plane counts, values in [-1e3, 1e3] with NaN sprinkled in, +-inf in some
 * planes, a plane of nothing but NaN, a plane of one value; sizes past
 * 256 blocks x block exercise the grid-stride loop; two block sizes; blocks in
 * order and in random order. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minmax.h"
#include "ob_ctx.h"
#include "ob_test.h"

static int same(float a, float b) { return (isnan(a) && isnan(b)) || a == b; }

static void fill(float *x, int planes, size_t n, uint64_t seed)
{
    ob_test_fill_uniform(x, (size_t)planes * n, seed, -1e3f, 1e3f);
    uint64_t rng = seed ^ 0x9e3779b97f4a7c15ull;
    for (int p = 0; p < planes; p++) {
        float *q = x + (size_t)p * n;
        const int kind = p % 5;
        for (size_t i = 0; i < n; i++)
            if (ob_test_rand_int(&rng, 0, 9) == 0) q[i] = NAN;
        if (kind == 1) q[ob_test_rand_int(&rng, 0, (int)n - 1)] = INFINITY;
        if (kind == 2) q[ob_test_rand_int(&rng, 0, (int)n - 1)] = -INFINITY;
        if (kind == 3 && p == 3)
            for (size_t i = 0; i < n; i++) q[i] = NAN; /* all NaN */
        if (kind == 4) q[0] = 7.5f, q[n - 1] = NAN; /* first element is an extreme candidate */
    }
}

static void check(int planes, size_t n, int block, uint64_t order_seed)
{
    const size_t total = (size_t)planes * n;
    float *x = malloc(sizeof(float) * total);
    fill(x, planes, n, total * 7 + planes);
    float *lo = malloc(sizeof(float) * planes), *hi = malloc(sizeof(float) * planes);
    float *glo = malloc(sizeof(float) * planes), *ghi = malloc(sizeof(float) * planes);
    OB_CHECK_OK(ob_minmax_cpu(lo, hi, x, planes, n));
    /* plain loop */
    int bad_cpu = 0;
    for (int p = 0; p < planes; p++) {
        float a = NAN, b = NAN;
        for (size_t i = 0; i < n; i++) {
            const float v = x[(size_t)p * n + i];
            if (isnan(v)) continue;
            if (isnan(a) || v < a) a = v;
            if (isnan(b) || v > b) b = v;
        }
        bad_cpu += !same(a, lo[p]) || !same(b, hi[p]);
    }
    OB_CHECK(bad_cpu == 0, "cpu minmax %d x %zu: %d planes differ from the plain loop", planes, n, bad_cpu);
    for (int p = 0; p < planes; p++) glo[p] = ghi[p] = 12345.0f;
    float *dx = ob_gpu_upload(x, total);
    ob_launch_cfg cfg = {block, 0, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order_seed);
    OB_CHECK_OK(OB_GPU(ob_minmax)(glo, ghi, dx, planes, n, &cfg));
    ob_gpu_set_random_block_order(0);
    int bad = 0;
    for (int p = 0; p < planes; p++) bad += !same(glo[p], lo[p]) || !same(ghi[p], hi[p]);
    OB_CHECK(bad == 0, "%s minmax %d x %zu block %d: %d planes differ (plane 0: [%g, %g] vs cpu [%g, %g])",
             ob_gpu_backend_name(), planes, n, block, bad, glo[0], ghi[0], lo[0], hi[0]);
    printf("%s minmax %3d planes x %8zu block %4d order %3llu: plane 0 [%g, %g], %d planes differ\n",
           ob_gpu_backend_name(), planes, n, block, (unsigned long long)order_seed, glo[0], ghi[0], bad);
    ob_gpu_free(dx);
    free(x), free(lo), free(hi), free(glo), free(ghi);
}

/* ob_minmax on tensors (cpu context): per channel of (C, H, W), one plane for rank 1. */
static void check_tensor_entry(void)
{
    ob_ctx *ctx;
    if (ob_ctx_create(&ctx, OB_BACKEND_CPU, 0) != OB_OK) {
        OB_CHECK(0, "cpu context: %s", ob_last_error());
        return;
    }
    ob_tensor t, flat;
    const int64_t shape[3] = {3, 17, 23}, n = 3 * 17 * 23;
    OB_CHECK_OK(ob_tensor_alloc(&t, OB_F32, OB_HOST, 3, shape));
    fill(ob_tensor_f32(&t), 3, 17 * 23, 4242);
    float lo[3], hi[3], rlo[3], rhi[3], flo, fhi;
    OB_CHECK_OK(ob_minmax(ctx, lo, hi, &t));
    OB_CHECK_OK(ob_minmax_cpu(rlo, rhi, ob_tensor_f32(&t), 3, 17 * 23));
    for (int c = 0; c < 3; c++)
        OB_CHECK(same(lo[c], rlo[c]) && same(hi[c], rhi[c]), "tensor entry channel %d: [%g, %g] vs [%g, %g]", c,
                 lo[c], hi[c], rlo[c], rhi[c]);
    OB_CHECK_OK(ob_tensor_wrap(&flat, t.data, OB_F32, OB_HOST, 1, &n));
    OB_CHECK_OK(ob_minmax(ctx, &flo, &fhi, &flat));
    OB_CHECK(flo == fminf(fminf(rlo[0], rlo[1]), rlo[2]) && fhi == fmaxf(fmaxf(rhi[0], rhi[1]), rhi[2]),
             "rank-1 tensor: [%g, %g]", flo, fhi);
    ob_tensor_free(&t);
    ob_ctx_destroy(ctx);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    const int blocks[2] = {256, 96};
    for (int b = 0; b < 2; b++) {
        check(1, 1, blocks[b], 0);
        check(5, 31, blocks[b], 0);
        check(3, 37 * 53, blocks[b], 11 + b);
        check(7, 129 * 97, blocks[b], 3);
        check(2, (size_t)256 * blocks[b] * 3 + 17, blocks[b], 5); /* every thread loops */
    }
    check(4, (size_t)1 << 21, 256, 0); /* the CPU path's OpenMP chunks */
    check_tensor_entry();
    float v[4] = {1, 2, 3, 4}, a, b;
    ob_launch_cfg odd = {100, 0, 0, NULL, NULL};
    float *d = ob_gpu_upload(v, 4);
    OB_CHECK_FAILS(OB_GPU(ob_minmax)(&a, &b, d, 1, 4, &odd), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_minmax)(&a, &b, d, 1, 0, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_minmax_cpu(&a, &b, v, 0, 4), OB_ERR_ARG);
    ob_gpu_free(d);
    return ob_test_finish();
}
