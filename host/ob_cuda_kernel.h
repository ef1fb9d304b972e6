/* ob_cuda_kernel.h — the one include of every kernels/NAME.cu.
 *
 * A .cu file is compiled twice: by nvcc for the `cuda` backend, and as host C++
 * under the emulation shim (host/emu/cuda_emu.h, OB_CUDA_EMU defined) for the
 * `cuda-emu` backend that tests run on machines without a GPU. This header hides
 * the difference:
 *
 *   OB_GPU_FN(ob_resize)   names the launcher ob_resize_cuda or ob_resize_emu,
 *                          so both can be linked into one test binary;
 *   OB_LAUNCH(k, grid, block, smem, stream, args...)
 *                          k<<<grid, block, smem, stream>>>(args...) under nvcc,
 *                          the shim's block-by-block fiber launch otherwise;
 *   OB_DYNAMIC_SHARED(T, name)
 *                          `extern __shared__ T name[]` (dynamic shared memory);
 *   OB_CHECK_LAUNCH(k)     cudaGetLastError() after the launch, as ob_status.
 *
 * Launchers are `extern "C"`, take device pointers (host pointers under the
 * shim) and a `const ob_launch_cfg *` (ob_launch.h), and return ob_status.
 */
#ifndef OB_CUDA_KERNEL_H
#define OB_CUDA_KERNEL_H

#ifdef OB_CUDA_EMU
#include "emu/cuda_emu.h"
#define OB_GPU_FN(name) name##_emu
#define OB_LAUNCH(k, grid, block, smem, stream, ...) \
    ob_emu_launch(#k, (const void *)(k), dim3(grid), dim3(block), (size_t)(smem), [=]() { k(__VA_ARGS__); })
#define OB_DYNAMIC_SHARED(T, name) T *name = (T *)ob_emu_dynamic_shared()
#else
#include <cuda_runtime.h>
#define OB_GPU_FN(name) name##_cuda
#define OB_LAUNCH(k, grid, block, smem, stream, ...) \
    k<<<(grid), (block), (smem), (cudaStream_t)(stream)>>>(__VA_ARGS__)
/* One byte array for every kernel, so kernels with different element types can
 * share a translation unit (distinct `extern __shared__ T x[]` types clash). */
#define OB_DYNAMIC_SHARED(T, name)                       \
    extern __shared__ __align__(16) unsigned char ob_dynamic_smem_[]; \
    T *name = reinterpret_cast<T *>(ob_dynamic_smem_)
#endif

#include "ob_cuda_check.h"
#include "ob_launch.h"
#include "ob_status.h"

#define OB_CHECK_LAUNCH(k) OB_CUDA_CHECK_LAUNCH(#k)

/* A launcher's assumption about its block shape, as an ob_status. */
#define OB_REQUIRE_BLOCK(cond, what) \
    OB_REQUIRE((cond), "launch configuration: %s", (what))

#endif
