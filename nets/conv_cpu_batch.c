/* conv_cpu_batch.c — conv2d and conv_transpose2d on the CPU, in parallel over
 * the batch (conv_impl.h): OpenMP threads take chunks of whole images (or, for
 * the forward pass on few or large images, bands of output rows) and run each
 * through single-threaded GEMMs while its data is in cache (OpenBLAS held at
 * one thread meanwhile: one pool awake at a time, ob_threads.h).
 *
 * Each phase takes one of two forms, picked from the layer's shape:
 *   columns  im2col of the chunk (several small images side by side, up to
 *            OB_CONV_TILE_FLOATS of columns), one GEMM per group.
 *   shifted  stride 1, k > 1: k² GEMMs over a zero-padded copy of one image
 *            (conv_shift.h), no im2col. Taken where the GEMM's small side is
 *            what the column form handles badly — measured on ESPCN's layers,
 *            one thread, 64 images of 17x17:
 *              forward 64->32 3x3   columns 16.0 ms, shifted 10.1 ms
 *              forward 32->9 3x3    columns  4.5 ms, shifted  2.1 ms
 *              dW      32->9 3x3    columns  5.3 ms, shifted  2.5 ms
 *              dW      64->32 3x3   columns 10.9 ms, shifted 14.9 ms
 *              dX of 64->32 (a 32->64 conv of dY)  12.2 ms vs 11.2 ms
 *            so: forward and dX shifted when the GEMM's depth per tap (input
 *            channels per group) is >= 16; dW shifted when the output
 *            channels per group are < 16 and the input ones >= 16.
 * With stride 1 the input gradient is itself a convolution — of dY, padded by
 * d(k-1) - pad, with each group's weight transposed and flipped — so it needs
 * no col2im; other strides fold columns back (col2im).
 * On fewer images than threads, or images too large for whole-image scratch,
 * the forward pass and the stride-1 backward split images into bands of
 * output rows instead.
 * Weight gradients are summed per slice of the batch and the slices' sums
 * added in order: deterministic for a given thread count (the slicing is
 * 4 per thread). Chunks and slices are handed out dynamically. */
#include <cblas.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "conv_impl.h"
#include "conv_shift.h"
#include "ob_threads.h"

/* Columns per chunk: several small images (ESPCN's 5x5 layer: 4 of 17x17),
 * else one image. Measured on ESPCN's layers at 2 threads, 32 Ki floats
 * (128 KiB) beat 64-256 Ki by 10-15 %: the GEMMs here are short (K <= 576)
 * and run best on operands that stay near L1/L2. */
#define OB_CONV_TILE_FLOATS ((size_t)32 << 10)
#define OB_SHIFT_MIN_DEPTH 16 /* input channels per group for the shifted form */

typedef struct {
    int fwd_shift;   /* forward shifted */
    int wgrad_shift; /* dW shifted */
    int dgrad_conv;  /* dX as a convolution of dY (stride 1) */
    int dgrad_shift; /* ... in the shifted form */
} conv_forms;

static conv_forms pick_forms(const ob_conv_state *s)
{
    const int cig = s->c_in / s->groups, cog = s->c_out / s->groups, s1 = s->stride == 1 && s->k > 1;
    conv_forms f;
    f.fwd_shift = s1 && cig >= OB_SHIFT_MIN_DEPTH;
    f.wgrad_shift = s1 && cig >= OB_SHIFT_MIN_DEPTH && cog < OB_SHIFT_MIN_DEPTH;
    f.dgrad_conv = s->stride == 1 && s->pad <= s->dilation * (s->k - 1);
    f.dgrad_shift = f.dgrad_conv && s->k > 1 && cog >= OB_SHIFT_MIN_DEPTH;
    return f;
}

/* Chunks of nb whole images for `threads` threads; per-thread scratch:
 * col (columns), act (a layout buffer), and the shifted form's two planes. */
typedef struct {
    int threads, nb, chunks;
    size_t col, act, plane, wide, per_thread; /* floats */
} conv_plan;

/* threads = 0: serve the batch chunk-serially instead. */
static conv_plan plan_batch(const ob_conv_state *s, int n, size_t per_image_col, size_t per_image_act, size_t plane,
                            size_t wide)
{
    conv_plan pl = {0};
    const int t = ob_threads();
    if (n < t) return pl; /* fewer images than threads: bands (forward) or chunk-serial */
    /* (one thread takes this path too: the chunks' locality is the gain) */
    size_t nb = plane ? 1 : OB_CONV_TILE_FLOATS / (per_image_col ? per_image_col : 1);
    if (nb < 1) nb = 1;
    const size_t fair = ((size_t)n + (size_t)t - 1) / (size_t)t; /* every thread gets work */
    if (nb > fair) nb = fair;
    pl.col = nb * per_image_col, pl.act = nb * per_image_act, pl.plane = plane, pl.wide = wide;
    pl.per_thread = pl.col + pl.act + pl.plane + pl.wide;
    if (pl.per_thread * (size_t)t > ob_conv_budget(s)) return (conv_plan){0}; /* large images */
    pl.threads = t, pl.nb = (int)nb, pl.chunks = (int)(((size_t)n + nb - 1) / nb);
    return pl;
}

typedef struct {
    float *col, *act, *plane, *wide;
} thread_scratch;

static thread_scratch scratch_of(float *buf, const conv_plan *pl, int t)
{
    thread_scratch ts;
    ts.col = buf + pl->per_thread * (size_t)t;
    ts.act = ts.col + pl->col, ts.plane = ts.act + pl->act, ts.wide = ts.plane + pl->plane;
    return ts;
}

static void flag(int *bad)
{
#pragma omp atomic write
    *bad = 1;
}

/* The columns of images [n0, n0 + cnt) of im (., c, h, w) under geometry g:
 * im itself for a 1x1 window on one image, else unfolded into col. */
static const float *chunk_columns(float *col, const float *im, const ob_im2col_geom *g, int pointwise, int n0,
                                  int cnt, int64_t ld, int *bad)
{
    const float *first = im + (int64_t)n0 * g->c * g->h * g->w;
    if (pointwise && cnt == 1) return first;
    if (ob_im2col_cpu_serial(col, first, g, cnt, ld) != OB_OK) flag(bad);
    return col;
}

/* dst (cnt, G·m, p) = W_g (m, kg) · cols_g (kg, cnt·p) per group (+ bias),
 * straight into dst when cnt == 1, else through tmp and a layout copy. */
static void chunk_gemm(float *dst, float *tmp, const float *w, const float *cols, const float *bias, int G, int m,
                       int64_t kg, int cnt, int64_t p)
{
    const int64_t ld = cnt * p;
    float *out = cnt == 1 ? dst : tmp; /* one image: (C, P) is already channel-major */
    for (int gi = 0; gi < G; gi++)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, (int)ld, (int)kg, 1.f, w + gi * m * kg, (int)kg,
                    cols + gi * kg * ld, (int)ld, 0.f, out + gi * m * ld, (int)ld);
    if (cnt == 1) ob_conv_add_bias(dst, bias, 1, G * m, p);
    else ob_conv_from_channel_major(dst, tmp, bias, cnt, G * m, p, ld);
}

/* Weight re-layouts, once per call (the weights are small).
 * taps-major wt[g][t][co][ci] = W[g·cog+co][ci][t]; flipped (for dX)
 * wf[g][t][ci][co] = W[g·cog+co][ci][k²-1-t]; with taps_major = 0 the flipped
 * weight is kept in the column form's layout wf[g][ci][co][t]. */
static void relayout_weight(float *dst, const float *w, const ob_conv_state *s, int flipped, int taps_major)
{
    const int G = s->groups, cig = s->c_in / G, cog = s->c_out / G, kk = s->k * s->k;
    for (int gi = 0; gi < G; gi++)
        for (int co = 0; co < cog; co++)
            for (int ci = 0; ci < cig; ci++)
                for (int t = 0; t < kk; t++) {
                    const float v = w[(((int64_t)gi * cog + co) * cig + ci) * kk + t];
                    const int tt = flipped ? kk - 1 - t : t;
                    int64_t at;
                    if (!flipped) at = (((int64_t)gi * kk + tt) * cog + co) * cig + ci;
                    else if (taps_major) at = (((int64_t)gi * kk + tt) * cig + ci) * cog + co;
                    else at = (((int64_t)gi * cig + ci) * cog + co) * kk + tt;
                    dst[at] = v;
                }
}

/* ---- forward over bands of output rows ---------------------------------
 * For fewer images than threads (inference on one photo) or images whose
 * whole-image scratch is too large, the forward pass splits each image into
 * bands of output rows: the work items are (image, band), their outputs
 * disjoint, the scratch per thread a band's. */

#define OB_CONV_BAND_FLOATS ((size_t)256 << 10) /* scratch per band: ~1 MiB */

typedef struct {
    int rows, bands, items; /* output rows per band, bands per image, n·bands */
    size_t per_thread;
} band_plan;

/* per_row: scratch floats per output row; fixed: per band besides. */
static band_plan plan_bands(const ob_conv_state *s, int n, int oh, size_t per_row, size_t fixed)
{
    band_plan bp = {0, 0, 0, 0};
    const int t = ob_threads();
    size_t rows = OB_CONV_BAND_FLOATS > fixed ? (OB_CONV_BAND_FLOATS - fixed) / per_row : 1;
    if (rows < 1) rows = 1;
    if (rows > (size_t)oh) rows = (size_t)oh;
    int bands = (int)(((size_t)oh + rows - 1) / rows);
    const int want = (t + n - 1) / n; /* bands per image for every thread to have work */
    if (bands < want) bands = want < oh ? want : oh;
    bp.rows = (oh + bands - 1) / bands, bp.bands = (oh + bp.rows - 1) / bp.rows, bp.items = n * bp.bands;
    bp.per_thread = fixed + per_row * (size_t)bp.rows;
    if (bp.per_thread * (size_t)t > ob_conv_budget(s)) return (band_plan){0, 0, 0, 0};
    return bp;
}

/* xb (c, hb, w) <- rows iy0 .. iy0 + hb - 1 of x (c, h, w), zero outside it. */
static void copy_rows(float *xb, const float *x, int c, int h, int w, int iy0, int hb)
{
    for (int ch = 0; ch < c; ch++)
        for (int r = 0; r < hb; r++) {
            float *d = xb + ((int64_t)ch * hb + r) * w;
            const int iy = iy0 + r;
            if (iy < 0 || iy >= h) memset(d, 0, sizeof(float) * (size_t)w);
            else memcpy(d, x + ((int64_t)ch * h + iy) * w, sizeof(float) * (size_t)w);
        }
}

/* Work item `it` of bp: image *i, output rows [*oy0, *oy0 + *rows). */
static void band_item(const band_plan *bp, int it, int oh, int *i, int *oy0, int *rows)
{
    *i = it / bp->bands, *oy0 = it % bp->bands * bp->rows;
    *rows = oh - *oy0 < bp->rows ? oh - *oy0 : bp->rows;
}

/* The band plan of a layer over x (geometry g, shifted planes sg) in the
 * shifted form (padded rows and the wide output per row) or the column form
 * (columns and the band's input rows per output row). */
static band_plan plan_bands_for(const ob_conv_state *s, int n, const ob_im2col_geom *g, const ob_shift_geom *sg,
                                int shifted)
{
    const int reach = s->dilation * (s->k - 1);
    if (shifted)
        return plan_bands(s, n, g->oh, (size_t)(s->c_in + s->c_out) * (size_t)sg->wp,
                          (size_t)s->c_in * ((size_t)reach * sg->wp + reach));
    if (ob_conv_is_pointwise(s)) return plan_bands(s, n, g->oh, 1, 0);
    return plan_bands(s, n, g->oh, (size_t)s->c_in * s->k * s->k * g->ow + (size_t)s->c_in * s->stride * g->w,
                      (size_t)s->c_in * (size_t)(reach + 1) * g->w);
}

/* The columns (c_in·k² rows, *ld apart) of the output rows [oy0, oy0 + rows)
 * of image xi: for 1x1 the input rows themselves (*ld = the plane size), else
 * the band's input rows (zero outside the image) copied into scratch and
 * unfolded after them (*ld = rows·ow). */
static const float *band_columns(float *scratch, const float *xi, const ob_conv_state *s, const ob_im2col_geom *g,
                                 int oy0, int rows, int64_t *ld, int *bad)
{
    if (ob_conv_is_pointwise(s)) {
        *ld = (int64_t)g->oh * g->ow;
        return xi + (int64_t)oy0 * g->w;
    }
    const int hb = (rows - 1) * s->stride + s->dilation * (s->k - 1) + 1;
    float *col = scratch + (int64_t)s->c_in * hb * g->w;
    copy_rows(scratch, xi, s->c_in, g->h, g->w, oy0 * s->stride - s->pad, hb);
    const ob_im2col_geom gb = {s->c_in, hb, g->w, s->k, s->k, s->stride, s->stride, 0, s->pad, s->dilation,
                               s->dilation, 0, 0};
    *ld = (int64_t)rows * g->ow;
    if (ob_im2col_cpu_serial(col, scratch, &gb, 1, *ld) != OB_OK) flag(bad);
    return col;
}

/* The band's padded planes of image xi into scratch; *wide: the scratch after them. */
static void band_planes(ob_shift_geom *band, float **wide, float *scratch, const float *xi, const ob_shift_geom *sg,
                        int oy0, int rows)
{
    ob_shift_band(band, sg, oy0, rows);
    *wide = scratch + (int64_t)sg->c * band->cs;
    ob_shift_pad(scratch, xi, band);
}

static ob_status forward_bands(ob_conv_state *s, const conv_forms *f, float *y, const float *x, const float *w,
                               const float *b, int n, const ob_im2col_geom *g, const ob_shift_geom *sg, int *done)
{
    const int G = s->groups, cig = s->c_in / G, cog = s->c_out / G;
    const int64_t p = (int64_t)g->oh * g->ow, kg = (int64_t)cig * s->k * s->k, out_sz = (int64_t)s->c_out * p;
    const int64_t in_sz = (int64_t)s->c_in * g->h * g->w;
    const band_plan bp = plan_bands_for(s, n, g, sg, f->fwd_shift);
    if (!bp.items) return OB_OK;
    const int T = ob_threads();
    float *buf;
    OB_TRY(ob_conv_scratch(s, &buf, bp.per_thread * (size_t)T + (size_t)(kg * s->c_out), "conv2d"));
    float *wt = buf + bp.per_thread * (size_t)T; /* the taps-major weight of the shifted form */
    if (f->fwd_shift) relayout_weight(wt, w, s, 0, 1);
    int bad = 0;
    const int blas = ob_blas_serial_begin();
#pragma omp parallel num_threads(T)
    {
        float *mine = buf + bp.per_thread * (size_t)omp_get_thread_num();
#pragma omp for schedule(dynamic, 1)
        for (int it = 0; it < bp.items; it++) {
            int i, oy0, rows;
            band_item(&bp, it, g->oh, &i, &oy0, &rows);
            float *yb = y + i * out_sz + (int64_t)oy0 * g->ow; /* channel planes p floats apart */
            const float *xi = x + i * in_sz;
            if (f->fwd_shift) {
                ob_shift_geom band;
                float *wide;
                band_planes(&band, &wide, mine, xi, sg, oy0, rows);
                ob_shift_conv(yb, p, wide, mine, wt, b, &band, G, cog);
                continue;
            }
            const int64_t nb = (int64_t)rows * g->ow; /* output positions of the band */
            int64_t ldc;
            const float *cols = band_columns(mine, xi, s, g, oy0, rows, &ldc, &bad);
            for (int gi = 0; gi < G; gi++) /* y_g band (cog, rows·ow), channel stride p */
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, cog, (int)nb, (int)kg, 1.f, w + gi * cog * kg,
                            (int)kg, cols + gi * kg * ldc, (int)ldc, 0.f, yb + gi * cog * p, (int)p);
            if (b)
                for (int co = 0; co < s->c_out; co++)
                    for (int64_t q = 0; q < nb; q++) yb[co * p + q] += b[co];
        }
    }
    ob_blas_serial_end(blas);
    OB_REQUIRE(!bad, "conv2d: internal im2col geometry rejected");
    *done = 1;
    s->ran_batch_parallel = 2;
    return OB_OK;
}

ob_status ob_conv2d_forward_batch(ob_conv_state *s, int *done, float *y, const float *x, const float *w,
                                  const float *b, int n, int h, int wd)
{
    *done = 0;
    ob_im2col_geom g = ob_conv_geom(s, s->c_in, h, wd);
    OB_TRY(ob_im2col_check(&g));
    const conv_forms f = pick_forms(s);
    const int G = s->groups, cig = s->c_in / G, cog = s->c_out / G, pointwise = ob_conv_is_pointwise(s);
    const int64_t p = (int64_t)g.oh * g.ow, kg = (int64_t)cig * s->k * s->k, out_sz = (int64_t)s->c_out * p;
    const int64_t in_sz = (int64_t)s->c_in * h * wd, wn = kg * s->c_out;
    ob_shift_geom sg;
    ob_shift_geom_init(&sg, s->c_in, h, wd, s->k, s->pad, s->dilation);
    const conv_plan pl = f.fwd_shift ? plan_batch(s, n, 0, 0, (size_t)(s->c_in * sg.cs), (size_t)(s->c_out * sg.lw))
                                     : plan_batch(s, n, (size_t)(kg * G * p), (size_t)out_sz, 0, 0);
    s->ran_batch_parallel = pl.threads > 0;
    if (!pl.threads) return forward_bands(s, &f, y, x, w, b, n, &g, &sg, done); /* few or large images */
    float *buf;
    OB_TRY(ob_conv_scratch(s, &buf, pl.per_thread * (size_t)pl.threads + (size_t)wn, "conv2d"));
    float *wt = buf + pl.per_thread * (size_t)pl.threads;
    if (f.fwd_shift) relayout_weight(wt, w, s, 0, 1);
    int bad = 0;
    const int blas = ob_blas_serial_begin();
#pragma omp parallel num_threads(pl.threads)
    {
        const thread_scratch ts = scratch_of(buf, &pl, omp_get_thread_num());
#pragma omp for schedule(dynamic, 1)
        for (int c = 0; c < pl.chunks; c++) {
            const int n0 = c * pl.nb, cnt = n - n0 < pl.nb ? n - n0 : pl.nb;
            if (f.fwd_shift) { /* cnt == 1 */
                ob_shift_pad(ts.plane, x + n0 * in_sz, &sg);
                ob_shift_conv(y + n0 * out_sz, p, ts.wide, ts.plane, wt, b, &sg, G, cog);
                continue;
            }
            const float *cols = chunk_columns(ts.col, x, &g, pointwise, n0, cnt, cnt * p, &bad);
            chunk_gemm(y + n0 * out_sz, ts.act, w, cols, b, G, cog, kg, cnt, p);
        }
    }
    ob_blas_serial_end(blas);
    OB_REQUIRE(!bad, "conv2d: internal im2col geometry rejected");
    *done = 1;
    return OB_OK;
}

static size_t max_size(size_t a, size_t b) { return a > b ? a : b; }

/* What every chunk of one backward call shares. */
typedef struct {
    const ob_conv_state *s;
    conv_forms f;
    ob_im2col_geom g, gy;   /* columns of x; of dY for the input gradient */
    ob_shift_geom sx, sy;   /* shifted planes of x (dW); of dY (dX) */
    int n, G, cig, cog, kk, pointwise;
    int64_t p, p_in, kg, kgy, in_sz, out_sz;
    const float *dy, *x, *w, *wf;
    float *dx;
    int *bad;
} bwd_job;

/* part += this chunk's dW: [g][t] (cog, cig) when shifted, else [g] (kg, cog). */
static void chunk_wgrad(const bwd_job *j, const thread_scratch *ts, float *part, int n0, int cnt)
{
    const ob_conv_state *s = j->s;
    const float *dyc = j->dy + n0 * j->out_sz;
    if (j->f.wgrad_shift) { /* cnt == 1 */
        ob_shift_pad(ts->plane, j->x + n0 * j->in_sz, &j->sx);
        ob_shift_widen(ts->wide, dyc, j->p, s->c_out, &j->sx);
        ob_shift_wgrad(part, ts->wide, ts->plane, &j->sx, j->G, j->cog);
        return;
    }
    const int64_t ld = cnt * j->p;
    if (cnt > 1) { /* (cnt, C_out, P) -> (C_out, cnt·P) */
        ob_conv_to_channel_major(ts->act, dyc, cnt, s->c_out, j->p, ld);
        dyc = ts->act;
    }
    const float *cols = chunk_columns(ts->col, j->x, &j->g, j->pointwise, n0, cnt, ld, j->bad);
    for (int gi = 0; gi < j->G; gi++) /* part_g (kg, cog) += col_g dY_gᵀ */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)j->kg, j->cog, (int)ld, 1.f, cols + gi * j->kg * ld,
                    (int)ld, dyc + gi * j->cog * ld, (int)ld, 1.f, part + gi * j->kg * j->cog, j->cog);
}

/* This chunk's dX, written. */
static void chunk_dgrad(const bwd_job *j, const thread_scratch *ts, int n0, int cnt)
{
    const ob_conv_state *s = j->s;
    const float *dyc = j->dy + n0 * j->out_sz;
    float *dxc = j->dx + n0 * j->in_sz;
    if (j->f.dgrad_shift) { /* dX = Wf · shifted dY planes; cnt == 1 */
        ob_shift_pad(ts->plane, dyc, &j->sy);
        ob_shift_conv(dxc, j->p_in, ts->wide, ts->plane, j->wf, NULL, &j->sy, j->G, j->cig);
    } else if (j->f.dgrad_conv) { /* dX = Wf · im2col(dY) */
        const float *ycols = chunk_columns(ts->col, j->dy, &j->gy, j->pointwise, n0, cnt, cnt * j->p_in, j->bad);
        chunk_gemm(dxc, ts->act, j->wf, ycols, NULL, j->G, j->cig, j->kgy, cnt, j->p_in);
    } else { /* dcol = Wᵀ dY, folded back */
        const int64_t ld = cnt * j->p;
        if (cnt > 1) {
            ob_conv_to_channel_major(ts->act, dyc, cnt, s->c_out, j->p, ld);
            dyc = ts->act;
        }
        float *dcol = j->pointwise && cnt == 1 ? dxc : ts->col; /* 1x1, one image: no fold */
        for (int gi = 0; gi < j->G; gi++)
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)j->kg, (int)ld, j->cog, 1.f,
                        j->w + gi * j->cog * j->kg, (int)j->kg, dyc + gi * j->cog * ld, (int)ld, 0.f,
                        dcol + gi * j->kg * ld, (int)ld);
        if (dcol == ts->col && ob_col2im_cpu_serial(dxc, ts->col, &j->g, cnt, ld) != OB_OK) flag(j->bad);
    }
}

/* The dW/dX reduction shared by both backward paths: dw[(gi·cog + co), ci, tap]
 * += the S partial sums in order; shifted ones are laid out [g][tap][co][ci],
 * column ones [g][ci·k² + tap][co]. Inside a parallel region. */
static void reduce_wgrad(float *dw, const float *partials, int S, int64_t wn, int shifted, int64_t cog, int64_t cig,
                         int64_t kk)
{
    const int64_t kg = cig * kk;
#pragma omp for schedule(static)
    for (int64_t i = 0; i < wn; i++) {
        const int64_t gi = i / (cog * kg), co = i / kg % cog, k = i % kg, ci = k / kk, tap = k % kk;
        const int64_t at = shifted ? ((gi * kk + tap) * cog + co) * cig + ci : gi * kg * cog + k * cog + co;
        float sum = 0.f;
        for (int u = 0; u < S; u++) sum += partials[wn * u + at];
        dw[i] += sum;
    }
}

/* ---- backward over bands of output rows (stride 1) -----------------------
 * For fewer images than threads or large images: dW sums over (image, band)
 * items, each band's columns (or padded planes) only; dX is the forward of
 * the flipped convolution of dY, over bands of its own rows. */
static ob_status backward_bands(ob_conv_state *s, const conv_forms *f, float *dx, float *dw, float *db,
                                const float *dy, const float *x, const float *w, int n, const ob_im2col_geom *g,
                                const ob_shift_geom *sx, int *done)
{
    *done = 0;
    if (s->stride != 1 || (dx && !f->dgrad_conv)) return OB_OK; /* a fold would overlap between bands */
    const int G = s->groups, cig = s->c_in / G, cog = s->c_out / G, kk = s->k * s->k;
    const int reach = s->dilation * (s->k - 1), T = ob_threads();
    const int64_t p = (int64_t)g->oh * g->ow, kg = (int64_t)cig * kk, wn = kg * s->c_out;
    const int64_t in_sz = (int64_t)s->c_in * g->h * g->w, out_sz = (int64_t)s->c_out * p;
    const band_plan bp = plan_bands_for(s, n, g, sx, f->wgrad_shift);
    if (!bp.items) return OB_OK;
    /* dX first: the flipped convolution's forward over bands (it declines -> nothing was computed) */
    float *wf = NULL;
    if (dx) {
        wf = malloc(sizeof(float) * (size_t)wn);
        OB_REQUIRE(wf, "conv2d: no memory for the flipped weight");
        relayout_weight(wf, w, s, 1, 0);
        ob_conv_state t = *s;
        t.c_in = s->c_out, t.c_out = s->c_in, t.pad = reach - s->pad, t.bias = 0;
        ob_im2col_geom gt = ob_conv_geom(&t, t.c_in, g->oh, g->ow);
        ob_shift_geom st;
        ob_status e = ob_im2col_check(&gt);
        ob_shift_geom_init(&st, t.c_in, g->oh, g->ow, t.k, t.pad, t.dilation);
        const conv_forms ft = pick_forms(&t);
        int dx_done = 0;
        if (e == OB_OK) e = forward_bands(&t, &ft, dx, dy, wf, NULL, n, &gt, &st, &dx_done);
        s->scratch = t.scratch, s->scratch_n = t.scratch_n;
        free(wf);
        OB_TRY(e);
        if (!dx_done) return OB_OK;
    }
    if (!dw) { /* dX alone (conv_transpose2d's forward) */
        if (db) ob_conv_bias_grad_range(db, dy, n, s->c_out, p, 0, s->c_out);
        *done = 1, s->ran_batch_parallel = 2;
        return OB_OK;
    }
    int S = bp.items < 4 * T ? bp.items : 4 * T;
    while (S > T && (size_t)S * (size_t)wn > OB_CONV_CHUNK_FLOATS / 4) S--;
    float *buf;
    OB_TRY(ob_conv_scratch(s, &buf, bp.per_thread * (size_t)T + (size_t)wn * (size_t)S, "conv2d"));
    float *partials = buf + bp.per_thread * (size_t)T;
    int bad = 0;
    const int blas = ob_blas_serial_begin();
#pragma omp parallel num_threads(T)
    {
        float *mine = buf + bp.per_thread * (size_t)omp_get_thread_num();
#pragma omp for schedule(dynamic, 1)
        for (int q = 0; q < S; q++) {
            float *part = partials + wn * q;
            memset(part, 0, sizeof(float) * (size_t)wn);
            const int it1 = (int)((int64_t)(q + 1) * bp.items / S);
            for (int it = (int)((int64_t)q * bp.items / S); it < it1; it++) {
                int i, oy0, rows;
                band_item(&bp, it, g->oh, &i, &oy0, &rows);
                const float *dyb = dy + i * out_sz + (int64_t)oy0 * g->ow, *xi = x + i * in_sz;
                const int64_t nb = (int64_t)rows * g->ow;
                if (f->wgrad_shift) { /* part[g][t] (cog, cig) += dYw · Xpᵀ over the band */
                    ob_shift_geom band;
                    float *wide;
                    band_planes(&band, &wide, mine, xi, sx, oy0, rows);
                    ob_shift_widen(wide, dyb, p, s->c_out, &band);
                    ob_shift_wgrad(part, wide, mine, &band, G, cog);
                    continue;
                }
                int64_t ld;
                const float *cols = band_columns(mine, xi, s, g, oy0, rows, &ld, &bad);
                for (int gi = 0; gi < G; gi++) /* part_g (kg, cog) += col_g dY_gᵀ */
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)kg, cog, (int)nb, 1.f, cols + gi * kg * ld,
                                (int)ld, dyb + gi * cog * p, (int)p, 1.f, part + gi * kg * cog, cog);
            }
        }
        reduce_wgrad(dw, partials, S, wn, f->wgrad_shift, cog, cig, kk);
        if (db) {
#pragma omp for schedule(static)
            for (int ch = 0; ch < s->c_out; ch++) ob_conv_bias_grad_range(db, dy, n, s->c_out, p, ch, ch + 1);
        }
    }
    ob_blas_serial_end(blas);
    OB_REQUIRE(!bad, "conv2d: internal im2col geometry rejected");
    *done = 1;
    s->ran_batch_parallel = 2;
    return OB_OK;
}

ob_status ob_conv2d_backward_batch(ob_conv_state *s, int *done, float *dx, float *dw, float *db, const float *dy,
                                   const float *x, const float *w, int n, int h, int wd)
{
    *done = 0;
    int bad = 0;
    bwd_job j = {.s = s, .n = n, .dy = dy, .x = x, .w = w, .dx = dx, .bad = &bad};
    j.g = ob_conv_geom(s, s->c_in, h, wd);
    OB_TRY(ob_im2col_check(&j.g));
    j.f = pick_forms(s);
    if (!dx) j.f.dgrad_conv = j.f.dgrad_shift = 0;
    if (!dw) j.f.wgrad_shift = 0;
    j.G = s->groups, j.cig = s->c_in / j.G, j.cog = s->c_out / j.G, j.pointwise = ob_conv_is_pointwise(s);
    j.kk = s->k * s->k;
    j.p = (int64_t)j.g.oh * j.g.ow, j.p_in = (int64_t)h * wd, j.kg = (int64_t)j.cig * j.kk;
    j.kgy = (int64_t)j.cog * j.kk, j.in_sz = (int64_t)s->c_in * j.p_in, j.out_sz = (int64_t)s->c_out * j.p;
    const int64_t wn = dw ? j.kg * s->c_out : 0; /* dW partial sum size (none for dX alone) */
    /* dY padded by d(k-1) - pad: its stride-1 convolution with the flipped weight is dX */
    const int pf = s->dilation * (s->k - 1) - s->pad;
    ob_shift_geom_init(&j.sx, s->c_in, h, wd, s->k, s->pad, s->dilation);
    ob_shift_geom_init(&j.sy, s->c_out, j.g.oh, j.g.ow, s->k, pf, s->dilation);
    j.gy = (ob_im2col_geom){s->c_out, j.g.oh, j.g.ow, s->k, s->k, 1, 1, pf, pf, s->dilation, s->dilation, 0, 0};
    const conv_forms f = j.f;
    /* per-image scratch of the forms taken: columns, a layout buffer, planes */
    size_t col = 0, act = 0;
    if (dw && !f.wgrad_shift) col = (size_t)(j.kg * j.G * j.p), act = (size_t)j.out_sz;
    if (f.dgrad_conv && !f.dgrad_shift)
        col = max_size(col, (size_t)(j.kgy * j.G * j.p_in)), act = max_size(act, (size_t)j.in_sz);
    if (dx && !f.dgrad_conv) col = max_size(col, (size_t)(j.kg * j.G * j.p)), act = max_size(act, (size_t)j.out_sz);
    size_t plane = 0, wide = 0;
    if (f.wgrad_shift) plane = (size_t)(s->c_in * j.sx.cs), wide = (size_t)(s->c_out * j.sx.lw);
    if (f.dgrad_shift)
        plane = max_size(plane, (size_t)(s->c_out * j.sy.cs)), wide = max_size(wide, (size_t)(s->c_in * j.sy.lw));
    const conv_plan pl = plan_batch(s, n, col, act, f.wgrad_shift || f.dgrad_shift ? max_size(plane, 1) : 0, wide);
    s->ran_batch_parallel = pl.threads > 0;
    if (!pl.threads) return backward_bands(s, &f, dx, dw, db, dy, x, w, n, &j.g, &j.sx, done); /* few or large images */
    const int T = pl.threads;
    /* dW partial sums per slice of consecutive chunks: threads take slices as
     * they come free (a thread the OS slows down does not hold the others up),
     * and the slices' sums are added in slice order, so the result does not
     * depend on which thread ran which slice. */
    int S = pl.chunks < 4 * T ? pl.chunks : 4 * T;
    while (S > T && (size_t)S * (size_t)wn > OB_CONV_CHUNK_FLOATS / 4) S--;
    if (!dw) S = pl.chunks; /* no sums to keep: one chunk at a time */
    float *buf;
    OB_TRY(ob_conv_scratch(s, &buf, pl.per_thread * (size_t)T + (size_t)wn * (size_t)S + (size_t)(j.kg * s->c_out),
                           "conv2d"));
    float *partials = buf + pl.per_thread * (size_t)T; /* slice q's dW partial sum at partials + q·wn */
    float *wf = partials + wn * S;                     /* the flipped weight for dX */
    if (f.dgrad_conv) relayout_weight(wf, w, s, 1, f.dgrad_shift);
    j.wf = wf;
    const int blas = ob_blas_serial_begin();
#pragma omp parallel num_threads(T)
    {
        const thread_scratch ts = scratch_of(buf, &pl, omp_get_thread_num());
#pragma omp for schedule(dynamic, 1)
        for (int q = 0; q < S; q++) {
            float *part = partials + wn * q;
            if (dw) memset(part, 0, sizeof(float) * (size_t)wn);
            const int c1 = (int)((int64_t)(q + 1) * pl.chunks / S);
            for (int c = (int)((int64_t)q * pl.chunks / S); c < c1; c++) {
                const int n0 = c * pl.nb, cnt = n - n0 < pl.nb ? n - n0 : pl.nb;
                if (dw) chunk_wgrad(&j, &ts, part, n0, cnt);
                if (dx) chunk_dgrad(&j, &ts, n0, cnt);
            }
        }
        /* the implicit barrier above: every partial sum is complete */
        reduce_wgrad(dw, partials, S, wn, f.wgrad_shift, j.cog, j.cig, j.kk);
        if (db) {
#pragma omp for schedule(static)
            for (int ch = 0; ch < s->c_out; ch++) ob_conv_bias_grad_range(db, dy, n, s->c_out, j.p, ch, ch + 1);
        }
    }
    ob_blas_serial_end(blas);
    OB_REQUIRE(!bad, "conv2d: internal im2col geometry rejected");
    *done = 1;
    return OB_OK;
}

/* conv_transpose2d is conv2d with the roles swapped: its weight (C_in, C_out/G,
 * k, k) is, unchanged, the weight of the conv2d t from its output's C_out
 * channels to its input's C_in channels (same stride, padding, dilation,
 * groups) over the output's (oh, ow) grid. Its forward is t's input gradient,
 * its input gradient t's forward, and its weight gradient t's with x and dY
 * exchanged. */
static ob_conv_state as_conv2d(const ob_conv_state *s)
{
    ob_conv_state t = *s;
    t.transposed = 0, t.c_in = s->c_out, t.c_out = s->c_in, t.output_padding = 0;
    return t;
}

static void keep_scratch(ob_conv_state *s, const ob_conv_state *t)
{
    s->scratch = t->scratch, s->scratch_n = t->scratch_n, s->ran_batch_parallel = t->ran_batch_parallel;
}

ob_status ob_conv_transpose2d_forward_batch(ob_conv_state *s, int *done, float *y, const float *x, const float *w,
                                            const float *b, int n, int h, int wd)
{
    ob_conv_state t = as_conv2d(s);
    const int oh = (int)ob_conv_out_size(s, h), ow = (int)ob_conv_out_size(s, wd);
    const ob_status st = ob_conv2d_backward_batch(&t, done, y, NULL, NULL, x, NULL, w, n, oh, ow);
    keep_scratch(s, &t);
    if (st == OB_OK && *done) ob_conv_add_bias(y, b, n, s->c_out, (int64_t)oh * ow);
    return st;
}

ob_status ob_conv_transpose2d_backward_batch(ob_conv_state *s, int *done, float *dx, float *dw, float *db,
                                             const float *dy, const float *x, const float *w, int n, int h, int wd)
{
    ob_conv_state t = as_conv2d(s);
    const int oh = (int)ob_conv_out_size(s, h), ow = (int)ob_conv_out_size(s, wd);
    ob_status st = ob_conv2d_backward_batch(&t, done, NULL, dw, NULL, x, dy, w, n, oh, ow); /* dW first */
    if (st == OB_OK && *done && dx) st = ob_conv2d_forward_cpu(&t, dx, dy, w, NULL, n, oh, ow);
    keep_scratch(s, &t);
    if (st == OB_OK && *done && db) ob_conv_bias_grad_range(db, dy, n, s->c_out, (int64_t)oh * ow, 0, s->c_out);
    return st;
}
