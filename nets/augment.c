/* augment.c — geometric and colour augmentation (see ob_augment.h). Stages:
 * draw (Philox words -> parameters), matrix (flip, affine, crop composed into
 * one 2x3), warp (one bilinear resample; keypoints through the same matrix),
 * jitter (ColorJitter's four ops in a random order). */
#include "ob_augment.h"
#include "ob_philox.h"
#include "warp_affine.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const int ob_ibug68_flip[68] = {
    16, 15, 14, 13, 12, 11, 10, 9,  8,  7,  6,  5,  4,  3,  2,  1,  0,  /* jaw 0-16 */
    26, 25, 24, 23, 22, 21, 20, 19, 18, 17,                             /* brows 17-26 */
    27, 28, 29, 30,                                                     /* nose bridge */
    35, 34, 33, 32, 31,                                                 /* nostrils 31-35 */
    45, 44, 43, 42, 47, 46,                                             /* eye 36-41 */
    39, 38, 37, 36, 41, 40,                                             /* eye 42-47 */
    54, 53, 52, 51, 50, 49, 48, 59, 58, 57, 56, 55,                     /* outer lip 48-59 */
    64, 63, 62, 61, 60, 67, 66, 65                                      /* inner lip 60-67 */
};

/* ---- draw --------------------------------------------------------------------- */

/* Uniform in [0, 1) from word w of call `call` for (seed, epoch, index). */
typedef struct {
    uint32_t w[4][4];
} draws;

static void draw_all(draws *d, uint64_t seed, int epoch, int64_t index)
{
    for (int call = 0; call < 4; call++)
        ob_philox(d->w[call], seed, OB_RNG_STREAM_AUGMENT,
                  ((uint64_t)epoch << 40) | ((uint64_t)index << 4) | (uint64_t)call);
}

static float u01(uint32_t w) { return (float)(w >> 8) * (1.0f / 16777216.0f); }
static float uniform(uint32_t w, float lo, float hi) { return lo + (hi - lo) * u01(w); }

static ob_status check_cfg(const ob_augment_cfg *c)
{
    OB_REQUIRE(c, "augment: NULL configuration");
    OB_REQUIRE(c->rotate_deg >= 0 && c->rotate_deg <= 360, "augment: rotate_deg %g outside 0..360", c->rotate_deg);
    OB_REQUIRE(c->translate >= 0 && c->translate <= 1, "augment: translate %g outside 0..1", c->translate);
    OB_REQUIRE((c->scale_min == 0 && c->scale_max == 0) || (c->scale_min > 0 && c->scale_max >= c->scale_min),
               "augment: scale range [%g, %g] (need 0 < min <= max, or both 0)", c->scale_min, c->scale_max);
    OB_REQUIRE(c->flip_p >= 0 && c->flip_p <= 1, "augment: flip_p %g outside 0..1", c->flip_p);
    OB_REQUIRE(c->box_w >= 0 && c->box_h >= 0 && (c->box_w > 0) == (c->box_h > 0) && c->box_margin >= 0 &&
                   c->box_margin <= 10,
               "augment: box crop %d x %d, margin %g (sizes both > 0 or both 0, margin 0..10)", c->box_w, c->box_h,
               c->box_margin);
    OB_REQUIRE(c->crop_w >= 0 && c->crop_h >= 0 && (c->crop_w > 0) == (c->crop_h > 0),
               "augment: crop %d x %d (both > 0, or both 0)", c->crop_w, c->crop_h);
    OB_REQUIRE(c->brightness >= 0 && c->contrast >= 0 && c->saturation >= 0 && c->hue >= 0 && c->hue <= 0.5f,
               "augment: jitter strengths must be >= 0 and hue <= 0.5 (got %g %g %g %g)", c->brightness, c->contrast,
               c->saturation, c->hue);
    return OB_OK;
}

/* ---- matrix ------------------------------------------------------------------- */

/* a <- a * b for 2x3 affine matrices (apply b first). */
static void compose(double a[6], const double b[6])
{
    double r[6] = {a[0] * b[0] + a[1] * b[3], a[0] * b[1] + a[1] * b[4], a[0] * b[2] + a[1] * b[5] + a[2],
                   a[3] * b[0] + a[4] * b[3], a[3] * b[1] + a[4] * b[4], a[3] * b[2] + a[4] * b[5] + a[5]};
    memcpy(a, r, sizeof r);
}

static int geometric(const ob_augment_cfg *c)
{
    return c->rotate_deg > 0 || c->translate > 0 || c->scale_min > 0 || c->flip_p > 0 || c->crop_w > 0 ||
           c->box_w > 0;
}

static void matrix_d(double m[6], int *flipped, int *ow, int *oh, const ob_augment_cfg *c, int w, int h,
                     const float *box, const draws *d)
{
    double id[6] = {1, 0, 0, 0, 1, 0};
    memcpy(m, id, sizeof id);
    if (c->box_w > 0) { /* the grown box, centred in box_w x box_h, aspect kept */
        double bw = box[2] * (1 + 2.0 * c->box_margin), bh = box[3] * (1 + 2.0 * c->box_margin);
        double sc = fmin(c->box_w / fmax(bw, 1e-6), c->box_h / fmax(bh, 1e-6));
        double cx = box[0] + (box[2] - 1) / 2.0, cy = box[1] + (box[3] - 1) / 2.0;
        double b[6] = {sc, 0, (c->box_w - 1) / 2.0 - sc * cx, 0, sc, (c->box_h - 1) / 2.0 - sc * cy};
        memcpy(m, b, sizeof b);
        w = c->box_w, h = c->box_h;
    }
    *flipped = c->flip_p > 0 && u01(d->w[0][0]) < c->flip_p;
    if (*flipped) {
        double f[6] = {-1, 0, w - 1.0, 0, 1, 0};
        compose(f, m), memcpy(m, f, sizeof f);
    }
    double angle = c->rotate_deg > 0 ? uniform(d->w[0][1], -c->rotate_deg, c->rotate_deg) : 0.0;
    double scale = c->scale_min > 0 ? uniform(d->w[0][2], c->scale_min, c->scale_max) : 1.0;
    double tx = c->translate > 0 ? uniform(d->w[0][3], -c->translate * w, c->translate * w) : 0.0;
    double ty = c->translate > 0 ? uniform(d->w[1][0], -c->translate * h, c->translate * h) : 0.0;
    if (angle != 0 || scale != 1 || tx != 0 || ty != 0) {
        /* y points down, so a positive angle turns counter-clockwise on screen: R = [cos sin; -sin cos] */
        double a = angle * 3.14159265358979323846 / 180.0, cs = cos(a) * scale, sn = sin(a) * scale;
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        double r[6] = {cs, sn, cx + tx - cs * cx - sn * cy, -sn, cs, cy + ty + sn * cx - cs * cy};
        compose(r, m), memcpy(m, r, sizeof r);
    }
    *ow = w, *oh = h;
    if (c->crop_w > 0) {
        int lo_x = w - c->crop_w < 0 ? w - c->crop_w : 0, hi_x = w - c->crop_w > 0 ? w - c->crop_w : 0;
        int lo_y = h - c->crop_h < 0 ? h - c->crop_h : 0, hi_y = h - c->crop_h > 0 ? h - c->crop_h : 0;
        int ox = lo_x + (int)(((uint64_t)d->w[1][1] * (uint64_t)(hi_x - lo_x + 1)) >> 32);
        int oy = lo_y + (int)(((uint64_t)d->w[1][2] * (uint64_t)(hi_y - lo_y + 1)) >> 32);
        m[2] -= ox, m[5] -= oy;
        *ow = c->crop_w, *oh = c->crop_h;
    }
}

ob_status ob_augment_matrix(float m[6], int *flipped, int *out_w, int *out_h, const ob_augment_cfg *cfg, int w, int h,
                            const float box[4], uint64_t seed, int epoch, int64_t index)
{
    OB_TRY(check_cfg(cfg));
    OB_REQUIRE(cfg->box_w == 0 || box, "augment: a box crop needs the sample's box");
    OB_REQUIRE(epoch >= 0 && epoch < (1 << 24) && index >= 0 && index < ((int64_t)1 << 36),
               "augment: epoch %d / index %lld outside 0..2^24-1 / 0..2^36-1", epoch, (long long)index);
    draws d;
    draw_all(&d, seed, epoch, index);
    double md[6];
    matrix_d(md, flipped, out_w, out_h, cfg, w, h, box, &d);
    for (int i = 0; i < 6; i++) m[i] = (float)md[i];
    return OB_OK;
}

/* ---- warp --------------------------------------------------------------------- */

/* The warp itself is kernels/warp_affine.h's CPU path: samples are augmented
 * on the host, in the loader's threads. */
static ob_status warp_d(float *out, const float *in, int c, int h, int w, int oh, int ow, const double m[6],
                        float fill)
{
    ob_affine2d fwd, inv;
    memcpy(fwd.m, m, sizeof fwd.m);
    OB_TRY(ob_warp_affine_invert(&inv, &fwd));
    return ob_warp_affine_cpu(out, in, c, h, w, oh, ow, inv, fill);
}

ob_status ob_warp_affine(float *out, const float *in, int c, int h, int w, int out_h, int out_w, const float m[6],
                         float fill)
{
    OB_REQUIRE(out && in && m && c >= 1 && h >= 1 && w >= 1 && out_h >= 1 && out_w >= 1,
               "ob_warp_affine: bad arguments (%d, %d, %d) -> (%d, %d)", c, h, w, out_h, out_w);
    double md[6];
    for (int i = 0; i < 6; i++) md[i] = m[i];
    return warp_d(out, in, c, h, w, out_h, out_w, md, fill);
}

static void points_d(float *kp, int k, const double m[6])
{
    for (int i = 0; i < k; i++) {
        double x = kp[2 * i], y = kp[2 * i + 1];
        kp[2 * i] = (float)(m[0] * x + m[1] * y + m[2]);
        kp[2 * i + 1] = (float)(m[3] * x + m[4] * y + m[5]);
    }
}

void ob_affine_points(float *kp, int k, const float m[6])
{
    double md[6];
    for (int i = 0; i < 6; i++) md[i] = m[i];
    points_d(kp, k, md);
}

/* ---- colour ------------------------------------------------------------------- */

void ob_rgb_to_hsv(float *h, float *s, float *v, float r, float g, float b)
{
    float mx = fmaxf(r, fmaxf(g, b)), mn = fminf(r, fminf(g, b)), d = mx - mn;
    *v = mx;
    *s = mx > 0 ? d / mx : 0;
    float hh = 0;
    if (d > 0) {
        if (mx == r) hh = (g - b) / d;
        else if (mx == g) hh = 2 + (b - r) / d;
        else hh = 4 + (r - g) / d;
        hh /= 6;
        if (hh < 0) hh += 1;
    }
    *h = hh;
}

void ob_hsv_to_rgb(float *r, float *g, float *b, float h, float s, float v)
{
    float h6 = (h - floorf(h)) * 6;
    int i = (int)h6;
    if (i > 5) i = 5;
    float f = h6 - (float)i, p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
    switch (i) {
    case 0: *r = v, *g = t, *b = p; break;
    case 1: *r = q, *g = v, *b = p; break;
    case 2: *r = p, *g = v, *b = t; break;
    case 3: *r = p, *g = q, *b = v; break;
    case 4: *r = t, *g = p, *b = v; break;
    default: *r = v, *g = p, *b = q; break;
    }
}

static float clamp01(float x) { return x < 0 ? 0 : x > 1 ? 1 : x; }

void ob_color_jitter_apply(float *img, int c, int h, int w, float brightness, float contrast, float saturation,
                           float hue, const int order[4])
{
    static const int plain[4] = {0, 1, 2, 3};
    if (!order) order = plain;
    int64_t n = (int64_t)h * w;
    int colour = c >= 3, planes = colour ? 3 : 1; /* alpha (2nd of 2, 4th of 4) untouched */
    float *R = img, *G = img + n, *B = img + 2 * n;
    for (int o = 0; o < 4; o++) {
        int op = order[o];
        if (op == 0 && brightness != 1) {
            for (int64_t i = 0; i < planes * n; i++) img[i] = clamp01(img[i] * brightness);
        } else if (op == 1 && contrast != 1) {
            double sum = 0;
            for (int64_t i = 0; i < n; i++) sum += colour ? 0.299 * R[i] + 0.587 * G[i] + 0.114 * B[i] : img[i];
            float mean = (float)(sum / (double)n);
            for (int64_t i = 0; i < planes * n; i++) img[i] = clamp01(contrast * img[i] + (1 - contrast) * mean);
        } else if (op == 2 && saturation != 1 && colour) {
            for (int64_t i = 0; i < n; i++) {
                float gray = 0.299f * R[i] + 0.587f * G[i] + 0.114f * B[i];
                R[i] = clamp01(saturation * R[i] + (1 - saturation) * gray);
                G[i] = clamp01(saturation * G[i] + (1 - saturation) * gray);
                B[i] = clamp01(saturation * B[i] + (1 - saturation) * gray);
            }
        } else if (op == 3 && hue != 0 && colour) {
            for (int64_t i = 0; i < n; i++) {
                float hh, s, v;
                ob_rgb_to_hsv(&hh, &s, &v, clamp01(R[i]), clamp01(G[i]), clamp01(B[i]));
                hh += hue;
                ob_hsv_to_rgb(&R[i], &G[i], &B[i], hh - floorf(hh), s, v);
            }
        }
    }
}

/* ---- the whole sample ----------------------------------------------------------- */

ob_status ob_augment_sample(ob_sample *s, const ob_augment_cfg *cfg, uint64_t seed, int epoch, int64_t index)
{
    OB_REQUIRE(s && s->image.ndim == 3 && s->image.data, "augment: the sample has no (C, H, W) image");
    OB_TRY(check_cfg(cfg));
    OB_REQUIRE(epoch >= 0 && epoch < (1 << 24) && index >= 0 && index < ((int64_t)1 << 36),
               "augment: epoch %d / index %lld outside 0..2^24-1 / 0..2^36-1", epoch, (long long)index);
    int c = (int)s->image.shape[0], h = (int)s->image.shape[1], w = (int)s->image.shape[2];
    if (cfg->flip_p > 0 && s->n_kp > 0) {
        OB_REQUIRE(cfg->flip_swap && cfg->flip_swap_n == s->n_kp,
                   "augment: flipping a sample with %d keypoints needs their %d-entry swap table (got %d entries); a "
                   "plain flip would mislabel left and right",
                   s->n_kp, s->n_kp, cfg->flip_swap ? cfg->flip_swap_n : 0);
        for (int i = 0; i < s->n_kp; i++)
            OB_REQUIRE(cfg->flip_swap[i] >= 0 && cfg->flip_swap[i] < s->n_kp && cfg->flip_swap[cfg->flip_swap[i]] == i,
                       "augment: flip_swap[%d] = %d is not a mirror table (entries in 0..%d, swap[swap[i]] == i)", i,
                       cfg->flip_swap[i], s->n_kp - 1);
    }
    OB_REQUIRE(cfg->box_w == 0 || s->has_box, "augment: box crop asked for, but the sample has no box (only dlib "
                                              "XML sets carry one)");
    draws d;
    draw_all(&d, seed, epoch, index);
    if (geometric(cfg)) {
        double m[6];
        int flipped, ow, oh;
        matrix_d(m, &flipped, &ow, &oh, cfg, w, h, s->has_box ? s->box : NULL, &d);
        ob_tensor out;
        int64_t shape[3] = {c, oh, ow};
        OB_TRY(ob_tensor_alloc(&out, OB_F32, OB_HOST, 3, shape));
        ob_status st = warp_d(ob_tensor_f32(&out), ob_tensor_f32(&s->image), c, h, w, oh, ow, m, cfg->fill);
        if (st != OB_OK) {
            ob_tensor_free(&out);
            return st;
        }
        ob_tensor_free(&s->image);
        s->image = out;
        if (s->n_kp > 0) {
            if (flipped) {
                float *tmp = malloc((size_t)s->n_kp * 2 * sizeof *tmp);
                if (!tmp) return OB_FAIL(OB_ERR_NOMEM, "out of memory");
                for (int i = 0; i < s->n_kp; i++)
                    tmp[2 * i] = s->kp[2 * cfg->flip_swap[i]], tmp[2 * i + 1] = s->kp[2 * cfg->flip_swap[i] + 1];
                memcpy(s->kp, tmp, (size_t)s->n_kp * 2 * sizeof *tmp);
                free(tmp);
            }
            points_d(s->kp, s->n_kp, m);
        }
        if (s->has_box) { /* the box's corners through m, then their bounding box */
            float cx[4] = {s->box[0], s->box[0] + s->box[2], s->box[0], s->box[0] + s->box[2]};
            float cy[4] = {s->box[1], s->box[1], s->box[1] + s->box[3], s->box[1] + s->box[3]};
            float x0 = 1e30f, y0 = 1e30f, x1 = -1e30f, y1 = -1e30f;
            for (int i = 0; i < 4; i++) {
                float px = (float)(m[0] * cx[i] + m[1] * cy[i] + m[2]), py = (float)(m[3] * cx[i] + m[4] * cy[i] + m[5]);
                x0 = fminf(x0, px), y0 = fminf(y0, py), x1 = fmaxf(x1, px), y1 = fmaxf(y1, py);
            }
            s->box[0] = x0, s->box[1] = y0, s->box[2] = x1 - x0, s->box[3] = y1 - y0;
        }
        w = ow, h = oh;
    }
    if (cfg->brightness > 0 || cfg->contrast > 0 || cfg->saturation > 0 || cfg->hue > 0) {
        float b = cfg->brightness > 0 ? uniform(d.w[2][0], fmaxf(0, 1 - cfg->brightness), 1 + cfg->brightness) : 1;
        float ct = cfg->contrast > 0 ? uniform(d.w[2][1], fmaxf(0, 1 - cfg->contrast), 1 + cfg->contrast) : 1;
        float sa = cfg->saturation > 0 ? uniform(d.w[2][2], fmaxf(0, 1 - cfg->saturation), 1 + cfg->saturation) : 1;
        float hu = cfg->hue > 0 ? uniform(d.w[2][3], -cfg->hue, cfg->hue) : 0;
        int order[4] = {0, 1, 2, 3};
        for (int i = 3; i >= 1; i--) { /* Fisher–Yates on words of call 3 */
            int j = (int)(((uint64_t)d.w[3][i] * (uint64_t)(i + 1)) >> 32), t = order[i];
            order[i] = order[j], order[j] = t;
        }
        ob_color_jitter_apply(ob_tensor_f32(&s->image), c, h, w, b, ct, sa, hu, order);
    }
    return OB_OK;
}

ob_status ob_augment_transform(void *user, ob_sample *s, uint64_t seed, int epoch, int64_t index)
{
    return ob_augment_sample(s, (const ob_augment_cfg *)user, seed, epoch, index);
}
