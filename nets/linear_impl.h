/* linear_impl.h — the linear layer's state and its cuBLAS path (linear_cublas.c),
 * shared with linear.c. Private to nets/. */
#ifndef OB_LINEAR_IMPL_H
#define OB_LINEAR_IMPL_H

#include "ob_linear.h"

typedef struct {
    int in_f, out_f, bias;
    float *ones;    /* device vector of 1s (bias broadcast and its gradient) */
    int ones_n;
} ob_linear_state;

/* Device pointers; x (n, in_f), y (n, out_f). OB_ERR_UNSUPPORTED without CUDA. */
ob_status ob_linear_forward_cublas(ob_ctx *ctx, ob_linear_state *s, float *y, const float *x, const float *w,
                                   const float *b, int n);
ob_status ob_linear_backward_cublas(ob_ctx *ctx, ob_linear_state *s, float *dx, float *dw, float *db,
                                    const float *dy, const float *x, const float *w, int n);
void ob_linear_cublas_free(ob_linear_state *s);

#endif
