/* verb_demo.c — `obscura demo`: the main job on an embedded default, with no
 * download of user data. `--job hdr` (default): HDR from an exposure stack the
 * demo renders itself; `--job sr`: the seeds' super-resolution experiments with the shipped
 * nets on real faces; `--job interp`: the interpolation baseline. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "demo.h"

static const ob_cli_opt opts[] = {
    {"--output", "-o", "DIR", "folder for the results (default: obscura-demo)"},
    {"--job", NULL, "hdr|sr|interp",
     "hdr (default): the HDR pipeline; sr: the seeds' SR experiments on real faces; interp: shrink and enlarge a "
     "photo three ways"},
    {"--image", NULL, "PATH", "hdr: a radiance map (.hdr/.pfm) to render the stack from; interp: a photo, or 'chart'"},
    {"--factor", NULL, "F", "interp: shrink/enlarge factor, 2..8 (default 3)"},
    {"--faces", NULL, "XML", "sr: a dlib XML of face boxes (default: dlib's example faces, both sets)"},
    {0},
};

static int run(ob_cli *cli)
{
    if (cli->n_positional) return ob_cli_error("demo takes no positional arguments");
    const char *dir = ob_cli_get(cli, "--output") ? ob_cli_get(cli, "--output") : "obscura-demo";
    const char *job = ob_cli_get(cli, "--job") ? ob_cli_get(cli, "--job") : "hdr";
    if (strcmp(job, "hdr") && strcmp(job, "sr") && strcmp(job, "interp"))
        return ob_cli_error("--job: '%s' (expected hdr, sr or interp)", job);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) return ob_cli_error("cannot create %s: %s", dir, strerror(errno));
    return !strcmp(job, "hdr") ? ob_demo_hdr(cli, dir) : !strcmp(job, "sr") ? ob_demo_sr(cli, dir) : ob_demo_interp(cli, dir);
}

const ob_cli_verb ob_verb_demo = {
    .name = "demo",
    .usage = "[-o DIR] [--job hdr|sr|interp] [--image PATH] [--factor F] [--faces XML]",
    .summary = "the main job on an embedded default: HDR from a rendered exposure stack (or --job sr)",
    .details = "hdr: renders a 7-exposure stack (2 stops apart, 8-bit, sRGB-curve camera with noise) from a real\n"
               "radiance map (Debian's qtcreator-data ships one; without it a procedural scene), writes it to\n"
               "DIR/stack/ with DIR/stack/times.txt, runs the HDR pipeline on those files as `obscura hdr`\n"
               "would, compares the recovered response with the camera's true one, and writes DIR/index.html.\n"
               "sr: the seeds' experiments with the shipped nets on real 128x128 face crops (dlib's example\n"
               "faces): x4 (32 -> 128) and x2 (64 -> 128) bilinear/bicubic/ESPCN, and the x2 SRCNN-style net\n"
               "against nearest/bilinear; a table per face, DIR/{faces_x4,faces_x2,srcnn_x2}/index.html, report.json.\n"
               "interp: DIR/original.png, small.png, up_{nearest,bilinear,bicubic}.png, report.json, index.html.",
    .opts = opts,
    .run = run,
};
