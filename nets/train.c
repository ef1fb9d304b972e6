/* train.c — the training loop, validation, checkpoints and curves (ob_train.h). */
#include "ob_train.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_atomic_file.h"
#include "ob_checkpoint.h"
#include "ob_layers.h"
#include "ob_log.h"
#include "ob_loss.h"

ob_train_cfg ob_train_defaults(void)
{
    ob_train_cfg c;
    memset(&c, 0, sizeof c);
    c.epochs = 10;
    c.batch_size = 64;
    c.optim = ob_optim_defaults(OB_OPTIM_ADAM);
    c.schedule.kind = OB_LR_CONSTANT;
    c.prefetch = 2;
    return c;
}

/* ---- small helpers --------------------------------------------------------- */

static ob_status default_loss(void *user, ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *pred,
                              const ob_data_batch *b)
{
    OB_REQUIRE(b->labels != NULL, "training: the data set has no labels (cross-entropy needs them)");
    OB_REQUIRE(pred->ndim == 2, "training: cross-entropy needs (N, K) logits, the model gives %d dimensions",
               pred->ndim);
    return ob_loss_cross_entropy_at(ctx, loss, grad, pred, b->labels, b->labels_at_ctx, OB_REDUCE_MEAN);
}

/* Counts rows whose argmax equals the label; confusion[label * k + argmax]++. */
static ob_status count_correct(int64_t *correct, int64_t *confusion, int n_classes, const ob_tensor *pred,
                               const ob_data_batch *b)
{
    if (!b->labels || pred->ndim != 2) return OB_OK;
    ob_tensor host = {0};
    const ob_tensor *p = pred;
    if (pred->loc != OB_HOST) {
        OB_TRY(ob_tensor_clone_to(&host, pred, OB_HOST));
        p = &host;
    }
    const int64_t k = p->shape[1];
    const float *v = ob_tensor_f32(p);
    for (int i = 0; i < b->n; i++) {
        int64_t best = 0;
        for (int64_t j = 1; j < k; j++)
            if (v[i * k + j] > v[i * k + best]) best = j;
        *correct += best == b->labels[i];
        if (confusion && b->labels[i] >= 0 && b->labels[i] < n_classes && best < n_classes)
            confusion[(int64_t)b->labels[i] * n_classes + best]++;
    }
    ob_tensor_free(&host);
    return OB_OK;
}

static ob_status params_finite(const ob_model *m, int *finite)
{
    ob_tensor host = {0};
    const ob_tensor *v = &m->arena.values;
    if (v->loc != OB_HOST) {
        OB_TRY(ob_tensor_clone_to(&host, v, OB_HOST));
        v = &host;
    }
    const float *p = ob_tensor_f32(v);
    int ok = 1;
    for (int64_t i = 0; i < m->arena.n_values && ok; i++) ok = isfinite(p[i]);
    ob_tensor_free(&host);
    *finite = ok;
    return OB_OK;
}

/* ---- evaluation ------------------------------------------------------------ */

/* How often a loop reads the context's running loss (the progress line and
 * the NaN guard): every step on the host, where it costs nothing; every
 * OB_TRAIN_READ_EVERY steps on a GPU, where a read waits for the stream. */
enum { OB_TRAIN_READ_EVERY = 32 };

static int read_every(const ob_ctx *ctx) { return ob_ctx_location(ctx) == OB_HOST ? 1 : OB_TRAIN_READ_EVERY; }

static ob_status run_eval(ob_ctx *ctx, ob_stepper *st, ob_loader *ld, ob_eval_result *res, int64_t *confusion)
{
    OB_TRY(ob_loader_start_epoch(ld, 0));
    OB_TRY(ob_ctx_loss_reset(ctx));
    ob_data_batch b = {0};
    int64_t n = 0, correct = 0;
    ob_status s = OB_OK;
    for (;;) {
        int done = 0;
        if ((s = ob_loader_next(ld, &b, &done)) != OB_OK || done) break;
        const ob_tensor *y;
        if ((s = ob_stepper_eval(st, &b, &y)) != OB_OK) break;
        if ((s = count_correct(&correct, confusion, res->n_classes, y, &b)) != OB_OK) break;
        n += b.n;
    }
    ob_data_batch_free(&b);
    OB_TRY(s);
    ob_running_loss total;
    OB_TRY(ob_ctx_loss_read(ctx, &total));
    res->n = n;
    res->correct = correct;
    /* a non-finite batch makes the mean non-finite (the validation guard) */
    res->loss = !n ? NAN : total.bad ? total.first_bad : total.sum / (double)n;
    res->accuracy = n && res->n_classes > 0 ? (double)correct / (double)n : NAN; /* no labels: no accuracy */
    return OB_OK;
}

ob_status ob_train_evaluate(ob_ctx *ctx, ob_model *m, const ob_dataset *ds, int batch_size, int normalize,
                            const float *mean, const float *std, ob_eval_result *res, int64_t *confusion)
{
    OB_REQUIRE(batch_size >= 1, "evaluate: batch size %d", batch_size);
    ob_loader_cfg lc = {.batch_size = batch_size, .prefetch = 2, .normalize = normalize};
    if (normalize) memcpy(lc.mean, mean, sizeof lc.mean), memcpy(lc.std, std, sizeof lc.std);
    ob_loader *ld;
    OB_TRY(ob_loader_create(&ld, ds, &lc));
    memset(res, 0, sizeof *res);
    res->n_classes = ds->n_classes;
    if (confusion) memset(confusion, 0, sizeof(int64_t) * (size_t)ds->n_classes * (size_t)ds->n_classes);
    ob_stepper *st = NULL;
    ob_status s = ob_stepper_create(&st, ctx, m, NULL, default_loss, NULL, 0);
    if (s == OB_OK) s = run_eval(ctx, st, ld, res, confusion);
    ob_stepper_destroy(st);
    ob_loader_destroy(ld);
    return s;
}

/* ---- curves ---------------------------------------------------------------- */

static ob_status write_csv_cb(FILE *f, void *user)
{
    const ob_train_result *r = user;
    fprintf(f, "epoch,train_loss,val_loss,%s,lr,seconds\n", r->psnr ? "val_psnr" : "val_accuracy");
    for (int e = 0; e < r->epochs_done; e++)
        fprintf(f, "%d,%.9g,%.9g,%.9g,%.9g,%.3f\n", e + 1, r->train_loss[e], r->val_loss[e], r->val_acc[e], r->lr[e],
                r->seconds[e]);
    return ferror(f) ? OB_FAIL(OB_ERR_IO, "writing the loss curve failed") : OB_OK;
}

static void svg_polyline(FILE *f, const double *v, int n, double lo, double hi, const char *colour)
{
    fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", colour);
    for (int e = 0; e < n; e++) {
        if (!isfinite(v[e])) continue;
        double x = 60 + (n > 1 ? 500.0 * e / (n - 1) : 250.0), y = 330 - 300.0 * (v[e] - lo) / (hi - lo);
        fprintf(f, "%.1f,%.1f ", x, y);
    }
    fprintf(f, "\"/>\n");
}

/* Up to two series against the epoch, the y axis from lo to hi. */
typedef struct {
    const char *ylabel, *name[2], *what;
    const double *v[2];
    int n;
    double lo, hi;
} svg_plot;

static ob_status write_plot(FILE *f, const svg_plot *p)
{
    static const char *const colour[2] = {"#1f77b4", "#d62728"};
    const int n = p->n;
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"400\" font-family=\"sans-serif\" "
            "font-size=\"12\">\n<rect width=\"640\" height=\"400\" fill=\"white\"/>\n"
            "<line x1=\"60\" y1=\"330\" x2=\"560\" y2=\"330\" stroke=\"black\"/>\n"
            "<line x1=\"60\" y1=\"30\" x2=\"60\" y2=\"330\" stroke=\"black\"/>\n"
            "<text x=\"310\" y=\"365\" text-anchor=\"middle\">epoch</text>\n"
            "<text x=\"20\" y=\"180\" transform=\"rotate(-90 20 180)\" text-anchor=\"middle\">%s</text>\n",
            p->ylabel);
    for (int t = 0; t <= 4; t++) {
        double y = 330 - 75.0 * t;
        fprintf(f, "<line x1=\"56\" y1=\"%.1f\" x2=\"60\" y2=\"%.1f\" stroke=\"black\"/>", y, y);
        fprintf(f, "<text x=\"52\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>\n", y + 4, p->lo + (p->hi - p->lo) * t / 4);
    }
    for (int e = 0; e < n; e++) {
        double x = 60 + (n > 1 ? 500.0 * e / (n - 1) : 250.0);
        if (n <= 20 || e % (n / 10) == 0)
            fprintf(f, "<text x=\"%.1f\" y=\"346\" text-anchor=\"middle\">%d</text>\n", x, e + 1);
    }
    for (int k = 0; k < 2; k++)
        if (p->v[k]) {
            svg_polyline(f, p->v[k], n, p->lo, p->hi, colour[k]);
            fprintf(f, "<text x=\"570\" y=\"%d\" fill=\"%s\">%s</text>\n", 40 + 18 * k, colour[k], p->name[k]);
        }
    fprintf(f, "</svg>\n");
    return ferror(f) ? OB_FAIL(OB_ERR_IO, "writing the %s plot failed", p->what) : OB_OK;
}

/* Train and validation loss against the epoch: axes from 0 to the largest loss. */
static ob_status write_svg_cb(FILE *f, void *user)
{
    const ob_train_result *r = user;
    const int n = r->epochs_done;
    double hi = 0;
    for (int e = 0; e < n; e++) {
        if (isfinite(r->train_loss[e])) hi = fmax(hi, r->train_loss[e]);
        if (isfinite(r->val_loss[e])) hi = fmax(hi, r->val_loss[e]);
    }
    if (!(hi > 0)) hi = 1;
    const svg_plot p = {"loss", {"train", "validation"}, "loss", {r->train_loss, r->val_loss}, n, 0, hi};
    return write_plot(f, &p);
}

/* Validation PSNR against the epoch, the axis around its range. */
static ob_status write_psnr_svg_cb(FILE *f, void *user)
{
    const ob_train_result *r = user;
    const int n = r->epochs_done;
    double lo = INFINITY, hi = -INFINITY;
    for (int e = 0; e < n; e++)
        if (isfinite(r->val_acc[e])) lo = fmin(lo, r->val_acc[e]), hi = fmax(hi, r->val_acc[e]);
    if (!(hi > lo)) lo = isfinite(lo) ? lo - 1 : 0, hi = lo + 2;
    const svg_plot p = {"validation PSNR (dB)", {"validation", NULL}, "PSNR", {r->val_acc, NULL}, n,
                        floor(lo - 0.5), ceil(hi + 0.5)};
    return write_plot(f, &p);
}

/* ---- checkpoints ----------------------------------------------------------- */

typedef struct {
    ob_named_tensor *t;
    int n;
} named_list;

static ob_status collect(named_list *nl, const ob_model *m)
{
    int cap = m->n_nodes * OB_LAYER_MAX_PARAMS;
    nl->t = calloc((size_t)cap, sizeof *nl->t);
    OB_REQUIRE(nl->t != NULL, "training: out of memory");
    return ob_checkpoint_collect(nl->t, cap, &nl->n, m->layers, m->prefixes, m->n_nodes);
}

static void path_in(char *buf, size_t n, const char *dir, const char *name) { snprintf(buf, n, "%s/%s", dir, name); }

static char *history_string(const ob_train_result *r)
{
    size_t cap = 128 + (size_t)r->epochs_done * 128, len = 0;
    char *s = malloc(cap);
    if (!s) return NULL;
    s[0] = '\0';
    for (int e = 0; e < r->epochs_done; e++)
        len += (size_t)snprintf(s + len, cap - len, "%s%.17g,%.17g,%.17g,%.17g,%.17g", e ? ";" : "", r->train_loss[e],
                                r->val_loss[e], r->val_acc[e], r->lr[e], r->seconds[e]);
    return s;
}

static ob_status parse_history(ob_train_result *r, const char *h, int epochs, const char *path)
{
    const char *p = h;
    for (int e = 0; e < epochs; e++) {
        double *dst[5] = {&r->train_loss[e], &r->val_loss[e], &r->val_acc[e], &r->lr[e], &r->seconds[e]};
        for (int k = 0; k < 5; k++) {
            char *end;
            *dst[k] = strtod(p, &end);
            if (end == p || (*end != (k < 4 ? ',' : (e + 1 < epochs ? ';' : '\0'))))
                return OB_FAIL(OB_ERR_FORMAT, "%s: the training history in the metadata is malformed", path);
            p = *end ? end + 1 : end;
        }
    }
    return OB_OK;
}

static ob_status save_epoch(const ob_model *m, const ob_optim *o, const named_list *nl, const ob_train_cfg *cfg,
                            uint64_t seed, int batch, const ob_train_result *r)
{
    char path[4096];
    path_in(path, sizeof path, cfg->run_dir, "model.optim.safetensors");
    OB_TRY(ob_optim_save(o, path, m->layers, m->prefixes, m->n_nodes));
    char *hist = history_string(r);
    OB_REQUIRE(hist != NULL, "training: out of memory");
    size_t cap = strlen(hist) + (cfg->metadata ? strlen(cfg->metadata) : 0) + 512;
    char *meta = malloc(cap);
    if (!meta) {
        free(hist);
        return OB_FAIL(OB_ERR_NOMEM, "training: out of memory");
    }
    snprintf(meta, cap,
             "{%s%s\"format\": \"obscura-train\", \"epoch\": \"%d\", \"step\": \"%lld\", \"seed\": \"%llu\", "
             "\"batch\": \"%d\", \"history\": \"%s\"}",
             cfg->metadata ? cfg->metadata : "", cfg->metadata && cfg->metadata[0] ? ", " : "", r->epochs_done,
             (long long)o->step, (unsigned long long)seed, batch, hist);
    path_in(path, sizeof path, cfg->run_dir, "model.safetensors");
    ob_status s = ob_checkpoint_save(path, nl->t, nl->n, meta);
    free(meta), free(hist);
    OB_TRY(s);
    path_in(path, sizeof path, cfg->run_dir, "loss.csv");
    OB_TRY(ob_atomic_write(path, write_csv_cb, (void *)r));
    path_in(path, sizeof path, cfg->run_dir, "loss.svg");
    OB_TRY(ob_atomic_write(path, write_svg_cb, (void *)r));
    if (!r->psnr) return OB_OK;
    path_in(path, sizeof path, cfg->run_dir, "psnr.svg");
    return ob_atomic_write(path, write_psnr_svg_cb, (void *)r);
}

static ob_status meta_int(long long *out, const ob_checkpoint_meta *meta, const char *key, const char *path)
{
    const char *v = ob_checkpoint_meta_get(meta, key);
    char *end;
    errno = 0;
    long long x = v ? strtoll(v, &end, 10) : -1;
    if (!v || *end || errno || x < 0)
        return OB_FAIL(OB_ERR_FORMAT, "%s: no training state (metadata \"%s\" is %s)", path, key, v ? v : "missing");
    *out = x;
    return OB_OK;
}

typedef struct {
    int epoch, batch;
    uint64_t seed;
} resume_state;

static ob_status load_resume(resume_state *rs, ob_model *m, ob_optim *o, const named_list *nl, const char *dir,
                             ob_train_result *r)
{
    char path[4096], opath[4096];
    path_in(path, sizeof path, dir, "model.safetensors");
    path_in(opath, sizeof opath, dir, "model.optim.safetensors");
    ob_checkpoint_meta meta = {0};
    OB_TRY(ob_checkpoint_load(path, nl->t, nl->n, &meta));
    long long epoch = 0, step = 0, seed = 0, batch = 0;
    ob_status s = meta_int(&epoch, &meta, "epoch", path);
    if (s == OB_OK) s = meta_int(&step, &meta, "step", path);
    if (s == OB_OK) s = meta_int(&seed, &meta, "seed", path);
    if (s == OB_OK) s = meta_int(&batch, &meta, "batch", path);
    if (s == OB_OK && (epoch > OB_TRAIN_MAX_EPOCHS || batch < 1 || batch > (1 << 24)))
        s = OB_FAIL(OB_ERR_FORMAT, "%s: epoch %lld or batch %lld out of range", path, epoch, batch);
    const char *hist = ob_checkpoint_meta_get(&meta, "history");
    if (s == OB_OK) s = parse_history(r, hist ? hist : "", (int)epoch, path);
    ob_checkpoint_meta_free(&meta);
    OB_TRY(s);
    OB_TRY(ob_optim_load(o, opath, m->layers, m->prefixes, m->n_nodes));
    if (o->step != step)
        return OB_FAIL(OB_ERR_FORMAT, "%s is at step %lld but %s at step %lld: the pair is from different epochs",
                       path, step, opath, (long long)o->step);
    rs->epoch = (int)epoch, rs->batch = (int)batch, rs->seed = (uint64_t)seed;
    r->epochs_done = r->start_epoch = (int)epoch;
    /* dropout masks and a VAE's eps are keyed by the training forwards done: one per step */
    for (int i = 0; i < m->n_nodes; i++) {
        if (strcmp(m->layers[i]->ops->kind, "dropout") == 0) ob_dropout_set_step(m->layers[i], (uint64_t)step);
        if (strcmp(m->layers[i]->ops->kind, "vae_sample") == 0) ob_vae_sample_set_step(m->layers[i], (uint64_t)step);
    }
    return OB_OK;
}

/* ---- the loop -------------------------------------------------------------- */

typedef struct {
    ob_ctx *ctx;
    ob_model *m;
    ob_optim *opt;
    const ob_train_cfg *cfg;
    ob_stepper *st;
    char label[160];
    const char *last_good; /* for the NaN guard's message */
} trainer;

static ob_status diverged(const trainer *t, const char *what, double v, int epoch, long long batch)
{
    return OB_FAIL(OB_ERR_ARG,
                   "training diverged: %s is %s at epoch %d batch %lld (lr %g); stopped — %s", what,
                   isnan(v) ? "NaN" : v > 0 ? "+inf" : "-inf", epoch + 1,
                   batch + 1, t->opt->cfg.lr, t->last_good);
}

/* The running loss so far: its sum, or the NaN guard's error naming the
 * first non-finite batch. */
static ob_status read_loss(trainer *t, double *sum, int epoch)
{
    ob_running_loss r;
    OB_TRY(ob_ctx_loss_read(t->ctx, &r));
    if (r.bad) return diverged(t, "the training loss", r.first_bad, epoch, r.first_bad_tag);
    *sum = r.sum;
    return OB_OK;
}

/* One epoch. The loss stays on the device: each step's loss call adds
 * rows * loss to the context's running loss, read every read_every() steps
 * (progress line, NaN guard) and at the end (the epoch's mean). On a GPU a
 * non-finite loss is therefore seen up to OB_TRAIN_READ_EVERY - 1 steps
 * late; the error still names its batch, and nothing of the epoch is saved. */
static ob_status train_epoch(trainer *t, ob_loader *ld, int epoch, double *mean_loss, int64_t *images)
{
    OB_TRY(ob_loader_start_epoch(ld, epoch));
    OB_TRY(ob_ctx_loss_reset(t->ctx));
    ob_progress p;
    snprintf(t->label, sizeof t->label, "epoch %d/%d", epoch + 1, t->cfg->epochs);
    ob_progress_begin(&p, t->label, ob_loader_num_batches(ld));
    ob_data_batch b = {0};
    double sum = 0, t0 = ob_now_seconds();
    int64_t n = 0, steps = 0;
    const int every = read_every(t->ctx);
    ob_status s = OB_OK;
    for (;;) {
        int done = 0;
        if ((s = ob_loader_next(ld, &b, &done)) != OB_OK || done) break;
        if ((s = ob_stepper_train(t->st, &b)) != OB_OK) break;
        n += b.n;
        if (++steps % every == 0) {
            if ((s = read_loss(t, &sum, epoch)) != OB_OK) break;
            double dt = ob_now_seconds() - t0;
            snprintf(t->label, sizeof t->label, "epoch %d/%d loss %.4f %.0f img/s", epoch + 1, t->cfg->epochs,
                     sum / (double)n, dt > 0 ? (double)n / dt : 0.0);
        }
        ob_progress_step(&p, 1);
    }
    ob_progress_end(&p);
    ob_data_batch_free(&b);
    OB_TRY(s);
    OB_TRY(read_loss(t, &sum, epoch));
    *mean_loss = n ? sum / (double)n : NAN;
    *images = n;
    return OB_OK;
}

static ob_status check_cfg(const ob_train_cfg *c, const ob_dataset *train)
{
    OB_REQUIRE(c->epochs >= 1 && c->epochs <= OB_TRAIN_MAX_EPOCHS, "training: epochs %d outside 1..%d", c->epochs,
               OB_TRAIN_MAX_EPOCHS);
    OB_REQUIRE(c->batch_size >= 1, "training: batch size %d", c->batch_size);
    OB_REQUIRE(c->run_dir && c->run_dir[0], "training: no run folder");
    OB_REQUIRE(train && train->n > 0, "training: empty training set");
    if (c->schedule.kind != OB_LR_CONSTANT) OB_TRY(ob_lr_schedule_check(&c->schedule));
    return OB_OK;
}

static ob_status train_loop(trainer *t, const ob_dataset *train, const ob_dataset *val, ob_train_result *res,
                            const named_list *nl)
{
    const ob_train_cfg *cfg = t->cfg;
    resume_state rs = {0, cfg->batch_size, cfg->seed};
    if (cfg->resume_dir) OB_TRY(load_resume(&rs, t->m, t->opt, nl, cfg->resume_dir, res));
    char good[4400];
    if (rs.epoch > 0)
        snprintf(good, sizeof good, "%s/model.safetensors keeps the last good checkpoint (epoch %d)", cfg->run_dir,
                 rs.epoch);
    else
        snprintf(good, sizeof good, "no checkpoint was written (no epoch of this run finished)");
    t->last_good = good;
    ob_loader_cfg lc = {.batch_size = rs.batch, .shuffle = 1, .seed = rs.seed, .prefetch = cfg->prefetch,
                        .threads = cfg->threads, .transform = cfg->transform, .transform_user = cfg->transform_user,
                        .normalize = cfg->normalize};
    memcpy(lc.mean, cfg->mean, sizeof lc.mean), memcpy(lc.std, cfg->std, sizeof lc.std);
    ob_loader_cfg vc = {.batch_size = rs.batch, .prefetch = cfg->prefetch, .threads = cfg->threads,
                        .normalize = cfg->normalize};
    memcpy(vc.mean, cfg->mean, sizeof vc.mean), memcpy(vc.std, cfg->std, sizeof vc.std);
    ob_loader *ld = NULL, *vl = NULL;
    OB_TRY(ob_loader_create(&ld, train, &lc));
    ob_status s = val ? ob_loader_create(&vl, val, &vc) : OB_OK;
    ob_lr_schedule sched = cfg->schedule;
    if (sched.kind == OB_LR_CONSTANT || sched.base_lr == 0) sched.base_lr = cfg->optim.lr;
    const double t_start = ob_now_seconds();
    int64_t images = 0;
    for (int e = rs.epoch; e < cfg->epochs && s == OB_OK; e++) {
        const double t0 = ob_now_seconds();
        ob_optim_set_lr(t->opt, sched.kind == OB_LR_CONSTANT ? sched.base_lr : ob_lr_at(&sched, e));
        double tl = NAN;
        int64_t ni = 0;
        ob_eval_result ev = {.loss = NAN, .accuracy = NAN, .n_classes = val ? val->n_classes : 0};
        int finite = 1;
        if ((s = train_epoch(t, ld, e, &tl, &ni)) != OB_OK) break;
        images += ni;
        if (vl && (s = run_eval(t->ctx, t->st, vl, &ev, NULL)) != OB_OK) break;
        if ((s = params_finite(t->m, &finite)) != OB_OK) break;
        if (!finite) {
            s = diverged(t, "a parameter", NAN, e, ob_loader_num_batches(ld) - 1);
            break;
        }
        if (vl && !isfinite(ev.loss)) {
            s = diverged(t, "the validation loss", ev.loss, e, ob_loader_num_batches(ld) - 1);
            break;
        }
        /* PSNR of an MSE over values in [0, 1] */
        const double metric = cfg->psnr ? (vl ? 10.0 * log10(1.0 / ev.loss) : NAN) : ev.accuracy;
        res->train_loss[e] = tl, res->val_loss[e] = ev.loss, res->val_acc[e] = metric;
        res->lr[e] = t->opt->cfg.lr, res->seconds[e] = ob_now_seconds() - t0;
        res->epochs_done = e + 1;
        if ((s = save_epoch(t->m, t->opt, nl, cfg, rs.seed, rs.batch, res)) != OB_OK) break;
        if (cfg->on_epoch && (s = cfg->on_epoch(cfg->epoch_user, t->ctx, t->m, e, res)) != OB_OK) break;
        snprintf(good, sizeof good, "%s/model.safetensors keeps the last good checkpoint (epoch %d)", cfg->run_dir,
                 e + 1);
        if (!cfg->quiet && cfg->psnr)
            ob_log_info("epoch %d/%d: train loss %.6f, val loss %.6f, val PSNR %.2f dB, lr %.3g, %.1f s (%.0f img/s)",
                        e + 1, cfg->epochs, tl, ev.loss, metric, t->opt->cfg.lr, res->seconds[e],
                        (double)ni / res->seconds[e]);
        else if (!cfg->quiet && !isfinite(ev.accuracy)) /* no labels (keypoints), or no validation */
            ob_log_info("epoch %d/%d: train loss %.5g, val loss %.5g, lr %.3g, %.1f s (%.0f img/s)", e + 1,
                        cfg->epochs, tl, ev.loss, t->opt->cfg.lr, res->seconds[e], (double)ni / res->seconds[e]);
        else if (!cfg->quiet)
            ob_log_info("epoch %d/%d: train loss %.4f, val loss %.4f, val accuracy %.2f%%, lr %.3g, %.1f s (%.0f img/s)",
                        e + 1, cfg->epochs, tl, ev.loss, 100.0 * ev.accuracy, t->opt->cfg.lr, res->seconds[e],
                        (double)ni / res->seconds[e]);
    }
    res->total_seconds = ob_now_seconds() - t_start;
    res->images_per_s = res->total_seconds > 0 ? (double)images / res->total_seconds : 0;
    ob_loader_destroy(vl);
    ob_loader_destroy(ld);
    return s;
}

ob_status ob_train(ob_ctx *ctx, ob_model *m, const ob_dataset *train, const ob_dataset *val, const ob_train_cfg *cfg,
                   ob_train_result *res)
{
    OB_TRY(check_cfg(cfg, train));
    OB_REQUIRE(m->allocated, "training: the model's parameters are not allocated");
    memset(res, 0, sizeof *res);
    res->psnr = cfg->psnr;
    ob_optim *opt;
    OB_TRY(ob_optim_create(&opt, &cfg->optim, &m->arena, m->layers, m->n_nodes));
    named_list nl = {0};
    ob_status s = collect(&nl, m);
    trainer t = {.ctx = ctx, .m = m, .opt = opt, .cfg = cfg};
    if (s == OB_OK)
        s = ob_stepper_create(&t.st, ctx, m, opt, cfg->loss ? cfg->loss : default_loss,
                              cfg->loss ? cfg->loss_user : NULL, !cfg->no_cuda_graphs);
    if (s == OB_OK) s = train_loop(&t, train, val, res, &nl);
    if (t.st) {
        ob_stepper_stats ss;
        ob_stepper_get_stats(t.st, &ss);
        res->steps_eager = ss.eager, res->steps_captured = ss.captured, res->steps_replayed = ss.replayed;
        snprintf(res->graphs_off, sizeof res->graphs_off, "%s", ss.graphs_off);
    }
    ob_stepper_destroy(t.st);
    free(nl.t);
    ob_optim_destroy(opt);
    return s;
}
