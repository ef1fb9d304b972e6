/* pool_cudnn.c — the cuda path of pool.c: cuDNN 2-d pooling (max: padding never
 * wins, as PyTorch's -inf padding; average: CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING,
 * PyTorch's count_include_pad=True). The backward gets x and y and finds each
 * window's maximum again. Thin by design: it cannot run without a GPU;
 * bench/gpu_check runs it where one exists. */
#include "layers_internal.h"

#ifdef OB_HAVE_CUDA
#include <cudnn.h>

#include "ob_cuda_check.h"
#include "ob_cuda_libs.h"

typedef struct {
    cudnnPoolingDescriptor_t pool;
    cudnnTensorDescriptor_t x, y;
} pool_descs;

static void descs_free(pool_descs *d)
{
    if (d->pool) cudnnDestroyPoolingDescriptor(d->pool);
    if (d->x) cudnnDestroyTensorDescriptor(d->x);
    if (d->y) cudnnDestroyTensorDescriptor(d->y);
}

static ob_status descs_make(pool_descs *d, const int64_t xs[4], const int64_t ys[4], int max, int kh, int kw, int sh,
                            int sw, int ph, int pw)
{
    for (int i = 0; i < 4; i++)
        OB_REQUIRE(xs[i] <= 0x7fffffff && ys[i] <= 0x7fffffff, "pool (cuDNN): dimension too large");
    OB_CUDNN_CHECK(cudnnCreatePoolingDescriptor(&d->pool));
    OB_CUDNN_CHECK(cudnnCreateTensorDescriptor(&d->x));
    OB_CUDNN_CHECK(cudnnCreateTensorDescriptor(&d->y));
    OB_CUDNN_CHECK(cudnnSetPooling2dDescriptor(d->pool, max ? CUDNN_POOLING_MAX : CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING,
                                               CUDNN_PROPAGATE_NAN, kh, kw, ph, pw, sh, sw));
    OB_CUDNN_CHECK(cudnnSetTensor4dDescriptor(d->x, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, (int)xs[0], (int)xs[1],
                                              (int)xs[2], (int)xs[3]));
    OB_CUDNN_CHECK(cudnnSetTensor4dDescriptor(d->y, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, (int)ys[0], (int)ys[1],
                                              (int)ys[2], (int)ys[3]));
    return OB_OK;
}

static ob_status forward_with(pool_descs *d, struct ob_ctx *ctx, float *y, const float *x)
{
    void *h;
    OB_TRY(ob_ctx_cudnn(ctx, &h));
    const float one = 1.0f, zero = 0.0f;
    OB_CUDNN_CHECK(cudnnPoolingForward((cudnnHandle_t)h, d->pool, &one, d->x, x, &zero, d->y, y));
    return OB_OK;
}

static ob_status backward_with(pool_descs *d, struct ob_ctx *ctx, float *gx, const float *gy, const float *x,
                               const float *y)
{
    void *h;
    OB_TRY(ob_ctx_cudnn(ctx, &h));
    const float one = 1.0f, zero = 0.0f;
    OB_CUDNN_CHECK(cudnnPoolingBackward((cudnnHandle_t)h, d->pool, &one, d->y, y, d->y, gy, d->x, x, &zero, d->x, gx));
    return OB_OK;
}

ob_status ob_pool_cudnn_forward(struct ob_ctx *ctx, float *y, const float *x, const int64_t xs[4], const int64_t ys[4],
                                int max, int kh, int kw, int sh, int sw, int ph, int pw)
{
    pool_descs d = {0};
    ob_status s = descs_make(&d, xs, ys, max, kh, kw, sh, sw, ph, pw);
    if (s == OB_OK) s = forward_with(&d, ctx, y, x);
    descs_free(&d);
    return s;
}

ob_status ob_pool_cudnn_backward(struct ob_ctx *ctx, float *gx, const float *gy, const float *x, const float *y,
                                 const int64_t xs[4], const int64_t ys[4], int max, int kh, int kw, int sh, int sw,
                                 int ph, int pw)
{
    pool_descs d = {0};
    ob_status s = descs_make(&d, xs, ys, max, kh, kw, sh, sw, ph, pw);
    if (s == OB_OK) s = backward_with(&d, ctx, gx, gy, x, y);
    descs_free(&d);
    return s;
}

#else

ob_status ob_pool_cudnn_forward(struct ob_ctx *ctx, float *y, const float *x, const int64_t xs[4], const int64_t ys[4],
                                int max, int kh, int kw, int sh, int sw, int ph, int pw)
{
    return OB_FAIL(OB_ERR_UNSUPPORTED, "pooling on cuda: this obscura was built without CUDA");
}

ob_status ob_pool_cudnn_backward(struct ob_ctx *ctx, float *gx, const float *gy, const float *x, const float *y,
                                 const int64_t xs[4], const int64_t ys[4], int max, int kh, int kw, int sh, int sw,
                                 int ph, int pw)
{
    return OB_FAIL(OB_ERR_UNSUPPORTED, "pooling on cuda: this obscura was built without CUDA");
}

#endif
