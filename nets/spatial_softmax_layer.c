/* spatial_softmax_layer.c — spatial softmax and soft-argmax layers over
 * kernels/spatial_softmax.h (one kernel family serves CPU, GPU and emu parity). */
#include "layers_internal.h"
#include "ob_layers.h"

typedef struct {
    ob_softargmax_coords coords;
} ssm_state;

static ob_status ssm_shape(const ob_layer *l, int64_t out[4], int *ndim, const ob_tensor *const *in, int n_in)
{
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 4));
    memcpy(out, in[0]->shape, sizeof(int64_t) * 4);
    *ndim = 4;
    return OB_OK;
}

static ob_status ssm_forward(ob_layer *l, ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *in, int n_in,
                             int training)
{
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 4));
    return ob_spatial_softmax(ctx, out, in[0]);
}

static ob_status ssm_backward(ob_layer *l, ob_ctx *ctx, ob_tensor *const *grad_in, const ob_tensor *grad_out,
                              const ob_tensor *const *in, int n_in, const ob_tensor *out)
{
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 4));
    if (!grad_in[0]) return OB_OK;
    OB_REQUIRE(out != NULL, "spatial_softmax: backward needs the forward's output");
    return ob_spatial_softmax_backward(ctx, grad_in[0], grad_out, out);
}

static ob_status sam_shape(const ob_layer *l, int64_t out[4], int *ndim, const ob_tensor *const *in, int n_in)
{
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 4));
    out[0] = in[0]->shape[0], out[1] = in[0]->shape[1], out[2] = 2, *ndim = 3;
    return OB_OK;
}

static ob_status sam_forward(ob_layer *l, ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *in, int n_in,
                             int training)
{
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 4));
    return ob_soft_argmax(ctx, out, in[0], ((const ssm_state *)l->state)->coords);
}

static ob_status sam_backward(ob_layer *l, ob_ctx *ctx, ob_tensor *const *grad_in, const ob_tensor *grad_out,
                              const ob_tensor *const *in, int n_in, const ob_tensor *out)
{
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 4));
    if (!grad_in[0]) return OB_OK;
    OB_REQUIRE(out != NULL, "soft_argmax: backward needs the forward's output");
    return ob_soft_argmax_backward(ctx, grad_in[0], grad_out, in[0], out, ((const ssm_state *)l->state)->coords);
}

static const ob_layer_ops ssm_ops = {"spatial_softmax", ssm_shape, ssm_forward, ssm_backward, ob_layer_free_state, 0};
static const ob_layer_ops sam_ops = {"soft_argmax", sam_shape, sam_forward, sam_backward, ob_layer_free_state, 0};

ob_status ob_spatial_softmax_create(ob_layer **l) { return ob_layer_new(l, &ssm_ops, sizeof(ssm_state)); }

ob_status ob_soft_argmax_create(ob_layer **l, ob_softargmax_coords coords)
{
    OB_REQUIRE(coords == OB_SOFTARGMAX_PIXEL || coords == OB_SOFTARGMAX_NORMALIZED, "soft_argmax: unknown coordinates %d",
               (int)coords);
    OB_TRY(ob_layer_new(l, &sam_ops, sizeof(ssm_state)));
    ((ssm_state *)(*l)->state)->coords = coords;
    return OB_OK;
}
