/* spatial_softmax.cu — GPU path of spatial_softmax.h (also built under cuda-emu).
 *
 * One block per (n, c) plane; the threads stride over its H*W positions. Each
 * pass is a block reduction: the max (warp shuffles, then warp 0 over the
 * per-warp maxima), then the sums in double with ob_block_sum (fixed order, so
 * a plane's result does not depend on scheduling). Planes of keypoint heatmaps
 * are small (64x64 = 4096 positions), so a block re-reads its plane from L1/L2
 * for each pass rather than staging it in shared memory. */
#include "block_sum.cuh"
#include "ob_cuda_kernel.h"
#include "spatial_softmax.h"

/* Max of v over the block, returned to every thread. scratch: 33 floats of shared memory. */
__device__ __forceinline__ float block_max_all(float v, float *scratch)
{
    const int tid = threadIdx.x, nwarps = blockDim.x >> 5;
    for (int off = 16; off > 0; off >>= 1) v = fmaxf(v, __shfl_down_sync(0xffffffffu, v, off));
    if ((tid & 31) == 0) scratch[tid >> 5] = v;
    __syncthreads();
    if (tid < 32) {
        v = tid < nwarps ? scratch[tid] : scratch[0];
        for (int off = 16; off > 0; off >>= 1) v = fmaxf(v, __shfl_down_sync(0xffffffffu, v, off));
        if (tid == 0) scratch[32] = v;
    }
    __syncthreads();
    return scratch[32];
}

/* Sum of v over the block, returned to every thread (scratch: 33 doubles). */
__device__ __forceinline__ double block_sum_all(double v, double *scratch)
{
    v = ob_block_sum(v, scratch);
    if (threadIdx.x == 0) scratch[32] = v;
    __syncthreads();
    v = scratch[32];
    __syncthreads(); /* scratch is free again for the next reduction */
    return v;
}

__device__ __forceinline__ float plane_max(const float *x, int hw, float *fs)
{
    float m = x[threadIdx.x < (unsigned)hw ? threadIdx.x : 0];
    for (int i = threadIdx.x; i < hw; i += blockDim.x) m = fmaxf(m, x[i]);
    return block_max_all(m, fs);
}

__global__ void spatial_softmax_kernel(float *p, const float *x, int hw)
{
    __shared__ float fs[33];
    __shared__ double ds[33];
    const long long o = (long long)blockIdx.x * hw;
    const float m = plane_max(x + o, hw, fs);
    double s = 0;
    for (int i = threadIdx.x; i < hw; i += blockDim.x) s += expf(x[o + i] - m);
    const float inv = (float)(1.0 / block_sum_all(s, ds));
    for (int i = threadIdx.x; i < hw; i += blockDim.x) p[o + i] = expf(x[o + i] - m) * inv;
}

__global__ void spatial_softmax_backward_kernel(float *gx, const float *gp, const float *p, int hw)
{
    __shared__ double ds[33];
    const long long o = (long long)blockIdx.x * hw;
    double d = 0;
    for (int i = threadIdx.x; i < hw; i += blockDim.x) d += (double)gp[o + i] * p[o + i];
    const float dot = (float)block_sum_all(d, ds);
    for (int i = threadIdx.x; i < hw; i += blockDim.x) gx[o + i] = p[o + i] * (gp[o + i] - dot);
}

__global__ void soft_argmax_kernel(float *xy, const float *x, int h, int w, int coords)
{
    __shared__ float fs[33];
    __shared__ double ds[33];
    const int hw = h * w;
    const long long o = (long long)blockIdx.x * hw;
    const float m = plane_max(x + o, hw, fs);
    double s = 0, sx = 0, sy = 0;
    for (int i = threadIdx.x; i < hw; i += blockDim.x) {
        const double e = expf(x[o + i] - m);
        s += e;
        sx += e * ob_softargmax_coord(i % w, w, coords);
        sy += e * ob_softargmax_coord(i / w, h, coords);
    }
    s = block_sum_all(s, ds);
    sx = block_sum_all(sx, ds);
    sy = block_sum_all(sy, ds);
    if (threadIdx.x == 0) xy[2 * blockIdx.x] = (float)(sx / s), xy[2 * blockIdx.x + 1] = (float)(sy / s);
}

__global__ void soft_argmax_backward_kernel(float *gx, const float *gxy, const float *x, const float *xy, int h, int w,
                                            int coords)
{
    __shared__ float fs[33];
    __shared__ double ds[33];
    const int hw = h * w;
    const long long o = (long long)blockIdx.x * hw;
    const float m = plane_max(x + o, hw, fs);
    double s = 0;
    for (int i = threadIdx.x; i < hw; i += blockDim.x) s += expf(x[o + i] - m);
    const float inv = (float)(1.0 / block_sum_all(s, ds));
    const float ex = xy[2 * blockIdx.x], ey = xy[2 * blockIdx.x + 1];
    const float gX = gxy[2 * blockIdx.x], gY = gxy[2 * blockIdx.x + 1];
    for (int i = threadIdx.x; i < hw; i += blockDim.x) {
        const float pi = expf(x[o + i] - m) * inv;
        const float X = ob_softargmax_coord(i % w, w, coords), Y = ob_softargmax_coord(i / w, h, coords);
        gx[o + i] = pi * (gX * (X - ex) + gY * (Y - ey));
    }
}

static ob_status check_cfg(int *block, int planes, long long hw, const ob_launch_cfg *cfg)
{
    *block = ob_cfg_block_x(cfg, 256);
    OB_REQUIRE_BLOCK(*block % 32 == 0 && *block >= 32 && *block <= 1024,
                     "spatial_softmax needs a block of 32..1024 threads in warps");
    OB_REQUIRE(planes >= 0 && hw >= 1 && hw <= 0x7fffffffLL, "spatial_softmax: %d planes of %lld positions", planes,
               hw);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_spatial_softmax)(float *p, const float *x, int planes, int hw,
                                                  const ob_launch_cfg *cfg)
{
    int block;
    OB_TRY(check_cfg(&block, planes, hw, cfg));
    if (planes == 0) return OB_OK;
    OB_LAUNCH(spatial_softmax_kernel, (unsigned)planes, block, 0, ob_cfg_stream(cfg), p, x, hw);
    OB_CHECK_LAUNCH(spatial_softmax_kernel);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_spatial_softmax_backward)(float *gx, const float *gp, const float *p, int planes,
                                                           int hw, const ob_launch_cfg *cfg)
{
    int block;
    OB_TRY(check_cfg(&block, planes, hw, cfg));
    if (planes == 0) return OB_OK;
    OB_LAUNCH(spatial_softmax_backward_kernel, (unsigned)planes, block, 0, ob_cfg_stream(cfg), gx, gp, p, hw);
    OB_CHECK_LAUNCH(spatial_softmax_backward_kernel);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_soft_argmax)(float *xy, const float *x, int planes, int h, int w,
                                              ob_softargmax_coords coords, const ob_launch_cfg *cfg)
{
    int block;
    OB_TRY(check_cfg(&block, planes, (long long)h * w, cfg));
    if (planes == 0) return OB_OK;
    OB_LAUNCH(soft_argmax_kernel, (unsigned)planes, block, 0, ob_cfg_stream(cfg), xy, x, h, w, (int)coords);
    OB_CHECK_LAUNCH(soft_argmax_kernel);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_soft_argmax_backward)(float *gx, const float *gxy, const float *x, const float *xy,
                                                       int planes, int h, int w, ob_softargmax_coords coords,
                                                       const ob_launch_cfg *cfg)
{
    int block;
    OB_TRY(check_cfg(&block, planes, (long long)h * w, cfg));
    if (planes == 0) return OB_OK;
    OB_LAUNCH(soft_argmax_backward_kernel, (unsigned)planes, block, 0, ob_cfg_stream(cfg), gx, gxy, x, xy, h, w,
              (int)coords);
    OB_CHECK_LAUNCH(soft_argmax_backward_kernel);
    return OB_OK;
}
