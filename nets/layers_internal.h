/* layers_internal.h — helpers shared by the layer files of ob_layers.h, and the
 * cuDNN glue they call on the cuda backend (not a public header). */
#ifndef OB_LAYERS_INTERNAL_H
#define OB_LAYERS_INTERNAL_H

#include <stdlib.h>
#include <string.h>

#include "ob_layer.h"

/* A zeroed layer with `ops` and a zeroed state of `state_bytes` (0: none). */
static inline ob_status ob_layer_new(ob_layer **out, const ob_layer_ops *ops, size_t state_bytes)
{
    *out = NULL;
    ob_layer *l = (ob_layer *)calloc(1, sizeof *l);
    OB_REQUIRE(l != NULL, "%s: out of memory", ops->kind);
    l->ops = ops;
    if (state_bytes) {
        l->state = calloc(1, state_bytes);
        if (!l->state) {
            free(l);
            return OB_FAIL(OB_ERR_NOMEM, "%s: out of memory", ops->kind);
        }
    }
    *out = l;
    return OB_OK;
}

static inline void ob_layer_free_state(ob_layer *l) { free(l->state); }

/* n_in must be `want` and every input a 4-d (or `ndim`-d, 0 = any) tensor. */
static inline ob_status ob_layer_check_inputs(const ob_layer *l, const ob_tensor *const *in, int n_in, int want,
                                              int ndim)
{
    OB_REQUIRE(n_in == want, "%s: %d inputs, expected %d", l->ops->kind, n_in, want);
    for (int i = 0; i < n_in; i++) {
        OB_REQUIRE(in[i] != NULL && in[i]->data != NULL, "%s: input %d is empty", l->ops->kind, i);
        OB_REQUIRE(ndim == 0 || in[i]->ndim == ndim, "%s: input %d has %d dimensions, expected %d (N, C, H, W)",
                   l->ops->kind, i, in[i]->ndim, ndim);
    }
    return OB_OK;
}

/* shape op of one-input layers whose output has the input's shape */
static inline ob_status ob_layer_shape_same(const ob_layer *l, int64_t out[4], int *ndim, const ob_tensor *const *in,
                                            int n_in)
{
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 0));
    *ndim = in[0]->ndim;
    memcpy(out, in[0]->shape, sizeof(int64_t) * (size_t)in[0]->ndim);
    return OB_OK;
}

/* n floats from src to dst, both where ctx computes; on cuda an async copy on
 * the context's stream, ordered with its kernels (nets/layer_copy.c). */
struct ob_ctx;
ob_status ob_layer_copy(struct ob_ctx *ctx, float *dst, const float *src, int64_t n);
/* n floats at dst (where ctx computes) set to 0, ordered the same way. */
ob_status ob_layer_zero(struct ob_ctx *ctx, float *dst, int64_t n);
/* ob_tensor_copy between the host and ctx's device, ordered with ctx's stream:
 * waits for the stream first and for the copy to land after. */
ob_status ob_layer_transfer(struct ob_ctx *ctx, ob_tensor *dst, const ob_tensor *src);

/* t's values in plain NCHW: *p is t's own data when t is plain, else a
 * plain copy in *tmp (malloc'd; the caller frees it; NULL when not needed). */
ob_status ob_layer_plain(const ob_tensor *t, const float **p, float **tmp);

/* oneDNN glue (nets/pool_dnnl.c, nets/activation_dnnl.c,
 * nets/batchnorm_dnnl.c): host pointers, plain NCHW; *state is the layer's
 * cache of primitives (made on first use, freed by the _free function).
 * OB_ERR_UNSUPPORTED without oneDNN or when it has no implementation: the
 * caller runs the reference. */
ob_status ob_pool_dnnl_forward(void **state, float *y, const float *x, const int64_t xs[4], const int64_t ys[4],
                               int max, int kh, int kw, int sh, int sw, int ph, int pw);
/* after a forward of the same shape (max pooling reads its workspace) */
ob_status ob_pool_dnnl_backward(void **state, float *gx, const float *gy, const int64_t xs[4], const int64_t ys[4],
                                int max, int kh, int kw, int sh, int sw, int ph, int pw);
void ob_pool_dnnl_free(void *state);
/* kind: ob_act_kind (eltwise.h); x, y: the forward's input and output */
ob_status ob_act_dnnl_forward(void **state, float *y, const float *x, int64_t n, int kind, float slope);
ob_status ob_act_dnnl_backward(void **state, float *gx, const float *gy, const float *x, const float *y, int64_t n,
                               int kind, float slope);
void ob_act_dnnl_free(void *state);
/* 1 when the kind's derivative reads y (relu, tanh, sigmoid), 0: x */
int ob_act_dnnl_reads_y(int kind);

/* Training: batch statistics, running stats updated (unbiased variance);
 * eval: the running stats. The statistics it normalised with stay in *state
 * for the backward, which follows the last forward's mode and layout; gx may
 * be NULL; gw, gb accumulate. x, y, gy, gx are all in `layout` (ob_tensor.h;
 * y may be x and gx may be gy: in place). */
ob_status ob_bn_dnnl_forward(void **state, float *y, const float *x, const int64_t xs[4], int layout, const float *w,
                             const float *b, float *rm, float *rv, int training, float momentum, float eps);
ob_status ob_bn_dnnl_backward(void **state, float *gx, const float *gy, const float *x, const int64_t xs[4],
                              int layout, const float *w, const float *b, float *gw, float *gb, float eps);
void ob_bn_dnnl_free(void *state);

/* cuDNN glue (nets/pool_cudnn.c, nets/batchnorm_cudnn.c): OB_ERR_UNSUPPORTED
 * without CUDA. Pool kinds: 0 max, 1 average counting padding. */
ob_status ob_pool_cudnn_forward(struct ob_ctx *ctx, float *y, const float *x, const int64_t xs[4], const int64_t ys[4],
                                int max, int kh, int kw, int sh, int sw, int ph, int pw);
ob_status ob_pool_cudnn_backward(struct ob_ctx *ctx, float *gx, const float *gy, const float *x, const float *y,
                                 const int64_t xs[4], const int64_t ys[4], int max, int kh, int kw, int sh, int sw,
                                 int ph, int pw);
/* Training forward updates running stats and writes save_mean / save_invstd (C each,
 * device); eval uses the running stats. */
ob_status ob_bn_cudnn_forward(struct ob_ctx *ctx, float *y, const float *x, const int64_t xs[4], const float *weight,
                              const float *bias, float *running_mean, float *running_var, float *save_mean,
                              float *save_invstd, int training, float momentum, float eps);
/* gx written, gweight/gbias accumulated (+=). After a training forward:
 * eval_scale NULL and the forward's saved statistics; after an eval forward:
 * the running mean, 1/sqrt(running_var + eps) and eval_scale = weight * that. */
ob_status ob_bn_cudnn_backward(struct ob_ctx *ctx, float *gx, const float *gy, const float *x, const int64_t xs[4],
                               const float *weight, float *gweight, float *gbias, const float *save_mean,
                               const float *save_invstd, const float *eval_scale, float eps);

#endif
