/* test_image_io.c — PNG / JPEG / Radiance HDR / PFM round trips, and reads of
 * files made independently of obscura's writers (libpng and libjpeg called
 * directly, HDR and PFM bytes written out by hand), plus the atomic write. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <jpeglib.h>
#include <png.h>

#include "ob_atomic_file.h"
#include "ob_image_io.h"
#include "ob_test.h"

static char dir[512];

static const char *tpath(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
    return buf;
}

static int count_temp_files(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".tmp")) n++;
    if (d) closedir(d);
    return n;
}

/* ---- names and extensions ---------------------------------------------------- */

static void test_format_names(void)
{
    ob_image_format f;
    OB_CHECK(ob_image_format_from_path(&f, "a/b.png") == OB_OK && f == OB_FMT_PNG, "png");
    OB_CHECK(ob_image_format_from_path(&f, "B.PNG") == OB_OK && f == OB_FMT_PNG, "PNG upper case");
    OB_CHECK(ob_image_format_from_path(&f, "x.jpg") == OB_OK && f == OB_FMT_JPEG, "jpg");
    OB_CHECK(ob_image_format_from_path(&f, "x.JPEG") == OB_OK && f == OB_FMT_JPEG, "jpeg");
    OB_CHECK(ob_image_format_from_path(&f, "x.hdr") == OB_OK && f == OB_FMT_HDR, "hdr");
    OB_CHECK(ob_image_format_from_path(&f, "x.pic") == OB_OK && f == OB_FMT_HDR, "pic");
    OB_CHECK(ob_image_format_from_path(&f, "x.pfm") == OB_OK && f == OB_FMT_PFM, "pfm");
    OB_CHECK_FAILS(ob_image_format_from_path(&f, "x.tiff"), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), ".tiff") != NULL, "message names the extension: %s", ob_last_error());
    OB_CHECK_FAILS(ob_image_format_from_path(&f, "dir.png/noext"), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_image_format_from_path(&f, ".png"), OB_ERR_ARG);
    OB_CHECK(strcmp(ob_image_format_name(OB_FMT_PNG), "png") == 0, "name png");
    OB_CHECK(strcmp(ob_image_format_name(OB_FMT_JPEG), "jpeg") == 0, "name jpeg");
    OB_CHECK(strcmp(ob_image_format_name(OB_FMT_HDR), "hdr") == 0, "name hdr");
    OB_CHECK(strcmp(ob_image_format_name(OB_FMT_PFM), "pfm") == 0, "name pfm");
}

/* ---- PNG round trip --------------------------------------------------------- */

static const int sizes[][2] = {{7, 5}, {1, 1}, {33, 17}}; /* w, h */

static void test_png_roundtrip(void)
{
    char p[600];
    for (int depth = 8; depth <= 16; depth += 8) {
        unsigned maxv = depth == 8 ? 255 : 65535;
        for (int c = 1; c <= 4; c++) {
            for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
                int w = sizes[si][0], h = sizes[si][1];
                ob_tensor img, back;
                ob_test_image(&img, c, h, w);
                size_t n = (size_t)c * h * w;
                float *x = ob_tensor_f32(&img);
                ob_test_fill_uniform(x, n, 1000 + c * 10 + si, -0.2f, 1.2f); /* out of range: clamped */
                float *want = malloc(n * sizeof *want);
                for (size_t i = 0; i < n; i++) {
                    float v = x[i] < 0 ? 0 : x[i] > 1 ? 1 : x[i];
                    want[i] = (float)(unsigned)lrint((double)v * maxv) / (float)maxv;
                }
                snprintf(p, sizeof p, "%s/rt_%d_%d_%dx%d.png", dir, depth, c, w, h);
                OB_CHECK_OK(ob_image_write(p, &img, OB_FMT_AUTO, depth));
                ob_image_info info;
                OB_CHECK_OK(ob_image_probe(&info, p));
                OB_CHECK(info.format == OB_FMT_PNG && info.bit_depth == depth && info.channels == c &&
                             info.width == w && info.height == h,
                         "probe %s: fmt %d depth %d c %d %dx%d", p, info.format, info.bit_depth, info.channels,
                         info.width, info.height);
                if (OB_CHECK_OK(ob_image_read(&back, &info, p))) {
                    OB_CHECK(back.ndim == 3 && back.shape[0] == c && back.shape[1] == h && back.shape[2] == w,
                             "shape of %s", p);
                    char label[64];
                    snprintf(label, sizeof label, "png%d c%d %dx%d", depth, c, w, h);
                    ob_test_allclose(label, ob_tensor_f32(&back), want, n, 0.0, 0.0);
                }
                ob_tensor_free(&back);
                ob_tensor_free(&img);
                free(want);
            }
        }
    }
    /* NaN is written as 0; a 2-d tensor is gray */
    ob_tensor g, back;
    int64_t shape[2] = {2, 3};
    OB_CHECK_OK(ob_tensor_alloc(&g, OB_F32, OB_HOST, 2, shape));
    float vals[6] = {NAN, 0.5f, 1.0f, 0.0f, INFINITY, -INFINITY};
    memcpy(g.data, vals, sizeof vals);
    OB_CHECK_OK(ob_image_write(tpath(p, sizeof p, "gray2d.png"), &g, OB_FMT_PNG, 0));
    if (OB_CHECK_OK(ob_image_read(&back, NULL, p))) {
        float want[6] = {0, 128 / 255.0f, 1, 0, 1, 0};
        OB_CHECK(back.shape[0] == 1 && back.shape[1] == 2 && back.shape[2] == 3, "2-d image reads as (1, 2, 3)");
        ob_test_allclose("png nan/inf", ob_tensor_f32(&back), want, 6, 0, 0);
    }
    ob_tensor_free(&back);
    ob_tensor_free(&g);
}

/* ---- PNG files made with libpng directly -------------------------------------- */

typedef struct {
    int w, h, depth, color_type, interlace;
    const unsigned char *data; /* packed rows as PNG stores them */
    size_t rowbytes;
    const png_color *palette;
    int n_palette;
    const png_byte *trns;
    int n_trns;
    const png_color_16 *trans_color;
} raw_png;

static int write_png_direct(const char *path, const raw_png *r)
{
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    png_bytep *volatile rows = malloc(sizeof(png_bytep) * r->h);
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(rows);
        fclose(f);
        return 0;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, r->w, r->h, r->depth, r->color_type, r->interlace, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (r->palette) png_set_PLTE(png, info, r->palette, r->n_palette);
    if (r->trns || r->trans_color) png_set_tRNS(png, info, r->trns, r->n_trns, r->trans_color);
    for (int y = 0; y < r->h; y++) rows[y] = (png_bytep)(r->data + r->rowbytes * y);
    png_set_rows(png, info, rows);
    png_write_png(png, info, PNG_TRANSFORM_IDENTITY, NULL);
    png_destroy_write_struct(&png, &info);
    free(rows);
    fclose(f);
    return 1;
}

static void test_png_direct(void)
{
    char p[600];
    ob_tensor t;
    ob_image_info info;

    /* 16-bit RGB, 3x2, big-endian samples */
    {
        const unsigned v[2][3][3] = {{{0, 1, 65535}, {32768, 256, 255}, {12345, 54321, 40000}},
                                     {{65534, 2, 3}, {100, 200, 300}, {65535, 65535, 0}}};
        unsigned char data[2 * 3 * 3 * 2];
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 3; x++)
                for (int c = 0; c < 3; c++) {
                    data[(y * 9 + x * 3 + c) * 2] = (unsigned char)(v[y][x][c] >> 8);
                    data[(y * 9 + x * 3 + c) * 2 + 1] = (unsigned char)(v[y][x][c] & 255);
                }
        raw_png r = {3, 2, 16, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, data, 18, NULL, 0, NULL, 0, NULL};
        OB_CHECK(write_png_direct(tpath(p, sizeof p, "direct16.png"), &r), "libpng wrote %s", p);
        if (OB_CHECK_OK(ob_image_read(&t, &info, p))) {
            OB_CHECK(info.bit_depth == 16 && info.channels == 3 && info.width == 3 && info.height == 2,
                     "16-bit info");
            float want[18];
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 2; y++)
                    for (int x = 0; x < 3; x++) want[c * 6 + y * 3 + x] = (float)v[y][x][c] / 65535.0f;
            ob_test_allclose("png 16-bit direct", ob_tensor_f32(&t), want, 18, 0, 0);
        }
        ob_tensor_free(&t);
    }

    /* palette, 2 bits per pixel, tRNS on entries 0 and 2 -> RGBA */
    {
        png_color pal[4] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {10, 20, 30}};
        png_byte trns[3] = {0, 255, 128};
        int idx[3][5] = {{0, 1, 2, 3, 0}, {3, 3, 2, 1, 0}, {1, 0, 1, 2, 3}};
        unsigned char data[3][2] = {{0}};
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 5; x++) data[y][x / 4] |= (unsigned char)(idx[y][x] << (6 - 2 * (x % 4)));
        raw_png r = {5, 3, 2, PNG_COLOR_TYPE_PALETTE, PNG_INTERLACE_NONE, &data[0][0], 2, pal, 4, trns, 3, NULL};
        OB_CHECK(write_png_direct(tpath(p, sizeof p, "palette.png"), &r), "libpng wrote %s", p);
        if (OB_CHECK_OK(ob_image_read(&t, &info, p))) {
            OB_CHECK(info.channels == 4 && info.bit_depth == 8 && t.shape[0] == 4, "palette+tRNS -> RGBA");
            float want[4 * 15];
            for (int y = 0; y < 3; y++)
                for (int x = 0; x < 5; x++) {
                    int i = idx[y][x], o = y * 5 + x;
                    want[0 * 15 + o] = pal[i].red / 255.0f;
                    want[1 * 15 + o] = pal[i].green / 255.0f;
                    want[2 * 15 + o] = pal[i].blue / 255.0f;
                    want[3 * 15 + o] = (i < 3 ? trns[i] : 255) / 255.0f;
                }
            ob_test_allclose("png palette", ob_tensor_f32(&t), want, 60, 0, 0);
        }
        ob_tensor_free(&t);
    }

    /* 1-bit gray, 9x2 (a row spans two bytes) */
    {
        unsigned char data[2][2] = {{0xA5, 0x80}, {0x0F, 0x00}};
        raw_png r = {9, 2, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, &data[0][0], 2, NULL, 0, NULL, 0, NULL};
        OB_CHECK(write_png_direct(tpath(p, sizeof p, "gray1.png"), &r), "libpng wrote %s", p);
        if (OB_CHECK_OK(ob_image_read(&t, &info, p))) {
            float want[18];
            for (int y = 0; y < 2; y++)
                for (int x = 0; x < 9; x++) want[y * 9 + x] = (float)((data[y][x / 8] >> (7 - x % 8)) & 1);
            OB_CHECK(info.channels == 1, "1-bit gray is 1 channel");
            ob_test_allclose("png 1-bit gray", ob_tensor_f32(&t), want, 18, 0, 0);
        }
        ob_tensor_free(&t);
    }

    /* 8-bit gray with a tRNS color -> gray + alpha */
    {
        unsigned char data[2][2] = {{7, 100}, {7, 255}};
        png_color_16 tc = {0, 0, 0, 0, 7};
        raw_png r = {2, 2, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, &data[0][0], 2, NULL, 0, NULL, 0, &tc};
        OB_CHECK(write_png_direct(tpath(p, sizeof p, "graytrns.png"), &r), "libpng wrote %s", p);
        if (OB_CHECK_OK(ob_image_read(&t, &info, p))) {
            float want[8] = {7 / 255.0f, 100 / 255.0f, 7 / 255.0f, 1, 0, 1, 0, 1};
            OB_CHECK(info.channels == 2, "gray+tRNS is 2 channels");
            ob_test_allclose("png gray tRNS", ob_tensor_f32(&t), want, 8, 0, 0);
        }
        ob_tensor_free(&t);
    }

    /* Adam7-interlaced 8-bit RGBA, 13x11 */
    {
        enum { W = 13, H = 11 };
        static unsigned char data[H][W * 4];
        for (int y = 0; y < H; y++)
            for (int i = 0; i < W * 4; i++) data[y][i] = (unsigned char)(y * 31 + i * 7);
        raw_png r = {W, H, 8, PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_ADAM7, &data[0][0], W * 4, NULL, 0, NULL, 0, NULL};
        OB_CHECK(write_png_direct(tpath(p, sizeof p, "adam7.png"), &r), "libpng wrote %s", p);
        if (OB_CHECK_OK(ob_image_read(&t, &info, p))) {
            static float want[4 * W * H];
            for (int c = 0; c < 4; c++)
                for (int y = 0; y < H; y++)
                    for (int x = 0; x < W; x++) want[(c * H + y) * W + x] = data[y][x * 4 + c] / 255.0f;
            ob_test_allclose("png adam7", ob_tensor_f32(&t), want, 4 * W * H, 0, 0);
        }
        ob_tensor_free(&t);
    }
}

/* ---- JPEG ------------------------------------------------------------------ */

static int write_jpeg_direct(const char *path, const unsigned char *px, int w, int h, int comps, J_COLOR_SPACE cs)
{
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, f);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = comps;
    c.in_color_space = cs;
    jpeg_set_defaults(&c);
    if (cs == JCS_CMYK) jpeg_set_colorspace(&c, JCS_CMYK);
    jpeg_set_quality(&c, 100, TRUE);
    for (int i = 0; i < c.num_components; i++) c.comp_info[i].h_samp_factor = c.comp_info[i].v_samp_factor = 1;
    jpeg_start_compress(&c, TRUE);
    for (int y = 0; y < h; y++) {
        JSAMPROW row = (JSAMPROW)(px + (size_t)y * w * comps);
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    fclose(f);
    return 1;
}

static double max_abs_diff(const float *a, const float *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - b[i]);
        if (!(d <= m)) m = d; /* NaN propagates */
    }
    return m;
}

static void test_jpeg(void)
{
    char p[600];
    ob_tensor t;
    ob_image_info info;
    enum { W = 33, H = 17 };
    unsigned char rgb[H][W][3];
    float want[3 * H * W];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            for (int c = 0; c < 3; c++) {
                rgb[y][x][c] = (unsigned char)(c == 0 ? 7 * x : c == 1 ? 15 * y : 100 + 2 * x + 3 * y);
                want[(c * H + y) * W + x] = rgb[y][x][c] / 255.0f;
            }
    OB_CHECK(write_jpeg_direct(tpath(p, sizeof p, "direct.jpg"), &rgb[0][0][0], W, H, 3, JCS_RGB), "wrote %s", p);
    if (OB_CHECK_OK(ob_image_read(&t, &info, p))) {
        double d = max_abs_diff(ob_tensor_f32(&t), want, 3 * H * W);
        OB_CHECK(info.format == OB_FMT_JPEG && info.channels == 3 && info.bit_depth == 8 && info.width == W &&
                     info.height == H,
                 "jpeg info");
        OB_CHECK(d <= 4.0 / 255, "jpeg q100 RGB within 4 levels: max diff %.1f levels", d * 255);
    }
    ob_tensor_free(&t);

    unsigned char gray[H][W];
    float gwant[H * W];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) gwant[y * W + x] = (gray[y][x] = (unsigned char)(3 * x + 5 * y)) / 255.0f;
    OB_CHECK(write_jpeg_direct(tpath(p, sizeof p, "gray.jpg"), &gray[0][0], W, H, 1, JCS_GRAYSCALE), "wrote %s", p);
    if (OB_CHECK_OK(ob_image_read(&t, &info, p))) {
        OB_CHECK(info.channels == 1 && t.shape[0] == 1, "gray jpeg -> 1 channel");
        double d = max_abs_diff(ob_tensor_f32(&t), gwant, H * W);
        OB_CHECK(d <= 3.0 / 255, "jpeg q100 gray within 3 levels: max diff %.1f levels", d * 255);
    }
    ob_tensor_free(&t);

    /* CMYK with libjpeg's Adobe marker, stored inverted (255 = no ink):
     * (255, 128, 0, 255) -> R 1, G 128/255, B 0 */
    unsigned char cmyk[8][8][4];
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++) {
            cmyk[y][x][0] = 255;
            cmyk[y][x][1] = 128;
            cmyk[y][x][2] = 0;
            cmyk[y][x][3] = 255;
        }
    OB_CHECK(write_jpeg_direct(tpath(p, sizeof p, "cmyk.jpg"), &cmyk[0][0][0], 8, 8, 4, JCS_CMYK), "wrote %s", p);
    if (OB_CHECK_OK(ob_image_read(&t, &info, p))) {
        OB_CHECK(info.channels == 3 && t.shape[0] == 3, "CMYK -> RGB");
        float *px = ob_tensor_f32(&t);
        OB_CHECK(fabsf(px[0] - 1) <= 2 / 255.0f && fabsf(px[64] - 128 / 255.0f) <= 2 / 255.0f &&
                     fabsf(px[128]) <= 2 / 255.0f,
                 "CMYK converted: %g %g %g", px[0], px[64], px[128]);
    }
    ob_tensor_free(&t);

    /* our own writer (quality 95, 4:4:4) */
    ob_tensor img;
    ob_test_image(&img, 3, H, W);
    memcpy(img.data, want, sizeof want);
    OB_CHECK_OK(ob_image_write(tpath(p, sizeof p, "ours.jpeg"), &img, OB_FMT_AUTO, 0));
    if (OB_CHECK_OK(ob_image_read(&t, &info, p))) {
        double d = max_abs_diff(ob_tensor_f32(&t), want, 3 * H * W);
        OB_CHECK(d <= 8.0 / 255, "our jpeg q95 within 8 levels: max diff %.1f levels", d * 255);
    }
    ob_tensor_free(&t);
    ob_tensor_free(&img);
    ob_test_image(&img, 4, 2, 2);
    OB_CHECK_FAILS(ob_image_write(tpath(p, sizeof p, "rgba.jpg"), &img, OB_FMT_AUTO, 0), OB_ERR_ARG);
    ob_tensor_free(&img);
}

/* ---- Radiance HDR ------------------------------------------------------------ */

/* The file's first scanline bytes: after the header's blank line and the
 * resolution line. */
static const unsigned char *hdr_pixels(const unsigned char *b, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (b[i] == '\n' && b[i + 1] == '\n') {
            const unsigned char *q = memchr(b + i + 2, '\n', n - i - 2);
            return q ? q + 1 : NULL;
        }
    return NULL;
}

static void test_hdr_roundtrip(void)
{
    static const int hsizes[][2] = {{7, 5}, {1, 1}, {33, 17}, {8, 3}, {0x7fff, 1}, {0x8000 + 5, 2}};
    char p[600];
    for (int c = 1; c <= 3; c += 2) {
        for (size_t si = 0; si < sizeof hsizes / sizeof hsizes[0]; si++) {
            int w = hsizes[si][0], h = hsizes[si][1];
            size_t plane = (size_t)w * h;
            ob_tensor img, back;
            ob_test_image(&img, c, h, w);
            float *x = ob_tensor_f32(&img);
            uint64_t s = 77 + si;
            for (size_t i = 0; i < plane * c; i++) x[i] = (float)exp(ob_test_rand_uniform(&s) * 24 - 12);
            for (int y = 0; y < h; y++) /* runs, zeros and equal values for the RLE coder */
                for (int xx = 0; xx < w / 2; xx++)
                    for (int k = 0; k < c; k++) x[k * plane + y * w + xx] = xx < w / 4 ? 0.0f : 3.25f;
            snprintf(p, sizeof p, "%s/rt_%d_%dx%d.hdr", dir, c, w, h);
            OB_CHECK_OK(ob_image_write(p, &img, OB_FMT_AUTO, 0));
            size_t nb;
            unsigned char *bytes = ob_test_read_file(p, &nb);
            const unsigned char *px = bytes ? hdr_pixels(bytes, nb) : NULL;
            int rle = w >= 8 && w <= 0x7fff;
            OB_CHECK(px && (px[0] == 2 && px[1] == 2 && px[2] == (w >> 8) && px[3] == (w & 255)) == rle,
                     "%s: %s scanlines", p, rle ? "RLE" : "flat");
            if (rle && w > 32) OB_CHECK(nb < plane * 4, "%s: RLE makes it smaller (%zu bytes)", p, nb);
            free(bytes);
            ob_image_info info;
            if (OB_CHECK_OK(ob_image_read(&back, &info, p))) {
                OB_CHECK(info.format == OB_FMT_HDR && info.channels == 3 && info.bit_depth == 32 &&
                             info.width == w && info.height == h && back.shape[0] == 3,
                         "hdr info %dx%d", w, h);
                const float *g = ob_tensor_f32(&back);
                double worst = 0;
                for (size_t i = 0; i < plane; i++) {
                    float ref[3], m = 0;
                    for (int k = 0; k < 3; k++) ref[k] = x[(c == 3 ? k : 0) * plane + i];
                    for (int k = 0; k < 3; k++) m = fmaxf(m, ref[k]);
                    for (int k = 0; k < 3; k++) {
                        double e = fabs((double)g[k * plane + i] - ref[k]) / (m > 0 ? m : 1);
                        if (!(e <= worst)) worst = e;
                    }
                }
                OB_CHECK(worst <= 1.0 / 128, "hdr %d ch %dx%d: worst error %.3g of the max component (<= 1/128)", c,
                         w, h, worst);
            }
            ob_tensor_free(&back);
            ob_tensor_free(&img);
        }
    }
    /* negatives / NaN -> 0; exact powers of two are exact */
    ob_tensor img, back;
    ob_test_image(&img, 3, 1, 3);
    float v[9] = {-1, NAN, 1024, 0.5f, 2, 0, 1, 4, 512}; /* planes R, G, B */
    memcpy(img.data, v, sizeof v);
    OB_CHECK_OK(ob_image_write(tpath(p, sizeof p, "special.hdr"), &img, OB_FMT_HDR, 0));
    if (OB_CHECK_OK(ob_image_read(&back, NULL, p))) {
        float want[9] = {0, 0, 1024, 0.5f, 2, 0, 1, 4, 512};
        ob_test_allclose("hdr specials", ob_tensor_f32(&back), want, 9, 0, 0);
    }
    ob_tensor_free(&back);
    ob_tensor_free(&img);
}

typedef struct {
    unsigned char b[4096];
    size_t n;
} buf_t;

static void put(buf_t *b, const void *p, size_t n)
{
    memcpy(b->b + b->n, p, n);
    b->n += n;
}
static void puts_(buf_t *b, const char *s) { put(b, s, strlen(s)); }
static void putb(buf_t *b, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) b->b[b->n++] = (unsigned char)va_arg(ap, int);
    va_end(ap);
}

/* value = mantissa * 2^(e - 136) */
static float rgbe(int m, int e) { return e ? ldexpf((float)m, e - 136) : 0.0f; }

static void test_hdr_known_bytes(void)
{
    char p[600];
    ob_tensor t;
    ob_image_info info;

    /* new-style RLE, 8 x 2: runs and literals in every component */
    {
        buf_t b = {.n = 0};
        puts_(&b, "#?RADIANCE\n# by hand\nFORMAT=32-bit_rle_rgbe\nEXPOSURE=1.0\n\n-Y 2 +X 8\n");
        putb(&b, 4, 2, 2, 0, 8);
        putb(&b, 2, 128 + 8, 128);                               /* R: run of 8 x 128 */
        putb(&b, 9, 8, 0, 16, 32, 48, 64, 80, 96, 112);          /* G: 8 literals */
        putb(&b, 7, 128 + 4, 64, 4, 1, 2, 3, 4);                  /* B: run of 4, 4 literals */
        putb(&b, 2, 128 + 8, 129);                               /* E: run of 8 x 129 */
        putb(&b, 4, 2, 2, 0, 8);
        putb(&b, 4, 128 + 3, 200, 128 + 5, 0);                   /* R: 3 x 200, 5 x 0 */
        putb(&b, 2, 128 + 8, 100);                               /* G */
        putb(&b, 2, 128 + 8, 50);                                /* B */
        putb(&b, 5, 2, 130, 0, 128 + 6, 140);                    /* E: 130, 0, then 6 x 140 */
        ob_test_write_file(tpath(p, sizeof p, "known_rle.hdr"), b.b, b.n);
        float want[3 * 16];
        int g0[8] = {0, 16, 32, 48, 64, 80, 96, 112}, b0[8] = {64, 64, 64, 64, 1, 2, 3, 4};
        int r1[8] = {200, 200, 200, 0, 0, 0, 0, 0}, e1[8] = {130, 0, 140, 140, 140, 140, 140, 140};
        for (int x = 0; x < 8; x++) {
            want[0 * 16 + x] = rgbe(128, 129);
            want[1 * 16 + x] = rgbe(g0[x], 129);
            want[2 * 16 + x] = rgbe(b0[x], 129);
            want[0 * 16 + 8 + x] = rgbe(r1[x], e1[x]);
            want[1 * 16 + 8 + x] = rgbe(100, e1[x]);
            want[2 * 16 + 8 + x] = rgbe(50, e1[x]);
        }
        OB_CHECK(want[0] == 1.0f && want[32] == 0.5f, "hand truth: 128 * 2^-7 = 1");
        if (OB_CHECK_OK(ob_image_read(&t, &info, p))) {
            OB_CHECK(info.width == 8 && info.height == 2 && t.shape[0] == 3, "known RLE size");
            ob_test_allclose("hdr known RLE", ob_tensor_f32(&t), want, 48, 0, 0);
        }
        ob_tensor_free(&t);
    }

    /* flat 2 x 2, "#?RGBE", CRLF header lines */
    {
        buf_t b = {.n = 0};
        puts_(&b, "#?RGBE\r\nFORMAT=32-bit_rle_rgbe\r\n\r\n-Y 2 +X 2\r\n");
        putb(&b, 16, 128, 64, 32, 129, 255, 0, 1, 136, 0, 0, 0, 0, 10, 20, 30, 120);
        ob_test_write_file(tpath(p, sizeof p, "known_flat.hdr"), b.b, b.n);
        float want[12] = {rgbe(128, 129), rgbe(255, 136), 0, rgbe(10, 120), rgbe(64, 129), 0, 0, rgbe(20, 120),
                          rgbe(32, 129), rgbe(1, 136),   0, rgbe(30, 120)};
        if (OB_CHECK_OK(ob_image_read(&t, NULL, p))) ob_test_allclose("hdr known flat", ob_tensor_f32(&t), want, 12, 0, 0);
        ob_tensor_free(&t);
    }

    /* old-style RLE: one pixel, then (1,1,1,9) repeats it 9 times; width 10
     * allows new-style RLE, but the first bytes say flat */
    {
        buf_t b = {.n = 0};
        puts_(&b, "#?RADIANCE\n\n-Y 1 +X 10\n");
        putb(&b, 8, 100, 50, 25, 130, 1, 1, 1, 9);
        ob_test_write_file(tpath(p, sizeof p, "known_old.hdr"), b.b, b.n);
        float want[30];
        for (int x = 0; x < 10; x++) {
            want[x] = rgbe(100, 130);
            want[10 + x] = rgbe(50, 130);
            want[20 + x] = rgbe(25, 130);
        }
        if (OB_CHECK_OK(ob_image_read(&t, NULL, p))) ob_test_allclose("hdr old-style RLE", ob_tensor_f32(&t), want, 30, 0, 0);
        ob_tensor_free(&t);
        /* consecutive run pixels: the second count is shifted by 8 -> 1 + 2 + (1 << 8) = 259 */
        b.n = 0;
        puts_(&b, "#?RADIANCE\n\n-Y 1 +X 259\n");
        putb(&b, 12, 7, 7, 7, 140, 1, 1, 1, 2, 1, 1, 1, 1);
        ob_test_write_file(tpath(p, sizeof p, "known_old2.hdr"), b.b, b.n);
        if (OB_CHECK_OK(ob_image_read(&t, NULL, p))) {
            const float *g = ob_tensor_f32(&t);
            int ok = 1;
            for (int i = 0; i < 3 * 259; i++) ok &= g[i] == rgbe(7, 140);
            OB_CHECK(ok, "old-style RLE with shifted count fills 259 pixels");
        }
        ob_tensor_free(&t);
    }

    /* orientations: "+Y" lists rows bottom first; "+X 3 -Y 2" stores columns */
    {
        buf_t b = {.n = 0};
        puts_(&b, "#?RADIANCE\n\n+Y 2 +X 2\n");
        putb(&b, 16, 1, 0, 0, 136, 2, 0, 0, 136, 3, 0, 0, 136, 4, 0, 0, 136);
        ob_test_write_file(tpath(p, sizeof p, "plusy.hdr"), b.b, b.n);
        if (OB_CHECK_OK(ob_image_read(&t, NULL, p))) {
            float want[4] = {3, 4, 1, 2};
            ob_test_allclose("hdr +Y orientation", ob_tensor_f32(&t), want, 4, 0, 0);
        }
        ob_tensor_free(&t);
        b.n = 0;
        puts_(&b, "#?RADIANCE\n\n+X 3 -Y 2\n");
        for (int i = 1; i <= 6; i++) putb(&b, 4, i, 0, 0, 136);
        ob_test_write_file(tpath(p, sizeof p, "transposed.hdr"), b.b, b.n);
        if (OB_CHECK_OK(ob_image_read(&t, &info, p))) {
            /* scanline i is column x = i, top to bottom */
            float want[6] = {1, 3, 5, 2, 4, 6};
            OB_CHECK(info.width == 3 && info.height == 2, "transposed size %dx%d", info.width, info.height);
            ob_test_allclose("hdr +X -Y orientation", ob_tensor_f32(&t), want, 6, 0, 0);
        }
        ob_tensor_free(&t);
    }
}

/* ---- PFM ------------------------------------------------------------------- */

static void le32(buf_t *b, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    putb(b, 4, u & 255, (u >> 8) & 255, (u >> 16) & 255, u >> 24);
}
static void be32(buf_t *b, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    putb(b, 4, u >> 24, (u >> 16) & 255, (u >> 8) & 255, u & 255);
}

static void test_pfm(void)
{
    char p[600];
    ob_tensor t;
    ob_image_info info;
    for (int c = 1; c <= 3; c += 2)
        for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
            int w = sizes[si][0], h = sizes[si][1];
            ob_tensor img;
            ob_test_image(&img, c, h, w);
            size_t n = (size_t)c * h * w;
            ob_test_fill_uniform(ob_tensor_f32(&img), n, 5 + si, -1e6f, 1e6f);
            ob_tensor_f32(&img)[0] = -0.0f;
            snprintf(p, sizeof p, "%s/rt_%d_%dx%d.pfm", dir, c, w, h);
            OB_CHECK_OK(ob_image_write(p, &img, OB_FMT_AUTO, 0));
            if (OB_CHECK_OK(ob_image_read(&t, &info, p))) {
                OB_CHECK(info.format == OB_FMT_PFM && info.channels == c && info.bit_depth == 32 &&
                             info.width == w && info.height == h,
                         "pfm info");
                OB_CHECK(memcmp(t.data, img.data, n * 4) == 0, "pfm %d ch %dx%d is bit-exact", c, w, h);
            }
            ob_tensor_free(&t);
            if (c == 3 && w == 7) {
                size_t nb;
                unsigned char *bytes = ob_test_read_file(p, &nb);
                const char *hdr = "PF\n7 5\n-1.0\n";
                OB_CHECK(bytes && nb == strlen(hdr) + n * 4 && memcmp(bytes, hdr, strlen(hdr)) == 0,
                         "PF header, little-endian scale");
                /* first stored row is the image's bottom row: pixel (x 0, y 4), R */
                float first;
                uint32_t u = bytes[12] | bytes[13] << 8 | bytes[14] << 16 | (uint32_t)bytes[15] << 24;
                memcpy(&first, &u, 4);
                OB_CHECK(bytes && first == ob_tensor_f32(&img)[4 * 7], "bottom row stored first");
                free(bytes);
            }
            ob_tensor_free(&img);
        }

    /* by hand: little-endian gray, rows bottom first */
    buf_t b = {.n = 0};
    puts_(&b, "Pf\n2 2\n-1\n");
    le32(&b, 1);
    le32(&b, 2);
    le32(&b, 3);
    le32(&b, 4);
    ob_test_write_file(tpath(p, sizeof p, "known_le.pfm"), b.b, b.n);
    if (OB_CHECK_OK(ob_image_read(&t, NULL, p))) {
        float want[4] = {3, 4, 1, 2};
        ob_test_allclose("pfm little-endian gray", ob_tensor_f32(&t), want, 4, 0, 0);
    }
    ob_tensor_free(&t);
    /* big-endian color, header on one line, scale 2.5 */
    b.n = 0;
    puts_(&b, "PF 1 1 2.5\n");
    be32(&b, 1.5f);
    be32(&b, -2.0f);
    be32(&b, 0.25f);
    ob_test_write_file(tpath(p, sizeof p, "known_be.pfm"), b.b, b.n);
    if (OB_CHECK_OK(ob_image_read(&t, &info, p))) {
        float want[3] = {1.5f, -2.0f, 0.25f};
        OB_CHECK(info.channels == 3, "PF is 3 channels");
        ob_test_allclose("pfm big-endian color", ob_tensor_f32(&t), want, 3, 0, 0);
    }
    ob_tensor_free(&t);
}

/* ---- atomic writes ---------------------------------------------------------- */

static ob_status write_then_fail(FILE *fp, void *user)
{
    (void)user;
    fputs("partial", fp);
    return OB_FAIL(OB_ERR_IO, "simulated failure half-way");
}

static ob_status write_hello(FILE *fp, void *user)
{
    fputs((const char *)user, fp);
    return OB_OK;
}

/* ob_image_read_native: the samples ob_image_read divides by 255 / 65535, in
 * their own type, for every file the other tests wrote (PNG 8/16-bit, JPEG
 * RGB, gray and CMYK), and the float formats as floats. */
static void test_native(void)
{
    static const char *const files[] = {"direct.jpg",          "gray.jpg",           "cmyk.jpg",
                                        "ours.jpeg",           "rt_8_3_33x17.png",   "rt_16_3_33x17.png",
                                        "rt_8_1_7x5.png",      "rt_16_4_33x17.png",  "palette.png",
                                        "adam7.png",           "graytrns.png",       "gray1.png"};
    char p[600];
    int checked = 0;
    for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
        if (access(tpath(p, sizeof p, files[k]), R_OK) != 0) continue;
        ob_tensor f, u;
        ob_image_info fi, ui;
        if (!OB_CHECK_OK(ob_image_read(&f, &fi, p)) || !OB_CHECK_OK(ob_image_read_native(&u, &ui, p))) continue;
        const ob_dtype want = fi.bit_depth == 16 ? OB_U16 : OB_U8;
        OB_CHECK(u.dtype == want && ob_tensor_same_shape(&u, &f) && ui.bit_depth == fi.bit_depth, "%s: native %s",
                 files[k], ob_dtype_name(u.dtype));
        size_t off = 0;
        for (int64_t i = 0; u.dtype == want && i < ob_tensor_numel(&f); i++)
            off += ob_sample_unit(u.data, u.dtype, (size_t)i) != ob_tensor_f32(&f)[i] &&
                   fabsf(ob_sample_unit(u.data, u.dtype, (size_t)i) - ob_tensor_f32(&f)[i]) > 0.5f / 255 / 255;
        OB_CHECK(off == 0, "%s: %zu native samples differ from the float read", files[k], off);
        checked++;
        ob_tensor_free(&f), ob_tensor_free(&u);
    }
    OB_CHECK(checked >= 10, "native reads checked on %d files", checked);
    /* a float format stays float */
    ob_tensor img, u;
    ob_test_image(&img, 3, 4, 5);
    for (int i = 0; i < 60; i++) ob_tensor_f32(&img)[i] = 0.25f * i;
    OB_CHECK_OK(ob_image_write(tpath(p, sizeof p, "native.pfm"), &img, OB_FMT_AUTO, 0));
    if (OB_CHECK_OK(ob_image_read_native(&u, NULL, p)))
        OB_CHECK(u.dtype == OB_F32 && memcmp(u.data, img.data, 60 * sizeof(float)) == 0, "PFM native = floats");
    ob_tensor_free(&u), ob_tensor_free(&img);
}

static void test_atomic(void)
{
    char p[600];
    ob_tensor a, b, back;
    ob_test_image(&a, 3, 4, 4);
    ob_test_image(&b, 3, 4, 4);
    for (int i = 0; i < 48; i++) {
        ob_tensor_f32(&a)[i] = 0.25f;
        ob_tensor_f32(&b)[i] = 0.75f;
    }
    tpath(p, sizeof p, "atomic.pfm");
    OB_CHECK_OK(ob_image_write(p, &a, OB_FMT_AUTO, 0));
    OB_CHECK_OK(ob_image_write(p, &b, OB_FMT_AUTO, 0)); /* replaces */
    if (OB_CHECK_OK(ob_image_read(&back, NULL, p)))
        OB_CHECK(ob_tensor_f32(&back)[47] == 0.75f, "second write replaced the first");
    ob_tensor_free(&back);
    ob_tensor_free(&a);
    ob_tensor_free(&b);

    size_t n0, n1;
    unsigned char *before = ob_test_read_file(p, &n0);
    OB_CHECK_FAILS(ob_atomic_write(p, write_then_fail, NULL), OB_ERR_IO);
    unsigned char *after = ob_test_read_file(p, &n1);
    OB_CHECK(before && after && n0 == n1 && memcmp(before, after, n0) == 0, "failed write left the file intact");
    free(before);
    free(after);
    OB_CHECK(count_temp_files() == 0, "no temp file left after a failed write");

    OB_CHECK_OK(ob_atomic_write(tpath(p, sizeof p, "hello.txt"), write_hello, "hello"));
    unsigned char *h = ob_test_read_file(p, &n0);
    OB_CHECK(h && n0 == 5 && memcmp(h, "hello", 5) == 0, "atomic write content");
    free(h);
    /* the mode of an existing destination is kept */
    chmod(p, 0640);
    OB_CHECK_OK(ob_atomic_write(p, write_hello, "bye"));
    struct stat st;
    OB_CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0640, "mode kept: %o", (unsigned)(st.st_mode & 0777));
    OB_CHECK(count_temp_files() == 0, "no temp files left");
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/image_io", ob_test_tmpdir());
    mkdir(dir, 0777);
    test_format_names();
    test_png_roundtrip();
    test_png_direct();
    test_jpeg();
    test_hdr_roundtrip();
    test_hdr_known_bytes();
    test_pfm();
    test_native();
    test_atomic();
    return ob_test_finish();
}
