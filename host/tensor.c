/* tensor.c — allocation, wrapping and copies of ob_tensor (host side; device
 * memory goes through the small cuda_runtime layer in ob_cuda_host.h). */
#include "ob_tensor.h"

#include "ob_alloc_stats.h"
#include "ob_cuda_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t ob_dtype_size(ob_dtype t)
{
    switch (t) {
    case OB_F32: return 4;
    case OB_U8: return 1;
    case OB_U16: return 2;
    }
    return 0;
}

const char *ob_dtype_name(ob_dtype t)
{
    switch (t) {
    case OB_F32: return "f32";
    case OB_U8: return "u8";
    case OB_U16: return "u16";
    }
    return "?";
}

ob_status ob_checked_numel(int64_t *out, const int64_t *shape, int n, int64_t limit)
{
    int64_t total = 1;
    for (int i = 0; i < n; i++) {
        if (shape[i] < 0) return OB_FAIL(OB_ERR_ARG, "negative dimension %lld", (long long)shape[i]);
        if (shape[i] != 0 && total > limit / shape[i])
            return OB_FAIL(OB_ERR_NOMEM, "size too large: more than %lld elements", (long long)limit);
        total *= shape[i];
    }
    *out = total;
    return OB_OK;
}

static ob_status describe(ob_tensor *t, ob_dtype dtype, ob_location loc, int ndim, const int64_t *shape)
{
    memset(t, 0, sizeof *t);
    OB_REQUIRE(ndim >= 1 && ndim <= OB_TENSOR_MAX_DIMS, "tensor rank %d outside 1..%d", ndim, OB_TENSOR_MAX_DIMS);
    OB_REQUIRE(ob_dtype_size(dtype) != 0, "unknown dtype %d", (int)dtype);
    int64_t n;
    OB_TRY(ob_checked_numel(&n, shape, ndim, OB_TENSOR_MAX_ELEMS));
    t->dtype = dtype;
    t->loc = loc;
    t->ndim = ndim;
    int64_t stride = 1;
    for (int i = ndim - 1; i >= 0; i--) {
        t->shape[i] = shape[i];
        t->strides[i] = stride;
        stride *= shape[i];
    }
    return OB_OK;
}

ob_status ob_tensor_wrap(ob_tensor *t, void *data, ob_dtype dtype, ob_location loc, int ndim, const int64_t *shape)
{
    OB_TRY(describe(t, dtype, loc, ndim, shape));
    t->data = data;
    t->owns = 0;
    return OB_OK;
}

ob_status ob_tensor_alloc(ob_tensor *t, ob_dtype dtype, ob_location loc, int ndim, const int64_t *shape)
{
    OB_TRY(describe(t, dtype, loc, ndim, shape));
    size_t bytes = ob_tensor_nbytes(t);
    if (bytes == 0) bytes = 64; /* a real pointer even for empty tensors */
    if (loc == OB_HOST) {
        size_t rounded = (bytes + 63) / 64 * 64;
        t->data = aligned_alloc(64, rounded);
        if (!t->data) return OB_FAIL(OB_ERR_NOMEM, "cannot allocate %zu bytes", bytes);
        ob_alloc_note();
    } else {
        OB_TRY(ob_device_malloc(&t->data, bytes));
    }
    t->owns = 1;
    return OB_OK;
}

ob_status ob_tensor_zeros(ob_tensor *t, ob_dtype dtype, ob_location loc, int ndim, const int64_t *shape)
{
    OB_TRY(ob_tensor_alloc(t, dtype, loc, ndim, shape));
    if (loc == OB_HOST) {
        memset(t->data, 0, ob_tensor_nbytes(t));
        return OB_OK;
    }
    ob_status s = ob_device_memset(t->data, 0, ob_tensor_nbytes(t)); /* device-synchronous */
    if (s != OB_OK) ob_tensor_free(t);
    return s;
}

void ob_tensor_free(ob_tensor *t)
{
    if (!t) return;
    if (t->owns && t->data) {
        if (t->loc == OB_HOST) free(t->data);
        else ob_device_free(t->data);
    }
    memset(t, 0, sizeof *t);
}

int64_t ob_tensor_numel(const ob_tensor *t)
{
    int64_t n = 1;
    for (int i = 0; i < t->ndim; i++) n *= t->shape[i];
    return t->ndim ? n : 0;
}

size_t ob_tensor_nbytes(const ob_tensor *t) { return (size_t)ob_tensor_numel(t) * ob_dtype_size(t->dtype); }

int ob_tensor_is_contiguous(const ob_tensor *t)
{
    int64_t stride = 1;
    for (int i = t->ndim - 1; i >= 0; i--) {
        if (t->shape[i] != 1 && t->strides[i] != stride) return 0;
        stride *= t->shape[i];
    }
    return 1;
}

int ob_tensor_same_shape(const ob_tensor *a, const ob_tensor *b)
{
    if (a->ndim != b->ndim) return 0;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i]) return 0;
    return 1;
}

const char *ob_tensor_shape_str(const ob_tensor *t, char *buf, size_t n)
{
    size_t used = 0;
    used += (size_t)snprintf(buf, n, "(");
    for (int i = 0; i < t->ndim && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%lld", i ? ", " : "", (long long)t->shape[i]);
    if (used < n) snprintf(buf + used, n - used, ")");
    return buf;
}

static ob_status copy_checked(ob_tensor *dst, const ob_tensor *src, int ordered, ob_stream stream)
{
    char a[64], b[64];
    OB_REQUIRE(ob_tensor_same_shape(dst, src) && dst->dtype == src->dtype,
               "copy between tensors of shape %s %s and %s %s", ob_tensor_shape_str(dst, a, sizeof a),
               ob_dtype_name(dst->dtype), ob_tensor_shape_str(src, b, sizeof b), ob_dtype_name(src->dtype));
    OB_REQUIRE(ob_tensor_is_contiguous(dst) && ob_tensor_is_contiguous(src), "copy needs contiguous tensors");
    size_t bytes = ob_tensor_nbytes(src);
    if (dst->loc == OB_HOST && src->loc == OB_HOST) {
        memmove(dst->data, src->data, bytes);
        return OB_OK;
    }
    return ordered ? ob_device_memcpy_on(stream, dst->data, dst->loc, src->data, src->loc, bytes)
                   : ob_device_memcpy(dst->data, dst->loc, src->data, src->loc, bytes);
}

ob_status ob_tensor_copy(ob_tensor *dst, const ob_tensor *src) { return copy_checked(dst, src, 0, NULL); }

ob_status ob_tensor_copy_on(ob_stream stream, ob_tensor *dst, const ob_tensor *src)
{
    return copy_checked(dst, src, 1, stream);
}

ob_status ob_tensor_clone_to(ob_tensor *dst, const ob_tensor *src, ob_location loc)
{
    OB_TRY(ob_tensor_alloc(dst, src->dtype, loc, src->ndim, src->shape));
    ob_status s = ob_tensor_copy(dst, src);
    if (s != OB_OK) ob_tensor_free(dst);
    return s;
}

ob_status ob_tensor_ensure(ob_tensor *t, ob_dtype dtype, ob_location loc, int ndim, const int64_t *shape)
{
    if (t->data && t->dtype == dtype && t->loc == loc && t->ndim == ndim &&
        !memcmp(t->shape, shape, sizeof(int64_t) * (size_t)ndim))
        return OB_OK;
    ob_tensor_free(t);
    return ob_tensor_alloc(t, dtype, loc, ndim, shape);
}

void ob_samples_to_unit(float *dst, const ob_tensor *src)
{
    const int64_t n = ob_tensor_numel(src);
#pragma omp parallel for schedule(static) if (n > (1 << 18))
    for (int64_t i = 0; i < n; i++) dst[i] = ob_sample_unit(src->data, src->dtype, (size_t)i);
}
