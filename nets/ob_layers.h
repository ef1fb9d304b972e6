/* ob_layers.h — the non-convolutional layers of the nets (ob_layer.h contract):
 * activations, pooling, batch norm, dropout, shape layers (flatten, concat,
 * residual add, upsample, pixel shuffle), spatial softmax and soft-argmax.
 *
 * Every constructor makes an ob_layer (free with ob_layer_destroy); layers with
 * parameters declare them under PyTorch's names, ob_layers_alloc_params gives
 * them memory. Inputs and outputs are float32 NCHW tensors where the context
 * computes. Shapes below are the input -> output of forward.
 *
 * Activations  (N, ...) -> same shape; element-wise (kernels/eltwise.h on both
 *              backends: one kernel file serves CPU, GPU and the emu parity; cuDNN
 *              has no leaky_relu, and its silu is a swish with beta, so one
 *              path for all five keeps the backends identical)
 *   ob_act_create(&l, OB_ACT_LEAKY_RELU, 0.01f)   slope used by leaky_relu only
 *
 * Pooling      (N, C, H, W) -> (N, C, Ho, Wo), Ho = floor((H + 2 pad - k) / stride) + 1
 *              (ceil_mode=False); stride 0 means stride = k (PyTorch's default).
 *   ob_max_pool2d_create  padding counts as -inf; backward routes each output's
 *                         gradient to its argmax (saved by the training or eval
 *                         forward; ties: the first in row-major window order,
 *                         as PyTorch's CPU kernel); pad <= k/2 as PyTorch requires
 *   ob_avg_pool2d_create  count_include_pad=True (PyTorch's default): the divisor
 *                         is the window clipped to the PADDED input, k*k inside
 *   ob_global_avg_pool_create  -> (N, C, 1, 1), nn.AdaptiveAvgPool2d(1)
 *   GPU: cuDNN pooling (nets/pool_cudnn.c).
 *
 * Batch norm   (N, C, H, W) -> same; nn.BatchNorm2d(C) with eps 1e-5, momentum 0.1:
 *   parameters weight (C), bias (C); buffers running_mean (C), running_var (C),
 *   num_batches_tracked (1) — stored as float32 (exact to 2^24 steps; a
 *   checkpoint writer converts it to PyTorch's int64 scalar, shape ()).
 *   Call ob_batch_norm2d_reset after ob_layers_alloc_params (weight 1, bias 0,
 *   running_mean 0, running_var 1, num_batches_tracked 0, as PyTorch starts).
 *   training: normalises with the batch mean and BIASED variance; updates
 *   running_mean/var with momentum 0.1 using the UNBIASED variance (n/(n-1),
 *   n = N*H*W) and adds 1 to num_batches_tracked. eval: running statistics.
 *   Backward follows the last forward's mode (after eval: gx = g w / sqrt(rv + eps),
 *   parameter gradients with the running statistics). GPU: cuDNN
 *   (nets/batchnorm_cudnn.c); there the input gradient must be asked for.
 *
 * Dropout      (N, ...) -> same; nn.Dropout(p): training zeroes each element with
 *   probability p and scales the rest by 1/(1-p); eval is the identity. The mask
 *   is Philox(seed, OB_RNG_STREAM_DROPOUT, step * 2^32 + i) (kernels/eltwise.h):
 *   the layer's step counter advances after each training forward, so a run is
 *   reproducible from (seed, step); backward reuses the last forward's step.
 *   ob_dropout_set_step restores the counter on resume.
 *
 * VAE sampling (the reparameterisation; nets/ob_loss.h's kernels)
 *   vae_sample   2 inputs mu, logvar (N, L...) -> z of their shape:
 *                z = mu + exp(logvar / 2) eps, eps ~ N(0, 1) from Philox(seed,
 *                OB_RNG_STREAM_NOISE, step * numel + i), the layer's step
 *                advancing after each training forward (as dropout's; restored
 *                on resume by ob_vae_sample_set_step). Eval forwards sample
 *                too, at one fixed offset (the same eps every validation pass),
 *                or output mu after ob_vae_sample_use_mean(l, 1), or output
 *                a given z after ob_vae_sample_set_z(l, z) (host (N, L...),
 *                borrowed until set to NULL: decoding samples of the prior or
 *                a latent traversal; the encoder's output is then unused). Each forward
 *                also measures KL(N(mu, e^logvar) || N(0, 1)) summed over the
 *                batch, as PyTorch's VAE example (ob_vae_sample_kl: a loss adds
 *                it to its reconstruction term, summed alike), and its
 *                backward adds that term's gradient: grad_mu = dz + mu,
 *                grad_logvar = dz eps e^(logvar/2) / 2 + (e^logvar - 1) / 2.
 *                Both input gradients must be asked for.
 *
 * Shape layers
 *   flatten      (N, C, H, W) -> (N, C*H*W) (2-d), nn.Flatten()
 *   concat       2..4 inputs (N, Ci, H, W) -> (N, sum Ci, H, W), or (N, Fi) ->
 *                (N, sum Fi) (a CVAE's z and one-hot class), torch.cat(dim=1)
 *   slice        (N, ...) -> (N, end - begin): features [begin, end) of each
 *                sample flattened, x.flatten(1)[:, begin:end] (a CVAE's class
 *                out of its packed input); backward: zero outside the slice
 *   add          2 inputs of one shape -> their sum (residual connections)
 *   upsample     (N, C, H, W) -> (N, C, H*s, W*s), nn.Upsample(scale_factor=s):
 *                nearest: src = floor(dst / s); bilinear: align_corners=False,
 *                src = max((dst + 0.5) / s - 0.5, 0) (kernels/upsample.h)
 *   pixel_shuffle (N, C*r*r, H, W) -> (N, C, H*r, W*r), nn.PixelShuffle(r)
 *
 * Spatial softmax (kernels/spatial_softmax.h)
 *   spatial_softmax (N, C, H, W) -> same: softmax over H*W per (n, c)
 *   soft_argmax     (N, C, H, W) -> (N, C, 2): expected (x, y) under that softmax;
 *                   OB_SOFTARGMAX_PIXEL (column, row indices) or
 *                   OB_SOFTARGMAX_NORMALIZED (linspace(-1, 1) per axis, kornia's
 *                   convention: -1 the first pixel centre, +1 the last)
 *
 * Example
 *   ob_layer *bn;
 *   OB_TRY(ob_batch_norm2d_create(&bn, 32));
 *   OB_TRY(ob_layers_alloc_params(&arena, &bn, 1, ob_ctx_location(ctx)));
 *   OB_TRY(ob_batch_norm2d_reset(bn));
 *   OB_TRY(ob_layer_forward_alloc(bn, ctx, &y, (const ob_tensor *[]){&x}, 1, 1));
 */
#ifndef OB_LAYERS_H
#define OB_LAYERS_H

#include "eltwise.h"
#include "ob_layer.h"
#include "spatial_softmax.h"

#ifdef __cplusplus
extern "C" {
#endif

ob_status ob_act_create(ob_layer **l, ob_act_kind kind, float slope);

ob_status ob_max_pool2d_create(ob_layer **l, int k, int stride, int pad);
ob_status ob_avg_pool2d_create(ob_layer **l, int k, int stride, int pad);
ob_status ob_global_avg_pool_create(ob_layer **l);

#define OB_BN_EPS 1e-5f
#define OB_BN_MOMENTUM 0.1f
ob_status ob_batch_norm2d_create(ob_layer **l, int channels);
ob_status ob_batch_norm2d_reset(ob_layer *l);

ob_status ob_dropout_create(ob_layer **l, float p, uint64_t seed);
void ob_dropout_set_step(ob_layer *l, uint64_t step);
uint64_t ob_dropout_step(const ob_layer *l);

typedef enum { OB_UPSAMPLE_NEAREST = 0, OB_UPSAMPLE_BILINEAR = 1 } ob_upsample_mode;
ob_status ob_flatten_create(ob_layer **l);
ob_status ob_concat_create(ob_layer **l);
ob_status ob_add_create(ob_layer **l);
ob_status ob_slice_create(ob_layer **l, int64_t begin, int64_t end);
ob_status ob_upsample_create(ob_layer **l, int scale, ob_upsample_mode mode);
ob_status ob_pixel_shuffle_layer_create(ob_layer **l, int r);

ob_status ob_spatial_softmax_create(ob_layer **l);
ob_status ob_vae_sample_create(ob_layer **l, uint64_t seed);
double ob_vae_sample_kl(const ob_layer *l);
void ob_vae_sample_use_mean(ob_layer *l, int on);
void ob_vae_sample_set_step(ob_layer *l, uint64_t step);
void ob_vae_sample_set_z(ob_layer *l, const ob_tensor *z);
ob_status ob_soft_argmax_create(ob_layer **l, ob_softargmax_coords coords);

#ifdef __cplusplus
}
#endif
#endif
