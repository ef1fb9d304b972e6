/* verb_resize.c — `obscura resize IN -o OUT --scale S | --size WxH`. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ob_image_io.h"
#include "ob_image_ops.h"
#include "ob_log.h"
#include "resize.h"

#define MAX_SIDE 65535

static const ob_cli_opt opts[] = {
    {"--output", "-o", "OUT", "output image (.png, .hdr, .pfm); written atomically"},
    {"--scale", NULL, "S", "scale both sides by S (output side = round(side * S))"},
    {"--size", NULL, "WxH", "exact output size"},
    {"--method", NULL, "M", "nearest | bilinear | bicubic | area (default: area to shrink, bicubic to enlarge)"},
    {"--bits", NULL, "8|16", "PNG bit depth of the output (default: the input's); EXR: 16 = half"},
    {0},
};

/* Output size from --scale or --size; exactly one must be given. */
static int target_size(const ob_cli *cli, int in_w, int in_h, int *w, int *h)
{
    const char *scale = ob_cli_get(cli, "--scale"), *size = ob_cli_get(cli, "--size");
    if (!!scale == !!size) return ob_cli_error("resize needs exactly one of --scale S or --size WxH");
    if (size) return ob_cli_parse_size(w, h, size, "--size", MAX_SIDE);
    double s;
    if (ob_cli_parse_double(&s, scale, "--scale")) return OB_CLI_EXIT_ERROR;
    if (s <= 0) return ob_cli_error("--scale must be positive, got %g", s);
    double fw = floor(in_w * s + 0.5), fh = floor(in_h * s + 0.5);
    if (fw < 1 || fh < 1) return ob_cli_error("--scale %g makes a %dx%d image empty", s, in_w, in_h);
    if (fw > MAX_SIDE || fh > MAX_SIDE) return ob_cli_error("--scale %g gives %.0fx%.0f, more than %d per side", s, fw, fh, MAX_SIDE);
    *w = (int)fw, *h = (int)fh;
    return 0;
}

static int choose_method(const ob_cli *cli, int shrink, ob_resize_method *m)
{
    const char *name = ob_cli_get(cli, "--method");
    if (!name) {
        *m = shrink ? OB_RESIZE_AREA : OB_RESIZE_BICUBIC;
        return 0;
    }
    return ob_resize_method_parse(m, name) == OB_OK ? 0 : ob_cli_error("--method: %s", ob_last_error());
}

static int run(ob_cli *cli)
{
    if (cli->n_positional != 1) return ob_cli_error("resize needs one input image");
    const char *in_path = cli->positional[0], *out_path = ob_cli_get(cli, "--output");
    if (!out_path) return ob_cli_error("resize needs -o OUT");
    int bits = 0;
    const char *bits_text = ob_cli_get(cli, "--bits");
    if (bits_text && (ob_cli_parse_int(&bits, bits_text, "--bits", 8, 16) || (bits != 8 && bits != 16)))
        return ob_cli_error("--bits must be 8 or 16");
    ob_image_format out_fmt;
    if (ob_image_format_from_path(&out_fmt, out_path) != OB_OK) return ob_cli_fail_status("-o");

    ob_tensor in = {0}, out = {0};
    ob_image_info info;
    ob_ctx *ctx = NULL;
    if (ob_image_read(&in, &info, in_path) != OB_OK) return ob_cli_fail_status(in_path);
    int w = 0, h = 0, rc = 0;
    ob_resize_method m = OB_RESIZE_BILINEAR;
    const int in_w = (int)in.shape[2], in_h = (int)in.shape[1];
    if ((rc = target_size(cli, in_w, in_h, &w, &h)) || (rc = choose_method(cli, w <= in_w && h <= in_h, &m)) ||
        (rc = ob_cli_make_ctx(cli, &ctx)))
        goto done;
    double t0 = ob_now_seconds();
    if (ob_image_resize(ctx, &out, &in, w, h, m) != OB_OK) {
        rc = ob_cli_error("resize %s: %s", in_path, ob_last_error());
        goto done;
    }
    double ms = (ob_now_seconds() - t0) * 1e3;
    /* PNG: the input's depth (8 for float inputs); EXR: half for 16-bit inputs, else float */
    int out_bits = bits ? bits : info.bit_depth == 16 ? 16 : out_fmt == OB_FMT_EXR ? 0 : 8;
    if (ob_image_write(out_path, &out, out_fmt, out_bits) != OB_OK) {
        rc = ob_cli_fail_status(out_path);
        goto done;
    }
    if (cli->json) {
        printf("{\"input\": ");
        ob_json_string(stdout, in_path);
        printf(", \"output\": ");
        ob_json_string(stdout, out_path);
        printf(", \"in_size\": [%d, %d], \"out_size\": [%d, %d], \"channels\": %lld, \"method\": \"%s\", "
               "\"backend\": \"%s\", \"ms\": %.3f}\n",
               in_w, in_h, w, h, (long long)in.shape[0], ob_resize_method_name(m),
               ob_backend_name(ob_ctx_backend(ctx)), ms);
    } else if (!cli->quiet) {
        printf("%s: %dx%d -> %dx%d (%s, %s, %.1f ms) -> %s\n", in_path, in_w, in_h, w, h, ob_resize_method_name(m),
               ob_backend_name(ob_ctx_backend(ctx)), ms, out_path);
    }
done:
    ob_ctx_destroy(ctx);
    ob_tensor_free(&in);
    ob_tensor_free(&out);
    return rc;
}

const ob_cli_verb ob_verb_resize = {
    .name = "resize",
    .usage = "IN -o OUT (--scale S | --size WxH) [--method nearest|bilinear|bicubic|area] [--bits 8|16]",
    .summary = "resize an image (OpenCV-compatible nearest/bilinear/area; Keys bicubic a=-0.5)",
    .details = "The output keeps the input's channels; PNG output keeps its bit depth unless --bits says\n"
               "otherwise. area is for shrinking only. Values outside 0..1 (bicubic overshoot) are\n"
               "clamped when written to PNG and kept in .hdr/.pfm.",
    .opts = opts,
    .run = run,
};
