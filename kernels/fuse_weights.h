/* fuse_weights.h — the per-pixel weights of exposure fusion (Mertens, Kautz &
 * Van Reeth 2007, "Exposure Fusion", sec. 3.1) as OpenCV's MergeMertens
 * computes them, and their normalisation across the stack (sec. 3.2, eq. 2).
 * The blend that uses them is pipelines/ob_fuse.h.
 *
 * Contract
 *   One exposure img (C, H, W): planar float32, contiguous, values in [0, 1],
 *   C = 1 (grey) or 3 (R, G, B). Per pixel, with v_c the channel values:
 *     grey         Y = 0.299 R + 0.587 G + 0.114 B (C = 3), Y = v (C = 1).
 *     contrast     k = |Y(x-1,y) + Y(x+1,y) + Y(x,y-1) + Y(x,y+1) - 4 Y(x,y)|:
 *                  cv::Laplacian with ksize = 1 (the 3x3 cross), borders
 *                  reflect-101 (kernels/pyramid.h's ob_pyr_reflect; an axis of
 *                  length 1 reflects onto its one sample).
 *     saturation   s = sqrt(sum_c (v_c - mu)^2 / 3), mu = (R + G + B) / 3: the
 *                  standard deviation over the three channels. C = 1 skips it
 *                  (s^ws taken as 1), as OpenCV does for one channel.
 *     exposedness  e = prod_c exp(-(v_c - 0.5)^2 / (2 * 0.2^2)), evaluated as one
 *                  exp(-we * sum_c (v_c - 0.5)^2 / 0.08) for e^we (ob_fuse_exp:
 *                  within 1 ulp of e^x, the same bits on CPU and GPU).
 *     weight       W = k^wc * s^ws * e^we + 1e-12, with x^1 = x and x^0 = 1
 *                  (0^0 = 1, as powf and cv::pow); other exponents by powf.
 *   Exponents wc, ws, we: finite and >= 0 (ob_fuse_check_exponents); default
 *   1, 1, 1. W >= 1e-12 > 0 always, so the normalisation never divides by 0.
 *     normalise    W_j <- W_j / sum_k W_k for every pixel of the n exposures
 *                  (n, H, W), the sum in float in exposure order.
 *   How this differs from cv2.createMergeMertens(wc, ws, we), and why:
 *   - OpenCV's saturation is sqrt(sum_c (v_c - mu)^2), without the / 3: a
 *     factor 3^(ws/2) on every weight, which the normalisation cancels (up to
 *     the 1e-12); ours is the standard deviation the paper names.
 *   - OpenCV applies COLOR_RGB2GRAY to the BGR images cv2.imread gives, so its
 *     grey weighs blue by 0.299; ours is the luma of R, G, B. On the demo stack
 *     the fused images differ by 60 dB PSNR for this alone.
 *
 * Paths (the pixel arithmetic is the helpers below, shared by both)
 *   _cpu   one output row at a time: the grey of the three rows it needs into a
 *          per-thread row buffer, then the weights along the row; OpenMP over
 *          rows. normalise: OpenMP over pixel chunks.
 *   _cuda  kernels/fuse_weights.cu: one thread per pixel on 2-D blocks (cfg NULL
 *          = 32 x 8), reading its five grey samples from the channel planes
 *          (L1/L2 serve the reuse); normalise 1-D (cfg NULL = 256). Device
 *          pointers (_emu: the same source under cuda-emu, host pointers).
 *          exp and sqrt are ob_fuse_exp / ob_fuse_sqrt on both paths; powf
 *          (exponents other than 0 and 1) of CUDA and of the host libm may
 *          differ by a few ulp, so the parity test allows rtol 4e-6
 *          (tests/parity_fuse_weights.c).
 *   Tensor entries: (C, H, W) images and (n, H, W) weights where ctx computes.
 *
 * Errors: OB_ERR_ARG for C other than 1 or 3, sizes < 1, n < 1, exponents
 * negative or not finite (the message names which and its value), null
 * pointers, block shapes the kernel cannot use.
 *
 * Example
 *   const ob_fuse_exponents e = OB_FUSE_EXPONENTS_DEFAULT;
 *   for (int j = 0; j < n; j++)
 *       OB_TRY(ob_fuse_weights_cpu(w + (size_t)j * h * wd, img[j], 3, h, wd, &e));
 *   OB_TRY(ob_fuse_normalize_cpu(w, n, (size_t)h * wd));
 */
#ifndef OB_FUSE_WEIGHTS_H
#define OB_FUSE_WEIGHTS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__CUDACC__)
#define OB_FUSE_HD __host__ __device__ __forceinline__
#else
#define OB_FUSE_HD static inline
#endif

/* Mertens' exponents omega_c, omega_s, omega_e. */
typedef struct {
    float contrast, saturation, exposedness;
} ob_fuse_exponents;

#define OB_FUSE_EXPONENTS_DEFAULT {1.0f, 1.0f, 1.0f}
#define OB_FUSE_EPS 1e-12f        /* added to every weight, as OpenCV */
#define OB_FUSE_TWO_SIGMA2 0.08f  /* 2 * 0.2^2: the well-exposedness Gaussian */

/* Finite and >= 0 each; `who` prefixes the message ("fuse"). */
ob_status ob_fuse_check_exponents(const ob_fuse_exponents *e, const char *who);

/* ---- the arithmetic both paths share --------------------------------------- */

OB_FUSE_HD float ob_fuse_grey(float r, float g, float b) { return fmaf(0.114f, b, fmaf(0.587f, g, 0.299f * r)); }

/* The 3x3 Laplacian cross on five grey samples, in this order. */
OB_FUSE_HD float ob_fuse_laplacian(float up, float down, float left, float right, float centre)
{
    return fmaf(-4.0f, centre, (up + down) + (left + right));
}

/* The bits of a float and back (C and GCC's C++ read the other union member). */
OB_FUSE_HD float ob_fuse_as_float(int32_t i)
{
#if defined(__CUDA_ARCH__)
    return __int_as_float(i);
#else
    const union { int32_t i; float f; } u = {i};
    return u.f;
#endif
}

OB_FUSE_HD int32_t ob_fuse_as_int(float f)
{
#if defined(__CUDA_ARCH__)
    return __float_as_int(f);
#else
    const union { float f; int32_t i; } u = {f};
    return u.i;
#endif
}

/* e^x for x <= 0 (the exposedness' argument), the same bits on both paths:
 * Cephes' expf — x = n ln2 + r with ln2 in two parts, |r| <= ln2 / 2, a
 * degree-5 polynomial for e^r, times 2^n built in the exponent bits; within
 * 1 ulp of the correctly rounded e^x for every float in [-87, 0] (checked
 * exhaustively when written) (below that it returns e^-87 ~ 1.6e-38: every
 * weight carries + 1e-12, so nothing smaller matters). Plain arithmetic, so
 * the CPU loop vectorises where libm's expf would not. */
OB_FUSE_HD float ob_fuse_exp(float x)
{
    x = x > -87.0f ? x : -87.0f;
    /* n = rint(x / ln2) by the 1.5 * 2^23 shift (floorf would keep the loop scalar) */
    const float n = fmaf(x, 1.44269504088896341f, 12582912.0f) - 12582912.0f;
    const float r = fmaf(n, 2.12194440e-4f, fmaf(n, -0.693359375f, x));
    float p = 1.9875691500e-4f;
    p = fmaf(p, r, 1.3981999507e-3f);
    p = fmaf(p, r, 8.3334519073e-3f);
    p = fmaf(p, r, 4.1665795894e-2f);
    p = fmaf(p, r, 1.6666665459e-1f);
    p = fmaf(p, r, 5.0000001201e-1f);
    p = fmaf(p * r, r, r + 1.0f);
    const int32_t bits = ((int32_t)n + 127) << 23;
    return p * ob_fuse_as_float(bits);
}

/* sqrt(x) for x >= 0, the same bits on both paths: the bit-trick 1/sqrt
 * estimate, two Newton steps, then s + (x - s^2) / (2 sqrt x) with an exact
 * fma residual. For every normal float in [2^-126, 1] it is the correctly
 * rounded sqrtf but for 0.2% of them, 1 ulp off (checked exhaustively when
 * written); below 2^-126 it returns 0 (a saturation of < 1.1e-19: the weight's
 * + 1e-12 dominates). libm's sqrtf would keep the CPU loop scalar (errno). */
OB_FUSE_HD float ob_fuse_sqrt(float x)
{
    float y = ob_fuse_as_float(0x5f375a86 - (ob_fuse_as_int(x) >> 1));
    const float hx = 0.5f * x;
    y = y * fmaf(-hx * y, y, 1.5f);
    y = y * fmaf(-hx * y, y, 1.5f);
    const float s = x * y;
    const float r = fmaf(fmaf(-s, s, x), 0.5f * y, s);
    return x >= 1.17549435e-38f ? r : 0.0f;
}

/* x^e with the two common exponents exact and cheap. */
OB_FUSE_HD float ob_fuse_pow(float x, float e) { return e == 1.0f ? x : e == 0.0f ? 1.0f : powf(x, e); }

/* W of one pixel: lap its Laplacian, (r, g, b) its values (colour = 0: grey,
 * the value in r, g and b unused). */
OB_FUSE_HD float ob_fuse_weight(float lap, float r, float g, float b, int colour, ob_fuse_exponents e)
{
    float w = ob_fuse_pow(fabsf(lap), e.contrast), d;
    if (colour) {
        const float mu = (r + g + b) * (1.0f / 3.0f);
        const float dr = r - mu, dg = g - mu, db = b - mu;
        w *= ob_fuse_pow(ob_fuse_sqrt((dr * dr + dg * dg + db * db) * (1.0f / 3.0f)), e.saturation);
        const float er = r - 0.5f, eg = g - 0.5f, eb = b - 0.5f;
        d = er * er + eg * eg + eb * eb;
    } else {
        const float ev = r - 0.5f;
        d = ev * ev;
    }
    return fmaf(w, ob_fuse_exp(-(e.exposedness * d) / OB_FUSE_TWO_SIGMA2), OB_FUSE_EPS);
}

/* ---- raw buffers ------------------------------------------------------------ */

/* w (h, wd) <- the weight of img (c, h, wd), c 1 or 3. */
ob_status ob_fuse_weights_cpu(float *w, const float *img, int c, int h, int wd, const ob_fuse_exponents *e);
ob_status ob_fuse_weights_cuda(float *w, const float *img, int c, int h, int wd, const ob_fuse_exponents *e,
                               const ob_launch_cfg *cfg);
ob_status ob_fuse_weights_emu(float *w, const float *img, int c, int h, int wd, const ob_fuse_exponents *e,
                              const ob_launch_cfg *cfg);

/* w (n, npix) <- w / its sum over the n exposures, per pixel. */
ob_status ob_fuse_normalize_cpu(float *w, int n, size_t npix);
ob_status ob_fuse_normalize_cuda(float *w, int n, size_t npix, const ob_launch_cfg *cfg);
ob_status ob_fuse_normalize_emu(float *w, int n, size_t npix, const ob_launch_cfg *cfg);

/* Size checks both paths share. */
ob_status ob_fuse_check_image(int c, int h, int wd);

/* ---- tensors (float32, where the context computes) -------------------------- */

/* w (1, H, W) <- the weight of img (C, H, W). */
ob_status ob_fuse_weights(ob_ctx *ctx, ob_tensor *w, const ob_tensor *img, const ob_fuse_exponents *e);
/* w (n, H, W) <- normalised across its n planes. */
ob_status ob_fuse_normalize(ob_ctx *ctx, ob_tensor *w);

#ifdef __cplusplus
}
#endif
#endif
