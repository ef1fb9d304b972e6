/* ob_upload_ring.h — double-buffered host-to-device uploads that overlap the
 * step before them (a training loop's batches).
 *
 * Contract
 *   A ring of OB_UPLOAD_SLOTS slots, each a pinned host buffer and a device
 *   buffer. ob_upload_ring_push(r, parts, n, dev) packs the n host parts
 *   (each starting on a 256-byte boundary) into the next slot's pinned
 *   buffer, queues ONE cudaMemcpyAsync of the packed bytes on the ring's own
 *   copy stream, and makes the compute stream wait for it with an event (no
 *   host wait); dev[i] <- where part i lands. The caller may reuse the parts'
 *   memory on return.
 *   So batch k + 1 goes up on the copy engine while step k still computes,
 *   and the compute stream never waits on the host.
 *   Reuse is safe without the caller's help: a push first marks (an event on
 *   the compute stream) that everything queued so far — the step that read
 *   the previous slot — is the last use of that slot; reusing a slot waits on
 *   the host until its last upload has left the pinned buffer, and on the copy
 *   stream until its last use has finished. Buffers grow to the largest push
 *   seen (growing waits on the host for the slot's last use); once both slots
 *   have seen the largest size nothing is allocated.
 *   ob_upload_ring_init_device(r, compute) uses cudart and creates the copy
 *   stream and events on the first push; ob_upload_ring_init_host(r) uses
 *   the C heap and memcpy (events are no-ops): the ring's own logic, for
 *   tests without a GPU. Allocations are counted (ob_alloc_stats.h). Not
 *   thread-safe: one ring per context.
 *
 * Errors: OB_ERR_ARG (no parts, a NULL source with bytes), OB_ERR_NOMEM,
 * OB_ERR_CUDA with cudart's reason.
 */
#ifndef OB_UPLOAD_RING_H
#define OB_UPLOAD_RING_H

#include <stddef.h>

#include "ob_cuda_host.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OB_UPLOAD_SLOTS 2
#define OB_UPLOAD_ALIGN 256
#define OB_UPLOAD_MAX_PARTS 8

typedef struct {
    const void *src; /* host memory (bytes == 0: an empty part, dev[i] NULL) */
    size_t bytes;
} ob_upload_part;

typedef struct {
    void *pinned, *dev;
    size_t cap;
    ob_event uploaded; /* recorded on the copy stream after the slot's upload */
    ob_event consumed; /* recorded on the compute stream after its last use */
    int used;          /* 1: uploaded at least once (the events mean something) */
} ob_upload_slot;

typedef struct {
    ob_upload_slot slot[OB_UPLOAD_SLOTS];
    int next, last;     /* next slot to fill; the last one filled (-1: none) */
    int on_device;
    ob_stream compute, copy;
    long long pushes;   /* for tests: uploads made */
} ob_upload_ring;

void ob_upload_ring_init_device(ob_upload_ring *r, ob_stream compute);
void ob_upload_ring_init_host(ob_upload_ring *r);
ob_status ob_upload_ring_push(ob_upload_ring *r, const ob_upload_part *parts, int n, void **dev);
/* Waits for everything the ring queued, then frees it (safe on a zeroed ring). */
void ob_upload_ring_release(ob_upload_ring *r);

#ifdef __cplusplus
}
#endif
#endif
