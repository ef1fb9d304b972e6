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
 * Algorithms. For each input shape the layer keeps a plan (up to
 * OB_CONV_PLANS shapes, least recently used replaced, so a partial last batch
 * or images of a few sizes do not re-plan every call): the tensor
 * descriptors and, per direction, the ranked list of cudnnGet*Algorithm_v7's
 * candidates — those whose workspace fits OB_CUDNN_WORKSPACE_LIMIT first, in
 * the heuristics' order, then the rest. While FP32 parity is wanted (the
 * default) only candidates whose math type is CUDNN_FMA_MATH are kept (if the
 * heuristics offer none, every candidate is tried with the descriptor forced
 * to FMA); with the context's TF32 switch (--tf32) every math type is. A
 * candidate's workspace is re-queried with the real descriptors and its math
 * type set before it runs; when it fails with NOT_SUPPORTED or BAD_PARAM (or
 * its workspace query does), the next one is tried and stays chosen. The
 * workspace is the context's (ob_workspace.h): grown to the largest need,
 * freed only after the stream has drained. Cannot run without a GPU:
 * bench/gpu_check exercises it where one exists. */
#include "conv_impl.h"

#ifdef OB_HAVE_CUDA
#include <cuda_runtime_api.h>
#include <cudnn.h>
#include <stdlib.h>

#include "ob_cuda_check.h"
#include "ob_cuda_libs.h"
#include "ob_workspace.h"

#define OB_CUDNN_WORKSPACE_LIMIT ((size_t)256 << 20)
#define OB_CONV_PLANS 4

enum { DIR_FWD, DIR_DATA, DIR_FILT, N_DIRS };
static const char *const dir_name[N_DIRS] = {"forward", "backward-data", "backward-filter"};

typedef struct {
    int algo;              /* a cudnnConvolution{Fwd,BwdData,BwdFilter}Algo_t */
    cudnnMathType_t math;  /* set on the descriptor before it runs */
    size_t ws;             /* its workspace with the real descriptors */
    int queried;           /* ws is known */
} cudnn_cand;

typedef struct {
    cudnn_cand c[8]; /* >= every *_ALGO_COUNT */
    int n, pick;     /* candidates; the one in use */
} cudnn_cands;

typedef struct {
    int n, h, w;             /* the input shape (n == 0: slot free) */
    unsigned long long used; /* LRU tick */
    cudnnTensorDescriptor_t big, small;
    cudnn_cands dir[N_DIRS];
} cudnn_plan;

typedef struct {
    cudnnFilterDescriptor_t filt;
    cudnnConvolutionDescriptor_t conv;
    cudnnTensorDescriptor_t bias;
    int tf32; /* the math rule the plans were ranked under */
    unsigned long long tick;
    cudnn_plan plan[OB_CONV_PLANS];
} cudnn_layer;

void ob_conv_cudnn_free(void *gpu)
{
    cudnn_layer *L = gpu;
    if (!L) return;
    for (int i = 0; i < OB_CONV_PLANS; i++) {
        if (L->plan[i].big) cudnnDestroyTensorDescriptor(L->plan[i].big);
        if (L->plan[i].small) cudnnDestroyTensorDescriptor(L->plan[i].small);
    }
    if (L->bias) cudnnDestroyTensorDescriptor(L->bias);
    if (L->filt) cudnnDestroyFilterDescriptor(L->filt);
    if (L->conv) cudnnDestroyConvolutionDescriptor(L->conv);
    free(L);
}

/* The ranked candidates of one direction from a _v7 result array. */
#define RANK(perf, count, out, tf32)                                                                     \
    do {                                                                                                 \
        (out)->n = 0, (out)->pick = 0;                                                                   \
        for (int force_ = 0; force_ < 2 && (out)->n == 0; force_++) {                                    \
            if (force_ && (tf32)) break;                                                                 \
            for (int fits_ = 1; fits_ >= 0; fits_--)                                                     \
                for (int i_ = 0; i_ < (count); i_++) {                                                   \
                    if ((perf)[i_].status != CUDNN_STATUS_SUCCESS) continue;                             \
                    if (((perf)[i_].memory <= OB_CUDNN_WORKSPACE_LIMIT) != fits_) continue;              \
                    if (!(tf32) && !force_ && (perf)[i_].mathType != CUDNN_FMA_MATH) continue;           \
                    cudnn_cand c_ = {(int)(perf)[i_].algo, force_ ? CUDNN_FMA_MATH : (perf)[i_].mathType, \
                                     0, 0};                                                              \
                    (out)->c[(out)->n++] = c_;                                                           \
                }                                                                                        \
        }                                                                                                \
    } while (0)

static ob_status rank_algorithms(cudnn_plan *pl, const cudnn_layer *L, cudnnHandle_t h, const char *kind)
{
    cudnnConvolutionFwdAlgoPerf_t f[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
    cudnnConvolutionBwdDataAlgoPerf_t d[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
    cudnnConvolutionBwdFilterAlgoPerf_t w[CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT];
    int nf = 0, nd = 0, nw = 0;
    OB_CUDNN_CHECK(cudnnSetConvolutionMathType(L->conv, L->tf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH));
    OB_CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithm_v7(h, pl->big, L->filt, L->conv, pl->small,
                                                          CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &nf, f));
    OB_CUDNN_CHECK(cudnnGetConvolutionBackwardDataAlgorithm_v7(h, L->filt, pl->small, L->conv, pl->big,
                                                               CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &nd, d));
    OB_CUDNN_CHECK(cudnnGetConvolutionBackwardFilterAlgorithm_v7(h, pl->big, pl->small, L->conv, L->filt,
                                                                 CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT, &nw, w));
    RANK(f, nf, &pl->dir[DIR_FWD], L->tf32);
    RANK(d, nd, &pl->dir[DIR_DATA], L->tf32);
    RANK(w, nw, &pl->dir[DIR_FILT], L->tf32);
    for (int k = 0; k < N_DIRS; k++)
        if (pl->dir[k].n == 0)
            return OB_FAIL(OB_ERR_UNSUPPORTED, "%s: cuDNN offers no %s algorithm for this shape", kind, dir_name[k]);
    return OB_OK;
}

static ob_status layer_descriptors(cudnn_layer **out, ob_conv_state *s, const char *kind)
{
    cudnn_layer *L = s->gpu;
    if (L) {
        *out = L;
        return OB_OK;
    }
    L = calloc(1, sizeof *L);
    if (!L) return OB_FAIL(OB_ERR_NOMEM, "%s: no memory for the cuDNN plans", kind);
    s->gpu = L;
    OB_CUDNN_CHECK(cudnnCreateTensorDescriptor(&L->bias));
    OB_CUDNN_CHECK(cudnnCreateFilterDescriptor(&L->filt));
    OB_CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&L->conv));
    const int fk = s->transposed ? s->c_in : s->c_out, fc = (s->transposed ? s->c_out : s->c_in) / s->groups;
    OB_CUDNN_CHECK(cudnnSetFilter4dDescriptor(L->filt, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, fk, fc, s->k, s->k));
    OB_CUDNN_CHECK(cudnnSetConvolution2dDescriptor(L->conv, s->pad, s->pad, s->stride, s->stride, s->dilation,
                                                   s->dilation, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
    OB_CUDNN_CHECK(cudnnSetConvolutionGroupCount(L->conv, s->groups));
    OB_CUDNN_CHECK(cudnnSetTensor4dDescriptor(L->bias, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, 1, s->c_out, 1, 1));
    *out = L;
    return OB_OK;
}

/* The plan for input (n, C_in, h, w): a cached one, or the least recently
 * used slot re-made. A change of the TF32 switch re-ranks every shape. */
static ob_status plan_for(cudnn_plan **out, cudnn_layer **lout, ob_conv_state *s, cudnnHandle_t hd, int tf32, int n,
                          int h, int w)
{
    const char *kind = s->transposed ? "conv_transpose2d" : "conv2d";
    OB_TRY(ob_conv_cudnn_check(s));
    cudnn_layer *L = NULL;
    OB_TRY(layer_descriptors(&L, s, kind));
    *lout = L;
    if (L->tf32 != tf32)
        for (int i = 0; i < OB_CONV_PLANS; i++) L->plan[i].n = 0;
    L->tf32 = tf32;
    cudnn_plan *pl = NULL;
    for (int i = 0; i < OB_CONV_PLANS && !pl; i++)
        if (L->plan[i].n == n && L->plan[i].h == h && L->plan[i].w == w) pl = &L->plan[i];
    if (!pl) {
        pl = &L->plan[0];
        for (int i = 1; i < OB_CONV_PLANS; i++)
            if (L->plan[i].used < pl->used) pl = &L->plan[i];
        pl->n = 0;
        if (!pl->big) OB_CUDNN_CHECK(cudnnCreateTensorDescriptor(&pl->big));
        if (!pl->small) OB_CUDNN_CHECK(cudnnCreateTensorDescriptor(&pl->small));
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
        OB_TRY(rank_algorithms(pl, L, hd, kind));
        pl->n = n, pl->h = h, pl->w = w;
    }
    pl->used = ++L->tick;
    *out = pl;
    return OB_OK;
}

static int try_next(cudnnStatus_t st)
{
    const int cat = CUDNN_STATUS_CATEGORY(st);
    return cat == CUDNN_STATUS_NOT_SUPPORTED || cat == CUDNN_STATUS_BAD_PARAM;
}

static cudnnStatus_t query_ws(cudnnHandle_t h, const cudnn_layer *L, const cudnn_plan *pl, int dir, int algo,
                              size_t *bytes)
{
    switch (dir) {
    case DIR_FWD:
        return cudnnGetConvolutionForwardWorkspaceSize(h, pl->big, L->filt, L->conv, pl->small,
                                                       (cudnnConvolutionFwdAlgo_t)algo, bytes);
    case DIR_DATA:
        return cudnnGetConvolutionBackwardDataWorkspaceSize(h, L->filt, pl->small, L->conv, pl->big,
                                                            (cudnnConvolutionBwdDataAlgo_t)algo, bytes);
    default:
        return cudnnGetConvolutionBackwardFilterWorkspaceSize(h, pl->big, pl->small, L->conv, L->filt,
                                                              (cudnnConvolutionBwdFilterAlgo_t)algo, bytes);
    }
}

/* One direction:
 *   DIR_FWD   out (small) = conv(a (big), b (filter))
 *   DIR_DATA  out (big)   = conv^T(a (filter), b (small))
 *   DIR_FILT  out (filter gradient) += corr(a (big), b (small))
 * with the chosen candidate, moving down the list on NOT_SUPPORTED / BAD_PARAM. */
static ob_status run_dir(ob_ctx *ctx, cudnnHandle_t h, cudnn_layer *L, cudnn_plan *pl, int dir, const void *a,
                         const void *b, void *out, const char *kind)
{
    const float one = 1.f, zero = 0.f;
    cudnn_cands *cs = &pl->dir[dir];
    cudnnStatus_t last = CUDNN_STATUS_SUCCESS;
    for (; cs->pick < cs->n; cs->pick++) {
        cudnn_cand *c = &cs->c[cs->pick];
        OB_CUDNN_CHECK(cudnnSetConvolutionMathType(L->conv, c->math));
        if (!c->queried) {
            last = query_ws(h, L, pl, dir, c->algo, &c->ws);
            if (last != CUDNN_STATUS_SUCCESS) {
                if (try_next(last)) continue;
                break;
            }
            c->queried = 1;
        }
        void *ws = NULL;
        if (c->ws) OB_TRY(ob_workspace_dev(ob_ctx_workspace(ctx), &ws, c->ws, kind));
        switch (dir) {
        case DIR_FWD:
            last = cudnnConvolutionForward(h, &one, pl->big, a, L->filt, b, L->conv, (cudnnConvolutionFwdAlgo_t)c->algo,
                                           ws, c->ws, &zero, pl->small, out);
            break;
        case DIR_DATA:
            last = cudnnConvolutionBackwardData(h, &one, L->filt, a, pl->small, b, L->conv,
                                                (cudnnConvolutionBwdDataAlgo_t)c->algo, ws, c->ws, &zero, pl->big, out);
            break;
        default:
            last = cudnnConvolutionBackwardFilter(h, &one, pl->big, a, pl->small, b, L->conv,
                                                  (cudnnConvolutionBwdFilterAlgo_t)c->algo, ws, c->ws, &one, L->filt,
                                                  out);
        }
        if (last == CUDNN_STATUS_SUCCESS) return OB_OK;
        if (!try_next(last)) break;
    }
    if (cs->pick >= cs->n)
        return OB_FAIL(OB_ERR_UNSUPPORTED, "%s: none of cuDNN's %d %s algorithms runs this shape (last: %s)", kind,
                       cs->n, dir_name[dir], cudnnGetErrorString(last));
    return OB_FAIL(OB_ERR_CUDA, "%s: cuDNN %s failed: %s", kind, dir_name[dir], cudnnGetErrorString(last));
}

static ob_status setup(cudnnHandle_t *hd, cudnn_layer **L, cudnn_plan **pl, ob_ctx *ctx, ob_conv_state *s, int n,
                       int h, int w)
{
    void *handle;
    OB_TRY(ob_ctx_cudnn(ctx, &handle));
    *hd = (cudnnHandle_t)handle;
    return plan_for(pl, L, s, *hd, ob_ctx_tf32(ctx), n, h, w);
}

ob_status ob_conv_forward_cudnn(ob_ctx *ctx, ob_conv_state *s, float *y, const float *x, const float *w,
                                const float *b, int n, int h, int wd)
{
    cudnnHandle_t hd;
    cudnn_layer *L;
    cudnn_plan *pl;
    const float one = 1.f;
    const char *kind = s->transposed ? "conv_transpose2d" : "conv2d";
    OB_TRY(setup(&hd, &L, &pl, ctx, s, n, h, wd));
    if (!s->transposed) OB_TRY(run_dir(ctx, hd, L, pl, DIR_FWD, x, w, y, kind));
    else OB_TRY(run_dir(ctx, hd, L, pl, DIR_DATA, w, x, y, kind));
    if (b) OB_CUDNN_CHECK(cudnnAddTensor(hd, &one, L->bias, b, &one, s->transposed ? pl->big : pl->small, y));
    return OB_OK;
}

ob_status ob_conv_backward_cudnn(ob_ctx *ctx, ob_conv_state *s, float *dx, float *dw, float *db, const float *dy,
                                 const float *x, const float *w, int n, int h, int wd)
{
    cudnnHandle_t hd;
    cudnn_layer *L;
    cudnn_plan *pl;
    const float one = 1.f;
    const char *kind = s->transposed ? "conv_transpose2d" : "conv2d";
    OB_TRY(setup(&hd, &L, &pl, ctx, s, n, h, wd));
    /* conv2d: big = x, small = dy; conv_transpose2d: big = dy, small = x */
    const float *big = s->transposed ? dy : x, *small = s->transposed ? x : dy;
    if (db) OB_CUDNN_CHECK(cudnnConvolutionBackwardBias(hd, &one, s->transposed ? pl->big : pl->small, dy, &one,
                                                         L->bias, db));
    OB_TRY(run_dir(ctx, hd, L, pl, DIR_FILT, big, small, dw, kind));
    if (!dx) return OB_OK;
    if (!s->transposed) return run_dir(ctx, hd, L, pl, DIR_DATA, w, dy, dx, kind);
    return run_dir(ctx, hd, L, pl, DIR_FWD, dy, w, dx, kind);
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
