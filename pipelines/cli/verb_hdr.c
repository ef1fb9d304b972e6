/* verb_hdr.c — `obscura hdr IMAGES... -o DIR` and `obscura hdr --batch SCENES -o OUT`. */
#include <dirent.h>
#include <math.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"
#include "ob_batch.h"
#include "ob_hdr.h"
#include "ob_log.h"
#include "ob_threads.h"

static const ob_cli_opt opts[] = {
    {"--output", "-o", "DIR", "output folder (created if missing)"},
    {"--batch", NULL, "SCENES", "every sub-folder of SCENES is one stack; outputs go to DIR/<scene>/"},
    {"--times", NULL, "T1,T2,...", "exposure times in seconds, in input order (0.01 or 1/100)"},
    {"--times-file", NULL, "FILE", "lines 'FILENAME SECONDS'"},
    {"--lambda", NULL, "L", "smoothness weight of the response fit (default 10)"},
    {"--samples", NULL, "N", "pixels sampled per channel for the fit (default 1024)"},
    {"--seed", NULL, "S", "seed of the pixel sampling (default 0)"},
    {"--response", NULL, "monotone|free", "monotone (default): g non-decreasing; free: the unconstrained fit (as OpenCV's)"},
    {"--align", NULL, NULL, "align the exposures first (Ward's median threshold bitmaps)"},
    {"--sigma-s", NULL, "PX", "Durand: spatial sigma in pixels (default 2% of the larger side)"},
    {"--sigma-r", NULL, "R", "Durand: range sigma in log2 units (default 0.4)"},
    {"--stops", NULL, "D", "Durand: dynamic range of the base layer in stops (default 5)"},
    {"--gamma", NULL, "G", "display gamma exponent (default 1/2.2 = 0.4545)"},
    {"--key", NULL, "K", "global simple: key value (default 0.18)"},
    {"--bilateral", NULL, "grid|exact", "Durand's bilateral filter (default grid)"},
    {"--bits", NULL, "8|16", "tone-mapped PNGs: 8-bit (default) or 16-bit, for further editing"},
    {"--png-compression", NULL, "0..9", "zlib level of the PNGs (default 1: ~13x faster than libpng's 6, ~17% larger; 4..9: smaller, 4-13x slower)"},
    {"--format", NULL, "hdr|exr|pfm", "radiance map: Radiance .hdr (default), OpenEXR or PFM"},
    {"--exr-type", NULL, "half|float", "OpenEXR pixel type (default half)"},
    {"--fuse", NULL, NULL, "also fused.png: Mertens exposure fusion of the stack (no times, no response)"},
    {"--fuse-weights", NULL, "C,S,E", "fusion exponents: contrast, saturation, well-exposedness (default 1,1,1)"},
    {"--profile", NULL, NULL, "print where the time and memory went, stage by stage and file by file"},
    {0},
};

static int parse_float(float *out, const ob_cli *cli, const char *name)
{
    const char *v = ob_cli_get(cli, name);
    double d;
    if (!v) return 0;
    if (ob_cli_parse_double(&d, v, name)) return OB_CLI_EXIT_ERROR;
    *out = (float)d;
    return 0;
}

static int parse_opts(const ob_cli *cli, ob_hdr_opts *o)
{
    ob_hdr_opts_init(o);
    const char *v;
    if ((v = ob_cli_get(cli, "--lambda")) && ob_cli_parse_double(&o->response.lambda, v, "--lambda")) return OB_CLI_EXIT_ERROR;
    if ((v = ob_cli_get(cli, "--samples")) && ob_cli_parse_int(&o->response.samples, v, "--samples", 2, 1 << 20))
        return OB_CLI_EXIT_ERROR;
    unsigned long long seed = 0;
    if ((v = ob_cli_get(cli, "--seed"))) {
        if (ob_cli_parse_seed(&seed, v, "--seed")) return OB_CLI_EXIT_ERROR;
        o->response.seed = seed;
    }
    if (o->response.lambda < 0) return ob_cli_error("--lambda must be >= 0, got %g", o->response.lambda);
    if ((v = ob_cli_get(cli, "--response"))) {
        if (strcmp(v, "monotone") && strcmp(v, "free")) return ob_cli_error("--response takes monotone or free, got %s", v);
        o->response.free_curve = !strcmp(v, "free");
    }
    o->align = ob_cli_has(cli, "--align");
    if (parse_float(&o->durand.sigma_s, cli, "--sigma-s") || parse_float(&o->durand.sigma_r, cli, "--sigma-r") ||
        parse_float(&o->durand.stops, cli, "--stops") || parse_float(&o->durand.gamma, cli, "--gamma") ||
        parse_float(&o->key, cli, "--key"))
        return OB_CLI_EXIT_ERROR;
    if (ob_cli_has(cli, "--sigma-s") && !(o->durand.sigma_s > 0))
        return ob_cli_error("--sigma-s must be positive, got %g", o->durand.sigma_s);
    if (!(o->key > 0)) return ob_cli_error("--key must be positive, got %g", o->key);
    if ((v = ob_cli_get(cli, "--bilateral")) && ob_bilateral_method_parse(&o->durand.bilateral, v) != OB_OK)
        return ob_cli_error("--bilateral: %s", ob_last_error());
    if (ob_tonemap_opts_check(&o->durand) != OB_OK) return ob_cli_error("%s", ob_last_error());
    if ((v = ob_cli_get(cli, "--bits")) && (ob_cli_parse_int(&o->bits, v, "--bits", 8, 16) ||
                                            (o->bits != 8 && o->bits != 16)))
        return ob_cli_error("--bits takes 8 or 16, got %s", v);
    if ((v = ob_cli_get(cli, "--png-compression")) &&
        ob_cli_parse_int(&o->png_compression, v, "--png-compression", 0, 9))
        return OB_CLI_EXIT_ERROR;
    if ((v = ob_cli_get(cli, "--format"))) {
        if (!strcmp(v, "hdr")) o->format = OB_HDR_RADIANCE_HDR;
        else if (!strcmp(v, "exr")) o->format = OB_HDR_RADIANCE_EXR;
        else if (!strcmp(v, "pfm")) o->format = OB_HDR_RADIANCE_PFM;
        else return ob_cli_error("--format takes hdr, exr or pfm, got %s", v);
    }
    if ((v = ob_cli_get(cli, "--exr-type"))) {
        if (o->format != OB_HDR_RADIANCE_EXR) return ob_cli_error("--exr-type needs --format exr");
        if (!strcmp(v, "half")) o->exr_half = 1;
        else if (!strcmp(v, "float")) o->exr_half = 0;
        else return ob_cli_error("--exr-type takes half or float, got %s", v);
    }
    o->fuse = ob_cli_has(cli, "--fuse");
    if ((v = ob_cli_get(cli, "--fuse-weights"))) {
        if (!o->fuse) return ob_cli_error("--fuse-weights needs --fuse");
        const char *p = v;
        for (int k = 0; k < 3; k++) {
            char *end;
            const double d = strtod(p, &end);
            if (end == p || !(d >= 0) || !isfinite(d) || *end != (k < 2 ? ',' : '\0'))
                return ob_cli_error("--fuse-weights takes three exponents >= 0 like 1,1,1, got %s", v);
            o->fuse_weights[k] = (float)d;
            p = end + 1;
        }
    }
    return 0;
}

/* --profile: each stage, each decode and encode, and the peak memory (stderr). */
static void print_profile(const ob_hdr_opts *o, const ob_hdr_scene *s)
{
    fprintf(stderr, "profile (%s backend, %d threads):\n", s->backend, ob_threads());
    fprintf(stderr, "  load       %8.3f s  (%d images decoded in parallel:", s->t_load, s->n);
    for (int i = 0; i < s->n; i++) fprintf(stderr, " %.3f", s->t_decode[i]);
    fprintf(stderr, ")\n  align      %8.3f s\n  calibrate  %8.3f s\n", s->t_align, s->t_calibrate);
    if (o->fuse) fprintf(stderr, "  fuse       %8.3f s\n", s->t_fuse);
    fprintf(stderr, "  merge      %8.3f s\n  tonemap    %8.3f s  (global scale %.3f, global simple %.3f, durand %.3f)\n",
            s->t_merge, s->t_tonemap[0] + s->t_tonemap[1] + s->t_tonemap[2], s->t_tonemap[0], s->t_tonemap[1],
            s->t_tonemap[2]);
    const char *names[OB_HDR_MAX_OUTPUTS];
    const int n = ob_hdr_output_list(names, o);
    fprintf(stderr, "  save       %8.3f s  (encoded in parallel:", s->t_save);
    for (int k = 0; k < n - 1; k++) fprintf(stderr, " %s %.3f", names[k], s->t_write[k]);
    fprintf(stderr, ")\n  peak memory %7.1f MB\n", s->peak_rss_mb);
}

static void print_scene(const ob_cli *cli, const char *name, const char *dir, const ob_hdr_scene *s)
{
    if (cli->quiet || cli->json) return;
    printf("%s: %d exposures %dx%d (%d-bit, times from %s), %.1f stops -> %s/\n", name, s->n, s->width, s->height,
           s->bit_depth, s->times_source, s->dynamic_range_stops, dir);
    printf("  seconds: load %.3f  align %.3f  calibrate %.3f  merge %.3f  tonemap %.3f/%.3f/%.3f  save %.3f (%s)\n",
           s->t_load, s->t_align, s->t_calibrate, s->t_merge, s->t_tonemap[0], s->t_tonemap[1], s->t_tonemap[2],
           s->t_save, s->backend);
}

static int run_single(ob_cli *cli, const ob_hdr_opts *o, const char *dir)
{
    if (cli->n_positional < 2) return ob_cli_error("hdr needs at least 2 exposures (or --batch SCENES)");
    ob_hdr_scene s;
    ob_ctx *ctx = NULL;
    int rc = 0;
    if (ob_hdr_load(&s, cli->positional, cli->n_positional, ob_cli_get(cli, "--times"),
                    ob_cli_get(cli, "--times-file")) != OB_OK)
        rc = ob_cli_error("%s", ob_last_error());
    else if ((rc = ob_cli_make_ctx(cli, &ctx))) {
    } else if (ob_hdr_compute(ctx, &s, o) != OB_OK) rc = ob_cli_error("hdr: %s", ob_last_error());
    else if ((rc = ob_cli_make_dir(dir))) {
    } else if (ob_hdr_save(dir, &s, o) != OB_OK) rc = ob_cli_error("hdr: %s", ob_last_error());
    if (!rc && ob_cli_has(cli, "--profile")) print_profile(o, &s);
    if (!rc && cli->json) {
        printf("{\"output\": ");
        ob_json_string(stdout, dir);
        printf(", \"dynamic_range_stops\": %.4f, \"backend\": \"%s\"}\n", s.dynamic_range_stops, s.backend);
    } else if (!rc) {
        print_scene(cli, "hdr", dir, &s);
    }
    ob_hdr_scene_free(&s);
    ob_ctx_destroy(ctx);
    return rc;
}

/* ---- batch ----------------------------------------------------------------- */

typedef struct {
    char name[256], in_dir[4096], out_dir[4096];
    char *files[OB_HDR_MAX_INPUTS + 1];
    int n_files, skipped;
} scene_job;

typedef struct {
    scene_job *jobs;
    int n;
    ob_ctx *ctx;
    const ob_hdr_opts *opts;
} batch_ctx;

static int is_image_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (!strcasecmp(dot, ".png") || !strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg"));
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Sub-folders of `root` (sorted), each a job; their images listed later by load. */
static int find_scenes(scene_job **jobs, int *n, const char *root, const char *out)
{
    DIR *d = opendir(root);
    if (!d) return ob_cli_error("--batch %s: %s", root, strerror(errno));
    char *names[4096];
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) && count < 4096) {
        if (e->d_name[0] == '.') continue;
        char p[4096];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", root, e->d_name);
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) names[count++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)count, sizeof *names, cmp_str);
    *jobs = calloc((size_t)(count ? count : 1), sizeof **jobs);
    for (int i = 0; i < count; i++) {
        scene_job *j = &(*jobs)[i];
        snprintf(j->name, sizeof j->name, "%s", names[i]);
        snprintf(j->in_dir, sizeof j->in_dir, "%s/%s", root, names[i]);
        snprintf(j->out_dir, sizeof j->out_dir, "%s/%s", out, names[i]);
        free(names[i]);
    }
    *n = count;
    if (count == 0) return ob_cli_error("--batch %s: no scene folders in it", root);
    return 0;
}

static ob_status list_images(scene_job *j)
{
    DIR *d = opendir(j->in_dir);
    if (!d) return OB_FAIL(OB_ERR_IO, "%s: %s", j->in_dir, strerror(errno));
    struct dirent *e;
    ob_status s = OB_OK;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !is_image_name(e->d_name)) continue;
        if (j->n_files == OB_HDR_MAX_INPUTS) {
            s = OB_FAIL(OB_ERR_ARG, "%s: more than %d images", j->in_dir, OB_HDR_MAX_INPUTS);
            break;
        }
        char p[4096 + 256];
        snprintf(p, sizeof p, "%s/%s", j->in_dir, e->d_name);
        j->files[j->n_files++] = strdup(p);
    }
    closedir(d);
    qsort(j->files, (size_t)j->n_files, sizeof *j->files, cmp_str);
    return s;
}

static ob_status batch_load(void *user, int item, void **data)
{
    batch_ctx *b = user;
    scene_job *j = &b->jobs[item];
    OB_TRY(list_images(j));
    char times[4096 + 16];
    snprintf(times, sizeof times, "%s/times.txt", j->in_dir);
    struct stat st;
    const char *times_file = stat(times, &st) == 0 ? times : NULL;
    ob_hdr_scene *s = calloc(1, sizeof *s);
    if (!s) return OB_FAIL(OB_ERR_NOMEM, "out of memory");
    *data = s;
    return ob_hdr_load(s, (const char *const *)j->files, j->n_files, NULL, times_file);
}

static ob_status batch_compute(void *user, int item, void *data)
{
    batch_ctx *b = user;
    return ob_hdr_compute(b->ctx, data, b->opts);
}

static ob_status batch_save(void *user, int item, void *data)
{
    batch_ctx *b = user;
    const char *dir = b->jobs[item].out_dir;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) return OB_FAIL(OB_ERR_IO, "cannot create %s: %s", dir, strerror(errno));
    return ob_hdr_save(dir, data, b->opts);
}

static void batch_discard(void *user, int item, void *data)
{
    ob_hdr_scene_free(data);
    free(data);
}

static int run_batch(ob_cli *cli, const ob_hdr_opts *o, const char *root, const char *out)
{
    if (cli->n_positional) return ob_cli_error("--batch takes no image arguments");
    if (ob_cli_has(cli, "--times") || ob_cli_has(cli, "--times-file"))
        return ob_cli_error("--batch reads each scene's times from its times.txt, EXIF or file names");
    scene_job *all = NULL;
    int n_all = 0, rc = ob_cli_make_dir(out);
    if (rc || (rc = find_scenes(&all, &n_all, root, out))) {
        free(all);
        return rc;
    }
    /* complete scenes are skipped: a re-run after an interruption redoes nothing */
    scene_job *todo = calloc((size_t)n_all, sizeof *todo);
    int n_todo = 0, n_skipped = 0;
    for (int i = 0; i < n_all; i++) {
        if (ob_hdr_outputs_complete(all[i].out_dir)) all[i].skipped = 1, n_skipped++;
        else todo[n_todo++] = all[i];
    }
    ob_ctx *ctx = NULL;
    ob_batch_result *results = calloc((size_t)(n_todo ? n_todo : 1), sizeof *results);
    int failed = 0;
    if ((rc = ob_cli_make_ctx(cli, &ctx)) == 0 && n_todo > 0) {
        batch_ctx b = {todo, n_todo, ctx, o};
        ob_batch_stages st = {batch_load, batch_compute, batch_save, batch_discard, &b, 2, "hdr scenes"};
        if (ob_batch_run(&st, n_todo, results) != OB_OK) rc = ob_cli_error("batch: %s", ob_last_error());
    }
    for (int i = 0; i < n_todo; i++) failed += results[i].status != OB_OK;
    if (!rc && cli->json) {
        printf("{\"scenes\": [");
        int k = 0;
        for (int i = 0; i < n_all; i++) {
            if (!all[i].skipped) continue;
            printf("%s\n  {\"scene\": ", k++ ? "," : "");
            ob_json_string(stdout, all[i].name);
            printf(", \"status\": \"skipped\"}");
        }
        for (int i = 0; i < n_todo; i++) {
            printf("%s\n  {\"scene\": ", k++ ? "," : "");
            ob_json_string(stdout, todo[i].name);
            printf(", \"status\": \"%s\"", results[i].status == OB_OK ? "done" : "failed");
            if (results[i].status != OB_OK) {
                printf(", \"error\": ");
                ob_json_string(stdout, results[i].message);
            }
            printf("}");
        }
        printf("\n], \"done\": %d, \"skipped\": %d, \"failed\": %d}\n", n_todo - failed, n_skipped, failed);
    } else if (!rc && !cli->quiet) {
        for (int i = 0; i < n_todo; i++)
            if (results[i].status == OB_OK)
                printf("%s: done -> %s/ (load %.2fs, compute %.2fs, save %.2fs)\n", todo[i].name, todo[i].out_dir,
                       results[i].load_s, results[i].compute_s, results[i].save_s);
        printf("hdr --batch: %d done, %d skipped (already complete), %d failed\n", n_todo - failed, n_skipped, failed);
    }
    for (int i = 0; i < n_todo; i++)
        if (results[i].status != OB_OK)
            ob_cli_error("scene %s: %s failed: %s", todo[i].name, results[i].stage, results[i].message);
    if (!rc && failed) rc = OB_CLI_EXIT_ERROR;
    for (int i = 0; i < n_todo; i++)
        for (int f = 0; f < todo[i].n_files; f++) free(todo[i].files[f]);
    ob_ctx_destroy(ctx);
    free(results);
    free(todo);
    free(all);
    return rc;
}

static int run(ob_cli *cli)
{
    const char *dir = ob_cli_get(cli, "--output");
    if (!dir) return ob_cli_error("hdr needs -o DIR");
    ob_hdr_opts o;
    if (parse_opts(cli, &o)) return OB_CLI_EXIT_ERROR;
    const char *batch = ob_cli_get(cli, "--batch");
    return batch ? run_batch(cli, &o, batch, dir) : run_single(cli, &o, dir);
}

const ob_cli_verb ob_verb_hdr = {
    .name = "hdr",
    .usage = "IMAGES... -o DIR [--times T,... | --times-file F] [options]\n       obscura hdr --batch SCENES -o OUT [options]",
    .summary = "exposure stack -> camera response, radiance map (.hdr) and three tone-mapped images",
    .details = "Outputs: DIR/radiance.hdr (or .exr / .pfm by --format), response.csv (z, g_r, g_g, g_b),\n"
               "response.svg, global_scale.png, global_simple.png, durand.png, fused.png with --fuse, and\n"
               "summary.json (written last, with per-stage seconds and the peak memory). Exposure times come from\n"
               "--times, --times-file, the JPEGs' EXIF ExposureTime, or names like 1_1024.png (= 1/1024 s).\n"
               "With --batch, each sub-folder is a stack (times from its times.txt, EXIF or names);\n"
               "folders whose outputs are complete are skipped, and one bad scene does not stop the rest\n"
               "(the exit status is 2 when any failed). Decoding, computing and encoding of different\n"
               "scenes overlap.\n"
               "The response is Debevec-Malik's least squares with g constrained non-decreasing (an active-set\n"
               "solve of the quadratic in g's increments), from pixels sampled in every populated intensity\n"
               "band of each channel. Exposures stay 8/16-bit in memory; the merge and the tone maps stream\n"
               "over row bands, and images decode and encode in parallel.",
    .opts = opts,
    .run = run,
};
