/* ob_tensor.h — n-d arrays on the host or on a CUDA device.
 *
 * Contract
 *   An ob_tensor describes up to 4 dimensions (images are (C, H, W), batches
 *   (N, C, H, W)) with element strides. It either owns its buffer (made by
 *   ob_tensor_alloc, released by ob_tensor_free) or borrows one (ob_tensor_wrap:
 *   ob_tensor_free then only clears the struct). Allocations are 64-byte aligned
 *   on the host. Sizes are checked for overflow; a tensor of more than
 *   OB_TENSOR_MAX_ELEMS elements is refused with OB_ERR_NOMEM.
 *   Device tensors exist only when CUDA is compiled and a GPU answers; asking for
 *   one otherwise fails with OB_ERR_UNSUPPORTED / OB_ERR_NO_DEVICE.
 *
 * Example
 *   ob_tensor img;
 *   int64_t shape[3] = {3, 480, 640};                  // (C, H, W)
 *   OB_TRY(ob_tensor_alloc(&img, OB_F32, OB_HOST, 3, shape));
 *   float *px = ob_tensor_f32(&img);
 *   ob_tensor_free(&img);
 */
#ifndef OB_TENSOR_H
#define OB_TENSOR_H

#include <stddef.h>
#include <stdint.h>

#include "ob_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { OB_F32 = 0, OB_U8 = 1, OB_U16 = 2 } ob_dtype;
typedef enum { OB_HOST = 0, OB_DEVICE = 1 } ob_location;

#define OB_TENSOR_MAX_DIMS 4
/* 2^32 elements: 16 GiB of float32, more than any image or batch obscura makes. */
#define OB_TENSOR_MAX_ELEMS ((int64_t)1 << 32)

typedef struct {
    void *data;
    ob_dtype dtype;
    ob_location loc;
    int ndim;
    int64_t shape[OB_TENSOR_MAX_DIMS];   /* outermost first */
    int64_t strides[OB_TENSOR_MAX_DIMS]; /* in elements */
    int owns;                            /* 1: ob_tensor_free releases data */
    /* Memory layout of a 4-d float32 activation: OB_LAYOUT_PLAIN (0, row-major
     * NCHW, what every function assumes unless it says otherwise) or a
     * channel-blocked layout of oneDNN's, (N, C/b, H, W, b) with C % b == 0 —
     * the same number of bytes. Only a producer told so by the tensor's owner
     * (layout_ok = 1: ob_model between two oneDNN layers) may write a blocked
     * layout, and it records which in `layout` (nets/ob_layer.h). */
    int layout;
    int layout_ok;
} ob_tensor;

enum { OB_LAYOUT_PLAIN = 0, OB_LAYOUT_C8 = 8, OB_LAYOUT_C16 = 16 }; /* the value is the block b */

size_t ob_dtype_size(ob_dtype t);
const char *ob_dtype_name(ob_dtype t);

/* Allocate a contiguous tensor (contents uninitialised). */
ob_status ob_tensor_alloc(ob_tensor *t, ob_dtype dtype, ob_location loc, int ndim, const int64_t *shape);
/* Same, zero-filled. */
ob_status ob_tensor_zeros(ob_tensor *t, ob_dtype dtype, ob_location loc, int ndim, const int64_t *shape);
/* Keeps *t when it already holds this dtype and shape at loc (contents as
 * they are), else frees it and allocates anew: a buffer reused across calls. */
ob_status ob_tensor_ensure(ob_tensor *t, ob_dtype dtype, ob_location loc, int ndim, const int64_t *shape);
/* Describe a caller-owned contiguous buffer; no allocation. */
ob_status ob_tensor_wrap(ob_tensor *t, void *data, ob_dtype dtype, ob_location loc, int ndim, const int64_t *shape);
/* Release an owned buffer (no-op for borrowed or zeroed structs); leaves *t empty. */
void ob_tensor_free(ob_tensor *t);

int64_t ob_tensor_numel(const ob_tensor *t);
size_t ob_tensor_nbytes(const ob_tensor *t);
int ob_tensor_is_contiguous(const ob_tensor *t);
/* 1 when a and b have the same ndim and shape. */
int ob_tensor_same_shape(const ob_tensor *a, const ob_tensor *b);
/* "(3, 480, 640)" into buf; returns buf. */
const char *ob_tensor_shape_str(const ob_tensor *t, char *buf, size_t n);

typedef void *ob_stream; /* a cudaStream_t (also declared, identically, in ob_cuda_host.h) */

/* Copy between any two locations; shapes and dtypes must match, both contiguous.
 * ob_tensor_copy is ordered after all earlier GPU work and complete when it
 * returns (it synchronises the device: safe anywhere, slow on a hot path).
 * ob_tensor_copy_on is ordered on `stream`: a copy to the device is queued
 * behind the stream's work (a pageable host source may be reused on return, a
 * pinned one only once the stream has passed the copy); a
 * copy to the host waits for the stream and is complete on return. */
ob_status ob_tensor_copy(ob_tensor *dst, const ob_tensor *src);
ob_status ob_tensor_copy_on(ob_stream stream, ob_tensor *dst, const ob_tensor *src);
/* Allocate *dst at `loc` with src's shape and copy src into it. */
ob_status ob_tensor_clone_to(ob_tensor *dst, const ob_tensor *src, ob_location loc);

static inline float *ob_tensor_f32(const ob_tensor *t) { return (float *)t->data; }

/* Image samples as values in [0, 1] (the image readers' convention): u8 / 255,
 * u16 / 65535, f32 as it is. */
static inline float ob_sample_unit(const void *data, ob_dtype dtype, size_t i)
{
    if (dtype == OB_U8) return (float)((const uint8_t *)data)[i] / 255.0f;
    if (dtype == OB_U16) return (float)((const uint16_t *)data)[i] / 65535.0f;
    return ((const float *)data)[i];
}
/* dst (numel) <- ob_sample_unit of every element of the contiguous host src. */
void ob_samples_to_unit(float *dst, const ob_tensor *src);

/* Overflow-checked product of n sizes; fails with OB_ERR_NOMEM past `limit`. */
ob_status ob_checked_numel(int64_t *out, const int64_t *shape, int n, int64_t limit);

#ifdef __cplusplus
}
#endif
#endif
