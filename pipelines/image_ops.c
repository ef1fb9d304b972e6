/* image_ops.c — host-image operations on the context's backend (ob_image_ops.h). */
#include "ob_image_ops.h"

ob_status ob_image_resize(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in, int w, int h, ob_resize_method m)
{
    OB_REQUIRE(in->ndim == 3 && in->loc == OB_HOST, "resize: expected a host (C, H, W) image");
    int64_t shape[3] = {in->shape[0], h, w};
    OB_TRY(ob_tensor_alloc(out, OB_F32, OB_HOST, 3, shape));
    ob_status s;
    if (ob_ctx_location(ctx) == OB_HOST) {
        s = ob_resize(ctx, out, in, m);
    } else {
        ob_tensor din = {0}, dout = {0};
        s = ob_tensor_clone_to(&din, in, OB_DEVICE);
        if (s == OB_OK) s = ob_tensor_alloc(&dout, OB_F32, OB_DEVICE, 3, shape);
        if (s == OB_OK) s = ob_resize(ctx, &dout, &din, m);
        if (s == OB_OK) s = ob_stream_sync(ob_ctx_stream(ctx));
        if (s == OB_OK) s = ob_tensor_copy(out, &dout);
        ob_tensor_free(&din);
        ob_tensor_free(&dout);
    }
    if (s != OB_OK) ob_tensor_free(out);
    return s;
}
