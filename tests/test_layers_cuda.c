/* test_layers_cuda.c — every layer of nets/ob_layers.h on the cuda backend (own
 * kernels, cuDNN pooling and batch norm, device copies) against the CPU path:
 * forward, input gradients and parameter gradients, batch-norm running stats.
 * Needs a GPU: elsewhere it skips (exit 77) — bench/gpu_check runs it where one
 * answers, which is what verifies the cuDNN glue. Tolerance: 1e-5 + 1e-4 |ref|
 * (cuDNN sums in its own order). Max-pool inputs are distinct per plane so the
 * argmax cannot tie. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_layers.h"
#include "ob_test.h"

static ob_ctx *cpu, *gpu;

/* Uploads go through ob_tensor_clone_to, which is device-synchronous
 * (ob_cuda_host.h): complete before the layer's first kernel. The context's
 * stream is non-blocking, so results are read back after waiting for it. */
static void upload(ob_tensor *dev, const ob_tensor *host)
{
    OB_CHECK_OK(ob_tensor_clone_to(dev, host, OB_DEVICE));
}

static void compare(const char *label, const char *what, const ob_tensor *dev, const ob_tensor *host)
{
    ob_tensor back;
    char l[128];
    snprintf(l, sizeof l, "%s %s", label, what);
    OB_CHECK_OK(ob_stream_sync(ob_ctx_stream(gpu)));
    if (!OB_CHECK(ob_tensor_clone_to(&back, dev, OB_HOST) == OB_OK, "%s: download: %s", l, ob_last_error())) return;
    ob_test_allclose(l, ob_tensor_f32(&back), ob_tensor_f32(host), (size_t)ob_tensor_numel(host), 1e-5, 1e-4);
    ob_tensor_free(&back);
}

/* Runs forward + backward of lc (cpu) and lg (cuda) on the same inputs. */
static void run(const char *label, ob_layer *lc, ob_layer *lg, ob_tensor *x, int n_in, int training)
{
    ob_tensor xd[OB_LAYER_MAX_INPUTS], yc, yg, gc[OB_LAYER_MAX_INPUTS], gg[OB_LAYER_MAX_INPUTS], go, god;
    const ob_tensor *inc[OB_LAYER_MAX_INPUTS], *ing[OB_LAYER_MAX_INPUTS];
    ob_tensor *gpc[OB_LAYER_MAX_INPUTS], *gpg[OB_LAYER_MAX_INPUTS];
    for (int i = 0; i < n_in; i++) {
        upload(&xd[i], &x[i]);
        inc[i] = &x[i], ing[i] = &xd[i];
    }
    if (!OB_CHECK_OK(ob_layer_forward_alloc(lc, cpu, &yc, inc, n_in, training))) return;
    if (!OB_CHECK_OK(ob_layer_forward_alloc(lg, gpu, &yg, ing, n_in, training))) return;
    compare(label, "forward", &yg, &yc);
    ob_tensor_alloc(&go, OB_F32, OB_HOST, yc.ndim, yc.shape);
    ob_test_fill_uniform(ob_tensor_f32(&go), (size_t)ob_tensor_numel(&go), 5, -1, 1);
    upload(&god, &go);
    for (int i = 0; i < n_in; i++) {
        ob_tensor_zeros(&gc[i], OB_F32, OB_HOST, x[i].ndim, x[i].shape);
        ob_tensor_zeros(&gg[i], OB_F32, OB_DEVICE, x[i].ndim, x[i].shape);
        gpc[i] = &gc[i], gpg[i] = &gg[i];
    }
    OB_CHECK_OK(lc->ops->backward(lc, cpu, gpc, &go, inc, n_in, &yc));
    OB_CHECK_OK(lg->ops->backward(lg, gpu, gpg, &god, ing, n_in, &yg));
    for (int i = 0; i < n_in; i++) compare(label, "input gradient", &gg[i], &gc[i]);
    for (int p = 0; p < lc->n_params; p++) {
        compare(label, lc->params[p].name, &lg->params[p].value, &lc->params[p].value);
        if (lc->params[p].trainable) compare(label, "parameter gradient", &lg->params[p].grad, &lc->params[p].grad);
    }
    for (int i = 0; i < n_in; i++) ob_tensor_free(&xd[i]), ob_tensor_free(&gc[i]), ob_tensor_free(&gg[i]);
    ob_tensor_free(&yc), ob_tensor_free(&yg), ob_tensor_free(&go), ob_tensor_free(&god);
}

static void input(ob_tensor *t, int64_t n, int64_t c, int64_t h, int64_t w, uint64_t seed)
{
    int64_t shape[4] = {n, c, h, w};
    ob_tensor_alloc(t, OB_F32, OB_HOST, 4, shape);
    float *v = ob_tensor_f32(t);
    const int64_t hw = h * w;
    /* distinct values within each plane (a scrambled ramp) */
    for (int64_t i = 0; i < ob_tensor_numel(t); i++)
        v[i] = -1.0f + 2.0f * (float)(((i % hw) * 7919 + seed) % hw) / (float)hw + 0.01f * (float)(i / hw);
}

/* `make` constructs into L: once for the cpu layer, once for the cuda one */
#define PAIR(label, make)                                                           \
    do {                                                                            \
        ob_layer *a = NULL, *b = NULL, **L = &a;                                    \
        OB_CHECK_OK(make);                                                          \
        L = &b;                                                                     \
        OB_CHECK_OK(make);                                                          \
        if (a && b) run(label, a, b, x, 1, 1);                                      \
        ob_layer_destroy(a), ob_layer_destroy(b);                                   \
    } while (0)

int main(void)
{
    if (ob_ctx_create(&gpu, OB_BACKEND_CUDA, 0) != OB_OK) {
        char why[512];
        snprintf(why, sizeof why, "no cuda backend here (%s)", ob_last_error());
        ob_test_skip(why);
    }
    if (ob_ctx_create(&cpu, OB_BACKEND_CPU, 0) != OB_OK) return 1;
    ob_tensor x[3];
    input(&x[0], 2, 3, 13, 17, 1);
    for (int k = 0; k < 5; k++) PAIR(ob_act_name((ob_act_kind)k), ob_act_create(L, (ob_act_kind)k, 0.1f));
    PAIR("max_pool2d k3 s2 p1", ob_max_pool2d_create(L, 3, 2, 1));
    PAIR("max_pool2d k2", ob_max_pool2d_create(L, 2, 0, 0));
    PAIR("avg_pool2d k3 s2 p1", ob_avg_pool2d_create(L, 3, 2, 1));
    PAIR("avg_pool2d k3 s1 p1", ob_avg_pool2d_create(L, 3, 1, 1));
    PAIR("global_avg_pool", ob_global_avg_pool_create(L));
    PAIR("flatten", ob_flatten_create(L));
    PAIR("upsample nearest x2", ob_upsample_create(L, 2, OB_UPSAMPLE_NEAREST));
    PAIR("upsample bilinear x3", ob_upsample_create(L, 3, OB_UPSAMPLE_BILINEAR));
    PAIR("spatial_softmax", ob_spatial_softmax_create(L));
    PAIR("soft_argmax pixel", ob_soft_argmax_create(L, OB_SOFTARGMAX_PIXEL));
    PAIR("soft_argmax normalized", ob_soft_argmax_create(L, OB_SOFTARGMAX_NORMALIZED));
    PAIR("dropout p=0.25", ob_dropout_create(L, 0.25f, 9));

    /* batch norm: three training steps (running stats compared each time), then eval */
    {
        ob_layer *a, *b;
        ob_param_arena pa, pb;
        OB_CHECK_OK(ob_batch_norm2d_create(&a, 3));
        OB_CHECK_OK(ob_batch_norm2d_create(&b, 3));
        OB_CHECK_OK(ob_layers_alloc_params(&pa, &a, 1, OB_HOST));
        OB_CHECK_OK(ob_layers_alloc_params(&pb, &b, 1, OB_DEVICE));
        OB_CHECK_OK(ob_batch_norm2d_reset(a));
        ob_test_fill_uniform(ob_tensor_f32(&a->params[0].value), 3, 11, 0.5f, 1.5f);
        ob_test_fill_uniform(ob_tensor_f32(&a->params[1].value), 3, 12, -1, 1);
        for (int p = 0; p < 5; p++) OB_CHECK_OK(ob_tensor_copy(&b->params[p].value, &a->params[p].value));
        OB_CHECK_OK(ob_stream_sync(NULL));
        for (int step = 0; step < 3; step++) run("batch_norm2d train", a, b, x, 1, 1);
        run("batch_norm2d eval", a, b, x, 1, 0); /* running stats; the eval-mode backward */
        ob_layer_destroy(a), ob_layer_destroy(b);
        ob_param_arena_free(&pa), ob_param_arena_free(&pb);
    }

    /* two- and three-input layers */
    input(&x[1], 2, 1, 13, 17, 2);
    input(&x[2], 2, 2, 13, 17, 3);
    {
        ob_layer *a, *b;
        OB_CHECK_OK(ob_concat_create(&a));
        OB_CHECK_OK(ob_concat_create(&b));
        run("concat 3+1+2", a, b, x, 3, 1);
        ob_layer_destroy(a), ob_layer_destroy(b);
        ob_tensor_free(&x[1]);
        input(&x[1], 2, 3, 13, 17, 4);
        OB_CHECK_OK(ob_add_create(&a));
        OB_CHECK_OK(ob_add_create(&b));
        run("add", a, b, x, 2, 1);
        ob_layer_destroy(a), ob_layer_destroy(b);
    }
    for (int i = 0; i < 3; i++) ob_tensor_free(&x[i]);
    input(&x[0], 2, 12, 7, 9, 5);
    PAIR("pixel_shuffle r2", ob_pixel_shuffle_layer_create(L, 2));
    ob_tensor_free(&x[0]);
    ob_ctx_destroy(gpu), ob_ctx_destroy(cpu);
    return ob_test_finish();
}
