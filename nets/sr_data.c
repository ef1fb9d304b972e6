/* sr_data.c — ob_sr_data.h: super-resolution pairs cropped from photos kept
 * in memory, the low-resolution side made per sample. */
#include "ob_sr_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset_internal.h"
#include "ob_image_io.h"
#include "ob_philox.h"
#include "resize.h"

typedef struct {
    ob_sr_data_cfg cfg;
    int hr;              /* HR crop side: patch * scale */
    int n_img;
    ob_tensor *img;      /* (C, H, W) each, Y or RGB */
    ob_strlist paths;    /* the photos kept, in order */
    int64_t *cum;        /* train: crop positions of images 0..k, cumulative */
} sr_state;

/* Stage 1 — a photo as the planes the nets see: Y (studio range) or RGB. */
static ob_status to_planes(ob_tensor *out, const ob_tensor *in, int channels)
{
    const int64_t c = in->shape[0], h = in->shape[1], w = in->shape[2], hw = h * w;
    const int64_t shape[3] = {channels, h, w};
    OB_TRY(ob_tensor_alloc(out, OB_F32, OB_HOST, 3, shape));
    const float *p = ob_tensor_f32(in);
    float *q = ob_tensor_f32(out);
    const int rgb = c >= 3; /* 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA */
    for (int64_t i = 0; i < hw; i++) {
        const float r = p[i], g = rgb ? p[hw + i] : r, b = rgb ? p[2 * hw + i] : r;
        if (channels == 1) {
            q[i] = ob_bt601_luma(r, g, b);
        } else {
            q[i] = r, q[hw + i] = g, q[2 * hw + i] = b;
        }
    }
    return OB_OK;
}

/* Stage 1b — the planes shrunk (bicubic-aa, in place) so that the longer
 * side is max_side. */
static ob_status shrink_planes(ob_tensor *t, int max_side)
{
    const int64_t c = t->shape[0], h = t->shape[1], w = t->shape[2], side = h > w ? h : w;
    if (side <= max_side) return OB_OK;
    const double f = (double)side / max_side;
    const int64_t sh = (int64_t)((double)h / f + 0.5), sw = (int64_t)((double)w / f + 0.5);
    const int64_t shape[3] = {c, sh < 1 ? 1 : sh, sw < 1 ? 1 : sw};
    ob_tensor small = {0};
    OB_TRY(ob_tensor_alloc(&small, OB_F32, OB_HOST, 3, shape));
    ob_status s = ob_resize_cpu(ob_tensor_f32(&small), ob_tensor_f32(t), (int)c, (int)h, (int)w, (int)shape[1],
                                (int)shape[2], OB_RESIZE_BICUBIC_AA);
    if (s != OB_OK) {
        ob_tensor_free(&small);
        return s;
    }
    ob_tensor_free(t);
    *t = small;
    return OB_OK;
}

/* Stage 2 — the HR crop at (y0, x0), flipped and turned: output (i, j) reads
 * source (y0 + a, x0 + b), (a, b) the image of (i, j) under the flip, then
 * `turns` quarter turns. */
static void crop(float *dst, const ob_tensor *src, int hr, int y0, int x0, int flip, int turns)
{
    const int64_t c = src->shape[0], h = src->shape[1], w = src->shape[2];
    const float *s = ob_tensor_f32(src);
    for (int64_t ch = 0; ch < c; ch++)
        for (int i = 0; i < hr; i++)
            for (int j = 0; j < hr; j++) {
                int a = i, b = flip ? hr - 1 - j : j;
                for (int t = 0; t < turns; t++) {
                    const int na = b, nb = hr - 1 - a;
                    a = na, b = nb;
                }
                dst[(ch * hr + i) * hr + j] = s[(ch * h + y0 + a) * w + x0 + b];
            }
}

/* Stage 3 — the pair: target = HR crop, image = its LR version (or that
 * enlarged back by bicubic, for SRCNN). */
static ob_status make_pair(ob_sample *out, const sr_state *st, int k, int y0, int x0, int flip, int turns)
{
    const int c = st->cfg.channels, hr = st->hr, p = st->cfg.patch;
    const int64_t ts[3] = {c, hr, hr}, ls[3] = {c, p, p};
    OB_TRY(ob_tensor_alloc(&out->target, OB_F32, OB_HOST, 3, ts));
    crop(ob_tensor_f32(&out->target), &st->img[k], hr, y0, x0, flip, turns);
    OB_TRY(ob_tensor_alloc(&out->image, OB_F32, OB_HOST, 3, ls));
    OB_TRY(ob_resize_cpu(ob_tensor_f32(&out->image), ob_tensor_f32(&out->target), c, hr, hr, p, p,
                         OB_RESIZE_BICUBIC_AA));
    if (!st->cfg.pre_upscale) return OB_OK;
    ob_tensor up = {0};
    OB_TRY(ob_tensor_alloc(&up, OB_F32, OB_HOST, 3, ts));
    ob_status s = ob_resize_cpu(ob_tensor_f32(&up), ob_tensor_f32(&out->image), c, p, p, hr, hr, OB_RESIZE_BICUBIC);
    ob_tensor_free(&out->image);
    out->image = up;
    return s;
}

static int random_crops(const sr_state *st)
{
    return st->cfg.split == OB_SR_TRAIN || st->cfg.split == OB_SR_ALL_TRAIN;
}

static int64_t positions(const ob_tensor *t, int hr) { return (t->shape[1] - hr + 1) * (t->shape[2] - hr + 1); }

/* Training: sample i of `epoch` from Philox(seed, SR_CROP, epoch * 2^40 + i). */
static ob_status sr_get_keyed(const ob_dataset *ds, ob_sample *out, int64_t i, uint64_t seed, int epoch)
{
    const sr_state *st = ds->state;
    uint32_t r[4];
    ob_philox(r, seed, OB_RNG_STREAM_SR_CROP, ((uint64_t)epoch << 40) | (uint64_t)i);
    const int64_t total = st->cum[st->n_img - 1];
    const int64_t v = (int64_t)((((uint64_t)r[0] << 32) | r[1]) % (uint64_t)total);
    int k = 0;
    while (st->cum[k] <= v) k++; /* images are few: a scan is enough */
    const int64_t off = v - (k ? st->cum[k - 1] : 0), span = st->img[k].shape[2] - st->hr + 1;
    return make_pair(out, st, k, (int)(off / span), (int)(off % span), (int)(r[2] & 1), (int)((r[2] >> 1) & 3));
}

/* Validation: crop j of image k on a fixed g x g grid of centres. */
static ob_status sr_get(const ob_dataset *ds, ob_sample *out, int64_t i)
{
    const sr_state *st = ds->state;
    if (random_crops(st)) return sr_get_keyed(ds, out, i, 0, 0);
    const int k = (int)(i / st->cfg.val_crops), j = (int)(i % st->cfg.val_crops);
    int g = 1;
    while (g * g < st->cfg.val_crops) g++;
    const int row = j / g, col = j % g;
    const int64_t h = st->img[k].shape[1], w = st->img[k].shape[2];
    const int y0 = (int)((h - st->hr) * (2 * row + 1) / (2 * g)), x0 = (int)((w - st->hr) * (2 * col + 1) / (2 * g));
    return make_pair(out, st, k, y0, x0, 0, 0);
}

static const char *sr_path(const ob_dataset *ds, int64_t i)
{
    const sr_state *st = ds->state;
    if (random_crops(st)) return st->paths.n == 1 ? st->paths.items[0] : "";
    return st->paths.items[i / st->cfg.val_crops];
}

static void sr_destroy(ob_dataset *ds)
{
    sr_state *st = ds->state;
    if (!st) return;
    for (int k = 0; k < st->n_img; k++) ob_tensor_free(&st->img[k]);
    free(st->img), free(st->cum);
    ob_strlist_free(&st->paths);
    free(st);
    ds->state = NULL;
}

static int is_photo(const char *name)
{
    return ob_has_ext(name, ".png") || ob_has_ext(name, ".jpg") || ob_has_ext(name, ".jpeg");
}

ob_status ob_sr_list_photos(char ***names, int64_t *n, const char *dir)
{
    *names = NULL, *n = 0;
    ob_strlist files = {0}, all = {0};
    OB_TRY(ob_list_dir(&files, dir, 0));
    ob_status s = OB_OK;
    for (int64_t i = 0; i < files.n && s == OB_OK; i++)
        if (files.items[i][0] != '.' && is_photo(files.items[i])) s = ob_strlist_push(&all, files.items[i]);
    ob_strlist_free(&files);
    if (s == OB_OK && all.n == 0) s = OB_FAIL(OB_ERR_FORMAT, "%s: no .png/.jpg/.jpeg images", dir);
    if (s != OB_OK) {
        ob_strlist_free(&all);
        return s;
    }
    *names = all.items, *n = all.n; /* sorted by ob_list_dir */
    return OB_OK;
}

void ob_sr_free_names(char **names, int64_t n)
{
    ob_strlist l = {names, n, n};
    ob_strlist_free(&l);
}

/* The photos of the split, read and converted; each must hold one crop. */
static ob_status load_split(sr_state *st, const char *dir)
{
    ob_strlist all = {0};
    ob_status s = ob_sr_list_photos(&all.items, &all.n, dir);
    all.cap = all.n;
    const int64_t n_val = all.n / 10 > 1 ? all.n / 10 : 1;
    int64_t lo = 0, hi = all.n;
    if (s == OB_OK && (st->cfg.split == OB_SR_TRAIN || st->cfg.split == OB_SR_VAL)) { /* a held-out split */
        if (all.n < 2)
            s = OB_FAIL(OB_ERR_ARG, "%s: %lld image(s); holding out validation images needs 2 or more", dir,
                        (long long)all.n);
        else if (st->cfg.split == OB_SR_TRAIN)
            hi = all.n - n_val;
        else
            lo = all.n - n_val;
    }
    if (s == OB_OK) {
        st->img = calloc((size_t)(hi - lo > 0 ? hi - lo : 1), sizeof *st->img);
        if (!st->img) s = OB_FAIL(OB_ERR_NOMEM, "%s: out of memory", dir);
    }
    for (int64_t i = lo; i < hi && s == OB_OK; i++) {
        char *path = ob_path_join(dir, all.items[i]);
        if (!path) {
            s = OB_FAIL(OB_ERR_NOMEM, "out of memory");
            break;
        }
        ob_tensor raw = {0};
        ob_image_info info;
        s = ob_image_read(&raw, &info, path);
        ob_tensor *img = &st->img[st->n_img];
        if (s == OB_OK) s = to_planes(img, &raw, st->cfg.channels);
        if (s == OB_OK) st->n_img++; /* owned from here: freed by sr_destroy */
        if (s == OB_OK && st->cfg.max_side > 0) s = shrink_planes(img, st->cfg.max_side);
        if (s == OB_OK && (img->shape[1] < st->hr || img->shape[2] < st->hr))
            s = OB_FAIL(OB_ERR_FORMAT, "%s: %lldx%lld%s is smaller than the %dx%d crop (%d LR pixels x scale %d)",
                        path, (long long)img->shape[2], (long long)img->shape[1],
                        st->cfg.max_side > 0 ? " once shrunk" : "", st->hr, st->hr, st->cfg.patch, st->cfg.scale);
        if (s == OB_OK) s = ob_strlist_push(&st->paths, path);
        ob_tensor_free(&raw);
        free(path);
    }
    ob_sr_free_names(all.items, all.n);
    return s;
}

ob_status ob_sr_data_open(ob_dataset **out, const char *hr_dir, const ob_sr_data_cfg *cfg)
{
    *out = NULL;
    OB_REQUIRE(hr_dir && cfg, "sr data: NULL argument");
    OB_REQUIRE(cfg->scale >= 2 && cfg->scale <= 4, "sr data: scale %d outside 2..4", cfg->scale);
    OB_REQUIRE(cfg->channels == 1 || cfg->channels == 3, "sr data: %d channels (1: Y, 3: RGB)", cfg->channels);
    OB_REQUIRE(cfg->patch == 0 || (cfg->patch >= 4 && cfg->patch <= 1024), "sr data: patch %d outside 4..1024",
               cfg->patch);
    OB_REQUIRE(cfg->split >= OB_SR_TRAIN && cfg->split <= OB_SR_ALL_TRAIN, "sr data: unknown split %d",
               (int)cfg->split);
    OB_REQUIRE(cfg->samples >= 0 && cfg->samples < ((int64_t)1 << 40), "sr data: %lld samples per epoch",
               (long long)cfg->samples);
    OB_REQUIRE(cfg->max_side >= 0, "sr data: max_side %d", cfg->max_side);
    OB_REQUIRE(cfg->val_crops >= 0 && cfg->val_crops <= 1024, "sr data: %d crops per image", cfg->val_crops);
    ob_dataset *ds = calloc(1, sizeof *ds);
    sr_state *st = calloc(1, sizeof *st);
    if (!ds || !st) {
        free(ds), free(st);
        return OB_FAIL(OB_ERR_NOMEM, "sr data: out of memory");
    }
    st->cfg = *cfg;
    if (!st->cfg.patch) st->cfg.patch = 17;
    if (!st->cfg.samples) st->cfg.samples = 1600;
    if (!st->cfg.val_crops) st->cfg.val_crops = 4;
    st->hr = st->cfg.patch * st->cfg.scale;
    ds->state = st, ds->destroy = sr_destroy, ds->get = sr_get, ds->sample_path = sr_path;
    snprintf(ds->source, sizeof ds->source, "%s", hr_dir);
    ob_status s = load_split(st, hr_dir);
    if (s == OB_OK && random_crops(st)) {
        st->cum = malloc(sizeof *st->cum * (size_t)st->n_img);
        if (!st->cum) s = OB_FAIL(OB_ERR_NOMEM, "sr data: out of memory");
        for (int k = 0; s == OB_OK && k < st->n_img; k++)
            st->cum[k] = (k ? st->cum[k - 1] : 0) + positions(&st->img[k], st->hr);
        ds->get_keyed = sr_get_keyed;
    }
    if (s != OB_OK) {
        ob_dataset_close(ds);
        return s;
    }
    ds->n = random_crops(st) ? st->cfg.samples : (int64_t)st->n_img * st->cfg.val_crops;
    ds->channels = st->cfg.channels;
    ds->height = ds->width = st->cfg.pre_upscale ? st->hr : st->cfg.patch;
    *out = ds;
    return OB_OK;
}
