/* response_monotone.c — the non-decreasing response of response_solve.h
 * ("Monotone g"): the Debevec–Malik least squares restricted to
 * g(z+1) >= g(z), solved on the host by a primal active-set method over the
 * reduced quadratic, and the weighted isotonic regression that is both its
 * starting point and the fallback where that quadratic is not positive
 * definite. Shared by the LAPACKE and cuSOLVER solvers (one copy). */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ob_log.h"
#include "response_solve.h"

int ob_response_is_monotone(const double *g, int n_bins)
{
    for (int z = 1; z < n_bins; z++)
        if (g[z] < g[z - 1]) return 0;
    return 1;
}

/* Weighted isotonic regression by pool-adjacent-violators: g (n) <- the
 * non-decreasing h minimising sum w_z (h_z - g_z)^2. Bins with w_z = 0 take
 * no part: below the first weighted bin they copy its value, above the last
 * they copy the last's, inside a gap they interpolate linearly between the
 * neighbouring weighted bins. All weights 0: g = 0. `work`: 3n doubles. */
static void isotonic(double *g, const double *w, int n, double *work)
{
    double *v = work, *wt = work + n; /* the pools: value, weight, first bin */
    int *first = (int *)(work + 2 * n); /* n ints fit in n doubles */
    int m = 0;
    for (int z = 0; z < n; z++) {
        if (!(w[z] > 0)) continue;
        v[m] = g[z], wt[m] = w[z], first[m] = z, m++;
        while (m > 1 && v[m - 2] > v[m - 1]) { /* pool the violators */
            v[m - 2] = (wt[m - 2] * v[m - 2] + wt[m - 1] * v[m - 1]) / (wt[m - 2] + wt[m - 1]);
            wt[m - 2] += wt[m - 1];
            m--;
        }
    }
    if (m == 0) {
        memset(g, 0, sizeof(double) * (size_t)n);
        return;
    }
    /* pool p covers the weighted bins from first[p] up to first[p+1] - 1 */
    int prev = -1; /* the last weighted bin written */
    for (int p = 0; p < m; p++) {
        const int end = p + 1 < m ? first[p + 1] : n;
        for (int z = first[p]; z < end; z++) {
            if (!(w[z] > 0)) continue;
            g[z] = v[p];
            for (int u = prev + 1; u < z; u++) /* a gap: interpolate (or copy, below the first) */
                g[u] = prev < 0 ? v[p] : g[prev] + (g[z] - g[prev]) * (u - prev) / (z - prev);
            prev = z;
        }
    }
    for (int u = prev + 1; u < n; u++) g[u] = g[prev];
    /* interpolation rounds; the result is non-decreasing exactly */
    for (int z = 1; z < n; z++) g[z] = g[z] < g[z - 1] ? g[z - 1] : g[z];
}

/* The KKT residual of g, from S and r directly: the multiplier of
 * g(k) >= g(k-1) is the derivative of the objective along the increment d_k
 * (raising g(k..n-1) together), mu_k = sum_{z >= k} (S g - r)_z; it must be
 * >= 0 on ties and 0 elsewhere, and the derivative along the shift (the sum
 * of all of S g - r) 0. The worst violation relative to sum |S g| + |r|.
 * grad: n doubles of scratch. */
static double kkt_residual(const double *s, const double *r, const double *g, int n, double *grad)
{
    double scale = 0;
    for (int i = 0; i < n; i++) {
        const double *si = s + (size_t)i * n;
        double sg = 0;
        for (int j = 0; j < n; j++) sg += si[j] * g[j];
        grad[i] = sg - r[i], scale += fabs(sg) + fabs(r[i]);
    }
    double mu = 0, worst = 0;
    for (int k = n - 1; k >= 1; k--) {
        mu += grad[k];
        const double v = g[k] > g[k - 1] ? fabs(mu) : -mu;
        worst = v > worst ? v : worst;
    }
    mu += grad[0];
    worst = fabs(mu) > worst ? fabs(mu) : worst;
    return worst / (scale > 0 ? scale : 1);
}

/* The active-set state. Constraint k (1..n-1) is c_k^T g >= 0 with
 * c_k = e_k - e_{k-1}; the working set W holds p of them, w[0..p-1], and
 * K = C S^-1 C^T (p x p, C the rows c_k of W) is kept as its Cholesky
 * factor K = R^T R, updated as constraints enter and leave. */
typedef struct {
    int n, p;
    const double *sinv; /* (n, n) S^-1, symmetric */
    const double *g0;   /* (n) S^-1 r, the free optimum */
    int *w;             /* (n) the working set, in R's column order */
    unsigned char *in_w; /* (n) in_w[k] = 1 when k is in W */
    double *rf;         /* (ld, ld) R, upper, column-major */
    int ld;
    double *nu, *tmp;   /* (n) the multipliers; scratch */
} qp;

#define RF(q, i, j) (q)->rf[(size_t)(j) * (q)->ld + (i)]

/* c_a^T S^-1 c_b */
static double kval(const qp *q, int a, int b)
{
    const double *sb = q->sinv + (size_t)b * q->n, *sb1 = sb - q->n;
    return sb[a] - sb[a - 1] - sb1[a] + sb1[a - 1];
}

/* Constraint k enters W: R gains a column (R^T l = K's new column, O(p^2)).
 * 1 if K would not be positive definite (rounding: C has full row rank). */
static int w_add(qp *q, int k)
{
    const int p = q->p;
    if (p == q->ld) { /* grow R */
        const int ld = 2 * q->ld < q->n ? 2 * q->ld : q->n;
        double *rf = malloc(sizeof(double) * (size_t)ld * ld);
        if (!rf) return -1;
        for (int j = 0; j < p; j++) memcpy(rf + (size_t)j * ld, q->rf + (size_t)j * q->ld, sizeof(double) * p);
        free(q->rf);
        q->rf = rf, q->ld = ld;
    }
    double ll = 0;
    for (int a = 0; a < p; a++) { /* forward substitution with R^T */
        double v = kval(q, q->w[a], k);
        for (int i = 0; i < a; i++) v -= RF(q, i, a) * RF(q, i, p);
        RF(q, a, p) = v / RF(q, a, a);
        ll += RF(q, a, p) * RF(q, a, p);
    }
    const double kk = kval(q, k, k), rho2 = kk - ll;
    if (!(rho2 > 1e-14 * kk)) return 1;
    RF(q, p, p) = sqrt(rho2);
    q->w[q->p++] = k, q->in_w[k] = 1;
    return 0;
}

/* The constraint at position b leaves W: its column goes, and Givens
 * rotations bring R back to upper triangular (O(p^2)). */
static void w_remove(qp *q, int b)
{
    const int p = q->p;
    q->in_w[q->w[b]] = 0;
    for (int j = b; j < p - 1; j++) {
        q->w[j] = q->w[j + 1];
        memcpy(&RF(q, 0, j), &RF(q, 0, j + 1), sizeof(double) * (size_t)(j + 2));
    }
    for (int j = b; j < p - 1; j++) { /* zero the subdiagonal (j+1, j) */
        const double x = RF(q, j, j), y = RF(q, j + 1, j), h = hypot(x, y);
        const double c = x / h, s = y / h;
        for (int col = j; col < p - 1; col++) {
            const double u = RF(q, j, col), v = RF(q, j + 1, col);
            RF(q, j, col) = c * u + s * v, RF(q, j + 1, col) = -s * u + c * v;
        }
    }
    q->p = p - 1;
}

/* gs <- the optimum with every constraint in W met as an equality:
 * gs = g0 + Z nu, K nu = -C g0, Z = S^-1 C^T (range-space form); nu are
 * the multipliers. O(p^2 + n p). */
static void solve_equality(double *gs, qp *q)
{
    const int n = q->n, p = q->p;
    double *y = q->tmp;
    for (int a = 0; a < p; a++) { /* R^T y = -C g0 */
        double v = -(q->g0[q->w[a]] - q->g0[q->w[a] - 1]);
        for (int i = 0; i < a; i++) v -= RF(q, i, a) * y[i];
        y[a] = v / RF(q, a, a);
    }
    for (int a = p - 1; a >= 0; a--) { /* R nu = y */
        double v = y[a];
        for (int j = a + 1; j < p; j++) v -= RF(q, a, j) * q->nu[j];
        q->nu[a] = v / RF(q, a, a);
    }
    memcpy(gs, q->g0, sizeof(double) * (size_t)n);
    for (int b = 0; b < p; b++) {
        const double *zk = q->sinv + (size_t)q->w[b] * n, *zk1 = zk - n, nb = q->nu[b];
        for (int z = 0; z < n; z++) gs[z] += nb * (zk[z] - zk1[z]);
    }
}

/* Primal active set from a feasible g whose ties are the first W. Each step
 * solves the equality problem on W; if that leaves the feasible set, it moves
 * to the first constraint in the way and adds it, otherwise it takes that
 * solution and drops every constraint whose multiplier is below -tol (the
 * textbook rule drops only the most negative; dropping all takes ~4x fewer
 * steps on noisy 4096-bin fits, and the objective still never rises: the
 * new equality optimum minimises over a set that holds the current g). After
 * a degenerate step (blocked at alpha = 0) it keeps to the textbook rule,
 * whose termination theory then applies. Stops when no multiplier is below
 * -tol. Returns 0, 1 (not positive definite by
 * rounding), -1 (no memory); *iters the steps. */
static int active_set(double *g, int *iters, qp *q, double *gs, double tol, int max_iter)
{
    const int n = q->n;
    q->p = 0;
    memset(q->in_w, 0, (size_t)n);
    for (int k = 1; k < n; k++)
        if (g[k] == g[k - 1]) {
            const int e = w_add(q, k);
            if (e) return e;
        }
    int it = 0, done = 0, single = 0;
    while (!done && it < max_iter) {
        it++;
        solve_equality(gs, q);
        double alpha = 1;
        int block = 0;
        for (int k = 1; k < n; k++) { /* ratio test over the increments not in W */
            const double ds = gs[k] - gs[k - 1];
            if (ds >= 0 || q->in_w[k]) continue;
            double d = g[k] - g[k - 1];
            d = d > 0 ? d : 0;
            const double al = d / (d - ds);
            if (!block || al < alpha) alpha = al, block = k;
        }
        if (block) {
            for (int z = 0; z < n; z++) g[z] += alpha * (gs[z] - g[z]);
            single |= alpha == 0; /* a degenerate step: the textbook rule from now on */
            const int e = w_add(q, block);
            if (e) return e;
            continue;
        }
        memcpy(g, gs, sizeof(double) * (size_t)n);
        int drop = -1, dropped = 0;
        for (int b = 0; b < q->p; b++)
            if (q->nu[b] < -tol && (drop < 0 || q->nu[b] < q->nu[drop])) drop = b;
        if (drop >= 0 && !single) { /* every negative multiplier leaves, from the back (positions shift) */
            for (int b = q->p - 1; b >= 0; b--)
                if (q->nu[b] < -tol) w_remove(q, b), dropped++;
        } else if (drop >= 0) {
            w_remove(q, drop), dropped = 1;
        }
        done = dropped == 0;
    }
    /* the ties of W exactly (the solve meets them to rounding), left to right */
    for (int k = 1; k < n; k++)
        if (q->in_w[k]) g[k] = g[k - 1];
    *iters = it;
    return 0;
}

/* The QP when S is positive definite: chol its Cholesky factor (turned into
 * S^-1 here), w8 the start's weights; g in: the free solution, out: the
 * constrained optimum (or the best iterate at the cap). *not_pd = 1 if
 * rounding made K not positive definite (the caller falls back). */
static ob_status monotone_qp(double *g, int *not_pd, ob_response_monotone_info *info, const double *s,
                             const double *r, double *chol, const double *w8, int n)
{
    const size_t nv = (size_t)n;
    double *buf = malloc(sizeof(double) * 7 * nv + sizeof(int) * nv + nv);
    qp q = {.n = n, .ld = n < 64 ? n : 64};
    q.rf = malloc(sizeof(double) * (size_t)q.ld * q.ld);
    if (!buf || !q.rf) {
        free(buf), free(q.rf);
        return OB_FAIL(OB_ERR_NOMEM, "response solve: no memory for the monotone fit (%d bins)", n);
    }
    double *g0 = buf, *gs = g0 + nv, *work = gs + nv; /* work: 3n, the isotonic start */
    q.nu = work + 3 * nv, q.tmp = q.nu + nv;
    q.w = (int *)(q.tmp + nv), q.in_w = (unsigned char *)(q.w + nv);
    q.g0 = g0, q.sinv = chol;
    ob_status st = OB_OK;
    memcpy(g0, r, sizeof(double) * nv); /* the free optimum from the same factor */
    if (LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'U', n, 1, chol, n, g0, n) != 0 ||
        LAPACKE_dpotri(LAPACK_COL_MAJOR, 'U', n, chol, n) != 0)
        st = OB_FAIL(OB_ERR_INTERNAL, "response solve: dpotrs/dpotri failed on a positive definite S");
    for (int j = 0; j < n; j++) /* S^-1's upper triangle to the full matrix */
        for (int i = j + 1; i < n; i++) chol[(size_t)j * n + i] = chol[(size_t)i * n + j];
    double sum_r = 0; /* sum |S g0| + |r| = 2 sum |r|: the multipliers' scale */
    for (int z = 0; z < n; z++) sum_r += fabs(r[z]);
    isotonic(g, w8, n, work); /* feasible start: the diagonal-weighted projection */
    int iters = 0, e = 0;
    if (st == OB_OK) e = active_set(g, &iters, &q, gs, 1e-13 * 2 * sum_r, 4 * n + 100);
    if (e < 0) st = OB_FAIL(OB_ERR_NOMEM, "response solve: no memory for a %d-constraint working set", q.p);
    *not_pd = e == 1;
    if (st == OB_OK && !*not_pd) {
        info->method = OB_RESPONSE_MONOTONE_QP, info->iterations = iters;
        info->kkt = kkt_residual(s, r, g, n, gs);
    }
    free(buf), free(q.rf);
    return st;
}

ob_status ob_response_monotone(double *g, const ob_response_problem *pb, ob_response_monotone_info *info)
{
    OB_REQUIRE(g, "response solve: no g to make monotone");
    OB_TRY(ob_response_problem_check(pb));
    ob_response_monotone_info local = {OB_RESPONSE_MONOTONE_ALREADY, 0, 0, 0};
    info = info ? info : &local;
    *info = local;
    const int n = pb->n_bins;
    if (ob_response_is_monotone(g, n)) return OB_OK; /* unchanged, bit for bit */
    const size_t nn = (size_t)n * n;
    /* s, chol (n x n each); r, w8, g_in (n each); isotonic work (3n) */
    double *s = malloc(sizeof(double) * (2 * nn + 6 * (size_t)n));
    if (!s) return OB_FAIL(OB_ERR_NOMEM, "response solve: no memory for the monotone fit (%d bins)", n);
    double *chol = s + nn, *r = chol + nn, *w8 = r + n, *g_in = w8 + n, *work = g_in + n;
    ob_status st = ob_response_reduced_system(s, r, pb);
    if (st != OB_OK) return free(s), st;
    memcpy(g_in, g, sizeof(double) * (size_t)n);
    memcpy(chol, s, sizeof(double) * nn);
    const int pd = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', n, chol, n) == 0; /* S is symmetric: either layout */
    for (int z = 0; z < n; z++) w8[z] = s[(size_t)z * n + z];
    int not_pd = !pd;
    if (pd) st = monotone_qp(g, &not_pd, info, s, r, chol, w8, n);
    if (st == OB_OK && not_pd) {
        /* no unique least-squares g (the DENSE fallback's minimum-norm one;
         * or, from rounding, a working set the factor cannot hold): isotonic
         * regression weighted by the data alone (diag S less the fix row) */
        const double c = ob_response_fix_weight(n);
        memcpy(g, g_in, sizeof(double) * (size_t)n);
        if (!pd) w8[ob_response_fix_bin(n)] -= c * c;
        info->method = OB_RESPONSE_MONOTONE_ISOTONIC;
        isotonic(g, w8, n, work);
    }
    if (st == OB_OK) {
        /* a capped iterate may round a hair below its neighbour */
        for (int z = 1; z < n; z++) g[z] = g[z] < g[z - 1] ? g[z - 1] : g[z];
        ob_response_pin(g, n);
        for (int k = 1; k < n; k++) info->active += g[k] == g[k - 1];
        if (info->method == OB_RESPONSE_MONOTONE_QP && info->kkt > 1e-10)
            ob_log_info("response solve: the monotone fit stopped after %d steps with KKT residual %.2e; g is "
                        "non-decreasing but may not be the constrained optimum", info->iterations, info->kkt);
    } else {
        memcpy(g, g_in, sizeof(double) * (size_t)n);
    }
    free(s);
    return st;
}
