/* masked_ssd.cu — GPU path of masked_ssd.h (also built under cuda-emu).
 *
 * One block per tile of blockDim.x x (blockDim.y * R) candidates (R =
 * OB_SSD_ROWS_PER_THREAD): thread (tx, ty) owns the candidates (x0 + tx,
 * y0 + ty + r * blockDim.y), r < R, so every template value read from shared
 * memory serves R candidates. Per channel:
 *   load     the sample region the tile reads — the tile plus the support's
 *            bounding box minus one, (R*by + bh - 1) x (bx + bw - 1) — and the
 *            template (and M) on the support into shared memory;
 *   filter   each thread walks the support row by row (top strip rows, then the
 *            left strip's), a float sum per row with ob_masked_ssd_term, the row
 *            sums in double: the CPU path's operations in the CPU path's order,
 *            so the costs are bit-identical to it.
 * Shared memory beyond the default 48 KiB is opted into up to what the device
 * allows (cudaDevAttrMaxSharedMemoryPerBlockOptin: 227 KiB on H100, 163 KiB
 * on A100; large whole-template masks); more is refused with OB_ERR_ARG. */
#include "masked_ssd.h"
#include "ob_cuda_kernel.h"

enum { R = OB_SSD_ROWS_PER_THREAD, SMEM_DEFAULT = 48 * 1024 };

/* The opt-in limit of the current device (bytes per block). */
static ob_status smem_optin(int *bytes)
{
    int dev = 0;
    OB_CUDA_CHECK(cudaGetDevice(&dev));
    OB_CUDA_CHECK(cudaDeviceGetAttribute(bytes, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev));
    return OB_OK;
}

/* Bounding box (bh x bw) of the support: the L reaches the template's far
 * corner only along the strips present. */
OB_SSD_HD void support_box(int th, int tw, int ov_top, int ov_left, int *bh, int *bw)
{
    *bh = ov_left > 0 ? th : ov_top;
    *bw = ov_top > 0 ? tw : ov_left;
}

/* Shared floats for a bx x by block: the sample region, T on the support, and M. */
static size_t smem_floats(int bx, int by, int th, int tw, int ov_top, int ov_left, bool weighted)
{
    int bh, bw;
    support_box(th, tw, ov_top, ov_left, &bh, &bw);
    const size_t n = (size_t)ob_masked_ssd_support(th, tw, ov_top, ov_left);
    return (size_t)(R * by + bh - 1) * (bx + bw - 1) + n * (weighted ? 2 : 1);
}

template <bool WEIGHTED>
__global__ void masked_ssd_kernel(float *__restrict__ cost, const float *__restrict__ sample,
                                  const float *__restrict__ templ, const float *__restrict__ weights, int c, int h,
                                  int w, int th, int tw, int ov_top, int ov_left)
{
    OB_DYNAMIC_SHARED(float, smem);
    const int bx = blockDim.x, by = blockDim.y, tx = threadIdx.x, ty = threadIdx.y;
    const int tid = ty * bx + tx, nt = bx * by;
    const int nx = w - tw + 1, ny = h - th + 1;
    const int x0 = blockIdx.x * bx, y0 = blockIdx.y * (R * by);
    const int n = ob_masked_ssd_support(th, tw, ov_top, ov_left);
    int bh, bw;
    support_box(th, tw, ov_top, ov_left, &bh, &bw);
    const int rw = bx + bw - 1, rh = R * by + bh - 1;
    float *region = smem, *tt = region + rh * rw, *tm = tt + n; /* region (rh, rw); tt, tm (n) */

    double total[R];
    for (int r = 0; r < R; r++) total[r] = 0;
    for (int ch = 0; ch < c; ch++) {
        __syncthreads(); /* the previous channel's region and template are no longer read */
        const float *plane = sample + (size_t)ch * h * w;
        for (int k = tid; k < rh * rw; k += nt) {
            const int gy = y0 + k / rw, gx = x0 + k % rw;
            region[k] = gy < h && gx < w ? plane[(size_t)gy * w + gx] : 0.0f;
        }
        for (int q = tid; q < n; q += nt) {
            int i, j;
            ob_masked_ssd_cell(q, tw, ov_top, ov_left, &i, &j);
            tt[q] = templ[((size_t)ch * th + i) * tw + j];
            if (WEIGHTED) tm[q] = weights[i * tw + j];
        }
        __syncthreads();
        const float *mine = region + ty * rw + tx;
        int q = 0; /* the support in path order: top strip rows, then the left strip below */
        for (int i = 0; i < th; i++) {
            const int len = i < ov_top ? tw : ov_left;
            if (len == 0) continue;
            const float *row = mine + i * rw;
            float acc[R];
            for (int r = 0; r < R; r++) acc[r] = 0;
            for (int j = 0; j < len; j++, q++) {
                const float t = tt[q];
                for (int r = 0; r < R; r++) {
                    const float x = row[r * by * rw + j];
                    acc[r] = WEIGHTED ? ob_masked_ssd_wterm(acc[r], tm[q], t, x) : ob_masked_ssd_term(acc[r], t, x);
                }
            }
            for (int r = 0; r < R; r++) total[r] += acc[r];
        }
    }
    for (int r = 0; r < R; r++) {
        const int y = y0 + ty + r * by, x = x0 + tx;
        if (y < ny && x < nx) cost[(size_t)y * nx + x] = (float)total[r];
    }
}

extern "C" ob_status OB_GPU_FN(ob_masked_ssd)(float *cost, const float *sample, const float *templ,
                                             const float *weights, int c, int h, int w, int th, int tw, int ov_top,
                                             int ov_left, const ob_launch_cfg *cfg)
{
    OB_TRY(ob_masked_ssd_check(c, h, w, th, tw, ov_top, ov_left));
    OB_REQUIRE(cost && sample && templ, "masked_ssd: null pointer");
    const int bx = ob_cfg_block_x(cfg, 32), by = ob_cfg_block_y(cfg, 8);
    OB_REQUIRE_BLOCK(bx % 32 == 0 && bx * by <= 1024, "masked_ssd needs block_x a multiple of 32 and at most 1024 threads");
    const bool weighted = weights != NULL;
    const size_t smem = smem_floats(bx, by, th, tw, ov_top, ov_left, weighted) * sizeof(float);
    int limit = SMEM_DEFAULT;
    if (smem > SMEM_DEFAULT) OB_TRY(smem_optin(&limit));
    OB_REQUIRE(smem <= (size_t)limit,
               "masked_ssd: template %dx%d (strips %d, %d) with block %dx%d needs %zu bytes of shared memory (this GPU "
               "allows %d); use a smaller block", th, tw, ov_top, ov_left, bx, by, smem, limit);
    const int nx = w - tw + 1, ny = h - th + 1;
    const unsigned gx = ob_ceil_div(nx, bx), gy = ob_ceil_div(ny, (long long)R * by);
    OB_REQUIRE(gy <= 65535u, "masked_ssd: %d candidate rows too many for one launch", ny);
    const dim3 grid(gx, gy), block((unsigned)bx, (unsigned)by);
    if (weighted) {
        if (smem > SMEM_DEFAULT)
            OB_CUDA_CHECK(cudaFuncSetAttribute(masked_ssd_kernel<true>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                               (int)smem));
        OB_LAUNCH(masked_ssd_kernel<true>, grid, block, smem, ob_cfg_stream(cfg), cost, sample, templ, weights, c, h,
                  w, th, tw, ov_top, ov_left);
        OB_CHECK_LAUNCH(masked_ssd_kernel<true>);
    } else {
        if (smem > SMEM_DEFAULT)
            OB_CUDA_CHECK(cudaFuncSetAttribute(masked_ssd_kernel<false>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                               (int)smem));
        OB_LAUNCH(masked_ssd_kernel<false>, grid, block, smem, ob_cfg_stream(cfg), cost, sample, templ, weights, c, h,
                  w, th, tw, ov_top, ov_left);
        OB_CHECK_LAUNCH(masked_ssd_kernel<false>);
    }
    return OB_OK;
}
