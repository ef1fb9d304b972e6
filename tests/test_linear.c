/* test_linear.c — the linear layer on the CPU:
 *   - PyTorch parity (tests/golden/nets/linear_*.bin, float64 truth): forward y,
 *     backward grad_x, grad_weight, grad_bias within 1e-5 + 1e-4 |ref|, for a
 *     (N, F) input and a (N, C, H, W) input read flattened; gradients accumulate;
 *   - finite-difference gradient checks of input and parameters at odd sizes;
 *   - bad shapes: OB_ERR_ARG naming the layer, the expected features and the shape;
 *   - where a GPU answers, the parity cases again on the cuda backend (cuBLAS). */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "gradcheck.h"
#include "linalg_golden.h"
#include "ob_init.h"
#include "ob_linear.h"
#include "ob_test.h"

static double golden(ob_ctx *ctx, const char *name, ob_linear_cfg cfg)
{
    ob_layer *l;
    ob_param_arena a;
    if (ob_linear_create(&l, &cfg) != OB_OK || ob_layers_alloc_params(&a, &l, 1, ob_ctx_location(ctx)) != OB_OK) {
        OB_CHECK(0, "%s: create: %s", name, ob_last_error());
        return INFINITY;
    }
    const double w = linalg_golden_check(name, l, ctx, 1e-5, 1e-4);
    ob_param_arena_free(&a);
    ob_layer_destroy(l);
    return w;
}

static void gradcheck(ob_ctx *ctx, const char *label, ob_linear_cfg cfg, int ndim, const int64_t *shape)
{
    ob_layer *l;
    ob_param_arena a;
    if (ob_linear_create(&l, &cfg) != OB_OK || ob_layers_alloc_params(&a, &l, 1, OB_HOST) != OB_OK) {
        OB_CHECK(0, "%s: create: %s", label, ob_last_error());
        return;
    }
    OB_CHECK_OK(ob_init_default(l, 99));
    ob_tensor x;
    ob_tensor_alloc(&x, OB_F32, OB_HOST, ndim, shape);
    ob_test_fill_uniform(ob_tensor_f32(&x), (size_t)ob_tensor_numel(&x), 5, -1, 1);
    ob_tensor *in[1] = {&x};
    ob_gradcheck_layer(label, l, ctx, in, 1, 1, 2e-3, 2e-2, 60, 11);
    ob_tensor_free(&x);
    ob_param_arena_free(&a);
    ob_layer_destroy(l);
}

static void bad_input(ob_ctx *ctx)
{
    ob_layer *l;
    ob_param_arena a;
    OB_CHECK_OK(ob_linear_create(&l, &(ob_linear_cfg){.in_features = 6, .out_features = 2, .bias = 1}));
    OB_CHECK_OK(ob_layers_alloc_params(&a, &l, 1, OB_HOST));
    ob_tensor x, y;
    int64_t s[2] = {3, 5}, shape[4];
    int nd;
    ob_tensor_zeros(&x, OB_F32, OB_HOST, 2, s);
    const ob_tensor *in[1] = {&x};
    OB_CHECK_FAILS(l->ops->shape(l, shape, &nd, in, 1), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "linear") && strstr(ob_last_error(), "(3, 5)") && strstr(ob_last_error(), "6"),
             "message names the layer, the features and the shape: %s", ob_last_error());
    ob_tensor_free(&x);
    int64_t s2[2] = {3, 6}, wrong[2] = {3, 3};
    ob_tensor_zeros(&x, OB_F32, OB_HOST, 2, s2);
    ob_tensor_zeros(&y, OB_F32, OB_HOST, 2, wrong);
    OB_CHECK_FAILS(l->ops->forward(l, ctx, &y, in, 1, 0), OB_ERR_ARG);
    ob_tensor_free(&x), ob_tensor_free(&y);
    ob_param_arena_free(&a);
    ob_layer_destroy(l);
    OB_CHECK_FAILS(ob_linear_create(&l, &(ob_linear_cfg){.in_features = 0, .out_features = 2}), OB_ERR_ARG);
}

/* The CPU path splits each GEMM over OpenMP threads by rows of its output
 * (by batch rows, or by output features when those are more): at 3 threads,
 * sizes past the parallel threshold, y, dX, dW and db against plain
 * double-precision loops. */
static void split_vs_reference(ob_ctx *ctx, int n, int in_f, int out_f)
{
    char label[96];
    snprintf(label, sizeof label, "linear (%d, %d) -> %d at 3 threads", n, in_f, out_f);
    ob_layer *l;
    ob_param_arena a;
    OB_CHECK_OK(ob_linear_create(&l, &(ob_linear_cfg){.in_features = in_f, .out_features = out_f, .bias = 1}));
    OB_CHECK_OK(ob_layers_alloc_params(&a, &l, 1, OB_HOST));
    OB_CHECK_OK(ob_init_default(l, 7));
    ob_tensor x, y, g, gx;
    const int64_t xs[2] = {n, in_f}, ys[2] = {n, out_f};
    ob_tensor_alloc(&x, OB_F32, OB_HOST, 2, xs), ob_tensor_alloc(&gx, OB_F32, OB_HOST, 2, xs);
    ob_tensor_alloc(&y, OB_F32, OB_HOST, 2, ys), ob_tensor_alloc(&g, OB_F32, OB_HOST, 2, ys);
    ob_test_fill_uniform(ob_tensor_f32(&x), (size_t)(n * in_f), 8, -1, 1);
    ob_test_fill_uniform(ob_tensor_f32(&g), (size_t)(n * out_f), 9, -1, 1);
    memset(a.grads.data, 0, ob_tensor_nbytes(&a.grads));
    const int keep = omp_get_max_threads();
    omp_set_num_threads(3);
    const ob_tensor *in[1] = {&x};
    ob_tensor *gin[1] = {&gx};
    OB_CHECK_OK(l->ops->forward(l, ctx, &y, in, 1, 1));
    OB_CHECK_OK(l->ops->backward(l, ctx, gin, &g, in, 1, &y));
    omp_set_num_threads(keep);
    const float *xp = ob_tensor_f32(&x), *gp = ob_tensor_f32(&g), *w = ob_tensor_f32(&l->params[0].value);
    const float *bias = ob_tensor_f32(&l->params[1].value);
    float *ry = malloc(sizeof(float) * (size_t)(n * out_f)), *rx = malloc(sizeof(float) * (size_t)(n * in_f));
    float *rw = malloc(sizeof(float) * (size_t)(out_f * in_f)), *rb = malloc(sizeof(float) * (size_t)out_f);
    for (int o = 0; o < out_f; o++) {
        double sb = 0;
        for (int i = 0; i < n; i++) {
            double sy = bias[o];
            for (int k = 0; k < in_f; k++) sy += (double)xp[i * in_f + k] * w[o * in_f + k];
            ry[i * out_f + o] = (float)sy, sb += gp[i * out_f + o];
        }
        rb[o] = (float)sb;
        for (int k = 0; k < in_f; k++) {
            double sw = 0;
            for (int i = 0; i < n; i++) sw += (double)gp[i * out_f + o] * xp[i * in_f + k];
            rw[o * in_f + k] = (float)sw;
        }
    }
    for (int i = 0; i < n; i++)
        for (int k = 0; k < in_f; k++) {
            double sx = 0;
            for (int o = 0; o < out_f; o++) sx += (double)gp[i * out_f + o] * w[o * in_f + k];
            rx[i * in_f + k] = (float)sx;
        }
    char lab[4][128];
    const char *what[4] = {"y", "dX", "dW", "db"};
    for (int k = 0; k < 4; k++) snprintf(lab[k], sizeof lab[k], "%s: %s vs double loops", label, what[k]);
    ob_test_allclose(lab[0], ob_tensor_f32(&y), ry, (size_t)(n * out_f), 1e-5, 1e-5);
    ob_test_allclose(lab[1], ob_tensor_f32(&gx), rx, (size_t)(n * in_f), 1e-5, 1e-5);
    ob_test_allclose(lab[2], ob_tensor_f32(&l->params[0].grad), rw, (size_t)(out_f * in_f), 1e-5, 1e-5);
    ob_test_allclose(lab[3], ob_tensor_f32(&l->params[1].grad), rb, (size_t)out_f, 1e-5, 1e-5);
    free(ry), free(rx), free(rw), free(rb);
    ob_tensor_free(&x), ob_tensor_free(&y), ob_tensor_free(&g), ob_tensor_free(&gx);
    ob_param_arena_free(&a);
    ob_layer_destroy(l);
}

static double run_golden(ob_ctx *ctx)
{
    double w = golden(ctx, "linear_basic", (ob_linear_cfg){.in_features = 7, .out_features = 3, .bias = 1});
    return fmax(w, golden(ctx, "linear_flat", (ob_linear_cfg){.in_features = 18, .out_features = 5}));
}

int main(void)
{
    ob_ctx *ctx;
    if (ob_ctx_create(&ctx, OB_BACKEND_CPU, 0) != OB_OK) {
        fprintf(stderr, "no context: %s\n", ob_last_error());
        return 1;
    }
    printf("PyTorch parity: worst relative error %.3g over the linear fixtures\n", run_golden(ctx));

    const int64_t s2[2] = {5, 7}, s4[4] = {3, 2, 3, 3}, s1[2] = {1, 1};
    gradcheck(ctx, "linear (5, 7) -> 3", (ob_linear_cfg){.in_features = 7, .out_features = 3, .bias = 1}, 2, s2);
    gradcheck(ctx, "linear (3, 2, 3, 3) flattened -> 5", (ob_linear_cfg){.in_features = 18, .out_features = 5, .bias = 1}, 4, s4);
    gradcheck(ctx, "linear (1, 1) -> 1, no bias", (ob_linear_cfg){.in_features = 1, .out_features = 1}, 2, s1);
    split_vs_reference(ctx, 37, 129, 70); /* split by batch rows */
    split_vs_reference(ctx, 5, 211, 97);  /* split by output features */
    bad_input(ctx);
    ob_ctx_destroy(ctx);
    /* the cuBLAS path, where a GPU answers (bench/gpu_check runs this test there) */
    if (ob_ctx_create(&ctx, OB_BACKEND_CUDA, 0) == OB_OK) {
        printf("PyTorch parity (cuda): worst relative error %.3g over the linear fixtures\n", run_golden(ctx));
        ob_ctx_destroy(ctx);
    } else
        printf("note: no GPU here (%s): the cuBLAS path was not run\n", ob_last_error());
    return ob_test_finish();
}
