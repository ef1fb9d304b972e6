/* grid.c — ob_grid.h: images tiled on a gray ground. */
#include "ob_grid.h"

ob_status ob_grid_tile(ob_tensor *out, const float *images, int n, int c, int h, int w, int cols, int zoom)
{
    OB_REQUIRE(n >= 1 && c >= 1 && h >= 1 && w >= 1 && cols >= 1 && zoom >= 1, "grid: %d images of %dx%dx%d in %d "
               "columns at %dx", n, c, h, w, cols, zoom);
    if (cols > n) cols = n;
    const int rows = (n + cols - 1) / cols, cell_w = w * zoom + OB_GRID_GAP, cell_h = h * zoom + OB_GRID_GAP;
    const int64_t gw = OB_GRID_GAP + (int64_t)cols * cell_w, gh = OB_GRID_GAP + (int64_t)rows * cell_h;
    OB_REQUIRE(gw <= 16384 && gh <= 16384, "grid: %lldx%lld pixels is too large", (long long)gw, (long long)gh);
    OB_TRY(ob_tensor_alloc(out, OB_F32, OB_HOST, 3, (const int64_t[3]){c, gh, gw}));
    float *g = ob_tensor_f32(out);
    for (int64_t i = 0; i < (int64_t)c * gh * gw; i++) g[i] = 0.5f;
    const int64_t plane = (int64_t)h * w;
    for (int i = 0; i < n; i++) {
        const int64_t x0 = OB_GRID_GAP + (int64_t)(i % cols) * cell_w, y0 = OB_GRID_GAP + (int64_t)(i / cols) * cell_h;
        for (int ch = 0; ch < c; ch++) {
            const float *src = images + ((int64_t)i * c + ch) * plane;
            for (int yy = 0; yy < h * zoom; yy++)
                for (int xx = 0; xx < w * zoom; xx++) {
                    const float v = src[(int64_t)(yy / zoom) * w + xx / zoom];
                    g[((int64_t)ch * gh + y0 + yy) * gw + x0 + xx] = v < 0 ? 0 : v > 1 ? 1 : v;
                }
        }
    }
    return OB_OK;
}
