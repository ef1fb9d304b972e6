/* gpulibs_forward.c — the nets' cuDNN and cuBLAS entry points as the binary
 * sees them: each forwards to the plugin's obgl_* function, loaded on first
 * use (host/ob_gpulibs.h says why). Only a cuda context ever calls them. */
#ifdef OB_HAVE_CUDA
#include "conv_impl.h"
#include "layers_internal.h"
#include "linear_impl.h"
#include "ob_gpulibs.h"

/* `fn` <- the plugin's function `name`, or return the loader's error (its
 * message is already in ob_last_error()). */
#define OB_GPULIB(fn, type, name)            \
    type fn = (type)ob_gpulibs_symbol(name); \
    if (!fn) return OB_ERR_CUDA

typedef ob_status (*bn_fwd_t)(struct ob_ctx *, float *, const float *, const int64_t[4], const float *, const float *,
                              float *, float *, float *, float *, int, float, float);
ob_status ob_bn_cudnn_forward(struct ob_ctx *ctx, float *y, const float *x, const int64_t xs[4], const float *weight,
                              const float *bias, float *running_mean, float *running_var, float *save_mean,
                              float *save_invstd, int training, float momentum, float eps)
{
    OB_GPULIB(fn, bn_fwd_t, "obgl_bn_cudnn_forward");
    return fn(ctx, y, x, xs, weight, bias, running_mean, running_var, save_mean, save_invstd, training, momentum, eps);
}

typedef ob_status (*bn_bwd_t)(struct ob_ctx *, float *, const float *, const float *, const int64_t[4], const float *,
                              float *, float *, const float *, const float *, const float *, float);
ob_status ob_bn_cudnn_backward(struct ob_ctx *ctx, float *gx, const float *gy, const float *x, const int64_t xs[4],
                               const float *weight, float *gweight, float *gbias, const float *save_mean,
                               const float *save_invstd, const float *eval_scale, float eps)
{
    OB_GPULIB(fn, bn_bwd_t, "obgl_bn_cudnn_backward");
    return fn(ctx, gx, gy, x, xs, weight, gweight, gbias, save_mean, save_invstd, eval_scale, eps);
}

typedef ob_status (*pool_fwd_t)(struct ob_ctx *, float *, const float *, const int64_t[4], const int64_t[4], int, int,
                                int, int, int, int, int);
ob_status ob_pool_cudnn_forward(struct ob_ctx *ctx, float *y, const float *x, const int64_t xs[4], const int64_t ys[4],
                                int max, int kh, int kw, int sh, int sw, int ph, int pw)
{
    OB_GPULIB(fn, pool_fwd_t, "obgl_pool_cudnn_forward");
    return fn(ctx, y, x, xs, ys, max, kh, kw, sh, sw, ph, pw);
}

typedef ob_status (*pool_bwd_t)(struct ob_ctx *, float *, const float *, const float *, const float *,
                                const int64_t[4], const int64_t[4], int, int, int, int, int, int, int);
ob_status ob_pool_cudnn_backward(struct ob_ctx *ctx, float *gx, const float *gy, const float *x, const float *y,
                                 const int64_t xs[4], const int64_t ys[4], int max, int kh, int kw, int sh, int sw,
                                 int ph, int pw)
{
    OB_GPULIB(fn, pool_bwd_t, "obgl_pool_cudnn_backward");
    return fn(ctx, gx, gy, x, y, xs, ys, max, kh, kw, sh, sw, ph, pw);
}

typedef ob_status (*lin_fwd_t)(ob_ctx *, ob_linear_state *, float *, const float *, const float *, const float *, int);
ob_status ob_linear_forward_cublas(ob_ctx *ctx, ob_linear_state *s, float *y, const float *x, const float *w,
                                   const float *b, int n)
{
    OB_GPULIB(fn, lin_fwd_t, "obgl_linear_forward_cublas");
    return fn(ctx, s, y, x, w, b, n);
}

typedef ob_status (*lin_bwd_t)(ob_ctx *, ob_linear_state *, float *, float *, float *, const float *, const float *,
                               const float *, int);
ob_status ob_linear_backward_cublas(ob_ctx *ctx, ob_linear_state *s, float *dx, float *dw, float *db,
                                    const float *dy, const float *x, const float *w, int n)
{
    OB_GPULIB(fn, lin_bwd_t, "obgl_linear_backward_cublas");
    return fn(ctx, s, dx, dw, db, dy, x, w, n);
}

/* Before the plugin is loaded nothing of it was allocated: nothing to free. */
void ob_linear_cublas_free(ob_linear_state *s)
{
    if (!ob_gpulibs_loaded()) return;
    void (*fn)(ob_linear_state *) = (void (*)(ob_linear_state *))ob_gpulibs_symbol("obgl_linear_cublas_free");
    if (fn) fn(s);
}

typedef ob_status (*conv_fwd_t)(ob_ctx *, ob_conv_state *, float *, const float *, const float *, const float *, int,
                                int, int);
ob_status ob_conv_forward_cudnn(ob_ctx *ctx, ob_conv_state *s, float *y, const float *x, const float *w,
                                const float *b, int n, int h, int wd)
{
    OB_GPULIB(fn, conv_fwd_t, "obgl_conv_forward_cudnn");
    return fn(ctx, s, y, x, w, b, n, h, wd);
}

typedef ob_status (*conv_bwd_t)(ob_ctx *, ob_conv_state *, float *, float *, float *, const float *, const float *,
                                const float *, int, int, int);
ob_status ob_conv_backward_cudnn(ob_ctx *ctx, ob_conv_state *s, float *dx, float *dw, float *db, const float *dy,
                                 const float *x, const float *w, int n, int h, int wd)
{
    OB_GPULIB(fn, conv_bwd_t, "obgl_conv_backward_cudnn");
    return fn(ctx, s, dx, dw, db, dy, x, w, n, h, wd);
}

void ob_conv_cudnn_free(void *gpu)
{
    if (!ob_gpulibs_loaded()) return;
    void (*fn)(void *) = (void (*)(void *))ob_gpulibs_symbol("obgl_conv_cudnn_free");
    if (fn) fn(gpu);
}
#else
typedef int ob_gpulibs_forward_unused; /* without CUDA the real files (with their stubs) are built in */
#endif
