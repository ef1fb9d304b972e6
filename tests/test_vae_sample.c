/* test_vae_sample.c — the vae_sample layer (nets/ob_layers.h) on the CPU:
 *   - training forwards draw z = mu + exp(logvar / 2) eps with eps ~ N(0, 1):
 *     over 200,000 draws the standardised z has mean 0 and variance 1 within
 *     4 standard errors; the same seed and step give the same z, the next
 *     step other values;
 *   - the KL it measures equals the closed form -1/2 sum(1 + lv - mu^2 - e^lv);
 *   - its backward (reparameterisation + KL) against central finite
 *     differences of L = sum(w z) + KL in eval mode (fixed eps), and with
 *     use_mean (z = mu);
 *   - bad input: mu and logvar of different shapes, a backward without both
 *     input gradients. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_layers.h"
#include "ob_test.h"

static ob_ctx *ctx;

static ob_tensor vec(int64_t n, int64_t d)
{
    ob_tensor t;
    ob_tensor_alloc(&t, OB_F32, OB_HOST, 2, (const int64_t[2]){n, d});
    memset(t.data, 0, ob_tensor_nbytes(&t));
    return t;
}

static double closed_kl(const float *mu, const float *lv, int64_t n)
{
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += 1 + lv[i] - (double)mu[i] * mu[i] - exp(lv[i]);
    return -0.5 * s;
}

static void sampling(void)
{
    const int64_t n = 2000, d = 100;
    ob_layer *l, *l2;
    OB_CHECK_OK(ob_vae_sample_create(&l, 7));
    OB_CHECK_OK(ob_vae_sample_create(&l2, 7));
    ob_tensor mu = vec(n, d), lv = vec(n, d), z, z2;
    float *m = ob_tensor_f32(&mu), *v = ob_tensor_f32(&lv);
    for (int64_t i = 0; i < n * d; i++) m[i] = (float)(i % 7) - 3, v[i] = 0.1f * (float)(i % 11) - 0.5f;
    const ob_tensor *in[2] = {&mu, &lv};
    OB_CHECK_OK(ob_layer_forward_alloc(l, ctx, &z, in, 2, 1));
    OB_CHECK_OK(ob_layer_forward_alloc(l2, ctx, &z2, in, 2, 1));
    OB_CHECK(memcmp(z.data, z2.data, ob_tensor_nbytes(&z)) == 0, "one seed and step gave two samples");
    double s = 0, q = 0;
    const float *zp = ob_tensor_f32(&z);
    for (int64_t i = 0; i < n * d; i++) {
        const double e = (zp[i] - m[i]) / exp(0.5 * v[i]);
        s += e, q += e * e;
    }
    const double mean = s / (n * d), var = q / (n * d) - mean * mean, se = 1 / sqrt((double)(n * d));
    OB_CHECK(fabs(mean) < 4 * se && fabs(var - 1) < 4 * sqrt(2.0) * se, "eps mean %.4g, variance %.4g", mean, var);
    OB_CHECK(fabs(ob_vae_sample_kl(l) - closed_kl(m, v, n * d)) <= 1e-6 * fabs(closed_kl(m, v, n * d)),
             "KL %.9g, closed form %.9g", ob_vae_sample_kl(l), closed_kl(m, v, n * d));
    ob_tensor_free(&z2);
    OB_CHECK_OK(ob_layer_forward_alloc(l2, ctx, &z2, in, 2, 1)); /* the next step */
    OB_CHECK(memcmp(z.data, z2.data, ob_tensor_nbytes(&z)) != 0, "the next step drew the same eps");
    printf("eps over %lld draws: mean %.5f, variance %.5f; KL %.6g\n", (long long)(n * d), mean, var,
           ob_vae_sample_kl(l));
    ob_tensor_free(&z), ob_tensor_free(&z2), ob_tensor_free(&mu), ob_tensor_free(&lv);
    ob_layer_destroy(l), ob_layer_destroy(l2);
}

/* L = sum(w z) + KL in eval mode: the layer's backward against finite differences. */
static double loss_at(ob_layer *l, const ob_tensor *mu, const ob_tensor *lv, const float *w)
{
    ob_tensor z;
    const ob_tensor *in[2] = {mu, lv};
    if (ob_layer_forward_alloc(l, ctx, &z, in, 2, 0) != OB_OK) return NAN;
    double s = ob_vae_sample_kl(l);
    for (int64_t i = 0; i < ob_tensor_numel(&z); i++) s += (double)w[i] * ob_tensor_f32(&z)[i];
    ob_tensor_free(&z);
    return s;
}

static void gradients(int use_mean)
{
    const int64_t n = 3, d = 5, k = n * d;
    ob_layer *l;
    OB_CHECK_OK(ob_vae_sample_create(&l, 11));
    ob_vae_sample_use_mean(l, use_mean);
    ob_tensor mu = vec(n, d), lv = vec(n, d), w = vec(n, d), gm = vec(n, d), gv = vec(n, d);
    ob_test_fill_uniform(ob_tensor_f32(&mu), (size_t)k, 3, -1, 1);
    ob_test_fill_uniform(ob_tensor_f32(&lv), (size_t)k, 4, -1, 1);
    ob_test_fill_uniform(ob_tensor_f32(&w), (size_t)k, 5, -1, 1);
    ob_tensor z;
    const ob_tensor *in[2] = {&mu, &lv};
    OB_CHECK_OK(ob_layer_forward_alloc(l, ctx, &z, in, 2, 0));
    ob_tensor *gin[2] = {&gm, &gv};
    OB_CHECK_OK(l->ops->backward(l, ctx, gin, &w, in, 2, &z));
    double worst = 0;
    for (int which = 0; which < 2; which++)
        for (int64_t i = 0; i < k; i++) {
            float *p = ob_tensor_f32(which ? &lv : &mu) + i;
            const float keep = *p, h = 1e-3f;
            *p = keep + h;
            const double up = loss_at(l, &mu, &lv, ob_tensor_f32(&w));
            *p = keep - h;
            const double down = loss_at(l, &mu, &lv, ob_tensor_f32(&w));
            *p = keep;
            const double fd = (up - down) / (2.0 * h), an = ob_tensor_f32(which ? &gv : &gm)[i];
            worst = fmax(worst, fabs(fd - an) / fmax(1, fabs(fd)));
        }
    OB_CHECK(worst < 2e-3, "%s: backward vs finite differences %.3g", use_mean ? "use_mean" : "sampled", worst);
    printf("backward (%s) vs central differences: worst relative %.2g\n", use_mean ? "z = mu" : "sampled", worst);
    /* bad input */
    ob_tensor odd = vec(n, d + 1);
    const ob_tensor *bad[2] = {&mu, &odd};
    ob_tensor zz;
    OB_CHECK_FAILS(ob_layer_forward_alloc(l, ctx, &zz, bad, 2, 0), OB_ERR_ARG);
    ob_tensor *half[2] = {&gm, NULL};
    OB_CHECK_FAILS(l->ops->backward(l, ctx, half, &w, in, 2, &z), OB_ERR_ARG);
    ob_tensor_free(&z), ob_tensor_free(&odd);
    ob_tensor_free(&mu), ob_tensor_free(&lv), ob_tensor_free(&w), ob_tensor_free(&gm), ob_tensor_free(&gv);
    ob_layer_destroy(l);
}

int main(void)
{
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    sampling();
    gradients(0);
    gradients(1);
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
