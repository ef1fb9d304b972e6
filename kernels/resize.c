/* resize.c — method names, the size checks every path shares, and the
 * tensor-level entry point (shape checks, then the CPU or CUDA path). */
#include "resize.h"

#include <string.h>

#include "ob_dispatch.h"
#include "resize_taps.h"

static const char *const method_names[] = {"nearest", "bilinear", "bicubic", "area", "bicubic-aa"};
#define N_METHODS ((int)(sizeof method_names / sizeof method_names[0]))

ob_status ob_resize_method_parse(ob_resize_method *m, const char *name)
{
    for (int i = 0; name && i < N_METHODS; i++)
        if (strcmp(name, method_names[i]) == 0) {
            *m = (ob_resize_method)i;
            return OB_OK;
        }
    return OB_FAIL(OB_ERR_ARG, "resize: unknown method '%s' (expected nearest, bilinear, bicubic, bicubic-aa or area)",
                   name ? name : "(null)");
}

const char *ob_resize_method_name(ob_resize_method m)
{
    return (int)m >= 0 && (int)m < N_METHODS ? method_names[m] : "?";
}

ob_status ob_resize_check_sizes(int planes, int in_h, int in_w, int out_h, int out_w, ob_resize_method m)
{
    OB_REQUIRE((int)m >= 0 && (int)m < N_METHODS, "resize: invalid method %d", (int)m);
    OB_REQUIRE(planes >= 1 && in_h >= 1 && in_w >= 1 && out_h >= 1 && out_w >= 1,
               "resize: sizes must be >= 1 (planes %d, %dx%d -> %dx%d)", planes, in_h, in_w, out_h, out_w);
    OB_REQUIRE(m != OB_RESIZE_AREA || (out_h <= in_h && out_w <= in_w),
               "resize: area is for downscaling only (%dx%d -> %dx%d enlarges); use bilinear or bicubic to upscale",
               in_h, in_w, out_h, out_w);
    return OB_OK;
}

ob_status ob_resize(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in, ob_resize_method m)
{
    char a[64], b[64];
    OB_TRY(ob_check_f32(in, "resize: input", ctx, 0));
    OB_TRY(ob_check_f32(out, "resize: output", ctx, 0));
    OB_REQUIRE((in->ndim == 3 || in->ndim == 4) && out->ndim == in->ndim,
               "resize: expected (C, H, W) or (N, C, H, W) tensors of equal rank, got %s -> %s",
               ob_tensor_shape_str(in, a, sizeof a), ob_tensor_shape_str(out, b, sizeof b));
    const int d = in->ndim;
    for (int i = 0; i < d - 2; i++)
        OB_REQUIRE(in->shape[i] == out->shape[i], "resize: batch/channel dimensions differ: %s -> %s",
                   ob_tensor_shape_str(in, a, sizeof a), ob_tensor_shape_str(out, b, sizeof b));
    const int64_t planes = d == 4 ? in->shape[0] * in->shape[1] : in->shape[0];
    const int64_t ih = in->shape[d - 2], iw = in->shape[d - 1], oh = out->shape[d - 2], ow = out->shape[d - 1];
    OB_REQUIRE(planes <= 0x7fffffff && ih <= 0x7fffffff && iw <= 0x7fffffff && oh <= 0x7fffffff &&
                   ow <= 0x7fffffff,
               "resize: dimension too large: %s -> %s", ob_tensor_shape_str(in, a, sizeof a),
               ob_tensor_shape_str(out, b, sizeof b));
    OB_TRY(ob_resize_check_sizes((int)planes, (int)ih, (int)iw, (int)oh, (int)ow, m));
    float *y = ob_tensor_f32(out);
    const float *x = ob_tensor_f32(in);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) return ob_resize_cpu(y, x, (int)planes, (int)ih, (int)iw, (int)oh, (int)ow, m);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_resize_cuda(y, x, (int)planes, (int)ih, (int)iw, (int)oh, (int)ow, m, &cfg));
}
