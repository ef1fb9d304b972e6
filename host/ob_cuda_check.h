/* ob_cuda_check.h — CHECK macros that turn a CUDA-family failure into ob_status.
 *
 * Contract
 *   Each macro evaluates its call once; on failure it records "CALL failed:
 *   NAME: description" with file:line (ob_last_error) and returns OB_ERR_CUDA
 *   from the enclosing function, which must return ob_status. Include only from
 *   code built with CUDA (OB_HAVE_CUDA) or under the cuda-emu shim; the cuDNN,
 *   cuBLAS and cuSOLVER macros need their headers included first.
 */
#ifndef OB_CUDA_CHECK_H
#define OB_CUDA_CHECK_H

#include "ob_status.h"

#define OB_CUDA_CHECK(call)                                                                    \
    do {                                                                                       \
        cudaError_t ob_e_ = (call);                                                            \
        if (ob_e_ != cudaSuccess)                                                              \
            return OB_FAIL(OB_ERR_CUDA, "%s failed: %s: %s", #call, cudaGetErrorName(ob_e_), \
                           cudaGetErrorString(ob_e_));                                         \
    } while (0)

/* After a kernel launch: launch-configuration errors, and under cuda-emu the
 * shim's own diagnostics (barrier divergence, shared-memory overflow). */
#define OB_CUDA_CHECK_LAUNCH(kernel_name)                                                          \
    do {                                                                                           \
        cudaError_t ob_e_ = cudaGetLastError();                                                    \
        if (ob_e_ != cudaSuccess)                                                                  \
            return OB_FAIL(OB_ERR_CUDA, "launch of %s failed: %s: %s", kernel_name,               \
                           cudaGetErrorName(ob_e_), cudaGetErrorString(ob_e_));                    \
    } while (0)

#ifdef CUDNN_MAJOR
#define OB_CUDNN_CHECK(call)                                                                        \
    do {                                                                                            \
        cudnnStatus_t ob_e_ = (call);                                                               \
        if (ob_e_ != CUDNN_STATUS_SUCCESS)                                                          \
            return OB_FAIL(OB_ERR_CUDA, "%s failed: cuDNN: %s", #call, cudnnGetErrorString(ob_e_)); \
    } while (0)
#endif

#ifdef CUBLAS_VER_MAJOR
#define OB_CUBLAS_CHECK(call)                                                                         \
    do {                                                                                              \
        cublasStatus_t ob_e_ = (call);                                                                \
        if (ob_e_ != CUBLAS_STATUS_SUCCESS)                                                           \
            return OB_FAIL(OB_ERR_CUDA, "%s failed: cuBLAS: %s", #call, cublasGetStatusString(ob_e_)); \
    } while (0)
#endif

#ifdef CUSOLVER_VER_MAJOR
const char *ob_cusolver_status_name(int status); /* cuSOLVER has no string function */
#define OB_CUSOLVER_CHECK(call)                                                                             \
    do {                                                                                                    \
        cusolverStatus_t ob_e_ = (call);                                                                    \
        if (ob_e_ != CUSOLVER_STATUS_SUCCESS)                                                               \
            return OB_FAIL(OB_ERR_CUDA, "%s failed: cuSOLVER: %s", #call, ob_cusolver_status_name((int)ob_e_)); \
    } while (0)
#endif

#endif
