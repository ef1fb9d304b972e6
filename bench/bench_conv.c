/* bench_conv.c — conv2d forward + backward on the CPU (our side; the peer is
 * torch.nn.functional.conv2d + autograd with the same threads, timed by
 * bench/b_conv.py).
 *
 * Case names carry the shape so the peer can rebuild it:
 *     conv2d_fb_NxCxHxW_oO_kK_pP[_dx]
 * forward, then backward with weight and bias gradients, plus the input
 * gradient when the name ends in _dx (ESPCN's first layer needs none: its
 * input is the data);
 *     conv2d_f_NxCxHxW_oO_kK_pP
 * the forward alone (inference: ESPCN's layers on one 512x512 image; one
 * layer's forward + backward on it too).
 * Extra column: GFLOP/s counting 2·MACs per GEMM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "ob_conv2d.h"
#include "ob_init.h"

typedef struct {
    ob_layer *l;
    ob_ctx *ctx;
    ob_tensor x, y, gy, gx;
    int want_dx, forward_only;
} bench_case;

static void run_case(void *arg)
{
    bench_case *b = arg;
    const ob_tensor *in[1] = {&b->x};
    ob_tensor *gin[1] = {b->want_dx ? &b->gx : NULL};
    ob_bench_ok(b->l->ops->forward(b->l, b->ctx, &b->y, in, 1, !b->forward_only), "conv2d forward");
    if (b->forward_only) return;
    ob_bench_ok(b->l->ops->backward(b->l, b->ctx, gin, &b->gy, in, 1, &b->y), "conv2d backward");
}

/* want_dx: 1 input gradient too, 0 weight and bias gradients only, -1 the
 * forward alone */
static void bench(ob_ctx *ctx, int n, int c, int h, int w, int o, int k, int p, int want_dx, int repeats)
{
    bench_case b = {0};
    ob_param_arena a;
    b.ctx = ctx, b.want_dx = want_dx > 0, b.forward_only = want_dx < 0;
    ob_bench_ok(ob_conv2d_create(&b.l, &(ob_conv2d_cfg){.c_in = c, .c_out = o, .k = k, .pad = p, .bias = 1}),
                "conv2d create");
    ob_bench_ok(ob_layers_alloc_params(&a, &b.l, 1, OB_HOST), "params");
    ob_bench_ok(ob_init_default(b.l, 1), "init");
    const int64_t xs[4] = {n, c, h, w};
    ob_bench_ok(ob_tensor_alloc(&b.x, OB_F32, OB_HOST, 4, xs), "x");
    ob_bench_ok(ob_tensor_alloc(&b.gx, OB_F32, OB_HOST, 4, xs), "gx");
    float *xp = ob_tensor_f32(&b.x);
    for (int64_t i = 0; i < ob_tensor_numel(&b.x); i++) xp[i] = (float)((i * 2654435761u) % 1000) * 1e-3f;
    const ob_tensor *in[1] = {&b.x};
    ob_bench_ok(ob_layer_forward_alloc(b.l, ctx, &b.y, in, 1, 1), "y");
    ob_bench_ok(ob_tensor_alloc(&b.gy, OB_F32, OB_HOST, 4, b.y.shape), "gy");
    float *g = ob_tensor_f32(&b.gy);
    for (int64_t i = 0; i < ob_tensor_numel(&b.gy); i++) g[i] = (float)((i * 40503u) % 1000) * 1e-3f - 0.5f;
    const double ms = ob_bench_median_ms(run_case, &b, 3, repeats);
    const double macs = (double)n * o * b.y.shape[2] * b.y.shape[3] * c * k * k;
    char name[128], extra[32];
    snprintf(name, sizeof name, "conv2d_%s_%dx%dx%dx%d_o%d_k%d_p%d%s", b.forward_only ? "f" : "fb", n, c, h, w, o, k,
             p, want_dx > 0 ? "_dx" : "");
    snprintf(extra, sizeof extra, "%.1f GFLOP/s", 2 * macs * (b.forward_only ? 1 : want_dx ? 3 : 2) / (ms * 1e-3) / 1e9);
    ob_bench_report(name, ms, repeats, extra);
    ob_tensor_free(&b.x), ob_tensor_free(&b.y), ob_tensor_free(&b.gy), ob_tensor_free(&b.gx);
    ob_param_arena_free(&a);
    ob_layer_destroy(b.l);
}

int main(void)
{
    ob_ctx *ctx;
    ob_bench_ok(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0), "context");
    bench(ctx, 64, 1, 17, 17, 64, 5, 2, 0, 31);  /* ESPCN x3, layer 1: 5x5x64 */
    bench(ctx, 64, 64, 17, 17, 32, 3, 1, 1, 21); /* ESPCN x3, layer 2: 3x3x32 */
    bench(ctx, 64, 32, 17, 17, 9, 3, 1, 1, 21);  /* ESPCN x3, layer 3: 3x3x9 */
    /* inference on one 512x512 image: fewer images than threads (row bands) */
    bench(ctx, 1, 1, 512, 512, 64, 5, 2, -1, 11);
    bench(ctx, 1, 64, 512, 512, 32, 3, 1, -1, 11);
    bench(ctx, 1, 32, 512, 512, 9, 3, 1, -1, 11);
    /* ... and a training step's convolution on it (batch 1: bands in the backward too) */
    bench(ctx, 1, 64, 512, 512, 32, 3, 1, 1, 5);
    ob_ctx_destroy(ctx);
    return 0;
}
