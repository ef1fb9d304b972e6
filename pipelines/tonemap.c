/* tonemap.c — the three tone-mapping operators and the host-image bilateral
 * filter (ob_tonemap.h), as sequences of tonemap.h / bilateral_*.h stages on
 * buffers where the context computes. The pipeline only orders the stages and
 * does the scalar arithmetic between them (floor, log-average, step 6's scale). */
#include "ob_tonemap.h"

#include <math.h>
#include <string.h>

#include "bilateral_exact.h"
#include "bilateral_grid.h"
#include "minmax.h"
#include "ob_cuda_host.h"
#include "tonemap.h"

/* ---- names and options ------------------------------------------------------ */

static const char *const op_names[] = {"global-scale", "global-simple", "durand"};
static const char *const method_names[] = {"grid", "exact"};

ob_status ob_tonemap_op_parse(ob_tonemap_op *op, const char *name)
{
    for (int k = 0; name && k < 3; k++)
        if (strcmp(name, op_names[k]) == 0) {
            *op = (ob_tonemap_op)k;
            return OB_OK;
        }
    return OB_FAIL(OB_ERR_ARG, "tonemap: unknown operator '%s' (expected global-scale, global-simple or durand)",
                   name ? name : "(null)");
}

const char *ob_tonemap_op_name(ob_tonemap_op op) { return (int)op >= 0 && (int)op < 3 ? op_names[op] : "?"; }

ob_status ob_bilateral_method_parse(ob_bilateral_method *m, const char *name)
{
    for (int k = 0; name && k < 2; k++)
        if (strcmp(name, method_names[k]) == 0) {
            *m = (ob_bilateral_method)k;
            return OB_OK;
        }
    return OB_FAIL(OB_ERR_ARG, "bilateral: unknown method '%s' (expected grid or exact)", name ? name : "(null)");
}

const char *ob_bilateral_method_name(ob_bilateral_method m)
{
    return (int)m >= 0 && (int)m < 2 ? method_names[m] : "?";
}

void ob_tonemap_opts_init(ob_tonemap_opts *o, ob_tonemap_op op)
{
    o->op = op;
    o->gamma = OB_TONEMAP_DEFAULT_GAMMA;
    o->key = OB_TONEMAP_DEFAULT_KEY;
    o->sigma_s = 0.f;
    o->sigma_r = OB_TONEMAP_DEFAULT_SIGMA_R;
    o->stops = OB_TONEMAP_DEFAULT_STOPS;
    o->bilateral = OB_BILATERAL_GRID;
}

ob_status ob_tonemap_opts_check(const ob_tonemap_opts *o)
{
    OB_REQUIRE(o, "tonemap: no options");
    OB_REQUIRE((int)o->op >= 0 && (int)o->op < 3, "tonemap: invalid operator %d", (int)o->op);
    OB_REQUIRE((int)o->bilateral >= 0 && (int)o->bilateral < 2, "tonemap: invalid bilateral method %d",
               (int)o->bilateral);
    OB_REQUIRE(isfinite(o->gamma) && o->gamma > 0.f, "tonemap: gamma %g must be > 0 (e.g. 1/2.2 = 0.4545)", o->gamma);
    OB_REQUIRE(isfinite(o->key) && o->key > 0.f, "tonemap: key %g must be > 0 (0.18 is middle grey)", o->key);
    OB_REQUIRE(isfinite(o->sigma_s) && o->sigma_s >= 0.f,
               "tonemap: sigma_s %g must be > 0 pixels (or 0 for 2%% of the larger side)", o->sigma_s);
    OB_REQUIRE(isfinite(o->sigma_r) && o->sigma_r > 0.f, "tonemap: sigma_r %g must be > 0 (log2 units)", o->sigma_r);
    OB_REQUIRE(isfinite(o->stops) && o->stops > 0.f, "tonemap: stops %g must be > 0 (the target range, e.g. 5)",
               o->stops);
    return OB_OK;
}

void ob_tonemap_report_free(ob_tonemap_report *r)
{
    if (!r) return;
    ob_tensor_free(&r->intensity);
    ob_tensor_free(&r->log_intensity);
    ob_tensor_free(&r->base);
    ob_tensor_free(&r->detail);
    ob_tensor_free(&r->base_scaled);
}

/* ---- buffers where the context computes, carved from one arena --------------- */

typedef struct {
    ob_tensor arena;
    ob_location loc;
    int64_t h, w;
    size_t n;     /* pixels */
    size_t used;  /* planes handed out */
    size_t planes;
} workspace;

static ob_status ws_init(workspace *ws, ob_ctx *ctx, int64_t h, int64_t w, size_t planes)
{
    memset(ws, 0, sizeof *ws);
    ws->loc = ob_ctx_location(ctx);
    ws->h = h, ws->w = w, ws->n = (size_t)(h * w), ws->planes = planes;
    int64_t shape[1] = {(int64_t)planes * h * w};
    return ob_tensor_alloc(&ws->arena, OB_F32, ws->loc, 1, shape);
}

/* The next `planes` planes as a (planes, H, W) tensor. */
static ob_tensor ws_take(workspace *ws, int planes)
{
    ob_tensor t = {0};
    int64_t shape[3] = {planes, ws->h, ws->w};
    if (ws->used + (size_t)planes <= ws->planes &&
        ob_tensor_wrap(&t, ob_tensor_f32(&ws->arena) + ws->used * ws->n, OB_F32, ws->loc, 3, shape) == OB_OK)
        ws->used += (size_t)planes;
    return t; /* data NULL when out of planes: the stage that gets it fails with "no tensor" */
}

static void ws_free(workspace *ws) { ob_tensor_free(&ws->arena); }

/* A host copy of a (1, H, W) buffer (a report layer). */
static ob_status host_layer(ob_tensor *dst, const ob_tensor *src)
{
    return ob_tensor_clone_to(dst, src, OB_HOST);
}

/* ---- the operators: rgb (3, H, W) clean radiance -> disp (3, H, W) ------------ */

/* Step 3's epsilon: the smallest positive intensity, 1 for a black image. */
static ob_status log_floor(ob_ctx *ctx, float *floor_, const ob_tensor *i)
{
    ob_tonemap_stats s;
    OB_TRY(ob_tonemap_stats_of(ctx, &s, i));
    *floor_ = s.min_positive > 0 ? (float)s.min_positive : 1.f;
    return OB_OK;
}

static ob_status global_scale(ob_ctx *ctx, ob_tensor *disp, const ob_tensor *rgb, const ob_tonemap_opts *o,
                              ob_tonemap_report *r)
{
    ob_tensor all; /* every value of every channel: one plane for minmax */
    int64_t n3[1] = {ob_tensor_numel(rgb)};
    float lo, hi;
    OB_TRY(ob_tensor_wrap(&all, rgb->data, OB_F32, rgb->loc, 1, n3));
    OB_TRY(ob_minmax(ctx, &lo, &hi, &all));
    float scale = hi > 0 ? 1.f / hi : 1.f;
    if (!isfinite(scale)) scale = 1.f; /* a max below ~3e-39: the image is black to any display */
    r->peak = hi;
    return ob_tonemap_display(ctx, disp, rgb, scale, o->gamma);
}

static ob_status global_simple(ob_ctx *ctx, workspace *ws, ob_tensor *disp, ob_tensor *rgb,
                               const ob_tonemap_opts *o, ob_tonemap_report *r)
{
    ob_tensor i = ws_take(ws, 1), chroma = ws_take(ws, 3), l = ws_take(ws, 1), ld = ws_take(ws, 1);
    float floor_;
    ob_tonemap_stats s;
    OB_TRY(ob_tonemap_intensity(ctx, &i, rgb));
    OB_TRY(ob_tonemap_chroma(ctx, &chroma, rgb, &i));
    OB_TRY(log_floor(ctx, &floor_, &i));
    OB_TRY(ob_tonemap_log2(ctx, &l, &i, floor_));
    OB_TRY(ob_tonemap_stats_of(ctx, &s, &l));
    const double log_average = exp2(s.sum / (double)ws->n);
    const double a = fmin((double)o->key / log_average, 1e37);
    r->floor_ = floor_, r->log_average = log_average;
    OB_TRY(ob_tonemap_reinhard(ctx, &ld, &i, (float)a));
    OB_TRY(ob_tonemap_colour(ctx, rgb, &chroma, &ld)); /* rgb is free again: reuse it */
    return ob_tonemap_display(ctx, disp, rgb, 1.f, o->gamma);
}

static float default_sigma_s(const workspace *ws)
{
    const float side = (float)(ws->h > ws->w ? ws->h : ws->w);
    const float s = OB_TONEMAP_SIGMA_S_FRACTION * side;
    return s > 1.f ? s : 1.f;
}

/* Durand & Dorsey 2002, the seed's nine steps (ob_tonemap.h). */
static ob_status durand(ob_ctx *ctx, workspace *ws, ob_tensor *disp, ob_tensor *rgb, const ob_tonemap_opts *o,
                        ob_tonemap_report *r)
{
    ob_tensor i = ws_take(ws, 1), chroma = ws_take(ws, 3), l = ws_take(ws, 1), base = ws_take(ws, 1);
    ob_tensor detail = ws_take(ws, 1), bs = ws_take(ws, 1), io = ws_take(ws, 1);
    const float sigma_s = o->sigma_s > 0.f ? o->sigma_s : default_sigma_s(ws);
    float floor_, bmin, bmax;
    OB_TRY(ob_tonemap_intensity(ctx, &i, rgb));        /* 1 */
    OB_TRY(ob_tonemap_chroma(ctx, &chroma, rgb, &i));  /* 2 */
    OB_TRY(log_floor(ctx, &floor_, &i));               /* 3 */
    OB_TRY(ob_tonemap_log2(ctx, &l, &i, floor_));
    if (o->bilateral == OB_BILATERAL_EXACT)            /* 4 */
        OB_TRY(ob_bilateral_exact(ctx, &base, &l, &l, sigma_s, o->sigma_r));
    else
        OB_TRY(ob_bilateral_grid(ctx, &base, &l, &l, sigma_s, o->sigma_r));
    OB_TRY(ob_tonemap_detail(ctx, &detail, &l, &base)); /* 5 */
    OB_TRY(ob_minmax(ctx, &bmin, &bmax, &base));        /* 6 */
    const double span = (double)bmax - bmin;
    const float scale = span > 0 ? (float)(o->stops / span) : 1.f;
    OB_TRY(ob_tonemap_base_scale(ctx, &bs, &base, bmax, scale));
    OB_TRY(ob_tonemap_exp2(ctx, &io, &bs, &detail));    /* 7 */
    OB_TRY(ob_tonemap_colour(ctx, rgb, &chroma, &io));  /* 8, into rgb (free again) */
    r->floor_ = floor_, r->base_min = bmin, r->base_max = bmax, r->base_scale = scale, r->sigma_s = sigma_s;
    if (r->want_layers) {
        if (ws->loc == OB_DEVICE) OB_TRY(ob_stream_sync(ob_ctx_stream(ctx)));
        OB_TRY(host_layer(&r->intensity, &i));
        OB_TRY(host_layer(&r->log_intensity, &l));
        OB_TRY(host_layer(&r->base, &base));
        OB_TRY(host_layer(&r->detail, &detail));
        OB_TRY(host_layer(&r->base_scaled, &bs));
    }
    return ob_tonemap_display(ctx, disp, rgb, 1.f, o->gamma); /* 9 */
}

/* ---- entry point ---------------------------------------------------------------- */

/* The radiance's first three planes, or its gray plane replicated, as a host
 * (3, H, W) tensor: a view when C >= 3, else a copy in *own. */
static ob_status host_rgb(ob_tensor *rgb, ob_tensor *own, const ob_tensor *in)
{
    int64_t shape[3] = {3, in->shape[1], in->shape[2]};
    if (in->shape[0] >= 3) return ob_tensor_wrap(rgb, in->data, OB_F32, OB_HOST, 3, shape);
    OB_TRY(ob_tensor_alloc(own, OB_F32, OB_HOST, 3, shape));
    const size_t n = (size_t)(shape[1] * shape[2]);
    for (int c = 0; c < 3; c++) memcpy(ob_tensor_f32(own) + c * n, in->data, n * sizeof(float));
    *rgb = *own;
    rgb->owns = 0;
    return OB_OK;
}

static size_t planes_needed(ob_tonemap_op op, int on_device)
{
    const size_t disp = on_device ? 3 : 0; /* on the host the output is the display buffer */
    switch (op) {
    case OB_TONEMAP_GLOBAL_SCALE: return 3 + disp;
    case OB_TONEMAP_GLOBAL_SIMPLE: return 3 + 1 + 3 + 1 + 1 + disp;
    default: return 3 + 1 + 3 + 1 + 1 + 1 + 1 + 1 + disp;
    }
}

static ob_status run_op(ob_ctx *ctx, workspace *ws, ob_tensor *out, const ob_tensor *host_in,
                        const ob_tonemap_opts *o, ob_tonemap_report *r)
{
    const int on_device = ws->loc == OB_DEVICE;
    ob_tensor rgb = ws_take(ws, 3);
    ob_tensor disp = on_device ? ws_take(ws, 3) : *out;
    disp.owns = 0;
    if (on_device) {
        OB_TRY(ob_tensor_copy(&rgb, host_in));
        OB_TRY(ob_tonemap_clean(ctx, &rgb, &rgb));
    } else {
        OB_TRY(ob_tonemap_clean(ctx, &rgb, host_in));
    }
    switch (o->op) {
    case OB_TONEMAP_GLOBAL_SCALE: OB_TRY(global_scale(ctx, &disp, &rgb, o, r)); break;
    case OB_TONEMAP_GLOBAL_SIMPLE: OB_TRY(global_simple(ctx, ws, &disp, &rgb, o, r)); break;
    default: OB_TRY(durand(ctx, ws, &disp, &rgb, o, r)); break;
    }
    if (on_device) {
        OB_TRY(ob_stream_sync(ob_ctx_stream(ctx)));
        OB_TRY(ob_tensor_copy(out, &disp));
    }
    return OB_OK;
}

ob_status ob_image_tonemap(ob_ctx *ctx, ob_tensor *out, const ob_tensor *radiance, const ob_tonemap_opts *o,
                           ob_tonemap_report *report)
{
    char sh[64];
    OB_REQUIRE(ctx && out && radiance, "tonemap: null argument");
    OB_TRY(ob_tonemap_opts_check(o));
    OB_REQUIRE(radiance->data && radiance->ndim == 3 && radiance->dtype == OB_F32 && radiance->loc == OB_HOST &&
                   ob_tensor_is_contiguous(radiance),
               "tonemap: expected a contiguous host float32 (C, H, W) radiance image, got %s",
               ob_tensor_shape_str(radiance, sh, sizeof sh));
    OB_REQUIRE(radiance->shape[0] >= 1 && radiance->shape[0] <= 4 && radiance->shape[1] >= 1 &&
                   radiance->shape[2] >= 1,
               "tonemap: radiance of shape %s (expected 1 to 4 channels and H, W >= 1)",
               ob_tensor_shape_str(radiance, sh, sizeof sh));
    ob_tonemap_report scratch;
    memset(&scratch, 0, sizeof scratch);
    ob_tonemap_report *r = report ? report : &scratch;
    const int want = r->want_layers;
    memset(r, 0, sizeof *r);
    r->want_layers = want;

    ob_tensor rgb = {0}, own = {0};
    workspace ws;
    int64_t shape[3] = {3, radiance->shape[1], radiance->shape[2]};
    OB_TRY(host_rgb(&rgb, &own, radiance));
    ob_status st = ob_tensor_alloc(out, OB_F32, OB_HOST, 3, shape);
    if (st == OB_OK)
        st = ws_init(&ws, ctx, shape[1], shape[2], planes_needed(o->op, ob_ctx_location(ctx) == OB_DEVICE));
    else
        memset(&ws, 0, sizeof ws);
    if (st == OB_OK) st = run_op(ctx, &ws, out, &rgb, o, r);
    ws_free(&ws);
    ob_tensor_free(&own);
    if (st != OB_OK) {
        ob_tensor_free(out);
        ob_tonemap_report_free(r);
    }
    return st;
}

/* ---- the bilateral filter of a host image ------------------------------------ */

static ob_status filter_plane(ob_ctx *ctx, ob_tensor *dst, const ob_tensor *src, const ob_tensor *guide,
                              float sigma_s, float sigma_r, ob_bilateral_method m)
{
    if (m == OB_BILATERAL_EXACT) return ob_bilateral_exact(ctx, dst, src, guide, sigma_s, sigma_r);
    return ob_bilateral_grid(ctx, dst, src, guide, sigma_s, sigma_r);
}

/* Plane c of a (C, H, W) tensor as (1, H, W). */
static ob_tensor plane_view(const ob_tensor *t, int c)
{
    ob_tensor v = {0};
    int64_t shape[3] = {1, t->shape[1], t->shape[2]};
    (void)ob_tensor_wrap(&v, ob_tensor_f32(t) + (size_t)c * shape[1] * shape[2], OB_F32, t->loc, 3, shape);
    return v;
}

static ob_status bilateral_planes(ob_ctx *ctx, ob_tensor *dst, const ob_tensor *src, ob_tensor *guide_buf,
                                  float sigma_s, float sigma_r, ob_bilateral_method m, int guide_intensity)
{
    const int c = (int)src->shape[0];
    const int joint = guide_intensity && c >= 3;
    if (joint) {
        ob_tensor rgb = *src;
        rgb.shape[0] = 3, rgb.owns = 0;
        OB_TRY(ob_tonemap_intensity(ctx, guide_buf, &rgb));
    }
    for (int k = 0; k < c; k++) {
        ob_tensor d = plane_view(dst, k), s = plane_view(src, k);
        OB_TRY(filter_plane(ctx, &d, &s, joint ? guide_buf : &s, sigma_s, sigma_r, m));
    }
    return OB_OK;
}

ob_status ob_image_bilateral(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in, float sigma_s, float sigma_r,
                             ob_bilateral_method m, int guide_intensity)
{
    char sh[64];
    OB_REQUIRE(ctx && out && in, "bilateral: null argument");
    OB_REQUIRE(in->data && in->ndim == 3 && in->dtype == OB_F32 && in->loc == OB_HOST && ob_tensor_is_contiguous(in),
               "bilateral: expected a contiguous host float32 (C, H, W) image, got %s",
               ob_tensor_shape_str(in, sh, sizeof sh));
    OB_REQUIRE((int)m >= 0 && (int)m < 2, "bilateral: invalid method %d", (int)m);
    OB_TRY(ob_tensor_alloc(out, OB_F32, OB_HOST, 3, in->shape));
    const int on_device = ob_ctx_location(ctx) == OB_DEVICE;
    const int64_t c = in->shape[0];
    workspace ws;
    ob_status st = ws_init(&ws, ctx, in->shape[1], in->shape[2], 1 + (on_device ? 2 * (size_t)c : 0));
    if (st == OB_OK) {
        ob_tensor guide = ws_take(&ws, 1);
        if (on_device) {
            ob_tensor din = ws_take(&ws, (int)c), dout = ws_take(&ws, (int)c);
            st = ob_tensor_copy(&din, in);
            if (st == OB_OK) st = bilateral_planes(ctx, &dout, &din, &guide, sigma_s, sigma_r, m, guide_intensity);
            if (st == OB_OK) st = ob_stream_sync(ob_ctx_stream(ctx));
            if (st == OB_OK) st = ob_tensor_copy(out, &dout);
        } else {
            st = bilateral_planes(ctx, out, in, &guide, sigma_s, sigma_r, m, guide_intensity);
        }
    }
    ws_free(&ws);
    if (st != OB_OK) ob_tensor_free(out);
    return st;
}
