/* parity_quilt_choose.c — quilt_choose.cu (emu or real CUDA) vs the CPU path
 * (quilt_choose_cpu.c, checked against a full sort in test_quilt_choose.c).
 *
 * Tolerance: none — the picked index must be identical. Costs with many exact
 * ties and some NaN, sizes inside one block's segment and across many (the
 * 226 x 226 surface of a 256 x 256 sample with patch 31), tol 1 .. 64, several
 * draws, two block sizes, blocks in order and in random order. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ob_test.h"
#include "quilt_choose.h"

static void check(int n, int tol, int grid, int bx, uint64_t order_seed)
{
    float *cost = malloc(sizeof(float) * n);
    uint64_t st = (uint64_t)n * 31 + tol;
    for (int i = 0; i < n; i++) {
        const double u = ob_test_rand_uniform(&st);
        cost[i] = grid ? (float)floor(u * grid) : (float)u;
        if (ob_test_rand_uniform(&st) < 0.003) cost[i] = NAN;
    }
    float *dc = ob_gpu_upload(cost, (size_t)n);
    ob_launch_cfg cfg = {bx, 0, 0, NULL, NULL};
    int bad = 0, draws = 0;
    const uint64_t ndraws = n > 10000 ? 2 : 6; /* the shim runs a round's barriers fiber by fiber */
    for (uint64_t draw = 0; draw < ndraws; draw++, draws++) {
        int ref = -1, got = -2;
        OB_CHECK_OK(ob_quilt_choose_cpu(&ref, cost, n, tol, 77 + (uint64_t)n, draw));
        ob_gpu_set_random_block_order(order_seed ? order_seed + draw : 0);
        OB_CHECK_OK(OB_GPU(ob_quilt_choose)(&got, dc, n, tol, 77 + (uint64_t)n, draw, &cfg));
        bad += got != ref;
    }
    ob_gpu_set_random_block_order(0);
    OB_CHECK(bad == 0, "%s quilt_choose n %d tol %d %s block %d order %llu: %d of %d picks differ from the CPU",
             ob_gpu_backend_name(), n, tol, grid ? "tied" : "distinct", bx, (unsigned long long)order_seed, bad, draws);
    ob_gpu_free(dc);
    free(cost);
}

typedef struct {
    int chosen, n;
    const float *cost;
} choose_call;

static ob_status choose_launch(void *user, const ob_launch_cfg *cfg)
{
    choose_call *c = user;
    return OB_GPU(ob_quilt_choose)(&c->chosen, c->cost, c->n, 5, 3, 1, cfg);
}

/* quilting picks once per patch: with a workspace, no allocation per pick */
static void check_no_alloc(void)
{
    enum { N = 20000 };
    float *cost = malloc(sizeof(float) * N);
    ob_test_fill_uniform(cost, N, 17, 0, 1);
    choose_call c = {-1, N, ob_gpu_upload(cost, N)};
    OB_CHECK_OK(choose_launch(&c, NULL));
    const int ref = c.chosen;
    ob_gpu_check_no_alloc("quilt_choose", choose_launch, &c);
    OB_CHECK(c.chosen == ref, "quilt_choose with a workspace picks %d, without %d", c.chosen, ref);
    ob_gpu_free((void *)c.cost);
    free(cost);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    check_no_alloc();
    static const int blocks[2] = {256, 64};
    static const int tols[] = {1, 3, 5, 64};
    uint64_t rng = 99;
    for (int b = 0; b < 2; b++)
        for (size_t k = 0; k < sizeof tols / sizeof tols[0]; k++) {
            const int tol = tols[k];
            check(1, tol, 0, blocks[b], 0);
            check(37, tol, 0, blocks[b], 0);
            check(226 * 226, tol, 0, blocks[b], 5);
            check(226 * 226, tol, 9, blocks[b], 6); /* heavy ties: the lower index must win everywhere */
            for (int r = 0; r < 2; r++)
                check(ob_test_rand_int(&rng, 2, 9000) | 1, tol, r ? 5 : 0, blocks[b], r ? 7 : 0);
        }
    float *d = ob_gpu_alloc(64);
    int got;
    const ob_launch_cfg odd = {48, 0, 0, NULL, NULL};
    OB_CHECK_FAILS(OB_GPU(ob_quilt_choose)(&got, d, 64, 1, 1, 0, &odd), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_quilt_choose)(&got, d, 64, 0, 1, 0, NULL), OB_ERR_ARG);
    ob_gpu_free(d);
    return ob_test_finish();
}
