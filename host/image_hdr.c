/* image_hdr.c — Radiance RGBE (.hdr / .pic).
 *
 * File: "#?RADIANCE" line, header lines (FORMAT=32-bit_rle_rgbe, ...), an empty
 * line, a resolution line ("-Y H +X W" for the usual top-to-bottom rows), then
 * one scanline per row of 4-byte RGBE pixels, value = mantissa * 2^(E - 136).
 * A scanline is stored
 *   new-style RLE   (8 <= length <= 0x7fff) 02 02 len_hi len_lo, then each of
 *                   the 4 components run-length coded on its own: a count byte
 *                   > 128 is a run of (count - 128) copies of the next byte,
 *                   otherwise `count` literal bytes follow;
 *   flat            4 bytes per pixel, in which the old-style RLE pixel
 *                   (1, 1, 1, n) repeats the previous pixel n << shift times
 *                   (shift grows by 8 for consecutive run pixels).
 * (Ward, "Real Pixels", Graphics Gems II; the Radiance file format notes.)
 */
#include "image_io_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The reader is the only user of its FILE: skip stdio's per-call locking. */
#define GETC(fp) getc_unlocked(fp)

#define HDR_MAX_LINE 4096
#define HDR_MAX_HEADER_LINES 4096

/* ---- header ---------------------------------------------------------------- */

/* One line without its '\n'. */
static ob_status read_line(char *buf, FILE *fp, const char *path)
{
    size_t n = 0;
    for (;;) {
        int ch = GETC(fp);
        if (ch == EOF) return OB_FAIL(OB_ERR_FORMAT, "%s: Radiance header is truncated (no end of line)", path);
        if (ch == '\n') break;
        if (n + 1 >= HDR_MAX_LINE)
            return OB_FAIL(OB_ERR_FORMAT, "%s: Radiance header line longer than %d bytes", path, HDR_MAX_LINE);
        buf[n++] = (char)ch;
    }
    if (n > 0 && buf[n - 1] == '\r') n--;
    buf[n] = '\0';
    return OB_OK;
}

/* "<sign><axis> <size>"; *p advances. */
static int parse_axis(const char **p, char *sign, char *axis, int64_t *size)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t') s++;
    if (*s != '+' && *s != '-') return 0;
    *sign = *s++;
    if (*s != 'X' && *s != 'Y') return 0;
    *axis = *s++;
    if (*s != ' ' && *s != '\t') return 0;
    while (*s == ' ' || *s == '\t') s++;
    if (!isdigit((unsigned char)*s)) return 0;
    int64_t v = 0;
    int digits = 0;
    for (; isdigit((unsigned char)*s); s++)
        if (++digits <= 18) v = v * 10 + (*s - '0');
    *size = digits <= 18 ? v : INT64_MAX;
    *p = s;
    return 1;
}

typedef struct {
    int w, h;             /* image size */
    int n_scan, len;      /* scanlines in the file, pixels per scanline */
    int major_is_y;       /* scanlines run along X (usual) */
    int major_flip, minor_flip;
} hdr_layout;

static ob_status parse_resolution(hdr_layout *L, const char *line, const char *path)
{
    const char *p = line;
    char s1 = 0, a1 = 0, s2 = 0, a2 = 0;
    int64_t n1 = 0, n2 = 0;
    if (!parse_axis(&p, &s1, &a1, &n1) || !parse_axis(&p, &s2, &a2, &n2) || a1 == a2)
        return OB_FAIL(OB_ERR_FORMAT, "%s: bad Radiance resolution line \"%.80s\" (expected e.g. \"-Y 480 +X 640\")",
                       path, line);
    while (*p == ' ' || *p == '\t') p++;
    if (*p)
        return OB_FAIL(OB_ERR_FORMAT, "%s: bad Radiance resolution line \"%.80s\" (trailing text)", path, line);
    int64_t w = a1 == 'X' ? n1 : n2, h = a1 == 'Y' ? n1 : n2;
    OB_TRY(ob_image_check_size(path, w, h));
    L->w = (int)w;
    L->h = (int)h;
    L->n_scan = (int)n1;
    L->len = (int)n2;
    L->major_is_y = a1 == 'Y';
    /* Radiance's Y points up: "-Y" lists rows from the top; "+X" columns from the left */
    L->major_flip = a1 == 'Y' ? s1 == '+' : s1 == '-';
    L->minor_flip = a2 == 'Y' ? s2 == '+' : s2 == '-';
    return OB_OK;
}

static ob_status read_header(hdr_layout *L, FILE *fp, const char *path)
{
    char *line = malloc(HDR_MAX_LINE);
    if (!line) return OB_FAIL(OB_ERR_NOMEM, "%s: out of memory", path);
    ob_status s = read_line(line, fp, path);
    if (s == OB_OK && strncmp(line, "#?", 2) != 0)
        s = OB_FAIL(OB_ERR_FORMAT, "%s: not a Radiance file (no \"#?RADIANCE\" first line)", path);
    int lines = 0, ended = 0;
    while (s == OB_OK && !ended) {
        if (++lines > HDR_MAX_HEADER_LINES) {
            s = OB_FAIL(OB_ERR_FORMAT, "%s: Radiance header has more than %d lines", path, HDR_MAX_HEADER_LINES);
            break;
        }
        s = read_line(line, fp, path);
        if (s != OB_OK) break;
        if (line[0] == '\0') ended = 1;
        else if (strncmp(line, "FORMAT=", 7) == 0) {
            const char *f = line + 7;
            if (strcmp(f, "32-bit_rle_xyze") == 0)
                s = OB_FAIL(OB_ERR_FORMAT, "%s: Radiance XYZE (CIE XYZ) pixels are not supported; convert to RGBE", path);
            else if (strcmp(f, "32-bit_rle_rgbe") != 0)
                s = OB_FAIL(OB_ERR_FORMAT, "%s: unknown Radiance pixel format \"%.80s\"", path, f);
        }
    }
    if (s == OB_OK) s = read_line(line, fp, path);
    if (s == OB_OK) s = parse_resolution(L, line, path);
    free(line);
    return s;
}

/* ---- scanlines ------------------------------------------------------------- */

static ob_status truncated(const char *path, int scan)
{
    return OB_FAIL(OB_ERR_FORMAT, "%s: Radiance data is truncated in scanline %d", path, scan);
}

static ob_status read_rle(unsigned char *px, int len, FILE *fp, const char *path, int scan)
{
    for (int comp = 0; comp < 4; comp++) {
        int pos = 0;
        while (pos < len) {
            int n = GETC(fp);
            if (n == EOF) return truncated(path, scan);
            if (n > 128) {
                n -= 128;
                int v = GETC(fp);
                if (v == EOF) return truncated(path, scan);
                if (pos + n > len)
                    return OB_FAIL(OB_ERR_FORMAT, "%s: bad RLE in scanline %d: run of %d at %d overruns the width %d",
                                   path, scan, n, pos, len);
                for (int i = 0; i < n; i++) px[(pos + i) * 4 + comp] = (unsigned char)v;
            } else {
                if (n == 0 || pos + n > len)
                    return OB_FAIL(OB_ERR_FORMAT,
                                   "%s: bad RLE in scanline %d: %d literal bytes at %d overrun the width %d", path,
                                   scan, n, pos, len);
                for (int i = 0; i < n; i++) {
                    int v = GETC(fp);
                    if (v == EOF) return truncated(path, scan);
                    px[(pos + i) * 4 + comp] = (unsigned char)v;
                }
            }
            pos += n;
        }
    }
    return OB_OK;
}

/* Flat pixels with old-style runs; `first` is the pixel already read. */
static ob_status read_flat(unsigned char *px, int len, const unsigned char first[4], FILE *fp, const char *path,
                           int scan)
{
    unsigned char p[4];
    memcpy(p, first, 4);
    int i = 0, shift = 0;
    for (;;) {
        if (p[0] == 1 && p[1] == 1 && p[2] == 1) {
            int64_t count = (int64_t)p[3] << shift;
            if (i == 0 || count > len - i)
                return OB_FAIL(OB_ERR_FORMAT, "%s: bad old-style run in scanline %d: %lld pixels at %d (width %d)",
                               path, scan, (long long)count, i, len);
            for (int64_t k = 0; k < count; k++, i++) memcpy(px + (size_t)i * 4, px + (size_t)(i - 1) * 4, 4);
            if (shift < 24) shift += 8;
        } else {
            memcpy(px + (size_t)i * 4, p, 4);
            i++;
            shift = 0;
        }
        if (i >= len) return OB_OK;
        if (fread(p, 1, 4, fp) != 4) return truncated(path, scan);
    }
}

static ob_status read_scanline(unsigned char *px, int len, FILE *fp, const char *path, int scan)
{
    unsigned char b[4];
    if (fread(b, 1, 4, fp) != 4) return truncated(path, scan);
    if (len < 8 || len > 0x7fff || b[0] != 2 || b[1] != 2 || (b[2] & 0x80)) return read_flat(px, len, b, fp, path, scan);
    int stated = (b[2] << 8) | b[3];
    if (stated != len)
        return OB_FAIL(OB_ERR_FORMAT, "%s: bad RLE in scanline %d: length %d, the image is %d wide", path, scan, stated,
                       len);
    return read_rle(px, len, fp, path, scan);
}

/* value = mantissa * 2^(e - 136); e == 0 is black */
static void rgbe_to_float(float *r, float *g, float *b, const unsigned char p[4])
{
    float f = p[3] ? ldexpf(1.0f, (int)p[3] - 136) : 0.0f;
    *r = p[0] * f;
    *g = p[1] * f;
    *b = p[2] * f;
}

/* The fewest bytes a scanline can take (a pixel and an old-style run): stops
 * a tiny file that claims a huge image before the image is allocated. */
static int64_t min_scanline_bytes(int len) { return len == 1 ? 4 : 8; }

ob_status ob_hdr_read(ob_tensor *out, ob_image_info *info, FILE *fp, const char *path, int header_only)
{
    hdr_layout L = {0};
    OB_TRY(read_header(&L, fp, path));
    info->width = L.w;
    info->height = L.h;
    info->channels = 3;
    info->bit_depth = 32;
    if (header_only) return OB_OK;

    int64_t left = ob_file_bytes_left(fp);
    if (left >= 0 && left < (int64_t)L.n_scan * min_scanline_bytes(L.len))
        return OB_FAIL(OB_ERR_FORMAT, "%s: Radiance data is truncated: %lld bytes cannot hold %d x %d pixels", path,
                       (long long)left, L.w, L.h);
    unsigned char *px = malloc((size_t)L.len * 4);
    if (!px) return OB_FAIL(OB_ERR_NOMEM, "%s: out of memory", path);
    ob_status s = ob_image_alloc(out, 3, L.h, L.w);
    size_t plane = (size_t)L.w * L.h;
    for (int i = 0; s == OB_OK && i < L.n_scan; i++) {
        s = read_scanline(px, L.len, fp, path, i);
        if (s != OB_OK) break;
        float *dst = ob_tensor_f32(out);
        int a = L.major_flip ? L.n_scan - 1 - i : i;
        for (int j = 0; j < L.len; j++) {
            int b = L.minor_flip ? L.len - 1 - j : j;
            int y = L.major_is_y ? a : b, x = L.major_is_y ? b : a;
            const unsigned char *p = px + (size_t)j * 4;
            size_t o = (size_t)y * L.w + x;
            rgbe_to_float(dst + o, dst + plane + o, dst + 2 * plane + o, p);
        }
    }
    free(px);
    if (s != OB_OK) ob_tensor_free(out);
    return s;
}

/* ---- writing --------------------------------------------------------------- */

/* Largest value stored: its rounded mantissa stays below 256 at exponent 127. */
#define HDR_MAX_VALUE 1.69e38f

static float clamp_hdr(float v)
{
    if (!(v > 0.0f)) return 0.0f; /* negatives and NaN */
    return v > HDR_MAX_VALUE ? HDR_MAX_VALUE : v;
}

/* Round to the nearest mantissas: error <= 1/256 of the largest component. */
static void float_to_rgbe(unsigned char o[4], float r, float g, float b)
{
    float rgb[3] = {clamp_hdr(r), clamp_hdr(g), clamp_hdr(b)};
    float m = fmaxf(rgb[0], fmaxf(rgb[1], rgb[2]));
    if (m < 1e-32f) {
        memset(o, 0, 4);
        return;
    }
    int e;
    frexp(m, &e); /* m = f * 2^e, f in [0.5, 1) */
    for (;;) {
        double scale = ldexp(1.0, 8 - e);
        unsigned q[3];
        for (int c = 0; c < 3; c++) q[c] = (unsigned)(rgb[c] * scale + 0.5);
        if (q[0] > 255 || q[1] > 255 || q[2] > 255) {
            e++; /* rounding carried into the next power of two */
            continue;
        }
        for (int c = 0; c < 3; c++) o[c] = (unsigned char)q[c];
        o[3] = (unsigned char)(e + 128);
        return;
    }
}

/* One component of a scanline, run-length coded; returns bytes written to out
 * (at most len + len/128 + 1). Runs of 3+ equal bytes become runs; the rest
 * goes out in literal blocks of up to 128. */
static size_t rle_component(unsigned char *out, const unsigned char *px, int len, int comp)
{
#define AT(i) px[(size_t)(i) * 4 + comp]
    size_t n = 0;
    int i = 0;
    while (i < len) {
        int run = 1;
        while (i + run < len && run < 127 && AT(i + run) == AT(i)) run++;
        if (run >= 3) {
            out[n++] = (unsigned char)(128 + run);
            out[n++] = AT(i);
            i += run;
            continue;
        }
        int j = i;
        while (j < len && j - i < 128 && !(j + 2 < len && AT(j) == AT(j + 1) && AT(j) == AT(j + 2))) j++;
        out[n++] = (unsigned char)(j - i);
        for (int k = i; k < j; k++) out[n++] = AT(k);
        i = j;
    }
    return n;
#undef AT
}

ob_status ob_hdr_write(FILE *fp, const char *path, const ob_image_view *v)
{
    if (fprintf(fp, "#?RADIANCE\n# written by obscura\nFORMAT=32-bit_rle_rgbe\n\n-Y %d +X %d\n", v->h, v->w) < 0)
        return OB_FAIL(OB_ERR_IO, "%s: cannot write the Radiance header", path);
    int rle = v->w >= 8 && v->w <= 0x7fff;
    size_t cap = 4 + 4 * ((size_t)v->w + (size_t)v->w / 128 + 2);
    unsigned char *px = malloc((size_t)v->w * 4), *enc = malloc(cap);
    ob_status s = OB_OK;
    if (!px || !enc) s = OB_FAIL(OB_ERR_NOMEM, "%s: out of memory", path);
    for (int y = 0; s == OB_OK && y < v->h; y++) {
        for (int x = 0; x < v->w; x++) {
            float r = ob_view_at(v, 0, y, x);
            float g = v->c == 3 ? ob_view_at(v, 1, y, x) : r; /* gray: replicated */
            float b = v->c == 3 ? ob_view_at(v, 2, y, x) : r;
            float_to_rgbe(px + (size_t)x * 4, r, g, b);
        }
        const unsigned char *bytes = px;
        size_t n = (size_t)v->w * 4;
        if (rle) {
            enc[0] = 2;
            enc[1] = 2;
            enc[2] = (unsigned char)(v->w >> 8);
            enc[3] = (unsigned char)(v->w & 0xff);
            n = 4;
            for (int c = 0; c < 4; c++) n += rle_component(enc + n, px, v->w, c);
            bytes = enc;
        }
        if (fwrite(bytes, 1, n, fp) != n) s = OB_FAIL(OB_ERR_IO, "%s: write failed at row %d (disk full?)", path, y);
    }
    free(px);
    free(enc);
    return s;
}
