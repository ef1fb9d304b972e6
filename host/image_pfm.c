/* image_pfm.c — Portable Float Map.
 *
 * "PF" (RGB) or "Pf" (gray), whitespace, width, whitespace, height, whitespace,
 * scale, one whitespace byte, then width*height*channels float32 samples, rows
 * from the bottom of the image to the top. A negative scale means little-endian
 * samples, a positive one big-endian; its magnitude is ignored here.
 */
#include "image_io_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The next whitespace-separated token (at most 63 bytes); the single whitespace
 * byte that ends it is consumed. */
static ob_status read_token(char tok[64], FILE *fp, const char *path, const char *what)
{
    int ch, skipped = 0;
    while ((ch = getc(fp)) != EOF && isspace(ch))
        if (++skipped > 1024) return OB_FAIL(OB_ERR_FORMAT, "%s: bad PFM header: no %s", path, what);
    size_t n = 0;
    while (ch != EOF && !isspace(ch)) {
        if (n >= 63) return OB_FAIL(OB_ERR_FORMAT, "%s: bad PFM header: %s is too long", path, what);
        tok[n++] = (char)ch;
        ch = getc(fp);
    }
    tok[n] = '\0';
    if (ch == EOF) return OB_FAIL(OB_ERR_FORMAT, "%s: PFM header is truncated (reading the %s)", path, what);
    return OB_OK;
}

static ob_status parse_dim(int64_t *v, const char *tok, const char *path, const char *what)
{
    size_t n = strlen(tok);
    if (n == 0 || n > 18 || strspn(tok, "0123456789") != n)
        return OB_FAIL(OB_ERR_FORMAT, "%s: bad PFM header: %s \"%s\" is not a size", path, what, tok);
    *v = strtoll(tok, NULL, 10);
    return OB_OK;
}

typedef struct {
    int w, h, c, little;
} pfm_header;

static ob_status read_header(pfm_header *H, FILE *fp, const char *path)
{
    char tok[64];
    OB_TRY(read_token(tok, fp, path, "magic"));
    if (strcmp(tok, "PF") != 0 && strcmp(tok, "Pf") != 0)
        return OB_FAIL(OB_ERR_FORMAT, "%s: not a PFM file (magic \"%s\", expected \"PF\" or \"Pf\")", path, tok);
    H->c = tok[1] == 'F' ? 3 : 1;
    int64_t w = 0, h = 0;
    OB_TRY(read_token(tok, fp, path, "width"));
    OB_TRY(parse_dim(&w, tok, path, "width"));
    OB_TRY(read_token(tok, fp, path, "height"));
    OB_TRY(parse_dim(&h, tok, path, "height"));
    OB_TRY(ob_image_check_size(path, w, h));
    OB_TRY(read_token(tok, fp, path, "scale"));
    char *end;
    errno = 0;
    double scale = strtod(tok, &end);
    if (*end || end == tok || !isfinite(scale) || scale == 0.0)
        return OB_FAIL(OB_ERR_FORMAT, "%s: bad PFM header: scale \"%s\" (expected a non-zero number, e.g. -1.0)", path,
                       tok);
    H->w = (int)w;
    H->h = (int)h;
    H->little = scale < 0;
    return OB_OK;
}

static float decode_f32(const unsigned char *b, int little)
{
    uint32_t u = little ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24
                        : (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 | (uint32_t)b[0] << 24;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

ob_status ob_pfm_read(ob_tensor *out, ob_image_info *info, FILE *fp, const char *path, int header_only)
{
    pfm_header H = {0};
    OB_TRY(read_header(&H, fp, path));
    info->width = H.w;
    info->height = H.h;
    info->channels = H.c;
    info->bit_depth = 32;
    if (header_only) return OB_OK;

    size_t row_bytes = (size_t)H.w * H.c * 4;
    /* an uncompressed format: a file too short is known before allocating */
    int64_t left = ob_file_bytes_left(fp);
    if (left >= 0 && (uint64_t)left < (uint64_t)row_bytes * H.h)
        return OB_FAIL(OB_ERR_FORMAT, "%s: PFM data is truncated: %lld bytes, %d x %d x %d floats need %llu", path,
                       (long long)left, H.w, H.h, H.c, (unsigned long long)row_bytes * H.h);
    unsigned char *row = malloc(row_bytes);
    if (!row) return OB_FAIL(OB_ERR_NOMEM, "%s: out of memory", path);
    ob_status s = ob_image_alloc(out, H.c, H.h, H.w);
    size_t plane = (size_t)H.w * H.h;
    for (int r = 0; s == OB_OK && r < H.h; r++) {
        if (fread(row, 1, row_bytes, fp) != row_bytes) {
            s = OB_FAIL(OB_ERR_FORMAT, "%s: PFM data is truncated at row %d of %d", path, r, H.h);
            break;
        }
        int y = H.h - 1 - r; /* stored bottom row first */
        float *dst = ob_tensor_f32(out) + (size_t)y * H.w;
        for (int x = 0; x < H.w; x++)
            for (int c = 0; c < H.c; c++)
                dst[c * plane + x] = decode_f32(row + ((size_t)x * H.c + c) * 4, H.little);
    }
    free(row);
    if (s != OB_OK) ob_tensor_free(out);
    return s;
}

ob_status ob_pfm_write(FILE *fp, const char *path, const ob_image_view *v)
{
    if (fprintf(fp, "%s\n%d %d\n-1.0\n", v->c == 3 ? "PF" : "Pf", v->w, v->h) < 0)
        return OB_FAIL(OB_ERR_IO, "%s: cannot write the PFM header", path);
    size_t row_bytes = (size_t)v->w * v->c * 4;
    unsigned char *row = malloc(row_bytes);
    if (!row) return OB_FAIL(OB_ERR_NOMEM, "%s: out of memory", path);
    ob_status s = OB_OK;
    for (int y = v->h - 1; y >= 0 && s == OB_OK; y--) {
        for (int x = 0; x < v->w; x++) {
            for (int c = 0; c < v->c; c++) {
                float f = ob_view_at(v, c, y, x);
                uint32_t u;
                memcpy(&u, &f, 4);
                unsigned char *b = row + ((size_t)x * v->c + c) * 4;
                b[0] = (unsigned char)u; /* little-endian, as scale -1 says */
                b[1] = (unsigned char)(u >> 8);
                b[2] = (unsigned char)(u >> 16);
                b[3] = (unsigned char)(u >> 24);
            }
        }
        if (fwrite(row, 1, row_bytes, fp) != row_bytes)
            s = OB_FAIL(OB_ERR_IO, "%s: write failed at row %d (disk full?)", path, y);
    }
    free(row);
    return s;
}
