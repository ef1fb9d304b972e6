/* block_sum.cuh — the deterministic two-pass reduction that psnr.cu and ssim.cu
 * share (included from .cu files only; builds under nvcc and cuda-emu).
 *
 *   ob_block_sum(v, scratch)   sum of v over the block in double, valid in
 *                              thread 0: shuffles within each warp, then warp 0
 *                              adds the per-warp sums. The order is fixed by the
 *                              block shape, so it is reproducible; no atomics.
 *                              Every thread must call it; blockDim.x * blockDim.y
 *                              a multiple of 32; scratch: 32 doubles of shared
 *                              memory, not reused before a __syncthreads().
 *   ob_alloc_partials / ob_fetch_partials
 *                              a device buffer for one partial per block; after
 *                              the launch: checks it, waits for `stream`, copies
 *                              the partials to the host (the second pass sums
 *                              them there, in block order), frees the buffer.
 */
#ifndef OB_BLOCK_SUM_CUH
#define OB_BLOCK_SUM_CUH

#include "ob_cuda_kernel.h"

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

/* Device buffer for n partials. */
static inline ob_status ob_alloc_partials(double **dev, size_t n)
{
    OB_CUDA_CHECK(cudaMalloc((void **)dev, n * sizeof(double)));
    return OB_OK;
}

/* After the launch of `kernel`: its launch status, then the partials to the host;
 * the device buffer is freed on every path. */
static inline ob_status ob_fetch_partials(double *host, double *dev, size_t n, ob_stream stream, const char *kernel)
{
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess) {
        (void)cudaFree(dev);
        return OB_FAIL(OB_ERR_CUDA, "launch of %s failed: %s: %s", kernel, cudaGetErrorName(e), cudaGetErrorString(e));
    }
    e = cudaStreamSynchronize((cudaStream_t)stream);
    if (e == cudaSuccess) e = cudaMemcpy(host, dev, n * sizeof(double), cudaMemcpyDeviceToHost);
    (void)cudaFree(dev);
    if (e != cudaSuccess)
        return OB_FAIL(OB_ERR_CUDA, "%s: reading back %zu partial sums failed: %s: %s", kernel, n,
                       cudaGetErrorName(e), cudaGetErrorString(e));
    return OB_OK;
}

#endif
