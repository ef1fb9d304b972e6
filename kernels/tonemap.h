/* tonemap.h — the arithmetic of tone mapping, as elementwise and reduction
 * kernels: the stages of Durand & Dorsey 2002 as the seed writes them (steps
 * 1-3 and 5-9; step 4, the bilateral filter, is bilateral_grid.h /
 * bilateral_exact.h), Reinhard's L/(1+L), and the statistics the operators need.
 * pipelines/ob_tonemap.h strings them into the three operators.
 *
 * Contract
 *   All buffers are caller-owned, contiguous float32; n = pixels (>= 1). Colour
 *   buffers are planar (3, n): R at [0, n), G at [n, 2n), B at [2n, 3n). Outputs
 *   must not overlap inputs unless a function says so. The per-pixel rules below
 *   (ob_tm_*) are the definitions: the CPU and GPU paths both call them, so the
 *   paths differ only by rounding (nvcc contracts a*b+c to FMA; log2f, exp2f,
 *   powf are within 2 ulp of each other).
 *
 *   clean        dst[i] = 0 for NaN, negatives and -inf; min(v, 1e30) otherwise
 *                (+inf -> 1e30). Every later stage assumes clean, finite input.
 *                In place (dst == src) is allowed. Counts n values, not pixels.
 *   intensity    Durand step 1: I = (20 R + 40 G + B) / 61.
 *   chroma       Durand step 2: (R/I, G/I, B/I); a black pixel (I = 0) gets
 *                (1, 1, 1), the neutral chroma, so it reconstructs as grey.
 *   log2         Durand step 3: L = log2(max(I, floor)). floor (> 0) is the
 *                epsilon for zeros; the pipeline passes the smallest positive
 *                intensity of the image (ob_tonemap_stats.min_positive), so a
 *                black pixel is as dark as the darkest real one and never
 *                stretches the log range (a fixed epsilon such as 1e-6 would put
 *                zeros ~20+ stops below everything else and squeeze the base
 *                layer in step 6).
 *   detail       Durand step 5: D = L - B (B: the bilateral-filtered L).
 *   base_scale   Durand step 6: B' = (B - bmax) * scale; the pipeline passes
 *                scale = stops / (bmax - bmin), so B' spans [-stops, 0].
 *   exp2         Durand step 7: O = B' + D, intensity 2^O.
 *   colour       Durand step 8: rgb_c = chroma_c * I_out (also Reinhard's colour).
 *   display      Durand step 9 and the global operators' last stage:
 *                out = min(1, (v * scale)^gamma), 0 for v * scale <= 0 or NaN.
 *                Counts n values. In place is allowed.
 *   reinhard     Ld = a I / (1 + a I) (Reinhard et al. 2002 eq. 3 on the scaled
 *                luminance, a = key / log-average), saturating to 1 for huge a I.
 *   stats        the smallest value > 0 (0 when none) and the sum (in double)
 *                of n finite values, on the host: step 3's floor and Reinhard's
 *                log-average. Deterministic: the split into chunks / blocks
 *                depends on n and the block size only. Min and max (global
 *                scale's peak, step 6's base range) are kernels/minmax.h's.
 *
 * Paths
 *   _cpu   plain loops, OpenMP above PARALLEL_MIN elements; stats sums fixed
 *          chunks in double and adds them in order.
 *   _cuda  kernels/tonemap.cu: one grid-stride kernel per stage, 1-D blocks
 *          (cfg block_x, default 256, a multiple of 32, <= 1024); stats writes
 *          two partials per block (min positive, sum) and the host
 *          combines them in block order (the call synchronises the stream).
 *          Device pointers (_emu: the same source under cuda-emu, host pointers).
 *   ob_tonemap_NAME(ctx, ...): tensors (C, H, W) where ctx computes (C = 3 for
 *          colour, 1 for intensity-like maps; (H, W) also accepted for those);
 *          checks shapes, then picks the path.
 *
 * Errors: OB_ERR_ARG for n = 0, a null pointer, a bad parameter (floor <= 0,
 * gamma <= 0, a <= 0, a non-finite scale or bmax), or tensors of the wrong shape.
 *
 * Example (Durand steps 1-3 on the CPU; rgb (3, n), i, l (n), c (3, n))
 *   OB_TRY(ob_tonemap_intensity_cpu(i, rgb, n));
 *   OB_TRY(ob_tonemap_chroma_cpu(c, rgb, i, n));
 *   ob_tonemap_stats st;
 *   OB_TRY(ob_tonemap_stats_cpu(&st, i, n));
 *   OB_TRY(ob_tonemap_log2_cpu(l, i, n, st.min_positive > 0 ? (float)st.min_positive : 1.f));
 */
#ifndef OB_TONEMAP_H
#define OB_TONEMAP_H

#include <math.h>
#include <stddef.h>

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OB_TONEMAP_MAX_VALUE 1e30f /* clean's ceiling: 20 R + 40 G + B stays finite */

typedef struct {
    double min_positive; /* smallest value > 0; 0 when no value is positive */
    double sum;
} ob_tonemap_stats;

/* ---- per-pixel rules shared by every path ---------------------------------- */
#if defined(__CUDACC__)
#define OB_TM_HD static __host__ __device__ __forceinline__
#else
#define OB_TM_HD static inline
#endif

/* The rules compare with ?: rather than fminf / fmaxf: on the CPU those are
 * library calls (their NaN rules keep GCC from using minss), ?: vectorises. */
OB_TM_HD float ob_tm_clean(float v) { return v > 0.f ? (v < OB_TONEMAP_MAX_VALUE ? v : OB_TONEMAP_MAX_VALUE) : 0.f; }
/* Durand step 1 */
OB_TM_HD float ob_tm_intensity(float r, float g, float b) { return (20.f * r + 40.f * g + b) / 61.f; }
/* Durand step 2 */
OB_TM_HD float ob_tm_chroma(float v, float i) { return i > 0.f ? v / i : 1.f; }
/* Durand step 3 */
OB_TM_HD float ob_tm_log2(float i, float floor_) { return log2f(i > floor_ ? i : floor_); }
/* Durand step 6 */
OB_TM_HD float ob_tm_base_scale(float b, float bmax, float scale) { return (b - bmax) * scale; }
/* Durand step 7 */
OB_TM_HD float ob_tm_exp2(float base_scaled, float detail) { return exp2f(base_scaled + detail); }
/* Durand step 9: gamma and clamp to [0, 1]. Branch-free (powf of a safe
 * argument, then selects), so CPU loops over it vectorise (ob_simd_math.h). */
OB_TM_HD float ob_tm_display(float v, float scale, float gamma)
{
    const float x = v * scale;
    const int inside = x > 0.f && x < 1.f; /* false for NaN */
    const float p = powf(inside ? x : 1.f, gamma);
    return inside ? (p < 1.f ? p : 1.f) : (x >= 1.f ? 1.f : 0.f);
}
/* Reinhard: a I / (1 + a I); the clamp keeps 1 + s finite, so huge s gives 1. */
OB_TM_HD float ob_tm_reinhard(float i, float a)
{
    float s = a * i;
    s = s < 1e37f ? s : 1e37f;
    return s / (1.f + s);
}

/* ---- raw buffers: _cpu (host), _cuda (device), _emu (host, cuda-emu) -------- */
/* dst (n) <- clean(src (n)); n values */
ob_status ob_tonemap_clean_cpu(float *dst, const float *src, size_t n);
ob_status ob_tonemap_clean_cuda(float *dst, const float *src, size_t n, const ob_launch_cfg *cfg);
ob_status ob_tonemap_clean_emu(float *dst, const float *src, size_t n, const ob_launch_cfg *cfg);
/* i (n) <- intensity of rgb (3, n) */
ob_status ob_tonemap_intensity_cpu(float *i, const float *rgb, size_t n);
ob_status ob_tonemap_intensity_cuda(float *i, const float *rgb, size_t n, const ob_launch_cfg *cfg);
ob_status ob_tonemap_intensity_emu(float *i, const float *rgb, size_t n, const ob_launch_cfg *cfg);
/* chroma (3, n) <- rgb (3, n) / i (n) */
ob_status ob_tonemap_chroma_cpu(float *chroma, const float *rgb, const float *i, size_t n);
ob_status ob_tonemap_chroma_cuda(float *chroma, const float *rgb, const float *i, size_t n, const ob_launch_cfg *cfg);
ob_status ob_tonemap_chroma_emu(float *chroma, const float *rgb, const float *i, size_t n, const ob_launch_cfg *cfg);
/* l (n) <- log2(max(i (n), floor)) */
ob_status ob_tonemap_log2_cpu(float *l, const float *i, size_t n, float floor_);
ob_status ob_tonemap_log2_cuda(float *l, const float *i, size_t n, float floor_, const ob_launch_cfg *cfg);
ob_status ob_tonemap_log2_emu(float *l, const float *i, size_t n, float floor_, const ob_launch_cfg *cfg);
/* d (n) <- l (n) - b (n) */
ob_status ob_tonemap_detail_cpu(float *d, const float *l, const float *b, size_t n);
ob_status ob_tonemap_detail_cuda(float *d, const float *l, const float *b, size_t n, const ob_launch_cfg *cfg);
ob_status ob_tonemap_detail_emu(float *d, const float *l, const float *b, size_t n, const ob_launch_cfg *cfg);
/* bs (n) <- (b (n) - bmax) * scale */
ob_status ob_tonemap_base_scale_cpu(float *bs, const float *b, size_t n, float bmax, float scale);
ob_status ob_tonemap_base_scale_cuda(float *bs, const float *b, size_t n, float bmax, float scale, const ob_launch_cfg *cfg);
ob_status ob_tonemap_base_scale_emu(float *bs, const float *b, size_t n, float bmax, float scale, const ob_launch_cfg *cfg);
/* io (n) <- 2^(bs (n) + d (n)) */
ob_status ob_tonemap_exp2_cpu(float *io, const float *bs, const float *d, size_t n);
ob_status ob_tonemap_exp2_cuda(float *io, const float *bs, const float *d, size_t n, const ob_launch_cfg *cfg);
ob_status ob_tonemap_exp2_emu(float *io, const float *bs, const float *d, size_t n, const ob_launch_cfg *cfg);
/* rgb (3, n) <- chroma (3, n) * io (n) */
ob_status ob_tonemap_colour_cpu(float *rgb, const float *chroma, const float *io, size_t n);
ob_status ob_tonemap_colour_cuda(float *rgb, const float *chroma, const float *io, size_t n, const ob_launch_cfg *cfg);
ob_status ob_tonemap_colour_emu(float *rgb, const float *chroma, const float *io, size_t n, const ob_launch_cfg *cfg);
/* ld (n) <- a i / (1 + a i), i (n) */
ob_status ob_tonemap_reinhard_cpu(float *ld, const float *i, size_t n, float a);
ob_status ob_tonemap_reinhard_cuda(float *ld, const float *i, size_t n, float a, const ob_launch_cfg *cfg);
ob_status ob_tonemap_reinhard_emu(float *ld, const float *i, size_t n, float a, const ob_launch_cfg *cfg);
/* out (n) <- min(1, (in (n) * scale)^gamma); n values */
ob_status ob_tonemap_display_cpu(float *out, const float *in, size_t n, float scale, float gamma);
ob_status ob_tonemap_display_cuda(float *out, const float *in, size_t n, float scale, float gamma, const ob_launch_cfg *cfg);
ob_status ob_tonemap_display_emu(float *out, const float *in, size_t n, float scale, float gamma, const ob_launch_cfg *cfg);
/* *s (host) <- min positive and sum of x (n) */
ob_status ob_tonemap_stats_cpu(ob_tonemap_stats *s, const float *x, size_t n);
ob_status ob_tonemap_stats_cuda(ob_tonemap_stats *s, const float *x, size_t n, const ob_launch_cfg *cfg);
ob_status ob_tonemap_stats_emu(ob_tonemap_stats *s, const float *x, size_t n, const ob_launch_cfg *cfg);

/* ---- tensors where ctx computes: colour (3, H, W), maps (1, H, W) or (H, W) -- */
ob_status ob_tonemap_clean(ob_ctx *ctx, ob_tensor *dst, const ob_tensor *src); /* any shape, same numel */
ob_status ob_tonemap_intensity(ob_ctx *ctx, ob_tensor *i, const ob_tensor *rgb);
ob_status ob_tonemap_chroma(ob_ctx *ctx, ob_tensor *chroma, const ob_tensor *rgb, const ob_tensor *i);
ob_status ob_tonemap_log2(ob_ctx *ctx, ob_tensor *l, const ob_tensor *i, float floor_);
ob_status ob_tonemap_detail(ob_ctx *ctx, ob_tensor *d, const ob_tensor *l, const ob_tensor *b);
ob_status ob_tonemap_base_scale(ob_ctx *ctx, ob_tensor *bs, const ob_tensor *b, float bmax, float scale);
ob_status ob_tonemap_exp2(ob_ctx *ctx, ob_tensor *io, const ob_tensor *bs, const ob_tensor *d);
ob_status ob_tonemap_colour(ob_ctx *ctx, ob_tensor *rgb, const ob_tensor *chroma, const ob_tensor *io);
ob_status ob_tonemap_reinhard(ob_ctx *ctx, ob_tensor *ld, const ob_tensor *i, float a);
ob_status ob_tonemap_display(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in, float scale, float gamma); /* any shape */
ob_status ob_tonemap_stats_of(ob_ctx *ctx, ob_tonemap_stats *s, const ob_tensor *x); /* any shape */

/* ---- private: the argument checks both paths share (tonemap.c) -------------- */
ob_status ob_tonemap_check(const char *stage, size_t n, int ok_pointers);
ob_status ob_tonemap_check_param(const char *stage, const char *name, float v, int must_be_positive);

#ifdef __cplusplus
}
#endif
#endif
