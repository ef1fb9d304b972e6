/* hdr_merge.cu — GPU path of hdr_merge.h (also built under cuda-emu).
 *
 * Grid (blocks, C): blockIdx.y is the channel. Each block first stages in
 * shared memory what all its threads read again and again — the J plane
 * pointers of its channel, ln t, and its channel's g (n_bins floats, looked up
 * at data-dependent bins) — then each thread merges pixels with a grid-stride
 * loop through ob_hdr_merge_pixel, the same function the CPU path runs.
 * Memory-bound: J reads and one write per pixel, coalesced. */
#include "hdr_merge.h"
#include "ob_cuda_kernel.h"

#include <stdlib.h>

enum { MAX_BLOCKS_PER_CHANNEL = 2048 };

/* The J image pointers travel by value, as kernel parameters (512 bytes). */
typedef struct {
    const float *img[OB_HDR_MAX_EXPOSURES];
} stack_ptrs;

/* Shared layout: J pointers (8-byte aligned, first), J floats of ln t, g. */
static inline size_t smem_bytes(int n_exp, int n_bins)
{
    return sizeof(const float *) * (size_t)n_exp + sizeof(float) * ((size_t)n_exp + n_bins);
}

__global__ void hdr_merge_kernel(float *__restrict__ ln_e, const float *__restrict__ g, stack_ptrs s,
                                 ob_hdr_merge_params p, long long n)
{
    OB_DYNAMIC_SHARED(unsigned char, smem);
    const float **plane = (const float **)smem;
    float *ln_t = (float *)(plane + p.n_exp), *gc = ln_t + p.n_exp;
    const int c = blockIdx.y, tid = threadIdx.x;
    for (int k = tid; k < p.n_bins; k += blockDim.x) gc[k] = g[(size_t)c * p.n_bins + k];
    /* constant indices into the parameter arrays (a variable index would copy
     * them to local memory, which the build forbids) */
#pragma unroll
    for (int j = 0; j < OB_HDR_MAX_EXPOSURES; j++)
        if (j == tid && j < p.n_exp) {
            plane[j] = s.img[j] + (size_t)c * n;
            ln_t[j] = p.ln_t[j];
        }
    __syncthreads();
    float *out = ln_e + (size_t)c * n;
    const long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + tid; i < n; i += stride)
        out[i] = ob_hdr_merge_pixel(plane, ln_t, gc, (size_t)i, p.n_exp, p.n_bins, p.darkest, p.brightest);
}

extern "C" ob_status OB_GPU_FN(ob_hdr_merge)(float *ln_e, const float *const *img, const double *times, int n_exp,
                                            int channels, size_t n, const float *g, int n_bins,
                                            const ob_launch_cfg *cfg)
{
    ob_hdr_merge_params p;
    OB_TRY(ob_hdr_merge_prepare(&p, times, n_exp, channels, n, n_bins));
    OB_REQUIRE(ln_e && img && g, "hdr merge: null pointer");
    stack_ptrs s = {};
    for (int j = 0; j < n_exp; j++) {
        OB_REQUIRE(img[j], "hdr merge: exposure %d is a null pointer", j);
        s.img[j] = img[j];
    }
    const int block = ob_cfg_block_x(cfg, 256);
    OB_REQUIRE_BLOCK(block % 32 == 0 && block >= 32 && block <= 1024,
                     "hdr merge needs a block of 32..1024 threads in whole warps");
    OB_REQUIRE_BLOCK(block >= n_exp, "hdr merge stages one exposure per thread: block_x >= the exposure count");
    const long long want = ((long long)n + block - 1) / block;
    const int gx = want < MAX_BLOCKS_PER_CHANNEL ? (int)want : MAX_BLOCKS_PER_CHANNEL;
    OB_LAUNCH(hdr_merge_kernel, dim3(gx, channels), dim3(block), smem_bytes(n_exp, n_bins), ob_cfg_stream(cfg),
              ln_e, g, s, p, (long long)n);
    OB_CHECK_LAUNCH(hdr_merge_kernel);
    return OB_OK;
}
