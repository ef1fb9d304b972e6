/* response_solve_cpu.c — the CPU solvers of response_solve.h: Cholesky on the
 * reduced normal equations (LAPACKE_dposv), and the dense SVD least-squares
 * solve (LAPACKE_dgelsd) that is both the reference and the fallback; then
 * the monotone step (response_monotone.c) unless pb->free_curve. */
#include <lapacke.h>
#include <stdlib.h>

#include "response_solve.h"

/* Dense problems past this many matrix entries (2 GiB of doubles) are refused. */
#define DENSE_MAX_ENTRIES ((size_t)1 << 28)

static ob_status solve_dense(double *g, const ob_response_problem *pb)
{
    int rows, cols;
    ob_response_dense_size(pb, &rows, &cols);
    const size_t entries = (size_t)rows * cols;
    OB_REQUIRE(entries <= DENSE_MAX_ENTRIES,
               "response solve: the dense system is %d x %d, too large (at most 2^28 entries); use fewer samples",
               rows, cols);
    double *a = malloc(sizeof(double) * (entries + (size_t)rows + (size_t)cols));
    if (!a) return OB_FAIL(OB_ERR_NOMEM, "response solve: no memory for a %d x %d system", rows, cols);
    double *b = a + entries, *sv = b + rows; /* rows >= cols, so b holds the solution */
    ob_status st = ob_response_dense_system(a, b, pb);
    if (st == OB_OK) {
        lapack_int rank = 0;
        const lapack_int info = LAPACKE_dgelsd(LAPACK_COL_MAJOR, rows, cols, 1, a, rows, b, rows, sv, -1.0, &rank);
        if (info != 0)
            st = OB_FAIL(OB_ERR_INTERNAL, "response solve: LAPACKE_dgelsd on %d x %d failed (info %d)", rows, cols,
                         (int)info);
        for (int z = 0; st == OB_OK && z < pb->n_bins; z++) g[z] = b[z];
    }
    free(a);
    if (st == OB_OK) ob_response_pin(g, pb->n_bins);
    return st;
}

/* OB_OK with g solved; 1 when S is not positive definite (the caller falls back). */
static ob_status solve_normal(double *g, int *not_pd, const ob_response_problem *pb)
{
    const int n = pb->n_bins;
    double *s = malloc(sizeof(double) * (size_t)n * n);
    if (!s) return OB_FAIL(OB_ERR_NOMEM, "response solve: no memory for a %d x %d matrix", n, n);
    ob_status st = ob_response_reduced_system(s, g, pb);
    *not_pd = 0;
    if (st == OB_OK) {
        const lapack_int info = LAPACKE_dposv(LAPACK_COL_MAJOR, 'U', n, 1, s, n, g, n);
        if (info > 0) *not_pd = 1;
        else if (info < 0) st = OB_FAIL(OB_ERR_INTERNAL, "response solve: LAPACKE_dposv argument %d", (int)-info);
    }
    free(s);
    if (st == OB_OK && !*not_pd) ob_response_pin(g, n);
    return st;
}

ob_status ob_response_solve_cpu(double *g, const ob_response_problem *pb, ob_response_solver how)
{
    OB_REQUIRE(g, "response solve: no output");
    OB_TRY(ob_response_problem_check(pb));
    OB_REQUIRE(how == OB_RESPONSE_SOLVE_NORMAL || how == OB_RESPONSE_SOLVE_DENSE,
               "response solve: unknown solver %d", (int)how);
    int not_pd = 1;
    if (how == OB_RESPONSE_SOLVE_NORMAL) OB_TRY(solve_normal(g, &not_pd, pb));
    if (not_pd) OB_TRY(solve_dense(g, pb));
    return pb->free_curve ? OB_OK : ob_response_monotone(g, pb, NULL);
}
