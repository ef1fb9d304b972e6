/* test_pixel_shuffle.c — the CPU path against the definition, inverse and adjoint
 * identities, and the tensor entry point's shape checks. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_test.h"
#include "pixel_shuffle.h"

/* PyTorch's definition, element by element (independent of the row walk in
 * pixel_shuffle_cpu.c): out[n, c, h*r+i, w*r+j] = in[n, c*r*r + i*r + j, h, w]. */
static void shuffle_by_definition(float *out, const float *in, int N, int C, int H, int W, int r)
{
    for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
            for (int i = 0; i < r; i++)
                for (int j = 0; j < r; j++)
                    for (int h = 0; h < H; h++)
                        for (int w = 0; w < W; w++) {
                            size_t o = (((size_t)n * C + c) * H * r + (size_t)h * r + i) * W * r + (size_t)w * r + j;
                            size_t s = (((size_t)n * C * r * r + (size_t)c * r * r + i * r + j) * H + h) * W + w;
                            out[o] = in[s];
                        }
}

static double dot(const float *a, const float *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)a[i] * b[i];
    return s;
}

static void test_case(int N, int C, int H, int W, int r, uint64_t seed)
{
    size_t total = (size_t)N * C * r * r * H * W;
    float *x = malloc(total * sizeof *x), *y = malloc(total * sizeof *y), *ref = malloc(total * sizeof *ref);
    float *back = malloc(total * sizeof *back), *g = malloc(total * sizeof *g), *gx = malloc(total * sizeof *gx);
    ob_test_fill_uniform(x, total, seed, -1, 1);
    ob_test_fill_nan(y, total);
    shuffle_by_definition(ref, x, N, C, H, W, r);
    OB_CHECK_OK(ob_pixel_shuffle_cpu(y, x, N, C, H, W, r));
    char label[96];
    snprintf(label, sizeof label, "shuffle N%d C%d %dx%d r%d vs definition", N, C, H, W, r);
    ob_test_allclose(label, y, ref, total, 0, 0);
    /* unshuffle is the inverse */
    ob_test_fill_nan(back, total);
    OB_CHECK_OK(ob_pixel_unshuffle_cpu(back, y, N, C, H, W, r));
    snprintf(label, sizeof label, "unshuffle(shuffle(x)) == x, r%d", r);
    ob_test_allclose(label, back, x, total, 0, 0);
    /* backward is the adjoint: <shuffle(x), g> == <x, unshuffle(g)> */
    ob_test_fill_uniform(g, total, seed + 1, -1, 1);
    OB_CHECK_OK(ob_pixel_unshuffle_cpu(gx, g, N, C, H, W, r));
    double lhs = dot(y, g, total), rhs = dot(x, gx, total);
    OB_CHECK(fabs(lhs - rhs) <= 1e-9 * (1 + fabs(lhs)), "adjoint identity r%d: %.12g vs %.12g", r, lhs, rhs);
    free(x), free(y), free(ref), free(back), free(g), free(gx);
}

static void test_entry_point(void)
{
    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    ob_tensor lo, hi, wrong;
    int64_t ls[4] = {2, 12, 5, 7}, hs[4] = {2, 3, 10, 14}, ws[4] = {2, 3, 10, 15};
    OB_CHECK_OK(ob_tensor_alloc(&lo, OB_F32, OB_HOST, 4, ls));
    OB_CHECK_OK(ob_tensor_alloc(&hi, OB_F32, OB_HOST, 4, hs));
    OB_CHECK_OK(ob_tensor_alloc(&wrong, OB_F32, OB_HOST, 4, ws));
    ob_test_fill_uniform(ob_tensor_f32(&lo), 2 * 12 * 35, 7, 0, 1);
    OB_CHECK_OK(ob_pixel_shuffle(ctx, &hi, &lo, 2));
    float *ref = malloc(2 * 12 * 35 * sizeof *ref);
    shuffle_by_definition(ref, ob_tensor_f32(&lo), 2, 3, 5, 7, 2);
    ob_test_allclose("ob_pixel_shuffle tensor entry", ob_tensor_f32(&hi), ref, 2 * 12 * 35, 0, 0);
    OB_CHECK_FAILS(ob_pixel_shuffle(ctx, &wrong, &lo, 2), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_pixel_shuffle(ctx, &hi, &lo, 3), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_pixel_shuffle(ctx, &hi, &lo, 0), OB_ERR_ARG);
    OB_CHECK_OK(ob_pixel_shuffle_backward(ctx, &lo, &hi, 2));
    free(ref);
    ob_tensor_free(&lo), ob_tensor_free(&hi), ob_tensor_free(&wrong);
    ob_ctx_destroy(ctx);
}

int main(void)
{
    uint64_t seed = 1;
    for (int r = 1; r <= 4; r++) {
        test_case(1, 1, 1, 1, r, seed++);
        test_case(2, 3, 7, 5, r, seed++);
        test_case(1, 2, 13, 17, r, seed++);
    }
    test_entry_point();
    return ob_test_finish();
}
