/* pyramid.cu — GPU path of pyramid.h (also built under cuda-emu).
 *
 * blur / reduce (one kernel, output step 1 or 2) and expand: one thread per
 * output pixel, 2-D blocks, grid.z walks the planes (looping past 65535). Per
 * plane a block runs three stages in shared memory:
 *   load        its input tile and 2-pixel apron, borders reflected (expand
 *               loads the zero-inserted U, so odd rows/columns are zeros);
 *   vertical    five taps down each loaded column, for the block's output rows;
 *   horizontal  five taps along the row -> the thread's output.
 * The taps are pyramid.h's ob_pyr_tap5 / ob_pyr_expand_tap on the same samples
 * as the CPU path, in the same order, so the results are bit-identical.
 * mix and accum are one elementwise kernel on a 1-D grid (grid.y = planes).
 * The multi-level functions are pyramid.c's schedule over these launchers and
 * a device-to-device copy. */
#include "ob_cuda_kernel.h"
#include "pyramid.h"

enum { SMEM_LIMIT = 48 * 1024 };

/* Shared floats for a bx x by output tile: input tile, then the vertical pass. */
static inline size_t filter_smem(int bx, int by, int step)
{
    const size_t iw = (size_t)step * (bx - 1) + 5, ih = (size_t)step * (by - 1) + 5;
    return (ih + by) * iw;
}

static inline size_t expand_smem(int bx, int by) { return ((size_t)by + 4 + by) * (bx + 4); }

/* out (planes, oh, ow) <- five-tap filter of in (planes, h, w) sampled every `step` */
__global__ void pyr_filter_kernel(float *__restrict__ out, const float *__restrict__ in, int planes, int h, int w,
                                  int oh, int ow, int step)
{
    OB_DYNAMIC_SHARED(float, smem);
    const int bx = blockDim.x, by = blockDim.y;
    const int iw = step * (bx - 1) + 5, ih = step * (by - 1) + 5;
    float *tile = smem, *vert = smem + ih * iw; /* vert: (by, iw) */
    const int ox0 = blockIdx.x * bx, oy0 = blockIdx.y * by, gx0 = step * ox0 - 2, gy0 = step * oy0 - 2;
    const int tid = threadIdx.y * bx + threadIdx.x, nt = bx * by;
    const int ox = ox0 + threadIdx.x, oy = oy0 + threadIdx.y;
    for (long long p = blockIdx.z; p < planes; p += gridDim.z) {
        const float *src = in + p * h * w;
        for (int k = tid; k < ih * iw; k += nt) {
            const int r = k / iw, c = k % iw;
            tile[k] = src[(size_t)ob_pyr_reflect(gy0 + r, h) * w + ob_pyr_reflect(gx0 + c, w)];
        }
        __syncthreads();
        for (int k = tid; k < by * iw; k += nt) {
            const float *t = tile + step * (k / iw) * iw + k % iw;
            vert[k] = ob_pyr_tap5(t[0], t[iw], t[2 * iw], t[3 * iw], t[4 * iw]);
        }
        __syncthreads();
        if (ox < ow && oy < oh) {
            const float *v = vert + threadIdx.y * iw + step * threadIdx.x;
            out[p * oh * ow + (long long)oy * ow + ox] = ob_pyr_tap5(v[0], v[1], v[2], v[3], v[4]);
        }
        __syncthreads(); /* the next plane reuses the tile */
    }
}

/* out (planes, oh, ow) <- base + scale * expand(in (planes, h, w)); base may be out */
__global__ void pyr_expand_kernel(float *out, const float *__restrict__ in, const float *base, float scale,
                                  int planes, int h, int w, int oh, int ow)
{
    OB_DYNAMIC_SHARED(float, smem);
    const int bx = blockDim.x, by = blockDim.y, uw = bx + 4, uh = by + 4;
    float *tile = smem, *vert = smem + uh * uw; /* vert: (by, uw) */
    const int ox0 = blockIdx.x * bx, oy0 = blockIdx.y * by;
    const int tid = threadIdx.y * bx + threadIdx.x, nt = bx * by;
    const int ox = ox0 + threadIdx.x, oy = oy0 + threadIdx.y;
    for (long long p = blockIdx.z; p < planes; p += gridDim.z) {
        const float *src = in + p * h * w;
        for (int k = tid; k < uh * uw; k += nt) {
            const int r = k / uw, c = k % uw;
            tile[k] = ob_pyr_upsampled(src, w, ob_pyr_reflect(oy0 - 2 + r, oh), ob_pyr_reflect(ox0 - 2 + c, ow));
        }
        __syncthreads();
        for (int k = tid; k < by * uw; k += nt) {
            const float *t = tile + k;
            vert[k] = ob_pyr_expand_tap(t[0], t[uw], t[2 * uw], t[3 * uw], t[4 * uw], oh);
        }
        __syncthreads();
        if (ox < ow && oy < oh) {
            const float *v = vert + threadIdx.y * uw + threadIdx.x;
            const float e = ob_pyr_expand_tap(v[0], v[1], v[2], v[3], v[4], ow);
            const long long at = p * oh * ow + (long long)oy * ow + ox;
            out[at] = ob_pyr_combine(e, base != NULL, base ? base[at] : 0.0f, scale);
        }
        __syncthreads();
    }
}

/* per plane, m broadcast when m_planes == 1: out <- m * a + (1 - m) * b (mix),
 * or out <- out + m * a (accum; b unused) */
__global__ void pyr_pointwise_kernel(float *out, const float *a, const float *b, const float *__restrict__ m,
                                     int planes, int m_planes, long long n, int accum)
{
    const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    for (long long p = blockIdx.y; p < planes; p += gridDim.y) {
        const long long at = p * n + i;
        const float mv = m[(m_planes == 1 ? 0 : p) * n + i];
        out[at] = accum ? ob_pyr_madd(mv, a[at], out[at]) : ob_pyr_lerp(mv, a[at], b[at]);
    }
}

/* Block shape from cfg, checked against what the tile kernels assume. */
static ob_status tile_block(const ob_launch_cfg *cfg, int *bx, int *by)
{
    *bx = ob_cfg_block_x(cfg, 32), *by = ob_cfg_block_y(cfg, 8);
    OB_REQUIRE_BLOCK(*bx % 32 == 0 && *bx <= 1024 && *by <= 1024 && *bx * *by <= 1024,
                     "pyramid needs block_x a multiple of 32 and block_x*block_y <= 1024");
    return OB_OK;
}

static ob_status filter_launch(float *out, const float *in, int planes, int h, int w, int step,
                               const ob_launch_cfg *cfg)
{
    OB_REQUIRE(out && in, "pyramid: null pointer");
    int bx, by;
    OB_TRY(tile_block(cfg, &bx, &by));
    const size_t smem = filter_smem(bx, by, step) * sizeof(float);
    OB_REQUIRE(smem <= SMEM_LIMIT, "launch configuration: pyramid tile %d x %d needs %zu bytes of shared memory (max %d)",
               bx, by, smem, SMEM_LIMIT);
    const int oh = step == 1 ? h : (h + 1) / 2, ow = step == 1 ? w : (w + 1) / 2;
    const unsigned gx = ob_ceil_div(ow, bx), gy = ob_ceil_div(oh, by);
    OB_REQUIRE(gy <= 65535u, "pyramid: output height %d too large for one launch with block_y %d", oh, by);
    const dim3 grid(gx, gy, planes < 65535 ? (unsigned)planes : 65535u), block((unsigned)bx, (unsigned)by, 1);
    OB_LAUNCH(pyr_filter_kernel, grid, block, smem, ob_cfg_stream(cfg), out, in, planes, h, w, oh, ow, step);
    OB_CHECK_LAUNCH(pyr_filter_kernel);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_pyr_blur)(float *out, const float *in, int planes, int h, int w,
                                           const ob_launch_cfg *cfg)
{
    OB_TRY(ob_pyr_check("blur", planes, h, w));
    return filter_launch(out, in, planes, h, w, 1, cfg);
}

extern "C" ob_status OB_GPU_FN(ob_pyr_reduce)(float *out, const float *in, int planes, int h, int w,
                                             const ob_launch_cfg *cfg)
{
    OB_TRY(ob_pyr_check("reduce", planes, h, w));
    return filter_launch(out, in, planes, h, w, 2, cfg);
}

extern "C" ob_status OB_GPU_FN(ob_pyr_expand)(float *out, const float *in, const float *base, float scale,
                                             int planes, int h, int w, int oh, int ow, const ob_launch_cfg *cfg)
{
    OB_TRY(ob_pyr_check_expand(planes, h, w, oh, ow));
    OB_REQUIRE(out && in, "pyramid expand: null pointer");
    int bx, by;
    OB_TRY(tile_block(cfg, &bx, &by));
    const size_t smem = expand_smem(bx, by) * sizeof(float);
    OB_REQUIRE(smem <= SMEM_LIMIT, "launch configuration: pyramid tile %d x %d needs %zu bytes of shared memory (max %d)",
               bx, by, smem, SMEM_LIMIT);
    const unsigned gx = ob_ceil_div(ow, bx), gy = ob_ceil_div(oh, by);
    OB_REQUIRE(gy <= 65535u, "pyramid: output height %d too large for one launch with block_y %d", oh, by);
    const dim3 grid(gx, gy, planes < 65535 ? (unsigned)planes : 65535u), block((unsigned)bx, (unsigned)by, 1);
    OB_LAUNCH(pyr_expand_kernel, grid, block, smem, ob_cfg_stream(cfg), out, in, base, scale, planes, h, w, oh, ow);
    OB_CHECK_LAUNCH(pyr_expand_kernel);
    return OB_OK;
}

/* mix (accum 0) or accum (1), checked and launched */
static ob_status pointwise_launch(const char *op, float *out, const float *a, const float *b, const float *m,
                                  int planes, int m_planes, size_t n, int accum, const ob_launch_cfg *cfg)
{
    OB_REQUIRE(out && a && b && m, "pyramid %s: null pointer", op);
    OB_REQUIRE(planes >= 1 && n >= 1 && (m_planes == 1 || m_planes == planes),
               "pyramid %s: %d planes of %zu values with a %d-plane mask (need 1 or %d)", op, planes, n, m_planes,
               planes);
    const int bx = ob_cfg_block_x(cfg, 256);
    OB_REQUIRE_BLOCK(bx % 32 == 0 && bx <= 1024, "pyramid mix and accum need block_x a multiple of 32, at most 1024");
    const long long nb = ((long long)n + bx - 1) / bx;
    OB_REQUIRE(nb <= 0x7fffffffLL, "pyramid %s: %zu values too many for one launch", op, n);
    const dim3 grid((unsigned)nb, planes < 65535 ? (unsigned)planes : 65535u, 1), block((unsigned)bx, 1, 1);
    OB_LAUNCH(pyr_pointwise_kernel, grid, block, 0, ob_cfg_stream(cfg), out, a, b, m, planes, m_planes, (long long)n,
              accum);
    OB_CHECK_LAUNCH(pyr_pointwise_kernel);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_pyr_mix)(float *out, const float *a, const float *b, const float *m, int planes,
                                          int m_planes, size_t n, const ob_launch_cfg *cfg)
{
    return pointwise_launch("mix", out, a, b, m, planes, m_planes, n, 0, cfg);
}

extern "C" ob_status OB_GPU_FN(ob_pyr_accum)(float *acc, const float *a, const float *m, int planes, int m_planes,
                                            size_t n, const ob_launch_cfg *cfg)
{
    return pointwise_launch("accum", acc, a, a, m, planes, m_planes, n, 1, cfg);
}

static ob_status copy_op(float *dst, const float *src, size_t n, const ob_launch_cfg *cfg)
{
    if (dst != src)
        OB_CUDA_CHECK(cudaMemcpyAsync(dst, src, n * sizeof(float), cudaMemcpyDeviceToDevice,
                                      (cudaStream_t)ob_cfg_stream(cfg)));
    return OB_OK;
}

static const ob_pyr_ops gpu_ops = {OB_GPU_FN(ob_pyr_reduce), OB_GPU_FN(ob_pyr_expand), OB_GPU_FN(ob_pyr_mix),
                                   copy_op, OB_GPU_FN(ob_pyr_accum)};

extern "C" ob_status OB_GPU_FN(ob_pyr_gaussian)(float *pyr, const float *img, int planes, int h, int w, int levels,
                                               const ob_launch_cfg *cfg)
{
    return ob_pyr_gaussian_with(&gpu_ops, pyr, img, planes, h, w, levels, cfg);
}

extern "C" ob_status OB_GPU_FN(ob_pyr_laplacian)(float *pyr, const float *img, int planes, int h, int w, int levels,
                                                const ob_launch_cfg *cfg)
{
    return ob_pyr_laplacian_with(&gpu_ops, pyr, img, planes, h, w, levels, cfg);
}

extern "C" ob_status OB_GPU_FN(ob_pyr_collapse)(float *img, float *pyr, int planes, int h, int w, int levels,
                                               const ob_launch_cfg *cfg)
{
    return ob_pyr_collapse_with(&gpu_ops, img, pyr, planes, h, w, levels, cfg);
}

extern "C" ob_status OB_GPU_FN(ob_pyr_blend)(float *pyr, const float *pyr_b, const float *mask_pyr, int planes,
                                            int mask_planes, int h, int w, int levels, const ob_launch_cfg *cfg)
{
    return ob_pyr_blend_with(&gpu_ops, pyr, pyr_b, mask_pyr, planes, mask_planes, h, w, levels, cfg);
}

extern "C" ob_status OB_GPU_FN(ob_pyr_accumulate)(float *acc, const float *pyr, const float *w_pyr, int planes,
                                                 int w_planes, int h, int w, int levels, const ob_launch_cfg *cfg)
{
    return ob_pyr_accumulate_with(&gpu_ops, acc, pyr, w_pyr, planes, w_planes, h, w, levels, cfg);
}
