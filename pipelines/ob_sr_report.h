/* ob_sr_report.h — the super-resolution comparison as a page to look at: the
 * same crop of each image enlarged by each method, beside the original, with
 * the PSNR/SSIM table.
 *
 * Contract
 *   ob_sr_detail_window picks the side x side window of rgb (3, H, W) with
 *   the most detail (the largest sum of squared luma differences to the
 *   right and below, over a grid of step side / 4), so that the page shows
 *   edges and texture rather than sky; side is clamped to the image.
 *   ob_sr_crop copies img's side x side window at (y0, x0) into a new
 *   (3, side, side) RGB tensor (gray replicated, alpha dropped; OB_ERR_ARG
 *   when it does not fit).
 *   ob_sr_report_write(dir, r) writes into the folder dir (created if
 *   missing): for image i, NAME_hr.png (the original's window) and
 *   NAME_METHOD.png (each method's, same window), 8-bit; then index.html
 *   with the table (per image and the mean) and the crops, shown 3x with
 *   pixelated scaling so that every pixel can be seen. NAME is the image's
 *   file name with its extension and any character outside [A-Za-z0-9_-]
 *   replaced. Every file is written atomically; index.html is written last,
 *   so a page that exists refers to crops that exist.
 *   r->crops[i * (n_methods + 1) + 0] is image i's original window, then one
 *   per method in order: (3, s, s) host f32 in [0, 1] each.
 *
 * Errors: OB_ERR_ARG (NULL or mis-sized crops), OB_ERR_IO (the folder or a
 * file cannot be written).
 */
#ifndef OB_SR_REPORT_H
#define OB_SR_REPORT_H

#include "ob_metrics.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OB_SR_REPORT_MAX_METHODS 8

typedef struct {
    int scale;
    int n_images, n_methods;
    const char *methods[OB_SR_REPORT_MAX_METHODS]; /* column names */
    const char *const *images;                     /* n_images names */
    const ob_quality *q;                           /* n_images x n_methods, row-major */
    const ob_tensor *crops;                        /* n_images x (1 + n_methods) */
    const char *title;                             /* NULL: "obscura eval sr" */
} ob_sr_report;

/* mean[c] = the mean over the n_images rows of q (n_images x n_methods, row-major). */
void ob_sr_quality_mean(ob_quality *mean, const ob_quality *q, int n_images, int n_methods);
void ob_sr_detail_window(int *y0, int *x0, int *side, const ob_tensor *rgb, int want_side);
ob_status ob_sr_crop(ob_tensor *out, const ob_tensor *img, int y0, int x0, int side);
ob_status ob_sr_report_write(const char *dir, const ob_sr_report *r);

#ifdef __cplusplus
}
#endif
#endif
