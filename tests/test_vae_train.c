/* test_vae_train.c — the zoo's "vae" trains as one ob_model: on synthetic
 * images of known structure (a bright square at one of 4 places, 1 x 16 x
 * 16), 300 Adam steps of the negative ELBO (BCE with logits, summed, plus the
 * KL the vae_sample layer measures) must bring the per-image loss below half
 * its first value, and below what a perfect-marginal model pays: the BCE of
 * predicting each pixel's mean over the set (the threshold fails for a net
 * that ignores its input, whatever it learns about the average image);
 * reconstructions at the mean then find the square (its 16 pixels are the
 * brightest). Backward runs through both of the layer's inputs (fc21, fc22). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_layers.h"
#include "ob_loss.h"
#include "ob_optim.h"
#include "ob_test.h"
#include "ob_zoo.h"

#define S 16
#define N 32

/* image i: a 4x4 square at one of four places */
static void make_batch(float *x, int n, int first)
{
    memset(x, 0, sizeof(float) * (size_t)n * S * S);
    for (int i = 0; i < n; i++) {
        const int k = (first + i) % 4, ox = k % 2 ? 9 : 3, oy = k / 2 ? 9 : 3;
        for (int y = 0; y < 4; y++)
            for (int xx = 0; xx < 4; xx++) x[(size_t)i * S * S + (oy + y) * S + ox + xx] = 1;
    }
}

static ob_layer *sampler(ob_model *m)
{
    for (int i = 0; i < m->n_nodes; i++)
        if (strcmp(m->layers[i]->ops->kind, "vae_sample") == 0) return m->layers[i];
    return NULL;
}

int main(void)
{
    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    ob_model *m;
    const ob_zoo_opts zo = {.in_channels = 1, .height = S, .width = S, .features = 4};
    OB_CHECK_OK(ob_zoo_build(&m, "vae", &zo));
    OB_CHECK_OK(ob_model_alloc_params(m, OB_HOST));
    OB_CHECK_OK(ob_zoo_init(m, 1));
    ob_layer *vs = sampler(m);
    OB_CHECK(vs != NULL, "no vae_sample layer");
    ob_optim *opt;
    ob_optim_cfg oc = ob_optim_defaults(OB_OPTIM_ADAM);
    oc.lr = 2e-3;
    OB_CHECK_OK(ob_optim_create(&opt, &oc, &m->arena, m->layers, m->n_nodes));
    ob_tensor x, x2, g;
    ob_tensor_alloc(&x, OB_F32, OB_HOST, 4, (const int64_t[4]){N, 1, S, S});
    ob_tensor_alloc(&g, OB_F32, OB_HOST, 2, (const int64_t[2]){N, S * S});
    OB_CHECK_OK(ob_tensor_wrap(&x2, x.data, OB_F32, OB_HOST, 2, (const int64_t[2]){N, S * S}));
    /* the marginal model's cost: BCE of p = each pixel's mean (1/4 inside any square's place, 0 elsewhere) */
    make_batch(ob_tensor_f32(&x), N, 0);
    double marginal = 0;
    for (int p = 0; p < S * S; p++) {
        double mean = 0;
        for (int i = 0; i < N; i++) mean += ob_tensor_f32(&x)[(size_t)i * S * S + p] / N;
        if (mean > 0 && mean < 1) marginal -= N * (mean * log(mean) + (1 - mean) * log(1 - mean));
    }
    marginal /= N;
    double first = NAN, last = NAN;
    for (int step = 0; step < 300; step++) {
        make_batch(ob_tensor_f32(&x), N, step);
        const ob_tensor *y;
        double bce = 0;
        OB_CHECK_OK(ob_optim_zero_grad(opt, ctx));
        if (ob_model_forward(m, ctx, &y, &x, 1) != OB_OK) break;
        OB_CHECK_OK(ob_loss_bce_logits(ctx, &bce, &g, y, &x2, OB_REDUCE_SUM));
        const double loss = (bce + ob_vae_sample_kl(vs)) / N;
        if (step == 0) first = loss;
        last = loss;
        if (ob_model_backward(m, ctx, &g, NULL) != OB_OK || ob_optim_step(opt, ctx) != OB_OK) break;
    }
    printf("negative ELBO per image: %.2f at the start, %.2f after 300 steps; the marginal model pays %.2f\n", first,
           last, marginal);
    OB_CHECK(last < 0.5 * first && last < marginal, "negative ELBO %.3g (start %.3g, marginal %.3g)", last, first,
             marginal);
    /* reconstructions at the mean: the square's 16 pixels are each image's 16 brightest */
    ob_vae_sample_use_mean(vs, 1);
    make_batch(ob_tensor_f32(&x), 4, 0);
    const ob_tensor *y;
    OB_CHECK_OK(ob_model_forward(m, ctx, &y, &x, 0));
    int found = 0;
    for (int i = 0; i < 4; i++) {
        float lo_in = INFINITY, hi_out = -INFINITY;
        for (int p = 0; p < S * S; p++) {
            const float v = ob_tensor_f32(y)[(size_t)i * S * S + p];
            if (ob_tensor_f32(&x)[(size_t)i * S * S + p] > 0.5f) lo_in = fminf(lo_in, v);
            else hi_out = fmaxf(hi_out, v);
        }
        found += lo_in > hi_out;
    }
    OB_CHECK(found == 4, "the reconstruction finds the square in %d of 4 images", found);
    ob_optim_destroy(opt);
    ob_tensor_free(&x), ob_tensor_free(&g);
    ob_model_destroy(m);
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
