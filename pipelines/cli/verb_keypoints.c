/* verb_keypoints.c — `obscura train keypoints`, `obscura eval keypoints` and
 * `obscura keypoints detect`: the first seed's facial-keypoint nets trained,
 * scored by the field's measures and run on photos (nets/ob_keypoint_data.h,
 * pipelines/ob_keypoints.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ob_atomic_file.h"
#include "ob_checkpoint.h"
#include "ob_image_io.h"
#include "ob_keypoints.h"
#include "ob_keypoints_report.h"
#include "ob_log.h"
#include "ob_loss.h"
#include "ob_zoo.h"

/* ---- shared: opening a landmark set as the net sees it ---------------------- */

static int parse_crop(ob_kp_crop_kind *crop, const char *v)
{
    for (int i = 0; i < 4; i++)
        if (!strcmp(v, ob_kp_crop_names[i])) {
            *crop = (ob_kp_crop_kind)i;
            return 0;
        }
    return ob_cli_error("--crop: '%s' is not auto, box, landmarks or none", v);
}

/* The landmark set at `path` (split 0 train / 1 test) as the net's samples. */
static int open_kp_set(ob_dataset **kp, const char *path, int split, const ob_kp_net_info *in, int augment,
                       float flip_p, const char *what)
{
    const ob_dataset_opts o = {.channels = in->c};
    ob_dataset *base = NULL;
    int rc = 0;
    if (ob_dataset_open_path(&base, path, split, &o) != OB_OK) rc = ob_cli_error("%s: %s", what, ob_last_error());
    else if (base->n_keypoints < 1)
        rc = ob_cli_error("%s %s: no landmarks (keypoints need .pts, .asf or dlib XML files)", what, path);
    const ob_kp_data_cfg kc = {.width = in->w, .height = in->h, .channels = in->c, .keypoints = in->k,
                               .crop = in->crop, .margin = in->margin, .augment = augment, .flip_p = flip_p,
                               .heatmaps = in->heatmaps};
    if (!rc && ob_kp_data_open(kp, base, &kc) != OB_OK) rc = ob_cli_error("%s: %s", what, ob_last_error());
    ob_dataset_close(base);
    return rc;
}

/* ---- evaluation over a set ------------------------------------------------------ */

typedef struct {
    int64_t n;
    int k, w, h;
    ob_kp_error *err, *base; /* per image: the net, the mean shape */
    float *pred, *truth;     /* (n, K, 2) crop pixels */
    ob_kp_error mean, base_mean;
} kp_scores;

static void scores_free(kp_scores *s)
{
    free(s->err), free(s->base), free(s->pred), free(s->truth);
    memset(s, 0, sizeof *s);
}

static void mean_errors(ob_kp_error *m, const ob_kp_error *e, int64_t n)
{
    *m = (ob_kp_error){0};
    for (int64_t i = 0; i < n; i++) m->nmse += e[i].nmse / n, m->mae_px += e[i].mae_px / n, m->nme += e[i].nme / n;
}

static ob_status evaluate(kp_scores *sc, ob_ctx *ctx, ob_kp_net *net, const ob_dataset *ds)
{
    const ob_kp_net_info *in = &net->info;
    const int k = in->k, B = 16;
    memset(sc, 0, sizeof *sc);
    sc->n = ds->n, sc->k = k, sc->w = in->w, sc->h = in->h;
    sc->err = calloc((size_t)ds->n, sizeof *sc->err), sc->base = calloc((size_t)ds->n, sizeof *sc->base);
    sc->pred = malloc((size_t)ds->n * k * 2 * sizeof(float)), sc->truth = malloc((size_t)ds->n * k * 2 * sizeof(float));
    if (!sc->err || !sc->base || !sc->pred || !sc->truth) return OB_FAIL(OB_ERR_NOMEM, "out of memory");
    float *base_px = malloc((size_t)k * 2 * sizeof *base_px);
    if (!base_px) return OB_FAIL(OB_ERR_NOMEM, "out of memory");
    if (in->mean_shape) ob_kp_denormalize(base_px, in->mean_shape, k, in->w, in->h);
    ob_status s = OB_OK;
    ob_tensor x = {0};
    const int64_t plane = (int64_t)in->c * in->h * in->w;
    for (int64_t i0 = 0; s == OB_OK && i0 < ds->n; i0 += B) {
        const int64_t nb = ds->n - i0 < B ? ds->n - i0 : B;
        s = ob_tensor_ensure(&x, OB_F32, OB_HOST, 4, (const int64_t[4]){nb, in->c, in->h, in->w});
        for (int64_t b = 0; s == OB_OK && b < nb; b++) {
            ob_sample smp = {0};
            s = ob_dataset_get(ds, &smp, i0 + b);
            if (s != OB_OK) break;
            memcpy(ob_tensor_f32(&x) + b * plane, smp.image.data, (size_t)plane * sizeof(float));
            memcpy(sc->truth + (i0 + b) * k * 2, smp.kp, (size_t)k * 2 * sizeof(float));
            ob_sample_free(&smp);
        }
        if (s == OB_OK) s = ob_kp_predict(ctx, net, sc->pred + i0 * k * 2, &x, NULL);
    }
    for (int64_t i = 0; s == OB_OK && i < ds->n; i++) {
        ob_kp_errors(&sc->err[i], sc->pred + i * k * 2, sc->truth + i * k * 2, k, in->w, in->h);
        if (in->mean_shape) ob_kp_errors(&sc->base[i], base_px, sc->truth + i * k * 2, k, in->w, in->h);
        else sc->base[i] = (ob_kp_error){NAN, NAN, NAN};
    }
    mean_errors(&sc->mean, sc->err, sc->n);
    mean_errors(&sc->base_mean, sc->base, sc->n);
    ob_tensor_free(&x);
    free(base_px);
    return s;
}

/* "nmse": ..., "mae_px": ..., "nme": ... (null where not defined) */
static void print_error_json(const ob_kp_error *e)
{
    printf("\"nmse\": ");
    ob_json_number(stdout, e->nmse);
    printf(", \"mae_px\": ");
    ob_json_number(stdout, e->mae_px);
    printf(", \"nme\": ");
    ob_json_number(stdout, e->nme);
}

static void print_scores_json(const kp_scores *sc, const ob_dataset *ds, const char *model, int per_image)
{
    printf("{\"model\": \"%s\", \"images\": %lld, \"keypoints\": %d, \"crop\": [%d, %d], ", model,
           (long long)sc->n, sc->k, sc->w, sc->h);
    print_error_json(&sc->mean);
    printf(", \"mean_shape\": {");
    print_error_json(&sc->base_mean);
    printf("}");
    if (per_image) {
        printf(", \"per_image\": [");
        for (int64_t i = 0; i < sc->n; i++) {
            printf("%s{\"file\": ", i ? ", " : "");
            ob_json_string(stdout, ob_dataset_sample_path(ds, i));
            printf(", ");
            print_error_json(&sc->err[i]);
            printf("}");
        }
        printf("]");
    }
    printf("}\n");
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static void print_scores(const kp_scores *sc, const ob_dataset *ds, int per_image)
{
    if (per_image) {
        printf("%-4s %-36s %10s %8s %8s\n", "#", "image", "NMSE", "MAE px", "NME");
        for (int64_t i = 0; i < sc->n; i++)
            printf("%-4lld %-36.36s %10.5f %8.2f %8.4f\n", (long long)i, base_name(ob_dataset_sample_path(ds, i)),
                   sc->err[i].nmse, sc->err[i].mae_px, sc->err[i].nme);
        printf("\n");
    }
    printf("%-41s %10s %8s %8s\n", "mean over images", "NMSE", "MAE px", "NME");
    printf("%-41s %10.5f %8.2f %8.4f\n", "net", sc->mean.nmse, sc->mean.mae_px, sc->mean.nme);
    printf("%-41s %10.5f %8.2f %8.4f\n", "mean shape (training set)", sc->base_mean.nmse, sc->base_mean.mae_px,
           sc->base_mean.nme);
    printf("(NMSE: squared error in units of the %dx%d crop; MAE in its pixels; NME: point error over the outer eye "
           "corners' distance%s)\n",
           sc->w, sc->h, sc->k == 68 ? "" : ", 68-point faces only");
}

/* ---- train keypoints ---------------------------------------------------------- */

typedef struct {
    int heatmaps;
} kp_loss_user;

/* Regression: MSE (mean) of the 2K normalised coordinates; heatmaps: MSE with
 * sum reduction between the spatial softmax and the Gaussian targets (the seed's). */
static ob_status kp_loss(void *user, ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *pred,
                         const ob_data_batch *b)
{
    const kp_loss_user *u = user;
    OB_REQUIRE(b->targets_at_ctx, "train keypoints: the batch has no targets");
    return ob_loss_mse(ctx, loss, grad, pred, b->targets_at_ctx, u->heatmaps ? OB_REDUCE_SUM : OB_REDUCE_MEAN);
}

/* The mean normalised shape of the training crops (the baseline). */
static ob_status mean_shape(float *mean, const ob_dataset *kp, int k)
{
    double *acc = calloc((size_t)k * 2, sizeof *acc);
    float *uv = malloc((size_t)k * 2 * sizeof *uv);
    ob_status s = acc && uv ? OB_OK : OB_FAIL(OB_ERR_NOMEM, "out of memory");
    for (int64_t i = 0; s == OB_OK && i < kp->n; i++) {
        ob_sample smp = {0};
        s = ob_dataset_get(kp, &smp, i);
        if (s == OB_OK) ob_kp_normalize(uv, smp.kp, k, kp->width, kp->height);
        for (int j = 0; s == OB_OK && j < 2 * k; j++) acc[j] += uv[j];
        ob_sample_free(&smp);
    }
    for (int j = 0; s == OB_OK && j < 2 * k; j++) mean[j] = (float)(acc[j] / (double)kp->n);
    free(acc), free(uv);
    return s;
}

/* Regressors start at the baseline: the output layer's bias is the training
 * set's mean shape and its weights are scaled down 100x, so the first
 * predictions are the mean shape and training spends its steps on the
 * deviations from it (the start cascaded shape regression takes) rather than
 * on finding the mean through a noisy output. */
static ob_status start_at_mean_shape(ob_model *m, const float *mean, int k)
{
    ob_layer *out = NULL;
    for (int i = 0; i < m->n_nodes; i++)
        if (!strcmp(m->layers[i]->ops->kind, "linear")) out = m->layers[i];
    OB_REQUIRE(out, "keypoints: the regressor has no output layer");
    for (int p = 0; p < out->n_params; p++) {
        ob_param *pr = &out->params[p];
        const int bias = !strcmp(pr->name, "bias");
        ob_tensor host = {0};
        OB_TRY(ob_tensor_clone_to(&host, &pr->value, OB_HOST));
        float *v = ob_tensor_f32(&host);
        const int64_t n = ob_tensor_numel(&host);
        OB_REQUIRE(!bias || n == 2 * k, "keypoints: output bias of %lld for %d points", (long long)n, k);
        for (int64_t i = 0; i < n; i++) v[i] = bias ? mean[i] : 0.01f * v[i];
        ob_status s = ob_tensor_copy(&pr->value, &host);
        ob_tensor_free(&host);
        OB_TRY(s);
    }
    return OB_OK;
}

static int check_resume(const char *dir, const ob_kp_net_info *in)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    ob_checkpoint_meta meta = {0};
    if (ob_checkpoint_load(path, NULL, 0, &meta) != OB_OK) return ob_cli_error("--resume: %s", ob_last_error());
    const char *task = ob_checkpoint_meta_get(&meta, "task"), *model = ob_checkpoint_meta_get(&meta, "model");
    const char *k = ob_checkpoint_meta_get(&meta, "keypoints"), *input = ob_checkpoint_meta_get(&meta, "input");
    char want_k[16], want_in[64];
    snprintf(want_k, sizeof want_k, "%d", in->k);
    snprintf(want_in, sizeof want_in, "%dx%dx%d", in->c, in->h, in->w);
    int rc = 0;
    if (!task || strcmp(task, "keypoints") || !model || !k || !input)
        rc = ob_cli_error("--resume %s: not a train keypoints run", path);
    else if (strcmp(model, in->model) || strcmp(k, want_k) || strcmp(input, want_in))
        rc = ob_cli_error("--resume %s: the run is %s with %s points on %s; this command asks for %s with %d on %s",
                          path, model, k, input, in->model, in->k, want_in);
    ob_checkpoint_meta_free(&meta);
    return rc;
}

/* The options train keypoints adds to train's common ones; in <- the net. */
static int parse_kp(const ob_cli *cli, ob_kp_net_info *in, float *flip_p)
{
    const char *v;
    memset(in, 0, sizeof *in);
    v = ob_cli_get(cli, "--model");
    snprintf(in->model, sizeof in->model, "%s", v ? v : "face");
    if (!ob_zoo_is_keypoint_net(in->model))
        return ob_cli_error("--model: '%s' is not a keypoint net (nose, face, resnet18, resnet50, unet)", in->model);
    ob_zoo_opts zo = {0};
    if ((v = ob_cli_get(cli, "--input"))) {
        char tail;
        if (sscanf(v, "%dx%dx%d%c", &zo.in_channels, &zo.height, &zo.width, &tail) != 3 ||
            (zo.in_channels != 1 && zo.in_channels != 3))
            return ob_cli_error("--input: '%s' is not CxHxW with C 1 (gray) or 3 (RGB)", v);
    }
    if ((v = ob_cli_get(cli, "--features")) && ob_cli_parse_int(&zo.features, v, "--features", 1, 1024))
        return OB_CLI_EXIT_ERROR;
    int64_t shape[4];
    if (ob_zoo_input_shape(shape, in->model, &zo) != OB_OK) return ob_cli_error("%s", ob_last_error());
    in->c = (int)shape[1], in->h = (int)shape[2], in->w = (int)shape[3];
    in->features = strcmp(in->model, "unet") == 0 ? (zo.features ? zo.features : 128) : 0;
    in->heatmaps = strcmp(in->model, "unet") == 0;
    in->crop = OB_KP_CROP_AUTO, in->margin = 0.1f;
    if ((v = ob_cli_get(cli, "--crop")) && parse_crop(&in->crop, v)) return OB_CLI_EXIT_ERROR;
    double d;
    if ((v = ob_cli_get(cli, "--margin"))) {
        if (ob_cli_parse_double(&d, v, "--margin")) return OB_CLI_EXIT_ERROR;
        if (!(d >= 0 && d <= 2)) return ob_cli_error("--margin: %g outside 0..2", d);
        in->margin = (float)d;
    }
    if (in->crop == OB_KP_CROP_NONE) in->margin = 0;
    *flip_p = 0;
    if ((v = ob_cli_get(cli, "--flip"))) {
        if (ob_cli_parse_double(&d, v, "--flip")) return OB_CLI_EXIT_ERROR;
        if (!(d >= 0 && d <= 1)) return ob_cli_error("--flip: probability %g outside 0..1", d);
        *flip_p = (float)d;
    }
    return 0;
}

static void print_train_json(const train_job *j, const ob_kp_net_info *in, const ob_train_result *r,
                             const kp_scores *sc, const char *backend)
{
    const int e = r->epochs_done - 1;
    printf("{\"run_dir\": ");
    ob_json_string(stdout, j->cfg.run_dir);
    printf(", \"model\": \"%s\", \"keypoints\": %d, \"epochs\": %d, \"train_loss\": ", in->model, in->k,
           r->epochs_done);
    ob_json_number(stdout, e >= 0 ? r->train_loss[e] : NAN);
    printf(", \"val_loss\": ");
    ob_json_number(stdout, e >= 0 ? r->val_loss[e] : NAN);
    printf(", \"val_nme\": ");
    ob_json_number(stdout, sc ? sc->mean.nme : NAN);
    printf(", \"val_nmse\": ");
    ob_json_number(stdout, sc ? sc->mean.nmse : NAN);
    printf(", \"mean_shape_nme\": ");
    ob_json_number(stdout, sc ? sc->base_mean.nme : NAN);
    printf(", \"mean_shape_nmse\": ");
    ob_json_number(stdout, sc ? sc->base_mean.nmse : NAN);
    printf(", \"seconds\": %.3f, \"images_per_s\": %.1f, \"backend\": \"%s\"}\n", r->total_seconds, r->images_per_s,
           backend);
}

int ob_cli_train_keypoints(ob_cli *cli)
{
    train_job j;
    ob_kp_net_info in;
    float flip_p;
    int rc = ob_cli_parse_train(cli, &j, "keypoints");
    if (!rc) rc = parse_kp(cli, &in, &flip_p);
    if (rc) return rc;
    if (!ob_cli_get(cli, "--batch")) j.cfg.batch_size = 16;
    const char *val_path = ob_cli_get(cli, "--val-data");
    ob_dataset *kp = NULL, *vkp = NULL, *train = NULL, *val = NULL;
    ob_dataset *kp_plain = NULL; /* the training crops without augmentation */
    ob_ctx *ctx = NULL;
    ob_model *m = NULL;
    int64_t *idx = NULL;
    char *meta = NULL;
    kp_scores sc = {0};
    int scored = 0;
    static ob_train_result r; /* large */
    if ((rc = open_kp_set(&kp, j.data, 0, &in, j.augment, flip_p, "--data"))) goto done;
    in.k = kp->n_keypoints;
    if (j.cfg.resume_dir && (rc = check_resume(j.cfg.resume_dir, &in))) goto done; /* the same task: model, K, input */
    if (ob_kp_data_plain(&kp_plain, kp) != OB_OK) {
        rc = ob_cli_error("%s", ob_last_error());
        goto done;
    }
    train = kp;
    if (val_path && j.validate) {
        if ((rc = open_kp_set(&vkp, val_path, 1, &in, 0, 0, "--val-data"))) goto done;
        val = vkp;
    } else if (j.validate && kp->n >= 10) { /* hold out the last tenth */
        const int64_t nv = kp->n / 10, nt = kp->n - nv;
        idx = malloc(sizeof *idx * (size_t)kp->n);
        if (!idx) {
            rc = ob_cli_error("out of memory");
            goto done;
        }
        for (int64_t i = 0; i < kp->n; i++) idx[i] = i;
        if (ob_dataset_subset(&train, kp, idx, nt) != OB_OK || ob_dataset_subset(&val, kp_plain, idx + nt, nv) != OB_OK) {
            rc = ob_cli_error("--data: %s", ob_last_error());
            goto done;
        }
    }
    if (j.limit > 0 && j.limit < train->n) {
        if (!idx && !(idx = malloc(sizeof *idx * (size_t)kp->n))) {
            rc = ob_cli_error("out of memory");
            goto done;
        }
        for (int64_t i = 0; i < j.limit; i++) idx[i] = i;
        ob_dataset *lim = NULL;
        if (ob_dataset_subset(&lim, kp, idx, j.limit) != OB_OK) {
            rc = ob_cli_error("--limit: %s", ob_last_error());
            goto done;
        }
        if (train != kp) ob_dataset_close(train);
        train = lim;
    }
    in.mean_shape = malloc((size_t)in.k * 2 * sizeof *in.mean_shape);
    if (!in.mean_shape || mean_shape(in.mean_shape, train, in.k) != OB_OK) { /* plain crops: get, not get_keyed */
        rc = ob_cli_error("--data: %s", in.mean_shape ? ob_last_error() : "out of memory");
        goto done;
    }
    if ((rc = ob_cli_make_ctx(cli, &ctx))) goto done;
    const ob_zoo_opts zo = {.in_channels = in.c, .height = in.h, .width = in.w, .keypoints = in.k,
                            .features = in.features};
    if (ob_zoo_build(&m, in.model, &zo) != OB_OK || ob_model_alloc_params(m, ob_ctx_location(ctx)) != OB_OK ||
        ob_zoo_init_he(m, j.cfg.seed) != OB_OK ||
        (!in.heatmaps && start_at_mean_shape(m, in.mean_shape, in.k) != OB_OK) || ob_kp_net_metadata(&meta, &in) != OB_OK) {
        rc = ob_cli_error("%s: %s", in.model, ob_last_error());
        goto done;
    }
    kp_loss_user lu = {.heatmaps = in.heatmaps};
    j.cfg.metadata = meta, j.cfg.loss = kp_loss, j.cfg.loss_user = &lu;
    j.cfg.normalize = 1; /* the seed's im/255 - 0.5 */
    for (int c = 0; c < 4; c++) j.cfg.mean[c] = 0.5f, j.cfg.std[c] = 1.0f;
    if (!j.cfg.quiet)
        ob_log_info("%s on %d-point faces, input %dx%dx%d (crop %s, margin %.2f): %lld training faces%s, %lld "
                    "validation",
                    in.model, in.k, in.c, in.h, in.w, ob_kp_crop_names[in.crop], in.margin, (long long)train->n,
                    j.augment ? " (augmented)" : "", (long long)(val ? val->n : 0));
    if ((rc = ob_cli_make_dir(j.cfg.run_dir))) goto done;
    if (ob_train(ctx, m, train, val, &j.cfg, &r) != OB_OK) {
        rc = ob_cli_error("%s", ob_last_error());
        goto done;
    }
    ob_kp_net net = {.m = m, .info = in};
    if (val && evaluate(&sc, ctx, &net, val) != OB_OK) {
        rc = ob_cli_error("validation: %s", ob_last_error());
        goto done;
    }
    scored = val != NULL;
    if (cli->json) print_train_json(&j, &in, &r, scored ? &sc : NULL, ob_backend_name(ob_ctx_backend(ctx)));
    else if (!cli->quiet) {
        printf("trained %s %d epochs in %.1f s (%.0f faces/s on %s) -> %s/\n", in.model, r.epochs_done,
               r.total_seconds, r.images_per_s, ob_backend_name(ob_ctx_backend(ctx)), j.cfg.run_dir);
        if (scored) print_scores(&sc, val, 0);
    }
done:
    scores_free(&sc);
    free(meta);
    free(in.mean_shape);
    free(idx);
    ob_model_destroy(m);
    ob_ctx_destroy(ctx);
    if (train && train != kp) ob_dataset_close(train);
    if (val && val != vkp) ob_dataset_close(val);
    ob_dataset_close(kp_plain);
    ob_dataset_close(kp);
    ob_dataset_close(vkp);
    return rc;
}

/* ---- eval keypoints ----------------------------------------------------------- */

static ob_status copy_cb(FILE *f, void *user)
{
    FILE *in = user;
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, f) != n) return OB_FAIL(OB_ERR_IO, "write failed");
    return OB_OK;
}

/* dir/<name> <- the run's loss.svg beside the checkpoint, when there is one. */
static int copy_loss_svg(const char *ckpt, const char *dir, const char *name)
{
    char from[4096], to[4096];
    const char *slash = strrchr(ckpt, '/');
    snprintf(from, sizeof from, "%.*s%sloss.svg", slash ? (int)(slash - ckpt) : 0, ckpt, slash ? "/" : "");
    FILE *in = fopen(from, "rb");
    if (!in) return 0;
    snprintf(to, sizeof to, "%s/%s", dir, name);
    const ob_status s = ob_atomic_write(to, copy_cb, in);
    fclose(in);
    return s == OB_OK;
}

/* The first convolution's weight (O, C, k, k), or NULL. */
static const ob_tensor *first_conv_weight(const ob_model *m)
{
    for (int i = 0; i < m->n_nodes; i++)
        for (int p = 0; p < m->layers[i]->n_params; p++) {
            const ob_param *pr = &m->layers[i]->params[p];
            if (!strcmp(pr->name, "weight") && pr->value.ndim == 4) return &pr->value;
        }
    return NULL;
}

static double rank_key(const ob_kp_error *e)
{
    return isfinite(e->nme) ? e->nme : e->nmse;
}

static int write_report(const char *dir, const char *ckpt, const char *data, ob_kp_net *net, const kp_scores *sc,
                        const ob_dataset *ds)
{
    if (ob_cli_make_dir(dir)) return OB_CLI_EXIT_ERROR;
    const int64_t n = sc->n;
    int64_t *order = malloc((size_t)n * sizeof *order), shown[8];
    const char **names = malloc((size_t)n * sizeof *names);
    char files[8][64];
    const char *overlays[8];
    if (!order || !names) {
        free(order), free(names);
        return ob_cli_error("out of memory");
    }
    for (int64_t i = 0; i < n; i++) order[i] = i, names[i] = base_name(ob_dataset_sample_path(ds, i));
    for (int64_t i = 1; i < n; i++) /* insertion sort by error, best first */
        for (int64_t j = i; j > 0 && rank_key(&sc->err[order[j]]) < rank_key(&sc->err[order[j - 1]]); j--) {
            const int64_t t = order[j];
            order[j] = order[j - 1], order[j - 1] = t;
        }
    const int nb = n < 8 ? (int)(n + 1) / 2 : 4, nw = n < 8 ? (int)(n / 2) : 4;
    int rc = 0;
    const int scale = (256 + sc->w - 1) / sc->w > 1 ? (256 + sc->w - 1) / sc->w : 1;
    for (int i = 0; i < nb + nw && !rc; i++) {
        const int64_t im = i < nb ? order[i] : order[n - 1 - (i - nb)]; /* worst first */
        shown[i] = im;
        snprintf(files[i], sizeof files[i], "%s_%d.png", i < nb ? "best" : "worst", i < nb ? i : i - nb);
        overlays[i] = files[i];
        ob_sample smp = {0};
        ob_tensor rgb = {0};
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if (ob_dataset_get(ds, &smp, im) != OB_OK ||
            ob_kp_overlay(&rgb, &smp.image, sc->pred + im * sc->k * 2, sc->truth + im * sc->k * 2, sc->k, scale) !=
                OB_OK ||
            ob_image_write(path, &rgb, OB_FMT_PNG, 8) != OB_OK)
            rc = ob_cli_error("--html: %s", ob_last_error());
        ob_tensor_free(&rgb);
        ob_sample_free(&smp);
    }
    const ob_tensor *w = first_conv_weight(net->m);
    const char *filters = NULL;
    if (!rc && w) {
        ob_tensor img = {0};
        char path[4096];
        snprintf(path, sizeof path, "%s/filters.png", dir);
        if (ob_kp_filters_image(&img, w, 24) != OB_OK || ob_image_write(path, &img, OB_FMT_PNG, 8) != OB_OK)
            rc = ob_cli_error("--html: %s", ob_last_error());
        filters = "filters.png";
        ob_tensor_free(&img);
    }
    const ob_kp_report r = {.model = net->info.model, .checkpoint = ckpt, .data = data, .k = sc->k, .w = sc->w,
                            .h = sc->h, .n = n, .names = names, .err = sc->err, .mean = sc->mean,
                            .base = sc->base_mean, .shown = shown, .n_best = nb, .n_worst = nw,
                            .overlays = overlays, .loss_svg = copy_loss_svg(ckpt, dir, "loss.svg") ? "loss.svg" : NULL,
                            .filters_png = filters};
    if (!rc && ob_kp_report_write(dir, &r) != OB_OK) rc = ob_cli_error("--html: %s", ob_last_error());
    free(order), free(names);
    return rc;
}

int ob_cli_eval_keypoints(ob_cli *cli)
{
    const char *data = ob_cli_get(cli, "--data"), *ckpt = ob_cli_get(cli, "--checkpoint"), *v;
    if (!ckpt) ckpt = ob_cli_get(cli, "--model");
    if (!data || !ckpt) return ob_cli_error("eval keypoints needs --data SET and --checkpoint RUN_DIR/model.safetensors");
    int split = 1;
    if ((v = ob_cli_get(cli, "--split"))) {
        if (!strcmp(v, "train")) split = 0;
        else if (strcmp(v, "test")) return ob_cli_error("--split: '%s' is not train or test", v);
    }
    ob_ctx *ctx = NULL;
    ob_kp_net net = {0};
    ob_dataset *ds = NULL;
    kp_scores sc = {0};
    int rc = ob_cli_make_ctx(cli, &ctx);
    if (!rc && ob_kp_net_load(&net, ctx, ckpt) != OB_OK) rc = ob_cli_error("--checkpoint: %s", ob_last_error());
    if (!rc) rc = open_kp_set(&ds, data, split, &net.info, 0, 0, "--data");
    if (!rc && evaluate(&sc, ctx, &net, ds) != OB_OK) rc = ob_cli_error("%s", ob_last_error());
    const char *html = ob_cli_get(cli, "--html");
    if (!rc && html) rc = write_report(html, ckpt, data, &net, &sc, ds);
    if (!rc && cli->json) print_scores_json(&sc, ds, net.info.model, 1);
    else if (!rc && !cli->quiet) print_scores(&sc, ds, 1);
    if (!rc && html && !cli->json && !cli->quiet) printf("report: %s/index.html\n", html);
    scores_free(&sc);
    ob_dataset_close(ds);
    ob_kp_net_free(&net);
    ob_ctx_destroy(ctx);
    return rc;
}

/* ---- keypoints detect ------------------------------------------------------------ */

/* "x,y,w,h" or "x y w h" -> box; 1 if it is one. */
static int scan_box(float box[4], const char *text)
{
    char tail;
    return sscanf(text, "%f,%f,%f,%f%c", &box[0], &box[1], &box[2], &box[3], &tail) == 4 ||
           sscanf(text, "%f %f %f %f%c", &box[0], &box[1], &box[2], &box[3], &tail) == 4;
}

static int parse_box(float box[4], const char *text, const char *what)
{
    if (!scan_box(box, text)) return ob_cli_error("%s: '%s' is not x,y,w,h", what, text);
    if (!(box[2] >= 1 && box[3] >= 1) || !isfinite(box[0]) || !isfinite(box[1]))
        return ob_cli_error("%s: box '%s' needs a width and height of at least 1", what, text);
    return 0;
}

/* --boxes FILE: one "x,y,w,h" (or "x y w h") per image in the order given, or
 * "IMAGE x,y,w,h" lines matched by path or file name; '#' starts a comment. */
static int read_boxes(float *boxes, int *have, const char *path, const char *const *images, int n)
{
    FILE *f = fopen(path, "r");
    if (!f) return ob_cli_error("--boxes: cannot open %s", path);
    char line[4096];
    int next = 0, rc = 0, lineno = 0;
    while (!rc && fgets(line, sizeof line, f)) {
        lineno++;
        char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        p[strcspn(p, "\r\n#")] = '\0';
        if (!*p) continue;
        char what[64];
        snprintf(what, sizeof what, "--boxes %s line %d", base_name(path), lineno);
        int target = -1;
        char *sp = strpbrk(p, " \t");
        float b[4];
        if (scan_box(b, p)) { /* "x,y,w,h" or "x y w h": the next image's */
            target = next;
            rc = parse_box(b, p, what);
        } else if (sp) {
            *sp = '\0';
            for (int i = 0; i < n && target < 0; i++)
                if (!strcmp(images[i], p) || !strcmp(base_name(images[i]), p)) target = i;
            if (target < 0) {
                rc = ob_cli_error("%s: '%s' is none of the images given", what, p);
                break;
            }
            char *q = sp + 1;
            while (*q == ' ' || *q == '\t') q++;
            rc = parse_box(b, q, what);
        } else {
            rc = ob_cli_error("%s: '%s' is not x,y,w,h or IMAGE x,y,w,h", what, p);
        }
        if (rc) break;
        if (target >= n) {
            rc = ob_cli_error("%s: more boxes than the %d images given", what, n);
            break;
        }
        memcpy(boxes + 4 * target, b, sizeof b), have[target] = 1, next = target + 1;
    }
    fclose(f);
    for (int i = 0; !rc && i < n; i++)
        if (!have[i]) rc = ob_cli_error("--boxes %s: no box for %s", path, images[i]);
    return rc;
}

typedef struct {
    const float *kp;
    int k;
} pts_file;

static ob_status write_pts_cb(FILE *f, void *user)
{
    const pts_file *p = user;
    fprintf(f, "version: 1\nn_points: %d\n{\n", p->k);
    for (int j = 0; j < p->k; j++) fprintf(f, "%.3f %.3f\n", p->kp[2 * j], p->kp[2 * j + 1]);
    fprintf(f, "}\n");
    return ferror(f) ? OB_FAIL(OB_ERR_IO, "write failed") : OB_OK;
}

typedef struct {
    const char *image, *model;
    const float *kp, *box;
    int k, w, h;
} detect_json;

static ob_status write_json_cb(FILE *f, void *user)
{
    const detect_json *d = user;
    fprintf(f, "{\"image\": ");
    ob_json_string(f, d->image);
    fprintf(f, ", \"model\": \"%s\", \"width\": %d, \"height\": %d, \"box\": ", d->model, d->w, d->h);
    if (d->box) fprintf(f, "[%.3f, %.3f, %.3f, %.3f]", d->box[0], d->box[1], d->box[2], d->box[3]);
    else fprintf(f, "null");
    fprintf(f, ", \"points\": [");
    for (int j = 0; j < d->k; j++) fprintf(f, "%s[%.3f, %.3f]", j ? ", " : "", d->kp[2 * j], d->kp[2 * j + 1]);
    fprintf(f, "]}\n");
    return ferror(f) ? OB_FAIL(OB_ERR_IO, "write failed") : OB_OK;
}

/* OUT/<stem><suffix> */
static void out_path(char *buf, size_t cap, const char *dir, const char *image, const char *suffix)
{
    const char *b = base_name(image), *dot = strrchr(b, '.');
    snprintf(buf, cap, "%s/%.*s%s", dir, dot ? (int)(dot - b) : (int)strlen(b), b, suffix);
}

static int detect_one(ob_ctx *ctx, ob_kp_net *net, const char *image, const float *box, const char *dir, int heat)
{
    const ob_kp_net_info *in = &net->info;
    ob_tensor img = {0}, net_img = {0}, x = {0}, x4 = {0}, hm = {0}, rgb = {0};
    float to_image[6];
    const int k = in->k;
    float *kp = malloc((size_t)k * 2 * sizeof *kp);
    ob_image_info info;
    char path[4096];
    /* decoded once: the net's channels from a copy, the overlay on the image's own colours */
    ob_status s = kp ? ob_image_read(&img, &info, image) : OB_FAIL(OB_ERR_NOMEM, "out of memory");
    if (s == OB_OK) s = ob_tensor_clone_to(&net_img, &img, OB_HOST);
    if (s == OB_OK) s = ob_image_to_channels(&net_img, in->c);
    if (s == OB_OK) s = ob_kp_crop(&x, to_image, &net_img, box, in->margin, in->w, in->h);
    if (s == OB_OK) /* the crop (C, H, W) seen as a batch of one */
        s = ob_tensor_wrap(&x4, x.data, OB_F32, OB_HOST, 4, (const int64_t[4]){1, in->c, in->h, in->w});
    if (s == OB_OK) s = ob_kp_predict(ctx, net, kp, &x4, heat ? &hm : NULL);
    if (s == OB_OK) {
        ob_affine_points(kp, k, to_image); /* crop pixels -> the image's */
        const pts_file pts = {kp, k};
        out_path(path, sizeof path, dir, image, ".pts");
        s = ob_atomic_write(path, write_pts_cb, (void *)&pts);
    }
    if (s == OB_OK) {
        const detect_json d = {image, in->model, kp, box, k, info.width, info.height};
        out_path(path, sizeof path, dir, image, ".json");
        s = ob_atomic_write(path, write_json_cb, (void *)&d);
    }
    if (s == OB_OK) s = ob_kp_overlay(&rgb, &img, kp, NULL, k, 1);
    if (s == OB_OK) {
        out_path(path, sizeof path, dir, image, "_overlay.png");
        s = ob_image_write(path, &rgb, OB_FMT_PNG, 8);
    }
    if (s == OB_OK && heat) {
        ob_tensor_free(&rgb);
        s = ob_kp_heat_image(&rgb, &x, &hm, 0);
        if (s == OB_OK) {
            out_path(path, sizeof path, dir, image, "_heatmaps.png");
            s = ob_image_write(path, &rgb, OB_FMT_PNG, 8);
        }
    }
    ob_tensor_free(&img), ob_tensor_free(&net_img), ob_tensor_free(&x), ob_tensor_free(&x4), ob_tensor_free(&hm);
    ob_tensor_free(&rgb);
    free(kp);
    return s == OB_OK ? 0 : ob_cli_error("%s: %s", image, ob_last_error());
}

static int run_keypoints(ob_cli *cli)
{
    if (cli->n_positional < 1 || strcmp(cli->positional[0], "detect") != 0)
        return ob_cli_error("usage: obscura keypoints detect IMG... --model CKPT -o OUT_DIR [--box x,y,w,h | --boxes FILE]");
    const int n = cli->n_positional - 1;
    const char *const *images = cli->positional + 1;
    const char *ckpt = ob_cli_get(cli, "--model"), *dir = ob_cli_get(cli, "--output");
    const char *box_text = ob_cli_get(cli, "--box"), *boxes_file = ob_cli_get(cli, "--boxes");
    const int heat = ob_cli_has(cli, "--heatmaps");
    if (n < 1) return ob_cli_error("keypoints detect needs at least one image");
    if (!ckpt) return ob_cli_error("keypoints detect needs --model CKPT (a model.safetensors of train keypoints)");
    if (!dir) return ob_cli_error("keypoints detect needs -o OUT_DIR");
    if (box_text && boxes_file) return ob_cli_error("--box and --boxes: give one of them");
    float *boxes = calloc((size_t)n * 4, sizeof *boxes);
    int *have = calloc((size_t)n, sizeof *have);
    ob_ctx *ctx = NULL;
    ob_kp_net net = {0};
    int rc = boxes && have ? 0 : ob_cli_error("out of memory");
    if (!rc && box_text) {
        if (!(rc = parse_box(boxes, box_text, "--box")))
            for (int i = 0; i < n; i++) memcpy(boxes + 4 * i, boxes, 4 * sizeof *boxes), have[i] = 1;
    }
    if (!rc && boxes_file) rc = read_boxes(boxes, have, boxes_file, images, n);
    /* everything checked before OUT_DIR is made: images readable, boxes inside them */
    for (int i = 0; !rc && i < n; i++) {
        ob_image_info info;
        if (ob_image_probe(&info, images[i]) != OB_OK) rc = ob_cli_error("%s", ob_last_error());
        else if (have[i] && ob_kp_check_box(boxes + 4 * i, info.width, info.height) != OB_OK)
            rc = ob_cli_error("%s: %s", images[i], ob_last_error());
    }
    if (!rc) rc = ob_cli_make_ctx(cli, &ctx);
    if (!rc && ob_kp_net_load(&net, ctx, ckpt) != OB_OK) rc = ob_cli_error("--model: %s", ob_last_error());
    if (!rc && heat && !net.info.heatmaps)
        rc = ob_cli_error("--heatmaps: %s regresses coordinates; only unet has heatmaps", net.info.model);
    if (!rc) rc = ob_cli_make_dir(dir);
    if (!rc && cli->json) printf("{\"model\": \"%s\", \"keypoints\": %d, \"images\": [", net.info.model, net.info.k);
    for (int i = 0; !rc && i < n; i++) {
        rc = detect_one(ctx, &net, images[i], have[i] ? boxes + 4 * i : NULL, dir, heat);
        if (rc) break;
        char path[4096];
        out_path(path, sizeof path, dir, images[i], ".pts");
        if (cli->json) {
            printf("%s{\"image\": ", i ? ", " : "");
            ob_json_string(stdout, images[i]);
            printf(", \"pts\": ");
            ob_json_string(stdout, path);
            printf("}");
        } else if (!cli->quiet)
            printf("%s: %d points -> %s (+ .json, _overlay.png%s)\n", images[i], net.info.k, path,
                   heat ? ", _heatmaps.png" : "");
    }
    if (!rc && cli->json) printf("]}\n");
    free(boxes), free(have);
    ob_kp_net_free(&net);
    ob_ctx_destroy(ctx);
    return rc;
}

static const ob_cli_opt keypoints_opts[] = {
    {"--model", NULL, "CKPT", "a model.safetensors of obscura train keypoints"},
    {"--output", "-o", "OUT_DIR", "where NAME.pts, NAME.json and NAME_overlay.png go"},
    {"--box", NULL, "x,y,w,h", "the face box in every image (pixels; default: the whole image is the face crop)"},
    {"--boxes", NULL, "FILE", "one box per image: 'x,y,w,h' lines in the order given, or 'IMAGE x,y,w,h'"},
    {"--heatmaps", NULL, NULL, "unet: also NAME_heatmaps.png, the crop with the sum of its K heatmaps"},
    {0},
};

const ob_cli_verb ob_verb_keypoints = {
    .name = "keypoints",
    .usage = "detect IMG... --model CKPT -o OUT_DIR [--box x,y,w,h | --boxes FILE] [--heatmaps] [--json]",
    .summary = "find facial keypoints with a trained net: .pts, JSON and an overlay per image",
    .details = "The face is cropped as in training: the box grown by the run's margin, scaled (aspect kept) to the\n"
               "net's input and centred. Without --box or --boxes the WHOLE IMAGE is the face crop (margin 0):\n"
               "give a box unless the face fills the picture. Points come back in the image's pixels (pixel\n"
               "centres at integers), as iBUG .pts and JSON; the overlay marks them in red.",
    .opts = keypoints_opts,
    .run = run_keypoints,
};
