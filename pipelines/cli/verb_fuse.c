/* verb_fuse.c — `obscura fuse IMAGES... -o OUT`: exposure fusion (Mertens et
 * al. 2007, pipelines/ob_fuse.h) of a bracketed stack into one image. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ob_fuse.h"
#include "ob_image_io.h"
#include "ob_log.h"
#include "ob_threads.h"

static const ob_cli_opt opts[] = {
    {"--output", "-o", "OUT", "output image (.png, .jpg, .hdr, .pfm); written atomically"},
    {"--contrast", NULL, "WC", "exponent of the contrast measure, >= 0 (default 1)"},
    {"--saturation", NULL, "WS", "exponent of the saturation measure, >= 0 (default 1)"},
    {"--exposedness", NULL, "WE", "exponent of the well-exposedness measure, >= 0 (default 1)"},
    {"--bits", NULL, "8|16", "PNG bit depth of the output (default: 16 when the first image is 16-bit, else 8)"},
    {0},
};

/* An exponent option into *v (left at its default when absent). */
static int parse_exponent(float *v, const ob_cli *cli, const char *name)
{
    const char *text = ob_cli_get(cli, name);
    if (!text) return 0;
    double d;
    if (ob_cli_parse_double(&d, text, name)) return OB_CLI_EXIT_ERROR;
    if (!(d >= 0) || d > 1e6) return ob_cli_error("%s: %s; the exponent must be finite and >= 0", name, text);
    *v = (float)d;
    return 0;
}

/* Every image the size and channel count of the first, naming both files. */
static int check_sizes(const ob_tensor *img, const char *const *path, int n)
{
    for (int j = 1; j < n; j++)
        if (!ob_tensor_same_shape(&img[j], &img[0]))
            return ob_cli_error("fuse: %s is %lldx%lld with %lld channel(s) but %s is %lldx%lld with %lld; the "
                                "exposures must match",
                                path[j], (long long)img[j].shape[2], (long long)img[j].shape[1],
                                (long long)img[j].shape[0], path[0], (long long)img[0].shape[2],
                                (long long)img[0].shape[1], (long long)img[0].shape[0]);
    if (img[0].shape[0] != 1 && img[0].shape[0] != 3)
        return ob_cli_error("fuse: %s has %lld channels; fusion takes grey or RGB images (no alpha)", path[0],
                            (long long)img[0].shape[0]);
    return 0;
}

static void print_json(const ob_cli *cli, const char *const *path, int n, const char *out_path, const ob_tensor *img,
                       const ob_fuse_opts *o, int levels, const ob_ctx *ctx, double ms)
{
    printf("{\"inputs\": [");
    for (int j = 0; j < n; j++) {
        if (j) printf(", ");
        ob_json_string(stdout, path[j]);
    }
    printf("], \"output\": ");
    ob_json_string(stdout, out_path);
    printf(", \"size\": [%lld, %lld], \"channels\": %lld, \"exposures\": %d, \"levels\": %d, \"exponents\": "
           "{\"contrast\": %g, \"saturation\": %g, \"exposedness\": %g}, \"backend\": \"%s\", \"threads\": %d, "
           "\"ms\": %.3f}\n",
           (long long)img->shape[2], (long long)img->shape[1], (long long)img->shape[0], n, levels,
           (double)o->contrast, (double)o->saturation, (double)o->exposedness, ob_backend_name(ob_ctx_backend(ctx)),
           ob_threads(), ms);
}

static int run(ob_cli *cli)
{
    const int n = cli->n_positional;
    const char *const *path = cli->positional;
    if (n < 1) return ob_cli_error("fuse needs the exposures: IMAGES... -o OUT");
    if (n < 2) return ob_cli_error("fuse: %s is one image; fusion needs at least 2 exposures", path[0]);
    const char *out_path = ob_cli_get(cli, "--output");
    if (!out_path) return ob_cli_error("fuse needs -o OUT");
    ob_fuse_opts o = OB_FUSE_OPTS_DEFAULT;
    if (parse_exponent(&o.contrast, cli, "--contrast") || parse_exponent(&o.saturation, cli, "--saturation") ||
        parse_exponent(&o.exposedness, cli, "--exposedness"))
        return OB_CLI_EXIT_ERROR;
    int bits = 0;
    const char *bits_text = ob_cli_get(cli, "--bits");
    if (bits_text && (ob_cli_parse_int(&bits, bits_text, "--bits", 8, 16) || (bits != 8 && bits != 16)))
        return ob_cli_error("--bits must be 8 or 16");
    ob_image_format out_fmt;
    if (ob_image_format_from_path(&out_fmt, out_path) != OB_OK) return ob_cli_fail_status("-o");

    ob_tensor img[OB_CLI_MAX_ARGS] = {{0}}, out = {0};
    const ob_tensor *stack[OB_CLI_MAX_ARGS];
    ob_image_info info0 = {0};
    ob_ctx *ctx = NULL;
    int rc = 0;
    for (int j = 0; j < n; j++) { /* 8/16-bit files stay 8/16-bit in memory */
        if (ob_image_read_native(&img[j], j ? NULL : &info0, path[j]) != OB_OK) {
            rc = ob_cli_fail_status(path[j]);
            goto done;
        }
        stack[j] = &img[j];
    }
    if ((rc = check_sizes(img, path, n))) goto done;
    if ((rc = ob_cli_make_ctx(cli, &ctx))) goto done;
    const double t0 = ob_now_seconds();
    if (ob_fuse(ctx, &out, stack, n, &o) != OB_OK) {
        rc = ob_cli_error("fuse %s ...: %s", path[0], ob_last_error());
        goto done;
    }
    const double ms = (ob_now_seconds() - t0) * 1e3;
    if (ob_image_write(out_path, &out, out_fmt, bits ? bits : (info0.bit_depth == 16 ? 16 : 8)) != OB_OK) {
        rc = ob_cli_fail_status(out_path);
        goto done;
    }
    const int levels = ob_fuse_default_levels((int)img[0].shape[1], (int)img[0].shape[2]);
    if (cli->json)
        print_json(cli, path, n, out_path, &img[0], &o, levels, ctx, ms);
    else if (!cli->quiet)
        printf("%d exposures, %lldx%lld, %d levels (%s, %.1f ms) -> %s\n", n, (long long)img[0].shape[2],
               (long long)img[0].shape[1], levels, ob_backend_name(ob_ctx_backend(ctx)), ms, out_path);
done:
    ob_ctx_destroy(ctx);
    for (int j = 0; j < n; j++) ob_tensor_free(&img[j]);
    ob_tensor_free(&out);
    return rc;
}

const ob_cli_verb ob_verb_fuse = {
    .name = "fuse",
    .usage = "IMAGES... -o OUT [--contrast WC] [--saturation WS] [--exposedness WE] [--bits 8|16]",
    .summary = "exposure fusion (Mertens) of a bracketed stack into one image, no HDR or tone mapping",
    .details = "The exposures (2 or more, any order) must have the same size and channels (grey or RGB).\n"
               "Each pixel is weighted by contrast^WC * saturation^WS * well-exposedness^WE (Mertens,\n"
               "Kautz & Van Reeth 2007), the weights normalised over the stack, and the images blended\n"
               "band by band in Laplacian pyramids of floor(log2(shorter side)) + 1 levels, as OpenCV's\n"
               "MergeMertens does; the result is clipped to [0, 1]. No exposure times are needed.",
    .opts = opts,
    .run = run,
};
