/* ob_sr_data.h — super-resolution training and validation pairs made on the
 * fly from a folder of high-resolution photos: a random crop, a flip and a
 * 90-degree turn, and its low-resolution image by antialiased bicubic
 * downscaling (never stored).
 *
 * Contract
 *   ob_sr_data_open(&ds, hr_dir, cfg) reads every image in hr_dir (.png .jpg
 *   .jpeg, sorted by name, hidden files skipped) once and keeps it in memory
 *   as float32 planes: Y (BT.601 studio range, host/ob_bt601.h, gray images
 *   taken as R = G = B) for channels 1, RGB for
 *   3 (gray replicated, alpha dropped). With cfg->max_side > 0 a photo whose
 *   longer side exceeds it is first shrunk (antialiased bicubic, aspect kept,
 *   sides rounded) to that longer side: a large wallpaper holds few details
 *   per crop at full size, and shrinking it brings its detail density to
 *   that of the photos users enlarge, whatever size each photo was. Memory: 4 * C bytes per pixel of the
 *   photos kept. The images are split: with cfg->split OB_SR_ALL or
 *   OB_SR_ALL_TRAIN every one; else the last max(1, n / 10) are the
 *   validation images (OB_SR_VAL) and the rest the training ones
 *   (OB_SR_TRAIN); a split that would be empty is
 *   refused (a folder needs 2 images to be split).
 *   A sample is a pair: target = the HR crop (C, P r, P r), image = its LR
 *   version (C, P, P) made by bicubic-aa (kernels/resize.h, MATLAB imresize's
 *   antialiased bicubic), or, with cfg->pre_upscale (SRCNN's input), that LR
 *   image enlarged back to (C, P r, P r) by bicubic. P = cfg->patch (LR
 *   pixels, default 17 as the seeds), r = cfg->scale (2..4).
 *     train (OB_SR_TRAIN, OB_SR_ALL_TRAIN): cfg->samples per epoch (default 1600); sample i of epoch e is a
 *            function of (seed, e, i) alone (ob_dataset.h get_keyed): an image
 *            drawn in proportion to its crop positions, a crop position, a
 *            horizontal flip with probability 1/2 and a turn by 0, 90, 180 or
 *            270 degrees (Philox stream OB_RNG_STREAM_SR_CROP).
 *     val (OB_SR_VAL, OB_SR_ALL): cfg->val_crops (default 4) fixed crops per image, the same each
 *            epoch: a grid over the image, no flips or turns.
 *   Every image must hold a crop: smaller ones are refused by name.
 *
 * Errors: OB_ERR_ARG (scale outside 2..4, channels not 1 or 3, patch < 4,
 * max_side negative, a split left empty), OB_ERR_IO (a missing folder), OB_ERR_FORMAT (a folder
 * without images, an unreadable image, an image smaller than the crop).
 */
#ifndef OB_SR_DATA_H
#define OB_SR_DATA_H

#include "ob_bt601.h" /* ob_bt601_luma: the Y planes */
#include "ob_dataset.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    OB_SR_TRAIN = 0,     /* random crops of all but the held-out images */
    OB_SR_VAL = 1,       /* fixed crops of the held-out images */
    OB_SR_ALL = 2,       /* fixed crops of every image (a validation folder) */
    OB_SR_ALL_TRAIN = 3, /* random crops of every image (training beside a validation folder) */
} ob_sr_split;

typedef struct {
    int scale;       /* 2..4 */
    int channels;    /* 1: Y, 3: RGB */
    int patch;       /* LR crop side; 0 -> 17 */
    int pre_upscale; /* 1: image = bicubic(LR) at HR size (SRCNN) */
    ob_sr_split split;
    int64_t samples; /* train: samples per epoch; 0 -> 1600 */
    int val_crops;   /* val / all: crops per image; 0 -> 4 */
    int max_side;    /* > 0: photos with a longer side shrunk to this first (bicubic-aa) */
} ob_sr_data_cfg;

ob_status ob_sr_data_open(ob_dataset **out, const char *hr_dir, const ob_sr_data_cfg *cfg);

/* The photos of dir (.png .jpg .jpeg, any case, hidden ones skipped), sorted
 * by name: *names (malloc'd, free with ob_sr_free_names) and *n >= 1;
 * OB_ERR_IO for a missing folder, OB_ERR_FORMAT for one without photos. */
ob_status ob_sr_list_photos(char ***names, int64_t *n, const char *dir);
void ob_sr_free_names(char **names, int64_t n);

#ifdef __cplusplus
}
#endif
#endif
