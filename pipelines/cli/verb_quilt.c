/* verb_quilt.c — `obscura quilt SAMPLE -o OUT` and `obscura quilt --batch DIR -o
 * OUT_DIR`: image quilting (pipelines/ob_quilt.h); also the option parsing
 * `obscura transfer` shares (quilt_args.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ob_batch.h"
#include "ob_image_io.h"
#include "ob_log.h"
#include "quilt_args.h"

static const ob_cli_opt opts[] = {
    {"--output", "-o", "OUT", "output image (.png, .jpg, .pfm, ...), written atomically; with --batch a folder"},
    {"--size", NULL, "WxH", "output size (default: twice the sample's width and height)"},
    {"--method", NULL, "M", "random | simple | cut (default cut)"},
    OB_CLI_QUILT_OPTS,
    {"--batch", NULL, "DIR", "every image in DIR (not sub-folders) is a sample; outputs OUT/<name>.png"},
    {0},
};

int ob_cli_quilt_opts(const ob_cli *cli, ob_quilt_opts *o)
{
    ob_quilt_opts_init(o);
    const char *v;
    if ((v = ob_cli_get(cli, "--patch")) && ob_cli_parse_int(&o->patch, v, "--patch", 2, 1 << 16))
        return OB_CLI_EXIT_ERROR;
    o->overlap = o->patch / 6 > 1 ? o->patch / 6 : 1;
    if ((v = ob_cli_get(cli, "--overlap")) && ob_cli_parse_int(&o->overlap, v, "--overlap", 1, 1 << 16))
        return OB_CLI_EXIT_ERROR;
    if (o->overlap >= o->patch)
        return ob_cli_error("--overlap %d must be smaller than the patch (%d)", o->overlap, o->patch);
    if ((v = ob_cli_get(cli, "--tol")) && ob_cli_parse_int(&o->tol, v, "--tol", 1, 64)) return OB_CLI_EXIT_ERROR;
    unsigned long long seed = 0;
    if ((v = ob_cli_get(cli, "--seed"))) {
        if (ob_cli_parse_seed(&seed, v, "--seed")) return OB_CLI_EXIT_ERROR;
        o->seed = seed;
    }
    return 0;
}

typedef struct {
    ob_quilt_opts opts;
    ob_quilt_method method;
    int out_w, out_h; /* 0: twice the sample */
} quilt_job;

/* The sample's output size: --size, or twice the sample. */
static void out_size(const quilt_job *q, const ob_tensor *smp, int *w, int *h)
{
    *w = q->out_w ? q->out_w : 2 * (int)smp->shape[2];
    *h = q->out_h ? q->out_h : 2 * (int)smp->shape[1];
}

static int run_single(ob_cli *cli, const quilt_job *q, const char *in, const char *out_path)
{
    if (cli->n_positional != 1) return ob_cli_error("quilt needs one SAMPLE image (got %d)", cli->n_positional);
    ob_image_format fmt;
    if (ob_image_format_from_path(&fmt, out_path) != OB_OK) return ob_cli_fail_status("-o");
    ob_tensor smp = {0}, out = {0};
    ob_image_info info;
    ob_ctx *ctx = NULL;
    int rc = 0, w = 0, h = 0;
    double ms = 0;
    if (ob_image_read(&smp, &info, in) != OB_OK) rc = ob_cli_fail_status(in);
    else if ((rc = ob_cli_make_ctx(cli, &ctx))) {
    } else {
        out_size(q, &smp, &w, &h);
        const double t0 = ob_now_seconds();
        if (ob_quilt(ctx, &out, &smp, w, h, q->method, &q->opts) != OB_OK)
            rc = ob_cli_error("quilt %s: %s", in, ob_last_error());
        ms = (ob_now_seconds() - t0) * 1e3;
        if (!rc && ob_image_write(out_path, &out, fmt, info.bit_depth == 16 ? 16 : 8) != OB_OK)
            rc = ob_cli_fail_status(out_path);
    }
    if (!rc && cli->json) {
        printf("{\"sample\": ");
        ob_json_string(stdout, in);
        printf(", \"output\": ");
        ob_json_string(stdout, out_path);
        printf(", \"size\": [%d, %d], \"method\": \"%s\", \"patch\": %d, \"overlap\": %d, \"tol\": %d, \"seed\": %llu, "
               "\"backend\": \"%s\", \"ms\": %.3f}\n",
               w, h, ob_quilt_method_name(q->method), q->opts.patch, q->opts.overlap, q->opts.tol,
               (unsigned long long)q->opts.seed, ob_backend_name(ob_ctx_backend(ctx)), ms);
    } else if (!rc && !cli->quiet) {
        printf("%s: quilt %s %dx%d, patch %d, overlap %d, tol %d (%s, %.1f ms) -> %s\n", in,
               ob_quilt_method_name(q->method), w, h, q->opts.patch, q->opts.overlap, q->opts.tol,
               ob_backend_name(ob_ctx_backend(ctx)), ms, out_path);
    }
    ob_ctx_destroy(ctx);
    ob_tensor_free(&smp), ob_tensor_free(&out);
    return rc;
}

/* ---- batch: load | quilt | save, overlapped (host/ob_batch.h) -------------- */

typedef struct {
    char name[256], in[4096], out[4096 + 300];
} sample_job;

typedef struct {
    ob_tensor smp, out;
    int bits;
} sample_data;

typedef struct {
    sample_job *jobs;
    ob_ctx *ctx;
    const quilt_job *q;
} batch_ctx;

static int is_image_name(const char *name)
{
    static const char *const ext[] = {".png", ".jpg", ".jpeg", ".pfm", ".hdr"};
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof ext / sizeof *ext; i++)
        if (!strcasecmp(dot, ext[i])) return 1;
    return 0;
}

static int cmp_job(const void *a, const void *b)
{
    return strcmp(((const sample_job *)a)->name, ((const sample_job *)b)->name);
}

/* Image files directly in `dir` (sorted by name), outputs OUT/<stem>.png. */
static int find_samples(sample_job **jobs, int *n, const char *dir, const char *out)
{
    DIR *d = opendir(dir);
    if (!d) return ob_cli_error("--batch %s: %s", dir, strerror(errno));
    int cap = 16, count = 0;
    *jobs = malloc((size_t)cap * sizeof **jobs);
    struct dirent *e;
    while (*jobs && (e = readdir(d))) {
        char p[4096];
        struct stat st;
        if (e->d_name[0] == '.' || !is_image_name(e->d_name) || strlen(e->d_name) >= 256) continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (count == cap) {
            sample_job *more = realloc(*jobs, (size_t)(cap *= 2) * sizeof **jobs);
            if (!more) break;
            *jobs = more;
        }
        sample_job *j = &(*jobs)[count++];
        snprintf(j->name, sizeof j->name, "%s", e->d_name);
        snprintf(j->in, sizeof j->in, "%s", p);
        char stem[256];
        snprintf(stem, sizeof stem, "%s", e->d_name);
        *strrchr(stem, '.') = '\0';
        snprintf(j->out, sizeof j->out, "%s/%s.png", out, stem);
    }
    closedir(d);
    if (!*jobs) return ob_cli_error("--batch %s: out of memory", dir);
    qsort(*jobs, (size_t)count, sizeof **jobs, cmp_job);
    *n = count;
    if (count == 0) return ob_cli_error("--batch %s: no images (.png, .jpg, .jpeg, .pfm, .hdr) in it", dir);
    return 0;
}

static ob_status batch_load(void *user, int item, void **data)
{
    batch_ctx *b = user;
    sample_data *s = calloc(1, sizeof *s);
    if (!s) return OB_FAIL(OB_ERR_NOMEM, "out of memory");
    *data = s;
    ob_image_info info;
    OB_TRY(ob_image_read(&s->smp, &info, b->jobs[item].in));
    s->bits = info.bit_depth == 16 ? 16 : 8;
    return OB_OK;
}

static ob_status batch_compute(void *user, int item, void *data)
{
    batch_ctx *b = user;
    sample_data *s = data;
    int w, h;
    out_size(b->q, &s->smp, &w, &h);
    return ob_quilt(b->ctx, &s->out, &s->smp, w, h, b->q->method, &b->q->opts);
}

static ob_status batch_save(void *user, int item, void *data)
{
    batch_ctx *b = user;
    sample_data *s = data;
    return ob_image_write(b->jobs[item].out, &s->out, OB_FMT_PNG, s->bits);
}

static void batch_discard(void *user, int item, void *data)
{
    sample_data *s = data;
    if (!s) return;
    ob_tensor_free(&s->smp), ob_tensor_free(&s->out);
    free(s);
}

static void print_batch(const ob_cli *cli, const sample_job *all, const int *skipped, int n_all,
                        const sample_job *todo, const ob_batch_result *res, int n_todo, int failed)
{
    if (cli->json) {
        printf("{\"samples\": [");
        for (int i = 0, k = 0; i < n_all; i++) {
            if (!skipped[i]) continue;
            printf("%s\n  {\"sample\": ", k++ ? "," : "");
            ob_json_string(stdout, all[i].name);
            printf(", \"status\": \"skipped\"}");
        }
        for (int i = 0; i < n_todo; i++) {
            printf("%s\n  {\"sample\": ", i || n_all > n_todo ? "," : "");
            ob_json_string(stdout, todo[i].name);
            printf(", \"output\": ");
            ob_json_string(stdout, todo[i].out);
            printf(", \"status\": \"%s\"", res[i].status == OB_OK ? "done" : "failed");
            if (res[i].status != OB_OK) {
                printf(", \"error\": ");
                ob_json_string(stdout, res[i].message);
            }
            printf("}");
        }
        printf("\n], \"done\": %d, \"skipped\": %d, \"failed\": %d}\n", n_todo - failed, n_all - n_todo, failed);
    } else if (!cli->quiet) {
        for (int i = 0; i < n_todo; i++)
            if (res[i].status == OB_OK)
                printf("%s: done -> %s (load %.2fs, quilt %.2fs, save %.2fs)\n", todo[i].name, todo[i].out,
                       res[i].load_s, res[i].compute_s, res[i].save_s);
        printf("quilt --batch: %d done, %d skipped (already there), %d failed\n", n_todo - failed, n_all - n_todo,
               failed);
    }
}

static int run_batch(ob_cli *cli, const quilt_job *q, const char *dir, const char *out)
{
    if (cli->n_positional) return ob_cli_error("--batch takes no SAMPLE argument");
    sample_job *all = NULL;
    int n_all = 0, rc = ob_cli_make_dir(out);
    if (rc || (rc = find_samples(&all, &n_all, dir, out))) {
        free(all);
        return rc;
    }
    /* outputs are written atomically, so one that exists is complete: skip it */
    sample_job *todo = calloc((size_t)n_all, sizeof *todo);
    int *skipped = calloc((size_t)n_all, sizeof *skipped), n_todo = 0;
    ob_batch_result *res = calloc((size_t)n_all, sizeof *res);
    if (!todo || !skipped || !res) rc = ob_cli_error("--batch: out of memory");
    for (int i = 0; !rc && i < n_all; i++) {
        struct stat st;
        if (stat(all[i].out, &st) == 0) skipped[i] = 1;
        else todo[n_todo++] = all[i];
    }
    ob_ctx *ctx = NULL;
    int failed = 0;
    if (!rc && (rc = ob_cli_make_ctx(cli, &ctx)) == 0 && n_todo > 0) {
        batch_ctx b = {todo, ctx, q};
        ob_batch_stages st = {batch_load, batch_compute, batch_save, batch_discard, &b, 2, "quilt samples"};
        if (ob_batch_run(&st, n_todo, res) != OB_OK) rc = ob_cli_error("batch: %s", ob_last_error());
    }
    for (int i = 0; !rc && i < n_todo; i++) failed += res[i].status != OB_OK;
    if (!rc) print_batch(cli, all, skipped, n_all, todo, res, n_todo, failed);
    for (int i = 0; !rc && i < n_todo; i++)
        if (res[i].status != OB_OK) ob_cli_error("sample %s: %s failed: %s", todo[i].in, res[i].stage, res[i].message);
    if (!rc && failed) rc = OB_CLI_EXIT_ERROR;
    ob_ctx_destroy(ctx);
    free(res), free(skipped), free(todo), free(all);
    return rc;
}

static int run(ob_cli *cli)
{
    const char *out = ob_cli_get(cli, "--output"), *v;
    if (!out) return ob_cli_error("quilt needs -o OUT");
    quilt_job q = {.method = OB_QUILT_CUT};
    if (ob_cli_quilt_opts(cli, &q.opts)) return OB_CLI_EXIT_ERROR;
    if ((v = ob_cli_get(cli, "--method")) && ob_quilt_method_parse(&q.method, v) != OB_OK)
        return ob_cli_error("--method: '%s' is not one of random, simple, cut", v);
    if ((v = ob_cli_get(cli, "--size")) && ob_cli_parse_size(&q.out_w, &q.out_h, v, "--size", 1 << 16))
        return OB_CLI_EXIT_ERROR;
    const char *batch = ob_cli_get(cli, "--batch");
    return batch ? run_batch(cli, &q, batch, out) : run_single(cli, &q, cli->positional[0], out);
}

const ob_cli_verb ob_verb_quilt = {
    .name = "quilt",
    .usage = "SAMPLE -o OUT [--size WxH] [--method random|simple|cut] [--patch P] [--overlap O] [--tol T] "
             "[--seed S]\n       obscura quilt --batch DIR -o OUT_DIR [options]",
    .summary = "grow a texture from a sample by image quilting (Efros & Freeman 2001)",
    .details = "Square patches of the sample are laid on a grid with step P - O. random: patches from random\n"
               "places, no overlap. simple: each patch chosen at random among the T whose overlap with what\n"
               "is already placed matches best (sum of squared differences), pasted whole. cut: the same,\n"
               "then cut along the minimum-error seam through the overlap. The last row and column of\n"
               "patches are cropped to the output size. The same seed gives the same image on any device.\n"
               "With --batch every image directly in DIR is a sample (sub-folders are ignored) and the\n"
               "result goes to OUT_DIR/<name>.png; outputs that exist are skipped (they are written\n"
               "atomically, so they are complete), and one bad sample does not stop the rest (the exit\n"
               "status is 2 when any failed). Decoding, quilting and encoding of different samples overlap.",
    .opts = opts,
    .run = run,
};
