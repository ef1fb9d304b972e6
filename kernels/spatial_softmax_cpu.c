/* spatial_softmax_cpu.c — CPU path of spatial_softmax.h: per plane, max then sums in double. */
#include <math.h>

#include "spatial_softmax.h"

static float plane_max(const float *x, int hw)
{
    float m = x[0];
    for (int i = 1; i < hw; i++) m = x[i] > m ? x[i] : m;
    return m;
}

ob_status ob_spatial_softmax_cpu(float *p, const float *x, int planes, int hw)
{
#pragma omp parallel for schedule(static)
    for (int k = 0; k < planes; k++) {
        const float *xp = x + (int64_t)k * hw;
        float *pp = p + (int64_t)k * hw;
        const float m = plane_max(xp, hw);
        double s = 0;
        for (int i = 0; i < hw; i++) { /* each exponential once: kept, then scaled */
            pp[i] = expf(xp[i] - m);
            s += pp[i];
        }
        const float inv = (float)(1.0 / s);
        for (int i = 0; i < hw; i++) pp[i] *= inv;
    }
    return OB_OK;
}

ob_status ob_spatial_softmax_backward_cpu(float *gx, const float *gp, const float *p, int planes, int hw)
{
#pragma omp parallel for schedule(static)
    for (int k = 0; k < planes; k++) {
        const int64_t o = (int64_t)k * hw;
        double dot = 0;
        for (int i = 0; i < hw; i++) dot += (double)gp[o + i] * p[o + i];
        for (int i = 0; i < hw; i++) gx[o + i] = p[o + i] * (gp[o + i] - (float)dot);
    }
    return OB_OK;
}

ob_status ob_soft_argmax_cpu(float *xy, const float *x, int planes, int h, int w, ob_softargmax_coords coords)
{
    const int hw = h * w;
#pragma omp parallel for schedule(static)
    for (int k = 0; k < planes; k++) {
        const float *xp = x + (int64_t)k * hw;
        const float m = plane_max(xp, hw);
        double s = 0, sx = 0, sy = 0;
        for (int i = 0; i < hw; i++) {
            const double e = expf(xp[i] - m);
            s += e;
            sx += e * ob_softargmax_coord(i % w, w, coords);
            sy += e * ob_softargmax_coord(i / w, h, coords);
        }
        xy[2 * k] = (float)(sx / s), xy[2 * k + 1] = (float)(sy / s);
    }
    return OB_OK;
}

ob_status ob_soft_argmax_backward_cpu(float *gx, const float *gxy, const float *x, const float *xy, int planes, int h,
                                      int w, ob_softargmax_coords coords)
{
    const int hw = h * w;
#pragma omp parallel for schedule(static)
    for (int k = 0; k < planes; k++) {
        const int64_t o = (int64_t)k * hw;
        const float m = plane_max(x + o, hw);
        double s = 0;
        for (int i = 0; i < hw; i++) s += expf(x[o + i] - m);
        const float inv = (float)(1.0 / s), ex = xy[2 * k], ey = xy[2 * k + 1], gX = gxy[2 * k], gY = gxy[2 * k + 1];
        for (int i = 0; i < hw; i++) {
            const float p = expf(x[o + i] - m) * inv;
            const float X = ob_softargmax_coord(i % w, w, coords), Y = ob_softargmax_coord(i / w, h, coords);
            gx[o + i] = p * (gX * (X - ex) + gY * (Y - ey));
        }
    }
    return OB_OK;
}
