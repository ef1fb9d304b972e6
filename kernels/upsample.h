/* upsample.h — integer-factor upsampling as nn.Upsample(scale_factor=s), forward
 * and backward.
 *
 * Contract
 *   x (planes, H, W) -> y (planes, H*s, W*s), planes = N*C, contiguous float32,
 *   caller-owned, no overlap; s >= 1. Per axis (PyTorch's formulas):
 *     nearest   src = floor(dst / s)
 *     bilinear  align_corners=False: src = max((dst + 0.5) / s - 0.5, 0),
 *               i0 = floor(src), i1 = min(i0 + 1, in - 1), l = src - i0;
 *               weights (1 - l, l)
 *   The 2-D weight is the product of the axes' weights. The backward is the
 *   transpose: gx[i, j] = sum over outputs (o, p) of wy(o, i) wx(p, j) gy[o, p],
 *   computed as a GATHER (each input looks at the outputs within s+1 of it), so
 *   it needs no atomics and is deterministic on both paths.
 *   (kernels/resize.h follows OpenCV — nearest through a rounded reciprocal —
 *   so nets use this file, whose forward is PyTorch's exactly.)
 *
 * Paths
 *   _cpu   OpenMP over output (forward) / input (backward) rows of all planes
 *   _cuda  kernels/upsample.cu, one thread per output (forward) or input
 *          (backward) element, cfg block_x multiple of 32 (default 256); _emu
 *          the same source under cuda-emu
 *   ob_upsample / ob_upsample_backward: tensors (N, C, H, W) + context.
 */
#ifndef OB_UPSAMPLE_H
#define OB_UPSAMPLE_H

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

ob_status ob_upsample_cpu(float *y, const float *x, int planes, int h, int w, int s, int bilinear);
ob_status ob_upsample_backward_cpu(float *gx, const float *gy, int planes, int h, int w, int s, int bilinear);
ob_status ob_upsample_cuda(float *y, const float *x, int planes, int h, int w, int s, int bilinear,
                           const ob_launch_cfg *cfg);
ob_status ob_upsample_backward_cuda(float *gx, const float *gy, int planes, int h, int w, int s, int bilinear,
                                    const ob_launch_cfg *cfg);
ob_status ob_upsample_emu(float *y, const float *x, int planes, int h, int w, int s, int bilinear,
                          const ob_launch_cfg *cfg);
ob_status ob_upsample_backward_emu(float *gx, const float *gy, int planes, int h, int w, int s, int bilinear,
                                   const ob_launch_cfg *cfg);

/* y (N, C, H*s, W*s) <- x (N, C, H, W); gx (N, C, H, W) <- gy (N, C, H*s, W*s). */
ob_status ob_upsample(ob_ctx *ctx, ob_tensor *y, const ob_tensor *x, int s, int bilinear);
ob_status ob_upsample_backward(ob_ctx *ctx, ob_tensor *gx, const ob_tensor *gy, int s, int bilinear);

/* The taps of output index o along an axis of n inputs: i0, i1, weight of i1. */
#if defined(__CUDACC__)
#define OB_UPS_HD __host__ __device__ __forceinline__
#else
#define OB_UPS_HD static inline
#endif
OB_UPS_HD void ob_upsample_taps(int *i0, int *i1, float *l1, int o, int n, int s, int bilinear)
{
    if (!bilinear) {
        *i0 = *i1 = o / s, *l1 = 0.0f;
        return;
    }
    /* a division, not PyTorch's (1/s)*(dst+0.5)-0.5: nothing for a compiler to contract
     * into an fma, so the CPU, the GPU and cuda-emu compute the same taps (the two
     * forms differ by an ulp of src: ~1e-6 of the output, inside the 1e-4 check) */
    float src = ((float)o + 0.5f) / (float)s - 0.5f;
    if (src < 0.0f) src = 0.0f;
    int a = (int)src;
    if (a > n - 1) a = n - 1;
    *i0 = a, *i1 = a < n - 1 ? a + 1 : a, *l1 = src - (float)a;
}

/* Weight of input i in output o along one axis. */
OB_UPS_HD float ob_upsample_weight(int o, int i, int n, int s, int bilinear)
{
    int i0, i1;
    float l1;
    ob_upsample_taps(&i0, &i1, &l1, o, n, s, bilinear);
    return (i0 == i ? 1.0f - l1 : 0.0f) + (i1 == i ? l1 : 0.0f);
}

/* Outputs that can touch input i: [lo, hi) along an axis of n inputs. */
OB_UPS_HD void ob_upsample_range(int *lo, int *hi, int i, int n, int s)
{
    int a = (i - 1) * s, b = (i + 2) * s;
    *lo = a < 0 ? 0 : a, *hi = b > n * s ? n * s : b;
}

/* Output (o, p) of one plane xp (h, w): the forward of either path. */
OB_UPS_HD float ob_upsample_at(const float *xp, int h, int w, int s, int bilinear, int o, int p)
{
    int y0, y1, x0, x1;
    float ly, lx;
    ob_upsample_taps(&y0, &y1, &ly, o, h, s, bilinear);
    ob_upsample_taps(&x0, &x1, &lx, p, w, s, bilinear);
    const float top = (1.0f - lx) * xp[y0 * w + x0] + lx * xp[y0 * w + x1];
    const float bot = (1.0f - lx) * xp[y1 * w + x0] + lx * xp[y1 * w + x1];
    return (1.0f - ly) * top + ly * bot;
}

/* Gradient of input (i, j) from one plane gp (h*s, w*s) of output gradients:
 * the gather both backward paths run. */
OB_UPS_HD float ob_upsample_grad_at(const float *gp, int h, int w, int s, int bilinear, int i, int j)
{
    const int ow = w * s;
    int olo, ohi, plo, phi;
    ob_upsample_range(&olo, &ohi, i, h, s);
    ob_upsample_range(&plo, &phi, j, w, s);
    float acc = 0.0f;
    for (int o = olo; o < ohi; o++) {
        const float wy = ob_upsample_weight(o, i, h, s, bilinear);
        if (wy == 0.0f) continue;
        float row = 0.0f;
        for (int p = plo; p < phi; p++) row += ob_upsample_weight(p, j, w, s, bilinear) * gp[o * ow + p];
        acc += wy * row;
    }
    return acc;
}

#ifdef __cplusplus
}
#endif
#endif
