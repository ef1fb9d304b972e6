/* bench_classifier.c — the seed's classifier (the zoo's "classifier":
 * 3 x [conv 3x3, ReLU, max-pool 2] with 32/64/128 channels, FC 1152 -> 128,
 * ReLU, FC 128 -> 10) trained on the CPU: one step = zero_grad + forward +
 * cross-entropy (mean) + backward + Adam (torch defaults) on a batch of 64
 * 1x28x28 images. The peer is the same step in PyTorch (bench/b_classifier.py);
 * the figure that matters is images/s = 64 / step time.
 *     classifier_train_step_b64_28x28<TAB>median_ms<TAB>repeats<TAB>images/s, peak MiB
 * Inputs uniform in [0, 1), labels 0..9 from a fixed seed: the step's cost does
 * not depend on the values. 3 warm-up steps, median of 41. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "ob_loss.h"
#include "ob_model.h"
#include "ob_optim.h"
#include "ob_zoo.h"

enum { BATCH = 64 };

typedef struct {
    ob_model *m;
    ob_optim *opt;
    ob_ctx *ctx;
    ob_tensor x, g;
    int32_t labels[BATCH];
    double loss;
} step_case;

static ob_status cross_entropy(void *arg, ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *y)
{
    return ob_loss_cross_entropy(ctx, loss, grad, y, ((step_case *)arg)->labels, OB_REDUCE_MEAN);
}

static void step(void *arg)
{
    step_case *s = arg;
    ob_bench_train_step(s->m, s->opt, s->ctx, &s->x, &s->g, cross_entropy, s, &s->loss);
}

int main(void)
{
    step_case s = {0};
    const int repeats = 41;
    ob_bench_ok(ob_ctx_create(&s.ctx, OB_BACKEND_CPU, 0), "context");
    ob_zoo_opts zo = {.in_channels = 1, .height = 28, .width = 28};
    s.m = ob_bench_zoo_model("classifier", &zo, OB_HOST);
    s.opt = ob_bench_adam(s.m);
    const int64_t xs[4] = {BATCH, 1, 28, 28};
    ob_bench_ok(ob_tensor_alloc(&s.x, OB_F32, OB_HOST, 4, xs), "x");
    uint64_t rng = 12345;
    ob_bench_fill_uniform(ob_tensor_f32(&s.x), ob_tensor_numel(&s.x), &rng);
    for (int i = 0; i < BATCH; i++) s.labels[i] = (int32_t)((rng >> 33) + (uint64_t)i * 7) % 10;
    const double ms = ob_bench_median_ms(step, &s, 3, repeats);
    char extra[96];
    snprintf(extra, sizeof extra, "%.0f images/s, peak %.0f MiB", BATCH / (ms * 1e-3), ob_bench_peak_mib());
    ob_bench_report("classifier_train_step_b64_28x28", ms, repeats, extra);
    ob_tensor_free(&s.x), ob_tensor_free(&s.g);
    ob_optim_destroy(s.opt);
    ob_model_destroy(s.m);
    ob_ctx_destroy(s.ctx);
    return 0;
}
