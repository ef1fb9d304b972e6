/* ob_keypoint_data.h — facial-keypoint samples as the first seed's nets take
 * them: the face cropped by a box, resized to the net's input, keypoints
 * normalised to [0, 1], the seed's augmentation, and the regression or
 * heatmap targets.
 *
 * Contract
 *   ob_kp_data_open(&ds, base, cfg) reads every sample of a landmark set
 *   (ob_dataset.h: iBUG .pts, IMM .asf, dlib XML) once and keeps it in memory
 *   (base may be closed after), checking it first:
 *     - every sample has cfg->keypoints points (when > 0; else the set's K),
 *     - every point lies inside the image up to 10 % of its size on each side
 *       (landmarks of an occluded jaw may stray a little; further out is a
 *       file for another image or another size),
 *     - the image has cfg->channels channels (open the base set with
 *       ob_dataset_opts.channels to convert).
 *   A bad sample fails the open with OB_ERR_FORMAT naming its file.
 *
 *   The crop (stage 1, ob_kp_box): the box of cfg->crop —
 *     OB_KP_CROP_BOX        the set's face box (dlib XML); a set without boxes
 *                           is OB_ERR_ARG
 *     OB_KP_CROP_LANDMARKS  the bounding box of the sample's keypoints
 *     OB_KP_CROP_NONE       the whole image (margin 0)
 *   (boxes count pixels as dlib's and ob_augment.h's do: left, top, width,
 *   height cover pixels left .. left + width - 1)
 *     OB_KP_CROP_AUTO       BOX where the set has boxes, else LANDMARKS
 *   grown by cfg->margin of its size on each side, scaled uniformly (aspect
 *   kept) to fit W x H and centred (ob_augment.h's box stage; the rest of the
 *   net's input reads 0). Stage 2 (held in memory): an image whose crop would
 *   shrink by more than 2x is first shrunk by bicubic-aa so that the crop's
 *   own bilinear resample never aliases.
 *
 *   Samples: image (C, H, W) in [0, 1] (the loader's normalisation, mean 0.5
 *   std 1, makes it the seed's im/255 - 0.5); kp (K, 2) in pixels of the crop
 *   (pixel centres at integers, ob_dataset.h); target
 *     regression  (2K): x0, y0, x1, y1, ... normalised, u = (x + 0.5) / W,
 *                 v = (y + 0.5) / H (0 and 1 are the crop's edges)
 *     heatmaps    (K, H, W): ob_kp_heatmaps of the normalised points.
 *   cfg->augment (training): each epoch draws, per sample (a function of
 *   (seed, epoch, index): ob_augment.h's Philox stream), the seed's random
 *   affine — rotation up to 15 degrees, translation up to 10 % — moving the
 *   keypoints with the pixels, colour jitter 0.1 (brightness, contrast,
 *   saturation), and, with cfg->flip_p > 0, a horizontal flip. A flip needs
 *   the scheme's mirror table (cfg->flip_swap, K entries): mirroring the
 *   pixels puts the left eye where the right eye was, so a plain flip of the
 *   coordinates teaches the net to call the left eye "right" half the time,
 *   and it learns the average of the two — ob_augment_sample renumbers with
 *   the table. K = 68 takes ob_ibug68_flip by default; other K without a
 *   table is OB_ERR_ARG.
 *
 *   ob_kp_heatmaps(maps, uv, k, h, w, sigma): map j is
 *   exp(-((x_c - u)^2 + (y_c - v)^2) / (2 sigma^2)) at the normalised cell
 *   centres x_c = (col + 0.5) / W, y_c = (row + 0.5) / H, divided by its sum
 *   (each map sums to 1). Its expected cell centre is the point to well under
 *   a pixel while the Gaussian lies inside the map (3 sigma from the edges);
 *   closer to an edge the cut-off tail pulls it inwards.
 *   The heatmap grid is the crop's pixel grid, so the soft-argmax of the
 *   logits in pixel indices (kernels/spatial_softmax.h, OB_SOFTARGMAX_PIXEL)
 *   is the point in crop pixels.
 *
 *   ob_kp_crop(&x, to_image, image, box, margin, w, h): the net's input for
 *   one image and box (NULL: the whole image, margin ignored), by the same
 *   stages as the set's samples; to_image (2x3) maps crop pixels back to
 *   the image's. A box with less than half of its area inside the image is
 *   OB_ERR_ARG.
 *
 * Errors: OB_ERR_ARG (bad configuration, a box outside the image), OB_ERR_FORMAT
 *   (a bad sample, naming its file), OB_ERR_NOMEM.
 */
#ifndef OB_KEYPOINT_DATA_H
#define OB_KEYPOINT_DATA_H

#include "ob_augment.h"
#include "ob_dataset.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { OB_KP_CROP_AUTO = 0, OB_KP_CROP_BOX, OB_KP_CROP_LANDMARKS, OB_KP_CROP_NONE } ob_kp_crop_kind;

#define OB_KP_SIGMA 0.05f /* the seed's heatmap Gaussian, normalised units */

typedef struct {
    int width, height;   /* the net's input */
    int channels;        /* 1 or 3 */
    int keypoints;       /* K expected (0: the set's) */
    ob_kp_crop_kind crop;
    float margin;        /* box grown by this per side (default 0 -> 0.1 unless crop is none) */
    int augment;         /* 1: the seed's augmentation each epoch */
    float flip_p;        /* probability of a mirrored sample (needs a table) */
    const int *flip_swap;
    int heatmaps;        /* 1: target (K, H, W) heatmaps; 0: (2K) coordinates */
    float sigma;         /* heatmaps: 0 -> OB_KP_SIGMA */
} ob_kp_data_cfg;

ob_status ob_kp_data_open(ob_dataset **out, const ob_dataset *base, const ob_kp_data_cfg *cfg);
/* A view of kp's samples without the augmentation (validation, the mean
 * shape); kp must outlive it. */
ob_status ob_kp_data_plain(ob_dataset **out, const ob_dataset *kp);

/* box <- the crop box of a sample by cfg's rule (before the margin). */
ob_status ob_kp_box(float box[4], const ob_sample *s, ob_kp_crop_kind crop, int w, int h);

/* uv (k, 2) <- kp (k, 2) in pixels of a w x h crop: u = (x + 0.5) / w,
 * v = (y + 0.5) / h (0 and 1 the crop's edges); and back, x = u w - 0.5. */
void ob_kp_normalize(float *uv, const float *kp, int k, int w, int h);
void ob_kp_denormalize(float *kp, const float *uv, int k, int w, int h);

void ob_kp_heatmaps(float *maps, const float *uv, int k, int h, int w, float sigma);

/* OB_ERR_ARG unless at least half of box (left, top, width, height) lies in
 * the w x h image. */
ob_status ob_kp_check_box(const float box[4], int w, int h);

ob_status ob_kp_crop(ob_tensor *x, float to_image[6], const ob_tensor *image, const float *box, float margin, int w,
                     int h);

#ifdef __cplusplus
}
#endif
#endif
