/* keypoints_report.c — ob_keypoints_report.h: the eval keypoints page. */
#include "ob_keypoints_report.h"

#include <math.h>
#include <stdio.h>

#include "ob_atomic_file.h"

static void esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '<') fputs("&lt;", f);
        else if (*s == '>') fputs("&gt;", f);
        else if (*s == '&') fputs("&amp;", f);
        else if (*s == '"') fputs("&quot;", f);
        else fputc(*s, f);
    }
}

static void num(FILE *f, const char *fmt, double v)
{
    if (isfinite(v)) fprintf(f, fmt, v);
    else fputs("&ndash;", f);
}

static void err_cells(FILE *f, const ob_kp_error *e)
{
    fputs("<td>", f), num(f, "%.5f", e->nmse), fputs("</td><td>", f), num(f, "%.2f", e->mae_px);
    fputs("</td><td>", f), num(f, "%.4f", e->nme), fputs("</td>", f);
}

static void figures(FILE *f, const ob_kp_report *r, int from, int n, const char *title)
{
    fprintf(f, "<h2>%s</h2>\n<div class=\"row\">\n", title);
    for (int i = from; i < from + n; i++) {
        const int64_t im = r->shown[i];
        fputs("<figure><img src=\"", f), esc(f, r->overlays[i]), fputs("\"><figcaption>", f);
        esc(f, r->names[im]);
        fputs("<br>NME ", f), num(f, "%.4f", r->err[im].nme), fputs(", MAE ", f), num(f, "%.2f", r->err[im].mae_px);
        fputs(" px</figcaption></figure>\n", f);
    }
    fputs("</div>\n", f);
}

static ob_status write_page(FILE *f, void *user)
{
    const ob_kp_report *r = user;
    fputs("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>obscura eval keypoints</title>\n"
          "<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}"
          "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}"
          ".row{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0}figcaption{font-size:80%}"
          "img{image-rendering:pixelated}</style></head><body>\n",
          f);
    fputs("<h1>Keypoints: ", f), esc(f, r->model), fputs("</h1>\n<p>", f);
    fprintf(f, "%lld faces of ", (long long)r->n), esc(f, r->data);
    fprintf(f, ", %d points each, on %dx%d crops; checkpoint ", r->k, r->w, r->h), esc(f, r->checkpoint);
    fputs(". Green: the truth, red: the net, yellow: the error.</p>\n", f);
    fputs("<table><tr><th>mean over faces</th><th>NMSE</th><th>MAE (px)</th><th>NME</th></tr>\n<tr><td>net</td>", f);
    err_cells(f, &r->mean);
    fputs("</tr>\n<tr><td>mean shape of the training set</td>", f);
    err_cells(f, &r->base);
    fputs("</tr></table>\n<p>NMSE: mean squared error of the coordinates in units of the crop (x / W, y / H), the "
          "seed's loss. MAE: mean absolute error per coordinate in crop pixels. NME: mean point-to-point error over "
          "the distance between the outer eye corners (300-W; 68-point faces).</p>\n",
          f);
    if (r->loss_svg) fputs("<h2>Loss curves</h2>\n<img src=\"", f), esc(f, r->loss_svg), fputs("\">\n", f);
    figures(f, r, 0, r->n_best, "Best faces");
    figures(f, r, r->n_best, r->n_worst, "Worst faces");
    if (r->filters_png)
        fputs("<h2>First layer's filters</h2>\n<img src=\"", f), esc(f, r->filters_png), fputs("\">\n", f);
    fputs("<h2>Every face</h2>\n<table><tr><th>image</th><th>NMSE</th><th>MAE (px)</th><th>NME</th></tr>\n", f);
    for (int64_t i = 0; i < r->n; i++) {
        fputs("<tr><td>", f), esc(f, r->names[i]), fputs("</td>", f);
        err_cells(f, &r->err[i]);
        fputs("</tr>\n", f);
    }
    fputs("</table>\n</body></html>\n", f);
    return ferror(f) ? OB_FAIL(OB_ERR_IO, "writing the page failed") : OB_OK;
}

ob_status ob_kp_report_write(const char *dir, const ob_kp_report *r)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/index.html", dir);
    return ob_atomic_write(path, write_page, (void *)r);
}
