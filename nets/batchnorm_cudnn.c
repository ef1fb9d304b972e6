/* batchnorm_cudnn.c — the cuda path of batchnorm.c: cuDNN spatial batch norm.
 * cuDNN's training forward updates the running mean and variance with
 * exponentialAverageFactor = momentum and the UNBIASED batch variance (PyTorch
 * relies on the same), and saves the batch mean and 1/sqrt(var + eps) for the
 * backward, whose parameter gradients are accumulated (betaParamDiff = 1), as
 * the layer contract asks. cuDNN has no eval-mode backward; it is assembled
 * from two calls: the parameter gradients from cuDNN's backward given the
 * running statistics as the "saved" ones (sum g and sum g x_hat do not care
 * which statistics x_hat used), and the input gradient g * weight * invstd per
 * channel by cudnnOpTensor with a broadcast (1, C, 1, 1) operand. Thin by design: it cannot run without a GPU;
 * bench/gpu_check runs it where one exists. */
#include "layers_internal.h"

#ifdef OB_HAVE_CUDA
#include <cudnn.h>

#include "ob_cuda_check.h"
#include "ob_cuda_libs.h"

typedef struct {
    cudnnTensorDescriptor_t x, bn;
    cudnnOpTensorDescriptor_t op;
} bn_descs;

static void descs_free(bn_descs *d)
{
    if (d->x) cudnnDestroyTensorDescriptor(d->x);
    if (d->bn) cudnnDestroyTensorDescriptor(d->bn);
    if (d->op) cudnnDestroyOpTensorDescriptor(d->op);
}

static ob_status descs_make(bn_descs *d, const int64_t xs[4])
{
    for (int i = 0; i < 4; i++) OB_REQUIRE(xs[i] <= 0x7fffffff, "batch_norm2d (cuDNN): dimension too large");
    OB_CUDNN_CHECK(cudnnCreateTensorDescriptor(&d->x));
    OB_CUDNN_CHECK(cudnnCreateTensorDescriptor(&d->bn));
    OB_CUDNN_CHECK(cudnnSetTensor4dDescriptor(d->x, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, (int)xs[0], (int)xs[1],
                                              (int)xs[2], (int)xs[3]));
    OB_CUDNN_CHECK(cudnnDeriveBNTensorDescriptor(d->bn, d->x, CUDNN_BATCHNORM_SPATIAL));
    return OB_OK;
}

static ob_status forward_with(bn_descs *d, struct ob_ctx *ctx, float *y, const float *x, const float *w,
                              const float *b, float *rm, float *rv, float *save_mean, float *save_invstd, int training,
                              float momentum, float eps)
{
    void *h;
    OB_TRY(ob_ctx_cudnn(ctx, &h));
    const float one = 1.0f, zero = 0.0f;
    if (training)
        OB_CUDNN_CHECK(cudnnBatchNormalizationForwardTraining((cudnnHandle_t)h, CUDNN_BATCHNORM_SPATIAL, &one, &zero,
                                                              d->x, x, d->x, y, d->bn, w, b, (double)momentum, rm, rv,
                                                              (double)eps, save_mean, save_invstd));
    else
        OB_CUDNN_CHECK(cudnnBatchNormalizationForwardInference((cudnnHandle_t)h, CUDNN_BATCHNORM_SPATIAL, &one, &zero,
                                                               d->x, x, d->x, y, d->bn, w, b, rm, rv, (double)eps));
    return OB_OK;
}

/* eval_scale NULL: the training backward. Otherwise (eval) cuDNN only
 * accumulates the parameter gradients and gx = gy * eval_scale per channel. */
static ob_status backward_with(bn_descs *d, struct ob_ctx *ctx, float *gx, const float *gy, const float *x,
                               const float *w, float *gw, float *gb, const float *save_mean, const float *save_invstd,
                               const float *eval_scale, float eps)
{
    void *h;
    OB_TRY(ob_ctx_cudnn(ctx, &h));
    const float one = 1.0f, zero = 0.0f;
    OB_CUDNN_CHECK(cudnnBatchNormalizationBackward((cudnnHandle_t)h, CUDNN_BATCHNORM_SPATIAL,
                                                   eval_scale ? &zero : &one, &zero, &one, &one, d->x, x, d->x, gy,
                                                   d->x, gx, d->bn, w, gw, gb, (double)eps, save_mean, save_invstd));
    if (!eval_scale) return OB_OK;
    OB_CUDNN_CHECK(cudnnCreateOpTensorDescriptor(&d->op));
    OB_CUDNN_CHECK(cudnnSetOpTensorDescriptor(d->op, CUDNN_OP_TENSOR_MUL, CUDNN_DATA_FLOAT, CUDNN_PROPAGATE_NAN));
    OB_CUDNN_CHECK(cudnnOpTensor((cudnnHandle_t)h, d->op, &one, d->x, gy, &one, d->bn, eval_scale, &zero, d->x, gx));
    return OB_OK;
}

ob_status ob_bn_cudnn_forward(struct ob_ctx *ctx, float *y, const float *x, const int64_t xs[4], const float *weight,
                              const float *bias, float *running_mean, float *running_var, float *save_mean,
                              float *save_invstd, int training, float momentum, float eps)
{
    bn_descs d = {0};
    ob_status s = descs_make(&d, xs);
    if (s == OB_OK)
        s = forward_with(&d, ctx, y, x, weight, bias, running_mean, running_var, save_mean, save_invstd, training,
                         momentum, eps);
    descs_free(&d);
    return s;
}

ob_status ob_bn_cudnn_backward(struct ob_ctx *ctx, float *gx, const float *gy, const float *x, const int64_t xs[4],
                               const float *weight, float *gweight, float *gbias, const float *save_mean,
                               const float *save_invstd, const float *eval_scale, float eps)
{
    bn_descs d = {0};
    ob_status s = descs_make(&d, xs);
    if (s == OB_OK)
        s = backward_with(&d, ctx, gx, gy, x, weight, gweight, gbias, save_mean, save_invstd, eval_scale, eps);
    descs_free(&d);
    return s;
}

#else

ob_status ob_bn_cudnn_forward(struct ob_ctx *ctx, float *y, const float *x, const int64_t xs[4], const float *weight,
                              const float *bias, float *running_mean, float *running_var, float *save_mean,
                              float *save_invstd, int training, float momentum, float eps)
{
    return OB_FAIL(OB_ERR_UNSUPPORTED, "batch_norm2d on cuda: this obscura was built without CUDA");
}

ob_status ob_bn_cudnn_backward(struct ob_ctx *ctx, float *gx, const float *gy, const float *x, const int64_t xs[4],
                               const float *weight, float *gweight, float *gbias, const float *save_mean,
                               const float *save_invstd, const float *eval_scale, float eps)
{
    return OB_FAIL(OB_ERR_UNSUPPORTED, "batch_norm2d on cuda: this obscura was built without CUDA");
}

#endif
