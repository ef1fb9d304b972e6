/* warp_affine.h — planes warped by a 2-D affine map with bilinear taps: what
 * training augmentation (nets/ob_augment.h), face alignment and the face
 * swap's paste-back (pipelines/) resample with.
 *
 * Contract
 *   out (planes, OH, OW) <- in (planes, H, W), contiguous float32,
 *   caller-owned, no overlap. Output pixel (x, y) (pixel centres at integer
 *   coordinates) samples the source at (sx, sy) = inv (x, y, 1):
 *     x0 = floor(sx), y0 = floor(sy), fx = sx - x0, fy = sy - y0,
 *     v = (1-fx)(1-fy) in[y0][x0] + fx(1-fy) in[y0][x0+1]
 *       + (1-fx) fy in[y0+1][x0] + fx fy in[y0+1][x0+1],
 *   a tap outside the source reading `fill`, a tap of zero weight skipped (so
 *   an integer shift copies pixels exactly, even next to a NaN). The
 *   coordinates are computed in double (a 16000-pixel image keeps 1/1000-pixel
 *   positions), the weights and the sum in float, in this order on every path.
 *   inv is the output -> source map (ob_warp_affine_invert gives it from the
 *   source -> output map m: OB_ERR_ARG when m is singular, |det| <= 1e-12).
 *
 * Paths
 *   _cpu   OpenMP over output rows; below 2^18 output values it stays on the
 *          calling thread (the data loader already warps samples in parallel,
 *          and waking a team costs more than a 28x28 warp)
 *   _cuda  kernels/warp_affine.cu, one thread per output pixel (all planes),
 *          cfg block_x a multiple of 32 (default 256); _emu the same source
 *          under cuda-emu
 *   ob_warp_affine_planes: tensors (N, C, H, W) -> (N, C, OH, OW), every
 *          plane by the same map, on the context's backend.
 */
#ifndef OB_WARP_AFFINE_H
#define OB_WARP_AFFINE_H

#include <math.h>
#include <stdint.h>

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    double m[6]; /* 2x3 row-major: (x', y') = (m0 x + m1 y + m2, m3 x + m4 y + m5) */
} ob_affine2d;

ob_status ob_warp_affine_invert(ob_affine2d *inv, const ob_affine2d *m);

ob_status ob_warp_affine_cpu(float *out, const float *in, int planes, int h, int w, int oh, int ow, ob_affine2d inv,
                             float fill);
ob_status ob_warp_affine_cuda(float *out, const float *in, int planes, int h, int w, int oh, int ow, ob_affine2d inv,
                              float fill, const ob_launch_cfg *cfg);
ob_status ob_warp_affine_emu(float *out, const float *in, int planes, int h, int w, int oh, int ow, ob_affine2d inv,
                             float fill, const ob_launch_cfg *cfg);

/* out (N, C, OH, OW) <- in (N, C, H, W) warped by m (source -> output). */
ob_status ob_warp_affine_planes(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in, const ob_affine2d *m, float fill);

#if defined(__CUDACC__)
#define OB_WARP_HD __host__ __device__ __forceinline__
#else
#define OB_WARP_HD static inline
#endif
/* Output pixel (x, y) of every plane: out points at it in plane 0. */
OB_WARP_HD void ob_warp_affine_pixel(float *out, int64_t out_plane, const float *in, int planes, int h, int w,
                                     const ob_affine2d *inv, float fill, int x, int y)
{
    const double *m = inv->m;
    const double sx = m[0] * x + m[1] * y + m[2], sy = m[3] * x + m[4] * y + m[5];
    const double fx0 = floor(sx), fy0 = floor(sy);
    const int64_t plane = (int64_t)h * w;
    /* far outside (or NaN): every tap is fill, and the int conversion below stays in range */
    if (!(fx0 >= -2 && fy0 >= -2 && fx0 <= w + 1 && fy0 <= h + 1)) {
        for (int k = 0; k < planes; k++) out[k * out_plane] = fill;
        return;
    }
    const float fx = (float)(sx - fx0), fy = (float)(sy - fy0);
    const int x0 = (int)fx0, y0 = (int)fy0;
    const int cx0 = x0 >= 0 && x0 < w, cx1 = x0 + 1 >= 0 && x0 + 1 < w;
    const int cy0 = y0 >= 0 && y0 < h, cy1 = y0 + 1 >= 0 && y0 + 1 < h;
    const float w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
    for (int k = 0; k < planes; k++) {
        const float *p = in + k * plane;
        const float v00 = cx0 && cy0 ? p[(int64_t)y0 * w + x0] : fill;
        const float v01 = cx1 && cy0 ? p[(int64_t)y0 * w + x0 + 1] : fill;
        const float v10 = cx0 && cy1 ? p[(int64_t)(y0 + 1) * w + x0] : fill;
        const float v11 = cx1 && cy1 ? p[(int64_t)(y0 + 1) * w + x0 + 1] : fill;
        float v = w00 * v00;
        if (w01 != 0) v += w01 * v01;
        if (w10 != 0) v += w10 * v10;
        if (w11 != 0) v += w11 * v11;
        out[k * out_plane] = v;
    }
}

#ifdef __cplusplus
}
#endif
#endif
