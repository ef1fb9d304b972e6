/* response_solve.h — Debevec & Malik (SIGGRAPH 1997, section 2.1 and the
 * paper's gsolve.m) for one channel: the least-squares system whose solution
 * is the log inverse response g, and its solvers (LAPACKE on the CPU,
 * cuSOLVER on the GPU). Sampling pixels and looping over channels is the
 * pipeline's job (pipelines/ob_hdr_response.h).
 *
 * The system (unknowns x = [g(0..n-1), ln E_0..ln E_{N-1}], n = n_bins,
 * N = samples, P = exposures; w = ob_hdr_hat, hdr_merge.h):
 *   data        w(z_ij) g(z_ij) - w(z_ij) ln E_i = w(z_ij) ln t_j
 *               for every sample i and exposure j (N*P rows; w = 0 rows
 *               stay in the dense form as zero rows, as gsolve.m keeps them)
 *   fix         c g(n/2) = 0: g is defined up to a constant (adding k to g and
 *               to every ln E changes no residual), so one row fixes it;
 *               gsolve.m's g(128) = 0 for n = 256
 *   smoothness  lambda w(z) (g(z-1) - 2 g(z) + g(z+1)) = 0, z = 1..n-2
 *               (scaled by w(z) as in the paper: trust the data less, and
 *               the smoothness prior less too, near the ends)
 *   Dense size: rows = N*P + 1 + (n - 2), cols = n + N.
 *   The fix row's weight c does not change the solution: with lambda > 0 and
 *   one sample seen unclipped at two different bins, the system without it
 *   has exactly one null direction, the constant shift, so the fix row is
 *   met exactly whatever c is. We take c = n/2 (the largest hat weight) so
 *   the row has the scale of the others (gsolve.m uses 1), which keeps the
 *   normal equations well conditioned.
 *
 * Solvers (ob_response_solver)
 *   NORMAL (default)  the normal equations A^T A x = A^T b with ln E
 *       eliminated: the ln E block of A^T A is diagonal (d_i = sum_j w_ij^2),
 *       so its Schur complement S = G - B D^-1 B^T is an n x n symmetric
 *       positive definite matrix, assembled sample by sample in O(N P^2), and
 *       S g = r is solved by Cholesky (LAPACKE_dposv; cuSOLVER potrf + potrs).
 *       Cost O(N P^2 + n^3/3) instead of O(rows cols^2) for a dense QR/SVD:
 *       for n = 256, N = 1024, P = 16 that is ~6 MFLOP against ~50 GFLOP. The
 *       squaring of the condition number costs little here (the fix row is
 *       scaled, and double's 16 digits are far more than g needs:
 *       tests/test_hdr_response.c checks NORMAL against DENSE to 1e-6).
 *       If S is not positive definite (lambda = 0 leaves the end bins with no
 *       row at all; or no sample spans two bins) the call falls back to DENSE.
 *   DENSE   the whole system, column-major, by LAPACKE_dgelsd (SVD-based,
 *       rank-revealing: a rank-deficient system gets the minimum-norm
 *       solution instead of a failure). The reference, and the fallback.
 *
 * Contract
 *   z: (n_samples, n_exp) bins in 0..n_bins-1 (row i: sample i in each
 *   exposure); ln_t: (n_exp) ln of the exposure times; lambda finite, >= 0;
 *   n_samples >= 2; n_exp, n_bins as in hdr_merge.h. Samples clipped in every
 *   exposure (d_i = 0) carry no information and are skipped. g: (n_bins) on
 *   the host, natural-log units, g(n/2) = 0. All arrays host, caller-owned.
 *
 * Example
 *   ob_response_problem pb = {z, ln_t, n_samples, n_exp, 256, 10.0};
 *   double g[256];
 *   OB_TRY(ob_response_solve(ctx, g, &pb));
 */
#ifndef OB_RESPONSE_SOLVE_H
#define OB_RESPONSE_SOLVE_H

#include <stdint.h>

#include "ob_ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { OB_RESPONSE_SOLVE_NORMAL = 0, OB_RESPONSE_SOLVE_DENSE = 1 } ob_response_solver;

typedef struct {
    const uint16_t *z;   /* (n_samples, n_exp) bins */
    const double *ln_t;  /* (n_exp) */
    int n_samples, n_exp, n_bins;
    double lambda;       /* smoothness weight, >= 0 */
} ob_response_problem;

/* Sizes, lambda and every bin against the contract; OB_ERR_ARG names the bad one. */
ob_status ob_response_problem_check(const ob_response_problem *pb);
/* The fix row's weight c and the bin it fixes (see above). */
double ob_response_fix_weight(int n_bins);
int ob_response_fix_bin(int n_bins);
/* g -= g(fix bin): the free constant pinned exactly (a no-op for a full-rank
 * solve, which meets the fix row already; needed after a minimum-norm one). */
void ob_response_pin(double *g, int n_bins);

/* Dense system: a (rows, cols) column-major, b (rows); sizes from _dense_size. */
void ob_response_dense_size(const ob_response_problem *pb, int *rows, int *cols);
ob_status ob_response_dense_system(double *a, double *b, const ob_response_problem *pb);
/* Reduced normal equations: s (n_bins, n_bins) symmetric, r (n_bins). */
ob_status ob_response_reduced_system(double *s, double *r, const ob_response_problem *pb);

/* g (n_bins) <- the least-squares solution, on the CPU. */
ob_status ob_response_solve_cpu(double *g, const ob_response_problem *pb, ob_response_solver how);
/* The same (NORMAL) with cuSOLVER on ctx's handle and stream; without CUDA
 * OB_ERR_UNSUPPORTED. Falls back to the CPU's DENSE like the CPU path. */
ob_status ob_response_solve_cusolver(ob_ctx *ctx, double *g, const ob_response_problem *pb);
/* By ctx's backend: cpu -> _cpu(NORMAL), cuda -> _cusolver. */
ob_status ob_response_solve(ob_ctx *ctx, double *g, const ob_response_problem *pb);

#ifdef __cplusplus
}
#endif
#endif
