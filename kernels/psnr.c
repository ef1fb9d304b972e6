/* psnr.c — tensor-level PSNR: shape checks, then the CPU or CUDA MSE. */
#include "psnr.h"

#include <math.h>

#include "ob_dispatch.h"

ob_status ob_psnr(ob_ctx *ctx, double *psnr, const ob_tensor *a, const ob_tensor *b, double data_range)
{
    char sa[64], sb[64];
    OB_REQUIRE(psnr, "psnr: no output pointer");
    OB_TRY(ob_check_f32(a, "psnr: first image", ctx, 0));
    OB_TRY(ob_check_f32(b, "psnr: second image", ctx, 0));
    OB_REQUIRE(ob_tensor_same_shape(a, b), "psnr: the images differ in shape: %s vs %s",
               ob_tensor_shape_str(a, sa, sizeof sa), ob_tensor_shape_str(b, sb, sizeof sb));
    OB_REQUIRE(isfinite(data_range) && data_range > 0,
               "psnr: data_range %g must be finite and > 0 (1 for images in [0, 1], 255 for 8-bit values)",
               data_range);
    const size_t n = (size_t)ob_tensor_numel(a);
    OB_REQUIRE(n >= 1, "psnr: empty images %s", ob_tensor_shape_str(a, sa, sizeof sa));
    double mse;
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) {
        OB_TRY(ob_mse_cpu(&mse, ob_tensor_f32(a), ob_tensor_f32(b), n));
    } else {
        ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
        OB_TRY(OB_CUDA_PATH(ob_mse_cuda(&mse, ob_tensor_f32(a), ob_tensor_f32(b), n, &cfg)));
    }
    *psnr = ob_psnr_from_mse(mse, data_range);
    return OB_OK;
}
