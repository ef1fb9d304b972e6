/* test_linear.c — the linear layer on the CPU:
 *   - PyTorch parity (tests/golden/nets/linear_*.bin, float64 truth): forward y,
 *     backward grad_x, grad_weight, grad_bias within 1e-5 + 1e-4 |ref|, for a
 *     (N, F) input and a (N, C, H, W) input read flattened; gradients accumulate;
 *   - finite-difference gradient checks of input and parameters at odd sizes;
 *   - bad shapes: OB_ERR_ARG naming the layer, the expected features and the shape;
 *   - where a GPU answers, the parity cases again on the cuda backend (cuBLAS). */
#include <math.h>
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
