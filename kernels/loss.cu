/* loss.cu — GPU path of loss.h (also built under cuda-emu).
 *
 * Losses: a grid of at most MAX_BLOCKS blocks walks the elements (rows for
 * cross-entropy, one thread per row) with a grid-stride loop; each thread
 * writes its gradients and sums its terms in double; block_sum.cuh reduces
 * each block to partial[blockIdx.x]; the host adds the partials in block order.
 * The grid depends only on n and the block size, so sums are reproducible.
 * Reparameterisation: one thread per element, no reduction. The per-element
 * formulas are loss.h's, shared with the CPU path. */
#include "block_sum.cuh"
#include "loss.h"

enum { MAX_BLOCKS = 1024 };

__global__ void loss_pointwise_kernel(double *__restrict__ partial, float *__restrict__ ga, float *__restrict__ gb,
                                      const float *__restrict__ a, const float *__restrict__ b, long long n,
                                      int kind, float gscale)
{
    __shared__ double scratch[32];
    const long long stride = (long long)gridDim.x * blockDim.x;
    double s = 0;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        float da, db;
        s += ob_loss_term(kind, a[i], b[i], &da, &db);
        if (ga) ga[i] = gscale * da;
        if (gb) gb[i] = gscale * db;
    }
    s = ob_block_sum(s, scratch);
    if (threadIdx.x == 0) partial[blockIdx.x] = s;
}

__global__ void loss_ce_kernel(double *__restrict__ partial, float *__restrict__ grad, const float *__restrict__ x,
                               const int32_t *__restrict__ labels, long long n, int k, float gscale)
{
    __shared__ double scratch[32];
    const long long stride = (long long)gridDim.x * blockDim.x;
    double s = 0;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride)
        s += ob_ce_row(grad ? grad + i * k : NULL, x + i * k, k, labels[i], gscale);
    s = ob_block_sum(s, scratch);
    if (threadIdx.x == 0) partial[blockIdx.x] = s;
}

__global__ void reparam_forward_kernel(float *__restrict__ z, const float *__restrict__ mu,
                                       const float *__restrict__ logvar, long long n, uint64_t seed, uint64_t offset)
{
    const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) z[i] = ob_reparam_z(mu[i], logvar[i], ob_reparam_eps(seed, offset + (uint64_t)i));
}

__global__ void reparam_backward_kernel(float *__restrict__ dmu, float *__restrict__ dlogvar,
                                        const float *__restrict__ dz, const float *__restrict__ logvar, long long n,
                                        uint64_t seed, uint64_t offset, int accumulate)
{
    const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const float g = dz[i], dl = ob_reparam_dlogvar(g, logvar[i], ob_reparam_eps(seed, offset + (uint64_t)i));
    dmu[i] = accumulate ? dmu[i] + g : g;
    dlogvar[i] = accumulate ? dlogvar[i] + dl : dl;
}

/* Threads per block from cfg (default 256), checked for the block sum. */
static ob_status block_size(int *block, const ob_launch_cfg *cfg)
{
    *block = ob_cfg_block_x(cfg, 256);
    OB_REQUIRE_BLOCK(*block % 32 == 0 && *block <= 1024, "loss kernels need a block of 32..1024 threads in warps");
    return OB_OK;
}

/* The fixed reduction grid for `items` work items. */
static int reduce_grid(long long items, int block)
{
    const long long want = (items + block - 1) / block;
    return want < MAX_BLOCKS ? (int)want : MAX_BLOCKS;
}

/* After the launch: the partials back and added in block order; p is put back. */
static ob_status sum_partials(double *sum, ob_partials *p, const ob_launch_cfg *cfg, const char *kernel)
{
    ob_status st = ob_partials_fetch(p, cfg, kernel);
    if (st == OB_OK) {
        double s = 0;
        for (size_t i = 0; i < p->n; i++) s += p->host[i];
        *sum = s;
    }
    ob_partials_put(p);
    return st;
}

extern "C" ob_status OB_GPU_FN(ob_loss_pointwise)(double *sum, float *ga, float *gb, const float *a, const float *b,
                                                 int64_t n, ob_loss_kind kind, float gscale, const ob_launch_cfg *cfg)
{
    OB_TRY(ob_loss_check_pointwise(n, kind, a, b));
    OB_REQUIRE(sum, "loss: no output pointer");
    int block;
    OB_TRY(block_size(&block, cfg));
    const int grid = reduce_grid(n, block);
    ob_partials p;
    OB_TRY(ob_partials_get(&p, (size_t)grid, cfg, "loss"));
    OB_LAUNCH(loss_pointwise_kernel, grid, block, 0, ob_cfg_stream(cfg), p.dev, ga, gb, a, b, (long long)n,
              (int)kind, gscale);
    return sum_partials(sum, &p, cfg, "loss_pointwise_kernel");
}

extern "C" ob_status OB_GPU_FN(ob_loss_cross_entropy)(double *sum, float *grad, const float *logits,
                                                     const int32_t *labels, int64_t n, int k, float gscale,
                                                     const ob_launch_cfg *cfg)
{
    OB_REQUIRE(sum && logits && labels, "cross_entropy: null pointer");
    OB_REQUIRE(n >= 1 && k >= 1, "cross_entropy: empty input (%lld rows of %d classes)", (long long)n, k);
    int block;
    OB_TRY(block_size(&block, cfg));
    const int grid = reduce_grid(n, block);
    /* one scratch block: the partials, then the labels (doubles first keeps
     * both aligned) */
    ob_partials p;
    OB_TRY(ob_partials_get_extra(&p, (size_t)grid, (size_t)n * sizeof(int32_t), cfg, "cross_entropy"));
    int32_t *dev_labels = (int32_t *)(p.dev + grid);
    const cudaError_t e = cudaMemcpyAsync(dev_labels, labels, (size_t)n * sizeof(int32_t), cudaMemcpyHostToDevice,
                                          (cudaStream_t)ob_cfg_stream(cfg));
    if (e != cudaSuccess) {
        ob_partials_put(&p);
        return OB_FAIL(OB_ERR_CUDA, "cross_entropy: uploading %lld labels failed: %s", (long long)n,
                       cudaGetErrorString(e));
    }
    OB_LAUNCH(loss_ce_kernel, grid, block, 0, ob_cfg_stream(cfg), p.dev, grad, logits, dev_labels, (long long)n, k,
              gscale);
    return sum_partials(sum, &p, cfg, "loss_ce_kernel");
}

/* One thread per element; the grid covers n. */
static ob_status elementwise_grid(unsigned *grid, int *block, long long n, const ob_launch_cfg *cfg)
{
    OB_TRY(block_size(block, cfg));
    OB_REQUIRE(n >= 1, "reparam: empty input");
    const long long g = (n + *block - 1) / *block;
    OB_REQUIRE(g <= 0x7fffffffLL, "reparam: %lld elements need too large a grid", n);
    *grid = (unsigned)g;
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_reparam_forward)(float *z, const float *mu, const float *logvar, int64_t n,
                                                  uint64_t seed, uint64_t offset, const ob_launch_cfg *cfg)
{
    OB_REQUIRE(z && mu && logvar, "reparam: null pointer");
    unsigned grid;
    int block;
    OB_TRY(elementwise_grid(&grid, &block, n, cfg));
    OB_LAUNCH(reparam_forward_kernel, grid, block, 0, ob_cfg_stream(cfg), z, mu, logvar, (long long)n, seed, offset);
    OB_CHECK_LAUNCH(reparam_forward_kernel);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_reparam_backward)(float *dmu, float *dlogvar, const float *dz, const float *logvar,
                                                   int64_t n, uint64_t seed, uint64_t offset, int accumulate,
                                                   const ob_launch_cfg *cfg)
{
    OB_REQUIRE(dmu && dlogvar && dz && logvar, "reparam backward: null pointer");
    unsigned grid;
    int block;
    OB_TRY(elementwise_grid(&grid, &block, n, cfg));
    OB_LAUNCH(reparam_backward_kernel, grid, block, 0, ob_cfg_stream(cfg), dmu, dlogvar, dz, logvar, (long long)n,
              seed, offset, accumulate);
    OB_CHECK_LAUNCH(reparam_backward_kernel);
    return OB_OK;
}
