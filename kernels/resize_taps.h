/* resize_taps.h — the 1-D sampling rule of every resize method, shared by the CPU
 * path (resize_cpu.c builds tables from it) and the CUDA kernel (resize.cu calls
 * it per thread), so both compute bit-identical taps and weights. Private to the
 * resize family; see resize.h for the semantics.
 *
 * Along one axis, output coordinate d (0 <= d < out) reads `count` consecutive
 * source positions first, first+1, ...; positions outside 0..in-1 are clamped
 * (replicated border) by ob_resize_clamp.
 */
#ifndef OB_RESIZE_TAPS_H
#define OB_RESIZE_TAPS_H

#include <math.h>
#include <stdint.h>

#include "resize.h"

#if defined(__CUDACC__)
#define OB_RESIZE_HD static __host__ __device__ __forceinline__
#else
#define OB_RESIZE_HD static inline
#endif

#ifdef __cplusplus
extern "C" {
#endif
/* Size/method checks shared by every path (resize.c): OB_ERR_ARG with the reason. */
ob_status ob_resize_check_sizes(int planes, int in_h, int in_w, int out_h, int out_w, ob_resize_method m);
#ifdef __cplusplus
}
#endif

/* Keys' cubic convolution parameter: -0.5 (MATLAB); OpenCV INTER_CUBIC uses -0.75. */
#define OB_RESIZE_CUBIC_A (-0.5f)
/* Taps of the fixed-support methods: nearest 1, bilinear 2, bicubic 4. */
#define OB_RESIZE_MAX_FIXED_TAPS 4

OB_RESIZE_HD int ob_resize_clamp(int i, int n) { return i < 0 ? 0 : (i >= n ? n - 1 : i); }

/* Most source positions any output reads along an axis (area: ceil(in/out) + 1;
 * bicubic-aa: the stretched kernel's 4 * max(in/out, 1) pixels, plus 1). */
OB_RESIZE_HD int ob_resize_max_taps(ob_resize_method m, int in, int out)
{
    if (m == OB_RESIZE_BICUBIC_AA) return in > out ? (int)ceil(4.0 * in / out) + 1 : 5;
    if (in == out || m == OB_RESIZE_NEAREST) return 1;
    if (m == OB_RESIZE_BILINEAR) return 2;
    if (m == OB_RESIZE_BICUBIC) return 4;
    return (int)(((int64_t)in + out - 1) / out) + 1;
}

/* Area: output d covers [d*in, (d+1)*in) in units of 1/out of a source pixel. */
OB_RESIZE_HD int ob_resize_area_span(int d, int in, int out, int *first)
{
    const int64_t lo = (int64_t)d * in, hi = lo + in;
    *first = (int)(lo / out);
    return (int)((hi + out - 1) / out) - *first;
}

/* Area: the covered fraction of source pixel k (exact integer overlap / in). */
OB_RESIZE_HD float ob_resize_area_weight(int k, int d, int in, int out)
{
    const int64_t lo = (int64_t)d * in, hi = lo + in, klo = (int64_t)k * out, khi = klo + out;
    const int64_t a = lo > klo ? lo : klo, b = hi < khi ? hi : khi;
    return (float)(b - a) / (float)in;
}

/* bicubic-aa along one axis. The kernel is Keys' with a = -0.5 at distance
 * t (in output pixels), stretched by in/out when the axis shrinks; output d
 * is centred at c = (d + 0.5) in/out - 0.5 and reads the source positions
 * within the kernel's support, first..first+count-1 (before clamping);
 * weight(k) = keys((c - k) / stretch) / norm with norm the sum over the
 * span, all in double, rounded once. */
OB_RESIZE_HD double ob_resize_keys(double t)
{
    const double a = (double)OB_RESIZE_CUBIC_A;
    t = t < 0 ? -t : t;
    if (t <= 1.0) return ((a + 2.0) * t - (a + 3.0)) * t * t + 1.0;
    if (t < 2.0) return ((a * t - 5.0 * a) * t + 8.0 * a) * t - 4.0 * a;
    return 0.0;
}

OB_RESIZE_HD double ob_resize_aa_centre(int d, int in, int out) { return ((double)d + 0.5) * in / out - 0.5; }
OB_RESIZE_HD double ob_resize_aa_stretch(int in, int out) { return in > out ? (double)in / out : 1.0; }

OB_RESIZE_HD int ob_resize_aa_span(int d, int in, int out, int *first)
{
    const double c = ob_resize_aa_centre(d, in, out), half = 2.0 * ob_resize_aa_stretch(in, out);
    const int lo = (int)ceil(c - half), hi = (int)floor(c + half);
    *first = lo;
    return hi - lo + 1;
}

OB_RESIZE_HD double ob_resize_aa_raw(int k, int d, int in, int out)
{
    return ob_resize_keys((ob_resize_aa_centre(d, in, out) - k) / ob_resize_aa_stretch(in, out));
}

OB_RESIZE_HD double ob_resize_aa_norm(int d, int in, int out, int first, int count)
{
    double s = 0;
    for (int t = 0; t < count; t++) s += ob_resize_aa_raw(first + t, d, in, out);
    return s;
}

OB_RESIZE_HD float ob_resize_aa_weight(int k, int d, int in, int out, double norm)
{
    return (float)(ob_resize_aa_raw(k, d, in, out) / norm);
}

/* OpenCV's interpolateCubic with a = OB_RESIZE_CUBIC_A; x in [0, 1) is the
 * fraction past the second tap. The last weight makes the four sum to 1. */
OB_RESIZE_HD void ob_resize_cubic_weights(float x, float w[4])
{
    const float A = OB_RESIZE_CUBIC_A;
    w[0] = ((A * (x + 1) - 5 * A) * (x + 1) + 8 * A) * (x + 1) - 4 * A;
    w[1] = ((A + 2) * x - (A + 3)) * x * x + 1;
    w[2] = ((A + 2) * (1 - x) - (A + 3)) * (1 - x) * (1 - x) + 1;
    w[3] = 1.f - w[0] - w[1] - w[2];
}

/* Taps of a fixed-support method (or of any method on an identity axis): sets
 * *first and w[0..count) (w[count..4) = 0), returns count <= OB_RESIZE_MAX_FIXED_TAPS. Positions
 * are computed as cv::resize does: in double, the fraction rounded to float. */
OB_RESIZE_HD int ob_resize_fixed_taps(ob_resize_method m, int d, int in, int out, int *first, float w[4])
{
    w[1] = w[2] = w[3] = 0.f; /* unused taps: callers may sum all four */
    if (in == out) {
        *first = d, w[0] = 1.f;
        return 1;
    }
    const double scale = 1.0 / ((double)out / in);
    if (m == OB_RESIZE_NEAREST) {
        const int s = (int)floor(d * scale);
        *first = s < in - 1 ? s : in - 1, w[0] = 1.f;
        return 1;
    }
    float f = (float)((d + 0.5) * scale - 0.5);
    int s = (int)floorf(f);
    f -= (float)s;
    if (m == OB_RESIZE_BILINEAR) {
        /* OpenCV pins samples left of pixel 0 / right of pixel in-1 to that pixel */
        if (s < 0) s = 0, f = 0.f;
        if (s >= in - 1) s = in - 1, f = 0.f;
        *first = s, w[0] = 1.f - f, w[1] = f;
        return 2;
    }
    *first = s - 1;
    ob_resize_cubic_weights(f, w);
    return 4;
}

#endif
