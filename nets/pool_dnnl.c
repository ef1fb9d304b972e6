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
    ob_dnnl_cached fwd, bwd; /* fwd's key: the shape of the last forward (and of ws) */
    ob_scratch ws;           /* the last training forward's workspace (max pooling) */
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

/* One call's geometry: the plain descs, the cache key and the window. */
typedef struct {
    dnnl_memory_desc_t x, y;
    int64_t key[OB_DNNL_KEY];
    dnnl_alg_kind_t alg;
    dnnl_dims_t strides, kernel, pad;
} pool_call;

static ob_status begin(pool_dnnl **out, pool_call *c, void **state, const int64_t xs[4], const int64_t ys[4], int max,
                       int kh, int kw, int sh, int sw, int ph, int pw)
{
    if (!*state) *state = calloc(1, sizeof(pool_dnnl));
    OB_REQUIRE(*state != NULL, "pooling: out of memory");
    *out = *state;
    c->x = ob_dnnl_md(4, xs, dnnl_nchw), c->y = ob_dnnl_md(4, ys, dnnl_nchw);
    const int64_t key[OB_DNNL_KEY] = {xs[0], xs[1], xs[2], xs[3], max, kh * 65536 + kw, sh * 65536 + sw, ph * 65536 + pw};
    memcpy(c->key, key, sizeof key);
    c->alg = max ? dnnl_pooling_max : dnnl_pooling_avg_include_padding;
    c->strides[0] = sh, c->strides[1] = sw, c->kernel[0] = kh, c->kernel[1] = kw, c->pad[0] = ph, c->pad[1] = pw;
    return OB_OK;
}

/* The training forward for this call: kept, or made (it is the backward's hint too). */
static ob_status ready_forward(pool_dnnl *p, const pool_call *c)
{
    if (ob_dnnl_cached_hit(&p->fwd, c->key)) return OB_OK;
    dnnl_pooling_v2_desc_t d;
    const dnnl_dims_t dil = {0, 0};
    OB_DNNL_CHECK(dnnl_pooling_v2_forward_desc_init(&d, dnnl_forward_training, c->alg, &c->x, &c->y, c->strides,
                                                    c->kernel, dil, c->pad, c->pad));
    return ob_dnnl_make(&p->fwd.pd, &p->fwd.prim, &d, NULL, "pooling");
}

ob_status ob_pool_dnnl_forward(void **state, float *y, const float *x, const int64_t xs[4], const int64_t ys[4],
                               int max, int kh, int kw, int sh, int sw, int ph, int pw)
{
    pool_dnnl *p = NULL;
    pool_call c;
    OB_TRY(begin(&p, &c, state, xs, ys, max, kh, kw, sh, sw, ph, pw));
    OB_TRY(ready_forward(p, &c));
    ob_dnnl_bind b[3] = {{DNNL_ARG_SRC, &c.x, x}, {DNNL_ARG_DST, &c.y, y}, {0}};
    if (max) {
        const dnnl_memory_desc_t *ws = dnnl_primitive_desc_query_md(p->fwd.pd, dnnl_query_workspace_md, 0);
        void *buf;
        OB_TRY(ob_scratch_get(&p->ws, &buf, dnnl_memory_desc_get_size(ws), "max_pool2d workspace"));
        b[2] = (ob_dnnl_bind){DNNL_ARG_WORKSPACE, ws, buf};
    }
    return ob_dnnl_run(p->fwd.prim, max ? 3 : 2, b);
}

ob_status ob_pool_dnnl_backward(void **state, float *gx, const float *gy, const int64_t xs[4], const int64_t ys[4],
                                int max, int kh, int kw, int sh, int sw, int ph, int pw)
{
    pool_dnnl *p = NULL;
    pool_call c;
    OB_TRY(begin(&p, &c, state, xs, ys, max, kh, kw, sh, sw, ph, pw));
    OB_REQUIRE(!max || (p->ws.data && p->fwd.prim && memcmp(p->fwd.key, c.key, sizeof c.key) == 0),
               "max_pool2d: backward before a forward of this shape (no saved argmax)");
    if (!ob_dnnl_cached_hit(&p->bwd, c.key)) {
        OB_TRY(ready_forward(p, &c)); /* the hint */
        dnnl_pooling_v2_desc_t d;
        const dnnl_dims_t dil = {0, 0};
        OB_DNNL_CHECK(
            dnnl_pooling_v2_backward_desc_init(&d, c.alg, &c.x, &c.y, c.strides, c.kernel, dil, c.pad, c.pad));
        OB_TRY(ob_dnnl_make(&p->bwd.pd, &p->bwd.prim, &d, p->fwd.pd, "pooling backward"));
    }
    const ob_dnnl_bind b[3] = {
        {DNNL_ARG_DIFF_DST, &c.y, gy},
        {DNNL_ARG_DIFF_SRC, &c.x, gx},
        {DNNL_ARG_WORKSPACE, max ? dnnl_primitive_desc_query_md(p->fwd.pd, dnnl_query_workspace_md, 0) : NULL,
         p->ws.data}};
    return ob_dnnl_run(p->bwd.prim, max ? 3 : 2, b);
}
#endif
