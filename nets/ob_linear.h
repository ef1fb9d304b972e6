/* ob_linear.h — the fully connected layer (nn.Linear): out = in Wᵀ + b.
 *
 * Contract (ob_layer.h for forward/backward/parameters)
 *   in: any tensor whose first dimension is the batch N and whose other
 *   dimensions multiply to in_features — (N, F), (N, F, 1, 1), or a conv's
 *   (N, C, H, W) with C·H·W = F, read as flattened row-major (nn.Flatten's
 *   order) — so no separate flatten is needed before it. out: (N, out_features),
 *   2-d. grad_in[0] gets the input's own shape.
 *   Parameters: "weight" (out_features, in_features), "bias" (out_features) when
 *   cfg.bias. backward writes grad_in[0] (when not NULL) and ADDS to the
 *   parameter gradients.
 *
 * Paths
 *   cpu   ob_sgemm (host/ob_gemm.h: oneDNN's dnnl_sgemm, on every thread):
 *         Y = X Wᵀ, dX = dY W, dW += dYᵀ X, db += column sums of dY.
 *   cuda  cuBLAS (nets/linear_cublas.c): the same products on column-major
 *         views of the row-major arrays (Yᵀ = W Xᵀ: cublasSgemm(T, N)), bias
 *         by a rank-1 update with a ones vector, bias grad by a GEMV.
 *
 * Errors: OB_ERR_ARG naming the layer, the expected feature count and the shape.
 *
 * Example
 *   ob_layer *fc;
 *   OB_TRY(ob_linear_create(&fc, &(ob_linear_cfg){.in_features = 128 * 3 * 3, .out_features = 128, .bias = 1}));
 */
#ifndef OB_LINEAR_H
#define OB_LINEAR_H

#include "ob_layer.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int in_features, out_features;
    int bias; /* 1: a "bias" parameter */
} ob_linear_cfg;

ob_status ob_linear_create(ob_layer **l, const ob_linear_cfg *cfg);

#ifdef __cplusplus
}
#endif
#endif
