/* optim.h — optimiser update kernels: SGD (momentum, dampening, Nesterov,
 * weight decay), Adam and AdamW, elementwise over flat float32 vectors.
 *
 * Contract
 *   One call updates n parameters w in place from their gradients g and the
 *   optimiser's state (momentum buffer; exp_avg m and exp_avg_sq v), following
 *   torch.optim's single-tensor code operation by operation, each rounded to
 *   float32 as torch rounds it on the CPU (torch/optim/sgd.py, adam.py):
 *     SGD   g' = g + wd w                          (if wd != 0)
 *           buf = g' on the first step, else buf = buf momentum + (1 - dampening) g'
 *           g'' = g' + momentum buf (Nesterov) or buf   (if momentum != 0)
 *           w  = w + (-lr) g''
 *     Adam  g' = g + wd w (Adam's L2 term)  or  w = w (1 - lr wd) (AdamW, decoupled)
 *           m  = m + (1 - beta1) (g' - m)   (torch's lerp; for beta1 <= 0.5: g' - (g' - m) beta1)
 *           v  = v beta2 + ((1 - beta2) g') g'
 *           w  = w + ((-lr / bc1) m) / (sqrt(v) / sqrt(bc2) + eps)
 *           bc1 = 1 - beta1^t, bc2 = 1 - beta2^t, t = the step number from 1
 *   The step's scalars are computed once on the host in double, as Python does,
 *   and rounded to float (ob_sgd_prepare / ob_adam_prepare), so every path uses
 *   the same values. The CPU path does not contract a*b + c into an FMA; the
 *   GPU path may (1 ulp per operation; parity tolerance 1e-6 relative).
 *   Buffers are caller-owned, contiguous, n >= 1, state the same length as w.
 *
 * Paths
 *   _cpu   one loop, OpenMP over elements (host pointers)
 *   _cuda  kernels/optim.cu: one thread per element (device pointers; _emu: the
 *          same source under cuda-emu, host pointers); cfg NULL = 256 threads,
 *          block_x a multiple of 32 up to 1024
 *   The optimiser object (parameters, state, step count, schedules) is
 *   nets/ob_optim.h.
 */
#ifndef OB_KERNEL_OPTIM_H
#define OB_KERNEL_OPTIM_H

#include <math.h>
#include <stdint.h>

#include "ob_launch.h"
#include "ob_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    float neg_lr, weight_decay, momentum, one_minus_dampening;
    int nesterov, first; /* first: the momentum buffer starts as the gradient */
} ob_sgd_step;

typedef struct {
    float decay_keep;   /* AdamW: 1 - lr wd (1: none) */
    float weight_decay; /* Adam: L2 weight added to the gradient (0: none) */
    float one_minus_beta1, beta2, one_minus_beta2;
    float lerp_back;   /* 1 - (1 - beta1), in float */
    int lerp_from_end; /* 1 - beta1 >= 0.5: torch's lerp works from g */
    float neg_step_size; /* -lr / bc1 */
    float bc2_sqrt, eps;
} ob_adam_step;

/* Checks the hyperparameters (finite, lr >= 0, 0 <= momentum, dampening;
 * Nesterov needs momentum > 0 and dampening 0, as torch) and rounds them. */
ob_status ob_sgd_prepare(ob_sgd_step *s, double lr, double momentum, double dampening, double weight_decay,
                         int nesterov, int first);
/* step t >= 1; 0 <= beta < 1, eps >= 0, lr >= 0; decoupled: AdamW. */
ob_status ob_adam_prepare(ob_adam_step *s, double lr, double beta1, double beta2, double eps, double weight_decay,
                          int decoupled, int64_t t);

#if defined(__CUDACC__)
#define OB_OPTIM_HD __host__ __device__ __forceinline__
#else
#define OB_OPTIM_HD static inline
#endif

/* A moment too small for a normal float is 0: a parameter whose gradient
 * has stopped (an always-black pixel's weights, after a few rare lit ones)
 * would otherwise decay its moments through the subnormal range, where the
 * CPU computes some 30x slower (measured: Adam over 650k such values, 3.7 ->
 * 120 ms a step). What it drops moves no weight: |m| < 1.2e-38 times a step
 * size over sqrt(v) + eps. */
OB_OPTIM_HD float ob_flush_tiny(float x) { return fabsf(x) < 1.17549435e-38f ? 0.0f : x; }

/* One element of the SGD update; buf unused when momentum == 0. */
OB_OPTIM_HD void ob_sgd_elem(float *w, float *buf, float g, const ob_sgd_step *s)
{
    if (s->weight_decay != 0.0f) g = g + s->weight_decay * *w;
    if (s->momentum != 0.0f) {
        const float b = ob_flush_tiny(s->first ? g : *buf * s->momentum + s->one_minus_dampening * g);
        *buf = b;
        g = s->nesterov ? g + s->momentum * b : b;
    }
    *w = *w + s->neg_lr * g;
}

/* One element of the Adam / AdamW update. */
OB_OPTIM_HD void ob_adam_elem(float *w, float *m, float *v, float g, const ob_adam_step *s)
{
    float p = *w;
    if (s->decay_keep != 1.0f) p = p * s->decay_keep;
    if (s->weight_decay != 0.0f) g = g + s->weight_decay * p;
    const float mm = ob_flush_tiny(!s->lerp_from_end ? *m + s->one_minus_beta1 * (g - *m) : g - (g - *m) * s->lerp_back);
    const float vv = ob_flush_tiny(*v * s->beta2 + (s->one_minus_beta2 * g) * g);
    const float denom = sqrtf(vv) / s->bc2_sqrt + s->eps;
    *m = mm, *v = vv;
    *w = p + (s->neg_step_size * mm) / denom;
}

/* w, buf, g: n floats (buf may be NULL when momentum == 0). */
ob_status ob_sgd_update_cpu(float *w, float *buf, const float *g, int64_t n, const ob_sgd_step *s);
ob_status ob_sgd_update_cuda(float *w, float *buf, const float *g, int64_t n, const ob_sgd_step *s,
                             const ob_launch_cfg *cfg);
ob_status ob_sgd_update_emu(float *w, float *buf, const float *g, int64_t n, const ob_sgd_step *s,
                            const ob_launch_cfg *cfg);

ob_status ob_adam_update_cpu(float *w, float *m, float *v, const float *g, int64_t n, const ob_adam_step *s);
ob_status ob_adam_update_cuda(float *w, float *m, float *v, const float *g, int64_t n, const ob_adam_step *s,
                              const ob_launch_cfg *cfg);
ob_status ob_adam_update_emu(float *w, float *m, float *v, const float *g, int64_t n, const ob_adam_step *s,
                             const ob_launch_cfg *cfg);

#ifdef __cplusplus
}
#endif
#endif
