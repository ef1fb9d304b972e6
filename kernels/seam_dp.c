/* seam_dp.c — the checks both seam paths share, and the tensor-level entry
 * point (shape checks, then the CPU or CUDA path). */
#include "seam_dp.h"

#include "ob_dispatch.h"

ob_status ob_seam_check(int n, int rows, int cols, ob_seam_dir dir)
{
    OB_REQUIRE(dir == OB_SEAM_VERTICAL || dir == OB_SEAM_HORIZONTAL,
               "seam_dp: direction %d is neither vertical (0) nor horizontal (1)", (int)dir);
    OB_REQUIRE(n >= 1 && rows >= 1 && cols >= 1, "seam_dp: sizes must be >= 1 (%d seams of %dx%d)", n, rows, cols);
    OB_REQUIRE((double)n * rows * cols < 0x7fffffff, "seam_dp: %d seams of %dx%d are too large", n, rows, cols);
    return OB_OK;
}

ob_status ob_seam_error_check(int c, int rows, int cols)
{
    OB_REQUIRE(c >= 1 && rows >= 1 && cols >= 1, "seam_error: sizes must be >= 1 (channels %d, strip %dx%d)", c, rows,
               cols);
    OB_REQUIRE((double)rows * cols < 0x7fffffff, "seam_error: strip %dx%d too large", rows, cols);
    return OB_OK;
}

ob_status ob_seam_mask_check(int ph, int pw, const int *vpath, const int *hpath, int ov_left, int ov_top)
{
    OB_REQUIRE(ph >= 1 && pw >= 1, "seam_mask: patch %dx%d must be at least 1x1", ph, pw);
    OB_REQUIRE(!vpath || (ov_left >= 1 && ov_left <= pw),
               "seam_mask: left strip of %d columns must lie in 1..%d (the patch width)", ov_left, pw);
    OB_REQUIRE(!hpath || (ov_top >= 1 && ov_top <= ph),
               "seam_mask: top strip of %d rows must lie in 1..%d (the patch height)", ov_top, ph);
    return OB_OK;
}

ob_status ob_seam_dp(ob_ctx *ctx, int *path, const ob_tensor *e, ob_seam_dir dir)
{
    char a[64];
    OB_REQUIRE(path, "seam_dp: no output pointer");
    OB_TRY(ob_check_f32(e, "seam_dp: error surface", ctx, 0));
    OB_REQUIRE(e->ndim == 2 || e->ndim == 3, "seam_dp: expected (rows, cols) or (n, rows, cols), got %s",
               ob_tensor_shape_str(e, a, sizeof a));
    for (int d = 0; d < e->ndim; d++)
        OB_REQUIRE(e->shape[d] <= 0x7fffffff, "seam_dp: %s too large", ob_tensor_shape_str(e, a, sizeof a));
    const int n = e->ndim == 3 ? (int)e->shape[0] : 1;
    const int rows = (int)e->shape[e->ndim - 2], cols = (int)e->shape[e->ndim - 1];
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) return ob_seam_dp_cpu(path, ob_tensor_f32(e), n, rows, cols, dir);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_seam_dp_cuda(path, ob_tensor_f32(e), n, rows, cols, dir, &cfg));
}
