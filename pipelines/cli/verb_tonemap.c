/* verb_tonemap.c — `obscura tonemap IN -o OUT --op global-scale|global-simple|durand`. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ob_image_io.h"
#include "ob_log.h"
#include "ob_tonemap.h"

static const ob_cli_opt opts[] = {
    {"--output", "-o", "OUT", "display image (.png, .jpg, .hdr, .pfm, .exr); written atomically"},
    {"--op", NULL, "OP", "global-scale | global-simple | durand (default durand)"},
    {"--gamma", NULL, "G", "display gamma, > 0 (default 1/2.2 = 0.4545)"},
    {"--key", NULL, "K", "global-simple: the key, > 0 (default 0.18)"},
    {"--sigma-s", NULL, "S", "durand: bilateral spatial sigma in pixels, > 0 (default 2% of the larger side)"},
    {"--sigma-r", NULL, "R", "durand: bilateral range sigma in log2 units, > 0 (default 0.4)"},
    {"--stops", NULL, "D", "durand: the base layer's target range in stops, > 0 (default 5)"},
    {"--bilateral", NULL, "M", "durand: grid | exact (default grid)"},
    {"--bits", NULL, "8|16", "PNG bit depth of the output (default 8); .exr: 16 = half (default float)"},
    {0},
};

/* A positive number option into *dst when given; `op_only` >= 0 restricts it to one operator. */
static int positive_opt(const ob_cli *cli, const char *name, float *dst, ob_tonemap_op op, int op_only)
{
    const char *text = ob_cli_get(cli, name);
    if (!text) return 0;
    if (op_only >= 0 && (int)op != op_only)
        return ob_cli_error("%s applies to --op %s only (this is %s)", name, ob_tonemap_op_name((ob_tonemap_op)op_only),
                            ob_tonemap_op_name(op));
    double v;
    if (ob_cli_parse_double(&v, text, name)) return OB_CLI_EXIT_ERROR;
    if (!(v > 0) || v > 1e30) return ob_cli_error("%s must be > 0, got %s", name, text);
    *dst = (float)v;
    return 0;
}

static int parse_opts(const ob_cli *cli, ob_tonemap_opts *o)
{
    ob_tonemap_op op = OB_TONEMAP_DURAND;
    const char *name = ob_cli_get(cli, "--op");
    if (name && ob_tonemap_op_parse(&op, name) != OB_OK) return ob_cli_error("--op: %s", ob_last_error());
    ob_tonemap_opts_init(o, op);
    int rc;
    if ((rc = positive_opt(cli, "--gamma", &o->gamma, op, -1)) ||
        (rc = positive_opt(cli, "--key", &o->key, op, OB_TONEMAP_GLOBAL_SIMPLE)) ||
        (rc = positive_opt(cli, "--sigma-s", &o->sigma_s, op, OB_TONEMAP_DURAND)) ||
        (rc = positive_opt(cli, "--sigma-r", &o->sigma_r, op, OB_TONEMAP_DURAND)) ||
        (rc = positive_opt(cli, "--stops", &o->stops, op, OB_TONEMAP_DURAND)))
        return rc;
    const char *m = ob_cli_get(cli, "--bilateral");
    if (m) {
        if (op != OB_TONEMAP_DURAND) return ob_cli_error("--bilateral applies to --op durand only");
        if (ob_bilateral_method_parse(&o->bilateral, m) != OB_OK) return ob_cli_error("--bilateral: %s", ob_last_error());
    }
    return ob_tonemap_opts_check(o) == OB_OK ? 0 : ob_cli_error("%s", ob_last_error());
}

static void print_json(const char *in_path, const char *out_path, const ob_tensor *in, const ob_tonemap_opts *o,
                       const ob_tonemap_report *r, const char *backend, double ms)
{
    printf("{\"input\": ");
    ob_json_string(stdout, in_path);
    printf(", \"output\": ");
    ob_json_string(stdout, out_path);
    printf(", \"size\": [%lld, %lld], \"op\": \"%s\", \"gamma\": %.6g", (long long)in->shape[2],
           (long long)in->shape[1], ob_tonemap_op_name(o->op), o->gamma);
    if (o->op == OB_TONEMAP_GLOBAL_SCALE) {
        printf(", \"peak\": ");
        ob_json_number(stdout, r->peak);
    } else if (o->op == OB_TONEMAP_GLOBAL_SIMPLE) {
        printf(", \"key\": %.6g, \"log_average\": ", o->key);
        ob_json_number(stdout, r->log_average);
    } else {
        printf(", \"sigma_s\": %.6g, \"sigma_r\": %.6g, \"stops\": %.6g, \"bilateral\": \"%s\", \"base_range_stops\": ",
               r->sigma_s, o->sigma_r, o->stops, ob_bilateral_method_name(o->bilateral));
        ob_json_number(stdout, r->base_max - r->base_min);
    }
    printf(", \"backend\": \"%s\", \"ms\": %.3f}\n", backend, ms);
}

static int run(ob_cli *cli)
{
    if (cli->n_positional != 1) return ob_cli_error("tonemap needs one input image (see 'obscura tonemap --help')");
    const char *in_path = cli->positional[0], *out_path = ob_cli_get(cli, "--output");
    if (!out_path) return ob_cli_error("tonemap needs -o OUT");
    ob_tonemap_opts o;
    int rc = parse_opts(cli, &o), bits = 0; /* 0: the format's default (PNG 8, EXR float) */
    if (rc) return rc;
    const char *bits_text = ob_cli_get(cli, "--bits");
    if (bits_text && (ob_cli_parse_int(&bits, bits_text, "--bits", 8, 16) || (bits != 8 && bits != 16)))
        return ob_cli_error("--bits must be 8 or 16");
    ob_image_format out_fmt;
    if (ob_image_format_from_path(&out_fmt, out_path) != OB_OK) return ob_cli_fail_status("-o");

    ob_tensor in = {0}, out = {0};
    ob_ctx *ctx = NULL;
    ob_tonemap_report report;
    memset(&report, 0, sizeof report);
    if (ob_image_read(&in, NULL, in_path) != OB_OK) return ob_cli_fail_status(in_path);
    if ((rc = ob_cli_make_ctx(cli, &ctx))) goto done;
    double t0 = ob_now_seconds();
    if (ob_image_tonemap(ctx, &out, &in, &o, &report) != OB_OK) {
        rc = ob_cli_error("tonemap %s: %s", in_path, ob_last_error());
        goto done;
    }
    double ms = (ob_now_seconds() - t0) * 1e3;
    if (ob_image_write(out_path, &out, out_fmt, bits) != OB_OK) {
        rc = ob_cli_fail_status(out_path);
        goto done;
    }
    const char *backend = ob_backend_name(ob_ctx_backend(ctx));
    if (cli->json) print_json(in_path, out_path, &in, &o, &report, backend, ms);
    else if (!cli->quiet)
        printf("%s: %lldx%lld, %s (%s, %.1f ms) -> %s\n", in_path, (long long)in.shape[2], (long long)in.shape[1],
               ob_tonemap_op_name(o.op), backend, ms, out_path);
done:
    ob_ctx_destroy(ctx);
    ob_tonemap_report_free(&report);
    ob_tensor_free(&in);
    ob_tensor_free(&out);
    return rc;
}

const ob_cli_verb ob_verb_tonemap = {
    .name = "tonemap",
    .usage = "IN -o OUT [--op global-scale|global-simple|durand] [--gamma G] [--key K] [--sigma-s S] [--sigma-r R]\n"
             "       [--stops D] [--bilateral grid|exact] [--bits 8|16]",
    .summary = "tone-map a radiance image (.hdr/.pfm/.exr) to a display image: global scale, Reinhard, Durand",
    .details = "global-scale divides by the brightest value; global-simple is Reinhard's L/(1+L) on the\n"
               "intensity scaled by key / log-average; durand is Durand & Dorsey 2002 (bilateral base layer\n"
               "of the log2 intensity compressed to --stops stops, detail kept). Each ends with the gamma and\n"
               "a clamp to [0, 1]. Any readable image is accepted: PNG/JPEG values (0..1) are taken as linear\n"
               "radiance as stored, no inverse gamma applied. Gray input gives gray RGB; alpha is dropped.\n"
               "NaN and negative values count as 0.",
    .opts = opts,
    .run = run,
};
