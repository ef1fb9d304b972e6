/* umeyama_cpu.c — ob_umeyama (umeyama.h): the similarity transform from the
 * SVD of the dim x dim cross-covariance of the centred point sets, in the
 * steps of Umeyama's paper (section III) and scikit-image's `_umeyama`. */
#include "umeyama.h"

#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>

static double det(const double *m, int d) /* row-major d x d, d = 2 or 3 */
{
    if (d == 2) return m[0] * m[3] - m[1] * m[2];
    return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
           m[2] * (m[3] * m[7] - m[4] * m[6]);
}

/* Singular values (descending) of a row-major d x d matrix; U and VT too when
 * asked ('A'), else none ('N'). */
static ob_status svd(double *s, double *u, double *vt, const double *m, int d)
{
    double a[9], superb[2];
    memcpy(a, m, sizeof(double) * (size_t)(d * d));
    const char job = u ? 'A' : 'N';
    const lapack_int info = LAPACKE_dgesvd(LAPACK_ROW_MAJOR, job, job, d, d, a, d, s, u, d, vt, d, superb);
    OB_REQUIRE(info == 0, "umeyama: LAPACKE_dgesvd failed (info %d)", (int)info);
    return OB_OK;
}

/* numpy's matrix_rank: singular values above max(s) * d * eps. */
static int rank_of(const double *s, int d)
{
    int r = 0;
    for (int i = 0; i < d; i++) r += s[i] > s[0] * d * DBL_EPSILON;
    return r;
}

ob_status ob_umeyama(double *T, const double *src, const double *dst, int n, int dim, int estimate_scale)
{
    OB_REQUIRE(dim == 2 || dim == 3, "umeyama: points of %d coordinates (2 or 3 supported)", dim);
    OB_REQUIRE(n >= dim + 1, "umeyama: %d point pair(s); a %d-d similarity needs at least %d", n, dim, dim + 1);
    for (int i = 0; i < n * dim; i++)
        OB_REQUIRE(isfinite(src[i]) && isfinite(dst[i]), "umeyama: point %d has a non-finite coordinate", i / dim);
    double ms[3] = {0}, md[3] = {0};
    for (int i = 0; i < n; i++)
        for (int k = 0; k < dim; k++) ms[k] += src[i * dim + k] / n, md[k] += dst[i * dim + k] / n;
    /* A = dst_c^T src_c / n (cross-covariance), C = src_c^T src_c / n */
    double A[9] = {0}, C[9] = {0};
    for (int i = 0; i < n; i++)
        for (int r = 0; r < dim; r++) {
            const double dr = dst[i * dim + r] - md[r], sr = src[i * dim + r] - ms[r];
            for (int c = 0; c < dim; c++) {
                const double sc = src[i * dim + c] - ms[c];
                A[r * dim + c] += dr * sc / n;
                C[r * dim + c] += sr * sc / n;
            }
        }
    double sc[3];
    OB_TRY(svd(sc, NULL, NULL, C, dim));
    /* a relative floor far above rounding: nearly collinear real landmarks pass,
     * exactly collinear ones (a line of points) do not */
    OB_REQUIRE(sc[0] > 0 && sc[dim - 1] > 1e-12 * sc[0],
               "umeyama: the source points are %s: the rotation is not determined",
               dim == 2 ? "collinear (or coincide)" : "coplanar (or collinear)");
    double S[3], U[9], VT[9];
    OB_TRY(svd(S, U, VT, A, dim));
    const int rank = rank_of(S, dim);
    OB_REQUIRE(rank > 0, "umeyama: the destination points all coincide");
    double d[3] = {1, 1, 1};
    if (det(A, dim) < 0) d[dim - 1] = -1; /* the reflection correction */
    double e[3] = {d[0], d[1], d[2]};     /* the signs R is built with */
    if (rank == dim - 1) e[dim - 1] = det(U, dim) * det(VT, dim) > 0 ? 1 : -1;
    double R[9];
    for (int r = 0; r < dim; r++)
        for (int c = 0; c < dim; c++) {
            double v = 0;
            for (int k = 0; k < dim; k++) v += U[r * dim + k] * e[k] * VT[k * dim + c];
            R[r * dim + c] = v;
        }
    double scale = 1;
    if (estimate_scale) {
        double var = 0, sd = 0;
        for (int k = 0; k < dim; k++) var += C[k * dim + k], sd += S[k] * d[k];
        scale = sd / var;
    }
    const int m = dim + 1;
    memset(T, 0, sizeof(double) * (size_t)(m * m));
    for (int r = 0; r < dim; r++) {
        double t = md[r];
        for (int c = 0; c < dim; c++) {
            T[r * m + c] = scale * R[r * dim + c];
            t -= scale * R[r * dim + c] * ms[c];
        }
        T[r * m + dim] = t;
    }
    T[dim * m + dim] = 1;
    return OB_OK;
}

void ob_umeyama_apply(double *out, const double *T, const double *pts, int n, int dim)
{
    const int m = dim + 1;
    for (int i = 0; i < n; i++) {
        double p[3];
        memcpy(p, pts + i * dim, sizeof(double) * (size_t)dim);
        for (int r = 0; r < dim; r++) {
            double v = T[r * m + dim];
            for (int c = 0; c < dim; c++) v += T[r * m + c] * p[c];
            out[i * dim + r] = v;
        }
    }
}
