/* linear_cublas.c — the GPU path of ob_linear.h: cuBLAS on the context's handle.
 *
 * cuBLAS is column-major; a row-major (r, c) array is the column-major (c, r)
 * array, its transpose. So with X (n, in), W (out, in), Y (n, out) row-major:
 *   Yᵀ (out, n)  = W Xᵀ        cublasSgemm(T, N, out, n, in,  W ld in,  X ld in,  Y ld out)
 *   dWᵀ (in,out) += Xᵀ dY      cublasSgemm(N, T, in, out, n,  X ld in,  dY ld out, beta 1)
 *   dXᵀ (in, n)  = Wᵀ dYᵀ      cublasSgemm(N, N, in, n, out,  W ld in,  dY ld out)
 *   bias: Yᵀ += b 1ᵀ (cublasSger), db += dYᵀ 1 (cublasSgemv, beta 1),
 * with a device vector of ones kept in the layer. Cannot run without a GPU:
 * bench/gpu_check exercises it where one exists. */
#include "linear_impl.h"

#ifdef OB_HAVE_CUDA
#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <stdlib.h>

#include "ob_cuda_check.h"
#include "ob_cuda_libs.h"

void ob_linear_cublas_free(ob_linear_state *s)
{
    if (s->ones) (void)cudaFree(s->ones);
    s->ones = NULL, s->ones_n = 0;
}

static ob_status ones(ob_ctx *ctx, ob_linear_state *s, int n)
{
    if (s->ones_n >= n) return OB_OK;
    /* the old vector may still be read by queued GEMMs */
    OB_TRY(ob_stream_sync(ob_ctx_stream(ctx)));
    ob_linear_cublas_free(s);
    float *h = malloc(sizeof(float) * (size_t)n);
    if (!h) return OB_FAIL(OB_ERR_NOMEM, "linear: no memory for %d ones", n);
    for (int i = 0; i < n; i++) h[i] = 1.f;
    ob_status st = ob_device_malloc((void **)&s->ones, sizeof(float) * (size_t)n);
    /* on the context's (non-blocking) stream, so the GEMMs after it see it;
     * from pageable memory, h may be freed on return */
    if (st == OB_OK)
        st = ob_device_memcpy_on(ob_ctx_stream(ctx), s->ones, OB_DEVICE, h, OB_HOST, sizeof(float) * (size_t)n);
    free(h);
    if (st != OB_OK) {
        ob_linear_cublas_free(s);
        return st;
    }
    s->ones_n = n;
    return OB_OK;
}

static ob_status handle(cublasHandle_t *h, ob_ctx *ctx)
{
    void *p;
    OB_TRY(ob_ctx_cublas(ctx, &p));
    *h = (cublasHandle_t)p;
    /* FP32 exactly unless the context opted into TF32 (--tf32): the default
     * matches the CPU path within FP32 rounding */
    OB_CUBLAS_CHECK(cublasSetMathMode(*h, ob_ctx_tf32(ctx) ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH));
    return OB_OK;
}

ob_status ob_linear_forward_cublas(ob_ctx *ctx, ob_linear_state *s, float *y, const float *x, const float *w,
                                   const float *b, int n)
{
    cublasHandle_t h;
    const float one = 1.f, zero = 0.f;
    OB_TRY(handle(&h, ctx));
    OB_CUBLAS_CHECK(cublasSgemm(h, CUBLAS_OP_T, CUBLAS_OP_N, s->out_f, n, s->in_f, &one, w, s->in_f, x, s->in_f,
                                &zero, y, s->out_f));
    if (b) {
        OB_TRY(ones(ctx, s, n));
        OB_CUBLAS_CHECK(cublasSger(h, s->out_f, n, &one, b, 1, s->ones, 1, y, s->out_f));
    }
    return OB_OK;
}

ob_status ob_linear_backward_cublas(ob_ctx *ctx, ob_linear_state *s, float *dx, float *dw, float *db,
                                    const float *dy, const float *x, const float *w, int n)
{
    cublasHandle_t h;
    const float one = 1.f, zero = 0.f;
    OB_TRY(handle(&h, ctx));
    OB_CUBLAS_CHECK(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_T, s->in_f, s->out_f, n, &one, x, s->in_f, dy, s->out_f,
                                &one, dw, s->in_f));
    if (dx)
        OB_CUBLAS_CHECK(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, s->in_f, n, s->out_f, &one, w, s->in_f, dy, s->out_f,
                                    &zero, dx, s->in_f));
    if (db) {
        OB_TRY(ones(ctx, s, n));
        OB_CUBLAS_CHECK(cublasSgemv(h, CUBLAS_OP_N, s->out_f, n, &one, dy, s->out_f, s->ones, 1, &one, db, 1));
    }
    return OB_OK;
}

#else /* no CUDA: a context is never cuda, so these are guards */

void ob_linear_cublas_free(ob_linear_state *s) { (void)s; }

ob_status ob_linear_forward_cublas(ob_ctx *ctx, ob_linear_state *s, float *y, const float *x, const float *w,
                                   const float *b, int n)
{
    return OB_FAIL(OB_ERR_UNSUPPORTED, "linear: this obscura was built without CUDA");
}

ob_status ob_linear_backward_cublas(ob_ctx *ctx, ob_linear_state *s, float *dx, float *dw, float *db,
                                    const float *dy, const float *x, const float *w, int n)
{
    return OB_FAIL(OB_ERR_UNSUPPORTED, "linear: this obscura was built without CUDA");
}

#endif
