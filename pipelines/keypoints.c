/* keypoints.c — ob_keypoints.h: a trained keypoint net loaded and run, its
 * errors, and the pictures of its points. */
#include "ob_keypoints.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_checkpoint.h"
#include "ob_zoo.h"
#include "spatial_softmax.h"

const char *const ob_kp_crop_names[] = {"auto", "box", "landmarks", "none"};

void ob_kp_net_free(ob_kp_net *net)
{
    ob_model_destroy(net->m);
    free(net->info.mean_shape);
    memset(net, 0, sizeof *net);
}

static ob_status meta_info(ob_kp_net_info *in, const ob_checkpoint_meta *meta, const char *path)
{
    const char *task = ob_checkpoint_meta_get(meta, "task"), *model = ob_checkpoint_meta_get(meta, "model");
    const char *k = ob_checkpoint_meta_get(meta, "keypoints"), *input = ob_checkpoint_meta_get(meta, "input");
    const char *crop = ob_checkpoint_meta_get(meta, "crop"), *margin = ob_checkpoint_meta_get(meta, "margin");
    const char *feat = ob_checkpoint_meta_get(meta, "features"), *mean = ob_checkpoint_meta_get(meta, "mean_shape");
    if (!task || strcmp(task, "keypoints") || !model || !ob_zoo_is_keypoint_net(model) || !k || !input || !crop ||
        !margin)
        return OB_FAIL(OB_ERR_FORMAT, "%s is not a checkpoint of obscura train keypoints (task %s, model %s)", path,
                       task ? task : "none", model ? model : "none");
    snprintf(in->model, sizeof in->model, "%s", model);
    char tail;
    if (sscanf(k, "%d%c", &in->k, &tail) != 1 || in->k < 1 || in->k > OB_DATASET_MAX_KEYPOINTS ||
        sscanf(input, "%dx%dx%d%c", &in->c, &in->h, &in->w, &tail) != 3 || (in->c != 1 && in->c != 3))
        return OB_FAIL(OB_ERR_FORMAT, "%s: malformed keypoints or input in the metadata", path);
    in->crop = OB_KP_CROP_AUTO;
    for (int i = 0; i < 4; i++)
        if (!strcmp(crop, ob_kp_crop_names[i])) in->crop = (ob_kp_crop_kind)i;
    in->margin = strtof(margin, NULL);
    in->features = feat ? atoi(feat) : 0;
    in->heatmaps = strcmp(model, "unet") == 0;
    if (mean) {
        in->mean_shape = malloc((size_t)in->k * 2 * sizeof *in->mean_shape);
        if (!in->mean_shape) return OB_FAIL(OB_ERR_NOMEM, "out of memory");
        const char *p = mean;
        for (int i = 0; i < 2 * in->k; i++) {
            char *end;
            in->mean_shape[i] = strtof(p, &end);
            if (end == p) return OB_FAIL(OB_ERR_FORMAT, "%s: malformed mean_shape in the metadata", path);
            p = *end == ',' ? end + 1 : end;
        }
    }
    return OB_OK;
}

ob_status ob_kp_net_load(ob_kp_net *net, ob_ctx *ctx, const char *path)
{
    memset(net, 0, sizeof *net);
    ob_checkpoint_meta meta = {0};
    OB_TRY(ob_checkpoint_load(path, NULL, 0, &meta));
    ob_status s = meta_info(&net->info, &meta, path);
    ob_checkpoint_meta_free(&meta);
    const ob_kp_net_info *in = &net->info;
    const ob_zoo_opts zo = {.in_channels = in->c, .height = in->h, .width = in->w, .keypoints = in->k,
                            .features = in->features};
    if (s == OB_OK) s = ob_zoo_build(&net->m, in->model, &zo);
    if (s == OB_OK) s = ob_model_alloc_params(net->m, ob_ctx_location(ctx));
    if (s == OB_OK) s = ob_checkpoint_load_model(path, net->m->layers, net->m->prefixes, net->m->n_nodes, NULL);
    if (s == OB_OK) s = ob_model_freeze(net->m, 1); /* inference only: weights kept in the kernels' layouts */
    if (s != OB_OK) ob_kp_net_free(net);
    return s;
}

ob_status ob_kp_net_metadata(char **out, const ob_kp_net_info *in)
{
    const size_t cap = 512 + (size_t)in->k * 2 * 16;
    char *b = malloc(cap);
    if (!b) return OB_FAIL(OB_ERR_NOMEM, "out of memory");
    int n = snprintf(b, cap,
                     "\"task\": \"keypoints\", \"model\": \"%s\", \"keypoints\": \"%d\", \"input\": \"%dx%dx%d\", "
                     "\"crop\": \"%s\", \"margin\": \"%.6g\", \"features\": \"%d\"",
                     in->model, in->k, in->c, in->h, in->w, ob_kp_crop_names[in->crop], in->margin, in->features);
    if (in->mean_shape) {
        n += snprintf(b + n, cap - (size_t)n, ", \"mean_shape\": \"");
        for (int i = 0; i < 2 * in->k; i++) n += snprintf(b + n, cap - (size_t)n, "%s%.6g", i ? "," : "", in->mean_shape[i]);
        snprintf(b + n, cap - (size_t)n, "\"");
    }
    *out = b;
    return OB_OK;
}

ob_status ob_kp_predict(ob_ctx *ctx, ob_kp_net *net, float *kp, const ob_tensor *x, ob_tensor *heat)
{
    const ob_kp_net_info *in = &net->info;
    char shape[96];
    OB_REQUIRE(x->ndim == 4 && x->shape[1] == in->c && x->shape[2] == in->h && x->shape[3] == in->w,
               "keypoints: input %s, the net takes (N, %d, %d, %d)", ob_tensor_shape_str(x, shape, sizeof shape),
               in->c, in->h, in->w);
    OB_REQUIRE(!heat || in->heatmaps, "keypoints: heatmaps asked of '%s', which regresses coordinates", in->model);
    const int64_t n = x->shape[0], k = in->k;
    ob_tensor xn = {0}, xd = {0}, xy = {0}, xy_host = {0};
    OB_TRY(ob_tensor_alloc(&xn, OB_F32, OB_HOST, 4, x->shape));
    const float *src = ob_tensor_f32(x);
    float *dst = ob_tensor_f32(&xn);
    for (int64_t i = 0; i < ob_tensor_numel(x); i++) dst[i] = src[i] - 0.5f;
    const ob_location loc = ob_ctx_location(ctx);
    ob_status s = loc == OB_HOST ? OB_OK : ob_tensor_clone_to(&xd, &xn, loc);
    const ob_tensor *y = NULL;
    if (s == OB_OK) s = ob_model_forward(net->m, ctx, &y, loc == OB_HOST ? &xn : &xd, 0);
    if (s == OB_OK && in->heatmaps) {
        /* the logits before the model's last node (the spatial softmax) */
        const ob_tensor *logits = &net->m->nodes[net->m->n_nodes - 2].out;
        s = ob_tensor_alloc(&xy, OB_F32, loc, 3, (const int64_t[3]){n, k, 2});
        if (s == OB_OK) s = ob_soft_argmax(ctx, &xy, logits, OB_SOFTARGMAX_PIXEL);
        if (s == OB_OK) s = ob_tensor_clone_to(&xy_host, &xy, OB_HOST);
        if (s == OB_OK) memcpy(kp, xy_host.data, (size_t)(n * k * 2) * sizeof *kp);
        if (s == OB_OK && heat) s = ob_tensor_clone_to(heat, y, OB_HOST);
    } else if (s == OB_OK) {
        s = ob_tensor_clone_to(&xy_host, y, OB_HOST);
        if (s == OB_OK) ob_kp_denormalize(kp, ob_tensor_f32(&xy_host), (int)(n * k), in->w, in->h);
    }
    ob_tensor_free(&xn), ob_tensor_free(&xd), ob_tensor_free(&xy), ob_tensor_free(&xy_host);
    return s;
}

void ob_kp_eye_corners(int *left, int *right, int k)
{
    *left = k == 68 ? 36 : -1, *right = k == 68 ? 45 : -1;
}

void ob_kp_errors(ob_kp_error *e, const float *pred, const float *truth, int k, int w, int h)
{
    double se = 0, ae = 0, dist = 0;
    for (int j = 0; j < k; j++) {
        const double dx = pred[2 * j] - truth[2 * j], dy = pred[2 * j + 1] - truth[2 * j + 1];
        se += (dx / w) * (dx / w) + (dy / h) * (dy / h);
        ae += fabs(dx) + fabs(dy);
        dist += sqrt(dx * dx + dy * dy);
    }
    e->nmse = se / (2.0 * k), e->mae_px = ae / (2.0 * k);
    int l, r;
    ob_kp_eye_corners(&l, &r, k);
    const double iod = l >= 0 ? hypot(truth[2 * l] - truth[2 * r], truth[2 * l + 1] - truth[2 * r + 1]) : 0;
    e->nme = iod > 0 ? dist / k / iod : NAN;
}

/* ---- pictures -------------------------------------------------------------- */

static void put(float *rgb, int h, int w, int x, int y, const float c[3])
{
    if (x < 0 || y < 0 || x >= w || y >= h) return;
    for (int ch = 0; ch < 3; ch++) rgb[((size_t)ch * h + y) * w + x] = c[ch];
}

static void dot(float *rgb, int h, int w, float cx, float cy, int r, const float c[3])
{
    const int x0 = (int)lrintf(cx), y0 = (int)lrintf(cy);
    for (int y = -r; y <= r; y++)
        for (int x = -r; x <= r; x++)
            if (x * x + y * y <= r * r) put(rgb, h, w, x0 + x, y0 + y, c);
}

static void line(float *rgb, int h, int w, float x0, float y0, float x1, float y1, const float c[3])
{
    const int steps = (int)ceilf(fmaxf(fabsf(x1 - x0), fabsf(y1 - y0))) + 1;
    for (int i = 0; i <= steps; i++) {
        const float t = (float)i / (float)steps;
        put(rgb, h, w, (int)lrintf(x0 + t * (x1 - x0)), (int)lrintf(y0 + t * (y1 - y0)), c);
    }
}

/* rgb (3, h s, w s) <- img (C, h, w), nearest, gray replicated. */
static ob_status enlarge(ob_tensor *out, const ob_tensor *img, int s)
{
    const int c = (int)img->shape[0], h = (int)img->shape[1], w = (int)img->shape[2];
    OB_TRY(ob_tensor_alloc(out, OB_F32, OB_HOST, 3, (const int64_t[3]){3, (int64_t)h * s, (int64_t)w * s}));
    const float *p = ob_tensor_f32(img);
    float *q = ob_tensor_f32(out);
    for (int ch = 0; ch < 3; ch++)
        for (int y = 0; y < h * s; y++)
            for (int x = 0; x < w * s; x++)
                q[((size_t)ch * h * s + y) * w * s + x] = p[((size_t)(c >= 3 ? ch : 0) * h + y / s) * w + x / s];
    return OB_OK;
}

ob_status ob_kp_overlay(ob_tensor *rgb, const ob_tensor *img, const float *pred, const float *truth, int k, int scale)
{
    OB_REQUIRE(scale >= 1 && scale <= 64, "overlay: scale %d outside 1..64", scale);
    OB_TRY(enlarge(rgb, img, scale));
    const int h = (int)rgb->shape[1], w = (int)rgb->shape[2];
    const int r = (h > w ? h : w) / 200 > 2 ? (h > w ? h : w) / 200 : 2;
    static const float green[3] = {0.1f, 0.95f, 0.2f}, red[3] = {1.0f, 0.15f, 0.1f}, yellow[3] = {1.0f, 0.9f, 0.2f};
    float *q = ob_tensor_f32(rgb);
    /* pixel centres: x in the crop is (x + 0.5) s - 0.5 enlarged */
#define AT(v) (((v) + 0.5f) * (float)scale - 0.5f)
    for (int j = 0; truth && j < k; j++)
        line(q, h, w, AT(truth[2 * j]), AT(truth[2 * j + 1]), AT(pred[2 * j]), AT(pred[2 * j + 1]), yellow);
    for (int j = 0; truth && j < k; j++) dot(q, h, w, AT(truth[2 * j]), AT(truth[2 * j + 1]), r, green);
    for (int j = 0; j < k; j++) dot(q, h, w, AT(pred[2 * j]), AT(pred[2 * j + 1]), r, red);
#undef AT
    return OB_OK;
}

ob_status ob_kp_heat_image(ob_tensor *rgb, const ob_tensor *img, const ob_tensor *heat, int64_t n)
{
    const int64_t k = heat->shape[1], h = heat->shape[2], w = heat->shape[3], hw = h * w;
    OB_REQUIRE(img->shape[1] == h && img->shape[2] == w, "heatmap image: crop and heatmaps differ in size");
    OB_TRY(enlarge(rgb, img, 1));
    const float *p = ob_tensor_f32(heat) + n * k * hw;
    float *q = ob_tensor_f32(rgb);
    float *sum = calloc((size_t)hw, sizeof *sum);
    if (!sum) return OB_FAIL(OB_ERR_NOMEM, "out of memory");
    float top = 0;
    for (int64_t j = 0; j < k; j++)
        for (int64_t i = 0; i < hw; i++) sum[i] += p[j * hw + i];
    for (int64_t i = 0; i < hw; i++) top = fmaxf(top, sum[i]);
    for (int64_t i = 0; i < hw; i++) {
        const float t = top > 0 ? sum[i] / top : 0;
        for (int ch = 0; ch < 3; ch++) q[ch * hw + i] *= 0.4f * (1 - t);
        q[i] += t; /* red */
        q[hw + i] += 0.8f * t * t; /* peaks turn yellow */
    }
    free(sum);
    return OB_OK;
}

ob_status ob_kp_filters_image(ob_tensor *rgb, const ob_tensor *weight, int cell)
{
    OB_REQUIRE(weight->ndim == 4 && weight->shape[2] == weight->shape[3], "filters image: a conv weight (O, C, k, k)");
    const int o = (int)weight->shape[0], c = (int)weight->shape[1], kk = (int)weight->shape[2];
    const int cols = o < 16 ? o : 16, rows = (o + cols - 1) / cols, px = cell / kk > 1 ? cell / kk : 1;
    const int side = kk * px, H = rows * (side + 1) + 1, W = cols * (side + 1) + 1;
    OB_TRY(ob_tensor_zeros(rgb, OB_F32, OB_HOST, 3, (const int64_t[3]){3, H, W}));
    ob_tensor host = {0};
    OB_TRY(ob_tensor_clone_to(&host, weight, OB_HOST));
    const float *wt = ob_tensor_f32(&host);
    float *q = ob_tensor_f32(rgb);
    for (int f = 0; f < o; f++) {
        float v[64 * 64], lo = INFINITY, hi = -INFINITY;
        if (kk > 64) break;
        for (int i = 0; i < kk * kk; i++) {
            double m = 0;
            for (int ch = 0; ch < c; ch++) m += wt[((size_t)f * c + ch) * kk * kk + i];
            v[i] = (float)(m / c), lo = fminf(lo, v[i]), hi = fmaxf(hi, v[i]);
        }
        const int y0 = 1 + (f / cols) * (side + 1), x0 = 1 + (f % cols) * (side + 1);
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++) {
                const float t = hi > lo ? (v[(y / px) * kk + x / px] - lo) / (hi - lo) : 0.5f;
                for (int ch = 0; ch < 3; ch++) q[((size_t)ch * H + y0 + y) * W + x0 + x] = t;
            }
    }
    ob_tensor_free(&host);
    return OB_OK;
}
