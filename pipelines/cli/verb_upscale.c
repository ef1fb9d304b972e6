/* verb_upscale.c — `obscura upscale IN -o OUT --scale R [--model CKPT |
 * --method M]` and `--batch DIR -o OUT_DIR`: super-resolution of photos with
 * a trained net in tiles (pipelines/ob_sr.h), or an interpolation. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "ob_image_io.h"
#include "ob_log.h"
#include "ob_sr.h"
#include "ob_sr_data.h"

static const ob_cli_opt opts[] = {
    {"--output", "-o", "OUT", "output PNG (or, with --batch, the output folder); written atomically"},
    {"--scale", NULL, "R", "factor 2..4 (default: the net's, else 3)"},
    {"--model", NULL, "CKPT", "a net trained by 'obscura train sr', 'shipped' (the default: the shipped ESPCN for "
                              "--scale) or 'shipped-srcnn'"},
    {"--method", NULL, "nearest|bilinear|bicubic", "an interpolation instead of a net"},
    {"--tile", NULL, "T", "the net's input tile side in pixels (default 256; 0: the whole image at once)"},
    {"--batch", NULL, "DIR", "upscale every .png/.jpg/.jpeg of DIR into -o OUT_DIR (same names, .png)"},
    {"--bits", NULL, "8|16", "PNG bit depth (default 8)"},
    {0},
};

/* One image: read, enlarge, write (gray in, gray out). */
static int upscale_one(ob_cli *cli, ob_ctx *ctx, const ob_sr_upscaler *u, const char *in_path, const char *out_path,
                       int bits)
{
    ob_tensor in = {0}, out = {0};
    ob_image_info info;
    if (ob_image_read(&in, &info, in_path) != OB_OK) return ob_cli_fail_status(in_path);
    const double t0 = ob_now_seconds();
    int rc = 0;
    if (ob_sr_upscale(ctx, u, &out, &in) != OB_OK) rc = ob_cli_error("upscale %s: %s", in_path, ob_last_error());
    const int64_t in_c = in.shape[0], in_w = in.shape[2], in_h = in.shape[1];
    ob_tensor_free(&in); /* before the encoder's own buffers: a lower peak */
    if (!rc && in_c <= 2) { /* gray: the three channels are equal */
        const int64_t s[3] = {1, out.shape[1], out.shape[2]};
        ob_tensor gray;
        ob_tensor_wrap(&gray, out.data, OB_F32, OB_HOST, 3, s);
        if (ob_image_write(out_path, &gray, OB_FMT_PNG, bits) != OB_OK) rc = ob_cli_fail_status(out_path);
    } else if (!rc && ob_image_write(out_path, &out, OB_FMT_PNG, bits) != OB_OK) {
        rc = ob_cli_fail_status(out_path);
    }
    const double ms = (ob_now_seconds() - t0) * 1e3;
    if (!rc && cli->json) {
        printf("{\"input\": ");
        ob_json_string(stdout, in_path);
        printf(", \"output\": ");
        ob_json_string(stdout, out_path);
        printf(", \"in_size\": [%lld, %lld], \"out_size\": [%lld, %lld], \"method\": \"%s\", \"scale\": %d, "
               "\"backend\": \"%s\", \"ms\": %.1f}\n",
               (long long)in_w, (long long)in_h, (long long)out.shape[2], (long long)out.shape[1],
               u->model, u->scale, ob_backend_name(ob_ctx_backend(ctx)), ms);
    } else if (!rc && !cli->quiet) {
        printf("%s: %lldx%lld -> %lldx%lld (%s x%d, %s, %.0f ms) -> %s\n", in_path, (long long)in_w,
               (long long)in_h, (long long)out.shape[2], (long long)out.shape[1], u->model, u->scale,
               ob_backend_name(ob_ctx_backend(ctx)), ms, out_path);
    }
    ob_tensor_free(&out);
    return rc;
}

static int make_upscaler(ob_cli *cli, ob_ctx *ctx, ob_sr_upscaler *u)
{
    const char *ckpt = ob_cli_get(cli, "--model"), *method = ob_cli_get(cli, "--method"), *v;
    int scale = 0, tile = 256;
    if ((v = ob_cli_get(cli, "--scale")) && ob_cli_parse_int(&scale, v, "--scale", 2, 4)) return OB_CLI_EXIT_ERROR;
    if ((v = ob_cli_get(cli, "--tile")) && ob_cli_parse_int(&tile, v, "--tile", 0, 1 << 16)) return OB_CLI_EXIT_ERROR;
    if (tile > 0 && tile < 16) return ob_cli_error("--tile %d: use 16 or more (or 0 for the whole image)", tile);
    if (ckpt && method) return ob_cli_error("upscale takes --model or --method, not both");
    if (!method) { /* a net: --model, or the shipped one */
        if (ob_sr_open(u, ctx, ckpt ? ckpt : "shipped", scale) != OB_OK)
            return ckpt ? ob_cli_error("--model: %s", ob_last_error())
                        : ob_cli_error("%s; pass --model RUN_DIR/model.safetensors or --method bicubic", ob_last_error());
        u->tile = tile;
        return 0;
    }
    ob_resize_method m;
    if (ob_resize_method_parse(&m, method) != OB_OK || ob_sr_interp(u, m, scale ? scale : 3) != OB_OK)
        return ob_cli_error("--method: %s", ob_last_error());
    return 0;
}

static int run(ob_cli *cli)
{
    const char *out = ob_cli_get(cli, "--output"), *batch = ob_cli_get(cli, "--batch"), *v;
    if (!out) return ob_cli_error("upscale needs -o OUT");
    if (!!batch == (cli->n_positional == 1) || cli->n_positional > 1)
        return ob_cli_error("upscale needs one input image, or --batch DIR");
    int bits = 8;
    if ((v = ob_cli_get(cli, "--bits")) && (ob_cli_parse_int(&bits, v, "--bits", 8, 16) || (bits != 8 && bits != 16)))
        return ob_cli_error("--bits must be 8 or 16");
    if (!batch) {
        ob_image_format f;
        if (ob_image_format_from_path(&f, out) != OB_OK || f != OB_FMT_PNG)
            return ob_cli_error("-o %s: upscale writes PNG (.png)", out);
    }
    ob_ctx *ctx = NULL;
    ob_sr_upscaler u;
    memset(&u, 0, sizeof u);
    int rc = ob_cli_make_ctx(cli, &ctx);
    if (!rc) rc = make_upscaler(cli, ctx, &u);
    if (!rc && !batch) rc = upscale_one(cli, ctx, &u, cli->positional[0], out, bits);
    if (!rc && batch) {
        char **names = NULL;
        int64_t n = 0;
        if (ob_sr_list_photos(&names, &n, batch) != OB_OK) rc = ob_cli_error("--batch: %s", ob_last_error());
        if (!rc) rc = ob_cli_make_dir(out);
        for (int64_t i = 0; !rc && i < n; i++) {
            char in_path[4096], out_path[4096];
            snprintf(in_path, sizeof in_path, "%s/%s", batch, names[i]);
            const char *dot = strrchr(names[i], '.');
            snprintf(out_path, sizeof out_path, "%s/%.*s.png", out, (int)(dot - names[i]), names[i]);
            rc = upscale_one(cli, ctx, &u, in_path, out_path, bits);
        }
        ob_sr_free_names(names, n);
    }
    ob_sr_release(&u);
    ob_ctx_destroy(ctx);
    return rc;
}

const ob_cli_verb ob_verb_upscale = {
    .name = "upscale",
    .usage = "IN -o OUT.png (--model RUN_DIR/model.safetensors | --method nearest|bilinear|bicubic) [--scale R]\n"
             "       obscura upscale --batch DIR -o OUT_DIR (--model CKPT | --method M) [--tile T] [--bits 8|16]",
    .summary = "super-resolution: enlarge photos x2..x4 with a trained ESPCN/SRCNN (in tiles) or an interpolation",
    .details = "A net trained on Y enlarges the luma and takes the colour (Cb, Cr) from bicubic; an RGB net\n"
               "enlarges all three channels. Large images go through the net in tiles of --tile input pixels,\n"
               "each with a halo as wide as the net's receptive field, so the result equals the whole-image\n"
               "one; memory is the image planes plus one tile's activations (about 100 floats per pixel of a\n"
               "264 x 264 ESPCN tile: 28 MB), whatever the image size. PNG and JPEG in, 8- or 16-bit PNG out.",
    .opts = opts,
    .run = run,
};
