/* test_train_allocs.c — a training step allocates nothing once warmed up
 * (ob_alloc_stats.h counts obscura's own allocators: tensors, scratch,
 * workspaces), for the classifier (cross-entropy, Adam) and ESPCN (MSE,
 * Adam) built from the zoo, on the reference CPU path and on oneDNN's.
 * What oneDNN allocates inside its primitives is not seen here. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ob_alloc_stats.h"
#include "ob_log.h"
#include "ob_loss.h"
#include "ob_optim.h"
#include "ob_test.h"
#include "ob_zoo.h"

typedef struct {
    ob_model *m;
    ob_optim *opt;
    ob_tensor x, target, grad;
    int32_t labels[8];
    int classify;
} rig;

static ob_status step(rig *r, ob_ctx *ctx, double *loss)
{
    const ob_tensor *y;
    OB_TRY(ob_model_forward(r->m, ctx, &y, &r->x, 1));
    if (!r->grad.data) OB_TRY(ob_tensor_alloc(&r->grad, OB_F32, OB_HOST, y->ndim, y->shape));
    if (r->classify) OB_TRY(ob_loss_cross_entropy(ctx, loss, &r->grad, y, r->labels, OB_REDUCE_MEAN));
    else OB_TRY(ob_loss_mse(ctx, loss, &r->grad, y, &r->target, OB_REDUCE_MEAN));
    OB_TRY(ob_optim_zero_grad(r->opt, ctx));
    OB_TRY(ob_model_backward(r->m, ctx, &r->grad, NULL));
    return ob_optim_step(r->opt, ctx);
}

static void check_model(ob_ctx *ctx, const char *name)
{
    rig r = {0};
    r.classify = name[0] == 'c';
    int64_t shape[4];
    OB_CHECK_OK(ob_zoo_input_shape(shape, name, NULL));
    shape[0] = 8;
    if (!OB_CHECK_OK(ob_zoo_build(&r.m, name, NULL))) return;
    OB_CHECK_OK(ob_model_alloc_params(r.m, OB_HOST));
    OB_CHECK_OK(ob_zoo_init(r.m, 7));
    ob_optim_cfg oc = ob_optim_defaults(OB_OPTIM_ADAM);
    OB_CHECK_OK(ob_optim_create(&r.opt, &oc, &r.m->arena, r.m->layers, r.m->n_nodes));
    OB_CHECK_OK(ob_tensor_alloc(&r.x, OB_F32, OB_HOST, 4, shape));
    ob_test_fill_uniform(ob_tensor_f32(&r.x), (size_t)ob_tensor_numel(&r.x), 11, 0, 1);
    for (int i = 0; i < 8; i++) r.labels[i] = i % 10;
    if (!r.classify) {
        int64_t out[4];
        int nd;
        OB_CHECK_OK(ob_model_shape(r.m, out, &nd, shape, 4, -1));
        OB_CHECK_OK(ob_tensor_alloc(&r.target, OB_F32, OB_HOST, nd, out));
        ob_test_fill_uniform(ob_tensor_f32(&r.target), (size_t)ob_tensor_numel(&r.target), 12, 0, 1);
    }
    double loss = NAN, first = NAN;
    OB_CHECK_OK(step(&r, ctx, &first));
    OB_CHECK_OK(step(&r, ctx, &loss));
    const uint64_t c0 = ob_alloc_count();
    for (int i = 0; i < 3; i++) OB_CHECK_OK(step(&r, ctx, &loss));
    const uint64_t c1 = ob_alloc_count();
    OB_CHECK(c1 == c0, "%s (%s): %llu allocations in 3 warmed-up training steps (want 0)", name,
             ob_cpu_impl_name(ob_ctx_cpu_impl(ctx)), (unsigned long long)(c1 - c0));
    OB_CHECK(isfinite(loss) && loss < first, "%s: the steps train (loss %.5f -> %.5f)", name, first, loss);
    printf("%s (%s): loss %.5f -> %.5f, %llu allocations in 3 steps after warm-up\n", name,
           ob_cpu_impl_name(ob_ctx_cpu_impl(ctx)), first, loss, (unsigned long long)(c1 - c0));
    ob_tensor_free(&r.x), ob_tensor_free(&r.target), ob_tensor_free(&r.grad);
    ob_optim_destroy(r.opt);
    ob_model_destroy(r.m);
}

static void body(ob_ctx *ctx)
{
    check_model(ctx, "classifier");
    check_model(ctx, "espcn3");
}

int main(void)
{
    ob_log_set_level(OB_LOG_QUIET);
    /* the counter itself: a tensor allocation is seen */
    const uint64_t c = ob_alloc_count();
    ob_tensor t;
    const int64_t s[1] = {4};
    OB_CHECK_OK(ob_tensor_alloc(&t, OB_F32, OB_HOST, 1, s));
    OB_CHECK(ob_alloc_count() == c + 1, "ob_tensor_alloc is counted");
    ob_tensor_free(&t);
    if (ob_test_each_cpu_impl(body)) return 1;
    return ob_test_finish();
}
