/* activation_dnnl.c — the activations on oneDNN's eltwise primitive
 * (activation.c's `dnnl` path). Element-wise, so the tensor is described as
 * one flat run of n floats. Backward from y where PyTorch's formula uses y
 * (tanh, sigmoid: the *_use_dst_for_bwd kinds), from x otherwise. */
#include "layers_internal.h"

#ifndef OB_HAVE_DNNL
ob_status ob_act_dnnl_forward(void **state, float *y, const float *x, int64_t n, int kind, float slope)
{
    return OB_FAIL(OB_ERR_UNSUPPORTED, "activation: oneDNN not built in");
}
ob_status ob_act_dnnl_backward(void **state, float *gx, const float *gy, const float *x, const float *y, int64_t n,
                               int kind, float slope)
{
    return OB_FAIL(OB_ERR_UNSUPPORTED, "activation: oneDNN not built in");
}
void ob_act_dnnl_free(void *state) { (void)state; }
int ob_act_dnnl_reads_y(int kind) { return 0; }
#else
#include "eltwise.h"
#include "ob_dnnl.h"

typedef struct {
    ob_dnnl_cached fwd, bwd;
} act_dnnl;

void ob_act_dnnl_free(void *state)
{
    act_dnnl *a = state;
    if (!a) return;
    ob_dnnl_cached_free(&a->fwd);
    ob_dnnl_cached_free(&a->bwd);
    free(a);
}

/* oneDNN's algorithm and alpha for the kind; *from_dst: the backward reads y. */
static dnnl_alg_kind_t alg_of(int kind, float slope, float *alpha, int *from_dst)
{
    *alpha = 0.f, *from_dst = 0;
    switch (kind) {
    case OB_ACT_RELU: *from_dst = 1; return dnnl_eltwise_relu_use_dst_for_bwd;
    case OB_ACT_LEAKY_RELU: *alpha = slope; return dnnl_eltwise_relu; /* alpha: the negative slope */
    case OB_ACT_SILU: *alpha = 1.f; return dnnl_eltwise_swish;        /* x · sigmoid(alpha x) */
    case OB_ACT_TANH: *from_dst = 1; return dnnl_eltwise_tanh_use_dst_for_bwd;
    case OB_ACT_SIGMOID: *from_dst = 1; return dnnl_eltwise_logistic_use_dst_for_bwd;
    }
    return dnnl_alg_kind_undef;
}

int ob_act_dnnl_reads_y(int kind)
{
    float alpha;
    int from_dst;
    alg_of(kind, 0.f, &alpha, &from_dst);
    return from_dst;
}

static ob_status ready(act_dnnl **out, void **state, int64_t n, int kind, float slope, int backward)
{
    if (!*state) *state = calloc(1, sizeof(act_dnnl));
    OB_REQUIRE(*state != NULL, "activation: out of memory");
    act_dnnl *a = *state;
    float alpha;
    int from_dst;
    const dnnl_alg_kind_t alg = alg_of(kind, slope, &alpha, &from_dst);
    OB_REQUIRE(alg != dnnl_alg_kind_undef, "activation: unknown kind %d", kind);
    const dnnl_memory_desc_t md = ob_dnnl_md(1, &n, dnnl_a);
    int64_t key[OB_DNNL_KEY] = {n, kind};
    memcpy(&key[2], &slope, sizeof slope);
    if (!ob_dnnl_cached_hit(&a->fwd, key)) {
        dnnl_eltwise_desc_t d;
        OB_DNNL_CHECK(dnnl_eltwise_forward_desc_init(&d, dnnl_forward_training, alg, &md, alpha, 0.f));
        OB_TRY(ob_dnnl_make(&a->fwd.pd, &a->fwd.prim, &d, NULL, ob_act_name((ob_act_kind)kind)));
    }
    if (backward && !ob_dnnl_cached_hit(&a->bwd, key)) {
        dnnl_eltwise_desc_t d;
        OB_DNNL_CHECK(dnnl_eltwise_backward_desc_init(&d, alg, &md, &md, alpha, 0.f));
        OB_TRY(ob_dnnl_make(&a->bwd.pd, &a->bwd.prim, &d, a->fwd.pd, ob_act_name((ob_act_kind)kind)));
    }
    *out = a;
    return OB_OK;
}

ob_status ob_act_dnnl_forward(void **state, float *y, const float *x, int64_t n, int kind, float slope)
{
    act_dnnl *a = NULL;
    OB_TRY(ready(&a, state, n, kind, slope, 0));
    const dnnl_memory_desc_t md = ob_dnnl_md(1, &n, dnnl_a);
    const ob_dnnl_bind b[2] = {{DNNL_ARG_SRC, &md, x}, {DNNL_ARG_DST, &md, y}};
    return ob_dnnl_run(a->fwd.prim, 2, b);
}

ob_status ob_act_dnnl_backward(void **state, float *gx, const float *gy, const float *x, const float *y, int64_t n,
                               int kind, float slope)
{
    act_dnnl *a = NULL;
    OB_TRY(ready(&a, state, n, kind, slope, 1));
    float alpha;
    int from_dst;
    alg_of(kind, slope, &alpha, &from_dst);
    OB_REQUIRE(from_dst ? y != NULL : x != NULL, "%s: backward needs the forward's %s", ob_act_name((ob_act_kind)kind),
               from_dst ? "output" : "input");
    const dnnl_memory_desc_t md = ob_dnnl_md(1, &n, dnnl_a);
    const ob_dnnl_bind b[3] = {{from_dst ? DNNL_ARG_DST : DNNL_ARG_SRC, &md, from_dst ? y : x},
                               {DNNL_ARG_DIFF_DST, &md, gy},
                               {DNNL_ARG_DIFF_SRC, &md, gx}};
    return ob_dnnl_run(a->bwd.prim, 3, b);
}
#endif
