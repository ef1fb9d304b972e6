/* ob_layer.h — what every layer of a net is: forward, backward, parameters.
 *
 * Contract (after darknet's layer struct, with PyTorch's names and layouts)
 *   Activations are float32 (N, C, H, W) tensors (a linear layer's are (N, F),
 *   stored as (N, F, 1, 1) or 2-d — each layer's header says), living where the
 *   context computes (host for cpu, device for cuda). The caller owns them.
 *
 *   Layout: plain NCHW (row-major, contiguous) unless the tensor says
 *   otherwise (ob_tensor.h layout): a layer whose ops have blocked_ok may be
 *   handed, and may write where layout_ok allows, oneDNN's channel-blocked
 *   layout; only ob_model allows it, between two such layers on the CPU's
 *   dnnl path (ob_conv2d.h: where the boundary sits and why). A layer without
 *   blocked_ok always gets and writes plain NCHW.
 *   CPU implementations (ob_ctx.h's --cpu-impl): `dnnl`, oneDNN's primitives
 *   (convolutions, pooling, batch norm, activations; GEMMs through
 *   dnnl_sgemm), and `ref`, the readable reference each is tested against.
 *
 *   A layer is an ob_layer: its ops table, its parameters and its private state
 *   (configuration, caches such as a pooling layer's argmax or a dropout mask,
 *   scratch such as the im2col buffer).
 *     shape     the output shape for given input shapes (checks them: a wrong
 *               input is OB_ERR_ARG naming the layer, the expected and the got)
 *     forward   out <- f(in); `training` selects batch-norm batch statistics and
 *               dropout; may cache what backward needs in the state
 *     backward  given in, out and grad_out of the layer's last forward (in
 *               unchanged since: layers keep what they saved from it, a
 *               max pool's argmax, a batch norm's statistics, a convolution's
 *               reordered input): writes grad_in[i] (NULL entries need
 *               no input gradient) and ACCUMULATES (+=) each trainable
 *               parameter's gradient, so gradients of a shared layer or of
 *               several steps add up; the optimiser's zero_grad clears them
 *     destroy   frees the state (not the parameters: the arena owns them)
 *   Parameters are named as PyTorch names them ("weight", "bias",
 *   "running_mean", "running_var", "num_batches_tracked") with PyTorch's shapes
 *   (conv weight (C_out, C_in/groups, kH, kW), linear weight (out, in)), so a
 *   checkpoint maps onto nn.Module.state_dict() by name. A layer's constructor
 *   only declares them (shape set, data NULL); ob_layers_alloc_params carves them
 *   out of one arena for a whole net (values and gradients: two buffers) — one
 *   allocation, contiguous, what an optimiser and a checkpoint walk.
 *   Buffers (trainable = 0) have no gradient.
 *
 * Example
 *   ob_layer *conv;
 *   OB_TRY(ob_conv2d_create(&conv, &(ob_conv2d_cfg){.c_in = 1, .c_out = 32, .k = 3, .pad = 1, .bias = 1}));
 *   ob_param_arena arena;
 *   OB_TRY(ob_layers_alloc_params(&arena, &conv, 1, OB_HOST));
 *   OB_TRY(ob_init_default(conv, seed));                          // nets/ob_init.h: PyTorch's default
 *   OB_TRY(conv->ops->forward(conv, ctx, &y, (const ob_tensor *[]){&x}, 1, 1));
 */
#ifndef OB_LAYER_H
#define OB_LAYER_H

#include "ob_ctx.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OB_LAYER_MAX_PARAMS 6
#define OB_LAYER_MAX_INPUTS 4

typedef struct {
    char name[32];   /* PyTorch's parameter/buffer name within the layer */
    ob_tensor value; /* a view into the arena (data NULL until allocated) */
    ob_tensor grad;  /* same shape; empty (data NULL) for buffers */
    int trainable;   /* 0: a buffer — saved in checkpoints, not optimised */
} ob_param;

typedef struct ob_layer ob_layer;

typedef struct {
    const char *kind; /* "conv2d", "linear", "relu", ... */
    ob_status (*shape)(const ob_layer *l, int64_t out[4], int *out_ndim, const ob_tensor *const *in, int n_in);
    ob_status (*forward)(ob_layer *l, ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *in, int n_in,
                         int training);
    ob_status (*backward)(ob_layer *l, ob_ctx *ctx, ob_tensor *const *grad_in, const ob_tensor *grad_out,
                          const ob_tensor *const *in, int n_in, const ob_tensor *out);
    void (*destroy)(ob_layer *l);
    /* 1: on the CPU's dnnl path forward and backward read inputs, outputs and
     * output gradients in any layout (ob_tensor.h) and may write a blocked one
     * where the tensor's layout_ok says so; 0: plain NCHW only */
    int blocked_ok;
} ob_layer_ops;

struct ob_layer {
    const ob_layer_ops *ops;
    ob_param params[OB_LAYER_MAX_PARAMS];
    int n_params;
    void *state; /* owned by the layer kind; freed by destroy */
    /* 0, or the generation of a freeze (ob_model_freeze): while it holds the
     * same nonzero value the parameters are unchanged, so an eval forward may
     * reuse what it derived from them (a convolution's reordered weights) */
    unsigned frozen;
};

/* One allocation for the values and one for the gradients of every parameter of
 * `layers`, in layer order then parameter order; zero-filled. */
typedef struct {
    ob_tensor values, grads; /* 1-d, all parameters back to back */
    int64_t n_values, n_grads;
} ob_param_arena;

ob_status ob_layers_alloc_params(ob_param_arena *arena, ob_layer *const *layers, int n_layers, ob_location loc);
void ob_param_arena_free(ob_param_arena *arena);

/* Declares parameter i of a layer (used by constructors). */
ob_status ob_layer_declare_param(ob_layer *l, const char *name, int ndim, const int64_t *shape, int trainable);

/* Convenience: allocate out with the layer's output shape at ctx's location,
 * then run forward. */
ob_status ob_layer_forward_alloc(ob_layer *l, ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *in, int n_in,
                                 int training);
/* Frees the state through ops->destroy and the struct; params belong to the arena. */
void ob_layer_destroy(ob_layer *l);

#ifdef __cplusplus
}
#endif
#endif
