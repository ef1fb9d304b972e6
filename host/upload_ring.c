/* upload_ring.c — ob_upload_ring.h. */
#include "ob_upload_ring.h"

#include <stdlib.h>
#include <string.h>

#include "ob_alloc_stats.h"

void ob_upload_ring_init_device(ob_upload_ring *r, ob_stream compute)
{
    memset(r, 0, sizeof *r);
    r->on_device = 1, r->compute = compute, r->last = -1;
}

void ob_upload_ring_init_host(ob_upload_ring *r)
{
    memset(r, 0, sizeof *r);
    r->last = -1;
}

static size_t aligned(size_t bytes) { return (bytes + OB_UPLOAD_ALIGN - 1) / OB_UPLOAD_ALIGN * OB_UPLOAD_ALIGN; }

/* The copy stream and every slot's events, on the first push. */
static ob_status device_setup(ob_upload_ring *r)
{
    if (r->copy) return OB_OK;
    for (int i = 0; i < OB_UPLOAD_SLOTS; i++) {
        OB_TRY(ob_event_create(&r->slot[i].uploaded));
        OB_TRY(ob_event_create(&r->slot[i].consumed));
    }
    return ob_stream_create(&r->copy);
}

static void slot_free(const ob_upload_ring *r, ob_upload_slot *s)
{
    if (r->on_device) {
        ob_host_pinned_free(s->pinned);
        ob_device_free(s->dev);
    } else {
        free(s->pinned), free(s->dev);
    }
    s->pinned = s->dev = NULL, s->cap = 0;
}

/* Room for `bytes`; the caller has made sure the slot is idle. */
static ob_status slot_grow(const ob_upload_ring *r, ob_upload_slot *s, size_t bytes)
{
    if (bytes <= s->cap) return OB_OK;
    slot_free(r, s);
    if (r->on_device) {
        OB_TRY(ob_host_pinned_alloc(&s->pinned, bytes));
        OB_TRY(ob_device_malloc(&s->dev, bytes));
    } else {
        s->pinned = malloc(bytes), s->dev = malloc(bytes);
        if (!s->pinned || !s->dev) {
            slot_free(r, s);
            return OB_FAIL(OB_ERR_NOMEM, "upload: no memory for a %zu-byte batch buffer", bytes);
        }
        ob_alloc_note(), ob_alloc_note();
    }
    s->cap = bytes;
    return OB_OK;
}

/* Before slot s is refilled: its last upload has left the pinned buffer (host
 * wait, long done in a steady loop) and the copy stream will not overwrite the
 * device buffer before its last reader finished (queued wait). Growing frees
 * both buffers, so then the host waits for the reader too. */
static ob_status slot_wait_idle(ob_upload_ring *r, ob_upload_slot *s, size_t bytes)
{
    if (!r->on_device || !s->used) return OB_OK;
    OB_TRY(ob_event_sync(s->uploaded));
    if (bytes > s->cap) return ob_event_sync(s->consumed);
    return ob_stream_wait_event(r->copy, s->consumed);
}

ob_status ob_upload_ring_push(ob_upload_ring *r, const ob_upload_part *parts, int n, void **dev)
{
    OB_REQUIRE(n >= 1 && n <= OB_UPLOAD_MAX_PARTS, "upload: %d parts (1..%d)", n, OB_UPLOAD_MAX_PARTS);
    size_t total = 0;
    for (int i = 0; i < n; i++) {
        OB_REQUIRE(parts[i].src || parts[i].bytes == 0, "upload: part %d has no memory", i);
        total += aligned(parts[i].bytes);
    }
    if (total == 0) total = OB_UPLOAD_ALIGN;
    if (r->on_device) {
        OB_TRY(device_setup(r));
        /* everything queued on the compute stream so far is the last use of
         * the slot filled before: mark it */
        if (r->last >= 0) OB_TRY(ob_event_record(r->slot[r->last].consumed, r->compute));
    }
    ob_upload_slot *s = &r->slot[r->next];
    OB_TRY(slot_wait_idle(r, s, total));
    OB_TRY(slot_grow(r, s, total));
    size_t off = 0;
    for (int i = 0; i < n; i++) {
        if (parts[i].bytes) memcpy((char *)s->pinned + off, parts[i].src, parts[i].bytes);
        dev[i] = parts[i].bytes ? (char *)s->dev + off : NULL;
        off += aligned(parts[i].bytes);
    }
    if (r->on_device) {
        /* one copy of the packed bytes on the copy engine; the compute stream
         * waits for it, the host does not */
        if (off) OB_TRY(ob_device_memcpy_async(r->copy, s->dev, OB_DEVICE, s->pinned, OB_HOST, off));
        OB_TRY(ob_event_record(s->uploaded, r->copy));
        OB_TRY(ob_stream_wait_event(r->compute, s->uploaded));
    } else if (off) {
        memcpy(s->dev, s->pinned, off);
    }
    s->used = 1;
    r->last = r->next;
    r->next = (r->next + 1) % OB_UPLOAD_SLOTS;
    r->pushes++;
    return OB_OK;
}

void ob_upload_ring_release(ob_upload_ring *r)
{
    if (!r) return;
    if (r->on_device && r->copy) {
        (void)ob_stream_sync(r->copy);
        (void)ob_stream_sync(r->compute); /* the last readers of the device buffers */
    }
    for (int i = 0; i < OB_UPLOAD_SLOTS; i++) {
        slot_free(r, &r->slot[i]);
        ob_event_destroy(r->slot[i].uploaded), ob_event_destroy(r->slot[i].consumed);
    }
    ob_stream_destroy(r->copy);
    const int on = r->on_device;
    ob_stream compute = r->compute;
    memset(r, 0, sizeof *r);
    r->on_device = on, r->compute = compute, r->last = -1;
}
