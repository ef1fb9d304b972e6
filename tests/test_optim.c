/* test_optim.c — nets/ob_optim.h on the CPU:
 *   - five steps of SGD (plain, momentum + weight decay, Nesterov, dampening),
 *     Adam (plain; betas, eps and L2 weight decay) and AdamW on fixed
 *     parameters and gradients equal torch.optim's results
 *     (tests/golden/nets/optim.txt): |got - ref| <= 1e-6 |ref| + 1e-7 at every
 *     step (float32 rounding of the same operations; the largest difference is
 *     printed);
 *   - the parameters sit in two layers with a buffer between them (two runs)
 *     and in one layer (one merged run): same results;
 *   - StepLR and CosineAnnealingLR against torch's per-epoch values
 *     (golden/nets/sched.txt): |got - ref| <= 1e-12 base_lr;
 *   - zero_grad clears the gradient arena; bad hyperparameters are refused. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nets_golden.h"
#include "ob_optim.h"
#include "ob_test.h"

enum { NP = 22, STEPS = 5 };
static const ob_layer_ops test_ops = {"test", NULL, NULL, NULL, NULL, 0};
static ob_ctx *ctx;

typedef struct {
    ob_layer layers[2];
    int n_layers;
    ob_param_arena arena;
} net;

/* split = 1: weight (3, 5), a 4-value buffer, then bias (7) in a second layer;
 * split = 0: both in one layer, contiguous. */
static void net_make(net *t, int split)
{
    memset(t, 0, sizeof *t);
    const int64_t w[2] = {3, 5}, b[1] = {7}, rm[1] = {4};
    t->layers[0].ops = t->layers[1].ops = &test_ops;
    ob_layer_declare_param(&t->layers[0], "weight", 2, w, 1);
    if (split) {
        ob_layer_declare_param(&t->layers[0], "running_mean", 1, rm, 0);
        ob_layer_declare_param(&t->layers[1], "bias", 1, b, 1);
        t->n_layers = 2;
    } else {
        ob_layer_declare_param(&t->layers[0], "bias", 1, b, 1);
        t->n_layers = 1;
    }
    ob_layer *ls[2] = {&t->layers[0], &t->layers[1]};
    if (ob_layers_alloc_params(&t->arena, ls, t->n_layers, OB_HOST) != OB_OK) {
        fprintf(stderr, "%s\n", ob_last_error());
        exit(1);
    }
}

/* value or grad of the k-th flat trainable value, in torch's order (weight, bias) */
static float *slot(net *t, int grad, int i)
{
    ob_param *w = &t->layers[0].params[0], *b = t->n_layers == 2 ? &t->layers[1].params[0] : &t->layers[0].params[1];
    ob_param *p = i < 15 ? w : b;
    float *base = ob_tensor_f32(grad ? &p->grad : &p->value);
    return base + (i < 15 ? i : i - 15);
}

typedef struct {
    const char *name;
    ob_optim_cfg cfg;
} opt_case;

static void run_case(const ob_golden *g, const opt_case *c, int split)
{
    net t;
    net_make(&t, split);
    ob_layer *ls[2] = {&t.layers[0], &t.layers[1]};
    ob_optim *o = NULL;
    if (ob_optim_create(&o, &c->cfg, &t.arena, ls, t.n_layers) != OB_OK) {
        OB_CHECK(0, "%s: create: %s", c->name, ob_last_error());
        ob_param_arena_free(&t.arena);
        return;
    }
    OB_CHECK(o->n_runs == (split ? 2 : 1), "%s: %d runs, expected %d", c->name, o->n_runs, split ? 2 : 1);
    const double *p0 = ob_golden_get(g, "p0", NP);
    for (int i = 0; p0 && i < NP; i++) *slot(&t, 0, i) = (float)p0[i];
    double worst = 0;
    int ok = 1;
    for (int s = 0; s < STEPS; s++) {
        char key[64];
        OB_CHECK_OK(ob_optim_zero_grad(o, ctx));
        snprintf(key, sizeof key, "grad%d", s);
        const double *gs = ob_golden_get(g, key, NP);
        for (int i = 0; gs && i < NP; i++) *slot(&t, 1, i) = (float)gs[i];
        OB_CHECK_OK(ob_optim_step(o, ctx));
        snprintf(key, sizeof key, "%s_step%d", c->name, s);
        const double *ref = ob_golden_get(g, key, NP);
        for (int i = 0; ref && i < NP; i++) {
            const double got = *slot(&t, 0, i), err = fabs(got - ref[i]);
            if (err > worst) worst = err;
            if (!(err <= 1e-6 * fabs(ref[i]) + 1e-7) && ok) {
                OB_CHECK(0, "%s step %d [%d]: %.9g vs torch %.9g", c->name, s + 1, i, got, ref[i]);
                ok = 0;
            }
        }
    }
    OB_CHECK(o->step == STEPS, "%s: step count %lld", c->name, (long long)o->step);
    const float *rm = t.n_layers == 2 ? ob_tensor_f32(&t.layers[0].params[1].value) : NULL;
    OB_CHECK(!rm || (rm[0] == 0 && rm[3] == 0), "%s: the buffer between the parameters changed", c->name);
    if (ok) OB_CHECK(1, "%s", c->name);
    printf("%s %-14s %s: %d steps, max |ours - torch| = %.3g\n", ok ? "ok  " : "FAIL", c->name,
           split ? "2 runs" : "1 run ", STEPS, worst);
    ob_optim_destroy(o);
    ob_param_arena_free(&t.arena);
}

static void check_vs_torch(void)
{
    ob_golden g;
    ob_golden_load(&g, "optim.txt");
    opt_case cases[7];
    cases[0] = (opt_case){"sgd", ob_optim_defaults(OB_OPTIM_SGD)};
    cases[0].cfg.lr = 0.1;
    cases[1] = (opt_case){"sgd_momentum", ob_optim_defaults(OB_OPTIM_SGD)};
    cases[1].cfg.lr = 0.05, cases[1].cfg.momentum = 0.9, cases[1].cfg.weight_decay = 1e-2;
    cases[2] = (opt_case){"sgd_nesterov", ob_optim_defaults(OB_OPTIM_SGD)};
    cases[2].cfg.lr = 0.05, cases[2].cfg.momentum = 0.9, cases[2].cfg.nesterov = 1, cases[2].cfg.weight_decay = 1e-3;
    cases[3] = (opt_case){"sgd_dampening", ob_optim_defaults(OB_OPTIM_SGD)};
    cases[3].cfg.lr = 0.05, cases[3].cfg.momentum = 0.8, cases[3].cfg.dampening = 0.3;
    cases[4] = (opt_case){"adam", ob_optim_defaults(OB_OPTIM_ADAM)};
    cases[4].cfg.lr = 1e-2;
    cases[5] = (opt_case){"adam_wd", ob_optim_defaults(OB_OPTIM_ADAM)};
    cases[5].cfg.lr = 3e-3, cases[5].cfg.beta1 = 0.8, cases[5].cfg.beta2 = 0.95, cases[5].cfg.eps = 1e-6;
    cases[5].cfg.weight_decay = 0.1;
    cases[6] = (opt_case){"adamw", ob_optim_defaults(OB_OPTIM_ADAMW)};
    cases[6].cfg.lr = 1e-2, cases[6].cfg.weight_decay = 0.05;
    for (int c = 0; c < 7; c++)
        for (int split = 1; split >= 0; split--) run_case(&g, &cases[c], split);
    ob_golden_free(&g);
}

static void check_schedules(void)
{
    ob_golden g;
    ob_golden_load(&g, "sched.txt");
    struct {
        const char *name;
        ob_lr_schedule s;
        int epochs;
    } cases[3] = {
        {"step", {OB_LR_STEP, 0.1, 100, 0.1, 0, 0}, 350},
        {"step7", {OB_LR_STEP, 0.1, 7, 0.5, 0, 0}, 40},
        {"cosine", {OB_LR_COSINE, 0.1, 0, 0, 50, 1e-4}, 130},
    };
    for (int c = 0; c < 3; c++) {
        OB_CHECK_OK(ob_lr_schedule_check(&cases[c].s));
        const double *ref = ob_golden_get(&g, cases[c].name, cases[c].epochs);
        double worst = 0;
        for (int e = 0; ref && e < cases[c].epochs; e++) {
            const double got = ob_lr_at(&cases[c].s, e), err = fabs(got - ref[e]);
            if (err > worst) worst = err;
            OB_CHECK(err <= 1e-12 * cases[c].s.base_lr, "%s epoch %d: lr %.17g vs torch %.17g", cases[c].name, e, got,
                     ref[e]);
        }
        printf("lr schedule %-7s %d epochs: max |ours - torch| = %.3g\n", cases[c].name, cases[c].epochs, worst);
    }
    /* the seed's "decay to 10 % every 100 epochs" */
    const ob_lr_schedule seed = {OB_LR_STEP, 1e-3, 100, 0.1, 0, 0};
    OB_CHECK(ob_lr_at(&seed, 99) == 1e-3 && fabs(ob_lr_at(&seed, 100) - 1e-4) < 1e-18 &&
                 fabs(ob_lr_at(&seed, 250) - 1e-5) < 1e-19,
             "step decay: %g %g %g", ob_lr_at(&seed, 99), ob_lr_at(&seed, 100), ob_lr_at(&seed, 250));
    const ob_lr_schedule bad1 = {OB_LR_STEP, 0.1, 0, 0.1, 0, 0}, bad2 = {OB_LR_COSINE, 0.1, 0, 0, 0, 0};
    OB_CHECK_FAILS(ob_lr_schedule_check(&bad1), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_lr_schedule_check(&bad2), OB_ERR_ARG);
    OB_CHECK(isnan(ob_lr_at(&bad1, 3)), "an invalid schedule gives NaN");
    ob_golden_free(&g);
}

static void check_misc(void)
{
    net t;
    net_make(&t, 1);
    ob_layer *ls[2] = {&t.layers[0], &t.layers[1]};
    ob_optim *o = NULL;
    ob_optim_cfg c = ob_optim_defaults(OB_OPTIM_ADAM);
    OB_CHECK_OK(ob_optim_create(&o, &c, &t.arena, ls, 2));
    OB_CHECK(o && o->n_state == 2 && o->n_params == 2 && !strcmp(ob_optim_state_name(o, 1), "exp_avg_sq"),
             "adam state");
    for (int i = 0; i < NP; i++) *slot(&t, 1, i) = 1.0f + i;
    OB_CHECK_OK(ob_optim_zero_grad(o, ctx));
    int zero = 1;
    for (int i = 0; i < NP; i++) zero &= *slot(&t, 1, i) == 0.0f;
    OB_CHECK(zero, "zero_grad leaves gradients");
    ob_optim_destroy(o);

    ob_optim_cfg bad = ob_optim_defaults(OB_OPTIM_SGD);
    bad.nesterov = 1; /* momentum 0 */
    OB_CHECK_FAILS(ob_optim_create(&o, &bad, &t.arena, ls, 2), OB_ERR_ARG);
    bad = ob_optim_defaults(OB_OPTIM_SGD);
    bad.lr = -1;
    OB_CHECK_FAILS(ob_optim_create(&o, &bad, &t.arena, ls, 2), OB_ERR_ARG);
    bad = ob_optim_defaults(OB_OPTIM_ADAM);
    bad.beta2 = 1.0;
    OB_CHECK_FAILS(ob_optim_create(&o, &bad, &t.arena, ls, 2), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "betas") != NULL, "message names the betas: %s", ob_last_error());
    bad = ob_optim_defaults(OB_OPTIM_ADAM);
    bad.kind = (ob_optim_kind)9;
    OB_CHECK_FAILS(ob_optim_create(&o, &bad, &t.arena, ls, 2), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_optim_create(&o, &c, &t.arena, ls, 1), OB_ERR_ARG); /* not the arena of these layers */
    ob_optim_kind k;
    OB_CHECK_OK(ob_optim_kind_parse(&k, "adamw"));
    OB_CHECK(k == OB_OPTIM_ADAMW && !strcmp(ob_optim_kind_name(k), "adamw"), "kind names");
    OB_CHECK_FAILS(ob_optim_kind_parse(&k, "lion"), OB_ERR_ARG);
    ob_param_arena_free(&t.arena);
}

int main(void)
{
    if (ob_ctx_create(&ctx, OB_BACKEND_CPU, 0) != OB_OK) return 1;
    check_vs_torch();
    check_schedules();
    check_misc();
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
