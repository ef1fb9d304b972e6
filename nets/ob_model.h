/* ob_model.h — a net as layers wired together: a sequential container and a
 * small DAG (skips, residuals), forward with the activations backward needs,
 * backward in reverse topological order, parameters in one arena under
 * PyTorch's state_dict names, and a torchsummary-style table.
 *
 * Contract
 *   A model is a list of nodes in topological order. Node i holds one layer
 *   (owned by the model from the moment it is added, even when adding fails),
 *   its module path as PyTorch names it ("features.0", "classifier.1", "" for
 *   none) and the nodes it reads: OB_MODEL_INPUT is the model's input, other
 *   entries must be nodes added before it (so the add order is a topological
 *   order and no cycle can be built). concat / add nodes take 2..4 inputs.
 *     ob_model_add       sequential: the node reads the previous node (the
 *                        model input for the first one)
 *     ob_model_add_node  DAG: the node reads `inputs`
 *   The model's output is the last node added.
 *
 *   ob_model_alloc_params carves every layer's parameters out of one arena
 *   (ob_layers_alloc_params over the layers in node order) — what the
 *   optimiser (ob_optim_create(.., &m->arena, m->layers, m->n_nodes)) and the
 *   checkpoint (ob_checkpoint_collect(.., m->layers, m->prefixes, m->n_nodes))
 *   walk. m->prefixes[i] is "features.0." (name plus a dot; "" for "").
 *   Parameter "p" of node "features.0" is named "features.0.p": the key
 *   nn.Module.state_dict() gives the same net (ob_model_params lists them, in
 *   arena order, buffers included).
 *
 *   ob_model_forward(x): every node's output is computed in node order and
 *   KEPT in the model (backward needs each layer's input and output); *out
 *   points at the last node's, valid until the next forward or destroy. x must
 *   stay unchanged until backward. Tensors live where ctx computes; the model
 *   reallocates its buffers only when a shape changes (a new batch size).
 *   ob_model_backward(grad_out): visits nodes in reverse order; a node's
 *   output gradient is the SUM over the nodes that read it (the first writer
 *   writes, the others' contributions are added); nodes that do not lead to
 *   the output are skipped. Parameter gradients ACCUMULATE (ob_layer.h: clear
 *   them with ob_optim_zero_grad). grad_in (the input's gradient, x's shape,
 *   overwritten; left as it is when no path leads from the input to the
 *   output) may be NULL: then layers reading only the input compute no input
 *   gradient. Backward follows the last forward (its mode and activations).
 *
 *   ob_model_freeze(m, 1): inference with fixed parameters. The caller
 *   promises that no parameter or buffer changes until ob_model_freeze(m, 0)
 *   (or destroy); eval forwards may then keep what they derive from them
 *   instead of deriving it every call (on the CPU's dnnl path each
 *   convolution keeps its weights in its primitive's layout: resnet18 at
 *   batch 1 skips 11 M weights' reorder per image). A training forward
 *   while frozen is OB_ERR_ARG (it would move batch-norm statistics).
 *   Freezing again after a thaw derives everything afresh. Detection,
 *   evaluation and upscaling run frozen.
 *
 *   ob_model_summary prints, for an input of shape `in_shape` (batch
 *   included), one row per node — "name (kind)", output shape [-1, C, H, W] as
 *   torchsummary prints it, trainable parameter count — then the totals:
 *   trainable parameters (sum of p.numel() for model.parameters()), buffers,
 *   and the sizes in MB. Shapes come from the layers' shape ops (nothing is
 *   computed; parameters need not be allocated).
 *
 * Errors: OB_ERR_ARG (bad wiring, names too long, shapes a layer refuses —
 *   the message names the node), OB_ERR_NOMEM; a layer's own failure passes
 *   through with the node's name prepended.
 *
 * Example
 *   ob_model *m;
 *   OB_TRY(ob_model_create(&m));
 *   OB_TRY(ob_model_add(m, "features.0", conv));          // reads the input
 *   OB_TRY(ob_model_add(m, "features.1", relu));
 *   int a = m->n_nodes - 1;
 *   OB_TRY(ob_model_add_node(m, "", add, (int[]){a, OB_MODEL_INPUT}, 2, NULL));  // residual
 *   OB_TRY(ob_model_alloc_params(m, ob_ctx_location(ctx)));
 *   const ob_tensor *y;
 *   OB_TRY(ob_model_forward(m, ctx, &y, &x, 1));
 *   ... loss: grad (y's shape) ...
 *   OB_TRY(ob_model_backward(m, ctx, &grad, NULL));
 *   ob_model_destroy(m);
 */
#ifndef OB_MODEL_H
#define OB_MODEL_H

#include <stdio.h>

#include "ob_layer.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OB_MODEL_INPUT (-1)
#define OB_MODEL_NAME_MAX 64
#define OB_MODEL_PARAM_NAME_MAX 160

typedef struct {
    ob_layer *layer; /* owned */
    int inputs[OB_LAYER_MAX_INPUTS];
    int n_inputs;
    ob_tensor out;      /* the last forward's output (owned) */
    ob_tensor grad;     /* d loss / d out during backward (owned) */
    ob_tensor scratch;  /* a second consumer's contribution before it is added */
    int grad_written;   /* backward: grad holds a value */
    int blocked_edge;   /* out (and grad) may stay in oneDNN's blocked layout (model.c) */
} ob_model_node;

typedef struct {
    ob_model_node *nodes;
    ob_layer **layers;       /* n_nodes, node order (the optimiser's and checkpoint's view) */
    const char **prefixes;   /* n_nodes: "features.0." or "" */
    char (*names)[OB_MODEL_NAME_MAX];
    int n_nodes, cap;
    ob_param_arena arena;
    int allocated;            /* 1 after ob_model_alloc_params */
    const ob_tensor *input;   /* borrowed: the last forward's x */
    unsigned frozen;          /* ob_model_freeze's generation; 0: not frozen */
} ob_model;

typedef struct {
    char name[OB_MODEL_PARAM_NAME_MAX]; /* "features.0.weight" */
    ob_param *param;                    /* borrowed from the layer */
} ob_model_param;

ob_status ob_model_create(ob_model **m);
void ob_model_destroy(ob_model *m);

ob_status ob_model_add(ob_model *m, const char *name, ob_layer *layer);
/* id (may be NULL) <- the new node's index. */
ob_status ob_model_add_node(ob_model *m, const char *name, ob_layer *layer, const int *inputs, int n_inputs, int *id);

ob_status ob_model_alloc_params(ob_model *m, ob_location loc);

ob_status ob_model_forward(ob_model *m, ob_ctx *ctx, const ob_tensor **out, const ob_tensor *x, int training);
ob_status ob_model_backward(ob_model *m, ob_ctx *ctx, const ob_tensor *grad_out, ob_tensor *grad_in);
/* on: 1 freezes (OB_ERR_ARG before ob_model_alloc_params), 0 thaws. */
ob_status ob_model_freeze(ob_model *m, int on);

/* Every parameter and buffer, "prefix.name", in arena order; *n <- count
 * (OB_ERR_ARG when more than cap). */
ob_status ob_model_params(const ob_model *m, ob_model_param *out, int cap, int *n);
/* Trainable elements, buffer elements. */
void ob_model_param_counts(const ob_model *m, int64_t *trainable, int64_t *buffers);

/* Output shape of node `node` (or of the model: node = -1) for an input shape. */
ob_status ob_model_shape(const ob_model *m, int64_t out[4], int *ndim, const int64_t *in_shape, int in_ndim, int node);
ob_status ob_model_summary(const ob_model *m, FILE *f, const int64_t *in_shape, int in_ndim);

#ifdef __cplusplus
}
#endif
#endif
