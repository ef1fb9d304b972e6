/* ob_vae.h — the (conditional) VAE of the second seed, part 3: its training
 * loss, what `obscura train vae|cvae` measures each epoch, and the pictures
 * (reconstructions, samples, latent traversals) it and `obscura generate`
 * draw. The nets are the zoo's "vae" and "cvae" (nets/ob_zoo.h: logits out);
 * their data, nets/ob_vae_data.h.
 *
 * Contract
 *   The objective is the negative ELBO of PyTorch's VAE example, per image:
 *   recon + KL, recon = BCE(sigmoid(logits), x) summed over the pixels
 *   (OB_VAE_BCE) or the squared error of sigmoid(logits) summed
 *   (OB_VAE_MSE), KL = KL(q(z|x) || N(0, I)) summed over the latents (the
 *   vae_sample layer's).
 *   ob_vae_loss: an ob_train loss function (user: an ob_vae_loss_state, zero
 *     but for info and sampler): gradients of the batch's sum (as the example,
 *     Adam being indifferent to the scale), the value added to the running
 *     loss per image. It reads the KL on the host after the forward: train
 *     with cfg.no_cuda_graphs = 1.
 *   ob_vae_eval: over a set of ob_vae_data pairs in order, eval mode: recon,
 *     KL and their sum per image at the layer's fixed evaluation draw of z
 *     (an unbiased one-sample estimate of the negative ELBO, the same draw
 *     every epoch), and PSNR (over every value) and SSIM (the mean per image
 *     and channel, kernels/ssim.h: Gaussian 11-tap, images of at least 11 x 11) of the
 *     reconstructions sigmoid(decoder(mu)) against the images.
 *   ob_vae_decode: images (n, C, H, W) in [0, 1] <- sigmoid(decoder(z)) for
 *     z (n, L) host, with labels[i] the class of row i (a CVAE's; ignored,
 *     may be NULL, for a VAE; each in 0..K-1).
 *   ob_vae_prior_z: z (n, L) ~ N(0, I) from Philox(seed) (Box-Muller,
 *     kernels/loss.h ob_reparam_eps).
 *   Grids (PNG, ob_grid.h, 3x enlarged):
 *     ob_vae_recon_grid: the first n (<= 16) images of a set over their
 *       reconstructions, two rows;
 *     ob_vae_sample_grid: rows of `per_row` prior samples, one row per class
 *       of `labels` (n_labels of them) for a CVAE, or n_labels rows for a VAE
 *       (labels NULL);
 *     ob_vae_traversal_grid: for each of the first `dims` latents (<= 10), a
 *       row decoding z = 0 but that latent at `steps` values evenly over
 *       [-3, 3] (of the prior's sigma), at class `label` for a CVAE.
 *   ob_vae_html: index.html of a run: the per-epoch table, curves, pictures.
 * Errors: OB_ERR_ARG for a model without a vae_sample layer, a label outside
 * 0..K-1, n or dims out of range, outputs not of the images' size; the
 * model's and the set's; OB_ERR_IO writing.
 */
#ifndef OB_VAE_H
#define OB_VAE_H

#include "ob_dataset.h"
#include "ob_loader.h"
#include "ob_model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { OB_VAE_BCE = 0, OB_VAE_MSE = 1 } ob_vae_recon;

typedef struct {
    int classes;          /* 0: a VAE; K: a CVAE on K classes */
    int c, h, w, latent;  /* the images, the latent size L */
    ob_vae_recon recon;
} ob_vae_info;

/* The model's vae_sample layer, or NULL. */
ob_layer *ob_vae_sampler(const ob_model *m);

typedef struct {
    ob_vae_info info;
    ob_layer *sampler;
    ob_tensor p, gp; /* OB_VAE_MSE: sigmoid(logits) and its gradient, where ctx computes */
} ob_vae_loss_state;

ob_status ob_vae_loss(void *user, ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *pred,
                      const ob_data_batch *b);
void ob_vae_loss_free(ob_vae_loss_state *st);

typedef struct {
    double recon, kl, neg_elbo; /* per image */
    double psnr, ssim;          /* of the reconstructions at mu */
} ob_vae_metrics;

ob_status ob_vae_eval(ob_ctx *ctx, ob_model *m, const ob_vae_info *info, const ob_dataset *val, int batch,
                      ob_vae_metrics *res);
ob_status ob_vae_decode(ob_ctx *ctx, ob_model *m, const ob_vae_info *info, const float *z, const int *labels, int n,
                        float *images);
void ob_vae_prior_z(float *z, int n, int latent, uint64_t seed);

ob_status ob_vae_recon_grid(const char *path, ob_ctx *ctx, ob_model *m, const ob_vae_info *info,
                            const ob_dataset *val, int n);
ob_status ob_vae_sample_grid(const char *path, ob_ctx *ctx, ob_model *m, const ob_vae_info *info, const int *labels,
                             int n_labels, int per_row, uint64_t seed);
ob_status ob_vae_traversal_grid(const char *path, ob_ctx *ctx, ob_model *m, const ob_vae_info *info, int label,
                                int dims, int steps);

typedef struct {
    const char *model;  /* "vae" | "cvae" */
    const char *data;
    ob_vae_recon recon;
    int latent, epochs_done, epochs;
    const double *train_loss;         /* epochs_done entries: negative ELBO per image */
    const ob_vae_metrics *per_epoch;  /* epochs_done entries */
    const int *picture_epochs;        /* 1-based epochs with recon_epochN.png, samples_epochN.png */
    int n_pictures;
} ob_vae_page;

ob_status ob_vae_html(const char *run_dir, const ob_vae_page *page);

#ifdef __cplusplus
}
#endif
#endif
