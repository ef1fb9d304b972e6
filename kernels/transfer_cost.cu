/* transfer_cost.cu — GPU path of transfer_cost.h (also built under cuda-emu).
 *
 * One thread per candidate position, 2-D blocks over the (ny, nx) cost map.
 * The target patch is walked in chunks of `kr` rows; per chunk, in shared memory:
 *   load        the sample rows the block's candidates need for these target
 *               rows, (by + rows - 1) x (bx + pw - 1), and the chunk's target
 *               rows, rows x pw;
 *   accumulate  each thread adds (Ls - Lt)^2 over the chunk's cells, i then j,
 *               in double with fma — the CPU path's order, so the same bits.
 * kr is the most rows that fit in 48 KiB with the block's sample window, so
 * one launch serves any patch up to ~12k / (bx + by) pixels wide.
 * luma is elementwise (transfer_cost.h's ob_transfer_luma_at). */
#include "ob_cuda_kernel.h"
#include "transfer_cost.h"

enum { SMEM_LIMIT = 48 * 1024 };

__global__ void transfer_cost_kernel(float *__restrict__ cost, const float *__restrict__ s,
                                     const float *__restrict__ t, int h, int w, int wt, int ny, int nx, int ph, int pw,
                                     int kr)
{
    OB_DYNAMIC_SHARED(float, smem);
    const int bx = blockDim.x, by = blockDim.y, sw = bx + pw - 1;
    float *ss = smem, *ts = smem + (by + kr - 1) * sw; /* ss: (by + kr - 1, sw), ts: (kr, pw) */
    const int x0 = blockIdx.x * bx, y0 = blockIdx.y * by;
    const int tid = threadIdx.y * bx + threadIdx.x, nt = bx * by;
    const int x = x0 + threadIdx.x, y = y0 + threadIdx.y;
    const bool live = x < nx && y < ny;
    double acc = 0;
    for (int i0 = 0; i0 < ph; i0 += kr) {
        const int rows = min(kr, ph - i0), sh = by + rows - 1;
        for (int k = tid; k < sh * sw; k += nt) {
            const int gy = y0 + i0 + k / sw, gx = x0 + k % sw;
            ss[k] = gy < h && gx < w ? s[(size_t)gy * w + gx] : 0.0f;
        }
        for (int k = tid; k < rows * pw; k += nt) ts[k] = t[(size_t)(i0 + k / pw) * wt + k % pw];
        __syncthreads();
        if (live)
            for (int i = 0; i < rows; i++) {
                const float *srow = ss + (threadIdx.y + i) * sw + threadIdx.x, *trow = ts + i * pw;
                for (int j = 0; j < pw; j++) {
                    const double d = (double)srow[j] - (double)trow[j];
                    acc = fma(d, d, acc);
                }
            }
        __syncthreads(); /* the next chunk overwrites both tiles */
    }
    if (live) cost[(size_t)y * nx + x] = (float)acc;
}

__global__ void transfer_luma_kernel(float *__restrict__ lum, const float *__restrict__ img, int c, long long n)
{
    const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) lum[i] = ob_transfer_luma_at(img, c, (size_t)n, (size_t)i);
}

extern "C" ob_status OB_GPU_FN(ob_transfer_cost)(float *cost, const float *sample_lum, const float *target_lum, int h,
                                                int w, int ht, int wt, int ty, int tx, int p,
                                                const ob_launch_cfg *cfg)
{
    OB_TRY(ob_transfer_cost_check(h, w, ht, wt, ty, tx, p));
    OB_REQUIRE(cost && sample_lum && target_lum, "transfer cost: null pointer");
    const int bx = ob_cfg_block_x(cfg, 32), by = ob_cfg_block_y(cfg, 8);
    OB_REQUIRE_BLOCK(bx % 32 == 0 && bx <= 1024 && by <= 1024 && bx * by <= 1024,
                     "transfer cost needs block_x a multiple of 32 and block_x*block_y <= 1024");
    const int ny = h - p + 1, nx = w - p + 1;
    const int ph = p < ht - ty ? p : ht - ty, pw = p < wt - tx ? p : wt - tx;
    /* rows per chunk: (by + kr - 1) * sw + kr * pw floats within the limit */
    const long long sw = bx + pw - 1, budget = SMEM_LIMIT / (long long)sizeof(float);
    long long kr = (budget - (by - 1) * sw) / (sw + pw);
    OB_REQUIRE(kr >= 1, "launch configuration: transfer cost with a %d-pixel-wide patch and %d x %d blocks needs more "
               "than %d bytes of shared memory", pw, bx, by, SMEM_LIMIT);
    if (kr > ph) kr = ph;
    const size_t smem = (size_t)((by + kr - 1) * sw + kr * pw) * sizeof(float);
    const unsigned gx = ob_ceil_div(nx, bx), gy = ob_ceil_div(ny, by);
    OB_REQUIRE(gy <= 65535u, "transfer cost: %d candidate rows too many for one launch with block_y %d", ny, by);
    OB_LAUNCH(transfer_cost_kernel, dim3(gx, gy, 1), dim3((unsigned)bx, (unsigned)by, 1), smem, ob_cfg_stream(cfg),
              cost, sample_lum, target_lum + (size_t)ty * wt + tx, h, w, wt, ny, nx, ph, pw, (int)kr);
    OB_CHECK_LAUNCH(transfer_cost_kernel);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_transfer_luma)(float *lum, const float *img, int c, int h, int w,
                                                const ob_launch_cfg *cfg)
{
    OB_TRY(ob_transfer_luma_check(c, h, w));
    OB_REQUIRE(lum && img, "transfer luminance: null pointer");
    const int bx = ob_cfg_block_x(cfg, 256);
    OB_REQUIRE_BLOCK(bx % 32 == 0 && bx <= 1024, "transfer luminance needs block_x a multiple of 32, at most 1024");
    const long long n = (long long)h * w;
    OB_LAUNCH(transfer_luma_kernel, dim3(ob_ceil_div(n, bx), 1, 1), dim3((unsigned)bx, 1, 1), 0, ob_cfg_stream(cfg),
              lum, img, c, n);
    OB_CHECK_LAUNCH(transfer_luma_kernel);
    return OB_OK;
}
