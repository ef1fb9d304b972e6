/* verb_transfer.c — `obscura transfer TEXTURE TARGET -o OUT`: texture transfer
 * (Efros & Freeman 2001, section 3; pipelines/ob_quilt.h). */
#include <stdio.h>

#include "ob_image_io.h"
#include "ob_log.h"
#include "quilt_args.h"

static const ob_cli_opt opts[] = {
    {"--output", "-o", "OUT", "output image (.png, .jpg, .pfm, ...), the target's size; written atomically"},
    OB_CLI_QUILT_OPTS,
    {"--alpha", NULL, "A", "with one iteration: weight of the texture match vs the target, 0..1 (default 0.5)"},
    {"--iterations", NULL, "N", "passes, each with patches a third smaller, 1..16 (default 1)"},
    {0},
};

static int parse(const ob_cli *cli, ob_quilt_opts *o)
{
    if (ob_cli_quilt_opts(cli, o)) return OB_CLI_EXIT_ERROR;
    const char *v;
    double a;
    if ((v = ob_cli_get(cli, "--alpha"))) {
        if (ob_cli_parse_double(&a, v, "--alpha")) return OB_CLI_EXIT_ERROR;
        if (!(a >= 0 && a <= 1)) return ob_cli_error("--alpha %g must be in 0..1", a);
        o->alpha = (float)a;
    }
    if ((v = ob_cli_get(cli, "--iterations")) &&
        ob_cli_parse_int(&o->iterations, v, "--iterations", 1, OB_QUILT_MAX_ITERATIONS))
        return OB_CLI_EXIT_ERROR;
    return 0;
}

static int run(ob_cli *cli)
{
    if (cli->n_positional != 2) return ob_cli_error("transfer needs TEXTURE and TARGET images (got %d)", cli->n_positional);
    const char *tex = cli->positional[0], *tgt = cli->positional[1], *out_path = ob_cli_get(cli, "--output");
    if (!out_path) return ob_cli_error("transfer needs -o OUT");
    ob_quilt_opts o;
    if (parse(cli, &o)) return OB_CLI_EXIT_ERROR;
    ob_image_format fmt;
    if (ob_image_format_from_path(&fmt, out_path) != OB_OK) return ob_cli_fail_status("-o");
    ob_tensor smp = {0}, target = {0}, out = {0};
    ob_image_info info;
    ob_ctx *ctx = NULL;
    int rc = 0;
    double ms = 0;
    if (ob_image_read(&smp, &info, tex) != OB_OK) rc = ob_cli_fail_status(tex);
    else if (ob_image_read(&target, NULL, tgt) != OB_OK) rc = ob_cli_fail_status(tgt);
    else if ((rc = ob_cli_make_ctx(cli, &ctx))) {
    } else {
        const double t0 = ob_now_seconds();
        if (ob_texture_transfer(ctx, &out, &smp, &target, &o) != OB_OK)
            rc = ob_cli_error("transfer %s -> %s: %s", tex, tgt, ob_last_error());
        ms = (ob_now_seconds() - t0) * 1e3;
        if (!rc && ob_image_write(out_path, &out, fmt, info.bit_depth == 16 ? 16 : 8) != OB_OK)
            rc = ob_cli_fail_status(out_path);
    }
    if (!rc && cli->json) {
        printf("{\"texture\": ");
        ob_json_string(stdout, tex);
        printf(", \"target\": ");
        ob_json_string(stdout, tgt);
        printf(", \"output\": ");
        ob_json_string(stdout, out_path);
        printf(", \"size\": [%lld, %lld], \"patch\": %d, \"overlap\": %d, \"tol\": %d, \"iterations\": %d, "
               "\"seed\": %llu, \"backend\": \"%s\", \"ms\": %.3f}\n",
               (long long)out.shape[2], (long long)out.shape[1], o.patch, o.overlap, o.tol, o.iterations,
               (unsigned long long)o.seed, ob_backend_name(ob_ctx_backend(ctx)), ms);
    } else if (!rc && !cli->quiet) {
        printf("%s in the texture of %s: %lldx%lld, patch %d, %d pass(es) (%s, %.1f ms) -> %s\n", tgt, tex,
               (long long)out.shape[2], (long long)out.shape[1], o.patch, o.iterations,
               ob_backend_name(ob_ctx_backend(ctx)), ms, out_path);
    }
    ob_ctx_destroy(ctx);
    ob_tensor_free(&smp), ob_tensor_free(&target), ob_tensor_free(&out);
    return rc;
}

const ob_cli_verb ob_verb_transfer = {
    .name = "transfer",
    .usage = "TEXTURE TARGET -o OUT [--patch P] [--overlap O] [--tol T] [--alpha A] [--iterations N] [--seed S]",
    .summary = "render TARGET in the texture of TEXTURE (texture transfer, Efros & Freeman 2001)",
    .details = "The output has TARGET's size and TEXTURE's channels; every pixel is a TEXTURE pixel. Patches\n"
               "are chosen to match both their overlap with what is already placed (weight alpha) and the\n"
               "target's blurred luminance under them (weight 1 - alpha), then cut along seams. With N > 1\n"
               "passes, pass i uses patches a third smaller than pass i-1, alpha_i = 0.8 (i-1)/(N-1) + 0.1,\n"
               "and also matches the previous pass's output.",
    .opts = opts,
    .run = run,
};
