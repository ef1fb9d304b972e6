/* parity_tonemap.c — tonemap.cu (emu or real CUDA) vs the CPU path, stage by
 * stage, on random odd sizes, block sizes 256 and 96, blocks in order and in
 * random order.
 * Tolerance |got - ref| <= 1e-6 + 4e-6*|ref|: both paths evaluate the same
 * per-pixel rule (tonemap.h), so they differ only by FMA contraction and the
 * device's log2f / exp2f / powf (within 2 ulp of the host's). stats: the min
 * positive exactly, the sum (double, different order) to 1e-12
 * relative. Inputs: radiance log-uniform over 2^-12 .. 2^12 with zeros, log
 * intensities in [-12, 12], detail in [-2, 2], scaled base in [-5, 0]. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_test.h"
#include "tonemap.h"

#define ATOL 1e-6
#define RTOL 4e-6

typedef struct {
    size_t n;
    int bx;
    uint64_t order;
    char tag[96];
} setup;

static float *radiance(size_t m, uint64_t seed)
{
    float *x = malloc(m * sizeof *x);
    uint64_t s = seed;
    for (size_t k = 0; k < m; k++) x[k] = k % 11 == 3 ? 0.f : (float)exp2(-12 + 24 * ob_test_rand_uniform(&s));
    return x;
}

static float *uniform(size_t m, uint64_t seed, float lo, float hi)
{
    float *x = malloc(m * sizeof *x);
    ob_test_fill_uniform(x, m, seed, lo, hi);
    return x;
}

/* One stage: cpu_call into ref, gpu_call into a poisoned GPU buffer (both calls
 * name their output `y`), then `m` outputs compared. */
#define STAGE(label, m, cpu_call, gpu_call)                                       \
    do {                                                                          \
        float *ref = malloc((m) * sizeof(float)), *got = malloc((m) * sizeof(float)); \
        float *dy = ob_gpu_alloc(m);                                              \
        float *y = ref;                                                           \
        OB_CHECK_OK(cpu_call);                                                    \
        y = dy;                                                                   \
        OB_CHECK_OK(gpu_call);                                                    \
        ob_gpu_download(got, dy, m);                                              \
        char l_[160];                                                             \
        snprintf(l_, sizeof l_, "%s %s %s", ob_gpu_backend_name(), label, s->tag); \
        ob_test_allclose(l_, got, ref, m, ATOL, RTOL);                            \
        ob_gpu_free(dy), free(ref), free(got);                                    \
    } while (0)

static void check_stages(const setup *s)
{
    const size_t n = s->n;
    const ob_launch_cfg cfg = {s->bx, 0, 0, NULL, NULL};
    ob_gpu_set_random_block_order(s->order);
    float *rgb = radiance(3 * n, n * 7 + 1), *in = malloc(n * sizeof *in);
    float *l = uniform(n, n + 2, -12, 12), *d = uniform(n, n + 3, -2, 2), *bs = uniform(n, n + 4, -5, 0);
    float *chroma = uniform(3 * n, n + 5, 0, 3);
    rgb[0] = NAN, rgb[1] = -3.f, rgb[2] = INFINITY; /* for clean (3n >= 3) */
    float *drgb = ob_gpu_upload(rgb, 3 * n), *dl = ob_gpu_upload(l, n), *dd = ob_gpu_upload(d, n);
    float *dbs = ob_gpu_upload(bs, n), *dch = ob_gpu_upload(chroma, 3 * n);

    STAGE("clean", 3 * n, ob_tonemap_clean_cpu(y, rgb, 3 * n), OB_GPU(ob_tonemap_clean)(y, drgb, 3 * n, &cfg));
    ob_tonemap_clean_cpu(rgb, rgb, 3 * n); /* the later stages take clean input */
    ob_gpu_free(drgb);
    drgb = ob_gpu_upload(rgb, 3 * n);
    ob_tonemap_intensity_cpu(in, rgb, n);
    float *din = ob_gpu_upload(in, n);

    STAGE("intensity", n, ob_tonemap_intensity_cpu(y, rgb, n), OB_GPU(ob_tonemap_intensity)(y, drgb, n, &cfg));
    STAGE("chroma", 3 * n, ob_tonemap_chroma_cpu(y, rgb, in, n), OB_GPU(ob_tonemap_chroma)(y, drgb, din, n, &cfg));
    STAGE("log2", n, ob_tonemap_log2_cpu(y, in, n, 3e-4f), OB_GPU(ob_tonemap_log2)(y, din, n, 3e-4f, &cfg));
    STAGE("detail", n, ob_tonemap_detail_cpu(y, l, d, n), OB_GPU(ob_tonemap_detail)(y, dl, dd, n, &cfg));
    STAGE("base_scale", n, ob_tonemap_base_scale_cpu(y, l, n, 11.5f, 0.3f),
          OB_GPU(ob_tonemap_base_scale)(y, dl, n, 11.5f, 0.3f, &cfg));
    STAGE("exp2", n, ob_tonemap_exp2_cpu(y, bs, d, n), OB_GPU(ob_tonemap_exp2)(y, dbs, dd, n, &cfg));
    STAGE("colour", 3 * n, ob_tonemap_colour_cpu(y, chroma, in, n),
          OB_GPU(ob_tonemap_colour)(y, dch, din, n, &cfg));
    STAGE("reinhard", n, ob_tonemap_reinhard_cpu(y, in, n, 0.37f), OB_GPU(ob_tonemap_reinhard)(y, din, n, 0.37f, &cfg));
    STAGE("display", 3 * n, ob_tonemap_display_cpu(y, rgb, 3 * n, 1.f / 300, 1.f / 2.2f),
          OB_GPU(ob_tonemap_display)(y, drgb, 3 * n, 1.f / 300, 1.f / 2.2f, &cfg));

    /* stats of every kind of input: radiance with zeros, signed logs, all <= 0 */
    const float *hosts[3] = {rgb, l, bs};
    const float *devs[3] = {drgb, dl, dbs};
    const size_t counts[3] = {3 * n, n, n};
    for (int k = 0; k < 3; k++) {
        ob_tonemap_stats a, b;
        memset(&b, 0xff, sizeof b);
        OB_CHECK_OK(ob_tonemap_stats_cpu(&a, hosts[k], counts[k]));
        OB_CHECK_OK(OB_GPU(ob_tonemap_stats)(&b, devs[k], counts[k], &cfg));
        OB_CHECK(a.min_positive == b.min_positive && fabs(a.sum - b.sum) <= 1e-12 * fabs(a.sum) + 1e-9,
                 "%s stats %d %s: cpu (%g, %.15g) gpu (%g, %.15g)", ob_gpu_backend_name(), k, s->tag, a.min_positive,
                 a.sum, b.min_positive, b.sum);
    }
    ob_gpu_free(drgb), ob_gpu_free(dl), ob_gpu_free(dd), ob_gpu_free(dbs), ob_gpu_free(dch), ob_gpu_free(din);
    free(rgb), free(in), free(l), free(d), free(bs), free(chroma);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    static const int blocks[2] = {256, 96};
    uint64_t rng = 20261122;
    for (int b = 0; b < 2; b++) {
        /* one pixel, a partial block, and random odd sizes (several blocks, a partial last one) */
        size_t sizes[5] = {1, 37, 0, 0, 0};
        for (int r = 2; r < 5; r++) sizes[r] = (size_t)(ob_test_rand_int(&rng, 1, 60) | 1) * (ob_test_rand_int(&rng, 1, 90) | 1);
        for (int r = 0; r < 5; r++) {
            setup s = {sizes[r], blocks[b], r % 2 ? 1000u + (unsigned)r : 0u, ""};
            snprintf(s.tag, sizeof s.tag, "n=%zu block %d order %llu", s.n, s.bx, (unsigned long long)s.order);
            check_stages(&s);
        }
    }
    /* block shapes the kernels cannot use are refused, not launched; empty input too */
    float *d = ob_gpu_alloc(64);
    const ob_launch_cfg odd = {48, 0, 0, NULL, NULL}, huge = {2048, 0, 0, NULL, NULL};
    ob_tonemap_stats st;
    OB_CHECK_FAILS(OB_GPU(ob_tonemap_intensity)(d, d + 3, 1, &odd), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_tonemap_stats)(&st, d, 8, &huge), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_tonemap_display)(d, d, 0, 1.f, 1.f, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_tonemap_log2)(d, d + 8, 8, -1.f, NULL), OB_ERR_ARG);
    ob_gpu_free(d);
    return ob_test_finish();
}
