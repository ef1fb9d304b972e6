/* bilateral_exact_cpu.c — the CPU path of bilateral_exact.h: the definition,
 * written out. OpenMP over output rows; for each pixel the neighbours q of the
 * disc are visited in raster order (dy, then dx ascending), the order the CUDA
 * kernel keeps, and clipped to the image. The spatial weight is the product of
 * two 1-D table entries (exp(-dx^2/2s^2) exp(-dy^2/2s^2) = exp(-|d|^2/2s^2)). */
#include <stdlib.h>

#include "bilateral_exact.h"

ob_status ob_bilateral_exact_cpu(float *out, const float *in, const float *guide, int h, int w, float sigma_s,
                                 float sigma_r)
{
    int r;
    OB_TRY(ob_bilateral_exact_check(&r, h, w, sigma_s, sigma_r));
    OB_REQUIRE(out && in && guide, "bilateral exact: null pointer");
    float *sp = malloc(sizeof(float) * (size_t)(r + 1));
    int *half = malloc(sizeof(int) * (size_t)(r + 1));
    if (!sp || !half) {
        free(sp), free(half);
        return OB_FAIL(OB_ERR_NOMEM, "bilateral exact: no memory for %d-entry tables", r + 1);
    }
    const float nhs = ob_bilx_neg_half_inv_var(sigma_s), nhr = ob_bilx_neg_half_inv_var(sigma_r);
    for (int k = 0; k <= r; k++) sp[k] = ob_bilx_spatial(k, nhs), half[k] = ob_bilx_half_width(k, r);
#pragma omp parallel for schedule(dynamic, 4)
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            const float gp = guide[(size_t)y * w + x];
            float s = 0.f, wsum = 0.f;
            const int dy0 = y - r < 0 ? -y : -r, dy1 = y + r > h - 1 ? h - 1 - y : r;
            for (int dy = dy0; dy <= dy1; dy++) {
                const int hw = half[dy < 0 ? -dy : dy];
                const int dx0 = x - hw < 0 ? -x : -hw, dx1 = x + hw > w - 1 ? w - 1 - x : hw;
                const float wy = sp[dy < 0 ? -dy : dy];
                const float *rin = in + (size_t)(y + dy) * w + x, *rg = guide + (size_t)(y + dy) * w + x;
                for (int dx = dx0; dx <= dx1; dx++) {
                    const float d = rg[dx] - gp;
                    const float wgt = (wy * sp[dx < 0 ? -dx : dx]) * expf(d * d * nhr);
                    s += wgt * rin[dx];
                    wsum += wgt;
                }
            }
            out[(size_t)y * w + x] = s / wsum; /* wsum >= the centre's weight, 1 */
        }
    }
    free(sp), free(half);
    return OB_OK;
}
