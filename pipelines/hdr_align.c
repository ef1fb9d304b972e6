/* hdr_align.c — Ward's median threshold bitmap alignment (ob_hdr_align.h). */
#include "ob_hdr_align.h"

#include <stdlib.h>
#include <string.h>

#define NOISE_LEVELS 4 /* Ward's exclusion band around the median */

typedef struct {
    int w, h;
    unsigned char *gray; /* (h, w) */
} gray_level;

static int clamp_int(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

static ob_status to_gray(gray_level *g, const ob_tensor *img)
{
    const int c = (int)img->shape[0], h = (int)img->shape[1], w = (int)img->shape[2];
    g->w = w, g->h = h;
    g->gray = malloc((size_t)w * h);
    if (!g->gray) return OB_FAIL(OB_ERR_NOMEM, "align: out of memory");
    const void *p = img->data;
    const ob_dtype dt = img->dtype;
    const size_t plane = (size_t)w * h;
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < plane; i++) {
        float v = c >= 3 ? (54.0f * ob_sample_unit(p, dt, i) + 183.0f * ob_sample_unit(p, dt, plane + i) +
                            19.0f * ob_sample_unit(p, dt, 2 * plane + i)) /
                               256.0f
                         : ob_sample_unit(p, dt, i);
        g->gray[i] = (unsigned char)clamp_int((int)(v * 255.0f + 0.5f), 0, 255);
    }
    return OB_OK;
}

/* Half size by 2x2 means (odd trailing rows/columns dropped, as Ward does). */
static ob_status halve(gray_level *dst, const gray_level *src)
{
    dst->w = src->w / 2, dst->h = src->h / 2;
    dst->gray = malloc((size_t)dst->w * dst->h + 1);
    if (!dst->gray) return OB_FAIL(OB_ERR_NOMEM, "align: out of memory");
    for (int y = 0; y < dst->h; y++)
        for (int x = 0; x < dst->w; x++) {
            const unsigned char *s = src->gray + (size_t)(2 * y) * src->w + 2 * x;
            dst->gray[(size_t)y * dst->w + x] = (unsigned char)((s[0] + s[1] + s[src->w] + s[src->w + 1] + 2) / 4);
        }
    return OB_OK;
}

static int median_of(const gray_level *g)
{
    size_t hist[256] = {0}, n = (size_t)g->w * g->h, acc = 0;
    for (size_t i = 0; i < n; i++) hist[g->gray[i]]++;
    for (int v = 0; v < 256; v++)
        if ((acc += hist[v]) * 2 >= n) return v;
    return 255;
}

/* Threshold and exclusion bitmaps of one level, one byte per pixel (0/1). */
static void bitmaps(unsigned char *tb, unsigned char *eb, const gray_level *g)
{
    const int med = median_of(g);
    const size_t n = (size_t)g->w * g->h;
    for (size_t i = 0; i < n; i++) {
        tb[i] = g->gray[i] > med;
        eb[i] = g->gray[i] > med + NOISE_LEVELS || g->gray[i] < med - NOISE_LEVELS;
    }
}

/* Differing, non-excluded pixels between ref and img shifted by (dx, dy);
 * pixels shifted in from outside count as excluded. */
static long long difference(const unsigned char *tb1, const unsigned char *eb1, const unsigned char *tb2,
                            const unsigned char *eb2, int w, int h, int dx, int dy)
{
    long long count = 0;
#pragma omp parallel for reduction(+ : count) schedule(static)
    for (int y = 0; y < h; y++) {
        int sy = y - dy;
        if (sy < 0 || sy >= h) continue;
        for (int x = 0; x < w; x++) {
            int sx = x - dx;
            if (sx < 0 || sx >= w) continue;
            size_t i = (size_t)y * w + x, j = (size_t)sy * w + sx;
            count += (tb1[i] ^ tb2[j]) & eb1[i] & eb2[j];
        }
    }
    return count;
}

static void free_pyramid(gray_level *p, int levels)
{
    for (int l = 0; l < levels; l++) free(p[l].gray);
}

static ob_status build_pyramid(gray_level *p, const ob_tensor *img, int levels)
{
    memset(p, 0, sizeof *p * (size_t)levels);
    ob_status s = to_gray(&p[0], img);
    for (int l = 1; l < levels && s == OB_OK; l++) s = halve(&p[l], &p[l - 1]);
    if (s != OB_OK) free_pyramid(p, levels);
    return s;
}

/* Ward's GetExpShift: coarse to fine, 9 candidates around the doubled shift. */
static ob_status find_shift(ob_shift *out, const gray_level *ref, const gray_level *img, int levels)
{
    int cx = 0, cy = 0;
    size_t n0 = (size_t)ref[0].w * ref[0].h;
    unsigned char *buf = malloc(4 * n0 + 4);
    if (!buf) return OB_FAIL(OB_ERR_NOMEM, "align: out of memory");
    unsigned char *tb1 = buf, *eb1 = buf + n0, *tb2 = buf + 2 * n0, *eb2 = buf + 3 * n0;
    for (int l = levels - 1; l >= 0; l--) {
        cx *= 2, cy *= 2;
        bitmaps(tb1, eb1, &ref[l]);
        bitmaps(tb2, eb2, &img[l]);
        long long best = -1;
        int bx = cx, by = cy;
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++) {
                long long d = difference(tb1, eb1, tb2, eb2, ref[l].w, ref[l].h, cx + dx, cy + dy);
                if (best < 0 || d < best) best = d, bx = cx + dx, by = cy + dy;
            }
        cx = bx, cy = by;
    }
    free(buf);
    out->dx = cx, out->dy = cy;
    return OB_OK;
}

ob_status ob_mtb_align(ob_shift *shifts, const ob_tensor *const *images, int n, int reference, int levels)
{
    OB_REQUIRE(n >= 1 && reference >= 0 && reference < n, "align: reference %d outside 0..%d", reference, n - 1);
    OB_REQUIRE(levels >= 1 && levels <= 12, "align: %d pyramid levels outside 1..12", levels);
    const ob_tensor *r = images[reference];
    for (int i = 0; i < n; i++) {
        OB_REQUIRE(images[i]->ndim == 3 &&
                       (images[i]->dtype == OB_F32 || images[i]->dtype == OB_U8 || images[i]->dtype == OB_U16) &&
                       images[i]->loc == OB_HOST,
                   "align: image %d is not a host (C, H, W) float, u8 or u16 image", i);
        OB_REQUIRE(ob_tensor_same_shape(images[i], r), "align: image %d differs in size from the reference", i);
    }
    /* fewer levels for small images: the coarsest must keep a few pixels */
    while (levels > 1 && ((r->shape[1] >> (levels - 1)) < 8 || (r->shape[2] >> (levels - 1)) < 8)) levels--;
    gray_level ref[12], img[12];
    OB_TRY(build_pyramid(ref, r, levels));
    ob_status s = OB_OK;
    for (int i = 0; i < n && s == OB_OK; i++) {
        shifts[i].dx = shifts[i].dy = 0;
        if (i == reference) continue;
        s = build_pyramid(img, images[i], levels);
        if (s != OB_OK) break;
        s = find_shift(&shifts[i], ref, img, levels);
        free_pyramid(img, levels);
    }
    free_pyramid(ref, levels);
    return s;
}

ob_status ob_apply_shift(ob_tensor *out, const ob_tensor *in, ob_shift s)
{
    OB_REQUIRE(in->ndim == 3 && in->loc == OB_HOST && ob_tensor_is_contiguous(in),
               "shift: expected a contiguous host (C, H, W) image");
    OB_TRY(ob_tensor_alloc(out, in->dtype, OB_HOST, 3, in->shape));
    const int c = (int)in->shape[0], h = (int)in->shape[1], w = (int)in->shape[2];
    const size_t es = ob_dtype_size(in->dtype);
    const char *src = in->data;
    char *dst = out->data;
#pragma omp parallel for collapse(2) schedule(static)
    for (int ch = 0; ch < c; ch++)
        for (int y = 0; y < h; y++) {
            const char *row = src + ((size_t)ch * h + clamp_int(y - s.dy, 0, h - 1)) * w * es;
            char *o = dst + ((size_t)ch * h + y) * w * es;
            for (int x = 0; x < w; x++) memcpy(o + (size_t)x * es, row + (size_t)clamp_int(x - s.dx, 0, w - 1) * es, es);
        }
    return OB_OK;
}
