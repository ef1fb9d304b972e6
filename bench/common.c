/* common.c — median-of-repeats timing for the benchmark programs. */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "ob_log.h"
#include "ob_status.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double ob_bench_median_ms(void (*fn)(void *), void *arg, int warmup, int repeats)
{
    for (int i = 0; i < warmup; i++) fn(arg);
    double *t = malloc(sizeof(double) * (size_t)repeats);
    for (int i = 0; i < repeats; i++) {
        double t0 = ob_now_seconds();
        fn(arg);
        t[i] = (ob_now_seconds() - t0) * 1e3;
    }
    qsort(t, (size_t)repeats, sizeof(double), cmp_double);
    double median = repeats % 2 ? t[repeats / 2] : 0.5 * (t[repeats / 2 - 1] + t[repeats / 2]);
    free(t);
    return median;
}

float ob_bench_lcg_uniform(uint64_t *state)
{
    *state = *state * 6364136223846793005ull + 1442695040888963407ull;
    return (float)(*state >> 40) / (float)(1u << 24);
}

void ob_bench_fill_uniform(float *p, int64_t n, uint64_t *state)
{
    for (int64_t i = 0; i < n; i++) p[i] = ob_bench_lcg_uniform(state);
}

double ob_bench_peak_mib(void) { return ob_peak_rss_mb(); }

void ob_bench_report(const char *name, double median_ms, int repeats, const char *extra)
{
    printf("%s\t%.4f\t%d\t%s\n", name, median_ms, repeats, extra ? extra : "");
    fflush(stdout);
}

ob_model *ob_bench_zoo_model(const char *name, const ob_zoo_opts *opts, ob_location loc)
{
    ob_model *m = NULL;
    char what[96];
    snprintf(what, sizeof what, "%s build", name);
    ob_bench_ok(ob_zoo_build(&m, name, opts), what);
    ob_bench_ok(ob_model_alloc_params(m, loc), "params");
    ob_bench_ok(ob_zoo_init(m, 0), "init");
    return m;
}

ob_optim *ob_bench_adam(ob_model *m)
{
    ob_optim *o = NULL;
    ob_optim_cfg oc = ob_optim_defaults(OB_OPTIM_ADAM);
    ob_bench_ok(ob_optim_create(&o, &oc, &m->arena, m->layers, m->n_nodes), "adam");
    return o;
}

void ob_bench_ok(int status, const char *what)
{
    if (status == OB_OK) return;
    fprintf(stderr, "obscura bench: error: %s: %s\n", what, ob_last_error());
    exit(1);
}

void ob_bench_train_step(ob_model *m, ob_optim *opt, ob_ctx *ctx, const ob_tensor *x, ob_tensor *grad,
                         ob_bench_loss_fn loss_fn, void *arg, double *loss)
{
    const ob_tensor *y;
    ob_bench_ok(ob_optim_zero_grad(opt, ctx), "zero_grad");
    ob_bench_ok(ob_model_forward(m, ctx, &y, x, 1), "forward");
    if (grad->data == NULL) ob_bench_ok(ob_tensor_alloc(grad, OB_F32, ob_ctx_location(ctx), y->ndim, y->shape), "grad");
    ob_bench_ok(loss_fn(arg, ctx, loss, grad, y), "loss");
    ob_bench_ok(ob_model_backward(m, ctx, grad, NULL), "backward");
    ob_bench_ok(ob_optim_step(opt, ctx), "optimiser step");
}
