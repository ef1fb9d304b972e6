/* ob_keypoints.h — facial keypoints from a trained net: loading a checkpoint
 * of `obscura train keypoints`, prediction on face crops, the field's error
 * measures, and overlays.
 *
 * Contract
 *   ob_kp_net_load(&net, ctx, path) reads the checkpoint's metadata (task
 *   "keypoints", model, keypoints K, input CxHxW, crop, margin, features,
 *   mean_shape), rebuilds the zoo model (nets/ob_zoo.h) and loads every
 *   tensor; a file of another task, or tensors of another shape (another K or
 *   model), are OB_ERR_FORMAT naming the file. The model is frozen for
 *   inference (ob_model_freeze). ob_kp_net_free releases it.
 *   ob_kp_net_metadata gives the metadata pairs train writes (malloc'd).
 *
 *   ob_kp_predict(ctx, net, kp, x, heat): x (N, C, H, W) host crops in
 *   [0, 1] (ob_keypoint_data.h) -> kp (N, K, 2) in crop pixels: the
 *   regressors' outputs u, v in [0, 1] as x = u W - 0.5, y = v H - 0.5; the
 *   unet's by soft-argmax of its heatmap logits (kernels/spatial_softmax.h,
 *   pixel indices). heat (optional, unet only): the (N, K, H, W)
 *   probabilities, host, allocated here. The net's input is x - 0.5 (the
 *   seed's im/255 - 0.5).
 *
 *   Errors of one face, pred and truth (K, 2) in pixels of a W x H crop:
 *     nmse    mean over the 2K coordinates of the squared error in normalised
 *             units (x / W, y / H): the seed's validation loss (0.0016)
 *     mae_px  mean over the 2K coordinates of the absolute error in pixels
 *     nme     mean point-to-point distance over the distance between the
 *             outer eye corners of the truth (300-W's inter-ocular
 *             normalisation; points 36 and 45 of the 68-point scheme); NAN
 *             where the scheme has no eye corners (ob_kp_eye_corners -1)
 *
 *   ob_kp_overlay(&rgb, img, pred, truth, k, scale): img (C, H, W) in [0, 1]
 *   enlarged `scale` times (nearest), gray replicated, with truth points
 *   (green, may be NULL), predictions (red) and the line between them.
 *   ob_kp_heat_image: the crop dimmed, with the heatmaps' sum, scaled to its
 *   maximum, in red over it (3, H, W).
 *   ob_kp_filters_image: a conv weight (O, C, k, k) as a grid of its O
 *   filters (the channels' mean for C > 1), each stretched to its own range
 *   and enlarged to `cell` pixels, 1-pixel gaps (3, rows, cols).
 */
#ifndef OB_KEYPOINTS_H
#define OB_KEYPOINTS_H

#include "ob_ctx.h"
#include "ob_keypoint_data.h"
#include "ob_model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    char model[32];
    int c, h, w, k;
    int features;         /* unet's D (0 otherwise) */
    ob_kp_crop_kind crop;
    float margin;
    int heatmaps;         /* 1: unet */
    float *mean_shape;    /* (K, 2) normalised mean of the training points, or NULL */
} ob_kp_net_info;

typedef struct {
    ob_model *m;
    ob_kp_net_info info;
} ob_kp_net;

typedef struct {
    double nmse, mae_px, nme;
} ob_kp_error;

extern const char *const ob_kp_crop_names[]; /* "auto", "box", "landmarks", "none" */

ob_status ob_kp_net_load(ob_kp_net *net, ob_ctx *ctx, const char *path);
void ob_kp_net_free(ob_kp_net *net);
ob_status ob_kp_net_metadata(char **out, const ob_kp_net_info *info);

ob_status ob_kp_predict(ob_ctx *ctx, ob_kp_net *net, float *kp, const ob_tensor *x, ob_tensor *heat);

void ob_kp_eye_corners(int *left, int *right, int k);
void ob_kp_errors(ob_kp_error *e, const float *pred, const float *truth, int k, int w, int h);

ob_status ob_kp_overlay(ob_tensor *rgb, const ob_tensor *img, const float *pred, const float *truth, int k, int scale);
ob_status ob_kp_heat_image(ob_tensor *rgb, const ob_tensor *img, const ob_tensor *heat, int64_t n);
ob_status ob_kp_filters_image(ob_tensor *rgb, const ob_tensor *weight, int cell);

#ifdef __cplusplus
}
#endif
#endif
