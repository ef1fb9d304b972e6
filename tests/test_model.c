/* test_model.c — ob_model: sequential and DAG forward/backward equal the layers
 * composed by hand; a residual DAG's gradients by finite differences; the
 * PyTorch state_dict names; the summary table's parameter counts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_layers.h"
#include "ob_model.h"
#include "ob_test.h"
#include "ob_zoo.h"

static ob_ctx *ctx;

static ob_tensor rand_tensor(int ndim, const int64_t *shape, uint64_t seed, float lo, float hi)
{
    ob_tensor t;
    ob_tensor_alloc(&t, OB_F32, OB_HOST, ndim, shape);
    ob_test_fill_uniform(ob_tensor_f32(&t), (size_t)ob_tensor_numel(&t), seed, lo, hi);
    return t;
}

static ob_layer *mk_bn(int c)
{
    ob_layer *l = NULL;
    ob_batch_norm2d_create(&l, c);
    return l;
}
static ob_layer *mk_act(ob_act_kind k)
{
    ob_layer *l = NULL;
    ob_act_create(&l, k, 0.1f);
    return l;
}

/* Gives every batch-norm layer PyTorch's start and then a distinct affine, so
 * that parameter gradients are not trivially symmetric. */
static void init_params(ob_model *m, uint64_t seed)
{
    for (int i = 0; i < m->n_nodes; i++) {
        ob_layer *l = m->layers[i];
        if (strcmp(l->ops->kind, "batch_norm2d") == 0) {
            ob_batch_norm2d_reset(l);
            ob_test_fill_uniform(ob_tensor_f32(&l->params[0].value), (size_t)ob_tensor_numel(&l->params[0].value),
                                 seed + (uint64_t)i, 0.5f, 1.5f);
            ob_test_fill_uniform(ob_tensor_f32(&l->params[1].value), (size_t)ob_tensor_numel(&l->params[1].value),
                                 seed + 100 + (uint64_t)i, -0.5f, 0.5f);
        }
    }
}

static void zero_grads(ob_model *m) { memset(m->arena.grads.data, 0, ob_tensor_nbytes(&m->arena.grads)); }

/* Sequential: bn -> tanh -> max pool -> bn -> leaky relu -> avg pool -> flatten,
 * against the same layers called one by one. */
static void test_sequential(void)
{
    ob_model *m;
    OB_CHECK_OK(ob_model_create(&m));
    ob_layer *mp, *ap, *fl;
    ob_max_pool2d_create(&mp, 2, 0, 0);
    ob_avg_pool2d_create(&ap, 3, 1, 1);
    ob_flatten_create(&fl);
    OB_CHECK_OK(ob_model_add(m, "features.0", mk_bn(3)));
    OB_CHECK_OK(ob_model_add(m, "features.1", mk_act(OB_ACT_TANH)));
    OB_CHECK_OK(ob_model_add(m, "features.2", mp));
    OB_CHECK_OK(ob_model_add(m, "features.3", mk_bn(3)));
    OB_CHECK_OK(ob_model_add(m, "features.4", mk_act(OB_ACT_LEAKY_RELU)));
    OB_CHECK_OK(ob_model_add(m, "features.5", ap));
    OB_CHECK_OK(ob_model_add(m, "flatten", fl));
    OB_CHECK_OK(ob_model_alloc_params(m, OB_HOST));
    init_params(m, 7);
    int64_t xs[4] = {3, 3, 7, 9};
    ob_tensor x = rand_tensor(4, xs, 1, -2, 2);
    const ob_tensor *y;
    OB_CHECK_OK(ob_model_forward(m, ctx, &y, &x, 1));
    OB_CHECK(y->ndim == 2 && y->shape[0] == 3 && y->shape[1] == 3 * 3 * 4, "sequential output shape");
    ob_tensor g = rand_tensor(y->ndim, y->shape, 2, -1, 1), gx;
    ob_tensor_zeros(&gx, OB_F32, OB_HOST, 4, xs);
    zero_grads(m);
    OB_CHECK_OK(ob_model_backward(m, ctx, &g, &gx));
    float *model_pgrad = malloc(ob_tensor_nbytes(&m->arena.grads));
    memcpy(model_pgrad, m->arena.grads.data, ob_tensor_nbytes(&m->arena.grads));

    /* by hand: the same layers; batch-norm running stats advance once more, which
     * training-mode outputs do not read */
    ob_tensor acts[8];
    acts[0] = x;
    for (int i = 0; i < m->n_nodes; i++)
        OB_CHECK_OK(ob_layer_forward_alloc(m->layers[i], ctx, &acts[i + 1], (const ob_tensor *[]){&acts[i]}, 1, 1));
    ob_test_allclose("sequential forward == by hand", ob_tensor_f32(y), ob_tensor_f32(&acts[m->n_nodes]),
                     (size_t)ob_tensor_numel(y), 0, 0);
    zero_grads(m);
    ob_tensor cur = g;
    int own = 0;
    for (int i = m->n_nodes - 1; i >= 0; i--) {
        ob_tensor gi;
        ob_tensor_zeros(&gi, OB_F32, OB_HOST, acts[i].ndim, acts[i].shape);
        ob_tensor *gp = &gi;
        OB_CHECK_OK(m->layers[i]->ops->backward(m->layers[i], ctx, &gp, &cur, (const ob_tensor *[]){&acts[i]}, 1,
                                                &acts[i + 1]));
        if (own) ob_tensor_free(&cur);
        cur = gi, own = 1;
    }
    ob_test_allclose("sequential input gradient == by hand", ob_tensor_f32(&gx), ob_tensor_f32(&cur),
                     (size_t)ob_tensor_numel(&gx), 0, 0);
    ob_test_allclose("sequential parameter gradients == by hand", model_pgrad, ob_tensor_f32(&m->arena.grads),
                     (size_t)m->arena.n_grads, 0, 0);
    ob_tensor_free(&cur);
    for (int i = 1; i <= m->n_nodes; i++) ob_tensor_free(&acts[i]);
    free(model_pgrad);
    ob_tensor_free(&g), ob_tensor_free(&gx), ob_tensor_free(&x);

    /* state_dict keys: nn.Sequential(BatchNorm2d(3), Tanh(), MaxPool2d(2),
     * BatchNorm2d(3), LeakyReLU(), AvgPool2d(3, 1, 1)) registered as `features` */
    static const char *want[] = {
        "features.0.weight", "features.0.bias", "features.0.running_mean", "features.0.running_var",
        "features.0.num_batches_tracked", "features.3.weight", "features.3.bias", "features.3.running_mean",
        "features.3.running_var", "features.3.num_batches_tracked"};
    ob_model_param ps[16];
    int n = 0;
    OB_CHECK_OK(ob_model_params(m, ps, 16, &n));
    OB_CHECK(n == 10, "10 named tensors, got %d", n);
    for (int i = 0; i < n && i < 10; i++) OB_CHECK(strcmp(ps[i].name, want[i]) == 0, "key %d: %s vs %s", i, ps[i].name, want[i]);
    OB_CHECK_FAILS(ob_model_params(m, ps, 4, &n), OB_ERR_ARG);
    int64_t tr, bu;
    ob_model_param_counts(m, &tr, &bu);
    OB_CHECK(tr == 12 && bu == 14, "counts: 12 trainable, 14 buffer elements; got %lld, %lld", (long long)tr,
             (long long)bu);
    ob_model_destroy(m);
}

/* ---- the residual DAG ------------------------------------------------------ */

/* x -> bn1 (a) -> tanh (b) -> bn2 (c) -> add(c, a) (d) -> concat(d, x) (e) -> sigmoid (f)
 * x and a each feed two nodes; d = add(d', d') style doubling is tested apart. */
static ob_model *residual_dag(void)
{
    ob_model *m;
    ob_model_create(&m);
    ob_layer *add, *cat;
    ob_add_create(&add);
    ob_concat_create(&cat);
    int a, b, c, d, e;
    ob_model_add_node(m, "block.bn1", mk_bn(2), (int[]){OB_MODEL_INPUT}, 1, &a);
    ob_model_add_node(m, "block.act", mk_act(OB_ACT_TANH), (int[]){a}, 1, &b);
    ob_model_add_node(m, "block.bn2", mk_bn(2), (int[]){b}, 1, &c);
    ob_model_add_node(m, "", add, (int[]){c, a}, 2, &d);
    ob_model_add_node(m, "", cat, (int[]){d, OB_MODEL_INPUT}, 2, &e);
    ob_model_add_node(m, "head", mk_act(OB_ACT_SIGMOID), (int[]){e}, 1, NULL);
    ob_model_alloc_params(m, OB_HOST);
    init_params(m, 11);
    return m;
}

static double dag_loss(ob_model *m, const ob_tensor *x, const float *r)
{
    const ob_tensor *y;
    if (ob_model_forward(m, ctx, &y, x, 1) != OB_OK) return NAN;
    double s = 0;
    for (int64_t i = 0; i < ob_tensor_numel(y); i++) s += (double)ob_tensor_f32(y)[i] * r[i];
    return s;
}

static void check_fd(const char *what, ob_model *m, ob_tensor *x, const float *r, float *v, const float *ana, int64_t n)
{
    double worst = 0;
    int ok = 1;
    for (int64_t i = 0; i < n; i++) {
        const float keep = v[i], eps = 1e-2f;
        v[i] = keep + eps;
        double lp = dag_loss(m, x, r);
        v[i] = keep - eps;
        double lm = dag_loss(m, x, r);
        v[i] = keep;
        double num = (lp - lm) / (2.0 * eps), err = fabs(num - ana[i]);
        if (!(err <= 2e-3 + 2e-2 * fmax(fabs(num), fabs(ana[i])))) {
            OB_CHECK(0, "%s [%lld]: numeric %.6g vs analytic %.6g", what, (long long)i, num, ana[i]);
            ok = 0;
            break;
        }
        worst = fmax(worst, err);
    }
    if (ok) OB_CHECK(1, "%s: max |num - ana| = %.3g over %lld elements", what, worst, (long long)n);
}

static void test_residual_dag(void)
{
    ob_model *m = residual_dag();
    int64_t xs[4] = {3, 2, 3, 5};
    ob_tensor x = rand_tensor(4, xs, 3, -1.5f, 1.5f), gx;
    const ob_tensor *y;
    OB_CHECK_OK(ob_model_forward(m, ctx, &y, &x, 1));
    OB_CHECK(y->shape[1] == 4 && y->shape[2] == 3 && y->shape[3] == 5, "concat output (3, 4, 3, 5)");
    int64_t ny = ob_tensor_numel(y);
    float *r = malloc(sizeof(float) * (size_t)ny);
    ob_test_fill_uniform(r, (size_t)ny, 4, -1, 1);
    ob_tensor g;
    ob_tensor_wrap(&g, r, OB_F32, OB_HOST, y->ndim, y->shape);
    ob_tensor_zeros(&gx, OB_F32, OB_HOST, 4, xs);
    zero_grads(m);
    OB_CHECK_OK(ob_model_backward(m, ctx, &g, &gx));
    check_fd("residual DAG d/dx", m, &x, r, ob_tensor_f32(&x), ob_tensor_f32(&gx), ob_tensor_numel(&x));
    ob_model_param ps[16];
    int n = 0;
    ob_model_params(m, ps, 16, &n);
    for (int i = 0; i < n; i++) {
        if (!ps[i].param->trainable) continue;
        check_fd(ps[i].name, m, &x, r, ob_tensor_f32(&ps[i].param->value), ob_tensor_f32(&ps[i].param->grad),
                 ob_tensor_numel(&ps[i].param->value));
    }
    OB_CHECK(n == 10 && strcmp(ps[0].name, "block.bn1.weight") == 0 && strcmp(ps[5].name, "block.bn2.weight") == 0,
             "DAG names: %s ... %s", ps[0].name, ps[5].name);

    /* by hand: the residual's input gradient is the sum of its two consumers' */
    {
        ob_tensor a, b, c, d, e, f;
        ob_layer **L = m->layers;
        ob_layer_forward_alloc(L[0], ctx, &a, (const ob_tensor *[]){&x}, 1, 1);
        ob_layer_forward_alloc(L[1], ctx, &b, (const ob_tensor *[]){&a}, 1, 1);
        ob_layer_forward_alloc(L[2], ctx, &c, (const ob_tensor *[]){&b}, 1, 1);
        ob_layer_forward_alloc(L[3], ctx, &d, (const ob_tensor *[]){&c, &a}, 2, 1);
        ob_layer_forward_alloc(L[4], ctx, &e, (const ob_tensor *[]){&d, &x}, 2, 1);
        ob_layer_forward_alloc(L[5], ctx, &f, (const ob_tensor *[]){&e}, 1, 1);
        OB_CHECK_OK(ob_model_forward(m, ctx, &y, &x, 1));
        ob_test_allclose("DAG forward == by hand", ob_tensor_f32(y), ob_tensor_f32(&f), (size_t)ny, 0, 0);
        ob_tensor ge, gd, gx2, gc, ga1, ga2, gb, gx1;
        ob_tensor_alloc(&ge, OB_F32, OB_HOST, 4, e.shape);
        ob_tensor_alloc(&gd, OB_F32, OB_HOST, 4, d.shape);
        ob_tensor_alloc(&gx2, OB_F32, OB_HOST, 4, x.shape);
        ob_tensor_alloc(&gc, OB_F32, OB_HOST, 4, c.shape);
        ob_tensor_alloc(&ga1, OB_F32, OB_HOST, 4, a.shape);
        ob_tensor_alloc(&ga2, OB_F32, OB_HOST, 4, a.shape);
        ob_tensor_alloc(&gb, OB_F32, OB_HOST, 4, b.shape);
        ob_tensor_alloc(&gx1, OB_F32, OB_HOST, 4, x.shape);
        zero_grads(m);
        L[5]->ops->backward(L[5], ctx, (ob_tensor *[]){&ge}, &g, (const ob_tensor *[]){&e}, 1, &f);
        L[4]->ops->backward(L[4], ctx, (ob_tensor *[]){&gd, &gx2}, &ge, (const ob_tensor *[]){&d, &x}, 2, &e);
        L[3]->ops->backward(L[3], ctx, (ob_tensor *[]){&gc, &ga1}, &gd, (const ob_tensor *[]){&c, &a}, 2, &d);
        L[2]->ops->backward(L[2], ctx, (ob_tensor *[]){&gb}, &gc, (const ob_tensor *[]){&b}, 1, &c);
        L[1]->ops->backward(L[1], ctx, (ob_tensor *[]){&ga2}, &gb, (const ob_tensor *[]){&a}, 1, &b);
        for (int64_t i = 0; i < ob_tensor_numel(&a); i++) ob_tensor_f32(&ga1)[i] += ob_tensor_f32(&ga2)[i];
        L[0]->ops->backward(L[0], ctx, (ob_tensor *[]){&gx1}, &ga1, (const ob_tensor *[]){&x}, 1, &a);
        for (int64_t i = 0; i < ob_tensor_numel(&x); i++) ob_tensor_f32(&gx1)[i] += ob_tensor_f32(&gx2)[i];
        float *hand = malloc(ob_tensor_nbytes(&m->arena.grads));
        memcpy(hand, m->arena.grads.data, ob_tensor_nbytes(&m->arena.grads));
        zero_grads(m);
        OB_CHECK_OK(ob_model_backward(m, ctx, &g, &gx));
        ob_test_allclose("DAG input gradient == by hand", ob_tensor_f32(&gx), ob_tensor_f32(&gx1),
                         (size_t)ob_tensor_numel(&x), 0, 0);
        ob_test_allclose("DAG parameter gradients == by hand", ob_tensor_f32(&m->arena.grads), hand,
                         (size_t)m->arena.n_grads, 0, 0);
        free(hand);
        ob_tensor *all[] = {&a, &b, &c, &d, &e, &f, &ge, &gd, &gx2, &gc, &ga1, &ga2, &gb, &gx1};
        for (size_t i = 0; i < sizeof all / sizeof *all; i++) ob_tensor_free(all[i]);
    }
    free(r);
    ob_tensor_free(&x), ob_tensor_free(&gx);
    ob_model_destroy(m);
}

/* y = x + x (one node reading the same producer twice) and a dead branch. */
static void test_doubling_and_dead_branch(void)
{
    ob_model *m;
    ob_model_create(&m);
    ob_layer *add;
    ob_add_create(&add);
    int a;
    ob_model_add_node(m, "t", mk_act(OB_ACT_TANH), (int[]){OB_MODEL_INPUT}, 1, &a);
    ob_model_add_node(m, "dead", mk_act(OB_ACT_SIGMOID), (int[]){a}, 1, NULL);
    OB_CHECK_OK(ob_model_add_node(m, "", add, (int[]){a, a}, 2, NULL));
    OB_CHECK_OK(ob_model_alloc_params(m, OB_HOST));
    int64_t xs[2] = {4, 5};
    ob_tensor x = rand_tensor(2, xs, 5, -1, 1), g = rand_tensor(2, xs, 6, -1, 1), gx;
    ob_tensor_zeros(&gx, OB_F32, OB_HOST, 2, xs);
    const ob_tensor *y;
    OB_CHECK_OK(ob_model_forward(m, ctx, &y, &x, 1));
    OB_CHECK_OK(ob_model_backward(m, ctx, &g, &gx));
    float want[20];
    for (int i = 0; i < 20; i++) {
        float t = tanhf(ob_tensor_f32(&x)[i]);
        want[i] = 2.0f * ob_tensor_f32(&g)[i] * (1.0f - t * t);
    }
    ob_test_allclose("x + x: gradient doubles", ob_tensor_f32(&gx), want, 20, 1e-6, 1e-5);
    ob_tensor_free(&x), ob_tensor_free(&g), ob_tensor_free(&gx);
    ob_model_destroy(m);
}

static void test_bad_wiring(void)
{
    ob_model *m;
    ob_model_create(&m);
    OB_CHECK_FAILS(ob_model_add_node(m, "x", mk_act(OB_ACT_RELU), (int[]){0}, 1, NULL), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "only the 0 nodes added before it") != NULL, "forward reference refused: %s",
             ob_last_error());
    OB_CHECK_OK(ob_model_add(m, "features.0", mk_act(OB_ACT_RELU)));
    ob_layer *add;
    ob_add_create(&add);
    OB_CHECK_OK(ob_model_add_node(m, "sum", add, (int[]){0, OB_MODEL_INPUT}, 2, NULL));
    OB_CHECK_OK(ob_model_alloc_params(m, OB_HOST));
    OB_CHECK_FAILS(ob_model_add(m, "late", mk_act(OB_ACT_RELU)), OB_ERR_ARG);
    int64_t xs[4] = {1, 2, 3, 3}, out[4];
    int nd;
    OB_CHECK_OK(ob_model_shape(m, out, &nd, xs, 4, -1));
    ob_layer *cat;
    ob_model *m2;
    ob_model_create(&m2);
    ob_concat_create(&cat);
    ob_model_add_node(m2, "a", mk_act(OB_ACT_RELU), (int[]){OB_MODEL_INPUT}, 1, NULL);
    ob_layer *mp;
    ob_max_pool2d_create(&mp, 2, 0, 0);
    ob_model_add_node(m2, "b", mp, (int[]){OB_MODEL_INPUT}, 1, NULL);
    ob_model_add_node(m2, "cat", cat, (int[]){0, 1}, 2, NULL);
    ob_model_alloc_params(m2, OB_HOST);
    OB_CHECK_FAILS(ob_model_shape(m2, out, &nd, xs, 4, -1), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "model cat (concat)") != NULL, "the message names the node: %s", ob_last_error());
    ob_model_destroy(m2);
    ob_model_destroy(m);
}

static void test_summary(void)
{
    ob_model *m = residual_dag();
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int64_t xs[4] = {1, 2, 8, 8};
    OB_CHECK_OK(ob_model_summary(m, f, xs, 4));
    fclose(f);
    printf("%s", buf);
    OB_CHECK(strstr(buf, "block.bn1 (batch_norm2d)") && strstr(buf, "[-1, 2, 8, 8]") &&
                 strstr(buf, "[-1, 4, 8, 8]"),
             "summary rows");
    OB_CHECK(strstr(buf, "Total params: 8\n") && strstr(buf, "Buffers: 10\n"), "summary totals");
    free(buf);
    ob_model_destroy(m);
}


/* nn.Conv2d / nn.Linear parameter counts */
static int64_t conv_params(int64_t cin, int64_t cout, int64_t k) { return cin * cout * k * k + cout; }
static int64_t fc_params(int64_t in, int64_t out) { return in * out + out; }

static char *summary_text(ob_model *m, const int64_t *shape)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    OB_CHECK_OK(ob_model_summary(m, f, shape, 4));
    fclose(f);
    return buf;
}

static int has_row(const char *text, const char *layer, const char *shape, int64_t params)
{
    char row[160];
    snprintf(row, sizeof row, "%36s %22s %16lld\n", layer, shape, (long long)params);
    int ok = strstr(text, row) != NULL;
    OB_CHECK(ok, "summary row: %s", row);
    return ok;
}

static void test_zoo_classifier(void)
{
    ob_model *m;
    OB_CHECK_OK(ob_zoo_build(&m, "classifier", NULL));
    int64_t in[4];
    OB_CHECK_OK(ob_zoo_input_shape(in, "classifier", NULL));
    char *text = summary_text(m, in);
    printf("%s", text);
    has_row(text, "features.0 (conv2d)", "[-1, 32, 28, 28]", conv_params(1, 32, 3)); /* 320 */
    has_row(text, "features.1 (relu)", "[-1, 32, 28, 28]", 0);
    has_row(text, "features.2 (max_pool2d)", "[-1, 32, 14, 14]", 0);
    has_row(text, "features.3 (conv2d)", "[-1, 64, 14, 14]", conv_params(32, 64, 3));
    has_row(text, "features.5 (max_pool2d)", "[-1, 64, 7, 7]", 0);
    has_row(text, "features.6 (conv2d)", "[-1, 128, 7, 7]", conv_params(64, 128, 3));
    has_row(text, "features.8 (max_pool2d)", "[-1, 128, 3, 3]", 0);
    has_row(text, "classifier.0 (flatten)", "[-1, 1152]", 0);
    has_row(text, "classifier.1 (linear)", "[-1, 128]", fc_params(128 * 3 * 3, 128));
    has_row(text, "classifier.3 (linear)", "[-1, 10]", fc_params(128, 10));
    const int64_t total = conv_params(1, 32, 3) + conv_params(32, 64, 3) + conv_params(64, 128, 3) +
                          fc_params(1152, 128) + fc_params(128, 10);
    char want[64];
    snprintf(want, sizeof want, "Total params: %lld\n", (long long)total);
    OB_CHECK(total == 241546 && strstr(text, want), "total %lld = 241546 in the table", (long long)total);
    free(text);

    /* torch: [k for k in Classifier().state_dict()] */
    static const char *keys[] = {"features.0.weight",   "features.0.bias",   "features.3.weight",
                                 "features.3.bias",     "features.6.weight", "features.6.bias",
                                 "classifier.1.weight", "classifier.1.bias", "classifier.3.weight",
                                 "classifier.3.bias"};
    ob_model_param ps[32];
    int n = 0;
    OB_CHECK_OK(ob_model_params(m, ps, 32, &n));
    OB_CHECK(n == 10, "10 state_dict keys (%d)", n);
    for (int i = 0; i < n && i < 10; i++) OB_CHECK(strcmp(ps[i].name, keys[i]) == 0, "key %d: %s, torch %s", i, ps[i].name, keys[i]);
    OB_CHECK(ps[0].param->value.ndim == 4 && ps[0].param->value.shape[0] == 32 && ps[0].param->value.shape[1] == 1 &&
                 ps[6].param->value.shape[0] == 128 && ps[6].param->value.shape[1] == 1152,
             "torch shapes: features.0.weight (32, 1, 3, 3), classifier.1.weight (128, 1152)");

    /* it runs: (2, 1, 28, 28) -> (2, 10) */
    OB_CHECK_OK(ob_model_alloc_params(m, OB_HOST));
    OB_CHECK_OK(ob_zoo_init(m, 1));
    int64_t xs[4] = {2, 1, 28, 28};
    ob_tensor x = rand_tensor(4, xs, 9, 0, 1);
    const ob_tensor *y;
    OB_CHECK_OK(ob_model_forward(m, ctx, &y, &x, 0));
    OB_CHECK(y->ndim == 2 && y->shape[0] == 2 && y->shape[1] == 10, "logits (2, 10)");
    ob_tensor_free(&x);
    ob_model_destroy(m);

    /* other sizes: CIFAR-like 3 x 32 x 32, 5 classes */
    ob_zoo_opts o = {.in_channels = 3, .height = 32, .width = 32, .classes = 5};
    OB_CHECK_OK(ob_zoo_build(&m, "classifier", &o));
    int64_t tr;
    ob_model_param_counts(m, &tr, NULL);
    OB_CHECK(tr == conv_params(3, 32, 3) + conv_params(32, 64, 3) + conv_params(64, 128, 3) +
                       fc_params(128 * 4 * 4, 128) + fc_params(128, 5),
             "3x32x32, 5 classes: %lld parameters", (long long)tr);
    ob_model_destroy(m);
    OB_CHECK_FAILS(ob_zoo_build(&m, "resnet152", NULL), OB_ERR_ARG);
}

static void test_zoo_espcn3(void)
{
    ob_model *m;
    OB_CHECK_OK(ob_zoo_build(&m, "espcn3", NULL));
    int64_t in[4];
    OB_CHECK_OK(ob_zoo_input_shape(in, "espcn3", NULL));
    char *text = summary_text(m, in);
    printf("%s", text);
    has_row(text, "0 (conv2d)", "[-1, 64, 17, 17]", conv_params(1, 64, 5));
    has_row(text, "2 (conv2d)", "[-1, 32, 17, 17]", conv_params(64, 32, 3));
    has_row(text, "4 (conv2d)", "[-1, 9, 17, 17]", conv_params(32, 9, 3));
    has_row(text, "5 (pixel_shuffle)", "[-1, 1, 51, 51]", 0);
    OB_CHECK(strstr(text, "Total params: 22729\n") != NULL, "ESPCN x3: 1664 + 18464 + 2601 = 22729 parameters");
    free(text);
    ob_model_param ps[16];
    int n = 0;
    ob_model_params(m, ps, 16, &n);
    OB_CHECK(n == 6 && strcmp(ps[0].name, "0.weight") == 0 && strcmp(ps[5].name, "4.bias") == 0,
             "nn.Sequential keys 0.weight .. 4.bias");
    ob_model_destroy(m);
}

/* ESPCN at scales 2 and 4 on RGB, SRCNN at scale 2 on Y: shapes, parameter
 * counts, PyTorch's keys; scales outside 2..4 and espcn3 at another scale refused. */
static void test_zoo_sr(void)
{
    for (int r = 2; r <= 4; r += 2) {
        ob_model *m;
        const ob_zoo_opts o = {.in_channels = 3, .height = 20, .width = 30, .scale = r};
        if (!OB_CHECK_OK(ob_zoo_build(&m, "espcn", &o))) return;
        int64_t in[4];
        OB_CHECK_OK(ob_zoo_input_shape(in, "espcn", &o));
        char *text = summary_text(m, in), want[64];
        snprintf(want, sizeof want, "[-1, %d, 20, 30]", 3 * r * r);
        has_row(text, "4 (conv2d)", want, conv_params(32, 3 * r * r, 3));
        snprintf(want, sizeof want, "[-1, 3, %d, %d]", 20 * r, 30 * r);
        has_row(text, "5 (pixel_shuffle)", want, 0);
        free(text);
        ob_model_destroy(m);
    }
    ob_model *m;
    const ob_zoo_opts y2 = {.in_channels = 1, .height = 34, .width = 34, .scale = 2};
    if (!OB_CHECK_OK(ob_zoo_build(&m, "srcnn", &y2))) return;
    int64_t in[4];
    OB_CHECK_OK(ob_zoo_input_shape(in, "srcnn", &y2));
    char *text = summary_text(m, in);
    printf("%s", text);
    has_row(text, "0 (conv2d)", "[-1, 128, 34, 34]", conv_params(1, 128, 3));
    has_row(text, "2 (conv2d)", "[-1, 64, 34, 34]", conv_params(128, 64, 3));
    has_row(text, "4 (conv2d)", "[-1, 1, 34, 34]", conv_params(64, 1, 3));
    free(text);
    ob_model_param ps[16];
    int n = 0;
    ob_model_params(m, ps, 16, &n);
    OB_CHECK(n == 6 && strcmp(ps[0].name, "0.weight") == 0 && strcmp(ps[5].name, "4.bias") == 0,
             "srcnn: nn.Sequential keys 0.weight .. 4.bias");
    ob_model_destroy(m);
    const ob_zoo_opts bad5 = {.scale = 5}, bad1 = {.scale = 1}, three2 = {.scale = 2};
    OB_CHECK_FAILS(ob_zoo_build(&m, "espcn", &bad5), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_zoo_build(&m, "srcnn", &bad1), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_zoo_build(&m, "espcn3", &three2), OB_ERR_ARG);
}

int main(void)
{
    if (ob_ctx_create(&ctx, OB_BACKEND_CPU, 0) != OB_OK) return 1;
    test_zoo_sr();
    test_sequential();
    test_residual_dag();
    test_doubling_and_dead_branch();
    test_bad_wiring();
    test_summary();
    test_zoo_classifier();
    test_zoo_espcn3();
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
