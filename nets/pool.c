/* pool.c — max_pool2d, avg_pool2d (count_include_pad), global average pool.
 * CPU reference: plain loops, OpenMP over (n, c) planes; max pool saves the
 * argmax of each output (its index within the input plane) for the backward,
 * and propagates NaN as PyTorch does. CPU dnnl: oneDNN's pooling
 * (pool_dnnl.c; its max does not promise to propagate NaN). cuda: cuDNN
 * pooling (pool_cudnn.c), which recomputes the argmax from x and y. */
#include <stdint.h>

#include "layers_internal.h"
#include "ob_layers.h"
#include "ob_scratch.h"

enum { POOL_MAX = 0, POOL_AVG = 1, POOL_GLOBAL = 2 };

typedef struct {
    int kind, k, stride, pad;
    ob_scratch argmax; /* int32 (N, C, Ho, Wo): the input index within its plane */
    void *dnnl;      /* oneDNN primitives and workspace (pool_dnnl.c) */
    int last_dnnl;   /* the last forward ran on oneDNN: so does the backward */
} pool_state;

typedef struct {
    int64_t n, c, h, w, oh, ow;
    int kh, kw, sh, sw, ph, pw;
} pool_geom;

static ob_status geom_of(pool_geom *g, const ob_layer *l, const ob_tensor *x)
{
    const pool_state *s = (const pool_state *)l->state;
    g->n = x->shape[0], g->c = x->shape[1], g->h = x->shape[2], g->w = x->shape[3];
    if (s->kind == POOL_GLOBAL) {
        OB_REQUIRE(g->h <= 0x7fffffff && g->w <= 0x7fffffff, "%s: plane too large", l->ops->kind);
        g->kh = (int)g->h, g->kw = (int)g->w, g->sh = g->kh, g->sw = g->kw, g->ph = g->pw = 0;
    } else {
        g->kh = g->kw = s->k, g->sh = g->sw = s->stride, g->ph = g->pw = s->pad;
    }
    OB_REQUIRE(g->h + 2 * g->ph >= g->kh && g->w + 2 * g->pw >= g->kw,
               "%s: input %lldx%lld (padding %d) smaller than the %dx%d window", l->ops->kind, (long long)g->h,
               (long long)g->w, g->ph, g->kh, g->kw);
    g->oh = (g->h + 2 * g->ph - g->kh) / g->sh + 1, g->ow = (g->w + 2 * g->pw - g->kw) / g->sw + 1;
    return OB_OK;
}

static ob_status pool_shape(const ob_layer *l, int64_t out[4], int *ndim, const ob_tensor *const *in, int n_in)
{
    pool_geom g;
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 4));
    OB_TRY(geom_of(&g, l, in[0]));
    out[0] = g.n, out[1] = g.c, out[2] = g.oh, out[3] = g.ow, *ndim = 4;
    return OB_OK;
}

static ob_status check_out(const ob_layer *l, const ob_tensor *out, const pool_geom *g, const char *what)
{
    char b[64];
    OB_REQUIRE(out->ndim == 4 && out->shape[0] == g->n && out->shape[1] == g->c && out->shape[2] == g->oh &&
                   out->shape[3] == g->ow,
               "%s: %s is %s, expected (%lld, %lld, %lld, %lld)", l->ops->kind, what,
               ob_tensor_shape_str(out, b, sizeof b), (long long)g->n, (long long)g->c, (long long)g->oh,
               (long long)g->ow);
    return OB_OK;
}

/* The max over window taps in row-major order, PyTorch's rule: a later tap
 * replaces the best when larger or NaN (so NaN propagates, the last NaN wins;
 * ties keep the first). */
#define OB_MAX_TAP(v, at)                                   \
    do {                                                    \
        const float v_ = (v);                               \
        if (v_ > best || v_ != v_) best = v_, where = (at); \
    } while (0)

/* The common 2x2 window, stride 2, no padding: no bounds to test. */
static void max_plane_2x2(float *y, int32_t *arg, const float *xp, const pool_geom *g)
{
    for (int64_t oy = 0; oy < g->oh; oy++) {
        const int64_t r0 = 2 * oy * g->w, r1 = r0 + g->w;
        for (int64_t ox = 0; ox < g->ow; ox++) {
            const int64_t i = r0 + 2 * ox, j = r1 + 2 * ox;
            float best = xp[i];
            int64_t where = i;
            OB_MAX_TAP(xp[i + 1], i + 1);
            OB_MAX_TAP(xp[j], j);
            OB_MAX_TAP(xp[j + 1], j + 1);
            y[oy * g->ow + ox] = best, arg[oy * g->ow + ox] = (int32_t)where;
        }
    }
}

static void max_plane(float *y, int32_t *arg, const float *xp, const pool_geom *g)
{
    for (int64_t oy = 0; oy < g->oh; oy++) {
        const int64_t y0 = oy * g->sh - g->ph, ya = y0 < 0 ? 0 : y0, yb = y0 + g->kh < g->h ? y0 + g->kh : g->h;
        for (int64_t ox = 0; ox < g->ow; ox++) {
            const int64_t x0 = ox * g->sw - g->pw, xa = x0 < 0 ? 0 : x0, xb = x0 + g->kw < g->w ? x0 + g->kw : g->w;
            float best = xp[ya * g->w + xa];
            int64_t where = ya * g->w + xa;
            for (int64_t iy = ya; iy < yb; iy++)
                for (int64_t ix = xa; ix < xb; ix++) OB_MAX_TAP(xp[iy * g->w + ix], iy * g->w + ix);
            y[oy * g->ow + ox] = best, arg[oy * g->ow + ox] = (int32_t)where;
        }
    }
}

static void max_forward_cpu(float *y, int32_t *arg, const float *x, const pool_geom *g)
{
    const int two = g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2 && g->ph == 0 && g->pw == 0;
#pragma omp parallel for schedule(static)
    for (int64_t pl = 0; pl < g->n * g->c; pl++) {
        const int64_t o = pl * g->oh * g->ow;
        if (two) max_plane_2x2(y + o, arg + o, x + pl * g->h * g->w, g);
        else max_plane(y + o, arg + o, x + pl * g->h * g->w, g);
    }
}

static void max_backward_cpu(float *gx, const float *gy, const int32_t *arg, const pool_geom *g)
{
#pragma omp parallel for schedule(static)
    for (int64_t pl = 0; pl < g->n * g->c; pl++) {
        float *gp = gx + pl * g->h * g->w;
        memset(gp, 0, sizeof(float) * (size_t)(g->h * g->w));
        for (int64_t o = pl * g->oh * g->ow; o < (pl + 1) * g->oh * g->ow; o++) gp[arg[o]] += gy[o];
    }
}

/* The window of output (oy, ox) clipped to the input, and PyTorch's
 * count_include_pad divisor (the window clipped to the padded input). */
static int64_t avg_window(int64_t *ya, int64_t *yb, int64_t *xa, int64_t *xb, int64_t oy, int64_t ox, const pool_geom *g)
{
    int64_t y0 = oy * g->sh - g->ph, x0 = ox * g->sw - g->pw;
    int64_t y1 = y0 + g->kh < g->h + g->ph ? y0 + g->kh : g->h + g->ph;
    int64_t x1 = x0 + g->kw < g->w + g->pw ? x0 + g->kw : g->w + g->pw;
    const int64_t div = (y1 - y0) * (x1 - x0);
    *ya = y0 < 0 ? 0 : y0, *xa = x0 < 0 ? 0 : x0, *yb = y1 < g->h ? y1 : g->h, *xb = x1 < g->w ? x1 : g->w;
    return div;
}

static void avg_forward_cpu(float *y, const float *x, const pool_geom *g)
{
#pragma omp parallel for schedule(static)
    for (int64_t pl = 0; pl < g->n * g->c; pl++) {
        const float *xp = x + pl * g->h * g->w;
        for (int64_t oy = 0; oy < g->oh; oy++)
            for (int64_t ox = 0; ox < g->ow; ox++) {
                int64_t ya, yb, xa, xb;
                const int64_t div = avg_window(&ya, &yb, &xa, &xb, oy, ox, g);
                double s = 0;
                for (int64_t iy = ya; iy < yb; iy++)
                    for (int64_t ix = xa; ix < xb; ix++) s += xp[iy * g->w + ix];
                y[(pl * g->oh + oy) * g->ow + ox] = (float)(s / (double)div);
            }
    }
}

static void avg_backward_cpu(float *gx, const float *gy, const pool_geom *g)
{
#pragma omp parallel for schedule(static)
    for (int64_t pl = 0; pl < g->n * g->c; pl++) {
        float *gp = gx + pl * g->h * g->w;
        memset(gp, 0, sizeof(float) * (size_t)(g->h * g->w));
        for (int64_t oy = 0; oy < g->oh; oy++)
            for (int64_t ox = 0; ox < g->ow; ox++) {
                int64_t ya, yb, xa, xb;
                const int64_t div = avg_window(&ya, &yb, &xa, &xb, oy, ox, g);
                const float v = gy[(pl * g->oh + oy) * g->ow + ox] / (float)div;
                for (int64_t iy = ya; iy < yb; iy++)
                    for (int64_t ix = xa; ix < xb; ix++) gp[iy * g->w + ix] += v;
            }
    }
}

static ob_status pool_forward(ob_layer *l, ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *in, int n_in,
                              int training)
{
    pool_state *s = (pool_state *)l->state;
    pool_geom g;
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 4));
    OB_TRY(geom_of(&g, l, in[0]));
    OB_TRY(check_out(l, out, &g, "output"));
    const float *x = ob_tensor_f32(in[0]);
    float *y = ob_tensor_f32(out);
    if (ob_ctx_backend(ctx) != OB_BACKEND_CPU)
        return ob_pool_cudnn_forward(ctx, y, x, in[0]->shape, out->shape, s->kind == POOL_MAX, g.kh, g.kw, g.sh, g.sw,
                                     g.ph, g.pw);
    s->last_dnnl = 0;
    if (ob_ctx_uses_dnnl(ctx)) {
        ob_status st = ob_pool_dnnl_forward(&s->dnnl, y, x, in[0]->shape, out->shape, s->kind == POOL_MAX, g.kh, g.kw,
                                            g.sh, g.sw, g.ph, g.pw);
        if (st != OB_ERR_UNSUPPORTED) {
            s->last_dnnl = st == OB_OK;
            return st;
        }
    }
    if (s->kind != POOL_MAX) {
        avg_forward_cpu(y, x, &g);
        return OB_OK;
    }
    const int64_t n_out = ob_tensor_numel(out);
    OB_REQUIRE(g.h * g.w <= INT32_MAX, "%s: plane too large for the argmax", l->ops->kind);
    int32_t *arg;
    OB_TRY(ob_scratch_get(&s->argmax, (void **)&arg, sizeof(int32_t) * (size_t)n_out, "max_pool2d argmax"));
    max_forward_cpu(y, arg, x, &g);
    return OB_OK;
}

static ob_status pool_backward(ob_layer *l, ob_ctx *ctx, ob_tensor *const *grad_in, const ob_tensor *grad_out,
                               const ob_tensor *const *in, int n_in, const ob_tensor *out)
{
    pool_state *s = (pool_state *)l->state;
    pool_geom g;
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 4));
    if (!grad_in[0]) return OB_OK;
    OB_TRY(geom_of(&g, l, in[0]));
    OB_TRY(check_out(l, grad_out, &g, "output gradient"));
    OB_REQUIRE(ob_tensor_same_shape(grad_in[0], in[0]), "%s: input gradient and input differ in shape", l->ops->kind);
    float *gx = ob_tensor_f32(grad_in[0]);
    const float *gy = ob_tensor_f32(grad_out);
    if (ob_ctx_backend(ctx) != OB_BACKEND_CPU) {
        OB_REQUIRE(out != NULL, "%s: backward on cuda needs the forward's output", l->ops->kind);
        return ob_pool_cudnn_backward(ctx, gx, gy, ob_tensor_f32(in[0]), ob_tensor_f32(out), in[0]->shape,
                                      grad_out->shape, s->kind == POOL_MAX, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw);
    }
    if (s->last_dnnl)
        return ob_pool_dnnl_backward(&s->dnnl, gx, gy, in[0]->shape, grad_out->shape, s->kind == POOL_MAX, g.kh, g.kw,
                                     g.sh, g.sw, g.ph, g.pw);
    if (s->kind != POOL_MAX) {
        avg_backward_cpu(gx, gy, &g);
        return OB_OK;
    }
    OB_REQUIRE(s->argmax.data && s->argmax.bytes / sizeof(int32_t) >= (size_t)ob_tensor_numel(grad_out),
               "%s: backward before a forward of this shape (no saved argmax)", l->ops->kind);
    max_backward_cpu(gx, gy, (const int32_t *)s->argmax.data, &g);
    return OB_OK;
}

static void pool_destroy(ob_layer *l)
{
    pool_state *s = (pool_state *)l->state;
    if (s) ob_scratch_free(&s->argmax), ob_pool_dnnl_free(s->dnnl);
    free(s);
}

static const ob_layer_ops pool_ops[3] = {
    {"max_pool2d", pool_shape, pool_forward, pool_backward, pool_destroy, 0},
    {"avg_pool2d", pool_shape, pool_forward, pool_backward, pool_destroy, 0},
    {"global_avg_pool", pool_shape, pool_forward, pool_backward, pool_destroy, 0},
};

static ob_status pool_create(ob_layer **l, int kind, int k, int stride, int pad)
{
    if (kind != POOL_GLOBAL) {
        OB_REQUIRE(k >= 1 && k <= 1024, "%s: kernel size %d outside 1..1024", pool_ops[kind].kind, k);
        OB_REQUIRE(stride >= 0 && stride <= 1024, "%s: stride %d outside 0..1024", pool_ops[kind].kind, stride);
        OB_REQUIRE(pad >= 0 && 2 * pad <= k, "%s: padding %d must be in 0..k/2 (k=%d), as PyTorch requires",
                   pool_ops[kind].kind, pad, k);
    }
    OB_TRY(ob_layer_new(l, &pool_ops[kind], sizeof(pool_state)));
    pool_state *s = (pool_state *)(*l)->state;
    s->kind = kind, s->k = k, s->stride = stride ? stride : k, s->pad = pad;
    return OB_OK;
}

ob_status ob_max_pool2d_create(ob_layer **l, int k, int stride, int pad) { return pool_create(l, POOL_MAX, k, stride, pad); }
ob_status ob_avg_pool2d_create(ob_layer **l, int k, int stride, int pad) { return pool_create(l, POOL_AVG, k, stride, pad); }
ob_status ob_global_avg_pool_create(ob_layer **l) { return pool_create(l, POOL_GLOBAL, 1, 1, 0); }
