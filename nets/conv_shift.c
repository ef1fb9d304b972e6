/* conv_shift.c — conv_shift.h. */
#include <cblas.h>

#include "conv_shift.h"

void ob_shift_geom_init(ob_shift_geom *g, int c, int h, int w, int k, int pad, int dil)
{
    const int reach = dil * (k - 1);
    g->c = c, g->h = h, g->w = w, g->k = k, g->pad = pad, g->dil = dil;
    g->hp = h + 2 * pad, g->wp = w + 2 * pad, g->oh = g->hp - reach, g->ow = g->wp - reach;
    g->row0 = 0, g->cs = (int64_t)g->hp * g->wp + reach, g->lw = (int64_t)g->oh * g->wp;
}

void ob_shift_band(ob_shift_geom *band, const ob_shift_geom *g, int row0, int rows)
{
    const int reach = g->dil * (g->k - 1);
    *band = *g;
    band->row0 = row0, band->oh = rows, band->hp = rows + reach;
    band->cs = (int64_t)band->hp * g->wp + reach, band->lw = (int64_t)rows * g->wp;
}

void ob_shift_pad(float *xp, const float *x, const ob_shift_geom *g)
{
    const int p = g->pad, wp = g->wp;
    for (int c = 0; c < g->c; c++) {
        float *d = xp + c * g->cs;
        const float *s = x + (int64_t)c * g->h * g->w;
        for (int r = 0; r < g->hp; r++) { /* padded row r is image row row0 + r - pad */
            float *row = d + (int64_t)r * wp;
            const int iy = g->row0 + r - p;
            if (iy < 0 || iy >= g->h) {
                for (int x0 = 0; x0 < wp; x0++) row[x0] = 0.f;
                continue;
            }
            for (int x0 = 0; x0 < p; x0++) row[x0] = 0.f;
            for (int x0 = 0; x0 < g->w; x0++) row[p + x0] = s[(int64_t)iy * g->w + x0];
            for (int x0 = p + g->w; x0 < wp; x0++) row[x0] = 0.f;
        }
        for (int64_t i = (int64_t)g->hp * wp; i < g->cs; i++) d[i] = 0.f; /* slack */
    }
}

void ob_shift_widen(float *dst, const float *src, int64_t src_chan, int rows, const ob_shift_geom *g)
{
    for (int r = 0; r < rows; r++)
        for (int oy = 0; oy < g->oh; oy++) {
            float *d = dst + ((int64_t)r * g->oh + oy) * g->wp;
            const float *s = src + r * src_chan + (int64_t)oy * g->ow;
            for (int x = 0; x < g->ow; x++) d[x] = s[x];
            for (int x = g->ow; x < g->wp; x++) d[x] = 0.f;
        }
}

static int64_t tap_offset(const ob_shift_geom *g, int t)
{
    return (int64_t)g->dil * (t / g->k) * g->wp + (int64_t)g->dil * (t % g->k);
}

void ob_shift_conv(float *y, int64_t y_chan, float *wide, const float *xp, const float *wt, const float *bias,
                   const ob_shift_geom *g, int groups, int m)
{
    const int cg = g->c / groups, kk = g->k * g->k;
    for (int gi = 0; gi < groups; gi++)
        for (int t = 0; t < kk; t++) /* wide_g (m, lw) (+)= W_t (m, cg) · Xp_g[:, off_t ..] */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, (int)g->lw, cg, 1.f,
                        wt + ((int64_t)gi * kk + t) * m * cg, cg, xp + gi * cg * g->cs + tap_offset(g, t), (int)g->cs,
                        t ? 1.f : 0.f, wide + (int64_t)gi * m * g->lw, (int)g->lw);
    for (int64_t r = 0; r < (int64_t)groups * m; r++) { /* drop the columns past ow, add the bias */
        const float b = bias ? bias[r] : 0.f;
        for (int oy = 0; oy < g->oh; oy++) {
            const float *s = wide + r * g->lw + (int64_t)oy * g->wp;
            float *d = y + r * y_chan + (int64_t)oy * g->ow;
            for (int x = 0; x < g->ow; x++) d[x] = s[x] + b;
        }
    }
}

void ob_shift_wgrad(float *part, const float *dyw, const float *xp, const ob_shift_geom *g, int groups, int m)
{
    const int cg = g->c / groups, kk = g->k * g->k;
    for (int gi = 0; gi < groups; gi++)
        for (int t = 0; t < kk; t++) /* part_g,t (m, cg) += dYw_g (m, lw) · Xp_g[:, off_t ..]ᵀ */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, cg, (int)g->lw, 1.f, dyw + (int64_t)gi * m * g->lw,
                        (int)g->lw, xp + gi * cg * g->cs + tap_offset(g, t), (int)g->cs, 1.f,
                        part + ((int64_t)gi * kk + t) * m * cg, cg);
}
