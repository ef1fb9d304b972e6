/* conv_dnnl.c — conv2d and conv_transpose2d on oneDNN's convolution and
 * deconvolution primitives (ob_conv2d.h, path `dnnl`).
 *
 * Primitives are made once per input shape (N, H, W) and kept in a small cache
 * in the layer, as the cuDNN path picks its algorithm once per shape. Each
 * primitive is described with format `any`, so oneDNN picks the layouts its
 * fastest implementation for this CPU wants (nChw16c on AVX-512, nChw8c on
 * AVX2, ...). Operands in plain NCHW are reordered into those layouts and
 * back (ob_dnnl_operand); activations the model lets stay in oneDNN's
 * channel-blocked layout (ob_tensor.h, ob_layer.h) are read and written where
 * they are, with no reorder.
 *
 * The backward weights read the input in the same layout as the forward (as
 * a rule): the forward's reordered copy of a training input is kept and
 * serves the backward of that same input (ob_layer.h: a backward follows the
 * forward of its inputs), which saves one reorder of the largest tensor.
 *
 * Gradients: oneDNN overwrites diff_weights / diff_bias, the layer contract
 * accumulates them, so the weight gradient lands in the primitive's own
 * buffer and a reorder with a sum post-op adds it into the arena's (one pass),
 * and the bias gradient is added by a short loop.
 *
 * Algorithm (ob_ctx.h's ob_cpu_conv): direct, or Winograd F(4x4, 3x3)
 * (oneDNN's jit_wino_4x3, AVX-512 only), which does the 3x3 window's 36
 * multiplications per output pixel in 9 after a transform of 6x6 input and
 * 4x4 output tiles. Measured on an Intel Xeon (Ice Lake server, AVX-512, 2
 * threads, oneDNN 2.6.3), against direct: 64 -> 64 channels on 8x64x64, forward 7.3 ->
 * 5.2 ms, backward data 12.6 -> 5.1, backward weights 13.9 -> 3.8; 1x64x56x56
 * forward 1.28 -> 0.56, 32x512x7x7 36 -> 19; but slower where the output has
 * few 4x4 tiles to spread the transforms over: 1x256x14x14 1.18 -> 1.27,
 * 1x512x7x7 1.5 -> 4.7. So auto takes it for a 3x3, stride-1, undilated,
 * ungrouped conv2d with >= 16 channels in and out whose batch's output has at
 * least 32 tiles (winograd_fits), and falls back to direct where oneDNN has no
 * Winograd (AVX2 CPUs). One algorithm per plan: its forward and backward both
 * (the layouts match). Its rounding differs from direct's (the transforms
 * round in fp32): tests/test_conv.c holds it within 1e-5 of each tensor's
 * largest |value| of the reference (it measures about 2e-6).
 *
 * Frozen models (ob_model_freeze): an eval forward keeps the weights it
 * reordered in the plan and reuses them while the freeze generation and the
 * weights' address stay the same; any other forward reorders them again.
 *
 * conv_transpose2d: oneDNN's deconvolution, whose weights (OC, IC, kh, kw) are
 * PyTorch's (C_in, C_out/g, k, k) read as `iohw` / `giohw`; output_padding is
 * extra right padding taken off (padding_r = pad - output_padding). A shape
 * oneDNN has no implementation for reports OB_ERR_UNSUPPORTED and conv2d.c
 * runs the reference for it. */
#include "conv_impl.h"

#ifndef OB_HAVE_DNNL
ob_status ob_conv_forward_dnnl(ob_conv_state *s, float *y, const float *x, const float *w, const float *b, int n,
                               int h, int wd, int training, const ob_conv_dnnl_opts *lay, int *y_layout)
{
    return OB_FAIL(OB_ERR_UNSUPPORTED, "conv: oneDNN not built in");
}
ob_status ob_conv_backward_dnnl(ob_conv_state *s, float *dx, float *dw, float *db, const float *dy, const float *x,
                                const float *w, int n, int h, int wd, const ob_conv_dnnl_opts *lay, int *dx_layout)
{
    return OB_FAIL(OB_ERR_UNSUPPORTED, "conv: oneDNN not built in");
}
void ob_conv_dnnl_free(void *plans) { (void)plans; }
int ob_conv_winograd_available(void) { return 0; }
#else
#include <stdlib.h>
#include <string.h>

#include "ob_dnnl.h"

#define PLAN_CACHE 4 /* shapes kept per layer: training, validation, a last partial batch */

typedef struct {
    dnnl_primitive_t prim;
    ob_dnnl_operand src, wei, dst; /* for backward data: dst = diff_dst, src = diff_src */
} conv_fwd;

typedef struct {
    int n, h, w, policy, used;      /* key (policy: ob_cpu_conv); used: LRU clock */
    int winograd;                    /* the algorithm made: 1 Winograd, 0 direct */
    int tried_fwd, tried_bwd;        /* made (or found unsupported) */
    ob_status fwd_status, bwd_status;
    conv_fwd fwd, bwd_data;
    dnnl_primitive_desc_t fwd_pd;    /* hint for the backward primitives */
    dnnl_primitive_t bwd_w;
    ob_dnnl_operand bw_src, bw_ddst, bw_dwei; /* bw_dwei accumulates into the arena */
    dnnl_memory_t bias, dbias;
    float *dbias_buf;
    int shared_ddst;                 /* backward data reads bw_ddst's reordered copy */
    int shared_src;                  /* backward weights wants the forward's src layout */
    const float *fwd_x;              /* the last training forward's input, when it was reordered:
                                        its reordered copy serves the backward (ob_layer.h) */
    const float *wei_of;             /* fwd.wei holds these weights reordered, */
    unsigned wei_frozen;             /* ... under this freeze generation (0: only for that call) */
} conv_plan;

typedef struct {
    conv_plan plans[PLAN_CACHE];
    int clock;
} conv_plans;

static const char *kind_of(const ob_conv_state *s) { return s->transposed ? "conv_transpose2d" : "conv2d"; }

static void fwd_free(conv_fwd *f)
{
    if (f->prim) dnnl_primitive_destroy(f->prim);
    ob_dnnl_operand_free(&f->src);
    ob_dnnl_operand_free(&f->wei);
    ob_dnnl_operand_free(&f->dst);
    memset(f, 0, sizeof *f);
}

static void backward_free(conv_plan *p)
{
    fwd_free(&p->bwd_data);
    if (p->bwd_w) dnnl_primitive_destroy(p->bwd_w);
    p->bwd_w = NULL;
    ob_dnnl_operand_free(&p->bw_src);
    ob_dnnl_operand_free(&p->bw_ddst);
    ob_dnnl_operand_free(&p->bw_dwei);
    if (p->dbias) dnnl_memory_destroy(p->dbias);
    p->dbias = NULL;
    free(p->dbias_buf);
    p->dbias_buf = NULL;
}

static void plan_free(conv_plan *p)
{
    fwd_free(&p->fwd);
    backward_free(p);
    if (p->fwd_pd) dnnl_primitive_desc_destroy(p->fwd_pd);
    if (p->bias) dnnl_memory_destroy(p->bias);
    memset(p, 0, sizeof *p);
}

void ob_conv_dnnl_free(void *plans)
{
    conv_plans *c = plans;
    if (!c) return;
    for (int i = 0; i < PLAN_CACHE; i++) plan_free(&c->plans[i]);
    free(c);
}

/* The plan for (n, h, w): found, or the least recently used slot emptied. */
static ob_status find_plan(ob_conv_state *s, conv_plan **out, int n, int h, int w, int policy)
{
    if (!s->dnnl) {
        s->dnnl = calloc(1, sizeof(conv_plans));
        OB_REQUIRE(s->dnnl != NULL, "%s: out of memory", kind_of(s));
    }
    conv_plans *c = s->dnnl;
    conv_plan *victim = &c->plans[0];
    for (int i = 0; i < PLAN_CACHE; i++) {
        conv_plan *p = &c->plans[i];
        if (p->used && p->n == n && p->h == h && p->w == w && p->policy == policy) {
            p->used = ++c->clock;
            *out = p;
            return OB_OK;
        }
        if (p->used < victim->used) victim = p;
    }
    plan_free(victim);
    victim->n = n, victim->h = h, victim->w = w, victim->policy = policy, victim->used = ++c->clock;
    *out = victim;
    return OB_OK;
}

/* The plain descs of the layer's operands: src (N, C_in, H, W), dst (N, C_out,
 * OH, OW), weights in PyTorch's layout, bias (C_out). */
typedef struct {
    dnnl_memory_desc_t src, dst, wei, bias, any_src, any_dst, any_wei;
    dnnl_dims_t strides, dilates, pad_l, pad_r;
} conv_descs;

static conv_descs make_descs(const ob_conv_state *s, int n, int h, int w)
{
    conv_descs d;
    const int64_t oh = ob_conv_out_size(s, h), ow = ob_conv_out_size(s, w), G = s->groups;
    const int64_t xs[4] = {n, s->c_in, h, w}, ys[4] = {n, s->c_out, oh, ow}, bs[1] = {s->c_out};
    d.src = ob_dnnl_md(4, xs, dnnl_nchw);
    d.dst = ob_dnnl_md(4, ys, dnnl_nchw);
    d.bias = ob_dnnl_md(1, bs, dnnl_x);
    /* oneDNN's weights are (G, OC/G, IC/G, kh, kw) for both kinds, OC the
     * primitive's output channels */
    const int64_t wg[5] = {G, s->c_out / G, s->c_in / G, s->k, s->k};
    if (G == 1)
        d.wei = ob_dnnl_md(4, wg + 1, s->transposed ? dnnl_iohw : dnnl_oihw);
    else
        d.wei = ob_dnnl_md(5, wg, s->transposed ? dnnl_giohw : dnnl_goihw);
    d.any_src = ob_dnnl_md(4, xs, dnnl_format_tag_any);
    d.any_dst = ob_dnnl_md(4, ys, dnnl_format_tag_any);
    d.any_wei = G == 1 ? ob_dnnl_md(4, wg + 1, dnnl_format_tag_any) : ob_dnnl_md(5, wg, dnnl_format_tag_any);
    for (int i = 0; i < 2; i++) {
        d.strides[i] = s->stride;
        d.dilates[i] = s->dilation - 1;
        d.pad_l[i] = s->pad;
        d.pad_r[i] = s->transposed ? s->pad - s->output_padding : s->pad;
    }
    return d;
}

/* Whether the policy wants Winograd for this layer at input (n, h, w): see
 * the header comment for the measurements behind auto's rule. */
static int winograd_fits(const ob_conv_state *s, int n, int h, int w, int policy)
{
    if (policy == OB_CPU_CONV_DIRECT || s->transposed || s->k != 3 || s->stride != 1 || s->dilation != 1 ||
        s->groups != 1)
        return 0;
    if (policy == OB_CPU_CONV_WINOGRAD) return 1;
    const int64_t tiles = (int64_t)n * ((ob_conv_out_size(s, h) + 3) / 4) * ((ob_conv_out_size(s, w) + 3) / 4);
    return s->c_in >= 16 && s->c_out >= 16 && tiles >= 32;
}

int ob_conv_winograd_available(void)
{
    if (!ob_dnnl_available()) return 0;
    const ob_conv_state s = {.c_in = 16, .c_out = 16, .k = 3, .stride = 1, .pad = 1, .dilation = 1, .groups = 1};
    const conv_descs d = make_descs(&s, 1, 16, 16);
    dnnl_convolution_desc_t cd;
    if (dnnl_dilated_convolution_forward_desc_init(&cd, dnnl_forward_training, dnnl_convolution_winograd, &d.any_src,
                                                   &d.any_wei, NULL, &d.any_dst, d.strides, d.dilates, d.pad_l,
                                                   d.pad_r) != dnnl_success)
        return 0;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_primitive_attr_t attr = ob_dnnl_attr();
    const int ok = attr && dnnl_primitive_desc_create(&pd, &cd, attr, ob_dnnl_engine(), NULL) == dnnl_success;
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (attr) dnnl_primitive_attr_destroy(attr);
    return ok;
}

static dnnl_alg_kind_t algorithm(const ob_conv_state *s, int winograd)
{
    return s->transposed ? dnnl_deconvolution_direct : winograd ? dnnl_convolution_winograd : dnnl_convolution_direct;
}

static ob_status make_forward_alg(ob_conv_state *s, conv_plan *p, const conv_descs *d)
{
    dnnl_convolution_desc_t cd;
    const dnnl_memory_desc_t *bias = s->bias ? &d->bias : NULL;
    const dnnl_alg_kind_t alg = algorithm(s, p->winograd);
    if (s->transposed)
        OB_DNNL_CHECK(dnnl_dilated_deconvolution_forward_desc_init(&cd, dnnl_forward_training, alg, &d->any_src,
                                                                  &d->any_wei, bias, &d->any_dst, d->strides,
                                                                  d->dilates, d->pad_l, d->pad_r));
    else
        OB_DNNL_CHECK(dnnl_dilated_convolution_forward_desc_init(&cd, dnnl_forward_training, alg, &d->any_src,
                                                                &d->any_wei, bias, &d->any_dst, d->strides,
                                                                d->dilates, d->pad_l, d->pad_r));
    return ob_dnnl_make(&p->fwd_pd, &p->fwd.prim, &cd, NULL, kind_of(s));
}

static ob_status make_forward(ob_conv_state *s, conv_plan *p)
{
    conv_descs d = make_descs(s, p->n, p->h, p->w);
    p->winograd = winograd_fits(s, p->n, p->h, p->w, p->policy);
    ob_status st = make_forward_alg(s, p, &d);
    if (st == OB_ERR_UNSUPPORTED && p->winograd) { /* no Winograd for this CPU or shape: direct */
        p->winograd = 0;
        st = make_forward_alg(s, p, &d);
    }
    OB_TRY(st);
    dnnl_memory_desc_t q;
    q = ob_dnnl_query(p->fwd_pd, dnnl_query_src_md);
    OB_TRY(ob_dnnl_operand_init(&p->fwd.src, &d.src, &q, 0));
    q = ob_dnnl_query(p->fwd_pd, dnnl_query_weights_md);
    OB_TRY(ob_dnnl_operand_init(&p->fwd.wei, &d.wei, &q, 0));
    q = ob_dnnl_query(p->fwd_pd, dnnl_query_dst_md);
    OB_TRY(ob_dnnl_operand_init(&p->fwd.dst, &d.dst, &q, 0));
    if (s->bias) OB_TRY(ob_dnnl_memory(&p->bias, &d.bias, DNNL_MEMORY_NONE));
    return OB_OK;
}

static ob_status make_backward_alg(ob_conv_state *s, conv_plan *p, int winograd)
{
    conv_descs d = make_descs(s, p->n, p->h, p->w);
    dnnl_convolution_desc_t cd;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_memory_desc_t q;
    /* backward data: diff_src <- diff_dst (x) weights */
    const dnnl_alg_kind_t alg = algorithm(s, winograd);
    if (s->transposed)
        OB_DNNL_CHECK(dnnl_dilated_deconvolution_backward_data_desc_init(&cd, alg, &d.any_src,
                                                                        &d.any_wei, &d.any_dst, d.strides, d.dilates,
                                                                        d.pad_l, d.pad_r));
    else
        OB_DNNL_CHECK(dnnl_dilated_convolution_backward_data_desc_init(&cd, alg, &d.any_src,
                                                                      &d.any_wei, &d.any_dst, d.strides, d.dilates,
                                                                      d.pad_l, d.pad_r));
    OB_TRY(ob_dnnl_make(&pd, &p->bwd_data.prim, &cd, p->fwd_pd, kind_of(s)));
    ob_status st = OB_OK;
    q = ob_dnnl_query(pd, dnnl_query_diff_dst_md);
    st = ob_dnnl_operand_init(&p->bwd_data.dst, &d.dst, &q, 0);
    dnnl_memory_desc_t bd_ddst = q;
    q = ob_dnnl_query(pd, dnnl_query_weights_md);
    if (st == OB_OK) st = ob_dnnl_operand_init(&p->bwd_data.wei, &d.wei, &q, 0);
    q = ob_dnnl_query(pd, dnnl_query_diff_src_md);
    if (st == OB_OK) st = ob_dnnl_operand_init(&p->bwd_data.src, &d.src, &q, 0);
    dnnl_primitive_desc_destroy(pd);
    OB_TRY(st);
    /* backward weights: diff_weights (+ diff_bias) <- src, diff_dst */
    const dnnl_memory_desc_t *dbias = s->bias ? &d.bias : NULL;
    if (s->transposed)
        OB_DNNL_CHECK(dnnl_dilated_deconvolution_backward_weights_desc_init(
            &cd, alg, &d.any_src, &d.any_wei, dbias, &d.any_dst, d.strides, d.dilates, d.pad_l,
            d.pad_r));
    else
        OB_DNNL_CHECK(dnnl_dilated_convolution_backward_weights_desc_init(&cd, alg, &d.any_src,
                                                                         &d.any_wei, dbias, &d.any_dst, d.strides,
                                                                         d.dilates, d.pad_l, d.pad_r));
    OB_TRY(ob_dnnl_make(&pd, &p->bwd_w, &cd, p->fwd_pd, kind_of(s)));
    q = ob_dnnl_query(pd, dnnl_query_src_md);
    st = ob_dnnl_operand_init(&p->bw_src, &d.src, &q, 0);
    q = ob_dnnl_query(pd, dnnl_query_diff_dst_md);
    if (st == OB_OK) st = ob_dnnl_operand_init(&p->bw_ddst, &d.dst, &q, 0);
    p->shared_ddst = dnnl_memory_desc_equal(&q, &bd_ddst);
    {
        const dnnl_memory_desc_t bw_src = ob_dnnl_query(pd, dnnl_query_src_md),
                                 f_src = ob_dnnl_query(p->fwd_pd, dnnl_query_src_md);
        p->shared_src = dnnl_memory_desc_equal(&bw_src, &f_src);
    }
    q = ob_dnnl_query(pd, dnnl_query_diff_weights_md);
    if (st == OB_OK) st = ob_dnnl_operand_init(&p->bw_dwei, &d.wei, &q, 1);
    dnnl_primitive_desc_destroy(pd);
    OB_TRY(st);
    if (s->bias) {
        p->dbias_buf = malloc(sizeof(float) * (size_t)s->c_out);
        OB_REQUIRE(p->dbias_buf != NULL, "%s: out of memory", kind_of(s));
        OB_TRY(ob_dnnl_memory(&p->dbias, &d.bias, p->dbias_buf));
    }
    return OB_OK;
}

/* The backward in the forward's algorithm, or direct where oneDNN has no
 * Winograd backward for it. */
static ob_status make_backward(ob_conv_state *s, conv_plan *p)
{
    ob_status st = make_backward_alg(s, p, p->winograd);
    if (st == OB_ERR_UNSUPPORTED && p->winograd) {
        backward_free(p);
        st = make_backward_alg(s, p, 0);
    }
    return st;
}

/* The plan for this shape with its forward (and, when `backward`, its
 * backward) primitives made; an unsupported shape's status is remembered. */
static ob_status ready_plan(ob_conv_state *s, conv_plan **out, int n, int h, int w, int policy, int backward)
{
    conv_plan *p = NULL;
    OB_TRY(find_plan(s, &p, n, h, w, policy));
    if (!p->tried_fwd) {
        p->tried_fwd = 1;
        p->fwd_status = make_forward(s, p);
    }
    if (p->fwd_status != OB_OK) return p->fwd_status;
    if (backward && !p->tried_bwd) {
        p->tried_bwd = 1;
        p->bwd_status = make_backward(s, p);
    }
    if (backward && p->bwd_status != OB_OK) return p->bwd_status;
    *out = p;
    return OB_OK;
}

ob_status ob_conv_forward_dnnl(ob_conv_state *s, float *y, const float *x, const float *w, const float *b, int n,
                               int h, int wd, int training, const ob_conv_dnnl_opts *lay, int *y_layout)
{
    conv_plan *p = NULL;
    OB_TRY(ready_plan(s, &p, n, h, wd, (int)lay->algo, 0));
    s->last_algo = p->winograd ? "winograd" : "direct";
    dnnl_memory_t src, wei, dst;
    p->fwd_x = NULL;
    OB_TRY(ob_dnnl_in_layout(&src, &p->fwd.src, x, lay->x));
    if (training && lay->x == OB_LAYOUT_PLAIN && p->fwd.src.to_prim) p->fwd_x = x;
    if (lay->frozen && p->wei_frozen == lay->frozen && p->wei_of == w) { /* unchanged since (ob_model_freeze) */
        wei = p->fwd.wei.prim;
    } else {
        OB_TRY(ob_dnnl_in(&wei, &p->fwd.wei, w));
        p->wei_of = w, p->wei_frozen = lay->frozen;
    }
    OB_TRY(ob_dnnl_out_layout(&dst, &p->fwd.dst, y, lay->out_ok, y_layout));
    dnnl_exec_arg_t a[4] = {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}, {DNNL_ARG_BIAS, NULL}};
    if (b) {
        OB_DNNL_CHECK(dnnl_memory_set_data_handle(p->bias, (void *)b));
        a[3].memory = p->bias;
    }
    OB_TRY(ob_dnnl_exec(p->fwd.prim, b ? 4 : 3, a));
    return ob_dnnl_out_done_layout(&p->fwd.dst, y, *y_layout);
}

ob_status ob_conv_backward_dnnl(ob_conv_state *s, float *dx, float *dw, float *db, const float *dy, const float *x,
                                const float *w, int n, int h, int wd, const ob_conv_dnnl_opts *lay, int *dx_layout)
{
    conv_plan *p = NULL;
    OB_TRY(ready_plan(s, &p, n, h, wd, (int)lay->algo, 1));
    dnnl_memory_t src, ddst, dwei;
    *dx_layout = OB_LAYOUT_PLAIN;
    OB_TRY(ob_dnnl_in_layout(&ddst, &p->bw_ddst, dy, lay->dy));
    if (p->shared_src && lay->x == OB_LAYOUT_PLAIN && p->fwd_x == x) /* the forward's reorder of this input */
        src = p->fwd.src.prim;
    else
        OB_TRY(ob_dnnl_in_layout(&src, &p->bw_src, x, lay->x));
    OB_TRY(ob_dnnl_out(&dwei, &p->bw_dwei, dw));
    dnnl_exec_arg_t a[4] = {{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, ddst}, {DNNL_ARG_DIFF_WEIGHTS, dwei},
                            {DNNL_ARG_DIFF_BIAS, p->dbias}};
    OB_TRY(ob_dnnl_exec(p->bwd_w, db ? 4 : 3, a));
    OB_TRY(ob_dnnl_out_done(&p->bw_dwei, dw));
    if (db)
        for (int c = 0; c < s->c_out; c++) db[c] += p->dbias_buf[c];
    if (!dx) return OB_OK;
    dnnl_memory_t bd_ddst = ddst, wei, dsrc;
    if (!p->shared_ddst) OB_TRY(ob_dnnl_in_layout(&bd_ddst, &p->bwd_data.dst, dy, lay->dy));
    OB_TRY(ob_dnnl_in(&wei, &p->bwd_data.wei, w));
    OB_TRY(ob_dnnl_out_layout(&dsrc, &p->bwd_data.src, dx, lay->dx_ok, dx_layout));
    const dnnl_exec_arg_t b[3] = {{DNNL_ARG_DIFF_DST, bd_ddst}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DIFF_SRC, dsrc}};
    OB_TRY(ob_dnnl_exec(p->bwd_data.prim, 3, b));
    return ob_dnnl_out_done_layout(&p->bwd_data.src, dx, *dx_layout);
}
#endif
