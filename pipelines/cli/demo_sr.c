/* demo_sr.c — `obscura demo --job sr`: the seeds' super-resolution
 * experiments, reproduced with obscura's shipped nets.
 *
 *   faces x4   the third seed's 32 -> 128 face crops: bilinear, bicubic and
 *              the shipped ESPCN x4, PSNR/SSIM per face;
 *   faces x2   its 64 -> 128 ones, with ESPCN x2;
 *   srcnn x2   the first seed's x2 end-to-end net (the shipped SRCNN-style
 *              net: bicubic enlargement, then three 3x3 convolutions) against
 *              nearest and bilinear, on the same faces.
 *
 * The faces are real: dlib's example photos with their face boxes
 * (libdlib19.1's examples/faces, which .ci/setup extracts into data/dlib),
 * every box of 60 pixels or more, grown by half around its centre to take in
 * the whole head, cut square and resized to 128 x 128 (antialiased bicubic).
 * None of them was trained on (data/sr/SOURCES.md). Each experiment follows
 * the field's protocol (pipelines/ob_sr.h: LR by bicubic-aa, Y PSNR/SSIM with
 * the scale shaved) and writes its page of crops (ob_sr_report.h) into
 * DIR/faces_x4/, DIR/faces_x2/, DIR/srcnn_x2/; DIR/report.json holds every
 * figure and whether the CNN won on the mean. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "demo.h"
#include "ob_atomic_file.h"
#include "ob_dataset.h"
#include "ob_sr.h"
#include "ob_sr_report.h"
#include "resize.h"

#ifndef OB_DLIB_FACES_DIR
#define OB_DLIB_FACES_DIR "data/dlib/usr/share/doc/libdlib19.1/examples/faces"
#endif

#define FACE 128      /* HR face side, as the seed */
#define MIN_BOX 60    /* smaller boxes would be enlarged more than 1.5x to 128 */
#define MAX_FACES 64
#define N_EXP 3
#define N_COLS 3

typedef struct {
    const char *name, *title;
    int scale;
    ob_resize_method interp[2]; /* the two baselines */
    const char *net;            /* shipped model */
} experiment;

static const experiment experiments[N_EXP] = {
    {"faces_x4", "faces 32 -> 128 (x4), third seed", 4, {OB_RESIZE_BILINEAR, OB_RESIZE_BICUBIC}, "espcn"},
    {"faces_x2", "faces 64 -> 128 (x2), third seed", 2, {OB_RESIZE_BILINEAR, OB_RESIZE_BICUBIC}, "espcn"},
    {"srcnn_x2", "x2 end-to-end net, first seed", 2, {OB_RESIZE_NEAREST, OB_RESIZE_BILINEAR}, "srcnn"},
};

typedef struct {
    int n;
    char names[MAX_FACES][64];
    ob_tensor hr[MAX_FACES];             /* (3, 128, 128) */
    ob_quality q[N_EXP][MAX_FACES][N_COLS];
    ob_quality mean[N_EXP][N_COLS];
    char cols[N_EXP][N_COLS][24];
    int wins[N_EXP];                     /* faces where the CNN has the best PSNR */
    const char *source;
    const char *backend;
} demo_state;

/* One face: the box grown by half, square, clamped into the photo, resized to
 * FACE x FACE. */
static ob_status cut_face(ob_tensor *out, const ob_tensor *img, const float box[4])
{
    const int h = (int)img->shape[1], w = (int)img->shape[2];
    int side = (int)lroundf(1.5f * fmaxf(box[2], box[3]));
    side = side < h ? side : h;
    side = side < w ? side : w;
    int x0 = (int)lroundf(box[0] + box[2] / 2 - side / 2.0f), y0 = (int)lroundf(box[1] + box[3] / 2 - side / 2.0f);
    x0 = x0 < 0 ? 0 : x0 + side > w ? w - side : x0;
    y0 = y0 < 0 ? 0 : y0 + side > h ? h - side : y0;
    ob_tensor crop = {0};
    OB_TRY(ob_sr_crop(&crop, img, y0, x0, side));
    const int64_t shape[3] = {3, FACE, FACE};
    ob_status s = ob_tensor_alloc(out, OB_F32, OB_HOST, 3, shape);
    if (s == OB_OK)
        s = ob_resize_cpu(ob_tensor_f32(out), ob_tensor_f32(&crop), 3, side, side, FACE, FACE,
                          side > FACE ? OB_RESIZE_BICUBIC_AA : OB_RESIZE_BICUBIC);
    for (int64_t i = 0; s == OB_OK && i < 3 * FACE * FACE; i++)
        ob_tensor_f32(out)[i] = fminf(1.0f, fmaxf(0.0f, ob_tensor_f32(out)[i]));
    ob_tensor_free(&crop);
    return s;
}

static ob_status load_faces(demo_state *st, const char *xml)
{
    const ob_dataset_opts opts = {.channels = 3};
    ob_dataset *ds = NULL;
    OB_TRY(ob_dataset_open_dlib_xml(&ds, xml, &opts));
    ob_status s = OB_OK;
    for (int64_t i = 0; s == OB_OK && i < ds->n && st->n < MAX_FACES; i++) {
        ob_sample smp = {0};
        s = ob_dataset_get(ds, &smp, i);
        if (s == OB_OK && smp.has_box && fmaxf(smp.box[2], smp.box[3]) >= MIN_BOX) {
            const char *path = ob_dataset_sample_path(ds, i), *base = strrchr(path, '/');
            base = base ? base + 1 : path;
            char stem[48];
            snprintf(stem, sizeof stem, "%.*s_", (int)strcspn(base, "."), base);
            int same = 0; /* faces of one photo are numbered */
            for (int k = 0; k < st->n; k++) same += !strncmp(st->names[k], stem, strlen(stem));
            snprintf(st->names[st->n], sizeof st->names[0], "%s%d.png", stem, same + 1);
            s = cut_face(&st->hr[st->n], &smp.image, smp.box);
            if (s == OB_OK) st->n++;
        }
        ob_sample_free(&smp);
    }
    ob_dataset_close(ds);
    return s;
}

/* Experiment e on every face with its net (loaded by the caller): scores and,
 * for the page, each enlargement. */
static int run_experiment(demo_state *st, ob_ctx *ctx, int e, const ob_sr_upscaler *net, const char *dir)
{
    const experiment *x = &experiments[e];
    ob_sr_upscaler u[N_COLS];
    for (int c = 0; c < 2; c++) ob_sr_interp(&u[c], x->interp[c], x->scale);
    u[2] = *net;
    int rc = 0;
    ob_tensor *crops = calloc((size_t)st->n * (N_COLS + 1), sizeof *crops);
    if (!crops) rc = ob_cli_error("out of memory");
    for (int c = 0; c < N_COLS; c++) snprintf(st->cols[e][c], sizeof st->cols[e][c], "%s", u[c].model);
    for (int i = 0; !rc && i < st->n; i++) {
        ob_tensor *slot = &crops[(size_t)i * (N_COLS + 1)];
        int best = 0;
        if (ob_tensor_clone_to(&slot[0], &st->hr[i], OB_HOST) != OB_OK) rc = ob_cli_error("%s", ob_last_error());
        for (int c = 0; !rc && c < N_COLS; c++) {
            if (ob_sr_evaluate(ctx, &u[c], &st->q[e][i][c], &slot[c + 1], &st->hr[i]) != OB_OK)
                rc = ob_cli_error("demo: %s: %s", st->names[i], ob_last_error());
            if (st->q[e][i][c].psnr > st->q[e][i][best].psnr) best = c;
        }
        st->wins[e] += best == N_COLS - 1;
    }
    /* st->q[e] is n x N_COLS row-major: the report's table as it stands */
    ob_sr_quality_mean(st->mean[e], &st->q[e][0][0], st->n, N_COLS);
    if (!rc) {
        char sub[4096];
        const char *names[MAX_FACES];
        for (int i = 0; i < st->n; i++) names[i] = st->names[i];
        ob_sr_report rep = {.scale = x->scale, .n_images = st->n, .n_methods = N_COLS, .images = names,
                            .q = &st->q[e][0][0], .crops = crops, .title = x->title};
        for (int c = 0; c < N_COLS; c++) rep.methods[c] = st->cols[e][c];
        snprintf(sub, sizeof sub, "%s/%s", dir, x->name);
        if (ob_sr_report_write(sub, &rep) != OB_OK) rc = ob_cli_error("demo: %s", ob_last_error());
    }
    for (int i = 0; crops && i < st->n * (N_COLS + 1); i++) ob_tensor_free(&crops[i]);
    free(crops);
    return rc;
}

static int cnn_wins(const demo_state *st, int e)
{
    const ob_quality *m = st->mean[e];
    return m[2].psnr > m[0].psnr && m[2].psnr > m[1].psnr && m[2].ssim > m[0].ssim && m[2].ssim > m[1].ssim;
}

static void json_quality(FILE *f, ob_quality q)
{
    fprintf(f, "{\"psnr\": ");
    ob_json_number(f, q.psnr);
    fprintf(f, ", \"ssim\": ");
    ob_json_number(f, q.ssim);
    fprintf(f, "}");
}

static ob_status write_json(FILE *f, void *user)
{
    const demo_state *st = user;
    fprintf(f, "{\n  \"source\": ");
    ob_json_string(f, st->source);
    fprintf(f, ",\n  \"faces\": %d, \"face_size\": %d, \"backend\": \"%s\",\n  \"experiments\": [\n", st->n, FACE,
            st->backend);
    for (int e = 0; e < N_EXP; e++) {
        fprintf(f, "    {\"name\": \"%s\", \"title\": \"%s\", \"scale\": %d, \"methods\": [", experiments[e].name,
                experiments[e].title, experiments[e].scale);
        for (int c = 0; c < N_COLS; c++) fprintf(f, "%s\"%s\"", c ? ", " : "", st->cols[e][c]);
        fprintf(f, "],\n     \"cnn_wins\": %s, \"cnn_best_faces\": %d, \"mean\": {", cnn_wins(st, e) ? "true" : "false",
                st->wins[e]);
        for (int c = 0; c < N_COLS; c++) {
            fprintf(f, "%s\"%s\": ", c ? ", " : "", st->cols[e][c]);
            json_quality(f, st->mean[e][c]);
        }
        fprintf(f, "},\n     \"images\": [");
        for (int i = 0; i < st->n; i++) {
            fprintf(f, "%s\n       {\"image\": ", i ? "," : "");
            ob_json_string(f, st->names[i]);
            for (int c = 0; c < N_COLS; c++) {
                fprintf(f, ", \"%s\": ", st->cols[e][c]);
                json_quality(f, st->q[e][i][c]);
            }
            fprintf(f, "}");
        }
        fprintf(f, "]}%s\n", e + 1 < N_EXP ? "," : "");
    }
    fprintf(f, "  ]\n}\n");
    return ferror(f) ? OB_FAIL(OB_ERR_IO, "write error") : OB_OK;
}

static void print_tables(const demo_state *st, const char *dir)
{
    printf("obscura demo --job sr: %d real faces (%s), %dx%d, Y PSNR (dB) / SSIM\n", st->n, st->source, FACE, FACE);
    for (int e = 0; e < N_EXP; e++) {
        printf("\n%s\n%-26s", experiments[e].title, "face");
        for (int c = 0; c < N_COLS; c++) printf(" %17s", st->cols[e][c]);
        printf("\n");
        for (int i = 0; i <= st->n; i++) {
            const ob_quality *q = i < st->n ? st->q[e][i] : st->mean[e];
            printf("%-26.26s", i < st->n ? st->names[i] : "mean");
            for (int c = 0; c < N_COLS; c++) printf("   %6.2f / %.4f", q[c].psnr, q[c].ssim);
            printf("\n");
        }
        printf("%s %s on the mean (%+.2f dB over %s), best on %d of %d faces\n", st->cols[e][2],
               cnn_wins(st, e) ? "wins" : "does NOT win", st->mean[e][2].psnr - fmax(st->mean[e][0].psnr, st->mean[e][1].psnr),
               st->mean[e][1].psnr > st->mean[e][0].psnr ? st->cols[e][1] : st->cols[e][0], st->wins[e], st->n);
    }
    printf("\npages:  %s/{faces_x4,faces_x2,srcnn_x2}/index.html\nreport: %s/report.json\n", dir, dir);
}

int ob_demo_sr(ob_cli *cli, const char *dir)
{
    static demo_state st; /* large: the per-face tables */
    memset(&st, 0, sizeof st);
    const char *faces = ob_cli_get(cli, "--faces");
    char xml[2][4096];
    int n_xml = 0;
    if (faces) {
        snprintf(xml[n_xml++], sizeof xml[0], "%s", faces);
    } else {
        const char *dirs[2] = {OB_DLIB_FACES_DIR, "/usr/share/doc/libdlib19.1/examples/faces"};
        for (int d = 0; d < 2 && !n_xml; d++) {
            snprintf(xml[0], sizeof xml[0], "%s/training_with_face_landmarks.xml", dirs[d]);
            snprintf(xml[1], sizeof xml[1], "%s/testing_with_face_landmarks.xml", dirs[d]);
            if (access(xml[0], R_OK) == 0 && access(xml[1], R_OK) == 0) n_xml = 2;
        }
        if (!n_xml)
            return ob_cli_error("demo --job sr: dlib's example faces are not installed (looked in %s and "
                                "/usr/share/doc/libdlib19.1/examples/faces; .ci/setup extracts them), or pass "
                                "--faces XML",
                                OB_DLIB_FACES_DIR);
    }
    st.source = faces ? faces : "dlib example faces";
    for (int k = 0; k < n_xml; k++)
        if (load_faces(&st, xml[k]) != OB_OK) return ob_cli_error("--faces: %s", ob_last_error());
    if (st.n == 0) return ob_cli_error("--faces: no face box of %d pixels or more in %s", MIN_BOX, xml[0]);
    ob_ctx *ctx = NULL;
    int rc = ob_cli_make_ctx(cli, &ctx);
    if (!rc) st.backend = ob_backend_name(ob_ctx_backend(ctx));
    ob_sr_upscaler nets[N_EXP];
    memset(nets, 0, sizeof nets);
    for (int e = 0; !rc && e < N_EXP; e++) /* every net there before any page is written */
        if (ob_sr_load_shipped(&nets[e], ctx, experiments[e].net, experiments[e].scale) != OB_OK)
            rc = ob_cli_error("demo: %s", ob_last_error());
    for (int e = 0; !rc && e < N_EXP; e++) rc = run_experiment(&st, ctx, e, &nets[e], dir);
    for (int e = 0; e < N_EXP; e++) ob_sr_release(&nets[e]);
    char path[4096];
    snprintf(path, sizeof path, "%s/report.json", dir);
    if (!rc && ob_atomic_write(path, write_json, &st) != OB_OK) rc = ob_cli_fail_status(path);
    if (!rc && cli->json) write_json(stdout, &st);
    else if (!rc && !cli->quiet) print_tables(&st, dir);
    for (int i = 0; i < st.n; i++) ob_tensor_free(&st.hr[i]);
    ob_ctx_destroy(ctx);
    return rc;
}
