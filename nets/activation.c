/* activation.c — relu, leaky_relu, silu, tanh, sigmoid as layers (kernels/eltwise.h
 * computes on both backends). */
#include "layers_internal.h"
#include "ob_layers.h"

typedef struct {
    ob_act_kind kind;
    float slope;
} act_state;

static ob_status act_forward(ob_layer *l, ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *in, int n_in,
                             int training)
{
    const act_state *s = (const act_state *)l->state;
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 0));
    return ob_act_forward(ctx, out, in[0], s->kind, s->slope);
}

static ob_status act_backward(ob_layer *l, ob_ctx *ctx, ob_tensor *const *grad_in, const ob_tensor *grad_out,
                              const ob_tensor *const *in, int n_in, const ob_tensor *out)
{
    const act_state *s = (const act_state *)l->state;
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 0));
    if (!grad_in[0]) return OB_OK;
    return ob_act_backward(ctx, grad_in[0], grad_out, in[0], out, s->kind, s->slope);
}

static const ob_layer_ops act_ops[5] = {
    {"relu", ob_layer_shape_same, act_forward, act_backward, ob_layer_free_state},
    {"leaky_relu", ob_layer_shape_same, act_forward, act_backward, ob_layer_free_state},
    {"silu", ob_layer_shape_same, act_forward, act_backward, ob_layer_free_state},
    {"tanh", ob_layer_shape_same, act_forward, act_backward, ob_layer_free_state},
    {"sigmoid", ob_layer_shape_same, act_forward, act_backward, ob_layer_free_state},
};

ob_status ob_act_create(ob_layer **l, ob_act_kind kind, float slope)
{
    OB_REQUIRE((unsigned)kind < 5, "activation: unknown kind %d", (int)kind);
    OB_TRY(ob_layer_new(l, &act_ops[kind], sizeof(act_state)));
    act_state *s = (act_state *)(*l)->state;
    s->kind = kind, s->slope = slope;
    return OB_OK;
}
