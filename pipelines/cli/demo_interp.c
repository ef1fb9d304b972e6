/* demo_interp.c — `obscura demo --job interp`: the interpolation baseline.
 * Shrink a real photo by a factor with area averaging, enlarge it back with
 * nearest, bilinear and bicubic interpolation, and score each against the
 * original (PSNR/SSIM on RGB and Y). The photo is skimage's astronaut, which
 * `.ci/setup` installs with Debian's python3-skimage; without it (or with
 * --image chart) the embedded procedural test chart is used, so the demo
 * always runs with no download. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "demo.h"
#include "ob_atomic_file.h"
#include "ob_image_io.h"
#include "ob_image_ops.h"
#include "ob_log.h"
#include "ob_metrics.h"
#include "ob_testchart.h"
#include "resize.h"

#define DEFAULT_PHOTO "/usr/lib/python3/dist-packages/skimage/data/astronaut.png"
#define N_METHODS 3

static const ob_resize_method methods[N_METHODS] = {OB_RESIZE_NEAREST, OB_RESIZE_BILINEAR, OB_RESIZE_BICUBIC};

typedef struct {
    const char *dir, *source;
    int factor, w, h;
    ob_metrics_result scores[N_METHODS];
    double ms[N_METHODS];
    const char *backend;
} demo_report;

static ob_status load_input(ob_tensor *img, const char **source, const char *requested)
{
    const int chart = requested && !strcmp(requested, "chart");
    const char *path = requested ? requested : DEFAULT_PHOTO;
    if (!chart && (requested || access(path, R_OK) == 0)) {
        *source = path;
        return ob_image_read(img, NULL, path);
    }
    *source = chart ? "embedded test chart" : "embedded test chart (install python3-skimage for the astronaut photo)";
    return ob_test_chart(img, 384, 384);
}

/* Crops (C, H, W) in place to the largest multiple of f on each side, so that
 * shrinking and enlarging by f return exactly the original size. */
static ob_status crop_to_multiple(ob_tensor *crop, const ob_tensor *img, int f)
{
    int64_t c = img->shape[0], h = img->shape[1] / f * f, w = img->shape[2] / f * f;
    OB_REQUIRE(h >= 11 * f && w >= 11 * f, "demo: the image is too small for factor %d (needs %dx%d)", f, 11 * f, 11 * f);
    int64_t shape[3] = {c, h, w};
    OB_TRY(ob_tensor_alloc(crop, OB_F32, OB_HOST, 3, shape));
    const float *src = ob_tensor_f32(img);
    float *dst = ob_tensor_f32(crop);
    for (int64_t ch = 0; ch < c; ch++)
        for (int64_t y = 0; y < h; y++)
            memcpy(dst + (ch * h + y) * w, src + (ch * img->shape[1] + y) * img->shape[2], (size_t)w * sizeof(float));
    return OB_OK;
}

static ob_status write_png(const char *dir, const char *name, const ob_tensor *img)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return ob_image_write(path, img, OB_FMT_PNG, 8);
}

static ob_status write_json(FILE *f, void *user)
{
    const demo_report *r = user;
    fprintf(f, "{\n  \"source\": ");
    ob_json_string(f, r->source);
    fprintf(f, ",\n  \"factor\": %d,\n  \"size\": [%d, %d],\n  \"backend\": \"%s\",\n  \"methods\": [\n", r->factor,
            r->w, r->h, r->backend);
    for (int i = 0; i < N_METHODS; i++) {
        const ob_metrics_result *s = &r->scores[i];
        fprintf(f, "    {\"method\": \"%s\", \"image\": \"up_%s.png\", \"psnr\": ", ob_resize_method_name(methods[i]),
                ob_resize_method_name(methods[i]));
        ob_json_number(f, s->rgb.psnr);
        fprintf(f, ", \"ssim\": %.6f, \"psnr_y\": ", s->rgb.ssim);
        ob_json_number(f, s->y.psnr);
        fprintf(f, ", \"ssim_y\": %.6f, \"ms\": %.3f}%s\n", s->y.ssim, r->ms[i], i + 1 < N_METHODS ? "," : "");
    }
    fprintf(f, "  ]\n}\n");
    return ferror(f) ? OB_FAIL(OB_ERR_IO, "write error") : OB_OK;
}

static ob_status write_html(FILE *f, void *user)
{
    const demo_report *r = user;
    fprintf(f, "<!doctype html>\n<meta charset=\"utf-8\">\n<title>obscura demo</title>\n"
               "<style>body{font-family:sans-serif;margin:2em}figure{display:inline-block;margin:0 1em 1em 0}"
               "img{width:%dpx;image-rendering:pixelated}td,th{padding:0 1em;text-align:right}</style>\n",
            r->w > 384 ? 384 : r->w);
    fprintf(f, "<h1>obscura demo: interpolation baseline, factor %d</h1>\n<p>Source: %s (%dx%d); backend %s.</p>\n",
            r->factor, r->source, r->w, r->h, r->backend);
    fprintf(f, "<table><tr><th>method</th><th>PSNR dB</th><th>SSIM</th><th>PSNR (Y)</th><th>SSIM (Y)</th></tr>\n");
    for (int i = 0; i < N_METHODS; i++)
        fprintf(f, "<tr><td>%s</td><td>%.2f</td><td>%.4f</td><td>%.2f</td><td>%.4f</td></tr>\n",
                ob_resize_method_name(methods[i]), r->scores[i].rgb.psnr, r->scores[i].rgb.ssim, r->scores[i].y.psnr,
                r->scores[i].y.ssim);
    fprintf(f, "</table>\n<figure><img src=\"original.png\"><figcaption>original</figcaption></figure>\n"
               "<figure><img src=\"small.png\"><figcaption>shrunk (area)</figcaption></figure>\n");
    for (int i = 0; i < N_METHODS; i++)
        fprintf(f, "<figure><img src=\"up_%s.png\"><figcaption>%s</figcaption></figure>\n",
                ob_resize_method_name(methods[i]), ob_resize_method_name(methods[i]));
    return ferror(f) ? OB_FAIL(OB_ERR_IO, "write error") : OB_OK;
}

static int run_steps(ob_cli *cli, ob_ctx *ctx, demo_report *rep, const ob_tensor *orig)
{
    ob_tensor small = {0}, up = {0};
    int rc = 0;
    const int sw = rep->w / rep->factor, sh = rep->h / rep->factor;
    if (ob_image_resize(ctx, &small, orig, sw, sh, OB_RESIZE_AREA) != OB_OK || write_png(rep->dir, "original.png", orig) != OB_OK ||
        write_png(rep->dir, "small.png", &small) != OB_OK) {
        rc = ob_cli_error("demo: %s", ob_last_error());
        goto done;
    }
    for (int i = 0; i < N_METHODS && !rc; i++) {
        char name[64];
        snprintf(name, sizeof name, "up_%s.png", ob_resize_method_name(methods[i]));
        double t0 = ob_now_seconds();
        ob_status s = ob_image_resize(ctx, &up, &small, rep->w, rep->h, methods[i]);
        rep->ms[i] = (ob_now_seconds() - t0) * 1e3;
        if (s == OB_OK) s = ob_image_metrics(ctx, &rep->scores[i], orig, &up, 1.0);
        if (s == OB_OK) s = write_png(rep->dir, name, &up);
        if (s != OB_OK) rc = ob_cli_error("demo: %s: %s", name, ob_last_error());
        ob_tensor_free(&up);
    }
done:
    ob_tensor_free(&small);
    return rc;
}

int ob_demo_interp(ob_cli *cli, const char *dir)
{
    demo_report rep = {0};
    rep.dir = dir;
    rep.factor = 3;
    const char *f = ob_cli_get(cli, "--factor");
    if (f && ob_cli_parse_int(&rep.factor, f, "--factor", 2, 8)) return OB_CLI_EXIT_ERROR;

    ob_tensor img = {0}, orig = {0};
    ob_ctx *ctx = NULL;
    int rc = 0;
    if (load_input(&img, &rep.source, ob_cli_get(cli, "--image")) != OB_OK) return ob_cli_fail_status("demo input");
    if (img.shape[0] == 2 || img.shape[0] == 4) img.shape[0]--; /* drop alpha: planar, so it is the last plane */
    if (crop_to_multiple(&orig, &img, rep.factor) != OB_OK) rc = ob_cli_error("%s", ob_last_error());
    else if (!(rc = ob_cli_make_ctx(cli, &ctx))) {
        rep.w = (int)orig.shape[2], rep.h = (int)orig.shape[1];
        rep.backend = ob_backend_name(ob_ctx_backend(ctx));
        rc = run_steps(cli, ctx, &rep, &orig);
    }
    char path[4096];
    if (!rc) {
        snprintf(path, sizeof path, "%s/report.json", rep.dir);
        if (ob_atomic_write(path, write_json, &rep) != OB_OK) rc = ob_cli_fail_status(path);
    }
    if (!rc) {
        snprintf(path, sizeof path, "%s/index.html", rep.dir);
        if (ob_atomic_write(path, write_html, &rep) != OB_OK) rc = ob_cli_fail_status(path);
    }
    if (!rc) {
        if (cli->json) {
            FILE *out = stdout;
            write_json(out, &rep);
        } else {
            printf("obscura demo: %s, %dx%d, shrunk %dx and enlarged back (%s backend)\n", rep.source, rep.w, rep.h,
                   rep.factor, rep.backend);
            printf("  %-9s %9s %8s %10s %9s\n", "method", "PSNR dB", "SSIM", "PSNR(Y)", "SSIM(Y)");
            for (int i = 0; i < N_METHODS; i++)
                printf("  %-9s %9.2f %8.4f %10.2f %9.4f\n", ob_resize_method_name(methods[i]), rep.scores[i].rgb.psnr,
                       rep.scores[i].rgb.ssim, rep.scores[i].y.psnr, rep.scores[i].y.ssim);
            printf("outputs: %s/ (original.png, small.png, up_*.png, report.json)\npage:    %s/index.html\n", rep.dir,
                   rep.dir);
        }
    }
    ob_ctx_destroy(ctx);
    ob_tensor_free(&img);
    ob_tensor_free(&orig);
    return rc;
}
