/* ob_train_step.h — one training step on a batch, as ob_train runs it, with
 * nothing on the hot path that waits for the host.
 *
 * Contract
 *   ob_stepper_place(s, b, &x): b's images, labels, keypoints and targets
 *   where the context computes. cpu: the batch itself (x = &b->images,
 *   b->*_at_ctx = the host fields). cuda: one pinned upload of all of them
 *   on a copy stream through a two-slot ob_upload_ring, which the compute
 *   stream waits for with an event; x and b->*_at_ctx are views into the
 *   slot, valid until the second place after this one.
 *   ob_stepper_train(s, b): place, forward (training), the loss function
 *   with loss == NULL (its value goes to the context's running loss with
 *   weight b->n and tag b->batch: ob_ctx.h), zero_grad, backward, the
 *   optimiser's step. On cuda, a step whose shapes repeat is captured once
 *   per upload slot as a CUDA graph and replayed (ob_step_graph.h: after one
 *   eager step that allocated nothing; any later allocation or new shape
 *   recaptures); the per-step values — the optimiser's scalars, the dropout
 *   step, the loss tag — go up with the batch and the graph's kernels read
 *   them from there. A replayed step computes what the eager one would
 *   (the same kernels in the same order). Graphs are not used when `graphs`
 *   is 0, on the cpu, or when dropout layers' counters differ; a step that
 *   cannot be captured runs eagerly and graphs stay off (ob_stepper_stats
 *   says why).
 *   ob_stepper_eval(s, b, &y): place, forward (eval), the loss into the
 *   running loss; y is the model's output.
 *   The loss function must pass loss == NULL on to the ob_loss_* calls (or
 *   add a host value with ob_ctx_loss_add); it reads labels, keypoints and
 *   targets from b->*_at_ctx.
 *
 * Errors: the layers', the loss function's, the upload's.
 */
#ifndef OB_TRAIN_STEP_H
#define OB_TRAIN_STEP_H

#include "ob_loader.h"
#include "ob_model.h"
#include "ob_optim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* loss and grad (pred's shape, where ctx computes) for a batch; loss NULL:
 * add the value to the context's running loss. */
typedef ob_status (*ob_train_loss_fn)(void *user, ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *pred,
                                      const ob_data_batch *b);

typedef struct ob_stepper ob_stepper;

typedef struct {
    long long eager, captured, replayed; /* how the training steps ran */
    const char *graphs_off;              /* "" while graphs are in use */
} ob_stepper_stats;

ob_status ob_stepper_create(ob_stepper **out, ob_ctx *ctx, ob_model *m, ob_optim *o, ob_train_loss_fn loss,
                            void *loss_user, int graphs);
ob_status ob_stepper_place(ob_stepper *s, ob_data_batch *b, const ob_tensor **x);
ob_status ob_stepper_train(ob_stepper *s, ob_data_batch *b);
ob_status ob_stepper_eval(ob_stepper *s, ob_data_batch *b, const ob_tensor **y);
void ob_stepper_get_stats(const ob_stepper *s, ob_stepper_stats *st);
void ob_stepper_destroy(ob_stepper *s);

#ifdef __cplusplus
}
#endif
#endif
