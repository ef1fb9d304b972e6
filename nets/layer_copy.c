/* layer_copy.c — copies the layers make on the context's stream. The context's
 * stream is non-blocking (host/cuda_host.c), so a plain cudaMemcpy (legacy
 * default stream) would not be ordered after the kernels that produced its
 * source, nor before those that read its destination: device-to-device copies
 * go on the context's stream instead, and host transfers wait for it. */
#include "layers_internal.h"
#include "ob_dnnl.h"

#include "ob_ctx.h"

#ifdef OB_HAVE_CUDA
#include <cuda_runtime_api.h>

#include "ob_cuda_check.h"
#endif

ob_status ob_layer_copy(ob_ctx *ctx, float *dst, const float *src, int64_t n)
{
    if (n <= 0 || dst == src) return OB_OK;
    if (ob_ctx_location(ctx) == OB_HOST) {
        memcpy(dst, src, sizeof(float) * (size_t)n);
        return OB_OK;
    }
#ifdef OB_HAVE_CUDA
    OB_CUDA_CHECK(cudaMemcpyAsync(dst, src, sizeof(float) * (size_t)n, cudaMemcpyDeviceToDevice,
                                  (cudaStream_t)ob_ctx_stream(ctx)));
    return OB_OK;
#else
    return OB_FAIL(OB_ERR_UNSUPPORTED, "device copy: this obscura was built without CUDA");
#endif
}

ob_status ob_layer_zero(ob_ctx *ctx, float *dst, int64_t n)
{
    if (n <= 0) return OB_OK;
    if (ob_ctx_location(ctx) == OB_HOST) {
        memset(dst, 0, sizeof(float) * (size_t)n);
        return OB_OK;
    }
#ifdef OB_HAVE_CUDA
    OB_CUDA_CHECK(cudaMemsetAsync(dst, 0, sizeof(float) * (size_t)n, (cudaStream_t)ob_ctx_stream(ctx)));
    return OB_OK;
#else
    return OB_FAIL(OB_ERR_UNSUPPORTED, "device memset: this obscura was built without CUDA");
#endif
}

ob_status ob_layer_transfer(ob_ctx *ctx, ob_tensor *dst, const ob_tensor *src)
{
    /* on the context's stream: after the kernels that wrote src, before those
     * that read dst; a download is complete on return (ob_cuda_host.h) */
    if (dst->loc == OB_DEVICE || src->loc == OB_DEVICE) return ob_tensor_copy_on(ob_ctx_stream(ctx), dst, src);
    return ob_tensor_copy(dst, src);
}

ob_status ob_layer_plain(const ob_tensor *t, const float **p, float **tmp)
{
    *p = (const float *)t->data, *tmp = NULL;
    if (t->layout == OB_LAYOUT_PLAIN) return OB_OK;
    OB_REQUIRE(t->ndim == 4, "a blocked tensor must be 4-d");
    *tmp = (float *)malloc(ob_tensor_nbytes(t));
    OB_REQUIRE(*tmp != NULL, "no memory for a plain copy of %zu bytes", ob_tensor_nbytes(t));
    ob_status s = ob_dnnl_relayout(*tmp, OB_LAYOUT_PLAIN, t->data, t->layout, t->shape);
    if (s != OB_OK) {
        free(*tmp);
        *tmp = NULL;
        return s;
    }
    *p = *tmp;
    return OB_OK;
}
