/* ob_train.h — the training loop: epochs over a loader, validation each epoch,
 * a checkpoint each epoch, resume, loss curves, a NaN/inf guard; and the
 * evaluation of a classifier (accuracy, per-class accuracy, confusion matrix).
 *
 * Contract
 *   ob_train trains `m` (parameters allocated where ctx computes, initialised by
 *   the caller) on `train` and validates on `val` (NULL: no validation) for
 *   epochs start..cfg->epochs-1. Epoch e:
 *     lr = ob_lr_at(schedule, e) (set each epoch, so it is a pure function of e)
 *     batches of the loader (shuffled with Philox(seed, e), the transform keyed
 *     by (seed, e, index), normalised), each: forward (training), loss and its
 *     gradient (cfg->loss, default cross-entropy on the labels, mean), zero_grad,
 *     backward, optimiser step
 *     validation: forward (eval) over `val` in order, the mean loss and — when
 *     the output is (N, K) and the set has labels — the accuracy
 *     then, in run_dir: model.optim.safetensors (ob_optim_save) and
 *     model.safetensors (the model's state_dict keys, ob_checkpoint.h; metadata:
 *     cfg->metadata's pairs plus "format": "obscura-train", "epoch" (epochs done),
 *     "step" (optimiser steps), "seed", "batch", "history" (the curves so far)),
 *     loss.csv (epoch,train_loss,val_loss,val_accuracy,lr,seconds) and loss.svg
 *     (train and validation loss against the epoch), each written atomically;
 *     then cfg->on_epoch, when set (a task's metrics and pictures).
 *   Each step runs through ob_train_step.h: on cuda the batch goes up with one
 *   pinned copy on a copy stream, the loss stays on the device (the context's
 *   running loss, read every 32 steps and at the epoch's end), and a step
 *   whose shapes repeat is replayed from a captured CUDA graph (unless
 *   cfg->no_cuda_graphs); on the cpu the running loss is read every step.
 *   A custom cfg->loss is called with loss == NULL and passes it on.
 *   A progress bar with the running loss and images/s is drawn on a TTY
 *   (ob_log.h: nothing otherwise); one line per epoch goes to the log (info).
 *
 *   NaN/inf guard: a non-finite training loss, validation loss or parameter
 *   stops training with OB_ERR_ARG, "training diverged: ... at epoch E batch B
 *   (lr ...)", naming the last good checkpoint and the first bad batch (on
 *   cuda it is seen at the next read, up to 31 steps later); that epoch
 *   writes nothing, so run_dir keeps the checkpoint of the last finite epoch.
 *
 *   Resume (cfg->resume_dir): the model file's tensors and the optimiser's state
 *   are loaded from resume_dir, training continues at the saved epoch with the
 *   saved seed and batch size (cfg's are ignored), dropout and vae_sample
 *   layers continue at the saved step, and the history is carried on. Because every random choice
 *   is a function of (seed, epoch, index) and the lr of the epoch, the resumed
 *   run computes exactly what the uninterrupted one would have (same threads,
 *   same backend). A model file and optimiser file whose step counts differ
 *   (an interrupted save) are refused.
 *
 *   ob_train_evaluate runs `m` in eval mode over `ds` (in order) and gives the
 *   mean loss (cross-entropy), the accuracy and, when confusion is not NULL,
 *   the K x K confusion matrix (row: true class, column: predicted), K =
 *   n_classes.
 *
 * Errors: OB_ERR_ARG (bad configuration, the NaN guard), the loader's, the
 *   layers' and the checkpoints' own errors (OB_ERR_IO, OB_ERR_FORMAT naming
 *   the file), OB_ERR_NOMEM.
 *
 * Example
 *   ob_train_cfg cfg = ob_train_defaults();
 *   cfg.epochs = 10, cfg.run_dir = "runs/fmnist";
 *   ob_train_result r;
 *   OB_TRY(ob_train(ctx, model, train_ds, test_ds, &cfg, &r));
 */
#ifndef OB_TRAIN_H
#define OB_TRAIN_H

#include <stdint.h>

#include "ob_loader.h"
#include "ob_model.h"
#include "ob_optim.h"
#include "ob_train_step.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OB_TRAIN_MAX_EPOCHS 1000

struct ob_train_result;

typedef struct {
    int epochs;     /* total epochs (a resumed run continues up to this) */
    int batch_size; /* >= 1 */
    uint64_t seed;
    ob_optim_cfg optim;
    ob_lr_schedule schedule; /* kind OB_LR_CONSTANT: optim.lr every epoch */
    const char *run_dir;     /* where checkpoints and curves go (must exist) */
    const char *resume_dir;  /* NULL, or a run dir to continue */
    int threads;             /* loader decode threads */
    int prefetch;            /* loader prefetch depth */
    ob_sample_transform transform; /* augmentation (training set only), or NULL */
    void *transform_user;
    int normalize; /* as ob_loader_cfg */
    float mean[4], std[4];
    ob_train_loss_fn loss; /* NULL: cross-entropy (mean) on the labels */
    int no_cuda_graphs;    /* 1: every step eager on cuda (by default fixed-shape steps replay a graph) */
    int psnr;              /* 1: the validation metric is PSNR, 10 log10(1 / val MSE) for values in [0, 1]
                              (super-resolution): val_acc holds it, loss.csv's column is val_psnr, and
                              psnr.svg is written beside loss.svg */
    void *loss_user;
    const char *metadata; /* extra model-file metadata: JSON string pairs without braces, or NULL */
    int quiet;            /* 1: no epoch lines */
    /* optional: called after each epoch's validation and checkpoint, with the
     * curves so far (res->epochs_done = epoch + 1): the task's own metrics
     * and pictures (a failure stops training with its status) */
    ob_status (*on_epoch)(void *user, ob_ctx *ctx, ob_model *m, int epoch, const struct ob_train_result *res);
    void *epoch_user;
} ob_train_cfg;

typedef struct ob_train_result {
    int start_epoch, epochs_done;
    double train_loss[OB_TRAIN_MAX_EPOCHS], val_loss[OB_TRAIN_MAX_EPOCHS];
    double val_acc[OB_TRAIN_MAX_EPOCHS]; /* accuracy, or PSNR in dB with cfg->psnr */
    int psnr;
    double lr[OB_TRAIN_MAX_EPOCHS], seconds[OB_TRAIN_MAX_EPOCHS];
    double total_seconds; /* of this call */
    double images_per_s;  /* training images per second, this call */
    /* how the training steps ran on cuda (ob_train_step.h): eagerly, captured
     * as a CUDA graph, replayed from one; why graphs were off ("" if not) */
    long long steps_eager, steps_captured, steps_replayed;
    char graphs_off[256];
} ob_train_result;

/* Adam lr 1e-3, batch 64, 10 epochs, seed 0, prefetch 2. */
ob_train_cfg ob_train_defaults(void);

ob_status ob_train(ob_ctx *ctx, ob_model *m, const ob_dataset *train, const ob_dataset *val, const ob_train_cfg *cfg,
                   ob_train_result *res);

typedef struct {
    double loss, accuracy;
    int64_t n, correct;
    int n_classes;
} ob_eval_result;

/* confusion: NULL or n_classes * n_classes counts (row true, column predicted). */
ob_status ob_train_evaluate(ob_ctx *ctx, ob_model *m, const ob_dataset *ds, int batch_size, int normalize,
                            const float *mean, const float *std, ob_eval_result *res, int64_t *confusion);

#ifdef __cplusplus
}
#endif
#endif
