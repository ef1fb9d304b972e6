/* test_layers_dnnl.c — every oneDNN layer (--cpu-impl dnnl) against the
 * reference (--cpu-impl ref) at odd sizes: max / average / global pooling,
 * batch norm (training: output, running statistics, num_batches_tracked, and
 * eval), the five activations, and the linear layer; forward, input gradient
 * and the accumulated parameter gradients of a random output gradient. The
 * tolerance is |dnnl - ref| <= 1e-5 + 1e-4 |ref| (float sums in another order);
 * the worst error is printed. Two oneDNN runs are bit-identical. Without
 * oneDNN in the build the test reports SKIPPED. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_dnnl.h"
#include "ob_init.h"
#include "ob_layers.h"
#include "ob_linear.h"
#include "ob_test.h"

#define ATOL 1e-5
#define RTOL 1e-4

static ob_ctx *ctx_ref, *ctx_dnnl;
static double worst;

typedef ob_status (*make_fn)(ob_layer **l);

typedef struct {
    ob_tensor y, gx;
    float *params, *grads; /* copies of the arena after the step */
    size_t n_params, n_grads;
} step_result;

/* Makes the layer, runs forward (mode `training`) and backward of grad_out
 * (uniform, seeded) on ctx; copies everything out into *r. */
static void run_step(ob_ctx *ctx, make_fn make, const ob_tensor *x, int training, step_result *r, uint64_t seed)
{
    ob_layer *l;
    ob_param_arena a;
    memset(r, 0, sizeof *r);
    OB_CHECK_OK(make(&l));
    OB_CHECK_OK(ob_layers_alloc_params(&a, &l, 1, OB_HOST));
    OB_CHECK_OK(ob_init_default(l, seed));
    if (strcmp(l->ops->kind, "batch_norm2d") == 0) { /* non-trivial affine and running statistics */
        ob_test_fill_uniform(ob_tensor_f32(&l->params[0].value), (size_t)ob_tensor_numel(&l->params[0].value), seed + 1,
                             0.5f, 1.5f);
        ob_test_fill_uniform(ob_tensor_f32(&l->params[1].value), (size_t)ob_tensor_numel(&l->params[1].value), seed + 2,
                             -0.5f, 0.5f);
        ob_test_fill_uniform(ob_tensor_f32(&l->params[2].value), (size_t)ob_tensor_numel(&l->params[2].value), seed + 3,
                             -0.2f, 0.2f);
        ob_test_fill_uniform(ob_tensor_f32(&l->params[3].value), (size_t)ob_tensor_numel(&l->params[3].value), seed + 4,
                             0.5f, 2.0f);
    }
    const ob_tensor *in[1] = {x};
    OB_CHECK_OK(ob_layer_forward_alloc(l, ctx, &r->y, in, 1, training));
    ob_tensor gy;
    OB_CHECK_OK(ob_tensor_alloc(&gy, OB_F32, OB_HOST, r->y.ndim, r->y.shape));
    ob_test_fill_uniform(ob_tensor_f32(&gy), (size_t)ob_tensor_numel(&gy), seed + 5, -1, 1);
    OB_CHECK_OK(ob_tensor_alloc(&r->gx, OB_F32, OB_HOST, x->ndim, x->shape));
    ob_test_fill_nan(ob_tensor_f32(&r->gx), (size_t)ob_tensor_numel(&r->gx)); /* poisoned: must be overwritten */
    ob_tensor *gin[1] = {&r->gx};
    OB_CHECK_OK(l->ops->backward(l, ctx, gin, &gy, in, 1, &r->y));
    OB_CHECK_OK(l->ops->backward(l, ctx, gin, &gy, in, 1, &r->y)); /* twice: parameter gradients accumulate */
    r->n_params = (size_t)a.n_values, r->n_grads = (size_t)a.n_grads;
    r->params = malloc(sizeof(float) * (r->n_params + 1));
    r->grads = malloc(sizeof(float) * (r->n_grads + 1));
    memcpy(r->params, a.values.data, sizeof(float) * r->n_params);
    memcpy(r->grads, a.grads.data, sizeof(float) * r->n_grads);
    ob_tensor_free(&gy);
    ob_param_arena_free(&a);
    ob_layer_destroy(l);
}

static void free_result(step_result *r)
{
    ob_tensor_free(&r->y), ob_tensor_free(&r->gx);
    free(r->params), free(r->grads);
}

static double compare(const char *label, const char *what, const float *got, const float *ref, size_t n)
{
    char lab[160];
    snprintf(lab, sizeof lab, "%s: oneDNN vs reference %s", label, what);
    ob_test_allclose(lab, got, ref, n, ATOL, RTOL);
    double w = 0;
    for (size_t i = 0; i < n; i++) w = fmax(w, fabs((double)got[i] - ref[i]) / (ATOL + RTOL * fabs((double)ref[i])));
    return w;
}

static void check(const char *label, make_fn make, const ob_tensor *x, int training)
{
    step_result r, d, d2;
    run_step(ctx_ref, make, x, training, &r, 101);
    run_step(ctx_dnnl, make, x, training, &d, 101);
    run_step(ctx_dnnl, make, x, training, &d2, 101);
    double w = compare(label, "y", ob_tensor_f32(&d.y), ob_tensor_f32(&r.y), (size_t)ob_tensor_numel(&r.y));
    w = fmax(w, compare(label, "dx", ob_tensor_f32(&d.gx), ob_tensor_f32(&r.gx), (size_t)ob_tensor_numel(&r.gx)));
    if (r.n_params) /* layers with parameters */
        w = fmax(w, compare(label, "parameters and buffers after the step", d.params, r.params, r.n_params));
    if (r.n_grads) w = fmax(w, compare(label, "accumulated parameter gradients", d.grads, r.grads, r.n_grads));
    worst = fmax(worst, w);
    OB_CHECK(memcmp(d.y.data, d2.y.data, ob_tensor_nbytes(&d.y)) == 0 &&
                 memcmp(d.gx.data, d2.gx.data, ob_tensor_nbytes(&d.gx)) == 0,
             "%s: two oneDNN runs differ", label);
    free_result(&r), free_result(&d), free_result(&d2);
}

static ob_tensor input(int64_t n, int64_t c, int64_t h, int64_t w, uint64_t seed)
{
    ob_tensor x;
    const int64_t s[4] = {n, c, h, w};
    ob_tensor_alloc(&x, OB_F32, OB_HOST, 4, s);
    ob_test_fill_uniform(ob_tensor_f32(&x), (size_t)ob_tensor_numel(&x), seed, -2, 2);
    return x;
}

static ob_status max_k3s2p1(ob_layer **l) { return ob_max_pool2d_create(l, 3, 2, 1); }
static ob_status max_k2(ob_layer **l) { return ob_max_pool2d_create(l, 2, 2, 0); }
static ob_status max_k5s3p2(ob_layer **l) { return ob_max_pool2d_create(l, 5, 3, 2); }
static ob_status avg_k3s2p1(ob_layer **l) { return ob_avg_pool2d_create(l, 3, 2, 1); }
static ob_status avg_k2(ob_layer **l) { return ob_avg_pool2d_create(l, 2, 2, 0); }
static ob_status gap(ob_layer **l) { return ob_global_avg_pool_create(l); }
static ob_status bn5(ob_layer **l) { return ob_batch_norm2d_create(l, 5); }
static ob_status relu(ob_layer **l) { return ob_act_create(l, OB_ACT_RELU, 0); }
static ob_status leaky(ob_layer **l) { return ob_act_create(l, OB_ACT_LEAKY_RELU, 0.01f); }
static ob_status silu(ob_layer **l) { return ob_act_create(l, OB_ACT_SILU, 0); }
static ob_status tanh_(ob_layer **l) { return ob_act_create(l, OB_ACT_TANH, 0); }
static ob_status sigmoid(ob_layer **l) { return ob_act_create(l, OB_ACT_SIGMOID, 0); }
static ob_status linear(ob_layer **l)
{
    return ob_linear_create(l, &(ob_linear_cfg){.in_features = 5 * 7 * 9, .out_features = 13, .bias = 1});
}

int main(int argc, char **argv)
{
    /* argv[1]: an ISA cap (ctest's *_avx2 run: the AVX2 code on whatever CPU this is) */
    if (argc > 1 && ob_dnnl_cap_isa(argv[1]) != OB_OK) {
        fprintf(stderr, "%s\n", ob_last_error());
        return 1;
    }
    if (!ob_dnnl_available()) ob_test_skip("oneDNN is not built in: there is no dnnl path to compare");
    if (ob_ctx_create(&ctx_ref, OB_BACKEND_CPU, 0) != OB_OK || ob_ctx_set_cpu_impl(ctx_ref, OB_CPU_IMPL_REF) != OB_OK ||
        ob_ctx_create(&ctx_dnnl, OB_BACKEND_CPU, 0) != OB_OK || ob_ctx_set_cpu_impl(ctx_dnnl, OB_CPU_IMPL_DNNL) != OB_OK) {
        fprintf(stderr, "no context: %s\n", ob_last_error());
        return 1;
    }
    printf("oneDNN %s, ISA %s, fp32 strict: %d\n", ob_dnnl_version(), ob_dnnl_isa(), ob_dnnl_fpmath_strict());
    OB_CHECK(ob_dnnl_fpmath_strict(), "oneDNN's default math mode is not strict fp32");
    const int64_t sizes[3][4] = {{1, 3, 9, 11}, {2, 5, 7, 9}, {7, 5, 13, 6}};
    for (int k = 0; k < 3; k++) {
        ob_tensor x = input(sizes[k][0], sizes[k][1], sizes[k][2], sizes[k][3], 7 + (uint64_t)k);
        char lab[96];
        const struct {
            const char *name;
            make_fn make;
        } cases[] = {{"max_pool2d k3 s2 p1", max_k3s2p1}, {"max_pool2d k2", max_k2}, {"max_pool2d k5 s3 p2", max_k5s3p2},
                     {"avg_pool2d k3 s2 p1", avg_k3s2p1}, {"avg_pool2d k2", avg_k2}, {"global_avg_pool", gap},
                     {"relu", relu}, {"leaky_relu", leaky}, {"silu", silu}, {"tanh", tanh_}, {"sigmoid", sigmoid}};
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            snprintf(lab, sizeof lab, "%s on (%lld, %lld, %lld, %lld)", cases[c].name, (long long)sizes[k][0],
                     (long long)sizes[k][1], (long long)sizes[k][2], (long long)sizes[k][3]);
            check(lab, cases[c].make, &x, 1);
        }
        if (sizes[k][1] == 5) {
            snprintf(lab, sizeof lab, "batch_norm2d train on (%lld, 5, %lld, %lld)", (long long)sizes[k][0],
                     (long long)sizes[k][2], (long long)sizes[k][3]);
            check(lab, bn5, &x, 1);
            snprintf(lab, sizeof lab, "batch_norm2d eval on (%lld, 5, %lld, %lld)", (long long)sizes[k][0],
                     (long long)sizes[k][2], (long long)sizes[k][3]);
            check(lab, bn5, &x, 0);
            if (sizes[k][2] == 7) check("linear 315 -> 13", linear, &x, 1);
        }
        ob_tensor_free(&x);
    }
    printf("oneDNN vs reference: worst error %.3g of the tolerance (%g + %g |ref|)\n", worst, ATOL, RTOL);
    ob_ctx_destroy(ctx_ref), ob_ctx_destroy(ctx_dnnl);
    return ob_test_finish();
}
