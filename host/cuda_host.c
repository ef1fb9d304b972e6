/* cuda_host.c — ob_cuda_host.h over the CUDA runtime API (C-compatible header),
 * or failing stubs when CUDA is not compiled in. */
#include "ob_cuda_host.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_alloc_stats.h"

#ifndef OB_CUDA_ARCHS
#define OB_CUDA_ARCHS ""
#endif

const char *ob_cuda_archs(void) { return OB_CUDA_ARCHS; }

const char *ob_cuda_version_str(char *buf, size_t n, int v)
{
    if (v <= 0) snprintf(buf, n, "none");
    else snprintf(buf, n, "%d.%d", v / 1000, (v % 1000) / 10);
    return buf;
}

/* 1 when the fatbin (OB_CUDA_ARCHS: CMake's list, "80", "90-real", "90a",
 * "100-virtual") has code for compute capability cc = 10 * major + minor:
 * a real architecture of the same major no newer than cc (binary compatible),
 * an arch-specific one ("90a") only for exactly cc, or PTX no newer than cc,
 * which the driver JIT-compiles. */
static int archs_cover(const char *archs, int cc)
{
    const char *p = archs;
    while (*p) {
        while (*p && !isdigit((unsigned char)*p)) p++;
        if (!*p) break;
        int a = (int)strtol(p, (char **)&p, 10);
        const int specific = *p == 'a' || *p == 'f';
        while (*p && *p != ';' && *p != ',' && *p != '-') p++;
        int real = 1, virt = 1;
        if (*p == '-') {
            real = strncmp(p, "-real", 5) == 0, virt = strncmp(p, "-virtual", 8) == 0;
            while (*p && *p != ';' && *p != ',') p++;
        }
        if (specific) {
            if (a == cc) return 1;
            continue;
        }
        if (real && a / 10 == cc / 10 && a <= cc) return 1;
        if (virt && a <= cc) return 1;
    }
    return 0;
}

#ifdef OB_HAVE_CUDA
#include <cuda_runtime_api.h>

#include "ob_cuda_check.h"

int ob_cuda_probe_kernel(char *why, size_t why_len); /* cuda_probe.cu */

int ob_cuda_compiled(void) { return 1; }

int ob_cuda_device_count(char *why, size_t why_len)
{
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) {
        int driver = 0, runtime = 0;
        ob_cuda_versions(&driver, &runtime);
        char d[16], r[16];
        if (why && e == cudaErrorInsufficientDriver && driver > 0)
            snprintf(why, why_len, "%s: the driver supports CUDA %s but this binary's runtime is CUDA %s (update the "
                     "NVIDIA driver)", cudaGetErrorName(e), ob_cuda_version_str(d, sizeof d, driver),
                     ob_cuda_version_str(r, sizeof r, runtime));
        else if (why)
            snprintf(why, why_len, "%s: %s", cudaGetErrorName(e), cudaGetErrorString(e));
        (void)cudaGetLastError(); /* discovery errors are not sticky: clear it */
        return 0;
    }
    if (n == 0 && why) snprintf(why, why_len, "no CUDA device");
    return n;
}

int ob_cuda_usable(char *why, size_t why_len)
{
    if (ob_cuda_device_count(why, why_len) <= 0) return 0;
    struct cudaDeviceProp p;
    cudaError_t e = cudaGetDeviceProperties(&p, 0);
    if (e != cudaSuccess) {
        snprintf(why, why_len, "cudaGetDeviceProperties: %s: %s", cudaGetErrorName(e), cudaGetErrorString(e));
        (void)cudaGetLastError();
        return 0;
    }
    const int cc = p.major * 10 + p.minor;
    if (OB_CUDA_ARCHS[0] && !archs_cover(OB_CUDA_ARCHS, cc)) {
        snprintf(why, why_len, "%s is sm_%d but this binary has code for sm {%s} only (rebuild with "
                 "-DCMAKE_CUDA_ARCHITECTURES=%d)", p.name, cc, OB_CUDA_ARCHS, cc);
        return 0;
    }
    /* the primary context is made here: a busy exclusive-process GPU, a
     * missing MIG instance or no memory for the context fail now */
    if ((e = cudaSetDevice(0)) == cudaSuccess) e = cudaFree(0);
    if (e != cudaSuccess) {
        snprintf(why, why_len, "cannot create a CUDA context on %s: %s: %s", p.name, cudaGetErrorName(e),
                 cudaGetErrorString(e));
        (void)cudaGetLastError();
        return 0;
    }
    return ob_cuda_probe_kernel(why, why_len);
}

void ob_cuda_versions(int *driver, int *runtime)
{
    int d = 0, r = 0;
    if (cudaDriverGetVersion(&d) != cudaSuccess) d = 0;
    if (cudaRuntimeGetVersion(&r) != cudaSuccess) r = 0;
    (void)cudaGetLastError();
    if (driver) *driver = d;
    if (runtime) *runtime = r;
}

ob_status ob_cuda_device_info(char *name, size_t name_len, size_t *total_mem)
{
    struct cudaDeviceProp p;
    OB_CUDA_CHECK(cudaGetDeviceProperties(&p, 0));
    if (name) snprintf(name, name_len, "%s", p.name);
    if (total_mem) *total_mem = p.totalGlobalMem;
    return OB_OK;
}

ob_status ob_cuda_device_cc(int *major, int *minor)
{
    OB_CUDA_CHECK(cudaDeviceGetAttribute(major, cudaDevAttrComputeCapabilityMajor, 0));
    OB_CUDA_CHECK(cudaDeviceGetAttribute(minor, cudaDevAttrComputeCapabilityMinor, 0));
    return OB_OK;
}

ob_status ob_device_malloc(void **ptr, size_t bytes)
{
    OB_CUDA_CHECK(cudaMalloc(ptr, bytes));
    ob_alloc_note();
    return OB_OK;
}

void ob_device_free(void *ptr) { (void)cudaFree(ptr); }

ob_status ob_host_pinned_alloc(void **ptr, size_t bytes)
{
    OB_CUDA_CHECK(cudaMallocHost(ptr, bytes));
    ob_alloc_note();
    return OB_OK;
}

void ob_host_pinned_free(void *ptr)
{
    if (ptr) (void)cudaFreeHost(ptr);
}

static enum cudaMemcpyKind kind_of(ob_location dst_loc, ob_location src_loc)
{
    return dst_loc == OB_DEVICE ? (src_loc == OB_DEVICE ? cudaMemcpyDeviceToDevice : cudaMemcpyHostToDevice)
                                : (src_loc == OB_DEVICE ? cudaMemcpyDeviceToHost : cudaMemcpyHostToHost);
}

ob_status ob_device_memset(void *ptr, int value, size_t bytes)
{
    OB_CUDA_CHECK(cudaDeviceSynchronize());
    OB_CUDA_CHECK(cudaMemset(ptr, value, bytes));
    OB_CUDA_CHECK(cudaDeviceSynchronize());
    return OB_OK;
}

ob_status ob_device_memcpy(void *dst, ob_location dst_loc, const void *src, ob_location src_loc, size_t bytes)
{
    OB_CUDA_CHECK(cudaDeviceSynchronize());
    OB_CUDA_CHECK(cudaMemcpy(dst, src, bytes, kind_of(dst_loc, src_loc)));
    OB_CUDA_CHECK(cudaDeviceSynchronize());
    return OB_OK;
}

ob_status ob_device_memset_on(ob_stream stream, void *ptr, int value, size_t bytes)
{
    OB_CUDA_CHECK(cudaMemsetAsync(ptr, value, bytes, (cudaStream_t)stream));
    return OB_OK;
}

ob_status ob_device_memcpy_async(ob_stream stream, void *dst, ob_location dst_loc, const void *src,
                                 ob_location src_loc, size_t bytes)
{
    OB_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, kind_of(dst_loc, src_loc), (cudaStream_t)stream));
    return OB_OK;
}

ob_status ob_device_memcpy_on(ob_stream stream, void *dst, ob_location dst_loc, const void *src, ob_location src_loc,
                              size_t bytes)
{
    OB_TRY(ob_device_memcpy_async(stream, dst, dst_loc, src, src_loc, bytes));
    if (dst_loc == OB_HOST) OB_CUDA_CHECK(cudaStreamSynchronize((cudaStream_t)stream));
    return OB_OK;
}

ob_status ob_stream_create(ob_stream *s)
{
    cudaStream_t st;
    /* Non-blocking: not ordered with the legacy default stream, so library
     * work elsewhere in the process cannot stall it; every copy and memset of
     * ours names this stream (see Ordering in the header). */
    OB_CUDA_CHECK(cudaStreamCreateWithFlags(&st, cudaStreamNonBlocking));
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

ob_status ob_device_sync(void)
{
    OB_CUDA_CHECK(cudaDeviceSynchronize());
    return OB_OK;
}

ob_status ob_event_create(ob_event *e)
{
    cudaEvent_t ev;
    OB_CUDA_CHECK(cudaEventCreateWithFlags(&ev, cudaEventDisableTiming));
    *e = (ob_event)ev;
    return OB_OK;
}

void ob_event_destroy(ob_event e)
{
    if (e) (void)cudaEventDestroy((cudaEvent_t)e);
}

ob_status ob_event_record(ob_event e, ob_stream s)
{
    OB_CUDA_CHECK(cudaEventRecord((cudaEvent_t)e, (cudaStream_t)s));
    return OB_OK;
}

ob_status ob_event_sync(ob_event e)
{
    OB_CUDA_CHECK(cudaEventSynchronize((cudaEvent_t)e));
    return OB_OK;
}

ob_status ob_stream_wait_event(ob_stream s, ob_event e)
{
    OB_CUDA_CHECK(cudaStreamWaitEvent((cudaStream_t)s, (cudaEvent_t)e, 0));
    return OB_OK;
}

ob_status ob_graph_begin(ob_stream s)
{
    OB_CUDA_CHECK(cudaStreamBeginCapture((cudaStream_t)s, cudaStreamCaptureModeThreadLocal));
    return OB_OK;
}

ob_status ob_graph_end(ob_graph *g, ob_stream s)
{
    cudaGraph_t graph = NULL;
    cudaGraphExec_t exec = NULL;
    g->graph = g->exec = NULL;
    cudaError_t e = cudaStreamEndCapture((cudaStream_t)s, &graph);
    if (e == cudaSuccess) e = cudaGraphInstantiate(&exec, graph, 0);
    if (e != cudaSuccess) {
        if (graph) (void)cudaGraphDestroy(graph);
        (void)cudaGetLastError();
        return OB_FAIL(OB_ERR_CUDA, "capturing a CUDA graph failed: %s: %s", cudaGetErrorName(e),
                       cudaGetErrorString(e));
    }
    g->graph = graph, g->exec = exec;
    return OB_OK;
}

ob_status ob_graph_launch(const ob_graph *g, ob_stream s)
{
    OB_CUDA_CHECK(cudaGraphLaunch((cudaGraphExec_t)g->exec, (cudaStream_t)s));
    return OB_OK;
}

void ob_graph_destroy(ob_graph *g)
{
    if (g->exec) (void)cudaGraphExecDestroy((cudaGraphExec_t)g->exec);
    if (g->graph) (void)cudaGraphDestroy((cudaGraph_t)g->graph);
    g->graph = g->exec = NULL;
}

#else /* !OB_HAVE_CUDA */

#define NO_CUDA() OB_FAIL(OB_ERR_UNSUPPORTED, "this obscura was built without CUDA")

int ob_cuda_compiled(void) { return 0; }

int ob_cuda_device_count(char *why, size_t why_len)
{
    if (why) snprintf(why, why_len, "built without CUDA");
    return 0;
}

int ob_cuda_usable(char *why, size_t why_len) { return ob_cuda_device_count(why, why_len); }

void ob_cuda_versions(int *driver, int *runtime)
{
    if (driver) *driver = 0;
    if (runtime) *runtime = 0;
}

ob_status ob_cuda_device_info(char *name, size_t name_len, size_t *total_mem) { return NO_CUDA(); }
ob_status ob_cuda_device_cc(int *major, int *minor) { return NO_CUDA(); }
ob_status ob_device_malloc(void **ptr, size_t bytes) { return NO_CUDA(); }
void ob_device_free(void *ptr) { (void)ptr; }
ob_status ob_host_pinned_alloc(void **ptr, size_t bytes) { return NO_CUDA(); }
void ob_host_pinned_free(void *ptr) { (void)ptr; }
ob_status ob_device_memset(void *ptr, int value, size_t bytes) { return NO_CUDA(); }
ob_status ob_device_memcpy(void *dst, ob_location dst_loc, const void *src, ob_location src_loc, size_t bytes)
{
    return NO_CUDA();
}
ob_status ob_device_memset_on(ob_stream stream, void *ptr, int value, size_t bytes) { return NO_CUDA(); }
ob_status ob_device_memcpy_on(ob_stream stream, void *dst, ob_location dst_loc, const void *src, ob_location src_loc,
                              size_t bytes)
{
    return NO_CUDA();
}
ob_status ob_device_memcpy_async(ob_stream stream, void *dst, ob_location dst_loc, const void *src,
                                 ob_location src_loc, size_t bytes)
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
ob_status ob_device_sync(void) { return NO_CUDA(); }
ob_status ob_event_create(ob_event *e)
{
    *e = NULL;
    return NO_CUDA();
}
void ob_event_destroy(ob_event e) { (void)e; }
ob_status ob_event_record(ob_event e, ob_stream s) { return NO_CUDA(); }
ob_status ob_event_sync(ob_event e) { return NO_CUDA(); }
ob_status ob_stream_wait_event(ob_stream s, ob_event e) { return NO_CUDA(); }
ob_status ob_graph_begin(ob_stream s) { return NO_CUDA(); }
ob_status ob_graph_end(ob_graph *g, ob_stream s)
{
    g->graph = g->exec = NULL;
    return NO_CUDA();
}
ob_status ob_graph_launch(const ob_graph *g, ob_stream s) { return NO_CUDA(); }
void ob_graph_destroy(ob_graph *g) { g->graph = g->exec = NULL; }

#endif

/* For tests: the fatbin rule without a GPU. */
int ob_cuda_archs_cover(const char *archs, int cc) { return archs_cover(archs, cc); }
