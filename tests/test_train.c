/* test_train.c — the training loop on a tiny problem: the loss falls and the
 * files appear; resume continues bit for bit; the NaN guard stops a poisoned
 * learning rate and keeps the last good checkpoint. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ob_conv2d.h"
#include "ob_init.h"
#include "ob_layers.h"
#include "ob_linear.h"
#include "ob_log.h"
#include "ob_test.h"
#include "ob_train.h"

static ob_ctx *ctx;

static void put_u32(FILE *f, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v};
    fwrite(b, 1, 4, f);
}

/* n 8x8 images of 3 classes: a horizontal bar, a vertical bar, a 3x3 blob, at
 * random places, over noise; as an idx pair. */
static void write_bars(const char *img_path, const char *lbl_path, int n, uint64_t seed)
{
    FILE *fi = fopen(img_path, "wb"), *fl = fopen(lbl_path, "wb");
    put_u32(fi, 0x803), put_u32(fi, (uint32_t)n), put_u32(fi, 8), put_u32(fi, 8);
    put_u32(fl, 0x801), put_u32(fl, (uint32_t)n);
    uint64_t st = seed;
    for (int i = 0; i < n; i++) {
        unsigned char px[64], label = (unsigned char)(i % 3);
        for (int k = 0; k < 64; k++) px[k] = (unsigned char)ob_test_rand_int(&st, 0, 60);
        int r = ob_test_rand_int(&st, 1, 6), c = ob_test_rand_int(&st, 1, 6);
        for (int k = 0; k < 8; k++) {
            if (label == 0) px[r * 8 + k] = 230;
            if (label == 1) px[k * 8 + c] = 230;
        }
        if (label == 2)
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) px[(r + dy) * 8 + c + dx] = 230;
        fwrite(px, 1, 64, fi);
        fwrite(&label, 1, 1, fl);
    }
    fclose(fi), fclose(fl);
}

/* conv 1->4 3x3 pad 1, relu, max pool 2, flatten, dropout, linear 64->3 */
static ob_model *tiny_net(uint64_t seed)
{
    ob_model *m;
    ob_model_create(&m);
    ob_layer *conv, *relu, *pool, *flat, *drop, *fc;
    ob_conv2d_create(&conv, &(ob_conv2d_cfg){.c_in = 1, .c_out = 4, .k = 3, .pad = 1, .bias = 1});
    ob_act_create(&relu, OB_ACT_RELU, 0);
    ob_max_pool2d_create(&pool, 2, 0, 0);
    ob_flatten_create(&flat);
    ob_dropout_create(&drop, 0.1f, 5);
    ob_linear_create(&fc, &(ob_linear_cfg){.in_features = 64, .out_features = 3, .bias = 1});
    ob_model_add(m, "features.0", conv);
    ob_model_add(m, "features.1", relu);
    ob_model_add(m, "features.2", pool);
    ob_model_add(m, "classifier.0", flat);
    ob_model_add(m, "classifier.1", drop);
    ob_model_add(m, "classifier.2", fc);
    ob_model_alloc_params(m, OB_HOST);
    for (int i = 0; i < m->n_nodes; i++) ob_init_default(m->layers[i], seed + (uint64_t)i);
    return m;
}

static ob_dataset *train_ds, *val_ds;

static ob_train_cfg base_cfg(const char *dir, int epochs)
{
    ob_train_cfg c = ob_train_defaults();
    c.epochs = epochs;
    c.batch_size = 16;
    c.seed = 3;
    c.optim.lr = 1e-2;
    c.run_dir = dir;
    c.quiet = 1;
    c.normalize = 1, c.mean[0] = 0.2f, c.std[0] = 0.3f;
    return c;
}

static const char *run_dir(char *buf, size_t n, const char *name)
{
    ob_test_path(buf, n, name);
    mkdir(buf, 0777);
    return buf;
}

static long file_size(const char *dir, const char *name)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    struct stat st;
    return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

static void test_loss_falls(void)
{
    char dir[4096];
    run_dir(dir, sizeof dir, "train_falls");
    ob_model *m = tiny_net(1);
    ob_train_cfg c = base_cfg(dir, 6);
    static ob_train_result r;
    OB_CHECK_OK(ob_train(ctx, m, train_ds, val_ds, &c, &r));
    OB_CHECK(r.epochs_done == 6, "6 epochs done (%d)", r.epochs_done);
    printf("train loss %.4f -> %.4f, val loss %.4f -> %.4f, val accuracy %.3f -> %.3f\n", r.train_loss[0],
           r.train_loss[5], r.val_loss[0], r.val_loss[5], r.val_acc[0], r.val_acc[5]);
    OB_CHECK(r.train_loss[5] < 0.5 * r.train_loss[0], "training loss falls by half");
    OB_CHECK(r.val_loss[5] < r.val_loss[0], "validation loss falls");
    OB_CHECK(r.val_acc[5] > 0.9, "validation accuracy %.3f > 0.9", r.val_acc[5]);
    OB_CHECK(file_size(dir, "model.safetensors") > 0 && file_size(dir, "model.optim.safetensors") > 0 &&
                 file_size(dir, "loss.svg") > 0,
             "checkpoint, optimiser state and plot written");
    char p[4200], line[256];
    snprintf(p, sizeof p, "%s/loss.csv", dir);
    FILE *f = fopen(p, "r");
    int lines = 0;
    while (f && fgets(line, sizeof line, f)) lines++;
    if (f) fclose(f);
    OB_CHECK(lines == 7, "loss.csv: header + 6 rows (%d lines)", lines);

    ob_eval_result ev;
    int64_t conf[9];
    OB_CHECK_OK(ob_train_evaluate(ctx, m, val_ds, 7, 1, c.mean, c.std, &ev, conf));
    int64_t total = 0, diag = 0;
    for (int i = 0; i < 9; i++) total += conf[i];
    for (int i = 0; i < 3; i++) diag += conf[i * 4];
    OB_CHECK(ev.n == val_ds->n && total == ev.n && diag == ev.correct && fabs(ev.accuracy - r.val_acc[5]) < 1e-12,
             "evaluate: confusion matrix sums to %lld, diagonal %lld = correct %lld, accuracy as validation",
             (long long)total, (long long)diag, (long long)ev.correct);
    ob_model_destroy(m);
}

static void test_resume_bit_exact(void)
{
    char da[4096], db[4096];
    run_dir(da, sizeof da, "train_straight");
    run_dir(db, sizeof db, "train_resumed");
    ob_model *a = tiny_net(1), *b = tiny_net(1), *b2 = tiny_net(99);
    static ob_train_result ra, rb, rb2;
    ob_train_cfg ca = base_cfg(da, 4), cb = base_cfg(db, 2), cb2 = base_cfg(db, 4);
    OB_CHECK_OK(ob_train(ctx, a, train_ds, val_ds, &ca, &ra));
    OB_CHECK_OK(ob_train(ctx, b, train_ds, val_ds, &cb, &rb));
    /* a fresh process would build and init the net anew (another seed here: the
     * checkpoint must overwrite everything), and the cfg's seed is ignored */
    cb2.resume_dir = db;
    cb2.seed = 12345;
    OB_CHECK_OK(ob_train(ctx, b2, train_ds, val_ds, &cb2, &rb2));
    OB_CHECK(rb2.start_epoch == 2 && rb2.epochs_done == 4, "resumed at epoch 2, done 4 (%d, %d)", rb2.start_epoch,
             rb2.epochs_done);
    OB_CHECK(a->arena.n_values == b2->arena.n_values &&
                 memcmp(a->arena.values.data, b2->arena.values.data, ob_tensor_nbytes(&a->arena.values)) == 0,
             "resumed parameters are bit-identical to the uninterrupted run's");
    int same = 1;
    for (int e = 0; e < 4; e++) same &= ra.train_loss[e] == rb2.train_loss[e] && ra.val_loss[e] == rb2.val_loss[e];
    OB_CHECK(same, "the loss history is carried over and identical");
    ob_model_destroy(a), ob_model_destroy(b), ob_model_destroy(b2);
}

static int read_file(const char *dir, const char *name, unsigned char **buf, long *n)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "rb");
    if (!f) return 0;
    fseek(f, 0, SEEK_END);
    *n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *buf = malloc((size_t)*n);
    size_t got = fread(*buf, 1, (size_t)*n, f);
    fclose(f);
    return got == (size_t)*n;
}

static void test_nan_guard(void)
{
    char dir[4096];
    run_dir(dir, sizeof dir, "train_nan");
    ob_model *m = tiny_net(1);
    static ob_train_result r;
    ob_train_cfg c = base_cfg(dir, 1);
    OB_CHECK_OK(ob_train(ctx, m, train_ds, val_ds, &c, &r));
    unsigned char *before = NULL, *after = NULL;
    long nb = 0, na = 0;
    OB_CHECK(read_file(dir, "model.safetensors", &before, &nb), "epoch 1 checkpoint");
    ob_model *m2 = tiny_net(1);
    ob_train_cfg poisoned = base_cfg(dir, 3);
    poisoned.resume_dir = dir;
    poisoned.optim.lr = 1e30;
    OB_CHECK_FAILS(ob_train(ctx, m2, train_ds, val_ds, &poisoned, &r), OB_ERR_ARG);
    printf("NaN guard: %s\n", ob_last_error());
    OB_CHECK(strstr(ob_last_error(), "training diverged") && strstr(ob_last_error(), "at epoch 2") &&
                 strstr(ob_last_error(), "keeps the last good checkpoint (epoch 1)"),
             "a clear error naming the epoch and the kept checkpoint");
    OB_CHECK(read_file(dir, "model.safetensors", &after, &na) && na == nb && memcmp(before, after, (size_t)nb) == 0,
             "the last good checkpoint is untouched");
    free(before), free(after);

    /* diverging in the first epoch: nothing was written, and the message says so */
    char d2[4096];
    run_dir(d2, sizeof d2, "train_nan_first");
    ob_model *m3 = tiny_net(1);
    ob_train_cfg p2 = base_cfg(d2, 2);
    p2.optim.lr = 1e30;
    OB_CHECK_FAILS(ob_train(ctx, m3, train_ds, val_ds, &p2, &r), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "no checkpoint was written") && file_size(d2, "model.safetensors") < 0,
             "first-epoch divergence: %s", ob_last_error());
    ob_model_destroy(m), ob_model_destroy(m2), ob_model_destroy(m3);
}

static void test_bad_resume(void)
{
    char dir[4096], other[4096];
    run_dir(dir, sizeof dir, "train_bad_resume");
    run_dir(other, sizeof other, "train_bad_resume_empty");
    ob_model *m = tiny_net(1);
    static ob_train_result r;
    ob_train_cfg c = base_cfg(dir, 2);
    c.resume_dir = other;
    OB_CHECK_FAILS(ob_train(ctx, m, train_ds, val_ds, &c, &r), OB_ERR_IO);
    ob_model_destroy(m);
}

int main(void)
{
    ob_log_set_level(OB_LOG_QUIET);
    if (ob_ctx_create(&ctx, OB_BACKEND_CPU, 0) != OB_OK) return 1;
    char ti[4096], tl[4096], vi[4096], vl[4096];
    write_bars(ob_test_path(ti, sizeof ti, "bars-train-images"), ob_test_path(tl, sizeof tl, "bars-train-labels"), 240, 1);
    write_bars(ob_test_path(vi, sizeof vi, "bars-val-images"), ob_test_path(vl, sizeof vl, "bars-val-labels"), 90, 2);
    if (ob_dataset_open_idx(&train_ds, ti, tl) != OB_OK || ob_dataset_open_idx(&val_ds, vi, vl) != OB_OK) {
        fprintf(stderr, "%s\n", ob_last_error());
        return 1;
    }
    test_loss_falls();
    test_resume_bit_exact();
    test_nan_guard();
    test_bad_resume();
    ob_dataset_close(train_ds), ob_dataset_close(val_ds);
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
