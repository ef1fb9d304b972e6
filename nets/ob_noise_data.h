/* ob_noise_data.h — denoising pairs made on the fly: each sample of a base
 * set with Gaussian noise added (the second seed's denoising autoencoder:
 * the net sees the noisy image and learns the clean one).
 *
 * Contract
 *   ob_noise_data_open(&ds, base, sigma, fixed) wraps `base` (borrowed: it
 *   must outlive ds; its samples are images in [0, 1], labels kept). Sample i
 *   is the pair target = base's image i, image = clip(target + sigma z, 0, 1)
 *   with z standard normal per value (Box-Muller on Philox, stream
 *   OB_RNG_STREAM_NOISE), clipped because a photo's values stay in range.
 *     fixed = 0 (training): z is a function of (seed, epoch, i) (ob_dataset.h
 *       get_keyed): fresh noise every epoch, the same again on a resumed run;
 *       the plain get draws epoch 0.
 *     fixed = 1 (validation): z is a function of i alone, the same every
 *       epoch, so the validation PSNR is comparable from epoch to epoch and
 *       against the noisy input's.
 * Errors: OB_ERR_ARG for sigma outside [0, 2] or a base without samples;
 * the base's own errors at get time.
 */
#ifndef OB_NOISE_DATA_H
#define OB_NOISE_DATA_H

#include "ob_dataset.h"

#ifdef __cplusplus
extern "C" {
#endif

ob_status ob_noise_data_open(ob_dataset **out, const ob_dataset *base, float sigma, int fixed);

#ifdef __cplusplus
}
#endif
#endif
