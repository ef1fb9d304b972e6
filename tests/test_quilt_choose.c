/* test_quilt_choose.c — the CPU path of quilt_choose.h: the pick is always one
 * of the tol cheapest (checked against a full sort), it is the documented
 * rank (Philox draw) of that sorted list, the ranks are uniform (chi-square over
 * many draws), tol = 1 is the argmin with ties to the lower index, ties and
 * NaN order as documented, n < tol, the key order itself, and bad input. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ob_test.h"
#include "quilt_choose.h"

/* Indices sorted by (cost, index), NaN last: an independent reference order. */
static const float *sort_cost;
static int by_cost(const void *a, const void *b)
{
    const int i = *(const int *)a, j = *(const int *)b;
    const float x = sort_cost[i], y = sort_cost[j];
    const int nx = isnan(x), ny = isnan(y);
    if (nx != ny) return nx - ny;
    if (!nx && x != y) return x < y ? -1 : 1;
    return (i > j) - (i < j);
}

static int *sorted_order(const float *cost, int n)
{
    int *o = malloc(sizeof(int) * n);
    for (int i = 0; i < n; i++) o[i] = i;
    sort_cost = cost;
    qsort(o, n, sizeof(int), by_cost);
    return o;
}

/* Random costs with many exact ties (values on a coarse grid) and a few NaN. */
static void fill_costs(float *cost, int n, uint64_t seed, int grid)
{
    uint64_t st = seed;
    for (int i = 0; i < n; i++) {
        const double u = ob_test_rand_uniform(&st);
        cost[i] = grid ? (float)floor(u * grid) : (float)(u * 100);
        if (ob_test_rand_uniform(&st) < 0.01) cost[i] = NAN;
    }
}

static void test_pick_is_documented_rank(void)
{
    static const int sizes[] = {1, 2, 7, 63, 64, 65, 1000, 5001};
    static const int tols[] = {1, 2, 3, 5, 17, 64};
    int checked = 0, bad = 0;
    for (size_t a = 0; a < sizeof sizes / sizeof sizes[0]; a++)
        for (size_t b = 0; b < sizeof tols / sizeof tols[0]; b++)
            for (int grid = 0; grid <= 1; grid++) {
                const int n = sizes[a], tol = tols[b];
                float *cost = malloc(sizeof(float) * n);
                fill_costs(cost, n, 1000 + a * 10 + b, grid ? 13 : 0);
                int *order = sorted_order(cost, n);
                const int k = tol < n ? tol : n;
                for (uint64_t draw = 0; draw < 20; draw++) {
                    int got = -1, r;
                    OB_CHECK_OK(ob_quilt_choose_cpu(&got, cost, n, tol, 42, draw));
                    OB_CHECK_OK(ob_quilt_choose_rank(&r, n, tol, 42, draw));
                    const int want = order[ob_philox_below(42, OB_RNG_STREAM_QUILT, draw, (uint32_t)k)];
                    int among = 0;
                    for (int q = 0; q < k; q++) among |= order[q] == got;
                    bad += got != want || !among || order[r] != got;
                    checked++;
                }
                free(cost), free(order);
            }
    OB_CHECK(bad == 0, "choose picks the Philox rank of the (cost, index) order among the tol cheapest: %d of %d wrong",
             bad, checked);
}

static void test_uniform(void)
{
    enum { N = 777, TOL = 7, DRAWS = 28000 };
    float cost[N];
    fill_costs(cost, N, 99, 0);
    int *order = sorted_order(cost, N);
    int hist[TOL] = {0}, outside = 0;
    for (int d = 0; d < DRAWS; d++) {
        int got;
        OB_CHECK_OK(ob_quilt_choose_cpu(&got, cost, N, TOL, 2024, (uint64_t)d));
        int rank = -1;
        for (int q = 0; q < TOL; q++)
            if (order[q] == got) rank = q;
        if (rank < 0) outside++;
        else hist[rank]++;
    }
    double chi2 = 0;
    const double expect = (double)DRAWS / TOL;
    for (int q = 0; q < TOL; q++) chi2 += (hist[q] - expect) * (hist[q] - expect) / expect;
    /* 6 degrees of freedom: P(chi2 > 22.46) = 0.001 */
    OB_CHECK(outside == 0 && chi2 < 22.46, "choose is uniform over the %d cheapest: %d picks outside, chi2 %.2f (6 dof, "
             "limit 22.46 at p = 0.001)", TOL, outside, chi2);
    printf("uniformity over %d draws, tol %d: chi2 %.2f\n", DRAWS, TOL, chi2);
    free(order);
}

static void test_ties_and_argmin(void)
{
    /* minimum 1.0 at 5, 9, 30: tol 1 gives 5 for every draw */
    float cost[40];
    for (int i = 0; i < 40; i++) cost[i] = 2.0f + (float)(i % 7);
    cost[30] = cost[9] = cost[5] = 1.0f;
    int bad = 0;
    for (uint64_t d = 0; d < 50; d++) {
        int got;
        OB_CHECK_OK(ob_quilt_choose_cpu(&got, cost, 40, 1, d * 7 + 1, d));
        bad += got != 5;
    }
    OB_CHECK(bad == 0, "tol 1 picks the argmin with ties to the lower index (%d wrong)", bad);
    /* all equal: the tol cheapest are the first tol indices */
    for (int i = 0; i < 40; i++) cost[i] = 3.5f;
    bad = 0;
    for (uint64_t d = 0; d < 200; d++) {
        int got;
        OB_CHECK_OK(ob_quilt_choose_cpu(&got, cost, 40, 6, 3, d));
        bad += got < 0 || got >= 6;
    }
    OB_CHECK(bad == 0, "equal costs: picks among indices 0..5 (%d outside)", bad);
    /* NaN ranks last; -0 before +0; n < tol uses all n */
    float small[3] = {NAN, 0.0f, -0.0f};
    int got;
    OB_CHECK_OK(ob_quilt_choose_cpu(&got, small, 3, 1, 1, 0));
    OB_CHECK(got == 2, "-0 ranks before +0 and NaN last (got %d)", got);
    int seen[3] = {0};
    for (uint64_t d = 0; d < 300; d++) {
        OB_CHECK_OK(ob_quilt_choose_cpu(&got, small, 3, 64, 1, d));
        if (got >= 0 && got < 3) seen[got]++;
    }
    OB_CHECK(seen[0] && seen[1] && seen[2], "tol > n draws among all n (seen %d %d %d)", seen[0], seen[1], seen[2]);
    /* the key order itself */
    OB_CHECK(ob_quilt_key(-INFINITY, 0) < ob_quilt_key(-1.0f, 0) && ob_quilt_key(-1.0f, 0) < ob_quilt_key(-0.0f, 0) &&
                 ob_quilt_key(-0.0f, 9) < ob_quilt_key(0.0f, 0) && ob_quilt_key(0.0f, 3) < ob_quilt_key(0.0f, 4) &&
                 ob_quilt_key(1e-30f, 0) < ob_quilt_key(1.0f, 0) && ob_quilt_key(1.0f, 7) < ob_quilt_key(INFINITY, 0) &&
                 ob_quilt_key(INFINITY, 7) < ob_quilt_key(NAN, 0) && ob_quilt_key(-NAN, 0) == ob_quilt_key(NAN, 0),
             "ob_quilt_key orders -inf < -1 < -0 < +0 < tiny < 1 < inf < NaN, then by index");
}

static void test_errors_and_tensor(void)
{
    float c[4] = {3, 1, 2, 0};
    int got;
    OB_CHECK_FAILS(ob_quilt_choose_cpu(&got, c, 4, 0, 1, 0), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_quilt_choose_cpu(&got, c, 4, OB_QUILT_MAX_TOL + 1, 1, 0), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_quilt_choose_cpu(&got, c, 0, 1, 1, 0), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_quilt_choose_cpu(NULL, c, 4, 1, 1, 0), OB_ERR_ARG);
    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    ob_tensor t;
    int64_t shape[2] = {2, 2};
    OB_CHECK_OK(ob_tensor_wrap(&t, c, OB_F32, OB_HOST, 2, shape));
    got = -1;
    OB_CHECK_OK(ob_quilt_choose(ctx, &got, &t, 1, 5, 0));
    OB_CHECK(got == 3, "ob_quilt_choose tensor entry, tol 1: index 3 (got %d)", got);
    OB_CHECK_FAILS(ob_quilt_choose(ctx, &got, &t, 0, 5, 0), OB_ERR_ARG);
    ob_tensor_free(&t);
    ob_ctx_destroy(ctx);
}

int main(void)
{
    test_ties_and_argmin();
    test_pick_is_documented_rank();
    test_uniform();
    test_errors_and_tensor();
    return ob_test_finish();
}
