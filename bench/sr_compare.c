/* sr_compare.c — obscura's SR training loop against PyTorch's on identical
 * data (bench/b_sr_train.py runs both). ESPCN x3 on Y, batches of 16 random
 * 17x17 LR crops (nets/ob_sr_data.h: flips, quarter turns, bicubic-aa LR)
 * of the photos in DATA_DIR, Adam (torch defaults), MSE, STEPS steps, then
 * the validation PSNR on 16 fixed 48x48 crops per held-out photo.
 *
 *     sr_compare DATA_DIR OUT_DIR STEPS
 *
 * OUT_DIR (created) receives what the PyTorch side needs to train the same
 * net from the same start on the same batches: init.safetensors (the
 * initial weights, PyTorch's default init drawn by obscura, state_dict
 * names), train_lr.f32 / train_hr.f32 (STEPS x 16 crops, float32, in step
 * order) and val_lr.f32 / val_hr.f32, plus shapes.txt. Prints one JSON line:
 * {"steps", "train_loss_last50", "val_psnr", "bicubic_psnr", "seconds"}. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "ob_checkpoint.h"
#include "ob_log.h"
#include "ob_loss.h"
#include "ob_sr_data.h"
#include "ob_train_step.h"
#include "ob_zoo.h"
#include "resize.h"

enum { BATCH = 16, P = 17, R = 3, HR = P * R };

static ob_status mse(void *user, ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *y, const ob_data_batch *b)
{
    (void)user;
    return ob_loss_mse(ctx, loss, grad, y, b->targets_at_ctx, OB_REDUCE_MEAN);
}

static void write_all(FILE *f, const void *p, size_t n, const char *what)
{
    if (fwrite(p, 1, n, f) != n) {
        fprintf(stderr, "obscura bench: error: writing %s failed\n", what);
        exit(1);
    }
}

static FILE *open_out(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "obscura bench: error: cannot write %s: %s\n", path, strerror(errno));
        exit(1);
    }
    return f;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: sr_compare DATA_DIR OUT_DIR STEPS\n");
        return 2;
    }
    const char *data = argv[1], *out = argv[2];
    const long steps = strtol(argv[3], NULL, 10);
    if (steps < 1 || steps > 100000) {
        fprintf(stderr, "obscura bench: error: STEPS must be 1..100000\n");
        return 2;
    }
    mkdir(out, 0755);
    ob_ctx *ctx;
    ob_bench_ok(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0), "context");
    ob_dataset *train, *val;
    const ob_sr_data_cfg tc = {.scale = R, .channels = 1, .patch = P, .split = OB_SR_TRAIN, .samples = steps * BATCH};
    const ob_sr_data_cfg vc = {.scale = R, .channels = 1, .patch = 48, .split = OB_SR_VAL, .val_crops = 16};
    ob_bench_ok(ob_sr_data_open(&train, data, &tc), "training data");
    ob_bench_ok(ob_sr_data_open(&val, data, &vc), "validation data");
    ob_zoo_opts zo = {.in_channels = 1, .height = P, .width = P, .scale = R};
    ob_model *m = ob_bench_zoo_model("espcn", &zo, OB_HOST);
    ob_optim *opt = ob_bench_adam(m);
    const int cap = m->n_nodes * OB_LAYER_MAX_PARAMS;
    ob_named_tensor *named = calloc((size_t)cap, sizeof *named);
    int n_named = 0;
    ob_bench_ok(named ? ob_checkpoint_collect(named, cap, &n_named, m->layers, m->prefixes, m->n_nodes) : OB_ERR_NOMEM,
                "collect");
    char path[4096];
    snprintf(path, sizeof path, "%s/init.safetensors", out);
    ob_bench_ok(ob_checkpoint_save(path, named, n_named, NULL), "init weights");

    /* the batches, in step order, written for the peer as they are trained on */
    FILE *flr = open_out(out, "train_lr.f32"), *fhr = open_out(out, "train_hr.f32");
    ob_stepper *st;
    ob_bench_ok(ob_stepper_create(&st, ctx, m, opt, mse, NULL, 0), "stepper");
    ob_data_batch b;
    memset(&b, 0, sizeof b);
    const int64_t xs[4] = {BATCH, 1, P, P}, ts[4] = {BATCH, 1, HR, HR};
    ob_bench_ok(ob_tensor_alloc(&b.images, OB_F32, OB_HOST, 4, xs), "batch");
    ob_bench_ok(ob_tensor_alloc(&b.targets, OB_F32, OB_HOST, 4, ts), "batch");
    b.n = BATCH;
    double last = 0;
    const double t0 = ob_now_seconds();
    for (long k = 0; k < steps; k++) {
        for (int i = 0; i < BATCH; i++) {
            ob_sample s = {0};
            ob_bench_ok(ob_dataset_get_keyed(train, &s, k * BATCH + i, 0, 0), "crop");
            memcpy(ob_tensor_f32(&b.images) + i * P * P, s.image.data, sizeof(float) * P * P);
            memcpy(ob_tensor_f32(&b.targets) + i * HR * HR, s.target.data, sizeof(float) * HR * HR);
            ob_sample_free(&s);
        }
        write_all(flr, b.images.data, sizeof(float) * BATCH * P * P, "train_lr.f32");
        write_all(fhr, b.targets.data, sizeof(float) * BATCH * HR * HR, "train_hr.f32");
        if (k + 50 == steps) ob_bench_ok(ob_ctx_loss_reset(ctx), "loss");
        b.batch = k;
        ob_bench_ok(ob_stepper_train(st, &b), "step");
    }
    const double seconds = ob_now_seconds() - t0;
    ob_running_loss rl;
    ob_bench_ok(ob_ctx_loss_read(ctx, &rl), "loss");
    last = rl.sum / (double)(BATCH * (steps < 50 ? steps : 50));
    fclose(flr), fclose(fhr);

    /* validation: the net and bicubic on the same crops */
    FILE *vlr = open_out(out, "val_lr.f32"), *vhr = open_out(out, "val_hr.f32");
    double se = 0, se_bic = 0, count = 0;
    for (int64_t i = 0; i < val->n; i++) {
        ob_sample s = {0};
        ob_bench_ok(ob_dataset_get(val, &s, i), "validation crop");
        write_all(vlr, s.image.data, sizeof(float) * 48 * 48, "val_lr.f32");
        write_all(vhr, s.target.data, sizeof(float) * 144 * 144, "val_hr.f32");
        const int64_t vs[4] = {1, 1, 48, 48};
        ob_tensor x;
        ob_bench_ok(ob_tensor_wrap(&x, s.image.data, OB_F32, OB_HOST, 4, vs), "wrap");
        const ob_tensor *y;
        ob_bench_ok(ob_model_forward(m, ctx, &y, &x, 0), "forward");
        float bic[144 * 144];
        ob_bench_ok(ob_resize_cpu(bic, ob_tensor_f32(&s.image), 1, 48, 48, 144, 144, OB_RESIZE_BICUBIC), "bicubic");
        const float *t = ob_tensor_f32(&s.target), *p = ob_tensor_f32(y);
        for (int k = 0; k < 144 * 144; k++) {
            se += ((double)p[k] - t[k]) * ((double)p[k] - t[k]);
            se_bic += ((double)bic[k] - t[k]) * ((double)bic[k] - t[k]);
        }
        count += 144 * 144;
        ob_sample_free(&s);
    }
    fclose(vlr), fclose(vhr);
    FILE *sh = open_out(out, "shapes.txt");
    fprintf(sh, "steps %ld batch %d lr %d hr %d val %lld val_lr 48 val_hr 144\n", steps, BATCH, P, HR,
            (long long)val->n);
    fclose(sh);
    printf("{\"steps\": %ld, \"train_loss_last50\": %.8f, \"val_psnr\": %.4f, \"bicubic_psnr\": %.4f, \"seconds\": %.3f}\n",
           steps, last, 10 * log10(count / se), 10 * log10(count / se_bic), seconds);
    ob_stepper_destroy(st);
    ob_data_batch_free(&b);
    free(named);
    ob_optim_destroy(opt);
    ob_model_destroy(m);
    ob_dataset_close(train), ob_dataset_close(val);
    ob_ctx_destroy(ctx);
    return 0;
}
