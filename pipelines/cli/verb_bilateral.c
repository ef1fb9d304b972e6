/* verb_bilateral.c — `obscura bilateral IN -o OUT --sigma-s S --sigma-r R [--method grid|exact]`. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ob_image_io.h"
#include "ob_log.h"
#include "ob_tonemap.h"

static const ob_cli_opt opts[] = {
    {"--output", "-o", "OUT", "output image (.png, .jpg, .hdr, .pfm, .exr); written atomically"},
    {"--sigma-s", NULL, "S", "spatial sigma in pixels, > 0 (required)"},
    {"--sigma-r", NULL, "R", "range sigma in the guide's units, > 0 (required; 0..1 for PNG/JPEG values)"},
    {"--method", NULL, "M", "grid | exact (default grid)"},
    {"--guide", NULL, "G", "self | intensity (default self; see below)"},
    {"--bits", NULL, "8|16", "PNG bit depth of the output (default: the input's)"},
    {0},
};

static int sigma_opt(const ob_cli *cli, const char *name, float *dst)
{
    const char *text = ob_cli_get(cli, name);
    if (!text) return ob_cli_error("bilateral needs %s", name);
    double v;
    if (ob_cli_parse_double(&v, text, name)) return OB_CLI_EXIT_ERROR;
    if (!(v > 0) || v > 1e30) return ob_cli_error("%s must be > 0, got %s", name, text);
    *dst = (float)v;
    return 0;
}

static int parse_guide(const ob_cli *cli, int *intensity)
{
    const char *g = ob_cli_get(cli, "--guide");
    *intensity = g && strcmp(g, "intensity") == 0;
    if (g && !*intensity && strcmp(g, "self") != 0)
        return ob_cli_error("--guide: unknown guide '%s' (expected self or intensity)", g);
    return 0;
}

static int run(ob_cli *cli)
{
    if (cli->n_positional != 1) return ob_cli_error("bilateral needs one input image (see 'obscura bilateral --help')");
    const char *in_path = cli->positional[0], *out_path = ob_cli_get(cli, "--output");
    if (!out_path) return ob_cli_error("bilateral needs -o OUT");
    float sigma_s = 0.f, sigma_r = 0.f;
    int rc, guide_intensity, bits = 0;
    if ((rc = sigma_opt(cli, "--sigma-s", &sigma_s)) || (rc = sigma_opt(cli, "--sigma-r", &sigma_r)) ||
        (rc = parse_guide(cli, &guide_intensity)))
        return rc;
    ob_bilateral_method m = OB_BILATERAL_GRID;
    const char *mname = ob_cli_get(cli, "--method");
    if (mname && ob_bilateral_method_parse(&m, mname) != OB_OK) return ob_cli_error("--method: %s", ob_last_error());
    const char *bits_text = ob_cli_get(cli, "--bits");
    if (bits_text && (ob_cli_parse_int(&bits, bits_text, "--bits", 8, 16) || (bits != 8 && bits != 16)))
        return ob_cli_error("--bits must be 8 or 16");
    ob_image_format out_fmt;
    if (ob_image_format_from_path(&out_fmt, out_path) != OB_OK) return ob_cli_fail_status("-o");

    ob_tensor in = {0}, out = {0};
    ob_image_info info;
    ob_ctx *ctx = NULL;
    if (ob_image_read(&in, &info, in_path) != OB_OK) return ob_cli_fail_status(in_path);
    if ((rc = ob_cli_make_ctx(cli, &ctx))) goto done;
    double t0 = ob_now_seconds();
    if (ob_image_bilateral(ctx, &out, &in, sigma_s, sigma_r, m, guide_intensity) != OB_OK) {
        rc = ob_cli_error("bilateral %s: %s", in_path, ob_last_error());
        goto done;
    }
    double ms = (ob_now_seconds() - t0) * 1e3;
    if (ob_image_write(out_path, &out, out_fmt, bits ? bits : (info.bit_depth == 16 ? 16 : 0)) != OB_OK) {
        rc = ob_cli_fail_status(out_path);
        goto done;
    }
    const char *backend = ob_backend_name(ob_ctx_backend(ctx));
    if (cli->json) {
        printf("{\"input\": ");
        ob_json_string(stdout, in_path);
        printf(", \"output\": ");
        ob_json_string(stdout, out_path);
        printf(", \"size\": [%lld, %lld], \"channels\": %lld, \"sigma_s\": %.6g, \"sigma_r\": %.6g, \"method\": "
               "\"%s\", \"guide\": \"%s\", \"backend\": \"%s\", \"ms\": %.3f}\n",
               (long long)in.shape[2], (long long)in.shape[1], (long long)in.shape[0], sigma_s, sigma_r,
               ob_bilateral_method_name(m), guide_intensity ? "intensity" : "self", backend, ms);
    } else if (!cli->quiet) {
        printf("%s: %lldx%lld, bilateral %s sigma_s %g sigma_r %g (%s, %.1f ms) -> %s\n", in_path,
               (long long)in.shape[2], (long long)in.shape[1], ob_bilateral_method_name(m), sigma_s, sigma_r, backend,
               ms, out_path);
    }
done:
    ob_ctx_destroy(ctx);
    ob_tensor_free(&in);
    ob_tensor_free(&out);
    return rc;
}

const ob_cli_verb ob_verb_bilateral = {
    .name = "bilateral",
    .usage = "IN -o OUT --sigma-s S --sigma-r R [--method grid|exact] [--guide self|intensity] [--bits 8|16]",
    .summary = "edge-preserving smoothing: the bilateral filter (fast grid, or exact brute force)",
    .details = "Each channel is filtered on its own. --guide self (the default) weights neighbours by the\n"
               "channel's own differences: the plain bilateral filter per channel. --guide intensity weights\n"
               "every channel by the intensity (20R + 40G + B)/61, so edges stay aligned across channels\n"
               "(a joint filter; gray images are the same either way). sigma-r is in the guide's units:\n"
               "PNG/JPEG values are 0..1, .hdr/.pfm/.exr as stored. exact costs O(sigma_s^2) per pixel.",
    .opts = opts,
    .run = run,
};
