/* ob_image_ops.h — whole-image operations on host images, computed on whichever
 * backend the context chose (the pipelines' and CLI's view of the kernels).
 *
 * Contract
 *   Inputs and outputs are host float32 (C, H, W); outputs are allocated here
 *   (free with ob_tensor_free). On the cuda backend the input is uploaded, the
 *   kernel runs on the context's stream, and the result is downloaded before
 *   return. On failure nothing is allocated.
 */
#ifndef OB_IMAGE_OPS_H
#define OB_IMAGE_OPS_H

#include "ob_ctx.h"
#include "ob_tensor.h"
#include "resize.h"

#ifdef __cplusplus
extern "C" {
#endif

/* out (C, h, w) <- in (C, H, W) resized with method m. */
ob_status ob_image_resize(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in, int w, int h, ob_resize_method m);

#ifdef __cplusplus
}
#endif
#endif
