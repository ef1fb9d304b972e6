/* image_jpeg.c — JPEG through libjpeg(-turbo).
 *
 * libjpeg's default error handler calls exit(); ours formats the message and
 * longjmps back. Its corrupt-data warnings (truncation, bad Huffman codes, ...)
 * are errors here too, so a damaged file never decodes silently into gray.
 * As in image_png.c, all state that outlives the jump is in a context struct
 * owned by the caller of the function that calls setjmp.
 */
#include "image_io_internal.h"

#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

typedef struct {
    struct jpeg_error_mgr pub; /* first: libjpeg sees a jpeg_error_mgr */
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
} jpeg_err;

typedef struct {
    struct jpeg_decompress_struct d;
    struct jpeg_compress_struct e;
    jpeg_err err;
    int have_d, have_e;
    unsigned char *row; /* one interleaved scanline */
    const char *path;
} jpeg_ctx;

static void on_error_exit(j_common_ptr cinfo)
{
    jpeg_err *err = (jpeg_err *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, err->msg);
    longjmp(err->jump, 1);
}

/* Warnings that say nothing about the pixels; every other warning is corruption. */
static int benign_warning(int code)
{
    return code == JWRN_ADOBE_XFORM || code == JWRN_EXTRANEOUS_DATA || code == JWRN_JFIF_MAJOR ||
           code == JWRN_BOGUS_ICC;
}

static void on_emit_message(j_common_ptr cinfo, int level)
{
    if (level < 0 && !benign_warning(cinfo->err->msg_code)) on_error_exit(cinfo);
    /* trace messages and benign warnings: silent (never libjpeg's stderr) */
}

static void on_output_message(j_common_ptr cinfo) { (void)cinfo; }

static struct jpeg_error_mgr *init_err(jpeg_ctx *c)
{
    struct jpeg_error_mgr *e = jpeg_std_error(&c->err.pub);
    e->error_exit = on_error_exit;
    e->emit_message = on_emit_message;
    e->output_message = on_output_message;
    return e;
}

static void free_ctx(jpeg_ctx *c)
{
    if (c->have_d) jpeg_destroy_decompress(&c->d);
    if (c->have_e) jpeg_destroy_compress(&c->e);
    free(c->row);
}

/* ---- reading --------------------------------------------------------------- */

/* One scanline into row y of the planar image: floats (value / 255) into f,
 * or the 8-bit samples into u (the other NULL). CMYK with an Adobe marker is
 * stored inverted (Photoshop's convention: 255 = no ink); its RGB is ink * k
 * / 255^2, as a sample rounded (never a tie: 2 ink k is even, 255 (2m + 1)
 * odd), the bin the float gives. */
static void store_row(float *f, uint8_t *u, const unsigned char *row, int y, int w, int h, int in_ch, int cmyk,
                      int inverted)
{
    size_t plane = (size_t)w * h, o = (size_t)y * w;
    for (int x = 0; x < w; x++) {
        const unsigned char *p = row + (size_t)x * in_ch;
        for (int ch = 0; ch < (cmyk ? 3 : in_ch); ch++) {
            const size_t at = ch * plane + o + x;
            if (cmyk) {
                const int k = inverted ? p[3] : 255 - p[3], ink = inverted ? p[ch] : 255 - p[ch];
                if (f) f[at] = (float)(ink * k) / (255.0f * 255.0f);
                else u[at] = (uint8_t)((2 * ink * k + 255) / 510);
            } else if (f) {
                f[at] = (float)p[ch] / 255.0f;
            } else {
                u[at] = p[ch];
            }
        }
    }
}

static ob_status jpeg_decode(jpeg_ctx *c, ob_tensor *out, ob_image_info *info, FILE *fp, int header_only)
{
    if (setjmp(c->err.jump)) return OB_FAIL(OB_ERR_FORMAT, "%s: bad JPEG: %s", c->path, c->err.msg);
    c->d.err = init_err(c);
    jpeg_create_decompress(&c->d);
    c->have_d = 1;
    jpeg_stdio_src(&c->d, fp);
    jpeg_read_header(&c->d, TRUE);
    OB_TRY(ob_image_check_size(c->path, c->d.image_width, c->d.image_height));
    J_COLOR_SPACE cs = c->d.jpeg_color_space;
    int cmyk = cs == JCS_CMYK || cs == JCS_YCCK;
    int gray = cs == JCS_GRAYSCALE;
    info->width = (int)c->d.image_width;
    info->height = (int)c->d.image_height;
    info->channels = gray ? 1 : 3;
    info->bit_depth = 8;
    if (header_only == OB_READ_HEADER) return OB_OK;

    /* Huffman-coded DC takes at least one bit per 8x8 block of the full-size
     * component, so a file under w*h/512 bytes cannot hold the image: refuse it
     * before allocating (arithmetic coding has no such floor). */
    int64_t left = ob_file_bytes_left(fp);
    long pos = ftell(fp);
    if (!c->d.arith_code && left >= 0 && pos >= 0 &&
        left + pos < (int64_t)info->width * info->height / 1024)
        return OB_FAIL(OB_ERR_FORMAT, "%s: bad JPEG: truncated (%lld bytes cannot hold %d x %d pixels)", c->path,
                       (long long)(left + pos), info->width, info->height);

    c->d.out_color_space = gray ? JCS_GRAYSCALE : cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(&c->d);
    int w = (int)c->d.output_width, h = (int)c->d.output_height, in_ch = c->d.output_components;
    if (w != info->width || h != info->height || in_ch != (cmyk ? 4 : info->channels))
        return OB_FAIL(OB_ERR_INTERNAL, "%s: libjpeg output %dx%dx%d, expected %dx%dx%d", c->path, w, h, in_ch,
                       info->width, info->height, info->channels);
    c->row = malloc((size_t)w * in_ch);
    if (!c->row) return OB_FAIL(OB_ERR_NOMEM, "%s: out of memory", c->path);
    const int native = header_only == OB_READ_NATIVE;
    if (native) {
        const int64_t shape[3] = {info->channels, h, w};
        OB_TRY(ob_tensor_alloc(out, OB_U8, OB_HOST, 3, shape));
    } else {
        OB_TRY(ob_image_alloc(out, info->channels, h, w));
    }
    while (c->d.output_scanline < (JDIMENSION)h) {
        int y = (int)c->d.output_scanline;
        JSAMPROW rows[1] = {c->row};
        if (jpeg_read_scanlines(&c->d, rows, 1) != 1)
            return OB_FAIL(OB_ERR_FORMAT, "%s: bad JPEG: no data for row %d", c->path, y);
        store_row(native ? NULL : ob_tensor_f32(out), native ? out->data : NULL, c->row, y, w, h, in_ch, cmyk,
                  c->d.saw_Adobe_marker);
    }
    jpeg_finish_decompress(&c->d); /* reads to EOI: a cut tail is caught */
    return OB_OK;
}

ob_status ob_jpeg_read(ob_tensor *out, ob_image_info *info, FILE *fp, const char *path, int header_only)
{
    jpeg_ctx *c = calloc(1, sizeof *c);
    if (!c) return OB_FAIL(OB_ERR_NOMEM, "%s: out of memory", path);
    c->path = path;
    ob_status s = jpeg_decode(c, out, info, fp, header_only);
    if (s != OB_OK && out) ob_tensor_free(out);
    free_ctx(c);
    free(c);
    return s;
}

/* ---- writing --------------------------------------------------------------- */

static ob_status jpeg_encode(jpeg_ctx *c, const ob_image_view *v, FILE *fp)
{
    if (setjmp(c->err.jump)) return OB_FAIL(OB_ERR_IO, "%s: cannot write JPEG: %s", c->path, c->err.msg);
    c->e.err = init_err(c);
    jpeg_create_compress(&c->e);
    c->have_e = 1;
    jpeg_stdio_dest(&c->e, fp);
    c->e.image_width = (JDIMENSION)v->w;
    c->e.image_height = (JDIMENSION)v->h;
    c->e.input_components = v->c;
    c->e.in_color_space = v->c == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&c->e);
    jpeg_set_quality(&c->e, 95, TRUE);
    c->e.comp_info[0].h_samp_factor = 1; /* 4:4:4 — no chroma subsampling */
    c->e.comp_info[0].v_samp_factor = 1;
    jpeg_start_compress(&c->e, TRUE);
    for (int y = 0; y < v->h; y++) {
        for (int x = 0; x < v->w; x++)
            for (int k = 0; k < v->c; k++) c->row[(size_t)x * v->c + k] = (unsigned char)ob_quantize(ob_view_at(v, k, y, x), 255);
        JSAMPROW rows[1] = {c->row};
        jpeg_write_scanlines(&c->e, rows, 1);
    }
    jpeg_finish_compress(&c->e);
    return OB_OK;
}

ob_status ob_jpeg_write(FILE *fp, const char *path, const ob_image_view *v)
{
    jpeg_ctx *c = calloc(1, sizeof *c);
    if (c) c->row = malloc((size_t)v->w * v->c);
    if (!c || !c->row) {
        free(c);
        return OB_FAIL(OB_ERR_NOMEM, "%s: out of memory", path);
    }
    c->path = path;
    ob_status s = jpeg_encode(c, v, fp);
    free_ctx(c);
    free(c);
    return s;
}
