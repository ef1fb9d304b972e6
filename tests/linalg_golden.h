/* linalg_golden.h — reads the PyTorch fixtures of tests/golden/nets/NAME.bin (made by
 * tests/golden/make_nets_linalg_golden.py) and checks a layer against one.
 * Header-only (static functions), included by test_conv.c and test_linear.c.
 *
 * A fixture is 8 tensors — x, weight, bias, y, grad_out, grad_x, grad_weight,
 * grad_bias — each int32 ndim, int32 shape[ndim], float32 data; ndim 0 = absent. */
#ifndef OB_LINALG_GOLDEN_H
#define OB_LINALG_GOLDEN_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_layer.h"
#include "ob_test.h"

enum { GOLD_X, GOLD_W, GOLD_B, GOLD_Y, GOLD_GY, GOLD_GX, GOLD_GW, GOLD_GB, GOLD_N };

typedef struct {
    ob_tensor t[GOLD_N]; /* host, owned; data NULL when absent */
} nets_golden;

static void nets_golden_free(nets_golden *g)
{
    for (int i = 0; i < GOLD_N; i++) ob_tensor_free(&g->t[i]);
}

static int nets_golden_read(nets_golden *g, const char *name)
{
    char path[1024];
    memset(g, 0, sizeof *g);
    snprintf(path, sizeof path, "%s/tests/golden/nets/%s.bin", ob_test_source_dir(), name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        OB_CHECK(0, "cannot open fixture %s", path);
        return 0;
    }
    int ok = 1;
    for (int i = 0; ok && i < GOLD_N; i++) {
        int32_t nd = 0, dims[4];
        int64_t shape[4];
        ok = fread(&nd, 4, 1, f) == 1 && nd >= 0 && nd <= 4;
        if (!ok || nd == 0) continue;
        ok = fread(dims, 4, (size_t)nd, f) == (size_t)nd;
        for (int d = 0; ok && d < nd; d++) shape[d] = dims[d], ok = dims[d] >= 1;
        ok = ok && ob_tensor_alloc(&g->t[i], OB_F32, OB_HOST, nd, shape) == OB_OK;
        ok = ok && fread(g->t[i].data, 4, (size_t)ob_tensor_numel(&g->t[i]), f) == (size_t)ob_tensor_numel(&g->t[i]);
    }
    fclose(f);
    OB_CHECK(ok, "fixture %s is truncated or malformed", path);
    if (!ok) nets_golden_free(g);
    return ok;
}

/* Worst |got - ref| / max(|ref|, 1e-3) over a tensor, for the report. */
static double nets_max_rel(const float *got, const float *ref, int64_t n)
{
    double w = 0;
    for (int64_t i = 0; i < n; i++) {
        const double r = fabs((double)got[i] - ref[i]) / fmax(fabs((double)ref[i]), 1e-3);
        if (r > w) w = r;
    }
    return w;
}

/* Copies the fixture's weight and bias into the layer (params 0 and 1, freshly
 * allocated — zero gradients — at the context's location), runs forward and
 * backward on the context's backend (inputs uploaded, results downloaded),
 * compares y, grad_x, grad_weight, grad_bias with |got - ref| <= atol + rtol |ref|.
 * Returns the worst relative error seen. */
static double linalg_golden_check(const char *name, ob_layer *l, ob_ctx *ctx, double atol, double rtol)
{
    nets_golden g;
    if (!nets_golden_read(&g, name)) return INFINITY;
    const ob_location loc = ob_ctx_location(ctx);
    char label[160];
    double worst = 0;
    ob_tensor x = {0}, y = {0}, gx = {0}, gy = {0}, host = {0}, poison = {0};
    const int has_b = g.t[GOLD_B].data != NULL;
    OB_CHECK(has_b == (l->n_params > 1), "%s: bias presence", name);
    if (ob_tensor_copy(&l->params[0].value, &g.t[GOLD_W]) != OB_OK ||
        (has_b && l->n_params > 1 && ob_tensor_copy(&l->params[1].value, &g.t[GOLD_B]) != OB_OK) ||
        ob_tensor_clone_to(&x, &g.t[GOLD_X], loc) != OB_OK) {
        OB_CHECK(0, "%s: parameters/input: %s", name, ob_last_error());
        goto done;
    }
    const ob_tensor *in[1] = {&x};
    if (ob_layer_forward_alloc(l, ctx, &y, in, 1, 1) != OB_OK || ob_tensor_clone_to(&host, &y, OB_HOST) != OB_OK) {
        OB_CHECK(0, "%s: forward: %s", name, ob_last_error());
        goto done;
    }
    OB_CHECK(ob_tensor_numel(&y) == ob_tensor_numel(&g.t[GOLD_Y]), "%s: output size", name);
    snprintf(label, sizeof label, "%s %s forward y", ob_backend_name(ob_ctx_backend(ctx)), name);
    ob_test_allclose(label, ob_tensor_f32(&host), ob_tensor_f32(&g.t[GOLD_Y]), (size_t)ob_tensor_numel(&y), atol, rtol);
    worst = fmax(worst, nets_max_rel(ob_tensor_f32(&host), ob_tensor_f32(&g.t[GOLD_Y]), ob_tensor_numel(&y)));
    ob_tensor_free(&host);
    ob_tensor_alloc(&poison, OB_F32, OB_HOST, g.t[GOLD_X].ndim, g.t[GOLD_X].shape);
    ob_test_fill_nan(ob_tensor_f32(&poison), (size_t)ob_tensor_numel(&poison));
    ob_tensor gy_host;
    ob_tensor_wrap(&gy_host, g.t[GOLD_GY].data, OB_F32, OB_HOST, y.ndim, y.shape);
    if (ob_tensor_clone_to(&gx, &poison, loc) != OB_OK || ob_tensor_clone_to(&gy, &gy_host, loc) != OB_OK) {
        OB_CHECK(0, "%s: upload: %s", name, ob_last_error());
        goto done;
    }
    ob_tensor *gin[1] = {&gx};
    for (int pass = 0; pass < 2; pass++) { /* the second pass ADDS: parameter gradients double */
        if (l->ops->backward(l, ctx, gin, &gy, in, 1, &y) != OB_OK) {
            OB_CHECK(0, "%s: backward: %s", name, ob_last_error());
            goto done;
        }
        struct {
            const char *what;
            const ob_tensor *got;
            int ref;
        } cmp[3] = {{"grad_x", &gx, GOLD_GX}, {"grad_weight", &l->params[0].grad, GOLD_GW}, {"grad_bias", NULL, GOLD_GB}};
        if (has_b) cmp[2].got = &l->params[1].grad;
        for (int c = 0; c < 3; c++) {
            if (!cmp[c].got || (pass && c == 0)) continue;
            const int64_t n = ob_tensor_numel(&g.t[cmp[c].ref]);
            float *ref = malloc(sizeof(float) * (size_t)n);
            for (int64_t i = 0; i < n; i++) ref[i] = (pass ? 2.f : 1.f) * ob_tensor_f32(&g.t[cmp[c].ref])[i];
            ob_tensor_clone_to(&host, cmp[c].got, OB_HOST);
            snprintf(label, sizeof label, "%s %s backward %s%s", ob_backend_name(ob_ctx_backend(ctx)), name,
                     cmp[c].what, pass ? " after a second backward (accumulates)" : "");
            ob_test_allclose(label, ob_tensor_f32(&host), ref, (size_t)n, (pass ? 2 : 1) * atol, rtol);
            if (!pass) worst = fmax(worst, nets_max_rel(ob_tensor_f32(&host), ref, n));
            ob_tensor_free(&host);
            free(ref);
        }
    }
    printf("     %s %s: max rel error vs PyTorch %.3g\n", ob_backend_name(ob_ctx_backend(ctx)), name, worst);
done:
    ob_tensor_free(&x), ob_tensor_free(&y), ob_tensor_free(&gx), ob_tensor_free(&gy), ob_tensor_free(&poison);
    ob_tensor_free(&host);
    nets_golden_free(&g);
    return worst;
}

#endif
