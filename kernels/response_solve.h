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
 * Monotone g (default; pb->free_curve = 1 skips it; kernels/response_monotone.c)
 *   A response is non-decreasing, but the unconstrained fit above is not held
 *   to it: on noisy real stacks it reverses in places and falls at the dark
 *   end. So the solvers return the solution of the same least squares with
 *   g(z) >= g(z-1) for z = 1..n-1, i.e. with ln E eliminated the convex QP
 *       minimise 1/2 g^T S g - r^T g  subject to  g(z) - g(z-1) >= 0
 *   (S, r from ob_response_reduced_system). The constraints are shift
 *   invariant and the rest of the objective is too, so the constrained
 *   optimum meets the fix row exactly, g(n/2) = 0, as before.
 *   - Already non-decreasing free solution: returned unchanged (same bits).
 *   - S positive definite (Cholesky of a copy, LAPACKE_dpotrf, n^3/3, then
 *     S^-1 from it, dpotri, 2n^3/3): a primal active-set method (Nocedal &
 *     Wright, Numerical Optimization, algorithm 16.3) on the constraints
 *     c_k^T g = g(k) - g(k-1) >= 0, k = 1..n-1, in range-space form: with W
 *     the working set (p constraints, C their rows) the equality-constrained
 *     optimum is g = g0 + Z nu, g0 = S^-1 r, Z = S^-1 C^T, K nu = -C g0 with
 *     K = C S^-1 C^T (its entries are second differences of S^-1), and nu
 *     are the multipliers (the derivative of the objective along the
 *     increment d_k, i.e. mu_k = sum_{z >= k} (S g - r)_z). K is kept as its
 *     Cholesky factor, updated when a constraint enters (a new column, p^2)
 *     or leaves (Givens rotations, p^2). A step that would make a free
 *     increment negative stops at the first one (ratio test) and adds it to
 *     W; otherwise every nu below -1e-13 * 2 sum |r| (= sum |S g0| + |r|)
 *     leaves W (after a degenerate step only the most negative: the textbook
 *     rule); none left: KKT holds (nu >= 0 on W, stationarity by
 *     construction), the unique optimum since S is positive definite. Start:
 *     the isotonic regression (below) of the free g with weights diag S
 *     (feasible; its ties are the first W). Cost per step O(p^2 + n p). Cap
 *     4n + 100 steps: iterates stay feasible and never worsen, so a capped
 *     run still returns a non-decreasing g (with a line on the log when its
 *     KKT residual, checked at the end from S and r, exceeds 1e-10). Steps:
 *     1-8 on noisy 256-bin stacks, 5-10 at 1024 bins, 20-270 at 4096.
 *     Measured (2 shared cores, AMD EPYC, OpenBLAS; median, free solve vs
 *     free + monotone): 256 bins 0.5 vs 1.5 ms; 1024 bins 9 vs 36 ms; 4096
 *     bins 0.3 vs 1.3 s with 312 reversals to undo, 0.5 vs 12.5 s with 1351
 *     (4096 samples for 4096 bins: about one sample per bin). At 4096 the
 *     time goes to dpotri (2n^3/3) and, per step, reading p columns of S^-1
 *     (memory-bound). Memory: S, S^-1 and K's factor (<= n^2 doubles
 *     each): up to 384 MiB at 4096 bins.
 *   - S not positive definite (lambda = 0, or no sample spans two bins: the
 *     DENSE fallback's minimum-norm g, which is one of many solutions): the
 *     weighted isotonic regression (pool adjacent violators, O(n)) of that g,
 *     weights the data's diagonal of S (the fix row's c^2 taken out), so the
 *     result is non-decreasing but not the constrained optimum. (Also used,
 *     with weights diag S, if rounding ever made K not positive definite.)
 *   End bins (below the lowest / above the highest bin any sample hits, and
 *   z = 0, n-1, which w = 0 keeps out of the data): in the QP only the
 *   smoothness rows reach them and those rows are met exactly by the straight
 *   continuation of the nearest observed increment, which the constraint
 *   keeps >= 0; so they become that continuation, flat where that increment
 *   is 0 (no longer able to fall, as the free fit did). In the isotonic
 *   fallback bins with no row at all copy the nearest weighted bin at the
 *   ends (flat) and interpolate linearly in interior gaps.
 *
 * Contract
 *   z: (n_samples, n_exp) bins in 0..n_bins-1 (row i: sample i in each
 *   exposure); ln_t: (n_exp) ln of the exposure times; lambda finite, >= 0;
 *   n_samples >= 2; n_exp, n_bins as in hdr_merge.h. Samples clipped in every
 *   exposure (d_i = 0) carry no information and are skipped. g: (n_bins) on
 *   the host, natural-log units, g(n/2) = 0, non-decreasing unless
 *   pb->free_curve. All arrays host, caller-owned.
 *
 * Example
 *   ob_response_problem pb = {z, ln_t, n_samples, n_exp, 256, 10.0, 0}; // 0: monotone
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
    int free_curve;      /* 0 (default): g non-decreasing ("Monotone g");
                            1: the unconstrained least squares of the paper */
} ob_response_problem;

typedef enum {
    OB_RESPONSE_MONOTONE_ALREADY = 0,  /* the free solution was non-decreasing: returned as is */
    OB_RESPONSE_MONOTONE_QP = 1,       /* the constrained least squares, active set */
    OB_RESPONSE_MONOTONE_ISOTONIC = 2  /* S not positive definite: isotonic regression */
} ob_response_monotone_method;

typedef struct {
    ob_response_monotone_method method;
    int iterations; /* active-set steps (QP only) */
    int active;     /* ties g(k) = g(k-1) in the result */
    double kkt;     /* QP: worst KKT violation at the result, relative to sum |S g| + |r| */
} ob_response_monotone_info;

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

/* 1 when g(z) >= g(z-1) for z = 1..n_bins-1 (NaN compares as in order). */
int ob_response_is_monotone(const double *g, int n_bins);
/* g (n_bins): in, a least-squares solution of pb (either solver, free);
 * out, the monotone one ("Monotone g" above); unchanged if already
 * non-decreasing. info may be NULL. Host only; the solvers call it unless
 * pb->free_curve. */
ob_status ob_response_monotone(double *g, const ob_response_problem *pb, ob_response_monotone_info *info);

/* g (n_bins) <- the least-squares solution, on the CPU. */
ob_status ob_response_solve_cpu(double *g, const ob_response_problem *pb, ob_response_solver how);
/* The same (NORMAL) with cuSOLVER on ctx's handle and stream; without CUDA
 * OB_ERR_UNSUPPORTED. Falls back to the CPU's DENSE like the CPU path; the
 * monotone step runs on the host for both (S is rebuilt there). */
ob_status ob_response_solve_cusolver(ob_ctx *ctx, double *g, const ob_response_problem *pb);
/* By ctx's backend: cpu -> _cpu(NORMAL), cuda -> _cusolver. */
ob_status ob_response_solve(ob_ctx *ctx, double *g, const ob_response_problem *pb);

#ifdef __cplusplus
}
#endif
#endif
