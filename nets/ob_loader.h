/* ob_loader.h — batches from a dataset: seeded shuffling, batching into
 * (N, C, H, W), an optional per-sample transform (augmentation), and a prefetch
 * thread that assembles the next batches while the caller computes.
 *
 * Contract
 *   Shuffling: epoch e visits the samples in the order ob_shuffle_permutation
 *   (perm, n, seed, e) gives — Fisher–Yates driven by Philox (stream
 *   OB_RNG_STREAM_SHUFFLE): for i = n-1 .. 1, j = below(i + 1) drawn at Philox
 *   index (e << 40) | i under `seed`, swap perm[i], perm[j]. A pure function of
 *   (seed, epoch, n): the same order on every machine and thread count.
 *   shuffle = 0 visits 0..n-1 in order.
 *
 *   Batches: ceil(n / batch_size) per epoch, or floor with drop_last; every
 *   sample is in exactly one batch of an epoch (drop_last leaves out the last
 *   n % batch_size of the permutation). A batch holds
 *     images     (N, C, H, W) f32 host; all samples of a batch must have one
 *                shape (fix it with ob_dataset_opts or a crop), else OB_ERR_ARG
 *     labels     (N) int32, or NULL when the dataset has no labels
 *     keypoints  (N, K, 2) float x, y pixels, or NULL when it has none
 *     indices    (N) the dataset index of each row
 *   normalize (optional) maps channel c to (x - mean[c]) / std[c] in the batch.
 *   The transform, when given, is called on each sample after ob_dataset_get
 *   with (seed, epoch, dataset index): its random choices depend on those only,
 *   never on the thread or the timing (ob_augment_transform is one).
 *
 *   Prefetch: with prefetch = P >= 1 a thread assembles up to P batches ahead
 *   into a bounded ring; ob_loader_next hands the oldest over by swapping
 *   buffers with the caller's batch (no copy; the caller's old buffers are
 *   reused). prefetch = 0 assembles inside ob_loader_next. Both give identical
 *   batches. `threads` > 1 decodes the samples of one batch with OpenMP.
 *   A failing sample stops the epoch: ob_loader_next returns its status with
 *   "epoch E batch B: sample I (FILE): <why>" in ob_last_error(), after the
 *   batches before it. ob_loader_start_epoch / ob_loader_destroy stop a
 *   running prefetch thread cleanly (it finishes the sample it is decoding).
 *   The dataset must outlive the loader. One consumer thread per loader.
 *
 * Example
 *   ob_loader *ld;
 *   OB_TRY(ob_loader_create(&ld, ds, &(ob_loader_cfg){.batch_size = 64, .shuffle = 1, .seed = 42, .prefetch = 2}));
 *   ob_data_batch b = {0};
 *   for (int e = 0; e < epochs; e++) {
 *       OB_TRY(ob_loader_start_epoch(ld, e));
 *       int done = 0;
 *       while (ob_loader_next(ld, &b, &done) == OB_OK && !done) train_step(&b);
 *   }
 *   ob_data_batch_free(&b);
 *   ob_loader_destroy(ld);
 */
#ifndef OB_LOADER_H
#define OB_LOADER_H

#include <stdint.h>

#include "ob_dataset.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Modifies *s in place (may replace its image); index is the dataset index. */
typedef ob_status (*ob_sample_transform)(void *user, ob_sample *s, uint64_t seed, int epoch, int64_t index);

typedef struct {
    int batch_size;  /* >= 1 */
    int shuffle;     /* 1: a Philox permutation per epoch */
    int drop_last;   /* 1: no short last batch */
    uint64_t seed;
    int prefetch;    /* batches assembled ahead on a thread (0: synchronous) */
    int threads;     /* OpenMP threads decoding one batch (<= 1: one) */
    ob_sample_transform transform; /* NULL: none */
    void *transform_user;
    /* normalize = 1: channel c of every batch image becomes (x - mean[c]) / std[c]
     * (torchvision's Normalize), after the transform; std[c] must be > 0 */
    int normalize;
    float mean[4], std[4];
} ob_loader_cfg;

typedef struct {
    ob_tensor images;  /* (N, C, H, W) f32 host */
    int32_t *labels;   /* (N) or NULL */
    float *keypoints;  /* (N, K, 2) or NULL */
    int64_t *indices;  /* (N) */
    int n, n_kp;       /* rows, K */
    int epoch;
    int64_t batch;     /* index of this batch in its epoch */
    int64_t cap_rows;  /* allocated rows of labels/keypoints/indices (internal) */
    /* A paired target, (N, ...) f32 host, or ndim 0: none — super-resolution's
     * high-resolution image, a denoiser's clean one. */
    ob_tensor targets;
    /* The labels and keypoints where the context computes, for a training
     * loss (ob_train sets them: the host arrays above on the cpu, their
     * copies uploaded with the images on cuda; NULL when absent). */
    const int32_t *labels_at_ctx;
    const float *keypoints_at_ctx;
    const ob_tensor *targets_at_ctx; /* NULL when there are no targets */
} ob_data_batch;

typedef struct ob_loader ob_loader;

/* perm (n) <- the order of epoch `epoch` (0 <= epoch < 2^24, n < 2^32). */
ob_status ob_shuffle_permutation(int64_t *perm, int64_t n, uint64_t seed, int epoch);

ob_status ob_loader_create(ob_loader **out, const ob_dataset *ds, const ob_loader_cfg *cfg);
/* Batches per epoch. */
int64_t ob_loader_num_batches(const ob_loader *l);
/* Begins epoch `epoch` (stops the previous one's thread if still running). */
ob_status ob_loader_start_epoch(ob_loader *l, int epoch);
/* The next batch into *b (*done = 0), or *done = 1 after the epoch's last. */
ob_status ob_loader_next(ob_loader *l, ob_data_batch *b, int *done);
/* Seconds ob_loader_next spent waiting for (or, synchronous, assembling) batches. */
double ob_loader_wait_seconds(const ob_loader *l);
void ob_loader_destroy(ob_loader *l);

void ob_data_batch_free(ob_data_batch *b);

#ifdef __cplusplus
}
#endif
#endif
