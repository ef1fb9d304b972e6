/* loader.c — shuffling, batch assembly, and the prefetch ring (see ob_loader.h).
 * Three stages: order (the epoch's permutation), assemble (decode + transform
 * + copy into one batch; OpenMP over samples), deliver (a bounded ring filled
 * by one producer thread, drained by ob_loader_next). */
#include "ob_loader.h"
#include "ob_philox.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- order ------------------------------------------------------------------ */

ob_status ob_shuffle_permutation(int64_t *perm, int64_t n, uint64_t seed, int epoch)
{
    OB_REQUIRE(perm && n >= 0 && n < ((int64_t)1 << 32), "ob_shuffle_permutation: n = %lld outside 0..2^32-1",
               (long long)n);
    OB_REQUIRE(epoch >= 0 && epoch < (1 << 24), "ob_shuffle_permutation: epoch %d outside 0..2^24-1", epoch);
    for (int64_t i = 0; i < n; i++) perm[i] = i;
    for (int64_t i = n - 1; i >= 1; i--) {
        uint64_t at = ((uint64_t)epoch << 40) | (uint64_t)i;
        int64_t j = ob_philox_below(seed, OB_RNG_STREAM_SHUFFLE, at, (uint32_t)(i + 1));
        int64_t t = perm[i];
        perm[i] = perm[j], perm[j] = t;
    }
    return OB_OK;
}

/* ---- batches ------------------------------------------------------------------ */

void ob_data_batch_free(ob_data_batch *b)
{
    if (!b) return;
    ob_tensor_free(&b->images), ob_tensor_free(&b->targets);
    free(b->labels), free(b->keypoints), free(b->indices);
    memset(b, 0, sizeof *b);
}

/* Shapes b for n rows of (c, h, w) with k keypoints, reusing buffers that fit. */
static ob_status batch_shape(ob_data_batch *b, int n, const int64_t chw[3], int labels, int k)
{
    int64_t shape[4] = {n, chw[0], chw[1], chw[2]};
    int64_t have = b->images.ndim == 4 ? ob_tensor_numel(&b->images) : -1, want = n * chw[0] * chw[1] * chw[2];
    if (have >= want && b->images.owns) {
        /* re-describe the same buffer: rows, shape and strides change, storage does not */
        void *data = b->images.data;
        OB_TRY(ob_tensor_wrap(&b->images, data, OB_F32, OB_HOST, 4, shape));
        b->images.owns = 1;
    } else {
        ob_tensor_free(&b->images);
        OB_TRY(ob_tensor_alloc(&b->images, OB_F32, OB_HOST, 4, shape));
    }
    if (b->cap_rows < n || (k && !b->keypoints) || (labels && !b->labels) || !b->indices ||
        (k && b->n_kp != k)) {
        free(b->labels), free(b->keypoints), free(b->indices);
        b->labels = labels ? malloc((size_t)n * sizeof *b->labels) : NULL;
        b->keypoints = k ? malloc((size_t)n * k * 2 * sizeof *b->keypoints) : NULL;
        b->indices = malloc((size_t)n * sizeof *b->indices);
        b->cap_rows = n;
        if ((labels && !b->labels) || (k && !b->keypoints) || !b->indices)
            return OB_FAIL(OB_ERR_NOMEM, "out of memory for a batch of %d", n);
    }
    if (!labels) free(b->labels), b->labels = NULL;
    if (!k) free(b->keypoints), b->keypoints = NULL;
    b->n = n, b->n_kp = k;
    return OB_OK;
}

/* b->targets as (n, target's shape), reusing its buffer when it fits; none
 * when the samples have no target. */
static ob_status batch_targets(ob_data_batch *b, int n, const ob_tensor *t0)
{
    if (!t0->ndim) {
        ob_tensor_free(&b->targets);
        return OB_OK;
    }
    OB_REQUIRE(t0->ndim < OB_TENSOR_MAX_DIMS, "loader: a target of %d dimensions (at most %d)", t0->ndim,
               OB_TENSOR_MAX_DIMS - 1);
    int64_t shape[OB_TENSOR_MAX_DIMS];
    shape[0] = n;
    for (int d = 0; d < t0->ndim; d++) shape[d + 1] = t0->shape[d];
    const int64_t want = n * ob_tensor_numel(t0);
    if (b->targets.owns && b->targets.ndim == t0->ndim + 1 && ob_tensor_numel(&b->targets) >= want) {
        void *data = b->targets.data;
        OB_TRY(ob_tensor_wrap(&b->targets, data, OB_F32, OB_HOST, t0->ndim + 1, shape));
        b->targets.owns = 1;
        return OB_OK;
    }
    ob_tensor_free(&b->targets);
    return ob_tensor_alloc(&b->targets, OB_F32, OB_HOST, t0->ndim + 1, shape);
}

struct ob_loader {
    const ob_dataset *ds;
    ob_loader_cfg cfg;
    int64_t n_batches;
    int64_t *perm;
    int epoch;
    int64_t next_batch; /* the consumer's next batch */
    double wait_s;

    /* prefetch ring */
    pthread_t thread;
    int running, sync_inited;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int stop;
    struct slot {
        ob_data_batch b;
        ob_status status;
        char message[1024];
        int full;
    } *ring;
    int n_slots, head, tail; /* consumer reads head, producer writes tail */
};

int64_t ob_loader_num_batches(const ob_loader *l) { return l->n_batches; }
double ob_loader_wait_seconds(const ob_loader *l) { return l->wait_s; }

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Sample of row r of batch `batch`: decoded and transformed into *s. */
static ob_status fetch(const ob_loader *l, ob_sample *s, int epoch, int64_t idx)
{
    OB_TRY(ob_dataset_get_keyed(l->ds, s, idx, l->cfg.seed, epoch));
    if (l->cfg.transform) {
        ob_status st = l->cfg.transform(l->cfg.transform_user, s, l->cfg.seed, epoch, idx);
        if (st != OB_OK) {
            ob_sample_free(s);
            return st;
        }
    }
    return OB_OK;
}

/* Batch `batch` of `epoch` into *b; on failure msg holds the full message. */
static ob_status assemble(const ob_loader *l, ob_data_batch *b, int epoch, int64_t batch, char *msg, size_t cap)
{
    int64_t n_all = l->ds->n, bs = l->cfg.batch_size, first = batch * bs;
    int n = (int)(first + bs <= n_all ? bs : n_all - first);
    ob_sample *smp = calloc((size_t)n, sizeof *smp);
    ob_status *st = calloc((size_t)n, sizeof *st);
    char(*why)[512] = calloc((size_t)n, sizeof *why);
    if (!smp || !st || !why) {
        free(smp), free(st), free(why);
        snprintf(msg, cap, "epoch %d batch %lld: out of memory", epoch, (long long)batch);
        return OB_ERR_NOMEM;
    }
    int threads = l->cfg.threads > 1 ? l->cfg.threads : 1;
#pragma omp parallel for num_threads(threads) schedule(dynamic) if (threads > 1)
    for (int r = 0; r < n; r++) {
        st[r] = fetch(l, &smp[r], epoch, l->perm[first + r]);
        if (st[r] != OB_OK) snprintf(why[r], sizeof why[r], "%s", ob_last_error());
    }
    ob_status s = OB_OK;
    int bad = -1;
    for (int r = 0; r < n && bad < 0; r++)
        if (st[r] != OB_OK) bad = r, s = st[r];
    const int64_t *chw = n ? smp[0].image.shape : NULL;
    int k = l->ds->n_keypoints, labels = l->ds->n_classes > 0;
    const ob_tensor *t0 = n ? &smp[0].target : NULL;
    for (int r = 0; r < n && s == OB_OK; r++) {
        const ob_sample *x = &smp[r];
        if (x->image.ndim != 3 || x->image.shape[0] != chw[0] || x->image.shape[1] != chw[1] ||
            x->image.shape[2] != chw[2] || x->n_kp != k || x->target.ndim != t0->ndim ||
            (t0->ndim && !ob_tensor_same_shape(&x->target, t0))) {
            char a[64], c[64];
            snprintf(why[r], sizeof why[r],
                     "shape %s with %d keypoints, but the batch's first sample has %s with %d (give the dataset a "
                     "fixed size: ob_dataset_opts width/height, or crop)",
                     ob_tensor_shape_str(&x->image, a, sizeof a), x->n_kp, ob_tensor_shape_str(&smp[0].image, c, sizeof c),
                     smp[0].n_kp);
            bad = r, s = OB_ERR_ARG;
        }
    }
    int std_ok = 1;
    for (int64_t c = 0; s == OB_OK && l->cfg.normalize && c < chw[0] && c < 4; c++) std_ok &= l->cfg.std[c] > 0;
    if (s == OB_OK && l->cfg.normalize && (chw[0] > 4 || !std_ok)) {
        s = OB_ERR_ARG;
        snprintf(msg, cap, "epoch %d batch %lld: normalize needs std > 0 for each of the images' %lld channels (at most 4)",
                 epoch, (long long)batch, (long long)chw[0]);
    }
    if (s == OB_OK && n) {
        s = batch_shape(b, n, chw, labels, k);
        if (s == OB_OK) s = batch_targets(b, n, t0);
        if (s != OB_OK) snprintf(msg, cap, "epoch %d batch %lld: %s", epoch, (long long)batch, ob_last_error());
    }
    if (s == OB_OK) {
        int64_t m = chw[0] * chw[1] * chw[2];
        int64_t hw = chw[1] * chw[2];
        for (int r = 0; r < n; r++) {
            float *dst = ob_tensor_f32(&b->images) + r * m;
            memcpy(dst, ob_tensor_f32(&smp[r].image), (size_t)m * sizeof(float));
            if (l->cfg.normalize)
                for (int64_t c = 0; c < chw[0]; c++) {
                    float mu = l->cfg.mean[c], inv = 1.0f / l->cfg.std[c];
                    for (int64_t p = 0; p < hw; p++) dst[c * hw + p] = (dst[c * hw + p] - mu) * inv;
                }
            if (t0->ndim) {
                const int64_t tm = ob_tensor_numel(t0);
                memcpy(ob_tensor_f32(&b->targets) + r * tm, ob_tensor_f32(&smp[r].target), (size_t)tm * sizeof(float));
            }
            if (labels) b->labels[r] = smp[r].label;
            if (k) memcpy(b->keypoints + (int64_t)r * k * 2, smp[r].kp, (size_t)k * 2 * sizeof(float));
            b->indices[r] = l->perm[first + r];
        }
        b->epoch = epoch, b->batch = batch;
    } else if (bad >= 0) {
        int64_t idx = l->perm[first + bad];
        snprintf(msg, cap, "epoch %d batch %lld: sample %lld (%s): %s", epoch, (long long)batch, (long long)idx,
                 ob_dataset_sample_path(l->ds, idx), why[bad]);
    }
    for (int r = 0; r < n; r++) ob_sample_free(&smp[r]);
    free(smp), free(st), free(why);
    return s;
}

/* ---- deliver: the prefetch ring -------------------------------------------- */

static void *producer(void *arg)
{
    ob_loader *l = arg;
    for (int64_t batch = 0; batch < l->n_batches; batch++) {
        pthread_mutex_lock(&l->lock);
        while (!l->stop && l->ring[l->tail].full) pthread_cond_wait(&l->changed, &l->lock);
        int stop = l->stop;
        struct slot *sl = &l->ring[l->tail];
        pthread_mutex_unlock(&l->lock);
        if (stop) break;
        /* the slot is ours until marked full: the consumer only reads full slots */
        sl->status = assemble(l, &sl->b, l->epoch, batch, sl->message, sizeof sl->message);
        pthread_mutex_lock(&l->lock);
        sl->full = 1;
        l->tail = (l->tail + 1) % l->n_slots;
        pthread_cond_broadcast(&l->changed);
        pthread_mutex_unlock(&l->lock);
        if (sl->status != OB_OK) break;
    }
    return NULL;
}

static void stop_thread(ob_loader *l)
{
    if (!l->running) return;
    pthread_mutex_lock(&l->lock);
    l->stop = 1;
    pthread_cond_broadcast(&l->changed);
    pthread_mutex_unlock(&l->lock);
    pthread_join(l->thread, NULL);
    l->running = 0;
}

ob_status ob_loader_create(ob_loader **out, const ob_dataset *ds, const ob_loader_cfg *cfg)
{
    OB_REQUIRE(out && ds && cfg, "ob_loader_create: NULL argument");
    *out = NULL;
    OB_REQUIRE(cfg->batch_size >= 1, "loader: batch_size %d must be >= 1", cfg->batch_size);
    OB_REQUIRE(cfg->prefetch >= 0 && cfg->prefetch <= 64, "loader: prefetch %d outside 0..64", cfg->prefetch);
    OB_REQUIRE(!cfg->normalize || cfg->std[0] > 0, "loader: normalize std[0] = %g must be > 0", cfg->std[0]);
    OB_REQUIRE(ds->n >= 1 && ds->n < ((int64_t)1 << 32), "loader: %s has %lld samples (need 1..2^32-1)", ds->source,
               (long long)ds->n);
    ob_loader *l = calloc(1, sizeof *l);
    if (!l) return OB_FAIL(OB_ERR_NOMEM, "out of memory");
    l->ds = ds, l->cfg = *cfg, l->epoch = -1;
    l->n_batches = cfg->drop_last ? ds->n / cfg->batch_size : (ds->n + cfg->batch_size - 1) / cfg->batch_size;
    l->perm = malloc((size_t)ds->n * sizeof *l->perm);
    l->n_slots = cfg->prefetch;
    l->ring = cfg->prefetch ? calloc((size_t)cfg->prefetch, sizeof *l->ring) : NULL;
    if (!l->perm || (cfg->prefetch && !l->ring)) {
        ob_loader_destroy(l);
        return OB_FAIL(OB_ERR_NOMEM, "out of memory");
    }
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->changed, NULL);
    l->sync_inited = 1;
    *out = l;
    return OB_OK;
}

ob_status ob_loader_start_epoch(ob_loader *l, int epoch)
{
    OB_REQUIRE(l, "ob_loader_start_epoch: NULL loader");
    stop_thread(l);
    if (l->cfg.shuffle) OB_TRY(ob_shuffle_permutation(l->perm, l->ds->n, l->cfg.seed, epoch));
    else
        for (int64_t i = 0; i < l->ds->n; i++) l->perm[i] = i;
    OB_REQUIRE(epoch >= 0, "loader: epoch %d < 0", epoch);
    l->epoch = epoch, l->next_batch = 0;
    if (!l->n_slots) return OB_OK;
    for (int i = 0; i < l->n_slots; i++) l->ring[i].full = 0;
    l->head = l->tail = 0, l->stop = 0;
    if (pthread_create(&l->thread, NULL, producer, l) != 0)
        return OB_FAIL(OB_ERR_INTERNAL, "loader: cannot start the prefetch thread");
    l->running = 1;
    return OB_OK;
}

ob_status ob_loader_next(ob_loader *l, ob_data_batch *b, int *done)
{
    OB_REQUIRE(l && b && done, "ob_loader_next: NULL argument");
    OB_REQUIRE(l->epoch >= 0, "loader: ob_loader_next before ob_loader_start_epoch");
    *done = 0;
    if (l->next_batch >= l->n_batches) {
        *done = 1;
        return OB_OK;
    }
    double t0 = now_s();
    ob_status s;
    char msg[1024] = "";
    if (!l->n_slots) {
        s = assemble(l, b, l->epoch, l->next_batch, msg, sizeof msg);
    } else {
        pthread_mutex_lock(&l->lock);
        while (!l->ring[l->head].full) pthread_cond_wait(&l->changed, &l->lock);
        pthread_mutex_unlock(&l->lock);
        struct slot *sl = &l->ring[l->head];
        s = sl->status;
        if (s == OB_OK) {
            ob_data_batch t = *b;
            *b = sl->b, sl->b = t;
        } else {
            snprintf(msg, sizeof msg, "%s", sl->message);
        }
        pthread_mutex_lock(&l->lock);
        if (s == OB_OK) sl->full = 0; /* a failed slot stays: later calls repeat the error */
        if (s == OB_OK) l->head = (l->head + 1) % l->n_slots;
        pthread_cond_broadcast(&l->changed);
        pthread_mutex_unlock(&l->lock);
    }
    l->wait_s += now_s() - t0;
    if (s != OB_OK) return OB_FAIL(s, "%s", msg);
    l->next_batch++;
    return OB_OK;
}

void ob_loader_destroy(ob_loader *l)
{
    if (!l) return;
    stop_thread(l);
    if (l->ring)
        for (int i = 0; i < l->n_slots; i++) ob_data_batch_free(&l->ring[i].b);
    if (l->sync_inited) {
        pthread_mutex_destroy(&l->lock);
        pthread_cond_destroy(&l->changed);
    }
    free(l->ring), free(l->perm), free(l);
}
