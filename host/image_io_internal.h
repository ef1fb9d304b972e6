/* image_io_internal.h — what the per-format files (image_png.c, image_jpeg.c,
 * image_hdr.c, image_pfm.c, image_exr.c) share with the dispatcher in image_io.c. Not public.
 *
 * Readers get a FILE* at offset 0 of a regular file and the path (for messages).
 * With header_only they fill *info and leave *out untouched; otherwise they
 * allocate *out (C, H, W) f32 and free it again on failure. The PNG and JPEG
 * readers also take header_only = OB_READ_NATIVE: *out is then (C, H, W) in the
 * file's own sample type (OB_U8, or OB_U16 for 16-bit PNG), unscaled — a
 * quarter or half of the float copy, for the HDR stack (ob_image_read_native). Writers get a
 * checked view of the image and a FILE* from ob_atomic_open; the dispatcher
 * commits or aborts.
 */
#ifndef OB_IMAGE_IO_INTERNAL_H
#define OB_IMAGE_IO_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "ob_image_io.h"

enum { OB_READ_FLOAT = 0, OB_READ_HEADER = 1, OB_READ_NATIVE = 2 };

/* A strided (C, H, W) image to write: float32, or 8/16-bit samples (U8 / U16,
 * read as value / 255 or / 65535 by ob_view_at; the PNG writer copies them
 * as they are when the file's depth matches). */
typedef struct {
    const float *data; /* dtype OB_F32 (else NULL) */
    const void *raw;   /* the samples, any dtype */
    ob_dtype dtype;
    int c, h, w;
    int64_t sc, sy, sx; /* strides in elements */
} ob_image_view;

static inline float ob_view_at(const ob_image_view *v, int c, int y, int x)
{
    const int64_t i = c * v->sc + y * v->sy + x * v->sx;
    return v->data ? v->data[i] : ob_sample_unit(v->raw, v->dtype, (size_t)i);
}

/* Clamp to [0, 1] (NaN -> 0) and round to 0..maxv. */
static inline unsigned ob_quantize(float x, unsigned maxv)
{
    if (!(x > 0.0f)) return 0;
    if (x >= 1.0f) return maxv;
    return (unsigned)((double)x * maxv + 0.5);
}

/* OB_ERR_FORMAT naming the file when w or h is < 1 or w*h exceeds OB_IMAGE_MAX_PIXELS. */
ob_status ob_image_check_size(const char *path, int64_t w, int64_t h);
/* Bytes from fp's position to the end of a regular file; -1 when unknown. Lets
 * a reader refuse a tiny file that claims a huge image before allocating it. */
int64_t ob_file_bytes_left(FILE *fp);
/* Allocates (c, h, w) f32 host. */
ob_status ob_image_alloc(ob_tensor *out, int c, int h, int w);

ob_status ob_png_read(ob_tensor *out, ob_image_info *info, FILE *fp, const char *path, int header_only);
ob_status ob_jpeg_read(ob_tensor *out, ob_image_info *info, FILE *fp, const char *path, int header_only);
ob_status ob_hdr_read(ob_tensor *out, ob_image_info *info, FILE *fp, const char *path, int header_only);
ob_status ob_pfm_read(ob_tensor *out, ob_image_info *info, FILE *fp, const char *path, int header_only);
ob_status ob_exr_read(ob_tensor *out, ob_image_info *info, FILE *fp, const char *path, int header_only);

/* level: zlib's 0..9; at OB_PNG_FAST_LEVEL_MAX and below one filter (Avg) instead of libpng's per-row choice */
#define OB_PNG_FAST_LEVEL_MAX 3
ob_status ob_png_write(FILE *fp, const char *path, const ob_image_view *img, int bit_depth, int level);
ob_status ob_jpeg_write(FILE *fp, const char *path, const ob_image_view *img);
ob_status ob_hdr_write(FILE *fp, const char *path, const ob_image_view *img);
ob_status ob_pfm_write(FILE *fp, const char *path, const ob_image_view *img);
/* bit_depth 16: HALF samples, 32: FLOAT (the dispatcher maps 0 to 32). */
ob_status ob_exr_write(FILE *fp, const char *path, const ob_image_view *img, int bit_depth);

#endif
