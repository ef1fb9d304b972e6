/* model.c — sequential and DAG models over ob_layer (ob_model.h). */
#include "ob_model.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "eltwise.h"

ob_status ob_model_create(ob_model **out)
{
    *out = calloc(1, sizeof **out);
    OB_REQUIRE(*out != NULL, "model: out of memory");
    return OB_OK;
}

void ob_model_destroy(ob_model *m)
{
    if (!m) return;
    for (int i = 0; i < m->n_nodes; i++) {
        ob_model_node *n = &m->nodes[i];
        ob_layer_destroy(n->layer);
        ob_tensor_free(&n->out);
        ob_tensor_free(&n->grad);
        ob_tensor_free(&n->scratch);
    }
    if (m->allocated) ob_param_arena_free(&m->arena);
    free(m->nodes);
    free(m->layers);
    free((void *)m->prefixes);
    free(m->names);
    free(m);
}

static ob_status grow(ob_model *m)
{
    if (m->n_nodes < m->cap) return OB_OK;
    int cap = m->cap ? 2 * m->cap : 16;
    ob_model_node *nodes = realloc(m->nodes, sizeof *nodes * (size_t)cap);
    if (nodes) m->nodes = nodes;
    ob_layer **layers = realloc(m->layers, sizeof *layers * (size_t)cap);
    if (layers) m->layers = layers;
    const char **prefixes = realloc((void *)m->prefixes, sizeof *prefixes * (size_t)cap);
    if (prefixes) m->prefixes = prefixes;
    char(*names)[OB_MODEL_NAME_MAX] = realloc(m->names, sizeof *names * (size_t)cap);
    if (names) m->names = names;
    if (!nodes || !layers || !prefixes || !names) return OB_FAIL(OB_ERR_NOMEM, "model: out of memory at %d nodes", cap);
    m->cap = cap;
    /* names moved: re-point the prefixes */
    for (int i = 0; i < m->n_nodes; i++) m->prefixes[i] = m->names[i];
    return OB_OK;
}

ob_status ob_model_add_node(ob_model *m, const char *name, ob_layer *layer, const int *inputs, int n_inputs, int *id)
{
    ob_status s = OB_OK;
    if (!layer) return OB_FAIL(OB_ERR_ARG, "model: node '%s' has no layer", name ? name : "");
    if (!name) name = "";
    if (m->allocated) s = OB_FAIL(OB_ERR_ARG, "model: node '%s' added after the parameters were allocated", name);
    else if (strlen(name) + 2 > OB_MODEL_NAME_MAX)
        s = OB_FAIL(OB_ERR_ARG, "model: node name '%s' longer than %d characters", name, OB_MODEL_NAME_MAX - 2);
    else if (n_inputs < 1 || n_inputs > OB_LAYER_MAX_INPUTS)
        s = OB_FAIL(OB_ERR_ARG, "model: node '%s' (%s) has %d inputs, expected 1..%d", name, layer->ops->kind, n_inputs,
                    OB_LAYER_MAX_INPUTS);
    for (int k = 0; s == OB_OK && k < n_inputs; k++)
        if (inputs[k] != OB_MODEL_INPUT && (inputs[k] < 0 || inputs[k] >= m->n_nodes))
            s = OB_FAIL(OB_ERR_ARG,
                        "model: node '%s' (%s) input %d is node %d; only the %d nodes added before it (or the model "
                        "input) can feed it",
                        name, layer->ops->kind, k, inputs[k], m->n_nodes);
    if (s == OB_OK) s = grow(m);
    if (s != OB_OK) {
        ob_layer_destroy(layer);
        return s;
    }
    const int i = m->n_nodes++;
    ob_model_node *n = &m->nodes[i];
    memset(n, 0, sizeof *n);
    n->layer = layer;
    n->n_inputs = n_inputs;
    memcpy(n->inputs, inputs, sizeof(int) * (size_t)n_inputs);
    m->layers[i] = layer;
    snprintf(m->names[i], OB_MODEL_NAME_MAX, name[0] ? "%s." : "%s", name);
    m->prefixes[i] = m->names[i];
    if (id) *id = i;
    return OB_OK;
}

ob_status ob_model_add(ob_model *m, const char *name, ob_layer *layer)
{
    int prev = m->n_nodes - 1; /* OB_MODEL_INPUT (-1) for the first node */
    return ob_model_add_node(m, name, layer, &prev, 1, NULL);
}

/* Node i's output (and its gradient) may stay in oneDNN's blocked layout
 * (ob_tensor.h) on the CPU's dnnl path when node i and its one reader both take
 * any layout and node i is not the model's output. Everything else (the loss,
 * pixel shuffle, pooling, a second reader's add, the caller) sees plain NCHW.
 * The wiring is fixed once the parameters are allocated, so this is decided
 * then, once per node. */
static int blocked_edge(const ob_model *m, int i)
{
    if (i == m->n_nodes - 1 || !m->layers[i]->ops->blocked_ok) return 0;
    int readers = 0, ok = 1;
    for (int j = i + 1; j < m->n_nodes; j++)
        for (int k = 0; k < m->nodes[j].n_inputs; k++)
            if (m->nodes[j].inputs[k] == i) readers++, ok &= m->layers[j]->ops->blocked_ok;
    return readers == 1 && ok;
}

ob_status ob_model_alloc_params(ob_model *m, ob_location loc)
{
    OB_REQUIRE(!m->allocated, "model: parameters already allocated");
    OB_REQUIRE(m->n_nodes > 0, "model: no layers");
    OB_TRY(ob_layers_alloc_params(&m->arena, m->layers, m->n_nodes, loc));
    for (int i = 0; i < m->n_nodes; i++) m->nodes[i].blocked_edge = blocked_edge(m, i);
    m->allocated = 1;
    return OB_OK;
}

/* The node's name without the trailing dot, for messages. */
static const char *node_label(const ob_model *m, int i, char *buf, size_t n)
{
    const char *nm = m->names[i];
    size_t len = strlen(nm);
    if (len) snprintf(buf, n, "%.*s (%s)", (int)(len - 1), nm, m->layers[i]->ops->kind);
    else snprintf(buf, n, "node %d (%s)", i, m->layers[i]->ops->kind);
    return buf;
}

static const ob_tensor *node_input(const ob_model *m, int producer)
{
    return producer == OB_MODEL_INPUT ? m->input : &m->nodes[producer].out;
}

static ob_status with_node(const ob_model *m, int i, ob_status s)
{
    if (s == OB_OK) return s;
    char lbl[96], msg[1024];
    snprintf(msg, sizeof msg, "%s", ob_last_error());
    return ob_fail_at(s, __FILE__, __LINE__, "model %s: %s", node_label(m, i, lbl, sizeof lbl), msg);
}

ob_status ob_model_freeze(ob_model *m, int on)
{
    static atomic_uint generation; /* unique per freeze, process-wide: a layer never sees a stale one again */
    OB_REQUIRE(m->allocated, "model: freeze before ob_model_alloc_params");
    unsigned g = 0;
    if (on)
        while (g == 0) g = atomic_fetch_add(&generation, 1u) + 1u; /* 0 means thawed */
    m->frozen = g;
    for (int i = 0; i < m->n_nodes; i++) m->layers[i]->frozen = g;
    return OB_OK;
}

ob_status ob_model_forward(ob_model *m, ob_ctx *ctx, const ob_tensor **out, const ob_tensor *x, int training)
{
    OB_REQUIRE(m->allocated, "model: forward before ob_model_alloc_params");
    OB_REQUIRE(!training || !m->frozen, "model: a training forward while frozen (ob_model_freeze(m, 0) first)");
    OB_REQUIRE(x && x->data, "model: empty input");
    OB_REQUIRE(x->loc == ob_ctx_location(ctx), "model: input on the %s, the context computes on the %s",
               x->loc == OB_HOST ? "host" : "device", ob_ctx_location(ctx) == OB_HOST ? "host" : "device");
    m->input = x;
    const ob_location loc = ob_ctx_location(ctx);
    for (int i = 0; i < m->n_nodes; i++) {
        ob_model_node *n = &m->nodes[i];
        const ob_tensor *in[OB_LAYER_MAX_INPUTS];
        for (int k = 0; k < n->n_inputs; k++) in[k] = node_input(m, n->inputs[k]);
        int64_t shape[4];
        int ndim = 0;
        OB_TRY(with_node(m, i, n->layer->ops->shape(n->layer, shape, &ndim, in, n->n_inputs)));
        OB_TRY(ob_tensor_ensure(&n->out, OB_F32, loc, ndim, shape));
        n->out.layout = OB_LAYOUT_PLAIN;
        n->out.layout_ok = ndim == 4 && n->blocked_edge && ob_ctx_uses_dnnl(ctx);
        OB_TRY(with_node(m, i, n->layer->ops->forward(n->layer, ctx, &n->out, in, n->n_inputs, training)));
    }
    *out = &m->nodes[m->n_nodes - 1].out;
    return OB_OK;
}

/* Backward: where each input's gradient goes. dest is the accumulator (a
 * producer's grad, or grad_in for the model input); the layer writes into dest
 * when nothing is there yet, else into a scratch that is added to dest after. */
typedef struct {
    ob_tensor *dest, *write;
} grad_slot;

static ob_status plan_slot(ob_model *m, ob_location loc, grad_slot *slot, int producer, int written, int dup,
                           ob_tensor *grad_in, ob_tensor *input_scratch)
{
    slot->dest = slot->write = NULL;
    if (producer == OB_MODEL_INPUT && !grad_in) return OB_OK;
    ob_tensor *dest = producer == OB_MODEL_INPUT ? grad_in : &m->nodes[producer].grad;
    ob_tensor *scratch = producer == OB_MODEL_INPUT ? input_scratch : &m->nodes[producer].scratch;
    const ob_tensor *like = producer == OB_MODEL_INPUT ? m->input : &m->nodes[producer].out;
    OB_REQUIRE(dup < 2, "model: a node reads node %d more than twice; use more nodes", producer);
    if (producer != OB_MODEL_INPUT) {
        OB_TRY(ob_tensor_ensure(dest, OB_F32, loc, like->ndim, like->shape));
        dest->layout_ok = like->layout_ok; /* the gradient of a blocked-capable edge may be blocked too */
        if (!written) dest->layout = OB_LAYOUT_PLAIN;
    }
    slot->dest = dest;
    slot->write = dest;
    if (written || dup) {
        OB_TRY(ob_tensor_ensure(scratch, OB_F32, loc, like->ndim, like->shape));
        slot->write = scratch;
    }
    return OB_OK;
}

ob_status ob_model_backward(ob_model *m, ob_ctx *ctx, const ob_tensor *grad_out, ob_tensor *grad_in)
{
    OB_REQUIRE(m->input != NULL, "model: backward before forward");
    const ob_location loc = ob_ctx_location(ctx);
    ob_model_node *last = &m->nodes[m->n_nodes - 1];
    OB_REQUIRE(ob_tensor_numel(grad_out) == ob_tensor_numel(&last->out),
               "model: output gradient has %lld elements, the output %lld", (long long)ob_tensor_numel(grad_out),
               (long long)ob_tensor_numel(&last->out));
    if (grad_in)
        OB_REQUIRE(ob_tensor_numel(grad_in) == ob_tensor_numel(m->input) && grad_in->loc == loc,
                   "model: input gradient has %lld elements, the input %lld", (long long)ob_tensor_numel(grad_in),
                   (long long)ob_tensor_numel(m->input));
    for (int i = 0; i < m->n_nodes; i++) m->nodes[i].grad_written = 0;
    int input_written = 0;
    ob_tensor input_scratch = {0};
    ob_status s = OB_OK;
    for (int i = m->n_nodes - 1; i >= 0 && s == OB_OK; i--) {
        ob_model_node *n = &m->nodes[i];
        if (i != m->n_nodes - 1 && !n->grad_written) continue; /* does not lead to the output */
        const ob_tensor *g = i == m->n_nodes - 1 ? grad_out : &n->grad;
        const ob_tensor *in[OB_LAYER_MAX_INPUTS];
        ob_tensor *gin[OB_LAYER_MAX_INPUTS] = {0};
        grad_slot slot[OB_LAYER_MAX_INPUTS];
        for (int k = 0; k < n->n_inputs && s == OB_OK; k++) {
            const int p = n->inputs[k];
            int dup = 0;
            for (int j = 0; j < k; j++) dup += n->inputs[j] == p;
            in[k] = node_input(m, p);
            const int written = p == OB_MODEL_INPUT ? input_written : m->nodes[p].grad_written;
            s = plan_slot(m, loc, &slot[k], p, written, dup, grad_in, &input_scratch);
            gin[k] = slot[k].write;
        }
        if (s != OB_OK) break;
        s = with_node(m, i, n->layer->ops->backward(n->layer, ctx, gin, g, in, n->n_inputs, &n->out));
        for (int k = 0; k < n->n_inputs && s == OB_OK; k++) {
            if (!slot[k].dest) continue;
            if (slot[k].write != slot[k].dest) s = ob_add(ctx, slot[k].dest, slot[k].dest, slot[k].write);
            if (n->inputs[k] == OB_MODEL_INPUT) input_written = 1;
            else m->nodes[n->inputs[k]].grad_written = 1;
        }
    }
    ob_tensor_free(&input_scratch);
    return s;
}

ob_status ob_model_params(const ob_model *m, ob_model_param *out, int cap, int *n)
{
    int c = 0;
    for (int i = 0; i < m->n_nodes; i++)
        for (int k = 0; k < m->layers[i]->n_params; k++) {
            OB_REQUIRE(c < cap, "model: more than %d parameters", cap);
            ob_param *p = &m->layers[i]->params[k];
            snprintf(out[c].name, sizeof out[c].name, "%s%s", m->prefixes[i], p->name);
            out[c].param = p;
            c++;
        }
    *n = c;
    return OB_OK;
}

void ob_model_param_counts(const ob_model *m, int64_t *trainable, int64_t *buffers)
{
    int64_t t = 0, b = 0;
    for (int i = 0; i < m->n_nodes; i++)
        for (int k = 0; k < m->layers[i]->n_params; k++) {
            const ob_param *p = &m->layers[i]->params[k];
            int64_t n = ob_tensor_numel(&p->value);
            if (p->trainable) t += n;
            else b += n;
        }
    if (trainable) *trainable = t;
    if (buffers) *buffers = b;
}

/* Shape inference: the shape ops read shapes only, so the tensors carry a
 * placeholder data pointer (layers refuse NULL data as "empty"). */
static ob_status infer_shapes(const ob_model *m, ob_tensor *shapes, const int64_t *in_shape, int in_ndim, int upto)
{
    static float placeholder;
    ob_tensor x;
    OB_TRY(ob_tensor_wrap(&x, &placeholder, OB_F32, OB_HOST, in_ndim, in_shape));
    for (int i = 0; i <= upto; i++) {
        const ob_model_node *n = &m->nodes[i];
        const ob_tensor *in[OB_LAYER_MAX_INPUTS];
        for (int k = 0; k < n->n_inputs; k++) in[k] = n->inputs[k] == OB_MODEL_INPUT ? &x : &shapes[n->inputs[k]];
        int64_t shape[4];
        int ndim = 0;
        OB_TRY(with_node(m, i, n->layer->ops->shape(n->layer, shape, &ndim, in, n->n_inputs)));
        OB_TRY(ob_tensor_wrap(&shapes[i], &placeholder, OB_F32, OB_HOST, ndim, shape));
    }
    return OB_OK;
}

ob_status ob_model_shape(const ob_model *m, int64_t out[4], int *ndim, const int64_t *in_shape, int in_ndim, int node)
{
    OB_REQUIRE(m->n_nodes > 0, "model: no layers");
    if (node < 0) node = m->n_nodes - 1;
    OB_REQUIRE(node < m->n_nodes, "model: node %d of %d", node, m->n_nodes);
    ob_tensor *shapes = calloc((size_t)m->n_nodes, sizeof *shapes);
    OB_REQUIRE(shapes != NULL, "model: out of memory");
    ob_status s = infer_shapes(m, shapes, in_shape, in_ndim, node);
    if (s == OB_OK) {
        *ndim = shapes[node].ndim;
        memcpy(out, shapes[node].shape, sizeof(int64_t) * (size_t)shapes[node].ndim);
    }
    free(shapes);
    return s;
}

static void shape_cell(char *buf, size_t n, const ob_tensor *t)
{
    int len = snprintf(buf, n, "[-1");
    for (int d = 1; d < t->ndim && len < (int)n; d++) len += snprintf(buf + len, n - (size_t)len, ", %lld", (long long)t->shape[d]);
    if (len < (int)n) snprintf(buf + len, n - (size_t)len, "]");
}

static int64_t layer_trainable(const ob_layer *l)
{
    int64_t c = 0;
    for (int k = 0; k < l->n_params; k++)
        if (l->params[k].trainable) c += ob_tensor_numel(&l->params[k].value);
    return c;
}

ob_status ob_model_summary(const ob_model *m, FILE *f, const int64_t *in_shape, int in_ndim)
{
    OB_REQUIRE(m->n_nodes > 0, "model: no layers");
    ob_tensor *shapes = calloc((size_t)m->n_nodes, sizeof *shapes);
    OB_REQUIRE(shapes != NULL, "model: out of memory");
    ob_status s = infer_shapes(m, shapes, in_shape, in_ndim, m->n_nodes - 1);
    if (s != OB_OK) {
        free(shapes);
        return s;
    }
    const char *rule = "----------------------------------------------------------------------------";
    const char *dbl = "============================================================================";
    fprintf(f, "%s\n%36s %22s %16s\n%s\n", rule, "Layer (type)", "Output Shape", "Param #", dbl);
    int64_t act = 0;
    for (int i = 0; i < m->n_nodes; i++) {
        char lbl[96], cell[64];
        node_label(m, i, lbl, sizeof lbl);
        shape_cell(cell, sizeof cell, &shapes[i]);
        fprintf(f, "%36s %22s %16lld\n", lbl, cell, (long long)layer_trainable(m->layers[i]));
        act += ob_tensor_numel(&shapes[i]) / (in_shape[0] > 0 ? in_shape[0] : 1);
    }
    int64_t trainable, buffers, in_numel = 1;
    ob_model_param_counts(m, &trainable, &buffers);
    for (int d = 1; d < in_ndim; d++) in_numel *= in_shape[d];
    const double mb = 1.0 / (1024.0 * 1024.0);
    const double in_mb = 4.0 * (double)in_numel * mb, act_mb = 2.0 * 4.0 * (double)act * mb,
                 par_mb = 4.0 * (double)(trainable + buffers) * mb;
    fprintf(f, "%s\nTotal params: %lld\nTrainable params: %lld\nNon-trainable params: 0\nBuffers: %lld\n%s\n", dbl,
            (long long)trainable, (long long)trainable, (long long)buffers, rule);
    fprintf(f,
            "Input size (MB): %.2f\nForward/backward pass size (MB): %.2f\nParams size (MB): %.2f\n"
            "Estimated Total Size (MB): %.2f\n%s\n",
            in_mb, act_mb, par_mb, in_mb + act_mb + par_mb, rule);
    free(shapes);
    return OB_OK;
}
