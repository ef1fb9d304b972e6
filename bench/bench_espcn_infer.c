/* bench_espcn_infer.c — ESPCN x3 inference on one 640x360 Y image (to
 * 1920x1080) on the CPU; the peer is the same forward in PyTorch under
 * torch.no_grad() with the SAME weights (bench/b_espcn_infer.py loads the
 * safetensors file this program writes).
 *     bench_espcn_infer WEIGHTS.safetensors
 *     espcn3_infer_1x640x360<TAB>median_ms<TAB>repeats<TAB>peak MiB, checksum
 * The model is the zoo's "espcn3" (PyTorch-default init, seed 0); the input a
 * fixed ramp-plus-noise image in [0, 1); eval mode, 2 warm-up runs, median of 11. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "ob_checkpoint.h"
#include "ob_model.h"
#include "ob_zoo.h"

typedef struct {
    ob_model *m;
    ob_ctx *ctx;
    ob_tensor x;
    const ob_tensor *y;
} infer_case;

static void infer(void *arg)
{
    infer_case *c = arg;
    ob_bench_ok(ob_model_forward(c->m, c->ctx, &c->y, &c->x, 0), "forward");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_espcn_infer WEIGHTS.safetensors\n");
        return 2;
    }
    infer_case c = {0};
    const int h = 360, w = 640, repeats = 11;
    ob_bench_ok(ob_ctx_create(&c.ctx, OB_BACKEND_CPU, 0), "context");
    ob_zoo_opts zo = {.in_channels = 1, .height = h, .width = w};
    c.m = ob_bench_zoo_model("espcn3", &zo, OB_HOST);
    ob_named_tensor named[16];
    int n_named = 0;
    ob_bench_ok(ob_checkpoint_collect(named, 16, &n_named, c.m->layers, c.m->prefixes, c.m->n_nodes), "collect");
    ob_bench_ok(ob_checkpoint_save(argv[1], named, n_named, NULL), "save weights");
    ob_bench_ok(ob_model_freeze(c.m, 1), "freeze"); /* as `obscura upscale` runs it */
    const int64_t xs[4] = {1, 1, h, w};
    ob_bench_ok(ob_tensor_alloc(&c.x, OB_F32, OB_HOST, 4, xs), "x");
    float *x = ob_tensor_f32(&c.x);
    uint64_t rng = 7;
    for (int i = 0; i < h * w; i++) x[i] = 0.8f * (float)(i % w) / (float)w + 0.2f * ob_bench_lcg_uniform(&rng);
    const double ms = ob_bench_median_ms(infer, &c, 2, repeats);
    double sum = 0;
    for (int64_t i = 0; i < ob_tensor_numel(c.y); i++) sum += ob_tensor_f32(c.y)[i];
    char extra[96];
    snprintf(extra, sizeof extra, "peak %.0f MiB, mean %.6f", ob_bench_peak_mib(), sum / (double)ob_tensor_numel(c.y));
    ob_bench_report("espcn3_infer_1x640x360", ms, repeats, extra);
    ob_tensor_free(&c.x);
    ob_model_destroy(c.m);
    ob_ctx_destroy(c.ctx);
    return 0;
}
