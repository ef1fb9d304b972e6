/* keypoint_data.c — ob_keypoint_data.h: landmark samples checked and kept in
 * memory, cropped by their box, augmented and given their targets per call. */
#include "ob_keypoint_data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resize.h"

typedef struct {
    ob_kp_data_cfg cfg;
    int k;
    ob_sample *kept;   /* per sample: the (pre-shrunk) image, kp, the crop box */
    char **paths;      /* the base set's file of each sample */
    ob_augment_cfg crop_only, augment;
} kp_state;

/* Point j of s far outside its image (more than 10 % of a side)? */
static int far_outside(const ob_sample *s, int j)
{
    const float w = (float)s->image.shape[2], h = (float)s->image.shape[1];
    const float x = s->kp[2 * j], y = s->kp[2 * j + 1];
    return !(x >= -0.1f * w && x <= 1.1f * w && y >= -0.1f * h && y <= 1.1f * h);
}

ob_status ob_kp_box(float box[4], const ob_sample *s, ob_kp_crop_kind crop, int w, int h)
{
    if (crop == OB_KP_CROP_AUTO) crop = s->has_box ? OB_KP_CROP_BOX : OB_KP_CROP_LANDMARKS;
    if (crop == OB_KP_CROP_BOX) {
        OB_REQUIRE(s->has_box, "crop by box: the sample has no face box (only dlib XML sets carry one; crop by the "
                               "landmarks instead)");
        memcpy(box, s->box, 4 * sizeof *box);
    } else if (crop == OB_KP_CROP_LANDMARKS) {
        OB_REQUIRE(s->n_kp > 0, "crop by landmarks: the sample has none");
        float x0 = s->kp[0], y0 = s->kp[1], x1 = x0, y1 = y0;
        for (int j = 1; j < s->n_kp; j++) {
            x0 = fminf(x0, s->kp[2 * j]), x1 = fmaxf(x1, s->kp[2 * j]);
            y0 = fminf(y0, s->kp[2 * j + 1]), y1 = fmaxf(y1, s->kp[2 * j + 1]);
        }
        /* boxes count pixels (ob_augment.h): x0..x1 inclusive */
        box[0] = x0, box[1] = y0, box[2] = x1 - x0 + 1, box[3] = y1 - y0 + 1;
    } else { /* the whole image */
        box[0] = 0, box[1] = 0, box[2] = (float)w, box[3] = (float)h;
    }
    return OB_OK;
}

/* Stage 2: shrink s (image, kp, box) by bicubic-aa when its crop to w x h
 * would shrink by more than 2x; pixel centres map (x + 0.5) f - 0.5. */
static ob_status preshrink(ob_sample *s, float margin, int w, int h)
{
    const int c = (int)s->image.shape[0], ih = (int)s->image.shape[1], iw = (int)s->image.shape[2];
    const float bw = s->box[2] * (1 + 2 * margin), bh = s->box[3] * (1 + 2 * margin);
    const float fit = fminf((float)w / bw, (float)h / bh);
    if (fit >= 0.5f) return OB_OK;
    const int nw = (int)lrintf((float)iw * 2 * fit) > 1 ? (int)lrintf((float)iw * 2 * fit) : 1;
    const int nh = (int)lrintf((float)ih * 2 * fit) > 1 ? (int)lrintf((float)ih * 2 * fit) : 1;
    ob_tensor small = {0};
    OB_TRY(ob_tensor_alloc(&small, OB_F32, OB_HOST, 3, (const int64_t[3]){c, nh, nw}));
    ob_status st = ob_resize_cpu(ob_tensor_f32(&small), ob_tensor_f32(&s->image), c, ih, iw, nh, nw,
                                 OB_RESIZE_BICUBIC_AA);
    if (st != OB_OK) {
        ob_tensor_free(&small);
        return st;
    }
    ob_tensor_free(&s->image);
    s->image = small;
    const float fx = (float)nw / (float)iw, fy = (float)nh / (float)ih;
    for (int j = 0; j < s->n_kp; j++)
        s->kp[2 * j] = (s->kp[2 * j] + 0.5f) * fx - 0.5f, s->kp[2 * j + 1] = (s->kp[2 * j + 1] + 0.5f) * fy - 0.5f;
    /* the box's centre (left + (width - 1) / 2) maps like a pixel centre */
    const float cx = s->box[0] + (s->box[2] - 1) / 2, cy = s->box[1] + (s->box[3] - 1) / 2;
    s->box[2] *= fx, s->box[3] *= fy;
    s->box[0] = (cx + 0.5f) * fx - 0.5f - (s->box[2] - 1) / 2, s->box[1] = (cy + 0.5f) * fy - 0.5f - (s->box[3] - 1) / 2;
    return OB_OK;
}

ob_status ob_kp_check_box(const float box[4], int w, int h)
{
    /* a box covers pixels left .. left + width - 1: [left - 0.5, left + width - 0.5) */
    const float x0 = fmaxf(box[0] - 0.5f, -0.5f), y0 = fmaxf(box[1] - 0.5f, -0.5f);
    const float x1 = fminf(box[0] + box[2] - 0.5f, (float)w - 0.5f), y1 = fminf(box[1] + box[3] - 0.5f, (float)h - 0.5f);
    const float inside = fmaxf(x1 - x0, 0) * fmaxf(y1 - y0, 0);
    OB_REQUIRE(box[2] >= 1 && box[3] >= 1 && isfinite(box[0]) && isfinite(box[1]) && inside >= 0.5f * box[2] * box[3],
               "box %g,%g,%g,%g lies outside the %dx%d image (less than half of it inside)", box[0], box[1], box[2],
               box[3], w, h);
    return OB_OK;
}

static ob_status copy_sample(ob_sample *dst, const ob_sample *src)
{
    memset(dst, 0, sizeof *dst);
    dst->label = src->label, dst->has_box = src->has_box, dst->n_kp = src->n_kp;
    memcpy(dst->box, src->box, sizeof dst->box);
    OB_TRY(ob_tensor_alloc(&dst->image, OB_F32, OB_HOST, 3, src->image.shape));
    memcpy(dst->image.data, src->image.data, ob_tensor_nbytes(&src->image));
    dst->kp = malloc((size_t)src->n_kp * 2 * sizeof *dst->kp);
    if (!dst->kp) {
        ob_sample_free(dst);
        return OB_FAIL(OB_ERR_NOMEM, "out of memory");
    }
    memcpy(dst->kp, src->kp, (size_t)src->n_kp * 2 * sizeof *dst->kp);
    return OB_OK;
}

void ob_kp_normalize(float *uv, const float *kp, int k, int w, int h)
{
    for (int j = 0; j < k; j++) uv[2 * j] = (kp[2 * j] + 0.5f) / w, uv[2 * j + 1] = (kp[2 * j + 1] + 0.5f) / h;
}

void ob_kp_denormalize(float *kp, const float *uv, int k, int w, int h)
{
    for (int j = 0; j < k; j++) kp[2 * j] = uv[2 * j] * w - 0.5f, kp[2 * j + 1] = uv[2 * j + 1] * h - 0.5f;
}

void ob_kp_heatmaps(float *maps, const float *uv, int k, int h, int w, float sigma)
{
    const double inv = 1.0 / (2.0 * (double)sigma * sigma);
    for (int j = 0; j < k; j++) {
        float *m = maps + (size_t)j * h * w;
        double sum = 0;
        for (int r = 0; r < h; r++) {
            const double dy = (r + 0.5) / h - uv[2 * j + 1];
            for (int c = 0; c < w; c++) {
                const double dx = (c + 0.5) / w - uv[2 * j];
                const double g = exp(-(dx * dx + dy * dy) * inv);
                m[(size_t)r * w + c] = (float)g, sum += g;
            }
        }
        /* a point so far outside that nothing of its Gaussian is left: a flat map */
        const int flat = !(sum > 1e-30);
        const float scale = flat ? 1.0f / (float)(h * w) : (float)(1.0 / sum);
        for (size_t i = 0; i < (size_t)h * w; i++) m[i] = flat ? scale : m[i] * scale;
    }
}

/* Stage 3: the crop (and, keyed, the augmentation), then the target. */
static ob_status make(const ob_dataset *ds, ob_sample *out, int64_t i, const ob_augment_cfg *aug, uint64_t seed,
                      int epoch)
{
    const kp_state *st = ds->state;
    const int w = st->cfg.width, h = st->cfg.height, k = st->k;
    OB_TRY(copy_sample(out, &st->kept[i]));
    ob_status s = ob_augment_sample(out, aug, seed, epoch, i);
    const int64_t shape[3] = {k, h, w}, flat[1] = {2 * k};
    if (s == OB_OK)
        s = st->cfg.heatmaps ? ob_tensor_alloc(&out->target, OB_F32, OB_HOST, 3, shape)
                             : ob_tensor_alloc(&out->target, OB_F32, OB_HOST, 1, flat);
    float *uv = s == OB_OK ? malloc((size_t)k * 2 * sizeof *uv) : NULL;
    if (s == OB_OK && !uv) s = OB_FAIL(OB_ERR_NOMEM, "out of memory");
    if (s == OB_OK) {
        ob_kp_normalize(uv, out->kp, k, w, h);
        if (st->cfg.heatmaps) ob_kp_heatmaps(ob_tensor_f32(&out->target), uv, k, h, w, st->cfg.sigma);
        else memcpy(out->target.data, uv, (size_t)k * 2 * sizeof *uv);
    }
    free(uv);
    if (s != OB_OK) ob_sample_free(out);
    return s;
}

static ob_status kp_get(const ob_dataset *ds, ob_sample *out, int64_t i)
{
    const kp_state *st = ds->state;
    return make(ds, out, i, &st->crop_only, 0, 0);
}

static ob_status kp_get_keyed(const ob_dataset *ds, ob_sample *out, int64_t i, uint64_t seed, int epoch)
{
    const kp_state *st = ds->state;
    return make(ds, out, i, &st->augment, seed, epoch);
}

static const char *kp_path(const ob_dataset *ds, int64_t i)
{
    const kp_state *st = ds->state;
    return st->paths[i] ? st->paths[i] : "";
}

static void kp_destroy(ob_dataset *ds)
{
    kp_state *st = ds->state;
    if (!st) return;
    for (int64_t i = 0; i < ds->n; i++) {
        if (st->kept) ob_sample_free(&st->kept[i]);
        if (st->paths) free(st->paths[i]);
    }
    free(st->kept);
    free(st->paths);
    free(st);
}

static ob_status check_cfg(ob_kp_data_cfg *c, const ob_dataset *base)
{
    OB_REQUIRE(c->width >= 8 && c->height >= 8 && c->width <= 4096 && c->height <= 4096,
               "keypoint data: input %dx%d outside 8..4096", c->width, c->height);
    OB_REQUIRE(c->channels == 1 || c->channels == 3, "keypoint data: %d channels, expected 1 or 3", c->channels);
    OB_REQUIRE(base->n_keypoints > 0, "%s: a set without keypoints", base->source);
    OB_REQUIRE(c->keypoints <= 0 || c->keypoints == base->n_keypoints,
               "%s: %d points per face, the model expects %d (a landmark file with the wrong point count, or a "
               "model for another scheme)",
               base->source, base->n_keypoints, c->keypoints);
    OB_REQUIRE(c->margin >= 0 && c->margin <= 2, "keypoint data: margin %g outside 0..2", c->margin);
    if (c->crop == OB_KP_CROP_NONE) c->margin = 0;
    if (c->sigma <= 0) c->sigma = OB_KP_SIGMA;
    if (c->flip_p > 0 && !c->flip_swap) {
        OB_REQUIRE(base->n_keypoints == 68,
                   "keypoint data: flipping %d-point faces needs their left/right table (a plain flip mislabels left "
                   "and right); only the 68-point iBUG scheme has one built in",
                   base->n_keypoints);
        c->flip_swap = ob_ibug68_flip;
    }
    return OB_OK;
}

ob_status ob_kp_data_open(ob_dataset **out, const ob_dataset *base, const ob_kp_data_cfg *cfg)
{
    OB_REQUIRE(out && base && cfg, "ob_kp_data_open: NULL argument");
    *out = NULL;
    ob_kp_data_cfg c = *cfg;
    OB_TRY(check_cfg(&c, base));
    ob_dataset *ds = calloc(1, sizeof *ds);
    kp_state *st = calloc(1, sizeof *st);
    const int64_t n = base->n;
    if (ds) ds->state = st;
    if (st) st->kept = calloc((size_t)n, sizeof *st->kept), st->paths = calloc((size_t)n, sizeof *st->paths);
    if (!ds || !st || !st->kept || !st->paths) {
        if (ds) kp_destroy(ds);
        free(ds);
        return OB_FAIL(OB_ERR_NOMEM, "out of memory");
    }
    ds->n = n, ds->channels = c.channels, ds->height = c.height, ds->width = c.width;
    ds->n_keypoints = base->n_keypoints;
    snprintf(ds->source, sizeof ds->source, "%s", base->source);
    ds->get = kp_get, ds->get_keyed = c.augment ? kp_get_keyed : NULL, ds->sample_path = kp_path;
    ds->destroy = kp_destroy;
    st->cfg = c, st->k = base->n_keypoints;
    st->crop_only = (ob_augment_cfg){.box_w = c.width, .box_h = c.height, .box_margin = c.margin};
    st->augment = st->crop_only;
    st->augment.rotate_deg = 15.0f, st->augment.translate = 0.1f;
    st->augment.brightness = st->augment.contrast = st->augment.saturation = 0.1f;
    st->augment.flip_p = c.flip_p, st->augment.flip_swap = c.flip_swap, st->augment.flip_swap_n = st->k;
    ob_status s = OB_OK;
    for (int64_t i = 0; s == OB_OK && i < n; i++) {
        ob_sample *k = &st->kept[i];
        const char *path = ob_dataset_sample_path(base, i);
        st->paths[i] = strdup(path);
        s = ob_dataset_get(base, k, i);
        if (s != OB_OK) break;
        const int iw = (int)k->image.shape[2], ih = (int)k->image.shape[1];
        if (k->image.shape[0] != c.channels)
            s = OB_FAIL(OB_ERR_FORMAT, "%s: %lld channels, expected %d", path, (long long)k->image.shape[0], c.channels);
        else if (k->n_kp != st->k)
            s = OB_FAIL(OB_ERR_FORMAT, "%s: %d points, the set's others have %d", path, k->n_kp, st->k);
        for (int j = 0; s == OB_OK && j < k->n_kp; j++)
            if (far_outside(k, j))
                s = OB_FAIL(OB_ERR_FORMAT, "%s: point %d at (%g, %g) lies far outside the %dx%d image", path, j,
                            k->kp[2 * j], k->kp[2 * j + 1], iw, ih);
        float box[4];
        if (s == OB_OK) s = ob_kp_box(box, k, c.crop, iw, ih);
        if (s == OB_OK && c.crop != OB_KP_CROP_NONE && (s = ob_kp_check_box(box, iw, ih)) != OB_OK)
            s = OB_FAIL(OB_ERR_FORMAT, "%s: %s", path, ob_last_error());
        if (s == OB_OK) {
            memcpy(k->box, box, sizeof box), k->has_box = 1;
            s = preshrink(k, c.margin, c.width, c.height);
        }
    }
    if (s != OB_OK) {
        ob_dataset_close(ds);
        return s;
    }
    *out = ds;
    return OB_OK;
}

static void view_destroy(ob_dataset *ds)
{
    (void)ds; /* the samples belong to the set viewed */
}

ob_status ob_kp_data_plain(ob_dataset **out, const ob_dataset *kp)
{
    OB_REQUIRE(out && kp && kp->get == kp_get, "ob_kp_data_plain: not a keypoint set");
    ob_dataset *ds = malloc(sizeof *ds);
    if (!ds) return OB_FAIL(OB_ERR_NOMEM, "out of memory");
    *ds = *kp;
    ds->get_keyed = NULL, ds->destroy = view_destroy;
    *out = ds;
    return OB_OK;
}

ob_status ob_kp_crop(ob_tensor *x, float to_image[6], const ob_tensor *image, const float *box, float margin, int w,
                     int h)
{
    const int ih = (int)image->shape[1], iw = (int)image->shape[2];
    ob_sample s = {0}; /* the image and its box, through the set's stages 1 and 2 */
    if (box) {
        OB_TRY(ob_kp_check_box(box, iw, ih));
        memcpy(s.box, box, sizeof s.box);
    } else {
        OB_TRY(ob_kp_box(s.box, &s, OB_KP_CROP_NONE, iw, ih));
        margin = 0;
    }
    s.has_box = 1;
    OB_TRY(ob_tensor_clone_to(&s.image, image, OB_HOST));
    ob_status st = preshrink(&s, margin, w, h);
    const int sh = (int)s.image.shape[1], sw = (int)s.image.shape[2];
    const float fx = (float)sw / (float)iw, fy = (float)sh / (float)ih;
    float m[6];
    int flipped, ow, oh;
    const ob_augment_cfg crop = {.box_w = w, .box_h = h, .box_margin = margin};
    /* the matrix for to_image; the warp itself is the sets' own (ob_augment_sample's
     * double-precision matrix), so a detection crop equals a sample's */
    if (st == OB_OK) st = ob_augment_matrix(m, &flipped, &ow, &oh, &crop, sw, sh, s.box, 0, 0, 0);
    if (st == OB_OK) st = ob_augment_sample(&s, &crop, 0, 0, 0);
    if (st == OB_OK) {
        /* crop -> shrunk image: the inverse of m (a uniform scale and a shift);
         * shrunk -> image: (x + 0.5) / f - 0.5 */
        const double det = (double)m[0] * m[4] - (double)m[1] * m[3];
        const double a = m[4] / det, b = -m[1] / det, cc = -m[3] / det, d = m[0] / det;
        const double tx = -(a * m[2] + b * m[5]), ty = -(cc * m[2] + d * m[5]);
        to_image[0] = (float)(a / fx), to_image[1] = (float)(b / fx), to_image[2] = (float)((tx + 0.5) / fx - 0.5);
        to_image[3] = (float)(cc / fy), to_image[4] = (float)(d / fy), to_image[5] = (float)((ty + 0.5) / fy - 0.5);
        *x = s.image;
        s.image = (ob_tensor){0};
    }
    ob_sample_free(&s);
    return st;
}
