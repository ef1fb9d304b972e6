/* tonemap.cu — GPU path of tonemap.h (also built under cuda-emu).
 *
 * Every stage is elementwise and memory-bound: one grid-stride kernel each, 1-D
 * blocks, at most MAX_BLOCKS blocks (enough to fill any current GPU; the loop
 * covers the rest), each element computed by the per-pixel rule the CPU path
 * calls (ob_tm_* in tonemap.h). Colour stages read the pixel's intensity once
 * and walk the three planes. stats: each block reduces the min positive with
 * warp shuffles and the sum in double (block_sum.cuh), writes two partials,
 * and the host combines them in block order (deterministic). */
#include "block_sum.cuh"
#include "tonemap.h"

enum { DEFAULT_BLOCK = 256, MAX_BLOCKS = 8192, STATS_MAX_BLOCKS = 1024 };

#define GRID_STRIDE(k, n) \
    for (long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x; k < (n); k += (long long)gridDim.x * blockDim.x)

/* ---- elementwise stages ------------------------------------------------------ */

__global__ void tm_clean_kernel(float *dst, const float *src, long long n)
{
    GRID_STRIDE(k, n) dst[k] = ob_tm_clean(src[k]); /* in place allowed: no __restrict__ */
}

__global__ void tm_intensity_kernel(float *__restrict__ i, const float *__restrict__ rgb, long long n)
{
    GRID_STRIDE(k, n) i[k] = ob_tm_intensity(rgb[k], rgb[n + k], rgb[2 * n + k]);
}

__global__ void tm_chroma_kernel(float *__restrict__ chroma, const float *__restrict__ rgb,
                                 const float *__restrict__ i, long long n)
{
    GRID_STRIDE(k, n)
    {
        const float ik = i[k];
        for (int c = 0; c < 3; c++) chroma[c * n + k] = ob_tm_chroma(rgb[c * n + k], ik);
    }
}

__global__ void tm_log2_kernel(float *__restrict__ l, const float *__restrict__ i, long long n, float floor_)
{
    GRID_STRIDE(k, n) l[k] = ob_tm_log2(i[k], floor_);
}

__global__ void tm_detail_kernel(float *__restrict__ d, const float *__restrict__ l, const float *__restrict__ b,
                                 long long n)
{
    GRID_STRIDE(k, n) d[k] = l[k] - b[k];
}

__global__ void tm_base_scale_kernel(float *__restrict__ bs, const float *__restrict__ b, long long n, float bmax,
                                     float scale)
{
    GRID_STRIDE(k, n) bs[k] = ob_tm_base_scale(b[k], bmax, scale);
}

__global__ void tm_exp2_kernel(float *__restrict__ io, const float *__restrict__ bs, const float *__restrict__ d,
                               long long n)
{
    GRID_STRIDE(k, n) io[k] = ob_tm_exp2(bs[k], d[k]);
}

__global__ void tm_colour_kernel(float *__restrict__ rgb, const float *__restrict__ chroma,
                                 const float *__restrict__ io, long long n)
{
    GRID_STRIDE(k, n)
    {
        const float ik = io[k];
        for (int c = 0; c < 3; c++) rgb[c * n + k] = chroma[c * n + k] * ik;
    }
}

__global__ void tm_reinhard_kernel(float *__restrict__ ld, const float *__restrict__ i, long long n, float a)
{
    GRID_STRIDE(k, n) ld[k] = ob_tm_reinhard(i[k], a);
}

__global__ void tm_display_kernel(float *out, const float *in, long long n, float scale, float gamma)
{
    GRID_STRIDE(k, n) out[k] = ob_tm_display(in[k], scale, gamma); /* in place allowed */
}

/* ---- stats ------------------------------------------------------------------- */

__device__ __forceinline__ float warp_min(float v)
{
    for (int off = 16; off > 0; off >>= 1) v = fminf(v, __shfl_down_sync(0xffffffffu, v, off));
    return v;
}

/* partial[2 b], partial[2 b + 1] = min positive (+inf if none), sum of block b's elements */
__global__ void tm_stats_kernel(double *__restrict__ partial, const float *__restrict__ x, long long n)
{
    __shared__ double scratch[32];
    __shared__ float s_pos[32];
    float pos = INFINITY;
    double sum = 0;
    GRID_STRIDE(k, n)
    {
        const float v = x[k];
        if (v > 0.f) pos = fminf(pos, v);
        sum += v;
    }
    sum = ob_block_sum(sum, scratch); /* valid in thread 0 */
    pos = warp_min(pos);
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;
    if (lane == 0) s_pos[warp] = pos;
    __syncthreads();
    if (warp == 0) {
        pos = warp_min(lane < nwarps ? s_pos[lane] : INFINITY);
        if (lane == 0) partial[2 * (size_t)blockIdx.x] = pos, partial[2 * (size_t)blockIdx.x + 1] = sum;
    }
}

/* ---- launchers ----------------------------------------------------------------- */

/* 1-D launch shape for n elements: cfg block_x (default 256), a multiple of 32. */
static ob_status dims_1d(unsigned *grid, int *block, size_t n, const ob_launch_cfg *cfg, unsigned max_blocks)
{
    *block = ob_cfg_block_x(cfg, DEFAULT_BLOCK);
    OB_REQUIRE_BLOCK(*block % 32 == 0 && *block <= 1024, "tonemap needs block_x a multiple of 32, at most 1024");
    const unsigned want = ob_ceil_div((long long)n, *block);
    *grid = want < max_blocks ? want : max_blocks;
    return OB_OK;
}

#define LAUNCH_1D(kernel, n, cfg, ...)                                                  \
    do {                                                                                \
        unsigned grid_ = 0;                                                               \
        int block_ = 0;                                                                   \
        OB_TRY(dims_1d(&grid_, &block_, (n), (cfg), MAX_BLOCKS));                       \
        OB_LAUNCH(kernel, grid_, block_, 0, ob_cfg_stream(cfg), __VA_ARGS__);           \
        OB_CHECK_LAUNCH(kernel);                                                        \
    } while (0)

extern "C" ob_status OB_GPU_FN(ob_tonemap_clean)(float *dst, const float *src, size_t n, const ob_launch_cfg *cfg)
{
    OB_TRY(ob_tonemap_check("clean", n, dst && src));
    LAUNCH_1D(tm_clean_kernel, n, cfg, dst, src, (long long)n);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_tonemap_intensity)(float *i, const float *rgb, size_t n, const ob_launch_cfg *cfg)
{
    OB_TRY(ob_tonemap_check("intensity", n, i && rgb));
    LAUNCH_1D(tm_intensity_kernel, n, cfg, i, rgb, (long long)n);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_tonemap_chroma)(float *chroma, const float *rgb, const float *i, size_t n,
                                                 const ob_launch_cfg *cfg)
{
    OB_TRY(ob_tonemap_check("chroma", n, chroma && rgb && i));
    LAUNCH_1D(tm_chroma_kernel, n, cfg, chroma, rgb, i, (long long)n);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_tonemap_log2)(float *l, const float *i, size_t n, float floor_,
                                               const ob_launch_cfg *cfg)
{
    OB_TRY(ob_tonemap_check("log2", n, l && i));
    OB_TRY(ob_tonemap_check_param("log2", "floor", floor_, 1));
    LAUNCH_1D(tm_log2_kernel, n, cfg, l, i, (long long)n, floor_);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_tonemap_detail)(float *d, const float *l, const float *b, size_t n,
                                                 const ob_launch_cfg *cfg)
{
    OB_TRY(ob_tonemap_check("detail", n, d && l && b));
    LAUNCH_1D(tm_detail_kernel, n, cfg, d, l, b, (long long)n);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_tonemap_base_scale)(float *bs, const float *b, size_t n, float bmax, float scale,
                                                     const ob_launch_cfg *cfg)
{
    OB_TRY(ob_tonemap_check("base_scale", n, bs && b));
    OB_TRY(ob_tonemap_check_param("base_scale", "bmax", bmax, 0));
    OB_TRY(ob_tonemap_check_param("base_scale", "scale", scale, 0));
    LAUNCH_1D(tm_base_scale_kernel, n, cfg, bs, b, (long long)n, bmax, scale);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_tonemap_exp2)(float *io, const float *bs, const float *d, size_t n,
                                               const ob_launch_cfg *cfg)
{
    OB_TRY(ob_tonemap_check("exp2", n, io && bs && d));
    LAUNCH_1D(tm_exp2_kernel, n, cfg, io, bs, d, (long long)n);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_tonemap_colour)(float *rgb, const float *chroma, const float *io, size_t n,
                                                 const ob_launch_cfg *cfg)
{
    OB_TRY(ob_tonemap_check("colour", n, rgb && chroma && io));
    LAUNCH_1D(tm_colour_kernel, n, cfg, rgb, chroma, io, (long long)n);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_tonemap_reinhard)(float *ld, const float *i, size_t n, float a,
                                                   const ob_launch_cfg *cfg)
{
    OB_TRY(ob_tonemap_check("reinhard", n, ld && i));
    OB_TRY(ob_tonemap_check_param("reinhard", "a", a, 1));
    LAUNCH_1D(tm_reinhard_kernel, n, cfg, ld, i, (long long)n, a);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_tonemap_display)(float *out, const float *in, size_t n, float scale, float gamma,
                                                  const ob_launch_cfg *cfg)
{
    OB_TRY(ob_tonemap_check("display", n, out && in));
    OB_TRY(ob_tonemap_check_param("display", "scale", scale, 0));
    OB_TRY(ob_tonemap_check_param("display", "gamma", gamma, 1));
    LAUNCH_1D(tm_display_kernel, n, cfg, out, in, (long long)n, scale, gamma);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_tonemap_stats)(ob_tonemap_stats *s, const float *x, size_t n,
                                                const ob_launch_cfg *cfg)
{
    OB_TRY(ob_tonemap_check("stats", n, s && x));
    unsigned grid = 0;
    int block = 0;
    OB_TRY(dims_1d(&grid, &block, n, cfg, STATS_MAX_BLOCKS));
    ob_partials parts;
    OB_TRY(ob_partials_get(&parts, 2 * (size_t)grid, cfg, "tonemap stats"));
    OB_LAUNCH(tm_stats_kernel, grid, block, 0, ob_cfg_stream(cfg), parts.dev, x, (long long)n);
    ob_status st = ob_partials_fetch(&parts, cfg, "tm_stats_kernel");
    if (st == OB_OK) {
        const double *host = parts.host;
        ob_tonemap_stats t = {host[0], host[1]};
        for (unsigned b = 1; b < grid; b++)
            t.min_positive = fmin(t.min_positive, host[2 * b]), t.sum += host[2 * b + 1];
        if (isinf(t.min_positive)) t.min_positive = 0;
        *s = t;
    }
    ob_partials_put(&parts);
    return st;
}
