/* test_loss.c — nets/ob_loss.h on the CPU:
 *   - values and gradients equal PyTorch's (tests/golden/nets/loss.txt, made by
 *     make_nets_loss_optim_golden.py): |got - ref| <= 1e-6 + 1e-5 |ref|
 *     (float32 gradients; the sums are double on both sides);
 *   - a central finite-difference check of every loss's gradient at odd sizes
 *     (the loss in double, step 1e-3, |num - ana| <= 1e-4 + 1e-3 |ana|);
 *   - stability: BCE and cross-entropy at logits of +-1e4 stay finite;
 *   - the reparameterisation: z = mu + exp(logvar/2) eps with eps ~ N(0, 1)
 *     (moments of 200k draws), the backward against finite differences, the
 *     same draws for the same seed and offset, accumulate vs overwrite;
 *   - determinism: the same bits with 1 and 4 OpenMP threads;
 *   - the running loss (loss == NULL): the weighted sum of the values the
 *     same calls return, host values added with ob_ctx_loss_add, a NaN and an
 *     inf counted with the first one's tag, reset;
 *   - bad input: mismatched shapes, bad labels, unknown reductions. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nets_golden.h"
#include "ob_loss.h"
#include "ob_test.h"

static ob_ctx *ctx;

static ob_tensor wrap(float *p, int ndim, const int64_t *shape)
{
    ob_tensor t;
    ob_tensor_wrap(&t, p, OB_F32, OB_HOST, ndim, shape);
    return t;
}

static void check_scalar(const char *label, double got, double ref)
{
    OB_CHECK(fabs(got - ref) <= 1e-7 + 1e-6 * fabs(ref), "%s: loss %.10g vs torch %.10g", label, got, ref);
}

static void check_vs_torch(void)
{
    ob_golden g;
    ob_golden_load(&g, "loss.txt");
    const int n = 3 * 5 * 7;
    const int64_t shape[3] = {3, 5, 7};
    float *pred = ob_golden_f32(&g, "pred", n), *target = ob_golden_f32(&g, "target", n);
    float *prob = ob_golden_f32(&g, "prob", n), *logits = ob_golden_f32(&g, "logits", n);
    float *grad = malloc(sizeof(float) * n);
    const char *names[3] = {"mse", "l1", "bce"};
    for (int k = 0; k < 3; k++)
        for (int r = 0; r < 2; r++) {
            ob_tensor a = wrap(k == 2 ? logits : pred, 3, shape), b = wrap(k == 2 ? prob : target, 3, shape);
            ob_tensor gt = wrap(grad, 3, shape);
            ob_test_fill_nan(grad, n);
            double loss = NAN;
            const ob_reduction red = r ? OB_REDUCE_SUM : OB_REDUCE_MEAN;
            if (k == 0) OB_CHECK_OK(ob_loss_mse(ctx, &loss, &gt, &a, &b, red));
            if (k == 1) OB_CHECK_OK(ob_loss_l1(ctx, &loss, &gt, &a, &b, red));
            if (k == 2) OB_CHECK_OK(ob_loss_bce_logits(ctx, &loss, &gt, &a, &b, red));
            char key[64], label[64];
            snprintf(label, sizeof label, "%s %s vs torch", names[k], r ? "sum" : "mean");
            snprintf(key, sizeof key, "%s_%s_loss", names[k], r ? "sum" : "mean");
            const double *ref = ob_golden_get(&g, key, 1);
            if (ref) check_scalar(label, loss, ref[0]);
            snprintf(key, sizeof key, "%s_%s_grad", names[k], r ? "sum" : "mean");
            float *rg = ob_golden_f32(&g, key, n);
            ob_test_allclose(label, grad, rg, n, 1e-6, 1e-5);
            free(rg);
        }
    /* cross-entropy (7, 11) */
    {
        const int64_t s2[2] = {7, 11};
        float *x = ob_golden_f32(&g, "ce_logits", 77), *cg = malloc(sizeof(float) * 77);
        const double *lab = ob_golden_get(&g, "ce_labels", 7);
        int32_t labels[7];
        for (int i = 0; i < 7; i++) labels[i] = lab ? (int32_t)lab[i] : 0;
        for (int r = 0; r < 2; r++) {
            ob_tensor xt = wrap(x, 2, s2), gt = wrap(cg, 2, s2);
            double loss = NAN;
            ob_test_fill_nan(cg, 77);
            OB_CHECK_OK(ob_loss_cross_entropy(ctx, &loss, &gt, &xt, labels, r ? OB_REDUCE_SUM : OB_REDUCE_MEAN));
            char key[64];
            snprintf(key, sizeof key, "ce_%s_loss", r ? "sum" : "mean");
            const double *ref = ob_golden_get(&g, key, 1);
            if (ref) check_scalar(key, loss, ref[0]);
            snprintf(key, sizeof key, "ce_%s_grad", r ? "sum" : "mean");
            float *rg = ob_golden_f32(&g, key, 77);
            ob_test_allclose(key, cg, rg, 77, 1e-6, 1e-5);
            free(rg);
        }
        free(x), free(cg);
    }
    /* KL (5, 9), sum and per-sample mean */
    {
        const int64_t s2[2] = {5, 9};
        float *mu = ob_golden_f32(&g, "kl_mu", 45), *lv = ob_golden_f32(&g, "kl_logvar", 45);
        float gm[45], gl[45];
        for (int r = 0; r < 2; r++) {
            ob_tensor mt = wrap(mu, 2, s2), lt = wrap(lv, 2, s2), gmt = wrap(gm, 2, s2), glt = wrap(gl, 2, s2);
            double loss = NAN;
            OB_CHECK_OK(ob_loss_kl_normal(ctx, &loss, &gmt, &glt, &mt, &lt, r ? OB_REDUCE_MEAN : OB_REDUCE_SUM));
            const char *red = r ? "mean" : "sum";
            char key[64];
            snprintf(key, sizeof key, "kl_%s_loss", red);
            const double *ref = ob_golden_get(&g, key, 1);
            if (ref) check_scalar(key, loss, ref[0]);
            snprintf(key, sizeof key, "kl_%s_grad_mu", red);
            float *rg = ob_golden_f32(&g, key, 45);
            ob_test_allclose(key, gm, rg, 45, 1e-6, 1e-5);
            free(rg);
            snprintf(key, sizeof key, "kl_%s_grad_logvar", red);
            rg = ob_golden_f32(&g, key, 45);
            ob_test_allclose(key, gl, rg, 45, 1e-6, 1e-5);
            free(rg);
        }
        free(mu), free(lv);
    }
    free(pred), free(target), free(prob), free(logits), free(grad);
    ob_golden_free(&g);
}

/* ---- finite differences ---------------------------------------------------- */

typedef enum { FD_MSE, FD_L1, FD_BCE, FD_CE, FD_KL_MU, FD_KL_LOGVAR } fd_kind;

/* The loss of (a, b) for kind, optionally with the analytic gradient w.r.t. the
 * perturbed input into `grad`. */
static double fd_eval(fd_kind kind, float *a, float *b, const int32_t *labels, int ndim, const int64_t *shape,
                      ob_reduction red, float *grad)
{
    ob_tensor at = wrap(a, ndim, shape), bt = wrap(b, ndim, shape), gt = wrap(grad, ndim, shape);
    ob_tensor *gp = grad ? &gt : NULL;
    double loss = NAN;
    ob_status st = OB_OK;
    switch (kind) {
    case FD_MSE: st = ob_loss_mse(ctx, &loss, gp, &at, &bt, red); break;
    case FD_L1: st = ob_loss_l1(ctx, &loss, gp, &at, &bt, red); break;
    case FD_BCE: st = ob_loss_bce_logits(ctx, &loss, gp, &at, &bt, red); break;
    case FD_CE: st = ob_loss_cross_entropy(ctx, &loss, gp, &at, labels, red); break;
    case FD_KL_MU: st = ob_loss_kl_normal(ctx, &loss, gp, NULL, &at, &bt, red); break;
    case FD_KL_LOGVAR: st = ob_loss_kl_normal(ctx, &loss, NULL, gp, &bt, &at, red); break;
    }
    if (st != OB_OK) fprintf(stderr, "fd_eval: %s\n", ob_last_error());
    return loss;
}

static void fd_check(const char *label, fd_kind kind, int ndim, const int64_t *shape, ob_reduction red, uint64_t seed)
{
    int64_t n = 1;
    for (int d = 0; d < ndim; d++) n *= shape[d];
    float *a = malloc(sizeof(float) * n), *b = malloc(sizeof(float) * n), *grad = malloc(sizeof(float) * n);
    ob_test_fill_uniform(a, (size_t)n, seed, -2, 2);
    ob_test_fill_uniform(b, (size_t)n, seed + 1, kind == FD_BCE ? 0 : -2, kind == FD_BCE ? 1 : 2);
    if (kind == FD_L1) /* keep |a - b| away from the kink at 0 */
        for (int64_t i = 0; i < n; i++)
            if (fabsf(a[i] - b[i]) < 0.05f) a[i] = b[i] + 0.1f;
    int32_t *labels = malloc(sizeof(int32_t) * (size_t)shape[0]);
    uint64_t rs = seed;
    for (int64_t i = 0; i < shape[0]; i++) labels[i] = ob_test_rand_int(&rs, 0, (int)(ndim > 1 ? shape[1] - 1 : 0));
    ob_test_fill_nan(grad, (size_t)n);
    fd_eval(kind, a, b, labels, ndim, shape, red, grad);
    double worst = 0;
    int ok = 1;
    for (int64_t i = 0; i < n && ok; i++) {
        const float keep = a[i], h = 1e-3f;
        a[i] = keep + h;
        const double lp = fd_eval(kind, a, b, labels, ndim, shape, red, NULL);
        a[i] = keep - h;
        const double lm = fd_eval(kind, a, b, labels, ndim, shape, red, NULL);
        a[i] = keep;
        const double num = (lp - lm) / ((double)(keep + h) - (double)(keep - h)), ana = grad[i];
        const double err = fabs(num - ana);
        if (!(err <= 1e-4 + 1e-3 * fabs(ana))) {
            OB_CHECK(0, "%s [%lld]: numeric %.8g vs analytic %.8g", label, (long long)i, num, ana);
            ok = 0;
        }
        if (err > worst) worst = err;
    }
    if (ok) OB_CHECK(1, "%s", label);
    printf("%s %-36s n=%5lld max |num - ana| = %.3g\n", ok ? "ok  " : "FAIL", label, (long long)n, worst);
    free(a), free(b), free(grad), free(labels);
}

static void check_finite_differences(void)
{
    static const struct {
        const char *name;
        fd_kind kind;
        int ndim;
        int64_t shape[4];
    } cases[] = {
        {"mse (3,7,5)", FD_MSE, 3, {3, 7, 5}},
        {"l1 (2,3,5,3)", FD_L1, 4, {2, 3, 5, 3}},
        {"bce (13)", FD_BCE, 1, {13}},
        {"cross-entropy (9,7)", FD_CE, 2, {9, 7}},
        {"cross-entropy (5,1)", FD_CE, 2, {5, 1}},
        {"kl d/dmu (3,7,5)", FD_KL_MU, 3, {3, 7, 5}},
        {"kl d/dlogvar (3,7,5)", FD_KL_LOGVAR, 3, {3, 7, 5}},
    };
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < (int)(sizeof cases / sizeof cases[0]); c++) {
            char label[64];
            snprintf(label, sizeof label, "fd %s %s", cases[c].name, r ? "sum" : "mean");
            fd_check(label, cases[c].kind, cases[c].ndim, cases[c].shape, r ? OB_REDUCE_SUM : OB_REDUCE_MEAN,
                     11 + (uint64_t)c);
        }
}

/* ---- stability at extreme logits ------------------------------------------- */

static void check_stability(void)
{
    float x[4] = {1e4f, -1e4f, 30.f, -30.f}, t[4] = {0.f, 1.f, 1.f, 0.f}, g[4];
    const int64_t s[1] = {4};
    ob_tensor xt = wrap(x, 1, s), tt = wrap(t, 1, s), gt = wrap(g, 1, s);
    double loss;
    OB_CHECK_OK(ob_loss_bce_logits(ctx, &loss, &gt, &xt, &tt, OB_REDUCE_SUM));
    /* 1e4 + 1e4 + log1p(e^-30) + log1p(e^-30) */
    OB_CHECK(fabs(loss - (2e4 + 2 * log1p(exp(-30.0)))) <= 1e-9, "bce at +-1e4: %.17g", loss);
    OB_CHECK(g[0] == 1.f && g[1] == -1.f && fabsf(g[2]) < 1e-12f && fabsf(g[3]) < 1e-12f,
             "bce grads at +-1e4: %g %g %g %g", g[0], g[1], g[2], g[3]);
    float l[6] = {1e4f, -1e4f, 0.f, -1e4f, 1e4f, 1e4f}, lg[6];
    const int64_t s2[2] = {2, 3};
    int32_t lab[2] = {1, 0};
    ob_tensor lt = wrap(l, 2, s2), lgt = wrap(lg, 2, s2);
    OB_CHECK_OK(ob_loss_cross_entropy(ctx, &loss, &lgt, &lt, lab, OB_REDUCE_SUM));
    /* row 0: lse = 1e4, t = 2e4; row 1: lse = 1e4 + log 2, t = 2e4 + log 2 */
    OB_CHECK(fabs(loss - (4e4 + log(2.0))) <= 1e-9 * 4e4, "cross-entropy at +-1e4: %.17g", loss);
    OB_CHECK(isfinite(lg[0]) && lg[0] == 1.f && lg[1] == -1.f && lg[4] == 0.5f, "cross-entropy grads %g %g %g", lg[0],
             lg[1], lg[4]);
}

/* ---- reparameterisation ----------------------------------------------------- */

static void check_reparam(void)
{
    enum { N = 200000 };
    const int64_t s[2] = {400, 500};
    float *mu = calloc(N, sizeof(float)), *lv = calloc(N, sizeof(float)), *z = malloc(sizeof(float) * N),
          *z2 = malloc(sizeof(float) * N);
    for (int i = 0; i < N; i++) mu[i] = 1.5f, lv[i] = (float)log(0.25); /* std 0.5 */
    ob_tensor mt = wrap(mu, 2, s), lt = wrap(lv, 2, s), zt = wrap(z, 2, s), z2t = wrap(z2, 2, s);
    OB_CHECK_OK(ob_reparam_sample(ctx, &zt, &mt, &lt, 42, 0));
    double m1 = 0, m2 = 0, m4 = 0;
    for (int i = 0; i < N; i++) m1 += z[i];
    m1 /= N;
    for (int i = 0; i < N; i++) {
        const double d = (z[i] - m1) / 0.5;
        m2 += d * d, m4 += d * d * d * d;
    }
    m2 /= N, m4 /= N;
    /* standard errors for 200k draws: mean 0.5/447 = 1.1e-3, var 3.2e-3, kurtosis 0.02 */
    printf("reparam: mean %.5f (1.5), var/std^2 %.5f (1), kurtosis %.4f (3)\n", m1, m2, m4);
    OB_CHECK(fabs(m1 - 1.5) < 6e-3 && fabs(m2 - 1) < 0.02 && fabs(m4 - 3) < 0.1,
             "reparam moments: mean %g var %g kurtosis %g", m1, m2, m4);
    OB_CHECK_OK(ob_reparam_sample(ctx, &z2t, &mt, &lt, 42, 0));
    OB_CHECK(memcmp(z, z2, sizeof(float) * N) == 0, "reparam: same seed and offset, different draws");
    OB_CHECK_OK(ob_reparam_sample(ctx, &z2t, &mt, &lt, 42, N));
    int same = 0;
    for (int i = 0; i < N; i++) same += z[i] == z2[i];
    OB_CHECK(same < 100, "reparam: a new offset repeats %d draws", same);

    /* backward vs finite differences of L = sum z * r on an odd shape */
    enum { M = 3 * 5 * 7 };
    const int64_t sm[3] = {3, 5, 7};
    float a[M], b[M], r[M], dm[M], dl[M], zz[M];
    ob_test_fill_uniform(a, M, 1, -1, 1);
    ob_test_fill_uniform(b, M, 2, -2, 1);
    ob_test_fill_uniform(r, M, 3, -1, 1);
    ob_tensor at = wrap(a, 3, sm), bt = wrap(b, 3, sm), rt = wrap(r, 3, sm), dmt = wrap(dm, 3, sm),
              dlt = wrap(dl, 3, sm), zzt = wrap(zz, 3, sm);
    OB_CHECK_OK(ob_reparam_backward(ctx, &dmt, &dlt, &rt, &bt, 7, 99, 0));
    double worst = 0;
    for (int i = 0; i < M; i++) {
        float *x[2] = {a, b}, *ana[2] = {dm, dl};
        for (int w = 0; w < 2; w++) {
            const float keep = x[w][i], h = 1e-3f;
            double lp = 0, lm = 0;
            x[w][i] = keep + h;
            ob_reparam_sample(ctx, &zzt, &at, &bt, 7, 99);
            for (int j = 0; j < M; j++) lp += (double)zz[j] * r[j];
            x[w][i] = keep - h;
            ob_reparam_sample(ctx, &zzt, &at, &bt, 7, 99);
            for (int j = 0; j < M; j++) lm += (double)zz[j] * r[j];
            x[w][i] = keep;
            const double num = (lp - lm) / ((double)(keep + h) - (double)(keep - h)), err = fabs(num - ana[w][i]);
            if (err > worst) worst = err;
            OB_CHECK(err <= 1e-3 + 1e-3 * fabs(ana[w][i]), "reparam d/d%s [%d]: numeric %.8g vs analytic %.8g",
                     w ? "logvar" : "mu", i, num, ana[w][i]);
        }
    }
    printf("reparam backward (3,5,7): max |num - ana| = %.3g\n", worst);
    /* accumulate adds to what is there */
    float dm2[M], dl2[M];
    for (int i = 0; i < M; i++) dm2[i] = 1.f, dl2[i] = -2.f;
    ob_tensor dm2t = wrap(dm2, 3, sm), dl2t = wrap(dl2, 3, sm);
    OB_CHECK_OK(ob_reparam_backward(ctx, &dm2t, &dl2t, &rt, &bt, 7, 99, 1));
    int acc_ok = 1;
    for (int i = 0; i < M; i++) acc_ok &= dm2[i] == 1.f + dm[i] && dl2[i] == -2.f + dl[i];
    OB_CHECK(acc_ok, "reparam backward: accumulate = 1 does not add");
    free(mu), free(lv), free(z), free(z2);
}

/* fixed chunking: the sum does not depend on the thread count */
static void check_determinism(void)
{
    const int64_t n = 5 * 4096 + 17, shape[1] = {n};
    float *a = malloc(sizeof(float) * n), *b = malloc(sizeof(float) * n);
    ob_test_fill_uniform(a, (size_t)n, 1, -3, 3);
    ob_test_fill_uniform(b, (size_t)n, 2, -3, 3);
    ob_tensor at = wrap(a, 1, shape), bt = wrap(b, 1, shape);
    double l1 = NAN, l4 = NAN;
    const int keep = omp_get_max_threads();
    omp_set_num_threads(1);
    OB_CHECK_OK(ob_loss_mse(ctx, &l1, NULL, &at, &bt, OB_REDUCE_MEAN));
    omp_set_num_threads(4);
    OB_CHECK_OK(ob_loss_mse(ctx, &l4, NULL, &at, &bt, OB_REDUCE_MEAN));
    omp_set_num_threads(keep);
    OB_CHECK(memcmp(&l1, &l4, sizeof l1) == 0, "mse with 1 and 4 threads: %.17g vs %.17g", l1, l4);
    free(a), free(b);
}

/* loss == NULL adds weight * value to the context's running loss. */
static void check_running_loss(void)
{
    enum { N = 7, K = 5 };
    float a[N * K], b[N * K];
    int32_t lab[N];
    ob_test_fill_uniform(a, N * K, 31, -2, 2), ob_test_fill_uniform(b, N * K, 32, -2, 2);
    for (int i = 0; i < N; i++) lab[i] = i % K;
    const int64_t s2[2] = {N, K};
    ob_tensor at = wrap(a, 2, s2), bt = wrap(b, 2, s2);
    double mse, ce, kl;
    OB_CHECK_OK(ob_loss_mse(ctx, &mse, NULL, &at, &bt, OB_REDUCE_MEAN));
    OB_CHECK_OK(ob_loss_cross_entropy(ctx, &ce, NULL, &at, lab, OB_REDUCE_SUM));
    OB_CHECK_OK(ob_loss_kl_normal(ctx, &kl, NULL, NULL, &at, &bt, OB_REDUCE_MEAN));
    OB_CHECK_OK(ob_ctx_loss_reset(ctx));
    ob_ctx_loss_set(ctx, 3.0, 0);
    OB_CHECK_OK(ob_loss_mse(ctx, NULL, NULL, &at, &bt, OB_REDUCE_MEAN));
    ob_ctx_loss_set(ctx, 2.0, 1);
    OB_CHECK_OK(ob_loss_cross_entropy_at(ctx, NULL, NULL, &at, lab, lab, OB_REDUCE_SUM));
    OB_CHECK_OK(ob_loss_kl_normal(ctx, NULL, NULL, NULL, &at, &bt, OB_REDUCE_MEAN));
    ob_ctx_loss_add(ctx, 0.25);
    ob_running_loss r;
    OB_CHECK_OK(ob_ctx_loss_read(ctx, &r));
    const double want = 3.0 * mse + 2.0 * ce + 2.0 * kl + 2.0 * 0.25;
    OB_CHECK(fabs(r.sum - want) <= 1e-12 * fabs(want) && r.bad == 0, "running loss %.17g (bad %lld) vs %.17g", r.sum,
             r.bad, want);
    /* a NaN at tag 5 and an inf at tag 6: counted, the first kept, the sum untouched */
    a[3] = NAN;
    ob_ctx_loss_set(ctx, 1.0, 5);
    OB_CHECK_OK(ob_loss_mse(ctx, NULL, NULL, &at, &bt, OB_REDUCE_MEAN));
    ob_ctx_loss_set(ctx, 1.0, 6);
    ob_ctx_loss_add(ctx, INFINITY);
    OB_CHECK_OK(ob_ctx_loss_read(ctx, &r));
    OB_CHECK(r.bad == 2 && r.first_bad_tag == 5 && isnan(r.first_bad) && fabs(r.sum - want) <= 1e-12 * fabs(want),
             "after a NaN and an inf: bad %lld, first tag %lld value %g, sum %.17g", r.bad, r.first_bad_tag,
             r.first_bad, r.sum);
    OB_CHECK_OK(ob_ctx_loss_reset(ctx));
    OB_CHECK_OK(ob_ctx_loss_read(ctx, &r));
    OB_CHECK(r.sum == 0 && r.bad == 0, "after reset: sum %g, bad %lld", r.sum, r.bad);
    /* a bad label is still refused by name in the deferred form */
    int32_t badlab[N] = {0, 1, 2, 3, 9, 0, 1};
    OB_CHECK_FAILS(ob_loss_cross_entropy_at(ctx, NULL, NULL, &at, badlab, badlab, OB_REDUCE_MEAN), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "label 9 of sample 4") != NULL, "bad label named: %s", ob_last_error());
}

static void check_bad_input(void)
{
    float a[12] = {0}, b[12] = {0}, g[12];
    const int64_t s34[2] = {3, 4}, s43[2] = {4, 3}, s12[1] = {12};
    ob_tensor at = wrap(a, 2, s34), bt = wrap(b, 2, s43), gt = wrap(g, 1, s12), ct = wrap(b, 2, s34);
    double loss;
    OB_CHECK_FAILS(ob_loss_mse(ctx, &loss, NULL, &at, &bt, OB_REDUCE_MEAN), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_loss_l1(ctx, &loss, &gt, &at, &ct, OB_REDUCE_SUM), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_loss_bce_logits(ctx, &loss, NULL, &at, &ct, (ob_reduction)7), OB_ERR_ARG);
    int32_t lab[3] = {0, 4, 1}, neg[3] = {0, -1, 1};
    OB_CHECK_FAILS(ob_loss_cross_entropy(ctx, &loss, NULL, &at, lab, OB_REDUCE_MEAN), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_loss_cross_entropy(ctx, &loss, NULL, &at, neg, OB_REDUCE_MEAN), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_loss_cross_entropy(ctx, &loss, NULL, &gt, lab, OB_REDUCE_MEAN), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_loss_kl_normal(ctx, &loss, NULL, NULL, &at, &bt, OB_REDUCE_SUM), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_reparam_sample(ctx, &gt, &at, &ct, 1, 0), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "reparam") != NULL, "error names the op: %s", ob_last_error());
}

int main(void)
{
    if (ob_ctx_create(&ctx, OB_BACKEND_CPU, 0) != OB_OK) return 1;
    check_vs_torch();
    check_finite_differences();
    check_stability();
    check_reparam();
    check_determinism();
    check_running_loss();
    check_bad_input();
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
