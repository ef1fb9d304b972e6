/* pyramid.h — Gaussian and Laplacian pyramids (Burt & Adelson 1983): the
 * 5-tap binomial blur, reduce, expand, build, collapse, and the per-level mix
 * that Laplacian blending uses.
 *
 * Contract
 *   Images are planar float32 (planes, h, w), contiguous, caller-owned;
 *   `planes` = C (or N*C) independent planes. All sizes >= 1.
 *
 *   blur     out = [1 4 6 4 1]/16 along y, then along x, same size. The
 *            binomial B(4, 1/2) has variance 1: a Gaussian of sigma = 1 px to
 *            within 3e-3 per tap, which texture transfer uses for its blurred
 *            luminance (transfer_cost.h).
 *   reduce   blur, then keep the even rows and columns: out (planes, ceil(h/2),
 *            ceil(w/2)), out(y, x) = blur(in)(2y, 2x). cv2.pyrDown on float32.
 *   expand   upsample by 2 to a given size (oh, ow) with ceil(oh/2) = h and
 *            ceil(ow/2) = w: insert zeros (U(2i, 2j) = in(i, j), U = 0 at odd
 *            rows or columns), then blur U with the same kernel times 2 per axis
 *            (x4 in all, Burt & Adelson's expand). For oh = 2h, ow = 2w this is
 *            cv2.pyrUp (tests/golden/); for an odd side 2n-1, cv2.pyrUp treats
 *            the last row/column its own way and differs there, ours stays
 *            reflect-101 on U. Then out = base + scale * expand(in); base may be NULL
 *            (= 0) and may be out itself (in place: Laplacian levels, collapse).
 *   Borders  reflect-101 (OpenCV's BORDER_REFLECT_101, "gfedcb|abcdefgh|gfedcba"),
 *            applied to the image being blurred: `in` for blur/reduce, the
 *            zero-inserted U (size oh x ow) for expand. Reflection about a
 *            sample keeps parity, so U's zeros stay at odd positions and a
 *            constant expands to itself. An axis of length 1 reflects onto its
 *            one sample: blur/reduce leave it unchanged; expand to length 1 is
 *            the identity along that axis (not x2).
 *   Arithmetic  every tap is ob_pyr_tap5 below, explicit fmaf in a fixed order,
 *            intermediates rounded to float after the vertical pass; the CPU and
 *            GPU paths evaluate the very same expressions, so their results are
 *            bit-identical (the parity tests check atol = rtol = 0).
 *
 *   Pyramid  `levels` L in 1..ob_pyr_deep_levels(h, w) = floor(log2(min(h, w)))
 *            + 1, down to a top level 1 pixel on a power-of-two shorter side
 *            (cv::buildPyramid's count for maxlevel = floor(log2 min side),
 *            which exposure fusion needs to match cv2.createMergeMertens);
 *            ob_pyr_max_levels(h, w) = max(1, floor(log2(min(h, w)))), one
 *            fewer, keeps the top level at least 2 x 2 for images that are
 *            (the blend's default).
 *            Level k is (planes, h_k, w_k), h_0 = h, h_{k+1} = ceil(h_k / 2);
 *            the levels are stored one after the other in one buffer of
 *            ob_pyr_shape.numel floats (level k at offset[k]).
 *            Gaussian   G_0 = img, G_{k+1} = reduce(G_k).
 *            Laplacian  L_k = G_k - expand(G_{k+1}) for k < L-1, L_{L-1} = G_{L-1}.
 *            collapse   G_{L-1} = L_{L-1}, G_k = L_k + expand(G_{k+1}); img = G_0.
 *            collapse(laplacian(img)) = img to float rounding (|err| <~ 1e-6
 *            for values in [0, 1]; tests/test_pyramid.c checks 1e-5).
 *   mix      out = m * a + (1 - m) * b elementwise, m with 1 plane (broadcast)
 *            or `planes` planes; m = 1 gives a and m = 0 gives b exactly.
 *            ob_pyr_blend_* mixes two Laplacian pyramids level by level under
 *            a mask's Gaussian pyramid (the blend of pipelines/ob_blend.h).
 *   accum    acc = fmaf(m, a, acc) elementwise, m broadcast as in mix: the
 *            weighted sum of exposure fusion (pipelines/ob_fuse.h);
 *            ob_pyr_accumulate_* adds a Laplacian pyramid times a weight's
 *            Gaussian pyramid into an accumulator pyramid, level by level.
 *
 * Paths
 *   _cpu   separable, one output row at a time (vertical taps into a row
 *          buffer, then horizontal), OpenMP over the rows of all planes.
 *   _cuda  kernels/pyramid.cu: one thread per output pixel, 2-D blocks (cfg
 *          NULL = 32 x 8; block_x a multiple of 32, <= 1024 threads); each block
 *          loads its input tile plus the reflected 2-pixel apron into shared
 *          memory, runs the vertical pass there, then the horizontal pass;
 *          grid.z walks the planes. mix and accum are 1-D. Device pointers
 *          (_emu: the same source under cuda-emu, host pointers).
 *   Multi-level functions (gaussian, laplacian, collapse, blend, accumulate)
 *   are one schedule (pyramid.c, ob_pyr_ops) over each path's
 *   reduce/expand/mix/copy/accum.
 *   Tensor entries (ob_pyr_reduce, ...): (C, H, W) images, pyramids as 1-D
 *   tensors of ob_pyr_shape.numel floats, where the context computes.
 *
 * Errors: OB_ERR_ARG for sizes < 1, an expand size with ceil(oh/2) != h, levels
 * outside 1..ob_pyr_deep_levels (the message names the limit), null pointers, block shapes the
 * kernel cannot use; OB_ERR_NOMEM when a row buffer cannot be had.
 *
 * Example
 *   ob_pyr_shape s;
 *   OB_TRY(ob_pyr_shape_init(&s, 3, h, w, 5));
 *   float *pyr = malloc(s.numel * sizeof(float));
 *   OB_TRY(ob_pyr_laplacian_cpu(pyr, img, 3, h, w, 5));   // edit levels ...
 *   OB_TRY(ob_pyr_collapse_cpu(img, pyr, 3, h, w, 5));    // ... and rebuild
 */
#ifndef OB_PYRAMID_H
#define OB_PYRAMID_H

#include <math.h>
#include <stddef.h>

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OB_PYR_MAX_LEVELS 32

#if defined(__CUDACC__)
#define OB_PYR_HD __host__ __device__ __forceinline__
#else
#define OB_PYR_HD static inline
#endif

/* ---- the arithmetic both paths share --------------------------------------- */

/* reflect-101 index into 0..n-1 (period 2(n-1)); n = 1 maps everything to 0. */
OB_PYR_HD int ob_pyr_reflect(int i, int n)
{
    if (i >= 0 && i < n) return i;
    if (n == 1) return 0;
    const int period = 2 * (n - 1);
    i %= period;
    if (i < 0) i += period;
    return i < n ? i : period - i;
}

/* [1 4 6 4 1] / 16 on five samples, in this order and no other. */
OB_PYR_HD float ob_pyr_tap5(float x0, float x1, float x2, float x3, float x4)
{
    return fmaf(6.0f, x2, fmaf(4.0f, x1 + x3, x0 + x4)) * 0.0625f;
}

/* One axis of expand on five samples of the zero-inserted signal: x2 to an
 * axis of length 1 (identity), else 2 * tap5. */
OB_PYR_HD float ob_pyr_expand_tap(float x0, float x1, float x2, float x3, float x4, int out_len)
{
    return out_len == 1 ? x2 : 2.0f * ob_pyr_tap5(x0, x1, x2, x3, x4);
}

/* The zero-inserted U (oh, ow) of `in` (h, w) at (qy, qx), both in range. */
OB_PYR_HD float ob_pyr_upsampled(const float *in, int w, int qy, int qx)
{
    return ((qy | qx) & 1) ? 0.0f : in[(size_t)(qy >> 1) * w + (qx >> 1)];
}

/* expand's last step: base + scale * e (has_base 0: scale * e). */
OB_PYR_HD float ob_pyr_combine(float e, int has_base, float base, float scale)
{
    return has_base ? fmaf(scale, e, base) : scale * e;
}

/* mix: m * a + (1 - m) * b. */
OB_PYR_HD float ob_pyr_lerp(float m, float a, float b) { return fmaf(m, a, (1.0f - m) * b); }

/* accum: acc + m * a. */
OB_PYR_HD float ob_pyr_madd(float m, float a, float acc) { return fmaf(m, a, acc); }

/* ---- sizes ---------------------------------------------------------------- */

typedef struct {
    int planes, levels;
    int h[OB_PYR_MAX_LEVELS], w[OB_PYR_MAX_LEVELS]; /* level k is (planes, h[k], w[k]) */
    size_t offset[OB_PYR_MAX_LEVELS];               /* floats before level k */
    size_t numel;                                   /* floats in the whole pyramid */
} ob_pyr_shape;

/* max(1, floor(log2(min(h, w)))): the default (and blend's most) levels of h x w, top >= 2 x 2. */
int ob_pyr_max_levels(int h, int w);
/* floor(log2(min(h, w))) + 1: the most levels a pyramid of h x w may have (OpenCV's count). */
int ob_pyr_deep_levels(int h, int w);
/* Checks planes, h, w >= 1 and levels in 1..ob_pyr_deep_levels, then fills *s. */
ob_status ob_pyr_shape_init(ob_pyr_shape *s, int planes, int h, int w, int levels);
/* Size checks of the single-level ops (both paths call them). */
ob_status ob_pyr_check(const char *op, int planes, int h, int w);
ob_status ob_pyr_check_expand(int planes, int h, int w, int oh, int ow);

/* ---- single-level ops ------------------------------------------------------- */

/* out (planes, h, w) <- blur(in (planes, h, w)) */
ob_status ob_pyr_blur_cpu(float *out, const float *in, int planes, int h, int w);
ob_status ob_pyr_blur_cuda(float *out, const float *in, int planes, int h, int w, const ob_launch_cfg *cfg);
ob_status ob_pyr_blur_emu(float *out, const float *in, int planes, int h, int w, const ob_launch_cfg *cfg);

/* out (planes, ceil(h/2), ceil(w/2)) <- reduce(in (planes, h, w)) */
ob_status ob_pyr_reduce_cpu(float *out, const float *in, int planes, int h, int w);
ob_status ob_pyr_reduce_cuda(float *out, const float *in, int planes, int h, int w, const ob_launch_cfg *cfg);
ob_status ob_pyr_reduce_emu(float *out, const float *in, int planes, int h, int w, const ob_launch_cfg *cfg);

/* out (planes, oh, ow) <- base (planes, oh, ow) or NULL + scale * expand(in (planes, h, w)) */
ob_status ob_pyr_expand_cpu(float *out, const float *in, const float *base, float scale, int planes, int h, int w,
                            int oh, int ow);
ob_status ob_pyr_expand_cuda(float *out, const float *in, const float *base, float scale, int planes, int h, int w,
                             int oh, int ow, const ob_launch_cfg *cfg);
ob_status ob_pyr_expand_emu(float *out, const float *in, const float *base, float scale, int planes, int h, int w,
                            int oh, int ow, const ob_launch_cfg *cfg);

/* out (planes, n) <- m * a + (1 - m) * b; m (m_planes, n), m_planes 1 or planes;
 * out may be a or b. */
ob_status ob_pyr_mix_cpu(float *out, const float *a, const float *b, const float *m, int planes, int m_planes,
                         size_t n);
ob_status ob_pyr_mix_cuda(float *out, const float *a, const float *b, const float *m, int planes, int m_planes,
                          size_t n, const ob_launch_cfg *cfg);
ob_status ob_pyr_mix_emu(float *out, const float *a, const float *b, const float *m, int planes, int m_planes,
                         size_t n, const ob_launch_cfg *cfg);

/* acc (planes, n) <- acc + m * a; m (m_planes, n), m_planes 1 or planes. */
ob_status ob_pyr_accum_cpu(float *acc, const float *a, const float *m, int planes, int m_planes, size_t n);
ob_status ob_pyr_accum_cuda(float *acc, const float *a, const float *m, int planes, int m_planes, size_t n,
                            const ob_launch_cfg *cfg);
ob_status ob_pyr_accum_emu(float *acc, const float *a, const float *m, int planes, int m_planes, size_t n,
                           const ob_launch_cfg *cfg);

/* ---- whole pyramids (pyr: ob_pyr_shape.numel floats) ----------------------- */

/* pyr <- Gaussian pyramid of img (planes, h, w). */
ob_status ob_pyr_gaussian_cpu(float *pyr, const float *img, int planes, int h, int w, int levels);
ob_status ob_pyr_gaussian_cuda(float *pyr, const float *img, int planes, int h, int w, int levels,
                               const ob_launch_cfg *cfg);
ob_status ob_pyr_gaussian_emu(float *pyr, const float *img, int planes, int h, int w, int levels,
                              const ob_launch_cfg *cfg);
/* pyr <- Laplacian pyramid of img (planes, h, w). */
ob_status ob_pyr_laplacian_cpu(float *pyr, const float *img, int planes, int h, int w, int levels);
ob_status ob_pyr_laplacian_cuda(float *pyr, const float *img, int planes, int h, int w, int levels,
                                const ob_launch_cfg *cfg);
ob_status ob_pyr_laplacian_emu(float *pyr, const float *img, int planes, int h, int w, int levels,
                               const ob_launch_cfg *cfg);
/* img (planes, h, w) <- collapse(pyr); levels 1..L-2 of pyr are overwritten
 * with the rebuilt Gaussian levels (level 0 and the top are kept). */
ob_status ob_pyr_collapse_cpu(float *img, float *pyr, int planes, int h, int w, int levels);
ob_status ob_pyr_collapse_cuda(float *img, float *pyr, int planes, int h, int w, int levels,
                               const ob_launch_cfg *cfg);
ob_status ob_pyr_collapse_emu(float *img, float *pyr, int planes, int h, int w, int levels,
                              const ob_launch_cfg *cfg);
/* pyr <- mix(mask_pyr, pyr, pyr_b) level by level: pyr and pyr_b are pyramids of
 * `planes` planes, mask_pyr one of mask_planes (1 or planes) planes. */
ob_status ob_pyr_blend_cpu(float *pyr, const float *pyr_b, const float *mask_pyr, int planes, int mask_planes,
                           int h, int w, int levels);
ob_status ob_pyr_blend_cuda(float *pyr, const float *pyr_b, const float *mask_pyr, int planes, int mask_planes,
                            int h, int w, int levels, const ob_launch_cfg *cfg);
ob_status ob_pyr_blend_emu(float *pyr, const float *pyr_b, const float *mask_pyr, int planes, int mask_planes,
                           int h, int w, int levels, const ob_launch_cfg *cfg);

/* acc <- acc + w_pyr * pyr level by level: acc and pyr pyramids of `planes`
 * planes, w_pyr one of w_planes (1 or planes) planes. */
ob_status ob_pyr_accumulate_cpu(float *acc, const float *pyr, const float *w_pyr, int planes, int w_planes, int h,
                                int w, int levels);
ob_status ob_pyr_accumulate_cuda(float *acc, const float *pyr, const float *w_pyr, int planes, int w_planes, int h,
                                 int w, int levels, const ob_launch_cfg *cfg);
ob_status ob_pyr_accumulate_emu(float *acc, const float *pyr, const float *w_pyr, int planes, int w_planes, int h,
                                int w, int levels, const ob_launch_cfg *cfg);

/* What each path gives the shared multi-level schedule (pyramid.c). */
typedef struct {
    ob_status (*reduce)(float *out, const float *in, int planes, int h, int w, const ob_launch_cfg *cfg);
    ob_status (*expand)(float *out, const float *in, const float *base, float scale, int planes, int h, int w,
                        int oh, int ow, const ob_launch_cfg *cfg);
    ob_status (*mix)(float *out, const float *a, const float *b, const float *m, int planes, int m_planes, size_t n,
                     const ob_launch_cfg *cfg);
    ob_status (*copy)(float *dst, const float *src, size_t n, const ob_launch_cfg *cfg);
    ob_status (*accum)(float *acc, const float *a, const float *m, int planes, int m_planes, size_t n,
                       const ob_launch_cfg *cfg);
} ob_pyr_ops;

ob_status ob_pyr_gaussian_with(const ob_pyr_ops *ops, float *pyr, const float *img, int planes, int h, int w,
                               int levels, const ob_launch_cfg *cfg);
ob_status ob_pyr_laplacian_with(const ob_pyr_ops *ops, float *pyr, const float *img, int planes, int h, int w,
                                int levels, const ob_launch_cfg *cfg);
ob_status ob_pyr_collapse_with(const ob_pyr_ops *ops, float *img, float *pyr, int planes, int h, int w, int levels,
                               const ob_launch_cfg *cfg);
ob_status ob_pyr_blend_with(const ob_pyr_ops *ops, float *pyr, const float *pyr_b, const float *mask_pyr, int planes,
                            int mask_planes, int h, int w, int levels, const ob_launch_cfg *cfg);
ob_status ob_pyr_accumulate_with(const ob_pyr_ops *ops, float *acc, const float *pyr, const float *w_pyr, int planes,
                                 int w_planes, int h, int w, int levels, const ob_launch_cfg *cfg);

/* ---- tensors (float32, where the context computes) -------------------------- */

/* Outputs are allocated by the caller with the sizes below.
 * out (C, H, W) <- blur(in (C, H, W)). */
ob_status ob_pyr_blur(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in);
/* out (C, ceil(H/2), ceil(W/2)) <- reduce(in (C, H, W)). */
ob_status ob_pyr_reduce(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in);
/* out (C, OH, OW) <- base (NULL or out's shape) + scale * expand(in (C, H, W)). */
ob_status ob_pyr_expand(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in, const ob_tensor *base, float scale);
/* pyr (numel) <- Laplacian (or Gaussian, gaussian = 1) pyramid of img (C, H, W). img may be pyr's
 * level 0 itself (the first C*H*W floats): the copy is skipped and the pyramid built in place. */
ob_status ob_pyr_build(ob_ctx *ctx, ob_tensor *pyr, const ob_tensor *img, int levels, int gaussian);
/* img (C, H, W) <- collapse(pyr (numel)); pyr is overwritten as in ob_pyr_collapse_cpu. */
ob_status ob_pyr_collapse(ob_ctx *ctx, ob_tensor *img, ob_tensor *pyr, int levels);
/* pyr (numel of C planes) <- blend under mask_pyr (numel of 1 or C planes) of pyr and pyr_b; h, w, the
 * level-0 size. */
ob_status ob_pyr_blend(ob_ctx *ctx, ob_tensor *pyr, const ob_tensor *pyr_b, const ob_tensor *mask_pyr, int planes,
                       int mask_planes, int h, int w, int levels);
/* acc (numel of C planes) <- acc + w_pyr (numel of 1 or C planes) * pyr (numel of C planes), level by level. */
ob_status ob_pyr_accumulate(ob_ctx *ctx, ob_tensor *acc, const ob_tensor *pyr, const ob_tensor *w_pyr, int planes,
                            int w_planes, int h, int w, int levels);

#ifdef __cplusplus
}
#endif
#endif
