/* test_loader.c — shuffling is a seeded permutation (same (seed, epoch) -> same
 * order, other epochs differ, golden values pin it across machines), batches
 * cover every sample once per epoch (drop_last too), prefetching gives the same
 * batches as synchronous loading at any depth and thread count, a failing
 * sample is reported with its index and file after the batches before it,
 * destroying mid-epoch shuts the thread down, and prefetch hides decode time. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ob_loader.h"
#include "ob_test.h"

/* A synthetic set: image (2, 3, 4) filled with i + 0.01 * pixel, label i % 7,
 * keypoints (i, -i) and (2i, 0.5); sample `fail_at` fails; get sleeps. */
typedef struct {
    int64_t fail_at;
    long sleep_ns;
    int odd_shape_at;
} synth;

static ob_status synth_get(const ob_dataset *ds, ob_sample *out, int64_t i)
{
    const synth *sy = ds->state;
    if (sy->sleep_ns) nanosleep(&(struct timespec){0, sy->sleep_ns}, NULL);
    if (i == sy->fail_at) return OB_FAIL(OB_ERR_FORMAT, "synthetic/%lld.png: corrupt", (long long)i);
    int64_t shape[3] = {2, 3, i == sy->odd_shape_at ? 5 : 4};
    OB_TRY(ob_tensor_alloc(&out->image, OB_F32, OB_HOST, 3, shape));
    for (int p = 0; p < ob_tensor_numel(&out->image); p++) ob_tensor_f32(&out->image)[p] = (float)i + 0.01f * p;
    out->label = (int)(i % 7);
    out->n_kp = 2;
    out->kp = malloc(4 * sizeof(float));
    out->kp[0] = (float)i, out->kp[1] = (float)-i, out->kp[2] = 2.0f * i, out->kp[3] = 0.5f;
    return OB_OK;
}

static const char *synth_path(const ob_dataset *ds, int64_t i)
{
    static _Thread_local char buf[64];
    snprintf(buf, sizeof buf, "synthetic/%lld.png", (long long)i);
    return buf;
}

static ob_dataset make_synth(synth *sy, int64_t n)
{
    ob_dataset ds = {.n = n, .n_classes = 7, .n_keypoints = 2, .get = synth_get, .sample_path = synth_path, .state = sy};
    snprintf(ds.source, sizeof ds.source, "synthetic");
    return ds;
}

static void test_permutation(void)
{
    enum { N = 1000 };
    static int64_t a[N], b[N], c[N];
    OB_CHECK_OK(ob_shuffle_permutation(a, N, 42, 0));
    OB_CHECK_OK(ob_shuffle_permutation(b, N, 42, 0));
    OB_CHECK_OK(ob_shuffle_permutation(c, N, 42, 1));
    static char seen[N];
    int dup = 0, same_ab = 1, same_ac = 0, fixed = 0;
    for (int i = 0; i < N; i++) {
        if (a[i] < 0 || a[i] >= N || seen[a[i]]) dup++;
        else seen[a[i]] = 1;
        same_ab &= a[i] == b[i];
        same_ac += a[i] == c[i];
        fixed += a[i] == i;
    }
    OB_CHECK(dup == 0, "permutation: %d repeated/out-of-range entries", dup);
    OB_CHECK(same_ab, "same (seed, epoch) gives the same order");
    OB_CHECK(same_ac < 20, "epochs 0 and 1 agree at %d of %d places (expected ~1)", same_ac, N);
    OB_CHECK(fixed < 20, "%d fixed points (expected ~1)", fixed);
    OB_CHECK_OK(ob_shuffle_permutation(c, N, 43, 0));
    int same_seed = 0;
    for (int i = 0; i < N; i++) same_seed += a[i] == c[i];
    OB_CHECK(same_seed < 20, "seeds 42 and 43 agree at %d places", same_seed);
    /* golden: Philox4x32-10 is specified bit for bit, so this order is the same
     * on every machine; a change here breaks reproducibility of old runs */
    int64_t g[10];
    OB_CHECK_OK(ob_shuffle_permutation(g, 10, 42, 3));
    static const int64_t golden[10] = {2, 4, 6, 1, 0, 8, 7, 5, 9, 3};
    int ok = 1;
    for (int i = 0; i < 10; i++) ok &= g[i] == golden[i];
    OB_CHECK(ok, "golden order of (seed 42, epoch 3, n 10): got %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld",
             (long long)g[0], (long long)g[1], (long long)g[2], (long long)g[3], (long long)g[4], (long long)g[5],
             (long long)g[6], (long long)g[7], (long long)g[8], (long long)g[9]);
    OB_CHECK_FAILS(ob_shuffle_permutation(g, 10, 42, -1), OB_ERR_ARG);
}

/* Runs `epochs` epochs; checks coverage; returns a checksum-free copy of all
 * batches' contents (caller frees) for comparisons. */
typedef struct {
    float *images, *kp;
    int32_t *labels;
    int64_t *indices;
    int64_t rows;
} dump;

static void dump_free(dump *d) { free(d->images), free(d->kp), free(d->labels), free(d->indices); }

static dump run(const ob_dataset *ds, ob_loader_cfg cfg, int epochs, int check_cover)
{
    dump d = {0};
    int64_t cap = ds->n * epochs;
    d.images = malloc((size_t)cap * 24 * sizeof(float));
    d.kp = malloc((size_t)cap * 4 * sizeof(float));
    d.labels = malloc((size_t)cap * sizeof(int32_t));
    d.indices = malloc((size_t)cap * sizeof(int64_t));
    ob_loader *l = NULL;
    OB_CHECK_OK(ob_loader_create(&l, ds, &cfg));
    if (!l) return d;
    ob_data_batch b = {0};
    int64_t expect_batches = cfg.drop_last ? ds->n / cfg.batch_size : (ds->n + cfg.batch_size - 1) / cfg.batch_size;
    OB_CHECK(ob_loader_num_batches(l) == expect_batches, "num_batches %lld", (long long)ob_loader_num_batches(l));
    char *count = calloc((size_t)ds->n, 1);
    for (int e = 0; e < epochs; e++) {
        OB_CHECK_OK(ob_loader_start_epoch(l, e));
        memset(count, 0, (size_t)ds->n);
        int done = 0, nb = 0;
        int64_t rows = 0;
        while (ob_loader_next(l, &b, &done) == OB_OK && !done) {
            OB_CHECK(b.epoch == e && b.batch == nb && b.images.shape[0] == b.n && b.images.shape[1] == 2 &&
                         b.n_kp == 2 && b.labels && b.keypoints,
                     "batch %d of epoch %d: header", nb, e);
            OB_CHECK(b.n == cfg.batch_size || (!cfg.drop_last && nb == expect_batches - 1), "batch %d has %d rows", nb,
                     b.n);
            for (int r = 0; r < b.n; r++) {
                count[b.indices[r]]++;
                memcpy(d.images + d.rows * 24, ob_tensor_f32(&b.images) + r * 24, 24 * sizeof(float));
                memcpy(d.kp + d.rows * 4, b.keypoints + r * 4, 4 * sizeof(float));
                d.labels[d.rows] = b.labels[r], d.indices[d.rows] = b.indices[r];
                d.rows++;
            }
            rows += b.n, nb++;
        }
        OB_CHECK(nb == expect_batches, "epoch %d: %d batches, expected %lld", e, nb, (long long)expect_batches);
        if (check_cover) {
            int64_t once = 0, twice = 0;
            for (int64_t i = 0; i < ds->n; i++) once += count[i] == 1, twice += count[i] > 1;
            int64_t want = cfg.drop_last ? expect_batches * cfg.batch_size : ds->n;
            OB_CHECK(once == want && twice == 0 && rows == want, "epoch %d: %lld samples once, %lld repeated, want %lld",
                     e, (long long)once, (long long)twice, (long long)want);
        }
    }
    free(count);
    ob_data_batch_free(&b);
    ob_loader_destroy(l);
    return d;
}

static int same_dump(const dump *a, const dump *b)
{
    if (a->rows != b->rows) return 0;
    return !memcmp(a->images, b->images, (size_t)a->rows * 24 * sizeof(float)) &&
           !memcmp(a->kp, b->kp, (size_t)a->rows * 4 * sizeof(float)) &&
           !memcmp(a->labels, b->labels, (size_t)a->rows * sizeof(int32_t)) &&
           !memcmp(a->indices, b->indices, (size_t)a->rows * sizeof(int64_t));
}

static void test_batches(void)
{
    synth sy = {.fail_at = -1, .odd_shape_at = -1};
    ob_dataset ds = make_synth(&sy, 103);
    ob_loader_cfg cfg = {.batch_size = 10, .shuffle = 1, .seed = 7};
    dump sync = run(&ds, cfg, 3, 1);
    /* contents follow the indices */
    int ok = 1;
    for (int64_t r = 0; r < sync.rows; r++) {
        int64_t i = sync.indices[r];
        ok &= sync.images[r * 24 + 5] == (float)i + 0.01f * 5 && sync.labels[r] == i % 7 && sync.kp[r * 4 + 2] == 2.0f * i;
    }
    OB_CHECK(ok, "rows carry their sample's image, label and keypoints");
    OB_CHECK(sync.indices[0] != sync.indices[103] || sync.indices[1] != sync.indices[104], "epochs differ in order");
    for (int p = 1; p <= 3; p++)
        for (int t = 1; t <= 2; t++) {
            ob_loader_cfg c2 = cfg;
            c2.prefetch = p, c2.threads = t;
            dump pre = run(&ds, c2, 3, 0);
            OB_CHECK(same_dump(&sync, &pre), "prefetch %d threads %d: same batches as synchronous loading", p, t);
            dump_free(&pre);
        }
    cfg.drop_last = 1, cfg.prefetch = 2;
    dump dl = run(&ds, cfg, 2, 1);
    OB_CHECK(dl.rows == 200, "drop_last: %lld rows over 2 epochs", (long long)dl.rows);
    dump_free(&dl);
    cfg.shuffle = 0, cfg.drop_last = 0;
    dump inorder = run(&ds, cfg, 1, 1);
    ok = 1;
    for (int64_t r = 0; r < inorder.rows; r++) ok &= inorder.indices[r] == r;
    OB_CHECK(ok, "shuffle 0 visits samples in order");
    dump_free(&inorder);
    dump_free(&sync);
}

static void test_errors(void)
{
    synth sy = {.fail_at = 57, .odd_shape_at = -1};
    ob_dataset ds = make_synth(&sy, 103);
    for (int p = 0; p <= 2; p++) {
        ob_loader *l;
        ob_loader_cfg cfg = {.batch_size = 10, .prefetch = p, .threads = p ? 2 : 1};
        OB_CHECK_OK(ob_loader_create(&l, &ds, &cfg));
        OB_CHECK_OK(ob_loader_start_epoch(l, 0));
        ob_data_batch b = {0};
        int done = 0, got = 0;
        ob_status s;
        while ((s = ob_loader_next(l, &b, &done)) == OB_OK && !done) got++;
        OB_CHECK(s == OB_ERR_FORMAT && got == 5, "prefetch %d: error after %d good batches (%s)", p, got,
                 ob_status_name(s));
        OB_CHECK(strstr(ob_last_error(), "sample 57") && strstr(ob_last_error(), "synthetic/57.png") &&
                     strstr(ob_last_error(), "batch 5"),
                 "prefetch %d: message names the sample, file and batch: %s", p, ob_last_error());
        OB_CHECK_FAILS(ob_loader_next(l, &b, &done), OB_ERR_FORMAT); /* stays failed */
        /* the next epoch starts cleanly (and fails again at the same sample) */
        OB_CHECK_OK(ob_loader_start_epoch(l, 1));
        OB_CHECK_OK(ob_loader_next(l, &b, &done));
        ob_data_batch_free(&b);
        ob_loader_destroy(l);
    }
    sy.fail_at = -1, sy.odd_shape_at = 3;
    ob_loader *l;
    OB_CHECK_OK(ob_loader_create(&l, &ds, &(ob_loader_cfg){.batch_size = 10}));
    OB_CHECK_OK(ob_loader_start_epoch(l, 0));
    ob_data_batch b = {0};
    int done;
    OB_CHECK_FAILS(ob_loader_next(l, &b, &done), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "sample 3"), "shape mismatch names the sample: %s", ob_last_error());
    ob_loader_destroy(l);
    OB_CHECK_FAILS(ob_loader_create(&l, &ds, &(ob_loader_cfg){.batch_size = 0}), OB_ERR_ARG);
    /* destroy while the thread is mid-epoch, its ring full */
    sy.odd_shape_at = -1, sy.sleep_ns = 200000;
    OB_CHECK_OK(ob_loader_create(&l, &ds, &(ob_loader_cfg){.batch_size = 4, .prefetch = 3, .shuffle = 1}));
    OB_CHECK_OK(ob_loader_start_epoch(l, 0));
    OB_CHECK_OK(ob_loader_next(l, &b, &done));
    ob_loader_destroy(l);
    ob_data_batch_free(&b);
}

/* The transform sees (seed, epoch, dataset index), whatever the thread. */
static ob_status add_tag(void *user, ob_sample *s, uint64_t seed, int epoch, int64_t index)
{
    ob_tensor_f32(&s->image)[0] = (float)(seed * 1000000 + (uint64_t)epoch * 1000 + (uint64_t)index);
    return OB_OK;
}

static void test_transform(void)
{
    synth sy = {.fail_at = -1, .odd_shape_at = -1};
    ob_dataset ds = make_synth(&sy, 50);
    ob_loader *l;
    OB_CHECK_OK(ob_loader_create(&l, &ds, &(ob_loader_cfg){.batch_size = 8, .shuffle = 1, .seed = 3, .prefetch = 2,
                                                             .threads = 2, .transform = add_tag}));
    ob_data_batch b = {0};
    int bad = 0, done = 0;
    for (int e = 0; e < 2; e++) {
        OB_CHECK_OK(ob_loader_start_epoch(l, e));
        while (ob_loader_next(l, &b, &done) == OB_OK && !done)
            for (int r = 0; r < b.n; r++)
                bad += ob_tensor_f32(&b.images)[r * 24] != (float)(3000000 + e * 1000 + b.indices[r]);
    }
    OB_CHECK(bad == 0, "transform got (seed, epoch, index): %d rows wrong", bad);
    ob_data_batch_free(&b);
    ob_loader_destroy(l);
}

/* normalize: (x - mean[c]) / std[c] per channel; a zero std for a used channel is refused. */
static void test_normalize(void)
{
    synth sy = {.fail_at = -1, .odd_shape_at = -1};
    ob_dataset ds = make_synth(&sy, 6);
    ob_loader *l;
    OB_CHECK_OK(ob_loader_create(&l, &ds, &(ob_loader_cfg){.batch_size = 6, .normalize = 1, .mean = {0.5f, 1.0f},
                                                             .std = {0.25f, 2.0f}}));
    OB_CHECK_OK(ob_loader_start_epoch(l, 0));
    ob_data_batch b = {0};
    int done, ok = 1;
    OB_CHECK_OK(ob_loader_next(l, &b, &done));
    for (int r = 0; r < b.n; r++)
        for (int c = 0; c < 2; c++)
            for (int p = 0; p < 12; p++) {
                float x = (float)r + 0.01f * (c * 12 + p), want = c ? (x - 1.0f) / 2.0f : (x - 0.5f) / 0.25f;
                ok &= fabsf(ob_tensor_f32(&b.images)[r * 24 + c * 12 + p] - want) < 1e-5f;
            }
    OB_CHECK(ok, "normalized batch");
    ob_loader_destroy(l);
    OB_CHECK_OK(ob_loader_create(&l, &ds, &(ob_loader_cfg){.batch_size = 6, .normalize = 1, .std = {1}}));
    OB_CHECK_OK(ob_loader_start_epoch(l, 0));
    OB_CHECK_FAILS(ob_loader_next(l, &b, &done), OB_ERR_ARG); /* channel 1 has std 0 */
    ob_loader_destroy(l);
    ob_data_batch_free(&b);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Decode 4 x 2 ms per batch, compute 20 ms: with prefetch the consumer waits
 * only for the first batch. */
static void test_overlap(void)
{
    synth sy = {.fail_at = -1, .odd_shape_at = -1, .sleep_ns = 2000000};
    ob_dataset ds = make_synth(&sy, 40);
    double wait[2], wall[2];
    for (int p = 0; p <= 1; p++) {
        ob_loader *l;
        OB_CHECK_OK(ob_loader_create(&l, &ds, &(ob_loader_cfg){.batch_size = 4, .prefetch = p ? 2 : 0}));
        OB_CHECK_OK(ob_loader_start_epoch(l, 0));
        ob_data_batch b = {0};
        int done = 0;
        double t0 = now_s();
        while (ob_loader_next(l, &b, &done) == OB_OK && !done) nanosleep(&(struct timespec){0, 20000000}, NULL);
        wall[p] = now_s() - t0;
        wait[p] = ob_loader_wait_seconds(l);
        ob_data_batch_free(&b);
        ob_loader_destroy(l);
    }
    printf("10 batches (decode 8 ms, compute 20 ms each): waited %.1f ms synchronous, %.1f ms with prefetch; "
           "wall %.0f vs %.0f ms\n",
           1e3 * wait[0], 1e3 * wait[1], 1e3 * wall[0], 1e3 * wall[1]);
    OB_CHECK(wait[1] < 0.5 * wait[0], "prefetch should hide decoding: waited %.1f ms vs %.1f ms synchronous",
             1e3 * wait[1], 1e3 * wait[0]);
}

int main(void)
{
    test_permutation();
    test_batches();
    test_errors();
    test_transform();
    test_normalize();
    test_overlap();
    return ob_test_finish();
}
