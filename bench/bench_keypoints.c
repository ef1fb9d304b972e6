/* bench_keypoints.c — the first seed's keypoint nets on the CPU: resnet18
 * regression forward (eval) on 1x224x224 faces at batch 1 and 32, and one
 * training step of the unet heatmap net (D 64 on 1x64x64, 68 heatmaps, batch
 * 8: zero_grad + forward + spatial softmax + MSE with sum reduction against
 * Gaussian targets + backward + Adam). The peer is the same in PyTorch
 * (bench/b_keypoints.py, the same architectures written out there).
 *     bench_keypoints resnet18_b1|resnet18_b32|unet_step
 *     CASE<TAB>median_ms<TAB>repeats<TAB>images/s, peak MiB
 * Inputs uniform in [0, 1) from a fixed seed (the cost does not depend on the
 * values); zoo initialisation with seed 0; 2 warm-ups. The resnet18 model is
 * frozen (ob_model_freeze), as detection and evaluation run it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "ob_keypoint_data.h"
#include "ob_loss.h"
#include "ob_model.h"
#include "ob_optim.h"
#include "ob_zoo.h"

typedef struct {
    ob_model *m;
    ob_optim *opt;
    ob_ctx *ctx;
    ob_tensor x, g, target;
    const ob_tensor *y;
    double loss;
} kp_case;

static void forward(void *arg)
{
    kp_case *c = arg;
    ob_bench_ok(ob_model_forward(c->m, c->ctx, &c->y, &c->x, 0), "forward");
}

static ob_status heat_mse(void *arg, ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *y)
{
    return ob_loss_mse(ctx, loss, grad, y, &((kp_case *)arg)->target, OB_REDUCE_SUM);
}

static void step(void *arg)
{
    kp_case *c = arg;
    ob_bench_train_step(c->m, c->opt, c->ctx, &c->x, &c->g, heat_mse, c, &c->loss);
}

int main(int argc, char **argv)
{
    if (argc != 2 || (strcmp(argv[1], "resnet18_b1") && strcmp(argv[1], "resnet18_b32") && strcmp(argv[1], "unet_step"))) {
        fprintf(stderr, "usage: bench_keypoints resnet18_b1|resnet18_b32|unet_step\n");
        return 2;
    }
    kp_case c = {0};
    const int unet = strcmp(argv[1], "unet_step") == 0, n = unet ? 8 : strcmp(argv[1], "resnet18_b1") ? 32 : 1;
    const int side = unet ? 64 : 224, k = 68, repeats = unet ? 7 : n == 1 ? 21 : 5;
    ob_bench_ok(ob_ctx_create(&c.ctx, OB_BACKEND_CPU, 0), "context");
    ob_zoo_opts zo = {.in_channels = 1, .height = side, .width = side, .keypoints = k, .features = 64};
    c.m = ob_bench_zoo_model(unet ? "unet" : "resnet18", &zo, OB_HOST);
    ob_bench_ok(ob_tensor_alloc(&c.x, OB_F32, OB_HOST, 4, (const int64_t[4]){n, 1, side, side}), "x");
    uint64_t rng = 12345;
    ob_bench_fill_uniform(ob_tensor_f32(&c.x), ob_tensor_numel(&c.x), &rng);
    double ms;
    if (unet) {
        c.opt = ob_bench_adam(c.m);
        ob_bench_ok(ob_tensor_alloc(&c.target, OB_F32, OB_HOST, 4, (const int64_t[4]){n, k, side, side}), "target");
        float *uv = malloc(sizeof(float) * 2 * k);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 2 * k; j++) uv[j] = 0.2f + 0.6f * ob_bench_lcg_uniform(&rng);
            ob_kp_heatmaps(ob_tensor_f32(&c.target) + (size_t)i * k * side * side, uv, k, side, side, OB_KP_SIGMA);
        }
        free(uv);
        ms = ob_bench_median_ms(step, &c, 2, repeats);
    } else {
        ob_bench_ok(ob_model_freeze(c.m, 1), "freeze"); /* as `keypoints detect` and `eval keypoints` run it */
        ms = ob_bench_median_ms(forward, &c, 2, repeats);
    }
    char name[96], extra[96];
    snprintf(name, sizeof name, unet ? "unet_D64_train_step_b%d_1x%dx%d" : "resnet18_forward_b%d_1x%dx%d", n, side,
             side);
    snprintf(extra, sizeof extra, "%.1f images/s, peak %.0f MiB", n / (ms * 1e-3), ob_bench_peak_mib());
    ob_bench_report(name, ms, repeats, extra);
    ob_tensor_free(&c.x), ob_tensor_free(&c.g), ob_tensor_free(&c.target);
    if (c.opt) ob_optim_destroy(c.opt);
    ob_model_destroy(c.m);
    ob_ctx_destroy(c.ctx);
    return 0;
}
