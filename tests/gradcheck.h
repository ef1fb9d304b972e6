/* gradcheck.h — finite-difference gradient checks for layers and losses (CPU).
 * Header-only (static functions), included by the nets tests.
 *
 * The scalar under test is L = Σ out ⊙ R for a fixed random R, so the analytic
 * gradients are backward(grad_out = R). Each checked element x_i is perturbed by
 * ±eps and (L+ − L−)/(2 eps) is compared with the analytic value:
 *     |num − ana| <= atol + rtol · max(|num|, |ana|)
 * in float32 with eps = 1e-2 (scaled to the element) — tolerances are the
 * caller's, typically atol 2e-3, rtol 2e-2. Layers with kinks (ReLU, max pool)
 * need inputs kept away from the kinks; the caller arranges that. At most
 * `max_checks` elements per tensor are checked (spread evenly), which keeps big
 * tensors fast. Failures print the tensor, the element and both values. */
#ifndef OB_GRADCHECK_H
#define OB_GRADCHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_layer.h"
#include "ob_test.h"

static double gc_loss(ob_layer *l, ob_ctx *ctx, const ob_tensor *const *in, int n_in, const float *r, int training)
{
    ob_tensor out;
    if (ob_layer_forward_alloc(l, ctx, &out, in, n_in, training) != OB_OK) {
        fprintf(stderr, "gradcheck: forward failed: %s\n", ob_last_error());
        return NAN;
    }
    double s = 0;
    const float *o = ob_tensor_f32(&out);
    for (int64_t i = 0; i < ob_tensor_numel(&out); i++) s += (double)o[i] * r[i];
    ob_tensor_free(&out);
    return s;
}

/* Checks d L / d(in[k]) for every input and d L / d(param) for every trainable
 * parameter of layer l. `training` as forward's (dropout needs a fixed mask:
 * check it with training = 0 or a layer-specific test). Returns 1 when all pass. */
static int ob_gradcheck_layer(const char *label, ob_layer *l, ob_ctx *ctx, ob_tensor *const *in, int n_in,
                              int training, double atol, double rtol, int max_checks, uint64_t seed)
{
    ob_tensor out;
    if (ob_layer_forward_alloc(l, ctx, &out, (const ob_tensor *const *)in, n_in, training) != OB_OK) {
        OB_CHECK(0, "%s: forward: %s", label, ob_last_error());
        return 0;
    }
    const int64_t n_out = ob_tensor_numel(&out);
    float *r = malloc(sizeof(float) * (size_t)n_out);
    ob_test_fill_uniform(r, (size_t)n_out, seed, -1, 1);
    ob_tensor grad_out;
    ob_tensor_wrap(&grad_out, r, OB_F32, OB_HOST, out.ndim, out.shape);
    ob_tensor gin[OB_LAYER_MAX_INPUTS];
    ob_tensor *gin_ptr[OB_LAYER_MAX_INPUTS];
    for (int k = 0; k < n_in; k++) {
        ob_tensor_zeros(&gin[k], OB_F32, OB_HOST, in[k]->ndim, in[k]->shape);
        gin_ptr[k] = &gin[k];
    }
    for (int p = 0; p < l->n_params; p++)
        if (l->params[p].trainable) memset(l->params[p].grad.data, 0, ob_tensor_nbytes(&l->params[p].grad));
    int ok = 1;
    if (l->ops->backward(l, ctx, gin_ptr, &grad_out, (const ob_tensor *const *)in, n_in, &out) != OB_OK) {
        OB_CHECK(0, "%s: backward: %s", label, ob_last_error());
        ok = 0;
    }
    /* the tensors to perturb: inputs, then trainable parameters */
    for (int t = 0; ok && t < n_in + l->n_params; t++) {
        float *x, *ana;
        int64_t n;
        char what[96];
        if (t < n_in) {
            x = ob_tensor_f32(in[t]), ana = ob_tensor_f32(&gin[t]), n = ob_tensor_numel(in[t]);
            snprintf(what, sizeof what, "input %d", t);
        } else {
            ob_param *p = &l->params[t - n_in];
            if (!p->trainable) continue;
            x = ob_tensor_f32(&p->value), ana = ob_tensor_f32(&p->grad), n = ob_tensor_numel(&p->value);
            snprintf(what, sizeof what, "param %s", p->name);
        }
        int64_t step = n > max_checks ? n / max_checks : 1;
        double worst = 0;
        for (int64_t i = 0; i < n; i += step) {
            const float keep = x[i];
            const float eps = 1e-2f * (fabsf(keep) > 1.0f ? fabsf(keep) : 1.0f);
            x[i] = keep + eps;
            double lp = gc_loss(l, ctx, (const ob_tensor *const *)in, n_in, r, training);
            x[i] = keep - eps;
            double lm = gc_loss(l, ctx, (const ob_tensor *const *)in, n_in, r, training);
            x[i] = keep;
            double num = (lp - lm) / (2.0 * eps), a = ana[i];
            double tol = atol + rtol * fmax(fabs(num), fabs(a));
            if (!(fabs(num - a) <= tol)) {
                OB_CHECK(0, "%s: %s [%lld]: numeric %.6g vs analytic %.6g", label, what, (long long)i, num, a);
                ok = 0;
                break;
            }
            if (fabs(num - a) > worst) worst = fabs(num - a);
        }
        if (ok) printf("ok   %s: d/d(%s) max |num - ana| = %.3g\n", label, what, worst);
    }
    if (ok) OB_CHECK(1, "%s", label);
    for (int k = 0; k < n_in; k++) ob_tensor_free(&gin[k]);
    ob_tensor_free(&out);
    free(r);
    return ok;
}

#endif
