/* hdr_response.c — response recovery (sampling, then one least-squares solve
 * per channel) and the radiance merge over a stack of host images; see
 * ob_hdr_response.h for the contract and the sampling scheme. */
#include "ob_hdr_response.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hdr_merge.h"
#include "ob_philox.h"
#include "response_solve.h"

#define INELIGIBLE 0xFFFFu

ob_response_opts ob_response_opts_default(void)
{
    ob_response_opts o = {OB_HDR_DEFAULT_BINS, 10.0, 1024, 0, 0};
    return o;
}

static ob_status check_opts(const ob_response_opts *o)
{
    OB_TRY(ob_hdr_check_bins(o->n_bins, "response"));
    OB_REQUIRE(o->samples >= 2 && o->samples <= (1 << 24),
               "response: samples = %d; need 2 to 2^24 pixels per channel (default 1024)", o->samples);
    OB_REQUIRE(isfinite(o->lambda) && o->lambda >= 0,
               "response: lambda = %g; the smoothness weight must be finite and >= 0 (default 10)", o->lambda);
    return OB_OK;
}

ob_status ob_hdr_stack_check(int *c, int *h, int *w, const ob_tensor *const *stack, const double *times,
                             int n_exposures, const char *who)
{
    char s0[64], sj[64];
    OB_TRY(ob_hdr_check_times(times, n_exposures, who));
    OB_REQUIRE(stack, "%s: no images", who);
    for (int j = 0; j < n_exposures; j++) {
        const ob_tensor *t = stack[j];
        OB_REQUIRE(t && t->data, "%s: exposure %d is missing", who, j);
        OB_REQUIRE((t->dtype == OB_F32 || t->dtype == OB_U8 || t->dtype == OB_U16) && t->loc == OB_HOST &&
                       t->ndim == 3 && ob_tensor_is_contiguous(t),
                   "%s: exposure %d must be a contiguous host float32, u8 or u16 (C, H, W) image, got %s %dd %s", who,
                   j, ob_dtype_name(t->dtype), t->ndim, ob_tensor_shape_str(t, sj, sizeof sj));
        OB_REQUIRE(t->dtype == stack[0]->dtype, "%s: exposure %d is %s but exposure 0 is %s (one sample type per stack)",
                   who, j, ob_dtype_name(t->dtype), ob_dtype_name(stack[0]->dtype));
        OB_REQUIRE(ob_tensor_same_shape(t, stack[0]),
                   "%s: images of different sizes: exposure %d is %s but exposure 0 is %s (C, H, W)", who, j,
                   ob_tensor_shape_str(t, sj, sizeof sj), ob_tensor_shape_str(stack[0], s0, sizeof s0));
    }
    const ob_tensor *t = stack[0];
    OB_REQUIRE(t->shape[0] >= 1 && t->shape[0] <= 65535 && t->shape[1] >= 1 && t->shape[2] >= 1 &&
                   t->shape[1] * t->shape[2] < ((int64_t)1 << 32),
               "%s: unsupported image shape %s", who, ob_tensor_shape_str(t, s0, sizeof s0));
    *c = (int)t->shape[0], *h = (int)t->shape[1], *w = (int)t->shape[2];
    return OB_OK;
}

/* ---- sampling -------------------------------------------------------------- */

/* One channel plane of every exposure, in any of the stack's sample types. */
typedef struct {
    const void *plane[OB_HDR_MAX_EXPOSURES];
    ob_dtype dtype;
    const uint16_t *bins; /* u8/u16: ob_hdr_sample_bins' table */
} plane_set;

static inline int bin_at(const plane_set *p, int j, size_t i, int n_bins)
{
    switch (p->dtype) {
    case OB_U8: return p->bins[((const uint8_t *)p->plane[j])[i]];
    case OB_U16: return p->bins[((const uint16_t *)p->plane[j])[i]];
    default: return ob_hdr_bin(((const float *)p->plane[j])[i], n_bins);
    }
}

/* intensity[i] <- pixel i's mean bin over the stack, or INELIGIBLE when fewer
 * than two exposures see it unclipped. */
static void intensity_map(uint16_t *intensity, const plane_set *plane, int n_exp, size_t n, int n_bins)
{
    if (plane->dtype == OB_U8 && n_bins == 256) { /* bin = sample: exposure by exposure, in vectorised rows */
        enum { CHUNK = 4096 };
#pragma omp parallel for schedule(static) if (n * n_exp > (1 << 20))
        for (long long c0 = 0; c0 < (long long)n; c0 += CHUNK) {
            const int len = (int)((size_t)c0 + CHUNK <= n ? CHUNK : n - (size_t)c0);
            uint16_t sum[CHUNK], usable[CHUNK];
            memset(sum, 0, sizeof sum), memset(usable, 0, sizeof usable);
            for (int j = 0; j < n_exp; j++) {
                const uint8_t *z = (const uint8_t *)plane->plane[j] + c0;
                for (int t = 0; t < len; t++) sum[t] += z[t], usable[t] += z[t] > 0 && z[t] < 255;
            }
            for (int t = 0; t < len; t++)
                intensity[c0 + t] = usable[t] >= 2 ? (uint16_t)((sum[t] + n_exp / 2) / n_exp) : (uint16_t)INELIGIBLE;
        }
        return;
    }
#pragma omp parallel for schedule(static) if (n * n_exp > (1 << 20))
    for (long long i = 0; i < (long long)n; i++) {
        int sum = 0, usable = 0;
        for (int j = 0; j < n_exp; j++) {
            const int z = bin_at(plane, j, (size_t)i, n_bins);
            sum += z;
            usable += ob_hdr_hat(z, n_bins) > 0;
        }
        intensity[i] = usable >= 2 ? (uint16_t)((sum + n_exp / 2) / n_exp) : (uint16_t)INELIGIBLE;
    }
}

/* Water-filling: quota[k] = min(count[k], L) with the largest level L that
 * fits in `samples`, and the remainder one each to strata with count > L,
 * spread evenly over them. */
static void share_samples(int *quota, const size_t *count, int strata, int samples)
{
    size_t lo = 0, hi = 0;
    for (int k = 0; k < strata; k++) hi = count[k] > hi ? count[k] : hi;
    while (lo < hi) { /* largest L with sum_k min(count_k, L) <= samples */
        const size_t mid = lo + (hi - lo + 1) / 2;
        size_t used = 0;
        for (int k = 0; k < strata; k++) used += count[k] < mid ? count[k] : mid;
        if (used <= (size_t)samples) lo = mid;
        else hi = mid - 1;
    }
    int used = 0, over = 0;
    for (int k = 0; k < strata; k++) {
        quota[k] = (int)(count[k] < lo ? count[k] : lo);
        used += quota[k];
        over += count[k] > lo;
    }
    /* extra < over: level lo + 1 would not fit (unless every pixel is taken:
     * then over = 0). Candidate s of `over` gets one where floor(s extra /
     * over) steps, which hands out exactly `extra`, evenly spread. */
    const long long extra = samples - used;
    for (int k = 0, s = 0; k < strata && over > 0; k++) {
        if (count[k] <= lo) continue;
        if ((s + 1) * extra / over != s * extra / over) quota[k]++;
        s++;
    }
}

ob_status ob_response_sample(uint16_t *z, int *n_got, const ob_tensor *const *stack, int n_exposures, int channel,
                             const ob_response_opts *opts)
{
    OB_REQUIRE(z && n_got && opts, "response: null argument");
    OB_TRY(check_opts(opts));
    OB_REQUIRE(stack && n_exposures >= 2 && n_exposures <= OB_HDR_MAX_EXPOSURES && stack[0],
               "response: need 2 to %d exposures", OB_HDR_MAX_EXPOSURES);
    const int nb = opts->n_bins, J = n_exposures;
    OB_REQUIRE(channel >= 0 && channel < stack[0]->shape[0], "response: no channel %d", channel);
    const size_t n = (size_t)stack[0]->shape[1] * (size_t)stack[0]->shape[2];
    uint16_t *bins = NULL;
    plane_set planes = {.dtype = stack[0]->dtype};
    const size_t esize = ob_dtype_size(planes.dtype);
    if (planes.dtype != OB_F32) {
        OB_REQUIRE(bins = malloc(sizeof(uint16_t) * 65536), "response: out of memory");
        ob_status bs = ob_hdr_sample_bins(bins, planes.dtype, nb);
        if (bs != OB_OK) {
            free(bins);
            return bs;
        }
        planes.bins = bins;
    }
    for (int j = 0; j < J; j++) planes.plane[j] = (const char *)stack[j]->data + (size_t)channel * n * esize;

    const int strata = opts->samples < nb ? opts->samples : nb;
    uint16_t *intensity = malloc(sizeof(uint16_t) * n);
    uint32_t *order = malloc(sizeof(uint32_t) * n);
    size_t *start = calloc((size_t)nb + 1, sizeof(size_t)), *count = calloc((size_t)strata, sizeof(size_t));
    int *quota = malloc(sizeof(int) * (size_t)strata);
    ob_status st = OB_OK;
    if (!intensity || !order || !start || !count || !quota) {
        st = OB_FAIL(OB_ERR_NOMEM, "response: no memory to sample %zu pixels", n);
        goto done;
    }
    intensity_map(intensity, &planes, J, n, nb);
    /* counting sort of the eligible pixels by intensity (raster order within a bin) */
    for (size_t i = 0; i < n; i++)
        if (intensity[i] != INELIGIBLE) start[intensity[i] + 1]++;
    for (int b = 0; b < nb; b++) start[b + 1] += start[b];
    for (size_t i = 0; i < n; i++)
        if (intensity[i] != INELIGIBLE) order[start[intensity[i]]++] = (uint32_t)i;
    for (int b = nb; b > 0; b--) start[b] = start[b - 1]; /* restore the bin starts */
    start[0] = 0;
    /* stratum k: bins [k nb / strata, (k+1) nb / strata) */
    for (int k = 0; k < strata; k++)
        count[k] = start[(size_t)(k + 1) * nb / strata] - start[(size_t)k * nb / strata];
    share_samples(quota, count, strata, opts->samples);
    int row = 0;
    for (int k = 0; k < strata; k++) {
        uint32_t *slice = order + start[(size_t)k * nb / strata];
        for (int t = 0; t < quota[k]; t++) { /* partial Fisher–Yates */
            const uint64_t ctr = ((uint64_t)channel << 48) | ((uint64_t)k << 32) | (uint64_t)t;
            const size_t r = t + ob_philox_below(opts->seed, OB_RNG_STREAM_HDR_SAMPLES, ctr,
                                                 (uint32_t)(count[k] - (size_t)t));
            const uint32_t pick = slice[r];
            slice[r] = slice[t], slice[t] = pick;
            for (int j = 0; j < J; j++) z[(size_t)row * J + j] = (uint16_t)bin_at(&planes, j, pick, nb);
            row++;
        }
    }
    *n_got = row;
done:
    free(intensity), free(order), free(start), free(count), free(quota), free(bins);
    return st;
}

/* ---- recovery and merge ----------------------------------------------------- */

ob_status ob_response_recover(ob_ctx *ctx, float *g, const ob_tensor *const *stack, const double *times,
                              int n_exposures, const ob_response_opts *opts)
{
    const ob_response_opts o = opts ? *opts : ob_response_opts_default();
    int c, h, w;
    OB_REQUIRE(g, "response: no output buffer for g");
    OB_TRY(check_opts(&o));
    OB_TRY(ob_hdr_stack_check(&c, &h, &w, stack, times, n_exposures, "response"));
    const int nb = o.n_bins;
    uint16_t *z = malloc(sizeof(uint16_t) * (size_t)o.samples * n_exposures);
    double *gd = malloc(sizeof(double) * (size_t)nb), ln_t[OB_HDR_MAX_EXPOSURES];
    ob_status st = z && gd ? OB_OK : OB_FAIL(OB_ERR_NOMEM, "response: no memory for %d samples", o.samples);
    for (int j = 0; j < n_exposures; j++) ln_t[j] = log(times[j]);
    for (int ch = 0; ch < c && st == OB_OK; ch++) {
        int got = 0;
        st = ob_response_sample(z, &got, stack, n_exposures, ch, &o);
        if (st == OB_OK && got < 2)
            st = OB_FAIL(OB_ERR_ARG,
                         "response: channel %d has %d pixel(s) unclipped in two exposures; the stack says "
                         "nothing about the response (are the exposures all black, all white, or identical?)",
                         ch, got);
        if (st != OB_OK) break;
        const ob_response_problem pb = {.z = z, .ln_t = ln_t, .n_samples = got, .n_exp = n_exposures, .n_bins = nb,
                                        .lambda = o.lambda, .free_curve = o.free_curve};
        st = ob_response_solve(ctx, gd, &pb);
        for (int b = 0; st == OB_OK && b < nb; b++) g[(size_t)ch * nb + b] = (float)gd[b];
    }
    free(z), free(gd);
    return st;
}

/* The merge on the device: upload the stack, merge, read back. */
static ob_status merge_on_device(ob_ctx *ctx, ob_tensor *out, const ob_tensor *const *stack, const double *times,
                                 int n_exposures, const float *g, int n_bins)
{
    ob_tensor dev[OB_HDR_MAX_EXPOSURES], dout = {0}, f32 = {0};
    const ob_tensor *ptr[OB_HDR_MAX_EXPOSURES];
    memset(dev, 0, sizeof dev);
    ob_status st = ob_tensor_alloc(&dout, OB_F32, OB_DEVICE, 3, out->shape);
    for (int j = 0; j < n_exposures && st == OB_OK; j++) {
        if (stack[j]->dtype == OB_F32) {
            st = ob_tensor_clone_to(&dev[j], stack[j], OB_DEVICE);
        } else { /* the kernel merges floats: one exposure converted at a time */
            st = ob_tensor_ensure(&f32, OB_F32, OB_HOST, 3, stack[j]->shape);
            if (st == OB_OK) ob_samples_to_unit(ob_tensor_f32(&f32), stack[j]);
            if (st == OB_OK) st = ob_tensor_clone_to(&dev[j], &f32, OB_DEVICE);
        }
        ptr[j] = &dev[j];
    }
    ob_tensor_free(&f32);
    if (st == OB_OK) st = ob_hdr_merge(ctx, &dout, ptr, times, n_exposures, g, n_bins);
    if (st == OB_OK) st = ob_tensor_copy(out, &dout);
    for (int j = 0; j < n_exposures; j++) ob_tensor_free(&dev[j]);
    ob_tensor_free(&dout);
    return st;
}

/* 8/16-bit stacks on the host: hdr_merge.h's sample merge over chunks of rows. */
static ob_status merge_samples(ob_tensor *out, const ob_tensor *const *stack, const double *times, int n_exposures,
                               const float *g, int n_bins)
{
    const int c = (int)out->shape[0];
    const size_t n = (size_t)out->shape[1] * out->shape[2], esize = ob_dtype_size(stack[0]->dtype);
    uint16_t *bins = malloc(sizeof(uint16_t) * 65536);
    OB_REQUIRE(bins, "radiance merge: out of memory");
    ob_status st = ob_hdr_sample_bins(bins, stack[0]->dtype, n_bins);
    const long long chunk = 1 << 15, chunks = (long long)((n + chunk - 1) / chunk);
    int failed = 0;
#pragma omp parallel for schedule(static) reduction(| : failed) if (chunks > 1)
    for (long long k = 0; k < chunks; k++) {
        if (st != OB_OK) continue;
        const size_t lo = (size_t)(k * chunk), len = lo + chunk < n ? (size_t)chunk : n - lo;
        const void *img[OB_HDR_MAX_EXPOSURES];
        for (int j = 0; j < n_exposures; j++) img[j] = (const char *)stack[j]->data + lo * esize;
        failed |= ob_hdr_merge_samples_cpu(ob_tensor_f32(out) + lo, n, img, n, stack[0]->dtype, bins, times,
                                           n_exposures, c, len, g, n_bins) != OB_OK;
    }
    free(bins);
    if (st == OB_OK && failed) st = OB_FAIL(OB_ERR_INTERNAL, "radiance merge: a chunk failed");
    return st;
}

ob_status ob_radiance_merge(ob_ctx *ctx, ob_tensor *ln_radiance, const ob_tensor *const *stack, const double *times,
                            int n_exposures, const float *g, int n_bins)
{
    int c, h, w;
    OB_REQUIRE(ln_radiance && g, "radiance merge: null argument");
    memset(ln_radiance, 0, sizeof *ln_radiance);
    OB_TRY(ob_hdr_stack_check(&c, &h, &w, stack, times, n_exposures, "radiance merge"));
    OB_TRY(ob_hdr_check_bins(n_bins, "radiance merge"));
    for (size_t k = 0; k < (size_t)c * n_bins; k++)
        OB_REQUIRE(isfinite(g[k]), "radiance merge: response g[channel %zu][bin %zu] = %g is not finite",
                   k / n_bins, k % n_bins, g[k]);
    const int64_t shape[3] = {c, h, w};
    OB_TRY(ob_tensor_alloc(ln_radiance, OB_F32, OB_HOST, 3, shape));
    ob_status st = ob_ctx_location(ctx) != OB_HOST ? merge_on_device(ctx, ln_radiance, stack, times, n_exposures, g, n_bins)
                   : stack[0]->dtype == OB_F32 ? ob_hdr_merge(ctx, ln_radiance, stack, times, n_exposures, g, n_bins)
                                               : merge_samples(ln_radiance, stack, times, n_exposures, g, n_bins);
    if (st != OB_OK) ob_tensor_free(ln_radiance);
    return st;
}
