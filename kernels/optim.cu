/* optim.cu — GPU path of optim.h (also built under cuda-emu): one thread per
 * element running the per-element update shared with the CPU path. */
#include "ob_cuda_kernel.h"
#include "optim.h"

/* The step's scalars come by value, or (ds not NULL: a captured graph
 * replayed for every step) from device memory the host refills per step. */
__global__ void sgd_update_kernel(float *__restrict__ w, float *__restrict__ buf, const float *__restrict__ g,
                                  long long n, ob_sgd_step s, const ob_sgd_step *__restrict__ ds)
{
    const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (ds) s = *ds;
    if (i < n) ob_sgd_elem(&w[i], buf ? &buf[i] : NULL, g[i], &s);
}

__global__ void adam_update_kernel(float *__restrict__ w, float *__restrict__ m, float *__restrict__ v,
                                   const float *__restrict__ g, long long n, ob_adam_step s,
                                   const ob_adam_step *__restrict__ ds)
{
    const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (ds) s = *ds;
    if (i < n) ob_adam_elem(&w[i], &m[i], &v[i], g[i], &s);
}

/* One thread per element: block from cfg (default 256), a grid covering n. */
static ob_status grid_for(unsigned *grid, int *block, long long n, const ob_launch_cfg *cfg, const char *what)
{
    *block = ob_cfg_block_x(cfg, 256);
    OB_REQUIRE_BLOCK(*block % 32 == 0 && *block <= 1024, "optimiser updates need a block of 32..1024 threads in warps");
    OB_REQUIRE(n >= 1, "%s: empty parameter vector", what);
    const long long g = (n + *block - 1) / *block;
    OB_REQUIRE(g <= 0x7fffffffLL, "%s: %lld elements need too large a grid", what, n);
    *grid = (unsigned)g;
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_sgd_update)(float *w, float *buf, const float *g, int64_t n, const ob_sgd_step *s,
                                             const ob_launch_cfg *cfg)
{
    OB_REQUIRE(w && g && s && (buf || s->momentum == 0.0f), "sgd update: null pointer");
    unsigned grid;
    int block;
    OB_TRY(grid_for(&grid, &block, n, cfg, "sgd update"));
    const ob_step_scalars *st = ob_cfg_step(cfg);
    const ob_sgd_step *ds = st ? (const ob_sgd_step *)st->optim : NULL;
    OB_LAUNCH(sgd_update_kernel, grid, block, 0, ob_cfg_stream(cfg), w, buf, g, (long long)n, *s, ds);
    OB_CHECK_LAUNCH(sgd_update_kernel);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_adam_update)(float *w, float *m, float *v, const float *g, int64_t n,
                                              const ob_adam_step *s, const ob_launch_cfg *cfg)
{
    OB_REQUIRE(w && m && v && g && s, "adam update: null pointer");
    unsigned grid;
    int block;
    OB_TRY(grid_for(&grid, &block, n, cfg, "adam update"));
    const ob_step_scalars *st = ob_cfg_step(cfg);
    const ob_adam_step *ds = st ? (const ob_adam_step *)st->optim : NULL;
    OB_LAUNCH(adam_update_kernel, grid, block, 0, ob_cfg_stream(cfg), w, m, v, g, (long long)n, *s, ds);
    OB_CHECK_LAUNCH(adam_update_kernel);
    return OB_OK;
}
