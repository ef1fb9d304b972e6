/* ob_vae_data.h — a labelled image set as a (conditional) VAE's training
 * pairs: the net reconstructs its input, and the conditional one reads its
 * class as a one-hot vector packed after the pixels (the zoo's "cvae").
 *
 * Contract
 *   ob_vae_data_open(&ds, base, classes) wraps `base` (borrowed: it must
 *   outlive ds; images in [0, 1]). Sample i: target = base's image i (C, H,
 *   W); image =
 *     classes == 0: the same image (the VAE);
 *     classes == K: (1, 1, C H W + K), the image's values then the one-hot of
 *       its label (the CVAE's packed input, ob_zoo.h "cvae").
 *   The wrapper has no labels (n_classes 0): the net's output is an image,
 *   not class scores, so the trainer measures no accuracy on it.
 *   ob_vae_pack(dst, image, chw, label, classes): one packed input row.
 * Errors: OB_ERR_ARG for classes < 0, a conditional set whose base has no
 * labels or another class count, a base without samples; at get time the
 * base's own, and a label outside 0..K-1.
 */
#ifndef OB_VAE_DATA_H
#define OB_VAE_DATA_H

#include "ob_dataset.h"

#ifdef __cplusplus
extern "C" {
#endif

ob_status ob_vae_data_open(ob_dataset **out, const ob_dataset *base, int classes);

/* dst (chw + classes floats) <- the image's chw values, then one-hot(label). */
static inline void ob_vae_pack(float *dst, const float *image, int64_t chw, int label, int classes)
{
    for (int64_t i = 0; i < chw; i++) dst[i] = image[i];
    for (int k = 0; k < classes; k++) dst[chw + k] = k == label ? 1.0f : 0.0f;
}

#ifdef __cplusplus
}
#endif
#endif
