/* dropout.c — nn.Dropout(p) with a reproducible mask: kernels/eltwise.h draws it
 * from Philox(seed, OB_RNG_STREAM_DROPOUT, step * 2^32 + i), so no mask is
 * stored — the backward redraws it from the step its forward used. */
#include "layers_internal.h"
#include "ob_layers.h"

typedef struct {
    float p;
    uint64_t seed, step;   /* step: the next training forward's */
    uint64_t last_step;    /* the last training forward's */
    int last_training;
} dropout_state;

static ob_status dropout_forward(ob_layer *l, ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *in, int n_in,
                                 int training)
{
    dropout_state *s = (dropout_state *)l->state;
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 0));
    OB_REQUIRE(ob_tensor_same_shape(out, in[0]), "dropout: output and input differ in shape");
    s->last_training = training;
    if (!training || s->p == 0.0f) return ob_layer_copy(ctx, ob_tensor_f32(out), ob_tensor_f32(in[0]), ob_tensor_numel(in[0]));
    OB_TRY(ob_dropout(ctx, out, in[0], s->p, s->seed, s->step));
    s->last_step = s->step++;
    return OB_OK;
}

static ob_status dropout_backward(ob_layer *l, ob_ctx *ctx, ob_tensor *const *grad_in, const ob_tensor *grad_out,
                                  const ob_tensor *const *in, int n_in, const ob_tensor *out)
{
    const dropout_state *s = (const dropout_state *)l->state;
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 0));
    if (!grad_in[0]) return OB_OK;
    OB_REQUIRE(ob_tensor_same_shape(grad_in[0], grad_out), "dropout: gradients differ in shape");
    if (!s->last_training || s->p == 0.0f)
        return ob_layer_copy(ctx, ob_tensor_f32(grad_in[0]), ob_tensor_f32(grad_out), ob_tensor_numel(grad_out));
    return ob_dropout(ctx, grad_in[0], grad_out, s->p, s->seed, s->last_step);
}

static const ob_layer_ops dropout_ops = {"dropout",        ob_layer_shape_same, dropout_forward,
                                         dropout_backward, ob_layer_free_state, 0};

ob_status ob_dropout_create(ob_layer **l, float p, uint64_t seed)
{
    OB_REQUIRE(p >= 0.0f && p < 1.0f, "dropout: p=%g outside [0, 1)", (double)p);
    OB_TRY(ob_layer_new(l, &dropout_ops, sizeof(dropout_state)));
    dropout_state *s = (dropout_state *)(*l)->state;
    s->p = p, s->seed = seed;
    return OB_OK;
}

void ob_dropout_set_step(ob_layer *l, uint64_t step)
{
    if (l && l->ops == &dropout_ops) ((dropout_state *)l->state)->step = step;
}

uint64_t ob_dropout_step(const ob_layer *l)
{
    return l && l->ops == &dropout_ops ? ((const dropout_state *)l->state)->step : 0;
}
