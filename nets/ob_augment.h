/* ob_augment.h — data augmentation for training: random affine (translate,
 * rotate, scale), horizontal flips with a keypoint swap table, random crops and
 * colour jitter, reproducible from (seed, epoch, sample index).
 *
 * Contract
 *   ob_augment_sample changes one sample in place: its image (C, H, W) is
 *   replaced by the augmented one (crop_w x crop_h when a crop is asked for) and
 *   its keypoints are moved with the pixels. Pixel coordinates put the centre of
 *   pixel (x, y) at (x, y).
 *
 *   Geometry is one 2x3 matrix M (source -> output pixel coordinates) and one
 *   bilinear resample, in this order:
 *     box        (box_w > 0; dlib XML samples carry a face box) the box, grown
 *                by box_margin times its size on each side, scaled uniformly
 *                (aspect kept) to fit box_w x box_h and centred there; the
 *                steps below then see a box_w x box_h image. A sample without
 *                a box is OB_ERR_ARG. Bilinear, no antialiasing: for large
 *                shrink factors resize the set first (ob_dataset_opts).
 *     flip       with probability flip_p: x -> (W - 1) - x
 *     affine     about the image centre c = ((W-1)/2, (H-1)/2):
 *                p -> R(angle) * scale * (p - c) + c + (tx, ty), with angle
 *                uniform in [-rotate_deg, rotate_deg] (degrees, counter-clockwise
 *                on screen, y down), scale uniform in [scale_min, scale_max],
 *                tx uniform in [-translate*W, translate*W], ty likewise with H
 *                (torchvision RandomAffine's ranges)
 *     crop       to crop_w x crop_h at an integer offset uniform in
 *                [0, W - crop_w] x [0, H - crop_h] (a crop larger than the image
 *                pads with fill)
 *   Output pixel q samples the source at M^-1 q bilinearly; taps outside the
 *   source read `fill` (so edges blend into the fill): kernels/warp_affine.h's
 *   CPU path, which the GPU shares. Keypoints become M p.
 *   A flip also renumbers the keypoints: after mirroring, what was the left eye
 *   sits where the right eye belongs, so output point i = M (input point
 *   flip_swap[i]). flip_swap is the scheme's mirror table (K entries, an
 *   involution); a flip of a sample with keypoints and no table is OB_ERR_ARG —
 *   never a plain flip of landmarks. ob_ibug68_flip is the 68-point iBUG / dlib
 *   table. Without any geometric option the image is untouched (no resample).
 *
 *   Colour jitter follows torchvision's ColorJitter: factors uniform in
 *   [max(0, 1 - s), 1 + s] for brightness, contrast and saturation, a hue shift
 *   uniform in [-hue, hue] (hue <= 0.5, in turns of the colour wheel), applied in
 *   a random order; results clamped to [0, 1].
 *     brightness  x * f
 *     contrast    f * x + (1 - f) * mean(gray(image))
 *     saturation  f * x + (1 - f) * gray(pixel)   (gray = 0.299 R + 0.587 G + 0.114 B)
 *     hue         RGB -> HSV, h += shift (mod 1), HSV -> RGB
 *   Saturation and hue leave 1- and 2-channel (gray) images alone; alpha (the
 *   2nd of 2 or 4th of 4 channels) is never touched. A strength of 0 skips its
 *   op entirely: all-zero jitter is the identity, bit for bit.
 *
 *   Randomness: Philox, stream OB_RNG_STREAM_AUGMENT, key `seed`, counter index
 *   (epoch << 40) | (index << 4) | draw (epoch < 2^24, index < 2^36): a pure
 *   function of (seed, epoch, sample index), whatever thread runs it.
 *
 * Example (as the loader's transform)
 *   static const ob_augment_cfg aug = {.rotate_deg = 10, .translate = 0.05f, .scale_min = 0.9f,
 *       .scale_max = 1.1f, .flip_p = 0.5f, .flip_swap = ob_ibug68_flip, .flip_swap_n = 68};
 *   ob_loader_cfg lc = {.batch_size = 32, .shuffle = 1, .seed = 1, .prefetch = 2,
 *                       .transform = ob_augment_transform, .transform_user = (void *)&aug};
 */
#ifndef OB_AUGMENT_H
#define OB_AUGMENT_H

#include <stdint.h>

#include "ob_dataset.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    /* geometry */
    int box_w, box_h;           /* crop to the sample's box first (both 0: no) */
    float box_margin;           /* grow the box by this fraction per side */
    float rotate_deg;           /* angle in [-rotate_deg, rotate_deg] */
    float translate;            /* shift up to this fraction of W and H */
    float scale_min, scale_max; /* both 0: no scaling */
    float flip_p;               /* probability of a horizontal flip */
    const int *flip_swap;       /* (K) mirror partner of each keypoint */
    int flip_swap_n;            /* K of the table */
    int crop_w, crop_h;         /* random crop (both 0: none) */
    float fill;                 /* value outside the source image */
    /* colour (ColorJitter) */
    float brightness, contrast, saturation, hue;
} ob_augment_cfg;

/* The 68-point iBUG 300-W / dlib mirror table (0-based): jaw i <-> 16-i,
 * brows 17-21 <-> 26-22, nose 31 <-> 35, 32 <-> 34, eyes 36 <-> 45, 37 <-> 44,
 * 38 <-> 43, 39 <-> 42, 40 <-> 47, 41 <-> 46, mouth 48 <-> 54, ... ; points on
 * the midline (27-30, 33, 51, 57, 62, 66) map to themselves. */
extern const int ob_ibug68_flip[68];

ob_status ob_augment_sample(ob_sample *s, const ob_augment_cfg *cfg, uint64_t seed, int epoch, int64_t index);
/* ob_loader transform: user is a const ob_augment_cfg *. */
ob_status ob_augment_transform(void *user, ob_sample *s, uint64_t seed, int epoch, int64_t index);

/* The matrix ob_augment_sample would use (m: 2x3 row-major, source -> output),
 * whether it flips, and the output size; box: the sample's box or NULL. */
ob_status ob_augment_matrix(float m[6], int *flipped, int *out_w, int *out_h, const ob_augment_cfg *cfg, int w, int h,
                            const float box[4], uint64_t seed, int epoch, int64_t index);

/* out (C, out_h, out_w) <- in (C, h, w) warped by m (source -> output). */
ob_status ob_warp_affine(float *out, const float *in, int c, int h, int w, int out_h, int out_w, const float m[6],
                         float fill);
/* kp (k, 2) <- m kp. */
void ob_affine_points(float *kp, int k, const float m[6]);

/* Jitter with given factors (1 = unchanged for b, c, s; 0 = unchanged hue), in
 * `order` (a permutation of 0 brightness, 1 contrast, 2 saturation, 3 hue;
 * NULL = that order). img (c, h, w) in place. */
void ob_color_jitter_apply(float *img, int c, int h, int w, float brightness, float contrast, float saturation,
                           float hue, const int order[4]);

void ob_rgb_to_hsv(float *h, float *s, float *v, float r, float g, float b);
void ob_hsv_to_rgb(float *r, float *g, float *b, float h, float s, float v);

#ifdef __cplusplus
}
#endif
#endif
