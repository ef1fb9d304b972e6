/* test_hdr_stream.c — the streamed CPU merge and tone maps (ob_hdr_stream.h)
 * against the stage-by-stage path on the same stack: the float merge
 * (ob_radiance_merge of the stack as floats) and ob_image_tonemap's three
 * operators quantised as ob_image_write does. Stacks are rendered from a
 * synthetic radiance (ob_hdr_synth.h) through an sRGB camera, 8 and 16 bits,
 * colour and gray. Tolerances: radiance 1e-6 relative (the same sums,
 * contraction aside); displays within 1 code everywhere, and at most 0.2% of
 * samples 1 code off (the log-average is summed in a different order).
 * Also: releasing the stack's pages during the merge changes nothing, and the
 * sample merge (hdr_merge.h) equals the float merge. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdr_merge.h"
#include "ob_hdr_response.h"
#include "ob_hdr_stream.h"
#include "ob_hdr_synth.h"
#include "ob_test.h"
#include "ob_tonemap.h"
#include "tonemap.h"

enum { N_EXP = 5, W = 203, H = 77 };

static ob_ctx *ctx;

/* stack[j] (C, H, W) u8/u16 samples and a float copy of each, from one render. */
static void render(ob_tensor *stack, ob_tensor *as_float, int bits, int channels, double *times)
{
    ob_tensor e, frames[N_EXP];
    ob_camera cam = {2.2, 1.0, 0.004, bits, 1};
    OB_CHECK_OK(ob_synth_radiance(&e, W, H, 14));
    if (channels == 1) e.shape[0] = 1; /* its first plane: a gray radiance */
    OB_CHECK_OK(ob_bracket_times(times, N_EXP, 2.0, &e, &cam));
    OB_CHECK_OK(ob_render_stack(frames, &e, times, N_EXP, &cam, 7));
    for (int j = 0; j < N_EXP; j++) {
        const int64_t shape[3] = {channels, H, W};
        OB_CHECK_OK(ob_tensor_alloc(&stack[j], bits == 16 ? OB_U16 : OB_U8, OB_HOST, 3, shape));
        OB_CHECK_OK(ob_tensor_alloc(&as_float[j], OB_F32, OB_HOST, 3, shape));
        const float *v = ob_tensor_f32(&frames[j]);
        const double top = bits == 16 ? 65535 : 255;
        for (size_t i = 0; i < (size_t)channels * H * W; i++) {
            const unsigned q = (unsigned)rint(fmin(fmax(v[i], 0), 1) * top);
            if (bits == 16) ((uint16_t *)stack[j].data)[i] = (uint16_t)q;
            else ((uint8_t *)stack[j].data)[i] = (uint8_t)q;
        }
        ob_samples_to_unit(ob_tensor_f32(&as_float[j]), &stack[j]);
        ob_tensor_free(&frames[j]);
    }
    e.shape[0] = 3;
    ob_tensor_free(&e);
}

static unsigned quantize(float x, unsigned top)
{
    if (!(x > 0.0f)) return 0;
    if (x >= 1.0f) return top;
    return (unsigned)((double)x * top + 0.5);
}

static void check_case(int bits, int channels)
{
    ob_tensor stack[N_EXP], flt[N_EXP];
    double times[N_EXP];
    render(stack, flt, bits, channels, times);
    const ob_tensor *fp[N_EXP], *sp[N_EXP];
    ob_tensor *mp[N_EXP];
    for (int j = 0; j < N_EXP; j++) fp[j] = &flt[j], sp[j] = &stack[j], mp[j] = &stack[j];
    ob_response_opts ro = ob_response_opts_default();
    float *g = malloc(sizeof(float) * channels * ro.n_bins), *g2 = malloc(sizeof(float) * channels * ro.n_bins);
    OB_CHECK_OK(ob_response_recover(ctx, g, fp, times, N_EXP, &ro));
    /* the sampling reads the samples as the floats they stand for: the same g */
    OB_CHECK_OK(ob_response_recover(ctx, g2, sp, times, N_EXP, &ro));
    OB_CHECK(memcmp(g, g2, sizeof(float) * channels * ro.n_bins) == 0, "%d-bit: g from samples == g from floats",
             bits);

    /* the float merge, exponentiated: the reference radiance */
    ob_tensor ref, viaint;
    OB_CHECK_OK(ob_radiance_merge(ctx, &ref, fp, times, N_EXP, g, ro.n_bins));
    OB_CHECK_OK(ob_radiance_merge(ctx, &viaint, sp, times, N_EXP, g, ro.n_bins)); /* sample merge */
    const size_t n = (size_t)channels * H * W;
    OB_CHECK(ob_test_allclose("sample merge vs float merge (ln E)", ob_tensor_f32(&viaint), ob_tensor_f32(&ref), n,
                              1e-6, 1e-6),
             "%d-bit %d ch", bits, channels);
    float *r = ob_tensor_f32(&ref);
    for (size_t i = 0; i < n; i++) r[i] = expf(r[i]);

    ob_tensor rad[2];
    ob_hdr_radiance_stats st[2];
    const int64_t shape[3] = {channels, H, W};
    for (int release = 0; release < 2; release++) {
        ob_tensor copy[N_EXP], *cp[N_EXP];
        for (int j = 0; j < N_EXP; j++) {
            OB_CHECK_OK(ob_tensor_clone_to(&copy[j], &stack[j], OB_HOST));
            cp[j] = &copy[j];
        }
        OB_CHECK_OK(ob_tensor_alloc(&rad[release], OB_F32, OB_HOST, 3, shape));
        OB_CHECK_OK(ob_hdr_merge_streamed(&rad[release], &st[release], cp, times, N_EXP, g, ro.n_bins, release));
        for (int j = 0; j < N_EXP; j++) ob_tensor_free(&copy[j]);
    }
    (void)mp;
    OB_CHECK(ob_test_allclose("streamed merge vs float merge", ob_tensor_f32(&rad[0]), r, n, 0, 2e-6), "%d-bit %d ch",
             bits, channels);
    OB_CHECK(memcmp(rad[0].data, rad[1].data, n * sizeof(float)) == 0 && st[0].peak == st[1].peak,
             "releasing the stack's pages during the merge changes nothing");
    /* the stats against a direct computation */
    double peak = 0, lo = INFINITY, hi = 0;
    for (size_t i = 0; i < (size_t)H * W; i++) {
        double v = channels == 3 ? ob_tm_intensity(r[i], r[H * W + i], r[2 * H * W + i]) : r[i];
        for (int k = 0; k < channels; k++) peak = fmax(peak, r[k * H * W + i]);
        if (v > 0) lo = fmin(lo, v);
        hi = fmax(hi, v);
    }
    OB_CHECK(fabs(st[0].peak - peak) <= 2e-6 * peak && fabs(st[0].i_min_pos - lo) <= 2e-6 * lo &&
                 fabs(st[0].i_max - hi) <= 2e-6 * hi,
             "stats: peak %g (%g), intensity %g..%g (%g..%g)", st[0].peak, peak, st[0].i_min_pos, st[0].i_max, lo, hi);

    /* the displays against ob_image_tonemap + ob_image_write's rounding */
    ob_hdr_display_opts dopt;
    ob_tonemap_opts_init(&dopt.durand, OB_TONEMAP_DURAND);
    dopt.key = OB_TONEMAP_DEFAULT_KEY;
    dopt.bits = bits;
    ob_tensor disp[3];
    ob_hdr_display_report rep;
    double secs[3];
    OB_CHECK_OK(ob_hdr_display_streamed(disp, &rep, secs, &rad[0], &st[0], &dopt));
    const unsigned top = bits == 16 ? 65535 : 255;
    for (int k = 0; k < 3; k++) {
        ob_tonemap_opts t = dopt.durand;
        t.op = (ob_tonemap_op)k;
        t.key = dopt.key;
        ob_tensor want;
        OB_CHECK_OK(ob_image_tonemap(ctx, &want, &rad[0], &t, NULL));
        const float *wv = ob_tensor_f32(&want);
        size_t off = 0;
        unsigned worst = 0;
        for (size_t i = 0; i < (size_t)3 * H * W; i++) {
            const unsigned got = bits == 16 ? ((uint16_t *)disp[k].data)[i] : ((uint8_t *)disp[k].data)[i];
            const unsigned exp = quantize(wv[i], top);
            const unsigned d = got > exp ? got - exp : exp - got;
            worst = d > worst ? d : worst;
            off += d != 0;
        }
        OB_CHECK(worst <= 1 && off <= (size_t)(0.002 * 3 * H * W),
                 "%s %d-bit %d ch: worst %u codes, %zu of %d samples differ", ob_tonemap_op_name(t.op), bits,
                 channels, worst, off, 3 * H * W);
        ob_tensor_free(&want);
        ob_tensor_free(&disp[k]);
    }
    for (int j = 0; j < N_EXP; j++) ob_tensor_free(&stack[j]), ob_tensor_free(&flt[j]);
    ob_tensor_free(&ref), ob_tensor_free(&viaint), ob_tensor_free(&rad[0]), ob_tensor_free(&rad[1]);
    free(g), free(g2);
}

static void check_bad_input(void)
{
    ob_tensor a = {0}, b = {0}, rad = {0};
    const int64_t s1[3] = {3, 8, 8}, s2[3] = {3, 8, 9};
    OB_CHECK_OK(ob_tensor_zeros(&a, OB_U8, OB_HOST, 3, s1));
    OB_CHECK_OK(ob_tensor_zeros(&b, OB_U8, OB_HOST, 3, s2));
    OB_CHECK_OK(ob_tensor_zeros(&rad, OB_F32, OB_HOST, 3, s1));
    ob_tensor *st[2] = {&a, &b};
    const double t[2] = {1, 2};
    float g[3 * 256] = {0};
    ob_hdr_radiance_stats rs;
    OB_CHECK_FAILS(ob_hdr_merge_streamed(&rad, &rs, st, t, 2, g, 256, 0), OB_ERR_ARG);
    ob_hdr_display_opts o;
    ob_tonemap_opts_init(&o.durand, OB_TONEMAP_DURAND);
    o.key = 0.18f, o.bits = 12;
    ob_tensor d[3];
    ob_hdr_display_report rep;
    rs = (ob_hdr_radiance_stats){1, 1, 1};
    OB_CHECK_FAILS(ob_hdr_display_streamed(d, &rep, NULL, &rad, &rs, &o), OB_ERR_ARG);
    ob_tensor_free(&a), ob_tensor_free(&b), ob_tensor_free(&rad);
}

int main(void)
{
    if (ob_ctx_create(&ctx, OB_BACKEND_CPU, 0) != OB_OK) return 1;
    check_case(8, 3);
    check_case(16, 3);
    check_case(8, 1);
    check_bad_input();
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
