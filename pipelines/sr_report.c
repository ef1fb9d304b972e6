/* sr_report.c — ob_sr_report.h: the per-method crops and the HTML page. */
#include "ob_sr_report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ob_atomic_file.h"
#include "ob_image_io.h"
#include "ob_bt601.h"

void ob_sr_quality_mean(ob_quality *mean, const ob_quality *q, int n_images, int n_methods)
{
    for (int c = 0; c < n_methods; c++) mean[c] = (ob_quality){0};
    for (int i = 0; i < n_images; i++)
        for (int c = 0; c < n_methods; c++)
            mean[c].psnr += q[i * n_methods + c].psnr / n_images, mean[c].ssim += q[i * n_methods + c].ssim / n_images;
}

void ob_sr_detail_window(int *y0, int *x0, int *side, const ob_tensor *rgb, int want_side)
{
    const int h = (int)rgb->shape[1], w = (int)rgb->shape[2];
    int s = want_side < h ? want_side : h;
    s = s < w ? s : w;
    *y0 = (h - s) / 2, *x0 = (w - s) / 2, *side = s;
    const int64_t hw = (int64_t)h * w;
    const float *p = ob_tensor_f32(rgb);
    const int step = s / 4 > 1 ? s / 4 : 1;
    double best = -1;
    for (int y = 0; y + s <= h; y += step)
        for (int x = 0; x + s <= w; x += step) {
            double e = 0; /* squared luma steps inside the window, sampled every other pixel */
            for (int i = y; i + 1 < y + s; i += 2)
                for (int j = x; j + 1 < x + s; j += 2) {
                    const int64_t k = (int64_t)i * w + j;
                    const float c = ob_bt601_luma(p[k], p[hw + k], p[2 * hw + k]);
                    const float r = ob_bt601_luma(p[k + 1], p[hw + k + 1], p[2 * hw + k + 1]);
                    const float d = ob_bt601_luma(p[k + w], p[hw + k + w], p[2 * hw + k + w]);
                    e += (double)(r - c) * (r - c) + (double)(d - c) * (d - c);
                }
            if (e > best) best = e, *y0 = y, *x0 = x;
        }
}

ob_status ob_sr_crop(ob_tensor *out, const ob_tensor *img, int y0, int x0, int side)
{
    const int64_t c = img->shape[0], h = img->shape[1], w = img->shape[2];
    OB_REQUIRE(side >= 1 && y0 >= 0 && x0 >= 0 && y0 + side <= h && x0 + side <= w,
               "sr crop: a %d-pixel window at (%d, %d) does not fit %lldx%lld", side, x0, y0, (long long)w,
               (long long)h);
    const int64_t shape[3] = {3, side, side};
    OB_TRY(ob_tensor_alloc(out, OB_F32, OB_HOST, 3, shape));
    for (int64_t k = 0; k < 3; k++) {
        const int64_t from = c >= 3 ? k : 0; /* gray replicated, alpha dropped */
        for (int i = 0; i < side; i++)
            memcpy(ob_tensor_f32(out) + (k * side + i) * side, ob_tensor_f32(img) + (from * h + y0 + i) * w + x0,
                   sizeof(float) * (size_t)side);
    }
    return OB_OK;
}

/* An image's name as a file-name stem: extension dropped, odd characters replaced. */
static void stem_of(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s", name);
    char *dot = strrchr(out, '.');
    if (dot && dot != out) *dot = 0;
    for (char *c = out; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_' ||
              *c == '-'))
            *c = '_';
}

static void html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<') fputs("&lt;", f);
        else if (*s == '>') fputs("&gt;", f);
        else if (*s == '&') fputs("&amp;", f);
        else if (*s == '"') fputs("&quot;", f);
        else fputc(*s, f);
    }
}

static void quality_cell(FILE *f, ob_quality q, int best)
{
    fprintf(f, "<td%s>%.2f / %.4f</td>", best ? " class=\"best\"" : "", q.psnr, q.ssim);
}

static ob_status write_page(FILE *f, void *user)
{
    const ob_sr_report *r = user;
    const int m = r->n_methods;
    fprintf(f, "<!doctype html>\n<meta charset=\"utf-8\">\n<title>");
    html_text(f, r->title ? r->title : "obscura eval sr");
    fprintf(f, "</title>\n<style>body{font-family:sans-serif;margin:2em}td,th{padding:.2em .8em;text-align:right}"
               "td:first-child{text-align:left}.best{font-weight:bold}figure{display:inline-block;margin:0 .6em .6em 0}"
               "img{image-rendering:pixelated}figcaption{font-size:90%%}</style>\n<h1>");
    html_text(f, r->title ? r->title : "obscura eval sr");
    fprintf(f, ", x%d</h1>\n<p>PSNR (dB) / SSIM on Y (BT.601, 16-235), %d-pixel border shaved; the LR image is the "
               "original's bicubic (antialiased) reduction. Best per row in bold.</p>\n<table>\n<tr><th>image</th>",
            r->scale, r->scale);
    for (int c = 0; c < m; c++) {
        fprintf(f, "<th>");
        html_text(f, r->methods[c]);
        fprintf(f, "</th>");
    }
    fprintf(f, "</tr>\n");
    ob_quality mean[OB_SR_REPORT_MAX_METHODS];
    ob_sr_quality_mean(mean, r->q, r->n_images, m);
    for (int i = 0; i <= r->n_images; i++) {
        const ob_quality *q = i < r->n_images ? r->q + (size_t)i * m : mean;
        int best = 0;
        for (int c = 1; c < m; c++)
            if (q[c].psnr > q[best].psnr) best = c;
        fprintf(f, "<tr><td>");
        html_text(f, i < r->n_images ? r->images[i] : "mean");
        fprintf(f, "</td>");
        for (int c = 0; c < m; c++) quality_cell(f, q[c], c == best);
        fprintf(f, "</tr>\n");
    }
    fprintf(f, "</table>\n");
    for (int i = 0; i < r->n_images; i++) {
        char stem[256];
        stem_of(stem, sizeof stem, r->images[i]);
        const int side = (int)r->crops[(size_t)i * (m + 1)].shape[1], shown = 3 * side;
        fprintf(f, "<h2>");
        html_text(f, r->images[i]);
        fprintf(f, "</h2>\n<figure><img src=\"%s_hr.png\" width=\"%d\" height=\"%d\"><figcaption>original</figcaption>"
                   "</figure>\n",
                stem, shown, shown);
        for (int c = 0; c < m; c++) {
            const ob_quality q = r->q[(size_t)i * m + c];
            fprintf(f, "<figure><img src=\"%s_%s.png\" width=\"%d\" height=\"%d\"><figcaption>", stem, r->methods[c],
                    shown, shown);
            html_text(f, r->methods[c]);
            fprintf(f, " %.2f dB</figcaption></figure>\n", q.psnr);
        }
    }
    return ferror(f) ? OB_FAIL(OB_ERR_IO, "write error") : OB_OK;
}

ob_status ob_sr_report_write(const char *dir, const ob_sr_report *r)
{
    OB_REQUIRE(dir && r && r->crops && r->q && r->images, "sr report: NULL argument");
    OB_REQUIRE(r->n_methods >= 1 && r->n_methods <= OB_SR_REPORT_MAX_METHODS && r->n_images >= 1,
               "sr report: %d methods, %d images", r->n_methods, r->n_images);
    for (int c = 0; c < r->n_methods; c++) {
        char clean[64];
        stem_of(clean, sizeof clean, r->methods[c]);
        OB_REQUIRE(r->methods[c] && !strcmp(clean, r->methods[c]), "sr report: method name '%s' is not a file name",
                   r->methods[c] ? r->methods[c] : "(null)");
    }
    for (int i = 0; i < r->n_images * (r->n_methods + 1); i++) {
        const ob_tensor *t = &r->crops[i], *first = &r->crops[i - i % (r->n_methods + 1)];
        OB_REQUIRE(t->ndim == 3 && t->shape[0] == 3 && t->shape[1] == t->shape[2] && t->shape[1] == first->shape[1],
                   "sr report: crop %d is not (3, s, s) like its image's original", i);
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) return OB_FAIL(OB_ERR_IO, "cannot create %s: %s", dir, strerror(errno));
    char path[4096], stem[256];
    for (int i = 0; i < r->n_images; i++) {
        stem_of(stem, sizeof stem, r->images[i]);
        for (int c = 0; c <= r->n_methods; c++) {
            snprintf(path, sizeof path, "%s/%s_%s.png", dir, stem, c ? r->methods[c - 1] : "hr");
            OB_TRY(ob_image_write(path, &r->crops[(size_t)i * (r->n_methods + 1) + c], OB_FMT_PNG, 8));
        }
    }
    snprintf(path, sizeof path, "%s/index.html", dir);
    return ob_atomic_write(path, write_page, (void *)r);
}
