/* verb_faceswap.c — `obscura train faceswap` (the fifth seed's autoencoder on
 * two face folders) and `obscura faceswap IMG --model CKPT --to a|b -o OUT`
 * (pipelines/ob_faceswap.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ob_dataset.h"
#include "ob_faceswap.h"
#include "ob_image_io.h"
#include "ob_log.h"

/* ---- train faceswap ----------------------------------------------------------- */

static int load_faces(ob_faceswap_faces *f, const char *opt, const char *dir, int size)
{
    if (!dir) return ob_cli_error("train faceswap needs --a DIR_A and --b DIR_B (face images with .pts beside them)");
    if (ob_faceswap_faces_load(f, dir, size) != OB_OK) return ob_cli_error("%s %s: %s", opt, dir, ob_last_error());
    return 0;
}

int ob_cli_train_faceswap(ob_cli *cli)
{
    const char *run_dir = ob_cli_get(cli, "--output"), *v;
    if (!run_dir) return ob_cli_error("train faceswap needs -o RUN_DIR");
    ob_faceswap_net_cfg nc = {.size = 64, .width = 16};
    ob_faceswap_train_cfg tc = {.steps = 1000, .batch = 16, .lr = 1e-3, .log_every = 10, .run_dir = run_dir};
    if ((v = ob_cli_get(cli, "--size")) && ob_cli_parse_int(&nc.size, v, "--size", 32, 256)) return OB_CLI_EXIT_ERROR;
    if ((v = ob_cli_get(cli, "--width")) && ob_cli_parse_int(&nc.width, v, "--width", 2, 256)) return OB_CLI_EXIT_ERROR;
    if ((v = ob_cli_get(cli, "--steps")) && ob_cli_parse_int(&tc.steps, v, "--steps", 1, 1 << 30)) return OB_CLI_EXIT_ERROR;
    if ((v = ob_cli_get(cli, "--batch")) && ob_cli_parse_int(&tc.batch, v, "--batch", 1, 4096)) return OB_CLI_EXIT_ERROR;
    if ((v = ob_cli_get(cli, "--lr")) && ob_cli_parse_double(&tc.lr, v, "--lr")) return OB_CLI_EXIT_ERROR;
    if (!(tc.lr > 0 && tc.lr < 1)) return ob_cli_error("--lr %g outside (0, 1)", tc.lr);
    unsigned long long seed = 0;
    if ((v = ob_cli_get(cli, "--seed")) && ob_cli_parse_seed(&seed, v, "--seed")) return OB_CLI_EXIT_ERROR;
    tc.seed = seed;
    tc.quiet = cli->quiet || cli->json;
    if (ob_faceswap_net_check(&nc) != OB_OK) return ob_cli_error("--size %d / --width %d: %s", nc.size, nc.width, ob_last_error());
    ob_faceswap_faces fa = {0}, fb = {0};
    ob_faceswap_net net = {0};
    ob_ctx *ctx = NULL;
    ob_faceswap_train_result r;
    int rc = load_faces(&fa, "--a", ob_cli_get(cli, "--a"), nc.size);
    if (!rc) rc = load_faces(&fb, "--b", ob_cli_get(cli, "--b"), nc.size);
    if (!rc) rc = ob_cli_make_ctx(cli, &ctx);
    if (!rc && ob_faceswap_net_create(&net, &nc, ob_ctx_location(ctx), tc.seed) != OB_OK)
        rc = ob_cli_error("faceswap net: %s", ob_last_error());
    if (!rc) rc = ob_cli_make_dir(run_dir);
    if (!rc && ob_faceswap_train(ctx, &net, &fa, &fb, &tc, &r) != OB_OK) rc = ob_cli_error("%s", ob_last_error());
    if (!rc && cli->json) {
        printf("{\"run_dir\": ");
        ob_json_string(stdout, run_dir);
        printf(", \"faces_a\": %lld, \"faces_b\": %lld, \"size\": %d, \"width\": %d, \"steps\": %d, \"loss_a\": ",
               (long long)fa.n, (long long)fb.n, nc.size, nc.width, tc.steps);
        ob_json_number(stdout, r.loss[0]);
        printf(", \"loss_b\": ");
        ob_json_number(stdout, r.loss[1]);
        printf(", \"seconds\": %.3f, \"backend\": \"%s\"}\n", r.seconds, ob_backend_name(ob_ctx_backend(ctx)));
    } else if (!rc && !cli->quiet)
        printf("trained %d steps on %lld + %lld faces in %.1f s on %s: MSE A %.5f, B %.5f -> %s/model.safetensors, "
               "preview.png\n",
               tc.steps, (long long)fa.n, (long long)fb.n, r.seconds, ob_backend_name(ob_ctx_backend(ctx)), r.loss[0],
               r.loss[1], run_dir);
    ob_faceswap_net_destroy(&net);
    ob_ctx_destroy(ctx);
    ob_faceswap_faces_free(&fa), ob_faceswap_faces_free(&fb);
    return rc;
}

/* ---- obscura faceswap ------------------------------------------------------------ */

static const ob_cli_opt opts[] = {
    {"--model", NULL, "CKPT", "model.safetensors of a train faceswap run"},
    {"--to", NULL, "a|b", "the identity to swap the face to: the decoder of --a (a) or of --b (b)"},
    {"--landmarks", NULL, "PTS", "the face's 68 landmarks, iBUG .pts (default: IMG's name with .pts)"},
    {"--output", "-o", "OUT", "the photo with the face swapped (.png, .jpg); written atomically"},
    {0},
};

/* IMG's name with its extension replaced by .pts. */
static void default_pts(char *buf, size_t n, const char *img)
{
    const char *dot = strrchr(img, '.'), *slash = strrchr(img, '/');
    const size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - img) : strlen(img);
    snprintf(buf, n, "%.*s.pts", (int)stem, img);
}

static int run(ob_cli *cli)
{
    if (cli->n_positional != 1) return ob_cli_error("faceswap needs one input image");
    const char *in_path = cli->positional[0], *out_path = ob_cli_get(cli, "--output"), *ckpt = ob_cli_get(cli, "--model"),
               *to = ob_cli_get(cli, "--to"), *pts = ob_cli_get(cli, "--landmarks");
    if (!out_path) return ob_cli_error("faceswap needs -o OUT");
    if (!ckpt) return ob_cli_error("faceswap needs --model CKPT (model.safetensors of train faceswap)");
    if (!to || (strcmp(to, "a") && strcmp(to, "b"))) return ob_cli_error("--to: '%s' is not a or b", to ? to : "");
    ob_image_format fmt;
    if (ob_image_format_from_path(&fmt, out_path) != OB_OK) return ob_cli_fail_status("-o");
    char pts_buf[4096];
    if (!pts) default_pts(pts_buf, sizeof pts_buf, in_path), pts = pts_buf;
    float *kp = NULL;
    int k = 0, rc = 0, box[4];
    if (ob_pts_parse(&kp, &k, pts) != OB_OK)
        return ob_cli_error("%s: no landmarks (%s; give --landmarks PTS)", in_path, ob_last_error());
    ob_tensor img = {0}, out = {0};
    ob_image_info info;
    ob_ctx *ctx = NULL;
    ob_faceswap_net net = {0};
    const double t0 = ob_now_seconds();
    if (ob_image_read(&img, &info, in_path) != OB_OK || ob_image_to_channels(&img, 3) != OB_OK) {
        rc = ob_cli_fail_status(in_path);
        goto done;
    }
    if ((rc = ob_cli_make_ctx(cli, &ctx))) goto done;
    if (ob_faceswap_net_load(&net, ckpt, ob_ctx_location(ctx)) != OB_OK) {
        rc = ob_cli_error("--model: %s", ob_last_error());
        goto done;
    }
    if (ob_faceswap_photo(ctx, &out, &net, to[0] == 'b', &img, kp, k, box) != OB_OK) {
        rc = ob_cli_error("%s with %s: %s", in_path, pts, ob_last_error());
        goto done;
    }
    if (ob_image_write(out_path, &out, fmt, info.bit_depth == 16 ? 16 : 8) != OB_OK) {
        rc = ob_cli_fail_status(out_path);
        goto done;
    }
    if (cli->json) {
        printf("{\"input\": ");
        ob_json_string(stdout, in_path);
        printf(", \"output\": ");
        ob_json_string(stdout, out_path);
        printf(", \"to\": \"%s\", \"size\": %d, \"blend_box\": [%d, %d, %d, %d], \"ms\": %.2f, \"backend\": \"%s\"}\n", to,
               net.cfg.size, box[0], box[1], box[2], box[3], (ob_now_seconds() - t0) * 1e3,
               ob_backend_name(ob_ctx_backend(ctx)));
    } else if (!cli->quiet)
        printf("%s: face swapped to %s (%dx%d net) and blended into x %d..%d, y %d..%d in %.1f ms -> %s\n", in_path, to,
               net.cfg.size, net.cfg.size, box[0], box[2] - 1, box[1], box[3] - 1, (ob_now_seconds() - t0) * 1e3,
               out_path);
done:
    ob_faceswap_net_destroy(&net);
    ob_ctx_destroy(ctx);
    ob_tensor_free(&img), ob_tensor_free(&out);
    free(kp);
    return rc;
}

const ob_cli_verb ob_verb_faceswap = {
    .name = "faceswap",
    .usage = "IMG --model CKPT --to a|b -o OUT [--landmarks PTS]",
    .summary = "swap a face to the other identity of a `train faceswap` autoencoder and blend it back in",
    .details = "The face is aligned to the 68-point template by its landmarks (Umeyama similarity of the 51 inner\n"
               "points), encoded by the shared encoder, decoded by --to's decoder, warped back by the inverse\n"
               "similarity and blended in with a Laplacian pyramid under a soft mask (the landmarks' convex\n"
               "hull, eroded and feathered). Pixels outside a box around the face are the photo's, unchanged.\n"
               "The output is RGB.",
    .opts = opts,
    .run = run,
};
