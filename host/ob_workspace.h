/* ob_workspace.h — the scratch a context lends its GPU launchers, so that no
 * kernel call allocates once warmed up.
 *
 * Contract
 *   A workspace holds one device buffer and one pinned host buffer, each
 *   grown on demand to the largest request seen (a larger request frees the
 *   old buffer first; contents are not kept between calls: each call owns the
 *   whole buffer for its duration, on the context's one stream), plus
 *   OB_WS_SLOTS doubles of device memory that are kept between calls (the
 *   context's running loss, ob_ctx.h) and as many pinned doubles to read them
 *   through.
 *   ob_workspace_init_device uses cudart (ob_device_malloc, ob_host_pinned_alloc);
 *   ob_workspace_init_host uses the C heap, for cuda-emu where device memory is
 *   host memory. Growth is counted (ob_alloc_stats.h) and waits for `sync`
 *   (the context's stream) before freeing, so that no queued kernel still reads
 *   the old buffer. Not thread-safe: one context per thread.
 *   Launchers reach it through ob_launch_cfg.ws; a NULL ws makes them allocate
 *   and free per call (the old behaviour, for one-off calls).
 */
#ifndef OB_WORKSPACE_H
#define OB_WORKSPACE_H

#include <stddef.h>

#include "ob_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OB_WS_SLOTS 4

typedef struct ob_workspace {
    void *dev, *pinned;
    size_t dev_bytes, pinned_bytes;
    double *slots, *pinned_slots; /* OB_WS_SLOTS each */
    int on_device;                /* 1: cudart allocators, 0: the C heap */
    void *sync_stream;            /* waited for before a buffer is freed */
} ob_workspace;

void ob_workspace_init_device(ob_workspace *ws, void *stream);
void ob_workspace_init_host(ob_workspace *ws);
/* *p <- at least `bytes` of device scratch / pinned host scratch. */
ob_status ob_workspace_dev(ob_workspace *ws, void **p, size_t bytes, const char *what);
ob_status ob_workspace_pinned(ob_workspace *ws, void **p, size_t bytes, const char *what);
/* The kept slots (allocated on first use). */
ob_status ob_workspace_slots(ob_workspace *ws, double **dev, double **pinned);
void ob_workspace_release(ob_workspace *ws);

#ifdef __cplusplus
}
#endif
#endif
