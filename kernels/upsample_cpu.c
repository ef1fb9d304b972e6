/* upsample_cpu.c — CPU path of upsample.h. */
#include "upsample.h"

ob_status ob_upsample_cpu(float *y, const float *x, int planes, int h, int w, int s, int bilinear)
{
    const int oh = h * s, ow = w * s;
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < (int64_t)planes * oh; r++) {
        const int o = (int)(r % oh);
        const float *xp = x + (r / oh) * h * w;
        float *yr = y + r * ow;
        int y0, y1;
        float ly;
        ob_upsample_taps(&y0, &y1, &ly, o, h, s, bilinear);
        for (int p = 0; p < ow; p++) {
            int x0, x1;
            float lx;
            ob_upsample_taps(&x0, &x1, &lx, p, w, s, bilinear);
            const float top = (1.0f - lx) * xp[y0 * w + x0] + lx * xp[y0 * w + x1];
            const float bot = (1.0f - lx) * xp[y1 * w + x0] + lx * xp[y1 * w + x1];
            yr[p] = (1.0f - ly) * top + ly * bot;
        }
    }
    return OB_OK;
}

ob_status ob_upsample_backward_cpu(float *gx, const float *gy, int planes, int h, int w, int s, int bilinear)
{
    const int oh = h * s, ow = w * s;
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < (int64_t)planes * h; r++) {
        const int i = (int)(r % h);
        const float *gp = gy + (r / h) * oh * ow;
        int olo, ohi;
        ob_upsample_range(&olo, &ohi, i, h, s);
        for (int j = 0; j < w; j++) {
            int plo, phi;
            ob_upsample_range(&plo, &phi, j, w, s);
            float acc = 0.0f;
            for (int o = olo; o < ohi; o++) {
                const float wy = ob_upsample_weight(o, i, h, s, bilinear);
                if (wy == 0.0f) continue;
                float row = 0.0f;
                for (int p = plo; p < phi; p++) row += ob_upsample_weight(p, j, w, s, bilinear) * gp[o * ow + p];
                acc += wy * row;
            }
            gx[r * w + j] = acc;
        }
    }
    return OB_OK;
}
