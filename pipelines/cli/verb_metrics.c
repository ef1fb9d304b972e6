/* verb_metrics.c — `obscura metrics A B`: PSNR and SSIM of B against A. */
#include <math.h>
#include <stdio.h>

#include "cli.h"
#include "ob_image_io.h"
#include "ob_metrics.h"

static const ob_cli_opt opts[] = {
    {"--data-range", NULL, "R", "span of valid values (default 1: 8/16-bit files are read as 0..1)"},
    {0},
};

static void print_text(const ob_metrics_result *r)
{
    if (isinf(r->rgb.psnr)) printf("PSNR:      inf dB (identical)\n");
    else printf("PSNR:      %.4f dB\n", r->rgb.psnr);
    printf("SSIM:      %.6f\n", r->rgb.ssim);
    if (r->channels > 1) {
        if (isinf(r->y.psnr)) printf("PSNR (Y):  inf dB\n");
        else printf("PSNR (Y):  %.4f dB\n", r->y.psnr);
        printf("SSIM (Y):  %.6f\n", r->y.ssim);
    }
}

static void print_json(const ob_cli *cli, const ob_metrics_result *r, const ob_tensor *a, double range, const char *backend)
{
    printf("{\"a\": ");
    ob_json_string(stdout, cli->positional[0]);
    printf(", \"b\": ");
    ob_json_string(stdout, cli->positional[1]);
    printf(", \"width\": %lld, \"height\": %lld, \"channels\": %d, \"data_range\": %.10g, \"backend\": \"%s\"",
           (long long)a->shape[2], (long long)a->shape[1], r->channels, range, backend);
    printf(", \"identical\": %s", isinf(r->rgb.psnr) ? "true" : "false");
    printf(", \"psnr\": ");
    ob_json_number(stdout, r->rgb.psnr);
    printf(", \"ssim\": %.10f, \"ssim_per_channel\": [", r->rgb.ssim);
    for (int c = 0; c < r->channels; c++) printf("%s%.10f", c ? ", " : "", r->ssim_channel[c]);
    printf("], \"psnr_y\": ");
    ob_json_number(stdout, r->y.psnr);
    printf(", \"ssim_y\": %.10f}\n", r->y.ssim);
}

static int run(ob_cli *cli)
{
    if (cli->n_positional != 2) return ob_cli_error("metrics needs two images: A (reference) and B");
    double range = 1.0;
    const char *dr = ob_cli_get(cli, "--data-range");
    if (dr && ob_cli_parse_double(&range, dr, "--data-range")) return OB_CLI_EXIT_ERROR;
    if (range <= 0) return ob_cli_error("--data-range must be positive, got %g", range);
    ob_tensor a = {0}, b = {0};
    ob_ctx *ctx = NULL;
    int rc = 0;
    ob_metrics_result r;
    if (ob_image_read(&a, NULL, cli->positional[0]) != OB_OK) rc = ob_cli_fail_status(cli->positional[0]);
    else if (ob_image_read(&b, NULL, cli->positional[1]) != OB_OK) rc = ob_cli_fail_status(cli->positional[1]);
    else if (ob_cli_make_ctx(cli, &ctx)) rc = OB_CLI_EXIT_ERROR;
    else if (ob_image_metrics(ctx, &r, &a, &b, range) != OB_OK) rc = ob_cli_error("%s", ob_last_error());
    else if (cli->json) print_json(cli, &r, &a, range, ob_backend_name(ob_ctx_backend(ctx)));
    else print_text(&r);
    ob_ctx_destroy(ctx);
    ob_tensor_free(&a);
    ob_tensor_free(&b);
    return rc;
}

const ob_cli_verb ob_verb_metrics = {
    .name = "metrics",
    .usage = "A B [--data-range R] [--json]",
    .summary = "PSNR and SSIM of image B against reference A (on RGB and on Y)",
    .details = "SSIM is scikit-image's structural_similarity with gaussian_weights=True, sigma=1.5,\n"
               "use_sample_covariance=False (11x11 Gaussian window, K1=0.01, K2=0.03), averaged over\n"
               "colour channels; Y is BT.601 luma (MATLAB rgb2ycbcr). Alpha channels are ignored.\n"
               "A and B must have the same size and channel count.",
    .opts = opts,
    .run = run,
};
