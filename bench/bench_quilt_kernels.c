/* bench_quilt_kernels.c — the quilting kernels' CPU paths at the size quilting
 * runs them (our side; the peers — cv2.matchTemplate(TM_SQDIFF, mask=...) for
 * the masked SSD, numpy argpartition for the choice — are timed by
 * bench/b_quilt_kernels.py).
 *
 * Case names carry the shape so the peer can rebuild it:
 *     masked_ssd_HxWxC_pP_ovO_MASK   MASK = L | top | left: the overlap strips
 *                                    of a patch with neighbours above and left,
 *                                    above only, left only
 *     quilt_choose_N_tolT            choose among the T cheapest of N costs
 * The extra column of masked SSD is the tap rate: candidates x channels x
 * support cells per second (each tap is two double fma). */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "masked_ssd.h"
#include "quilt_choose.h"

typedef struct {
    int c, h, w, p, ov_top, ov_left;
    float *sample, *templ, *cost;
} ssd_case;

static void run_ssd(void *arg)
{
    ssd_case *b = arg;
    ob_bench_ok(ob_masked_ssd_cpu(b->cost, b->sample, b->templ, NULL, b->c, b->h, b->w, b->p, b->p, b->ov_top,
                                  b->ov_left),
                "ob_masked_ssd_cpu");
}

/* a deterministic texture-like sample in [0, 1) */
static void fill(float *x, size_t n, unsigned salt)
{
    for (size_t i = 0; i < n; i++) x[i] = (float)(((i + salt) * 2654435761u) % 1000) * 1e-3f;
}

static void bench_ssd(int h, int w, int c, int p, int ov, const char *mask, int repeats)
{
    const int ov_top = mask[0] == 'l' ? 0 : ov, ov_left = mask[0] == 't' ? 0 : ov;
    ssd_case b = {c, h, w, p, ov_top, ov_left, NULL, NULL, NULL};
    const size_t ns = (size_t)c * h * w, nt = (size_t)c * p * p, nc = (size_t)(h - p + 1) * (w - p + 1);
    b.sample = malloc(ns * sizeof(float));
    b.templ = malloc(nt * sizeof(float));
    b.cost = malloc(nc * sizeof(float));
    if (!b.sample || !b.templ || !b.cost) ob_bench_ok(OB_FAIL(OB_ERR_NOMEM, "bench buffers"), "bench_quilt_kernels");
    fill(b.sample, ns, 0);
    fill(b.templ, nt, 12345);
    const double ms = ob_bench_median_ms(run_ssd, &b, 2, repeats);
    const double taps = (double)nc * c * ob_masked_ssd_support(p, p, ov_top, ov_left);
    char name[96], extra[48];
    snprintf(name, sizeof name, "masked_ssd_%dx%dx%d_p%d_ov%d_%s", h, w, c, p, ov, mask);
    snprintf(extra, sizeof extra, "%.2f Gtap/s", taps / (ms * 1e-3) / 1e9);
    ob_bench_report(name, ms, repeats, extra);
    free(b.sample), free(b.templ), free(b.cost);
}

typedef struct {
    int n, tol;
    float *cost;
    unsigned long long draw;
} choose_case;

static void run_choose(void *arg)
{
    choose_case *b = arg;
    int idx;
    ob_bench_ok(ob_quilt_choose_cpu(&idx, b->cost, b->n, b->tol, 1, b->draw++), "ob_quilt_choose_cpu");
}

static void bench_choose(int n, int tol, int repeats)
{
    choose_case b = {n, tol, malloc(sizeof(float) * n), 0};
    if (!b.cost) ob_bench_ok(OB_FAIL(OB_ERR_NOMEM, "bench buffers"), "bench_quilt_kernels");
    fill(b.cost, (size_t)n, 7);
    const double ms = ob_bench_median_ms(run_choose, &b, 2, repeats);
    char name[64];
    snprintf(name, sizeof name, "quilt_choose_%d_tol%d", n, tol);
    ob_bench_report(name, ms, repeats, "");
    free(b.cost);
}

int main(void)
{
    bench_ssd(256, 256, 3, 31, 6, "L", 21);
    bench_ssd(256, 256, 3, 31, 6, "top", 21);
    bench_ssd(256, 256, 3, 31, 6, "left", 21);
    bench_ssd(256, 256, 1, 31, 6, "L", 21);
    bench_choose(226 * 226, 3, 51);
    return 0;
}
