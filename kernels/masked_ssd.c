/* masked_ssd.c — what both masked SSD paths check, and the tensor-level entry
 * point (shape checks, then the CPU or CUDA path). */
#include "masked_ssd.h"

#include "ob_dispatch.h"

ob_status ob_masked_ssd_check(int c, int h, int w, int th, int tw, int ov_top, int ov_left)
{
    OB_REQUIRE(c >= 1 && h >= 1 && w >= 1 && th >= 1 && tw >= 1,
               "masked_ssd: sizes must be >= 1 (channels %d, sample %dx%d, template %dx%d)", c, h, w, th, tw);
    OB_REQUIRE(th <= h && tw <= w, "masked_ssd: template %dx%d is larger than the sample %dx%d (H x W)", th, tw, h,
               w);
    OB_REQUIRE(ov_top >= 0 && ov_top <= th && ov_left >= 0 && ov_left <= tw,
               "masked_ssd: overlap strips top %d, left %d must lie in 0..%d and 0..%d (the template's rows, columns)",
               ov_top, ov_left, th, tw);
    OB_REQUIRE(ov_top > 0 || ov_left > 0, "masked_ssd: empty mask (no top strip and no left strip)");
    OB_REQUIRE((double)c * ob_masked_ssd_support(th, tw, ov_top, ov_left) < 0x7fffffff &&
                   (double)c * h * w < 0x7fffffff,
               "masked_ssd: %d channels of %dx%d are too large", c, h, w);
    return OB_OK;
}

ob_status ob_masked_ssd(ob_ctx *ctx, ob_tensor *cost, const ob_tensor *sample, const ob_tensor *templ,
                        const ob_tensor *weights, int ov_top, int ov_left)
{
    char a[64], b[64];
    OB_TRY(ob_check_f32(sample, "masked_ssd: sample", ctx, 3));
    OB_TRY(ob_check_f32(templ, "masked_ssd: template", ctx, 3));
    OB_TRY(ob_check_f32(cost, "masked_ssd: cost", ctx, 2));
    OB_REQUIRE(templ->shape[0] == sample->shape[0], "masked_ssd: template %s and sample %s differ in channels",
               ob_tensor_shape_str(templ, a, sizeof a), ob_tensor_shape_str(sample, b, sizeof b));
    for (int d = 0; d < 3; d++)
        OB_REQUIRE(sample->shape[d] <= 0x7fffffff, "masked_ssd: sample %s too large",
                   ob_tensor_shape_str(sample, a, sizeof a));
    const int c = (int)sample->shape[0], h = (int)sample->shape[1], w = (int)sample->shape[2];
    const int th = (int)templ->shape[1], tw = (int)templ->shape[2];
    OB_TRY(ob_masked_ssd_check(c, h, w, th, tw, ov_top, ov_left));
    OB_REQUIRE(cost->shape[0] == h - th + 1 && cost->shape[1] == w - tw + 1,
               "masked_ssd: cost is %s, expected (%d, %d) for template %dx%d in sample %dx%d",
               ob_tensor_shape_str(cost, a, sizeof a), h - th + 1, w - tw + 1, th, tw, h, w);
    const float *m = NULL;
    if (weights) {
        OB_TRY(ob_check_f32(weights, "masked_ssd: weights", ctx, 2));
        OB_REQUIRE(weights->shape[0] == th && weights->shape[1] == tw,
                   "masked_ssd: weights are %s, expected the template's (%d, %d)",
                   ob_tensor_shape_str(weights, a, sizeof a), th, tw);
        m = ob_tensor_f32(weights);
    }
    float *out = ob_tensor_f32(cost);
    const float *s = ob_tensor_f32(sample), *t = ob_tensor_f32(templ);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU)
        return ob_masked_ssd_cpu(out, s, t, m, c, h, w, th, tw, ov_top, ov_left);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_masked_ssd_cuda(out, s, t, m, c, h, w, th, tw, ov_top, ov_left, &cfg));
}
