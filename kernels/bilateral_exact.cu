/* bilateral_exact.cu — GPU path of bilateral_exact.h (also built under cuda-emu).
 *
 * One thread per output pixel, a block per tile of block_x x block_y pixels.
 * The block's window spans rows y0 - r .. y0 + block_y - 1 + r and columns
 * x0 - r .. x0 + block_x - 1 + r; it is walked in bands of `band` rows: the
 * band's input and guide are staged in shared memory (band x (block_x + 2r)
 * each), then every thread adds the band's rows that fall in its disc. Rows go
 * top to bottom and dx left to right, so each pixel's sum has the CPU path's
 * order (bilateral_exact_cpu.c) and the two differ by expf's and FMA's
 * rounding only. The 1-D spatial weights sit in shared memory too. Neighbours
 * outside the image are skipped by their coordinates (never by a sentinel), as
 * on the CPU. */
#include "bilateral_exact.h"
#include "ob_cuda_kernel.h"

enum { SMEM_LIMIT = 48 * 1024 };

/* Dynamic shared memory, in floats: the spatial table and one band of in and guide. */
static inline size_t smem_floats(int r, int band, int bx) { return (size_t)(r + 1) + 2 * (size_t)band * (bx + 2 * r); }

__global__ void bilateral_exact_kernel(float *__restrict__ out, const float *__restrict__ in,
                                       const float *__restrict__ guide, int h, int w, int r, int band, float nhs,
                                       float nhr)
{
    OB_DYNAMIC_SHARED(float, smem);
    const int bw = blockDim.x + 2 * r; /* band width */
    float *sp = smem, *s_in = sp + (r + 1), *s_g = s_in + (size_t)band * bw;
    const int tid = threadIdx.y * blockDim.x + threadIdx.x, nt = blockDim.x * blockDim.y;
    const int x0 = blockIdx.x * blockDim.x, y0 = blockIdx.y * blockDim.y;
    const int x = x0 + threadIdx.x, y = y0 + threadIdx.y;
    const bool live = x < w && y < h;
    for (int k = tid; k <= r; k += nt) sp[k] = ob_bilx_spatial(k, nhs);
    const float gp = live ? guide[(size_t)y * w + x] : 0.f;
    float s = 0.f, wsum = 0.f;
    const int top = max(y0 - r, 0), bottom = min(y0 + (int)blockDim.y - 1 + r, h - 1);
    for (int b0 = top; b0 <= bottom; b0 += band) {
        const int rows = min(band, bottom - b0 + 1);
        __syncthreads(); /* the previous band is no longer read (and sp is written) */
        for (int k = tid; k < rows * bw; k += nt) {
            const int qy = b0 + k / bw, qx = x0 - r + k % bw;
            const bool in_img = qx >= 0 && qx < w;
            s_in[k] = in_img ? in[(size_t)qy * w + qx] : 0.f;
            s_g[k] = in_img ? guide[(size_t)qy * w + qx] : 0.f;
        }
        __syncthreads();
        if (!live) continue;
        for (int i = 0; i < rows; i++) {
            const int dy = b0 + i - y;
            if (dy < -r || dy > r) continue;
            const int hw = ob_bilx_half_width(dy, r);
            const int dx0 = max(-hw, -x), dx1 = min(hw, w - 1 - x);
            const float wy = sp[dy < 0 ? -dy : dy];
            const float *ri = s_in + i * bw + (x - x0 + r), *rg = s_g + i * bw + (x - x0 + r);
            for (int dx = dx0; dx <= dx1; dx++) {
                const float d = rg[dx] - gp;
                const float wgt = (wy * sp[dx < 0 ? -dx : dx]) * expf(d * d * nhr);
                s += wgt * ri[dx];
                wsum += wgt;
            }
        }
    }
    if (live) out[(size_t)y * w + x] = s / wsum; /* wsum >= the centre's weight, 1 */
}

extern "C" ob_status OB_GPU_FN(ob_bilateral_exact)(float *out, const float *in, const float *guide, int h, int w,
                                                  float sigma_s, float sigma_r, const ob_launch_cfg *cfg)
{
    int r;
    OB_TRY(ob_bilateral_exact_check(&r, h, w, sigma_s, sigma_r));
    OB_REQUIRE(out && in && guide, "bilateral exact: null pointer");
    const int bx = ob_cfg_block_x(cfg, 32), by = ob_cfg_block_y(cfg, 8);
    OB_REQUIRE_BLOCK(bx <= 1024 && by <= 1024 && bx * by <= 1024, "bilateral exact needs block_x*block_y <= 1024");
    /* the tallest band (up to the block's height) whose staging fits in 48 KiB */
    int band = by;
    while (band > 1 && smem_floats(r, band, bx) * sizeof(float) > SMEM_LIMIT) band--;
    const size_t smem = smem_floats(r, band, bx) * sizeof(float);
    OB_REQUIRE(smem <= SMEM_LIMIT,
               "launch configuration: bilateral exact with radius %d and block_x %d needs %zu bytes of shared memory "
               "(max %d): use a narrower block",
               r, bx, smem, SMEM_LIMIT);
    const unsigned gx = ob_ceil_div(w, bx), gy = ob_ceil_div(h, by);
    OB_REQUIRE(gy <= 65535u, "bilateral exact: image height %d too large for one launch with block_y %d", h, by);
    OB_LAUNCH(bilateral_exact_kernel, dim3(gx, gy, 1), dim3(bx, by, 1), smem, ob_cfg_stream(cfg), out, in, guide, h,
              w, r, band, ob_bilx_neg_half_inv_var(sigma_s), ob_bilx_neg_half_inv_var(sigma_r));
    OB_CHECK_LAUNCH(bilateral_exact_kernel);
    return OB_OK;
}
