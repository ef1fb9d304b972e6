/* transfer.c — texture transfer (Efros & Freeman 2001, section 3; ob_quilt.h):
 * quilting passes whose cost adds the correspondence with the target's blurred
 * luminance and, after the first pass, the previous pass's output. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quilt_choose.h"
#include "quilt_impl.h"
#include "transfer_cost.h"

typedef struct {
    float *smp_k, *ls_k, *lt_k, *corr_k;   /* at loc (host: aliases or own) */
    float *ssd_h, *corr_h, *prev_h, *cost_h; /* host surfaces */
    ob_tensor ls, lt;                       /* host luminance maps (1, H, W) */
    ob_tensor prev;                         /* host output of the previous pass */
} xfer_work;

static void work_free(xfer_work *x, ob_location loc)
{
    if (loc != OB_HOST) {
        ob_qbuf_free(x->smp_k, loc), ob_qbuf_free(x->ls_k, loc), ob_qbuf_free(x->lt_k, loc);
        ob_qbuf_free(x->corr_k, loc);
    } else {
        free(x->corr_k);
    }
    free(x->ssd_h), free(x->corr_h), free(x->prev_h), free(x->cost_h);
    ob_tensor_free(&x->ls), ob_tensor_free(&x->lt), ob_tensor_free(&x->prev);
}

/* Pass i (1-based) of n: patch, overlap, alpha (ob_quilt.h). */
static void pass_params(const ob_quilt_opts *o, int i, int *p, int *ov, float *alpha)
{
    int q = o->patch;
    for (int k = 1; k < i; k++) q -= q / 3;
    int v = (int)lround((double)o->overlap * q / o->patch);
    v = v < 1 ? 1 : v >= q ? q - 1 : v;
    *p = q, *ov = v;
    *alpha = o->iterations > 1 ? 0.8f * (float)(i - 1) / (float)(o->iterations - 1) + 0.1f : o->alpha;
}

/* Blurred luminance of both images (CPU: once per call, small next to the passes). */
static ob_status luminance(xfer_work *x, const ob_tensor *sample, const ob_tensor *target)
{
    ob_ctx *cpu = NULL;
    OB_TRY(ob_ctx_create(&cpu, OB_BACKEND_CPU, 0));
    int64_t ss[3] = {1, sample->shape[1], sample->shape[2]}, ts[3] = {1, target->shape[1], target->shape[2]};
    ob_status st = ob_tensor_alloc(&x->ls, OB_F32, OB_HOST, 3, ss);
    if (st == OB_OK) st = ob_tensor_alloc(&x->lt, OB_F32, OB_HOST, 3, ts);
    if (st == OB_OK) st = ob_transfer_luminance(cpu, &x->ls, sample);
    if (st == OB_OK) st = ob_transfer_luminance(cpu, &x->lt, target);
    ob_ctx_destroy(cpu);
    return st;
}

/* templ <- the previous output's patch at (oy, ox), edge-extended past its border. */
static ob_status prev_template(ob_qsynth *s, const ob_tensor *prev, int oy, int ox)
{
    const int p = s->p, ph = (int)prev->shape[1], pw = (int)prev->shape[2];
    const float *src = ob_tensor_f32(prev);
    for (int ch = 0; ch < s->c; ch++)
        for (int i = 0; i < p; i++) {
            const int y = oy + i < ph ? oy + i : ph - 1;
            for (int j = 0; j < p; j++) {
                const int xx = ox + j < pw ? ox + j : pw - 1;
                s->templ[((size_t)ch * p + i) * p + j] = src[((size_t)ch * ph + y) * pw + xx];
            }
        }
    return ob_qbuf_put(s->k, s->templ_k, s->templ, (size_t)s->c * p * p);
}

/* cost_h <- alpha (overlap SSD + prev SSD) + (1 - alpha) corr of the patch at (oy, ox). */
static ob_status patch_cost(ob_qsynth *s, xfer_work *x, int oy, int ox, int ov_top, int ov_left, float alpha,
                            int ht, int wt)
{
    const ob_quilt_kernels *k = s->k;
    const size_t n = (size_t)(s->h - s->p + 1) * (s->w - s->p + 1);
    OB_TRY(k->transfer_cost(x->corr_k, x->ls_k, x->lt_k, s->h, s->w, ht, wt, oy, ox, s->p, &k->cfg));
    OB_TRY(ob_qbuf_get(k, x->corr_h, x->corr_k, n));
    memset(x->ssd_h, 0, n * sizeof(float));
    memset(x->prev_h, 0, n * sizeof(float));
    if (ov_top || ov_left) {
        OB_TRY(ob_qsynth_template(s, oy, ox));
        OB_TRY(ob_qsynth_overlap_ssd(s, ov_top, ov_left));
        OB_TRY(ob_qbuf_get(k, x->ssd_h, s->cost_k, n));
    }
    if (x->prev.data) {
        OB_TRY(prev_template(s, &x->prev, oy, ox));
        OB_TRY(ob_qsynth_overlap_ssd(s, s->p, 0)); /* the whole patch */
        OB_TRY(ob_qbuf_get(k, x->prev_h, s->cost_k, n));
    }
    for (size_t i = 0; i < n; i++) x->cost_h[i] = alpha * (x->ssd_h[i] + x->prev_h[i]) + (1.0f - alpha) * x->corr_h[i];
    return OB_OK;
}

static ob_status one_pass(ob_qsynth *s, xfer_work *x, float alpha, int ht, int wt)
{
    const ob_quilt_kernels *k = s->k;
    const int nx_c = s->w - s->p + 1, n_c = (s->h - s->p + 1) * nx_c;
    int n = 0;
    for (int r = 0; r < s->g.ny; r++)
        for (int q = 0; q < s->g.nx; q++, n++) {
            const int oy = r * s->g.step, ox = q * s->g.step;
            const int ov_top = r ? s->ov : 0, ov_left = q ? s->ov : 0;
            int idx;
            OB_TRY(patch_cost(s, x, oy, ox, ov_top, ov_left, alpha, ht, wt));
            /* the mixed surface is on the host: choose there unless the kernels are host ones */
            if (k->loc == OB_HOST) OB_TRY(k->choose(&idx, x->cost_h, n_c, s->tol, s->seed, ob_qsynth_draw(s, n), &k->cfg));
            else OB_TRY(ob_quilt_choose_cpu(&idx, x->cost_h, n_c, s->tol, s->seed, ob_qsynth_draw(s, n)));
            OB_TRY(ob_qsynth_paste(s, oy, ox, idx / nx_c, idx % nx_c, ov_top, ov_left));
        }
    return OB_OK;
}

static ob_status check(const ob_tensor *sample, const ob_tensor *target, const ob_quilt_opts *o)
{
    OB_TRY(ob_quilt_check_image(sample, "the texture sample", 4));
    OB_TRY(ob_quilt_check_image(target, "the target", 4));
    OB_REQUIRE(o, "texture_transfer: no options");
    OB_REQUIRE(o->alpha >= 0.0f && o->alpha <= 1.0f, "texture_transfer: alpha %g must be in [0, 1]", (double)o->alpha);
    OB_REQUIRE(o->iterations >= 1 && o->iterations <= OB_QUILT_MAX_ITERATIONS,
               "texture_transfer: iterations %d must be in 1..%d", o->iterations, OB_QUILT_MAX_ITERATIONS);
    return ob_quilt_check_opts(o, (int)sample->shape[1], (int)sample->shape[2], (int)target->shape[2],
                               (int)target->shape[1], 1, "texture_transfer");
}

static ob_status setup(xfer_work *x, const ob_quilt_kernels *k, const ob_tensor *sample, const ob_tensor *target)
{
    const size_t ns = (size_t)ob_tensor_numel(sample), nl = (size_t)sample->shape[1] * sample->shape[2];
    const size_t nt = (size_t)target->shape[1] * target->shape[2];
    OB_TRY(luminance(x, sample, target));
    x->ssd_h = malloc(nl * sizeof(float)), x->corr_h = malloc(nl * sizeof(float));
    x->prev_h = malloc(nl * sizeof(float)), x->cost_h = malloc(nl * sizeof(float));
    if (!x->ssd_h || !x->corr_h || !x->prev_h || !x->cost_h) return OB_FAIL(OB_ERR_NOMEM, "transfer: out of memory");
    OB_TRY(ob_qbuf_alloc(&x->corr_k, k->loc, nl));
    if (k->loc == OB_HOST) {
        x->smp_k = ob_tensor_f32(sample), x->ls_k = ob_tensor_f32(&x->ls), x->lt_k = ob_tensor_f32(&x->lt);
        return OB_OK;
    }
    OB_TRY(ob_qbuf_alloc(&x->smp_k, k->loc, ns));
    OB_TRY(ob_qbuf_alloc(&x->ls_k, k->loc, nl));
    OB_TRY(ob_qbuf_alloc(&x->lt_k, k->loc, nt));
    OB_TRY(ob_qbuf_put(k, x->smp_k, ob_tensor_f32(sample), ns));
    OB_TRY(ob_qbuf_put(k, x->ls_k, ob_tensor_f32(&x->ls), nl));
    return ob_qbuf_put(k, x->lt_k, ob_tensor_f32(&x->lt), nt);
}

static ob_status passes(xfer_work *x, const ob_quilt_kernels *k, ob_tensor *out, const ob_tensor *sample,
                        const ob_tensor *target, const ob_quilt_opts *o)
{
    const int c = (int)sample->shape[0], h = (int)sample->shape[1], w = (int)sample->shape[2];
    const int ht = (int)target->shape[1], wt = (int)target->shape[2];
    for (int i = 1; i <= o->iterations; i++) {
        int p, ov;
        float alpha;
        pass_params(o, i, &p, &ov, &alpha);
        ob_qsynth s = {.k = k};
        ob_tensor next = {0};
        ob_status st = ob_qsynth_init(&s, k, ob_tensor_f32(sample), x->smp_k, c, h, w, wt, ht, p, ov, o->tol, 1,
                                      o->seed, (uint64_t)(i - 1));
        if (st == OB_OK) st = one_pass(&s, x, alpha, ht, wt);
        if (st == OB_OK) st = ob_qsynth_crop(&s, &next, wt, ht);
        ob_qsynth_free(&s);
        if (st != OB_OK) return st;
        ob_tensor_free(&x->prev);
        x->prev = next;
    }
    *out = x->prev;
    memset(&x->prev, 0, sizeof x->prev);
    return OB_OK;
}

ob_status ob_texture_transfer(ob_ctx *ctx, ob_tensor *out, const ob_tensor *sample, const ob_tensor *target,
                              const ob_quilt_opts *o)
{
    OB_REQUIRE(out, "texture_transfer: no output tensor");
    memset(out, 0, sizeof *out);
    OB_TRY(check(sample, target, o));
    ob_quilt_kernels store;
    const ob_quilt_kernels *k;
    OB_TRY(ob_quilt_pick_kernels(&k, &store, ctx, o));
    xfer_work x = {0};
    ob_status st = setup(&x, k, sample, target);
    if (st == OB_OK) st = passes(&x, k, out, sample, target, o);
    work_free(&x, k->loc);
    return st;
}
