/* bilateral_grid.h — the bilateral grid (Chen, Paris & Durand 2007; the three
 * stages of Halide's apps/bilateral_grid): a fast approximation of the
 * bilateral filter
 *     out(p) = sum_q G_s(|p - q|) G_r(g(p) - g(q)) in(q) / sum_q (same weights)
 * with spatial sigma sigma_s in pixels and range sigma sigma_r in the guide's
 * units. bilateral_exact.h computes the same sum by brute force.
 *
 * Contract
 *   in, guide, out: (h, w) planar float32, caller-owned, contiguous. guide may
 *   equal in (the plain bilateral filter) or be another channel (cross/joint
 *   bilateral, e.g. the log intensity of an HDR image); out must not overlap
 *   either. h, w >= 1; sigma_s, sigma_r > 0 and finite; the guide must be
 *   finite (OB_ERR_ARG otherwise, the offending value named).
 *
 * Geometry (ob_bilateral_grid_geometry, shared by every path)
 *   A cell is cell_s = sigma_s / rate_s pixels wide and tall and cell_r =
 *   sigma_r / rate_r guide units deep (rates from opts; default 1, i.e. the
 *   cell is one sigma). Pixel (x, y) with guide value g sits at grid position
 *     (x / cell_s,  y / cell_s,  (g - gmin) / cell_r)
 *   gmin, gmax the guide's extremes (a reduction, the first step of every
 *   call), so the grid has
 *     gw = floor((w - 1) / cell_s) + 2,  gh = likewise,
 *     gd = floor((gmax - gmin) / cell_r) + 2
 *   cells and every pixel's 2x2x2 neighbourhood lies inside. No padding is
 *   needed: cells beyond the grid hold no mass, so the blur reads them as 0,
 *   and the slice never reads them. At most OB_BILATERAL_GRID_MAX_CELLS cells
 *   (OB_ERR_ARG naming the sizes otherwise: raise sigma_r or lower the rates).
 *
 * Stages (each callable on its own; grids are (gh, gw, gd, 2) float32: the
 * pair (sum of weight * in, sum of weight), range index fastest)
 *   splat  each pixel adds (in, 1) to its 8 neighbouring cells with trilinear
 *          weights (tent of one cell along each axis). Deterministic: a cell
 *          adds its pixels in raster order on every path (the CPU scatters by
 *          rows of cells, the GPU gathers per cell), so no atomics.
 *   blur   a Gaussian of sigma_b = sqrt(rate^2 - 1/3) cells along x, y, then
 *          range (three separable passes, taps to ceil(3 sigma_b), zero
 *          outside the grid). Why not sigma = 1 cell: the splat tent and the
 *          slice tent each add variance 1/6 cell^2, so this choice makes the
 *          whole chain's variance (rate cells)^2 = sigma^2 on every axis, i.e.
 *          the grid approximates a Gaussian of the requested sigmas rather
 *          than a ~15% wider one. Hence rates must exceed sqrt(1/3); we accept
 *          [0.6, 8].
 *   slice  trilinear interpolation of (sum, weight) at the pixel's position;
 *          out = sum / weight. The pixel's own splat makes weight > 0; should
 *          it ever be 0 (underflow), out = in.
 *
 * Paths
 *   _cpu   OpenMP: splat over bands of cell rows (each task owns its rows,
 *          so the sums are reproducible), blur over lines of cells, slice over
 *          pixel rows. Workspace: two grids, malloc'd per call.
 *   _cuda  kernels/bilateral_grid.cu, device pointers (_emu: the same source
 *          under cuda-emu, host pointers). The whole-filter launcher computes
 *          the guide's range on the device (partials read back to the host, so
 *          the call synchronises the stream), then allocates its two grids with
 *          cudaMalloc and frees them before returning. The stage launchers
 *          take caller-owned device grids sized ob_bilateral_grid_cells(geom)*2
 *          floats. cfg (NULL = defaults): block_x, block_y with block_x *
 *          block_y <= 1024; grid kernels put block_x along the range axis
 *          (default 32 x 4), pixel kernels along x (default 32 x 8); the
 *          range reduction always runs 256-thread blocks.
 *   ob_bilateral_grid: tensors (H, W) or (1, H, W) + context; guide NULL =
 *          in. out pre-allocated with in's shape.
 *
 * Accuracy (tests/test_bilateral.c): against the exact filter on the log10
 * intensity of a photo (astronaut, 192x192 centre crop, range 2.41) at
 * sigma_s = 16 px, sigma_r = 0.4, default rates give a PSNR of 47.4 dB (peak =
 * the data range; the test requires >= 35). bench_bilateral prints it for
 * other rates and sigma_r. With sigma_r huge the grid is a Gaussian blur of
 * sigma_s up to the tents' aliasing, which falls as 1/rate^2.
 *
 * Values: NaN or inf in `in` spreads to the outputs whose cells it reaches
 * (not checked: the cost would be another pass).
 *
 * Example
 *   // base layer of Durand & Dorsey tone mapping: log10 intensity, filtered
 *   OB_TRY(ob_bilateral_grid_cpu(base, logi, logi, h, w, 0.02f * w, 0.4f, NULL));
 */
#ifndef OB_BILATERAL_GRID_H
#define OB_BILATERAL_GRID_H

#include <math.h>
#include <stddef.h>

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Sampling rates: cells of sigma/rate; 0 = default 1. Accepted: [0.6, 8]. */
typedef struct {
    float rate_s; /* spatial */
    float rate_r; /* range */
} ob_bilateral_grid_opts;

#define OB_BILATERAL_GRID_MAX_RADIUS 24 /* blur taps either side: ceil(3*sqrt(8^2 - 1/3)) */
#define OB_BILATERAL_GRID_MAX_CELLS ((long long)1 << 28)

/* Everything the stages need to agree on; filled by ob_bilateral_grid_geometry. */
typedef struct {
    int h, w;             /* image */
    int gw, gh, gd;       /* cells along x, y, range */
    float inv_s, inv_r;   /* 1 / cell_s (per pixel), 1 / cell_r (per guide unit) */
    float gmin;           /* guide value at range position 0 */
    int radius_s, radius_r;                            /* blur taps either side */
    float taps_s[OB_BILATERAL_GRID_MAX_RADIUS + 1];    /* normalised, taps_s[|k|] */
    float taps_r[OB_BILATERAL_GRID_MAX_RADIUS + 1];
} ob_bilateral_grid_geom;

/* Checks sizes, sigmas and rates, and fills *g for a guide spanning [gmin, gmax]. */
ob_status ob_bilateral_grid_geometry(ob_bilateral_grid_geom *g, int h, int w, float sigma_s, float sigma_r,
                                     float gmin, float gmax, const ob_bilateral_grid_opts *opts);
/* gw * gh * gd: a grid buffer holds twice this many floats. */
static inline size_t ob_bilateral_grid_cells(const ob_bilateral_grid_geom *g)
{
    return (size_t)g->gw * g->gh * g->gd;
}

/* ---- the whole filter: out (h, w) <- in (h, w) guided by guide (h, w) ------ */
ob_status ob_bilateral_grid_cpu(float *out, const float *in, const float *guide, int h, int w, float sigma_s,
                                float sigma_r, const ob_bilateral_grid_opts *opts);
ob_status ob_bilateral_grid_cuda(float *out, const float *in, const float *guide, int h, int w, float sigma_s,
                                 float sigma_r, const ob_bilateral_grid_opts *opts, const ob_launch_cfg *cfg);
ob_status ob_bilateral_grid_emu(float *out, const float *in, const float *guide, int h, int w, float sigma_s,
                                float sigma_r, const ob_bilateral_grid_opts *opts, const ob_launch_cfg *cfg);

/* ---- stages (geometry from ob_bilateral_grid_geometry) -------------------- */
/* *gmin, *gmax (host) <- extremes of guide[0..n); OB_ERR_ARG if any is not finite. */
ob_status ob_bilateral_grid_range_cpu(float *gmin, float *gmax, const float *guide, size_t n);
ob_status ob_bilateral_grid_range_cuda(float *gmin, float *gmax, const float *guide, size_t n,
                                       const ob_launch_cfg *cfg);
ob_status ob_bilateral_grid_range_emu(float *gmin, float *gmax, const float *guide, size_t n,
                                      const ob_launch_cfg *cfg);

/* grid (gh, gw, gd, 2) <- splat of in guided by guide (both (h, w)); every cell written. */
ob_status ob_bilateral_grid_splat_cpu(float *grid, const float *in, const float *guide,
                                      const ob_bilateral_grid_geom *g);
ob_status ob_bilateral_grid_splat_cuda(float *grid, const float *in, const float *guide,
                                       const ob_bilateral_grid_geom *g, const ob_launch_cfg *cfg);
ob_status ob_bilateral_grid_splat_emu(float *grid, const float *in, const float *guide,
                                      const ob_bilateral_grid_geom *g, const ob_launch_cfg *cfg);

/* dst <- blur of src (both (gh, gw, gd, 2)); src is used as scratch and clobbered. */
ob_status ob_bilateral_grid_blur_cpu(float *dst, float *src, const ob_bilateral_grid_geom *g);
ob_status ob_bilateral_grid_blur_cuda(float *dst, float *src, const ob_bilateral_grid_geom *g,
                                      const ob_launch_cfg *cfg);
ob_status ob_bilateral_grid_blur_emu(float *dst, float *src, const ob_bilateral_grid_geom *g,
                                     const ob_launch_cfg *cfg);

/* out (h, w) <- trilinear slice of grid at each pixel's position; in is the fallback. */
ob_status ob_bilateral_grid_slice_cpu(float *out, const float *grid, const float *in, const float *guide,
                                      const ob_bilateral_grid_geom *g);
ob_status ob_bilateral_grid_slice_cuda(float *out, const float *grid, const float *in, const float *guide,
                                       const ob_bilateral_grid_geom *g, const ob_launch_cfg *cfg);
ob_status ob_bilateral_grid_slice_emu(float *out, const float *grid, const float *in, const float *guide,
                                      const ob_bilateral_grid_geom *g, const ob_launch_cfg *cfg);

/* out (H, W) or (1, H, W) <- in (same shape) guided by guide (same shape; NULL = in). */
ob_status ob_bilateral_grid(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in, const ob_tensor *guide, float sigma_s,
                            float sigma_r);

/* ---- private: the position rule every path shares, so CPU and GPU agree --- */
#if defined(__CUDACC__)
#define OB_BIL_HD static __host__ __device__ __forceinline__
#else
#define OB_BIL_HD static inline
#endif

/* Cell i (0 <= i <= n - 2) and fraction t in [0, 1] of a position f >= 0 along
 * an axis of n >= 2 cells: the tent weights of cells i and i + 1 are 1 - t, t. */
OB_BIL_HD int ob_bil_cell(float f, int n, float *t)
{
    int i = (int)f;
    if (i > n - 2) i = n - 2;
    if (i < 0) i = 0;
    float r = f - (float)i;
    *t = r < 0.f ? 0.f : (r > 1.f ? 1.f : r);
    return i;
}

/* The tent weight that position (i, t) gives to cell c (0 unless c is i or i + 1). */
OB_BIL_HD float ob_bil_tent(int c, int i, float t) { return c == i ? 1.f - t : (c == i + 1 ? t : 0.f); }

/* Range position of guide value v (gmin, inv_r from the geometry). */
OB_BIL_HD float ob_bil_zpos(float v, float gmin, float inv_r) { return (v - gmin) * inv_r; }

#ifdef __cplusplus
}
#endif
#endif
