/* test_quilt.c — the quilting pipelines (ob_quilt.h) on synthetic samples:
 *   - the seed's sanity check: tol = 1 with the first patch at the sample's
 *     upper-left corner reproduces the sample exactly (simple and cut, 1 and 3
 *     channels, output sizes that are not multiples of the step), and, for an
 *     output larger than the sample, over the area whose patches fit inside it;
 *   - shapes: outputs of any size >= a patch, the last patches cropped;
 *   - quilt_random: every patch of the output is a patch of the sample;
 *   - every output pixel is a sample pixel (all methods and transfer);
 *   - the same seed gives the same image, another seed another one; the
 *     context's CPU path equals ob_quilt_kernels_cpu's;
 *   - texture transfer's shape, pixels and pass schedule;
 *   - bad input: OB_ERR_ARG with a message naming the value.
 * Real textures (seam quality, transfer likeness): test_quilt_texture.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_quilt.h"
#include "ob_test.h"

static ob_tensor make_image(int c, int h, int w, uint64_t seed)
{
    ob_tensor t;
    int64_t shape[3] = {c, h, w};
    if (ob_tensor_alloc(&t, OB_F32, OB_HOST, 3, shape) != OB_OK) abort();
    ob_test_fill_uniform(ob_tensor_f32(&t), (size_t)c * h * w, seed, 0, 1);
    return t;
}

typedef ob_status (*quilt_fn)(ob_ctx *, ob_tensor *, const ob_tensor *, int, int, const ob_quilt_opts *);

/* out == sample over rows < eh, columns < ew. */
static int same_region(const ob_tensor *out, const ob_tensor *smp, int eh, int ew)
{
    const int c = (int)out->shape[0], oh = (int)out->shape[1], ow = (int)out->shape[2];
    const int h = (int)smp->shape[1], w = (int)smp->shape[2];
    const float *o = ob_tensor_f32(out), *s = ob_tensor_f32(smp);
    for (int ch = 0; ch < c; ch++)
        for (int y = 0; y < eh; y++)
            for (int x = 0; x < ew; x++)
                if (o[((size_t)ch * oh + y) * ow + x] != s[((size_t)ch * h + y) * w + x]) {
                    printf("  differs at (c %d, y %d, x %d)\n", ch, y, x);
                    return 0;
                }
    return 1;
}

static void sanity(quilt_fn fn, const char *name, int c, int h, int w, int out_w, int out_h, int p, int ov)
{
    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    ob_tensor smp = make_image(c, h, w, 100 + c), out = {0};
    ob_quilt_opts o;
    ob_quilt_opts_init(&o);
    o.patch = p, o.overlap = ov, o.tol = 1, o.first_corner = 1, o.seed = 7;
    OB_CHECK_OK(fn(ctx, &out, &smp, out_w, out_h, &o));
    OB_CHECK(out.shape[0] == c && out.shape[1] == out_h && out.shape[2] == out_w, "%s: shape", name);
    /* the exact area: rows above the first row of patches with no identity
     * position; columns left of the patch before the first such column (that
     * one's top strip already sees a non-identity neighbour) */
    const int step = p - ov;
    int ew = out_w, eh = out_h;
    for (int x0 = step; x0 < out_w; x0 += step)
        if (x0 > w - p) {
            ew = x0 - step;
            break;
        }
    for (int y0 = step; y0 < out_h; y0 += step)
        if (y0 > h - p) {
            eh = y0 < eh ? y0 : eh;
            break;
        }
    if (ew > w) ew = w;
    if (eh > h) eh = h;
    OB_CHECK(same_region(&out, &smp, eh, ew), "%s: tol 1 from the corner reproduces the sample (%dx%d of %dx%d, c %d)",
             name, ew, eh, out_w, out_h, c);
    ob_tensor_free(&out), ob_tensor_free(&smp);
    ob_ctx_destroy(ctx);
}

/* Sample pixels sorted by their first channel (pixels_from's index). */
static const float *sort_key;
static int cmp_pixel(const void *a, const void *b)
{
    const float x = sort_key[*(const size_t *)a], y = sort_key[*(const size_t *)b];
    return (x > y) - (x < y);
}

/* Every output pixel (all channels) is some sample pixel: binary search on the
 * first channel, then the run of equal first values compared whole. */
static int pixels_from(const ob_tensor *out, const ob_tensor *smp)
{
    const int c = (int)out->shape[0];
    const size_t no = (size_t)out->shape[1] * out->shape[2], ns = (size_t)smp->shape[1] * smp->shape[2];
    const float *o = ob_tensor_f32(out), *s = ob_tensor_f32(smp);
    size_t *idx = malloc(ns * sizeof *idx);
    for (size_t j = 0; j < ns; j++) idx[j] = j;
    sort_key = s;
    qsort(idx, ns, sizeof *idx, cmp_pixel);
    int ok = 1;
    for (size_t i = 0; i < no && ok; i++) {
        size_t lo = 0, hi = ns; /* first position with s[idx] >= o[i] */
        while (lo < hi) {
            const size_t mid = (lo + hi) / 2;
            if (s[idx[mid]] < o[i]) lo = mid + 1;
            else hi = mid;
        }
        int found = 0;
        for (size_t k = lo; k < ns && s[idx[k]] == o[i] && !found; k++) {
            found = 1;
            for (int ch = 1; ch < c && found; ch++) found = o[ch * no + i] == s[ch * ns + idx[k]];
        }
        if (!found) printf("  output pixel %zu is not in the sample\n", i);
        ok = found;
    }
    free(idx);
    return ok;
}

/* quilt_random: each P x P block (cropped) of the output is a block of the sample. */
static void random_blocks(void)
{
    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    const int c = 2, h = 23, w = 29, p = 7, ow = 40, oh = 31;
    ob_tensor smp = make_image(c, h, w, 5), out = {0};
    ob_quilt_opts o;
    ob_quilt_opts_init(&o);
    o.patch = p, o.seed = 3;
    OB_CHECK_OK(ob_quilt_random(ctx, &out, &smp, ow, oh, &o));
    const float *ov = ob_tensor_f32(&out), *s = ob_tensor_f32(&smp);
    int all = 1, distinct = 0;
    int first_sy = -1, first_sx = -1;
    for (int by = 0; by < oh; by += p)
        for (int bx = 0; bx < ow; bx += p) {
            int hit = 0;
            for (int sy = 0; sy + p <= h && !hit; sy++)
                for (int sx = 0; sx + p <= w && !hit; sx++) {
                    int eq = 1;
                    for (int ch = 0; ch < c && eq; ch++)
                        for (int i = 0; i < p && by + i < oh && eq; i++)
                            for (int j = 0; j < p && bx + j < ow && eq; j++)
                                eq = ov[((size_t)ch * oh + by + i) * ow + bx + j] == s[((size_t)ch * h + sy + i) * w + sx + j];
                    if (eq) {
                        hit = 1;
                        if (first_sy < 0) first_sy = sy, first_sx = sx;
                        else distinct |= sy != first_sy || sx != first_sx;
                    }
                }
            all &= hit;
        }
    OB_CHECK(all, "quilt_random: every block is a sample patch");
    OB_CHECK(distinct, "quilt_random: the blocks come from different places");
    ob_tensor_free(&out), ob_tensor_free(&smp);
    ob_ctx_destroy(ctx);
}

static int equal(const ob_tensor *a, const ob_tensor *b)
{
    return ob_tensor_same_shape(a, b) && memcmp(a->data, b->data, ob_tensor_nbytes(a)) == 0;
}

/* Same seed: same image; another seed: another; the kernel table = the context. */
static void determinism(void)
{
    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    ob_tensor smp = make_image(3, 40, 44, 9), a = {0}, b = {0}, d = {0}, e = {0};
    ob_quilt_kernels k;
    ob_quilt_kernels_cpu(&k);
    ob_quilt_opts o;
    ob_quilt_opts_init(&o);
    o.patch = 12, o.overlap = 4, o.tol = 4, o.seed = 11;
    const quilt_fn fns[3] = {ob_quilt_random, ob_quilt_simple, ob_quilt_cut};
    const char *names[3] = {"random", "simple", "cut"};
    for (int m = 0; m < 3; m++) {
        o.seed = 11, o.kernels = NULL;
        OB_CHECK_OK(fns[m](ctx, &a, &smp, 57, 50, &o));
        OB_CHECK_OK(fns[m](ctx, &b, &smp, 57, 50, &o));
        o.kernels = &k;
        OB_CHECK_OK(fns[m](NULL, &e, &smp, 57, 50, &o));
        o.kernels = NULL, o.seed = 12;
        OB_CHECK_OK(fns[m](ctx, &d, &smp, 57, 50, &o));
        OB_CHECK(equal(&a, &b), "%s: same seed, same image", names[m]);
        OB_CHECK(equal(&a, &e), "%s: ob_quilt_kernels_cpu gives the context's image", names[m]);
        OB_CHECK(!equal(&a, &d), "%s: another seed, another image", names[m]);
        OB_CHECK(pixels_from(&a, &smp), "%s: every output pixel is a sample pixel", names[m]);
        ob_tensor_free(&a), ob_tensor_free(&b), ob_tensor_free(&d), ob_tensor_free(&e);
    }
    ob_tensor_free(&smp);
    ob_ctx_destroy(ctx);
}

static void transfer_basic(void)
{
    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    ob_tensor smp = make_image(3, 36, 40, 21), tgt = make_image(1, 45, 38, 22), a = {0}, b = {0};
    ob_quilt_opts o;
    ob_quilt_opts_init(&o);
    o.patch = 12, o.overlap = 3, o.tol = 2, o.seed = 5, o.iterations = 3;
    OB_CHECK_OK(ob_texture_transfer(ctx, &a, &smp, &tgt, &o));
    OB_CHECK(a.shape[0] == 3 && a.shape[1] == 45 && a.shape[2] == 38, "transfer: target's size, sample's channels");
    OB_CHECK(pixels_from(&a, &smp), "transfer: every output pixel is a sample pixel");
    OB_CHECK_OK(ob_texture_transfer(ctx, &b, &smp, &tgt, &o));
    OB_CHECK(equal(&a, &b), "transfer: same seed, same image");
    ob_tensor_free(&b);
    o.iterations = 1, o.alpha = 0.0f, o.tol = 1; /* alpha 0: pure correspondence */
    OB_CHECK_OK(ob_texture_transfer(ctx, &b, &smp, &tgt, &o));
    OB_CHECK(b.shape[1] == 45 && pixels_from(&b, &smp), "transfer alpha 0: shape and pixels");
    /* iterations 6 shrink 12 -> 8 -> 6 -> 4 -> 3 -> 2, overlap >= 1 each */
    ob_tensor_free(&b);
    o.iterations = 6, o.tol = 2;
    OB_CHECK_OK(ob_texture_transfer(ctx, &b, &smp, &tgt, &o));
    ob_tensor_free(&a), ob_tensor_free(&b), ob_tensor_free(&smp), ob_tensor_free(&tgt);
    ob_ctx_destroy(ctx);
}

static void bad_input(void)
{
    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    ob_tensor smp = make_image(3, 30, 40, 1), tgt = make_image(3, 20, 20, 2), out = {0}, five = make_image(5, 30, 30, 3);
    ob_quilt_opts o;
    ob_quilt_opts_init(&o);
    o.patch = 10, o.overlap = 3, o.tol = 2;
    const quilt_fn fns[3] = {ob_quilt_random, ob_quilt_simple, ob_quilt_cut};
    for (int m = 0; m < 3; m++) {
        o.patch = 31; /* larger than the 30-row sample */
        OB_CHECK_FAILS(fns[m](ctx, &out, &smp, 60, 60, &o), OB_ERR_ARG);
        OB_CHECK(strstr(ob_last_error(), "larger than the sample") != NULL, "patch message: %s", ob_last_error());
        o.patch = 10;
        OB_CHECK_FAILS(fns[m](ctx, &out, &smp, 9, 60, &o), OB_ERR_ARG); /* output narrower than a patch */
        OB_CHECK(strstr(ob_last_error(), "smaller than a patch") != NULL, "output message: %s", ob_last_error());
        o.patch = 1;
        OB_CHECK_FAILS(fns[m](ctx, &out, &smp, 60, 60, &o), OB_ERR_ARG);
        o.patch = 10;
        OB_CHECK_FAILS(fns[m](ctx, &out, NULL, 60, 60, &o), OB_ERR_ARG);
        OB_CHECK(out.data == NULL, "nothing allocated on failure");
    }
    for (int m = 1; m < 3; m++) {
        o.overlap = 10;
        OB_CHECK_FAILS(fns[m](ctx, &out, &smp, 60, 60, &o), OB_ERR_ARG);
        OB_CHECK(strstr(ob_last_error(), "overlap 10") != NULL, "overlap message: %s", ob_last_error());
        o.overlap = 0;
        OB_CHECK_FAILS(fns[m](ctx, &out, &smp, 60, 60, &o), OB_ERR_ARG);
        o.overlap = 3, o.tol = 0;
        OB_CHECK_FAILS(fns[m](ctx, &out, &smp, 60, 60, &o), OB_ERR_ARG);
        OB_CHECK(strstr(ob_last_error(), "tol 0") != NULL, "tol message: %s", ob_last_error());
        o.tol = 65;
        OB_CHECK_FAILS(fns[m](ctx, &out, &smp, 60, 60, &o), OB_ERR_ARG);
        o.tol = 2;
    }
    OB_CHECK_FAILS(ob_quilt(ctx, &out, &smp, 60, 60, (ob_quilt_method)7, &o), OB_ERR_ARG);
    ob_quilt_method m;
    OB_CHECK_FAILS(ob_quilt_method_parse(&m, "seamless"), OB_ERR_ARG);
    OB_CHECK(ob_quilt_method_parse(&m, "cut") == OB_OK && m == OB_QUILT_CUT, "parse cut");
    o.alpha = 1.5f;
    OB_CHECK_FAILS(ob_texture_transfer(ctx, &out, &smp, &tgt, &o), OB_ERR_ARG);
    o.alpha = 0.5f, o.iterations = 0;
    OB_CHECK_FAILS(ob_texture_transfer(ctx, &out, &smp, &tgt, &o), OB_ERR_ARG);
    o.iterations = 1, o.patch = 21; /* target 20x20 smaller than a patch */
    OB_CHECK_FAILS(ob_texture_transfer(ctx, &out, &smp, &tgt, &o), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "smaller than a patch") != NULL, "target message: %s", ob_last_error());
    o.patch = 10;
    OB_CHECK_FAILS(ob_texture_transfer(ctx, &out, &five, &tgt, &o), OB_ERR_ARG);
    OB_CHECK(out.data == NULL, "nothing allocated on failure");
    ob_tensor_free(&smp), ob_tensor_free(&tgt), ob_tensor_free(&five);
    ob_ctx_destroy(ctx);
}

int main(void)
{
    /* outputs that fit (step 9: 64 and 50 are not multiples), 1 and 3 channels */
    sanity(ob_quilt_simple, "simple", 3, 61, 70, 64, 50, 12, 3);
    sanity(ob_quilt_cut, "cut", 3, 61, 70, 64, 50, 12, 3);
    sanity(ob_quilt_simple, "simple", 1, 33, 35, 33, 29, 9, 2);
    sanity(ob_quilt_cut, "cut", 1, 33, 35, 33, 29, 9, 2);
    /* outputs larger than the sample: exact over the patches that fit */
    sanity(ob_quilt_simple, "simple", 3, 41, 45, 100, 83, 12, 3);
    sanity(ob_quilt_cut, "cut", 3, 41, 45, 100, 83, 12, 3);
    /* an output exactly one patch */
    sanity(ob_quilt_cut, "cut", 3, 41, 45, 12, 12, 12, 3);
    random_blocks();
    determinism();
    transfer_basic();
    bad_input();
    return ob_test_finish();
}
