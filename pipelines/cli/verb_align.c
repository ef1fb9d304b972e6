/* verb_align.c — `obscura align-face IMG --landmarks PTS -o OUT [--size N]
 * [--margin M]`: a face warped onto the canonical 68-point template
 * (pipelines/ob_align.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "ob_align.h"
#include "ob_dataset.h"
#include "ob_image_io.h"

static const ob_cli_opt opts[] = {
    {"--landmarks", NULL, "PTS", "the face's 68 landmarks, iBUG .pts (as `obscura keypoints detect` writes them)"},
    {"--output", "-o", "OUT", "the aligned face (.png, .jpg, .hdr, .pfm); written atomically"},
    {"--size", NULL, "N", "output side in pixels (default 256)"},
    {"--margin", NULL, "M", "border around the template, a fraction of the side (default 0.15)"},
    {0},
};

static int run(ob_cli *cli)
{
    if (cli->n_positional != 1) return ob_cli_error("align-face needs one input image");
    const char *in_path = cli->positional[0], *out_path = ob_cli_get(cli, "--output"),
               *pts_path = ob_cli_get(cli, "--landmarks"), *size_text = ob_cli_get(cli, "--size"),
               *margin_text = ob_cli_get(cli, "--margin");
    if (!out_path) return ob_cli_error("align-face needs -o OUT");
    if (!pts_path) return ob_cli_error("align-face needs --landmarks PTS (68 points, iBUG .pts)");
    int size = 256;
    double margin = 0.15;
    if (size_text && ob_cli_parse_int(&size, size_text, "--size", 16, 8192)) return OB_CLI_EXIT_ERROR;
    if (margin_text && ob_cli_parse_double(&margin, margin_text, "--margin")) return OB_CLI_EXIT_ERROR;
    if (!(margin >= 0 && margin <= 0.45)) return ob_cli_error("--margin %g outside 0..0.45", margin);
    ob_image_format fmt;
    if (ob_image_format_from_path(&fmt, out_path) != OB_OK) return ob_cli_fail_status("-o");
    float *kp = NULL;
    int k = 0, rc = 0;
    if (ob_pts_parse(&kp, &k, pts_path) != OB_OK) return ob_cli_fail_status("--landmarks");
    ob_tensor img = {0}, out = {0};
    ob_image_info info;
    ob_ctx *ctx = NULL;
    double T[9];
    if (ob_image_read(&img, &info, in_path) != OB_OK) {
        rc = ob_cli_fail_status(in_path);
        goto done;
    }
    if ((rc = ob_cli_make_ctx(cli, &ctx))) goto done;
    if (ob_align_face(ctx, &out, T, &img, kp, k, size, margin) != OB_OK) {
        rc = ob_cli_error("%s with %s: %s", in_path, pts_path, ob_last_error());
        goto done;
    }
    if (ob_image_write(out_path, &out, fmt, info.bit_depth == 16 ? 16 : 8) != OB_OK) {
        rc = ob_cli_fail_status(out_path);
        goto done;
    }
    /* how well the face fits the template: RMS over the inner points, output pixels */
    float tpl[OB_FACE_POINTS * 2];
    ob_face_template(tpl, size, margin);
    double sq = 0;
    for (int i = 17; i < OB_FACE_POINTS; i++) {
        const double x = T[0] * kp[2 * i] + T[1] * kp[2 * i + 1] + T[2], y = T[3] * kp[2 * i] + T[4] * kp[2 * i + 1] + T[5];
        sq += (x - tpl[2 * i]) * (x - tpl[2 * i]) + (y - tpl[2 * i + 1]) * (y - tpl[2 * i + 1]);
    }
    const double rms = sqrt(sq / (OB_FACE_POINTS - 17)), scale = hypot(T[0], T[3]),
                 degrees = atan2(T[3], T[0]) * 180 / 3.14159265358979323846;
    if (cli->json) {
        printf("{\"input\": ");
        ob_json_string(stdout, in_path);
        printf(", \"output\": ");
        ob_json_string(stdout, out_path);
        printf(", \"size\": %d, \"margin\": %g, \"transform\": [[%.9g, %.9g, %.9g], [%.9g, %.9g, %.9g], [0, 0, 1]], "
               "\"scale\": %.6g, \"rotation_deg\": %.4g, \"rms_to_template_px\": %.4g, \"backend\": \"%s\"}\n",
               size, margin, T[0], T[1], T[2], T[3], T[4], T[5], scale, degrees, rms,
               ob_backend_name(ob_ctx_backend(ctx)));
    } else if (!cli->quiet) {
        printf("%s: face scaled %.3gx, turned %.1f deg, inner landmarks %.2f px RMS from the template -> %s (%dx%d)\n",
               in_path, scale, degrees, rms, out_path, size, size);
    }
done:
    ob_ctx_destroy(ctx);
    ob_tensor_free(&img), ob_tensor_free(&out);
    free(kp);
    return rc;
}

const ob_cli_verb ob_verb_align_face = {
    .name = "align-face",
    .usage = "IMG --landmarks PTS -o OUT [--size N] [--margin M]",
    .summary = "warp a face onto the canonical 68-point template (Umeyama similarity)",
    .details = "The similarity (rotation, uniform scale, translation) is the least-squares fit (Umeyama) of the\n"
               "face's 51 inner landmarks (brows, eyes, nose, mouth; the jaw line slides as the head turns) to\n"
               "the template: the Procrustes mean of dlib's 43 example faces, eyes level, filling the output\n"
               "less --margin on every side. Outside the photo is black. The landmarks are iBUG 300-W's 68\n"
               "points, e.g. from `obscura keypoints detect`.",
    .opts = opts,
    .run = run,
};
