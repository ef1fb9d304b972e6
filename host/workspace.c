/* workspace.c — ob_workspace.h. */
#include "ob_workspace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_alloc_stats.h"
#include "ob_cuda_host.h"

void ob_workspace_init_device(ob_workspace *ws, void *stream)
{
    memset(ws, 0, sizeof *ws);
    ws->on_device = 1, ws->sync_stream = stream;
}

void ob_workspace_init_host(ob_workspace *ws) { memset(ws, 0, sizeof *ws); }

static ob_status alloc_dev(const ob_workspace *ws, void **p, size_t bytes)
{
    if (ws->on_device) return ob_device_malloc(p, bytes);
    *p = malloc(bytes);
    if (!*p) return OB_FAIL(OB_ERR_NOMEM, "no memory for %zu bytes", bytes);
    ob_alloc_note();
    return OB_OK;
}

static ob_status alloc_pinned(const ob_workspace *ws, void **p, size_t bytes)
{
    if (ws->on_device) return ob_host_pinned_alloc(p, bytes);
    return alloc_dev(ws, p, bytes);
}

static void free_dev(const ob_workspace *ws, void *p)
{
    if (!p) return;
    if (ws->on_device) ob_device_free(p);
    else free(p);
}

static void free_pinned(const ob_workspace *ws, void *p)
{
    if (!p) return;
    if (ws->on_device) ob_host_pinned_free(p);
    else free(p);
}

/* Before a buffer goes: nothing queued may still use it. */
static void drain(const ob_workspace *ws)
{
    if (ws->on_device) (void)ob_stream_sync(ws->sync_stream);
}

static ob_status grow_failed(ob_status s, const char *what, const char *kind, size_t bytes)
{
    char why[512];
    snprintf(why, sizeof why, "%s", ob_last_error());
    return OB_FAIL(s, "%s: no %s scratch of %zu bytes (%s)", what, kind, bytes, why);
}

ob_status ob_workspace_dev(ob_workspace *ws, void **p, size_t bytes, const char *what)
{
    if (bytes == 0) bytes = 1;
    if (bytes > ws->dev_bytes) {
        drain(ws);
        free_dev(ws, ws->dev);
        ws->dev = NULL, ws->dev_bytes = 0;
        const size_t grown = bytes + bytes / 4; /* some headroom: sizes creep up */
        ob_status s = alloc_dev(ws, &ws->dev, grown);
        if (s != OB_OK) return grow_failed(s, what, "device", grown);
        ws->dev_bytes = grown;
    }
    *p = ws->dev;
    return OB_OK;
}

ob_status ob_workspace_pinned(ob_workspace *ws, void **p, size_t bytes, const char *what)
{
    if (bytes == 0) bytes = 1;
    if (bytes > ws->pinned_bytes) {
        drain(ws);
        free_pinned(ws, ws->pinned);
        ws->pinned = NULL, ws->pinned_bytes = 0;
        const size_t grown = bytes + bytes / 4;
        ob_status s = alloc_pinned(ws, &ws->pinned, grown);
        if (s != OB_OK) return grow_failed(s, what, "pinned", grown);
        ws->pinned_bytes = grown;
    }
    *p = ws->pinned;
    return OB_OK;
}

ob_status ob_workspace_slots(ob_workspace *ws, double **dev, double **pinned)
{
    if (!ws->slots) {
        void *d = NULL, *h = NULL;
        OB_TRY(alloc_dev(ws, &d, OB_WS_SLOTS * sizeof(double)));
        ob_status s = alloc_pinned(ws, &h, OB_WS_SLOTS * sizeof(double));
        if (s != OB_OK) {
            free_dev(ws, d);
            return s;
        }
        ws->slots = d, ws->pinned_slots = h;
    }
    if (dev) *dev = ws->slots;
    if (pinned) *pinned = ws->pinned_slots;
    return OB_OK;
}

void ob_workspace_release(ob_workspace *ws)
{
    if (!ws) return;
    if (ws->dev || ws->pinned || ws->slots) drain(ws);
    free_dev(ws, ws->dev), free_dev(ws, ws->slots);
    free_pinned(ws, ws->pinned), free_pinned(ws, ws->pinned_slots);
    const int on = ws->on_device;
    void *st = ws->sync_stream;
    memset(ws, 0, sizeof *ws);
    ws->on_device = on, ws->sync_stream = st;
}
