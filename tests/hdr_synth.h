/* hdr_synth.h — synthetic exposure stacks with a known response and a known
 * radiance, for tests/test_hdr_response.c and tests/test_hdr_merge.c
 * (header-only, static functions: each test is built standalone).
 *
 *   radiance  ln E per pixel and channel, log-uniform over `stops` stops:
 *             E = 2^(-stops u), u uniform in [0, 1) from Philox (stream
 *             OB_RNG_STREAM_NOISE, its own counter range), so E in (2^-stops, 1]
 *   response  v = f(X), X = k E t, clipped to [0, 1] only after the noise;
 *             two monotone shapes:
 *               SYNTH_SRGB     the sRGB transfer curve (linear toe 12.92 X
 *                              below X = 0.0031308, 1.055 X^(1/2.4) - 0.055
 *                              above), with exposure scale k: X = k E t
 *               SYNTH_RATIO    ((1 + c) X / (X + c))^(1/gamma): a film-like
 *                              shoulder as X -> 1
 *             g_true(z) = ln f^-1(z / (n_bins - 1)) - ln k: the log exposure
 *             E t that produces bin z exactly
 *   noise     v + sigma N(0, 1) (Box–Muller on Philox words, stream
 *             OB_RNG_STREAM_NOISE), before quantisation
 *   quantise  to 8 or 16 bits: v = rint(clamp(v) (2^bits - 1)) / (2^bits - 1),
 *             as an 8- or 16-bit file read by ob_image_read gives it
 */
#ifndef OB_TEST_HDR_SYNTH_H
#define OB_TEST_HDR_SYNTH_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hdr_merge.h"
#include "ob_philox.h"
#include "ob_tensor.h"

typedef enum { SYNTH_SRGB = 0, SYNTH_RATIO = 1 } synth_shape;

typedef struct {
    synth_shape shape;
    double k;        /* exposure scale: X = k E t */
    double c, gamma; /* SYNTH_RATIO only */
} synth_curve;

/* X (>= 0) -> v, before clipping: past X = 1 the curve goes on above 1 and
 * only quantisation clips it, after the noise, as a sensor saturates after
 * its noise is added (noise added to an already clipped white would make
 * saturated pixels read 254 now and then and bias g at the top). */
static double synth_f(const synth_curve *cv, double x)
{
    if (cv->shape == SYNTH_SRGB) return x <= 0.0031308 ? 12.92 * x : 1.055 * pow(x, 1 / 2.4) - 0.055;
    return pow((1 + cv->c) * x / (x + cv->c), 1 / cv->gamma);
}

/* v in (0, 1] -> X */
static double synth_finv(const synth_curve *cv, double v)
{
    if (cv->shape == SYNTH_SRGB) return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
    const double y = pow(v, cv->gamma);
    return cv->c * y / ((1 + cv->c) - y);
}

/* ln of the exposure E t that gives bin z exactly (z >= 1) */
static double synth_g_true(const synth_curve *cv, int z, int n_bins)
{
    return log(synth_finv(cv, (double)z / (n_bins - 1))) - log(cv->k);
}

typedef struct {
    int c, h, w, n_exp;
    double times[OB_HDR_MAX_EXPOSURES];
    float *ln_e;                        /* (C, H, W) the true ln E */
    ob_tensor img[OB_HDR_MAX_EXPOSURES]; /* (C, H, W) each */
    const ob_tensor *ptr[OB_HDR_MAX_EXPOSURES];
} synth_stack;

static double synth_gauss(uint64_t seed, uint64_t index)
{
    uint32_t r[4];
    ob_philox(r, seed, OB_RNG_STREAM_NOISE, index);
    const double u1 = ((r[0] >> 8) + 1.0) / 16777216.0, u2 = (r[1] >> 8) / 16777216.0;
    return sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
}

/* Fills ln_e (n values) log-uniform over `stops` stops. */
static void synth_radiance(float *ln_e, size_t n, uint64_t seed, double stops)
{
    for (size_t i = 0; i < n; i++)
        ln_e[i] = (float)(-stops * log(2.0) * ob_philox_uniform(seed, OB_RNG_STREAM_NOISE, ((uint64_t)1 << 40) + i));
}

static float synth_quantise(double v, int bits)
{
    const double top = bits == 16 ? 65535.0 : 255.0;
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    return (float)(rint(v * top) / top);
}

/* Renders s->ln_e through curve[channel] at s->times into s->img; 0 on success. */
static int synth_render(synth_stack *s, const synth_curve *curve, double sigma, int bits, uint64_t seed)
{
    const size_t n = (size_t)s->h * s->w;
    const int64_t shape[3] = {s->c, s->h, s->w};
    for (int j = 0; j < s->n_exp; j++) {
        if (!s->img[j].data && ob_tensor_alloc(&s->img[j], OB_F32, OB_HOST, 3, shape) != OB_OK) return -1;
        float *p = ob_tensor_f32(&s->img[j]);
        for (int ch = 0; ch < s->c; ch++)
            for (size_t i = 0; i < n; i++) {
                const size_t k = (size_t)ch * n + i;
                double v = synth_f(&curve[ch], curve[ch].k * exp(s->ln_e[k]) * s->times[j]);
                if (sigma > 0) v += sigma * synth_gauss(seed, (uint64_t)j * s->c * n + k);
                p[k] = synth_quantise(v, bits);
            }
        s->ptr[j] = &s->img[j];
    }
    return 0;
}

/* A c x h x w scene of `stops` stops, n_exp exposures one stop apart starting
 * at t0 (times ascending); 0 on success. */
static int synth_make(synth_stack *s, int c, int h, int w, int n_exp, double t0, double stops,
                      const synth_curve *curve, double sigma, int bits, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->c = c, s->h = h, s->w = w, s->n_exp = n_exp;
    for (int j = 0; j < n_exp; j++) s->times[j] = t0 * ldexp(1.0, j);
    s->ln_e = malloc(sizeof(float) * (size_t)c * h * w);
    if (!s->ln_e) return -1;
    synth_radiance(s->ln_e, (size_t)c * h * w, seed, stops);
    return synth_render(s, curve, sigma, bits, seed);
}

static void synth_free(synth_stack *s)
{
    for (int j = 0; j < OB_HDR_MAX_EXPOSURES; j++) ob_tensor_free(&s->img[j]);
    free(s->ln_e);
    memset(s, 0, sizeof *s);
}

#endif
