/* faceswap_paste.c — ob_faceswap.h's ob_faceswap_photo: a photo's face
 * aligned, swapped, warped back and Laplacian-blended in under a soft mask. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ob_align.h"
#include "ob_blend.h"
#include "ob_faceswap.h"
#include "warp_affine.h"

#define BLEND_LEVELS 4

static int cmp_point(const void *a, const void *b)
{
    const double *p = a, *q = b;
    return p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : p[1] < q[1] ? -1 : p[1] > q[1];
}

static double cross(const double *o, const double *a, const double *b)
{
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/* hull <- the convex hull of n points (Andrew's monotone chain), counter-clockwise
 * in (x, y) with positive cross products; returns its vertex count. */
static int convex_hull(double (*hull)[2], double (*pts)[2], int n)
{
    qsort(pts, (size_t)n, sizeof *pts, cmp_point);
    int k = 0;
    for (int i = 0; i < n; i++) { /* the lower chain */
        while (k >= 2 && cross(hull[k - 2], hull[k - 1], pts[i]) <= 0) k--;
        hull[k][0] = pts[i][0], hull[k][1] = pts[i][1], k++;
    }
    for (int i = n - 2, lower = k + 1; i >= 0; i--) { /* the upper chain */
        while (k >= lower && cross(hull[k - 2], hull[k - 1], pts[i]) <= 0) k--;
        hull[k][0] = pts[i][0], hull[k][1] = pts[i][1], k++;
    }
    return k - 1; /* the last point repeats the first */
}

/* mask (S, S) <- a ramp of the distance inside the aligned landmarks' hull:
 * 0 up to `erode` px from its edge, rising to 1 over `feather` px. */
static void face_mask(float *mask, const double T[9], const float *kp, int size)
{
    double pts[OB_FACE_POINTS][2], hull[2 * OB_FACE_POINTS][2];
    for (int i = 0; i < OB_FACE_POINTS; i++) {
        pts[i][0] = T[0] * kp[2 * i] + T[1] * kp[2 * i + 1] + T[2];
        pts[i][1] = T[3] * kp[2 * i] + T[4] * kp[2 * i + 1] + T[5];
    }
    const int h = convex_hull(hull, pts, OB_FACE_POINTS);
    const double erode = size / 32.0, feather = size / 8.0;
    for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++) {
            /* inside a convex polygon the distance to its edge is the least distance to an edge's line */
            double d = INFINITY;
            for (int e = 0; e < h; e++) {
                const double *a = hull[e], *b = hull[(e + 1) % h], p[2] = {x, y};
                const double len = hypot(b[0] - a[0], b[1] - a[1]);
                if (len > 0) d = fmin(d, cross(a, b, p) / len);
            }
            const double v = (d - erode) / feather;
            mask[y * size + x] = (float)(v < 0 ? 0 : v > 1 ? 1 : v);
        }
}

/* box <- the photo pixels the face square covers, grown by pad, clipped. */
static ob_status face_box(int box[4], const double T[9], int size, int w, int h, int pad)
{
    ob_affine2d m = {{T[0], T[1], T[2], T[3], T[4], T[5]}}, inv;
    OB_TRY(ob_warp_affine_invert(&inv, &m));
    double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    for (int c = 0; c < 4; c++) {
        const double u = c & 1 ? size - 0.5 : -0.5, v = c & 2 ? size - 0.5 : -0.5;
        const double x = inv.m[0] * u + inv.m[1] * v + inv.m[2], y = inv.m[3] * u + inv.m[4] * v + inv.m[5];
        lo[0] = fmin(lo[0], x), lo[1] = fmin(lo[1], y), hi[0] = fmax(hi[0], x), hi[1] = fmax(hi[1], y);
    }
    box[0] = (int)fmax(0, floor(lo[0]) - pad), box[1] = (int)fmax(0, floor(lo[1]) - pad);
    box[2] = (int)fmin(w, ceil(hi[0]) + 1 + pad), box[3] = (int)fmin(h, ceil(hi[1]) + 1 + pad);
    OB_REQUIRE(box[2] - box[0] >= 8 && box[3] - box[1] >= 8, "faceswap: the face lies outside the %dx%d photo", w, h);
    return OB_OK;
}

/* a, b (3, bh, bw), mask (1, bh, bw) <- the swapped face and the photo over the box. */
static ob_status blend_inputs(ob_tensor *a, ob_tensor *b, ob_tensor *mask, const float *planes, const double T[9],
                              int size, const ob_tensor *photo, const int box[4])
{
    const int h = (int)photo->shape[1], w = (int)photo->shape[2], bw = box[2] - box[0], bh = box[3] - box[1];
    const int64_t n = (int64_t)bw * bh, s3[3] = {3, bh, bw}, s1[3] = {1, bh, bw}, s5[3] = {5, bh, bw};
    ob_tensor warped = {0};
    OB_TRY(ob_tensor_alloc(&warped, OB_F32, OB_HOST, 3, s5));
    /* box pixel (x, y) is photo pixel (x + x0, y + y0), which T takes to the face */
    const ob_affine2d inv = {{T[0], T[1], T[2] + T[0] * box[0] + T[1] * box[1], T[3], T[4],
                              T[5] + T[3] * box[0] + T[4] * box[1]}};
    ob_status s = ob_warp_affine_cpu(ob_tensor_f32(&warped), planes, 5, size, size, bh, bw, inv, 0.0f);
    if (s == OB_OK) s = ob_tensor_alloc(a, OB_F32, OB_HOST, 3, s3);
    if (s == OB_OK) s = ob_tensor_alloc(b, OB_F32, OB_HOST, 3, s3);
    if (s == OB_OK) s = ob_tensor_alloc(mask, OB_F32, OB_HOST, 3, s1);
    if (s != OB_OK) {
        ob_tensor_free(&warped), ob_tensor_free(a), ob_tensor_free(b), ob_tensor_free(mask);
        return s;
    }
    const float *wp = ob_tensor_f32(&warped), *cover = wp + 4 * n, *src = ob_tensor_f32(photo);
    float *pa = ob_tensor_f32(a), *pb = ob_tensor_f32(b), *pm = ob_tensor_f32(mask);
    for (int c = 0; c < 3; c++)
        for (int y = 0; y < bh; y++)
            for (int x = 0; x < bw; x++) {
                const int64_t i = (int64_t)y * bw + x;
                const float v = src[((int64_t)c * h + y + box[1]) * w + x + box[0]];
                pb[c * n + i] = v;
                /* the warped face is premultiplied by its coverage (fill 0): the photo fills the rest */
                pa[c * n + i] = wp[c * n + i] + (1 - cover[i]) * v;
            }
    for (int64_t i = 0; i < n; i++) pm[i] = fminf(1.0f, fmaxf(0.0f, wp[3 * n + i]));
    ob_tensor_free(&warped);
    return OB_OK;
}

/* out (a clone of photo) <- the blend over the box. */
static ob_status paste(ob_ctx *ctx, ob_tensor *out, const ob_tensor *photo, const float *planes, const double T[9],
                       int size, const int box[4])
{
    ob_tensor a = {0}, b = {0}, mask = {0}, blended = {0};
    OB_TRY(blend_inputs(&a, &b, &mask, planes, T, size, photo, box));
    const int h = (int)photo->shape[1], w = (int)photo->shape[2], bw = box[2] - box[0], bh = box[3] - box[1];
    int levels = 1;
    while (levels < BLEND_LEVELS && (2 << levels) <= (bw < bh ? bw : bh)) levels++;
    ob_status s = ob_laplacian_blend(ctx, &blended, &a, &b, &mask, levels);
    if (s == OB_OK) s = ob_tensor_clone_to(out, photo, OB_HOST);
    if (s == OB_OK) {
        float *dst = ob_tensor_f32(out);
        const float *src = ob_tensor_f32(&blended);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < bh; y++)
                memcpy(dst + ((int64_t)c * h + y + box[1]) * w + box[0], src + ((int64_t)c * bh + y) * bw,
                       sizeof(float) * bw);
    }
    ob_tensor_free(&a), ob_tensor_free(&b), ob_tensor_free(&mask), ob_tensor_free(&blended);
    return s;
}

ob_status ob_faceswap_photo(ob_ctx *ctx, ob_tensor *out, ob_faceswap_net *net, int side, const ob_tensor *photo,
                            const float *kp, int k, int box_out[4])
{
    OB_REQUIRE(photo->ndim == 3 && photo->shape[0] == 3 && photo->loc == OB_HOST && photo->dtype == OB_F32 &&
                   ob_tensor_is_contiguous(photo),
               "faceswap: the photo must be a host RGB (3, H, W) image");
    OB_REQUIRE(side == 0 || side == 1, "faceswap: decoder %d (0 = A, 1 = B)", side);
    const int s = net->cfg.size, h = (int)photo->shape[1], w = (int)photo->shape[2];
    const size_t per = (size_t)s * s;
    double T[9];
    OB_TRY(ob_align_face_transform(T, kp, k, w, h, s, 0));
    int box[4];
    OB_TRY(face_box(box, T, s, w, h, 1 << BLEND_LEVELS));
    /* planes: the face in (3), then swapped (3) over it, the mask, the coverage */
    float *buf = malloc(sizeof(float) * per * 8);
    OB_REQUIRE(buf, "faceswap: out of memory");
    float *face = buf, *planes = buf + 3 * per;
    ob_affine2d m = {{T[0], T[1], T[2], T[3], T[4], T[5]}}, inv;
    ob_status st = ob_warp_affine_invert(&inv, &m);
    if (st == OB_OK) st = ob_warp_affine_cpu(face, ob_tensor_f32(photo), 3, h, w, s, s, inv, 0.0f);
    if (st == OB_OK) st = ob_faceswap_run(ctx, net, planes, face, 1, side);
    if (st == OB_OK) {
        face_mask(planes + 3 * per, T, kp, s);
        for (size_t i = 0; i < per; i++) planes[4 * per + i] = 1.0f;
        st = paste(ctx, out, photo, planes, T, s, box);
    }
    free(buf);
    if (st == OB_OK && box_out) memcpy(box_out, box, sizeof box);
    return st;
}
