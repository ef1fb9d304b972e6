/* activation.c — relu, leaky_relu, silu, tanh, sigmoid as layers: oneDNN's
 * eltwise on the CPU's dnnl path (activation_dnnl.c), kernels/eltwise.h
 * otherwise (the reference loops and the CUDA kernels). */
#include "layers_internal.h"
#include "ob_dispatch.h"
#include "ob_layers.h"

typedef struct {
    ob_act_kind kind;
    float slope;
    void *dnnl; /* oneDNN primitives (activation_dnnl.c) */
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
    if (ob_ctx_uses_dnnl(ctx)) {
        OB_TRY(check_pair(l, ctx, out, in[0]));
        ob_status st = ob_act_dnnl_forward(&((act_state *)l->state)->dnnl, ob_tensor_f32(out), ob_tensor_f32(in[0]),
                                           ob_tensor_numel(out), s->kind, s->slope);
        if (st != OB_ERR_UNSUPPORTED) return st;
    }
    return ob_act_forward(ctx, out, in[0], s->kind, s->slope);
}

static ob_status act_backward(ob_layer *l, ob_ctx *ctx, ob_tensor *const *grad_in, const ob_tensor *grad_out,
                              const ob_tensor *const *in, int n_in, const ob_tensor *out)
{
    const act_state *s = (const act_state *)l->state;
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 0));
    if (!grad_in[0]) return OB_OK;
    if (ob_ctx_uses_dnnl(ctx) && out) {
        OB_TRY(check_pair(l, ctx, grad_in[0], grad_out));
        OB_TRY(check_pair(l, ctx, grad_out, out));
        OB_TRY(check_pair(l, ctx, grad_out, in[0]));
        ob_status st = ob_act_dnnl_backward(&((act_state *)l->state)->dnnl, ob_tensor_f32(grad_in[0]),
                                            ob_tensor_f32(grad_out), ob_tensor_f32(in[0]), ob_tensor_f32(out),
                                            ob_tensor_numel(out), s->kind, s->slope);
        if (st != OB_ERR_UNSUPPORTED) return st;
    }
    return ob_act_backward(ctx, grad_in[0], grad_out, in[0], out, s->kind, s->slope);
}

static void act_destroy(ob_layer *l)
{
    act_state *s = (act_state *)l->state;
    if (s) ob_act_dnnl_free(s->dnnl);
    free(s);
}

static const ob_layer_ops act_ops[5] = {
    {"relu", ob_layer_shape_same, act_forward, act_backward, act_destroy},
    {"leaky_relu", ob_layer_shape_same, act_forward, act_backward, act_destroy},
    {"silu", ob_layer_shape_same, act_forward, act_backward, act_destroy},
    {"tanh", ob_layer_shape_same, act_forward, act_backward, act_destroy},
    {"sigmoid", ob_layer_shape_same, act_forward, act_backward, act_destroy},
};

ob_status ob_act_create(ob_layer **l, ob_act_kind kind, float slope)
{
    OB_REQUIRE((unsigned)kind < 5, "activation: unknown kind %d", (int)kind);
    OB_TRY(ob_layer_new(l, &act_ops[kind], sizeof(act_state)));
    act_state *s = (act_state *)(*l)->state;
    s->kind = kind, s->slope = slope;
    return OB_OK;
}
