/* test_layers_dropout.c — dropout: the drop rate is p (within 4 standard
 * deviations over 32k elements), kept elements are scaled by 1/(1-p), the mask
 * is reproducible for one (seed, step) and changes with the step or the seed,
 * backward applies the forward's mask, eval and p = 0 are the identity. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ob_layers.h"
#include "ob_test.h"

static ob_ctx *ctx;

static void forward(ob_layer *l, ob_tensor *y, const ob_tensor *x, int training)
{
    const ob_tensor *in[1] = {x};
    OB_CHECK_OK(ob_layer_forward_alloc(l, ctx, y, in, 1, training));
}

int main(void)
{
    if (ob_ctx_create(&ctx, OB_BACKEND_CPU, 0) != OB_OK) return 1;
    const float p = 0.3f;
    ob_layer *l;
    ob_tensor x, y, y2, y3, g, gx;
    int64_t shape[4] = {4, 5, 39, 41}; /* 31980 elements */
    ob_tensor_alloc(&x, OB_F32, OB_HOST, 4, shape);
    ob_test_fill_uniform(ob_tensor_f32(&x), (size_t)ob_tensor_numel(&x), 3, 0.5f, 1.5f);
    const int64_t n = ob_tensor_numel(&x);
    const float *xv = ob_tensor_f32(&x);
    OB_CHECK_OK(ob_dropout_create(&l, p, 42));

    forward(l, &y, &x, 1);
    OB_CHECK(ob_dropout_step(l) == 1, "step advances after a training forward (%llu)", (unsigned long long)ob_dropout_step(l));
    int64_t dropped = 0, bad = 0;
    for (int64_t i = 0; i < n; i++) {
        const float v = ob_tensor_f32(&y)[i];
        if (v == 0.0f) dropped++;
        else if (fabsf(v - xv[i] / (1.0f - p)) > 1e-6f * fabsf(v)) bad++;
    }
    const double rate = (double)dropped / (double)n, sd = sqrt(p * (1 - p) / (double)n);
    OB_CHECK(fabs(rate - p) < 4 * sd, "drop rate %.4f vs p = %.2f (4 sd = %.4f)", rate, p, 4 * sd);
    OB_CHECK(bad == 0, "%lld kept elements not scaled by 1/(1-p)", (long long)bad);
    printf("dropout p=%.2f: dropped %.4f of %lld\n", p, rate, (long long)n);

    /* backward: the forward's mask applied to the gradient */
    ob_tensor_alloc(&g, OB_F32, OB_HOST, 4, shape);
    ob_tensor_alloc(&gx, OB_F32, OB_HOST, 4, shape);
    ob_test_fill_uniform(ob_tensor_f32(&g), (size_t)n, 4, -1, 1);
    ob_tensor *gin[1] = {&gx};
    const ob_tensor *in[1] = {&x};
    OB_CHECK_OK(l->ops->backward(l, ctx, gin, &g, in, 1, &y));
    bad = 0;
    for (int64_t i = 0; i < n; i++) {
        const float want = ob_tensor_f32(&y)[i] == 0.0f ? 0.0f : ob_tensor_f32(&g)[i] / (1.0f - p);
        if (fabsf(ob_tensor_f32(&gx)[i] - want) > 1e-6f * fabsf(want)) bad++;
    }
    OB_CHECK(bad == 0, "backward: %lld gradients not masked like the forward", (long long)bad);

    /* same (seed, step): same mask; next step: another mask */
    ob_dropout_set_step(l, 0);
    forward(l, &y2, &x, 1);
    OB_CHECK(memcmp(y.data, y2.data, ob_tensor_nbytes(&y)) == 0, "same seed and step give the same output");
    forward(l, &y3, &x, 1);
    int64_t differ = 0;
    for (int64_t i = 0; i < n; i++) differ += (ob_tensor_f32(&y)[i] == 0.0f) != (ob_tensor_f32(&y3)[i] == 0.0f);
    OB_CHECK(differ > n / 4, "the next step draws a new mask (%lld of %lld differ)", (long long)differ, (long long)n);
    ob_tensor_free(&y2), ob_tensor_free(&y3);

    /* another seed, same step: another mask */
    ob_layer *l2;
    OB_CHECK_OK(ob_dropout_create(&l2, p, 43));
    forward(l2, &y2, &x, 1);
    differ = 0;
    for (int64_t i = 0; i < n; i++) differ += (ob_tensor_f32(&y)[i] == 0.0f) != (ob_tensor_f32(&y2)[i] == 0.0f);
    OB_CHECK(differ > n / 4, "another seed draws another mask (%lld differ)", (long long)differ);
    ob_tensor_free(&y2);
    ob_layer_destroy(l2);

    /* eval: identity, step unchanged; backward of an eval forward: identity */
    const uint64_t step = ob_dropout_step(l);
    forward(l, &y2, &x, 0);
    OB_CHECK(memcmp(x.data, y2.data, ob_tensor_nbytes(&x)) == 0 && ob_dropout_step(l) == step, "eval is the identity");
    OB_CHECK_OK(l->ops->backward(l, ctx, gin, &g, in, 1, &y2));
    OB_CHECK(memcmp(gx.data, g.data, ob_tensor_nbytes(&g)) == 0, "eval backward is the identity");
    ob_tensor_free(&y2);
    ob_layer_destroy(l);

    /* p = 0 trains as the identity; p outside [0, 1) is refused */
    OB_CHECK_OK(ob_dropout_create(&l, 0.0f, 1));
    forward(l, &y2, &x, 1);
    OB_CHECK(memcmp(x.data, y2.data, ob_tensor_nbytes(&x)) == 0, "p = 0 is the identity");
    ob_tensor_free(&y2);
    ob_layer_destroy(l);
    OB_CHECK_FAILS(ob_dropout_create(&l, 1.0f, 1), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_dropout_create(&l, -0.1f, 1), OB_ERR_ARG);

    ob_tensor_free(&x), ob_tensor_free(&y), ob_tensor_free(&g), ob_tensor_free(&gx);
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
