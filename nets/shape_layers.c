/* shape_layers.c — flatten, concat (channels), slice (features), residual
 * add, upsample, pixel shuffle. Data movement is ob_layer_copy of contiguous runs (memcpy, or an async
 * copy on the context's stream);
 * arithmetic is kernels/eltwise.h (add), kernels/upsample.h, kernels/pixel_shuffle.h. */
#include "layers_internal.h"
#include "ob_layers.h"
#include "pixel_shuffle.h"
#include "upsample.h"

/* ---- flatten: (N, C, H, W) -> (N, C*H*W) -------------------------------- */
static ob_status flatten_shape(const ob_layer *l, int64_t out[4], int *ndim, const ob_tensor *const *in, int n_in)
{
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 0));
    OB_REQUIRE(in[0]->ndim >= 2, "flatten: input needs a batch dimension and at least one more");
    out[0] = in[0]->shape[0], out[1] = ob_tensor_numel(in[0]) / (in[0]->shape[0] ? in[0]->shape[0] : 1), *ndim = 2;
    return OB_OK;
}

static ob_status flatten_forward(ob_layer *l, ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *in, int n_in,
                                 int training)
{
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 0));
    OB_REQUIRE(ob_tensor_numel(out) == ob_tensor_numel(in[0]), "flatten: output has %lld elements, input %lld",
               (long long)ob_tensor_numel(out), (long long)ob_tensor_numel(in[0]));
    return ob_layer_copy(ctx, ob_tensor_f32(out), ob_tensor_f32(in[0]), ob_tensor_numel(in[0]));
}

static ob_status flatten_backward(ob_layer *l, ob_ctx *ctx, ob_tensor *const *grad_in, const ob_tensor *grad_out,
                                  const ob_tensor *const *in, int n_in, const ob_tensor *out)
{
    if (!grad_in[0]) return OB_OK;
    OB_REQUIRE(ob_tensor_numel(grad_out) == ob_tensor_numel(grad_in[0]), "flatten: gradients differ in size");
    return ob_layer_copy(ctx, ob_tensor_f32(grad_in[0]), ob_tensor_f32(grad_out), ob_tensor_numel(grad_out));
}

/* ---- concat along channels: 2..4 inputs (N, Ci, H, W), or features (N, Fi) -- */
static ob_status concat_shape(const ob_layer *l, int64_t out[4], int *ndim, const ob_tensor *const *in, int n_in)
{
    char a[64], b[64];
    OB_REQUIRE(n_in >= 2 && n_in <= OB_LAYER_MAX_INPUTS, "concat: %d inputs, expected 2..%d", n_in,
               OB_LAYER_MAX_INPUTS);
    OB_TRY(ob_layer_check_inputs(l, in, n_in, n_in, 0));
    const int nd = in[0]->ndim;
    OB_REQUIRE(nd == 2 || nd == 4, "concat: inputs of %d dimensions, expected (N, C, H, W) or (N, F)", nd);
    memcpy(out, in[0]->shape, sizeof(int64_t) * (size_t)nd);
    for (int i = 1; i < n_in; i++) {
        OB_REQUIRE(in[i]->ndim == nd && in[i]->shape[0] == out[0] &&
                       (nd == 2 || (in[i]->shape[2] == out[2] && in[i]->shape[3] == out[3])),
                   "concat: input %d is %s, input 0 is %s (all but the channels must match)", i,
                   ob_tensor_shape_str(in[i], a, sizeof a), ob_tensor_shape_str(in[0], b, sizeof b));
        out[1] += in[i]->shape[1];
    }
    *ndim = nd;
    return OB_OK;
}

/* Copies every input's (Ci, H, W) block of each image to or from its place in the
 * concatenation; to_parts: from big into the parts (the backward). */
static ob_status concat_move(ob_ctx *ctx, float *big, float *const *parts, const ob_tensor *const *in, int n_in,
                             int64_t c_total, int to_parts)
{
    const int64_t n = in[0]->shape[0], hw = in[0]->ndim == 4 ? in[0]->shape[2] * in[0]->shape[3] : 1;
    for (int64_t i = 0; i < n; i++) {
        int64_t c0 = 0;
        for (int k = 0; k < n_in; k++) {
            const int64_t ck = in[k]->shape[1], len = ck * hw;
            float *b = big + (i * c_total + c0) * hw;
            if (parts[k]) {
                float *p = parts[k] + i * len;
                OB_TRY(to_parts ? ob_layer_copy(ctx, p, b, len) : ob_layer_copy(ctx, b, p, len));
            }
            c0 += ck;
        }
    }
    return OB_OK;
}

static ob_status concat_forward(ob_layer *l, ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *in, int n_in,
                                int training)
{
    int64_t shape[4];
    int nd;
    OB_TRY(concat_shape(l, shape, &nd, in, n_in));
    OB_REQUIRE(out->ndim == nd && out->shape[1] == shape[1] &&
                   ob_tensor_numel(out) == shape[0] * shape[1] * (nd == 4 ? shape[2] * shape[3] : 1),
               "concat: output does not have the concatenated shape");
    float *parts[OB_LAYER_MAX_INPUTS];
    for (int k = 0; k < n_in; k++) parts[k] = ob_tensor_f32(in[k]);
    return concat_move(ctx, ob_tensor_f32(out), parts, in, n_in, shape[1], 0);
}

static ob_status concat_backward(ob_layer *l, ob_ctx *ctx, ob_tensor *const *grad_in, const ob_tensor *grad_out,
                                 const ob_tensor *const *in, int n_in, const ob_tensor *out)
{
    int64_t shape[4];
    int nd;
    OB_TRY(concat_shape(l, shape, &nd, in, n_in));
    float *parts[OB_LAYER_MAX_INPUTS];
    for (int k = 0; k < n_in; k++) {
        OB_REQUIRE(!grad_in[k] || ob_tensor_same_shape(grad_in[k], in[k]), "concat: input gradient %d misshaped", k);
        parts[k] = grad_in[k] ? ob_tensor_f32(grad_in[k]) : NULL;
    }
    return concat_move(ctx, ob_tensor_f32(grad_out), parts, in, n_in, shape[1], 1);
}

/* ---- slice: each sample's features [begin, end) -> (N, end - begin) ------ */
typedef struct {
    int64_t begin, end;
} slice_state;

static ob_status slice_shape(const ob_layer *l, int64_t out[4], int *ndim, const ob_tensor *const *in, int n_in)
{
    const slice_state *s = l->state;
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 0));
    const int64_t f = ob_tensor_numel(in[0]) / (in[0]->shape[0] ? in[0]->shape[0] : 1);
    OB_REQUIRE(s->end <= f, "slice: features [%lld, %lld) of an input with %lld per sample", (long long)s->begin,
               (long long)s->end, (long long)f);
    out[0] = in[0]->shape[0], out[1] = s->end - s->begin, *ndim = 2;
    return OB_OK;
}

/* One run per sample: its slice is contiguous in either direction. */
static ob_status slice_move(ob_ctx *ctx, const slice_state *s, float *big, float *small, int64_t n, int64_t f,
                            int to_big)
{
    const int64_t len = s->end - s->begin;
    for (int64_t i = 0; i < n; i++) {
        float *b = big + i * f + s->begin, *p = small + i * len;
        OB_TRY(to_big ? ob_layer_copy(ctx, b, p, len) : ob_layer_copy(ctx, p, b, len));
    }
    return OB_OK;
}

static ob_status slice_forward(ob_layer *l, ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *in, int n_in,
                               int training)
{
    (void)training;
    int64_t shape[4];
    int nd;
    OB_TRY(slice_shape(l, shape, &nd, in, n_in));
    OB_REQUIRE(in[0]->layout == OB_LAYOUT_PLAIN, "slice: a plain-layout input");
    OB_REQUIRE(ob_tensor_numel(out) == shape[0] * shape[1], "slice: output misshaped");
    const int64_t n = in[0]->shape[0];
    return slice_move(ctx, l->state, ob_tensor_f32(in[0]), ob_tensor_f32(out), n, ob_tensor_numel(in[0]) / n, 0);
}

/* The slice's gradient in place, zero elsewhere; nothing when the input's
 * gradient is not asked for (a CVAE's class read from the model input). */
static ob_status slice_backward(ob_layer *l, ob_ctx *ctx, ob_tensor *const *grad_in, const ob_tensor *grad_out,
                                const ob_tensor *const *in, int n_in, const ob_tensor *out)
{
    (void)out, (void)n_in;
    if (!grad_in[0]) return OB_OK;
    OB_REQUIRE(ob_tensor_numel(grad_in[0]) == ob_tensor_numel(in[0]), "slice: input gradient misshaped");
    const int64_t n = in[0]->shape[0];
    OB_TRY(ob_layer_zero(ctx, ob_tensor_f32(grad_in[0]), ob_tensor_numel(grad_in[0])));
    return slice_move(ctx, l->state, ob_tensor_f32(grad_in[0]), ob_tensor_f32(grad_out), n,
                      ob_tensor_numel(in[0]) / n, 1);
}

/* ---- residual add: 2 inputs of one shape -------------------------------- */
static ob_status add_shape(const ob_layer *l, int64_t out[4], int *ndim, const ob_tensor *const *in, int n_in)
{
    char a[64], b[64];
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 2, 0));
    OB_REQUIRE(ob_tensor_same_shape(in[0], in[1]), "add: inputs %s and %s differ in shape",
               ob_tensor_shape_str(in[0], a, sizeof a), ob_tensor_shape_str(in[1], b, sizeof b));
    *ndim = in[0]->ndim;
    memcpy(out, in[0]->shape, sizeof(int64_t) * (size_t)in[0]->ndim);
    return OB_OK;
}

static ob_status add_forward(ob_layer *l, ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *in, int n_in,
                             int training)
{
    int64_t shape[4];
    int nd;
    OB_TRY(add_shape(l, shape, &nd, in, n_in));
    return ob_add(ctx, out, in[0], in[1]);
}

static ob_status add_backward(ob_layer *l, ob_ctx *ctx, ob_tensor *const *grad_in, const ob_tensor *grad_out,
                              const ob_tensor *const *in, int n_in, const ob_tensor *out)
{
    for (int k = 0; k < 2; k++)
        if (grad_in[k]) {
            OB_REQUIRE(ob_tensor_numel(grad_in[k]) == ob_tensor_numel(grad_out), "add: input gradient %d misshaped", k);
            OB_TRY(ob_layer_copy(ctx, ob_tensor_f32(grad_in[k]), ob_tensor_f32(grad_out), ob_tensor_numel(grad_out)));
        }
    return OB_OK;
}

/* ---- upsample (nearest / bilinear, integer scale) ----------------------- */
typedef struct {
    int scale;   /* upsample: s; pixel shuffle: r */
    int bilinear;
} scale_state;

static ob_status upsample_shape(const ob_layer *l, int64_t out[4], int *ndim, const ob_tensor *const *in, int n_in)
{
    const scale_state *s = (const scale_state *)l->state;
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 4));
    out[0] = in[0]->shape[0], out[1] = in[0]->shape[1], out[2] = in[0]->shape[2] * s->scale,
    out[3] = in[0]->shape[3] * s->scale, *ndim = 4;
    return OB_OK;
}

static ob_status upsample_forward(ob_layer *l, ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *in, int n_in,
                                  int training)
{
    const scale_state *s = (const scale_state *)l->state;
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 4));
    return ob_upsample(ctx, out, in[0], s->scale, s->bilinear);
}

static ob_status upsample_backward(ob_layer *l, ob_ctx *ctx, ob_tensor *const *grad_in, const ob_tensor *grad_out,
                                   const ob_tensor *const *in, int n_in, const ob_tensor *out)
{
    const scale_state *s = (const scale_state *)l->state;
    if (!grad_in[0]) return OB_OK;
    return ob_upsample_backward(ctx, grad_in[0], grad_out, s->scale, s->bilinear);
}

/* ---- pixel shuffle ------------------------------------------------------ */
static ob_status ps_shape(const ob_layer *l, int64_t out[4], int *ndim, const ob_tensor *const *in, int n_in)
{
    const int r = ((const scale_state *)l->state)->scale;
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 4));
    OB_REQUIRE(in[0]->shape[1] % ((int64_t)r * r) == 0, "pixel_shuffle: %lld channels not a multiple of r*r = %d",
               (long long)in[0]->shape[1], r * r);
    out[0] = in[0]->shape[0], out[1] = in[0]->shape[1] / ((int64_t)r * r), out[2] = in[0]->shape[2] * r,
    out[3] = in[0]->shape[3] * r, *ndim = 4;
    return OB_OK;
}

static ob_status ps_forward(ob_layer *l, ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *in, int n_in, int training)
{
    OB_TRY(ob_layer_check_inputs(l, in, n_in, 1, 4));
    return ob_pixel_shuffle(ctx, out, in[0], ((const scale_state *)l->state)->scale);
}

static ob_status ps_backward(ob_layer *l, ob_ctx *ctx, ob_tensor *const *grad_in, const ob_tensor *grad_out,
                             const ob_tensor *const *in, int n_in, const ob_tensor *out)
{
    if (!grad_in[0]) return OB_OK;
    return ob_pixel_shuffle_backward(ctx, grad_in[0], grad_out, ((const scale_state *)l->state)->scale);
}

static const ob_layer_ops flatten_ops = {"flatten", flatten_shape, flatten_forward, flatten_backward, NULL, 0};
static const ob_layer_ops concat_ops = {"concat", concat_shape, concat_forward, concat_backward, NULL, 0};
static const ob_layer_ops slice_ops = {"slice", slice_shape, slice_forward, slice_backward, ob_layer_free_state, 0};
static const ob_layer_ops add_ops = {"add", add_shape, add_forward, add_backward, NULL, 0};
static const ob_layer_ops upsample_ops = {"upsample", upsample_shape, upsample_forward, upsample_backward,
                                          ob_layer_free_state, 0};
static const ob_layer_ops ps_ops = {"pixel_shuffle", ps_shape, ps_forward, ps_backward, ob_layer_free_state, 0};

ob_status ob_flatten_create(ob_layer **l) { return ob_layer_new(l, &flatten_ops, 0); }
ob_status ob_concat_create(ob_layer **l) { return ob_layer_new(l, &concat_ops, 0); }
ob_status ob_add_create(ob_layer **l) { return ob_layer_new(l, &add_ops, 0); }

ob_status ob_slice_create(ob_layer **l, int64_t begin, int64_t end)
{
    OB_REQUIRE(begin >= 0 && end > begin, "slice: features [%lld, %lld)", (long long)begin, (long long)end);
    OB_TRY(ob_layer_new(l, &slice_ops, sizeof(slice_state)));
    slice_state *s = (slice_state *)(*l)->state;
    s->begin = begin, s->end = end;
    return OB_OK;
}

ob_status ob_upsample_create(ob_layer **l, int scale, ob_upsample_mode mode)
{
    OB_REQUIRE(scale >= 1 && scale <= 64, "upsample: scale %d outside 1..64", scale);
    OB_REQUIRE(mode == OB_UPSAMPLE_NEAREST || mode == OB_UPSAMPLE_BILINEAR, "upsample: unknown mode %d", (int)mode);
    OB_TRY(ob_layer_new(l, &upsample_ops, sizeof(scale_state)));
    scale_state *s = (scale_state *)(*l)->state;
    s->scale = scale, s->bilinear = mode == OB_UPSAMPLE_BILINEAR;
    return OB_OK;
}

ob_status ob_pixel_shuffle_layer_create(ob_layer **l, int r)
{
    OB_REQUIRE(r >= 1 && r <= 64, "pixel_shuffle: factor %d outside 1..64", r);
    OB_TRY(ob_layer_new(l, &ps_ops, sizeof(scale_state)));
    ((scale_state *)(*l)->state)->scale = r;
    return OB_OK;
}
