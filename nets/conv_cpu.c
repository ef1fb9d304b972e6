/* conv_cpu.c — the CPU paths of ob_conv2d.h: im2col + GEMM per group.
 *
 * Layout: a chunk of nb images is processed at once with the columns of all its
 * images side by side — col (K, nb·P) — so each group's product is one GEMM of
 * nb·P columns instead of nb small ones. Activations (nb, C, P) are moved to
 * and from that channel-major layout (C, nb·P) by copy loops, which also add
 * the bias (with nb = 1 the layouts coincide and the GEMM reads and writes the
 * tensors in place).
 *
 * Two ways to use the cores (ob_threads.h):
 *   batch-parallel  (conv2d, when each thread gets at least one image and the
 *                   per-thread scratch fits the budget) OpenMP threads take
 *                   cache-sized chunks (OB_CONV_TILE_FLOATS of columns), and
 *                   each runs im2col -> single-threaded GEMM -> copy/bias on
 *                   its chunk while it is in cache; with stride 1 the input
 *                   gradient is a convolution of dY too (no col2im). The weight
 *                   gradient is summed per thread (in a transposed (K, C_out)
 *                   layout, the faster GEMM orientation for these shapes) and
 *                   the partial sums are added in thread order: deterministic
 *                   for a given thread count.
 *   chunk-serial    (one large image, few images, conv_transpose2d) one chunk
 *                   at a time under the 64 MiB scratch budget; the GEMMs use
 *                   OpenBLAS's threads, everything between them runs on the
 *                   calling thread with no OpenMP region (libgomp's idle
 *                   workers would spin on the cores the GEMM threads need).
 * Measured on ESPCN's layers (batch 64 of 17x17, 2 threads): the chunk-serial
 * scheme spent ~35 % of all cycles in the two pools' spin-waits and ran the
 * GEMMs at 30-70 GFLOP/s on 18496-column operands that do not fit any cache;
 * see bench/b_espcn.py for the training step. */
#include <cblas.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "conv_impl.h"
#include "ob_threads.h"

#define OB_CONV_CHUNK_FLOATS ((size_t)16 << 20) /* 64 MiB of float32 */

/* Images per chunk when each image needs `per_image` floats of scratch. */
static int chunk_images(const ob_conv_state *s, int n, size_t per_image)
{
    const size_t budget = s->chunk_floats ? s->chunk_floats : OB_CONV_CHUNK_FLOATS;
    size_t nb = per_image ? budget / per_image : (size_t)n;
    if (nb < 1) nb = 1;
    return nb < (size_t)n ? (int)nb : n;
}

/* dst (c, ld) channel-major <- src (nb, c, p): image i at columns i*p. */
static void to_channel_major(float *dst, const float *src, int nb, int c, int64_t p, int64_t ld)
{
    for (int64_t q = 0; q < (int64_t)nb * c; q++) {
        const int64_t i = q / c, ch = q % c;
        memcpy(dst + ch * ld + i * p, src + q * p, sizeof(float) * (size_t)p);
    }
}

/* dst (nb, c, p) <- src (c, ld) (+ bias[c] when bias is not NULL). */
static void from_channel_major(float *dst, const float *src, const float *bias, int nb, int c, int64_t p, int64_t ld)
{
    for (int64_t q = 0; q < (int64_t)nb * c; q++) {
        const int64_t i = q / c, ch = q % c;
        const float *s = src + ch * ld + i * p;
        float *d = dst + q * p;
        const float b = bias ? bias[ch] : 0.f;
        for (int64_t j = 0; j < p; j++) d[j] = s[j] + b;
    }
}

static void add_bias(float *y, const float *bias, int n, int c, int64_t p)
{
    if (!bias) return;
    for (int64_t q = 0; q < (int64_t)n * c; q++) {
        const float b = bias[q % c];
        for (int64_t j = 0; j < p; j++) y[q * p + j] += b;
    }
}

/* db[ch] += sum over images and positions of dy (n, c, p) for ch in
 * [c0, c1); float sums per image plane, added in double. */
static void bias_grad_range(float *db, const float *dy, int n, int c, int64_t p, int c0, int c1)
{
    for (int ch = c0; ch < c1; ch++) {
        double acc = 0;
        for (int i = 0; i < n; i++) {
            const float *d = dy + ((int64_t)i * c + ch) * p;
            float part = 0.f;
            for (int64_t j = 0; j < p; j++) part += d[j];
            acc += part;
        }
        db[ch] += (float)acc;
    }
}

static void bias_grad(float *db, const float *dy, int n, int c, int64_t p)
{
    if (db) bias_grad_range(db, dy, n, c, p, 0, c);
}

static int is_pointwise(const ob_conv_state *s)
{
    return s->k == 1 && s->stride == 1 && s->pad == 0;
}

/* conv2d forward, one chunk at a time on OpenBLAS's threads. */
static ob_status forward_chunk_serial(ob_conv_state *s, float *y, const float *x, const float *w, const float *b, int n,
                                      int h, int wd)
{
    ob_im2col_geom g = ob_conv_geom(s, s->c_in, h, wd);
    OB_TRY(ob_im2col_check(&g));
    const int G = s->groups, cig = s->c_in / G, cog = s->c_out / G;
    const int64_t p = (int64_t)g.oh * g.ow, kg = (int64_t)cig * s->k * s->k, in_sz = (int64_t)s->c_in * h * wd;
    if (is_pointwise(s)) { /* 1x1: Y_i = W X_i on the input itself */
        for (int i = 0; i < n; i++)
            for (int gi = 0; gi < G; gi++)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, cog, (int)p, cig, 1.f, w + gi * cog * kg,
                            (int)kg, x + i * in_sz + gi * cig * p, (int)p, 0.f,
                            y + ((int64_t)i * s->c_out + gi * cog) * p, (int)p);
        add_bias(y, b, n, s->c_out, p);
        return OB_OK;
    }
    const int64_t krows = kg * G;
    const int nb_max = chunk_images(s, n, (size_t)((krows + s->c_out) * p));
    float *buf;
    OB_TRY(ob_conv_scratch(s, &buf, (size_t)((krows + s->c_out) * p * nb_max), "conv2d"));
    for (int n0 = 0; n0 < n; n0 += nb_max) {
        const int nb = n - n0 < nb_max ? n - n0 : nb_max;
        const int64_t ld = nb * p;
        float *col = buf, *tmp = buf + krows * ld;
        OB_TRY(ob_im2col_cpu_serial(col, x + n0 * in_sz, &g, nb, ld));
        for (int gi = 0; gi < G; gi++)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, cog, (int)ld, (int)kg, 1.f, w + gi * cog * kg,
                        (int)kg, col + gi * kg * ld, (int)ld, 0.f, tmp + gi * cog * ld, (int)ld);
        from_channel_major(y + (int64_t)n0 * s->c_out * p, tmp, b, nb, s->c_out, p, ld);
    }
    return OB_OK;
}

/* conv2d backward, one chunk at a time on OpenBLAS's threads. */
static ob_status backward_chunk_serial(ob_conv_state *s, float *dx, float *dw, float *db, const float *dy,
                                       const float *x, const float *w, int n, int h, int wd)
{
    ob_im2col_geom g = ob_conv_geom(s, s->c_in, h, wd);
    OB_TRY(ob_im2col_check(&g));
    const int G = s->groups, cig = s->c_in / G, cog = s->c_out / G;
    const int64_t p = (int64_t)g.oh * g.ow, kg = (int64_t)cig * s->k * s->k, in_sz = (int64_t)s->c_in * h * wd;
    bias_grad(db, dy, n, s->c_out, p);
    if (is_pointwise(s)) { /* dW += dY_i X_iᵀ, dX_i = Wᵀ dY_i */
        for (int i = 0; i < n; i++)
            for (int gi = 0; gi < G; gi++) {
                const float *dyi = dy + ((int64_t)i * s->c_out + gi * cog) * p, *xi = x + i * in_sz + gi * cig * p;
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, cog, cig, (int)p, 1.f, dyi, (int)p, xi, (int)p,
                            1.f, dw + gi * cog * kg, (int)kg);
                if (dx)
                    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, cig, (int)p, cog, 1.f, w + gi * cog * kg,
                                (int)kg, dyi, (int)p, 0.f, dx + i * in_sz + gi * cig * p, (int)p);
            }
        return OB_OK;
    }
    const int64_t krows = kg * G;
    const int nb_max = chunk_images(s, n, (size_t)((krows + s->c_out) * p));
    float *buf;
    OB_TRY(ob_conv_scratch(s, &buf, (size_t)((krows + s->c_out) * p * nb_max), "conv2d"));
    for (int n0 = 0; n0 < n; n0 += nb_max) {
        const int nb = n - n0 < nb_max ? n - n0 : nb_max;
        const int64_t ld = nb * p;
        float *col = buf, *dyt = buf + krows * ld;
        to_channel_major(dyt, dy + (int64_t)n0 * s->c_out * p, nb, s->c_out, p, ld);
        OB_TRY(ob_im2col_cpu_serial(col, x + n0 * in_sz, &g, nb, ld));
        for (int gi = 0; gi < G; gi++) /* dW_g += dY_g col_gᵀ */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, cog, (int)kg, (int)ld, 1.f, dyt + gi * cog * ld,
                        (int)ld, col + gi * kg * ld, (int)ld, 1.f, dw + gi * cog * kg, (int)kg);
        if (!dx) continue;
        for (int gi = 0; gi < G; gi++) /* dcol_g = W_gᵀ dY_g, into the column buffer */
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)kg, (int)ld, cog, 1.f, w + gi * cog * kg,
                        (int)kg, dyt + gi * cog * ld, (int)ld, 0.f, col + gi * kg * ld, (int)ld);
        OB_TRY(ob_col2im_cpu_serial(dx + n0 * in_sz, col, &g, nb, ld));
    }
    return OB_OK;
}

/* ---- batch-parallel conv2d ---------------------------------------------- */

/* Columns per chunk: several small images (ESPCN's 5x5 layer: 4 of 17x17),
 * else one image. Measured on ESPCN's layers at 2 threads, 32 Ki floats
 * (128 KiB) beat 64-256 Ki by 10-15 %: the GEMMs here are short (K <= 576)
 * and run best on operands that stay near L1. */
#define OB_CONV_TILE_FLOATS ((size_t)32 << 10)

/* Chunks of whole images for `threads` OpenMP threads, each with its own
 * scratch; threads = 0 when the batch is better served chunk-serially.
 * per_image_col: the largest column matrix an image needs (sized to L2);
 * per_image_act: the largest layout buffer. */
typedef struct {
    int threads, nb, chunks;
    size_t col, per_thread; /* floats: columns per chunk, scratch per thread */
} conv_plan;

static conv_plan plan_batch(const ob_conv_state *s, int n, size_t per_image_col, size_t per_image_act)
{
    conv_plan pl = {0, 0, 0, 0, 0};
    const int t = ob_threads();
    if (n < t) return pl; /* fewer images than threads: split the GEMMs instead */
    /* (one thread takes this path too: the chunks' locality is the gain) */
    size_t nb = OB_CONV_TILE_FLOATS / per_image_col;
    if (nb < 1) nb = 1;
    const size_t fair = ((size_t)n + (size_t)t - 1) / (size_t)t; /* every thread gets work */
    if (nb > fair) nb = fair;
    const size_t per_thread = nb * (per_image_col + per_image_act);
    const size_t budget = s->chunk_floats ? s->chunk_floats : OB_CONV_CHUNK_FLOATS;
    if (per_thread * (size_t)t > budget) return pl; /* large images: one chunk at a time */
    pl.threads = t, pl.nb = (int)nb, pl.chunks = (int)(((size_t)n + nb - 1) / nb);
    pl.col = nb * per_image_col, pl.per_thread = per_thread;
    return pl;
}

/* The columns of images [n0, n0 + cnt) of im (cnt, c, h, w) under geometry g:
 * im itself for a 1x1 window on one image, else unfolded into col. */
static const float *chunk_columns(float *col, const float *im, const ob_im2col_geom *g, int pointwise, int n0,
                                  int cnt, int64_t ld, int *bad)
{
    const float *first = im + (int64_t)n0 * g->c * g->h * g->w;
    if (pointwise && cnt == 1) return first;
    if (ob_im2col_cpu_serial(col, first, g, cnt, ld) != OB_OK) {
#pragma omp atomic write
        *bad = 1;
    }
    return col;
}

/* out (G groups of (m, ld)) = W_g (m, kg) · cols_g (kg, ld), written straight
 * into dst (cnt, G·m, P) when cnt == 1, else through tmp and a layout copy;
 * bias added when not NULL. The one GEMM shape of the batch-parallel path. */
static void chunk_gemm(float *dst, float *tmp, const float *w, const float *cols, const float *bias, int G, int m,
                       int64_t kg, int cnt, int64_t p)
{
    const int64_t ld = cnt * p;
    float *out = cnt == 1 ? dst : tmp; /* one image: (C, P) is already channel-major */
    for (int gi = 0; gi < G; gi++)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, (int)ld, (int)kg, 1.f, w + gi * m * kg, (int)kg,
                    cols + gi * kg * ld, (int)ld, 0.f, out + gi * m * ld, (int)ld);
    if (cnt == 1) add_bias(dst, bias, 1, G * m, p);
    else from_channel_major(dst, tmp, bias, cnt, G * m, p, ld);
}

static ob_status forward_batch_parallel(ob_conv_state *s, const conv_plan *pl, float *y, const float *x,
                                        const float *w, const float *b, int n, const ob_im2col_geom *g)
{
    const int G = s->groups, cig = s->c_in / G, cog = s->c_out / G, pointwise = is_pointwise(s);
    const int64_t p = (int64_t)g->oh * g->ow, kg = (int64_t)cig * s->k * s->k, out_sz = (int64_t)s->c_out * p;
    float *buf;
    OB_TRY(ob_conv_scratch(s, &buf, pl->per_thread * (size_t)pl->threads, "conv2d"));
    int bad = 0;
    const int blas = ob_blas_serial_begin();
#pragma omp parallel num_threads(pl->threads)
    {
        float *col = buf + pl->per_thread * (size_t)omp_get_thread_num(), *tmp = col + pl->col;
#pragma omp for schedule(static)
        for (int c = 0; c < pl->chunks; c++) {
            const int n0 = c * pl->nb, cnt = n - n0 < pl->nb ? n - n0 : pl->nb;
            const float *cols = chunk_columns(col, x, g, pointwise, n0, cnt, cnt * p, &bad);
            chunk_gemm(y + n0 * out_sz, tmp, w, cols, b, G, cog, kg, cnt, p);
        }
    }
    ob_blas_serial_end(blas);
    OB_REQUIRE(!bad, "conv2d: internal im2col geometry rejected");
    return OB_OK;
}

/* With stride 1 the input gradient is itself a convolution: of dY, padded by
 * d(k-1) - pad, with each group's weight transposed to (cig, cog, k, k) and
 * flipped in both window axes — dX = Wf · im2col(dY), the columns of dY
 * (cog·k² rows) instead of a fold of cig·k² rows, and no col2im. */
static int input_grad_as_conv(const ob_conv_state *s) { return s->stride == 1 && s->pad <= s->dilation * (s->k - 1); }

static ob_im2col_geom dy_geom(const ob_conv_state *s, const ob_im2col_geom *g)
{
    const int pf = s->dilation * (s->k - 1) - s->pad;
    ob_im2col_geom d = {s->c_out, g->oh, g->ow, s->k, s->k, 1, 1, pf, pf, s->dilation, s->dilation, 0, 0};
    return d;
}

static void flip_weight(float *wf, const float *w, const ob_conv_state *s)
{
    const int G = s->groups, cig = s->c_in / G, cog = s->c_out / G, kk = s->k * s->k;
    for (int gi = 0; gi < G; gi++)
        for (int co = 0; co < cog; co++)
            for (int ci = 0; ci < cig; ci++)
                for (int t = 0; t < kk; t++) /* Wf_g[ci][co][kk-1-t] = W_g[co][ci][t] */
                    wf[(((int64_t)gi * cig + ci) * cog + co) * kk + (kk - 1 - t)] =
                        w[(((int64_t)gi * cog + co) * cig + ci) * kk + t];
}

static ob_status backward_batch_parallel(ob_conv_state *s, const conv_plan *pl, float *dx, float *dw, float *db,
                                         const float *dy, const float *x, const float *w, int n,
                                         const ob_im2col_geom *g)
{
    const int G = s->groups, cig = s->c_in / G, cog = s->c_out / G, pointwise = is_pointwise(s), T = pl->threads;
    const int64_t p = (int64_t)g->oh * g->ow, p_in = (int64_t)g->h * g->w, kg = (int64_t)cig * s->k * s->k;
    const int64_t wn = kg * G * cog, in_sz = (int64_t)s->c_in * p_in, kgy = (int64_t)cog * s->k * s->k;
    const int as_conv = dx && input_grad_as_conv(s);
    const ob_im2col_geom gy = dy_geom(s, g);
    float *buf;
    OB_TRY(ob_conv_scratch(s, &buf, (pl->per_thread + (size_t)wn) * (size_t)T + (size_t)wn, "conv2d"));
    float *partials = buf + pl->per_thread * (size_t)T; /* thread t: per group (kg, cog), dWᵀ */
    float *wf = partials + wn * T;
    if (as_conv) flip_weight(wf, w, s);
    int bad = 0;
    const int blas = ob_blas_serial_begin();
#pragma omp parallel num_threads(T)
    {
        const int t = omp_get_thread_num();
        float *col = buf + pl->per_thread * (size_t)t, *act = col + pl->col, *part = partials + wn * t;
        memset(part, 0, sizeof(float) * (size_t)wn);
#pragma omp for schedule(static)
        for (int c = 0; c < pl->chunks; c++) {
            const int n0 = c * pl->nb, cnt = n - n0 < pl->nb ? n - n0 : pl->nb;
            const int64_t ld = cnt * p;
            const float *dyc = dy + n0 * s->c_out * p;
            if (cnt > 1) { /* (cnt, C_out, P) -> (C_out, cnt·P) */
                to_channel_major(act, dyc, cnt, s->c_out, p, ld);
                dyc = act;
            }
            const float *cols = chunk_columns(col, x, g, pointwise, n0, cnt, ld, &bad);
            for (int gi = 0; gi < G; gi++) /* dW_gᵀ += col_g dY_gᵀ */
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)kg, cog, (int)ld, 1.f, cols + gi * kg * ld,
                            (int)ld, dyc + gi * cog * ld, (int)ld, 1.f, part + gi * kg * cog, cog);
            if (!dx) continue;
            if (as_conv) { /* dX = Wf · im2col(dY); col and act are free again */
                const float *ycols = chunk_columns(col, dy, &gy, pointwise, n0, cnt, cnt * p_in, &bad);
                chunk_gemm(dx + n0 * in_sz, act, wf, ycols, NULL, G, cig, kgy, cnt, p_in);
                continue;
            }
            float *dcol = pointwise && cnt == 1 ? dx + n0 * in_sz : col; /* 1x1, one image: fold is the identity */
            for (int gi = 0; gi < G; gi++) /* dcol_g = W_gᵀ dY_g */
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)kg, (int)ld, cog, 1.f, w + gi * cog * kg,
                            (int)kg, dyc + gi * cog * ld, (int)ld, 0.f, dcol + gi * kg * ld, (int)ld);
            if (dcol == col && ob_col2im_cpu_serial(dx + n0 * in_sz, col, g, cnt, ld) != OB_OK) {
#pragma omp atomic write
                bad = 1;
            }
        }
        /* the implicit barrier above: every partial is complete */
#pragma omp for schedule(static)
        for (int64_t i = 0; i < wn; i++) { /* dw[(gi, co, k)] += sum_t part_t[gi][k][co] */
            const int64_t gi = i / (cog * kg), co = i / kg % cog, k = i % kg;
            const int64_t at = gi * kg * cog + k * cog + co;
            float sum = 0.f;
            for (int u = 0; u < T; u++) sum += partials[wn * u + at];
            dw[i] += sum;
        }
        if (db) {
#pragma omp for schedule(static)
            for (int ch = 0; ch < s->c_out; ch++) bias_grad_range(db, dy, n, s->c_out, p, ch, ch + 1);
        }
    }
    ob_blas_serial_end(blas);
    OB_REQUIRE(!bad, "conv2d: internal im2col geometry rejected");
    return OB_OK;
}

static size_t max_size(size_t a, size_t b) { return a > b ? a : b; }

ob_status ob_conv2d_forward_cpu(ob_conv_state *s, float *y, const float *x, const float *w, const float *b, int n,
                                int h, int wd)
{
    ob_im2col_geom g = ob_conv_geom(s, s->c_in, h, wd);
    OB_TRY(ob_im2col_check(&g));
    const size_t p = (size_t)g.oh * g.ow, kk = (size_t)s->k * s->k;
    const conv_plan pl = plan_batch(s, n, (size_t)s->c_in * kk * p, (size_t)s->c_out * p);
    s->ran_batch_parallel = pl.threads > 0;
    if (pl.threads) return forward_batch_parallel(s, &pl, y, x, w, b, n, &g);
    return forward_chunk_serial(s, y, x, w, b, n, h, wd);
}

ob_status ob_conv2d_backward_cpu(ob_conv_state *s, float *dx, float *dw, float *db, const float *dy, const float *x,
                                 const float *w, int n, int h, int wd)
{
    ob_im2col_geom g = ob_conv_geom(s, s->c_in, h, wd);
    OB_TRY(ob_im2col_check(&g));
    const size_t p = (size_t)g.oh * g.ow, p_in = (size_t)h * wd, kk = (size_t)s->k * s->k;
    /* columns: of x (dW), then of dY or the fold's (dX); layout: dY, then dX */
    const size_t col = max_size((size_t)s->c_in * kk * p, dx && input_grad_as_conv(s) ? (size_t)s->c_out * kk * p_in : 0);
    const conv_plan pl = plan_batch(s, n, col, max_size((size_t)s->c_out * p, (size_t)s->c_in * p_in));
    s->ran_batch_parallel = pl.threads > 0;
    if (pl.threads) return backward_batch_parallel(s, &pl, dx, dw, db, dy, x, w, n, &g);
    return backward_chunk_serial(s, dx, dw, db, dy, x, w, n, h, wd);
}

/* conv_transpose2d: the image the columns fold into is the OUTPUT (C_out, OH, OW);
 * its conv grid is the input's (h, wd). */
ob_status ob_conv_transpose2d_forward_cpu(ob_conv_state *s, float *y, const float *x, const float *w,
                                          const float *b, int n, int h, int wd)
{
    const int oh = (h - 1) * s->stride - 2 * s->pad + s->dilation * (s->k - 1) + s->output_padding + 1;
    const int ow = (wd - 1) * s->stride - 2 * s->pad + s->dilation * (s->k - 1) + s->output_padding + 1;
    ob_im2col_geom g = ob_conv_geom(s, s->c_out, oh, ow);
    OB_TRY(ob_im2col_check(&g));
    OB_REQUIRE(g.oh == h && g.ow == wd, "conv_transpose2d: internal geometry %dx%d vs input %dx%d", g.oh, g.ow, h,
               wd);
    const int G = s->groups, cig = s->c_in / G, cog = s->c_out / G;
    const int64_t p = (int64_t)h * wd, kg = (int64_t)cog * s->k * s->k, krows = kg * G;
    const int64_t out_sz = (int64_t)s->c_out * oh * ow;
    const int nb_max = chunk_images(s, n, (size_t)((krows + s->c_in) * p));
    float *buf;
    OB_TRY(ob_conv_scratch(s, &buf, (size_t)((krows + s->c_in) * p * nb_max), "conv_transpose2d"));
    for (int n0 = 0; n0 < n; n0 += nb_max) {
        const int nb = n - n0 < nb_max ? n - n0 : nb_max;
        const int64_t ld = nb * p;
        float *col = buf, *xt = buf + krows * ld;
        to_channel_major(xt, x + (int64_t)n0 * s->c_in * p, nb, s->c_in, p, ld);
        for (int gi = 0; gi < G; gi++) /* col_g = W_gᵀ X_g, W_g (cig, kg) */
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)kg, (int)ld, cig, 1.f, w + gi * cig * kg,
                        (int)kg, xt + gi * cig * ld, (int)ld, 0.f, col + gi * kg * ld, (int)ld);
        OB_TRY(ob_col2im_cpu_serial(y + n0 * out_sz, col, &g, nb, ld));
    }
    add_bias(y, b, n, s->c_out, (int64_t)oh * ow);
    return OB_OK;
}

ob_status ob_conv_transpose2d_backward_cpu(ob_conv_state *s, float *dx, float *dw, float *db, const float *dy,
                                           const float *x, const float *w, int n, int h, int wd)
{
    const int oh = (h - 1) * s->stride - 2 * s->pad + s->dilation * (s->k - 1) + s->output_padding + 1;
    const int ow = (wd - 1) * s->stride - 2 * s->pad + s->dilation * (s->k - 1) + s->output_padding + 1;
    ob_im2col_geom g = ob_conv_geom(s, s->c_out, oh, ow);
    OB_TRY(ob_im2col_check(&g));
    const int G = s->groups, cig = s->c_in / G, cog = s->c_out / G;
    const int64_t p = (int64_t)h * wd, kg = (int64_t)cog * s->k * s->k, krows = kg * G;
    const int64_t out_sz = (int64_t)s->c_out * oh * ow;
    bias_grad(db, dy, n, s->c_out, (int64_t)oh * ow);
    const int nb_max = chunk_images(s, n, (size_t)((krows + 2 * s->c_in) * p));
    float *buf;
    OB_TRY(ob_conv_scratch(s, &buf, (size_t)((krows + 2 * s->c_in) * p * nb_max), "conv_transpose2d"));
    for (int n0 = 0; n0 < n; n0 += nb_max) {
        const int nb = n - n0 < nb_max ? n - n0 : nb_max;
        const int64_t ld = nb * p;
        float *col = buf, *xt = buf + krows * ld, *dxt = xt + s->c_in * ld;
        OB_TRY(ob_im2col_cpu_serial(col, dy + n0 * out_sz, &g, nb, ld));
        to_channel_major(xt, x + (int64_t)n0 * s->c_in * p, nb, s->c_in, p, ld);
        for (int gi = 0; gi < G; gi++) { /* dW_g += X_g col_gᵀ; dX_g = W_g col_g */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, cig, (int)kg, (int)ld, 1.f, xt + gi * cig * ld,
                        (int)ld, col + gi * kg * ld, (int)ld, 1.f, dw + gi * cig * kg, (int)kg);
            if (dx)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, cig, (int)ld, (int)kg, 1.f,
                            w + gi * cig * kg, (int)kg, col + gi * kg * ld, (int)ld, 0.f, dxt + gi * cig * ld,
                            (int)ld);
        }
        if (dx) from_channel_major(dx + (int64_t)n0 * s->c_in * p, dxt, NULL, nb, s->c_in, p, ld);
    }
    return OB_OK;
}
