/* test_layers_torch.c — nets layers vs PyTorch 2.x (CPU, float32): forward and
 * backward of max/avg/global pooling, batch_norm2d (three training steps with
 * running statistics, then eval), upsample (nearest, bilinear) and spatial
 * softmax / soft-argmax, against tests/golden/nets/layers_golden.bin made by
 * tests/golden/make_nets_layers_golden.py (inputs and upstream gradients are in
 * the file). Tolerance: |got - ref| <= 1e-5 + 1e-4 |ref|. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_layers.h"
#include "ob_test.h"

#define MAX_REC 128
typedef struct {
    char name[64];
    ob_tensor t;
} rec;
static rec recs[MAX_REC];
static int n_recs;
static ob_ctx *ctx;

static int load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    uint32_t len;
    while (n_recs < MAX_REC && fread(&len, 4, 1, f) == 1) {
        rec *r = &recs[n_recs];
        uint32_t nd, dims[4];
        int64_t shape[4];
        if (len >= sizeof r->name || fread(r->name, 1, len, f) != len || fread(&nd, 4, 1, f) != 1 || nd < 1 || nd > 4 ||
            fread(dims, 4, nd, f) != nd)
            break;
        r->name[len] = 0;
        for (uint32_t i = 0; i < nd; i++) shape[i] = dims[i];
        if (ob_tensor_alloc(&r->t, OB_F32, OB_HOST, (int)nd, shape) != OB_OK) break;
        if (fread(r->t.data, 4, (size_t)ob_tensor_numel(&r->t), f) != (size_t)ob_tensor_numel(&r->t)) break;
        n_recs++;
    }
    fclose(f);
    return n_recs;
}

static ob_tensor *get(const char *prefix, const char *suffix)
{
    char name[96];
    snprintf(name, sizeof name, "%s%s", prefix, suffix);
    for (int i = 0; i < n_recs; i++)
        if (!strcmp(recs[i].name, name)) return &recs[i].t;
    fprintf(stderr, "fixture %s missing\n", name);
    exit(1);
}

static void close_to(const char *label, const char *what, const ob_tensor *got, const ob_tensor *ref)
{
    char l[128];
    snprintf(l, sizeof l, "%s %s", label, what);
    OB_CHECK(ob_tensor_numel(got) == ob_tensor_numel(ref), "%s: %lld elements, torch %lld", l,
             (long long)ob_tensor_numel(got), (long long)ob_tensor_numel(ref));
    if (ob_tensor_numel(got) == ob_tensor_numel(ref))
        ob_test_allclose(l, ob_tensor_f32(got), ob_tensor_f32(ref), (size_t)ob_tensor_numel(ref), 1e-5, 1e-4);
}

/* forward + backward of a parameter-free layer against "<prefix>.{x,y,g,gx}" */
static void fwd_bwd(const char *prefix, ob_layer *l)
{
    ob_tensor *x = get(prefix, ".x"), y, gx;
    const ob_tensor *in[1] = {x};
    OB_CHECK_OK(ob_layer_forward_alloc(l, ctx, &y, in, 1, 1));
    close_to(prefix, "forward", &y, get(prefix, ".y"));
    ob_tensor_alloc(&gx, OB_F32, OB_HOST, x->ndim, x->shape);
    ob_test_fill_nan(ob_tensor_f32(&gx), (size_t)ob_tensor_numel(&gx));
    ob_tensor *gin[1] = {&gx};
    OB_CHECK_OK(l->ops->backward(l, ctx, gin, get(prefix, ".g"), in, 1, &y));
    close_to(prefix, "backward", &gx, get(prefix, ".gx"));
    ob_tensor_free(&y), ob_tensor_free(&gx);
    ob_layer_destroy(l);
}

static void pools(void)
{
    ob_layer *l;
    OB_CHECK_OK(ob_max_pool2d_create(&l, 3, 2, 1));
    fwd_bwd("maxpool_k3s2p1", l);
    OB_CHECK_OK(ob_max_pool2d_create(&l, 2, 0, 0));
    fwd_bwd("maxpool_k2s2p0", l);
    OB_CHECK_OK(ob_avg_pool2d_create(&l, 3, 2, 1));
    fwd_bwd("avgpool_k3s2p1", l);
    OB_CHECK_OK(ob_avg_pool2d_create(&l, 3, 1, 1));
    fwd_bwd("avgpool_k3s1p1", l);
    OB_CHECK_OK(ob_global_avg_pool_create(&l));
    fwd_bwd("gap", l);
}

static void upsample(void)
{
    ob_layer *l;
    OB_CHECK_OK(ob_upsample_create(&l, 2, OB_UPSAMPLE_NEAREST));
    fwd_bwd("up_nearest_s2", l);
    OB_CHECK_OK(ob_upsample_create(&l, 3, OB_UPSAMPLE_NEAREST));
    fwd_bwd("up_nearest_s3", l);
    OB_CHECK_OK(ob_upsample_create(&l, 2, OB_UPSAMPLE_BILINEAR));
    fwd_bwd("up_bilinear_s2", l);
    OB_CHECK_OK(ob_upsample_create(&l, 3, OB_UPSAMPLE_BILINEAR));
    fwd_bwd("up_bilinear_s3", l);
}

static void softmaxes(void)
{
    ob_layer *l;
    OB_CHECK_OK(ob_spatial_softmax_create(&l));
    fwd_bwd("ssm", l);
    OB_CHECK_OK(ob_soft_argmax_create(&l, OB_SOFTARGMAX_PIXEL));
    fwd_bwd("sam_pixel", l);
    OB_CHECK_OK(ob_soft_argmax_create(&l, OB_SOFTARGMAX_NORMALIZED));
    fwd_bwd("sam_norm", l);
}

/* one step: forward in `training` mode, backward with fresh (zeroed) parameter gradients */
static void bn_step(ob_layer *bn, const char *prefix, int training)
{
    ob_tensor *x = get(prefix, ".x"), y, gx;
    const ob_tensor *in[1] = {x};
    OB_CHECK_OK(ob_layer_forward_alloc(bn, ctx, &y, in, 1, training));
    close_to(prefix, "forward", &y, get(prefix, ".y"));
    ob_tensor_alloc(&gx, OB_F32, OB_HOST, 4, x->shape);
    memset(bn->params[0].grad.data, 0, 3 * sizeof(float));
    memset(bn->params[1].grad.data, 0, 3 * sizeof(float));
    ob_tensor *gin[1] = {&gx};
    OB_CHECK_OK(bn->ops->backward(bn, ctx, gin, get(prefix, ".g"), in, 1, &y));
    close_to(prefix, "grad input", &gx, get(prefix, ".gx"));
    close_to(prefix, "grad weight", &bn->params[0].grad, get(prefix, ".gw"));
    close_to(prefix, "grad bias", &bn->params[1].grad, get(prefix, ".gb"));
    ob_tensor_free(&y), ob_tensor_free(&gx);
}

static void batchnorm(void)
{
    ob_layer *bn;
    ob_param_arena arena;
    OB_CHECK_OK(ob_batch_norm2d_create(&bn, 3));
    OB_CHECK(!strcmp(bn->params[0].name, "weight") && !strcmp(bn->params[1].name, "bias") &&
                 !strcmp(bn->params[2].name, "running_mean") && !strcmp(bn->params[3].name, "running_var") &&
                 !strcmp(bn->params[4].name, "num_batches_tracked") && bn->params[2].trainable == 0,
             "batch_norm2d: PyTorch's parameter and buffer names");
    OB_CHECK_OK(ob_layers_alloc_params(&arena, &bn, 1, OB_HOST));
    OB_CHECK_OK(ob_batch_norm2d_reset(bn));
    memcpy(bn->params[0].value.data, get("bn.weight0", "")->data, 3 * sizeof(float));
    memcpy(bn->params[1].value.data, get("bn.bias0", "")->data, 3 * sizeof(float));
    bn_step(bn, "bn.train0", 1);
    bn_step(bn, "bn.train1", 1);
    bn_step(bn, "bn.train2", 1);
    close_to("bn after 3 steps", "running_mean", &bn->params[2].value, get("bn.running_mean", ""));
    close_to("bn after 3 steps", "running_var", &bn->params[3].value, get("bn.running_var", ""));
    close_to("bn after 3 steps", "num_batches_tracked", &bn->params[4].value, get("bn.num_batches_tracked", ""));
    bn_step(bn, "bn.eval", 0);
    ob_layer_destroy(bn);
    ob_param_arena_free(&arena);
}

/* every check on ctx (the reference, then oneDNN) */
static void run_all(ob_ctx *c)
{
    ctx = c;
    pools();
    upsample();
    softmaxes();
    batchnorm();
}

int main(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/golden/nets/layers_golden.bin", ob_test_source_dir());
    if (!load(path)) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }
    if (ob_test_each_cpu_impl(run_all)) return 1;
    for (int i = 0; i < n_recs; i++) ob_tensor_free(&recs[i].t);
    return ob_test_finish();
}
