/* test_layers_grad.c — finite-difference gradient checks (tests/gradcheck.h, CPU)
 * of every layer in nets/ob_layers.h, at odd sizes. Inputs of relu/leaky_relu
 * stay >= 0.05 away from 0 and max-pool planes hold distinct values >= 0.03
 * apart, so the +-0.01 perturbation never crosses a kink. Tolerance:
 * |num - ana| <= 2e-3 + 2e-2 max(|num|, |ana|). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "gradcheck.h"
#include "ob_layers.h"
#include "ob_test.h"

static ob_ctx *ctx;

static void make(ob_tensor *t, int ndim, int64_t a, int64_t b, int64_t c, int64_t d, uint64_t seed, float lo, float hi)
{
    int64_t shape[4] = {a, b, c, d};
    ob_tensor_alloc(t, OB_F32, OB_HOST, ndim, shape);
    ob_test_fill_uniform(ob_tensor_f32(t), (size_t)ob_tensor_numel(t), seed, lo, hi);
}

/* values pushed away from 0 (relu's kink) */
static void away_from_zero(ob_tensor *t)
{
    float *x = ob_tensor_f32(t);
    for (int64_t i = 0; i < ob_tensor_numel(t); i++) x[i] = x[i] >= 0 ? x[i] + 0.05f : x[i] - 0.05f;
}

/* each plane of (N, C, H, W) a shuffled ramp in [-1, 1): distinct, 2/(H*W) apart */
static void distinct_planes(ob_tensor *t, uint64_t seed)
{
    const int64_t hw = t->shape[2] * t->shape[3], planes = ob_tensor_numel(t) / hw;
    uint64_t st = seed;
    float *x = ob_tensor_f32(t);
    for (int64_t p = 0; p < planes; p++) {
        float *v = x + p * hw;
        for (int64_t i = 0; i < hw; i++) v[i] = -1.0f + 2.0f * (float)i / (float)hw;
        for (int64_t i = hw - 1; i > 0; i--) {
            int j = ob_test_rand_int(&st, 0, (int)i);
            float tmp = v[i];
            v[i] = v[j], v[j] = tmp;
        }
    }
}

static void check_layer(const char *label, ob_layer *l, ob_tensor *in, int n_in, int training)
{
    ob_tensor *ins[OB_LAYER_MAX_INPUTS];
    for (int i = 0; i < n_in; i++) ins[i] = &in[i];
    ob_gradcheck_layer(label, l, ctx, ins, n_in, training, 2e-3, 2e-2, 200, 77);
}

static void one_input(const char *label, ob_layer *l, ob_tensor *x, int training)
{
    check_layer(label, l, x, 1, training);
    ob_layer_destroy(l);
    ob_tensor_free(x);
}

static void activations(void)
{
    static const ob_act_kind kinds[5] = {OB_ACT_RELU, OB_ACT_LEAKY_RELU, OB_ACT_SILU, OB_ACT_TANH, OB_ACT_SIGMOID};
    for (int k = 0; k < 5; k++) {
        ob_layer *l;
        ob_tensor x;
        OB_CHECK_OK(ob_act_create(&l, kinds[k], 0.1f));
        make(&x, 4, 2, 3, 5, 7, 10 + k, -2, 2);
        away_from_zero(&x);
        one_input(ob_act_name(kinds[k]), l, &x, 1);
    }
}

static void pools(void)
{
    ob_layer *l;
    ob_tensor x;
    const int cfgs[4][3] = {{3, 2, 1}, {2, 2, 0}, {3, 1, 1}, {5, 3, 2}};
    for (int i = 0; i < 4; i++) {
        char label[64];
        OB_CHECK_OK(ob_max_pool2d_create(&l, cfgs[i][0], cfgs[i][1], cfgs[i][2]));
        make(&x, 4, 2, 3, 9, 11, 20 + i, 0, 1);
        distinct_planes(&x, 30 + i);
        snprintf(label, sizeof label, "max_pool2d k%d s%d p%d", cfgs[i][0], cfgs[i][1], cfgs[i][2]);
        one_input(label, l, &x, 1);
        OB_CHECK_OK(ob_avg_pool2d_create(&l, cfgs[i][0], cfgs[i][1], cfgs[i][2]));
        make(&x, 4, 2, 3, 9, 11, 40 + i, -1, 1);
        snprintf(label, sizeof label, "avg_pool2d k%d s%d p%d", cfgs[i][0], cfgs[i][1], cfgs[i][2]);
        one_input(label, l, &x, 1);
    }
    OB_CHECK_OK(ob_global_avg_pool_create(&l));
    make(&x, 4, 2, 3, 5, 7, 50, -1, 1);
    one_input("global_avg_pool", l, &x, 1);
}

static void batchnorm(int training)
{
    ob_layer *l;
    ob_param_arena arena;
    ob_tensor x;
    OB_CHECK_OK(ob_batch_norm2d_create(&l, 3));
    OB_CHECK_OK(ob_layers_alloc_params(&arena, &l, 1, OB_HOST));
    OB_CHECK_OK(ob_batch_norm2d_reset(l));
    ob_test_fill_uniform(ob_tensor_f32(&l->params[0].value), 3, 61, 0.5f, 1.5f);
    ob_test_fill_uniform(ob_tensor_f32(&l->params[1].value), 3, 62, -1, 1);
    ob_test_fill_uniform(ob_tensor_f32(&l->params[2].value), 3, 63, -0.5f, 0.5f);
    ob_test_fill_uniform(ob_tensor_f32(&l->params[3].value), 3, 64, 0.5f, 2.0f);
    make(&x, 4, 3, 3, 5, 7, 65, -2, 2);
    check_layer(training ? "batch_norm2d train" : "batch_norm2d eval", l, &x, 1, training);
    ob_layer_destroy(l);
    ob_tensor_free(&x);
    ob_param_arena_free(&arena);
}

static void shape_layers(void)
{
    ob_layer *l;
    ob_tensor x, xs[3];
    OB_CHECK_OK(ob_flatten_create(&l));
    make(&x, 4, 2, 3, 5, 7, 70, -1, 1);
    one_input("flatten", l, &x, 1);

    OB_CHECK_OK(ob_concat_create(&l));
    make(&xs[0], 4, 2, 3, 5, 7, 71, -1, 1), make(&xs[1], 4, 2, 1, 5, 7, 72, -1, 1), make(&xs[2], 4, 2, 2, 5, 7, 73, -1, 1);
    check_layer("concat 3+1+2", l, xs, 3, 1);
    ob_layer_destroy(l);
    {   /* features (N, F): a CVAE's z beside its one-hot class */
        ob_tensor fs[2];
        OB_CHECK_OK(ob_concat_create(&l));
        make(&fs[0], 2, 4, 5, 1, 1, 74, -1, 1), make(&fs[1], 2, 4, 3, 1, 1, 75, -1, 1);
        check_layer("concat (4, 5) + (4, 3)", l, fs, 2, 1);
        int64_t sh[4];
        int nd;
        const ob_tensor *mixed[2] = {&fs[0], &xs[0]};
        OB_CHECK_FAILS(l->ops->shape(l, sh, &nd, mixed, 2), OB_ERR_ARG); /* 2-d beside 4-d */
        ob_layer_destroy(l);
        ob_tensor_free(&fs[0]), ob_tensor_free(&fs[1]);
    }

    {   /* a wrong input count or shape is refused with OB_ERR_ARG */
        int64_t sh[4];
        int nd;
        const ob_tensor *two[2] = {&xs[0], &xs[1]};
        OB_CHECK_OK(ob_add_create(&l));
        OB_CHECK_FAILS(l->ops->shape(l, sh, &nd, two, 1), OB_ERR_ARG);
        OB_CHECK_FAILS(l->ops->shape(l, sh, &nd, two, 2), OB_ERR_ARG);
        ob_layer_destroy(l);
    }
    for (int i = 0; i < 3; i++) ob_tensor_free(&xs[i]);
    OB_CHECK_OK(ob_add_create(&l));
    make(&xs[0], 4, 2, 3, 5, 7, 74, -1, 1), make(&xs[1], 4, 2, 3, 5, 7, 75, -1, 1);
    check_layer("add", l, xs, 2, 1);
    ob_layer_destroy(l);
    ob_tensor_free(&xs[0]), ob_tensor_free(&xs[1]);

    for (int s = 2; s <= 3; s++)
        for (int m = 0; m < 2; m++) {
            char label[64];
            OB_CHECK_OK(ob_upsample_create(&l, s, m ? OB_UPSAMPLE_BILINEAR : OB_UPSAMPLE_NEAREST));
            make(&x, 4, 2, 3, 5, 7, 80 + s * 2 + m, -1, 1);
            snprintf(label, sizeof label, "upsample %s x%d", m ? "bilinear" : "nearest", s);
            one_input(label, l, &x, 1);
        }

    OB_CHECK_OK(ob_pixel_shuffle_layer_create(&l, 3));
    make(&x, 4, 2, 18, 5, 7, 90, -1, 1);
    one_input("pixel_shuffle r3", l, &x, 1);
}

static void softmaxes(void)
{
    ob_layer *l;
    ob_tensor x;
    OB_CHECK_OK(ob_spatial_softmax_create(&l));
    make(&x, 4, 2, 3, 5, 7, 100, -3, 3);
    one_input("spatial_softmax", l, &x, 1);
    OB_CHECK_OK(ob_soft_argmax_create(&l, OB_SOFTARGMAX_PIXEL));
    make(&x, 4, 2, 3, 5, 7, 101, -3, 3);
    one_input("soft_argmax pixel", l, &x, 1);
    OB_CHECK_OK(ob_soft_argmax_create(&l, OB_SOFTARGMAX_NORMALIZED));
    make(&x, 4, 2, 3, 5, 7, 102, -3, 3);
    one_input("soft_argmax normalized", l, &x, 1);
}

static void dropout_eval(void)
{
    ob_layer *l;
    ob_tensor x;
    OB_CHECK_OK(ob_dropout_create(&l, 0.3f, 5));
    make(&x, 4, 2, 3, 5, 7, 110, -1, 1);
    one_input("dropout eval", l, &x, 0);
}

/* every check on ctx (the reference, then oneDNN) */
static void run_all(ob_ctx *c)
{
    ctx = c;
    activations();
    pools();
    batchnorm(1);
    batchnorm(0);
    shape_layers();
    softmaxes();
    dropout_eval();
}

int main(void)
{
    if (ob_test_each_cpu_impl(run_all)) return 1;
    return ob_test_finish();
}
