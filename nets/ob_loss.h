/* ob_loss.h — losses for training: the value and the gradient with respect to
 * the prediction in one call; the VAE's KL term and reparameterisation.
 *
 * Contract
 *   Every loss returns its value in *loss (double, on the host: the call
 *   waits for it) and, when `grad` is not NULL, writes (overwrites)
 *   d loss / d pred into grad (same shape as pred): the start of a backward
 *   pass. With loss == NULL the value is instead added to the context's
 *   running loss (ob_ctx.h: weight * value, non-finite values counted), on
 *   the device for cuda: the call only queues work, and a training loop
 *   reads the total every few steps (ob_ctx_loss_read). Tensors are float32,
 *   contiguous, where the context computes (host for cpu, device for cuda).
 *   Formulas, the stable forms used and the determinism of the sums:
 *   kernels/loss.h. Reductions, as PyTorch's `reduction=`:
 *     OB_REDUCE_MEAN  divide by the number of elements (MSE, L1, BCE) or of
 *                     rows N (cross-entropy), as torch
 *     OB_REDUCE_SUM   the plain sum (the heatmap net's MSE)
 *
 *   ob_loss_mse         (pred - target)^2                        nn.MSELoss
 *   ob_loss_l1          |pred - target|                          nn.L1Loss
 *   ob_loss_bce_logits  logits vs targets in [0, 1], stable      nn.BCEWithLogitsLoss
 *   ob_loss_cross_entropy  logits (N, K) vs labels[N] in [0, K) on the host
 *                       (an out-of-range label is OB_ERR_ARG naming it) nn.CrossEntropyLoss
 *   ob_loss_cross_entropy_at  the same with labels_at_ctx, a copy of the labels
 *                       where the context computes (uploaded with the batch:
 *                       no copy in the call; NULL: staged from `labels`); the
 *                       host labels are still the ones checked
 *   ob_loss_kl_normal   KL(N(mu, e^logvar) || N(0, 1)) = -1/2 sum (1 + logvar - mu^2 - e^logvar)
 *                       over mu, logvar of shape (N, D...):
 *                         OB_REDUCE_SUM   the sum over everything — PyTorch's VAE example
 *                                         (examples/vae: KLD = -0.5 * torch.sum(...))
 *                         OB_REDUCE_MEAN  that sum divided by the batch size N (shape[0]):
 *                                         the mean over samples of each sample's KL, NOT
 *                                         the mean over elements
 *                       grads (either may be NULL) are written.
 *   ob_reparam_sample   z = mu + exp(logvar / 2) * eps, eps ~ N(0, 1) drawn from
 *                       Philox (seed, stream OB_RNG_STREAM_NOISE, index offset + i):
 *                       the same eps on every backend. Use a new offset per step
 *                       (e.g. step * numel) to draw fresh noise.
 *   ob_reparam_backward given dL/dz: dL/dmu = dz, dL/dlogvar = dz * eps * exp(logvar/2) / 2,
 *                       with eps regenerated from (seed, offset) — pass the same
 *                       ones as the forward. accumulate = 1 adds to grad_mu /
 *                       grad_logvar (call it after ob_loss_kl_normal wrote them),
 *                       0 overwrites.
 *
 * Errors: OB_ERR_ARG for mismatched shapes, wrong dtype/location, an unknown
 * reduction, a bad label.
 *
 * Example (a VAE step's loss)
 *   OB_TRY(ob_reparam_sample(ctx, &z, &mu, &logvar, seed, step * n));
 *   ... decoder forward: recon ...
 *   OB_TRY(ob_loss_bce_logits(ctx, &rec, &g_recon, &recon, &x, OB_REDUCE_SUM));
 *   ... decoder backward: g_z ...
 *   OB_TRY(ob_loss_kl_normal(ctx, &kld, &g_mu, &g_logvar, &mu, &logvar, OB_REDUCE_SUM));
 *   OB_TRY(ob_reparam_backward(ctx, &g_mu, &g_logvar, &g_z, &logvar, seed, step * n, 1));
 */
#ifndef OB_LOSS_H
#define OB_LOSS_H

#include <stdint.h>

#include "ob_ctx.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { OB_REDUCE_MEAN = 0, OB_REDUCE_SUM = 1 } ob_reduction;

ob_status ob_loss_mse(ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *pred, const ob_tensor *target,
                      ob_reduction r);
ob_status ob_loss_l1(ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *pred, const ob_tensor *target,
                     ob_reduction r);
ob_status ob_loss_bce_logits(ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *logits,
                             const ob_tensor *target, ob_reduction r);
/* logits, grad: (N, K); labels: N ints on the host. */
ob_status ob_loss_cross_entropy(ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *logits,
                                const int32_t *labels, ob_reduction r);
ob_status ob_loss_cross_entropy_at(ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *logits,
                                   const int32_t *labels, const int32_t *labels_at_ctx, ob_reduction r);
ob_status ob_loss_kl_normal(ob_ctx *ctx, double *loss, ob_tensor *grad_mu, ob_tensor *grad_logvar,
                            const ob_tensor *mu, const ob_tensor *logvar, ob_reduction r);

ob_status ob_reparam_sample(ob_ctx *ctx, ob_tensor *z, const ob_tensor *mu, const ob_tensor *logvar, uint64_t seed,
                            uint64_t offset);
ob_status ob_reparam_backward(ob_ctx *ctx, ob_tensor *grad_mu, ob_tensor *grad_logvar, const ob_tensor *grad_z,
                              const ob_tensor *logvar, uint64_t seed, uint64_t offset, int accumulate);

#ifdef __cplusplus
}
#endif
#endif
