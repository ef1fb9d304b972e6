/* conv_impl.h — what conv2d.c, conv_transpose2d.c, conv_cpu.c and
 * conv2d_cudnn.c share: the layer state, the CPU helpers and the cuDNN entry
 * points. Private to nets/. */
#ifndef OB_CONV_IMPL_H
#define OB_CONV_IMPL_H

#include <stddef.h>

#include "im2col.h"
#include "ob_scratch.h"
#include "ob_conv2d.h"

typedef struct {
    int transposed;             /* 0: conv2d, 1: conv_transpose2d */
    int c_in, c_out, k, stride, pad, output_padding, dilation, groups, bias;
    ob_scratch scratch;         /* CPU column + layout buffers, grown on demand */
    size_t chunk_floats;        /* scratch budget per chunk of images (0: 64 MiB); tests shrink it */
    void *dnnl;                 /* oneDNN primitives cached per input shape (conv_dnnl.c) */
    void *gpu;                  /* cuDNN descriptors and algorithms (conv2d_cudnn.c) */
    const char *last_algo;      /* what ran the last forward (ob_conv_algorithm) */
} ob_conv_state;

/* The window geometry on `img` (c, h, w): for conv2d the input, for
 * conv_transpose2d the output (the image its columns fold into). */
ob_im2col_geom ob_conv_geom(const ob_conv_state *s, int c, int h, int w);

/* The layer's output size along one axis for input size `in` (either kind;
 * < 1 when the window does not fit). */
int64_t ob_conv_out_size(const ob_conv_state *s, int64_t in);

/* scratch of at least n floats (kept for the next call). */
ob_status ob_conv_scratch(ob_conv_state *s, float **p, size_t n, const char *kind);

/* The reference CPU paths (conv_cpu.c: im2col + GEMM, chunk by chunk under
 * the scratch budget); x, y, dy as (N, C, H, W) host arrays. */
#define OB_CONV_CHUNK_FLOATS ((size_t)16 << 20) /* default scratch budget: 64 MiB of float32 */
static inline size_t ob_conv_budget(const ob_conv_state *s)
{
    return s->chunk_floats ? s->chunk_floats : OB_CONV_CHUNK_FLOATS;
}
ob_status ob_conv2d_forward_cpu(ob_conv_state *s, float *y, const float *x, const float *w, const float *b, int n,
                                int h, int wd);
ob_status ob_conv2d_backward_cpu(ob_conv_state *s, float *dx, float *dw, float *db, const float *dy, const float *x,
                                 const float *w, int n, int h, int wd);
ob_status ob_conv_transpose2d_forward_cpu(ob_conv_state *s, float *y, const float *x, const float *w,
                                          const float *b, int n, int h, int wd);
ob_status ob_conv_transpose2d_backward_cpu(ob_conv_state *s, float *dx, float *dw, float *db, const float *dy,
                                           const float *x, const float *w, int n, int h, int wd);

/* oneDNN paths (conv_dnnl.c): the same arguments; OB_ERR_UNSUPPORTED when
 * oneDNN is not built in or has no implementation for the shape (conv2d.c then
 * runs the reference). */
typedef struct {
    int x, dy;         /* the layouts (ob_tensor.h) of the input and the output gradient */
    int out_ok, dx_ok; /* the output / input gradient may be written blocked */
    ob_cpu_conv algo;  /* the context's algorithm policy (ob_ctx.h) */
    unsigned frozen;   /* an eval forward of a frozen layer (ob_layer.h): its freeze generation, else 0 */
} ob_conv_dnnl_opts;
ob_status ob_conv_forward_dnnl(ob_conv_state *s, float *y, const float *x, const float *w, const float *b, int n,
                               int h, int wd, int training, const ob_conv_dnnl_opts *lay, int *y_layout);
ob_status ob_conv_backward_dnnl(ob_conv_state *s, float *dx, float *dw, float *db, const float *dy, const float *x,
                                const float *w, int n, int h, int wd, const ob_conv_dnnl_opts *lay, int *dx_layout);
void ob_conv_dnnl_free(void *plans);

/* cuDNN paths (conv2d_cudnn.c): the same arguments as device pointers; in is
 * the layer's input (N, C_in, h, wd). OB_ERR_UNSUPPORTED without CUDA. */
ob_status ob_conv_forward_cudnn(ob_ctx *ctx, ob_conv_state *s, float *y, const float *x, const float *w,
                                const float *b, int n, int h, int wd);
ob_status ob_conv_backward_cudnn(ob_ctx *ctx, ob_conv_state *s, float *dx, float *dw, float *db, const float *dy,
                                 const float *x, const float *w, int n, int h, int wd);
void ob_conv_cudnn_free(void *gpu);
/* What cuDNN cannot express, refused before any descriptor is made:
 * conv_transpose2d with output_padding >= stride (PyTorch allows it when
 * dilation > stride, and keeps that case off cuDNN too: the forward
 * convolution of the padded output would give a larger input grid, which
 * cuDNN's backward-data rejects). OB_ERR_UNSUPPORTED naming the way out. */
ob_status ob_conv_cudnn_check(const ob_conv_state *s);

/* Shared by both layers (conv2d.c): the ops bodies, dispatching on s->transposed. */
ob_status ob_conv_shape(const ob_layer *l, int64_t out[4], int *out_ndim, const ob_tensor *const *in, int n_in);
ob_status ob_conv_forward(ob_layer *l, ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *in, int n_in,
                          int training);
ob_status ob_conv_backward(ob_layer *l, ob_ctx *ctx, ob_tensor *const *grad_in, const ob_tensor *grad_out,
                           const ob_tensor *const *in, int n_in, const ob_tensor *out);
void ob_conv_destroy(ob_layer *l);
/* Checks *init, makes the layer with state *init, declares "weight" (wshape) and "bias". */
ob_status ob_conv_make(ob_layer **out, const ob_layer_ops *ops, const ob_conv_state *init, const int64_t wshape[4]);

#endif
