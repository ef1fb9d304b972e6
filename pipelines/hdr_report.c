/* hdr_report.c — response.csv and response.svg (ob_hdr_report.h). */
#include "ob_hdr_report.h"

#include <math.h>
#include <stdio.h>

#include "ob_atomic_file.h"

typedef struct {
    const float *g;
    int channels, n_bins;
    const char *title;
} curves;

static ob_status check(const float *g, int channels, int n_bins)
{
    OB_REQUIRE(g && (channels == 1 || channels == 3) && n_bins >= 2, "response: %d channels, %d bins", channels, n_bins);
    for (int i = 0; i < channels * n_bins; i++)
        OB_REQUIRE(isfinite(g[i]), "response: g[%d] is not finite", i);
    return OB_OK;
}

static ob_status csv_body(FILE *f, void *user)
{
    const curves *c = user;
    fputs(c->channels == 3 ? "z,g_r,g_g,g_b\n" : "z,g\n", f);
    for (int z = 0; z < c->n_bins; z++) {
        fprintf(f, "%d", z);
        for (int ch = 0; ch < c->channels; ch++) fprintf(f, ",%.6f", c->g[ch * c->n_bins + z]);
        fputc('\n', f);
    }
    return ferror(f) ? OB_FAIL(OB_ERR_IO, "write error") : OB_OK;
}

ob_status ob_write_response_csv(const char *path, const float *g, int channels, int n_bins)
{
    OB_TRY(check(g, channels, n_bins));
    curves c = {g, channels, n_bins, NULL};
    return ob_atomic_write(path, csv_body, &c);
}

/* Round step for about 6 ticks over span. */
static double tick_step(double span)
{
    double raw = span / 6, mag = pow(10, floor(log10(raw))), r = raw / mag;
    return (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * mag;
}

static ob_status svg_body(FILE *f, void *user)
{
    const curves *c = user;
    const double W = 640, H = 480, left = 70, right = 20, top = 40, bottom = 60;
    double gmin = INFINITY, gmax = -INFINITY;
    for (int i = 0; i < c->channels * c->n_bins; i++) {
        if (c->g[i] < gmin) gmin = c->g[i];
        if (c->g[i] > gmax) gmax = c->g[i];
    }
    if (gmax - gmin < 1e-6) gmax = gmin + 1;
    const double pw = W - left - right, ph = H - top - bottom, zmax = c->n_bins - 1;
#define PX(gv) (left + ((gv)-gmin) / (gmax - gmin) * pw)
#define PY(z) (top + ph - (z) / zmax * ph)
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
               "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            W, H, W, H);
    fprintf(f, "<text x=\"%.0f\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">%s</text>\n", W / 2,
            c->title ? c->title : "camera response");
    fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#444\"/>\n", left, top,
            pw, ph);
    double step = tick_step(gmax - gmin);
    for (double t = ceil(gmin / step) * step; t <= gmax + 1e-9; t += step)
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%.1f\" "
                   "text-anchor=\"middle\">%g</text>\n",
                PX(t), top, PX(t), top + ph, PX(t), top + ph + 18, fabs(t) < 1e-12 ? 0.0 : t);
    double zstep = tick_step(zmax);
    for (double z = 0; z <= zmax + 1e-9; z += zstep)
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%.1f\" "
                   "text-anchor=\"end\">%g</text>\n",
                left, PY(z), left + pw, PY(z), left - 6, PY(z) + 4, z);
    fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">log exposure g(z) = ln E + ln \xce\x94t</text>\n",
            left + pw / 2, H - 18);
    fprintf(f, "<text transform=\"translate(18 %.0f) rotate(-90)\" text-anchor=\"middle\">pixel value z</text>\n",
            top + ph / 2);
    static const char *colours[3] = {"#d62728", "#2ca02c", "#1f77b4"}, *names[3] = {"red", "green", "blue"};
    for (int ch = 0; ch < c->channels; ch++) {
        const char *col = c->channels == 1 ? "#333" : colours[ch];
        fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", col);
        for (int z = 0; z < c->n_bins; z++) fprintf(f, "%.1f,%.1f ", PX(c->g[ch * c->n_bins + z]), PY((double)z));
        fprintf(f, "\"/>\n");
        if (c->channels == 3)
            fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" fill=\"%s\">%s</text>\n", left + 10, top + 18 + 16 * ch, col,
                    names[ch]);
    }
#undef PX
#undef PY
    fputs("</svg>\n", f);
    return ferror(f) ? OB_FAIL(OB_ERR_IO, "write error") : OB_OK;
}

ob_status ob_write_response_svg(const char *path, const float *g, int channels, int n_bins, const char *title)
{
    OB_TRY(check(g, channels, n_bins));
    curves c = {g, channels, n_bins, title};
    return ob_atomic_write(path, svg_body, &c);
}
