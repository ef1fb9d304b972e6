/* ob_image_io.h — read and write images: PNG, JPEG, Radiance .hdr, PFM, OpenEXR.
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
 *     EXR   OpenEXR (OpenEXRCore): one part, scanline or tiled (level 0 of a
 *           mip/rip map), any compression the library decodes; HALF, FLOAT and
 *           UINT samples as float, values as stored (linear; NaN and inf kept).
 *           Channels R,G,B -> 3, R,G,B,A -> 4, Y -> 1, Y,A -> 2, or exactly one
 *           layer of those ("diffuse.R", ...); any other set (Z, RY/BY chroma,
 *           subsampled or several layers), deep data and multipart files are
 *           OB_ERR_FORMAT naming the channels found. The data window is read
 *           (its origin is dropped: pixel (0, 0) is its corner); the display
 *           window is ignored. bit_depth 16 when every channel is HALF, else 32.
 *   The format is decided by the file's content (magic bytes), not its name
 *   (EXR: 76 2f 31 01).
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
 *     EXR   1..4 channels as Y, Y+A, R+G+B, R+G+B+A; bit_depth 16 = HALF (the
 *           float rounded to nearest; beyond +-65504 -> inf), 32 or 0 = FLOAT,
 *           exact; NaN/inf kept. Scanline, ZIP, increasing Y; data and display
 *           window (0, 0)-(w-1, h-1).
 *     PFM   1 ("Pf") or 3 ("PF") channels, little-endian (scale -1), exact.
 *     JPEG  1 or 3 channels, quality 95, no chroma subsampling.
 *   bit_depth is ignored for HDR, PFM and JPEG. OB_FMT_AUTO takes the format
 *   from the extension (.png .jpg .jpeg .jpe .hdr .pic .rgbe .pfm .exr, any case).
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

typedef enum { OB_FMT_AUTO = 0, OB_FMT_PNG, OB_FMT_JPEG, OB_FMT_HDR, OB_FMT_PFM, OB_FMT_EXR } ob_image_format;

typedef struct {
    ob_image_format format; /* the file's format as detected */
    int bit_depth;          /* 8, 16, or 32 (float: HDR, PFM); EXR: 16 half, 32 float/uint */
    int channels;           /* 1..4, as ob_image_read returns them */
    int width, height;
} ob_image_info;

/* 2^28 pixels (16k x 16k): the most an image file may declare. */
#define OB_IMAGE_MAX_PIXELS ((int64_t)1 << 28)

/* out: (C, H, W) f32 host, allocated here. info may be NULL. */
ob_status ob_image_read(ob_tensor *out, ob_image_info *info, const char *path);

/* out: (C, H, W) host in the file's own sample type: OB_U8 for 8-bit PNG and
 * JPEG, OB_U16 for 16-bit PNG (values unscaled: 0..255 / 0..65535, the same
 * samples ob_image_read divides by 255 / 65535); float formats as OB_F32 like
 * ob_image_read. For stacks of large exposures: a quarter of the float copy. */
ob_status ob_image_read_native(ob_tensor *out, ob_image_info *info, const char *path);

/* img: (C, H, W) or (H, W) host, f32 or u8/u16 samples (read as v / 255,
 * v / 65535; a PNG of the same depth gets them as they are). fmt OB_FMT_AUTO:
 * from path's extension. PNG at OB_PNG_DEFAULT_COMPRESSION. */
ob_status ob_image_write(const char *path, const ob_tensor *img, ob_image_format fmt, int bit_depth);

/* zlib level of PNG output unless asked: 1, with one filter, ~13x faster than
 * libpng's default for ~17% more bytes on photos (image_png.c: the measurement) */
#define OB_PNG_DEFAULT_COMPRESSION 1

typedef struct {
    int bit_depth;       /* as ob_image_write's */
    int png_compression; /* zlib level 0 (none, fastest) .. 9 (smallest); -1: OB_PNG_DEFAULT_COMPRESSION */
} ob_image_write_opts;

/* ob_image_write with options. */
ob_status ob_image_write_ex(const char *path, const ob_tensor *img, ob_image_format fmt, const ob_image_write_opts *o);

/* Header only: format, size, channels, bit depth. */
ob_status ob_image_probe(ob_image_info *info, const char *path);

/* "png", "jpeg", "hdr", "pfm", "exr", "auto". */
const char *ob_image_format_name(ob_image_format f);

/* From the extension; OB_ERR_ARG (with the extension named) when unknown. */
ob_status ob_image_format_from_path(ob_image_format *f, const char *path);

#ifdef __cplusplus
}
#endif
#endif
