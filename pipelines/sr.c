/* sr.c — ob_sr.h: load a trained SR net, enlarge an image, evaluate by the
 * field's protocol. Stages: colour (RGB <-> YCbCr), enlarge (interpolation or
 * net), protocol (crop, downscale, enlarge, shave, score). */
#include "ob_sr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ob_bt601.h"
#include "ob_checkpoint.h"
#include "ob_layer.h"
#include "ob_zoo.h"

/* ---- colour: MATLAB's rgb2ycbcr / ycbcr2rgb on [0, 1] --------------------- */

void ob_sr_rgb_to_ycbcr(float *p, int64_t n)
{
    const double(*a)[3] = ob_bt601_rgb_to_ycc;
    for (int64_t i = 0; i < n; i++) {
        const double r = p[i], g = p[n + i], b = p[2 * n + i];
        for (int k = 0; k < 3; k++)
            p[k * n + i] = (float)((ob_bt601_offset[k] + a[k][0] * r + a[k][1] * g + a[k][2] * b) / 255.0);
    }
}

/* The inverse of ob_bt601_rgb_to_ycc (by the adjugate, once). */
static void inverse(double inv[3][3])
{
    const double(*a)[3] = ob_bt601_rgb_to_ycc;
    const double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) -
                       a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
                       a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            const int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
            inv[i][j] = (a[r0][c0] * a[r1][c1] - a[r0][c1] * a[r1][c0]) / det;
        }
}

void ob_sr_ycbcr_to_rgb(float *p, int64_t n)
{
    double inv[3][3];
    inverse(inv);
    for (int64_t i = 0; i < n; i++) {
        double v[3];
        for (int k = 0; k < 3; k++) v[k] = 255.0 * p[k * n + i] - ob_bt601_offset[k];
        for (int k = 0; k < 3; k++) p[k * n + i] = (float)(inv[k][0] * v[0] + inv[k][1] * v[1] + inv[k][2] * v[2]);
    }
}

/* ---- upscalers ------------------------------------------------------------- */

ob_status ob_sr_interp(ob_sr_upscaler *u, ob_resize_method method, int scale)
{
    memset(u, 0, sizeof *u);
    OB_REQUIRE(scale >= 2 && scale <= 4, "sr: scale %d outside 2..4", scale);
    OB_REQUIRE(method == OB_RESIZE_NEAREST || method == OB_RESIZE_BILINEAR || method == OB_RESIZE_BICUBIC,
               "sr: enlarge with nearest, bilinear or bicubic, not %s", ob_resize_method_name(method));
    u->method = method, u->scale = scale, u->channels = 3;
    snprintf(u->model, sizeof u->model, "%s", ob_resize_method_name(method));
    return OB_OK;
}

void ob_sr_release(ob_sr_upscaler *u)
{
    if (!u) return;
    ob_model_destroy(u->m);
    memset(u, 0, sizeof *u);
}

static ob_status meta_int(int *out, const ob_checkpoint_meta *meta, const char *key, const char *path)
{
    const char *v = ob_checkpoint_meta_get(meta, key);
    char *end;
    long x = v ? strtol(v, &end, 10) : -1;
    if (!v || *end || x < 1 || x > 1024)
        return OB_FAIL(OB_ERR_FORMAT, "%s: metadata \"%s\" is %s", path, key, v ? v : "missing");
    *out = (int)x;
    return OB_OK;
}

ob_status ob_sr_load(ob_sr_upscaler *u, ob_ctx *ctx, const char *path)
{
    memset(u, 0, sizeof *u);
    ob_checkpoint_meta meta = {0};
    OB_TRY(ob_checkpoint_load(path, NULL, 0, &meta));
    const char *task = ob_checkpoint_meta_get(&meta, "task"), *model = ob_checkpoint_meta_get(&meta, "model");
    const char *ch = ob_checkpoint_meta_get(&meta, "channels");
    ob_status s = OB_OK;
    if (!task || strcmp(task, "sr") || !model || (strcmp(model, "espcn") && strcmp(model, "srcnn")) || !ch ||
        (strcmp(ch, "y") && strcmp(ch, "rgb")))
        s = OB_FAIL(OB_ERR_FORMAT, "%s is not a checkpoint of obscura train sr (task %s, model %s)", path,
                    task ? task : "none", model ? model : "none");
    if (s == OB_OK) s = meta_int(&u->scale, &meta, "scale", path);
    if (s == OB_OK && (u->scale < 2 || u->scale > 4))
        s = OB_FAIL(OB_ERR_FORMAT, "%s: scale %d outside 2..4", path, u->scale);
    if (s == OB_OK) {
        u->net = 1, u->channels = strcmp(ch, "y") ? 3 : 1, u->pre_upscale = strcmp(model, "srcnn") == 0;
        u->tile = 256;
        snprintf(u->model, sizeof u->model, "%s", model);
    }
    ob_checkpoint_meta_free(&meta);
    OB_TRY(s);
    const ob_zoo_opts zo = {.in_channels = u->channels, .scale = u->scale};
    s = ob_zoo_build(&u->m, u->model, &zo);
    if (s == OB_OK) s = ob_model_alloc_params(u->m, ob_ctx_location(ctx));
    if (s == OB_OK) s = ob_checkpoint_load_model(path, u->m->layers, u->m->prefixes, u->m->n_nodes, NULL);
    if (s == OB_OK) s = ob_model_freeze(u->m, 1); /* inference only: weights kept in the kernels' layouts */
    if (s != OB_OK) ob_sr_release(u);
    return s;
}

#ifndef OB_SR_WEIGHTS_DIR
#define OB_SR_WEIGHTS_DIR "data/sr"
#endif

static int exists(const char *p)
{
    FILE *f = fopen(p, "rb");
    if (f) fclose(f);
    return f != NULL;
}

ob_status ob_sr_load_shipped(ob_sr_upscaler *u, ob_ctx *ctx, const char *model, int scale)
{
    memset(u, 0, sizeof u[0]);
    OB_REQUIRE(scale >= 2 && scale <= 4, "sr: scale %d outside 2..4", scale);
    OB_REQUIRE(model && (!strcmp(model, "espcn") || !strcmp(model, "srcnn")), "sr: no shipped '%s' net",
               model ? model : "(null)");
    char exe[4096] = "", cand[3][4600];
    const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) *slash = '\0';
    }
    snprintf(cand[0], sizeof cand[0], "%s/%s_x%d_y.safetensors", OB_SR_WEIGHTS_DIR, model, scale);
    snprintf(cand[1], sizeof cand[1], "%s/../data/sr/%s_x%d_y.safetensors", exe, model, scale);
    snprintf(cand[2], sizeof cand[2], "%s/../share/obscura/sr/%s_x%d_y.safetensors", exe, model, scale);
    for (int i = 0; i < 3; i++)
        if (exists(cand[i])) return ob_sr_load(u, ctx, cand[i]);
    return OB_FAIL(OB_ERR_IO, "no shipped %s x%d weights (looked for %s, %s and %s)", model, scale, cand[0], cand[1],
                   cand[2]);
}

ob_status ob_sr_open(ob_sr_upscaler *u, ob_ctx *ctx, const char *model, int scale)
{
    if (!strcmp(model, "shipped")) return ob_sr_load_shipped(u, ctx, "espcn", scale ? scale : 3);
    if (!strcmp(model, "shipped-srcnn")) return ob_sr_load_shipped(u, ctx, "srcnn", scale ? scale : 3);
    OB_TRY(ob_sr_load(u, ctx, model));
    if (!scale || scale == u->scale) return OB_OK;
    const int have = u->scale;
    ob_sr_release(u);
    return OB_FAIL(OB_ERR_ARG, "%s is a x%d net, not x%d", model, have, scale);
}

/* ---- enlarging one image --------------------------------------------------- */

/* x (c, h, w) host through the net where ctx computes -> y (1, c, H', W')
 * host (its buffer kept from call to call while the tile shape repeats). */
static ob_status run_net(ob_ctx *ctx, const ob_sr_upscaler *u, ob_tensor *y, const float *x, int c, int h, int w)
{
    const int64_t xs[4] = {1, c, h, w};
    ob_tensor hx, dx = {0};
    OB_TRY(ob_tensor_wrap(&hx, (void *)x, OB_F32, OB_HOST, 4, xs));
    const ob_tensor *in = &hx, *out;
    ob_status s = OB_OK;
    if (ob_ctx_location(ctx) != OB_HOST) {
        s = ob_tensor_clone_to(&dx, &hx, ob_ctx_location(ctx));
        in = &dx;
    }
    if (s == OB_OK) s = ob_model_forward(u->m, ctx, &out, in, 0);
    if (s == OB_OK) s = ob_tensor_ensure(y, OB_F32, OB_HOST, out->ndim, out->shape);
    if (s == OB_OK) s = ob_tensor_copy(y, out);
    ob_tensor_free(&dx);
    return s;
}

int ob_sr_halo(const ob_sr_upscaler *u) { return u->pre_upscale ? 3 : 4; }

/* The net over x (c, h, w) in tiles: tile (ty, tx) covers input rows
 * [ty, ty + t) and columns [tx, tx + t), read with `halo` more on each side
 * where the image has them; of its output the part that belongs to the tile
 * (scale f: 1 for SRCNN, r for ESPCN) goes to y (c, f h, f w). */
static ob_status run_tiled(ob_ctx *ctx, const ob_sr_upscaler *u, float *y, const float *x, int c, int h, int w)
{
    const int f = u->pre_upscale ? 1 : u->scale, halo = ob_sr_halo(u);
    const int t = u->tile > 0 ? u->tile : (h > w ? h : w);
    const int64_t ow = (int64_t)w * f, oh = (int64_t)h * f;
    float *in = malloc(sizeof(float) * (size_t)c * (size_t)(t + 2 * halo) * (size_t)(t + 2 * halo));
    if (!in) return OB_FAIL(OB_ERR_NOMEM, "sr: no memory for a %dx%d tile", t + 2 * halo, t + 2 * halo);
    ob_tensor out = {0};
    ob_status s = OB_OK;
    for (int ty = 0; ty < h && s == OB_OK; ty += t)
        for (int tx = 0; tx < w && s == OB_OK; tx += t) {
            const int y0 = ty - halo > 0 ? ty - halo : 0, x0 = tx - halo > 0 ? tx - halo : 0;
            const int y1 = ty + t + halo < h ? ty + t + halo : h, x1 = tx + t + halo < w ? tx + t + halo : w;
            const int th = y1 - y0, tw = x1 - x0;
            for (int k = 0; k < c; k++)
                for (int yy = 0; yy < th; yy++)
                    memcpy(in + ((int64_t)k * th + yy) * tw, x + ((int64_t)k * h + y0 + yy) * w + x0,
                           sizeof(float) * (size_t)tw);
            s = run_net(ctx, u, &out, in, c, th, tw);
            if (s != OB_OK) break;
            /* the tile's own part: rows ty..min(ty+t, h) of the input, times f */
            const int ry = (ty - y0) * f, rx = (tx - x0) * f;
            const int rh = ((ty + t < h ? ty + t : h) - ty) * f, rw = ((tx + t < w ? tx + t : w) - tx) * f;
            const float *o = ob_tensor_f32(&out);
            for (int k = 0; k < c; k++)
                for (int yy = 0; yy < rh; yy++)
                    memcpy(y + ((int64_t)k * oh + (int64_t)ty * f + yy) * ow + (int64_t)tx * f,
                           o + ((int64_t)k * th * f + ry + yy) * tw * f + rx, sizeof(float) * (size_t)rw);
        }
    ob_tensor_free(&out);
    free(in);
    return s;
}

/* lr as 3 RGB planes (gray replicated, alpha dropped). */
static ob_status rgb_of(ob_tensor *rgb, const ob_tensor *img)
{
    char sh[64];
    OB_REQUIRE(img->ndim == 3 && img->shape[0] >= 1 && img->shape[0] <= 4 && img->dtype == OB_F32 &&
                   img->loc == OB_HOST,
               "sr: expected a host (C, H, W) float image with 1..4 channels, got %s",
               ob_tensor_shape_str(img, sh, sizeof sh));
    const int64_t c = img->shape[0], hw = img->shape[1] * img->shape[2];
    const int64_t shape[3] = {3, img->shape[1], img->shape[2]};
    OB_TRY(ob_tensor_alloc(rgb, OB_F32, OB_HOST, 3, shape));
    const float *p = ob_tensor_f32(img);
    float *q = ob_tensor_f32(rgb);
    for (int k = 0; k < 3; k++) memcpy(q + k * hw, p + (c >= 3 ? k : 0) * hw, sizeof(float) * (size_t)hw);
    return OB_OK;
}

static void clip01(float *p, int64_t n)
{
    for (int64_t i = 0; i < n; i++) p[i] = p[i] < 0.f ? 0.f : p[i] > 1.f ? 1.f : p[i];
}

ob_status ob_sr_upscale(ob_ctx *ctx, const ob_sr_upscaler *u, ob_tensor *out, const ob_tensor *lr)
{
    ob_tensor rgb = {0}, up = {0}, net = {0};
    OB_TRY(rgb_of(&rgb, lr));
    const int h = (int)rgb.shape[1], w = (int)rgb.shape[2], r = u->scale, H = h * r, W = w * r;
    const int64_t hs[3] = {3, H, W}, n = (int64_t)H * W;
    ob_resize_method m = u->net ? OB_RESIZE_BICUBIC : u->method;
    ob_status s = ob_tensor_alloc(&up, OB_F32, OB_HOST, 3, hs);
    /* the interpolation, or the net's colour (Cb, Cr) and SRCNN's input */
    if (s == OB_OK) s = ob_resize_cpu(ob_tensor_f32(&up), ob_tensor_f32(&rgb), 3, h, w, H, W, m);
    if (s == OB_OK && u->net) {
        float *hp = ob_tensor_f32(&up);
        const int c = u->channels;
        if (c == 1) ob_sr_rgb_to_ycbcr(hp, n);
        if (c == 1 && !u->pre_upscale) ob_sr_rgb_to_ycbcr(ob_tensor_f32(&rgb), (int64_t)h * w);
        if (u->pre_upscale) {
            /* SRCNN reads the enlargement it replaces (halos overlap): a plane set of its own */
            const int64_t ns[3] = {c, H, W};
            s = ob_tensor_alloc(&net, OB_F32, OB_HOST, 3, ns);
            if (s == OB_OK) s = run_tiled(ctx, u, ob_tensor_f32(&net), hp, c, H, W);
            if (s == OB_OK) memcpy(hp, net.data, sizeof(float) * (size_t)(c * n));
        } else {
            /* ESPCN reads the LR planes: its output goes straight over Y (or RGB) */
            s = run_tiled(ctx, u, hp, ob_tensor_f32(&rgb), c, h, w);
        }
        if (s == OB_OK && c == 1) ob_sr_ycbcr_to_rgb(hp, n);
    }
    if (s == OB_OK) clip01(ob_tensor_f32(&up), 3 * n);
    ob_tensor_free(&rgb), ob_tensor_free(&net);
    if (s != OB_OK) {
        ob_tensor_free(&up);
        return s;
    }
    ob_tensor_free(out);
    *out = up;
    return OB_OK;
}

/* ---- the protocol ---------------------------------------------------------- */

/* (C, H - 2b, W - 2b) copy of the interior of t. */
static ob_status shave(ob_tensor *out, const ob_tensor *t, int b)
{
    const int64_t c = t->shape[0], h = t->shape[1], w = t->shape[2];
    const int64_t shape[3] = {c, h - 2 * b, w - 2 * b};
    OB_TRY(ob_tensor_alloc(out, OB_F32, OB_HOST, 3, shape));
    const float *p = ob_tensor_f32(t);
    float *q = ob_tensor_f32(out);
    for (int64_t k = 0; k < c; k++)
        for (int64_t y = 0; y < shape[1]; y++)
            memcpy(q + (k * shape[1] + y) * shape[2], p + (k * h + y + b) * w + b, sizeof(float) * (size_t)shape[2]);
    return OB_OK;
}

ob_status ob_sr_evaluate(ob_ctx *ctx, const ob_sr_upscaler *u, ob_quality *y, ob_tensor *enlarged, const ob_tensor *hr)
{
    ob_tensor rgb = {0}, crop = {0}, lr = {0}, sr = {0}, a = {0}, b = {0};
    OB_TRY(rgb_of(&rgb, hr));
    const int r = u->scale, h = (int)rgb.shape[1] / r, w = (int)rgb.shape[2] / r;
    ob_status s = h * r >= 3 * r + 1 && w * r >= 3 * r + 1
                      ? OB_OK
                      : OB_FAIL(OB_ERR_ARG, "sr: a %lldx%lld image is too small to evaluate at x%d",
                                (long long)rgb.shape[2], (long long)rgb.shape[1], r);
    const int64_t cs[3] = {3, (int64_t)h * r, (int64_t)w * r}, ls[3] = {3, h, w};
    /* crop to multiples of r, top-left, as MATLAB's modcrop */
    if (s == OB_OK) s = ob_tensor_alloc(&crop, OB_F32, OB_HOST, 3, cs);
    for (int64_t k = 0; s == OB_OK && k < 3; k++)
        for (int64_t yy = 0; yy < cs[1]; yy++)
            memcpy(ob_tensor_f32(&crop) + (k * cs[1] + yy) * cs[2],
                   ob_tensor_f32(&rgb) + (k * rgb.shape[1] + yy) * rgb.shape[2], sizeof(float) * (size_t)cs[2]);
    if (s == OB_OK) s = ob_tensor_alloc(&lr, OB_F32, OB_HOST, 3, ls);
    if (s == OB_OK)
        s = ob_resize_cpu(ob_tensor_f32(&lr), ob_tensor_f32(&crop), 3, (int)cs[1], (int)cs[2], h, w,
                          OB_RESIZE_BICUBIC_AA);
    if (s == OB_OK) clip01(ob_tensor_f32(&lr), 3 * (int64_t)h * w); /* an 8-bit LR image would be in range */
    if (s == OB_OK) s = ob_sr_upscale(ctx, u, &sr, &lr);
    if (s == OB_OK) s = shave(&a, &crop, r);
    if (s == OB_OK) s = shave(&b, &sr, r);
    ob_metrics_result m;
    if (s == OB_OK) s = ob_image_metrics(ctx, &m, &a, &b, 1.0);
    if (s == OB_OK) *y = m.y;
    if (s == OB_OK && enlarged) *enlarged = sr, sr = (ob_tensor){0};
    ob_tensor_free(&rgb), ob_tensor_free(&crop), ob_tensor_free(&lr), ob_tensor_free(&sr);
    ob_tensor_free(&a), ob_tensor_free(&b);
    return s;
}
