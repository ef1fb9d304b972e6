/* batchnorm.c — batch_norm2d with PyTorch's nn.BatchNorm2d semantics.
 * CPU dnnl: oneDNN's batch normalization (batchnorm_dnnl.c), in the layout
 * its input comes in (ob_layer.h: a convolution's blocked output stays
 * blocked through batch norm and the activation after it).
 * CPU reference: per channel, OpenMP over channels, sums in double (two passes: mean, then
 * the centred second moment). cuda: cuDNN spatial batch norm (batchnorm_cudnn.c),
 * whose running-variance update also uses the unbiased variance; the eval-mode
 * backward is assembled there from two cuDNN calls. */
#include <math.h>

#include "bn_stats.h"
#include "layers_internal.h"
#include "ob_dispatch.h"
#include "ob_dnnl.h"
#include "ob_layers.h"
#include "ob_scratch.h"

enum { P_WEIGHT = 0, P_BIAS = 1, P_RMEAN = 2, P_RVAR = 3, P_NBT = 4 };

typedef struct {
    int c;
    int last_training;    /* mode of the last forward: backward follows it */
    ob_tensor mean, invstd; /* (C) statistics the last forward normalised with */
    ob_tensor scale;        /* (C) weight * invstd after an eval forward on cuda */
    void *dnnl;             /* oneDNN primitives and statistics (batchnorm_dnnl.c) */
    int last_dnnl;          /* the last forward ran on oneDNN: so does the backward */
    int dnnl_layout;        /* the layout it ran in (ob_tensor.h) */
    ob_scratch work_x, work_gx; /* the backward's input / input gradient moved into that layout */
} bn_state;

static ob_status bn_check(const ob_layer *l, const ob_tensor *const *in, int n_in)
{
    const bn_state *s = (const bn_state *)l->state;
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 4));
    OB_REQUIRE(in[0]->shape[1] == s->c, "batch_norm2d: input has %lld channels, the layer %d",
               (long long)in[0]->shape[1], s->c);
    for (int p = 0; p < 5; p++)
        OB_REQUIRE(l->params[p].value.data != NULL,
                   "batch_norm2d: parameter %s has no memory (call ob_layers_alloc_params and ob_batch_norm2d_reset)",
                   l->params[p].name);
    return OB_OK;
}

static ob_status bn_shape(const ob_layer *l, int64_t out[4], int *ndim, const ob_tensor *const *in, int n_in)
{
    const bn_state *s = (const bn_state *)l->state;
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 4));
    OB_REQUIRE(in[0]->shape[1] == s->c, "batch_norm2d: input has %lld channels, the layer %d",
               (long long)in[0]->shape[1], s->c);
    memcpy(out, in[0]->shape, sizeof(int64_t) * 4);
    *ndim = 4;
    return OB_OK;
}

static ob_status ensure_saves(bn_state *s, ob_location loc)
{
    if (s->mean.data && s->mean.loc == loc) return OB_OK;
    ob_tensor_free(&s->mean), ob_tensor_free(&s->invstd), ob_tensor_free(&s->scale);
    int64_t c[1] = {s->c};
    OB_TRY(ob_tensor_zeros(&s->mean, OB_F32, loc, 1, c));
    OB_TRY(ob_tensor_zeros(&s->scale, OB_F32, loc, 1, c));
    return ob_tensor_zeros(&s->invstd, OB_F32, loc, 1, c);
}

/* Batch statistics of channel ch: mean and biased variance over (N, H, W). */
static void channel_stats(double *mean, double *var, const float *x, int64_t n, int64_t c, int64_t hw, int64_t ch)
{
    double s = 0, q = 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t k = 0; k < hw; k++) s += x[(i * c + ch) * hw + k];
    const double m = s / (double)(n * hw);
    for (int64_t i = 0; i < n; i++)
        for (int64_t k = 0; k < hw; k++) {
            const double d = x[(i * c + ch) * hw + k] - m;
            q += d * d;
        }
    *mean = m, *var = q / (double)(n * hw);
}

static void forward_cpu(ob_layer *l, float *y, const float *x, int64_t n, int64_t hw, int training)
{
    bn_state *s = (bn_state *)l->state;
    const float *w = ob_tensor_f32(&l->params[P_WEIGHT].value), *b = ob_tensor_f32(&l->params[P_BIAS].value);
    float *rm = ob_tensor_f32(&l->params[P_RMEAN].value), *rv = ob_tensor_f32(&l->params[P_RVAR].value);
    float *mean = ob_tensor_f32(&s->mean), *invstd = ob_tensor_f32(&s->invstd);
    const int64_t c = s->c, m = n * hw;
#pragma omp parallel for schedule(static)
    for (int64_t ch = 0; ch < c; ch++) {
        if (training) {
            double mu, var;
            channel_stats(&mu, &var, x, n, c, hw, ch);
            mean[ch] = (float)mu, invstd[ch] = (float)(1.0 / sqrt(var + OB_BN_EPS));
            rm[ch] = (1.0f - OB_BN_MOMENTUM) * rm[ch] + OB_BN_MOMENTUM * (float)mu;
            rv[ch] = (1.0f - OB_BN_MOMENTUM) * rv[ch] + OB_BN_MOMENTUM * (float)(var * (double)m / (double)(m - 1));
        } else {
            mean[ch] = rm[ch], invstd[ch] = ob_bn_invstd(rv[ch], OB_BN_EPS);
        }
        const float a = w[ch] * invstd[ch], sh = b[ch] - mean[ch] * a;
        for (int64_t i = 0; i < n; i++)
            for (int64_t k = 0; k < hw; k++) y[(i * c + ch) * hw + k] = x[(i * c + ch) * hw + k] * a + sh;
    }
}

/* Adds one to num_batches_tracked where it lives (on a GPU a one-thread
 * kernel on the stream: no transfer). */
static ob_status count_batch(ob_layer *l, ob_ctx *ctx)
{
    float *t = ob_tensor_f32(&l->params[P_NBT].value);
    if (l->params[P_NBT].value.loc == OB_HOST) return ob_bn_count_cpu(t);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    (void)cfg; /* unused when CUDA is not compiled */
    return OB_CUDA_PATH(ob_bn_count_cuda(t, &cfg));
}

/* After an eval forward on cuda: the running statistics as the backward's
 * mean and invstd, and weight * invstd, on the device (bn_stats.h). */
static ob_status eval_stats_device(ob_layer *l, ob_ctx *ctx)
{
    bn_state *s = (bn_state *)l->state;
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    (void)cfg, (void)s; /* unused when CUDA is not compiled */
    return OB_CUDA_PATH(ob_bn_eval_stats_cuda(ob_tensor_f32(&s->mean), ob_tensor_f32(&s->invstd),
                                              ob_tensor_f32(&s->scale), ob_tensor_f32(&l->params[P_WEIGHT].value),
                                              ob_tensor_f32(&l->params[P_RMEAN].value),
                                              ob_tensor_f32(&l->params[P_RVAR].value), s->c, OB_BN_EPS, &cfg));
}

static ob_status bn_forward(ob_layer *l, ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *in, int n_in,
                            int training)
{
    bn_state *s = (bn_state *)l->state;
    OB_TRY(bn_check(l, in, n_in));
    OB_REQUIRE(ob_tensor_same_shape(out, in[0]), "batch_norm2d: output and input differ in shape");
    const int64_t n = in[0]->shape[0], hw = in[0]->shape[2] * in[0]->shape[3];
    OB_REQUIRE(!training || n * hw > 1, "batch_norm2d: training needs more than 1 value per channel (got N*H*W = %lld)",
               (long long)(n * hw));
    OB_TRY(ensure_saves(s, ob_ctx_location(ctx)));
    ob_status st = OB_ERR_UNSUPPORTED;
    const ob_tensor *x = in[0];
    out->layout = OB_LAYOUT_PLAIN;
    if (ob_ctx_uses_dnnl(ctx)) {
        /* in the input's layout; where the output must be plain, the input is
         * made plain first, into the output (normalised there in place) */
        const float *xp = ob_tensor_f32(x);
        int layout = x->layout;
        if (layout != OB_LAYOUT_PLAIN && !out->layout_ok) {
            OB_TRY(ob_dnnl_relayout(ob_tensor_f32(out), OB_LAYOUT_PLAIN, xp, layout, x->shape));
            xp = ob_tensor_f32(out), layout = OB_LAYOUT_PLAIN;
        }
        st = ob_bn_dnnl_forward(&s->dnnl, ob_tensor_f32(out), xp, x->shape, layout,
                                ob_tensor_f32(&l->params[P_WEIGHT].value), ob_tensor_f32(&l->params[P_BIAS].value),
                                ob_tensor_f32(&l->params[P_RMEAN].value), ob_tensor_f32(&l->params[P_RVAR].value),
                                training, OB_BN_MOMENTUM, OB_BN_EPS);
        if (st == OB_OK) out->layout = s->dnnl_layout = layout;
    }
    s->last_dnnl = st == OB_OK;
    if (st != OB_OK && st != OB_ERR_UNSUPPORTED) return st;
    if (s->last_dnnl) {
        /* done: oneDNN normalised and updated the running statistics */
    } else if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) {
        const float *xp;
        float *tmp;
        OB_TRY(ob_layer_plain(x, &xp, &tmp)); /* the reference reads plain NCHW */
        forward_cpu(l, ob_tensor_f32(out), xp, n, hw, training);
        free(tmp);
    } else {
        OB_TRY(ob_bn_cudnn_forward(ctx, ob_tensor_f32(out), ob_tensor_f32(in[0]), in[0]->shape,
                                   ob_tensor_f32(&l->params[P_WEIGHT].value), ob_tensor_f32(&l->params[P_BIAS].value),
                                   ob_tensor_f32(&l->params[P_RMEAN].value), ob_tensor_f32(&l->params[P_RVAR].value),
                                   ob_tensor_f32(&s->mean), ob_tensor_f32(&s->invstd), training, OB_BN_MOMENTUM,
                                   OB_BN_EPS));
        if (!training) OB_TRY(eval_stats_device(l, ctx));
    }
    s->last_training = training;
    if (training) OB_TRY(count_batch(l, ctx));
    return OB_OK;
}

static void backward_cpu(ob_layer *l, float *gx, const float *gy, const float *x, int64_t n, int64_t hw)
{
    bn_state *s = (bn_state *)l->state;
    const float *w = ob_tensor_f32(&l->params[P_WEIGHT].value);
    float *gw = ob_tensor_f32(&l->params[P_WEIGHT].grad), *gb = ob_tensor_f32(&l->params[P_BIAS].grad);
    const float *mean = ob_tensor_f32(&s->mean), *invstd = ob_tensor_f32(&s->invstd);
    const int64_t c = s->c;
    const double m = (double)(n * hw);
#pragma omp parallel for schedule(static)
    for (int64_t ch = 0; ch < c; ch++) {
        double sg = 0, sgx = 0;
        for (int64_t i = 0; i < n; i++)
            for (int64_t k = 0; k < hw; k++) {
                const int64_t o = (i * c + ch) * hw + k;
                sg += gy[o];
                sgx += (double)gy[o] * (x[o] - mean[ch]) * invstd[ch];
            }
        gw[ch] += (float)sgx, gb[ch] += (float)sg;
        if (!gx) continue;
        const float a = w[ch] * invstd[ch];
        const float mg = s->last_training ? (float)(sg / m) : 0.0f, mx = s->last_training ? (float)(sgx / m) : 0.0f;
        for (int64_t i = 0; i < n; i++)
            for (int64_t k = 0; k < hw; k++) {
                const int64_t o = (i * c + ch) * hw + k;
                const float xh = (x[o] - mean[ch]) * invstd[ch];
                gx[o] = a * (gy[o] - mg - xh * mx);
            }
    }
}

/* The oneDNN backward in the forward's layout: x and gy moved into it where
 * they are in another, gx written in it where the model lets it stay there,
 * else made plain after. */
static ob_status backward_dnnl(ob_layer *l, ob_tensor *gx_t, const ob_tensor *gy_t, const ob_tensor *x_t)
{
    bn_state *s = (bn_state *)l->state;
    const int work = s->dnnl_layout;
    const size_t bytes = ob_tensor_nbytes(x_t);
    const float *x = ob_tensor_f32(x_t), *gy = ob_tensor_f32(gy_t);
    float *gx = gx_t ? ob_tensor_f32(gx_t) : NULL, *gx_work = gx;
    if (x_t->layout != work) {
        float *t;
        OB_TRY(ob_scratch_get(&s->work_x, (void **)&t, bytes, "batch_norm2d"));
        OB_TRY(ob_dnnl_relayout(t, work, x, x_t->layout, x_t->shape));
        x = t;
    }
    if (gx && work != OB_LAYOUT_PLAIN && !gx_t->layout_ok) /* gx must end plain */
        OB_TRY(ob_scratch_get(&s->work_gx, (void **)&gx_work, bytes, "batch_norm2d"));
    if (gy_t->layout != work) { /* gy into the working layout: where gx goes (in place), or scratch */
        float *t = gx_work;
        if (!t) OB_TRY(ob_scratch_get(&s->work_gx, (void **)&t, bytes, "batch_norm2d"));
        OB_TRY(ob_dnnl_relayout(t, work, gy, gy_t->layout, x_t->shape));
        gy = t;
    }
    OB_TRY(ob_bn_dnnl_backward(&s->dnnl, gx_work, gy, x, x_t->shape, work, ob_tensor_f32(&l->params[P_WEIGHT].value),
                               ob_tensor_f32(&l->params[P_BIAS].value), ob_tensor_f32(&l->params[P_WEIGHT].grad),
                               ob_tensor_f32(&l->params[P_BIAS].grad), OB_BN_EPS));
    if (!gx) return OB_OK;
    if (gx_work != gx) return ob_dnnl_relayout(gx, OB_LAYOUT_PLAIN, gx_work, work, x_t->shape);
    gx_t->layout = work;
    return OB_OK;
}

static ob_status bn_backward(ob_layer *l, ob_ctx *ctx, ob_tensor *const *grad_in, const ob_tensor *grad_out,
                             const ob_tensor *const *in, int n_in, const ob_tensor *out)
{
    bn_state *s = (bn_state *)l->state;
    OB_TRY(bn_check(l, in, n_in));
    OB_REQUIRE(s->mean.data != NULL, "batch_norm2d: backward before any forward");
    OB_REQUIRE(ob_tensor_same_shape(grad_out, in[0]), "batch_norm2d: output gradient and input differ in shape");
    OB_REQUIRE(!grad_in[0] || ob_tensor_same_shape(grad_in[0], in[0]),
               "batch_norm2d: input gradient and input differ in shape");
    const int64_t n = in[0]->shape[0], hw = in[0]->shape[2] * in[0]->shape[3];
    float *gx = grad_in[0] ? ob_tensor_f32(grad_in[0]) : NULL;
    if (grad_in[0]) grad_in[0]->layout = OB_LAYOUT_PLAIN;
    if (s->last_dnnl && ob_ctx_backend(ctx) == OB_BACKEND_CPU) return backward_dnnl(l, grad_in[0], grad_out, in[0]);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) {
        const float *xp, *gy;
        float *tx, *tgy;
        OB_TRY(ob_layer_plain(in[0], &xp, &tx)); /* the reference reads plain NCHW */
        ob_status st = ob_layer_plain(grad_out, &gy, &tgy);
        if (st == OB_OK) backward_cpu(l, gx, gy, xp, n, hw);
        free(tx), free(tgy);
        return st;
    }
    OB_REQUIRE(gx != NULL, "batch_norm2d: cuDNN's backward always writes the input gradient; pass a buffer");
    return ob_bn_cudnn_backward(ctx, gx, ob_tensor_f32(grad_out), ob_tensor_f32(in[0]), in[0]->shape,
                                ob_tensor_f32(&l->params[P_WEIGHT].value), ob_tensor_f32(&l->params[P_WEIGHT].grad),
                                ob_tensor_f32(&l->params[P_BIAS].grad), ob_tensor_f32(&s->mean),
                                ob_tensor_f32(&s->invstd), s->last_training ? NULL : ob_tensor_f32(&s->scale),
                                OB_BN_EPS);
}

static void bn_destroy(ob_layer *l)
{
    bn_state *s = (bn_state *)l->state;
    if (s) {
        ob_tensor_free(&s->mean), ob_tensor_free(&s->invstd), ob_tensor_free(&s->scale), ob_bn_dnnl_free(s->dnnl);
        ob_scratch_free(&s->work_x), ob_scratch_free(&s->work_gx);
    }
    free(s);
}

static const ob_layer_ops bn_ops = {"batch_norm2d", bn_shape, bn_forward, bn_backward, bn_destroy, 1};

ob_status ob_batch_norm2d_create(ob_layer **l, int channels)
{
    OB_REQUIRE(channels >= 1, "batch_norm2d: %d channels", channels);
    OB_TRY(ob_layer_new(l, &bn_ops, sizeof(bn_state)));
    ((bn_state *)(*l)->state)->c = channels;
    const int64_t c[1] = {channels}, one[1] = {1};
    ob_status st = OB_OK;
    if (st == OB_OK) st = ob_layer_declare_param(*l, "weight", 1, c, 1);
    if (st == OB_OK) st = ob_layer_declare_param(*l, "bias", 1, c, 1);
    if (st == OB_OK) st = ob_layer_declare_param(*l, "running_mean", 1, c, 0);
    if (st == OB_OK) st = ob_layer_declare_param(*l, "running_var", 1, c, 0);
    if (st == OB_OK) st = ob_layer_declare_param(*l, "num_batches_tracked", 1, one, 0);
    if (st != OB_OK) ob_layer_destroy(*l), *l = NULL;
    return st;
}

ob_status ob_batch_norm2d_reset(ob_layer *l)
{
    OB_REQUIRE(l && l->ops == &bn_ops, "ob_batch_norm2d_reset: not a batch_norm2d layer");
    const bn_state *s = (const bn_state *)l->state;
    float *h = (float *)malloc(sizeof(float) * (size_t)s->c);
    OB_REQUIRE(h != NULL, "batch_norm2d: out of memory");
    const float fill[5] = {1.0f, 0.0f, 0.0f, 1.0f, 0.0f};
    ob_status st = OB_OK;
    for (int p = 0; p < 5 && st == OB_OK; p++) {
        ob_tensor *v = &l->params[p].value, src;
        if (!v->data) {
            st = OB_FAIL(OB_ERR_ARG, "batch_norm2d: parameter %s has no memory (ob_layers_alloc_params first)",
                         l->params[p].name);
            break;
        }
        for (int64_t i = 0; i < ob_tensor_numel(v); i++) h[i] = fill[p];
        st = ob_tensor_wrap(&src, h, OB_F32, OB_HOST, v->ndim, v->shape);
        if (st == OB_OK) st = ob_tensor_copy(v, &src); /* device-synchronous: h is reused next */
    }
    free(h);
    return st;
}
