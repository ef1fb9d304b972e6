/* pixel_shuffle.cu — GPU path of pixel_shuffle.h (also built under cuda-emu).
 *
 * One thread per element of the high-resolution tensor, in its memory order, so
 * that side is read or written fully coalesced; the low-resolution side is
 * accessed with stride r within a row, which the L2 absorbs (each 32-byte sector
 * is used by r neighbouring warps). The op is pure data movement: it should run
 * at copy bandwidth, which bench/gpu_check reports. */
#include "ob_cuda_kernel.h"
#include "pixel_shuffle.h"

/* high: (N, C, H*r, W*r); low: (N, C*r*r, H, W). to_high: 1 shuffle, 0 unshuffle. */
__global__ void pixel_shuffle_kernel(float *__restrict__ high, float *__restrict__ low, long long total, int h,
                                     int w, int r, int to_high)
{
    long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= total) return;
    const int wr = w * r, hr = h * r;
    int ox = (int)(idx % wr);
    long long t = idx / wr;
    int oy = (int)(t % hr);
    long long nc = t / hr;
    long long plane = (nc * r + oy % r) * r + ox % r;
    long long lo = (plane * h + oy / r) * w + ox / r;
    if (to_high) high[idx] = low[lo];
    else low[lo] = high[idx];
}

static ob_status launch(float *high, float *low, int n, int c, int h, int w, int r, int to_high,
                        const ob_launch_cfg *cfg)
{
    const int block = ob_cfg_block_x(cfg, 256);
    OB_REQUIRE_BLOCK(block % 32 == 0 && block <= 1024, "pixel_shuffle needs a block of 32..1024 threads in warps");
    const long long total = (long long)n * c * h * r * w * r;
    if (total == 0) return OB_OK;
    const long long grid = (total + block - 1) / block;
    OB_REQUIRE(grid <= 0x7fffffffLL, "pixel_shuffle: tensor too large for one launch (%lld elements)", total);
    OB_LAUNCH(pixel_shuffle_kernel, (unsigned)grid, block, 0, ob_cfg_stream(cfg), high, low, total, h, w, r, to_high);
    OB_CHECK_LAUNCH(pixel_shuffle_kernel);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_pixel_shuffle)(float *out, const float *in, int n, int c, int h, int w, int r,
                                                const ob_launch_cfg *cfg)
{
    return launch(out, const_cast<float *>(in), n, c, h, w, r, 1, cfg);
}

extern "C" ob_status OB_GPU_FN(ob_pixel_unshuffle)(float *out, const float *in, int n, int c, int h, int w, int r,
                                                  const ob_launch_cfg *cfg)
{
    return launch(const_cast<float *>(in), out, n, c, h, w, r, 0, cfg);
}
