/* ob_metrics.h — image quality of B against reference A: PSNR and SSIM on the
 * colour channels and on luma.
 *
 * Contract
 *   a, b: host float32 (C, H, W), same shape, C in 1..4; a trailing alpha channel
 *   (C = 2 or 4) is left out. `data_range` is the span of valid values (1.0 for
 *   images read by ob_image_read from 8- or 16-bit files).
 *   rgb: PSNR over all colour channels; SSIM = mean of the per-channel SSIM
 *        (scikit-image's structural_similarity with gaussian_weights=True,
 *        sigma=1.5, use_sample_covariance=False, channel_axis set).
 *   y:   the same on luma — ITU-R BT.601 as MATLAB's rgb2ycbcr computes it,
 *        Y = 16/255·R + (65.481 r + 128.553 g + 24.966 b)/255 with r, g, b in
 *        units of R — the convention of super-resolution papers. For one channel,
 *        y is that channel.
 *   PSNR is +inf for identical inputs. On the cuda backend the inputs are
 *   uploaded and the kernels run there; the result is the same within 1e-6.
 */
#ifndef OB_METRICS_H
#define OB_METRICS_H

#include "ob_ctx.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    double psnr, ssim;
} ob_quality;

typedef struct {
    ob_quality rgb, y;
    int channels;           /* colour channels compared (alpha excluded) */
    double ssim_channel[3]; /* per colour channel */
} ob_metrics_result;

ob_status ob_image_metrics(ob_ctx *ctx, ob_metrics_result *r, const ob_tensor *a, const ob_tensor *b, double data_range);

/* luma (1, H, W) from (C, H, W) host images as described above (C = 1 copies). */
ob_status ob_luma_bt601(ob_tensor *y, const ob_tensor *img, double data_range);

#ifdef __cplusplus
}
#endif
#endif
