/* response_solve.c — the Debevec–Malik system in its two forms (dense and
 * reduced normal equations), shared by the LAPACKE and cuSOLVER solvers, and
 * the backend dispatch. See response_solve.h for the rows and the reasoning. */
#include "response_solve.h"

#include <math.h>
#include <string.h>

#include "hdr_merge.h"

ob_status ob_response_problem_check(const ob_response_problem *pb)
{
    OB_REQUIRE(pb && pb->z && pb->ln_t, "response solve: null argument");
    OB_TRY(ob_hdr_check_bins(pb->n_bins, "response solve"));
    OB_REQUIRE(pb->n_exp >= 2 && pb->n_exp <= OB_HDR_MAX_EXPOSURES,
               "response solve: %d exposures (expected 2 to %d)", pb->n_exp, OB_HDR_MAX_EXPOSURES);
    OB_REQUIRE(pb->n_samples >= 2 && pb->n_samples <= (1 << 24),
               "response solve: %d samples (expected 2 to 2^24)", pb->n_samples);
    OB_REQUIRE(isfinite(pb->lambda) && pb->lambda >= 0,
               "response solve: lambda = %g; the smoothness weight must be finite and >= 0", pb->lambda);
    for (int j = 0; j < pb->n_exp; j++)
        OB_REQUIRE(isfinite(pb->ln_t[j]), "response solve: ln t[%d] = %g is not finite", j, pb->ln_t[j]);
    const size_t nz = (size_t)pb->n_samples * pb->n_exp;
    for (size_t k = 0; k < nz; k++)
        OB_REQUIRE(pb->z[k] < pb->n_bins, "response solve: sample %zu exposure %zu has bin %d (>= %d bins)",
                   k / pb->n_exp, k % pb->n_exp, pb->z[k], pb->n_bins);
    return OB_OK;
}

double ob_response_fix_weight(int n_bins) { return n_bins / 2; }
int ob_response_fix_bin(int n_bins) { return n_bins / 2; }

void ob_response_pin(double *g, int n_bins)
{
    const double g0 = g[ob_response_fix_bin(n_bins)];
    for (int z = 0; z < n_bins; z++) g[z] -= g0;
}

void ob_response_dense_size(const ob_response_problem *pb, int *rows, int *cols)
{
    *rows = pb->n_samples * pb->n_exp + 1 + (pb->n_bins - 2);
    *cols = pb->n_bins + pb->n_samples;
}

ob_status ob_response_dense_system(double *a, double *b, const ob_response_problem *pb)
{
    OB_TRY(ob_response_problem_check(pb));
    int rows, cols;
    ob_response_dense_size(pb, &rows, &cols);
    const int n = pb->n_bins, P = pb->n_exp;
    memset(a, 0, sizeof(double) * (size_t)rows * cols);
    memset(b, 0, sizeof(double) * (size_t)rows);
#define A(r, c) a[(size_t)(c) * rows + (r)]
    int k = 0;
    for (int i = 0; i < pb->n_samples; i++) /* data rows */
        for (int j = 0; j < P; j++, k++) {
            const int z = pb->z[(size_t)i * P + j];
            const double w = ob_hdr_hat(z, n);
            A(k, z) = w;
            A(k, n + i) = -w;
            b[k] = w * pb->ln_t[j];
        }
    A(k, ob_response_fix_bin(n)) = ob_response_fix_weight(n); /* fix row */
    k++;
    for (int z = 1; z <= n - 2; z++, k++) { /* smoothness rows */
        const double s = pb->lambda * ob_hdr_hat(z, n);
        A(k, z - 1) = s, A(k, z) = -2 * s, A(k, z + 1) = s;
    }
#undef A
    return OB_OK;
}

ob_status ob_response_reduced_system(double *s, double *r, const ob_response_problem *pb)
{
    OB_TRY(ob_response_problem_check(pb));
    const int n = pb->n_bins, P = pb->n_exp;
    memset(s, 0, sizeof(double) * (size_t)n * n);
    memset(r, 0, sizeof(double) * (size_t)n);
#define S(i, j) s[(size_t)(i) * n + (j)]
    /* smoothness: (lambda w(z))^2 v v^T with v = (1, -2, 1) at z-1, z, z+1 */
    for (int z = 1; z <= n - 2; z++) {
        const double q = pb->lambda * ob_hdr_hat(z, n), q2 = q * q, v[3] = {1, -2, 1};
        for (int u = 0; u < 3; u++)
            for (int t = 0; t < 3; t++) S(z - 1 + u, z - 1 + t) += q2 * v[u] * v[t];
    }
    const double c = ob_response_fix_weight(n);
    S(ob_response_fix_bin(n), ob_response_fix_bin(n)) += c * c;
    /* data, with ln E_i eliminated: per sample, G gets w_j^2 on the diagonal,
     * minus the outer product w_j^2 w_k^2 / d (d = sum_j w_j^2), and r gets
     * w_j^2 (ln t_j - m) with m the w^2-weighted mean of ln t over the sample */
    for (int i = 0; i < pb->n_samples; i++) {
        const uint16_t *zi = pb->z + (size_t)i * P;
        double w2[OB_HDR_MAX_EXPOSURES], d = 0, m = 0;
        for (int j = 0; j < P; j++) {
            const double w = ob_hdr_hat(zi[j], n);
            w2[j] = w * w, d += w2[j], m += w2[j] * pb->ln_t[j];
        }
        if (d == 0) continue; /* clipped in every exposure: no information */
        m /= d;
        for (int j = 0; j < P; j++) {
            if (w2[j] == 0) continue;
            S(zi[j], zi[j]) += w2[j];
            r[zi[j]] += w2[j] * (pb->ln_t[j] - m);
            for (int k = 0; k < P; k++) S(zi[j], zi[k]) -= w2[j] * w2[k] / d;
        }
    }
#undef S
    return OB_OK;
}

ob_status ob_response_solve(ob_ctx *ctx, double *g, const ob_response_problem *pb)
{
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) return ob_response_solve_cpu(g, pb, OB_RESPONSE_SOLVE_NORMAL);
    return ob_response_solve_cusolver(ctx, g, pb);
}
