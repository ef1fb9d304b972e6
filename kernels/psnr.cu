/* psnr.cu — GPU path of psnr.h's MSE (also built under cuda-emu).
 *
 * Pass 1: a fixed grid (at most MAX_BLOCKS blocks) walks the n elements with a
 * grid-stride loop, each thread summing (a - b)^2 in double, then one block sum
 * (block_sum.cuh) per block into partial[blockIdx.x]. Pass 2: the host adds the
 * partials in block order. Memory-bound: one read of a and b. */
#include "block_sum.cuh"
#include "psnr.h"

enum { MAX_BLOCKS = 1024 };

__global__ void mse_partial_kernel(double *__restrict__ partial, const float *__restrict__ a,
                                   const float *__restrict__ b, long long n)
{
    __shared__ double scratch[32];
    const long long stride = (long long)gridDim.x * blockDim.x;
    double s = 0;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        double d = (double)a[i] - (double)b[i];
        s += d * d;
    }
    s = ob_block_sum(s, scratch);
    if (threadIdx.x == 0) partial[blockIdx.x] = s;
}

extern "C" ob_status OB_GPU_FN(ob_mse)(double *mse, const float *a, const float *b, size_t n,
                                      const ob_launch_cfg *cfg)
{
    OB_REQUIRE(mse && a && b, "mse: null pointer");
    OB_REQUIRE(n >= 1, "mse: empty input (n = 0)");
    const int block = ob_cfg_block_x(cfg, 256);
    OB_REQUIRE_BLOCK(block % 32 == 0 && block <= 1024, "mse needs a block of 32..1024 threads in warps");
    const long long want = ((long long)n + block - 1) / block;
    const int grid = want < MAX_BLOCKS ? (int)want : MAX_BLOCKS;
    ob_partials p;
    OB_TRY(ob_partials_get(&p, (size_t)grid, cfg, "mse"));
    OB_LAUNCH(mse_partial_kernel, grid, block, 0, ob_cfg_stream(cfg), p.dev, a, b, (long long)n);
    ob_status st = ob_partials_fetch(&p, cfg, "mse_partial_kernel");
    if (st == OB_OK) {
        double sum = 0;
        for (int i = 0; i < grid; i++) sum += p.host[i];
        *mse = sum / (double)n;
    }
    ob_partials_put(&p);
    return st;
}
