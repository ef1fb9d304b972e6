/* test_conv.c — conv2d and conv_transpose2d on the CPU, both implementations
 * (--cpu-impl ref: im2col + GEMM; dnnl: oneDNN's primitives):
 *   - PyTorch parity: forward y and backward grad_x, grad_weight, grad_bias
 *     against tests/golden/nets/NAME.bin (float64 truth), |got - ref| <= 1e-5 + 1e-4 |ref|;
 *     a second backward doubles the parameter gradients (they accumulate);
 *   - finite-difference gradient checks (tests/gradcheck.h) of inputs and
 *     parameters at odd sizes: stride 2, padding, dilation 2, 1x1, groups,
 *     conv_transpose2d with output_padding;
 *   - oneDNN against the reference at odd sizes, 1, 2 and 7 images, every form
 *     (y, dx, dw, db within 1e-5 + 1e-4 |ref|: float sums in another order;
 *     the worst is printed), two oneDNN runs bit-identical (same threads);
 *     with the direct algorithm, then again with Winograd wherever oneDNN has
 *     it (within 1e-5 of each tensor's largest |ref|); --cpu-conv auto's rule
 *     picks Winograd exactly where it should;
 *   - the reference split into chunks of one image vs one chunk;
 *   - bad shapes and configurations: OB_ERR_ARG naming the layer and the shapes;
 *   - where a GPU answers, the PyTorch parity cases again on the cuda backend
 *     (cuDNN), same tolerance; elsewhere a note says the path was not run. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "conv_impl.h" /* chunk_floats: force the chunked reference path */
#include "gradcheck.h"
#include "linalg_golden.h"
#include "ob_conv2d.h"
#include "ob_dnnl.h"
#include "ob_init.h"
#include "ob_test.h"

static double worst_parity = 0;

static void golden_conv(ob_ctx *ctx, const char *name, ob_conv2d_cfg cfg)
{
    ob_layer *l;
    ob_param_arena a;
    if (ob_conv2d_create(&l, &cfg) != OB_OK || ob_layers_alloc_params(&a, &l, 1, ob_ctx_location(ctx)) != OB_OK) {
        OB_CHECK(0, "%s: create: %s", name, ob_last_error());
        return;
    }
    worst_parity = fmax(worst_parity, linalg_golden_check(name, l, ctx, 1e-5, 1e-4));
    ob_param_arena_free(&a);
    ob_layer_destroy(l);
}

static void golden_convt(ob_ctx *ctx, const char *name, ob_conv_transpose2d_cfg cfg)
{
    ob_layer *l;
    ob_param_arena a;
    if (ob_conv_transpose2d_create(&l, &cfg) != OB_OK || ob_layers_alloc_params(&a, &l, 1, ob_ctx_location(ctx)) != OB_OK) {
        OB_CHECK(0, "%s: create: %s", name, ob_last_error());
        return;
    }
    worst_parity = fmax(worst_parity, linalg_golden_check(name, l, ctx, 1e-5, 1e-4));
    ob_param_arena_free(&a);
    ob_layer_destroy(l);
}

/* Gradient check of layer l on a random (n, c, h, w) input. */
static void gradcheck(ob_ctx *ctx, const char *label, ob_layer *l, int n, int c, int h, int w, uint64_t seed)
{
    ob_param_arena a;
    if (ob_layers_alloc_params(&a, &l, 1, OB_HOST) != OB_OK) {
        OB_CHECK(0, "%s: params: %s", label, ob_last_error());
        return;
    }
    OB_CHECK_OK(ob_init_default(l, seed));
    ob_tensor x;
    const int64_t shape[4] = {n, c, h, w};
    ob_tensor_alloc(&x, OB_F32, OB_HOST, 4, shape);
    ob_test_fill_uniform(ob_tensor_f32(&x), (size_t)ob_tensor_numel(&x), seed + 1, -1, 1);
    ob_tensor *in[1] = {&x};
    ob_gradcheck_layer(label, l, ctx, in, 1, 1, 2e-3, 2e-2, 40, seed + 2);
    ob_tensor_free(&x);
    ob_param_arena_free(&a);
}

static void gc_conv(ob_ctx *ctx, const char *label, ob_conv2d_cfg cfg, int n, int h, int w)
{
    ob_layer *l;
    if (ob_conv2d_create(&l, &cfg) != OB_OK) {
        OB_CHECK(0, "%s: %s", label, ob_last_error());
        return;
    }
    gradcheck(ctx, label, l, n, cfg.c_in, h, w, (uint64_t)(h * 100 + w));
    ob_layer_destroy(l);
}

static void gc_convt(ob_ctx *ctx, const char *label, ob_conv_transpose2d_cfg cfg, int n, int h, int w)
{
    ob_layer *l;
    if (ob_conv_transpose2d_create(&l, &cfg) != OB_OK) {
        OB_CHECK(0, "%s: %s", label, ob_last_error());
        return;
    }
    gradcheck(ctx, label, l, n, cfg.c_in, h, w, (uint64_t)(h * 100 + w + 7));
    ob_layer_destroy(l);
}

static void bad_input(ob_ctx *ctx)
{
    ob_layer *l;
    ob_param_arena a;
    OB_CHECK_OK(ob_conv2d_create(&l, &(ob_conv2d_cfg){.c_in = 3, .c_out = 4, .k = 5, .bias = 1}));
    OB_CHECK_OK(ob_layers_alloc_params(&a, &l, 1, OB_HOST));
    ob_tensor x, y;
    int64_t s[4] = {2, 2, 9, 9}, shape[4];
    int nd;
    ob_tensor_zeros(&x, OB_F32, OB_HOST, 4, s);
    const ob_tensor *in[1] = {&x};
    OB_CHECK_FAILS(l->ops->shape(l, shape, &nd, in, 1), OB_ERR_ARG); /* 2 channels, 3 expected */
    OB_CHECK(strstr(ob_last_error(), "conv2d") && strstr(ob_last_error(), "(2, 2, 9, 9)") &&
                 strstr(ob_last_error(), "(N, 3, H, W)"),
             "message names the layer and both shapes: %s", ob_last_error());
    ob_tensor_free(&x);
    int64_t s2[4] = {1, 3, 3, 3};                                      /* 5x5 window on 3x3, no padding */
    ob_tensor_zeros(&x, OB_F32, OB_HOST, 4, s2);
    OB_CHECK_FAILS(l->ops->shape(l, shape, &nd, in, 1), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_layer_forward_alloc(l, ctx, &y, in, 1, 0), OB_ERR_ARG);
    ob_tensor_free(&x);
    int64_t s3[4] = {1, 3, 7, 7}, wrong[4] = {1, 4, 5, 5};
    ob_tensor_zeros(&x, OB_F32, OB_HOST, 4, s3);
    ob_tensor_zeros(&y, OB_F32, OB_HOST, 4, wrong);                    /* right is (1, 4, 3, 3) */
    OB_CHECK_FAILS(l->ops->forward(l, ctx, &y, in, 1, 0), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "(1, 4, 3, 3)") != NULL, "message gives the expected output: %s",
             ob_last_error());
    ob_tensor_free(&x), ob_tensor_free(&y);
    ob_param_arena_free(&a);
    ob_layer_destroy(l);
    OB_CHECK_FAILS(ob_conv2d_create(&l, &(ob_conv2d_cfg){.c_in = 3, .c_out = 4, .k = 3, .groups = 2}), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_conv2d_create(&l, &(ob_conv2d_cfg){.c_in = 3, .c_out = 4, .k = 0}), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_conv_transpose2d_create(
                       &l, &(ob_conv_transpose2d_cfg){.c_in = 3, .c_out = 4, .k = 3, .stride = 2, .output_padding = 2}),
                   OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "conv_transpose2d") != NULL, "names the layer: %s", ob_last_error());
}

/* The layer's parameters (PyTorch's default init from seed) and an input
 * (n, c, h, w) uniform in [-1, 1). */
static void layer_and_input(ob_layer *l, ob_param_arena *a, ob_tensor *x, int n, int c, int h, int w, uint64_t seed)
{
    OB_CHECK_OK(ob_layers_alloc_params(a, &l, 1, OB_HOST));
    OB_CHECK_OK(ob_init_default(l, seed));
    const int64_t xs[4] = {n, c, h, w};
    ob_tensor_alloc(x, OB_F32, OB_HOST, 4, xs);
    ob_test_fill_uniform(ob_tensor_f32(x), (size_t)ob_tensor_numel(x), seed - 2, -1, 1);
}

static void release(ob_tensor *x, ob_param_arena *a, ob_layer *l)
{
    ob_tensor_free(x);
    ob_param_arena_free(a);
    ob_layer_destroy(l);
}

/* One forward (into *y) and backward with grad_out = y (into *gx); the
 * parameter gradients, zeroed first, copied out (malloc'd) into *grads. */
static void forward_backward(ob_layer *l, ob_ctx *ctx, ob_param_arena *a, const ob_tensor *x, ob_tensor *y,
                             ob_tensor *gx, float **grads)
{
    const ob_tensor *in[1] = {x};
    OB_CHECK_OK(ob_layer_forward_alloc(l, ctx, y, in, 1, 1));
    ob_tensor_alloc(gx, OB_F32, OB_HOST, 4, x->shape);
    ob_tensor *gin[1] = {gx};
    memset(a->grads.data, 0, ob_tensor_nbytes(&a->grads));
    OB_CHECK_OK(l->ops->backward(l, ctx, gin, y, in, 1, y));
    *grads = malloc(ob_tensor_nbytes(&a->grads));
    memcpy(*grads, a->grads.data, ob_tensor_nbytes(&a->grads));
}

/* The reference path with the batch split into chunks (one image each) gives
 * the same output and gradients as one chunk: forward, dX, dW, db. */
static void chunks(ob_ctx *ctx, int transposed)
{
    ob_layer *l;
    ob_param_arena a;
    const int n = 5, c = 3, h = 9, w = 7;
    if (transposed)
        OB_CHECK_OK(ob_conv_transpose2d_create(
            &l, &(ob_conv_transpose2d_cfg){.c_in = c, .c_out = 4, .k = 3, .stride = 2, .pad = 1, .bias = 1}));
    else
        OB_CHECK_OK(ob_conv2d_create(&l, &(ob_conv2d_cfg){.c_in = c, .c_out = 4, .k = 3, .stride = 2, .pad = 1, .bias = 1}));
    ob_tensor x, y[3], gx[3];
    layer_and_input(l, &a, &x, n, c, h, w, 5);
    float *g[3];
    ob_conv_state *s = l->state;
    for (int r = 0; r < 3; r++) {
        s->chunk_floats = r == 0 ? 0 : (size_t)r; /* 1 or 2 floats: one image per chunk */
        forward_backward(l, ctx, &a, &x, &y[r], &gx[r], &g[r]);
    }
    for (int r = 1; r < 3; r++) {
        char label[3][96];
        const char *what[3] = {"y", "dx", "dw, db"};
        for (int k = 0; k < 3; k++)
            snprintf(label[k], sizeof label[k], "%s chunked (%d) vs whole batch: %s", l->ops->kind, r, what[k]);
        ob_test_allclose(label[0], ob_tensor_f32(&y[r]), ob_tensor_f32(&y[0]), (size_t)ob_tensor_numel(&y[0]), 1e-6, 1e-6);
        ob_test_allclose(label[1], ob_tensor_f32(&gx[r]), ob_tensor_f32(&gx[0]), (size_t)ob_tensor_numel(&x), 1e-6, 1e-5);
        ob_test_allclose(label[2], g[r], g[0], (size_t)ob_tensor_numel(&a.grads), 1e-5, 1e-5);
    }
    for (int r = 0; r < 3; r++) ob_tensor_free(&y[r]), ob_tensor_free(&gx[r]), free(g[r]);
    release(&x, &a, l);
}

static double worst_dnnl = 0, worst_wino = 0;
static int wino_layers = 0; /* layers Winograd ran under --cpu-conv winograd */
#define WINO_TOL 1e-5       /* Winograd's tolerance, of the tensor's largest |ref| */

static double max_abs(const float *x, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++) m = fmax(m, fabs(x[i]));
    return m;
}

/* oneDNN (ctx_d) against the reference (ctx_r) on n images of (c_in, h, w):
 * y, dx, dw, db within 1e-5 + 1e-4 |ref| (float sums in another order), and a
 * second oneDNN run bit-identical to the first. Under ctx_d's --cpu-conv
 * winograd the error is the transforms' rounding, which scales with the
 * tensor rather than each element (a gradient element that sums to near zero
 * keeps an absolute error of the size of its terms' rounding): within
 * WINO_TOL of the tensor's largest |ref|. */
static void dnnl_vs_ref_layer(ob_ctx *ctx_r, ob_ctx *ctx_d, const char *label, ob_layer *l, int c_in, int h, int w)
{
    const int ns[3] = {1, 2, 7};
    ob_param_arena a;
    ob_tensor x, y[3], gx[3];
    layer_and_input(l, &a, &x, 7, c_in, h, w, 9);
    for (int k = 0; k < 3; k++) {
        x.shape[0] = ns[k]; /* the first n images */
        float *g[3];
        for (int r = 0; r < 3; r++) /* 0: reference; 1, 2: oneDNN */
            forward_backward(l, r ? ctx_d : ctx_r, &a, &x, &y[r], &gx[r], &g[r]);
        const size_t ng = (size_t)ob_tensor_numel(&a.grads), ny = (size_t)ob_tensor_numel(&y[0]);
        char lab[160];
        double worst = 0;
        const char *what[3] = {"y", "dx", "dw, db"};
        const float *got[3] = {ob_tensor_f32(&y[1]), ob_tensor_f32(&gx[1]), g[1]};
        const float *ref[3] = {ob_tensor_f32(&y[0]), ob_tensor_f32(&gx[0]), g[0]};
        const size_t len[3] = {ny, (size_t)ob_tensor_numel(&x), ng};
        const int wino = strcmp(ob_conv_algorithm(l), "winograd") == 0;
        wino_layers += wino && k == 2;
        for (int q = 0; q < 3; q++) {
            snprintf(lab, sizeof lab, "%s, %d image(s): oneDNN (%s) vs reference %s", label, ns[k],
                     ob_conv_algorithm(l), what[q]);
            const double atol = wino ? WINO_TOL * max_abs(ref[q], len[q]) : 1e-5, rtol = wino ? 0 : 1e-4;
            ob_test_allclose(lab, got[q], ref[q], len[q], atol, rtol);
            worst = fmax(worst, ob_test_tolerance_used(got[q], ref[q], len[q], atol, rtol));
        }
        if (wino) worst_wino = fmax(worst_wino, worst);
        else worst_dnnl = fmax(worst_dnnl, worst);
        OB_CHECK(memcmp(got[0], ob_tensor_f32(&y[2]), ny * sizeof(float)) == 0 &&
                     memcmp(got[1], ob_tensor_f32(&gx[2]), len[1] * sizeof(float)) == 0 &&
                     memcmp(g[1], g[2], ng * sizeof(float)) == 0,
                 "%s, %d image(s): two oneDNN runs differ", label, ns[k]);
        for (int r = 0; r < 3; r++) ob_tensor_free(&y[r]), ob_tensor_free(&gx[r]), free(g[r]);
    }
    x.shape[0] = 7; /* the size it was allocated with */
    release(&x, &a, l);
}

static void dnnl_vs_ref(ob_ctx *r, ob_ctx *d, const char *label, ob_conv2d_cfg cfg, int h, int w)
{
    ob_layer *l;
    OB_CHECK_OK(ob_conv2d_create(&l, &cfg));
    dnnl_vs_ref_layer(r, d, label, l, cfg.c_in, h, w);
}

static void dnnl_vs_ref_t(ob_ctx *r, ob_ctx *d, const char *label, ob_conv_transpose2d_cfg cfg, int h, int w)
{
    ob_layer *l;
    OB_CHECK_OK(ob_conv_transpose2d_create(&l, &cfg));
    dnnl_vs_ref_layer(r, d, label, l, cfg.c_in, h, w);
}

static void run_dnnl_parity(ob_ctx *r, ob_ctx *d)
{
    dnnl_vs_ref(r, d, "3x3 pad 1", (ob_conv2d_cfg){.c_in = 3, .c_out = 5, .k = 3, .pad = 1, .bias = 1}, 9, 7);
    dnnl_vs_ref(r, d, "5x5 pad 2 (ESPCN 1)", (ob_conv2d_cfg){.c_in = 1, .c_out = 6, .k = 5, .pad = 2, .bias = 1}, 11, 13);
    dnnl_vs_ref(r, d, "stride 2 dilation 2", (ob_conv2d_cfg){.c_in = 2, .c_out = 3, .k = 3, .stride = 2, .pad = 2, .dilation = 2, .bias = 1}, 13, 9);
    dnnl_vs_ref(r, d, "1x1", (ob_conv2d_cfg){.c_in = 4, .c_out = 3, .k = 1, .bias = 1}, 5, 6);
    dnnl_vs_ref(r, d, "1x1 stride 2", (ob_conv2d_cfg){.c_in = 5, .c_out = 3, .k = 1, .stride = 2}, 7, 5);
    dnnl_vs_ref(r, d, "groups 2", (ob_conv2d_cfg){.c_in = 4, .c_out = 6, .k = 3, .pad = 1, .groups = 2}, 7, 5);
    dnnl_vs_ref(r, d, "16->5 3x3", (ob_conv2d_cfg){.c_in = 16, .c_out = 5, .k = 3, .pad = 1, .bias = 1}, 9, 7);
    dnnl_vs_ref(r, d, "17->16 3x3 pad 0", (ob_conv2d_cfg){.c_in = 17, .c_out = 16, .k = 3, .bias = 1}, 8, 11);
    dnnl_vs_ref(r, d, "32->36 groups 2 dilation 2", (ob_conv2d_cfg){.c_in = 32, .c_out = 36, .k = 3, .pad = 1, .dilation = 2, .groups = 2, .bias = 1}, 9, 10);
    dnnl_vs_ref(r, d, "16->4 5x5 pad 3", (ob_conv2d_cfg){.c_in = 16, .c_out = 4, .k = 5, .pad = 3}, 6, 5);
    dnnl_vs_ref(r, d, "64->32 3x3 (ESPCN 2)", (ob_conv2d_cfg){.c_in = 64, .c_out = 32, .k = 3, .pad = 1, .bias = 1}, 9, 11);
    dnnl_vs_ref(r, d, "16->16 stride 2", (ob_conv2d_cfg){.c_in = 16, .c_out = 16, .k = 3, .stride = 2, .pad = 1, .bias = 1}, 9, 8);
    dnnl_vs_ref(r, d, "depthwise 8 groups", (ob_conv2d_cfg){.c_in = 8, .c_out = 8, .k = 3, .pad = 1, .groups = 8, .bias = 1}, 7, 9);
    dnnl_vs_ref(r, d, "7x7 stride 2 pad 3 (ResNet stem)", (ob_conv2d_cfg){.c_in = 1, .c_out = 16, .k = 7, .stride = 2, .pad = 3}, 15, 13);
    dnnl_vs_ref_t(r, d, "convT 4->3 k3 s2 op1", (ob_conv_transpose2d_cfg){.c_in = 4, .c_out = 3, .k = 3, .stride = 2, .pad = 1, .output_padding = 1, .bias = 1}, 5, 6);
    dnnl_vs_ref_t(r, d, "convT 16->8 k4 s2 (UNet up)", (ob_conv_transpose2d_cfg){.c_in = 16, .c_out = 8, .k = 4, .stride = 2, .pad = 1, .bias = 1}, 6, 5);
    dnnl_vs_ref_t(r, d, "convT 20->18 k3 s1 groups 2", (ob_conv_transpose2d_cfg){.c_in = 20, .c_out = 18, .k = 3, .pad = 1, .groups = 2, .bias = 1}, 7, 6);
    dnnl_vs_ref_t(r, d, "convT 16->6 k3 dil 2", (ob_conv_transpose2d_cfg){.c_in = 16, .c_out = 6, .k = 3, .dilation = 2}, 5, 7);
    dnnl_vs_ref_t(r, d, "convT 8->16 k3 s2 p1 op1 (denoiser)", (ob_conv_transpose2d_cfg){.c_in = 8, .c_out = 16, .k = 3, .stride = 2, .pad = 1, .output_padding = 1, .bias = 1}, 7, 7);
    dnnl_vs_ref_t(r, d, "convT 2->2 k3 s3 op2 pad 0", (ob_conv_transpose2d_cfg){.c_in = 2, .c_out = 2, .k = 3, .stride = 3, .output_padding = 2}, 3, 4);
}

/* --cpu-conv auto's rule (conv_dnnl.c): Winograd for a 3x3 stride-1
 * ungrouped conv2d with >= 16 channels each way and >= 32 output tiles of
 * 4x4 in the batch, where oneDNN has it; direct otherwise. */
static void auto_rule(ob_ctx *d)
{
    const struct {
        const char *label;
        ob_conv2d_cfg cfg;
        int n, h, w, winograd;
    } cases[] = {
        {"16->16 3x3 on 2x16x16 (32 tiles)", {.c_in = 16, .c_out = 16, .k = 3, .pad = 1}, 2, 16, 16, 1},
        {"16->16 3x3 on 1x16x16 (16 tiles)", {.c_in = 16, .c_out = 16, .k = 3, .pad = 1}, 1, 16, 16, 0},
        {"3->16 3x3 on 4x32x32", {.c_in = 3, .c_out = 16, .k = 3, .pad = 1}, 4, 32, 32, 0},
        {"16->16 3x3 stride 2 on 4x32x32", {.c_in = 16, .c_out = 16, .k = 3, .stride = 2, .pad = 1}, 4, 32, 32, 0},
        {"16->16 5x5 on 4x32x32", {.c_in = 16, .c_out = 16, .k = 5, .pad = 2}, 4, 32, 32, 0},
    };
    ob_ctx_set_cpu_conv(d, OB_CPU_CONV_AUTO);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ob_layer *l;
        ob_param_arena a;
        ob_tensor x, y;
        OB_CHECK_OK(ob_conv2d_create(&l, &cases[i].cfg));
        layer_and_input(l, &a, &x, cases[i].n, cases[i].cfg.c_in, cases[i].h, cases[i].w, 21);
        const ob_tensor *in[1] = {&x};
        OB_CHECK_OK(ob_layer_forward_alloc(l, d, &y, in, 1, 0));
        const char *want = cases[i].winograd && ob_conv_winograd_available() ? "winograd" : "direct";
        OB_CHECK(strcmp(ob_conv_algorithm(l), want) == 0, "auto on %s ran %s, expected %s", cases[i].label,
                 ob_conv_algorithm(l), want);
        ob_tensor_free(&y);
        release(&x, &a, l);
    }
}

static void run_golden(ob_ctx *ctx)
{
    /* configurations as in make_nets_linalg_golden.py's CASES */
    golden_conv(ctx, "conv2d_basic", (ob_conv2d_cfg){.c_in = 3, .c_out = 4, .k = 3, .pad = 1, .bias = 1});
    golden_conv(ctx, "conv2d_stride2", (ob_conv2d_cfg){.c_in = 3, .c_out = 5, .k = 3, .stride = 2, .pad = 1, .bias = 1});
    golden_conv(ctx, "conv2d_dil2", (ob_conv2d_cfg){.c_in = 2, .c_out = 3, .k = 3, .pad = 2, .dilation = 2, .bias = 1});
    golden_conv(ctx, "conv2d_1x1", (ob_conv2d_cfg){.c_in = 4, .c_out = 6, .k = 1});
    golden_conv(ctx, "conv2d_groups2", (ob_conv2d_cfg){.c_in = 4, .c_out = 6, .k = 3, .pad = 1, .groups = 2, .bias = 1});
    golden_conv(ctx, "conv2d_espcn1", (ob_conv2d_cfg){.c_in = 1, .c_out = 8, .k = 5, .pad = 2, .bias = 1});
    golden_convt(ctx, "convt_s2_op1",
                 (ob_conv_transpose2d_cfg){.c_in = 4, .c_out = 3, .k = 3, .stride = 2, .pad = 1, .output_padding = 1,
                                           .bias = 1});
    golden_convt(ctx, "convt_k4_s2", (ob_conv_transpose2d_cfg){.c_in = 3, .c_out = 2, .k = 4, .stride = 2, .pad = 1, .bias = 1});
    golden_convt(ctx, "convt_g2_d2", (ob_conv_transpose2d_cfg){.c_in = 4, .c_out = 4, .k = 3, .dilation = 2, .groups = 2});
}

static void run_gradchecks(ob_ctx *ctx)
{
    gc_conv(ctx, "conv2d 3x3 pad 1", (ob_conv2d_cfg){.c_in = 3, .c_out = 2, .k = 3, .pad = 1, .bias = 1}, 2, 7, 5);
    gc_conv(ctx, "conv2d stride 2", (ob_conv2d_cfg){.c_in = 2, .c_out = 3, .k = 3, .stride = 2, .pad = 1, .bias = 1}, 2, 9, 7);
    gc_conv(ctx, "conv2d dilation 2", (ob_conv2d_cfg){.c_in = 2, .c_out = 2, .k = 3, .dilation = 2, .pad = 1, .bias = 1}, 1, 9, 11);
    gc_conv(ctx, "conv2d 1x1", (ob_conv2d_cfg){.c_in = 3, .c_out = 5, .k = 1, .bias = 1}, 3, 5, 3);
    gc_conv(ctx, "conv2d 1x1 stride 2", (ob_conv2d_cfg){.c_in = 3, .c_out = 2, .k = 1, .stride = 2}, 1, 7, 5);
    gc_conv(ctx, "conv2d groups 3", (ob_conv2d_cfg){.c_in = 3, .c_out = 6, .k = 3, .pad = 1, .groups = 3, .bias = 1}, 2, 5, 7);
    gc_conv(ctx, "conv2d 5x5 pad 2 (ESPCN)", (ob_conv2d_cfg){.c_in = 1, .c_out = 4, .k = 5, .pad = 2, .bias = 1}, 2, 9, 9);
    gc_convt(ctx, "conv_transpose2d s2 op1",
             (ob_conv_transpose2d_cfg){.c_in = 3, .c_out = 2, .k = 3, .stride = 2, .pad = 1, .output_padding = 1, .bias = 1},
             2, 5, 3);
    gc_convt(ctx, "conv_transpose2d k4 s2", (ob_conv_transpose2d_cfg){.c_in = 2, .c_out = 3, .k = 4, .stride = 2, .pad = 1, .bias = 1},
             1, 3, 5);
    gc_convt(ctx, "conv_transpose2d groups 2 dilation 2",
             (ob_conv_transpose2d_cfg){.c_in = 4, .c_out = 2, .k = 3, .dilation = 2, .groups = 2, .bias = 1}, 1, 5, 3);
    gc_convt(ctx, "conv_transpose2d s3 op2",
             (ob_conv_transpose2d_cfg){.c_in = 2, .c_out = 2, .k = 3, .stride = 3, .output_padding = 2}, 1, 3, 3);
}

/* conv_transpose2d with output_padding >= stride (legal when dilation >
 * stride) has no cuDNN form: the cuda path refuses it by name, before any
 * descriptor, while the ordinary case passes the same check. */
static void test_cudnn_refusals(void)
{
    ob_layer *l = NULL;
    OB_CHECK_OK(ob_conv_transpose2d_create(
        &l, &(ob_conv_transpose2d_cfg){.c_in = 2, .c_out = 3, .k = 3, .stride = 1, .output_padding = 2, .dilation = 3}));
    if (l) {
        OB_CHECK_FAILS(ob_conv_cudnn_check((const ob_conv_state *)l->state), OB_ERR_UNSUPPORTED);
        OB_CHECK(strstr(ob_last_error(), "output_padding") && strstr(ob_last_error(), "--device cpu"),
                 "the refusal names the cause and the way out: %s", ob_last_error());
        ob_layer_destroy(l);
    }
    OB_CHECK_OK(ob_conv_transpose2d_create(
        &l, &(ob_conv_transpose2d_cfg){.c_in = 2, .c_out = 3, .k = 4, .stride = 2, .pad = 1, .output_padding = 1}));
    if (l) {
        OB_CHECK_OK(ob_conv_cudnn_check((const ob_conv_state *)l->state));
        ob_layer_destroy(l);
    }
}

int main(int argc, char **argv)
{
    test_cudnn_refusals();
    ob_ctx *ctx, *ctx_d = NULL;
    /* argv[1]: an ISA cap (ctest's *_avx2 run: the AVX2 code on whatever CPU this is) */
    if (argc > 1 && ob_dnnl_cap_isa(argv[1]) != OB_OK) {
        fprintf(stderr, "%s\n", ob_last_error());
        return 1;
    }
    if (ob_ctx_create(&ctx, OB_BACKEND_CPU, 0) != OB_OK || ob_ctx_set_cpu_impl(ctx, OB_CPU_IMPL_REF) != OB_OK) {
        fprintf(stderr, "no context: %s\n", ob_last_error());
        return 1;
    }
    run_golden(ctx);
    printf("PyTorch parity (ref): worst relative error %.3g over all conv fixtures\n", worst_parity);
    run_gradchecks(ctx);
    chunks(ctx, 0);
    chunks(ctx, 1);
    bad_input(ctx);
    if (ob_ctx_create(&ctx_d, OB_BACKEND_CPU, 0) == OB_OK && ob_ctx_set_cpu_impl(ctx_d, OB_CPU_IMPL_DNNL) == OB_OK) {
        printf("oneDNN %s, ISA %s\n", ob_dnnl_version(), ob_dnnl_isa());
        OB_CHECK(ob_dnnl_fpmath_strict(), "oneDNN's default math mode is not strict fp32");
        worst_parity = 0;
        run_golden(ctx_d);
        printf("PyTorch parity (dnnl): worst relative error %.3g over all conv fixtures\n", worst_parity);
        run_gradchecks(ctx_d);
        auto_rule(ctx_d);
        ob_ctx_set_cpu_conv(ctx_d, OB_CPU_CONV_DIRECT);
        run_dnnl_parity(ctx, ctx_d);
        printf("oneDNN (direct) vs reference: worst error %.3g of the tolerance (1e-5 + 1e-4 |ref|)\n", worst_dnnl);
        ob_ctx_set_cpu_conv(ctx_d, OB_CPU_CONV_WINOGRAD);
        run_dnnl_parity(ctx, ctx_d);
        printf("oneDNN (winograd where it has it: %d layers) vs reference: worst error %.3g of the tolerance "
               "(%.0e max|ref|); direct elsewhere %.3g\n",
               wino_layers, worst_wino, WINO_TOL, worst_dnnl);
        /* oneDNN 2.6 has Winograd on AVX-512 only: there the 3x3 stride-1 ungrouped layers take it */
        OB_CHECK(ob_conv_winograd_available() == (strncmp(ob_dnnl_isa(), "avx512", 6) == 0),
                 "Winograd available %d on ISA %s", ob_conv_winograd_available(), ob_dnnl_isa());
        if (ob_conv_winograd_available())
            OB_CHECK(wino_layers >= 4, "--cpu-conv winograd ran Winograd on %d layers only", wino_layers);
        else
            OB_CHECK(wino_layers == 0, "Winograd ran on %s", ob_dnnl_isa());
    } else
        OB_CHECK(!ob_dnnl_available(), "oneDNN is built in but --cpu-impl dnnl failed: %s", ob_last_error());
    ob_ctx_destroy(ctx_d);
    ob_ctx_destroy(ctx);
    /* the cuDNN path, where a GPU answers (bench/gpu_check runs this test there) */
    if (ob_ctx_create(&ctx, OB_BACKEND_CUDA, 0) == OB_OK) {
        worst_parity = 0;
        run_golden(ctx);
        printf("PyTorch parity (cuda): worst relative error %.3g over all conv fixtures\n", worst_parity);
        ob_ctx_destroy(ctx);
    } else
        printf("note: no GPU here (%s): the cuDNN path was not run\n", ob_last_error());
    return ob_test_finish();
}
