/* ob_step_graph.h — a training step captured once as a CUDA graph and
 * replayed while its shapes and buffers stay the same.
 *
 * Contract
 *   The caller's hooks.step queues one whole step on the context's stream
 *   (forward, loss into the running loss, zero_grad, backward, optimiser
 *   step) with the same calls it makes eagerly. ob_step_graphs_run runs one
 *   step in one of three ways:
 *     replay   graph[slot] was captured for this key and no obscura
 *              allocation happened since (ob_alloc_count: every address a
 *              graph bakes in — activations, workspace, upload slots — comes
 *              from an allocation, so an unchanged count means none moved):
 *              the graph is launched; hooks.step is NOT called, so the caller
 *              then applies the step's host bookkeeping (hooks.advance: the
 *              optimiser's step count, dropout counters).
 *     capture  the previous step ran with the same key and allocated nothing,
 *              and nothing was allocated since (everything the step needs
 *              exists, so the capture allocates nothing): hooks.step runs under
 *              stream capture with the context's step scalars set to
 *              `scalars` (ob_launch.h: per-step values read from device
 *              memory, refilled by the caller before every step), the graph
 *              is instantiated and launched. If capturing fails (a call in
 *              the step that cannot be captured, e.g. a synchronising copy),
 *              hooks.restore undoes the host bookkeeping the captured run
 *              did, the step runs eagerly, and graphs stay off for this
 *              object (why_off says why).
 *     eager    otherwise: hooks.step runs as is (first steps, a new shape
 *              such as a short last batch, after an allocation).
 *   `slot` names the upload slot the step's inputs are in (a graph reads
 *   fixed addresses: one graph per slot, ob_upload_ring.h). The key is the
 *   caller's description of the shapes (compared bytewise).
 *   Graphs are only tried on the cuda backend and when `enabled`; on the cpu
 *   backend every step is eager. Counters say how each step ran. ops
 *   (NULL: cudart) lets a test stand in for the graph calls.
 *
 * Errors: hooks.step's own; OB_ERR_CUDA from a graph launch.
 */
#ifndef OB_STEP_GRAPH_H
#define OB_STEP_GRAPH_H

#include <stdint.h>

#include "ob_ctx.h"
#include "ob_upload_ring.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int64_t v[12];
} ob_step_key;

typedef struct {
    ob_status (*step)(void *user, ob_ctx *ctx);
    void (*advance)(void *user); /* the host side of a replayed step */
    void (*save)(void *user);    /* before a capture: remember the host state */
    void (*restore)(void *user); /* after a failed capture: put it back */
    void *user;
} ob_step_hooks;

typedef struct {
    ob_graph g;
    ob_step_key key;
    uint64_t allocs; /* ob_alloc_count() when captured */
    int valid;
} ob_step_graph_slot;

/* How graphs are made and run: cudart's (ob_cuda_host.h) unless a test puts
 * its own here to check the choices above without a GPU. */
typedef struct {
    ob_status (*begin)(ob_stream s);
    ob_status (*end)(ob_graph *g, ob_stream s);
    ob_status (*launch)(const ob_graph *g, ob_stream s);
    void (*destroy)(ob_graph *g);
} ob_graph_ops;

typedef struct {
    ob_step_graph_slot slot[OB_UPLOAD_SLOTS];
    const ob_graph_ops *ops; /* NULL: cudart */
    int enabled;
    int last_clean; /* the previous step ran with last_key and allocated nothing */
    ob_step_key last_key;
    uint64_t last_allocs; /* ob_alloc_count() after it */
    char why_off[256];
    long long eager, captured, replayed;
} ob_step_graphs;

/* enabled = 0, or a cpu context: every step eager. */
void ob_step_graphs_init(ob_step_graphs *g, const ob_ctx *ctx, int enabled);
ob_status ob_step_graphs_run(ob_step_graphs *g, ob_ctx *ctx, int slot, const ob_step_key *key,
                             const ob_step_scalars *scalars, const ob_step_hooks *hooks);
void ob_step_graphs_release(ob_step_graphs *g);

#ifdef __cplusplus
}
#endif
#endif
