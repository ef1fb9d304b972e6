/* verb_vae.c — `obscura train vae|cvae` (the second seed's VAE and
 * conditional VAE, with the negative ELBO's two terms, PSNR / SSIM, and
 * pictures each epoch) and `obscura generate` (samples of a trained one,
 * optionally recognised by a classifier of train classify). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ob_atomic_file.h"
#include "ob_checkpoint.h"
#include "ob_grid.h"
#include "ob_image_io.h"
#include "ob_log.h"
#include "ob_vae.h"
#include "ob_vae_data.h"
#include "ob_zoo.h"

#define GRID_IMAGES 8
#define TRAVERSAL_STEPS 11

typedef struct {
    const char *model, *data, *run_dir;
    ob_vae_info info;
    int epochs, batch; /* batch: the trainer's, so the test -ELBO is the trainer's validation loss */
    const ob_dataset *val;
    ob_vae_metrics per_epoch[OB_TRAIN_MAX_EPOCHS];
    int picture_epochs[3], n_pictures;
} vae_job;

static ob_status write_metrics_csv(FILE *f, void *user)
{
    const ob_vae_page *p = user;
    fprintf(f, "epoch,train_neg_elbo,val_recon,val_kl,val_neg_elbo,psnr,ssim\n");
    for (int e = 0; e < p->epochs_done; e++) {
        const ob_vae_metrics *m = &p->per_epoch[e];
        fprintf(f, "%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f\n", e + 1, p->train_loss[e], m->recon, m->kl, m->neg_elbo,
                m->psnr, m->ssim);
    }
    return OB_OK;
}

/* the class rows of a sample grid: every class of a CVAE (up to 10), or 8 rows of a VAE */
static int grid_rows(const ob_vae_info *in, int labels[10])
{
    const int k = in->classes ? (in->classes < 10 ? in->classes : 10) : 8;
    for (int i = 0; i < 10; i++) labels[i] = i < in->classes ? i : 0;
    return k;
}

static ob_status on_epoch(void *user, ob_ctx *ctx, ob_model *m, int epoch, const struct ob_train_result *res)
{
    vae_job *d = user;
    ob_vae_metrics *mt = &d->per_epoch[epoch];
    char path[4096];
    OB_TRY(ob_vae_eval(ctx, m, &d->info, d->val, d->batch, mt));
    if (epoch == 0 || epoch == (d->epochs - 1) / 2 || epoch == d->epochs - 1) {
        int labels[10];
        snprintf(path, sizeof path, "%s/recon_epoch%d.png", d->run_dir, epoch + 1);
        OB_TRY(ob_vae_recon_grid(path, ctx, m, &d->info, d->val, GRID_IMAGES));
        snprintf(path, sizeof path, "%s/samples_epoch%d.png", d->run_dir, epoch + 1);
        OB_TRY(ob_vae_sample_grid(path, ctx, m, &d->info, d->info.classes ? labels : NULL, grid_rows(&d->info, labels),
                                  GRID_IMAGES, 1));
        if (d->n_pictures == 0 || d->picture_epochs[d->n_pictures - 1] != epoch + 1) {
            if (d->n_pictures == 3) d->n_pictures = 2; /* a resumed run: keep the latest */
            d->picture_epochs[d->n_pictures++] = epoch + 1;
        }
    }
    snprintf(path, sizeof path, "%s/traversal.png", d->run_dir);
    OB_TRY(ob_vae_traversal_grid(path, ctx, m, &d->info, 0, 10, TRAVERSAL_STEPS));
    ob_log_info("epoch %d: test -ELBO %.2f = reconstruction %.2f + KL %.2f per image; PSNR %.2f dB, SSIM %.4f",
                epoch + 1, mt->neg_elbo, mt->recon, mt->kl, mt->psnr, mt->ssim);
    const ob_vae_page page = {d->model,          d->data,          d->info.recon, d->info.latent, res->epochs_done,
                              d->epochs,         res->train_loss,  d->per_epoch,  d->picture_epochs,
                              d->n_pictures};
    snprintf(path, sizeof path, "%s/metrics.csv", d->run_dir);
    OB_TRY(ob_atomic_write(path, write_metrics_csv, (void *)&page));
    return ob_vae_html(d->run_dir, &page);
}

static int parse_recon(ob_vae_recon *r, const char *v)
{
    *r = OB_VAE_BCE;
    if (!v || !strcmp(v, "bce")) return 0;
    if (!strcmp(v, "mse")) {
        *r = OB_VAE_MSE;
        return 0;
    }
    return ob_cli_error("--recon: '%s' is not bce or mse", v);
}

static int check_resume(const char *dir, const char *model, const char *recon, int latent)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    ob_checkpoint_meta meta = {0};
    if (ob_checkpoint_load(path, NULL, 0, &meta) != OB_OK) return ob_cli_error("--resume: %s", ob_last_error());
    const char *task = ob_checkpoint_meta_get(&meta, "task"), *m = ob_checkpoint_meta_get(&meta, "model"),
               *r = ob_checkpoint_meta_get(&meta, "recon"), *l = ob_checkpoint_meta_get(&meta, "latent");
    int rc = 0;
    if (!task || strcmp(task, "vae") || !m || !r || !l) rc = ob_cli_error("--resume %s: not a train vae|cvae run", path);
    else if (strcmp(m, model) || strcmp(r, recon) || atoi(l) != latent)
        rc = ob_cli_error("--resume %s: the run is a %s (%s, latent %s); this command asks for a %s (%s, latent %d)",
                          path, m, r, l, model, recon, latent);
    ob_checkpoint_meta_free(&meta);
    return rc;
}

int ob_cli_train_vae(ob_cli *cli, int conditional)
{
    const char *model = conditional ? "cvae" : "vae";
    train_job j;
    int rc = ob_cli_parse_train(cli, &j, model);
    if (rc) return rc;
    static vae_job d; /* large: the per-epoch table */
    memset(&d, 0, sizeof d);
    d.model = model, d.data = j.data;
    if ((rc = parse_recon(&d.info.recon, ob_cli_get(cli, "--recon")))) return rc;
    const char *recon = d.info.recon == OB_VAE_BCE ? "bce" : "mse", *v;
    d.info.latent = 20;
    if ((v = ob_cli_get(cli, "--latent")) && ob_cli_parse_int(&d.info.latent, v, "--latent", 1, 4096))
        return OB_CLI_EXIT_ERROR;
    if (j.cfg.resume_dir && (rc = check_resume(j.cfg.resume_dir, model, recon, d.info.latent))) return rc;
    ob_cli_splits sp = {0};
    ob_dataset *train = NULL, *val = NULL;
    ob_ctx *ctx = NULL;
    ob_model *m = NULL;
    ob_vae_loss_state loss = {0};
    static ob_train_result r;
    if ((rc = ob_cli_open_splits(&sp, &j))) return rc;
    const ob_dataset *full = sp.full;
    if (full->channels < 1 || full->channels > 4 || full->height < 11 || full->width < 11 ||
        (int64_t)full->channels * full->height * full->width > (1 << 20)) {
        rc = ob_cli_error("--data %s: images must share one size of at least 11x11, 1..4 channels, at most 2^20 "
                          "values (got %dx%dx%d)",
                          j.data, full->channels, full->height, full->width);
        goto done;
    }
    if (conditional && full->n_classes < 2) {
        rc = ob_cli_error("--data %s: %d classes; a conditional VAE needs labelled samples of 2 or more", j.data,
                          full->n_classes);
        goto done;
    }
    d.info.classes = conditional ? full->n_classes : 0;
    d.info.c = full->channels, d.info.h = full->height, d.info.w = full->width;
    if (ob_vae_data_open(&train, sp.train, d.info.classes) != OB_OK ||
        ob_vae_data_open(&val, sp.val, d.info.classes) != OB_OK) {
        rc = ob_cli_error("%s", ob_last_error());
        goto done;
    }
    if ((rc = ob_cli_make_ctx(cli, &ctx))) goto done;
    char meta[400];
    const ob_zoo_opts zo = {.in_channels = d.info.c, .height = d.info.h, .width = d.info.w,
                            .classes = d.info.classes, .features = d.info.latent};
    snprintf(meta, sizeof meta,
             "\"task\": \"vae\", \"model\": \"%s\", \"recon\": \"%s\", \"latent\": \"%d\", \"classes\": \"%d\", "
             "\"input\": \"%dx%dx%d\"",
             model, recon, d.info.latent, d.info.classes, d.info.c, d.info.h, d.info.w);
    d.run_dir = j.cfg.run_dir, d.epochs = j.cfg.epochs, d.batch = j.cfg.batch_size, d.val = val;
    j.cfg.metadata = meta, j.cfg.loss = ob_vae_loss, j.cfg.loss_user = &loss;
    j.cfg.no_cuda_graphs = 1; /* the loss reads the KL on the host each step */
    j.cfg.on_epoch = on_epoch, j.cfg.epoch_user = &d;
    j.cfg.transform = NULL;   /* the seed's VAE trains on the images as they are */
    if (!j.cfg.quiet)
        ob_log_info("%s (latent %d, %s reconstruction): %lld training images from %s, %lld test images%s", model,
                    d.info.latent, recon, (long long)train->n, j.data, (long long)val->n,
                    conditional ? ", conditioned on the class" : "");
    if (ob_zoo_build(&m, model, &zo) != OB_OK || ob_model_alloc_params(m, ob_ctx_location(ctx)) != OB_OK ||
        ob_zoo_init(m, j.cfg.seed) != OB_OK) {
        rc = ob_cli_error("%s: %s", model, ob_last_error());
        goto done;
    }
    loss.info = d.info, loss.sampler = ob_vae_sampler(m);
    if ((rc = ob_cli_make_dir(j.cfg.run_dir))) goto done;
    if (ob_train(ctx, m, train, val, &j.cfg, &r) != OB_OK) {
        rc = ob_cli_error("%s", ob_last_error());
        goto done;
    }
    const ob_vae_metrics *last = &d.per_epoch[r.epochs_done - 1];
    if (cli->json)
        printf("{\"run_dir\": \"%s\", \"model\": \"%s\", \"recon\": \"%s\", \"latent\": %d, \"epochs\": %d, "
               "\"train_neg_elbo\": %.4f, \"val_recon\": %.4f, \"val_kl\": %.4f, \"val_neg_elbo\": %.4f, "
               "\"psnr\": %.4f, \"ssim\": %.5f, \"seconds\": %.3f, \"backend\": \"%s\"}\n",
               j.cfg.run_dir, model, recon, d.info.latent, r.epochs_done, r.train_loss[r.epochs_done - 1], last->recon,
               last->kl, last->neg_elbo, last->psnr, last->ssim, r.total_seconds, ob_backend_name(ob_ctx_backend(ctx)));
    else if (!cli->quiet)
        printf("trained %d epochs in %.1f s on %s: test -ELBO %.2f per image (reconstruction %.2f + KL %.2f), "
               "PSNR %.2f dB, SSIM %.4f -> %s/index.html\n",
               r.epochs_done, r.total_seconds, ob_backend_name(ob_ctx_backend(ctx)), last->neg_elbo, last->recon,
               last->kl, last->psnr, last->ssim, j.cfg.run_dir);
done:
    ob_vae_loss_free(&loss);
    ob_model_destroy(m);
    ob_ctx_destroy(ctx);
    ob_dataset_close(train), ob_dataset_close(val);
    ob_cli_splits_close(&sp);
    return rc;
}

/* ---- obscura generate ------------------------------------------------------- */

static const ob_cli_opt generate_opts[] = {
    {"--model", NULL, "CKPT", "model.safetensors of a train vae or train cvae run"},
    {"--output", "-o", "GRID", "the grid of samples (.png); written atomically"},
    {"--class", NULL, "C[,C...]", "cvae: the classes to draw, a row each (default: every class up to 10)"},
    {"--count", "-n", "N", "samples per class (cvae) or in all (vae) (default 8; at most 100)"},
    {"--seed", NULL, "S", "seed of the prior's draws (default 0)"},
    {"--traverse", NULL, NULL, "draw a latent traversal instead: a row per latent (up to 10) from -3 to 3"},
    {"--judge", NULL, "CKPT",
     "classify the samples with a classifier of train classify (model.safetensors) and report how many are "
     "recognised as their class (cvae)"},
    {0},
};

typedef struct {
    ob_vae_info info;
    char model[16];
} vae_ckpt;

static int read_vae_ckpt(vae_ckpt *v, const char *ckpt)
{
    ob_checkpoint_meta meta = {0};
    if (ob_checkpoint_load(ckpt, NULL, 0, &meta) != OB_OK) return ob_cli_error("--model: %s", ob_last_error());
    const char *task = ob_checkpoint_meta_get(&meta, "task"), *model = ob_checkpoint_meta_get(&meta, "model"),
               *recon = ob_checkpoint_meta_get(&meta, "recon"), *latent = ob_checkpoint_meta_get(&meta, "latent"),
               *classes = ob_checkpoint_meta_get(&meta, "classes"), *input = ob_checkpoint_meta_get(&meta, "input");
    int rc = 0;
    memset(v, 0, sizeof *v);
    if (!task || strcmp(task, "vae") || !model || (strcmp(model, "vae") && strcmp(model, "cvae")) || !latent ||
        !classes || !input || sscanf(input, "%dx%dx%d", &v->info.c, &v->info.h, &v->info.w) != 3)
        rc = ob_cli_error("--model %s: not a checkpoint of train vae or train cvae (task %s)", ckpt,
                          task ? task : "none");
    else {
        snprintf(v->model, sizeof v->model, "%s", model);
        v->info.latent = atoi(latent), v->info.classes = atoi(classes);
        v->info.recon = recon && !strcmp(recon, "mse") ? OB_VAE_MSE : OB_VAE_BCE;
        if (v->info.latent < 1 || (strcmp(model, "cvae") == 0) != (v->info.classes >= 2))
            rc = ob_cli_error("--model %s: its metadata is inconsistent (latent %s, classes %s)", ckpt, latent,
                              classes);
    }
    ob_checkpoint_meta_free(&meta);
    return rc;
}

/* "0,1,2" -> classes, each in 0..k-1 */
static int parse_classes(int *out, int *n, const char *text, int k)
{
    *n = 0;
    for (const char *p = text; *p;) {
        char *end;
        const long c = strtol(p, &end, 10);
        if (end == p || (*end && *end != ',')) return ob_cli_error("--class: '%s' is not a list of classes", text);
        if (c < 0 || c >= k) return ob_cli_error("--class %ld: outside the trained classes 0..%d", c, k - 1);
        if (*n == 100) return ob_cli_error("--class: more than 100 classes");
        out[(*n)++] = (int)c;
        p = *end ? end + 1 : end;
    }
    if (*n == 0) return ob_cli_error("--class: no classes");
    return 0;
}

/* Recognition by a classifier of train classify: how many of the n images
 * (labels[i / per]) it puts in their class; hits[r] per row. */
static int judge(ob_ctx *ctx, const char *ckpt, const ob_vae_info *in, const float *img, const int *labels, int rows,
                 int per, int *hits)
{
    ob_checkpoint_meta meta = {0};
    if (ob_checkpoint_load(ckpt, NULL, 0, &meta) != OB_OK) return ob_cli_error("--judge: %s", ob_last_error());
    float mean[4], std[4];
    ob_cli_parse_floats(mean, ob_checkpoint_meta_get(&meta, "mean"), 0.0f);
    ob_cli_parse_floats(std, ob_checkpoint_meta_get(&meta, "std"), 1.0f);
    const char *model = ob_checkpoint_meta_get(&meta, "model");
    int rc = model && strcmp(model, "classifier") ? ob_cli_error("--judge %s holds a '%s', not a classifier", ckpt, model)
                                                  : 0;
    ob_checkpoint_meta_free(&meta);
    if (rc) return rc;
    const int n = rows * per;
    const int64_t hw = (int64_t)in->h * in->w, d = in->c * hw;
    ob_zoo_opts zo = {.in_channels = in->c, .height = in->h, .width = in->w, .classes = in->classes};
    ob_model *m = NULL;
    ob_tensor x = {0}, xd = {0}, yh = {0};
    const ob_tensor *y = NULL;
    const int host = ob_ctx_location(ctx) == OB_HOST;
    if (ob_zoo_build(&m, "classifier", &zo) != OB_OK || ob_model_alloc_params(m, ob_ctx_location(ctx)) != OB_OK ||
        ob_checkpoint_load_model(ckpt, m->layers, m->prefixes, m->n_nodes, NULL) != OB_OK ||
        ob_tensor_alloc(&x, OB_F32, OB_HOST, 4, (const int64_t[4]){n, in->c, in->h, in->w}) != OB_OK)
        rc = ob_cli_error("--judge %s: %s", ckpt, ob_last_error());
    for (int64_t i = 0; !rc && i < (int64_t)n * d; i++) {
        const int ch = (int)(i / hw % in->c);
        ob_tensor_f32(&x)[i] = (img[i] - mean[ch]) / std[ch]; /* as the classifier was trained */
    }
    if (!rc && ((!host && ob_tensor_clone_to(&xd, &x, ob_ctx_location(ctx)) != OB_OK) ||
                ob_model_forward(m, ctx, &y, host ? &x : &xd, 0) != OB_OK ||
                (!host && ob_tensor_clone_to(&yh, y, OB_HOST) != OB_OK)))
        rc = ob_cli_error("--judge: %s", ob_last_error());
    if (!rc && (y->ndim != 2 || y->shape[1] != in->classes))
        rc = ob_cli_error("--judge %s: a classifier of %lld classes for a CVAE of %d", ckpt, (long long)y->shape[1],
                          in->classes);
    for (int i = 0; !rc && i < n; i++) {
        const float *p = ob_tensor_f32(host ? y : &yh) + (int64_t)i * in->classes;
        int best = 0;
        for (int k = 1; k < in->classes; k++)
            if (p[k] > p[best]) best = k;
        hits[i / per] += best == labels[i / per];
    }
    ob_tensor_free(&x), ob_tensor_free(&xd), ob_tensor_free(&yh);
    ob_model_destroy(m);
    return rc;
}

static int run_generate(ob_cli *cli)
{
    const char *ckpt = ob_cli_get(cli, "--model"), *out_path = ob_cli_get(cli, "--output"), *v;
    const char *judge_ckpt = ob_cli_get(cli, "--judge");
    if (cli->n_positional) return ob_cli_error("generate takes no positional arguments");
    if (!ckpt) return ob_cli_error("generate needs --model CKPT (model.safetensors of train vae|cvae)");
    if (!out_path && !judge_ckpt) return ob_cli_error("generate needs -o GRID.png (or --judge CKPT)");
    ob_image_format fmt = OB_FMT_PNG;
    if (out_path && ob_image_format_from_path(&fmt, out_path) != OB_OK) return ob_cli_fail_status("-o");
    vae_ckpt vc;
    int rc = read_vae_ckpt(&vc, ckpt), per = 8, labels[100], rows = 0;
    if (rc) return rc;
    unsigned long long seed = 0;
    if ((v = ob_cli_get(cli, "--count")) && ob_cli_parse_int(&per, v, "--count", 1, 100)) return OB_CLI_EXIT_ERROR;
    if ((v = ob_cli_get(cli, "--seed")) && ob_cli_parse_seed(&seed, v, "--seed")) return OB_CLI_EXIT_ERROR;
    const int conditional = vc.info.classes > 0, traverse = ob_cli_has(cli, "--traverse");
    if ((v = ob_cli_get(cli, "--class"))) {
        if (!conditional) return ob_cli_error("--class: %s is an unconditional VAE; only a cvae takes a class", ckpt);
        if ((rc = parse_classes(labels, &rows, v, vc.info.classes))) return rc;
    } else if (conditional) {
        rows = vc.info.classes < 100 ? vc.info.classes : 100;
        for (int i = 0; i < rows; i++) labels[i] = i;
    } else { /* a VAE: n samples, rows of up to 10 */
        rows = 1;
    }
    if (judge_ckpt && (!conditional || traverse))
        return ob_cli_error("--judge: needs class-conditional samples (a cvae checkpoint, no --traverse)");
    if (traverse && rows > 1 && ob_cli_get(cli, "--class"))
        return ob_cli_error("--traverse: one --class at a time");
    ob_ctx *ctx = NULL;
    ob_model *m = NULL;
    const ob_zoo_opts zo = {.in_channels = vc.info.c, .height = vc.info.h, .width = vc.info.w,
                            .classes = vc.info.classes, .features = vc.info.latent};
    const double t0 = ob_now_seconds();
    const int n = rows * per;
    const int64_t d = (int64_t)vc.info.c * vc.info.h * vc.info.w;
    float *z = malloc(sizeof(float) * (size_t)n * (size_t)vc.info.latent), *img = malloc(sizeof(float) * (size_t)(n * d));
    int *lab = malloc(sizeof(int) * (size_t)n), hits[100] = {0};
    ob_tensor grid = {0};
    if (!z || !img || !lab) {
        rc = ob_cli_error("out of memory");
        goto done;
    }
    if ((rc = ob_cli_make_ctx(cli, &ctx))) goto done;
    if (ob_zoo_build(&m, vc.model, &zo) != OB_OK || ob_model_alloc_params(m, ob_ctx_location(ctx)) != OB_OK ||
        ob_checkpoint_load_model(ckpt, m->layers, m->prefixes, m->n_nodes, NULL) != OB_OK) {
        rc = ob_cli_error("--model %s: %s", ckpt, ob_last_error());
        goto done;
    }
    if (traverse) {
        if (ob_vae_traversal_grid(out_path, ctx, m, &vc.info, conditional ? labels[0] : 0, 10, 11) != OB_OK)
            rc = ob_cli_fail_status(out_path);
        else if (!cli->quiet)
            printf("%s: a traversal of %d latents%s from -3 to 3 in %.1f ms -> %s\n", ckpt,
                   vc.info.latent < 10 ? vc.info.latent : 10, conditional ? " at the class" : "",
                   (ob_now_seconds() - t0) * 1e3, out_path);
        goto done;
    }
    ob_vae_prior_z(z, n, vc.info.latent, seed);
    for (int i = 0; i < n; i++) lab[i] = labels[i / per];
    if (ob_vae_decode(ctx, m, &vc.info, z, lab, n, img) != OB_OK) {
        rc = ob_cli_error("%s", ob_last_error());
        goto done;
    }
    if (judge_ckpt && (rc = judge(ctx, judge_ckpt, &vc.info, img, labels, rows, per, hits))) goto done;
    if (out_path) {
        const int cols = conditional ? per : (per < 10 ? per : 10);
        if (ob_grid_tile(&grid, img, n, vc.info.c, vc.info.h, vc.info.w, cols, 3) != OB_OK ||
            ob_image_write(out_path, &grid, fmt, 8) != OB_OK) {
            rc = ob_cli_fail_status(out_path);
            goto done;
        }
    }
    int total = 0;
    for (int r = 0; r < rows; r++) total += hits[r];
    if (cli->json) {
        printf("{\"model\": \"%s\", \"samples\": %d, \"seed\": %llu", vc.model, n, seed);
        if (judge_ckpt) {
            printf(", \"recognised\": %.6f, \"per_class\": [", (double)total / n);
            for (int r = 0; r < rows; r++)
                printf("%s{\"class\": %d, \"recognised\": %.6f}", r ? ", " : "", labels[r], (double)hits[r] / per);
            printf("]");
        }
        printf(", \"backend\": \"%s\"}\n", ob_backend_name(ob_ctx_backend(ctx)));
    } else if (!cli->quiet) {
        printf("%s: %d samples of the prior (%s) in %.1f ms on %s%s%s\n", ckpt, n,
               conditional ? "a row per class" : "unconditional", (ob_now_seconds() - t0) * 1e3,
               ob_backend_name(ob_ctx_backend(ctx)), out_path ? " -> " : "", out_path ? out_path : "");
        if (judge_ckpt) {
            printf("recognised as their class by %s: %.1f%% (%d of %d)\n", judge_ckpt, 100.0 * total / n, total, n);
            for (int r = 0; r < rows; r++) printf("  class %3d: %5.1f%% of %d\n", labels[r], 100.0 * hits[r] / per, per);
        }
    }
done:
    free(z), free(img), free(lab);
    ob_tensor_free(&grid);
    ob_model_destroy(m);
    ob_ctx_destroy(ctx);
    return rc;
}

const ob_cli_verb ob_verb_generate = {
    .name = "generate",
    .usage = "--model CKPT [--class C[,C...]] [-n N] [--seed S] [--traverse] [--judge CLASSIFIER] -o GRID.png",
    .summary = "draw samples of a VAE or conditional VAE from `obscura train vae|cvae`",
    .details = "Samples decode z ~ N(0, I) (Philox, --seed): a cvae draws a row of N per class (--class, default\n"
               "every class), a vae N in rows of up to 10. --traverse decodes z = 0 but one latent swept over\n"
               "[-3, 3], a row per latent. --judge runs a classifier of `obscura train classify` on the samples\n"
               "and reports how many it recognises as the class they were drawn for.",
    .opts = generate_opts,
    .run = run_generate,
};
