/* blend.c — Laplacian pyramid blending on the context's backend (ob_blend.h).
 *
 * Stages, all on the context's backend:
 *   analyse   Laplacian pyramids of a and b, Gaussian pyramid of the mask;
 *   mix       each level of a's pyramid <- mask level * a + (1 - mask) * b;
 *   collapse  expand and add from the top.
 * On cuda the three inputs are uploaded first and the result downloaded last. */
#include "ob_blend.h"


#include "pyramid.h"

/* (C, H, W) host float32 images. */
static ob_status check_image(const ob_tensor *t, const char *what)
{
    OB_REQUIRE(t && t->ndim == 3 && t->dtype == OB_F32 && t->loc == OB_HOST && ob_tensor_is_contiguous(t),
               "blend: %s must be a contiguous host float32 (C, H, W) image", what);
    OB_REQUIRE(t->shape[0] >= 1 && t->shape[1] >= 1 && t->shape[2] >= 1 && t->shape[0] <= 0x7fffffff &&
                   t->shape[1] <= 0x7fffffff && t->shape[2] <= 0x7fffffff,
               "blend: %s has an empty or too large dimension", what);
    return OB_OK;
}

static ob_status check_inputs(const ob_tensor *a, const ob_tensor *b, const ob_tensor *mask, int levels)
{
    OB_TRY(check_image(a, "the first image"));
    OB_TRY(check_image(b, "the second image"));
    OB_TRY(check_image(mask, "the mask"));
    const long long c = a->shape[0], h = a->shape[1], w = a->shape[2];
    OB_REQUIRE(ob_tensor_same_shape(a, b),
               "blend: the images differ in size: the first is %lldx%lld with %lld channel(s), the second "
               "%lldx%lld with %lld",
               w, h, c, (long long)b->shape[2], (long long)b->shape[1], (long long)b->shape[0]);
    OB_REQUIRE(mask->shape[1] == h && mask->shape[2] == w, "blend: the mask is %lldx%lld, the images are %lldx%lld",
               (long long)mask->shape[2], (long long)mask->shape[1], w, h);
    OB_REQUIRE(mask->shape[0] == 1 || mask->shape[0] == c,
               "blend: the mask has %lld channels; it needs 1 (for all channels) or %lld (one per channel)",
               (long long)mask->shape[0], c);
    const float *m = ob_tensor_f32(mask);
    const int64_t n = ob_tensor_numel(mask);
    for (int64_t i = 0; i < n; i++)
        OB_REQUIRE(m[i] >= 0.0f && m[i] <= 1.0f, "blend: mask value %g at (x %lld, y %lld) is outside [0, 1]",
                   (double)m[i], (long long)(i % w), (long long)(i / w % h));
    const int max = ob_pyr_max_levels((int)h, (int)w);
    OB_REQUIRE(levels >= 1 && levels <= max,
               "blend: %d levels for %lldx%lld images; they allow 1..%d (floor(log2 of the shorter side))", levels, w,
               h, max);
    return OB_OK;
}

typedef struct {
    ob_tensor a, b, m, out;      /* the inputs and the output where the backend computes (device only) */
    ob_tensor pa, pb, pm;        /* pyramids */
} work;

static void work_free(work *k)
{
    ob_tensor_free(&k->a), ob_tensor_free(&k->b), ob_tensor_free(&k->m), ob_tensor_free(&k->out);
    ob_tensor_free(&k->pa), ob_tensor_free(&k->pb), ob_tensor_free(&k->pm);
}

/* analyse, mix, collapse into `out` (where the backend computes) */
static ob_status run(ob_ctx *ctx, work *k, ob_tensor *out, const ob_tensor *a, const ob_tensor *b,
                     const ob_tensor *mask, int levels)
{
    const int c = (int)a->shape[0], h = (int)a->shape[1], w = (int)a->shape[2], mc = (int)mask->shape[0];
    const ob_location loc = ob_ctx_location(ctx);
    ob_pyr_shape s, sm;
    OB_TRY(ob_pyr_shape_init(&s, c, h, w, levels));
    OB_TRY(ob_pyr_shape_init(&sm, mc, h, w, levels));
    int64_t n = (int64_t)s.numel, nm = (int64_t)sm.numel;
    OB_TRY(ob_tensor_alloc(&k->pa, OB_F32, loc, 1, &n));
    OB_TRY(ob_tensor_alloc(&k->pb, OB_F32, loc, 1, &n));
    OB_TRY(ob_tensor_alloc(&k->pm, OB_F32, loc, 1, &nm));
    OB_TRY(ob_pyr_build(ctx, &k->pa, a, levels, 0));
    OB_TRY(ob_pyr_build(ctx, &k->pb, b, levels, 0));
    OB_TRY(ob_pyr_build(ctx, &k->pm, mask, levels, 1));
    OB_TRY(ob_pyr_blend(ctx, &k->pa, &k->pb, &k->pm, c, mc, h, w, levels));
    return ob_pyr_collapse(ctx, out, &k->pa, levels);
}

ob_status ob_laplacian_blend(ob_ctx *ctx, ob_tensor *out, const ob_tensor *a, const ob_tensor *b,
                             const ob_tensor *mask, int levels)
{
    OB_REQUIRE(ctx && out, "blend: null context or output");
    OB_TRY(check_inputs(a, b, mask, levels));
    OB_TRY(ob_tensor_alloc(out, OB_F32, OB_HOST, 3, a->shape));
    work k = {0};
    ob_status s;
    if (ob_ctx_location(ctx) == OB_HOST) {
        s = run(ctx, &k, out, a, b, mask, levels);
    } else {
        s = ob_tensor_clone_to(&k.a, a, OB_DEVICE);
        if (s == OB_OK) s = ob_tensor_clone_to(&k.b, b, OB_DEVICE);
        if (s == OB_OK) s = ob_tensor_clone_to(&k.m, mask, OB_DEVICE);
        if (s == OB_OK) s = ob_tensor_alloc(&k.out, OB_F32, OB_DEVICE, 3, a->shape);
        if (s == OB_OK) s = run(ctx, &k, &k.out, &k.a, &k.b, &k.m, levels);
        if (s == OB_OK) s = ob_stream_sync(ob_ctx_stream(ctx));
        if (s == OB_OK) s = ob_tensor_copy(out, &k.out);
    }
    work_free(&k);
    if (s != OB_OK) ob_tensor_free(out);
    return s;
}
