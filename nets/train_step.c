/* train_step.c — ob_train_step.h: the batch upload, the step, its graph. */
#include "ob_train_step.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_layers.h"
#include "ob_step_graph.h"
#include "ob_upload_ring.h"

/* The per-step values a captured step reads from device memory; uploaded
 * with the batch as its last part. */
typedef struct {
    ob_optim_scalars optim;
    unsigned long long dropout_step;
    double loss_tag;
} step_block;

struct ob_stepper {
    ob_ctx *ctx;
    ob_model *m;
    ob_optim *o;
    ob_train_loss_fn loss;
    void *loss_user;
    ob_upload_ring ring; /* cuda only */
    ob_tensor x, targets; /* views: the placed images and targets */
    ob_tensor grad;
    ob_step_graphs graphs;
    ob_step_scalars scalars[OB_UPLOAD_SLOTS]; /* device addresses in each slot's step block */
    ob_layer **dropouts;
    int n_dropouts;
    /* the step in flight, for the graph hooks */
    ob_data_batch *b;
    const ob_tensor *in; /* its images where ctx computes */
    int64_t saved_step;
    uint64_t saved_dropout;
};

ob_status ob_stepper_create(ob_stepper **out, ob_ctx *ctx, ob_model *m, ob_optim *o, ob_train_loss_fn loss,
                            void *loss_user, int graphs)
{
    *out = NULL;
    OB_REQUIRE(ctx && m && loss, "stepper: null argument");
    ob_stepper *s = calloc(1, sizeof *s);
    OB_REQUIRE(s != NULL, "stepper: out of memory");
    s->ctx = ctx, s->m = m, s->o = o, s->loss = loss, s->loss_user = loss_user;
    if (ob_ctx_location(ctx) == OB_DEVICE) ob_upload_ring_init_device(&s->ring, ob_ctx_stream(ctx));
    else ob_upload_ring_init_host(&s->ring); /* unused: the cpu reads batches where they are */
    s->dropouts = calloc((size_t)(m->n_nodes > 0 ? m->n_nodes : 1), sizeof *s->dropouts);
    if (!s->dropouts) {
        free(s);
        return OB_FAIL(OB_ERR_NOMEM, "stepper: out of memory");
    }
    for (int i = 0; i < m->n_nodes; i++)
        if (strcmp(m->layers[i]->ops->kind, "dropout") == 0) s->dropouts[s->n_dropouts++] = m->layers[i];
    ob_step_graphs_init(&s->graphs, ctx, graphs && o != NULL);
    *out = s;
    return OB_OK;
}

void ob_stepper_destroy(ob_stepper *s)
{
    if (!s) return;
    ob_step_graphs_release(&s->graphs);
    ob_upload_ring_release(&s->ring);
    ob_tensor_free(&s->grad);
    free(s->dropouts);
    free(s);
}

void ob_stepper_get_stats(const ob_stepper *s, ob_stepper_stats *st)
{
    st->eager = s->graphs.eager, st->captured = s->graphs.captured, st->replayed = s->graphs.replayed;
    st->graphs_off = s->graphs.why_off;
}

static size_t tensor_bytes(const ob_tensor *t) { return t->ndim ? (size_t)ob_tensor_numel(t) * sizeof(float) : 0; }

/* Places b (and, when blk is given, the step's values: their slot's device
 * addresses go to s->scalars[slot]); *slot <- the upload slot used. */
static ob_status place(ob_stepper *s, ob_data_batch *b, const ob_tensor **x, const step_block *blk, int *slot)
{
    b->labels_at_ctx = b->labels, b->keypoints_at_ctx = b->keypoints;
    b->targets_at_ctx = b->targets.ndim ? &b->targets : NULL;
    *slot = 0;
    if (ob_ctx_location(s->ctx) == OB_HOST) {
        *x = &b->images;
        return OB_OK;
    }
    const size_t rows = (size_t)b->n;
    const ob_upload_part parts[5] = {
        {ob_tensor_f32(&b->images), tensor_bytes(&b->images)},
        {b->labels, b->labels ? rows * sizeof(int32_t) : 0},
        {b->keypoints, b->keypoints ? rows * (size_t)b->n_kp * 2 * sizeof(float) : 0},
        {b->targets.ndim ? b->targets.data : NULL, tensor_bytes(&b->targets)},
        {blk, blk ? sizeof *blk : 0}};
    void *dev[5];
    OB_TRY(ob_upload_ring_push(&s->ring, parts, 5, dev));
    *slot = s->ring.last;
    OB_TRY(ob_tensor_wrap(&s->x, dev[0], OB_F32, OB_DEVICE, b->images.ndim, b->images.shape));
    b->labels_at_ctx = dev[1], b->keypoints_at_ctx = dev[2];
    if (b->targets.ndim) {
        OB_TRY(ob_tensor_wrap(&s->targets, dev[3], OB_F32, OB_DEVICE, b->targets.ndim, b->targets.shape));
        b->targets_at_ctx = &s->targets;
    }
    if (blk) {
        const char *d = dev[4];
        s->scalars[*slot] = (ob_step_scalars){d + offsetof(step_block, optim),
                                              (const unsigned long long *)(d + offsetof(step_block, dropout_step)),
                                              (const double *)(d + offsetof(step_block, loss_tag))};
    }
    *x = &s->x;
    return OB_OK;
}

ob_status ob_stepper_place(ob_stepper *s, ob_data_batch *b, const ob_tensor **x)
{
    int slot;
    return place(s, b, x, NULL, &slot);
}

/* The loss of b's output into the running loss (weight = rows, tag = batch). */
static ob_status loss_of(ob_stepper *s, const ob_tensor *y)
{
    OB_TRY(ob_tensor_ensure(&s->grad, OB_F32, y->loc, y->ndim, y->shape));
    ob_ctx_loss_set(s->ctx, (double)s->b->n, (long long)s->b->batch);
    return s->loss(s->loss_user, s->ctx, NULL, &s->grad, y, s->b);
}

/* ---- the step and its graph hooks ----------------------------------------- */

static ob_status step_hook(void *user, ob_ctx *ctx)
{
    ob_stepper *s = user;
    const ob_tensor *y;
    OB_TRY(ob_model_forward(s->m, ctx, &y, s->in, 1));
    OB_TRY(loss_of(s, y));
    OB_TRY(ob_optim_zero_grad(s->o, ctx));
    OB_TRY(ob_model_backward(s->m, ctx, &s->grad, NULL));
    return ob_optim_step(s->o, ctx);
}

static uint64_t dropout_step(const ob_stepper *s) { return s->n_dropouts ? ob_dropout_step(s->dropouts[0]) : 0; }

static void set_dropout_step(ob_stepper *s, uint64_t step)
{
    for (int i = 0; i < s->n_dropouts; i++) ob_dropout_set_step(s->dropouts[i], step);
}

/* What step_hook's layers and optimiser do on the host, for a replay. */
static void advance_hook(void *user)
{
    ob_stepper *s = user;
    ob_optim_advance(s->o);
    set_dropout_step(s, dropout_step(s) + 1);
}

static void save_hook(void *user)
{
    ob_stepper *s = user;
    s->saved_step = s->o->step, s->saved_dropout = dropout_step(s);
}

static void restore_hook(void *user)
{
    ob_stepper *s = user;
    s->o->step = s->saved_step;
    set_dropout_step(s, s->saved_dropout);
}

/* One graph reads one dropout step: every dropout layer must be at it. */
static int dropouts_agree(const ob_stepper *s)
{
    for (int i = 1; i < s->n_dropouts; i++)
        if (ob_dropout_step(s->dropouts[i]) != ob_dropout_step(s->dropouts[0])) return 0;
    return 1;
}

static void key_of(ob_step_key *k, const ob_data_batch *b)
{
    memset(k, 0, sizeof *k);
    k->v[0] = b->images.ndim, k->v[6] = b->targets.ndim;
    for (int d = 0; d < 4 && d < b->images.ndim; d++) k->v[1 + d] = b->images.shape[d];
    for (int d = 0; d < 4 && d < b->targets.ndim; d++) k->v[7 + d] = b->targets.shape[d];
    k->v[5] = b->labels != NULL;
    k->v[11] = b->keypoints ? b->n_kp : -1;
}

ob_status ob_stepper_train(ob_stepper *s, ob_data_batch *b)
{
    OB_REQUIRE(s->o, "stepper: no optimiser to train with");
    s->b = b;
    int slot;
    if (!s->graphs.enabled) {
        OB_TRY(place(s, b, &s->in, NULL, &slot));
        s->graphs.eager++;
        return step_hook(s, s->ctx);
    }
    if (!dropouts_agree(s)) {
        s->graphs.enabled = 0;
        snprintf(s->graphs.why_off, sizeof s->graphs.why_off,
                 "the model's dropout layers are at different steps (one graph reads one)");
        OB_TRY(place(s, b, &s->in, NULL, &slot));
        s->graphs.eager++;
        return step_hook(s, s->ctx);
    }
    step_block blk;
    memset(&blk, 0, sizeof blk);
    OB_TRY(ob_optim_next_scalars(s->o, &blk.optim));
    blk.dropout_step = dropout_step(s);
    blk.loss_tag = (double)b->batch;
    OB_TRY(place(s, b, &s->in, &blk, &slot));
    ob_step_key key;
    key_of(&key, b);
    const ob_step_hooks hooks = {step_hook, advance_hook, save_hook, restore_hook, s};
    return ob_step_graphs_run(&s->graphs, s->ctx, slot, &key, &s->scalars[slot], &hooks);
}

ob_status ob_stepper_eval(ob_stepper *s, ob_data_batch *b, const ob_tensor **y)
{
    s->b = b;
    const ob_tensor *x;
    int slot;
    OB_TRY(place(s, b, &x, NULL, &slot));
    OB_TRY(ob_model_forward(s->m, s->ctx, y, x, 0));
    return loss_of(s, *y);
}
