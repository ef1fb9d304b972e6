/* launch_scratch.cuh — device and host scratch for a GPU launcher (included
 * from .cu files only; builds under nvcc and cuda-emu).
 *
 *   ob_scratch_get(s, cfg, dev_bytes, host_bytes, what)
 *        s->dev <- dev_bytes of device memory, s->host <- host_bytes of host
 *        memory (either may be 0). With a workspace in cfg (a context's
 *        launch configuration, ob_workspace.h) both come from it: device
 *        scratch and pinned host memory kept between calls, so a warmed-up
 *        call allocates nothing. Without one they are allocated here and
 *        ob_scratch_put frees them. The launcher owns them until it returns;
 *        it must not call another launcher that takes scratch meanwhile.
 *   ob_scratch_put(s)   frees what ob_scratch_get allocated (every path).
 *   ob_scratch_read(host, dev, bytes, stream, kernel)
 *        the launch status of `kernel`, then dev -> host on `stream`
 *        (complete on return).
 */
#ifndef OB_LAUNCH_SCRATCH_CUH
#define OB_LAUNCH_SCRATCH_CUH

#include <stdlib.h>

#include "ob_cuda_kernel.h"
#include "ob_workspace.h"

typedef struct {
    void *dev, *host;
    int owned; /* 1: allocated by ob_scratch_get, freed by ob_scratch_put */
} ob_launch_scratch;

static inline void ob_scratch_put(ob_launch_scratch *s)
{
    if (s->owned) {
        if (s->dev) (void)cudaFree(s->dev);
        free(s->host);
    }
    s->dev = s->host = NULL, s->owned = 0;
}

static inline ob_status ob_scratch_get(ob_launch_scratch *s, const ob_launch_cfg *cfg, size_t dev_bytes,
                                       size_t host_bytes, const char *what)
{
    s->dev = s->host = NULL;
    ob_workspace *ws = ob_cfg_ws(cfg);
    s->owned = ws == NULL;
    if (ws) {
        if (dev_bytes) OB_TRY(ob_workspace_dev(ws, &s->dev, dev_bytes, what));
        if (host_bytes) OB_TRY(ob_workspace_pinned(ws, &s->host, host_bytes, what));
        return OB_OK;
    }
    if (host_bytes && !(s->host = malloc(host_bytes)))
        return OB_FAIL(OB_ERR_NOMEM, "%s: no memory for %zu bytes of host scratch", what, host_bytes);
    if (dev_bytes) {
        const cudaError_t e = cudaMalloc(&s->dev, dev_bytes);
        if (e != cudaSuccess) {
            s->dev = NULL;
            ob_scratch_put(s);
            return OB_FAIL(OB_ERR_CUDA, "%s: cudaMalloc of %zu bytes failed: %s", what, dev_bytes,
                           cudaGetErrorString(e));
        }
    }
    return OB_OK;
}

static inline ob_status ob_scratch_read(void *host, const void *dev, size_t bytes, ob_stream stream,
                                        const char *kernel)
{
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess)
        return OB_FAIL(OB_ERR_CUDA, "launch of %s failed: %s: %s", kernel, cudaGetErrorName(e), cudaGetErrorString(e));
    e = cudaMemcpyAsync(host, dev, bytes, cudaMemcpyDeviceToHost, (cudaStream_t)stream);
    if (e == cudaSuccess) e = cudaStreamSynchronize((cudaStream_t)stream);
    if (e != cudaSuccess)
        return OB_FAIL(OB_ERR_CUDA, "%s: reading back %zu bytes failed: %s: %s", kernel, bytes, cudaGetErrorName(e),
                       cudaGetErrorString(e));
    return OB_OK;
}

#endif
