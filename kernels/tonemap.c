/* tonemap.c — the argument checks both tone-mapping paths share, and the
 * tensor-level entry points (shape checks, then the CPU or CUDA path). */
#include "tonemap.h"

#include <stdio.h>

#include "ob_dispatch.h"

ob_status ob_tonemap_check(const char *stage, size_t n, int ok_pointers)
{
    OB_REQUIRE(ok_pointers, "tonemap %s: null pointer", stage);
    OB_REQUIRE(n >= 1, "tonemap %s: empty input (n = 0)", stage);
    OB_REQUIRE(n <= (size_t)OB_TENSOR_MAX_ELEMS, "tonemap %s: %zu elements, more than the limit of %lld", stage, n,
               (long long)OB_TENSOR_MAX_ELEMS);
    return OB_OK;
}

ob_status ob_tonemap_check_param(const char *stage, const char *name, float v, int must_be_positive)
{
    OB_REQUIRE(isfinite(v), "tonemap %s: %s = %g is not finite", stage, name, v);
    OB_REQUIRE(!must_be_positive || v > 0.f, "tonemap %s: %s = %g must be > 0", stage, name, v);
    return OB_OK;
}

/* ---- tensor shapes ----------------------------------------------------------- */

/* t is float32 where ctx computes, with `planes` planes of h x w:
 * (planes, H, W), or also (H, W) for a single plane. */
static ob_status planes_arg(const ob_tensor *t, int planes, const char *stage, const char *what, const ob_ctx *ctx,
                            const ob_tensor *like)
{
    char s[64], l[64], name[96];
    snprintf(name, sizeof name, "tonemap %s: %s", stage, what);
    OB_TRY(ob_check_f32(t, name, ctx, 0));
    const int ok = (t->ndim == 3 && t->shape[0] == planes) || (planes == 1 && t->ndim == 2);
    OB_REQUIRE(ok, "%s: expected (%d, H, W)%s, got %s", name, planes, planes == 1 ? " or (H, W)" : "",
               ob_tensor_shape_str(t, s, sizeof s));
    if (like)
        OB_REQUIRE(t->shape[t->ndim - 1] == like->shape[like->ndim - 1] &&
                       t->shape[t->ndim - 2] == like->shape[like->ndim - 2],
                   "%s: size %s differs from %s", name, ob_tensor_shape_str(t, s, sizeof s),
                   ob_tensor_shape_str(like, l, sizeof l));
    return OB_OK;
}

/* Pixels of an image checked by planes_arg. */
static size_t pixels(const ob_tensor *t) { return (size_t)(t->shape[t->ndim - 1] * t->shape[t->ndim - 2]); }

/* An output and up to two inputs of the given plane counts (0: absent), one size. */
static ob_status stage_args(size_t *n, const ob_ctx *ctx, const char *stage, const ob_tensor *out, int out_planes,
                            const ob_tensor *a, int a_planes, const ob_tensor *b, int b_planes)
{
    OB_TRY(planes_arg(out, out_planes, stage, "output", ctx, NULL));
    OB_TRY(planes_arg(a, a_planes, stage, "first input", ctx, out));
    if (b_planes) OB_TRY(planes_arg(b, b_planes, stage, "second input", ctx, out));
    *n = pixels(out);
    return OB_OK;
}

/* Same number of elements, any shapes (elementwise over values, not pixels). */
static ob_status values_args(size_t *n, const ob_ctx *ctx, const char *stage, const ob_tensor *out,
                             const ob_tensor *in)
{
    char name[64];
    snprintf(name, sizeof name, "tonemap %s: output", stage);
    OB_TRY(ob_check_f32(out, name, ctx, 0));
    snprintf(name, sizeof name, "tonemap %s: input", stage);
    OB_TRY(ob_check_f32(in, name, ctx, 0));
    *n = (size_t)ob_tensor_numel(in);
    OB_REQUIRE((size_t)ob_tensor_numel(out) == *n, "tonemap %s: output has %lld values, input %zu", stage,
               (long long)ob_tensor_numel(out), *n);
    return OB_OK;
}

static int on_cpu(const ob_ctx *ctx) { return ob_ctx_backend(ctx) == OB_BACKEND_CPU; }

#define F32(t) ob_tensor_f32(t)

/* ---- entry points: checks, then the CPU or CUDA path ------------------------------ */

ob_status ob_tonemap_clean(ob_ctx *ctx, ob_tensor *dst, const ob_tensor *src)
{
    size_t n;
    OB_TRY(values_args(&n, ctx, "clean", dst, src));
    if (on_cpu(ctx)) return ob_tonemap_clean_cpu(F32(dst), F32(src), n);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_tonemap_clean_cuda(F32(dst), F32(src), n, &cfg));
}

ob_status ob_tonemap_intensity(ob_ctx *ctx, ob_tensor *i, const ob_tensor *rgb)
{
    size_t n;
    OB_TRY(stage_args(&n, ctx, "intensity", i, 1, rgb, 3, NULL, 0));
    if (on_cpu(ctx)) return ob_tonemap_intensity_cpu(F32(i), F32(rgb), n);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_tonemap_intensity_cuda(F32(i), F32(rgb), n, &cfg));
}

ob_status ob_tonemap_chroma(ob_ctx *ctx, ob_tensor *chroma, const ob_tensor *rgb, const ob_tensor *i)
{
    size_t n;
    OB_TRY(stage_args(&n, ctx, "chroma", chroma, 3, rgb, 3, i, 1));
    if (on_cpu(ctx)) return ob_tonemap_chroma_cpu(F32(chroma), F32(rgb), F32(i), n);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_tonemap_chroma_cuda(F32(chroma), F32(rgb), F32(i), n, &cfg));
}

ob_status ob_tonemap_log2(ob_ctx *ctx, ob_tensor *l, const ob_tensor *i, float floor_)
{
    size_t n;
    OB_TRY(stage_args(&n, ctx, "log2", l, 1, i, 1, NULL, 0));
    if (on_cpu(ctx)) return ob_tonemap_log2_cpu(F32(l), F32(i), n, floor_);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_tonemap_log2_cuda(F32(l), F32(i), n, floor_, &cfg));
}

ob_status ob_tonemap_detail(ob_ctx *ctx, ob_tensor *d, const ob_tensor *l, const ob_tensor *b)
{
    size_t n;
    OB_TRY(stage_args(&n, ctx, "detail", d, 1, l, 1, b, 1));
    if (on_cpu(ctx)) return ob_tonemap_detail_cpu(F32(d), F32(l), F32(b), n);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_tonemap_detail_cuda(F32(d), F32(l), F32(b), n, &cfg));
}

ob_status ob_tonemap_base_scale(ob_ctx *ctx, ob_tensor *bs, const ob_tensor *b, float bmax, float scale)
{
    size_t n;
    OB_TRY(stage_args(&n, ctx, "base_scale", bs, 1, b, 1, NULL, 0));
    if (on_cpu(ctx)) return ob_tonemap_base_scale_cpu(F32(bs), F32(b), n, bmax, scale);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_tonemap_base_scale_cuda(F32(bs), F32(b), n, bmax, scale, &cfg));
}

ob_status ob_tonemap_exp2(ob_ctx *ctx, ob_tensor *io, const ob_tensor *bs, const ob_tensor *d)
{
    size_t n;
    OB_TRY(stage_args(&n, ctx, "exp2", io, 1, bs, 1, d, 1));
    if (on_cpu(ctx)) return ob_tonemap_exp2_cpu(F32(io), F32(bs), F32(d), n);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_tonemap_exp2_cuda(F32(io), F32(bs), F32(d), n, &cfg));
}

ob_status ob_tonemap_colour(ob_ctx *ctx, ob_tensor *rgb, const ob_tensor *chroma, const ob_tensor *io)
{
    size_t n;
    OB_TRY(stage_args(&n, ctx, "colour", rgb, 3, chroma, 3, io, 1));
    if (on_cpu(ctx)) return ob_tonemap_colour_cpu(F32(rgb), F32(chroma), F32(io), n);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_tonemap_colour_cuda(F32(rgb), F32(chroma), F32(io), n, &cfg));
}

ob_status ob_tonemap_reinhard(ob_ctx *ctx, ob_tensor *ld, const ob_tensor *i, float a)
{
    size_t n;
    OB_TRY(stage_args(&n, ctx, "reinhard", ld, 1, i, 1, NULL, 0));
    if (on_cpu(ctx)) return ob_tonemap_reinhard_cpu(F32(ld), F32(i), n, a);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_tonemap_reinhard_cuda(F32(ld), F32(i), n, a, &cfg));
}

ob_status ob_tonemap_display(ob_ctx *ctx, ob_tensor *out, const ob_tensor *in, float scale, float gamma)
{
    size_t n;
    OB_TRY(values_args(&n, ctx, "display", out, in));
    if (on_cpu(ctx)) return ob_tonemap_display_cpu(F32(out), F32(in), n, scale, gamma);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_tonemap_display_cuda(F32(out), F32(in), n, scale, gamma, &cfg));
}

ob_status ob_tonemap_stats_of(ob_ctx *ctx, ob_tonemap_stats *s, const ob_tensor *x)
{
    OB_TRY(ob_check_f32(x, "tonemap stats: input", ctx, 0));
    const size_t n = (size_t)ob_tensor_numel(x);
    if (on_cpu(ctx)) return ob_tonemap_stats_cpu(s, F32(x), n);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    return OB_CUDA_PATH(ob_tonemap_stats_cuda(s, F32(x), n, &cfg));
}
