/* step_graph.c — ob_step_graph.h. */
#include "ob_step_graph.h"

#include <stdio.h>
#include <string.h>

#include "ob_alloc_stats.h"
#include "ob_log.h"

void ob_step_graphs_init(ob_step_graphs *g, const ob_ctx *ctx, int enabled)
{
    memset(g, 0, sizeof *g);
    g->enabled = enabled && ob_ctx_backend(ctx) == OB_BACKEND_CUDA;
    snprintf(g->why_off, sizeof g->why_off, "%s",
             g->enabled ? "" : enabled ? "the cpu backend runs every step eagerly" : "CUDA graphs are turned off");
}

static const ob_graph_ops cudart_ops = {ob_graph_begin, ob_graph_end, ob_graph_launch, ob_graph_destroy};

static const ob_graph_ops *ops(const ob_step_graphs *g) { return g->ops ? g->ops : &cudart_ops; }

static void drop(const ob_step_graphs *g, ob_step_graph_slot *s)
{
    /* an executable graph still running is freed when it completes (cudart) */
    ops(g)->destroy(&s->g);
    s->valid = 0;
}

static int same_key(const ob_step_key *a, const ob_step_key *b) { return memcmp(a, b, sizeof *a) == 0; }

/* Captures hooks->step into s and launches it; on a capture failure the
 * host state is restored and *fallback set (the caller runs it eagerly). */
static ob_status capture(ob_step_graphs *g, ob_step_graph_slot *s, ob_ctx *ctx, const ob_step_key *key,
                         const ob_step_scalars *scalars, const ob_step_hooks *h, int *fallback)
{
    ob_stream st = ob_ctx_stream(ctx);
    *fallback = 0;
    if (h->save) h->save(h->user);
    ob_status began = ops(g)->begin(st);
    ob_status ran = OB_OK, ended = OB_OK;
    char why[200] = "";
    if (began == OB_OK) {
        ob_ctx_set_step_scalars(ctx, scalars);
        ran = h->step(h->user, ctx);
        if (ran != OB_OK) snprintf(why, sizeof why, "%s", ob_last_error());
        ob_ctx_set_step_scalars(ctx, NULL);
        ended = ops(g)->end(&s->g, st); /* always: it takes the stream out of capture */
        if (ended != OB_OK && !why[0]) snprintf(why, sizeof why, "%s", ob_last_error());
    } else {
        snprintf(why, sizeof why, "%s", ob_last_error());
    }
    if (began != OB_OK || ran != OB_OK || ended != OB_OK) {
        ops(g)->destroy(&s->g);
        if (h->restore) h->restore(h->user);
        g->enabled = 0;
        snprintf(g->why_off, sizeof g->why_off, "capturing the training step failed (%s)", why);
        ob_log_verbose("CUDA graphs off: %s", g->why_off);
        *fallback = 1;
        return OB_OK;
    }
    s->key = *key, s->allocs = ob_alloc_count(), s->valid = 1;
    g->captured++;
    return ops(g)->launch(&s->g, st);
}

ob_status ob_step_graphs_run(ob_step_graphs *g, ob_ctx *ctx, int slot, const ob_step_key *key,
                             const ob_step_scalars *scalars, const ob_step_hooks *h)
{
    OB_REQUIRE(slot >= 0 && slot < OB_UPLOAD_SLOTS, "step graph: slot %d", slot);
    ob_step_graph_slot *s = &g->slot[slot];
    const uint64_t before = ob_alloc_count();
    if (s->valid && (!same_key(&s->key, key) || s->allocs != before)) drop(g, s);
    if (g->enabled && s->valid) {
        OB_TRY(ops(g)->launch(&s->g, ob_ctx_stream(ctx)));
        if (h->advance) h->advance(h->user);
        g->replayed++;
        g->last_clean = 1, g->last_key = *key, g->last_allocs = before;
        return OB_OK;
    }
    /* capture only what an eager step just ran without allocating, with
     * nothing allocated since: a capture must not allocate */
    if (g->enabled && g->last_clean && same_key(&g->last_key, key) && g->last_allocs == before) {
        int fallback;
        OB_TRY(capture(g, s, ctx, key, scalars, h, &fallback));
        if (!fallback) {
            g->last_clean = 1, g->last_key = *key, g->last_allocs = ob_alloc_count();
            return OB_OK;
        }
    }
    OB_TRY(h->step(h->user, ctx));
    g->eager++;
    g->last_allocs = ob_alloc_count();
    g->last_clean = g->last_allocs == before, g->last_key = *key;
    return OB_OK;
}

void ob_step_graphs_release(ob_step_graphs *g)
{
    for (int i = 0; i < OB_UPLOAD_SLOTS; i++) drop(g, &g->slot[i]);
}
