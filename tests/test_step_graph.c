/* test_step_graph.c — the choices ob_step_graph.h makes between an eager
 * step, a capture and a replay, with stand-in graph calls (no GPU): a step
 * whose shapes repeat is captured after one clean eager step and replayed,
 * once per upload slot; a new shape or any allocation retires the graphs;
 * a failed capture restores the host state, runs the step eagerly and turns
 * graphs off with the reason. Throughout, every step's device work happens
 * exactly once and its host bookkeeping exactly once. */
#include <string.h>

#include "ob_alloc_stats.h"
#include "ob_step_graph.h"
#include "ob_test.h"

typedef struct {
    long long host, device; /* host bookkeeping done; device work done */
    long long saved;
    int allocate;           /* the next step allocates (a new buffer) */
} fake_step;

static int capturing, fail_end, captured_work, launches;

static ob_status fake_begin(ob_stream s)
{
    (void)s;
    capturing = 1, captured_work = 0;
    return OB_OK;
}

static ob_status fake_end(ob_graph *g, ob_stream s)
{
    (void)s;
    capturing = 0;
    if (fail_end) return OB_FAIL(OB_ERR_CUDA, "operation not permitted when stream is capturing");
    g->exec = (void *)(intptr_t)(captured_work + 1); /* the graph holds the step's work */
    return OB_OK;
}

static fake_step *current;

static ob_status fake_launch(const ob_graph *g, ob_stream s)
{
    (void)s;
    launches++;
    current->device += (intptr_t)g->exec - 1;
    return OB_OK;
}

static void fake_destroy(ob_graph *g) { g->exec = g->graph = NULL; }

static const ob_graph_ops fake_ops = {fake_begin, fake_end, fake_launch, fake_destroy};

static ob_status step(void *user, ob_ctx *ctx)
{
    (void)ctx;
    fake_step *f = user;
    f->host++;
    if (f->allocate) ob_alloc_note(), f->allocate = 0;
    if (capturing) captured_work++;
    else f->device++;
    return OB_OK;
}
static void advance(void *user) { ((fake_step *)user)->host++; }
static void save(void *user) { ((fake_step *)user)->saved = ((fake_step *)user)->host; }
static void restore(void *user) { ((fake_step *)user)->host = ((fake_step *)user)->saved; }

/* Runs one step of batch size n in `slot`; returns the counters' change. */
static void run(ob_step_graphs *g, ob_ctx *ctx, fake_step *f, int slot, int n, const ob_step_hooks *h,
                const char *want, int k)
{
    ob_step_key key;
    memset(&key, 0, sizeof key);
    key.v[0] = n;
    const long long e = g->eager, c = g->captured, r = g->replayed;
    OB_CHECK_OK(ob_step_graphs_run(g, ctx, slot, &key, NULL, h));
    const char *how = g->eager > e ? "eager" : g->captured > c ? "capture" : g->replayed > r ? "replay" : "?";
    OB_CHECK(strcmp(how, want) == 0, "step %d (slot %d, n %d): %s, expected %s", k, slot, n, how, want);
    OB_CHECK(f->host == k && f->device == k, "after step %d: host bookkeeping %lld, device work %lld", k, f->host,
             f->device);
}

int main(void)
{
    ob_ctx *ctx;
    if (ob_ctx_create(&ctx, OB_BACKEND_CPU, 0) != OB_OK) return 1;
    ob_step_graphs g;
    ob_step_graphs_init(&g, ctx, 1);
    OB_CHECK(!g.enabled && strstr(g.why_off, "cpu"), "the cpu backend is eager: %s", g.why_off);
    g.enabled = 1, g.ops = &fake_ops, g.why_off[0] = '\0'; /* stand-in graphs from here on */
    fake_step f = {0};
    current = &f;
    const ob_step_hooks h = {step, advance, save, restore, &f};
    int k = 0;
    f.allocate = 1;
    run(&g, ctx, &f, 0, 64, &h, "eager", ++k);   /* allocates its buffers */
    run(&g, ctx, &f, 1, 64, &h, "eager", ++k);   /* clean: everything exists */
    run(&g, ctx, &f, 0, 64, &h, "capture", ++k); /* one graph per slot */
    run(&g, ctx, &f, 1, 64, &h, "capture", ++k);
    for (int i = 0; i < 4; i++) run(&g, ctx, &f, i % 2, 64, &h, "replay", ++k);
    /* a short last batch: a new shape, reallocated buffers */
    f.allocate = 1;
    run(&g, ctx, &f, 0, 13, &h, "eager", ++k);
    /* back to full batches: slot 1's graph is stale (an allocation happened) */
    f.allocate = 1;
    run(&g, ctx, &f, 1, 64, &h, "eager", ++k);
    run(&g, ctx, &f, 0, 64, &h, "eager", ++k);
    run(&g, ctx, &f, 1, 64, &h, "capture", ++k);
    run(&g, ctx, &f, 0, 64, &h, "capture", ++k);
    run(&g, ctx, &f, 1, 64, &h, "replay", ++k);
    /* an allocation elsewhere (say an evaluation buffer) retires both graphs */
    ob_alloc_note();
    run(&g, ctx, &f, 0, 64, &h, "eager", ++k);
    run(&g, ctx, &f, 1, 64, &h, "capture", ++k);
    run(&g, ctx, &f, 0, 64, &h, "capture", ++k);
    OB_CHECK(g.enabled && g.why_off[0] == '\0', "graphs still on: '%s'", g.why_off);
    /* a capture that fails: the host state is put back, the step runs eagerly, graphs go off */
    fail_end = 1;
    ob_alloc_note();
    run(&g, ctx, &f, 1, 64, &h, "eager", ++k); /* stale graphs dropped, this step is clean */
    run(&g, ctx, &f, 0, 64, &h, "eager", ++k); /* the capture fails: eager */
    OB_CHECK(!g.enabled && strstr(g.why_off, "not permitted when stream is capturing"), "graphs off, why: %s",
             g.why_off);
    fail_end = 0;
    for (int i = 0; i < 3; i++) run(&g, ctx, &f, i % 2, 64, &h, "eager", ++k);
    OB_CHECK(g.captured == 6 && g.replayed == 5, "captured %lld, replayed %lld", g.captured, g.replayed);
    ob_step_graphs_release(&g);
    OB_CHECK(!g.slot[0].valid && !g.slot[1].valid, "release drops both graphs");
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
