/* eltwise.cu — GPU path of eltwise.h (also built under cuda-emu). Memory-bound:
 * one thread per element, grid-stride so huge tensors need no huge grid. */
#include "eltwise.h"
#include "ob_cuda_kernel.h"
#include "ob_philox.h"

__global__ void act_forward_kernel(float *y, const float *x, long long n, int k, float slope)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        y[i] = ob_act_f(x[i], k, slope);
}

__global__ void act_backward_kernel(float *gx, const float *gy, const float *x, const float *y, long long n, int k,
                                    float slope)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        gx[i] = ob_act_df(gy[i], x ? x[i] : 0.0f, y ? y[i] : 0.0f, k, slope);
}

__global__ void add_kernel(float *out, const float *a, const float *b, long long n)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
        out[i] = a[i] + b[i];
}

/* step by value, or from device memory (dstep: a captured graph's). */
__global__ void dropout_kernel(float *y, const float *x, long long n, float p, float scale, unsigned long long seed,
                               unsigned long long step, const unsigned long long *dstep)
{
    if (dstep) step = *dstep;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        const float u = ob_philox_uniform(seed, OB_RNG_STREAM_DROPOUT, (step << 32) | (unsigned long long)i);
        y[i] = u >= p ? x[i] * scale : 0.0f;
    }
}

/* Block size checked, grid capped (grid-stride loops cover the rest). */
static ob_status grid_for(unsigned *grid, int *block, long long n, const ob_launch_cfg *cfg)
{
    *block = ob_cfg_block_x(cfg, 256);
    OB_REQUIRE_BLOCK(*block % 32 == 0 && *block <= 1024, "eltwise needs a block of 32..1024 threads in warps");
    long long g = (n + *block - 1) / *block;
    *grid = (unsigned)(g > 65535 ? 65535 : (g < 1 ? 1 : g));
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_act_forward)(float *y, const float *x, int64_t n, ob_act_kind k, float slope,
                                              const ob_launch_cfg *cfg)
{
    unsigned grid = 1;
    int block = 256;
    OB_TRY(grid_for(&grid, &block, n, cfg));
    if (n == 0) return OB_OK;
    OB_LAUNCH(act_forward_kernel, grid, block, 0, ob_cfg_stream(cfg), y, x, (long long)n, (int)k, slope);
    OB_CHECK_LAUNCH(act_forward_kernel);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_act_backward)(float *gx, const float *gy, const float *x, const float *y, int64_t n,
                                               ob_act_kind k, float slope, const ob_launch_cfg *cfg)
{
    unsigned grid = 1;
    int block = 256;
    OB_TRY(grid_for(&grid, &block, n, cfg));
    if (n == 0) return OB_OK;
    OB_LAUNCH(act_backward_kernel, grid, block, 0, ob_cfg_stream(cfg), gx, gy, x, y, (long long)n, (int)k, slope);
    OB_CHECK_LAUNCH(act_backward_kernel);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_add)(float *out, const float *a, const float *b, int64_t n, const ob_launch_cfg *cfg)
{
    unsigned grid = 1;
    int block = 256;
    OB_TRY(grid_for(&grid, &block, n, cfg));
    if (n == 0) return OB_OK;
    OB_LAUNCH(add_kernel, grid, block, 0, ob_cfg_stream(cfg), out, a, b, (long long)n);
    OB_CHECK_LAUNCH(add_kernel);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_dropout)(float *y, const float *x, int64_t n, float p, uint64_t seed, uint64_t step,
                                          const ob_launch_cfg *cfg)
{
    OB_REQUIRE(p >= 0.0f && p < 1.0f, "dropout: p=%g outside [0, 1)", (double)p);
    OB_REQUIRE(n < ((int64_t)1 << 32), "dropout: %lld elements, at most 2^32", (long long)n);
    unsigned grid = 1;
    int block = 256;
    OB_TRY(grid_for(&grid, &block, n, cfg));
    if (n == 0) return OB_OK;
    const ob_step_scalars *st = ob_cfg_step(cfg);
    OB_LAUNCH(dropout_kernel, grid, block, 0, ob_cfg_stream(cfg), y, x, (long long)n, p, 1.0f / (1.0f - p),
              (unsigned long long)seed, (unsigned long long)step, st ? st->dropout_step : NULL);
    OB_CHECK_LAUNCH(dropout_kernel);
    return OB_OK;
}
