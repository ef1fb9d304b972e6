/* loss.cu — GPU path of loss.h (also built under cuda-emu).
 *
 * Losses: a grid of at most MAX_BLOCKS blocks walks the elements (rows for
 * cross-entropy, one thread per row) with a grid-stride loop; each thread
 * writes its gradients and sums its terms in double; block_sum.cuh reduces
 * each block to partial[blockIdx.x]; loss_finish_kernel, one warp, adds the
 * partials in a fixed order and stores the sum (read back: 8 bytes) or adds
 * it to the running total (nothing read back). The grid depends only on n and
 * the block size, so sums are reproducible.
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

/* The second pass, one warp: lane l adds partials l, l + 32, ... in order,
 * a fixed shuffle tree adds the lanes; lane 0 stores the sum in *out or, with
 * a total, applies ob_loss_total_add. */
__global__ void loss_finish_kernel(double *__restrict__ out, double *__restrict__ total,
                                   const double *__restrict__ partial, int n, double scale, double weight, double tag,
                                   const double *__restrict__ dtag)
{
    double s = 0;
    if (dtag) tag = *dtag; /* a captured graph's per-step tag */
    for (int i = threadIdx.x; i < n; i += 32) s += partial[i];
    for (int off = 16; off > 0; off >>= 1) s += __shfl_down_sync(0xffffffffu, s, off);
    if (threadIdx.x != 0) return;
    if (total) ob_loss_total_add(total, s, scale, weight, tag);
    else *out = s;
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

static ob_status check_sink(const double *sum, const ob_loss_acc *acc, const char *what)
{
    OB_REQUIRE((sum != NULL) != (acc != NULL), "%s: pass either a sum to fill or a running total, not %s", what,
               sum ? "both" : "neither");
    OB_REQUIRE(!acc || acc->total, "%s: the running total has no memory", what);
    return OB_OK;
}

/* Scratch: `grid` partials, the finished sum, then `extra` bytes (doubles
 * first keeps everything aligned); one pinned double to read the sum into. */
static ob_status get_scratch(ob_launch_scratch *s, int grid, size_t extra, const ob_launch_cfg *cfg, const char *what)
{
    return ob_scratch_get(s, cfg, ((size_t)grid + 1) * sizeof(double) + extra, sizeof(double), what);
}

/* After the first pass: the second, then the sum read back or left in the
 * total; the scratch is put back. */
static ob_status finish(double *sum, const ob_loss_acc *acc, ob_launch_scratch *s, int grid,
                        const ob_launch_cfg *cfg, const char *kernel)
{
    double *partial = (double *)s->dev, *out = partial + grid;
    cudaError_t e = cudaGetLastError();
    ob_status st = OB_OK;
    if (e != cudaSuccess) {
        st = OB_FAIL(OB_ERR_CUDA, "launch of %s failed: %s: %s", kernel, cudaGetErrorName(e), cudaGetErrorString(e));
    } else {
        double *total = acc ? acc->total : NULL;
        const double scale = acc ? acc->scale : 1.0, weight = acc ? acc->weight : 0.0, tag = acc ? acc->tag : 0.0;
        const ob_step_scalars *step = ob_cfg_step(cfg);
        const double *dtag = acc && step ? step->loss_tag : NULL;
        OB_LAUNCH(loss_finish_kernel, 1, 32, 0, ob_cfg_stream(cfg), out, total, partial, grid, scale, weight, tag,
                  dtag);
        if (sum) {
            st = ob_scratch_read(s->host, out, sizeof(double), ob_cfg_stream(cfg), "loss_finish_kernel");
            if (st == OB_OK) *sum = *(const double *)s->host;
        } else if ((e = cudaGetLastError()) != cudaSuccess) {
            st = OB_FAIL(OB_ERR_CUDA, "launch of loss_finish_kernel failed: %s: %s", cudaGetErrorName(e),
                         cudaGetErrorString(e));
        }
    }
    ob_scratch_put(s);
    return st;
}

extern "C" ob_status OB_GPU_FN(ob_loss_pointwise)(double *sum, const ob_loss_acc *acc, float *ga, float *gb,
                                                 const float *a, const float *b, int64_t n, ob_loss_kind kind,
                                                 float gscale, const ob_launch_cfg *cfg)
{
    OB_TRY(ob_loss_check_pointwise(n, kind, a, b));
    OB_TRY(check_sink(sum, acc, "loss"));
    int block;
    OB_TRY(block_size(&block, cfg));
    const int grid = reduce_grid(n, block);
    ob_launch_scratch s;
    OB_TRY(get_scratch(&s, grid, 0, cfg, "loss"));
    OB_LAUNCH(loss_pointwise_kernel, grid, block, 0, ob_cfg_stream(cfg), (double *)s.dev, ga, gb, a, b,
              (long long)n, (int)kind, gscale);
    return finish(sum, acc, &s, grid, cfg, "loss_pointwise_kernel");
}

extern "C" ob_status OB_GPU_FN(ob_loss_cross_entropy)(double *sum, const ob_loss_acc *acc, float *grad,
                                                     const float *logits, const int32_t *labels,
                                                     ob_location labels_loc, int64_t n, int k, float gscale,
                                                     const ob_launch_cfg *cfg)
{
    OB_REQUIRE(logits && labels, "cross_entropy: null pointer");
    OB_TRY(check_sink(sum, acc, "cross_entropy"));
    OB_REQUIRE(n >= 1 && k >= 1, "cross_entropy: empty input (%lld rows of %d classes)", (long long)n, k);
    int block;
    OB_TRY(block_size(&block, cfg));
    const int grid = reduce_grid(n, block);
    const int staged = labels_loc == OB_HOST;
    ob_launch_scratch s;
    OB_TRY(get_scratch(&s, grid, staged ? (size_t)n * sizeof(int32_t) : 0, cfg, "cross_entropy"));
    const int32_t *dev_labels = labels;
    if (staged) {
        int32_t *dst = (int32_t *)((double *)s.dev + grid + 1);
        const cudaError_t e = cudaMemcpyAsync(dst, labels, (size_t)n * sizeof(int32_t), cudaMemcpyHostToDevice,
                                              (cudaStream_t)ob_cfg_stream(cfg));
        if (e != cudaSuccess) {
            ob_scratch_put(&s);
            return OB_FAIL(OB_ERR_CUDA, "cross_entropy: uploading %lld labels failed: %s", (long long)n,
                           cudaGetErrorString(e));
        }
        dev_labels = dst;
    }
    OB_LAUNCH(loss_ce_kernel, grid, block, 0, ob_cfg_stream(cfg), (double *)s.dev, grad, logits, dev_labels,
              (long long)n, k, gscale);
    return finish(sum, acc, &s, grid, cfg, "loss_ce_kernel");
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
