/* layer.c — parameter declaration, the parameter arena, shared layer helpers. */
#include "ob_layer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ob_status ob_layer_declare_param(ob_layer *l, const char *name, int ndim, const int64_t *shape, int trainable)
{
    OB_REQUIRE(l->n_params < OB_LAYER_MAX_PARAMS, "layer %s: more than %d parameters", l->ops->kind,
               OB_LAYER_MAX_PARAMS);
    ob_param *p = &l->params[l->n_params];
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    OB_TRY(ob_tensor_wrap(&p->value, NULL, OB_F32, OB_HOST, ndim, shape));
    if (trainable) OB_TRY(ob_tensor_wrap(&p->grad, NULL, OB_F32, OB_HOST, ndim, shape));
    p->trainable = trainable;
    l->n_params++;
    return OB_OK;
}

ob_status ob_layers_alloc_params(ob_param_arena *a, ob_layer *const *layers, int n_layers, ob_location loc)
{
    memset(a, 0, sizeof *a);
    for (int i = 0; i < n_layers; i++)
        for (int k = 0; k < layers[i]->n_params; k++) {
            const ob_param *p = &layers[i]->params[k];
            a->n_values += ob_tensor_numel(&p->value);
            if (p->trainable) a->n_grads += ob_tensor_numel(&p->value);
        }
    int64_t nv[1] = {a->n_values > 0 ? a->n_values : 1}, ng[1] = {a->n_grads > 0 ? a->n_grads : 1};
    OB_TRY(ob_tensor_zeros(&a->values, OB_F32, loc, 1, nv));
    ob_status s = ob_tensor_zeros(&a->grads, OB_F32, loc, 1, ng);
    if (s != OB_OK) {
        ob_tensor_free(&a->values);
        return s;
    }
    float *v = ob_tensor_f32(&a->values), *g = ob_tensor_f32(&a->grads);
    for (int i = 0; i < n_layers; i++)
        for (int k = 0; k < layers[i]->n_params; k++) {
            ob_param *p = &layers[i]->params[k];
            int64_t n = ob_tensor_numel(&p->value);
            p->value.data = v, p->value.loc = loc, p->value.owns = 0;
            v += n;
            if (p->trainable) {
                p->grad.data = g, p->grad.loc = loc, p->grad.owns = 0;
                g += n;
            }
        }
    return OB_OK;
}

void ob_param_arena_free(ob_param_arena *a)
{
    ob_tensor_free(&a->values);
    ob_tensor_free(&a->grads);
    memset(a, 0, sizeof *a);
}

ob_status ob_layer_forward_alloc(ob_layer *l, ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *in, int n_in,
                                 int training)
{
    int64_t shape[4];
    int ndim = 0;
    OB_TRY(l->ops->shape(l, shape, &ndim, in, n_in));
    OB_TRY(ob_tensor_alloc(out, OB_F32, ob_ctx_location(ctx), ndim, shape));
    ob_status s = l->ops->forward(l, ctx, out, in, n_in, training);
    if (s != OB_OK) ob_tensor_free(out);
    return s;
}

void ob_layer_destroy(ob_layer *l)
{
    if (!l) return;
    if (l->ops && l->ops->destroy) l->ops->destroy(l);
    free(l);
}
