/* minmax.cu — GPU path of minmax.h (also built under cuda-emu).
 *
 * Pass 1: grid (blocks, planes); the blocks of plane blockIdx.y walk it with a
 * grid-stride loop, each thread keeping its own min and max (`v < lo ? v : lo`:
 * NaN never wins), then a block reduction (shuffles within each warp, warp 0
 * over the per-warp results) writes one (min, max) pair per block. Pass 2: the
 * host combines the pairs in block order. The partials travel as doubles
 * (exact for floats) through block_sum.cuh's buffer helpers. */
#include <math.h>
#include <stdlib.h>

#include "block_sum.cuh"
#include "minmax.h"

enum { MAX_BLOCKS_PER_PLANE = 256 };

__device__ __forceinline__ float lower(float a, float b) { return b < a ? b : a; }
__device__ __forceinline__ float upper(float a, float b) { return b > a ? b : a; }

/* min and max over the block, valid in thread 0; every thread calls it.
 * scratch: 64 floats of shared memory. */
__device__ __forceinline__ void block_minmax(float *lo, float *hi, float *scratch)
{
    const int tid = threadIdx.x, nwarps = blockDim.x >> 5;
    float a = *lo, b = *hi;
    for (int off = 16; off > 0; off >>= 1) {
        a = lower(a, __shfl_down_sync(0xffffffffu, a, off));
        b = upper(b, __shfl_down_sync(0xffffffffu, b, off));
    }
    if ((tid & 31) == 0) scratch[tid >> 5] = a, scratch[32 + (tid >> 5)] = b;
    __syncthreads();
    if (tid < 32) {
        a = tid < nwarps ? scratch[tid] : INFINITY;
        b = tid < nwarps ? scratch[32 + tid] : -INFINITY;
        for (int off = 16; off > 0; off >>= 1) {
            a = lower(a, __shfl_down_sync(0xffffffffu, a, off));
            b = upper(b, __shfl_down_sync(0xffffffffu, b, off));
        }
    }
    *lo = a, *hi = b;
}

/* partial[(plane * gridDim.x + block) * 2 + {0, 1}] <- (min, max) */
__global__ void minmax_partial_kernel(double *__restrict__ partial, const float *__restrict__ x, long long n)
{
    __shared__ float scratch[64];
    const float *plane = x + (size_t)blockIdx.y * n;
    const long long stride = (long long)gridDim.x * blockDim.x;
    float lo = INFINITY, hi = -INFINITY;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        const float v = plane[i];
        lo = lower(lo, v);
        hi = upper(hi, v);
    }
    block_minmax(&lo, &hi, scratch);
    if (threadIdx.x == 0) {
        const size_t k = ((size_t)blockIdx.y * gridDim.x + blockIdx.x) * 2;
        partial[k] = lo, partial[k + 1] = hi;
    }
}

extern "C" ob_status OB_GPU_FN(ob_minmax)(float *mins, float *maxs, const float *x, int planes, size_t n,
                                         const ob_launch_cfg *cfg)
{
    OB_TRY(ob_minmax_check(mins, maxs, x, planes, n));
    const int block = ob_cfg_block_x(cfg, 256);
    OB_REQUIRE_BLOCK(block % 32 == 0 && block >= 32 && block <= 1024,
                     "minmax needs a block of 32..1024 threads in whole warps");
    const long long want = ((long long)n + block - 1) / block;
    const int gx = want < MAX_BLOCKS_PER_PLANE ? (int)want : MAX_BLOCKS_PER_PLANE;
    const size_t nparts = (size_t)gx * planes * 2;
    ob_partials parts;
    OB_TRY(ob_partials_get(&parts, nparts, cfg, "minmax"));
    OB_LAUNCH(minmax_partial_kernel, dim3(gx, planes), dim3(block), 0, ob_cfg_stream(cfg), parts.dev, x,
              (long long)n);
    ob_status st = ob_partials_fetch(&parts, cfg, "minmax_partial_kernel");
    const double *host = parts.host;
    for (int p = 0; st == OB_OK && p < planes; p++) {
        float lo = INFINITY, hi = -INFINITY;
        for (int b = 0; b < gx; b++) {
            const double *pair = host + ((size_t)p * gx + b) * 2;
            if ((float)pair[0] < lo) lo = (float)pair[0];
            if ((float)pair[1] > hi) hi = (float)pair[1];
        }
        ob_minmax_finish(&lo, &hi);
        mins[p] = lo, maxs[p] = hi;
    }
    ob_partials_put(&parts);
    return st;
}
