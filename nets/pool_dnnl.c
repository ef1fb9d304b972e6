/* pool_dnnl.c — max and average pooling on oneDNN's pooling primitive
 * (pool.c's `dnnl` path), on the layer's plain NCHW tensors.
 * Max pooling runs the training forward, whose workspace (the argmax) the
 * backward reads; average pooling is avg_include_padding, PyTorch's
 * count_include_pad: with floor-mode output sizes no window reaches past the
 * padded input, so every divisor is kh·kw, as PyTorch's. */
#include "layers_internal.h"

#ifndef OB_HAVE_DNNL
ob_status ob_pool_dnnl_forward(void **state, float *y, const float *x, const int64_t xs[4], const int64_t ys[4],
                               int max, int kh, int kw, int sh, int sw, int ph, int pw)
{
    return OB_FAIL(OB_ERR_UNSUPPORTED, "pooling: oneDNN not built in");
}
ob_status ob_pool_dnnl_backward(void **state, float *gx, const float *gy, const int64_t xs[4], const int64_t ys[4],
                                int max, int kh, int kw, int sh, int sw, int ph, int pw)
{
    return OB_FAIL(OB_ERR_UNSUPPORTED, "pooling: oneDNN not built in");
}
void ob_pool_dnnl_free(void *state) { (void)state; }
#else
#include "ob_dnnl.h"
#include "ob_scratch.h"

typedef struct {
    ob_dnnl_cached fwd, bwd;
    ob_scratch ws; /* the last training forward's workspace (max pooling) */
    int64_t ws_key[OB_DNNL_KEY]; /* the shape it belongs to */
} pool_dnnl;

void ob_pool_dnnl_free(void *state)
{
    pool_dnnl *p = state;
    if (!p) return;
    ob_dnnl_cached_free(&p->fwd);
    ob_dnnl_cached_free(&p->bwd);
    ob_scratch_free(&p->ws);
    free(p);
}

static void key_of(int64_t key[OB_DNNL_KEY], const int64_t xs[4], int max, int kh, int kw, int sh, int ph)
{
    const int64_t k[OB_DNNL_KEY] = {xs[0], xs[1], xs[2], xs[3], max, kh * 4096 + kw, sh, ph};
    memcpy(key, k, sizeof k);
}

/* The op descriptor for a forward (prop training or backward). */
static ob_status describe(dnnl_pooling_v2_desc_t *d, dnnl_prop_kind_t prop, const dnnl_memory_desc_t *x,
                          const dnnl_memory_desc_t *y, int max, int kh, int kw, int sh, int sw, int ph, int pw)
{
    const dnnl_dims_t strides = {sh, sw}, kernel = {kh, kw}, dil = {0, 0}, pad = {ph, pw};
    const dnnl_alg_kind_t alg = max ? dnnl_pooling_max : dnnl_pooling_avg_include_padding;
    if (prop == dnnl_backward_data)
        OB_DNNL_CHECK(dnnl_pooling_v2_backward_desc_init(d, alg, x, y, strides, kernel, dil, pad, pad));
    else
        OB_DNNL_CHECK(dnnl_pooling_v2_forward_desc_init(d, prop, alg, x, y, strides, kernel, dil, pad, pad));
    return OB_OK;
}

static ob_status ensure(void **state)
{
    if (!*state) *state = calloc(1, sizeof(pool_dnnl));
    OB_REQUIRE(*state != NULL, "pooling: out of memory");
    return OB_OK;
}

/* The training forward for key: kept, or made (it is the backward's hint too). */
static ob_status ready_forward(pool_dnnl *p, const int64_t key[OB_DNNL_KEY], const dnnl_memory_desc_t *xm,
                               const dnnl_memory_desc_t *ym, int max, int kh, int kw, int sh, int sw, int ph, int pw)
{
    if (ob_dnnl_cached_hit(&p->fwd, key)) return OB_OK;
    dnnl_pooling_v2_desc_t d;
    OB_TRY(describe(&d, dnnl_forward_training, xm, ym, max, kh, kw, sh, sw, ph, pw));
    return ob_dnnl_make(&p->fwd.pd, &p->fwd.prim, &d, NULL, "pooling");
}

ob_status ob_pool_dnnl_forward(void **state, float *y, const float *x, const int64_t xs[4], const int64_t ys[4],
                               int max, int kh, int kw, int sh, int sw, int ph, int pw)
{
    OB_TRY(ensure(state));
    pool_dnnl *p = *state;
    const dnnl_memory_desc_t xm = ob_dnnl_md(4, xs, dnnl_nchw), ym = ob_dnnl_md(4, ys, dnnl_nchw);
    int64_t key[OB_DNNL_KEY];
    key_of(key, xs, max, kh, kw, sh, ph);
    OB_TRY(ready_forward(p, key, &xm, &ym, max, kh, kw, sh, sw, ph, pw));
    ob_dnnl_bind b[3] = {{DNNL_ARG_SRC, &xm, x}, {DNNL_ARG_DST, &ym, y}, {0}};
    int n = 2;
    if (max) {
        const dnnl_memory_desc_t ws = ob_dnnl_query(p->fwd.pd, dnnl_query_workspace_md);
        void *buf;
        OB_TRY(ob_scratch_get(&p->ws, &buf, dnnl_memory_desc_get_size(&ws), "max_pool2d workspace"));
        b[2] = (ob_dnnl_bind){DNNL_ARG_WORKSPACE, dnnl_primitive_desc_query_md(p->fwd.pd, dnnl_query_workspace_md, 0),
                              buf};
        n = 3;
        memcpy(p->ws_key, key, sizeof key);
    }
    return ob_dnnl_run(p->fwd.prim, n, b);
}

ob_status ob_pool_dnnl_backward(void **state, float *gx, const float *gy, const int64_t xs[4], const int64_t ys[4],
                                int max, int kh, int kw, int sh, int sw, int ph, int pw)
{
    OB_TRY(ensure(state));
    pool_dnnl *p = *state;
    const dnnl_memory_desc_t xm = ob_dnnl_md(4, xs, dnnl_nchw), ym = ob_dnnl_md(4, ys, dnnl_nchw);
    int64_t key[OB_DNNL_KEY];
    key_of(key, xs, max, kh, kw, sh, ph);
    OB_REQUIRE(!max || (p->ws.data && memcmp(p->ws_key, key, sizeof key) == 0 && p->fwd.prim &&
                        memcmp(p->fwd.key, key, sizeof key) == 0),
               "max_pool2d: backward before a forward of this shape (no saved argmax)");
    if (!ob_dnnl_cached_hit(&p->bwd, key)) {
        OB_TRY(ready_forward(p, key, &xm, &ym, max, kh, kw, sh, sw, ph, pw)); /* the hint */
        dnnl_pooling_v2_desc_t d;
        OB_TRY(describe(&d, dnnl_backward_data, &xm, &ym, max, kh, kw, sh, sw, ph, pw));
        OB_TRY(ob_dnnl_make(&p->bwd.pd, &p->bwd.prim, &d, p->fwd.pd, "pooling backward"));
    }
    const ob_dnnl_bind b[3] = {
        {DNNL_ARG_DIFF_DST, &ym, gy},
        {DNNL_ARG_DIFF_SRC, &xm, gx},
        {DNNL_ARG_WORKSPACE, max ? dnnl_primitive_desc_query_md(p->fwd.pd, dnnl_query_workspace_md, 0) : NULL, p->ws.data}};
    return ob_dnnl_run(p->bwd.prim, max ? 3 : 2, b);
}
#endif
