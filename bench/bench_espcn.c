/* bench_espcn.c — one training step of ESPCN x3 on the CPU (our side; the peer
 * is the same step in PyTorch with the same threads, timed by bench/b_espcn.py).
 *
 * The model is the zoo's "espcn3" (nets/ob_zoo.h): conv 5x5x64 tanh, conv
 * 3x3x32 tanh, conv 3x3x9, pixel shuffle 3, PyTorch-default init. A batch of
 * 64 single-channel 17x17 crops against 51x51 targets (uniform [0, 1) from a
 * fixed seed). One step = zero_grad + forward + MSE (mean) + backward + Adam
 * step (torch defaults). 2 warm-up steps, median of 31.
 *     espcn3_train_step_b64_17x17<TAB>median_ms<TAB>repeats<TAB>loss ... */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "ob_loss.h"
#include "ob_model.h"
#include "ob_optim.h"
#include "ob_zoo.h"

typedef struct {
    ob_model *m;
    ob_optim *opt;
    ob_ctx *ctx;
    ob_tensor x, t, g;
    double loss;
} step_case;

static ob_status mse(void *arg, ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *y)
{
    return ob_loss_mse(ctx, loss, grad, y, &((step_case *)arg)->t, OB_REDUCE_MEAN);
}

static void step(void *arg)
{
    step_case *s = arg;
    ob_bench_train_step(s->m, s->opt, s->ctx, &s->x, &s->g, mse, s, &s->loss);
}

int main(void)
{
    step_case s = {0};
    const int n = 64, h = 17, w = 17, repeats = 31;
    ob_bench_ok(ob_ctx_create(&s.ctx, OB_BACKEND_CPU, 0), "context");
    ob_zoo_opts zo = {.in_channels = 1, .height = h, .width = w};
    s.m = ob_bench_zoo_model("espcn3", &zo, OB_HOST);
    s.opt = ob_bench_adam(s.m);
    const int64_t xs[4] = {n, 1, h, w}, ts[4] = {n, 1, 3 * h, 3 * w};
    ob_bench_ok(ob_tensor_alloc(&s.x, OB_F32, OB_HOST, 4, xs), "x");
    ob_bench_ok(ob_tensor_alloc(&s.t, OB_F32, OB_HOST, 4, ts), "target");
    uint64_t rng = 12345;
    ob_bench_fill_uniform(ob_tensor_f32(&s.x), ob_tensor_numel(&s.x), &rng);
    ob_bench_fill_uniform(ob_tensor_f32(&s.t), ob_tensor_numel(&s.t), &rng);
    const double ms = ob_bench_median_ms(step, &s, 2, repeats);
    char extra[64];
    snprintf(extra, sizeof extra, "loss %.5f", s.loss);
    ob_bench_report("espcn3_train_step_b64_17x17", ms, repeats, extra);
    ob_tensor_free(&s.x), ob_tensor_free(&s.t), ob_tensor_free(&s.g);
    ob_optim_destroy(s.opt);
    ob_model_destroy(s.m);
    ob_ctx_destroy(s.ctx);
    return 0;
}
