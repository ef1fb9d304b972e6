/* demo_hdr.c — `obscura demo` (--job hdr): render an exposure stack from a real
 * radiance map through a known camera, run the HDR pipeline on the files as a
 * user's `obscura hdr` would, and show the result on a page. Because the camera
 * is known, the page can say how far the recovered response is from the truth. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "demo.h"
#include "ob_atomic_file.h"
#include "ob_hdr.h"
#include "ob_hdr_synth.h"
#include "ob_image_io.h"
#include "ob_image_ops.h"

/* Debian's qtcreator-data ships small real Radiance maps. */
#define DEFAULT_HDR "/usr/share/qtcreator/qml/qmlpuppet/mockfiles/images/preview_landscape.hdr"
#define N_EXPOSURES 7

typedef struct {
    const char *dir, *source;
    char names[N_EXPOSURES][64];
    double times[N_EXPOSURES];
    ob_camera cam;
    double response_error; /* max |g - g_true| over z in 5..250, constant removed */
    ob_hdr_scene scene;
} demo;

/* The scene: the real map (enlarged 2x, it is 256x128) or a procedural one. */
static ob_status load_radiance(ob_ctx *ctx, ob_tensor *e, const char **source, const char *requested)
{
    const char *path = requested ? requested : getenv("OB_DEMO_HDR") ? getenv("OB_DEMO_HDR") : DEFAULT_HDR;
    if (!requested && access(path, R_OK) != 0) {
        *source = "procedural scene (install qtcreator-data for a real radiance map)";
        return ob_synth_radiance(e, 512, 320, 16);
    }
    *source = path;
    ob_tensor raw = {0};
    OB_TRY(ob_image_read(&raw, NULL, path));
    ob_status s = OB_OK;
    if (raw.shape[1] * raw.shape[2] < 200 * 200)
        s = ob_image_resize(ctx, e, &raw, (int)raw.shape[2] * 2, (int)raw.shape[1] * 2, OB_RESIZE_BILINEAR);
    else
        s = ob_tensor_clone_to(e, &raw, OB_HOST);
    ob_tensor_free(&raw);
    return s;
}

static ob_status write_stack(demo *d, const ob_tensor *e)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/stack", d->dir);
    if (mkdir(path, 0777) != 0 && access(path, W_OK) != 0) return OB_FAIL(OB_ERR_IO, "cannot create %s", path);
    OB_TRY(ob_bracket_times(d->times, N_EXPOSURES, 2.0, e, &d->cam));
    ob_tensor frames[N_EXPOSURES];
    OB_TRY(ob_render_stack(frames, e, d->times, N_EXPOSURES, &d->cam, 2026));
    ob_status s = OB_OK;
    for (int j = 0; j < N_EXPOSURES && s == OB_OK; j++) {
        snprintf(d->names[j], sizeof d->names[j], "exposure_%d.png", j + 1);
        snprintf(path, sizeof path, "%s/stack/%s", d->dir, d->names[j]);
        s = ob_image_write(path, &frames[j], OB_FMT_PNG, 8);
    }
    for (int j = 0; j < N_EXPOSURES; j++) ob_tensor_free(&frames[j]);
    if (s != OB_OK) return s;
    snprintf(path, sizeof path, "%s/stack/times.txt", d->dir);
    FILE *f;
    ob_atomic_file af;
    OB_TRY(ob_atomic_open(&af, path));
    f = af.fp;
    fprintf(f, "# file seconds (rendered by obscura demo: sRGB-curve camera, %d-bit, noise %.3f)\n", d->cam.bits,
            d->cam.noise);
    for (int j = 0; j < N_EXPOSURES; j++) fprintf(f, "%s %.10g\n", d->names[j], d->times[j]);
    return ob_atomic_commit(&af);
}

/* Max |g - g_true| over z in 5..250 after removing the free constant (the mean
 * difference over that range), worst channel. */
static double response_error(const demo *d)
{
    const ob_hdr_scene *s = &d->scene;
    double worst = 0;
    for (int c = 0; c < s->channels; c++) {
        const float *g = s->g + (size_t)c * s->n_bins;
        double offset = 0;
        int n = 0;
        for (int z = 5; z <= 250; z++, n++) offset += g[z] - ob_camera_log_exposure(&d->cam, z / 255.0);
        offset /= n;
        for (int z = 5; z <= 250; z++) {
            double err = fabs(g[z] - offset - ob_camera_log_exposure(&d->cam, z / 255.0));
            if (err > worst) worst = err;
        }
    }
    return worst;
}

static ob_status write_html(FILE *f, void *user)
{
    const demo *d = user;
    const ob_hdr_scene *s = &d->scene;
    fprintf(f, "<!doctype html>\n<meta charset=\"utf-8\">\n<title>obscura demo: HDR</title>\n"
               "<style>body{font-family:sans-serif;margin:2em;max-width:1100px}figure{display:inline-block;"
               "margin:0 1em 1em 0;vertical-align:top}img.s{width:150px}img.m{width:340px}td,th{padding:0 .8em;"
               "text-align:left}</style>\n<h1>obscura demo: HDR from an exposure stack</h1>\n");
    fprintf(f, "<p>Scene: %s. Rendered through an sRGB-curve camera (%d-bit, noise &sigma; = %.3f), %d exposures 2 stops "
               "apart, then merged by <code>obscura hdr stack/*.png --times-file stack/times.txt</code> on the %s "
               "backend.</p>\n",
            d->source, d->cam.bits, d->cam.noise, N_EXPOSURES, s->backend);
    fprintf(f, "<h2>The stack</h2>\n");
    for (int j = 0; j < N_EXPOSURES; j++)
        fprintf(f, "<figure><img class=\"s\" src=\"stack/%s\"><figcaption>%.4g s</figcaption></figure>\n", d->names[j],
                d->times[j]);
    fprintf(f, "<h2>Tone-mapped radiance</h2>\n");
    static const char *png[3] = {"global_scale.png", "global_simple.png", "durand.png"},
                      *cap[3] = {"global scale", "global simple (Reinhard)", "Durand (bilateral grid)"};
    for (int k = 0; k < 3; k++)
        fprintf(f, "<figure><img class=\"m\" src=\"%s\"><figcaption>%s</figcaption></figure>\n", png[k], cap[k]);
    fprintf(f, "<h2>Recovered response</h2>\n<figure><img src=\"response.svg\" width=\"480\"></figure>\n");
    fprintf(f, "<table><tr><th>dynamic range of the radiance</th><td>%.1f stops</td></tr>\n"
               "<tr><th>response error vs the true camera</th><td>%.3f (max |&Delta;g|, natural log, z 5..250)</td></tr>\n"
               "<tr><th>seconds: load, calibrate, merge, tone maps</th><td>%.3f, %.3f, %.3f, %.3f / %.3f / %.3f</td></tr>\n"
               "</table>\n<p>Files: <a href=\"radiance.hdr\">radiance.hdr</a>, <a href=\"response.csv\">response.csv</a>, "
               "<a href=\"summary.json\">summary.json</a>.</p>\n",
            s->dynamic_range_stops, d->response_error, s->t_load, s->t_calibrate, s->t_merge, s->t_tonemap[0],
            s->t_tonemap[1], s->t_tonemap[2]);
    return ferror(f) ? OB_FAIL(OB_ERR_IO, "write error") : OB_OK;
}

static ob_status run_demo(ob_ctx *ctx, demo *d, const char *requested)
{
    ob_tensor e = {0};
    ob_status s = load_radiance(ctx, &e, &d->source, requested);
    if (s == OB_OK) s = write_stack(d, &e);
    ob_tensor_free(&e);
    if (s != OB_OK) return s;
    char paths[N_EXPOSURES][4096], times[4096];
    const char *argv[N_EXPOSURES];
    for (int j = 0; j < N_EXPOSURES; j++) {
        snprintf(paths[j], sizeof paths[j], "%s/stack/%s", d->dir, d->names[j]);
        argv[j] = paths[j];
    }
    snprintf(times, sizeof times, "%s/stack/times.txt", d->dir);
    ob_hdr_opts o;
    ob_hdr_opts_init(&o);
    OB_TRY(ob_hdr_load(&d->scene, argv, N_EXPOSURES, NULL, times));
    OB_TRY(ob_hdr_compute(ctx, &d->scene, &o));
    OB_TRY(ob_hdr_save(d->dir, &d->scene, &o));
    d->response_error = response_error(d);
    char page[4096];
    snprintf(page, sizeof page, "%s/index.html", d->dir);
    return ob_atomic_write(page, write_html, d);
}

int ob_demo_hdr(ob_cli *cli, const char *dir)
{
    demo d;
    memset(&d, 0, sizeof d);
    d.dir = dir;
    d.cam = (ob_camera){2.2, 1.0, 0.002, 8, 1};
    ob_ctx *ctx = NULL;
    if (ob_cli_make_ctx(cli, &ctx)) return OB_CLI_EXIT_ERROR;
    int rc = 0;
    if (run_demo(ctx, &d, ob_cli_get(cli, "--image")) != OB_OK) rc = ob_cli_error("demo: %s", ob_last_error());
    const ob_hdr_scene *s = &d.scene;
    if (!rc && cli->json) {
        printf("{\"output\": ");
        ob_json_string(stdout, dir);
        printf(", \"source\": ");
        ob_json_string(stdout, d.source);
        printf(", \"exposures\": %d, \"dynamic_range_stops\": %.4f, \"response_error\": %.6f, \"backend\": \"%s\"}\n",
               N_EXPOSURES, s->dynamic_range_stops, d.response_error, s->backend);
    } else if (!rc && !cli->quiet) {
        printf("obscura demo: HDR from %d rendered exposures of %s\n", N_EXPOSURES, d.source);
        printf("  %dx%d, %.1f stops of dynamic range, response within %.3f (ln units) of the true camera\n", s->width,
               s->height, s->dynamic_range_stops, d.response_error);
        printf("  seconds: load %.3f  calibrate %.3f  merge %.3f  tone maps %.3f / %.3f / %.3f  (%s)\n", s->t_load,
               s->t_calibrate, s->t_merge, s->t_tonemap[0], s->t_tonemap[1], s->t_tonemap[2], s->backend);
        printf("outputs: %s/ (radiance.hdr, response.csv, response.svg, global_scale.png, global_simple.png, "
               "durand.png, summary.json; the stack in %s/stack/)\npage:    %s/index.html\n", dir, dir, dir);
    }
    ob_hdr_scene_free(&d.scene);
    ob_ctx_destroy(ctx);
    return rc;
}
