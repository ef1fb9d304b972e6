/* verb_denoise.c — `obscura train denoise` (the second seed's denoising
 * autoencoder on noisy copies of a data set, with PSNR / SSIM and grids each
 * epoch) and `obscura denoise IN -o OUT --model CKPT`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ob_atomic_file.h"
#include "ob_checkpoint.h"
#include "ob_denoise.h"
#include "ob_image_io.h"
#include "ob_log.h"
#include "ob_noise_data.h"
#include "ob_zoo.h"

#define GRID_IMAGES 8

typedef struct {
    const char *model; /* "upsample" | "convtranspose" */
    double sigma;
    const char *run_dir;
    int epochs;
    const ob_dataset *val;
    ob_denoise_metrics per_epoch[OB_TRAIN_MAX_EPOCHS];
    int grid_epochs[3], n_grids;
} denoise_job;

static ob_status write_metrics_csv(FILE *f, void *user)
{
    const ob_denoise_page *p = user;
    fprintf(f, "epoch,psnr,ssim,noisy_psnr,noisy_ssim\n");
    for (int e = 0; e < p->epochs_done; e++)
        fprintf(f, "%d,%.6f,%.6f,%.6f,%.6f\n", e + 1, p->per_epoch[e].psnr, p->per_epoch[e].ssim,
                p->per_epoch[e].noisy_psnr, p->per_epoch[e].noisy_ssim);
    return OB_OK;
}

/* After each epoch: the measures, a grid at the first, middle and last epoch, the page. */
static ob_status on_epoch(void *user, ob_ctx *ctx, ob_model *m, int epoch, const struct ob_train_result *res)
{
    denoise_job *d = user;
    ob_denoise_metrics *mt = &d->per_epoch[epoch];
    OB_TRY(ob_denoise_eval(ctx, m, d->val, 256, mt));
    if (epoch == 0 || epoch == (d->epochs - 1) / 2 || epoch == d->epochs - 1) {
        char path[4096];
        snprintf(path, sizeof path, "%s/grid_epoch%d.png", d->run_dir, epoch + 1);
        OB_TRY(ob_denoise_grid(path, ctx, m, d->val, GRID_IMAGES));
        if (d->n_grids == 0 || d->grid_epochs[d->n_grids - 1] != epoch + 1) {
            if (d->n_grids == 3) d->n_grids = 2; /* a resumed run: keep the latest */
            d->grid_epochs[d->n_grids++] = epoch + 1;
        }
    }
    ob_log_info("epoch %d: PSNR %.2f dB, SSIM %.4f (noisy input %.2f dB, %.4f)", epoch + 1, mt->psnr, mt->ssim,
                mt->noisy_psnr, mt->noisy_ssim);
    const ob_denoise_page page = {d->model, d->sigma, res->epochs_done, d->epochs, d->per_epoch, d->grid_epochs,
                                  d->n_grids};
    char path[4096];
    snprintf(path, sizeof path, "%s/metrics.csv", d->run_dir);
    OB_TRY(ob_atomic_write(path, write_metrics_csv, (void *)&page));
    return ob_denoise_html(d->run_dir, &page);
}

static int check_resume(const char *dir, const char *model, double sigma)
{
    char path[4096], want[32];
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    ob_checkpoint_meta meta = {0};
    if (ob_checkpoint_load(path, NULL, 0, &meta) != OB_OK) return ob_cli_error("--resume: %s", ob_last_error());
    const char *task = ob_checkpoint_meta_get(&meta, "task"), *m = ob_checkpoint_meta_get(&meta, "model"),
               *noise = ob_checkpoint_meta_get(&meta, "noise");
    snprintf(want, sizeof want, "%.6g", sigma);
    int rc = 0;
    if (!task || strcmp(task, "denoise") || !m || !noise)
        rc = ob_cli_error("--resume %s: not a train denoise run", path);
    else if (strcmp(m, model) || strcmp(noise, want))
        rc = ob_cli_error("--resume %s: the run is %s at noise %s; this command asks for %s at %s", path, m, noise,
                          model, want);
    ob_checkpoint_meta_free(&meta);
    return rc;
}

int ob_cli_train_denoise(ob_cli *cli)
{
    train_job j;
    int rc = ob_cli_parse_train(cli, &j, "denoise");
    if (rc) return rc;
    static denoise_job d; /* large: the per-epoch table */
    memset(&d, 0, sizeof d);
    d.model = ob_cli_get(cli, "--model") ? ob_cli_get(cli, "--model") : "convtranspose";
    if (strcmp(d.model, "convtranspose") && strcmp(d.model, "upsample"))
        return ob_cli_error("--model: '%s' is not convtranspose or upsample", d.model);
    d.sigma = 0.3;
    const char *v = ob_cli_get(cli, "--noise");
    if (v && ob_cli_parse_double(&d.sigma, v, "--noise")) return OB_CLI_EXIT_ERROR;
    if (!(d.sigma > 0 && d.sigma <= 2)) return ob_cli_error("--noise %g outside (0, 2]", d.sigma);
    if (j.cfg.resume_dir && (rc = check_resume(j.cfg.resume_dir, d.model, d.sigma))) return rc;
    ob_cli_splits sp = {0};
    ob_dataset *train = NULL, *val = NULL;
    ob_ctx *ctx = NULL;
    ob_model *m = NULL;
    static ob_train_result r;
    if ((rc = ob_cli_open_splits(&sp, &j))) return rc;
    const ob_dataset *full = sp.full;
    if (full->channels < 1 || full->channels > 4 || full->height < 12 || full->width < 12 || full->height % 4 ||
        full->width % 4) {
        rc = ob_cli_error("--data %s: images must share one size, sides multiples of 4 and at least 12, 1..4 channels "
                          "(got %dx%dx%d)",
                          j.data, full->channels, full->height, full->width);
        goto done;
    }
    if (ob_noise_data_open(&train, sp.train, (float)d.sigma, 0) != OB_OK ||
        ob_noise_data_open(&val, sp.val, (float)d.sigma, 1) != OB_OK) {
        rc = ob_cli_error("%s", ob_last_error());
        goto done;
    }
    if ((rc = ob_cli_make_ctx(cli, &ctx))) goto done;
    char zname[32], meta[320];
    snprintf(zname, sizeof zname, "dae_%s", d.model);
    ob_zoo_opts zo = {.in_channels = full->channels, .height = full->height, .width = full->width};
    snprintf(meta, sizeof meta, "\"task\": \"denoise\", \"model\": \"%s\", \"noise\": \"%.6g\", \"input\": \"%dx%dx%d\"",
             d.model, d.sigma, full->channels, full->height, full->width);
    d.run_dir = j.cfg.run_dir, d.epochs = j.cfg.epochs, d.val = val;
    j.cfg.metadata = meta, j.cfg.loss = ob_cli_target_mse, j.cfg.psnr = 1;
    j.cfg.on_epoch = on_epoch, j.cfg.epoch_user = &d;
    j.cfg.transform = NULL; /* the noise is the augmentation */
    if (!j.cfg.quiet)
        ob_log_info("denoise (%s decoder), noise sigma %.3g: %lld training images from %s, %lld test images", d.model,
                    d.sigma, (long long)train->n, j.data, (long long)val->n);
    if (ob_zoo_build(&m, zname, &zo) != OB_OK || ob_model_alloc_params(m, ob_ctx_location(ctx)) != OB_OK ||
        ob_zoo_init(m, j.cfg.seed) != OB_OK) {
        rc = ob_cli_error("%s: %s", zname, ob_last_error());
        goto done;
    }
    if ((rc = ob_cli_make_dir(j.cfg.run_dir))) goto done;
    if (ob_train(ctx, m, train, val, &j.cfg, &r) != OB_OK) {
        rc = ob_cli_error("%s", ob_last_error());
        goto done;
    }
    const ob_denoise_metrics *last = &d.per_epoch[r.epochs_done - 1], *first = &d.per_epoch[r.start_epoch];
    if (cli->json)
        printf("{\"run_dir\": \"%s\", \"model\": \"%s\", \"noise\": %.6g, \"epochs\": %d, \"psnr\": %.4f, \"ssim\": %.5f, "
               "\"noisy_psnr\": %.4f, \"noisy_ssim\": %.5f, \"first_epoch_psnr\": %.4f, \"seconds\": %.3f, "
               "\"backend\": \"%s\"}\n",
               j.cfg.run_dir, d.model, d.sigma, r.epochs_done, last->psnr, last->ssim, last->noisy_psnr,
               last->noisy_ssim, first->psnr, r.total_seconds, ob_backend_name(ob_ctx_backend(ctx)));
    else if (!cli->quiet)
        printf("trained %d epochs in %.1f s on %s: PSNR %.2f dB, SSIM %.4f on the test split (noisy input %.2f dB, "
               "%.4f: %+.2f dB) -> %s/index.html\n",
               r.epochs_done, r.total_seconds, ob_backend_name(ob_ctx_backend(ctx)), last->psnr, last->ssim,
               last->noisy_psnr, last->noisy_ssim, last->psnr - last->noisy_psnr, j.cfg.run_dir);
done:
    ob_model_destroy(m);
    ob_ctx_destroy(ctx);
    ob_dataset_close(train), ob_dataset_close(val);
    ob_cli_splits_close(&sp);
    return rc;
}

/* ---- obscura denoise ------------------------------------------------------- */

static const ob_cli_opt denoise_opts[] = {
    {"--output", "-o", "OUT", "the denoised image (.png, .jpg, .hdr, .pfm); written atomically"},
    {"--model", NULL, "CKPT", "model.safetensors of a train denoise run"},
    {0},
};

static int run_denoise(ob_cli *cli)
{
    if (cli->n_positional != 1) return ob_cli_error("denoise needs one input image");
    const char *in_path = cli->positional[0], *out_path = ob_cli_get(cli, "--output"),
               *ckpt = ob_cli_get(cli, "--model");
    if (!out_path) return ob_cli_error("denoise needs -o OUT");
    if (!ckpt) return ob_cli_error("denoise needs --model CKPT (model.safetensors of train denoise)");
    ob_image_format fmt;
    if (ob_image_format_from_path(&fmt, out_path) != OB_OK) return ob_cli_fail_status("-o");
    ob_checkpoint_meta meta = {0};
    if (ob_checkpoint_load(ckpt, NULL, 0, &meta) != OB_OK) return ob_cli_error("--model: %s", ob_last_error());
    const char *task = ob_checkpoint_meta_get(&meta, "task"), *model = ob_checkpoint_meta_get(&meta, "model"),
               *input = ob_checkpoint_meta_get(&meta, "input");
    int c = 0, rc = 0;
    char zname[32] = "";
    if (!task || strcmp(task, "denoise") || !model || !input || sscanf(input, "%d", &c) != 1 || c < 1 || c > 4 ||
        (strcmp(model, "upsample") && strcmp(model, "convtranspose")))
        rc = ob_cli_error("--model %s: not a checkpoint of train denoise (task %s)", ckpt, task ? task : "none");
    else
        snprintf(zname, sizeof zname, "dae_%s", model);
    ob_checkpoint_meta_free(&meta);
    if (rc) return rc;
    ob_tensor img = {0}, out = {0};
    ob_image_info info;
    ob_ctx *ctx = NULL;
    ob_model *m = NULL;
    if (ob_image_read(&img, &info, in_path) != OB_OK) return ob_cli_fail_status(in_path);
    const int h = (int)img.shape[1], w = (int)img.shape[2];
    const ob_zoo_opts zo = {.in_channels = c, .height = ob_denoise_padded(h), .width = ob_denoise_padded(w)};
    double t0 = ob_now_seconds();
    if ((rc = ob_cli_make_ctx(cli, &ctx))) goto done;
    if (c != 1 && c != img.shape[0]) {
        rc = ob_cli_error("%s has %lld channels; the net %s takes %d", in_path, (long long)img.shape[0], ckpt, c);
        goto done;
    }
    if (ob_zoo_build(&m, zname, &zo) != OB_OK || ob_model_alloc_params(m, ob_ctx_location(ctx)) != OB_OK ||
        ob_checkpoint_load_model(ckpt, m->layers, m->prefixes, m->n_nodes, NULL) != OB_OK ||
        ob_model_freeze(m, 1) != OB_OK) {
        rc = ob_cli_error("--model %s: %s", ckpt, ob_last_error());
        goto done;
    }
    if (ob_denoise_image(ctx, m, c, &out, &img) != OB_OK) {
        rc = ob_cli_error("%s: %s", in_path, ob_last_error());
        goto done;
    }
    if (ob_image_write(out_path, &out, fmt, info.bit_depth == 16 ? 16 : 8) != OB_OK) {
        rc = ob_cli_fail_status(out_path);
        goto done;
    }
    if (!cli->quiet)
        printf("%s: %dx%d denoised by %s (%s decoder) in %.1f ms on %s -> %s\n", in_path, w, h, ckpt, zname + 4,
               (ob_now_seconds() - t0) * 1e3, ob_backend_name(ob_ctx_backend(ctx)), out_path);
done:
    ob_model_destroy(m);
    ob_ctx_destroy(ctx);
    ob_tensor_free(&img), ob_tensor_free(&out);
    return rc;
}

const ob_cli_verb ob_verb_denoise = {
    .name = "denoise",
    .usage = "IN -o OUT --model CKPT",
    .summary = "remove noise from an image with a denoising autoencoder from `obscura train denoise`",
    .details = "Any size: the sides are padded by edge replication to multiples of 4 for the net and the result\n"
               "cropped back; the output is clipped to [0, 1]. A 1-channel net runs on each channel of a colour\n"
               "image.",
    .opts = denoise_opts,
    .run = run_denoise,
};
