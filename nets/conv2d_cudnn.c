/* conv2d_cudnn.c — the GPU path of ob_conv2d.h: cuDNN 9's legacy convolution
 * API on the context's handle and stream.
 *
 * Both layers are one convolution seen from two sides. "big" is the side the
 * window slides over, "small" the grid it produces: conv2d x -> y is big ->
 * small, conv_transpose2d x -> y is small -> big. So
 *   conv2d            forward ConvolutionForward, dx BackwardData, dW BackwardFilter
 *   conv_transpose2d  forward BackwardData, dx ConvolutionForward, dW BackwardFilter
 *                     (with x and dy trading places)
 * and the filter descriptor is the PyTorch weight as it is: conv2d (C_out,
 * C_in/g, k, k), conv_transpose2d (C_in, C_out/g, k, k) — cuDNN's (K, C/g, R, S)
 * of the big -> small convolution. Bias: cudnnAddTensor; its gradient
 * cudnnConvolutionBackwardBias (beta = 1: gradients accumulate, as do the
 * filter's).
 *
 * Algorithms are chosen once per input shape (the descriptors and choices are
 * cached in the layer; a new N, H or W re-plans) by cudnnGet*Algorithm_v7,
 * taking the fastest candidate whose workspace fits OB_CUDNN_WORKSPACE_LIMIT
 * (or, failing that, the candidate needing least). Math is CUDNN_FMA_MATH —
 * no TF32 — so results match the CPU path within float rounding. The
 * workspace is one device buffer per thread shared by every layer (darknet's
 * scheme), grown to the largest need. Cannot run without a GPU: bench/gpu_check
 * exercises it where one exists. */
#include "conv_impl.h"

#ifdef OB_HAVE_CUDA
#include <cuda_runtime_api.h>
#include <cudnn.h>
#include <stdlib.h>

#include "ob_cuda_check.h"
#include "ob_cuda_libs.h"

#define OB_CUDNN_WORKSPACE_LIMIT ((size_t)256 << 20)

typedef struct {
    int n, h, w; /* the input shape the plan was made for (n == 0: none yet) */
    cudnnTensorDescriptor_t big, small, bias;
    cudnnFilterDescriptor_t filt;
    cudnnConvolutionDescriptor_t conv;
    cudnnConvolutionFwdAlgo_t fwd;
    cudnnConvolutionBwdDataAlgo_t bwd_data;
    cudnnConvolutionBwdFilterAlgo_t bwd_filt;
    size_t ws_fwd, ws_data, ws_filt;
} cudnn_plan;

static _Thread_local void *ws_ptr;
static _Thread_local size_t ws_size;

static ob_status workspace(void **p, size_t need)
{
    if (need > ws_size) {
        if (ws_ptr) OB_CUDA_CHECK(cudaFree(ws_ptr));
        ws_ptr = NULL, ws_size = 0;
        OB_CUDA_CHECK(cudaMalloc(&ws_ptr, need));
        ws_size = need;
    }
    *p = ws_ptr;
    return OB_OK;
}

void ob_conv_cudnn_free(void *gpu)
{
    cudnn_plan *pl = gpu;
    if (!pl) return;
    if (pl->big) cudnnDestroyTensorDescriptor(pl->big);
    if (pl->small) cudnnDestroyTensorDescriptor(pl->small);
    if (pl->bias) cudnnDestroyTensorDescriptor(pl->bias);
    if (pl->filt) cudnnDestroyFilterDescriptor(pl->filt);
    if (pl->conv) cudnnDestroyConvolutionDescriptor(pl->conv);
    free(pl);
}

/* Index of the fastest successful candidate within the limit, else the one
 * needing least workspace; -1 when cuDNN offers none. */
#define PICK(results, count, out)                                                               \
    do {                                                                                        \
        int best_ = -1, least_ = -1;                                                            \
        for (int i_ = 0; i_ < (count); i_++) {                                                  \
            if ((results)[i_].status != CUDNN_STATUS_SUCCESS) continue;                         \
            if (best_ < 0 && (results)[i_].memory <= OB_CUDNN_WORKSPACE_LIMIT) best_ = i_;      \
            if (least_ < 0 || (results)[i_].memory < (results)[least_].memory) least_ = i_;     \
        }                                                                                       \
        (out) = best_ >= 0 ? best_ : least_;                                                    \
    } while (0)

static ob_status choose_algorithms(cudnn_plan *pl, cudnnHandle_t h, const char *kind)
{
    cudnnConvolutionFwdAlgoPerf_t f[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
    cudnnConvolutionBwdDataAlgoPerf_t d[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
    cudnnConvolutionBwdFilterAlgoPerf_t w[CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT];
    int nf = 0, nd = 0, nw = 0, i;
    OB_CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithm_v7(h, pl->big, pl->filt, pl->conv, pl->small,
                                                          CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &nf, f));
    PICK(f, nf, i);
    if (i < 0) return OB_FAIL(OB_ERR_UNSUPPORTED, "%s: cuDNN has no forward algorithm for this shape", kind);
    pl->fwd = f[i].algo, pl->ws_fwd = f[i].memory;
    OB_CUDNN_CHECK(cudnnGetConvolutionBackwardDataAlgorithm_v7(h, pl->filt, pl->small, pl->conv, pl->big,
                                                               CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &nd, d));
    PICK(d, nd, i);
    if (i < 0) return OB_FAIL(OB_ERR_UNSUPPORTED, "%s: cuDNN has no backward-data algorithm for this shape", kind);
    pl->bwd_data = d[i].algo, pl->ws_data = d[i].memory;
    OB_CUDNN_CHECK(cudnnGetConvolutionBackwardFilterAlgorithm_v7(h, pl->big, pl->small, pl->conv, pl->filt,
                                                                 CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT, &nw, w));
    PICK(w, nw, i);
    if (i < 0) return OB_FAIL(OB_ERR_UNSUPPORTED, "%s: cuDNN has no backward-filter algorithm for this shape", kind);
    pl->bwd_filt = w[i].algo, pl->ws_filt = w[i].memory;
    return OB_OK;
}

/* The plan for input (n, C_in, h, w): made on first use, remade when the shape changes. */
static ob_status plan_for(cudnn_plan **out, ob_conv_state *s, cudnnHandle_t hd, int n, int h, int w)
{
    const char *kind = s->transposed ? "conv_transpose2d" : "conv2d";
    cudnn_plan *pl = s->gpu;
    if (!pl) {
        pl = calloc(1, sizeof *pl);
        if (!pl) return OB_FAIL(OB_ERR_NOMEM, "%s: no memory for the cuDNN plan", kind);
        s->gpu = pl;
        OB_CUDNN_CHECK(cudnnCreateTensorDescriptor(&pl->big));
        OB_CUDNN_CHECK(cudnnCreateTensorDescriptor(&pl->small));
        OB_CUDNN_CHECK(cudnnCreateTensorDescriptor(&pl->bias));
        OB_CUDNN_CHECK(cudnnCreateFilterDescriptor(&pl->filt));
        OB_CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&pl->conv));
        const int fk = s->transposed ? s->c_in : s->c_out, fc = (s->transposed ? s->c_out : s->c_in) / s->groups;
        OB_CUDNN_CHECK(cudnnSetFilter4dDescriptor(pl->filt, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, fk, fc, s->k, s->k));
        OB_CUDNN_CHECK(cudnnSetConvolution2dDescriptor(pl->conv, s->pad, s->pad, s->stride, s->stride, s->dilation,
                                                       s->dilation, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
        OB_CUDNN_CHECK(cudnnSetConvolutionGroupCount(pl->conv, s->groups));
        OB_CUDNN_CHECK(cudnnSetConvolutionMathType(pl->conv, CUDNN_FMA_MATH));
        OB_CUDNN_CHECK(cudnnSetTensor4dDescriptor(pl->bias, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, 1, s->c_out, 1, 1));
    }
    if (pl->n != n || pl->h != h || pl->w != w) {
        pl->n = 0;
        if (!s->transposed) {
            ob_im2col_geom g = ob_conv_geom(s, s->c_in, h, w);
            OB_TRY(ob_im2col_check(&g));
            OB_CUDNN_CHECK(cudnnSetTensor4dDescriptor(pl->big, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, n, s->c_in, h, w));
            OB_CUDNN_CHECK(
                cudnnSetTensor4dDescriptor(pl->small, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, n, s->c_out, g.oh, g.ow));
        } else {
            const int oh = (int)ob_conv_out_size(s, h), ow = (int)ob_conv_out_size(s, w);
            OB_CUDNN_CHECK(cudnnSetTensor4dDescriptor(pl->big, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, n, s->c_out, oh, ow));
            OB_CUDNN_CHECK(cudnnSetTensor4dDescriptor(pl->small, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, n, s->c_in, h, w));
        }
        OB_TRY(choose_algorithms(pl, hd, kind));
        pl->n = n, pl->h = h, pl->w = w;
    }
    *out = pl;
    return OB_OK;
}

static ob_status setup(cudnnHandle_t *hd, cudnn_plan **pl, ob_ctx *ctx, ob_conv_state *s, int n, int h, int w)
{
    void *handle;
    OB_TRY(ob_ctx_cudnn(ctx, &handle));
    *hd = (cudnnHandle_t)handle;
    return plan_for(pl, s, *hd, n, h, w);
}

ob_status ob_conv_forward_cudnn(ob_ctx *ctx, ob_conv_state *s, float *y, const float *x, const float *w,
                                const float *b, int n, int h, int wd)
{
    cudnnHandle_t hd;
    cudnn_plan *pl;
    void *ws;
    const float one = 1.f, zero = 0.f;
    OB_TRY(setup(&hd, &pl, ctx, s, n, h, wd));
    if (!s->transposed) {
        OB_TRY(workspace(&ws, pl->ws_fwd));
        OB_CUDNN_CHECK(cudnnConvolutionForward(hd, &one, pl->big, x, pl->filt, w, pl->conv, pl->fwd, ws, pl->ws_fwd,
                                               &zero, pl->small, y));
        if (b) OB_CUDNN_CHECK(cudnnAddTensor(hd, &one, pl->bias, b, &one, pl->small, y));
    } else {
        OB_TRY(workspace(&ws, pl->ws_data));
        OB_CUDNN_CHECK(cudnnConvolutionBackwardData(hd, &one, pl->filt, w, pl->small, x, pl->conv, pl->bwd_data, ws,
                                                    pl->ws_data, &zero, pl->big, y));
        if (b) OB_CUDNN_CHECK(cudnnAddTensor(hd, &one, pl->bias, b, &one, pl->big, y));
    }
    return OB_OK;
}

ob_status ob_conv_backward_cudnn(ob_ctx *ctx, ob_conv_state *s, float *dx, float *dw, float *db, const float *dy,
                                 const float *x, const float *w, int n, int h, int wd)
{
    cudnnHandle_t hd;
    cudnn_plan *pl;
    void *ws;
    const float one = 1.f, zero = 0.f;
    OB_TRY(setup(&hd, &pl, ctx, s, n, h, wd));
    /* conv2d: big = x, small = dy; conv_transpose2d: big = dy, small = x */
    const float *big = s->transposed ? dy : x, *small = s->transposed ? x : dy;
    if (db) OB_CUDNN_CHECK(cudnnConvolutionBackwardBias(hd, &one, s->transposed ? pl->big : pl->small, dy, &one,
                                                         pl->bias, db));
    OB_TRY(workspace(&ws, pl->ws_filt));
    OB_CUDNN_CHECK(cudnnConvolutionBackwardFilter(hd, &one, pl->big, big, pl->small, small, pl->conv, pl->bwd_filt,
                                                  ws, pl->ws_filt, &one, pl->filt, dw));
    if (!dx) return OB_OK;
    if (!s->transposed) {
        OB_TRY(workspace(&ws, pl->ws_data));
        OB_CUDNN_CHECK(cudnnConvolutionBackwardData(hd, &one, pl->filt, w, pl->small, dy, pl->conv, pl->bwd_data, ws,
                                                    pl->ws_data, &zero, pl->big, dx));
    } else {
        OB_TRY(workspace(&ws, pl->ws_fwd));
        OB_CUDNN_CHECK(cudnnConvolutionForward(hd, &one, pl->big, dy, pl->filt, w, pl->conv, pl->fwd, ws, pl->ws_fwd,
                                               &zero, pl->small, dx));
    }
    return OB_OK;
}

#else /* no CUDA: a context is never cuda, so these are guards */

ob_status ob_conv_forward_cudnn(ob_ctx *ctx, ob_conv_state *s, float *y, const float *x, const float *w,
                                const float *b, int n, int h, int wd)
{
    return OB_FAIL(OB_ERR_UNSUPPORTED, "conv2d: this obscura was built without CUDA");
}

ob_status ob_conv_backward_cudnn(ob_ctx *ctx, ob_conv_state *s, float *dx, float *dw, float *db, const float *dy,
                                 const float *x, const float *w, int n, int h, int wd)
{
    return OB_FAIL(OB_ERR_UNSUPPORTED, "conv2d: this obscura was built without CUDA");
}

void ob_conv_cudnn_free(void *gpu) { (void)gpu; }

#endif
