/* pixel_shuffle_cpu.c — the CPU reference of pixel_shuffle.h. Each output row of
 * the high-resolution image reads one row of r input planes; rows are
 * independent, so OpenMP splits them. */
#include "pixel_shuffle.h"

#include <stddef.h>

/* Both directions walk the same index pairs; `to_high` says which side is written. */
static void shuffle_rows(float *high, float *low, int n, int c, int h, int w, int r, int to_high)
{
    const int hr = h * r, wr = w * r;
    const ptrdiff_t rows = (ptrdiff_t)n * c * hr;
#pragma omp parallel for schedule(static)
    for (ptrdiff_t row = 0; row < rows; row++) {
        ptrdiff_t nc = row / hr;           /* n * c + channel */
        int oy = (int)(row % hr);
        int y = oy / r, i = oy % r;
        float *hi = high + row * wr;
        /* low plane index for (n, c*r*r + i*r + j) is nc*r*r + i*r + j */
        const ptrdiff_t plane0 = (nc * r + i) * r;
        for (int j = 0; j < r; j++) {
            float *lo = low + ((plane0 + j) * h + y) * w;
            if (to_high)
                for (int x = 0; x < w; x++) hi[x * r + j] = lo[x];
            else
                for (int x = 0; x < w; x++) lo[x] = hi[x * r + j];
        }
    }
}

ob_status ob_pixel_shuffle_cpu(float *out, const float *in, int n, int c, int h, int w, int r)
{
    shuffle_rows(out, (float *)in, n, c, h, w, r, 1);
    return OB_OK;
}

ob_status ob_pixel_unshuffle_cpu(float *out, const float *in, int n, int c, int h, int w, int r)
{
    shuffle_rows((float *)in, out, n, c, h, w, r, 0);
    return OB_OK;
}
