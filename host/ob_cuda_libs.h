/* ob_cuda_libs.h — cuBLAS, cuDNN and cuSOLVER handles, made on first use.
 *
 * Contract
 *   A context's handles are created the first time a layer or solver asks for
 *   them (creating a cuDNN handle costs hundreds of milliseconds, so a run that
 *   never convolves never pays it), bound to the context's stream, and released
 *   by ob_ctx_destroy. The handles are returned as void * so this header stays
 *   pure C; code that uses them casts to cublasHandle_t / cudnnHandle_t /
 *   cusolverDnHandle_t. Without CUDA every getter fails with OB_ERR_UNSUPPORTED.
 */
#ifndef OB_CUDA_LIBS_H
#define OB_CUDA_LIBS_H

#include "ob_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    void *cublas;
    void *cudnn;
    void *cusolver;
} ob_cuda_libs;

struct ob_ctx;
ob_cuda_libs *ob_ctx_cuda_libs(struct ob_ctx *ctx);

ob_status ob_ctx_cublas(struct ob_ctx *ctx, void **handle);
ob_status ob_ctx_cudnn(struct ob_ctx *ctx, void **handle);
ob_status ob_ctx_cusolver(struct ob_ctx *ctx, void **handle);
void ob_cuda_libs_release(ob_cuda_libs *libs);

#ifdef __cplusplus
}
#endif
#endif
