/* seam_dp.cu — GPU path of seam_dp.h (also built under cuda-emu).
 *
 *   seam_dp_kernel    one block per seam of the batch. The cumulative costs E
 *                     (rows x cols) live in shared memory; the steps (rows of a
 *                     vertical seam, columns of a horizontal one) run in order,
 *                     the threads spread over the cross-section, with a
 *                     __syncthreads between steps; then thread 0 backtracks.
 *                     The cell update and the backtrack are seam_dp.h's
 *                     ob_seam_relax and ob_seam_backtrack, the CPU path's own,
 *                     so both give the same path.
 *   seam_error_kernel one thread per strip pixel: ob_seam_error_at.
 *   seam_mask_kernel  one thread per patch pixel: ob_seam_mask_at. */
#include "ob_cuda_kernel.h"
#include "seam_dp.h"

enum { SMEM_LIMIT = 48 * 1024 };

__global__ void seam_dp_kernel(int *__restrict__ path, const float *__restrict__ e, int rows, int cols, int dir_)
{
    OB_DYNAMIC_SHARED(float, E); /* (rows, cols) */
    const ob_seam_dir dir = (ob_seam_dir)dir_;
    const int len = dir == OB_SEAM_VERTICAL ? rows : cols, width = dir == OB_SEAM_VERTICAL ? cols : rows;
    const float *eb = e + (size_t)blockIdx.x * rows * cols;
    for (int x = threadIdx.x; x < width; x += blockDim.x) E[ob_seam_at(0, x, cols, dir)] = eb[ob_seam_at(0, x, cols, dir)];
    __syncthreads();
    for (int s = 1; s < len; s++) {
        for (int x = threadIdx.x; x < width; x += blockDim.x)
            E[ob_seam_at(s, x, cols, dir)] = ob_seam_relax(E, eb, s, x, width, cols, dir);
        __syncthreads();
    }
    if (threadIdx.x == 0) ob_seam_backtrack(path + (size_t)blockIdx.x * len, E, len, width, cols, dir);
}

__global__ void seam_error_kernel(float *__restrict__ e, const float *__restrict__ a, long long a_plane,
                                  long long a_row, const float *__restrict__ b, long long b_plane, long long b_row,
                                  int c, int rows, int cols)
{
    const int j = blockIdx.x * blockDim.x + threadIdx.x, i = blockIdx.y * blockDim.y + threadIdx.y;
    if (i < rows && j < cols) e[(size_t)i * cols + j] = ob_seam_error_at(a, a_plane, a_row, b, b_plane, b_row, c, i, j);
}

__global__ void seam_mask_kernel(float *__restrict__ mask, const int *__restrict__ vpath,
                                 const int *__restrict__ hpath, int ph, int pw, int ov_left, int ov_top)
{
    const int j = blockIdx.x * blockDim.x + threadIdx.x, i = blockIdx.y * blockDim.y + threadIdx.y;
    if (i < ph && j < pw) mask[(size_t)i * pw + j] = ob_seam_mask_at(vpath, hpath, i, j, ov_left, ov_top);
}

extern "C" ob_status OB_GPU_FN(ob_seam_dp)(int *path, const float *e, int n, int rows, int cols, ob_seam_dir dir,
                                          const ob_launch_cfg *cfg)
{
    OB_TRY(ob_seam_check(n, rows, cols, dir));
    OB_REQUIRE(path && e, "seam_dp: null pointer");
    const int bx = ob_cfg_block_x(cfg, 32);
    OB_REQUIRE_BLOCK(bx % 32 == 0 && bx <= 1024, "seam_dp needs block_x a multiple of 32, at most 1024");
    const size_t smem = (size_t)rows * cols * sizeof(float);
    OB_REQUIRE(smem <= SMEM_LIMIT, "seam_dp: a %dx%d error surface needs %zu bytes of shared memory (max %d)", rows,
               cols, smem, SMEM_LIMIT);
    OB_LAUNCH(seam_dp_kernel, dim3((unsigned)n), dim3((unsigned)bx), smem, ob_cfg_stream(cfg), path, e, rows, cols,
              (int)dir);
    OB_CHECK_LAUNCH(seam_dp_kernel);
    return OB_OK;
}

/* A 2-D grid of bx x by blocks over a rows x cols image, checked. */
static ob_status grid_2d(dim3 *grid, dim3 *block, const ob_launch_cfg *cfg, int rows, int cols, const char *what)
{
    const int bx = ob_cfg_block_x(cfg, 32), by = ob_cfg_block_y(cfg, 8);
    OB_REQUIRE(bx % 32 == 0 && bx * by <= 1024,
               "launch configuration: %s needs block_x a multiple of 32 and at most 1024 threads", what);
    const unsigned gy = ob_ceil_div(rows, by);
    OB_REQUIRE(gy <= 65535u, "%s: height %d too large for block_y %d", what, rows, by);
    *grid = dim3(ob_ceil_div(cols, bx), gy), *block = dim3((unsigned)bx, (unsigned)by);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_seam_error)(float *e, const float *a, long long a_plane, long long a_row,
                                             const float *b, long long b_plane, long long b_row, int c, int rows,
                                             int cols, const ob_launch_cfg *cfg)
{
    OB_TRY(ob_seam_error_check(c, rows, cols));
    OB_REQUIRE(e && a && b, "seam_error: null pointer");
    dim3 grid, block;
    OB_TRY(grid_2d(&grid, &block, cfg, rows, cols, "seam_error"));
    OB_LAUNCH(seam_error_kernel, grid, block, 0, ob_cfg_stream(cfg), e, a, a_plane, a_row, b, b_plane, b_row, c, rows,
              cols);
    OB_CHECK_LAUNCH(seam_error_kernel);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_seam_mask)(float *mask, const int *vpath, const int *hpath, int ph, int pw,
                                            int ov_left, int ov_top, const ob_launch_cfg *cfg)
{
    OB_TRY(ob_seam_mask_check(ph, pw, vpath, hpath, ov_left, ov_top));
    OB_REQUIRE(mask, "seam_mask: null pointer");
    dim3 grid, block;
    OB_TRY(grid_2d(&grid, &block, cfg, ph, pw, "seam_mask"));
    OB_LAUNCH(seam_mask_kernel, grid, block, 0, ob_cfg_stream(cfg), mask, vpath, hpath, ph, pw, ov_left, ov_top);
    OB_CHECK_LAUNCH(seam_mask_kernel);
    return OB_OK;
}
