/* parity_optim.c — optim.cu (emu or real CUDA) vs the CPU path of optim.h.
 * Both paths run the same per-element update (ob_sgd_elem, ob_adam_elem) on the
 * same float scalars; the GPU may contract into FMAs, so after several steps
 * |got - ref| <= 1e-6 + 1e-6 |ref| for parameters and state. Every SGD variant
 * (first step, momentum, Nesterov, dampening, weight decay) and Adam / AdamW,
 * odd sizes, two block sizes, blocks in random order; and Adam / SGD reading
 * the step's scalars from device memory (a captured graph's way) while the
 * argument holds other values: the device ones must be the ones used. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_test.h"
#include "optim.h"

enum { STEPS = 4 };

static void check_sgd(size_t n, int block, double momentum, double dampening, double wd, int nesterov)
{
    float *w = malloc(n * 4), *buf = calloc(n, 4), *g = malloc(n * 4), *gw = malloc(n * 4), *gb = malloc(n * 4);
    ob_test_fill_uniform(w, n, n, -1, 1);
    float *dw = ob_gpu_upload(w, n), *db = ob_gpu_upload(buf, n), *dg = ob_gpu_alloc(n);
    ob_launch_cfg cfg = {block, 0, 0, NULL, NULL};
    ob_gpu_set_random_block_order(block + n);
    for (int s = 0; s < STEPS; s++) {
        ob_test_fill_uniform(g, n, n * 10 + s, -1, 1);
        ob_gpu_free(dg);
        dg = ob_gpu_upload(g, n);
        ob_sgd_step st;
        OB_CHECK_OK(ob_sgd_prepare(&st, 0.05, momentum, dampening, wd, nesterov, s == 0));
        OB_CHECK_OK(ob_sgd_update_cpu(w, momentum != 0 ? buf : NULL, g, (int64_t)n, &st));
        OB_CHECK_OK(OB_GPU(ob_sgd_update)(dw, momentum != 0 ? db : NULL, dg, (int64_t)n, &st, &cfg));
    }
    ob_gpu_set_random_block_order(0);
    ob_gpu_download(gw, dw, n);
    ob_gpu_download(gb, db, n);
    char label[160];
    snprintf(label, sizeof label, "%s sgd n=%zu block %d momentum %g dampening %g wd %g nesterov %d",
             ob_gpu_backend_name(), n, block, momentum, dampening, wd, nesterov);
    ob_test_allclose(label, gw, w, n, 1e-6, 1e-6);
    if (momentum != 0) ob_test_allclose(label, gb, buf, n, 1e-6, 1e-6);
    ob_gpu_free(dw), ob_gpu_free(db), ob_gpu_free(dg);
    free(w), free(buf), free(g), free(gw), free(gb);
}

/* A struct's bytes in "device" memory (the helpers count floats; the step
 * structs are made of 4-byte fields). */
static void *upload_struct(const void *p, size_t bytes) { return ob_gpu_upload((const float *)p, bytes / 4); }

static void check_adam_mode(size_t n, int block, double beta1, double wd, int decoupled, int from_device)
{
    float *w = malloc(n * 4), *m = calloc(n, 4), *v = calloc(n, 4), *g = malloc(n * 4);
    float *gw = malloc(n * 4), *gm = malloc(n * 4), *gv = malloc(n * 4);
    ob_test_fill_uniform(w, n, n + 1, -1, 1);
    float *dw = ob_gpu_upload(w, n), *dm = ob_gpu_upload(m, n), *dv = ob_gpu_upload(v, n), *dg = ob_gpu_alloc(n);
    ob_launch_cfg cfg = {block, 0, 0, NULL, NULL};
    ob_gpu_set_random_block_order(block * 3 + n);
    for (int s = 0; s < STEPS; s++) {
        ob_test_fill_uniform(g, n, n * 7 + s, -2, 2);
        ob_gpu_free(dg);
        dg = ob_gpu_upload(g, n);
        ob_adam_step st, other;
        OB_CHECK_OK(ob_adam_prepare(&st, 1e-2, beta1, 0.999, 1e-8, wd, decoupled, s + 1));
        OB_CHECK_OK(ob_adam_prepare(&other, 0.5, 0.5, 0.9, 1e-3, 0, 0, 1000));
        OB_CHECK_OK(ob_adam_update_cpu(w, m, v, g, (int64_t)n, &st));
        void *dst = from_device ? upload_struct(&st, sizeof st) : NULL;
        const ob_step_scalars sc = {dst, NULL, NULL};
        cfg.step = from_device ? &sc : NULL;
        OB_CHECK_OK(OB_GPU(ob_adam_update)(dw, dm, dv, dg, (int64_t)n, from_device ? &other : &st, &cfg));
        cfg.step = NULL;
        ob_gpu_free(dst);
    }
    ob_gpu_set_random_block_order(0);
    ob_gpu_download(gw, dw, n);
    ob_gpu_download(gm, dm, n);
    ob_gpu_download(gv, dv, n);
    char label[160];
    snprintf(label, sizeof label, "%s %s n=%zu block %d beta1 %g wd %g%s", ob_gpu_backend_name(),
             decoupled ? "adamw" : "adam", n, block, beta1, wd, from_device ? " (scalars from device memory)" : "");
    ob_test_allclose(label, gw, w, n, 1e-6, 1e-6);
    ob_test_allclose(label, gm, m, n, 1e-6, 1e-6);
    ob_test_allclose(label, gv, v, n, 1e-6, 1e-6);
    ob_gpu_free(dw), ob_gpu_free(dm), ob_gpu_free(dv), ob_gpu_free(dg);
    free(w), free(m), free(v), free(g), free(gw), free(gm), free(gv);
}

static void check_adam(size_t n, int block, double beta1, double wd, int decoupled)
{
    check_adam_mode(n, block, beta1, wd, decoupled, 0);
}

/* SGD with momentum for STEPS steps, the scalars from device memory. */
static void check_sgd_from_device(size_t n, int block)
{
    float *w = malloc(n * 4), *b = calloc(n, 4), *g = malloc(n * 4), *gw = malloc(n * 4);
    ob_test_fill_uniform(w, n, n + 5, -1, 1);
    float *dw = ob_gpu_upload(w, n), *db = ob_gpu_upload(b, n), *dg = NULL;
    ob_launch_cfg cfg = {block, 0, 0, NULL, NULL};
    for (int s = 0; s < STEPS; s++) {
        ob_test_fill_uniform(g, n, n * 3 + s, -2, 2);
        ob_gpu_free(dg);
        dg = ob_gpu_upload(g, n);
        ob_sgd_step st, other;
        OB_CHECK_OK(ob_sgd_prepare(&st, 0.05, 0.9, 0, 1e-3, 1, s == 0));
        OB_CHECK_OK(ob_sgd_prepare(&other, 3.0, 0.1, 0.5, 0, 0, 0));
        OB_CHECK_OK(ob_sgd_update_cpu(w, b, g, (int64_t)n, &st));
        void *dst = upload_struct(&st, sizeof st);
        const ob_step_scalars sc = {dst, NULL, NULL};
        cfg.step = &sc;
        OB_CHECK_OK(OB_GPU(ob_sgd_update)(dw, db, dg, (int64_t)n, &other, &cfg));
        cfg.step = NULL;
        ob_gpu_free(dst);
    }
    ob_gpu_download(gw, dw, n);
    char label[128];
    snprintf(label, sizeof label, "%s sgd nesterov n=%zu block %d (scalars from device memory)", ob_gpu_backend_name(),
             n, block);
    ob_test_allclose(label, gw, w, n, 1e-6, 1e-6);
    ob_gpu_free(dw), ob_gpu_free(db), ob_gpu_free(dg);
    free(w), free(b), free(g), free(gw);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    const int blocks[2] = {256, 96};
    const size_t sizes[3] = {1, 3 * 5 * 7 * 11, 65537};
    for (int b = 0; b < 2; b++)
        for (int i = 0; i < 3; i++) {
            const size_t n = sizes[i];
            check_sgd(n, blocks[b], 0, 0, 0, 0);
            check_sgd(n, blocks[b], 0.9, 0, 1e-2, 0);
            check_sgd(n, blocks[b], 0.9, 0, 1e-3, 1);
            check_sgd(n, blocks[b], 0.8, 0.3, 0, 0);
            check_adam(n, blocks[b], 0.9, 0, 0);
            check_adam(n, blocks[b], 0.8, 0.1, 0);
            check_adam(n, blocks[b], 0.9, 0.05, 1);
            check_adam(n, blocks[b], 0.3, 0.0, 0); /* torch's lerp from the other end */
            check_adam_mode(n, blocks[b], 0.9, 0.05, 1, 1);
            check_sgd_from_device(n, blocks[b]);
        }
    ob_launch_cfg odd = {100, 0, 0, NULL, NULL};
    float *d = ob_gpu_alloc(8);
    ob_sgd_step s;
    ob_adam_step a;
    OB_CHECK_OK(ob_sgd_prepare(&s, 0.1, 0, 0, 0, 0, 1));
    OB_CHECK_OK(ob_adam_prepare(&a, 0.1, 0.9, 0.999, 1e-8, 0, 0, 1));
    OB_CHECK_FAILS(OB_GPU(ob_sgd_update)(d, NULL, d, 8, &s, &odd), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_adam_update)(d, d, d, d, 0, &a, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_adam_prepare(&a, 0.1, 0.9, 0.999, 1e-8, 0, 0, 0), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_sgd_prepare(&s, 0.1, 0.9, 0.5, 0, 1, 1), OB_ERR_ARG);
    ob_gpu_free(d);
    return ob_test_finish();
}
