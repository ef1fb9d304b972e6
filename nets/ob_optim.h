/* ob_optim.h — optimisers over a net's parameter arena (SGD with momentum,
 * Adam, AdamW) and learning-rate schedules (StepLR, CosineAnnealingLR).
 *
 * Contract
 *   ob_optim_create walks the trainable parameters of `layers` (layer order,
 *   then parameter order: the order of the arena's gradient vector, see
 *   ob_layer.h) and allocates the optimiser's state next to them, flat and in
 *   the same order — SGD: one momentum_buffer (only when momentum != 0); Adam
 *   and AdamW: exp_avg and exp_avg_sq, each the length of the gradient arena,
 *   zero-filled, where the parameters live. Runs of parameters that are
 *   contiguous in both the value and the gradient arena (everything but
 *   buffers such as batch-norm running stats) are updated by one kernel call.
 *   The layers and the arena must outlive the optimiser.
 *
 *   ob_optim_step applies one update from the current gradients (the update
 *   rules, torch.optim's to the float rounding: kernels/optim.h) and counts it
 *   in o->step (torch's state["step"]); ob_optim_zero_grad sets the whole
 *   gradient arena to 0 (layers accumulate gradients: ob_layer.h).
 *   The learning rate is o->cfg.lr; schedules give the value per epoch and
 *   ob_optim_set_lr applies it, as torch's scheduler.step() does:
 *     OB_LR_STEP    lr = base * gamma^floor(epoch / step_size), the power taken by
 *                   repeated multiplication as torch's StepLR does (the seed's
 *                   "decay to 10 % every 100 epochs": step_size 100, gamma 0.1)
 *     OB_LR_COSINE  lr = eta_min + (base - eta_min) (1 + cos(pi epoch / t_max)) / 2,
 *                   the closed form of CosineAnnealingLR (torch's recursive form
 *                   agrees to ~1e-16 of base; past t_max both rise again)
 *   Optimiser state is saved and restored by ob_optim_save / ob_optim_load
 *   (nets/ob_checkpoint.h).
 *
 * Errors: OB_ERR_ARG for bad hyperparameters (named, with the value), a
 * context whose backend does not match where the parameters live.
 *
 * Example
 *   ob_optim_cfg cfg = ob_optim_defaults(OB_OPTIM_ADAM);
 *   cfg.lr = 1e-3;
 *   ob_optim *opt;
 *   OB_TRY(ob_optim_create(&opt, &cfg, &arena, layers, n_layers));
 *   ob_lr_schedule sched = {OB_LR_STEP, cfg.lr, .step_size = 100, .gamma = 0.1};
 *   for (epoch = 0; ...) {
 *       ob_optim_set_lr(opt, ob_lr_at(&sched, epoch));
 *       for (batch ...) { ob_optim_zero_grad(opt, ctx); forward; backward; ob_optim_step(opt, ctx); }
 *   }
 *   ob_optim_destroy(opt);
 */
#ifndef OB_OPTIM_H
#define OB_OPTIM_H

#include <stdint.h>

#include "ob_ctx.h"
#include "ob_layer.h"
#include "optim.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { OB_OPTIM_SGD = 0, OB_OPTIM_ADAM = 1, OB_OPTIM_ADAMW = 2 } ob_optim_kind;

typedef struct {
    ob_optim_kind kind;
    double lr;
    double momentum, dampening; /* SGD */
    int nesterov;               /* SGD: needs momentum > 0, dampening 0 */
    double beta1, beta2, eps;   /* Adam, AdamW */
    double weight_decay;        /* SGD, Adam: L2 added to the gradient; AdamW: decoupled */
} ob_optim_cfg;

/* torch.optim's defaults: SGD lr 1e-3, no momentum; Adam lr 1e-3, betas
 * (0.9, 0.999), eps 1e-8, weight decay 0; AdamW the same with weight decay 1e-2. */
ob_optim_cfg ob_optim_defaults(ob_optim_kind kind);
/* "sgd" | "adam" | "adamw"; the name back ("?" when invalid). */
ob_status ob_optim_kind_parse(ob_optim_kind *kind, const char *name);
const char *ob_optim_kind_name(ob_optim_kind kind);

typedef struct {
    float *value, *grad; /* into the arena */
    int64_t n;
    int64_t state_offset; /* where the run starts in the state vectors (= in the gradient arena) */
} ob_optim_run;

typedef struct {
    ob_optim_cfg cfg;
    int64_t step;          /* updates done (torch's state["step"]) */
    ob_location loc;       /* where parameters and state live */
    ob_param_arena *arena; /* borrowed: zero_grad clears arena->grads */
    ob_tensor state[2];    /* SGD: momentum_buffer; Adam(W): exp_avg, exp_avg_sq; each (n_grads) */
    int n_state;
    ob_param **params; /* the trainable parameters, in order (borrowed from the layers) */
    int n_params;
    ob_optim_run *runs; /* contiguous runs of params, merged */
    int n_runs;
} ob_optim;

ob_status ob_optim_create(ob_optim **o, const ob_optim_cfg *cfg, ob_param_arena *arena, ob_layer *const *layers,
                          int n_layers);
void ob_optim_destroy(ob_optim *o);
ob_status ob_optim_step(ob_optim *o, ob_ctx *ctx);
ob_status ob_optim_zero_grad(ob_optim *o, ob_ctx *ctx);
void ob_optim_set_lr(ob_optim *o, double lr);
/* The state names torch uses in optimizer.state_dict() (index < n_state). */
const char *ob_optim_state_name(const ob_optim *o, int index);

/* For a training step captured as a CUDA graph (ob_step_graph.h): the
 * scalars the next ob_optim_step will use (the graph's kernels read them from
 * device memory the caller refills per step), and the host side of a step
 * the GPU ran from the graph (the step count). */
typedef union {
    ob_sgd_step sgd;
    ob_adam_step adam;
} ob_optim_scalars;
ob_status ob_optim_next_scalars(const ob_optim *o, ob_optim_scalars *s);
void ob_optim_advance(ob_optim *o);

typedef enum { OB_LR_CONSTANT = 0, OB_LR_STEP = 1, OB_LR_COSINE = 2 } ob_lr_kind;

typedef struct {
    ob_lr_kind kind;
    double base_lr;
    int64_t step_size; /* OB_LR_STEP: epochs between decays (>= 1) */
    double gamma;      /* OB_LR_STEP: factor per decay */
    int64_t t_max;     /* OB_LR_COSINE: half period in epochs (>= 1) */
    double eta_min;    /* OB_LR_COSINE: the floor */
} ob_lr_schedule;

/* The learning rate for `epoch` (0-based: epoch 0 gets base_lr); NAN for an
 * invalid schedule (check it once with ob_lr_schedule_check). */
double ob_lr_at(const ob_lr_schedule *s, int64_t epoch);
ob_status ob_lr_schedule_check(const ob_lr_schedule *s);

#ifdef __cplusplus
}
#endif
#endif
