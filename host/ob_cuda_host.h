/* ob_cuda_host.h — the plain-C face of the CUDA runtime that host code uses.
 *
 * Contract
 *   Device discovery, device and pinned memory, copies, streams, events and
 *   graphs — callable from C with no CUDA header in sight. Without CUDA
 *   compiled in, every call fails with OB_ERR_UNSUPPORTED (discovery reports
 *   zero devices, versions are 0).
 *
 *   Discovery. ob_cuda_device_count: any error (no driver:
 *   cudaErrorInsufficientDriver, no device, ...) means "no GPU", 0 and the
 *   reason in `why`. ob_cuda_usable goes further, as `auto` needs: device 0 is
 *   counted, its architecture is one this binary carries code for
 *   (OB_CUDA_ARCHS, the fatbin's real architectures, or newer than the newest
 *   when PTX can be JIT-compiled), its context can be created (an
 *   exclusive-process GPU in use, a missing MIG instance or an out-of-memory
 *   fail here), a kernel's attributes can be queried and the kernel runs.
 *   It returns 1, or 0 with the first failure in `why`. ob_cuda_versions
 *   gives the driver's CUDA version (0 when no driver answers) and the
 *   runtime's (this binary's cudart), as 1000 * major + 10 * minor.
 *
 *   Ordering. The context's stream is non-blocking: it is not ordered with
 *   the legacy default stream. So every copy and memset the library makes on
 *   a hot path names its stream (the _on calls: a device-to-host copy waits
 *   for the stream and is complete on return; a host-to-device one from
 *   pageable memory may reuse the source on return). The calls without a
 *   stream (ob_device_memcpy, ob_device_memset) synchronise the device
 *   before and after: correct anywhere, for setup and tests.
 *
 *   Pinned host memory (ob_host_pinned_alloc) is what asynchronous uploads
 *   need; its contents must stay untouched until the stream has passed the
 *   copy (an event tells). Allocations are counted (ob_alloc_stats.h).
 *
 *   Graphs: ob_graph_begin starts capturing the work queued on a stream (in
 *   the thread-local mode: another thread's legacy-stream call does not break
 *   it), ob_graph_end ends it and instantiates the graph (on failure nothing
 *   is kept and the stream is usable again), ob_graph_launch replays it.
 */
#ifndef OB_CUDA_HOST_H
#define OB_CUDA_HOST_H

#include <stddef.h>

#include "ob_status.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void *ob_stream; /* a cudaStream_t; NULL is the legacy default stream */
typedef void *ob_event;  /* a cudaEvent_t */
typedef struct {
    void *graph, *exec; /* cudaGraph_t, cudaGraphExec_t */
} ob_graph;

/* 1 when this binary was built with the CUDA path. */
int ob_cuda_compiled(void);
/* Number of CUDA devices (0 on any discovery error, reason in `why`). */
int ob_cuda_device_count(char *why, size_t why_len);
/* 1 when device 0 can serve (see above), else 0 with the reason. */
int ob_cuda_usable(char *why, size_t why_len);
/* Driver and runtime CUDA versions (1000 * major + 10 * minor; 0 = none). */
void ob_cuda_versions(int *driver, int *runtime);
/* "13.0" from 13000, "none" from 0. */
const char *ob_cuda_version_str(char *buf, size_t n, int version);
/* Name, global-memory size and compute capability of device 0. */
ob_status ob_cuda_device_info(char *name, size_t name_len, size_t *total_mem);
ob_status ob_cuda_device_cc(int *major, int *minor);
/* The architectures this binary carries code for, e.g. "80;90". */
const char *ob_cuda_archs(void);
/* 1 when a fatbin of CMake architectures `archs` has code that runs on
 * compute capability cc (10 * major + minor); the rule ob_cuda_usable applies. */
int ob_cuda_archs_cover(const char *archs, int cc);

ob_status ob_device_malloc(void **ptr, size_t bytes);
void ob_device_free(void *ptr);
ob_status ob_host_pinned_alloc(void **ptr, size_t bytes);
void ob_host_pinned_free(void *ptr);
/* Device-synchronous: ordered after all earlier work, complete on return. */
ob_status ob_device_memset(void *ptr, int value, size_t bytes);
ob_status ob_device_memcpy(void *dst, ob_location dst_loc, const void *src, ob_location src_loc, size_t bytes);
/* Ordered on `stream`; see Ordering above. */
ob_status ob_device_memset_on(ob_stream stream, void *ptr, int value, size_t bytes);
ob_status ob_device_memcpy_on(ob_stream stream, void *dst, ob_location dst_loc, const void *src, ob_location src_loc,
                              size_t bytes);
/* Queued on `stream`, never waits: the caller keeps a pinned source intact
 * until the stream has passed the copy. */
ob_status ob_device_memcpy_async(ob_stream stream, void *dst, ob_location dst_loc, const void *src,
                                 ob_location src_loc, size_t bytes);

ob_status ob_stream_create(ob_stream *s);
void ob_stream_destroy(ob_stream s);
ob_status ob_stream_sync(ob_stream s);
/* Waits for every stream of the device. */
ob_status ob_device_sync(void);

ob_status ob_event_create(ob_event *e);
void ob_event_destroy(ob_event e);
ob_status ob_event_record(ob_event e, ob_stream s);
ob_status ob_event_sync(ob_event e);
/* Work queued on s after this waits for e's recorded point (no host wait). */
ob_status ob_stream_wait_event(ob_stream s, ob_event e);

ob_status ob_graph_begin(ob_stream s);
ob_status ob_graph_end(ob_graph *g, ob_stream s);
ob_status ob_graph_launch(const ob_graph *g, ob_stream s);
void ob_graph_destroy(ob_graph *g);

#ifdef __cplusplus
}
#endif
#endif
