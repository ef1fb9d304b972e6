/* verb_train_sr.c — `obscura train sr`: ESPCN or SRCNN trained on random
 * crops of high-resolution photos (nets/ob_sr_data.h), validated by PSNR
 * against the bicubic baseline on the same held-out crops. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ob_checkpoint.h"
#include "ob_log.h"
#include "ob_loss.h"
#include "ob_sr_data.h"
#include "ob_zoo.h"
#include "resize.h"

typedef struct {
    const char *model; /* "espcn" | "srcnn" */
    int scale, channels, patch, val_patch;
    int64_t samples;
    int max_side;
    const char *val_data;
} sr_job;

ob_status ob_cli_target_mse(void *user, ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *pred,
                            const ob_data_batch *b)
{
    (void)user;
    OB_REQUIRE(b->targets_at_ctx, "training: the batch has no targets");
    return ob_loss_mse(ctx, loss, grad, pred, b->targets_at_ctx, OB_REDUCE_MEAN);
}

static int parse_sr(const ob_cli *cli, sr_job *s)
{
    const char *v;
    s->model = ob_cli_get(cli, "--model");
    if (!s->model) s->model = "espcn";
    if (strcmp(s->model, "espcn") && strcmp(s->model, "srcnn"))
        return ob_cli_error("--model: '%s' is not espcn or srcnn", s->model);
    s->scale = 3, s->channels = 1, s->patch = 17, s->val_patch = 48, s->samples = 1600;
    if ((v = ob_cli_get(cli, "--scale")) && ob_cli_parse_int(&s->scale, v, "--scale", 2, 4)) return OB_CLI_EXIT_ERROR;
    if ((v = ob_cli_get(cli, "--channels"))) {
        if (!strcmp(v, "y")) s->channels = 1;
        else if (!strcmp(v, "rgb")) s->channels = 3;
        else return ob_cli_error("--channels: '%s' is not y or rgb", v);
    }
    if ((v = ob_cli_get(cli, "--patch")) && ob_cli_parse_int(&s->patch, v, "--patch", 4, 256)) return OB_CLI_EXIT_ERROR;
    if ((v = ob_cli_get(cli, "--val-patch")) && ob_cli_parse_int(&s->val_patch, v, "--val-patch", 4, 512))
        return OB_CLI_EXIT_ERROR;
    int n = 0;
    if ((v = ob_cli_get(cli, "--samples"))) {
        if (ob_cli_parse_int(&n, v, "--samples", 1, 1 << 30)) return OB_CLI_EXIT_ERROR;
        s->samples = n;
    }
    s->max_side = 0;
    if ((v = ob_cli_get(cli, "--max-side")) && ob_cli_parse_int(&s->max_side, v, "--max-side", 16, 1 << 20))
        return OB_CLI_EXIT_ERROR;
    s->val_data = ob_cli_get(cli, "--val-data");
    return 0;
}

/* A resumed run must be the same task: model, scale, channels, patch. */
static int check_resume(const char *dir, const sr_job *s)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    ob_checkpoint_meta meta = {0};
    if (ob_checkpoint_load(path, NULL, 0, &meta) != OB_OK) return ob_cli_error("--resume: %s", ob_last_error());
    const char *task = ob_checkpoint_meta_get(&meta, "task"), *model = ob_checkpoint_meta_get(&meta, "model");
    const char *scale = ob_checkpoint_meta_get(&meta, "scale"), *ch = ob_checkpoint_meta_get(&meta, "channels");
    const char *patch = ob_checkpoint_meta_get(&meta, "patch");
    char want_scale[8], want_patch[8];
    snprintf(want_scale, sizeof want_scale, "%d", s->scale);
    snprintf(want_patch, sizeof want_patch, "%d", s->patch);
    int rc = 0;
    if (!task || strcmp(task, "sr") || !model || !scale || !ch || !patch)
        rc = ob_cli_error("--resume %s: not a train sr run (no sr metadata)", path);
    else if (strcmp(model, s->model) || strcmp(scale, want_scale) || strcmp(ch, s->channels == 1 ? "y" : "rgb") ||
             strcmp(patch, want_patch))
        rc = ob_cli_error("--resume %s: the run is %s x%s on %s with patch %s; this command asks for %s x%d on %s with "
                          "patch %d",
                          path, model, scale, ch, patch, s->model, s->scale, s->channels == 1 ? "y" : "rgb", s->patch);
    ob_checkpoint_meta_free(&meta);
    return rc;
}

/* The bicubic baseline on the validation crops: PSNR of bicubic(LR) vs HR. */
static int bicubic_psnr(double *psnr, const ob_dataset *val, int pre_upscaled)
{
    double se = 0, n = 0;
    for (int64_t i = 0; i < val->n; i++) {
        ob_sample smp = {0};
        if (ob_dataset_get(val, &smp, i) != OB_OK) return ob_cli_error("validation: %s", ob_last_error());
        const int64_t c = smp.target.shape[0], h = smp.target.shape[1], w = smp.target.shape[2];
        float *up = malloc(sizeof(float) * (size_t)(c * h * w));
        ob_status st = up ? OB_OK : OB_FAIL(OB_ERR_NOMEM, "out of memory");
        if (st == OB_OK && pre_upscaled) memcpy(up, smp.image.data, sizeof(float) * (size_t)(c * h * w));
        else if (st == OB_OK)
            st = ob_resize_cpu(up, ob_tensor_f32(&smp.image), (int)c, (int)smp.image.shape[1],
                               (int)smp.image.shape[2], (int)h, (int)w, OB_RESIZE_BICUBIC);
        const float *t = ob_tensor_f32(&smp.target);
        for (int64_t k = 0; st == OB_OK && k < c * h * w; k++) {
            const double d = (double)up[k] - t[k];
            se += d * d;
        }
        n += (double)(c * h * w);
        free(up);
        ob_sample_free(&smp);
        if (st != OB_OK) return ob_cli_error("validation: %s", ob_last_error());
    }
    *psnr = 10.0 * log10(n / se);
    return 0;
}

static void print_json(const train_job *j, const sr_job *s, const ob_train_result *r, double bicubic,
                       const char *backend)
{
    const int e = r->epochs_done - 1;
    printf("{\"run_dir\": ");
    ob_json_string(stdout, j->cfg.run_dir);
    printf(", \"model\": \"%s\", \"scale\": %d, \"channels\": \"%s\", \"epochs\": %d, \"train_loss\": ", s->model,
           s->scale, s->channels == 1 ? "y" : "rgb", r->epochs_done);
    ob_json_number(stdout, e >= 0 ? r->train_loss[e] : NAN);
    printf(", \"val_psnr\": ");
    ob_json_number(stdout, e >= 0 ? r->val_acc[e] : NAN);
    printf(", \"bicubic_psnr\": ");
    ob_json_number(stdout, bicubic);
    printf(", \"seconds\": %.3f, \"images_per_s\": %.1f, \"backend\": \"%s\"}\n", r->total_seconds, r->images_per_s,
           backend);
}

int ob_cli_train_sr(ob_cli *cli)
{
    train_job j;
    sr_job s;
    int rc = ob_cli_parse_train(cli, &j, "sr");
    if (!rc) rc = parse_sr(cli, &s);
    if (rc) return rc;
    if (!ob_cli_get(cli, "--batch")) j.cfg.batch_size = 16;
    if (j.cfg.resume_dir && (rc = check_resume(j.cfg.resume_dir, &s))) return rc;
    const int pre = strcmp(s.model, "srcnn") == 0;
    ob_sr_data_cfg tc = {.scale = s.scale, .channels = s.channels, .patch = s.patch, .pre_upscale = pre,
                         .split = s.val_data ? OB_SR_ALL_TRAIN : OB_SR_TRAIN, .samples = s.samples,
                         .max_side = s.max_side};
    /* validation: 16 larger fixed crops per held-out photo (a 4 x 4 grid) */
    ob_sr_data_cfg vc = tc;
    vc.split = s.val_data ? OB_SR_ALL : OB_SR_VAL, vc.patch = s.val_patch, vc.val_crops = 16;
    if (s.val_data) vc.max_side = 0; /* photos given for validation are taken as they are */
    ob_dataset *train = NULL, *val = NULL;
    ob_ctx *ctx = NULL;
    ob_model *m = NULL;
    static ob_train_result r; /* large */
    double bicubic = NAN;
    if (ob_sr_data_open(&train, j.data, &tc) != OB_OK) {
        rc = ob_cli_error("--data: %s", ob_last_error());
    } else if (ob_sr_data_open(&val, s.val_data ? s.val_data : j.data, &vc) != OB_OK) {
        rc = ob_cli_error("%s: %s", s.val_data ? "--val-data" : "--data", ob_last_error());
    } else if (!(rc = bicubic_psnr(&bicubic, val, pre)) && !(rc = ob_cli_make_ctx(cli, &ctx))) {
        const int side = pre ? s.patch * s.scale : s.patch;
        ob_zoo_opts zo = {.in_channels = s.channels, .height = side, .width = side, .scale = s.scale};
        char meta[320];
        snprintf(meta, sizeof meta,
                 "\"task\": \"sr\", \"model\": \"%s\", \"scale\": \"%d\", \"channels\": \"%s\", \"patch\": \"%d\", "
                 "\"max_side\": \"%d\"",
                 s.model, s.scale, s.channels == 1 ? "y" : "rgb", s.patch, s.max_side);
        j.cfg.metadata = meta;
        j.cfg.loss = ob_cli_target_mse;
        j.cfg.psnr = 1;
        if (!j.cfg.quiet)
            ob_log_info("%s x%d on %s: %lld training crops per epoch from %s, %lld validation crops; bicubic %.2f dB",
                        s.model, s.scale, s.channels == 1 ? "Y" : "RGB", (long long)train->n, j.data,
                        (long long)val->n, bicubic);
        if (ob_zoo_build(&m, s.model, &zo) != OB_OK || ob_model_alloc_params(m, ob_ctx_location(ctx)) != OB_OK ||
            ob_zoo_init(m, j.cfg.seed) != OB_OK)
            rc = ob_cli_error("%s: %s", s.model, ob_last_error());
        else if ((rc = ob_cli_make_dir(j.cfg.run_dir))) {
        } else if (ob_train(ctx, m, train, val, &j.cfg, &r) != OB_OK)
            rc = ob_cli_error("%s", ob_last_error());
        else if (cli->json)
            print_json(&j, &s, &r, bicubic, ob_backend_name(ob_ctx_backend(ctx)));
        else if (!cli->quiet)
            printf("trained %d epochs in %.1f s (%.0f crops/s on %s); validation PSNR %.2f dB, bicubic %.2f dB "
                   "(%+.2f dB) -> %s/\n",
                   r.epochs_done, r.total_seconds, r.images_per_s, ob_backend_name(ob_ctx_backend(ctx)),
                   r.val_acc[r.epochs_done - 1], bicubic, r.val_acc[r.epochs_done - 1] - bicubic, j.cfg.run_dir);
    }
    ob_model_destroy(m);
    ob_ctx_destroy(ctx);
    ob_dataset_close(train);
    ob_dataset_close(val);
    return rc;
}
