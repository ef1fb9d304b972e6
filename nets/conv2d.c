/* conv2d.c — the conv2d layer (ob_conv2d.h) and the ops both convolution
 * layers share: shape checks, scratch, and the choice of the path: oneDNN
 * (conv_dnnl.c), the reference (conv_cpu.c) or cuDNN (conv2d_cudnn.c).
 * conv_transpose2d.c adds its constructor. */
#include <stdio.h>
#include <stdlib.h>

#include "conv_impl.h"
#include "layers_internal.h"
#include "ob_dispatch.h"

static const char *kind_of(const ob_conv_state *s) { return s->transposed ? "conv_transpose2d" : "conv2d"; }

ob_im2col_geom ob_conv_geom(const ob_conv_state *s, int c, int h, int w)
{
    ob_im2col_geom g = {c, h, w, s->k, s->k, s->stride, s->stride, s->pad, s->pad, s->dilation, s->dilation, 0, 0};
    return g;
}

ob_status ob_conv_scratch(ob_conv_state *s, float **p, size_t n, const char *kind)
{
    return ob_scratch_get(&s->scratch, (void **)p, n * sizeof(float), kind);
}

int64_t ob_conv_out_size(const ob_conv_state *s, int64_t in)
{
    if (s->transposed)
        return (in - 1) * s->stride - 2 * (int64_t)s->pad + (int64_t)s->dilation * (s->k - 1) + s->output_padding + 1;
    const int64_t e = in + 2 * (int64_t)s->pad - (int64_t)s->dilation * (s->k - 1) - 1;
    return e < 0 ? 0 : e / s->stride + 1;
}

ob_status ob_conv_shape(const ob_layer *l, int64_t out[4], int *out_ndim, const ob_tensor *const *in, int n_in)
{
    const ob_conv_state *s = l->state;
    char a[64];
    OB_REQUIRE(n_in == 1 && in && in[0], "%s: expected 1 input, got %d", kind_of(s), n_in);
    const ob_tensor *x = in[0];
    OB_REQUIRE(x->ndim == 4 && x->shape[1] == s->c_in && x->shape[0] >= 1 && x->shape[2] >= 1 && x->shape[3] >= 1,
               "%s: expected input (N, %d, H, W), got %s", kind_of(s), s->c_in, ob_tensor_shape_str(x, a, sizeof a));
    OB_REQUIRE(x->shape[0] <= 0x7fffffff && x->shape[2] <= 0x7fffffff && x->shape[3] <= 0x7fffffff,
               "%s: input %s too large", kind_of(s), ob_tensor_shape_str(x, a, sizeof a));
    const int64_t oh = ob_conv_out_size(s, x->shape[2]), ow = ob_conv_out_size(s, x->shape[3]);
    OB_REQUIRE(oh >= 1 && ow >= 1 && oh <= 0x7fffffff && ow <= 0x7fffffff,
               "%s: input %s gives no output: window %d, dilation %d, padding %d, stride %d", kind_of(s),
               ob_tensor_shape_str(x, a, sizeof a), s->k, s->dilation, s->pad, s->stride);
    out[0] = x->shape[0], out[1] = s->c_out, out[2] = oh, out[3] = ow;
    *out_ndim = 4;
    return OB_OK;
}

/* in, and out with the shape `shape` computes, on the context's side. */
static ob_status check_io(const ob_layer *l, ob_ctx *ctx, const ob_tensor *out, const char *out_what,
                          const ob_tensor *const *in, int n_in)
{
    const ob_conv_state *s = l->state;
    int64_t shape[4] = {0};
    int nd = 0;
    char what[64], a[64], b[64];
    OB_TRY(ob_conv_shape(l, shape, &nd, in, n_in));
    snprintf(what, sizeof what, "%s: input", kind_of(s));
    OB_TRY(ob_check_f32(in[0], what, ctx, 4));
    snprintf(what, sizeof what, "%s: %s", kind_of(s), out_what);
    OB_TRY(ob_check_f32(out, what, ctx, 4));
    ob_tensor want;
    OB_TRY(ob_tensor_wrap(&want, NULL, OB_F32, out->loc, 4, shape));
    OB_REQUIRE(ob_tensor_same_shape(out, &want), "%s: %s is %s, expected %s for input %s", kind_of(s), out_what,
               ob_tensor_shape_str(out, a, sizeof a), ob_tensor_shape_str(&want, b, sizeof b),
               ob_tensor_shape_str(in[0], what, sizeof what));
    return OB_OK;
}

ob_status ob_conv_forward(ob_layer *l, ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *in, int n_in,
                          int training)
{
    ob_conv_state *s = l->state;
    OB_TRY(check_io(l, ctx, out, "output", in, n_in));
    OB_REQUIRE(l->params[0].value.data, "%s: parameters not allocated (ob_layers_alloc_params)", kind_of(s));
    const ob_tensor *x = in[0];
    const int n = (int)x->shape[0], h = (int)x->shape[2], w = (int)x->shape[3];
    const float *wt = ob_tensor_f32(&l->params[0].value), *b = s->bias ? ob_tensor_f32(&l->params[1].value) : NULL;
    if (ob_ctx_backend(ctx) == OB_BACKEND_CUDA) {
        s->last_algo = "cudnn";
        return ob_conv_forward_cudnn(ctx, s, ob_tensor_f32(out), ob_tensor_f32(x), wt, b, n, h, w);
    }
    if (ob_ctx_uses_dnnl(ctx)) {
        const ob_conv_dnnl_opts lay = {x->layout, 0, out->layout_ok, 0, ob_ctx_cpu_conv(ctx),
                                       training ? 0u : l->frozen};
        ob_status st = ob_conv_forward_dnnl(s, ob_tensor_f32(out), ob_tensor_f32(x), wt, b, n, h, w, training, &lay,
                                            &out->layout);
        if (st != OB_ERR_UNSUPPORTED) return st; /* else: a shape oneDNN has no implementation for */
    }
    const float *xp;
    float *tmp;
    OB_TRY(ob_layer_plain(x, &xp, &tmp)); /* the reference reads plain NCHW */
    out->layout = OB_LAYOUT_PLAIN;
    s->last_algo = "ref";
    ob_status st = s->transposed ? ob_conv_transpose2d_forward_cpu(s, ob_tensor_f32(out), xp, wt, b, n, h, w)
                                 : ob_conv2d_forward_cpu(s, ob_tensor_f32(out), xp, wt, b, n, h, w);
    free(tmp);
    return st;
}

ob_status ob_conv_backward(ob_layer *l, ob_ctx *ctx, ob_tensor *const *grad_in, const ob_tensor *grad_out,
                           const ob_tensor *const *in, int n_in, const ob_tensor *out)
{
    ob_conv_state *s = l->state;
    char what[64], a[64], b[64];
    OB_TRY(check_io(l, ctx, grad_out, "grad_out", in, n_in));
    OB_REQUIRE(l->params[0].grad.data, "%s: parameters not allocated (ob_layers_alloc_params)", kind_of(s));
    const ob_tensor *x = in[0];
    float *dx = NULL;
    if (grad_in && grad_in[0]) {
        snprintf(what, sizeof what, "%s: grad_in", kind_of(s));
        OB_TRY(ob_check_f32(grad_in[0], what, ctx, 4));
        OB_REQUIRE(ob_tensor_same_shape(grad_in[0], x), "%s: grad_in is %s, expected the input's %s", kind_of(s),
                   ob_tensor_shape_str(grad_in[0], a, sizeof a), ob_tensor_shape_str(x, b, sizeof b));
        dx = ob_tensor_f32(grad_in[0]);
    }
    const int n = (int)x->shape[0], h = (int)x->shape[2], w = (int)x->shape[3];
    const float *wt = ob_tensor_f32(&l->params[0].value);
    float *dw = ob_tensor_f32(&l->params[0].grad), *db = s->bias ? ob_tensor_f32(&l->params[1].grad) : NULL;
    const float *dy = ob_tensor_f32(grad_out), *xp = ob_tensor_f32(x);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CUDA) return ob_conv_backward_cudnn(ctx, s, dx, dw, db, dy, xp, wt, n, h, w);
    if (ob_ctx_uses_dnnl(ctx)) {
        const ob_conv_dnnl_opts lay = {x->layout, grad_out->layout, 0, dx && grad_in[0]->layout_ok,
                                       ob_ctx_cpu_conv(ctx), 0u};
        int dx_layout = OB_LAYOUT_PLAIN;
        ob_status st = ob_conv_backward_dnnl(s, dx, dw, db, dy, xp, wt, n, h, w, &lay, &dx_layout);
        if (dx) grad_in[0]->layout = dx_layout;
        if (st != OB_ERR_UNSUPPORTED) return st;
    }
    float *tx, *tdy;
    OB_TRY(ob_layer_plain(x, &xp, &tx)); /* the reference reads plain NCHW */
    ob_status st = ob_layer_plain(grad_out, &dy, &tdy);
    if (dx) grad_in[0]->layout = OB_LAYOUT_PLAIN;
    if (st == OB_OK)
        st = s->transposed ? ob_conv_transpose2d_backward_cpu(s, dx, dw, db, dy, xp, wt, n, h, w)
                           : ob_conv2d_backward_cpu(s, dx, dw, db, dy, xp, wt, n, h, w);
    free(tx), free(tdy);
    return st;
}

void ob_conv_destroy(ob_layer *l)
{
    ob_conv_state *s = l->state;
    if (!s) return;
    ob_conv_cudnn_free(s->gpu);
    ob_conv_dnnl_free(s->dnnl);
    ob_scratch_free(&s->scratch);
    free(s);
    l->state = NULL;
}

static const ob_layer_ops conv2d_ops = {"conv2d", ob_conv_shape, ob_conv_forward, ob_conv_backward, ob_conv_destroy,
                                        1};

/* Validates the common fields, makes the layer and declares its parameters;
 * wshape is the weight's shape (PyTorch's layout for the kind). */
ob_status ob_conv_make(ob_layer **out, const ob_layer_ops *ops, const ob_conv_state *init, const int64_t wshape[4])
{
    const char *kind = ops->kind;
    OB_REQUIRE(init->c_in >= 1 && init->c_out >= 1 && init->k >= 1,
               "%s: c_in %d, c_out %d and k %d must be >= 1", kind, init->c_in, init->c_out, init->k);
    OB_REQUIRE(init->stride >= 1 && init->dilation >= 1 && init->groups >= 1 && init->pad >= 0,
               "%s: stride %d, dilation %d, groups %d must be >= 1 and pad %d >= 0", kind, init->stride,
               init->dilation, init->groups, init->pad);
    OB_REQUIRE(init->c_in % init->groups == 0 && init->c_out % init->groups == 0,
               "%s: groups %d must divide c_in %d and c_out %d", kind, init->groups, init->c_in, init->c_out);
    OB_REQUIRE(init->output_padding >= 0 &&
                   (init->output_padding == 0 ||
                    init->output_padding < (init->stride > init->dilation ? init->stride : init->dilation)),
               "%s: output_padding %d must be smaller than stride %d or dilation %d", kind, init->output_padding,
               init->stride, init->dilation);
    ob_layer *l = calloc(1, sizeof *l);
    ob_conv_state *s = malloc(sizeof *s);
    if (!l || !s) {
        free(l), free(s);
        return OB_FAIL(OB_ERR_NOMEM, "%s: no memory for the layer", kind);
    }
    *s = *init;
    l->ops = ops, l->state = s;
    ob_status st = ob_layer_declare_param(l, "weight", 4, wshape, 1);
    const int64_t bshape[1] = {init->c_out};
    if (st == OB_OK && init->bias) st = ob_layer_declare_param(l, "bias", 1, bshape, 1);
    if (st != OB_OK) {
        ob_layer_destroy(l);
        return st;
    }
    *out = l;
    return OB_OK;
}

ob_status ob_conv2d_create(ob_layer **l, const ob_conv2d_cfg *cfg)
{
    OB_REQUIRE(l && cfg, "conv2d: no layer or config");
    ob_conv_state s = {0};
    s.c_in = cfg->c_in, s.c_out = cfg->c_out, s.k = cfg->k, s.stride = cfg->stride ? cfg->stride : 1, s.pad = cfg->pad;
    s.dilation = cfg->dilation ? cfg->dilation : 1, s.groups = cfg->groups ? cfg->groups : 1, s.bias = !!cfg->bias;
    const int64_t w[4] = {s.c_out, s.groups ? s.c_in / s.groups : 0, s.k, s.k};
    return ob_conv_make(l, &conv2d_ops, &s, w);
}

ob_status ob_conv_cudnn_check(const ob_conv_state *s)
{
    if (s->transposed && s->output_padding >= s->stride)
        return OB_FAIL(OB_ERR_UNSUPPORTED,
                       "conv_transpose2d: output_padding %d >= stride %d (allowed as dilation %d > stride) has no cuDNN "
                       "form; run this layer with --device cpu",
                       s->output_padding, s->stride, s->dilation);
    return OB_OK;
}

const char *ob_conv_algorithm(const ob_layer *l)
{
    const ob_conv_state *s = l && l->ops && (l->ops->forward == ob_conv_forward) ? l->state : NULL;
    return s && s->last_algo ? s->last_algo : "";
}
