/* test_image_exr.c — OpenEXR: obscura's writer read back (float exact, half
 * within half precision), files written here with OpenEXRCore directly (a data
 * window off the origin, tiles, UINT samples, every lossless compression, one
 * layer), and bad input: truncated files, garbage after the magic, random byte
 * flips, channel layouts obscura refuses, multipart files, and huge declared
 * data windows refused before anything is allocated. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openexr.h>

#include "ob_alloc_stats.h"
#include "ob_image_io.h"
#include "ob_test.h"
#include "ob_threads.h"

static char dir[512];

static const char *tpath(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
    return buf;
}

static int same_bits(const float *a, const float *b, size_t n, size_t *bad)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(&a[i], &b[i], 4) != 0) {
            *bad = i;
            return 0;
        }
    return 1;
}

/* ---- obscura's writer, read back --------------------------------------------- */

/* Random values over 2^-30 .. 2^30 of both signs, plus zeros, inf, -inf, NaN. */
static void fill_wide(float *x, size_t n, uint64_t seed)
{
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++) {
        double e = -30 + 60 * ob_test_rand_uniform(&s);
        x[i] = (float)(ldexp(1.0 + ob_test_rand_uniform(&s), (int)e) * (ob_test_rand_uniform(&s) < 0.3 ? -1 : 1));
    }
    if (n > 8) {
        x[0] = 0.0f;
        x[1] = -0.0f;
        x[2] = INFINITY;
        x[3] = -INFINITY;
        x[4] = NAN;
    }
}

static void test_float_roundtrip(void)
{
    static const int sizes[][2] = {{37, 23}, {1, 1}, {16, 16}, {5, 33}};
    for (int c = 1; c <= 4; c++) {
        for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
            int w = sizes[si][0], h = sizes[si][1];
            char p[600];
            snprintf(p, sizeof p, "%s/f32_%d_%dx%d.exr", dir, c, w, h);
            ob_tensor img, back;
            ob_test_image(&img, c, h, w);
            fill_wide(ob_tensor_f32(&img), (size_t)c * h * w, 100 + c + si);
            OB_CHECK_OK(ob_image_write(p, &img, OB_FMT_AUTO, 0));
            ob_image_info info;
            OB_CHECK_OK(ob_image_read(&back, &info, p));
            OB_CHECK(info.format == OB_FMT_EXR && info.channels == c && info.width == w && info.height == h &&
                         info.bit_depth == 32,
                     "%s: info %d %dx%dx%d depth %d", p, (int)info.format, info.channels, info.width, info.height,
                     info.bit_depth);
            size_t bad = 0;
            OB_CHECK(back.data && same_bits(ob_tensor_f32(&back), ob_tensor_f32(&img), (size_t)c * h * w, &bad),
                     "%s: float round trip differs at %zu", p, bad);
            ob_image_info pi;
            OB_CHECK_OK(ob_image_probe(&pi, p));
            OB_CHECK(pi.format == OB_FMT_EXR && pi.channels == c && pi.width == w && pi.height == h, "probe %s", p);
            /* bit_depth 32 is the same as 0 */
            OB_CHECK_OK(ob_image_write(p, &img, OB_FMT_EXR, 32));
            ob_tensor_free(&back);
            ob_tensor_free(&img);
        }
    }
}

/* Chunks are compressed in parallel and written in order: more threads than
 * cores, many chunks, both pixel types, the same file every time. */
static void test_parallel_write(void)
{
    char p[600], q[600];
    tpath(p, sizeof p, "par_a.exr");
    tpath(q, sizeof q, "par_b.exr");
    int saved = ob_threads();
    ob_tensor img, back;
    ob_test_image(&img, 4, 403, 67); /* 26 chunks of 16 lines, the last 3 lines */
    fill_wide(ob_tensor_f32(&img), (size_t)4 * 403 * 67, 77);
    for (int depth = 16; depth <= 32; depth += 16) {
        ob_threads_set(1);
        OB_CHECK_OK(ob_image_write(p, &img, OB_FMT_EXR, depth));
        ob_threads_set(7);
        OB_CHECK_OK(ob_image_write(q, &img, OB_FMT_EXR, depth));
        size_t na = 0, nb = 0;
        unsigned char *a = ob_test_read_file(p, &na), *b = ob_test_read_file(q, &nb);
        OB_CHECK(a && b && na == nb && memcmp(a, b, na) == 0, "depth %d: 1 and 7 threads write the same bytes", depth);
        free(a);
        free(b);
        OB_CHECK_OK(ob_image_read(&back, NULL, q));
        size_t bad = 0;
        if (depth == 32)
            OB_CHECK(back.data && same_bits(ob_tensor_f32(&back), ob_tensor_f32(&img), (size_t)4 * 403 * 67, &bad),
                     "7 threads: float round trip differs at %zu", bad);
        ob_tensor_free(&back);
    }
    ob_threads_set(saved);
    ob_tensor_free(&img);
}

/* A strided view: every other column of a wider image, written as is. */
static void test_strided_view(void)
{
    char p[600];
    tpath(p, sizeof p, "strided.exr");
    ob_tensor img, back;
    ob_test_image(&img, 3, 9, 20);
    ob_test_fill_uniform(ob_tensor_f32(&img), 3 * 9 * 20, 7, -2.0f, 5.0f);
    ob_tensor v = img;
    v.owns = 0;
    v.shape[2] = 10;
    v.strides[2] = 2;
    OB_CHECK_OK(ob_image_write(p, &v, OB_FMT_EXR, 0));
    OB_CHECK_OK(ob_image_read(&back, NULL, p));
    int ok = back.data && back.shape[2] == 10;
    for (int c = 0; ok && c < 3; c++)
        for (int y = 0; y < 9; y++)
            for (int x = 0; x < 10; x++)
                ok &= ob_tensor_f32(&back)[(c * 9 + y) * 10 + x] == ob_tensor_f32(&img)[(c * 9 + y) * 20 + 2 * x];
    OB_CHECK(ok, "strided view round trip");
    ob_tensor_free(&back);
    ob_tensor_free(&img);
}

/* Half: |got - ref| <= 2^-25 + 2^-11 |ref| for finite values that fit half:
 * round to nearest leaves half an ulp, 2^-11 relative in the normal range and
 * 2^-25 absolute among the subnormals (their spacing is 2^-24). */
static void test_half_roundtrip(void)
{
    for (int c = 1; c <= 4; c++) {
        int w = 41, h = 19;
        size_t n = (size_t)c * h * w;
        char p[600];
        snprintf(p, sizeof p, "%s/f16_%d.exr", dir, c);
        ob_tensor img, back;
        ob_test_image(&img, c, h, w);
        float *x = ob_tensor_f32(&img);
        uint64_t s = 55 + c;
        for (size_t i = 0; i < n; i++) {
            /* 2^-27 .. 2^15: the subnormals (< 2^-14), the normals, up to 65504 */
            double e = -27 + 42 * ob_test_rand_uniform(&s);
            double v = ldexp(1.0 + ob_test_rand_uniform(&s), (int)e);
            x[i] = (float)((v > 65504 ? 65504 : v) * (ob_test_rand_uniform(&s) < 0.5 ? -1 : 1));
        }
        OB_CHECK_OK(ob_image_write(p, &img, OB_FMT_AUTO, 16));
        ob_image_info info;
        OB_CHECK_OK(ob_image_read(&back, &info, p));
        OB_CHECK(info.bit_depth == 16 && info.channels == c, "half: bit depth %d channels %d", info.bit_depth,
                 info.channels);
        if (back.data)
            OB_CHECK(ob_test_allclose("half round trip", ob_tensor_f32(&back), x, n, ldexp(1, -25), ldexp(1, -11)),
                     "half %d channels", c);
        /* the tolerance is tight: the same values truncated would fail it */
        ob_tensor_free(&back);
        ob_tensor_free(&img);
    }
    /* specials: inf, -inf, NaN as stored; past the half range -> inf; a value
     * halfway between two halfs goes to the even one */
    char p[600];
    tpath(p, sizeof p, "f16_special.exr");
    ob_tensor img, back;
    ob_test_image(&img, 1, 1, 8);
    float sp[8] = {INFINITY, -INFINITY, NAN, 1e6f, -1e6f, 1.0f + 0x1p-11f, 0x1p-24f, 0x1p-26f};
    memcpy(img.data, sp, sizeof sp);
    OB_CHECK_OK(ob_image_write(p, &img, OB_FMT_EXR, 16));
    OB_CHECK_OK(ob_image_read(&back, NULL, p));
    if (back.data) {
        const float *g = ob_tensor_f32(&back);
        OB_CHECK(g[0] == INFINITY && g[1] == -INFINITY && isnan(g[2]), "half inf/nan: %g %g %g", g[0], g[1], g[2]);
        OB_CHECK(g[3] == INFINITY && g[4] == -INFINITY, "half overflow -> inf: %g %g", g[3], g[4]);
        OB_CHECK(g[5] == 1.0f, "half ties to even: %.9g", g[5]);
        OB_CHECK(g[6] == 0x1p-24f && g[7] == 0.0f, "half smallest subnormal: %g, below it: %g", g[6], g[7]);
    }
    ob_tensor_free(&back);
    ob_tensor_free(&img);
}

static void test_write_errors(void)
{
    char p[600];
    ob_tensor img;
    ob_test_image(&img, 3, 4, 4);
    ob_test_fill_uniform(ob_tensor_f32(&img), 48, 1, 0, 1);
    OB_CHECK_FAILS(ob_image_write(tpath(p, sizeof p, "bad_depth.exr"), &img, OB_FMT_AUTO, 8), OB_ERR_ARG);
    struct stat st;
    OB_CHECK(stat(p, &st) != 0, "no file after a refused depth");
    OB_CHECK_FAILS(ob_image_write(tpath(p, sizeof p, "no/such/dir/x.exr"), &img, OB_FMT_AUTO, 0), OB_ERR_IO);
    ob_image_format f;
    OB_CHECK(ob_image_format_from_path(&f, "a/B.EXR") == OB_OK && f == OB_FMT_EXR, ".EXR");
    OB_CHECK(strcmp(ob_image_format_name(OB_FMT_EXR), "exr") == 0, "name exr");
    ob_tensor_free(&img);
}

/* ---- files written with OpenEXRCore directly --------------------------------- */

typedef struct {
    exr_storage_t storage;
    exr_compression_t comp;
    exr_pixel_type_t type;
    int nch;
    const char *names[6];
    int xsamp[6];      /* 0 means 1 */
    exr_attr_box2i_t dw; /* data window */
    int tile;          /* tile size (tiled storage) */
    int parts;         /* 0 means 1 */
} exr_spec;

/* The value written at absolute pixel (x, y) of channel k. */
static float truth(int k, int x, int y) { return (float)(k * 1000 + y * 37 + x) * 0.25f - 100.0f; }

static uint32_t truth_u(int k, int x, int y) { return (uint32_t)(k * 100000 + (y + 50) * 300 + (x + 50)); }

static int api_fail(const char *what, exr_result_t r)
{
    fprintf(stderr, "OpenEXRCore %s: %s\n", what, exr_get_default_error_message(r));
    return 0;
}

/* (ax0, ay0): the block's absolute corner (OpenEXRCore 3.1 gives tiles their
 * index, not their pixel position, in start_x/start_y). */
static int encode_block(exr_context_t ctx, int part, const exr_spec *sp, exr_chunk_info_t *ci, int ax0, int ay0,
                        exr_encode_pipeline_t *enc, int *started, float *fbuf, uint32_t *ubuf)
{
    exr_result_t r = *started ? exr_encoding_update(ctx, part, ci, enc) : exr_encoding_initialize(ctx, part, ci, enc);
    if (r) return api_fail("encoding init", r);
    *started = 1;
    for (int i = 0; i < enc->channel_count; i++) {
        exr_coding_channel_info_t *ch = &enc->channels[i];
        int k = 0;
        while (k < sp->nch && strcmp(sp->names[k], ch->channel_name) != 0) k++;
        int xs = sp->xsamp[k] ? sp->xsamp[k] : 1;
        size_t off = (size_t)i * ch->width * ch->height;
        for (int yy = 0; yy < ch->height; yy++)
            for (int xx = 0; xx < ch->width; xx++) {
                int ax = ax0 + xx * xs, ay = ay0 + yy * xs;
                fbuf[off + (size_t)yy * ch->width + xx] = truth(k, ax, ay);
                ubuf[off + (size_t)yy * ch->width + xx] = truth_u(k, ax, ay);
            }
        int u = sp->type == EXR_PIXEL_UINT;
        ch->encode_from_ptr = u ? (const uint8_t *)(ubuf + off) : (const uint8_t *)(fbuf + off);
        ch->user_pixel_stride = 4;
        ch->user_line_stride = 4 * ch->width;
        ch->user_bytes_per_element = 4;
        ch->user_data_type = u ? EXR_PIXEL_UINT : EXR_PIXEL_FLOAT;
    }
    r = exr_encoding_choose_default_routines(ctx, part, enc);
    if (!r) r = exr_encoding_run(ctx, part, enc);
    return r ? api_fail("encoding", r) : 1;
}

static int write_part_data(exr_context_t ctx, int part, const exr_spec *sp)
{
    int w = sp->dw.max.x - sp->dw.min.x + 1, h = sp->dw.max.y - sp->dw.min.y + 1;
    size_t cap = (size_t)(w + 64) * (h + 64) * sp->nch;
    float *fbuf = malloc(cap * 4);
    uint32_t *ubuf = malloc(cap * 4);
    exr_encode_pipeline_t enc = EXR_ENCODE_PIPELINE_INITIALIZER;
    int started = 0, ok = fbuf && ubuf;
    exr_chunk_info_t ci;
    if (sp->storage == EXR_STORAGE_TILED) {
        int nx = (w + sp->tile - 1) / sp->tile, ny = (h + sp->tile - 1) / sp->tile;
        for (int ty = 0; ok && ty < ny; ty++)
            for (int tx = 0; ok && tx < nx; tx++) {
                exr_result_t r = exr_write_tile_chunk_info(ctx, part, tx, ty, 0, 0, &ci);
                ok = r ? api_fail("tile chunk info", r)
                       : encode_block(ctx, part, sp, &ci, sp->dw.min.x + tx * sp->tile, sp->dw.min.y + ty * sp->tile,
                                      &enc, &started, fbuf, ubuf);
            }
    } else {
        int32_t lines = 1;
        exr_get_scanlines_per_chunk(ctx, part, &lines);
        for (int y = sp->dw.min.y; ok && y <= sp->dw.max.y; y += lines) {
            exr_result_t r = exr_write_scanline_chunk_info(ctx, part, y, &ci);
            ok = r ? api_fail("scanline chunk info", r)
                   : encode_block(ctx, part, sp, &ci, sp->dw.min.x, y, &enc, &started, fbuf, ubuf);
        }
    }
    if (started) exr_encoding_destroy(ctx, &enc);
    free(fbuf);
    free(ubuf);
    return ok;
}

/* Writes sp to path with the library's own file IO; 1 on success. */
static int write_with_api(const char *path, const exr_spec *sp)
{
    exr_context_t ctx = NULL;
    exr_context_initializer_t init = EXR_DEFAULT_CONTEXT_INITIALIZER;
    exr_result_t r = exr_start_write(&ctx, path, EXR_WRITE_FILE_DIRECTLY, &init);
    if (r) return api_fail("start_write", r);
    int nparts = sp->parts ? sp->parts : 1, ok = 1;
    exr_attr_box2i_t disp = {{{{0, 0}}}, {{{99, 99}}}};
    exr_attr_v2f_t center = {{{0.0f, 0.0f}}};
    for (int p = 0; ok && p < nparts; p++) {
        char name[16];
        snprintf(name, sizeof name, "part%d", p);
        int part = 0;
        r = exr_add_part(ctx, nparts > 1 ? name : NULL, sp->storage, &part);
        if (!r) r = exr_initialize_required_attr(ctx, part, &disp, &sp->dw, 1.0f, &center, 1.0f,
                                                 EXR_LINEORDER_INCREASING_Y, sp->comp);
        if (!r && sp->storage == EXR_STORAGE_TILED)
            r = exr_set_tile_descriptor(ctx, part, sp->tile, sp->tile, EXR_TILE_ONE_LEVEL, EXR_TILE_ROUND_DOWN);
        for (int k = 0; !r && k < sp->nch; k++) {
            int xs = sp->xsamp[k] ? sp->xsamp[k] : 1;
            r = exr_add_channel(ctx, part, sp->names[k], sp->type, EXR_PERCEPTUALLY_LOGARITHMIC, xs, xs);
        }
        if (r) ok = api_fail("part definition", r);
    }
    if (ok && (r = exr_write_header(ctx))) ok = api_fail("write_header", r);
    for (int p = 0; ok && p < nparts; p++) ok = write_part_data(ctx, p, sp);
    r = exr_finish(&ctx);
    return ok && !r;
}

static exr_spec rgb_spec(exr_storage_t st, exr_compression_t comp, exr_pixel_type_t type)
{
    exr_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.storage = st;
    sp.comp = comp;
    sp.type = type;
    sp.nch = 3;
    sp.names[0] = "R";
    sp.names[1] = "G";
    sp.names[2] = "B";
    sp.dw = (exr_attr_box2i_t){{{{-3, 5}}}, {{{17, 34}}}}; /* 21 x 30, off the origin */
    sp.tile = 8;
    return sp;
}

/* Checks img against truth() over sp's data window; k-th output channel =
 * names[k]. Exact, but for HALF files within half an ulp (2^-11 relative). */
static int matches_truth(const ob_tensor *img, const exr_spec *sp, int uint_type)
{
    double rtol = sp->type == EXR_PIXEL_HALF ? ldexp(1, -11) : 0;
    int w = sp->dw.max.x - sp->dw.min.x + 1, h = sp->dw.max.y - sp->dw.min.y + 1;
    if (!img->data || img->shape[0] != sp->nch || img->shape[1] != h || img->shape[2] != w) return 0;
    for (int k = 0; k < sp->nch; k++)
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int ax = x + sp->dw.min.x, ay = y + sp->dw.min.y;
                float want = uint_type ? (float)truth_u(k, ax, ay) : truth(k, ax, ay);
                float got = ob_tensor_f32(img)[((size_t)k * h + y) * w + x];
                if (!(fabs(got - want) <= rtol * fabs(want))) {
                    fprintf(stderr, "  channel %d (%d, %d): got %.9g, want %.9g\n", k, x, y, got, want);
                    return 0;
                }
            }
    return 1;
}

/* A data window off the origin, scanline and tiled (8 x 8 tiles, partial at the
 * edges), every lossless compression, FLOAT / HALF / UINT samples. */
static void test_api_files(void)
{
    static const exr_compression_t comps[] = {EXR_COMPRESSION_NONE, EXR_COMPRESSION_RLE, EXR_COMPRESSION_ZIPS,
                                              EXR_COMPRESSION_ZIP, EXR_COMPRESSION_PIZ};
    static const char *const comp_names[] = {"none", "rle", "zips", "zip", "piz"};
    static const exr_pixel_type_t types[] = {EXR_PIXEL_FLOAT, EXR_PIXEL_HALF, EXR_PIXEL_UINT};
    for (int tiled = 0; tiled <= 1; tiled++)
        for (size_t ci = 0; ci < sizeof comps / sizeof comps[0]; ci++)
            for (int ti = 0; ti < 3; ti++) {
                exr_spec sp = rgb_spec(tiled ? EXR_STORAGE_TILED : EXR_STORAGE_SCANLINE, comps[ci], types[ti]);
                char p[600];
                snprintf(p, sizeof p, "%s/api_%s_%s_%d.exr", dir, tiled ? "tiled" : "scan", comp_names[ci], ti);
                if (!write_with_api(p, &sp)) {
                    OB_CHECK(0, "could not write %s with OpenEXRCore", p);
                    continue;
                }
                ob_tensor img;
                ob_image_info info;
                OB_CHECK_OK(ob_image_read(&img, &info, p));
                OB_CHECK(matches_truth(&img, &sp, types[ti] == EXR_PIXEL_UINT), "%s: pixels", p);
                OB_CHECK(info.bit_depth == (types[ti] == EXR_PIXEL_HALF ? 16 : 32), "%s: bit depth %d", p,
                         info.bit_depth);
                ob_tensor_free(&img);
            }
}

static void test_layouts(void)
{
    char p[600];
    ob_tensor img;
    /* Y, Y+A, R+G+B+A as 1, 2, 4 channels, in obscura's order whatever the file's */
    static const char *const ok_sets[][4] = {{"Y"}, {"Y", "A"}, {"R", "G", "B", "A"}};
    for (int i = 0; i < 3; i++) {
        exr_spec sp = rgb_spec(EXR_STORAGE_SCANLINE, EXR_COMPRESSION_ZIP, EXR_PIXEL_FLOAT);
        sp.nch = i == 0 ? 1 : i == 1 ? 2 : 4;
        for (int k = 0; k < 4; k++) sp.names[k] = ok_sets[i][k];
        snprintf(p, sizeof p, "%s/layout_ok_%d.exr", dir, i);
        OB_CHECK(write_with_api(p, &sp), "write %s", p);
        OB_CHECK_OK(ob_image_read(&img, NULL, p));
        OB_CHECK(matches_truth(&img, &sp, 0), "%s: pixels in R,G,B,A / Y,A order", p);
        ob_tensor_free(&img);
    }
    /* one layer is read as if it had no prefix */
    exr_spec sp = rgb_spec(EXR_STORAGE_SCANLINE, EXR_COMPRESSION_ZIP, EXR_PIXEL_FLOAT);
    sp.names[0] = "diffuse.R";
    sp.names[1] = "diffuse.G";
    sp.names[2] = "diffuse.B";
    OB_CHECK(write_with_api(tpath(p, sizeof p, "layer_one.exr"), &sp), "write %s", p);
    OB_CHECK_OK(ob_image_read(&img, NULL, p));
    OB_CHECK(matches_truth(&img, &sp, 0), "one layer read as RGB");
    ob_tensor_free(&img);

    /* refused: the message names the channels found */
    static const struct {
        const char *file;
        int nch;
        const char *names[4];
        int xsamp[4];
        const char *msg;
    } bad[] = {
        {"z.exr", 1, {"Z"}, {0}, "unsupported OpenEXR channel layout: Z; obscura reads R,G,B[,A] or Y[,A]"},
        {"rgbz.exr", 4, {"R", "G", "B", "Z"}, {0}, "B,G,R,Z"},
        {"layers.exr", 2, {"diffuse.R", "specular.R"}, {0}, "diffuse.R,specular.R (several layers)"},
        {"mixed.exr", 4, {"R", "G", "B", "diffuse.A"}, {0}, "several layers"},
        {"rg.exr", 2, {"R", "G"}, {0}, "G,R"},
        {"lower.exr", 3, {"r", "g", "b"}, {0}, "b,g,r"},
        {"chroma.exr", 3, {"Y", "RY", "BY"}, {1, 2, 2}, "subsampled 2 x 2"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        exr_spec b = rgb_spec(EXR_STORAGE_SCANLINE, EXR_COMPRESSION_ZIP, EXR_PIXEL_HALF);
        b.dw = (exr_attr_box2i_t){{{{0, 0}}}, {{{15, 7}}}};
        b.nch = bad[i].nch;
        for (int k = 0; k < b.nch; k++) {
            b.names[k] = bad[i].names[k];
            b.xsamp[k] = bad[i].xsamp[k];
        }
        tpath(p, sizeof p, bad[i].file);
        if (!write_with_api(p, &b)) {
            OB_CHECK(0, "could not write %s with OpenEXRCore", p);
            continue;
        }
        OB_CHECK_FAILS(ob_image_read(&img, NULL, p), OB_ERR_FORMAT);
        OB_CHECK(strstr(ob_last_error(), bad[i].msg) && strstr(ob_last_error(), p), "%s: message: %s", bad[i].file,
                 ob_last_error());
        OB_CHECK(img.data == NULL, "%s: nothing left allocated", bad[i].file);
        ob_image_info info;
        OB_CHECK_FAILS(ob_image_probe(&info, p), OB_ERR_FORMAT);
    }
    /* two parts */
    exr_spec mp = rgb_spec(EXR_STORAGE_SCANLINE, EXR_COMPRESSION_ZIP, EXR_PIXEL_FLOAT);
    mp.parts = 2;
    OB_CHECK(write_with_api(tpath(p, sizeof p, "multipart.exr"), &mp), "write %s", p);
    OB_CHECK_FAILS(ob_image_read(&img, NULL, p), OB_ERR_FORMAT);
    OB_CHECK(strstr(ob_last_error(), "2 parts"), "multipart message: %s", ob_last_error());
}

/* ---- bad input --------------------------------------------------------------- */

static unsigned char *valid_file(size_t *n, const char *name, int bit_depth)
{
    char p[600];
    ob_tensor img;
    ob_test_image(&img, 3, 70, 50);
    ob_test_fill_uniform(ob_tensor_f32(&img), 3 * 70 * 50, 9, 0.0f, 4.0f);
    if (ob_image_write(tpath(p, sizeof p, name), &img, OB_FMT_EXR, bit_depth) != OB_OK) {
        fprintf(stderr, "write %s: %s\n", p, ob_last_error());
        exit(1);
    }
    ob_tensor_free(&img);
    return ob_test_read_file(p, n);
}

static void test_truncated(void)
{
    size_t n = 0;
    unsigned char *good = valid_file(&n, "good.exr", 0);
    OB_CHECK(good && n > 400, "a valid file to cut");
    if (!good) return;
    char p[600];
    tpath(p, sizeof p, "truncated.exr");
    size_t cuts[] = {4, 12, 40, 200, n / 2, n - 100, n - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        ob_test_write_file(p, good, cuts[i]);
        ob_tensor img;
        OB_CHECK_FAILS(ob_image_read(&img, NULL, p), OB_ERR_FORMAT);
        OB_CHECK(strstr(ob_last_error(), p) != NULL, "cut at %zu: message names the file: %s", cuts[i],
                 ob_last_error());
        OB_CHECK(img.data == NULL, "cut at %zu: nothing left allocated", cuts[i]);
    }
    free(good);
}

static void test_garbage(void)
{
    char p[600];
    tpath(p, sizeof p, "garbage.exr");
    uint64_t s = 4242;
    for (int t = 0; t < 40; t++) {
        size_t n = 4 + (size_t)ob_test_rand_int(&s, 0, t < 20 ? 64 : 4000);
        unsigned char *b = malloc(n);
        b[0] = 0x76;
        b[1] = 0x2f;
        b[2] = 0x31;
        b[3] = 0x01;
        for (size_t i = 4; i < n; i++) b[i] = (unsigned char)ob_test_rand_u64(&s);
        if (t % 3 == 0 && n > 8) memset(b + 4, 0, 4); /* version 2, no flags: goes further into the header */
        if (t % 3 == 0 && n > 8) b[4] = 2;
        ob_test_write_file(p, b, n);
        free(b);
        ob_tensor img;
        OB_CHECK_FAILS(ob_image_read(&img, NULL, p), OB_ERR_FORMAT);
        ob_image_info info;
        OB_CHECK_FAILS(ob_image_probe(&info, p), OB_ERR_FORMAT);
    }
    /* byte flips anywhere in a valid file: an error or an image, never a crash */
    size_t n = 0;
    unsigned char *good = valid_file(&n, "flip_src.exr", 16);
    int errors = 0, oks = 0, others = 0;
    for (int t = 0; good && t < 300; t++) {
        unsigned char *b = malloc(n);
        memcpy(b, good, n);
        for (int k = 0; k < 1 + t % 4; k++)
            b[ob_test_rand_u64(&s) % n] ^= (unsigned char)(1 + ob_test_rand_u64(&s) % 255);
        ob_test_write_file(p, b, n);
        free(b);
        ob_tensor img;
        ob_status st = ob_image_read(&img, NULL, p);
        if (st == OB_OK) oks++;
        else if (st == OB_ERR_FORMAT) errors++;
        else others++;
        ob_tensor_free(&img);
    }
    printf("byte flips: %d read, %d refused, %d other\n", oks, errors, others);
    OB_CHECK(others == 0 && errors > 0, "byte flips: only OB_OK or OB_ERR_FORMAT (%d other)", others);
    free(good);
}

/* Patches the dataWindow attribute's max corner in a file obscura wrote. */
static int patch_data_window(unsigned char *b, size_t n, int32_t maxx, int32_t maxy)
{
    static const char key[] = "dataWindow\0box2i";
    for (size_t i = 0; i + sizeof key + 4 + 16 <= n; i++) {
        if (memcmp(b + i, key, sizeof key) == 0) {
            unsigned char *v = b + i + sizeof key + 4; /* after the name, type and size */
            int32_t m[2] = {maxx, maxy};
            for (int k = 0; k < 2; k++)
                for (int j = 0; j < 4; j++) v[8 + 4 * k + j] = (unsigned char)((uint32_t)m[k] >> (8 * j));
            return 1;
        }
    }
    return 0;
}

static void test_huge(void)
{
    size_t n = 0;
    unsigned char *good = valid_file(&n, "huge_src.exr", 16);
    if (!good) return;
    char p[600];
    tpath(p, sizeof p, "huge.exr");
    /* beyond OB_IMAGE_MAX_PIXELS, and within it but far more than the file holds */
    static const int32_t dims[][2] = {{99999, 99999}, {2000000000, 0}, {15999, 15999}, {0, 200000000}};
    for (int i = 0; i < 4; i++) {
        unsigned char *b = malloc(n);
        memcpy(b, good, n);
        OB_CHECK(patch_data_window(b, n, dims[i][0], dims[i][1]), "dataWindow found");
        ob_test_write_file(p, b, n);
        free(b);
        ob_tensor img;
        uint64_t before = ob_alloc_count();
        clock_t t0 = clock();
        OB_CHECK_FAILS(ob_image_read(&img, NULL, p), OB_ERR_FORMAT);
        double ms = 1e3 * (double)(clock() - t0) / CLOCKS_PER_SEC;
        OB_CHECK(ob_alloc_count() == before && img.data == NULL, "%d x %d: refused without allocating (%s)",
                 dims[i][0] + 1, dims[i][1] + 1, ob_last_error());
        OB_CHECK(ms < 500, "%d x %d: refused from the header (%.0f ms)", dims[i][0] + 1, dims[i][1] + 1, ms);
        printf("huge %d x %d: %s\n", dims[i][0] + 1, dims[i][1] + 1, ob_last_error());
    }
    free(good);
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/image_exr", ob_test_tmpdir());
    mkdir(dir, 0777);
    test_float_roundtrip();
    test_parallel_write();
    test_strided_view();
    test_half_roundtrip();
    test_write_errors();
    test_api_files();
    test_layouts();
    test_truncated();
    test_garbage();
    test_huge();
    return ob_test_finish();
}
