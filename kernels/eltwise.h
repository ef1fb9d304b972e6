/* eltwise.h — the element-wise ops of the nets: activations (forward and
 * backward), the residual add, inverted dropout.
 *
 * Contract
 *   Buffers are caller-owned, contiguous float32 of n elements; y may alias x
 *   (in place) for the forward ops, gx may alias gy for the backward ones.
 *   Activations (PyTorch's definitions):
 *     relu        y = max(x, 0)               dy/dx = x > 0        (0 at x = 0)
 *     leaky_relu  y = x > 0 ? x : slope * x   dy/dx = x > 0 ? 1 : slope
 *     silu        y = x * sigmoid(x)          dy/dx = s (1 + x (1 - s))
 *     tanh        y = tanh(x)                 dy/dx = 1 - y^2
 *     sigmoid     y = 1 / (1 + e^-x)          dy/dx = y (1 - y)
 *   backward: gx = gy * dy/dx, from x (relu, leaky_relu, silu) or y (tanh,
 *   sigmoid) — both are passed, either may be NULL when the kind does not use it.
 *   add: out = a + b.
 *   dropout: y = keep ? x / (1 - p) : 0 with keep = u >= p, u the Philox uniform
 *   of (seed, OB_RNG_STREAM_DROPOUT, index = step * 2^32 + i): a pure function of
 *   (seed, step, i), so the backward is the same call applied to the gradient
 *   and a CPU and a GPU run drop the same elements. 0 <= p < 1; n < 2^32.
 *
 * Paths
 *   _cpu   plain loops, OpenMP
 *   _cuda  kernels/eltwise.cu, one thread per element, grid-stride (device
 *          pointers; _emu: the same source under cuda-emu); cfg NULL = 256
 *   ob_act_forward / ob_act_backward / ob_add / ob_dropout: tensors + context.
 */
#ifndef OB_ELTWISE_H
#define OB_ELTWISE_H

#include <math.h>
#include <stdint.h>

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { OB_ACT_RELU = 0, OB_ACT_LEAKY_RELU = 1, OB_ACT_SILU = 2, OB_ACT_TANH = 3, OB_ACT_SIGMOID = 4 } ob_act_kind;

const char *ob_act_name(ob_act_kind k);

ob_status ob_act_forward_cpu(float *y, const float *x, int64_t n, ob_act_kind k, float slope);
ob_status ob_act_backward_cpu(float *gx, const float *gy, const float *x, const float *y, int64_t n, ob_act_kind k,
                              float slope);
ob_status ob_add_cpu(float *out, const float *a, const float *b, int64_t n);
ob_status ob_dropout_cpu(float *y, const float *x, int64_t n, float p, uint64_t seed, uint64_t step);

ob_status ob_act_forward_cuda(float *y, const float *x, int64_t n, ob_act_kind k, float slope, const ob_launch_cfg *cfg);
ob_status ob_act_backward_cuda(float *gx, const float *gy, const float *x, const float *y, int64_t n, ob_act_kind k,
                               float slope, const ob_launch_cfg *cfg);
ob_status ob_add_cuda(float *out, const float *a, const float *b, int64_t n, const ob_launch_cfg *cfg);
ob_status ob_dropout_cuda(float *y, const float *x, int64_t n, float p, uint64_t seed, uint64_t step,
                          const ob_launch_cfg *cfg);
ob_status ob_act_forward_emu(float *y, const float *x, int64_t n, ob_act_kind k, float slope, const ob_launch_cfg *cfg);
ob_status ob_act_backward_emu(float *gx, const float *gy, const float *x, const float *y, int64_t n, ob_act_kind k,
                              float slope, const ob_launch_cfg *cfg);
ob_status ob_add_emu(float *out, const float *a, const float *b, int64_t n, const ob_launch_cfg *cfg);
ob_status ob_dropout_emu(float *y, const float *x, int64_t n, float p, uint64_t seed, uint64_t step,
                         const ob_launch_cfg *cfg);

/* Tensor entry points: same shapes everywhere, located where ctx computes. */
ob_status ob_act_forward(ob_ctx *ctx, ob_tensor *y, const ob_tensor *x, ob_act_kind k, float slope);
ob_status ob_act_backward(ob_ctx *ctx, ob_tensor *gx, const ob_tensor *gy, const ob_tensor *x, const ob_tensor *y,
                          ob_act_kind k, float slope);
ob_status ob_add(ob_ctx *ctx, ob_tensor *out, const ob_tensor *a, const ob_tensor *b);
ob_status ob_dropout(ob_ctx *ctx, ob_tensor *y, const ob_tensor *x, float p, uint64_t seed, uint64_t step);

/* The shared element formulas (host and device). */
#if defined(__CUDACC__)
#define OB_ELT_HD __host__ __device__ __forceinline__
#else
#define OB_ELT_HD static inline
#endif

OB_ELT_HD float ob_act_f(float x, int k, float slope)
{
    switch (k) {
    case OB_ACT_RELU: return x > 0.0f ? x : 0.0f;
    case OB_ACT_LEAKY_RELU: return x > 0.0f ? x : slope * x;
    case OB_ACT_SILU: return x / (1.0f + expf(-x));
    case OB_ACT_TANH: return tanhf(x);
    default: return 1.0f / (1.0f + expf(-x));
    }
}

OB_ELT_HD float ob_act_df(float gy, float x, float y, int k, float slope)
{
    switch (k) {
    case OB_ACT_RELU: return x > 0.0f ? gy : 0.0f;
    case OB_ACT_LEAKY_RELU: return x > 0.0f ? gy : slope * gy;
    case OB_ACT_SILU: {
        const float s = 1.0f / (1.0f + expf(-x));
        return gy * s * (1.0f + x * (1.0f - s));
    }
    case OB_ACT_TANH: return gy * (1.0f - y * y);
    default: return gy * y * (1.0f - y);
    }
}

#ifdef __cplusplus
}
#endif
#endif
