/* verb_blend.c — `obscura blend A B MASK -o OUT [--levels L]`: Laplacian
 * pyramid blending (pipelines/ob_blend.h). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ob_blend.h"
#include "ob_image_io.h"
#include "ob_log.h"
#include "pyramid.h"

static const ob_cli_opt opts[] = {
    {"--output", "-o", "OUT", "output image (.png, .jpg, .hdr, .pfm); written atomically"},
    {"--levels", NULL, "L", "pyramid levels, 1..floor(log2(shorter side)) (default: all of them)"},
    {"--bits", NULL, "8|16", "PNG bit depth of the output (default: 16 when A is 16-bit, else 8)"},
    {0},
};

/* A and B of one size and channel count; the mask of their size. */
static int check_sizes(const ob_tensor *a, const ob_tensor *b, const ob_tensor *m, const char *pa, const char *pb,
                       const char *pm)
{
    if (!ob_tensor_same_shape(a, b))
        return ob_cli_error("blend: %s is %lldx%lld with %lld channel(s) but %s is %lldx%lld with %lld; the images "
                            "must match",
                            pa, (long long)a->shape[2], (long long)a->shape[1], (long long)a->shape[0], pb,
                            (long long)b->shape[2], (long long)b->shape[1], (long long)b->shape[0]);
    if (m->shape[1] != a->shape[1] || m->shape[2] != a->shape[2])
        return ob_cli_error("blend: the mask %s is %lldx%lld but the images are %lldx%lld", pm, (long long)m->shape[2],
                            (long long)m->shape[1], (long long)a->shape[2], (long long)a->shape[1]);
    return 0;
}

static int run(ob_cli *cli)
{
    if (cli->n_positional != 3) return ob_cli_error("blend needs three images: A B MASK (got %d)", cli->n_positional);
    const char *pa = cli->positional[0], *pb = cli->positional[1], *pm = cli->positional[2];
    const char *out_path = ob_cli_get(cli, "--output");
    if (!out_path) return ob_cli_error("blend needs -o OUT");
    int bits = 0, levels = 0;
    const char *bits_text = ob_cli_get(cli, "--bits"), *levels_text = ob_cli_get(cli, "--levels");
    if (bits_text && (ob_cli_parse_int(&bits, bits_text, "--bits", 8, 16) || (bits != 8 && bits != 16)))
        return ob_cli_error("--bits must be 8 or 16");
    if (levels_text && ob_cli_parse_int(&levels, levels_text, "--levels", 1, OB_PYR_MAX_LEVELS))
        return OB_CLI_EXIT_ERROR;
    ob_image_format out_fmt;
    if (ob_image_format_from_path(&out_fmt, out_path) != OB_OK) return ob_cli_fail_status("-o");

    ob_tensor a = {0}, b = {0}, m = {0}, mask = {0}, out = {0};
    ob_image_info info;
    ob_ctx *ctx = NULL;
    int rc = 0;
    if (ob_image_read(&a, &info, pa) != OB_OK) {
        rc = ob_cli_fail_status(pa);
        goto done;
    }
    if (ob_image_read(&b, NULL, pb) != OB_OK) {
        rc = ob_cli_fail_status(pb);
        goto done;
    }
    if (ob_image_read(&m, NULL, pm) != OB_OK) {
        rc = ob_cli_fail_status(pm);
        goto done;
    }
    if ((rc = check_sizes(&a, &b, &m, pa, pb, pm))) goto done;
    /* the mask is its first channel: gray, or the red channel of a colour mask */
    int64_t ms[3] = {1, m.shape[1], m.shape[2]};
    if (ob_tensor_wrap(&mask, ob_tensor_f32(&m), OB_F32, OB_HOST, 3, ms) != OB_OK) {
        rc = ob_cli_fail_status(pm);
        goto done;
    }
    const int w = (int)a.shape[2], h = (int)a.shape[1], max = ob_pyr_max_levels(h, w);
    if (!levels) levels = max;
    if (levels > max) {
        rc = ob_cli_error("--levels %d is too many for %dx%d images: at most %d (floor(log2 of the shorter side))",
                          levels, w, h, max);
        goto done;
    }
    if ((rc = ob_cli_make_ctx(cli, &ctx))) goto done;
    double t0 = ob_now_seconds();
    if (ob_laplacian_blend(ctx, &out, &a, &b, &mask, levels) != OB_OK) {
        rc = ob_cli_error("blend %s %s %s: %s", pa, pb, pm, ob_last_error());
        goto done;
    }
    double ms_taken = (ob_now_seconds() - t0) * 1e3;
    if (ob_image_write(out_path, &out, out_fmt, bits ? bits : (info.bit_depth == 16 ? 16 : 8)) != OB_OK) {
        rc = ob_cli_fail_status(out_path);
        goto done;
    }
    if (cli->json) {
        printf("{\"a\": ");
        ob_json_string(stdout, pa);
        printf(", \"b\": ");
        ob_json_string(stdout, pb);
        printf(", \"mask\": ");
        ob_json_string(stdout, pm);
        printf(", \"output\": ");
        ob_json_string(stdout, out_path);
        printf(", \"size\": [%d, %d], \"channels\": %lld, \"levels\": %d, \"backend\": \"%s\", \"ms\": %.3f}\n", w, h,
               (long long)a.shape[0], levels, ob_backend_name(ob_ctx_backend(ctx)), ms_taken);
    } else if (!cli->quiet) {
        printf("%s + %s under %s: %dx%d, %d levels (%s, %.1f ms) -> %s\n", pa, pb, pm, w, h, levels,
               ob_backend_name(ob_ctx_backend(ctx)), ms_taken, out_path);
    }
done:
    ob_ctx_destroy(ctx);
    ob_tensor_free(&a), ob_tensor_free(&b), ob_tensor_free(&m), ob_tensor_free(&mask), ob_tensor_free(&out);
    return rc;
}

const ob_cli_verb ob_verb_blend = {
    .name = "blend",
    .usage = "A B MASK -o OUT [--levels L] [--bits 8|16]",
    .summary = "Laplacian pyramid blend of A and B under MASK (white takes A, black takes B)",
    .details = "A and B must have the same size and channels; MASK the same size. The mask is read as an\n"
               "image and its first channel is used (gray, or the red channel of a colour mask), values\n"
               "0..1 (0..255 in 8-bit files). Each level of A's and B's Laplacian pyramids is mixed under\n"
               "the same level of the mask's Gaussian pyramid, then the pyramid is collapsed (Burt &\n"
               "Adelson 1983): the seam is as soft as each band is coarse. More levels blend wider.",
    .opts = opts,
    .run = run,
};
