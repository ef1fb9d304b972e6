/* warp_affine.cu — GPU path of warp_affine.h (also built under cuda-emu): one
 * thread per output pixel, all planes, through ob_warp_affine_pixel (the
 * CPU path's taps and order). */
#include "ob_cuda_kernel.h"
#include "warp_affine.h"

__global__ void warp_affine_kernel(float *out, const float *in, int planes, int h, int w, int oh, int ow,
                                   ob_affine2d inv, float fill)
{
    const long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (long long)oh * ow) return;
    const int y = (int)(idx / ow), x = (int)(idx % ow);
    ob_warp_affine_pixel(out + idx, (long long)oh * ow, in, planes, h, w, &inv, fill, x, y);
}

extern "C" ob_status OB_GPU_FN(ob_warp_affine)(float *out, const float *in, int planes, int h, int w, int oh, int ow,
                                              ob_affine2d inv, float fill, const ob_launch_cfg *cfg)
{
    OB_REQUIRE(out && in && planes >= 1 && h >= 1 && w >= 1 && oh >= 1 && ow >= 1,
               "warp_affine: bad arguments (%d planes, %dx%d -> %dx%d)", planes, w, h, ow, oh);
    const int block = ob_cfg_block_x(cfg, 256);
    OB_REQUIRE_BLOCK(block % 32 == 0 && block >= 32 && block <= 1024,
                     "warp_affine needs a block of 32..1024 threads in warps");
    const long long total = (long long)oh * ow, g = (total + block - 1) / block;
    OB_REQUIRE(g <= 0x7fffffffLL, "warp_affine: output too large for one launch (%lld pixels)", total);
    OB_LAUNCH(warp_affine_kernel, (unsigned)g, block, 0, ob_cfg_stream(cfg), out, in, planes, h, w, oh, ow, inv,
              fill);
    OB_CHECK_LAUNCH(warp_affine_kernel);
    return OB_OK;
}
