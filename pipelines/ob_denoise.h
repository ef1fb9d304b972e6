/* ob_denoise.h — the denoising autoencoder's measures and pictures (the
 * second seed, part 2): what `obscura train denoise` reports each epoch and
 * `obscura denoise` runs.
 *
 * Contract
 *   ob_denoise_eval(ctx, m, val, batch, res): m in eval mode over a pair set
 *     (ob_noise_data.h: image noisy, target clean) in order; the output is
 *     clipped to [0, 1] (what an image of it shows) and measured against the
 *     clean images: PSNR = 10 log10(1 / MSE) over every value, SSIM the mean
 *     over images and channels of scikit-image's structural_similarity (data
 *     range 1, kernels/ssim.h; images of at least 11 x 11). The same for the
 *     noisy inputs: the baseline the net must beat.
 *   ob_denoise_grid(path, ctx, m, val, n): a PNG of the first n validation
 *     images (n <= 16) in three rows, original / noisy / denoised, as the seed
 *     plots them: each image enlarged 3x (nearest), 4 px gaps, gray gaps.
 *   ob_denoise_image(ctx, m, out, in): an image of any size through a
 *     1-channel or C-channel net: sides padded by edge replication to
 *     multiples of 4 (the net halves them twice), run, cropped, clipped to
 *     [0, 1]; a 1-channel net on a colour image runs on each channel. m must
 *     have been built for the padded size (ob_denoise_padded).
 *   ob_denoise_html(run_dir, ...): index.html of a run: the per-epoch table
 *     (PSNR, SSIM beside the noisy input's), the loss and PSNR curves, and the
 *     grids written so far.
 * Errors: the model's, the set's, OB_ERR_ARG for a channel mismatch, OB_ERR_IO
 * writing.
 */
#ifndef OB_DENOISE_H
#define OB_DENOISE_H

#include "ob_dataset.h"
#include "ob_model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    double psnr, ssim;             /* the denoised output */
    double noisy_psnr, noisy_ssim; /* the noisy input */
} ob_denoise_metrics;

ob_status ob_denoise_eval(ob_ctx *ctx, ob_model *m, const ob_dataset *val, int batch, ob_denoise_metrics *res);
ob_status ob_denoise_grid(const char *path, ob_ctx *ctx, ob_model *m, const ob_dataset *val, int n);
/* The side a net needs for an image side (the next multiple of 4). */
static inline int ob_denoise_padded(int side) { return (side + 3) / 4 * 4; }
ob_status ob_denoise_image(ob_ctx *ctx, ob_model *m, int net_channels, ob_tensor *out, const ob_tensor *in);

typedef struct {
    const char *model;   /* "upsample" | "convtranspose" */
    double sigma;
    int epochs_done, epochs;
    const ob_denoise_metrics *per_epoch; /* epochs_done entries */
    const int *grid_epochs;              /* 1-based epochs whose grid_epochN.png exists */
    int n_grids;
} ob_denoise_page;

ob_status ob_denoise_html(const char *run_dir, const ob_denoise_page *page);

#ifdef __cplusplus
}
#endif
#endif
