/* fuse.c — exposure fusion on the context's backend (ob_fuse.h).
 *
 * Stages (Mertens et al. 2007, sec. 3), all where the context computes:
 *   weigh      each exposure, as float, -> its weight plane (fuse_weights.h);
 *   normalise  the n planes per pixel;
 *   blend      for each exposure: its Laplacian pyramid and its weight's
 *              Gaussian pyramid, accumulated level by level into one sum;
 *   collapse   the sum's pyramid -> the image, clipped to [0, 1] on the host.
 * An exposure is made float (and uploaded, on cuda) once per pass, straight
 * into level 0 of a Laplacian pyramid's buffer, which the pyramid is then
 * built in place from: the stack itself stays in its 8/16-bit form.
 *
 * Schedule: the exposures one after another through one set of buffers (an
 * image pyramid, a weight pyramid, the running sum), every op spread over the
 * threads by rows. One exposure per thread, each with its own buffers, was
 * measured 2.4x slower at 768x512 x 16 on 2 cores (the pyramids no longer
 * share the cache). Results do not depend on the thread count. */
#include "ob_fuse.h"

#include <stdio.h>
#include <stdlib.h>

#include "fuse_weights.h"
#include "pyramid.h"

int ob_fuse_default_levels(int h, int w) { return ob_pyr_deep_levels(h, w); }

static ob_status check_stack(const ob_tensor *const *stack, int n)
{
    char a[64], b[64];
    OB_REQUIRE(n >= 2, "fuse: %d exposure(s); fusion needs at least 2 exposures", n);
    OB_REQUIRE(stack, "fuse: no exposures");
    for (int j = 0; j < n; j++) {
        const ob_tensor *t = stack[j];
        OB_REQUIRE(t, "fuse: exposure %d is missing", j);
        OB_REQUIRE(t->ndim == 3 && t->loc == OB_HOST && ob_tensor_is_contiguous(t) &&
                       (t->dtype == OB_F32 || t->dtype == OB_U8 || t->dtype == OB_U16),
                   "fuse: exposure %d must be a contiguous host (C, H, W) image of f32, u8 or u16 samples", j);
        OB_REQUIRE(t->shape[0] == 1 || t->shape[0] == 3,
                   "fuse: exposure %d has %lld channels; fusion takes grey (1) or RGB (3) images", j,
                   (long long)t->shape[0]);
        OB_REQUIRE(t->shape[1] >= 1 && t->shape[2] >= 1 && t->shape[1] <= 0x7fffffff && t->shape[2] <= 0x7fffffff,
                   "fuse: exposure %d has an empty or too large side %s", j, ob_tensor_shape_str(t, a, sizeof a));
        OB_REQUIRE(ob_tensor_same_shape(t, stack[0]),
                   "fuse: exposure %d is %lldx%lld with %lld channel(s) but exposure 0 is %lldx%lld with %lld; all "
                   "must match (%s vs %s)",
                   j, (long long)t->shape[2], (long long)t->shape[1], (long long)t->shape[0],
                   (long long)stack[0]->shape[2], (long long)stack[0]->shape[1], (long long)stack[0]->shape[0],
                   ob_tensor_shape_str(t, a, sizeof a), ob_tensor_shape_str(stack[0], b, sizeof b));
    }
    return OB_OK;
}

/* The per-exposure buffers. */
typedef struct {
    ob_tensor lap;  /* the exposure's Laplacian pyramid; level 0 first holds the exposure as float */
    ob_tensor wpyr; /* its weight's Gaussian pyramid */
    ob_tensor sum;  /* the running sum of lap * wpyr */
} lane;

typedef struct {
    int c, h, w, n, levels;
    ob_location loc;
    ob_tensor weights; /* (n, H, W) where the backend computes */
    lane ln;
    ob_tensor stage;   /* (C, H, W) one exposure as float on the host (cuda only) */
    ob_tensor res;     /* (C, H, W) the collapsed sum (cuda only) */
} work;

static void work_free(work *k)
{
    ob_tensor_free(&k->weights), ob_tensor_free(&k->stage), ob_tensor_free(&k->res);
    ob_tensor_free(&k->ln.lap), ob_tensor_free(&k->ln.wpyr), ob_tensor_free(&k->ln.sum);
}

static ob_status work_alloc(work *k, const ob_tensor *first)
{
    const int64_t *shape = first->shape;
    const int64_t ws[3] = {k->n, shape[1], shape[2]};
    ob_pyr_shape s, sw;
    OB_TRY(ob_pyr_shape_init(&s, k->c, k->h, k->w, k->levels));
    OB_TRY(ob_pyr_shape_init(&sw, 1, k->h, k->w, k->levels));
    const int64_t np = (int64_t)s.numel, nw = (int64_t)sw.numel;
    OB_TRY(ob_tensor_alloc(&k->weights, OB_F32, k->loc, 3, ws));
    OB_TRY(ob_tensor_alloc(&k->ln.lap, OB_F32, k->loc, 1, &np));
    OB_TRY(ob_tensor_alloc(&k->ln.wpyr, OB_F32, k->loc, 1, &nw));
    OB_TRY(ob_tensor_zeros(&k->ln.sum, OB_F32, k->loc, 1, &np));
    if (k->loc == OB_DEVICE) {
        OB_TRY(ob_tensor_alloc(&k->stage, OB_F32, OB_HOST, 3, shape));
        OB_TRY(ob_tensor_alloc(&k->res, OB_F32, OB_DEVICE, 3, shape));
    }
    return OB_OK;
}

/* *view <- exposure `src` as float32 where the backend computes: src itself
 * (host f32 on cpu), else converted (and uploaded) into level 0 of ln->lap. */
static ob_status exposure(work *k, lane *ln, ob_tensor *view, const ob_tensor *src)
{
    if (k->loc == OB_HOST) {
        if (src->dtype == OB_F32) return ob_tensor_wrap(view, src->data, OB_F32, OB_HOST, 3, src->shape);
        ob_samples_to_unit(ob_tensor_f32(&ln->lap), src);
        return ob_tensor_wrap(view, ln->lap.data, OB_F32, OB_HOST, 3, src->shape);
    }
    const ob_tensor *host = src;
    if (src->dtype != OB_F32) {
        ob_samples_to_unit(ob_tensor_f32(&k->stage), src);
        host = &k->stage;
    }
    OB_TRY(ob_tensor_wrap(view, ln->lap.data, OB_F32, OB_DEVICE, 3, src->shape));
    return ob_tensor_copy(view, host); /* complete on return: k->stage may be refilled */
}

/* Weight plane j of k->weights as a (1, H, W) tensor. */
static ob_status weight_plane(work *k, ob_tensor *view, int j)
{
    const int64_t shape[3] = {1, k->h, k->w};
    return ob_tensor_wrap(view, ob_tensor_f32(&k->weights) + (size_t)j * k->h * k->w, OB_F32, k->loc, 3, shape);
}

typedef ob_status (*stage_fn)(ob_ctx *ctx, work *k, lane *ln, const ob_tensor *src, int j,
                              const ob_fuse_exponents *e);

/* weigh: exposure j -> weight plane j */
static ob_status weigh_one(ob_ctx *ctx, work *k, lane *ln, const ob_tensor *src, int j, const ob_fuse_exponents *e)
{
    ob_tensor img, wj;
    OB_TRY(exposure(k, ln, &img, src));
    OB_TRY(weight_plane(k, &wj, j));
    return ob_fuse_weights(ctx, &wj, &img, e);
}

/* blend: the sum += Laplacian(I_j) * Gaussian(W_j), every level */
static ob_status blend_one(ob_ctx *ctx, work *k, lane *ln, const ob_tensor *src, int j, const ob_fuse_exponents *e)
{
    ob_tensor img, wj;
    OB_TRY(exposure(k, ln, &img, src));
    OB_TRY(weight_plane(k, &wj, j));
    OB_TRY(ob_pyr_build(ctx, &ln->lap, &img, k->levels, 0)); /* in place when img is its level 0 */
    OB_TRY(ob_pyr_build(ctx, &ln->wpyr, &wj, k->levels, 1));
    return ob_pyr_accumulate(ctx, &ln->sum, &ln->lap, &ln->wpyr, k->c, 1, k->h, k->w, k->levels);
}

/* fn on every exposure, in order (see Schedule above). */
static ob_status each_exposure(ob_ctx *ctx, work *k, const ob_tensor *const *stack, const ob_fuse_exponents *e,
                               stage_fn fn)
{
    for (int j = 0; j < k->n; j++) OB_TRY(fn(ctx, k, &k->ln, stack[j], j, e));
    return OB_OK;
}

static void clip01(ob_tensor *t)
{
    float *v = ob_tensor_f32(t);
    const int64_t n = ob_tensor_numel(t);
#pragma omp parallel for schedule(static) if (n > (1 << 18))
    for (int64_t i = 0; i < n; i++) v[i] = v[i] > 0.0f ? (v[i] < 1.0f ? v[i] : 1.0f) : 0.0f;
}

static ob_status run(ob_ctx *ctx, work *k, ob_tensor *out, const ob_tensor *const *stack, const ob_fuse_opts *o)
{
    const ob_fuse_exponents e = {o->contrast, o->saturation, o->exposedness};
    OB_TRY(work_alloc(k, stack[0]));
    OB_TRY(each_exposure(ctx, k, stack, &e, weigh_one));
    OB_TRY(ob_fuse_normalize(ctx, &k->weights));
    OB_TRY(each_exposure(ctx, k, stack, &e, blend_one));
    ob_tensor *sum = &k->ln.sum;
    if (k->loc == OB_HOST) {
        OB_TRY(ob_pyr_collapse(ctx, out, sum, k->levels));
    } else {
        OB_TRY(ob_pyr_collapse(ctx, &k->res, sum, k->levels));
        OB_TRY(ob_tensor_copy(out, &k->res));
    }
    clip01(out);
    return OB_OK;
}

ob_status ob_fuse(ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *stack, int n, const ob_fuse_opts *o)
{
    const ob_fuse_opts dflt = OB_FUSE_OPTS_DEFAULT;
    if (!o) o = &dflt;
    OB_REQUIRE(ctx && out, "fuse: null context or output");
    OB_TRY(check_stack(stack, n));
    const ob_fuse_exponents e = {o->contrast, o->saturation, o->exposedness};
    OB_TRY(ob_fuse_check_exponents(&e, "fuse"));
    work k = {0};
    k.n = n, k.c = (int)stack[0]->shape[0], k.h = (int)stack[0]->shape[1], k.w = (int)stack[0]->shape[2];
    k.loc = ob_ctx_location(ctx);
    const int max = ob_fuse_default_levels(k.h, k.w);
    k.levels = o->levels ? o->levels : max;
    OB_REQUIRE(k.levels >= 1 && k.levels <= max,
               "fuse: %d levels for %dx%d images; they allow 1..%d (floor(log2 of the shorter side) + 1)", o->levels,
               k.w, k.h, max);
    OB_TRY(ob_tensor_alloc(out, OB_F32, OB_HOST, 3, stack[0]->shape));
    const ob_status s = run(ctx, &k, out, stack, o);
    work_free(&k);
    if (s != OB_OK) ob_tensor_free(out);
    return s;
}
