/* ob_hdr_align.h — translation alignment of an exposure stack with median
 * threshold bitmaps (Ward, "Fast, robust image registration for compositing
 * high dynamic range photographs from hand-held exposures", JGT 2003).
 *
 * Contract
 *   Each image is reduced to 8-bit gray ((54 R + 183 G + 19 B) / 256 as Ward
 *   does; one channel as is), thresholded at its own median (so exposures of
 *   different brightness give the same bitmap), with pixels within ±4 levels of
 *   the median excluded as noise. An image pyramid of `levels` halvings finds the
 *   shift coarse to fine, testing the 9 neighbours of the doubled shift at each
 *   level, so shifts up to ±(2^levels − 1) pixels are found (levels 6: ±63).
 *   shifts[i] = (dx, dy) is the translation that lines image i up with the
 *   reference: aligned(x, y) = image(x − dx, y − dy). shifts[reference] = (0, 0).
 *   Images: host float32 (C, H, W) in [0, 1], all the same size.
 *   ob_apply_shift writes the translated image, repeating edge pixels into the
 *   uncovered border (the merge then sees plausible values there).
 */
#ifndef OB_HDR_ALIGN_H
#define OB_HDR_ALIGN_H

#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int dx, dy;
} ob_shift;

ob_status ob_mtb_align(ob_shift *shifts, const ob_tensor *const *images, int n, int reference, int levels);
/* out (allocated here) = in translated by s, edges repeated. */
ob_status ob_apply_shift(ob_tensor *out, const ob_tensor *in, ob_shift s);

#ifdef __cplusplus
}
#endif
#endif
