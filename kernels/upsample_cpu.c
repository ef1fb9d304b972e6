/* upsample_cpu.c — CPU path of upsample.h: OpenMP over rows, the per-element
 * formulas of upsample.h (shared with upsample.cu). */
#include "upsample.h"

ob_status ob_upsample_cpu(float *y, const float *x, int planes, int h, int w, int s, int bilinear)
{
    const int oh = h * s, ow = w * s;
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < (int64_t)planes * oh; r++) {
        const float *xp = x + (r / oh) * h * w;
        for (int p = 0; p < ow; p++) y[r * ow + p] = ob_upsample_at(xp, h, w, s, bilinear, (int)(r % oh), p);
    }
    return OB_OK;
}

ob_status ob_upsample_backward_cpu(float *gx, const float *gy, int planes, int h, int w, int s, int bilinear)
{
    const int64_t plane_out = (int64_t)h * s * w * s;
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < (int64_t)planes * h; r++) {
        const float *gp = gy + (r / h) * plane_out;
        for (int j = 0; j < w; j++) gx[r * w + j] = ob_upsample_grad_at(gp, h, w, s, bilinear, (int)(r % h), j);
    }
    return OB_OK;
}
