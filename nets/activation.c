/* activation.c — relu, leaky_relu, silu, tanh, sigmoid as layers: oneDNN's
 * eltwise on the CPU's dnnl path (activation_dnnl.c), kernels/eltwise.h
 * otherwise (the reference loops and the CUDA kernels). */
#include "layers_internal.h"
#include "ob_dispatch.h"
#include "ob_dnnl.h"
#include "ob_layers.h"
#include "ob_scratch.h"

typedef struct {
    ob_act_kind kind;
    float slope;
    void *dnnl;     /* oneDNN primitives (activation_dnnl.c) */
    ob_scratch gx;  /* a blocked input gradient before it is made plain */
} act_state;

/* a and b: float32 host tensors of one shape (what the dnnl path assumes) */
static ob_status check_pair(const ob_layer *l, ob_ctx *ctx, const ob_tensor *a, const ob_tensor *b)
{
    OB_TRY(ob_check_f32(a, l->ops->kind, ctx, 0));
    OB_TRY(ob_check_f32(b, l->ops->kind, ctx, 0));
    OB_REQUIRE(ob_tensor_same_shape(a, b), "%s: tensors differ in shape", l->ops->kind);
    return OB_OK;
}

static ob_status act_forward(ob_layer *l, ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *in, int n_in,
                             int training)
{
    const act_state *s = (const act_state *)l->state;
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 0));
    out->layout = OB_LAYOUT_PLAIN;
    if (ob_ctx_uses_dnnl(ctx)) {
        /* element-wise: the output takes the input's layout, or, where the
         * output must be plain, the input is made plain first (in place) */
        act_state *st = (act_state *)l->state;
        const ob_tensor *x = in[0];
        OB_TRY(check_pair(l, ctx, out, x));
        const float *xp = ob_tensor_f32(x);
        if (x->layout != OB_LAYOUT_PLAIN && out->layout_ok) out->layout = x->layout;
        else if (x->layout != OB_LAYOUT_PLAIN) {
            OB_TRY(ob_dnnl_relayout(ob_tensor_f32(out), OB_LAYOUT_PLAIN, xp, x->layout, x->shape));
            xp = ob_tensor_f32(out);
        }
        return ob_act_dnnl_forward(&st->dnnl, ob_tensor_f32(out), xp, ob_tensor_numel(out), s->kind, s->slope);
    }
    return ob_act_forward(ctx, out, in[0], s->kind, s->slope);
}

static ob_status act_backward(ob_layer *l, ob_ctx *ctx, ob_tensor *const *grad_in, const ob_tensor *grad_out,
                              const ob_tensor *const *in, int n_in, const ob_tensor *out)
{
    const act_state *s = (const act_state *)l->state;
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 0));
    if (!grad_in[0]) return OB_OK;
    ob_tensor *gx = grad_in[0];
    gx->layout = OB_LAYOUT_PLAIN;
    if (ob_ctx_uses_dnnl(ctx) && out) {
        act_state *st = (act_state *)l->state;
        OB_TRY(check_pair(l, ctx, gx, grad_out));
        OB_TRY(check_pair(l, ctx, grad_out, out));
        OB_TRY(check_pair(l, ctx, grad_out, in[0]));
        /* all three in the layout of the tensor the derivative reads (x or y) */
        const int work = ob_act_dnnl_reads_y(s->kind) ? out->layout : in[0]->layout;
        const int64_t n = ob_tensor_numel(out);
        const float *gy = ob_tensor_f32(grad_out);
        float *g = ob_tensor_f32(gx), *tmp = NULL;
        if (grad_out->layout != work) { /* gy into the working layout: in gx, overwritten after */
            OB_TRY(ob_dnnl_relayout(g, work, gy, grad_out->layout, out->shape));
            gy = g;
        }
        if (work != OB_LAYOUT_PLAIN && !gx->layout_ok) /* gx must end plain */
            OB_TRY(ob_scratch_get(&st->gx, (void **)&tmp, sizeof(float) * (size_t)n, l->ops->kind));
        OB_TRY(ob_act_dnnl_backward(&st->dnnl, tmp ? tmp : g, gy, ob_tensor_f32(in[0]), ob_tensor_f32(out), n, s->kind,
                                    s->slope));
        if (tmp) return ob_dnnl_relayout(g, OB_LAYOUT_PLAIN, tmp, work, out->shape);
        gx->layout = work;
        return OB_OK;
    }
    return ob_act_backward(ctx, gx, grad_out, in[0], out, s->kind, s->slope);
}

static void act_destroy(ob_layer *l)
{
    act_state *s = (act_state *)l->state;
    if (s) ob_act_dnnl_free(s->dnnl), ob_scratch_free(&s->gx);
    free(s);
}

static const ob_layer_ops act_ops[5] = {
    {"relu", ob_layer_shape_same, act_forward, act_backward, act_destroy, 1},
    {"leaky_relu", ob_layer_shape_same, act_forward, act_backward, act_destroy, 1},
    {"silu", ob_layer_shape_same, act_forward, act_backward, act_destroy, 1},
    {"tanh", ob_layer_shape_same, act_forward, act_backward, act_destroy, 1},
    {"sigmoid", ob_layer_shape_same, act_forward, act_backward, act_destroy, 1},
};

ob_status ob_act_create(ob_layer **l, ob_act_kind kind, float slope)
{
    OB_REQUIRE((unsigned)kind < 5, "activation: unknown kind %d", (int)kind);
    OB_TRY(ob_layer_new(l, &act_ops[kind], sizeof(act_state)));
    act_state *s = (act_state *)(*l)->state;
    s->kind = kind, s->slope = slope;
    return OB_OK;
}
