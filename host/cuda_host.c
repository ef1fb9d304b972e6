/* cuda_host.c — ob_cuda_host.h over the CUDA runtime API (C-compatible header),
 * or failing stubs when CUDA is not compiled in. */
#include "ob_cuda_host.h"

#include <stdio.h>
#include <string.h>

#ifdef OB_HAVE_CUDA
#include <cuda_runtime_api.h>

#include "ob_cuda_check.h"

int ob_cuda_compiled(void) { return 1; }

int ob_cuda_device_count(char *why, size_t why_len)
{
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) {
        if (why) snprintf(why, why_len, "%s: %s", cudaGetErrorName(e), cudaGetErrorString(e));
        (void)cudaGetLastError(); /* discovery errors are not sticky: clear it */
        return 0;
    }
    if (n == 0 && why) snprintf(why, why_len, "no CUDA device");
    return n;
}

ob_status ob_cuda_device_info(char *name, size_t name_len, size_t *total_mem)
{
    struct cudaDeviceProp p;
    OB_CUDA_CHECK(cudaGetDeviceProperties(&p, 0));
    if (name) snprintf(name, name_len, "%s", p.name);
    if (total_mem) *total_mem = p.totalGlobalMem;
    return OB_OK;
}

ob_status ob_device_malloc(void **ptr, size_t bytes)
{
    OB_CUDA_CHECK(cudaMalloc(ptr, bytes));
    return OB_OK;
}

void ob_device_free(void *ptr) { (void)cudaFree(ptr); }

ob_status ob_device_memset(void *ptr, int value, size_t bytes)
{
    OB_CUDA_CHECK(cudaMemset(ptr, value, bytes));
    return OB_OK;
}

ob_status ob_device_memcpy(void *dst, ob_location dst_loc, const void *src, ob_location src_loc, size_t bytes)
{
    enum cudaMemcpyKind kind = dst_loc == OB_DEVICE ? (src_loc == OB_DEVICE ? cudaMemcpyDeviceToDevice : cudaMemcpyHostToDevice)
                                                    : (src_loc == OB_DEVICE ? cudaMemcpyDeviceToHost : cudaMemcpyHostToHost);
    OB_CUDA_CHECK(cudaMemcpy(dst, src, bytes, kind));
    return OB_OK;
}

ob_status ob_stream_create(ob_stream *s)
{
    cudaStream_t st;
    /* A blocking stream, on purpose: plain cudaMemcpy / cudaMemset (ob_tensor_copy,
     * ob_device_memcpy) run on the legacy default stream, which is ordered with
     * blocking streams but not with non-blocking ones. With this flag a copy after
     * a kernel on the context's stream sees its results, and a kernel after an
     * upload sees the data, without every caller remembering to synchronise. */
    OB_CUDA_CHECK(cudaStreamCreateWithFlags(&st, cudaStreamDefault));
    *s = (ob_stream)st;
    return OB_OK;
}

void ob_stream_destroy(ob_stream s)
{
    if (s) (void)cudaStreamDestroy((cudaStream_t)s);
}

ob_status ob_stream_sync(ob_stream s)
{
    OB_CUDA_CHECK(cudaStreamSynchronize((cudaStream_t)s));
    return OB_OK;
}

#else /* !OB_HAVE_CUDA */

#define NO_CUDA() OB_FAIL(OB_ERR_UNSUPPORTED, "this obscura was built without CUDA")

int ob_cuda_compiled(void) { return 0; }

int ob_cuda_device_count(char *why, size_t why_len)
{
    if (why) snprintf(why, why_len, "built without CUDA");
    return 0;
}

ob_status ob_cuda_device_info(char *name, size_t name_len, size_t *total_mem) { return NO_CUDA(); }
ob_status ob_device_malloc(void **ptr, size_t bytes) { return NO_CUDA(); }
void ob_device_free(void *ptr) { (void)ptr; }
ob_status ob_device_memset(void *ptr, int value, size_t bytes) { return NO_CUDA(); }
ob_status ob_device_memcpy(void *dst, ob_location dst_loc, const void *src, ob_location src_loc, size_t bytes)
{
    return NO_CUDA();
}
ob_status ob_stream_create(ob_stream *s)
{
    *s = NULL;
    return NO_CUDA();
}
void ob_stream_destroy(ob_stream s) { (void)s; }
ob_status ob_stream_sync(ob_stream s) { return NO_CUDA(); }

#endif
