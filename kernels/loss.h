/* loss.h — loss kernels: each computes the loss sum and its gradient with
 * respect to the prediction in one pass, and either returns the sum or adds it
 * to a running total where the launch runs; plus the VAE's reparameterisation.
 *
 * Contract
 *   Elementwise losses (ob_loss_pointwise_*), n elements of a and b, term t_i
 *   and gradients ga_i = gscale * dt_i/da_i, gb_i = gscale * dt_i/db_i:
 *     OB_LOSS_MSE       a = pred, b = target:  t = (a - b)^2,  ga = 2 (a - b)
 *     OB_LOSS_L1        a = pred, b = target:  t = |a - b|,    ga = sign(a - b)
 *                       (0 at a == b, as torch's sgn)
 *     OB_LOSS_BCE_LOGITS a = logit, b = target in [0, 1]:
 *                       t = max(a, 0) - a b + log1p(exp(-|a|)),  ga = sigmoid(a) - b
 *                       (the stable form torch's binary_cross_entropy_with_logits
 *                       uses: no overflow for any finite logit)
 *     OB_LOSS_KL        a = mu, b = logvar (Kingma & Welling 2014, appendix B):
 *                       t = -1/2 (1 + b - a^2 - e^b),  ga = a,  gb = (e^b - 1) / 2
 *   *sum <- sum_i t_i in double. ga and/or gb may be NULL (no gradient);
 *   gb is only written by OB_LOSS_KL. The caller scales: mean reduction passes
 *   gscale = 1/n and divides the sum by n (nets/loss.c).
 *
 *   Where the sum goes: exactly one of `sum` and `acc` is given.
 *     sum   host memory: the call waits for the value (one 8-byte read back).
 *     acc   a running total of OB_LOSS_TOTAL_SLOTS doubles (layout OB_LOSS_TOTAL_*,
 *           ob_ctx.h) where the launch runs — device memory for _cuda: the
 *           call queues the update and returns without waiting, so a
 *           training step needs no transfer. ob_loss_total_add (ob_loss_total.h) is the update
 *           (value = scale * sum; a finite value adds weight * value; a
 *           non-finite one is counted, and the first keeps its tag and value:
 *           the NaN guard reads them later). The CPU paths return the sum and
 *           the caller applies the same function on the host.
 *
 *   Cross-entropy with logits (ob_loss_cross_entropy_*), logits (n, k) rows,
 *   labels[i] in [0, k): per row a numerically stable log-softmax,
 *     lse_i = m_i + log sum_j exp(x_ij - m_i),  m_i = max_j x_ij,
 *     t_i = lse_i - x_i,label,   grad_ij = gscale * (exp(x_ij - lse_i) - [j == label]);
 *   exp and log in double. *sum <- sum_i t_i. A label outside [0, k) gives a NaN
 *   row (the tensor entry point checks labels first and refuses them).
 *
 *   Reparameterisation (Kingma & Welling 2014, eq. 10):
 *     forward   z_i = mu_i + exp(logvar_i / 2) * eps_i
 *     backward  dmu_i (+)= dz_i,  dlogvar_i (+)= dz_i * eps_i * exp(logvar_i / 2) / 2
 *   eps_i is standard normal, a pure function of (seed, offset + i): Box–Muller
 *   on one Philox draw of stream OB_RNG_STREAM_NOISE (ob_philox_normal), in double,
 *   so the CPU and the GPU draw the same eps and backward regenerates it instead
 *   of storing it. `accumulate` = 1 adds to dmu/dlogvar (e.g. after the KL
 *   term's gradient), 0 overwrites.
 *
 * Determinism: sums are in double over a fixed split (CPU: chunks of
 * OB_LOSS_CHUNK elements/rows added in chunk order, whatever the thread count;
 * GPU: a grid fixed by n and the block size, block_sum.cuh per block, then
 * one warp on the device adds the partials in a fixed order: lane l takes
 * partials l, l + 32, ... in turn, then a fixed shuffle tree). Same inputs,
 * same bits, run to run, whether the sum is read or accumulated.
 *
 * Paths
 *   _cpu   the formulas below (ob_loss_term, ob_ce_row), OpenMP over chunks
 *   _cuda  kernels/loss.cu, grid-stride loops, one partial per block (device
 *          pointers; _emu: the same source under cuda-emu, host pointers);
 *          cfg NULL = 256 threads, block_x a multiple of 32 up to 1024.
 *   The tensor entry points are nets/ob_loss.h.
 *
 * Errors: OB_ERR_ARG for n < 1, k < 1, a NULL required pointer, an unknown
 * kind, both or neither of sum and acc.
 */
#ifndef OB_KERNEL_LOSS_H
#define OB_KERNEL_LOSS_H

#include <math.h>
#include <stdint.h>

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_philox.h"
#include "ob_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { OB_LOSS_MSE = 0, OB_LOSS_L1 = 1, OB_LOSS_BCE_LOGITS = 2, OB_LOSS_KL = 3 } ob_loss_kind;

#define OB_LOSS_CHUNK 4096 /* CPU reduction chunk (elements or rows) */

#if defined(__CUDACC__)
#define OB_LOSS_HD __host__ __device__ __forceinline__
#else
#define OB_LOSS_HD static inline
#endif

/* One element's loss term (returned, double) and gradients (*ga, *gb, before
 * scaling). The one definition both paths use. */
OB_LOSS_HD double ob_loss_term(int kind, float a, float b, float *ga, float *gb)
{
    switch (kind) {
    case OB_LOSS_MSE: {
        const float d = a - b;
        *ga = 2.0f * d, *gb = 0.0f;
        return (double)d * (double)d;
    }
    case OB_LOSS_L1: {
        const float d = a - b;
        *ga = d > 0.0f ? 1.0f : (d < 0.0f ? -1.0f : 0.0f), *gb = 0.0f;
        return fabs((double)d);
    }
    case OB_LOSS_BCE_LOGITS: {
        const double x = a, e = exp(-fabs(x)); /* e in (0, 1]: no overflow */
        const double sig = x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
        *ga = (float)(sig - (double)b), *gb = 0.0f;
        return (x > 0 ? x : 0.0) - x * (double)b + log1p(e);
    }
    default: { /* OB_LOSS_KL: a = mu, b = logvar */
        const double ev = exp((double)b);
        *ga = a, *gb = (float)(0.5 * (ev - 1.0));
        return -0.5 * (1.0 + (double)b - (double)a * (double)a - ev);
    }
    }
}

/* Cross-entropy of one row of k logits against `label`: returns t; writes
 * grad[j] = gscale * (softmax_j - [j == label]) when grad is not NULL. */
OB_LOSS_HD double ob_ce_row(float *grad, const float *x, int k, int label, float gscale)
{
    if (label < 0 || label >= k) {
        if (grad)
            for (int j = 0; j < k; j++) grad[j] = NAN;
        return NAN;
    }
    float m = x[0];
    for (int j = 1; j < k; j++) m = x[j] > m ? x[j] : m;
    double s = 0;
    for (int j = 0; j < k; j++) s += exp((double)x[j] - (double)m);
    const double lse = (double)m + log(s);
    if (grad)
        for (int j = 0; j < k; j++)
            grad[j] = gscale * (float)(exp((double)x[j] - lse) - (j == label ? 1.0 : 0.0));
    return lse - (double)x[label];
}

/* eps for draw `index`: the library's normal (host/ob_philox.h). */
OB_LOSS_HD float ob_reparam_eps(uint64_t seed, uint64_t index)
{
    return (float)ob_philox_normal(seed, OB_RNG_STREAM_NOISE, index);
}

/* std = exp(logvar / 2) in double, rounded once: both paths use these. */
OB_LOSS_HD float ob_reparam_z(float mu, float logvar, float eps) { return mu + (float)exp(0.5 * (double)logvar) * eps; }
OB_LOSS_HD float ob_reparam_dlogvar(float dz, float logvar, float eps)
{
    return 0.5f * dz * eps * (float)exp(0.5 * (double)logvar);
}

/* A running total to add a loss sum to (see "Where the sum goes"). */
typedef struct {
    double *total;        /* OB_LOSS_TOTAL_SLOTS doubles where the launch runs */
    double scale, weight; /* value = scale * sum; total += weight * value */
    double tag;           /* kept with the first non-finite value (a batch index) */
} ob_loss_acc;

/* What every path checks first (kernels/loss.c). */
ob_status ob_loss_check_pointwise(int64_t n, int kind, const float *a, const float *b);

ob_status ob_loss_pointwise_cpu(double *sum, float *ga, float *gb, const float *a, const float *b, int64_t n,
                                ob_loss_kind kind, float gscale);
ob_status ob_loss_pointwise_cuda(double *sum, const ob_loss_acc *acc, float *ga, float *gb, const float *a,
                                 const float *b, int64_t n, ob_loss_kind kind, float gscale, const ob_launch_cfg *cfg);
ob_status ob_loss_pointwise_emu(double *sum, const ob_loss_acc *acc, float *ga, float *gb, const float *a,
                                const float *b, int64_t n, ob_loss_kind kind, float gscale, const ob_launch_cfg *cfg);

/* logits, grad: (n, k); labels: n ints, in host memory on the CPU path. The
 * GPU launchers take them where labels_loc says: OB_DEVICE (uploaded with the
 * batch: nothing more to copy) or OB_HOST (staged on the stream into the
 * scratch beside the partials: no allocation per call with a workspace, and
 * the caller may reuse them on return). */
ob_status ob_loss_cross_entropy_cpu(double *sum, float *grad, const float *logits, const int32_t *labels, int64_t n,
                                    int k, float gscale);
ob_status ob_loss_cross_entropy_cuda(double *sum, const ob_loss_acc *acc, float *grad, const float *logits,
                                     const int32_t *labels, ob_location labels_loc, int64_t n, int k, float gscale,
                                     const ob_launch_cfg *cfg);
ob_status ob_loss_cross_entropy_emu(double *sum, const ob_loss_acc *acc, float *grad, const float *logits,
                                    const int32_t *labels, ob_location labels_loc, int64_t n, int k, float gscale,
                                    const ob_launch_cfg *cfg);

ob_status ob_reparam_forward_cpu(float *z, const float *mu, const float *logvar, int64_t n, uint64_t seed,
                                 uint64_t offset);
ob_status ob_reparam_forward_cuda(float *z, const float *mu, const float *logvar, int64_t n, uint64_t seed,
                                  uint64_t offset, const ob_launch_cfg *cfg);
ob_status ob_reparam_forward_emu(float *z, const float *mu, const float *logvar, int64_t n, uint64_t seed,
                                 uint64_t offset, const ob_launch_cfg *cfg);

ob_status ob_reparam_backward_cpu(float *dmu, float *dlogvar, const float *dz, const float *logvar, int64_t n,
                                  uint64_t seed, uint64_t offset, int accumulate);
ob_status ob_reparam_backward_cuda(float *dmu, float *dlogvar, const float *dz, const float *logvar, int64_t n,
                                   uint64_t seed, uint64_t offset, int accumulate, const ob_launch_cfg *cfg);
ob_status ob_reparam_backward_emu(float *dmu, float *dlogvar, const float *dz, const float *logvar, int64_t n,
                                  uint64_t seed, uint64_t offset, int accumulate, const ob_launch_cfg *cfg);

#ifdef __cplusplus
}
#endif
#endif
