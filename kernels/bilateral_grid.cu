/* bilateral_grid.cu — GPU path of bilateral_grid.h (also built under cuda-emu).
 *
 * What each stage computes is the CPU path's (bilateral_grid_cpu.c), with the
 * position rule shared through bilateral_grid.h; how it is scheduled:
 *   range  grid-stride loop, warp-shuffle min / max / count of non-finite
 *          values per block, partials summed on the host (block_sum.cuh's
 *          buffers), so the filter's call synchronises once, here.
 *   splat  a gather, one thread per cell: the cell walks the pixels its tent
 *          reaches in raster order and adds those whose 2x2x2 neighbourhood
 *          holds it — no atomics, and the CPU's order, so the two agree to
 *          rounding. threadIdx.x runs along the range axis, so a warp's lanes
 *          read the same pixel at once (one broadcast load). A cell reads
 *          ~(2 cell_s + 3)^2 pixels: about 4 reads per pixel per range cell
 *          in total, cheap next to the memory traffic of the image.
 *   blur   one launch per axis, one thread per cell, taps staged in shared
 *          memory (a kernel parameter array indexed at run time would go to
 *          local memory).
 *   slice  one thread per pixel, 8 cells read, sum / weight.
 */
#include "bilateral_grid.h"
#include "block_sum.cuh"

enum { RANGE_THREADS = 256, RANGE_MAX_BLOCKS = 1024 };

/* ---- range --------------------------------------------------------------- */

__global__ void range_partial_kernel(double *__restrict__ partial, const float *__restrict__ guide, long long n)
{
    __shared__ float s_lo[32], s_hi[32];
    __shared__ int s_bad[32];
    float lo = INFINITY, hi = -INFINITY;
    int bad = 0;
    const long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        const float v = guide[i];
        if (!isfinite(v)) bad++;
        lo = fminf(lo, v), hi = fmaxf(hi, v); /* fminf ignores a NaN operand */
    }
    for (int off = 16; off > 0; off >>= 1) {
        lo = fminf(lo, __shfl_down_sync(0xffffffffu, lo, off));
        hi = fmaxf(hi, __shfl_down_sync(0xffffffffu, hi, off));
        bad += __shfl_down_sync(0xffffffffu, bad, off);
    }
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;
    if (lane == 0) s_lo[warp] = lo, s_hi[warp] = hi, s_bad[warp] = bad;
    __syncthreads();
    if (warp == 0) {
        lo = lane < nwarps ? s_lo[lane] : INFINITY;
        hi = lane < nwarps ? s_hi[lane] : -INFINITY;
        bad = lane < nwarps ? s_bad[lane] : 0;
        for (int off = 16; off > 0; off >>= 1) {
            lo = fminf(lo, __shfl_down_sync(0xffffffffu, lo, off));
            hi = fmaxf(hi, __shfl_down_sync(0xffffffffu, hi, off));
            bad += __shfl_down_sync(0xffffffffu, bad, off);
        }
        if (lane == 0) {
            partial[3 * blockIdx.x] = lo, partial[3 * blockIdx.x + 1] = hi, partial[3 * blockIdx.x + 2] = bad;
        }
    }
}

extern "C" ob_status OB_GPU_FN(ob_bilateral_grid_range)(float *gmin, float *gmax, const float *guide, size_t n,
                                                       const ob_launch_cfg *cfg)
{
    OB_REQUIRE(gmin && gmax && guide && n >= 1, "bilateral grid: range of an empty or null guide");
    const long long want = ((long long)n + RANGE_THREADS - 1) / RANGE_THREADS;
    const int grid = want < RANGE_MAX_BLOCKS ? (int)want : RANGE_MAX_BLOCKS;
    ob_partials parts;
    OB_TRY(ob_partials_get(&parts, 3 * (size_t)grid, cfg, "bilateral grid range"));
    OB_LAUNCH(range_partial_kernel, grid, RANGE_THREADS, 0, ob_cfg_stream(cfg), parts.dev, guide, (long long)n);
    ob_status st = ob_partials_fetch(&parts, cfg, "range_partial_kernel");
    const double *host = parts.host;
    double lo = 0, hi = 0, bad = 0;
    if (st == OB_OK) {
        lo = host[0], hi = host[1];
        for (int b = 0; b < grid; b++) {
            lo = host[3 * b] < lo ? host[3 * b] : lo;
            hi = host[3 * b + 1] > hi ? host[3 * b + 1] : hi;
            bad += host[3 * b + 2];
        }
    }
    ob_partials_put(&parts);
    if (st != OB_OK) return st;
    if (bad > 0) return OB_FAIL(OB_ERR_ARG, "bilateral grid: the guide holds %.0f non-finite values", bad);
    *gmin = (float)lo, *gmax = (float)hi;
    return OB_OK;
}

/* ---- splat: one thread per cell (cz, cx, cy) ------------------------------ */

__global__ void splat_gather_kernel(float *__restrict__ grid, const float *__restrict__ in,
                                    const float *__restrict__ guide, ob_bilateral_grid_geom g)
{
    const int cz = blockIdx.x * blockDim.x + threadIdx.x, cx = blockIdx.y * blockDim.y + threadIdx.y;
    const int cy = blockIdx.z;
    if (cz >= g.gd || cx >= g.gw) return;
    const float cell_s = 1.f / g.inv_s;
    /* the pixels whose cell is c - 1 or c, with a pixel of margin (as the CPU) */
    const int y0 = max((int)((cy - 1) * cell_s) - 1, 0), y1 = min((int)((cy + 1) * cell_s) + 1, g.h - 1);
    const int x0 = max((int)((cx - 1) * cell_s) - 1, 0), x1 = min((int)((cx + 1) * cell_s) + 1, g.w - 1);
    float s = 0.f, wsum = 0.f;
    for (int y = y0; y <= y1; y++) {
        float ty;
        const int iy = ob_bil_cell((float)y * g.inv_s, g.gh, &ty);
        if (iy != cy && iy + 1 != cy) continue;
        const float wy = ob_bil_tent(cy, iy, ty);
        for (int x = x0; x <= x1; x++) {
            float tx, tz;
            const int ix = ob_bil_cell((float)x * g.inv_s, g.gw, &tx);
            if (ix != cx && ix + 1 != cx) continue;
            const size_t p = (size_t)y * g.w + x;
            const int iz = ob_bil_cell(ob_bil_zpos(guide[p], g.gmin, g.inv_r), g.gd, &tz);
            if (iz != cz && iz + 1 != cz) continue;
            const float wgt = (wy * ob_bil_tent(cx, ix, tx)) * ob_bil_tent(cz, iz, tz);
            s += wgt * in[p];
            wsum += wgt;
        }
    }
    float *cell = grid + (((size_t)cy * g.gw + cx) * g.gd + cz) * 2;
    cell[0] = s, cell[1] = wsum;
}

/* ---- blur: one pass along `axis` (0 x, 1 y, 2 range), one thread per cell -- */

__global__ void blur_axis_kernel(float *__restrict__ dst, const float *__restrict__ src, ob_bilateral_grid_geom g,
                                 int axis)
{
    __shared__ float s_taps[OB_BILATERAL_GRID_MAX_RADIUS + 1];
    if (threadIdx.x == 0 && threadIdx.y == 0) {
#pragma unroll
        for (int k = 0; k <= OB_BILATERAL_GRID_MAX_RADIUS; k++) /* unrolled: constant parameter offsets */
            s_taps[k] = axis == 2 ? g.taps_r[k] : g.taps_s[k];
    }
    __syncthreads();
    const int cz = blockIdx.x * blockDim.x + threadIdx.x, cx = blockIdx.y * blockDim.y + threadIdx.y;
    const int cy = blockIdx.z;
    if (cz >= g.gd || cx >= g.gw) return;
    const int c = axis == 0 ? cx : (axis == 1 ? cy : cz);
    const int n = axis == 0 ? g.gw : (axis == 1 ? g.gh : g.gd);
    const int radius = axis == 2 ? g.radius_r : g.radius_s;
    const long long stride = axis == 0 ? 2LL * g.gd : (axis == 1 ? 2LL * g.gw * g.gd : 2LL);
    const long long at = (((long long)cy * g.gw + cx) * g.gd + cz) * 2;
    const float *line = src + at - (long long)c * stride;
    float s = 0.f, wsum = 0.f;
    for (int k = -radius; k <= radius; k++) {
        const int j = c + k;
        if (j < 0 || j >= n) continue; /* empty cells beyond the grid */
        const float t = s_taps[k < 0 ? -k : k];
        s += t * line[j * stride];
        wsum += t * line[j * stride + 1];
    }
    dst[at] = s, dst[at + 1] = wsum;
}

/* ---- slice: one thread per pixel ------------------------------------------ */

__global__ void slice_kernel(float *__restrict__ out, const float *__restrict__ grid, const float *__restrict__ in,
                             const float *__restrict__ guide, ob_bilateral_grid_geom g)
{
    const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= g.w || y >= g.h) return;
    const size_t p = (size_t)y * g.w + x;
    float tx, ty, tz;
    const int iy = ob_bil_cell((float)y * g.inv_s, g.gh, &ty);
    const int ix = ob_bil_cell((float)x * g.inv_s, g.gw, &tx);
    const int iz = ob_bil_cell(ob_bil_zpos(guide[p], g.gmin, g.inv_r), g.gd, &tz);
    float s = 0.f, wsum = 0.f;
    for (int b = 0; b < 2; b++)
        for (int a = 0; a < 2; a++) {
            const float wxy = (b ? ty : 1.f - ty) * (a ? tx : 1.f - tx);
            const float *cell = grid + (((size_t)(iy + b) * g.gw + ix + a) * g.gd + iz) * 2;
            s += wxy * ((1.f - tz) * cell[0] + tz * cell[2]);
            wsum += wxy * ((1.f - tz) * cell[1] + tz * cell[3]);
        }
    out[p] = wsum > 0.f ? s / wsum : in[p];
}

/* ---- launchers ------------------------------------------------------------ */

/* Block shape from cfg (defaults dx x dy) and its check. */
static ob_status block_shape(dim3 *block, const ob_launch_cfg *cfg, int dx, int dy)
{
    const int bx = ob_cfg_block_x(cfg, dx), by = ob_cfg_block_y(cfg, dy);
    OB_REQUIRE_BLOCK(bx <= 1024 && by <= 1024 && bx * by <= 1024, "bilateral grid needs block_x*block_y <= 1024");
    *block = dim3((unsigned)bx, (unsigned)by, 1);
    return OB_OK;
}

/* Grid of cell threads: range along x, grid x along y, grid y along z. */
static ob_status cell_launch(dim3 *grid, dim3 *block, const ob_bilateral_grid_geom *g, const ob_launch_cfg *cfg)
{
    OB_TRY(block_shape(block, cfg, 32, 4));
    const unsigned gx = ob_ceil_div(g->gd, block->x), gy = ob_ceil_div(g->gw, block->y);
    OB_REQUIRE(gy <= 65535u && g->gh <= 65535, "bilateral grid: %d x %d x %d cells too many for one launch", g->gw,
               g->gh, g->gd);
    *grid = dim3(gx, gy, (unsigned)g->gh);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_bilateral_grid_splat)(float *grid, const float *in, const float *guide,
                                                       const ob_bilateral_grid_geom *g, const ob_launch_cfg *cfg)
{
    OB_REQUIRE(grid && in && guide && g, "bilateral grid splat: null pointer");
    dim3 gr, bl;
    OB_TRY(cell_launch(&gr, &bl, g, cfg));
    OB_LAUNCH(splat_gather_kernel, gr, bl, 0, ob_cfg_stream(cfg), grid, in, guide, *g);
    OB_CHECK_LAUNCH(splat_gather_kernel);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_bilateral_grid_blur)(float *dst, float *src, const ob_bilateral_grid_geom *g,
                                                      const ob_launch_cfg *cfg)
{
    OB_REQUIRE(dst && src && g && dst != src, "bilateral grid blur: null or aliased grids");
    dim3 gr, bl;
    OB_TRY(cell_launch(&gr, &bl, g, cfg));
    /* x: src -> dst, y: dst -> src, range: src -> dst */
    OB_LAUNCH(blur_axis_kernel, gr, bl, 0, ob_cfg_stream(cfg), dst, src, *g, 0);
    OB_CHECK_LAUNCH(blur_axis_kernel);
    OB_LAUNCH(blur_axis_kernel, gr, bl, 0, ob_cfg_stream(cfg), src, dst, *g, 1);
    OB_CHECK_LAUNCH(blur_axis_kernel);
    OB_LAUNCH(blur_axis_kernel, gr, bl, 0, ob_cfg_stream(cfg), dst, src, *g, 2);
    OB_CHECK_LAUNCH(blur_axis_kernel);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_bilateral_grid_slice)(float *out, const float *grid, const float *in,
                                                       const float *guide, const ob_bilateral_grid_geom *g,
                                                       const ob_launch_cfg *cfg)
{
    OB_REQUIRE(out && grid && in && guide && g, "bilateral grid slice: null pointer");
    dim3 bl;
    OB_TRY(block_shape(&bl, cfg, 32, 8));
    const unsigned gx = ob_ceil_div(g->w, bl.x), gy = ob_ceil_div(g->h, bl.y);
    OB_REQUIRE(gy <= 65535u, "bilateral grid: image height %d too large for one launch with block_y %u", g->h, bl.y);
    OB_LAUNCH(slice_kernel, dim3(gx, gy, 1), bl, 0, ob_cfg_stream(cfg), out, grid, in, guide, *g);
    OB_CHECK_LAUNCH(slice_kernel);
    return OB_OK;
}

/* splat, blur, slice into caller-free device grids a, b; then waits for the stream. */
static ob_status run_stages(float *out, const float *in, const float *guide, float *a, float *b,
                            const ob_bilateral_grid_geom *g, const ob_launch_cfg *cfg)
{
    OB_TRY(OB_GPU_FN(ob_bilateral_grid_splat)(a, in, guide, g, cfg));
    OB_TRY(OB_GPU_FN(ob_bilateral_grid_blur)(b, a, g, cfg));
    OB_TRY(OB_GPU_FN(ob_bilateral_grid_slice)(out, b, in, guide, g, cfg));
    OB_CUDA_CHECK(cudaStreamSynchronize((cudaStream_t)ob_cfg_stream(cfg)));
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_bilateral_grid)(float *out, const float *in, const float *guide, int h, int w,
                                                 float sigma_s, float sigma_r, const ob_bilateral_grid_opts *opts,
                                                 const ob_launch_cfg *cfg)
{
    OB_REQUIRE(out && in && guide, "bilateral grid: null pointer");
    OB_REQUIRE(h >= 1 && w >= 1, "bilateral grid: image size must be >= 1 (got %d x %d)", h, w);
    float gmin, gmax;
    ob_bilateral_grid_geom g;
    OB_TRY(OB_GPU_FN(ob_bilateral_grid_range)(&gmin, &gmax, guide, (size_t)h * w, cfg));
    OB_TRY(ob_bilateral_grid_geometry(&g, h, w, sigma_s, sigma_r, gmin, gmax, opts));
    const size_t bytes = ob_bilateral_grid_cells(&g) * 2 * sizeof(float);
    /* the two grids: one scratch block (the workspace's, when cfg lends one);
     * the splat, blur and slice launchers take no scratch of their own */
    const size_t aligned = (bytes + 255) / 256 * 256;
    ob_launch_scratch sc;
    OB_TRY(ob_scratch_get(&sc, cfg, 2 * aligned, 0, "bilateral grid"));
    float *a = (float *)sc.dev, *b = (float *)((char *)sc.dev + aligned);
    ob_status s = run_stages(out, in, guide, a, b, &g, cfg);
    ob_scratch_put(&sc);
    return s;
}
