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
    const int p = (int)(idx % ow), o = (int)((idx / ow) % oh);
    const float *xp = x + (idx / ((long long)ow * oh)) * h * w;
    int y0, y1, x0, x1;
    float ly, lx;
    ob_upsample_taps(&y0, &y1, &ly, o, h, s, bilinear);
    ob_upsample_taps(&x0, &x1, &lx, p, w, s, bilinear);
    const float top = (1.0f - lx) * xp[y0 * w + x0] + lx * xp[y0 * w + x1];
    const float bot = (1.0f - lx) * xp[y1 * w + x0] + lx * xp[y1 * w + x1];
    y[idx] = (1.0f - ly) * top + ly * bot;
}

__global__ void upsample_backward_kernel(float *gx, const float *gy, long long total, int h, int w, int s, int bilinear)
{
    const long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= total) return;
    const int ow = w * s, oh = h * s;
    const int j = (int)(idx % w), i = (int)((idx / w) % h);
    const float *gp = gy + (idx / ((long long)w * h)) * oh * ow;
    int olo, ohi, plo, phi;
    ob_upsample_range(&olo, &ohi, i, h, s);
    ob_upsample_range(&plo, &phi, j, w, s);
    float acc = 0.0f;
    for (int o = olo; o < ohi; o++) {
        const float wy = ob_upsample_weight(o, i, h, s, bilinear);
        if (wy == 0.0f) continue;
        float row = 0.0f;
        for (int p = plo; p < phi; p++) row += ob_upsample_weight(p, j, w, s, bilinear) * gp[o * ow + p];
        acc += wy * row;
    }
    gx[idx] = acc;
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
