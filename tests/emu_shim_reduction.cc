/* emu_shim_reduction.cc — block reductions under cuda-emu: shared memory plus
 * warp shuffles where, after the last __syncthreads, only warp 0 is left to
 * shuffle (the other warps have exited). Checked against a CPU sum for odd sizes,
 * several block sizes (partial warps included) and random block orders. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ob_cuda_kernel.h"
#include "ob_test.h"

/* Every thread parks its value in dynamic shared memory; warp 0 alone then sums
 * the block with a strided loop and a shuffle tree. */
__global__ void sum_smem_then_warp0(float *out, const float *in, int n)
{
    OB_DYNAMIC_SHARED(float, s);
    const int tid = threadIdx.x, i = blockIdx.x * blockDim.x + tid;
    s[tid] = i < n ? in[i] : 0.0f;
    __syncthreads();
    if (tid >= 32) return;
    float acc = 0.0f;
    for (int j = tid; j < (int)blockDim.x; j += 32) acc += s[j];
    for (int off = 16; off > 0; off >>= 1) acc += __shfl_down_sync(0xffffffffu, acc, off);
    if (tid == 0) out[blockIdx.x] = acc;
}

/* The classic two-level form: each warp reduces with shuffles, lane 0 of each warp
 * writes a partial to static shared memory, warp 0 combines them with a butterfly. */
__global__ void sum_warps_then_warp0(float *out, const float *in, int n)
{
    __shared__ float partial[32];
    const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5, i = blockIdx.x * blockDim.x + tid;
    float v = i < n ? in[i] : 0.0f;
    for (int off = 16; off > 0; off >>= 1) v += __shfl_down_sync(0xffffffffu, v, off);
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    if (warp != 0) return;
    v = lane < (int)(blockDim.x / 32) ? partial[lane] : 0.0f;
    for (int off = 16; off > 0; off >>= 1) v += __shfl_xor_sync(0xffffffffu, v, off);
    if (lane == 0) out[blockIdx.x] = v;
}

static ob_status block_sums(float *out, const float *in, int n, int block, int variant)
{
    const unsigned grid = ob_ceil_div(n, block);
    if (variant == 0) {
        OB_LAUNCH(sum_smem_then_warp0, grid, block, block * sizeof(float), 0, out, in, n);
        OB_CHECK_LAUNCH(sum_smem_then_warp0);
    } else {
        OB_REQUIRE_BLOCK(block % 32 == 0, "whole warps");
        OB_LAUNCH(sum_warps_then_warp0, grid, block, 0, 0, out, in, n);
        OB_CHECK_LAUNCH(sum_warps_then_warp0);
    }
    return OB_OK;
}

static void check(int n, int block, int variant, uint64_t order)
{
    const int grid = (int)ob_ceil_div(n, block);
    float *x = (float *)malloc(n * sizeof(float)), *ref = (float *)malloc(grid * sizeof(float));
    ob_test_fill_uniform(x, n, 1000 + n, -1.0f, 1.0f);
    for (int b = 0; b < grid; b++) {
        double s = 0;
        for (int i = b * block; i < n && i < (b + 1) * block; i++) s += x[i];
        ref[b] = (float)s;
    }
    float *got = ob_gpu_alloc(grid);
    ob_emu_set_block_order(order);
    OB_CHECK_OK(block_sums(got, x, n, block, variant));
    char label[128];
    snprintf(label, sizeof label, "variant %d n %d block %d order %llu", variant, n, block, (unsigned long long)order);
    ob_test_allclose(label, got, ref, grid, 1e-4, 1e-5);
    ob_gpu_free(got);
    free(x), free(ref);
}

int main(void)
{
    const int sizes[] = {1, 31, 1000, 4097, 30011};
    const int blocks[] = {32, 48, 96, 160, 256, 1024};
    for (int variant = 0; variant < 2; variant++)
        for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
            for (size_t b = 0; b < sizeof blocks / sizeof *blocks; b++) {
                if (variant == 1 && blocks[b] % 32) continue;
                check(sizes[s], blocks[b], variant, s % 2 ? 77 + b : 0);
            }
    ob_emu_set_block_order(0);
    return ob_test_finish();
}
