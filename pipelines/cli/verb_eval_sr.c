/* verb_eval_sr.c — `obscura eval sr`: the super-resolution papers' table for
 * a folder of photos (pipelines/ob_sr.h): nearest, bilinear, bicubic and a
 * trained net, PSNR/SSIM on Y per image and their mean. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ob_image_io.h"
#include "ob_sr.h"
#include "ob_sr_data.h"

#define MAX_COLS 4

typedef struct {
    char name[256];
    ob_quality q[MAX_COLS];
} row;

static void print_table(const ob_cli *cli, const row *rows, int n, const ob_sr_upscaler *u, int cols, int scale)
{
    ob_quality mean[MAX_COLS];
    memset(mean, 0, sizeof mean);
    for (int i = 0; i < n; i++)
        for (int c = 0; c < cols; c++) mean[c].psnr += rows[i].q[c].psnr / n, mean[c].ssim += rows[i].q[c].ssim / n;
    if (cli->json) {
        printf("{\"scale\": %d, \"methods\": [", scale);
        for (int c = 0; c < cols; c++) printf("%s\"%s\"", c ? ", " : "", u[c].model);
        printf("], \"images\": [");
        for (int i = 0; i < n; i++) {
            printf("%s{\"image\": ", i ? ", " : "");
            ob_json_string(stdout, rows[i].name);
            for (int c = 0; c < cols; c++) {
                printf(", \"%s\": {\"psnr\": ", u[c].model);
                ob_json_number(stdout, rows[i].q[c].psnr);
                printf(", \"ssim\": ");
                ob_json_number(stdout, rows[i].q[c].ssim);
                printf("}");
            }
            printf("}");
        }
        printf("], \"mean\": {");
        for (int c = 0; c < cols; c++) {
            printf("%s\"%s\": {\"psnr\": ", c ? ", " : "", u[c].model);
            ob_json_number(stdout, mean[c].psnr);
            printf(", \"ssim\": ");
            ob_json_number(stdout, mean[c].ssim);
            printf("}");
        }
        printf("}}\n");
        return;
    }
    printf("x%d, PSNR (dB) / SSIM on Y, %d-pixel border shaved\n%-28s", scale, scale, "image");
    for (int c = 0; c < cols; c++) printf(" %17s", u[c].model);
    printf("\n");
    for (int i = 0; i <= n; i++) {
        const ob_quality *q = i < n ? rows[i].q : mean;
        printf("%-28.28s", i < n ? rows[i].name : "mean");
        for (int c = 0; c < cols; c++) printf("   %6.2f / %.4f", q[c].psnr, q[c].ssim);
        printf("\n");
    }
}

int ob_cli_eval_sr(ob_cli *cli)
{
    const char *data = ob_cli_get(cli, "--data"), *ckpt = ob_cli_get(cli, "--model"), *method = ob_cli_get(cli, "--method");
    const char *v;
    if (!ckpt) ckpt = ob_cli_get(cli, "--checkpoint");
    if (!data) return ob_cli_error("eval sr needs --data DIR");
    if (!!ckpt == !!method) return ob_cli_error("eval sr needs --model CKPT or --method nearest|bilinear|bicubic");
    int scale = 0;
    if ((v = ob_cli_get(cli, "--scale")) && ob_cli_parse_int(&scale, v, "--scale", 2, 4)) return OB_CLI_EXIT_ERROR;
    ob_ctx *ctx = NULL;
    int rc = ob_cli_make_ctx(cli, &ctx);
    if (rc) return rc;
    ob_sr_upscaler u[MAX_COLS];
    memset(u, 0, sizeof u);
    int cols = 0;
    if (ckpt) {
        ob_sr_upscaler net;
        if (ob_sr_open(&net, ctx, ckpt, scale) != OB_OK) {
            rc = ob_cli_error("--model: %s", ob_last_error());
        } else {
            scale = net.scale;
            const ob_resize_method m[3] = {OB_RESIZE_NEAREST, OB_RESIZE_BILINEAR, OB_RESIZE_BICUBIC};
            for (int k = 0; k < 3; k++) ob_sr_interp(&u[cols++], m[k], scale);
            u[cols++] = net;
        }
    } else {
        ob_resize_method m;
        if (!scale) scale = 3;
        if (ob_resize_method_parse(&m, method) != OB_OK || ob_sr_interp(&u[cols], m, scale) != OB_OK)
            rc = ob_cli_error("--method: %s", ob_last_error());
        else
            cols = 1;
    }
    char **names = NULL;
    int64_t n = 0;
    row *rows = NULL;
    if (!rc && ob_sr_list_photos(&names, &n, data) != OB_OK) rc = ob_cli_error("--data: %s", ob_last_error());
    if (!rc && !(rows = calloc((size_t)n, sizeof *rows))) rc = ob_cli_error("out of memory");
    for (int64_t i = 0; !rc && i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", data, names[i]);
        snprintf(rows[i].name, sizeof rows[i].name, "%s", names[i]);
        ob_tensor hr = {0};
        ob_image_info info;
        if (ob_image_read(&hr, &info, path) != OB_OK) rc = ob_cli_error("%s", ob_last_error());
        for (int c = 0; !rc && c < cols; c++)
            if (ob_sr_evaluate(ctx, &u[c], &rows[i].q[c], &hr) != OB_OK) rc = ob_cli_error("%s: %s", path, ob_last_error());
        ob_tensor_free(&hr);
    }
    if (!rc) print_table(cli, rows, (int)n, u, cols, scale);
    ob_sr_free_names(names, n);
    free(rows);
    for (int c = 0; c < cols; c++) ob_sr_release(&u[c]);
    ob_ctx_destroy(ctx);
    return rc;
}
