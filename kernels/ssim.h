/* ssim.h — structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004).
 *
 * Contract (equal to scikit-image's
 *   structural_similarity(a, b, gaussian_weights=True, sigma=1.5,
 *                         use_sample_covariance=False, data_range=R,
 *                         channel_axis=...)
 *   to 1e-5, checked on real photos by tests/test_ssim.c)
 *   Per plane: filter x, y, x*x, y*y, x*y with the normalised 11-tap Gaussian
 *   g[k] ~ exp(-(k-5)^2 / (2 * 1.5^2)), k = 0..10 (scipy's gaussian_filter with
 *   sigma 1.5, truncate 3.5), separably, giving ux, uy, uxx, uyy, uxy; then
 *     vx = uxx - ux^2, vy = uyy - uy^2, vxy = uxy - ux*uy,
 *     S  = (2 ux uy + C1)(2 vxy + C2) / ((ux^2 + uy^2 + C1)(vx + vy + C2)),
 *     C1 = (K1 R)^2, C2 = (K2 R)^2,
 *   and the plane's SSIM is the mean of S over the pixels whose whole 11x11
 *   window lies inside the image (rows and columns 5 .. size-6), which is
 *   skimage's crop by (win-1)/2: the border mode never matters.
 *   Planes are h x w, contiguous, planar (plane p at a + p*h*w); h, w >= 11.
 *   Sums are in double and the split into rows/blocks is fixed, so results are
 *   reproducible run to run. SSIM is symmetric in a and b.
 *
 * Paths
 *   _cpu   separable filtering of the valid region only, row by row in double
 *          (vertical pass over 11 input rows, then horizontal), OpenMP over
 *          planes x row strips (host pointers)
 *   _cuda  kernels/ssim.cu: one block per output tile, tile + 5-pixel halo of a
 *          and b in shared memory, horizontal then vertical pass there, per-pixel
 *          S, block sum in double, one partial per block summed on the host in
 *          block order (device pointers in, results on the host; _emu: the same
 *          source under cuda-emu, host pointers); cfg NULL = 32 x 8 threads,
 *          block_x a multiple of 32, block_x * block_y <= 1024
 *   ob_ssim: tensors (C, H, W) + context; mean over channels, optionally each
 *          channel's value.
 *
 * Example
 *   double s;
 *   OB_TRY(ob_ssim(ctx, &s, NULL, &img, &ref, 1.0));   // images in [0, 1]
 */
#ifndef OB_SSIM_H
#define OB_SSIM_H

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OB_SSIM_WIN 11   /* window side: 2 * int(3.5 * 1.5 + 0.5) + 1 */
#define OB_SSIM_RADIUS 5 /* (OB_SSIM_WIN - 1) / 2: the border skipped on each side */
#define OB_SSIM_SIGMA 1.5
#define OB_SSIM_K1 0.01
#define OB_SSIM_K2 0.03

/* What both paths compute with, derived once from data_range (ssim.c). */
typedef struct {
    float g[OB_SSIM_WIN]; /* normalised Gaussian taps, as float (GPU path) */
    double gd[OB_SSIM_WIN]; /* the same taps in double (CPU path) */
    double c1, c2;        /* (K1 R)^2, (K2 R)^2 */
} ob_ssim_params;

/* Checks the sizes (planes >= 1, h and w >= 11) and data_range (finite, > 0)
 * with a message naming the bad value, then fills *p. Both paths call it. */
ob_status ob_ssim_prepare(ob_ssim_params *p, int planes, int h, int w, double data_range);

#if defined(__CUDACC__)
#define OB_SSIM_HD __host__ __device__
#else
#define OB_SSIM_HD
#endif

/* Wang et al. eq. 13 at one pixel from the five filtered moments of the
 * shifted data x - sx, y - sy (mx, my: means; mxx, myy, mxy: second moments).
 * The (co)variances do not depend on the shift; a shift near the local mean
 * keeps mxx - mx^2 from cancelling in float (the GPU path). sx = sy = 0 is the
 * plain formula. Population (co)variances, as use_sample_covariance=False. */
static inline OB_SSIM_HD double ob_ssim_from_moments(double mx, double my, double mxx, double myy, double mxy,
                                                     double sx, double sy, double c1, double c2)
{
    double vx = mxx - mx * mx, vy = myy - my * my, vxy = mxy - mx * my;
    double ux = mx + sx, uy = my + sy;
    return ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
}

/* ssim_per_plane: (planes) on the host; a, b: (planes, h, w). */
ob_status ob_ssim_cpu(double *ssim_per_plane, const float *a, const float *b, int planes, int h, int w,
                      double data_range);
ob_status ob_ssim_cuda(double *ssim_per_plane, const float *a, const float *b, int planes, int h, int w,
                       double data_range, const ob_launch_cfg *cfg);
ob_status ob_ssim_emu(double *ssim_per_plane, const float *a, const float *b, int planes, int h, int w,
                      double data_range, const ob_launch_cfg *cfg);

/* *mean_ssim <- mean over channels of each channel's SSIM; per_channel: NULL
 * or C entries. a, b: (C, H, W) (or (H, W): one channel) with the same shape,
 * H and W >= 11. */
ob_status ob_ssim(ob_ctx *ctx, double *mean_ssim, double *per_channel, const ob_tensor *a, const ob_tensor *b,
                  double data_range);

#ifdef __cplusplus
}
#endif
#endif
