/* linear.c — the linear layer (ob_linear.h): shape checks and the CPU path
 * (ob_sgemm on the row-major arrays: oneDNN's dnnl_sgemm where it is built
 * in); the cuBLAS path is linear_cublas.c. */
#include <stdio.h>
#include <stdlib.h>

#include "ob_gemm.h"
#include "linear_impl.h"
#include "ob_dispatch.h"

static ob_status linear_shape(const ob_layer *l, int64_t out[4], int *out_ndim, const ob_tensor *const *in, int n_in)
{
    const ob_linear_state *s = l->state;
    char a[64];
    OB_REQUIRE(n_in == 1 && in && in[0], "linear: expected 1 input, got %d", n_in);
    const ob_tensor *x = in[0];
    const int64_t numel = ob_tensor_numel(x);
    OB_REQUIRE(x->ndim >= 2 && x->shape[0] >= 1 && numel == x->shape[0] * s->in_f && x->shape[0] <= 0x7fffffff,
               "linear: expected input (N, %d) or (N, ...) with %d features per row, got %s", s->in_f, s->in_f,
               ob_tensor_shape_str(x, a, sizeof a));
    out[0] = x->shape[0], out[1] = s->out_f, out[2] = out[3] = 0;
    *out_ndim = 2;
    return OB_OK;
}

static ob_status check_out(const ob_layer *l, ob_ctx *ctx, const ob_tensor *t, const char *what,
                           const ob_tensor *const *in, int n_in)
{
    const ob_linear_state *s = l->state;
    int64_t shape[4] = {0};
    int nd = 0;
    char a[64], b[64], label[48];
    OB_TRY(linear_shape(l, shape, &nd, in, n_in));
    OB_TRY(ob_check_f32(in[0], "linear: input", ctx, 0));
    snprintf(label, sizeof label, "linear: %s", what);
    OB_TRY(ob_check_f32(t, label, ctx, 0));
    OB_REQUIRE(t->ndim == 2 && t->shape[0] == shape[0] && t->shape[1] == s->out_f,
               "linear: %s is %s, expected (%lld, %d) for input %s", what, ob_tensor_shape_str(t, a, sizeof a),
               (long long)shape[0], s->out_f, ob_tensor_shape_str(in[0], b, sizeof b));
    return OB_OK;
}

static ob_status linear_forward(ob_layer *l, ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *in, int n_in,
                                int training)
{
    ob_linear_state *s = l->state;
    OB_TRY(check_out(l, ctx, out, "output", in, n_in));
    OB_REQUIRE(l->params[0].value.data, "linear: parameters not allocated (ob_layers_alloc_params)");
    const int n = (int)in[0]->shape[0];
    const float *x = ob_tensor_f32(in[0]), *w = ob_tensor_f32(&l->params[0].value);
    const float *b = s->bias ? ob_tensor_f32(&l->params[1].value) : NULL;
    float *y = ob_tensor_f32(out);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CUDA) return ob_linear_forward_cublas(ctx, s, y, x, w, b, n);
    if (b) /* Y = 1 bᵀ, then Y += X Wᵀ */
        for (int i = 0; i < n; i++)
            for (int o = 0; o < s->out_f; o++) y[(int64_t)i * s->out_f + o] = b[o];
    /* Y (n, out) = X (n, in) Wᵀ (+ Y: the bias rows) */
    ob_sgemm(0, 1, n, s->out_f, s->in_f, 1.f, x, s->in_f, w, s->in_f, b ? 1.f : 0.f, y, s->out_f);
    return OB_OK;
}

static ob_status linear_backward(ob_layer *l, ob_ctx *ctx, ob_tensor *const *grad_in, const ob_tensor *grad_out,
                                 const ob_tensor *const *in, int n_in, const ob_tensor *out)
{
    ob_linear_state *s = l->state;
    char a[64], b[64];
    OB_TRY(check_out(l, ctx, grad_out, "grad_out", in, n_in));
    OB_REQUIRE(l->params[0].grad.data, "linear: parameters not allocated (ob_layers_alloc_params)");
    float *dx = NULL;
    if (grad_in && grad_in[0]) {
        OB_TRY(ob_check_f32(grad_in[0], "linear: grad_in", ctx, 0));
        OB_REQUIRE(ob_tensor_same_shape(grad_in[0], in[0]), "linear: grad_in is %s, expected the input's %s",
                   ob_tensor_shape_str(grad_in[0], a, sizeof a), ob_tensor_shape_str(in[0], b, sizeof b));
        dx = ob_tensor_f32(grad_in[0]);
    }
    const int n = (int)in[0]->shape[0];
    const float *x = ob_tensor_f32(in[0]), *w = ob_tensor_f32(&l->params[0].value), *dy = ob_tensor_f32(grad_out);
    float *dw = ob_tensor_f32(&l->params[0].grad), *db = s->bias ? ob_tensor_f32(&l->params[1].grad) : NULL;
    if (ob_ctx_backend(ctx) == OB_BACKEND_CUDA) return ob_linear_backward_cublas(ctx, s, dx, dw, db, dy, x, w, n);
    ob_sgemm(1, 0, s->out_f, s->in_f, n, 1.f, dy, s->out_f, x, s->in_f, 1.f, dw, s->in_f); /* dW += dYᵀ X */
    if (dx) ob_sgemm(0, 0, n, s->in_f, s->out_f, 1.f, dy, s->out_f, w, s->in_f, 0.f, dx, s->in_f); /* dX = dY W */
    if (db)
        for (int o = 0; o < s->out_f; o++) {
            double acc = 0;
            for (int i = 0; i < n; i++) acc += dy[(int64_t)i * s->out_f + o];
            db[o] += (float)acc;
        }
    return OB_OK;
}

static void linear_destroy(ob_layer *l)
{
    ob_linear_state *s = l->state;
    if (!s) return;
    ob_linear_cublas_free(s);
    free(s);
    l->state = NULL;
}

static const ob_layer_ops linear_ops = {"linear", linear_shape, linear_forward, linear_backward, linear_destroy, 0};

ob_status ob_linear_create(ob_layer **out, const ob_linear_cfg *cfg)
{
    OB_REQUIRE(out && cfg, "linear: no layer or config");
    OB_REQUIRE(cfg->in_features >= 1 && cfg->out_features >= 1, "linear: in_features %d and out_features %d must be >= 1",
               cfg->in_features, cfg->out_features);
    ob_layer *l = calloc(1, sizeof *l);
    ob_linear_state *s = calloc(1, sizeof *s);
    if (!l || !s) {
        free(l), free(s);
        return OB_FAIL(OB_ERR_NOMEM, "linear: no memory for the layer");
    }
    s->in_f = cfg->in_features, s->out_f = cfg->out_features, s->bias = !!cfg->bias;
    l->ops = &linear_ops, l->state = s;
    const int64_t wshape[2] = {s->out_f, s->in_f}, bshape[1] = {s->out_f};
    ob_status st = ob_layer_declare_param(l, "weight", 2, wshape, 1);
    if (st == OB_OK && s->bias) st = ob_layer_declare_param(l, "bias", 1, bshape, 1);
    if (st != OB_OK) {
        ob_layer_destroy(l);
        return st;
    }
    *out = l;
    return OB_OK;
}
