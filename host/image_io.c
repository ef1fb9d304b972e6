/* image_io.c — format choice (by content for reading, by extension for writing),
 * file checks and the atomic write around the per-format codecs. */
#include "image_io_internal.h"
#include "ob_atomic_file.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

const char *ob_image_format_name(ob_image_format f)
{
    switch (f) {
    case OB_FMT_AUTO: return "auto";
    case OB_FMT_PNG: return "png";
    case OB_FMT_JPEG: return "jpeg";
    case OB_FMT_HDR: return "hdr";
    case OB_FMT_PFM: return "pfm";
    case OB_FMT_EXR: return "exr";
    }
    return "unknown";
}

static int ext_is(const char *ext, const char *want)
{
    for (; *ext && *want; ext++, want++)
        if (tolower((unsigned char)*ext) != *want) return 0;
    return *ext == '\0' && *want == '\0';
}

ob_status ob_image_format_from_path(ob_image_format *f, const char *path)
{
    OB_REQUIRE(f && path, "null argument");
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base)
        return OB_FAIL(OB_ERR_ARG,
                       "%s: no file extension to choose an image format from (use .png, .jpg, .hdr, .pfm or .exr)",
                       path);
    const char *ext = dot + 1;
    if (ext_is(ext, "png")) *f = OB_FMT_PNG;
    else if (ext_is(ext, "jpg") || ext_is(ext, "jpeg") || ext_is(ext, "jpe")) *f = OB_FMT_JPEG;
    else if (ext_is(ext, "hdr") || ext_is(ext, "pic") || ext_is(ext, "rgbe")) *f = OB_FMT_HDR;
    else if (ext_is(ext, "pfm")) *f = OB_FMT_PFM;
    else if (ext_is(ext, "exr")) *f = OB_FMT_EXR;
    else
        return OB_FAIL(OB_ERR_ARG, "%s: unknown image extension \".%s\" (use .png, .jpg, .hdr, .pfm or .exr)", path,
                       ext);
    return OB_OK;
}

ob_status ob_image_check_size(const char *path, int64_t w, int64_t h)
{
    if (w < 1 || h < 1)
        return OB_FAIL(OB_ERR_FORMAT, "%s: image has zero size (%lld x %lld)", path, (long long)w, (long long)h);
    if (w > OB_IMAGE_MAX_PIXELS || h > OB_IMAGE_MAX_PIXELS || w * h > OB_IMAGE_MAX_PIXELS)
        return OB_FAIL(OB_ERR_FORMAT, "%s: image too large: %lld x %lld pixels (the limit is %lld pixels)", path,
                       (long long)w, (long long)h, (long long)OB_IMAGE_MAX_PIXELS);
    return OB_OK;
}

int64_t ob_file_bytes_left(FILE *fp)
{
    struct stat st;
    long pos = ftell(fp);
    if (pos < 0 || fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) return -1;
    return (int64_t)st.st_size - pos;
}

ob_status ob_image_alloc(ob_tensor *out, int c, int h, int w)
{
    int64_t shape[3] = {c, h, w};
    return ob_tensor_alloc(out, OB_F32, OB_HOST, 3, shape);
}

/* ---- reading --------------------------------------------------------------- */

static ob_status open_input(FILE **fp, const char *path)
{
    *fp = NULL;
    OB_REQUIRE(path && *path, "empty image path");
    FILE *f = fopen(path, "rb");
    if (!f) return OB_FAIL(OB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        int e = errno;
        fclose(f);
        return OB_FAIL(OB_ERR_IO, "%s: cannot stat: %s", path, strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        fclose(f);
        return OB_FAIL(OB_ERR_IO, "%s: is a directory, not an image file", path);
    }
    *fp = f;
    return OB_OK;
}

/* The format from the first bytes; fp is rewound. */
static ob_status sniff(ob_image_format *f, FILE *fp, const char *path)
{
    unsigned char m[8] = {0};
    size_t n = fread(m, 1, sizeof m, fp);
    if (ferror(fp)) return OB_FAIL(OB_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
    rewind(fp);
    if (n == 0) return OB_FAIL(OB_ERR_FORMAT, "%s: empty file", path);
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (n >= 8 && memcmp(m, png_sig, 8) == 0) *f = OB_FMT_PNG;
    else if (n >= 3 && m[0] == 0xFF && m[1] == 0xD8 && m[2] == 0xFF) *f = OB_FMT_JPEG;
    else if (n >= 2 && m[0] == '#' && m[1] == '?') *f = OB_FMT_HDR;
    else if (n >= 3 && m[0] == 'P' && (m[1] == 'F' || m[1] == 'f') && isspace(m[2])) *f = OB_FMT_PFM;
    else if (n >= 4 && m[0] == 0x76 && m[1] == 0x2f && m[2] == 0x31 && m[3] == 0x01) *f = OB_FMT_EXR;
    else
        return OB_FAIL(OB_ERR_FORMAT,
                       "%s: not a PNG, JPEG, Radiance HDR, PFM or OpenEXR file (first bytes %02x %02x %02x %02x)", path,
                       m[0], m[1], m[2], m[3]);
    return OB_OK;
}

/* mode: OB_READ_FLOAT, _HEADER, or _NATIVE (PNG and JPEG keep their 8/16-bit
 * samples; the float formats are read as float either way). */
static ob_status read_any(ob_tensor *out, ob_image_info *info, const char *path, int mode)
{
    const int header_only = mode == OB_READ_HEADER;
    FILE *fp;
    OB_TRY(open_input(&fp, path));
    ob_image_info tmp;
    if (!info) info = &tmp;
    memset(info, 0, sizeof *info);
    ob_image_format f = OB_FMT_AUTO;
    ob_status s = sniff(&f, fp, path);
    if (s == OB_OK) {
        info->format = f;
        switch (f) {
        case OB_FMT_PNG: s = ob_png_read(out, info, fp, path, mode); break;
        case OB_FMT_JPEG: s = ob_jpeg_read(out, info, fp, path, mode); break;
        case OB_FMT_HDR: s = ob_hdr_read(out, info, fp, path, header_only); break;
        case OB_FMT_PFM: s = ob_pfm_read(out, info, fp, path, header_only); break;
        case OB_FMT_EXR: s = ob_exr_read(out, info, fp, path, header_only); break;
        default: s = OB_FAIL(OB_ERR_INTERNAL, "%s: format %d has no reader", path, (int)f);
        }
    }
    fclose(fp);
    return s;
}

ob_status ob_image_read(ob_tensor *out, ob_image_info *info, const char *path)
{
    OB_REQUIRE(out, "null output tensor");
    memset(out, 0, sizeof *out);
    ob_status s = read_any(out, info, path, OB_READ_FLOAT);
    if (s != OB_OK) ob_tensor_free(out);
    return s;
}

ob_status ob_image_read_native(ob_tensor *out, ob_image_info *info, const char *path)
{
    OB_REQUIRE(out, "null output tensor");
    memset(out, 0, sizeof *out);
    ob_status s = read_any(out, info, path, OB_READ_NATIVE);
    if (s != OB_OK) ob_tensor_free(out);
    return s;
}

ob_status ob_image_probe(ob_image_info *info, const char *path)
{
    OB_REQUIRE(info, "null info");
    return read_any(NULL, info, path, OB_READ_HEADER);
}

/* ---- writing --------------------------------------------------------------- */

static ob_status make_view(ob_image_view *v, const ob_tensor *img, const char *path)
{
    OB_REQUIRE(img && img->data, "%s: no image to write", path);
    OB_REQUIRE(img->dtype == OB_F32 || img->dtype == OB_U8 || img->dtype == OB_U16,
               "%s: image to write must be f32, u8 or u16, not %s", path, ob_dtype_name(img->dtype));
    OB_REQUIRE(img->loc == OB_HOST, "%s: image to write must be in host memory", path);
    OB_REQUIRE(img->ndim == 2 || img->ndim == 3, "%s: image to write must be (C, H, W) or (H, W), not %d-d", path,
               img->ndim);
    int d = img->ndim == 3 ? 1 : 0;
    int64_t c = d ? img->shape[0] : 1, h = img->shape[d], w = img->shape[d + 1];
    OB_REQUIRE(c >= 1 && c <= 4, "%s: image to write has %lld channels (1..4 supported)", path, (long long)c);
    OB_REQUIRE(w >= 1 && h >= 1, "%s: image to write has zero size (%lld x %lld)", path, (long long)w, (long long)h);
    OB_REQUIRE(w * h <= OB_IMAGE_MAX_PIXELS, "%s: image to write is too large: %lld x %lld pixels (limit %lld)", path,
               (long long)w, (long long)h, (long long)OB_IMAGE_MAX_PIXELS);
    v->raw = img->data;
    v->dtype = img->dtype;
    v->data = img->dtype == OB_F32 ? (const float *)img->data : NULL;
    v->c = (int)c;
    v->h = (int)h;
    v->w = (int)w;
    v->sc = d ? img->strides[0] : 0;
    v->sy = img->strides[d];
    v->sx = img->strides[d + 1];
    return OB_OK;
}

ob_status ob_image_write(const char *path, const ob_tensor *img, ob_image_format fmt, int bit_depth)
{
    ob_image_write_opts o = {bit_depth, -1};
    return ob_image_write_ex(path, img, fmt, &o);
}

ob_status ob_image_write_ex(const char *path, const ob_tensor *img, ob_image_format fmt, const ob_image_write_opts *o)
{
    OB_REQUIRE(o, "%s: no write options", path ? path : "?");
    int bit_depth = o->bit_depth;
    const int level = o->png_compression < 0 ? OB_PNG_DEFAULT_COMPRESSION : o->png_compression;
    OB_REQUIRE(level <= 9, "%s: PNG compression %d (0..9 supported)", path ? path : "?", level);
    OB_REQUIRE(path && *path, "empty output path");
    ob_image_view v;
    OB_TRY(make_view(&v, img, path));
    if (fmt == OB_FMT_AUTO) OB_TRY(ob_image_format_from_path(&fmt, path));
    const char *name = ob_image_format_name(fmt);
    switch (fmt) {
    case OB_FMT_PNG:
        if (bit_depth == 0) bit_depth = 8;
        OB_REQUIRE(bit_depth == 8 || bit_depth == 16, "%s: PNG bit depth %d (8 or 16 supported)", path, bit_depth);
        break;
    case OB_FMT_JPEG:
    case OB_FMT_HDR:
    case OB_FMT_PFM:
        OB_REQUIRE(v.c == 1 || v.c == 3, "%s: %s holds 1 or 3 channels, not %d (write PNG to keep alpha)", path, name,
                   v.c);
        break;
    case OB_FMT_EXR: /* 1..4 channels: Y, Y+A, RGB, RGBA */
        if (bit_depth == 0) bit_depth = 32;
        OB_REQUIRE(bit_depth == 16 || bit_depth == 32, "%s: EXR bit depth %d (16 = half, 32 = float)", path,
                   bit_depth);
        break;
    default: return OB_FAIL(OB_ERR_ARG, "%s: unknown image format %d", path, (int)fmt);
    }

    ob_atomic_file af;
    OB_TRY(ob_atomic_open(&af, path));
    ob_status s = OB_OK;
    switch (fmt) {
    case OB_FMT_PNG: s = ob_png_write(af.fp, path, &v, bit_depth, level); break;
    case OB_FMT_JPEG: s = ob_jpeg_write(af.fp, path, &v); break;
    case OB_FMT_HDR: s = ob_hdr_write(af.fp, path, &v); break;
    case OB_FMT_EXR: s = ob_exr_write(af.fp, path, &v, bit_depth); break;
    default: s = ob_pfm_write(af.fp, path, &v); break;
    }
    if (s != OB_OK) {
        ob_atomic_abort(&af);
        return s;
    }
    return ob_atomic_commit(&af);
}
