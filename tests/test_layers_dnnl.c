/* test_layers_dnnl.c — every oneDNN layer (--cpu-impl dnnl) against the
 * reference (--cpu-impl ref) at odd sizes: max / average / global pooling,
 * batch norm (training: output, running statistics, num_batches_tracked, and
 * eval), the five activations, and the linear layer; forward, input gradient
 * and the accumulated parameter gradients of a random output gradient. The
 * tolerance is |dnnl - ref| <= 1e-5 + 1e-4 |ref| (float sums in another order);
 * the worst error is printed. Two oneDNN runs are bit-identical. Whole models
 * (ESPCN x3, a net of convolutions, activations, pooling, a transposed
 * convolution and a residual add, and a ResNet-like net of convolutions and
 * batch norms) agree too, in training (output and gradients) and then in
 * eval, where the activations between oneDNN layers stay in oneDNN's blocked
 * layout: at least one edge is blocked, the model's output is plain. The
 * convolutions run oneDNN's direct algorithm here (--cpu-conv direct:
 * Winograd's rounding has its own tolerance, tests/test_conv.c). A frozen
 * model (ob_model_freeze) gives what an unfrozen one gives and sees weights
 * changed after a thaw. Without
 * oneDNN in the build the test reports SKIPPED. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_dnnl.h"
#include "ob_init.h"
#include "ob_layers.h"
#include "ob_linear.h"
#include "ob_conv2d.h"
#include "ob_model.h"
#include "ob_zoo.h"
#include "ob_test.h"

#define ATOL 1e-5
#define RTOL 1e-4

static ob_ctx *ctx_ref, *ctx_dnnl;
static double worst;

typedef ob_status (*make_fn)(ob_layer **l);

typedef struct {
    ob_tensor y, gx, y_eval; /* y_eval: models only, an eval forward after the step */
    float *params, *grads; /* copies of the arena after the step */
    size_t n_params, n_grads;
    size_t grad_at[64], grad_len[64]; /* models only: each parameter's gradient in grads */
    int n_grad_tensors;
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
    ob_tensor_free(&r->y), ob_tensor_free(&r->gx), ob_tensor_free(&r->y_eval);
    free(r->params), free(r->grads);
}

static double compare(const char *label, const char *what, const float *got, const float *ref, size_t n)
{
    char lab[160];
    snprintf(lab, sizeof lab, "%s: oneDNN vs reference %s", label, what);
    ob_test_allclose(lab, got, ref, n, ATOL, RTOL);
    return ob_test_tolerance_used(got, ref, n, ATOL, RTOL);
}

/* A model's parameter gradients, tensor by tensor: a weight gradient sums
 * N*H*W products, so its float rounding grows with the size of its terms and
 * an element that cancels to near zero keeps an absolute error of their
 * rounding; the absolute tolerance scales with the tensor's largest |ref|
 * where that exceeds 1. */
static double compare_grads(const char *label, const step_result *d, const step_result *r)
{
    double w = 0;
    for (int t = 0; t < r->n_grad_tensors; t++) {
        const float *ref = r->grads + r->grad_at[t], *got = d->grads + r->grad_at[t];
        double scale = 1;
        for (size_t i = 0; i < r->grad_len[t]; i++) scale = fmax(scale, fabs(ref[i]));
        char lab[200];
        snprintf(lab, sizeof lab, "%s: oneDNN vs reference, gradient of parameter %d (atol %.2g)", label, t,
                 ATOL * scale);
        ob_test_allclose(lab, got, ref, r->grad_len[t], ATOL * scale, RTOL);
        w = fmax(w, ob_test_tolerance_used(got, ref, r->grad_len[t], ATOL * scale, RTOL));
    }
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

/* conv 3->16, tanh, conv 16->32 stride 2, relu, max pool, convT 32->16 s2,
 * silu, add(silu, tanh) (two readers of tanh: plain there), conv 16->5 */
static ob_status build_mixed(ob_model **out)
{
    ob_model *m;
    ob_layer *l;
    OB_TRY(ob_model_create(&m));
    int ids[9];
    OB_TRY(ob_conv2d_create(&l, &(ob_conv2d_cfg){.c_in = 3, .c_out = 16, .k = 3, .pad = 1, .bias = 1}));
    OB_TRY(ob_model_add_node(m, "c0", l, (int[]){OB_MODEL_INPUT}, 1, &ids[0]));
    OB_TRY(ob_act_create(&l, OB_ACT_TANH, 0));
    OB_TRY(ob_model_add_node(m, "a0", l, (int[]){ids[0]}, 1, &ids[1]));
    OB_TRY(ob_conv2d_create(&l, &(ob_conv2d_cfg){.c_in = 16, .c_out = 32, .k = 3, .stride = 2, .pad = 1, .bias = 1}));
    OB_TRY(ob_model_add_node(m, "c1", l, (int[]){ids[1]}, 1, &ids[2]));
    OB_TRY(ob_act_create(&l, OB_ACT_RELU, 0));
    OB_TRY(ob_model_add_node(m, "a1", l, (int[]){ids[2]}, 1, &ids[3]));
    OB_TRY(ob_max_pool2d_create(&l, 2, 2, 0));
    OB_TRY(ob_model_add_node(m, "p1", l, (int[]){ids[3]}, 1, &ids[4]));
    OB_TRY(ob_conv_transpose2d_create(
        &l, &(ob_conv_transpose2d_cfg){.c_in = 32, .c_out = 16, .k = 4, .stride = 4, .bias = 1}));
    OB_TRY(ob_model_add_node(m, "t2", l, (int[]){ids[4]}, 1, &ids[5]));
    OB_TRY(ob_act_create(&l, OB_ACT_SILU, 0));
    OB_TRY(ob_model_add_node(m, "a2", l, (int[]){ids[5]}, 1, &ids[6]));
    OB_TRY(ob_add_create(&l));
    OB_TRY(ob_model_add_node(m, "sum", l, (int[]){ids[6], ids[1]}, 2, &ids[7]));
    OB_TRY(ob_conv2d_create(&l, &(ob_conv2d_cfg){.c_in = 16, .c_out = 5, .k = 3, .pad = 1, .bias = 1}));
    OB_TRY(ob_model_add_node(m, "c3", l, (int[]){ids[7]}, 1, &ids[8]));
    *out = m;
    return OB_OK;
}

/* conv 3->16, bn, relu (two readers: plain), conv 16->16, bn (read by the
 * add: written plain from a blocked input), add, relu, max pool, bn (a plain
 * input written blocked for the next conv), conv 16->5: batch norm on blocked
 * edges, and at each kind of layout boundary. */
static ob_status build_bn_net(ob_model **out)
{
    ob_model *m;
    ob_layer *l;
    OB_TRY(ob_model_create(&m));
    int ids[11];
    OB_TRY(ob_conv2d_create(&l, &(ob_conv2d_cfg){.c_in = 3, .c_out = 16, .k = 3, .pad = 1}));
    OB_TRY(ob_model_add_node(m, "c0", l, (int[]){OB_MODEL_INPUT}, 1, &ids[0]));
    OB_TRY(ob_batch_norm2d_create(&l, 16));
    OB_TRY(ob_model_add_node(m, "b0", l, (int[]){ids[0]}, 1, &ids[1]));
    OB_TRY(ob_act_create(&l, OB_ACT_RELU, 0));
    OB_TRY(ob_model_add_node(m, "a0", l, (int[]){ids[1]}, 1, &ids[2]));
    OB_TRY(ob_conv2d_create(&l, &(ob_conv2d_cfg){.c_in = 16, .c_out = 16, .k = 3, .pad = 1}));
    OB_TRY(ob_model_add_node(m, "c1", l, (int[]){ids[2]}, 1, &ids[3]));
    OB_TRY(ob_batch_norm2d_create(&l, 16));
    OB_TRY(ob_model_add_node(m, "b1", l, (int[]){ids[3]}, 1, &ids[4]));
    OB_TRY(ob_add_create(&l));
    OB_TRY(ob_model_add_node(m, "sum", l, (int[]){ids[4], ids[2]}, 2, &ids[5]));
    OB_TRY(ob_act_create(&l, OB_ACT_RELU, 0));
    OB_TRY(ob_model_add_node(m, "a1", l, (int[]){ids[5]}, 1, &ids[6]));
    OB_TRY(ob_max_pool2d_create(&l, 2, 2, 0));
    OB_TRY(ob_model_add_node(m, "p1", l, (int[]){ids[6]}, 1, &ids[7]));
    OB_TRY(ob_batch_norm2d_create(&l, 16));
    OB_TRY(ob_model_add_node(m, "b2", l, (int[]){ids[7]}, 1, &ids[8]));
    OB_TRY(ob_conv2d_create(&l, &(ob_conv2d_cfg){.c_in = 16, .c_out = 5, .k = 3, .pad = 1, .bias = 1}));
    OB_TRY(ob_model_add_node(m, "c3", l, (int[]){ids[8]}, 1, &ids[9]));
    *out = m;
    return OB_OK;
}

static ob_status build_espcn(ob_model **out)
{
    ob_zoo_opts zo = {.in_channels = 1, .height = 12, .width = 12};
    return ob_zoo_build(out, "espcn3", &zo);
}

/* forward (training) + backward of a random output gradient on ctx: y, dx
 * and the parameter gradients copied out; *blocked <- edges left blocked. */
static void model_step(ob_ctx *ctx, ob_status (*build)(ob_model **), const ob_tensor *x, step_result *r, int *blocked)
{
    ob_model *m;
    memset(r, 0, sizeof *r);
    OB_CHECK_OK(build(&m));
    OB_CHECK_OK(ob_model_alloc_params(m, OB_HOST));
    OB_CHECK_OK(ob_zoo_init(m, 3));
    const ob_tensor *y;
    OB_CHECK_OK(ob_model_forward(m, ctx, &y, x, 1));
    *blocked = 0;
    for (int i = 0; i < m->n_nodes; i++) *blocked += m->nodes[i].out.layout != OB_LAYOUT_PLAIN;
    OB_CHECK(y->layout == OB_LAYOUT_PLAIN, "the model's output is plain NCHW");
    OB_CHECK_OK(ob_tensor_clone_to(&r->y, y, OB_HOST));
    ob_tensor gy;
    OB_CHECK_OK(ob_tensor_alloc(&gy, OB_F32, OB_HOST, y->ndim, y->shape));
    ob_test_fill_uniform(ob_tensor_f32(&gy), (size_t)ob_tensor_numel(&gy), 5, -1, 1);
    OB_CHECK_OK(ob_tensor_alloc(&r->gx, OB_F32, OB_HOST, x->ndim, x->shape));
    memset(m->arena.grads.data, 0, ob_tensor_nbytes(&m->arena.grads));
    OB_CHECK_OK(ob_model_backward(m, ctx, &gy, &r->gx));
    r->n_grads = (size_t)m->arena.n_grads;
    r->grads = malloc(sizeof(float) * r->n_grads);
    memcpy(r->grads, m->arena.grads.data, sizeof(float) * r->n_grads);
    for (int i = 0; i < m->n_nodes; i++)
        for (int p = 0; p < m->layers[i]->n_params; p++) {
            const ob_tensor *g = &m->layers[i]->params[p].grad;
            if (!g->data || r->n_grad_tensors == 64) continue;
            r->grad_at[r->n_grad_tensors] = (size_t)((const float *)g->data - (const float *)m->arena.grads.data);
            r->grad_len[r->n_grad_tensors++] = (size_t)ob_tensor_numel(g);
        }
    OB_CHECK(r->n_grad_tensors < 64, "more parameters than the test keeps");
    OB_CHECK_OK(ob_model_forward(m, ctx, &y, x, 0)); /* eval: batch norms on their running statistics */
    for (int i = 0; i < m->n_nodes; i++) *blocked += m->nodes[i].out.layout != OB_LAYOUT_PLAIN;
    OB_CHECK_OK(ob_tensor_clone_to(&r->y_eval, y, OB_HOST));
    ob_tensor_free(&gy);
    ob_model_destroy(m);
}

static void check_model(const char *label, ob_status (*build)(ob_model **), const ob_tensor *x)
{
    step_result r, d;
    int br, bd;
    model_step(ctx_ref, build, x, &r, &br);
    model_step(ctx_dnnl, build, x, &d, &bd);
    printf("%s: %d activation(s) left in oneDNN's blocked layout between layers\n", label, bd);
    OB_CHECK(br == 0, "%s: the reference path blocked %d activations", label, br);
    OB_CHECK(bd > 0, "%s: no activation stayed blocked between oneDNN layers", label);
    double w = compare(label, "model output", ob_tensor_f32(&d.y), ob_tensor_f32(&r.y), (size_t)ob_tensor_numel(&r.y));
    w = fmax(w, compare(label, "model output in eval", ob_tensor_f32(&d.y_eval), ob_tensor_f32(&r.y_eval),
                        (size_t)ob_tensor_numel(&r.y_eval)));
    w = fmax(w, compare(label, "model input gradient", ob_tensor_f32(&d.gx), ob_tensor_f32(&r.gx),
                        (size_t)ob_tensor_numel(&r.gx)));
    w = fmax(w, compare_grads(label, &d, &r));
    worst = fmax(worst, w);
    free_result(&r), free_result(&d);
}

/* ob_model_freeze on the dnnl path: a frozen eval forward (the convolutions
 * keep their reordered weights) gives what an unfrozen one gives, bit for
 * bit, every call; a training forward while frozen is refused; weights
 * changed after a thaw are seen, unfrozen and frozen again (nothing stale). */
static void check_freeze(const ob_tensor *x)
{
    ob_model *m;
    OB_CHECK_OK(build_bn_net(&m));
    OB_CHECK_OK(ob_model_alloc_params(m, OB_HOST));
    OB_CHECK_OK(ob_zoo_init(m, 3));
    const size_t ny = 3 * 5 * 8 * 8;
    float *y0 = malloc(ny * sizeof(float)), *y1 = malloc(ny * sizeof(float));
    const ob_tensor *y;
    OB_CHECK_OK(ob_model_forward(m, ctx_dnnl, &y, x, 0));
    OB_CHECK((size_t)ob_tensor_numel(y) == ny, "bn net output size");
    memcpy(y0, y->data, ny * sizeof(float));
    OB_CHECK_OK(ob_model_freeze(m, 1));
    for (int call = 0; call < 3; call++) {
        OB_CHECK_OK(ob_model_forward(m, ctx_dnnl, &y, x, 0));
        OB_CHECK(memcmp(y->data, y0, ny * sizeof(float)) == 0, "frozen eval forward %d differs from unfrozen", call);
    }
    OB_CHECK_FAILS(ob_model_forward(m, ctx_dnnl, &y, x, 1), OB_ERR_ARG);
    /* thaw, double every convolution's weights: the change shows, frozen or not */
    OB_CHECK_OK(ob_model_freeze(m, 0));
    for (int i = 0; i < m->n_nodes; i++)
        if (strcmp(m->layers[i]->ops->kind, "conv2d") == 0) {
            float *w = ob_tensor_f32(&m->layers[i]->params[0].value);
            for (int64_t j = 0; j < ob_tensor_numel(&m->layers[i]->params[0].value); j++) w[j] *= 2;
        }
    OB_CHECK_OK(ob_model_freeze(m, 1)); /* refrozen straight away: the kept weights must be re-derived */
    OB_CHECK_OK(ob_model_forward(m, ctx_dnnl, &y, x, 0));
    memcpy(y1, y->data, ny * sizeof(float));
    OB_CHECK(memcmp(y1, y0, ny * sizeof(float)) != 0, "refrozen forward used the weights from before the thaw");
    OB_CHECK_OK(ob_model_freeze(m, 0));
    OB_CHECK_OK(ob_model_forward(m, ctx_dnnl, &y, x, 0));
    OB_CHECK(memcmp(y->data, y1, ny * sizeof(float)) == 0, "unfrozen and refrozen forwards differ");
    OB_CHECK_OK(ob_model_forward(m, ctx_dnnl, &y, x, 1)); /* thawed: training again */
    free(y0), free(y1);
    ob_model_destroy(m);
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
        ob_ctx_create(&ctx_dnnl, OB_BACKEND_CPU, 0) != OB_OK ||
        ob_ctx_set_cpu_impl(ctx_dnnl, OB_CPU_IMPL_DNNL) != OB_OK) {
        fprintf(stderr, "no context: %s\n", ob_last_error());
        return 1;
    }
    ob_ctx_set_cpu_conv(ctx_dnnl, OB_CPU_CONV_DIRECT);
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
    ob_tensor xm = input(3, 3, 16, 16, 11), xe = input(4, 1, 12, 12, 12);
    check_model("mixed net (conv, tanh, strided conv, relu, max pool, convT, silu, add)", build_mixed, &xm);
    check_model("espcn3", build_espcn, &xe);
    check_model("conv + batch norm net (blocked batch norms, every layout boundary)", build_bn_net, &xm);
    check_freeze(&xm);
    ob_tensor_free(&xm), ob_tensor_free(&xe);
    printf("oneDNN vs reference: worst error %.3g of the tolerance (%g + %g |ref|)\n", worst, ATOL, RTOL);
    ob_ctx_destroy(ctx_ref), ob_ctx_destroy(ctx_dnnl);
    return ob_test_finish();
}
