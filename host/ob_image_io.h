/* ob_image_io.h — read and write images: PNG, JPEG, Radiance .hdr, PFM.
 *
 * Contract
 *   In memory an image is a host float32 tensor, planar (C, H, W), C in 1..4:
 *   1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. 8/16-bit exist only in files.
 *
 *   ob_image_read allocates *out (the caller frees it with ob_tensor_free).
 *     PNG   8-bit values / 255, 16-bit / 65535. Palette, gray of 1/2/4 bits and
 *           tRNS are expanded (tRNS adds an alpha channel). Interlaced is fine.
 *           Gamma/ICC chunks are ignored: values come as stored.
 *     JPEG  gray -> 1 channel, YCbCr/RGB -> 3; CMYK/YCCK (Adobe, inverted as
 *           Photoshop writes it) is converted to RGB, 3 channels. Values / 255.
 *           Any sign of corruption (truncation, bad Huffman code, ...) is an error.
 *     HDR   Radiance RGBE, 3 channels, linear float as stored (EXPOSURE= ignored):
 *           new-style RLE, flat and old-style RLE scanlines, all 8 orientations
 *           of the resolution line. FORMAT=32-bit_rle_xyze is refused.
 *     PFM   "PF" (3 channels) / "Pf" (1), either endianness (sign of the
 *           scale), rows stored bottom-to-top; values as stored (|scale| ignored).
 *   The format is decided by the file's content (magic bytes), not its name.
 *   Images with a zero dimension, or more than OB_IMAGE_MAX_PIXELS pixels, are
 *   refused from the header, before anything large is allocated.
 *   On failure *out is left empty (safe to ob_tensor_free) and ob_last_error()
 *   names the file and what is wrong with it.
 *
 *   ob_image_write writes img (C, H, W) f32 host (any strides; a 2-d (H, W)
 *   tensor is gray) atomically: into a temp file in the destination's folder,
 *   renamed over the destination only when complete. On failure no file is left
 *   behind and an existing destination is untouched.
 *     PNG   bit_depth 8 or 16 (0 means 8); values clamped to [0, 1], rounded;
 *           NaN written as 0. 1..4 channels.
 *     HDR   1 or 3 channels (gray replicated to RGB); negatives and NaN -> 0.
 *           RLE scanlines for widths 8..32767, flat scanlines otherwise.
 *     PFM   1 ("Pf") or 3 ("PF") channels, little-endian (scale -1), exact.
 *     JPEG  1 or 3 channels, quality 95, no chroma subsampling.
 *   bit_depth is ignored for HDR, PFM and JPEG. OB_FMT_AUTO takes the format
 *   from the extension (.png .jpg .jpeg .jpe .hdr .pic .rgbe .pfm, any case).
 *
 *   ob_image_probe reads only the header (cheap) and fills *info.
 *
 * Errors
 *   OB_ERR_ARG     bad tensor / option / unknown extension for writing
 *   OB_ERR_IO      missing file, a directory, unwritable destination
 *   OB_ERR_FORMAT  corrupt, truncated, unsupported or absurd-sized content
 *   OB_ERR_NOMEM   an allocation failed
 *
 * Example
 *   ob_tensor img;
 *   ob_image_info info;
 *   if (ob_image_read(&img, &info, "in.png") != OB_OK) { puts(ob_last_error()); ... }
 *   // img: (info.channels, info.height, info.width) f32
 *   OB_TRY(ob_image_write("out.hdr", &img, OB_FMT_AUTO, 0));
 *   ob_tensor_free(&img);
 */
#ifndef OB_IMAGE_IO_H
#define OB_IMAGE_IO_H

#include "ob_status.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { OB_FMT_AUTO = 0, OB_FMT_PNG, OB_FMT_JPEG, OB_FMT_HDR, OB_FMT_PFM } ob_image_format;

typedef struct {
    ob_image_format format; /* the file's format as detected */
    int bit_depth;          /* 8, 16, or 32 (float: HDR, PFM) */
    int channels;           /* 1..4, as ob_image_read returns them */
    int width, height;
} ob_image_info;

/* 2^28 pixels (16k x 16k): the most an image file may declare. */
#define OB_IMAGE_MAX_PIXELS ((int64_t)1 << 28)

/* out: (C, H, W) f32 host, allocated here. info may be NULL. */
ob_status ob_image_read(ob_tensor *out, ob_image_info *info, const char *path);

/* img: (C, H, W) or (H, W) f32 host. fmt OB_FMT_AUTO: from path's extension. */
ob_status ob_image_write(const char *path, const ob_tensor *img, ob_image_format fmt, int bit_depth);

/* Header only: format, size, channels, bit depth. */
ob_status ob_image_probe(ob_image_info *info, const char *path);

/* "png", "jpeg", "hdr", "pfm", "auto". */
const char *ob_image_format_name(ob_image_format f);

/* From the extension; OB_ERR_ARG (with the extension named) when unknown. */
ob_status ob_image_format_from_path(ob_image_format *f, const char *path);

#ifdef __cplusplus
}
#endif
#endif
