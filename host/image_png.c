/* image_png.c — PNG through libpng.
 *
 * libpng reports errors by longjmp. Everything that must survive the jump (the
 * libpng structs, buffers, the message) lives in a context struct owned by the
 * caller of the function that calls setjmp, so no local of that function is
 * modified between setjmp and longjmp (C11 7.13.2.1), and the caller frees it
 * all on either path.
 */
#include "image_io_internal.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    png_structp png;
    png_infop info;
    FILE *fp;
    const char *path;
    char msg[256];        /* libpng's error message */
    char warn[256];       /* its last warning: often the detail behind the error */
    unsigned char *pixels; /* decoded rows, h * rowbytes */
    png_bytep *rows;       /* row pointers into pixels */
    unsigned char *row;    /* one row being encoded */
} png_ctx;

static void on_error(png_structp png, png_const_charp msg)
{
    png_ctx *c = (png_ctx *)png_get_error_ptr(png);
    snprintf(c->msg, sizeof c->msg, "%s", msg ? msg : "unknown libpng error");
    png_longjmp(png, 1);
}

/* Warnings (bad ancillary chunks, ...) do not stop a read, but libpng also
 * warns with the detail ("Image width is zero in IHDR") right before a terse
 * error ("Invalid IHDR data"), so the last one is kept for that message. */
static void on_warning(png_structp png, png_const_charp msg)
{
    png_ctx *c = (png_ctx *)png_get_error_ptr(png);
    snprintf(c->warn, sizeof c->warn, "%s", msg ? msg : "");
}

static void on_read(png_structp png, png_bytep data, size_t n)
{
    png_ctx *c = (png_ctx *)png_get_io_ptr(png);
    if (fread(data, 1, n, c->fp) != n)
        png_error(png, ferror(c->fp) ? "read error" : "file is truncated (unexpected end of file)");
}

static void on_write(png_structp png, png_bytep data, size_t n)
{
    png_ctx *c = (png_ctx *)png_get_io_ptr(png);
    if (fwrite(data, 1, n, c->fp) != n) png_error(png, "write failed (disk full?)");
}

static void on_flush(png_structp png)
{
    png_ctx *c = (png_ctx *)png_get_io_ptr(png);
    fflush(c->fp);
}

static void free_ctx(png_ctx *c, int reading)
{
    if (reading) png_destroy_read_struct(&c->png, &c->info, NULL);
    else png_destroy_write_struct(&c->png, &c->info);
    free(c->pixels);
    free(c->rows);
    free(c->row);
}

/* ---- reading --------------------------------------------------------------- */

/* Channels after expansion: palette -> RGB, tRNS -> an alpha channel. */
static int png_channels(png_structp png, png_infop info, int color_type)
{
    int trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
    switch (color_type) {
    case PNG_COLOR_TYPE_GRAY: return 1 + trns;
    case PNG_COLOR_TYPE_GRAY_ALPHA: return 2;
    case PNG_COLOR_TYPE_PALETTE: return 3 + trns;
    case PNG_COLOR_TYPE_RGB: return 3 + trns;
    case PNG_COLOR_TYPE_RGB_ALPHA: return 4;
    }
    return 0;
}

/* Decodes into c->pixels; the only function here that calls setjmp. */
static ob_status png_decode(png_ctx *c, ob_image_info *info, int header_only)
{
    if (setjmp(png_jmpbuf(c->png))) {
        int detail = c->warn[0] && strstr(c->msg, "IHDR") && strstr(c->warn, "IHDR");
        return OB_FAIL(OB_ERR_FORMAT, "%s: bad PNG: %s%s%s%s", c->path, c->msg, detail ? " (" : "",
                       detail ? c->warn : "", detail ? ")" : "");
    }
    png_set_read_fn(c->png, c, on_read);
    /* our own pixel cap below gives the clearer message; libpng's limit only
     * has to be no tighter */
    png_set_user_limits(c->png, (png_uint_32)OB_IMAGE_MAX_PIXELS, (png_uint_32)OB_IMAGE_MAX_PIXELS);
    png_read_info(c->png, c->info);

    png_uint_32 w, h;
    int depth, color_type, interlace;
    png_get_IHDR(c->png, c->info, &w, &h, &depth, &color_type, &interlace, NULL, NULL);
    OB_TRY(ob_image_check_size(c->path, w, h));
    int ch = png_channels(c->png, c->info, color_type);
    if (ch == 0) return OB_FAIL(OB_ERR_FORMAT, "%s: bad PNG: unknown color type %d", c->path, color_type);
    info->width = (int)w;
    info->height = (int)h;
    info->channels = ch;
    info->bit_depth = depth == 16 ? 16 : 8;
    if (header_only == OB_READ_HEADER) return OB_OK;

    /* deflate packs at most ~1032:1, so fewer bytes than raw/2048 left in the
     * file cannot hold the pixels: refuse before allocating them */
    uint64_t raw = (uint64_t)h * (((uint64_t)w * depth * png_get_channels(c->png, c->info) + 7) / 8 + 1);
    int64_t left = ob_file_bytes_left(c->fp);
    if (left >= 0 && (uint64_t)left < raw / 2048)
        return OB_FAIL(OB_ERR_FORMAT, "%s: bad PNG: truncated (%lld bytes cannot hold %u x %u pixels)", c->path,
                       (long long)left, (unsigned)w, (unsigned)h);

    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(c->png);
    if (color_type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(c->png);
    if (png_get_valid(c->png, c->info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(c->png);
    png_set_interlace_handling(c->png);
    png_read_update_info(c->png, c->info);

    size_t bpc = depth == 16 ? 2 : 1;
    size_t rowbytes = png_get_rowbytes(c->png, c->info);
    if (rowbytes != (size_t)w * ch * bpc || png_get_channels(c->png, c->info) != ch)
        return OB_FAIL(OB_ERR_INTERNAL, "%s: PNG row of %zu bytes, expected %zu", c->path, rowbytes,
                       (size_t)w * ch * bpc);
    c->pixels = malloc(rowbytes * h);
    c->rows = malloc(sizeof *c->rows * h);
    if (!c->pixels || !c->rows)
        return OB_FAIL(OB_ERR_NOMEM, "%s: cannot allocate %zu bytes for the PNG pixels", c->path, rowbytes * h);
    for (png_uint_32 y = 0; y < h; y++) c->rows[y] = c->pixels + rowbytes * y;
    png_read_image(c->png, c->rows);
    png_read_end(c->png, NULL); /* reads to IEND, so a truncated tail is caught */
    return OB_OK;
}

/* Interleaved 8/16-bit rows -> planar float. */
static void to_planar(float *dst, const unsigned char *src, int ch, int h, int w, int depth16)
{
    size_t plane = (size_t)h * w;
    for (size_t i = 0; i < plane; i++) {
        for (int k = 0; k < ch; k++) {
            const unsigned char *p = src + (i * ch + k) * (depth16 ? 2 : 1);
            dst[k * plane + i] = depth16 ? (float)((p[0] << 8) | p[1]) / 65535.0f : (float)p[0] / 255.0f;
        }
    }
}

/* Interleaved 8/16-bit rows -> planar samples of the same type (16-bit PNG
 * samples are big-endian in the rows). */
static void to_planar_native(void *dst, const unsigned char *src, int ch, int h, int w, int depth16)
{
    const size_t plane = (size_t)h * w;
    if (depth16) {
        uint16_t *d = dst;
        for (size_t i = 0; i < plane; i++)
            for (int k = 0; k < ch; k++) {
                const unsigned char *p = src + (i * ch + k) * 2;
                d[k * plane + i] = (uint16_t)((p[0] << 8) | p[1]);
            }
        return;
    }
    uint8_t *d = dst;
    if (ch == 1) {
        memcpy(d, src, plane);
        return;
    }
    for (size_t i = 0; i < plane; i++)
        for (int k = 0; k < ch; k++) d[k * plane + i] = src[i * ch + k];
}

ob_status ob_png_read(ob_tensor *out, ob_image_info *info, FILE *fp, const char *path, int header_only)
{
    png_ctx c;
    memset(&c, 0, sizeof c);
    c.fp = fp;
    c.path = path;
    c.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &c, on_error, on_warning);
    if (c.png) c.info = png_create_info_struct(c.png);
    if (!c.png || !c.info) {
        free_ctx(&c, 1);
        return OB_FAIL(OB_ERR_NOMEM, "%s: cannot create a libpng reader", path);
    }
    ob_status s = png_decode(&c, info, header_only);
    if (s == OB_OK && header_only == OB_READ_NATIVE) {
        const int64_t shape[3] = {info->channels, info->height, info->width};
        s = ob_tensor_alloc(out, info->bit_depth == 16 ? OB_U16 : OB_U8, OB_HOST, 3, shape);
        if (s == OB_OK)
            to_planar_native(out->data, c.pixels, info->channels, info->height, info->width, info->bit_depth == 16);
    } else if (s == OB_OK && header_only == OB_READ_FLOAT) {
        s = ob_image_alloc(out, info->channels, info->height, info->width);
        if (s == OB_OK)
            to_planar(ob_tensor_f32(out), c.pixels, info->channels, info->height, info->width, info->bit_depth == 16);
    }
    free_ctx(&c, 1);
    return s;
}

/* ---- writing --------------------------------------------------------------- */

static void fill_row(unsigned char *row, const ob_image_view *v, int y, int depth16)
{
    if (v->dtype == OB_U8 && !depth16) { /* samples as they are */
        const uint8_t *src = (const uint8_t *)v->raw + y * v->sy;
        for (int x = 0; x < v->w; x++)
            for (int k = 0; k < v->c; k++) row[(size_t)x * v->c + k] = src[k * v->sc + x * v->sx];
        return;
    }
    if (v->dtype == OB_U16 && depth16) {
        const uint16_t *src = (const uint16_t *)v->raw + y * v->sy;
        for (int x = 0; x < v->w; x++)
            for (int k = 0; k < v->c; k++) {
                const unsigned q = src[k * v->sc + x * v->sx];
                const size_t i = (size_t)x * v->c + k;
                row[2 * i] = (unsigned char)(q >> 8), row[2 * i + 1] = (unsigned char)(q & 0xff);
            }
        return;
    }
    for (int x = 0; x < v->w; x++) {
        for (int k = 0; k < v->c; k++) {
            float f = ob_view_at(v, k, y, x);
            size_t i = (size_t)x * v->c + k;
            if (depth16) {
                unsigned q = ob_quantize(f, 65535);
                row[2 * i] = (unsigned char)(q >> 8); /* PNG samples are big-endian */
                row[2 * i + 1] = (unsigned char)(q & 0xff);
            } else {
                row[i] = (unsigned char)ob_quantize(f, 255);
            }
        }
    }
}

static ob_status png_encode(png_ctx *c, const ob_image_view *v, int depth, int level)
{
    if (setjmp(png_jmpbuf(c->png))) return OB_FAIL(OB_ERR_IO, "%s: cannot write PNG: %s", c->path, c->msg);
    static const int types[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                                 PNG_COLOR_TYPE_RGB_ALPHA};
    png_set_write_fn(c->png, c, on_write, on_flush);
    png_set_IHDR(c->png, c->info, (png_uint_32)v->w, (png_uint_32)v->h, depth, types[v->c], PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    /* Measured on a 12 MP tone-mapped photo (durand.png of bench/b_hdr_e2e.py's
     * stack, one thread): zlib level 1 with the Avg filter 0.52 s, 20.5 MB;
     * libpng's default (level 6, the best of five filters per row) 6.7 s,
     * 17.6 MB; level 4 (zlib's first lazy-matching level) 2.4 s, 17.5 MB.
     * At levels 1..3 trying every filter per row costs 2x the time for no
     * size (Avg is what it picks), so one filter there; from level 4 on
     * libpng's per-row choice. Default: level 1 (OB_PNG_DEFAULT_COMPRESSION). */
    png_set_compression_level(c->png, level);
    if (level <= OB_PNG_FAST_LEVEL_MAX) png_set_filter(c->png, PNG_FILTER_TYPE_BASE, PNG_FILTER_AVG);
    png_write_info(c->png, c->info);
    for (int y = 0; y < v->h; y++) {
        fill_row(c->row, v, y, depth == 16);
        png_write_row(c->png, c->row);
    }
    png_write_end(c->png, NULL);
    return OB_OK;
}

ob_status ob_png_write(FILE *fp, const char *path, const ob_image_view *v, int bit_depth, int level)
{
    png_ctx c;
    memset(&c, 0, sizeof c);
    c.fp = fp;
    c.path = path;
    c.row = malloc((size_t)v->w * v->c * (bit_depth == 16 ? 2 : 1));
    c.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &c, on_error, on_warning);
    if (c.png) c.info = png_create_info_struct(c.png);
    if (!c.png || !c.info || !c.row) {
        free_ctx(&c, 0);
        return OB_FAIL(OB_ERR_NOMEM, "%s: cannot create a libpng writer", path);
    }
    ob_status s = png_encode(&c, v, bit_depth, level);
    free_ctx(&c, 0);
    return s;
}
