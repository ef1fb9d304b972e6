/* block_sum.cuh — the deterministic two-pass reduction of psnr.cu, ssim.cu,
 * minmax.cu, bilateral_grid.cu and the first pass of loss.cu (included from .cu files only; builds under nvcc and cuda-emu).
 *
 *   ob_block_sum(v, scratch)   sum of v over the block in double, valid in
 *                              thread 0: shuffles within each warp, then warp 0
 *                              adds the per-warp sums. The order is fixed by the
 *                              block shape, so it is reproducible; no atomics.
 *                              Every thread must call it; blockDim.x * blockDim.y
 *                              a multiple of 32; scratch: 32 doubles of shared
 *                              memory, not reused before a __syncthreads().
 *   ob_partials_get / _fetch / _put
 *                              one partial per block on the device and its host
 *                              copy (from the launch's workspace when it has
 *                              one: no allocation once warmed up); after the
 *                              launch, _fetch checks it and reads the partials
 *                              back on the stream (the second pass sums them
 *                              on the host, in block order); _put frees what
 *                              _get allocated.
 */
#ifndef OB_BLOCK_SUM_CUH
#define OB_BLOCK_SUM_CUH

#include "launch_scratch.cuh"

__device__ __forceinline__ double ob_block_sum(double v, double *scratch)
{
    const int tid = threadIdx.y * blockDim.x + threadIdx.x;
    const int nwarps = (blockDim.x * blockDim.y) >> 5;
    for (int off = 16; off > 0; off >>= 1) v += __shfl_down_sync(0xffffffffu, v, off);
    if ((tid & 31) == 0) scratch[tid >> 5] = v;
    __syncthreads();
    if (tid < 32) {
        v = tid < nwarps ? scratch[tid] : 0.0;
        for (int off = 16; off > 0; off >>= 1) v += __shfl_down_sync(0xffffffffu, v, off);
    }
    return v;
}

/* One partial per block: device buffer and its host copy (launch_scratch.cuh:
 * from the launch's workspace when it has one). */
typedef struct {
    ob_launch_scratch s;
    double *dev, *host;
    size_t n;
} ob_partials;

static inline ob_status ob_partials_get(ob_partials *p, size_t n, const ob_launch_cfg *cfg, const char *what)
{
    p->n = n;
    ob_status st = ob_scratch_get(&p->s, cfg, n * sizeof(double), n * sizeof(double), what);
    p->dev = (double *)p->s.dev, p->host = (double *)p->s.host;
    return st;
}

/* After the launch of `kernel`: its status, then the partials to p->host. */
static inline ob_status ob_partials_fetch(ob_partials *p, const ob_launch_cfg *cfg, const char *kernel)
{
    return ob_scratch_read(p->host, p->dev, p->n * sizeof(double), ob_cfg_stream(cfg), kernel);
}

static inline void ob_partials_put(ob_partials *p) { ob_scratch_put(&p->s); }

#endif
