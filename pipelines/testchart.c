/* testchart.c — the procedural test chart of ob_testchart.h. */
#include "ob_testchart.h"

#include <math.h>

ob_status ob_test_chart(ob_tensor *out, int w, int h)
{
    OB_REQUIRE(w >= 8 && h >= 8, "test chart: %dx%d is too small (min 8x8)", w, h);
    int64_t shape[3] = {3, h, w};
    OB_TRY(ob_tensor_alloc(out, OB_F32, OB_HOST, 3, shape));
    float *p = ob_tensor_f32(out);
    const size_t plane = (size_t)w * h;
    const double pi = 3.14159265358979323846, cx = 0.5 * w, cy = 0.5 * h;
    /* zone plate: phase k*r^2, local frequency k*r/pi cycles/pixel, chosen to
     * reach 0.12 at the corner: fine detail that survives a 3x shrink (whose
     * Nyquist limit is 0.167), so interpolation quality, not aliasing, decides */
    const double rmax2 = cx * cx + cy * cy, k = 0.12 * pi / sqrt(rmax2);
#pragma omp parallel for schedule(static)
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
            double zone = 0.5 + 0.5 * cos(k * (dx * dx + dy * dy));
            double hue = 2 * pi * x / w, value = 0.25 + 0.75 * y / h;
            double rgb[3];
            for (int c = 0; c < 3; c++) rgb[c] = value * (0.5 + 0.5 * cos(hue - c * 2 * pi / 3));
            int in_grid = y > 2 * h / 3 && ((x / (w / 8 + 1) + y / (h / 12 + 1)) % 2 == 0);
            for (int c = 0; c < 3; c++) {
                double v = in_grid ? (c == 0 ? 0.95 : 0.1) : 0.55 * zone + 0.45 * rgb[c];
                p[c * plane + (size_t)y * w + x] = (float)v;
            }
        }
    return OB_OK;
}
