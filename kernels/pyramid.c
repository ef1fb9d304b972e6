/* pyramid.c — what every pyramid path shares: size checks, the level layout,
 * the multi-level schedule (build, collapse, blend) over a path's ops, and the
 * tensor-level entry points. */
#include "pyramid.h"

#include <stdio.h>

#include "ob_dispatch.h"

int ob_pyr_max_levels(int h, int w)
{
    int m = h < w ? h : w, l = 0;
    while (m >= 2) m >>= 1, l++;
    return l > 1 ? l : 1;
}

int ob_pyr_deep_levels(int h, int w)
{
    int m = h < w ? h : w, l = 1;
    while (m >= 2) m >>= 1, l++;
    return l;
}

ob_status ob_pyr_check(const char *op, int planes, int h, int w)
{
    OB_REQUIRE(planes >= 1 && h >= 1 && w >= 1, "pyramid %s: sizes must be >= 1 (planes %d, %dx%d)", op, planes, h,
               w);
    return OB_OK;
}

ob_status ob_pyr_check_expand(int planes, int h, int w, int oh, int ow)
{
    OB_TRY(ob_pyr_check("expand", planes, h, w));
    OB_REQUIRE(oh >= 1 && ow >= 1 && (oh + 1) / 2 == h && (ow + 1) / 2 == w,
               "pyramid expand: %dx%d cannot expand to %dx%d (each side must become 2n or 2n-1)", h, w, oh, ow);
    return OB_OK;
}

ob_status ob_pyr_shape_init(ob_pyr_shape *s, int planes, int h, int w, int levels)
{
    OB_TRY(ob_pyr_check("build", planes, h, w));
    const int max = ob_pyr_deep_levels(h, w);
    OB_REQUIRE(levels >= 1 && levels <= max,
               "pyramid: %d levels for a %dx%d (W x H) image; it allows 1..%d (floor(log2 of the shorter side) + 1)",
               levels, w, h, max);
    s->planes = planes, s->levels = levels;
    size_t at = 0;
    for (int k = 0; k < levels; k++) {
        s->h[k] = k ? (s->h[k - 1] + 1) / 2 : h;
        s->w[k] = k ? (s->w[k - 1] + 1) / 2 : w;
        s->offset[k] = at;
        at += (size_t)planes * s->h[k] * s->w[k];
    }
    s->numel = at;
    return OB_OK;
}

/* ---- the schedule (Burt & Adelson 1983), one for every path ----------------- */

ob_status ob_pyr_gaussian_with(const ob_pyr_ops *ops, float *pyr, const float *img, int planes, int h, int w,
                               int levels, const ob_launch_cfg *cfg)
{
    ob_pyr_shape s;
    OB_TRY(ob_pyr_shape_init(&s, planes, h, w, levels));
    OB_REQUIRE(pyr && img, "pyramid: null pointer");
    OB_TRY(ops->copy(pyr, img, (size_t)planes * h * w, cfg));
    for (int k = 0; k + 1 < levels; k++)
        OB_TRY(ops->reduce(pyr + s.offset[k + 1], pyr + s.offset[k], planes, s.h[k], s.w[k], cfg));
    return OB_OK;
}

/* L_k = G_k - expand(G_{k+1}) in place, bottom up, so G_{k+1} is still Gaussian when read. */
ob_status ob_pyr_laplacian_with(const ob_pyr_ops *ops, float *pyr, const float *img, int planes, int h, int w,
                                int levels, const ob_launch_cfg *cfg)
{
    ob_pyr_shape s;
    OB_TRY(ob_pyr_gaussian_with(ops, pyr, img, planes, h, w, levels, cfg));
    OB_TRY(ob_pyr_shape_init(&s, planes, h, w, levels));
    for (int k = 0; k + 1 < levels; k++) {
        float *g = pyr + s.offset[k];
        OB_TRY(ops->expand(g, pyr + s.offset[k + 1], g, -1.0f, planes, s.h[k + 1], s.w[k + 1], s.h[k], s.w[k], cfg));
    }
    return OB_OK;
}

/* G_k = L_k + expand(G_{k+1}) from the top; level 0 goes to img. */
ob_status ob_pyr_collapse_with(const ob_pyr_ops *ops, float *img, float *pyr, int planes, int h, int w, int levels,
                               const ob_launch_cfg *cfg)
{
    ob_pyr_shape s;
    OB_TRY(ob_pyr_shape_init(&s, planes, h, w, levels));
    OB_REQUIRE(pyr && img, "pyramid: null pointer");
    if (levels == 1) return ops->copy(img, pyr, (size_t)planes * h * w, cfg);
    for (int k = levels - 2; k >= 0; k--) {
        float *l = pyr + s.offset[k], *dst = k ? l : img;
        OB_TRY(ops->expand(dst, pyr + s.offset[k + 1], l, 1.0f, planes, s.h[k + 1], s.w[k + 1], s.h[k], s.w[k], cfg));
    }
    return OB_OK;
}

ob_status ob_pyr_blend_with(const ob_pyr_ops *ops, float *pyr, const float *pyr_b, const float *mask_pyr, int planes,
                            int mask_planes, int h, int w, int levels, const ob_launch_cfg *cfg)
{
    ob_pyr_shape s, sm;
    OB_REQUIRE(mask_planes == 1 || mask_planes == planes, "pyramid blend: a mask of %d planes for %d planes (need 1 or %d)",
               mask_planes, planes, planes);
    OB_TRY(ob_pyr_shape_init(&s, planes, h, w, levels));
    OB_TRY(ob_pyr_shape_init(&sm, mask_planes, h, w, levels));
    OB_REQUIRE(pyr && pyr_b && mask_pyr, "pyramid blend: null pointer");
    for (int k = 0; k < levels; k++)
        OB_TRY(ops->mix(pyr + s.offset[k], pyr + s.offset[k], pyr_b + s.offset[k], mask_pyr + sm.offset[k], planes,
                        mask_planes, (size_t)s.h[k] * s.w[k], cfg));
    return OB_OK;
}

ob_status ob_pyr_accumulate_with(const ob_pyr_ops *ops, float *acc, const float *pyr, const float *w_pyr, int planes,
                                 int w_planes, int h, int w, int levels, const ob_launch_cfg *cfg)
{
    ob_pyr_shape s, sw;
    OB_REQUIRE(w_planes == 1 || w_planes == planes,
               "pyramid accumulate: a weight of %d planes for %d planes (need 1 or %d)", w_planes, planes, planes);
    OB_TRY(ob_pyr_shape_init(&s, planes, h, w, levels));
    OB_TRY(ob_pyr_shape_init(&sw, w_planes, h, w, levels));
    OB_REQUIRE(acc && pyr && w_pyr, "pyramid accumulate: null pointer");
    for (int k = 0; k < levels; k++)
        OB_TRY(ops->accum(acc + s.offset[k], pyr + s.offset[k], w_pyr + sw.offset[k], planes, w_planes,
                          (size_t)s.h[k] * s.w[k], cfg));
    return OB_OK;
}

/* ---- tensors ---------------------------------------------------------------- */

/* A (C, H, W) image where the context computes, sizes as ints. */
static ob_status image_dims(const ob_tensor *t, const char *what, ob_ctx *ctx, int *c, int *h, int *w)
{
    char s[64];
    OB_TRY(ob_check_f32(t, what, ctx, 3));
    OB_REQUIRE(t->shape[0] <= 0x7fffffff && t->shape[1] <= 0x7fffffff && t->shape[2] <= 0x7fffffff,
               "%s: dimension too large %s", what, ob_tensor_shape_str(t, s, sizeof s));
    *c = (int)t->shape[0], *h = (int)t->shape[1], *w = (int)t->shape[2];
    return OB_OK;
}

/* A 1-D pyramid tensor of exactly `numel` floats. */
static ob_status pyr_tensor(const ob_tensor *t, const char *what, ob_ctx *ctx, size_t numel)
{
    char s[64];
    OB_TRY(ob_check_f32(t, what, ctx, 1));
    OB_REQUIRE((size_t)t->shape[0] == numel, "%s: shape %s, the pyramid needs (%zu)", what,
               ob_tensor_shape_str(t, s, sizeof s), numel);
    return OB_OK;
}

static ob_status same_planes(const ob_tensor *out, const ob_tensor *in, const char *op)
{
    char a[64], b[64];
    OB_REQUIRE(out->shape[0] == in->shape[0], "pyramid %s: channels differ: %s -> %s", op,
               ob_tensor_shape_str(in, a, sizeof a), ob_tensor_shape_str(out, b, sizeof b));
    return OB_OK;
}

ob_status ob_pyr_blur(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in)
{
    int c = 0, h = 0, w = 0, oc = 0, oh = 0, ow = 0;
    char a[64], b[64];
    OB_TRY(image_dims(in, "pyramid blur: input", ctx, &c, &h, &w));
    OB_TRY(image_dims(out, "pyramid blur: output", ctx, &oc, &oh, &ow));
    OB_REQUIRE(ob_tensor_same_shape(in, out), "pyramid blur: output %s differs from input %s",
               ob_tensor_shape_str(out, b, sizeof b), ob_tensor_shape_str(in, a, sizeof a));
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) return ob_pyr_blur_cpu(ob_tensor_f32(out), ob_tensor_f32(in), c, h, w);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_pyr_blur_cuda(ob_tensor_f32(out), ob_tensor_f32(in), c, h, w, &cfg));
}

ob_status ob_pyr_reduce(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in)
{
    int c = 0, h = 0, w = 0, oc = 0, oh = 0, ow = 0;
    char a[64], b[64];
    OB_TRY(image_dims(in, "pyramid reduce: input", ctx, &c, &h, &w));
    OB_TRY(image_dims(out, "pyramid reduce: output", ctx, &oc, &oh, &ow));
    OB_TRY(same_planes(out, in, "reduce"));
    OB_REQUIRE(oh == (h + 1) / 2 && ow == (w + 1) / 2, "pyramid reduce: %s reduces to (%d, %d, %d), not %s",
               ob_tensor_shape_str(in, a, sizeof a), c, (h + 1) / 2, (w + 1) / 2,
               ob_tensor_shape_str(out, b, sizeof b));
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) return ob_pyr_reduce_cpu(ob_tensor_f32(out), ob_tensor_f32(in), c, h, w);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_pyr_reduce_cuda(ob_tensor_f32(out), ob_tensor_f32(in), c, h, w, &cfg));
}

ob_status ob_pyr_expand(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in, const ob_tensor *base, float scale)
{
    int c = 0, h = 0, w = 0, oc = 0, oh = 0, ow = 0;
    char a[64], b[64];
    OB_TRY(image_dims(in, "pyramid expand: input", ctx, &c, &h, &w));
    OB_TRY(image_dims(out, "pyramid expand: output", ctx, &oc, &oh, &ow));
    OB_TRY(same_planes(out, in, "expand"));
    if (base) {
        OB_TRY(ob_check_f32(base, "pyramid expand: base", ctx, 3));
        OB_REQUIRE(ob_tensor_same_shape(base, out), "pyramid expand: base %s differs from output %s",
                   ob_tensor_shape_str(base, a, sizeof a), ob_tensor_shape_str(out, b, sizeof b));
    }
    const float *pb = base ? ob_tensor_f32(base) : NULL;
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU)
        return ob_pyr_expand_cpu(ob_tensor_f32(out), ob_tensor_f32(in), pb, scale, c, h, w, oh, ow);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_pyr_expand_cuda(ob_tensor_f32(out), ob_tensor_f32(in), pb, scale, c, h, w, oh, ow, &cfg));
}

ob_status ob_pyr_build(ob_ctx *ctx, ob_tensor *pyr, const ob_tensor *img, int levels, int gaussian)
{
    int c = 0, h = 0, w = 0;
    ob_pyr_shape s;
    OB_TRY(image_dims(img, "pyramid: image", ctx, &c, &h, &w));
    OB_TRY(ob_pyr_shape_init(&s, c, h, w, levels));
    OB_TRY(pyr_tensor(pyr, "pyramid: output", ctx, s.numel));
    float *p = ob_tensor_f32(pyr);
    const float *x = ob_tensor_f32(img);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU)
        return gaussian ? ob_pyr_gaussian_cpu(p, x, c, h, w, levels) : ob_pyr_laplacian_cpu(p, x, c, h, w, levels);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(gaussian ? ob_pyr_gaussian_cuda(p, x, c, h, w, levels, &cfg)
                                 : ob_pyr_laplacian_cuda(p, x, c, h, w, levels, &cfg));
}

ob_status ob_pyr_collapse(ob_ctx *ctx, ob_tensor *img, ob_tensor *pyr, int levels)
{
    int c = 0, h = 0, w = 0;
    ob_pyr_shape s;
    OB_TRY(image_dims(img, "pyramid collapse: output", ctx, &c, &h, &w));
    OB_TRY(ob_pyr_shape_init(&s, c, h, w, levels));
    OB_TRY(pyr_tensor(pyr, "pyramid collapse: pyramid", ctx, s.numel));
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU)
        return ob_pyr_collapse_cpu(ob_tensor_f32(img), ob_tensor_f32(pyr), c, h, w, levels);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_pyr_collapse_cuda(ob_tensor_f32(img), ob_tensor_f32(pyr), c, h, w, levels, &cfg));
}

/* The pyramids of a level-by-level op (blend, accumulate): x and y of `planes`
 * planes and m of m_planes (1 or planes), each checked as `names` call them. */
static ob_status level_op_tensors(ob_ctx *ctx, const char *op, const char *const names[3], const ob_tensor *x,
                                  const ob_tensor *y, const ob_tensor *m, int planes, int m_planes, int h, int w,
                                  int levels)
{
    ob_pyr_shape s, sm;
    char what[3][96];
    OB_REQUIRE(m_planes == 1 || m_planes == planes, "pyramid %s: a %s of %d planes for %d planes (need 1 or %d)", op,
               names[2], m_planes, planes, planes);
    OB_TRY(ob_pyr_shape_init(&s, planes, h, w, levels));
    OB_TRY(ob_pyr_shape_init(&sm, m_planes, h, w, levels));
    for (int k = 0; k < 3; k++) snprintf(what[k], sizeof what[k], "pyramid %s: %s", op, names[k]);
    OB_TRY(pyr_tensor(x, what[0], ctx, s.numel));
    OB_TRY(pyr_tensor(y, what[1], ctx, s.numel));
    return pyr_tensor(m, what[2], ctx, sm.numel);
}

ob_status ob_pyr_blend(ob_ctx *ctx, ob_tensor *pyr, const ob_tensor *pyr_b, const ob_tensor *mask_pyr, int planes,
                       int mask_planes, int h, int w, int levels)
{
    static const char *const names[3] = {"first pyramid", "second pyramid", "mask pyramid"};
    OB_TRY(level_op_tensors(ctx, "blend", names, pyr, pyr_b, mask_pyr, planes, mask_planes, h, w, levels));
    float *p = ob_tensor_f32(pyr);
    const float *pb = ob_tensor_f32(pyr_b), *pm = ob_tensor_f32(mask_pyr);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU)
        return ob_pyr_blend_cpu(p, pb, pm, planes, mask_planes, h, w, levels);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_pyr_blend_cuda(p, pb, pm, planes, mask_planes, h, w, levels, &cfg));
}

ob_status ob_pyr_accumulate(ob_ctx *ctx, ob_tensor *acc, const ob_tensor *pyr, const ob_tensor *w_pyr, int planes,
                            int w_planes, int h, int w, int levels)
{
    static const char *const names[3] = {"accumulator", "pyramid", "weight pyramid"};
    OB_TRY(level_op_tensors(ctx, "accumulate", names, acc, pyr, w_pyr, planes, w_planes, h, w, levels));
    float *pa = ob_tensor_f32(acc);
    const float *pp = ob_tensor_f32(pyr), *pw = ob_tensor_f32(w_pyr);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU)
        return ob_pyr_accumulate_cpu(pa, pp, pw, planes, w_planes, h, w, levels);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_pyr_accumulate_cuda(pa, pp, pw, planes, w_planes, h, w, levels, &cfg));
}
