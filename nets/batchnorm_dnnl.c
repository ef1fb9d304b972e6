/* batchnorm_dnnl.c — batch_norm2d on oneDNN's batch normalization
 * (batchnorm.c's `dnnl` path), on tensors in one layout (ob_tensor.h): plain
 * NCHW, or the channel-blocked layout a convolution wrote, where oneDNN's
 * AVX-512 / AVX2 kernels run (its plain-layout kernel is 3-4x slower, and
 * blocked edges save the convolutions' reorders).
 *
 * Training: oneDNN computes the batch mean and the biased variance; the
 * running statistics then follow PyTorch's convention here —
 *   running = (1 - momentum) running + momentum batch,
 * with the UNBIASED variance (M / (M - 1), M = N·H·W) in running_var.
 * Eval: the running statistics as global statistics. The backward follows the
 * last forward's mode (global statistics after an eval forward: no gradient
 * through the mean and variance, as PyTorch's eval-mode backward). oneDNN
 * overwrites diff_scale / diff_shift: they are added into the accumulating
 * gradients. */
#include "layers_internal.h"

#ifndef OB_HAVE_DNNL
ob_status ob_bn_dnnl_forward(void **state, float *y, const float *x, const int64_t xs[4], int layout, const float *w,
                             const float *b, float *rm, float *rv, int training, float momentum, float eps)
{
    return OB_FAIL(OB_ERR_UNSUPPORTED, "batch_norm2d: oneDNN not built in");
}
ob_status ob_bn_dnnl_backward(void **state, float *gx, const float *gy, const float *x, const int64_t xs[4],
                              int layout, const float *w, const float *b, float *gw, float *gb, float eps)
{
    return OB_FAIL(OB_ERR_UNSUPPORTED, "batch_norm2d: oneDNN not built in");
}
void ob_bn_dnnl_free(void *state) { (void)state; }
#else
#include "ob_dnnl.h"
#include "ob_scratch.h"

typedef struct {
    ob_dnnl_cached fwd, bwd;
    int64_t c;
    float *mean, *var;       /* (C) what the last forward normalised with */
    float *dscale, *dshift;  /* (C) oneDNN's overwritten parameter gradients */
    ob_scratch gx;           /* the input gradient nobody asked for */
} bn_dnnl;                   /* fwd's key: the last forward's shape, mode, eps and layout */

void ob_bn_dnnl_free(void *state)
{
    bn_dnnl *d = state;
    if (!d) return;
    ob_dnnl_cached_free(&d->fwd);
    ob_dnnl_cached_free(&d->bwd);
    free(d->mean), free(d->var), free(d->dscale), free(d->dshift), ob_scratch_free(&d->gx);
    free(d);
}

static ob_status ensure(bn_dnnl **out, void **state, int64_t c)
{
    bn_dnnl *d = *state;
    if (!d) {
        d = *state = calloc(1, sizeof *d);
        OB_REQUIRE(d != NULL, "batch_norm2d: out of memory");
    }
    if (d->c != c) {
        free(d->mean), free(d->var), free(d->dscale), free(d->dshift);
        d->mean = malloc(sizeof(float) * (size_t)c), d->var = malloc(sizeof(float) * (size_t)c);
        d->dscale = malloc(sizeof(float) * (size_t)c), d->dshift = malloc(sizeof(float) * (size_t)c);
        d->c = (d->mean && d->var && d->dscale && d->dshift) ? c : 0;
        OB_REQUIRE(d->c == c, "batch_norm2d: out of memory for %lld channels", (long long)c);
    }
    *out = d;
    return OB_OK;
}

static unsigned flags_of(int training)
{
    return dnnl_use_scale | dnnl_use_shift | (training ? 0u : dnnl_use_global_stats);
}

/* The forward for (shape, mode), which is also the backward's hint. */
static ob_status ready_forward(bn_dnnl *d, const dnnl_memory_desc_t *xm, const int64_t xs[4], int layout,
                               int training, float eps)
{
    int64_t key[OB_DNNL_KEY] = {xs[0], xs[1], xs[2], xs[3], training, 0, layout};
    memcpy(&key[5], &eps, sizeof eps); /* key[4]: the mode, key[6] the layout, read back by the backward */
    if (ob_dnnl_cached_hit(&d->fwd, key)) return OB_OK;
    dnnl_batch_normalization_desc_t od;
    OB_DNNL_CHECK(dnnl_batch_normalization_forward_desc_init(
        &od, training ? dnnl_forward_training : dnnl_forward_inference, xm, eps, flags_of(training)));
    return ob_dnnl_make(&d->fwd.pd, &d->fwd.prim, &od, NULL, "batch_norm2d");
}

ob_status ob_bn_dnnl_forward(void **state, float *y, const float *x, const int64_t xs[4], int layout, const float *w,
                             const float *b, float *rm, float *rv, int training, float momentum, float eps)
{
    bn_dnnl *d = NULL;
    const int64_t c = xs[1];
    OB_TRY(ensure(&d, state, c));
    const dnnl_memory_desc_t xm = ob_dnnl_md_layout(xs, layout), cm = ob_dnnl_md(1, &c, dnnl_x);
    OB_TRY(ready_forward(d, &xm, xs, layout, training, eps));
    if (!training) memcpy(d->mean, rm, sizeof(float) * (size_t)c), memcpy(d->var, rv, sizeof(float) * (size_t)c);
    const ob_dnnl_bind bind[6] = {{DNNL_ARG_SRC, &xm, x},        {DNNL_ARG_DST, &xm, y},
                                  {DNNL_ARG_SCALE, &cm, w},      {DNNL_ARG_SHIFT, &cm, b},
                                  {DNNL_ARG_MEAN, &cm, d->mean}, {DNNL_ARG_VARIANCE, &cm, d->var}};
    OB_TRY(ob_dnnl_run(d->fwd.prim, 6, bind));
    const double m = (double)(xs[0] * xs[2] * xs[3]);
    for (int64_t ch = 0; training && ch < c; ch++) {
        rm[ch] = (1.0f - momentum) * rm[ch] + momentum * d->mean[ch];
        rv[ch] = (1.0f - momentum) * rv[ch] + momentum * (float)(d->var[ch] * m / (m - 1));
    }
    return OB_OK;
}

ob_status ob_bn_dnnl_backward(void **state, float *gx, const float *gy, const float *x, const int64_t xs[4],
                              int layout, const float *w, const float *b, float *gw, float *gb, float eps)
{
    bn_dnnl *d = *state;
    OB_REQUIRE(d && d->fwd.prim && memcmp(d->fwd.key, xs, sizeof(int64_t) * 4) == 0 && d->fwd.key[6] == layout,
               "batch_norm2d: backward before a forward of this shape and layout");
    const int64_t c = xs[1], n = xs[0] * xs[1] * xs[2] * xs[3];
    const int training = (int)d->fwd.key[4];
    const dnnl_memory_desc_t xm = ob_dnnl_md_layout(xs, layout), cm = ob_dnnl_md(1, &c, dnnl_x);
    if (!ob_dnnl_cached_hit(&d->bwd, d->fwd.key)) {
        dnnl_batch_normalization_desc_t od;
        OB_DNNL_CHECK(dnnl_batch_normalization_backward_desc_init(&od, dnnl_backward, &xm, &xm, eps,
                                                                  flags_of(training)));
        OB_TRY(ob_dnnl_make(&d->bwd.pd, &d->bwd.prim, &od, d->fwd.pd, "batch_norm2d backward"));
    }
    if (!gx) { /* oneDNN always writes diff_src */
        OB_TRY(ob_scratch_get(&d->gx, (void **)&gx, sizeof(float) * (size_t)n, "batch_norm2d"));
    }
    /* oneDNN 2.6 asks for the shift too, though the gradients do not use it */
    const ob_dnnl_bind bind[9] = {
        {DNNL_ARG_SRC, &xm, x},           {DNNL_ARG_DIFF_DST, &xm, gy},          {DNNL_ARG_MEAN, &cm, d->mean},
        {DNNL_ARG_VARIANCE, &cm, d->var}, {DNNL_ARG_SCALE, &cm, w},              {DNNL_ARG_SHIFT, &cm, b},
        {DNNL_ARG_DIFF_SRC, &xm, gx},     {DNNL_ARG_DIFF_SCALE, &cm, d->dscale}, {DNNL_ARG_DIFF_SHIFT, &cm, d->dshift}};
    OB_TRY(ob_dnnl_run(d->bwd.prim, 9, bind));
    for (int64_t ch = 0; ch < c; ch++) gw[ch] += d->dscale[ch], gb[ch] += d->dshift[ch];
    return OB_OK;
}
#endif
