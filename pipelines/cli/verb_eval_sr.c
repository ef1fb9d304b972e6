/* verb_eval_sr.c — `obscura eval sr`: the super-resolution papers' table for
 * a folder of photos (pipelines/ob_sr.h): nearest, bilinear, bicubic and one
 * or more trained nets, PSNR/SSIM on Y per image and their mean, and with
 * --html DIR the page of crops (pipelines/ob_sr_report.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ob_image_io.h"
#include "ob_sr.h"
#include "ob_sr_data.h"
#include "ob_sr_report.h"

#define MAX_NETS 4
#define MAX_COLS (3 + MAX_NETS)
#define CROP_SIDE 96 /* HR pixels of the page's crops */

/* q: n images x cols, row-major. */
static void print_table(const ob_cli *cli, const ob_quality *q_all, char **images, int n, char names[][24], int cols,
                        int scale)
{
    ob_quality mean[MAX_COLS];
    ob_sr_quality_mean(mean, q_all, n, cols);
    if (cli->json) {
        printf("{\"scale\": %d, \"methods\": [", scale);
        for (int c = 0; c < cols; c++) printf("%s\"%s\"", c ? ", " : "", names[c]);
        printf("], \"images\": [");
        for (int i = 0; i < n; i++) {
            printf("%s{\"image\": ", i ? ", " : "");
            ob_json_string(stdout, images[i]);
            for (int c = 0; c < cols; c++) {
                printf(", \"%s\": {\"psnr\": ", names[c]);
                ob_json_number(stdout, q_all[i * cols + c].psnr);
                printf(", \"ssim\": ");
                ob_json_number(stdout, q_all[i * cols + c].ssim);
                printf("}");
            }
            printf("}");
        }
        printf("], \"mean\": {");
        for (int c = 0; c < cols; c++) {
            printf("%s\"%s\": {\"psnr\": ", c ? ", " : "", names[c]);
            ob_json_number(stdout, mean[c].psnr);
            printf(", \"ssim\": ");
            ob_json_number(stdout, mean[c].ssim);
            printf("}");
        }
        printf("}}\n");
        return;
    }
    printf("x%d, PSNR (dB) / SSIM on Y, %d-pixel border shaved\n%-28s", scale, scale, "image");
    for (int c = 0; c < cols; c++) printf(" %17s", names[c]);
    printf("\n");
    for (int i = 0; i <= n; i++) {
        const ob_quality *q = i < n ? q_all + i * cols : mean;
        printf("%-28.28s", i < n ? images[i] : "mean");
        for (int c = 0; c < cols; c++) printf("   %6.2f / %.4f", q[c].psnr, q[c].ssim);
        printf("\n");
    }
}

/* Column names: the model's, made unique ("espcn", "espcn-2", ...). */
static void name_columns(char names[][24], const ob_sr_upscaler *u, int cols)
{
    for (int c = 0; c < cols; c++) {
        snprintf(names[c], 24, "%s", u[c].model);
        for (int k = 2, again = 1; again; k++) {
            again = 0;
            for (int d = 0; d < c; d++)
                if (!strcmp(names[d], names[c])) again = 1;
            if (again) snprintf(names[c], 24, "%s-%d", u[c].model, k);
        }
    }
}

/* --model A[,B...]: each a checkpoint or "shipped", all of one scale (the
 * first one's, or --scale). */
static int open_nets(ob_ctx *ctx, ob_sr_upscaler *u, int *cols, int *scale, const char *list)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", list) >= (int)sizeof buf) return ob_cli_error("--model: the list is too long");
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        if (*cols >= MAX_COLS) return ob_cli_error("--model: at most %d nets", MAX_NETS);
        if (ob_sr_open(&u[*cols], ctx, item, *scale) != OB_OK) return ob_cli_error("--model: %s", ob_last_error());
        *scale = u[(*cols)++].scale;
    }
    return *cols > 3 ? 0 : ob_cli_error("--model: no checkpoint named");
}

int ob_cli_eval_sr(ob_cli *cli)
{
    const char *data = ob_cli_get(cli, "--data"), *ckpt = ob_cli_get(cli, "--model"), *method = ob_cli_get(cli, "--method");
    const char *html = ob_cli_get(cli, "--html"), *v;
    if (!ckpt) ckpt = ob_cli_get(cli, "--checkpoint");
    if (!data) return ob_cli_error("eval sr needs --data DIR");
    if (!!ckpt == !!method) return ob_cli_error("eval sr needs --model CKPT[,CKPT...] or --method nearest|bilinear|bicubic");
    int scale = 0;
    if ((v = ob_cli_get(cli, "--scale")) && ob_cli_parse_int(&scale, v, "--scale", 2, 4)) return OB_CLI_EXIT_ERROR;
    ob_ctx *ctx = NULL;
    int rc = ob_cli_make_ctx(cli, &ctx);
    if (rc) return rc;
    ob_sr_upscaler u[MAX_COLS];
    memset(u, 0, sizeof u);
    int cols = 0;
    if (ckpt) {
        cols = 3; /* the interpolations first, at the nets' scale */
        rc = open_nets(ctx, u, &cols, &scale, ckpt);
        const ob_resize_method m[3] = {OB_RESIZE_NEAREST, OB_RESIZE_BILINEAR, OB_RESIZE_BICUBIC};
        for (int k = 0; !rc && k < 3; k++) ob_sr_interp(&u[k], m[k], scale);
    } else {
        ob_resize_method m;
        if (!scale) scale = 3;
        if (ob_resize_method_parse(&m, method) != OB_OK || ob_sr_interp(&u[cols], m, scale) != OB_OK)
            rc = ob_cli_error("--method: %s", ob_last_error());
        else
            cols = 1;
    }
    char names_col[MAX_COLS][24];
    name_columns(names_col, u, cols);
    char **names = NULL;
    int64_t n = 0;
    ob_quality *q = NULL; /* n images x cols */
    ob_tensor *crops = NULL; /* per image: the original's window, then each column's */
    if (!rc && ob_sr_list_photos(&names, &n, data) != OB_OK) rc = ob_cli_error("--data: %s", ob_last_error());
    if (!rc && !(q = calloc((size_t)n * cols, sizeof *q))) rc = ob_cli_error("out of memory");
    if (!rc && html && !(crops = calloc((size_t)n * (cols + 1), sizeof *crops))) rc = ob_cli_error("out of memory");
    for (int64_t i = 0; !rc && i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", data, names[i]);
        ob_tensor hr = {0};
        ob_image_info info;
        int y0 = 0, x0 = 0, side = 0;
        if (ob_image_read(&hr, &info, path) != OB_OK) rc = ob_cli_error("%s", ob_last_error());
        for (int c = 0; !rc && c < cols; c++) {
            ob_tensor big = {0};
            if (ob_sr_evaluate(ctx, &u[c], &q[i * cols + c], crops ? &big : NULL, &hr) != OB_OK) {
                rc = ob_cli_error("%s: %s", path, ob_last_error());
            } else if (crops) { /* the window is chosen on the first enlargement's (modcropped) extent */
                ob_tensor *slot = &crops[(size_t)i * (cols + 1)];
                if (c == 0) {
                    ob_sr_detail_window(&y0, &x0, &side, &big, CROP_SIDE);
                    /* hr's top-left is the modcropped original the enlargements stand over */
                    if (ob_sr_crop(&slot[0], &hr, y0, x0, side) != OB_OK) rc = ob_cli_error("%s", ob_last_error());
                }
                if (!rc && ob_sr_crop(&slot[c + 1], &big, y0, x0, side) != OB_OK) rc = ob_cli_error("%s", ob_last_error());
            }
            ob_tensor_free(&big);
        }
        ob_tensor_free(&hr);
    }
    if (!rc && html) {
        ob_sr_report rep = {.scale = scale, .n_images = (int)n, .n_methods = cols, .q = q, .crops = crops,
                            .images = (const char *const *)names};
        for (int c = 0; c < cols; c++) rep.methods[c] = names_col[c];
        if (ob_sr_report_write(html, &rep) != OB_OK) rc = ob_cli_error("--html: %s", ob_last_error());
    }
    if (!rc) print_table(cli, q, names, (int)n, names_col, cols, scale);
    for (int64_t i = 0; crops && i < n * (cols + 1); i++) ob_tensor_free(&crops[i]);
    free(crops);
    ob_sr_free_names(names, n);
    free(q);
    for (int c = 0; c < cols; c++) ob_sr_release(&u[c]);
    ob_ctx_destroy(ctx);
    return rc;
}
