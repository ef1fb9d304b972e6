/* cuda_libs.c — lazy cuBLAS / cuDNN / cuSOLVER handles bound to a context's stream. */
#include "ob_cuda_libs.h"
#include "ob_ctx.h"

#ifdef OB_HAVE_CUDA
#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>
#include <cusolverDn.h>

#include "ob_cuda_check.h"

const char *ob_cusolver_status_name(int status)
{
    switch ((cusolverStatus_t)status) {
    case CUSOLVER_STATUS_SUCCESS: return "success";
    case CUSOLVER_STATUS_NOT_INITIALIZED: return "not initialized";
    case CUSOLVER_STATUS_ALLOC_FAILED: return "allocation failed";
    case CUSOLVER_STATUS_INVALID_VALUE: return "invalid value";
    case CUSOLVER_STATUS_ARCH_MISMATCH: return "architecture mismatch";
    case CUSOLVER_STATUS_EXECUTION_FAILED: return "execution failed";
    case CUSOLVER_STATUS_INTERNAL_ERROR: return "internal error";
    case CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED: return "matrix type not supported";
    case CUSOLVER_STATUS_NOT_SUPPORTED: return "not supported";
    default: return "unknown cuSOLVER status";
    }
}

ob_status ob_ctx_cublas(struct ob_ctx *ctx, void **handle)
{
    ob_cuda_libs *l = ob_ctx_cuda_libs(ctx);
    if (!l->cublas) {
        cublasHandle_t h;
        OB_CUBLAS_CHECK(cublasCreate(&h));
        l->cublas = h;
        OB_CUBLAS_CHECK(cublasSetStream(h, (cudaStream_t)ob_ctx_stream(ctx)));
    }
    *handle = l->cublas;
    return OB_OK;
}

ob_status ob_ctx_cudnn(struct ob_ctx *ctx, void **handle)
{
    ob_cuda_libs *l = ob_ctx_cuda_libs(ctx);
    if (!l->cudnn) {
        cudnnHandle_t h;
        OB_CUDNN_CHECK(cudnnCreate(&h));
        l->cudnn = h;
        OB_CUDNN_CHECK(cudnnSetStream(h, (cudaStream_t)ob_ctx_stream(ctx)));
    }
    *handle = l->cudnn;
    return OB_OK;
}

ob_status ob_ctx_cusolver(struct ob_ctx *ctx, void **handle)
{
    ob_cuda_libs *l = ob_ctx_cuda_libs(ctx);
    if (!l->cusolver) {
        cusolverDnHandle_t h;
        OB_CUSOLVER_CHECK(cusolverDnCreate(&h));
        l->cusolver = h;
        OB_CUSOLVER_CHECK(cusolverDnSetStream(h, (cudaStream_t)ob_ctx_stream(ctx)));
    }
    *handle = l->cusolver;
    return OB_OK;
}

void ob_cuda_libs_release(ob_cuda_libs *l)
{
    if (l->cublas) cublasDestroy((cublasHandle_t)l->cublas);
    if (l->cudnn) cudnnDestroy((cudnnHandle_t)l->cudnn);
    if (l->cusolver) cusolverDnDestroy((cusolverDnHandle_t)l->cusolver);
    l->cublas = l->cudnn = l->cusolver = 0;
}

#else

static ob_status no_cuda(void) { return OB_FAIL(OB_ERR_UNSUPPORTED, "this obscura was built without CUDA"); }
ob_status ob_ctx_cublas(struct ob_ctx *ctx, void **handle) { return no_cuda(); }
ob_status ob_ctx_cudnn(struct ob_ctx *ctx, void **handle) { return no_cuda(); }
ob_status ob_ctx_cusolver(struct ob_ctx *ctx, void **handle) { return no_cuda(); }
void ob_cuda_libs_release(ob_cuda_libs *l) { (void)l; }

#endif
