/* optim.c — the optimiser object of ob_optim.h: the trainable parameters as
 * merged runs, the flat state vectors, the step count; the update kernels are
 * kernels/optim.h. Learning-rate schedules. */
#include "ob_optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ob_dispatch.h"
#include "optim.h"

static const char *const kind_names[] = {"sgd", "adam", "adamw"};

ob_optim_cfg ob_optim_defaults(ob_optim_kind kind)
{
    ob_optim_cfg c;
    memset(&c, 0, sizeof c);
    c.kind = kind;
    c.lr = 1e-3;
    c.beta1 = 0.9, c.beta2 = 0.999, c.eps = 1e-8;
    c.weight_decay = kind == OB_OPTIM_ADAMW ? 1e-2 : 0.0;
    return c;
}

ob_status ob_optim_kind_parse(ob_optim_kind *kind, const char *name)
{
    for (int i = 0; name && i < 3; i++)
        if (strcmp(name, kind_names[i]) == 0) {
            *kind = (ob_optim_kind)i;
            return OB_OK;
        }
    return OB_FAIL(OB_ERR_ARG, "unknown optimiser '%s' (expected sgd, adam or adamw)", name ? name : "(null)");
}

const char *ob_optim_kind_name(ob_optim_kind kind)
{
    return (int)kind >= 0 && (int)kind < 3 ? kind_names[kind] : "?";
}

const char *ob_optim_state_name(const ob_optim *o, int index)
{
    if (index < 0 || index >= o->n_state) return "?";
    if (o->cfg.kind == OB_OPTIM_SGD) return "momentum_buffer";
    return index == 0 ? "exp_avg" : "exp_avg_sq";
}

/* The step's scalars; also how create validates the configuration. */
static ob_status prepare(const ob_optim_cfg *c, int64_t done, ob_sgd_step *sgd, ob_adam_step *adam)
{
    if (c->kind == OB_OPTIM_SGD)
        return ob_sgd_prepare(sgd, c->lr, c->momentum, c->dampening, c->weight_decay, c->nesterov, done == 0);
    return ob_adam_prepare(adam, c->lr, c->beta1, c->beta2, c->eps, c->weight_decay, c->kind == OB_OPTIM_ADAMW,
                           done + 1);
}

/* The trainable parameters in arena order, merged into runs contiguous in both
 * the value and the gradient arena. */
static ob_status collect(ob_optim *o, ob_layer *const *layers, int n_layers)
{
    int total = 0;
    for (int i = 0; i < n_layers; i++)
        for (int k = 0; k < layers[i]->n_params; k++) total += layers[i]->params[k].trainable;
    OB_REQUIRE(total > 0, "optimiser: the layers have no trainable parameters");
    o->params = calloc((size_t)total, sizeof *o->params);
    o->runs = calloc((size_t)total, sizeof *o->runs);
    if (!o->params || !o->runs) return OB_FAIL(OB_ERR_NOMEM, "optimiser: no memory for %d parameters", total);
    int64_t offset = 0;
    for (int i = 0; i < n_layers; i++)
        for (int k = 0; k < layers[i]->n_params; k++) {
            ob_param *p = &layers[i]->params[k];
            if (!p->trainable) continue;
            OB_REQUIRE(p->value.data && p->grad.data, "optimiser: parameter %s of a %s layer is not allocated",
                       p->name, layers[i]->ops->kind);
            const int64_t n = ob_tensor_numel(&p->value);
            float *v = ob_tensor_f32(&p->value), *g = ob_tensor_f32(&p->grad);
            o->params[o->n_params++] = p;
            ob_optim_run *last = o->n_runs ? &o->runs[o->n_runs - 1] : NULL;
            if (last && last->value + last->n == v && last->grad + last->n == g) {
                last->n += n;
            } else {
                ob_optim_run r = {v, g, n, offset};
                o->runs[o->n_runs++] = r;
            }
            offset += n;
        }
    OB_REQUIRE(offset == o->arena->n_grads,
               "optimiser: the layers hold %lld trainable values, the arena's gradient vector %lld (not the arena "
               "of these layers?)",
               (long long)offset, (long long)o->arena->n_grads);
    return OB_OK;
}

ob_status ob_optim_create(ob_optim **out, const ob_optim_cfg *cfg, ob_param_arena *arena, ob_layer *const *layers,
                          int n_layers)
{
    OB_REQUIRE(out && cfg && arena && (layers || n_layers == 0), "optimiser: null argument");
    *out = NULL;
    OB_REQUIRE((int)cfg->kind >= 0 && (int)cfg->kind < 3, "optimiser: unknown kind %d", (int)cfg->kind);
    ob_sgd_step sgd;
    ob_adam_step adam;
    OB_TRY(prepare(cfg, 0, &sgd, &adam));
    ob_optim *o = calloc(1, sizeof *o);
    if (!o) return OB_FAIL(OB_ERR_NOMEM, "optimiser: no memory");
    o->cfg = *cfg;
    o->arena = arena;
    o->loc = arena->values.loc;
    ob_status st = collect(o, layers, n_layers);
    o->n_state = cfg->kind == OB_OPTIM_SGD ? (cfg->momentum != 0 ? 1 : 0) : 2;
    const int64_t shape[1] = {arena->n_grads};
    for (int i = 0; st == OB_OK && i < o->n_state; i++) st = ob_tensor_zeros(&o->state[i], OB_F32, o->loc, 1, shape);
    if (st != OB_OK) {
        ob_optim_destroy(o);
        return st;
    }
    *out = o;
    return OB_OK;
}

void ob_optim_destroy(ob_optim *o)
{
    if (!o) return;
    for (int i = 0; i < 2; i++) ob_tensor_free(&o->state[i]);
    free(o->params);
    free(o->runs);
    free(o);
}

static ob_status check_ctx(const ob_optim *o, ob_ctx *ctx, const char *what)
{
    OB_REQUIRE(o && ctx, "%s: null argument", what);
    OB_REQUIRE(ob_ctx_location(ctx) == o->loc, "%s: the parameters live on the %s but the context computes on the %s",
               what, o->loc == OB_HOST ? "host" : "device", ob_ctx_location(ctx) == OB_HOST ? "host" : "device");
    return OB_OK;
}

ob_status ob_optim_step(ob_optim *o, ob_ctx *ctx)
{
    OB_TRY(check_ctx(o, ctx, "optimiser step"));
    ob_sgd_step sgd;
    ob_adam_step adam;
    OB_TRY(prepare(&o->cfg, o->step, &sgd, &adam));
    const int cpu = ob_ctx_backend(ctx) == OB_BACKEND_CPU;
    ob_launch_cfg lc = ob_ctx_launch_cfg(ctx);
    for (int r = 0; r < o->n_runs; r++) {
        const ob_optim_run *run = &o->runs[r];
        float *s0 = o->n_state > 0 ? ob_tensor_f32(&o->state[0]) + run->state_offset : NULL;
        float *s1 = o->n_state > 1 ? ob_tensor_f32(&o->state[1]) + run->state_offset : NULL;
        if (o->cfg.kind == OB_OPTIM_SGD)
            OB_TRY(cpu ? ob_sgd_update_cpu(run->value, s0, run->grad, run->n, &sgd)
                       : OB_CUDA_PATH(ob_sgd_update_cuda(run->value, s0, run->grad, run->n, &sgd, &lc)));
        else
            OB_TRY(cpu ? ob_adam_update_cpu(run->value, s0, s1, run->grad, run->n, &adam)
                       : OB_CUDA_PATH(ob_adam_update_cuda(run->value, s0, s1, run->grad, run->n, &adam, &lc)));
    }
    (void)lc; /* unused when CUDA is not compiled */
    o->step++;
    return OB_OK;
}

ob_status ob_optim_zero_grad(ob_optim *o, ob_ctx *ctx)
{
    OB_TRY(check_ctx(o, ctx, "zero_grad"));
    ob_tensor *g = &o->arena->grads;
    if (g->loc == OB_HOST) {
        memset(g->data, 0, ob_tensor_nbytes(g));
        return OB_OK;
    }
    return ob_device_memset_on(ob_ctx_stream(ctx), g->data, 0, ob_tensor_nbytes(g));
}

void ob_optim_set_lr(ob_optim *o, double lr) { o->cfg.lr = lr; }

ob_status ob_optim_next_scalars(const ob_optim *o, ob_optim_scalars *s)
{
    memset(s, 0, sizeof *s);
    return prepare(&o->cfg, o->step, &s->sgd, &s->adam);
}

void ob_optim_advance(ob_optim *o) { o->step++; }

ob_status ob_lr_schedule_check(const ob_lr_schedule *s)
{
    OB_REQUIRE(s, "lr schedule: null");
    OB_REQUIRE(isfinite(s->base_lr) && s->base_lr >= 0, "lr schedule: base lr %g must be finite and >= 0", s->base_lr);
    switch (s->kind) {
    case OB_LR_CONSTANT: return OB_OK;
    case OB_LR_STEP:
        OB_REQUIRE(s->step_size >= 1, "lr schedule: step size %lld must be >= 1", (long long)s->step_size);
        OB_REQUIRE(isfinite(s->gamma) && s->gamma >= 0, "lr schedule: gamma %g must be finite and >= 0", s->gamma);
        return OB_OK;
    case OB_LR_COSINE:
        OB_REQUIRE(s->t_max >= 1, "lr schedule: T_max %lld must be >= 1", (long long)s->t_max);
        OB_REQUIRE(isfinite(s->eta_min) && s->eta_min >= 0, "lr schedule: eta_min %g must be finite and >= 0",
                   s->eta_min);
        return OB_OK;
    }
    return OB_FAIL(OB_ERR_ARG, "lr schedule: unknown kind %d", (int)s->kind);
}

double ob_lr_at(const ob_lr_schedule *s, int64_t epoch)
{
    if (!s || epoch < 0 || ob_lr_schedule_check(s) != OB_OK) return NAN;
    if (s->kind == OB_LR_STEP) {
        double lr = s->base_lr;
        for (int64_t k = epoch / s->step_size; k > 0; k--) lr *= s->gamma;
        return lr;
    }
    if (s->kind == OB_LR_COSINE) {
        const double pi = 3.14159265358979323846;
        return s->eta_min + (s->base_lr - s->eta_min) * (1.0 + cos(pi * (double)epoch / (double)s->t_max)) / 2.0;
    }
    return s->base_lr;
}
