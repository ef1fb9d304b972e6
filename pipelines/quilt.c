/* quilt.c — image quilting (ob_quilt.h): the patch grid, one synthesis pass
 * (template, overlap SSD, choose, paste whole or along seams), and the three
 * methods. Texture transfer (transfer.c) reuses the pass. */
#include <stdlib.h>
#include <string.h>

#include "masked_ssd.h"
#include "ob_dispatch.h"
#include "ob_philox.h"
#include "quilt_choose.h"
#include "quilt_impl.h"
#include "transfer_cost.h"

/* ---- kernels -------------------------------------------------------------- */

static ob_status ssd_cpu(float *cost, const float *sample, const float *templ, const float *weights, int c, int h,
                         int w, int th, int tw, int ov_top, int ov_left, const ob_launch_cfg *cfg)
{
    return ob_masked_ssd_cpu(cost, sample, templ, weights, c, h, w, th, tw, ov_top, ov_left);
}
static ob_status choose_cpu(int *chosen, const float *cost, int n, int tol, uint64_t seed, uint64_t draw,
                            const ob_launch_cfg *cfg)
{
    return ob_quilt_choose_cpu(chosen, cost, n, tol, seed, draw);
}
static ob_status xfer_cpu(float *cost, const float *ls, const float *lt, int h, int w, int ht, int wt, int ty, int tx,
                          int p, const ob_launch_cfg *cfg)
{
    return ob_transfer_cost_cpu(cost, ls, lt, h, w, ht, wt, ty, tx, p);
}
static ob_status err_cpu(float *e, const float *a, long long a_plane, long long a_row, const float *b,
                         long long b_plane, long long b_row, int c, int rows, int cols, const ob_launch_cfg *cfg)
{
    return ob_seam_error_cpu(e, a, a_plane, a_row, b, b_plane, b_row, c, rows, cols);
}
static ob_status dp_cpu(int *path, const float *e, int n, int rows, int cols, ob_seam_dir dir,
                        const ob_launch_cfg *cfg)
{
    return ob_seam_dp_cpu(path, e, n, rows, cols, dir);
}
static ob_status mask_cpu(float *mask, const int *vpath, const int *hpath, int ph, int pw, int ov_left, int ov_top,
                          const ob_launch_cfg *cfg)
{
    return ob_seam_mask_cpu(mask, vpath, hpath, ph, pw, ov_left, ov_top);
}

void ob_quilt_kernels_cpu(ob_quilt_kernels *k)
{
    memset(k, 0, sizeof *k);
    k->loc = OB_HOST;
    k->masked_ssd = ssd_cpu, k->choose = choose_cpu, k->transfer_cost = xfer_cpu;
    k->seam_error = err_cpu, k->seam_dp = dp_cpu, k->seam_mask = mask_cpu;
}

ob_status ob_quilt_kernels_for(ob_quilt_kernels *k, const ob_ctx *ctx)
{
    OB_REQUIRE(ctx, "quilt: no context (and no kernels in the options)");
    ob_quilt_kernels_cpu(k);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) return OB_OK;
#ifdef OB_HAVE_CUDA
    k->loc = OB_DEVICE;
    k->cfg = ob_ctx_launch_cfg(ctx);
    k->masked_ssd = ob_masked_ssd_cuda, k->choose = ob_quilt_choose_cuda, k->transfer_cost = ob_transfer_cost_cuda;
    return OB_OK;
#else
    return OB_FAIL(OB_ERR_UNSUPPORTED, "this obscura was built without CUDA");
#endif
}

ob_status ob_quilt_pick_kernels(const ob_quilt_kernels **k, ob_quilt_kernels *store, const ob_ctx *ctx,
                                const ob_quilt_opts *o)
{
    if (o->kernels) {
        *k = o->kernels;
        return OB_OK;
    }
    OB_TRY(ob_quilt_kernels_for(store, ctx));
    *k = store;
    return OB_OK;
}

/* ---- buffers where the kernels compute ----------------------------------- */

ob_status ob_qbuf_alloc(float **p, ob_location loc, size_t n)
{
    *p = NULL;
    if (loc == OB_DEVICE) return ob_device_malloc((void **)p, n * sizeof(float));
    *p = malloc((n ? n : 1) * sizeof(float));
    return *p ? OB_OK : OB_FAIL(OB_ERR_NOMEM, "quilt: out of memory (%zu floats)", n);
}

void ob_qbuf_free(float *p, ob_location loc)
{
    if (loc == OB_DEVICE) ob_device_free(p);
    else free(p);
}

ob_status ob_qbuf_put(const ob_quilt_kernels *k, float *dst, const float *src, size_t n)
{
    if (k->loc == OB_HOST) {
        if (dst != src) memcpy(dst, src, n * sizeof(float));
        return OB_OK;
    }
    /* on the kernels' (non-blocking) stream: after the kernels that still read
     * dst, before those that read it next; src may be reused on return */
    return ob_device_memcpy_on(k->cfg.stream, dst, OB_DEVICE, src, OB_HOST, n * sizeof(float));
}

ob_status ob_qbuf_get(const ob_quilt_kernels *k, float *dst, const float *src, size_t n)
{
    if (k->loc == OB_HOST) {
        if (dst != src) memcpy(dst, src, n * sizeof(float));
        return OB_OK;
    }
    /* waits for the kernels' stream; complete on return */
    return ob_device_memcpy_on(k->cfg.stream, dst, OB_HOST, src, OB_DEVICE, n * sizeof(float));
}

/* ---- checks ----------------------------------------------------------------- */

ob_status ob_quilt_check_image(const ob_tensor *t, const char *what, int max_c)
{
    OB_REQUIRE(t && t->ndim == 3 && t->dtype == OB_F32 && t->loc == OB_HOST && ob_tensor_is_contiguous(t),
               "quilt: %s must be a contiguous host float32 (C, H, W) image", what);
    OB_REQUIRE(t->shape[0] >= 1 && t->shape[0] <= max_c && t->shape[1] >= 1 && t->shape[2] >= 1 &&
                   t->shape[1] <= 1 << 20 && t->shape[2] <= 1 << 20,
               "quilt: %s is (%lld, %lld, %lld); it needs 1..%d channels and sides of 1..%d", what,
               (long long)t->shape[0], (long long)t->shape[1], (long long)t->shape[2], max_c, 1 << 20);
    return OB_OK;
}

ob_status ob_quilt_check_opts(const ob_quilt_opts *o, int h, int w, int out_w, int out_h, int need_overlap,
                              const char *what)
{
    OB_REQUIRE(o, "quilt: no options");
    const int p = o->patch;
    OB_REQUIRE(p >= 2, "%s: patch %d must be at least 2 pixels", what, p);
    OB_REQUIRE(p <= w && p <= h, "%s: patch %d is larger than the sample (%dx%d)", what, p, w, h);
    OB_REQUIRE(out_w >= p && out_h >= p, "%s: output %dx%d is smaller than a patch (%dx%d)", what, out_w, out_h, p, p);
    OB_REQUIRE(out_w <= 1 << 16 && out_h <= 1 << 16, "%s: output %dx%d is too large (at most 65536 a side)", what,
               out_w, out_h);
    if (need_overlap) {
        OB_REQUIRE(o->overlap >= 1 && o->overlap < p, "%s: overlap %d must be in 1..%d (smaller than the patch %d)",
                   what, o->overlap, p - 1, p);
        OB_REQUIRE(o->tol >= 1 && o->tol <= OB_QUILT_MAX_TOL, "%s: tol %d must be in 1..%d", what, o->tol,
                   OB_QUILT_MAX_TOL);
    }
    return OB_OK;
}

/* ---- grid and one synthesis pass --------------------------------------------- */

void ob_qgrid_init(ob_qgrid *g, int out_w, int out_h, int p, int step)
{
    g->step = step;
    g->nx = 1 + (out_w - p + step - 1) / step; /* out_w >= p */
    g->ny = 1 + (out_h - p + step - 1) / step;
    g->cw = (g->nx - 1) * step + p;
    g->ch = (g->ny - 1) * step + p;
}

ob_status ob_qsynth_init(ob_qsynth *s, const ob_quilt_kernels *k, const float *smp, const float *smp_k, int c, int h,
                         int w, int out_w, int out_h, int p, int ov, int tol, int cut, uint64_t seed, uint64_t pass)
{
    memset(s, 0, sizeof *s);
    s->k = k, s->smp = smp, s->smp_k = smp_k, s->c = c, s->h = h, s->w = w;
    s->p = p, s->ov = ov, s->tol = tol, s->cut = cut, s->seed = seed, s->pass = pass;
    ob_qgrid_init(&s->g, out_w, out_h, p, ov > 0 ? p - ov : p);
    const size_t pp = (size_t)c * p * p, ov1 = ov > 0 ? (size_t)ov : 1;
    s->canvas = calloc((size_t)c * s->g.ch * s->g.cw, sizeof(float));
    s->templ = malloc(pp * sizeof(float));
    s->err_l = malloc((size_t)p * ov1 * sizeof(float));
    s->err_t = malloc((size_t)p * ov1 * sizeof(float));
    s->mask = malloc((size_t)p * p * sizeof(float));
    s->vpath = malloc((size_t)p * sizeof(int));
    s->hpath = malloc((size_t)p * sizeof(int));
    if (!s->canvas || !s->templ || !s->err_l || !s->err_t || !s->mask || !s->vpath || !s->hpath)
        return OB_FAIL(OB_ERR_NOMEM, "quilt: out of memory for a %dx%d canvas", s->g.cw, s->g.ch);
    if (k->loc == OB_HOST) {
        s->templ_k = s->templ;
    } else {
        OB_TRY(ob_qbuf_alloc(&s->templ_k, k->loc, pp));
    }
    return ob_qbuf_alloc(&s->cost_k, k->loc, (size_t)(h - p + 1) * (w - p + 1));
}

void ob_qsynth_free(ob_qsynth *s)
{
    if (s->templ_k != s->templ) ob_qbuf_free(s->templ_k, s->k->loc);
    ob_qbuf_free(s->cost_k, s->k->loc);
    free(s->canvas), free(s->templ), free(s->err_l), free(s->err_t), free(s->mask), free(s->vpath), free(s->hpath);
    memset(s, 0, sizeof *s);
}

uint64_t ob_qsynth_draw(const ob_qsynth *s, int n) { return (s->pass << 32) | (uint64_t)(uint32_t)n; }

ob_status ob_qsynth_template(ob_qsynth *s, int oy, int ox)
{
    const int p = s->p, cw = s->g.cw;
    for (int ch = 0; ch < s->c; ch++)
        for (int i = 0; i < p; i++)
            memcpy(s->templ + ((size_t)ch * p + i) * p, s->canvas + ((size_t)ch * s->g.ch + oy + i) * cw + ox,
                   (size_t)p * sizeof(float));
    return ob_qbuf_put(s->k, s->templ_k, s->templ, (size_t)s->c * p * p);
}

ob_status ob_qsynth_overlap_ssd(ob_qsynth *s, int ov_top, int ov_left)
{
    return s->k->masked_ssd(s->cost_k, s->smp_k, s->templ_k, NULL, s->c, s->h, s->w, s->p, s->p, ov_top, ov_left,
                            &s->k->cfg);
}

/* mask <- the seam-cut mask of the patch at (sy, sx) against the canvas at (oy, ox). */
static ob_status seam_mask(ob_qsynth *s, int oy, int ox, int sy, int sx, int ov_top, int ov_left)
{
    const ob_quilt_kernels *k = s->k;
    const int p = s->p;
    const long long cplane = (long long)s->g.ch * s->g.cw, splane = (long long)s->h * s->w;
    const float *a = s->canvas + (size_t)oy * s->g.cw + ox, *b = s->smp + (size_t)sy * s->w + sx;
    if (ov_left) {
        OB_TRY(k->seam_error(s->err_l, a, cplane, s->g.cw, b, splane, s->w, s->c, p, ov_left, &k->cfg));
        OB_TRY(k->seam_dp(s->vpath, s->err_l, 1, p, ov_left, OB_SEAM_VERTICAL, &k->cfg));
    }
    if (ov_top) {
        OB_TRY(k->seam_error(s->err_t, a, cplane, s->g.cw, b, splane, s->w, s->c, ov_top, p, &k->cfg));
        OB_TRY(k->seam_dp(s->hpath, s->err_t, 1, ov_top, p, OB_SEAM_HORIZONTAL, &k->cfg));
    }
    return k->seam_mask(s->mask, ov_left ? s->vpath : NULL, ov_top ? s->hpath : NULL, p, p, ov_left, ov_top,
                        &k->cfg);
}

ob_status ob_qsynth_paste(ob_qsynth *s, int oy, int ox, int sy, int sx, int ov_top, int ov_left)
{
    const int p = s->p, cw = s->g.cw;
    const int cut = s->cut && (ov_top || ov_left);
    if (cut) OB_TRY(seam_mask(s, oy, ox, sy, sx, ov_top, ov_left));
    for (int ch = 0; ch < s->c; ch++)
        for (int i = 0; i < p; i++) {
            float *dst = s->canvas + ((size_t)ch * s->g.ch + oy + i) * cw + ox;
            const float *src = s->smp + ((size_t)ch * s->h + sy + i) * s->w + sx;
            if (!cut) {
                memcpy(dst, src, (size_t)p * sizeof(float));
                continue;
            }
            const float *m = s->mask + (size_t)i * p;
            for (int j = 0; j < p; j++)
                if (m[j] != 0.0f) dst[j] = src[j]; /* 0/1 mask: old or new, never a mix */
        }
    return OB_OK;
}

ob_status ob_qsynth_crop(const ob_qsynth *s, ob_tensor *out, int out_w, int out_h)
{
    int64_t shape[3] = {s->c, out_h, out_w};
    OB_TRY(ob_tensor_alloc(out, OB_F32, OB_HOST, 3, shape));
    float *o = ob_tensor_f32(out);
    for (int ch = 0; ch < s->c; ch++)
        for (int y = 0; y < out_h; y++)
            memcpy(o + ((size_t)ch * out_h + y) * out_w, s->canvas + ((size_t)ch * s->g.ch + y) * s->g.cw,
                   (size_t)out_w * sizeof(float));
    return OB_OK;
}

/* ---- the three methods ------------------------------------------------------ */

/* A uniform position among the ny * nx candidates (draw numbers: ob_quilt.h). */
static void uniform_pos(const ob_qsynth *s, int n, int *sy, int *sx)
{
    const uint32_t nx = (uint32_t)(s->w - s->p + 1), ny = (uint32_t)(s->h - s->p + 1);
    const uint32_t idx = ob_philox_below(s->seed, OB_RNG_STREAM_QUILT, OB_QUILT_DRAW_UNIFORM | ob_qsynth_draw(s, n),
                                         nx * ny);
    *sy = (int)(idx / nx), *sx = (int)(idx % nx);
}

/* Walk the grid row by row: the first patch uniform (or the corner), then each
 * the choice among the tol best overlap SSDs (random: every patch uniform). */
static ob_status synthesize(ob_qsynth *s, int random, int first_corner)
{
    const int nx_c = s->w - s->p + 1;
    int n = 0;
    for (int r = 0; r < s->g.ny; r++)
        for (int q = 0; q < s->g.nx; q++, n++) {
            const int oy = r * s->g.step, ox = q * s->g.step;
            const int ov_top = random || r == 0 ? 0 : s->ov, ov_left = random || q == 0 ? 0 : s->ov;
            int sy = 0, sx = 0;
            if (!ov_top && !ov_left) {
                if (!(n == 0 && first_corner)) uniform_pos(s, n, &sy, &sx);
            } else {
                int idx;
                OB_TRY(ob_qsynth_template(s, oy, ox));
                OB_TRY(ob_qsynth_overlap_ssd(s, ov_top, ov_left));
                OB_TRY(s->k->choose(&idx, s->cost_k, (s->h - s->p + 1) * nx_c, s->tol, s->seed, ob_qsynth_draw(s, n),
                                    &s->k->cfg));
                sy = idx / nx_c, sx = idx % nx_c;
            }
            OB_TRY(ob_qsynth_paste(s, oy, ox, sy, sx, ov_top, ov_left));
        }
    return OB_OK;
}

static ob_status quilt_run(ob_ctx *ctx, ob_tensor *out, const ob_tensor *sample, int out_w, int out_h,
                           const ob_quilt_opts *o, ob_quilt_method m)
{
    static const char *names[] = {"quilt_random", "quilt_simple", "quilt_cut"};
    OB_REQUIRE(out, "quilt: no output tensor");
    memset(out, 0, sizeof *out);
    OB_TRY(ob_quilt_check_image(sample, "the sample", 1 << 16));
    const int c = (int)sample->shape[0], h = (int)sample->shape[1], w = (int)sample->shape[2];
    OB_TRY(ob_quilt_check_opts(o, h, w, out_w, out_h, m != OB_QUILT_RANDOM, names[m]));
    ob_quilt_kernels store;
    const ob_quilt_kernels *k;
    OB_TRY(ob_quilt_pick_kernels(&k, &store, ctx, o));
    const size_t n = (size_t)c * h * w;
    const float *smp = ob_tensor_f32(sample);
    float *smp_k = NULL;
    ob_qsynth s = {.k = k};
    ob_status st = OB_OK;
    if (k->loc != OB_HOST && m != OB_QUILT_RANDOM) {
        st = ob_qbuf_alloc(&smp_k, k->loc, n);
        if (st == OB_OK) st = ob_qbuf_put(k, smp_k, smp, n);
    }
    if (st == OB_OK)
        st = ob_qsynth_init(&s, k, smp, smp_k ? smp_k : smp, c, h, w, out_w, out_h, o->patch,
                            m == OB_QUILT_RANDOM ? 0 : o->overlap, m == OB_QUILT_RANDOM ? 1 : o->tol,
                            m == OB_QUILT_CUT, o->seed, 0);
    if (st == OB_OK) st = synthesize(&s, m == OB_QUILT_RANDOM, o->first_corner);
    if (st == OB_OK) st = ob_qsynth_crop(&s, out, out_w, out_h);
    ob_qsynth_free(&s);
    if (smp_k) ob_qbuf_free(smp_k, k->loc);
    if (st != OB_OK) ob_tensor_free(out);
    return st;
}

ob_status ob_quilt_random(ob_ctx *ctx, ob_tensor *out, const ob_tensor *sample, int out_w, int out_h,
                          const ob_quilt_opts *o)
{
    return quilt_run(ctx, out, sample, out_w, out_h, o, OB_QUILT_RANDOM);
}

ob_status ob_quilt_simple(ob_ctx *ctx, ob_tensor *out, const ob_tensor *sample, int out_w, int out_h,
                          const ob_quilt_opts *o)
{
    return quilt_run(ctx, out, sample, out_w, out_h, o, OB_QUILT_SIMPLE);
}

ob_status ob_quilt_cut(ob_ctx *ctx, ob_tensor *out, const ob_tensor *sample, int out_w, int out_h,
                       const ob_quilt_opts *o)
{
    return quilt_run(ctx, out, sample, out_w, out_h, o, OB_QUILT_CUT);
}

ob_status ob_quilt(ob_ctx *ctx, ob_tensor *out, const ob_tensor *sample, int out_w, int out_h, ob_quilt_method m,
                   const ob_quilt_opts *o)
{
    OB_REQUIRE(m == OB_QUILT_RANDOM || m == OB_QUILT_SIMPLE || m == OB_QUILT_CUT, "quilt: unknown method %d", (int)m);
    return quilt_run(ctx, out, sample, out_w, out_h, o, m);
}

void ob_quilt_opts_init(ob_quilt_opts *o)
{
    memset(o, 0, sizeof *o);
    o->patch = 31, o->overlap = 6, o->tol = 3, o->seed = 0, o->alpha = 0.5f, o->iterations = 1;
}

static const char *const method_names[] = {"random", "simple", "cut"};

ob_status ob_quilt_method_parse(ob_quilt_method *m, const char *name)
{
    for (int i = 0; i < 3; i++)
        if (name && strcmp(name, method_names[i]) == 0) {
            *m = (ob_quilt_method)i;
            return OB_OK;
        }
    return OB_FAIL(OB_ERR_ARG, "quilt: method '%s' is not one of random, simple, cut", name ? name : "(null)");
}

const char *ob_quilt_method_name(ob_quilt_method m)
{
    return (unsigned)m < 3 ? method_names[m] : "?";
}
