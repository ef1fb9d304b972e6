/* upsample.cu — GPU path of upsample.h (also built under cuda-emu). One thread
 * per output element (forward) or input element (backward, a gather over the
 * outputs within s+1 of it: deterministic, no atomics). */
#include "ob_cuda_kernel.h"
#include "upsample.h"

__global__ void upsample_kernel(float *y, const float *x, long long total, int h, int w, int s, int bilinear)
{
    const long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= total) return;
    const int ow = w * s, oh = h * s;
    const float *xp = x + (idx / ((long long)ow * oh)) * h * w;
    y[idx] = ob_upsample_at(xp, h, w, s, bilinear, (int)((idx / ow) % oh), (int)(idx % ow));
}

__global__ void upsample_backward_kernel(float *gx, const float *gy, long long total, int h, int w, int s, int bilinear)
{
    const long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= total) return;
    const float *gp = gy + (idx / ((long long)w * h)) * h * s * w * s;
    gx[idx] = ob_upsample_grad_at(gp, h, w, s, bilinear, (int)((idx / w) % h), (int)(idx % w));
}

static ob_status grid_for(unsigned *grid, int *block, long long total, const ob_launch_cfg *cfg)
{
    *block = ob_cfg_block_x(cfg, 256);
    OB_REQUIRE_BLOCK(*block % 32 == 0 && *block >= 32 && *block <= 1024,
                     "upsample needs a block of 32..1024 threads in warps");
    const long long g = (total + *block - 1) / *block;
    OB_REQUIRE(g <= 0x7fffffffLL, "upsample: tensor too large for one launch (%lld elements)", total);
    *grid = (unsigned)g;
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_upsample)(float *y, const float *x, int planes, int h, int w, int s, int bilinear,
                                           const ob_launch_cfg *cfg)
{
    OB_REQUIRE(s >= 1 && h >= 1 && w >= 1, "upsample: scale %d, input %dx%d", s, h, w);
    const long long total = (long long)planes * h * s * w * s;
    unsigned grid = 1;
    int block = 256;
    OB_TRY(grid_for(&grid, &block, total, cfg));
    if (total == 0) return OB_OK;
    OB_LAUNCH(upsample_kernel, grid, block, 0, ob_cfg_stream(cfg), y, x, total, h, w, s, bilinear);
    OB_CHECK_LAUNCH(upsample_kernel);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_upsample_backward)(float *gx, const float *gy, int planes, int h, int w, int s,
                                                    int bilinear, const ob_launch_cfg *cfg)
{
    OB_REQUIRE(s >= 1 && h >= 1 && w >= 1, "upsample: scale %d, input %dx%d", s, h, w);
    const long long total = (long long)planes * h * w;
    unsigned grid = 1;
    int block = 256;
    OB_TRY(grid_for(&grid, &block, total, cfg));
    if (total == 0) return OB_OK;
    OB_LAUNCH(upsample_backward_kernel, grid, block, 0, ob_cfg_stream(cfg), gx, gy, total, h, w, s, bilinear);
    OB_CHECK_LAUNCH(upsample_backward_kernel);
    return OB_OK;
}
