/* parity_loss.c — loss.cu (emu or real CUDA) vs the CPU path of loss.h.
 * Both paths evaluate the same per-element formulas (ob_loss_term, ob_ce_row,
 * ob_reparam_* in loss.h) and sum in double, so:
 *   sums       |got - ref| <= 1e-12 |ref| (only the summation order differs)
 *   gradients  |got - ref| <= 1e-6 + 1e-6 |ref| (FMA contraction on the GPU)
 *   z, dmu, dlogvar of the reparameterisation: the same bound.
 * Odd sizes, two block sizes, blocks in random order, sizes past
 * 1024 * block (every thread loops), gradients NULL, accumulate 0 and 1.
 * The running-total mode (acc): the sums it adds are bit-equal to the read
 * ones (the same finishing kernel), weighted and scaled as ob_loss_total_add
 * says; a NaN term is counted with its tag and the finite sum left alone;
 * labels already on the device give the staged labels' sum. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "loss.h"
#include "ob_test.h"

static const char *kind_name[4] = {"mse", "l1", "bce_logits", "kl"};

static void check_sum(const char *label, double got, double ref)
{
    OB_CHECK(fabs(got - ref) <= 1e-12 * fabs(ref), "%s: sum %.17g vs cpu %.17g", label, got, ref);
}

static void check_pointwise(ob_loss_kind kind, size_t n, int block, uint64_t order, int with_grad)
{
    float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    float *ga = malloc(n * sizeof *a), *gb = malloc(n * sizeof *a), *ra = malloc(n * sizeof *a),
          *rb = malloc(n * sizeof *a);
    ob_test_fill_uniform(a, n, n + kind, -3, 3);
    ob_test_fill_uniform(b, n, n + kind + 100, kind == OB_LOSS_BCE_LOGITS ? 0 : -3, kind == OB_LOSS_BCE_LOGITS ? 1 : 3);
    const float gscale = 1.0f / (float)n;
    double ref = NAN, got = NAN;
    OB_CHECK_OK(ob_loss_pointwise_cpu(&ref, ra, rb, a, b, (int64_t)n, kind, gscale));
    float *da = ob_gpu_upload(a, n), *db = ob_gpu_upload(b, n), *dga = ob_gpu_alloc(n), *dgb = ob_gpu_alloc(n);
    ob_launch_cfg cfg = {block, 0, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order);
    OB_CHECK_OK(OB_GPU(ob_loss_pointwise)(&got, NULL, with_grad ? dga : NULL, with_grad && kind == OB_LOSS_KL ? dgb : NULL,
                                          da, db, (int64_t)n, kind, gscale, &cfg));
    ob_gpu_set_random_block_order(0);
    char label[128];
    snprintf(label, sizeof label, "%s %s n=%zu block %d order %llu%s", ob_gpu_backend_name(), kind_name[kind], n,
             block, (unsigned long long)order, with_grad ? "" : " (no grad)");
    check_sum(label, got, ref);
    printf("%s: sum %.15g vs cpu %.15g\n", label, got, ref);
    if (with_grad) {
        ob_gpu_download(ga, dga, n);
        ob_test_allclose(label, ga, ra, n, 1e-6, 1e-6);
        if (kind == OB_LOSS_KL) {
            ob_gpu_download(gb, dgb, n);
            ob_test_allclose(label, gb, rb, n, 1e-6, 1e-6);
        }
    }
    ob_gpu_free(da), ob_gpu_free(db), ob_gpu_free(dga), ob_gpu_free(dgb);
    free(a), free(b), free(ga), free(gb), free(ra), free(rb);
}

static void check_ce(int n, int k, int block, uint64_t order)
{
    const size_t nk = (size_t)n * k;
    float *x = malloc(nk * sizeof *x), *g = malloc(nk * sizeof *x), *r = malloc(nk * sizeof *x);
    int32_t *lab = malloc((size_t)n * sizeof *lab);
    ob_test_fill_uniform(x, nk, nk + 5, -8, 8);
    uint64_t s = (uint64_t)n * 31 + k;
    for (int i = 0; i < n; i++) lab[i] = ob_test_rand_int(&s, 0, k - 1);
    double ref = NAN, got = NAN;
    OB_CHECK_OK(ob_loss_cross_entropy_cpu(&ref, r, x, lab, n, k, 1.0f / n));
    /* labels stay in host memory: the launcher stages them (loss.h) */
    float *dx = ob_gpu_upload(x, nk), *dg = ob_gpu_alloc(nk);
    ob_launch_cfg cfg = {block, 0, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order);
    OB_CHECK_OK(OB_GPU(ob_loss_cross_entropy)(&got, NULL, dg, dx, lab, OB_HOST, n, k, 1.0f / n, &cfg));
    ob_gpu_set_random_block_order(0);
    ob_gpu_download(g, dg, nk);
    char label[128];
    snprintf(label, sizeof label, "%s cross_entropy (%d, %d) block %d order %llu", ob_gpu_backend_name(), n, k, block,
             (unsigned long long)order);
    check_sum(label, got, ref);
    printf("%s: sum %.15g vs cpu %.15g\n", label, got, ref);
    ob_test_allclose(label, g, r, nk, 1e-6, 1e-6);
    ob_gpu_free(dx), ob_gpu_free(dg);
    free(x), free(g), free(r), free(lab);
}

static void check_reparam(size_t n, int block, uint64_t seed, uint64_t offset)
{
    float *mu = malloc(n * 4), *lv = malloc(n * 4), *dz = malloc(n * 4), *z = malloc(n * 4), *rz = malloc(n * 4);
    float *dm = malloc(n * 4), *dl = malloc(n * 4), *rm = malloc(n * 4), *rl = malloc(n * 4);
    ob_test_fill_uniform(mu, n, n + 1, -2, 2);
    ob_test_fill_uniform(lv, n, n + 2, -4, 2);
    ob_test_fill_uniform(dz, n, n + 3, -1, 1);
    ob_test_fill_uniform(rm, n, n + 4, -1, 1);
    ob_test_fill_uniform(rl, n, n + 5, -1, 1);
    float *dmu = ob_gpu_upload(mu, n), *dlv = ob_gpu_upload(lv, n), *ddz = ob_gpu_upload(dz, n),
          *dzz = ob_gpu_alloc(n), *ddm = ob_gpu_upload(rm, n), *ddl = ob_gpu_upload(rl, n);
    ob_launch_cfg cfg = {block, 0, 0, NULL, NULL};
    OB_CHECK_OK(ob_reparam_forward_cpu(rz, mu, lv, (int64_t)n, seed, offset));
    OB_CHECK_OK(OB_GPU(ob_reparam_forward)(dzz, dmu, dlv, (int64_t)n, seed, offset, &cfg));
    ob_gpu_download(z, dzz, n);
    char label[128];
    snprintf(label, sizeof label, "%s reparam forward n=%zu block %d", ob_gpu_backend_name(), n, block);
    ob_test_allclose(label, z, rz, n, 1e-6, 1e-6);
    for (int acc = 0; acc < 2; acc++) { /* acc 1 adds to rm/rl, the previous results */
        OB_CHECK_OK(ob_reparam_backward_cpu(rm, rl, dz, lv, (int64_t)n, seed, offset, acc));
        OB_CHECK_OK(OB_GPU(ob_reparam_backward)(ddm, ddl, ddz, dlv, (int64_t)n, seed, offset, acc, &cfg));
        ob_gpu_download(dm, ddm, n);
        ob_gpu_download(dl, ddl, n);
        snprintf(label, sizeof label, "%s reparam backward n=%zu block %d accumulate %d", ob_gpu_backend_name(), n,
                 block, acc);
        ob_test_allclose(label, dm, rm, n, 1e-6, 1e-6);
        ob_test_allclose(label, dl, rl, n, 1e-6, 1e-6);
    }
    ob_gpu_free(dmu), ob_gpu_free(dlv), ob_gpu_free(ddz), ob_gpu_free(dzz), ob_gpu_free(ddm), ob_gpu_free(ddl);
    free(mu), free(lv), free(dz), free(z), free(rz), free(dm), free(dl), free(rm), free(rl);
}

typedef struct {
    double sum;
    const ob_loss_acc *acc; /* set: add to it instead of reading the sum */
    float *grad;
    const float *a, *b;
    const int32_t *labels;
    int n, k;
} loss_call;

static ob_status mse_launch(void *user, const ob_launch_cfg *cfg)
{
    loss_call *c = user;
    return OB_GPU(ob_loss_pointwise)(c->acc ? NULL : &c->sum, c->acc, c->grad, NULL, c->a, c->b, c->n, OB_LOSS_MSE, 1.0f / c->n, cfg);
}

static ob_status ce_launch(void *user, const ob_launch_cfg *cfg)
{
    loss_call *c = user;
    return OB_GPU(ob_loss_cross_entropy)(c->acc ? NULL : &c->sum, c->acc, c->grad, c->a, c->labels, OB_HOST, c->n, c->k, 1.0f / c->n, cfg);
}

/* The running total's OB_LOSS_TOTAL_SLOTS doubles back from "device" memory
 * (counted in floats: the test helpers' unit). */
static void total_read(double out[OB_LOSS_TOTAL_SLOTS], const double *dev)
{
    ob_gpu_download((float *)out, (const float *)dev, 2 * OB_LOSS_TOTAL_SLOTS);
}

static void check_running_total(int block)
{
    enum { N = 3001, R = 97, K = 7 };
    float *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b), *x = malloc(R * K * sizeof *x);
    int32_t lab[R];
    ob_test_fill_uniform(a, N, 21, -3, 3), ob_test_fill_uniform(b, N, 22, -3, 3);
    ob_test_fill_uniform(x, R * K, 23, -5, 5);
    uint64_t rs = 24;
    for (int i = 0; i < R; i++) lab[i] = ob_test_rand_int(&rs, 0, K - 1);
    float *da = ob_gpu_upload(a, N), *db = ob_gpu_upload(b, N), *dx = ob_gpu_upload(x, R * K);
    int32_t *dlab = (int32_t *)ob_gpu_upload((const float *)lab, R);
    ob_launch_cfg cfg = {block, 0, 0, NULL, NULL};
    double mse = NAN, ce = NAN, ce_dev = NAN;
    OB_CHECK_OK(OB_GPU(ob_loss_pointwise)(&mse, NULL, NULL, NULL, da, db, N, OB_LOSS_MSE, 1.0f, &cfg));
    OB_CHECK_OK(OB_GPU(ob_loss_cross_entropy)(&ce, NULL, NULL, dx, lab, OB_HOST, R, K, 1.0f, &cfg));
    OB_CHECK_OK(OB_GPU(ob_loss_cross_entropy)(&ce_dev, NULL, NULL, dx, dlab, OB_DEVICE, R, K, 1.0f, &cfg));
    OB_CHECK(ce_dev == ce, "block %d: cross-entropy with device labels %.17g vs staged %.17g", block, ce_dev, ce);
    /* three adds, as three training steps: weight = rows, scale = 1/n (mean) */
    const float zero[2 * OB_LOSS_TOTAL_SLOTS] = {0};
    double *total = (double *)ob_gpu_upload(zero, 2 * OB_LOSS_TOTAL_SLOTS), t[OB_LOSS_TOTAL_SLOTS];
    const ob_loss_acc acc_mse = {total, 1.0 / N, 16.0, 0.0}, acc_ce = {total, 1.0 / R, 5.0, 1.0};
    OB_CHECK_OK(OB_GPU(ob_loss_pointwise)(NULL, &acc_mse, NULL, NULL, da, db, N, OB_LOSS_MSE, 1.0f / N, &cfg));
    OB_CHECK_OK(OB_GPU(ob_loss_cross_entropy)(NULL, &acc_ce, NULL, dx, dlab, OB_DEVICE, R, K, 1.0f / R, &cfg));
    OB_CHECK_OK(OB_GPU(ob_loss_cross_entropy)(NULL, &acc_ce, NULL, dx, lab, OB_HOST, R, K, 1.0f / R, &cfg));
    double want[OB_LOSS_TOTAL_SLOTS] = {0, 0, 0, 0};
    ob_loss_total_add(want, mse, 1.0 / N, 16.0, 0.0);
    ob_loss_total_add(want, ce, 1.0 / R, 5.0, 1.0);
    ob_loss_total_add(want, ce, 1.0 / R, 5.0, 1.0);
    total_read(t, total);
    OB_CHECK(t[OB_LOSS_TOTAL_SUM] == want[OB_LOSS_TOTAL_SUM] && t[OB_LOSS_TOTAL_BAD] == 0,
             "block %d: running total %.17g (bad %g) vs %.17g from the read sums", block, t[OB_LOSS_TOTAL_SUM],
             t[OB_LOSS_TOTAL_BAD], want[OB_LOSS_TOTAL_SUM]);
    /* a NaN in step 7's prediction and an infinite logit in step 9's: both counted, the first kept,
     * the finite sum unchanged */
    a[N / 2] = NAN;
    x[3] = INFINITY;
    float *dan = ob_gpu_upload(a, N), *dxn = ob_gpu_upload(x, R * K);
    const ob_loss_acc bad1 = {total, 1.0 / N, 16.0, 7.0}, bad2 = {total, 1.0 / R, 5.0, 9.0};
    OB_CHECK_OK(OB_GPU(ob_loss_pointwise)(NULL, &bad1, NULL, NULL, dan, db, N, OB_LOSS_MSE, 1.0f / N, &cfg));
    OB_CHECK_OK(OB_GPU(ob_loss_cross_entropy)(NULL, &bad2, NULL, dxn, dlab, OB_DEVICE, R, K, 1.0f / R, &cfg));
    total_read(t, total);
    OB_CHECK(t[OB_LOSS_TOTAL_BAD] == 2 && t[OB_LOSS_TOTAL_FIRST_TAG] == 7 && isnan(t[OB_LOSS_TOTAL_FIRST_VALUE]) &&
                 t[OB_LOSS_TOTAL_SUM] == want[OB_LOSS_TOTAL_SUM],
             "block %d: after two bad steps: bad %g, first tag %g value %g, sum %.17g", block, t[OB_LOSS_TOTAL_BAD],
             t[OB_LOSS_TOTAL_FIRST_TAG], t[OB_LOSS_TOTAL_FIRST_VALUE], t[OB_LOSS_TOTAL_SUM]);
    printf("%s running total block %d: %.15g after 3 steps, 2 bad steps counted (first tag %g)\n",
           ob_gpu_backend_name(), block, want[OB_LOSS_TOTAL_SUM], t[OB_LOSS_TOTAL_FIRST_TAG]);
    /* the tag from device memory (a captured graph's): 11 there, 99 in acc */
    const double tag11[1] = {11.0};
    double *dtag = (double *)ob_gpu_upload((const float *)tag11, 2);
    const ob_step_scalars sc = {NULL, NULL, dtag};
    ob_launch_cfg from_dev = cfg;
    from_dev.step = &sc;
    const float zero2[2 * OB_LOSS_TOTAL_SLOTS] = {0};
    double *total2 = (double *)ob_gpu_upload(zero2, 2 * OB_LOSS_TOTAL_SLOTS);
    const ob_loss_acc bad3 = {total2, 1.0 / N, 1.0, 99.0};
    OB_CHECK_OK(OB_GPU(ob_loss_pointwise)(NULL, &bad3, NULL, NULL, dan, db, N, OB_LOSS_MSE, 1.0f / N, &from_dev));
    total_read(t, total2);
    OB_CHECK(t[OB_LOSS_TOTAL_BAD] == 1 && t[OB_LOSS_TOTAL_FIRST_TAG] == 11, "block %d: tag from device memory: %g",
             block, t[OB_LOSS_TOTAL_FIRST_TAG]);
    ob_gpu_free(dtag), ob_gpu_free(total2);
    /* both sinks or neither: refused */
    double s1;
    OB_CHECK_FAILS(OB_GPU(ob_loss_pointwise)(&s1, &acc_mse, NULL, NULL, da, db, N, OB_LOSS_MSE, 1.0f, &cfg),
                   OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_loss_cross_entropy)(NULL, NULL, NULL, dx, lab, OB_HOST, R, K, 1.0f, &cfg), OB_ERR_ARG);
    ob_gpu_free(da), ob_gpu_free(db), ob_gpu_free(dx), ob_gpu_free(dlab), ob_gpu_free(dan), ob_gpu_free(dxn);
    ob_gpu_free(total);
    free(a), free(b), free(x);
}

/* A training step's losses with a context's workspace allocate nothing once
 * warm (cross-entropy's labels included), and sum as the allocating call. */
static void check_no_alloc(void)
{
    enum { N = 300, K = 10 };
    float *x = malloc(sizeof(float) * N * K), *t = malloc(sizeof(float) * N * K);
    int32_t lab[N];
    ob_test_fill_uniform(x, (size_t)N * K, 3, -4, 4), ob_test_fill_uniform(t, (size_t)N * K, 4, -4, 4);
    uint64_t s = 9;
    for (int i = 0; i < N; i++) lab[i] = ob_test_rand_int(&s, 0, K - 1);
    loss_call c = {NAN, NULL, ob_gpu_alloc((size_t)N * K), ob_gpu_upload(x, (size_t)N * K),
                   ob_gpu_upload(t, (size_t)N * K), lab, N * K, K};
    OB_CHECK_OK(mse_launch(&c, NULL));
    double ref = c.sum;
    ob_gpu_check_no_alloc("mse loss", mse_launch, &c);
    OB_CHECK(c.sum == ref, "mse loss with a workspace: %.17g vs %.17g", c.sum, ref);
    c.n = N;
    OB_CHECK_OK(ce_launch(&c, NULL));
    ref = c.sum;
    ob_gpu_check_no_alloc("cross_entropy", ce_launch, &c);
    OB_CHECK(c.sum == ref, "cross_entropy with a workspace: %.17g vs %.17g", c.sum, ref);
    /* adding to a running total instead: nothing allocated either */
    const float zero[2 * OB_LOSS_TOTAL_SLOTS] = {0};
    double *total = (double *)ob_gpu_upload(zero, 2 * OB_LOSS_TOTAL_SLOTS);
    const ob_loss_acc acc = {total, 1.0 / N, 1.0, 0.0};
    c.acc = &acc;
    ob_gpu_check_no_alloc("cross_entropy into a running total", ce_launch, &c);
    c.n = N * K;
    ob_gpu_check_no_alloc("mse loss into a running total", mse_launch, &c);
    ob_gpu_free(total);
    ob_gpu_free(c.grad), ob_gpu_free((void *)c.a), ob_gpu_free((void *)c.b);
    free(x), free(t);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    check_no_alloc();
    check_running_total(256);
    check_running_total(64);
    const int blocks[2] = {256, 96};
    for (int bi = 0; bi < 2; bi++) {
        const int block = blocks[bi];
        for (int k = 0; k < 4; k++) {
            check_pointwise((ob_loss_kind)k, 1, block, 0, 1);
            check_pointwise((ob_loss_kind)k, 3 * 37 * 53, block, 77, 1);
            check_pointwise((ob_loss_kind)k, 1001, block, 0, 0);
        }
        check_pointwise(OB_LOSS_MSE, (size_t)1024 * block * 2 + 13, block, 5, 1); /* every thread loops */
        check_ce(1, 1, block, 0);
        check_ce(37, 10, block, 3);
        check_ce(1024 * 2 + 7, 3, block, 0); /* rows past the grid */
        check_ce(5, 1000, block, 0);
        check_reparam(1, block, 3, 0);
        check_reparam(3 * 5 * 7 * 11, block, 12345, 1ull << 40);
    }
    ob_launch_cfg odd = {100, 0, 0, NULL, NULL};
    double s;
    float *d = ob_gpu_alloc(8);
    OB_CHECK_FAILS(OB_GPU(ob_loss_pointwise)(&s, NULL, NULL, NULL, d, d, 8, OB_LOSS_MSE, 1.f, &odd), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_loss_pointwise)(&s, NULL, NULL, NULL, d, d, 0, OB_LOSS_MSE, 1.f, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_loss_pointwise)(&s, NULL, NULL, NULL, d, d, 8, (ob_loss_kind)9, 1.f, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_reparam_forward)(d, d, d, 8, 1, 0, &odd), OB_ERR_ARG);
    ob_gpu_free(d);
    return ob_test_finish();
}
