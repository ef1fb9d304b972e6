/* train_steps.c — ESPCN x3 trained for a fixed number of optimiser steps on a
 * synthetic super-resolution task, on the CPU or the GPU, with a checkpoint
 * that a second run resumes from. bench/gpu_check runs it on --device cpu and
 * --device cuda and compares the losses (the GPU training loop against the CPU
 * one) and resumes it on cuda (bit-exact against the uninterrupted run).
 *
 *     train_steps DEVICE STEPS RUN_DIR [--resume] [--no-graph]
 *
 * Step k (0-based) trains on a batch that is a function of k alone: 16 HR
 * 51x51 images, each a sum of three sinusoids of random frequency, angle and
 * phase (Knuth's LCG seeded by k and the sample), and their LR 17x17 images,
 * the mean of each 3x3 block. One step = zero_grad, forward (training), MSE
 * (mean), backward, Adam (torch defaults). The model is the zoo's "espcn3"
 * initialised with seed 0. The step is ob_train's (ob_train_step.h): on cuda
 * the batch (LR images, HR targets) goes up with one pinned copy on a copy
 * stream, the loss stays on the device (read once per window), and the
 * fixed-shape step is replayed from a captured CUDA graph unless --no-graph.
 *
 * Prints "window K0 K1 mean_loss M" for each run of 50 steps (gpu_check
 * compares these), "steps N seconds S" and "graphs: E eager, C captured, R
 * replayed" (with why graphs were off) at the end. RUN_DIR (created if missing) receives model.safetensors (metadata:
 * "step") and model.optim.safetensors, written atomically. --resume loads both
 * from RUN_DIR and continues from the saved step up to STEPS; because batch k
 * depends on k only, the result equals the uninterrupted run's (same device,
 * same threads). Exit 1 with "obscura bench: error: ..." on any failure. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "ob_checkpoint.h"
#include "ob_log.h"
#include "ob_loss.h"
#include "ob_model.h"
#include "ob_optim.h"
#include "ob_status.h"
#include "ob_train_step.h"
#include "ob_zoo.h"

enum { BATCH = 16, LR_SIZE = 17, SCALE = 3, HR_SIZE = LR_SIZE * SCALE, WINDOW = 50 };

/* batch k's HR images (BATCH, 1, 51, 51) and LR images (BATCH, 1, 17, 17), host. */
static void make_batch(float *hr, float *lr, int64_t k)
{
    for (int i = 0; i < BATCH; i++) {
        uint64_t rng = 0x9E3779B97F4A7C15ull * (uint64_t)(k * BATCH + i + 1);
        float fx[3], fy[3], ph[3];
        for (int w = 0; w < 3; w++) {
            /* cycles per HR pixel, below the LR Nyquist limit (1/6): recoverable */
            const float freq = 0.02f + 0.12f * ob_bench_lcg_uniform(&rng);
            const float angle = 6.2831853f * ob_bench_lcg_uniform(&rng);
            fx[w] = freq * cosf(angle), fy[w] = freq * sinf(angle);
            ph[w] = 6.2831853f * ob_bench_lcg_uniform(&rng);
        }
        float *h = hr + (int64_t)i * HR_SIZE * HR_SIZE;
        for (int y = 0; y < HR_SIZE; y++)
            for (int x = 0; x < HR_SIZE; x++) {
                float v = 0.5f;
                for (int w = 0; w < 3; w++) v += (1.0f / 6.0f) * sinf(6.2831853f * (fx[w] * x + fy[w] * y) + ph[w]);
                h[y * HR_SIZE + x] = v;
            }
        float *l = lr + (int64_t)i * LR_SIZE * LR_SIZE;
        for (int y = 0; y < LR_SIZE; y++)
            for (int x = 0; x < LR_SIZE; x++) {
                float s = 0;
                for (int dy = 0; dy < SCALE; dy++)
                    for (int dx = 0; dx < SCALE; dx++) s += h[(y * SCALE + dy) * HR_SIZE + x * SCALE + dx];
                l[y * LR_SIZE + x] = s / (SCALE * SCALE);
            }
    }
}

typedef struct {
    ob_model *m;
    ob_optim *opt;
    ob_ctx *ctx;
    ob_tensor x_host, t_host;  /* the batch as made on the host */
    ob_named_tensor *named;
    int n_named;
} run;

/* MSE against the batch's HR targets, where the context computes. */
static ob_status mse(void *user, ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *y,
                     const ob_data_batch *b)
{
    (void)user;
    return ob_loss_mse(ctx, loss, grad, y, b->targets_at_ctx, OB_REDUCE_MEAN);
}

static void save(const run *r, const char *dir, int64_t step)
{
    char path[4096], meta[64];
    snprintf(meta, sizeof meta, "{\"step\": \"%lld\"}", (long long)step);
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    ob_bench_ok(ob_checkpoint_save(path, r->named, r->n_named, meta), "save model");
    snprintf(path, sizeof path, "%s/model.optim.safetensors", dir);
    ob_bench_ok(ob_optim_save(r->opt, path, r->m->layers, r->m->prefixes, r->m->n_nodes), "save optimiser");
}

static int64_t load(run *r, const char *dir)
{
    char path[4096];
    ob_checkpoint_meta meta = {0};
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    ob_bench_ok(ob_checkpoint_load(path, r->named, r->n_named, &meta), "load model");
    const char *v = ob_checkpoint_meta_get(&meta, "step");
    const long long step = v ? strtoll(v, NULL, 10) : -1;
    ob_checkpoint_meta_free(&meta);
    if (step < 0) {
        fprintf(stderr, "obscura bench: error: %s has no \"step\" in its metadata\n", path);
        exit(1);
    }
    snprintf(path, sizeof path, "%s/model.optim.safetensors", dir);
    ob_bench_ok(ob_optim_load(r->opt, path, r->m->layers, r->m->prefixes, r->m->n_nodes), "load optimiser");
    if (r->opt->step != step) {
        fprintf(stderr, "obscura bench: error: the model is at step %lld, the optimiser at %lld\n", step,
                (long long)r->opt->step);
        exit(1);
    }
    return step;
}

int main(int argc, char **argv)
{
    int resume = 0, graphs = 1;
    for (int i = 4; i < argc; i++) {
        if (strcmp(argv[i], "--resume") == 0) resume = 1;
        else if (strcmp(argv[i], "--no-graph") == 0) graphs = 0;
        else argc = 0;
    }
    if (argc < 4) {
        fprintf(stderr, "usage: train_steps cpu|cuda STEPS RUN_DIR [--resume] [--no-graph]\n");
        return 2;
    }
    ob_backend backend;
    ob_bench_ok(ob_backend_parse(&backend, argv[1]), "device");
    char *end;
    errno = 0;
    const long long steps = strtoll(argv[2], &end, 10);
    if (*end || errno || steps < 1 || steps > 1000000) {
        fprintf(stderr, "obscura bench: error: STEPS must be 1..1000000, not '%s'\n", argv[2]);
        return 2;
    }
    const char *dir = argv[3];
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "obscura bench: error: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }

    run r = {0};
    ob_bench_ok(ob_ctx_create(&r.ctx, backend, 0), "context");
    const ob_location loc = ob_ctx_location(r.ctx);
    ob_zoo_opts zo = {.in_channels = 1, .height = LR_SIZE, .width = LR_SIZE};
    r.m = ob_bench_zoo_model("espcn3", &zo, loc);
    r.opt = ob_bench_adam(r.m);
    const int cap = r.m->n_nodes * OB_LAYER_MAX_PARAMS;
    r.named = calloc((size_t)cap, sizeof *r.named);
    if (!r.named) ob_bench_ok(OB_ERR_NOMEM, "names");
    ob_bench_ok(ob_checkpoint_collect(r.named, cap, &r.n_named, r.m->layers, r.m->prefixes, r.m->n_nodes), "collect");

    const int64_t xs[4] = {BATCH, 1, LR_SIZE, LR_SIZE}, ts[4] = {BATCH, 1, HR_SIZE, HR_SIZE};
    ob_bench_ok(ob_tensor_alloc(&r.x_host, OB_F32, OB_HOST, 4, xs), "x");
    ob_bench_ok(ob_tensor_alloc(&r.t_host, OB_F32, OB_HOST, 4, ts), "target");
    ob_stepper *st;
    ob_bench_ok(ob_stepper_create(&st, r.ctx, r.m, r.opt, mse, NULL, graphs), "stepper");
    ob_data_batch b;
    memset(&b, 0, sizeof b);
    b.images = r.x_host, b.targets = r.t_host, b.n = BATCH;
    b.images.owns = b.targets.owns = 0; /* views of run's tensors */

    const int64_t start = resume ? load(&r, dir) : 0;
    int64_t window_start = start;
    ob_bench_ok(ob_ctx_loss_reset(r.ctx), "loss reset");
    const double t0 = ob_now_seconds();
    for (int64_t k = start; k < steps; k++) {
        make_batch(ob_tensor_f32(&r.t_host), ob_tensor_f32(&r.x_host), k);
        b.batch = k;
        ob_bench_ok(ob_stepper_train(st, &b), "training step");
        if ((k + 1) % WINDOW == 0 || k + 1 == steps) {
            ob_running_loss tot;
            ob_bench_ok(ob_ctx_loss_read(r.ctx, &tot), "loss read");
            if (tot.bad) {
                fprintf(stderr, "obscura bench: error: loss %g at step %lld\n", tot.first_bad, tot.first_bad_tag);
                return 1;
            }
            /* the running loss is weighted by rows: the window's mean per step */
            if (k + 1 - window_start == WINDOW && (k + 1) % WINDOW == 0)
                printf("window %lld %lld mean_loss %.6f\n", (long long)window_start, (long long)(k + 1),
                       tot.sum / (WINDOW * BATCH));
            ob_bench_ok(ob_ctx_loss_reset(r.ctx), "loss reset");
            window_start = k + 1;
        }
    }
    if (loc != OB_HOST) ob_bench_ok(ob_stream_sync(ob_ctx_stream(r.ctx)), "sync");
    printf("steps %lld seconds %.3f\n", (long long)(steps - start), ob_now_seconds() - t0);
    ob_stepper_stats ss;
    ob_stepper_get_stats(st, &ss);
    printf("graphs: %lld eager, %lld captured, %lld replayed%s%s\n", ss.eager, ss.captured, ss.replayed,
           ss.graphs_off[0] ? "; off: " : "", ss.graphs_off);
    save(&r, dir, steps > start ? steps : start);
    ob_stepper_destroy(st);

    free(r.named);
    ob_tensor_free(&r.x_host), ob_tensor_free(&r.t_host);
    ob_optim_destroy(r.opt);
    ob_model_destroy(r.m);
    ob_ctx_destroy(r.ctx);
    return 0;
}
