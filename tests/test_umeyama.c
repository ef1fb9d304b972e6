/* test_umeyama.c — ob_umeyama (kernels/umeyama.h):
 *   - scikit-image's _umeyama (tests/golden/umeyama_skimage.txt, made by
 *     tests/golden/make_umeyama_golden.py): T within 1e-9 (relative to
 *     max(1, |T_ref|)) on noisy 2-d and 3-d sets, mirrored sets that need the
 *     reflection correction, destination points on a line, no scale, and the
 *     minimum of dim + 1 points; every fitted R a proper rotation;
 *   - a known similarity recovered exactly (1e-12) from noise-free points, in
 *     2-d and 3-d, and ob_umeyama_apply mapping src onto dst with it;
 *   - bad input: too few pairs, collinear / coplanar sources, coinciding
 *     destinations, non-finite coordinates, another dimension: OB_ERR_ARG
 *     with a message, T untouched. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_test.h"
#include "umeyama.h"

#define MAX_PTS 128

static int read_values(FILE *f, const char *label, double *v, int n)
{
    char word[16];
    if (fscanf(f, "%15s", word) != 1 || strcmp(word, label) != 0) return 0;
    for (int i = 0; i < n; i++)
        if (fscanf(f, "%lf", &v[i]) != 1) return 0;
    return 1;
}

static double det3(const double *T, int dim) /* det of T's top-left dim x dim block, row stride dim + 1 */
{
    const int m = dim + 1;
    if (dim == 2) return T[0] * T[m + 1] - T[1] * T[m];
    const double *a = T, *b = T + m, *c = T + 2 * m;
    return a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0]);
}

static void golden(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/golden/umeyama_skimage.txt", ob_test_source_dir());
    FILE *f = fopen(path, "r");
    OB_CHECK(f != NULL, "cannot open %s", path);
    if (!f) return;
    char name[64];
    int n, dim, est, cases = 0;
    double worst = 0;
    while (fscanf(f, " case %63s %d %d %d", name, &n, &dim, &est) == 4) {
        static double src[MAX_PTS * 3], dst[MAX_PTS * 3];
        double ref[16], T[16];
        OB_CHECK(n <= MAX_PTS && (dim == 2 || dim == 3), "%s: %d points of %d", name, n, dim);
        if (n > MAX_PTS || (dim != 2 && dim != 3)) break;
        const int m = (dim + 1) * (dim + 1);
        OB_CHECK(read_values(f, "src", src, n * dim) && read_values(f, "dst", dst, n * dim) &&
                     read_values(f, "T", ref, m),
                 "%s: malformed fixture", name);
        OB_CHECK_OK(ob_umeyama(T, src, dst, n, dim, est));
        double err = 0;
        for (int i = 0; i < m; i++) err = fmax(err, fabs(T[i] - ref[i]) / fmax(1.0, fabs(ref[i])));
        OB_CHECK(err <= 1e-9, "%s: T differs from scikit-image's by %.3g", name, err);
        OB_CHECK(det3(T, dim) > 0, "%s: the fitted R is not a proper rotation (det %.3g)", name, det3(T, dim));
        worst = fmax(worst, err);
        cases++;
    }
    fclose(f);
    OB_CHECK(cases == 9, "read %d fixture cases, expected 9", cases);
    printf("scikit-image _umeyama: %d cases, worst relative difference %.3g (bound 1e-9)\n", cases, worst);
}

/* dst = s R src + t exactly; the fit gives back s R and t. */
static void known(int dim)
{
    const int n = 25, m = dim + 1;
    double src[25 * 3], dst[25 * 3], got[25 * 3], T[16], R[9];
    uint64_t seed = 77 + (uint64_t)dim;
    for (int i = 0; i < n * dim; i++) src[i] = 200 * ob_test_rand_uniform(&seed) - 100;
    const double s = 1.7, a = 0.3, b = -1.1, t[3] = {5, -2, 40};
    if (dim == 2) {
        const double r2[4] = {cos(a), -sin(a), sin(a), cos(a)};
        memcpy(R, r2, sizeof r2);
    } else { /* Rz(a) Ry(b) */
        const double r3[9] = {cos(a) * cos(b), -sin(a), cos(a) * sin(b), sin(a) * cos(b), cos(a),
                              sin(a) * sin(b), -sin(b),  0,       cos(b)};
        memcpy(R, r3, sizeof r3);
    }
    for (int i = 0; i < n; i++)
        for (int r = 0; r < dim; r++) {
            double v = t[r];
            for (int c = 0; c < dim; c++) v += s * R[r * dim + c] * src[i * dim + c];
            dst[i * dim + r] = v;
        }
    OB_CHECK_OK(ob_umeyama(T, src, dst, n, dim, 1));
    double err = 0;
    for (int r = 0; r < dim; r++) {
        for (int c = 0; c < dim; c++) err = fmax(err, fabs(T[r * m + c] - s * R[r * dim + c]));
        err = fmax(err, fabs(T[r * m + dim] - t[r]) / 100);
    }
    OB_CHECK(err <= 1e-12, "%d-d: the known similarity recovered to %.3g only", dim, err);
    ob_umeyama_apply(got, T, src, n, dim);
    double perr = 0;
    for (int i = 0; i < n * dim; i++) perr = fmax(perr, fabs(got[i] - dst[i]));
    OB_CHECK(perr <= 1e-9, "%d-d: the fit maps src onto dst to %.3g only", dim, perr);
    ob_umeyama_apply(got, T, got, 0, dim); /* n = 0: nothing */
    printf("%d-d known similarity: parameters to %.2g, points to %.2g\n", dim, err, perr);
}

static void bad_input(void)
{
    double T[16], src[12] = {0, 0, 1, 0, 0, 1, 3, 2, 1, 4, 2, 2}, dst[12];
    for (int i = 0; i < 12; i++) dst[i] = 2 * src[i] + 1;
    for (int i = 0; i < 16; i++) T[i] = 42;
    OB_CHECK_FAILS(ob_umeyama(T, src, dst, 2, 2, 1), OB_ERR_ARG);                   /* 2 pairs in 2-d */
    OB_CHECK_FAILS(ob_umeyama(T, src, dst, 3, 3, 1), OB_ERR_ARG);                   /* 3 pairs in 3-d */
    OB_CHECK_FAILS(ob_umeyama(T, src, dst, 6, 4, 1), OB_ERR_ARG);                   /* 4-d */
    const double line[10] = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4};                          /* collinear */
    OB_CHECK_FAILS(ob_umeyama(T, line, dst, 5, 2, 1), OB_ERR_ARG);
    const double same[8] = {3, 3, 3, 3, 3, 3, 3, 3};
    OB_CHECK_FAILS(ob_umeyama(T, same, dst, 4, 2, 1), OB_ERR_ARG);                  /* sources coincide */
    OB_CHECK_FAILS(ob_umeyama(T, src, same, 4, 2, 1), OB_ERR_ARG);                  /* destinations coincide */
    const double plane[12] = {0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0};                  /* coplanar in 3-d */
    OB_CHECK_FAILS(ob_umeyama(T, plane, dst, 4, 3, 1), OB_ERR_ARG);
    double nan_src[12];
    memcpy(nan_src, src, sizeof src);
    nan_src[5] = NAN;
    OB_CHECK_FAILS(ob_umeyama(T, nan_src, dst, 6, 2, 1), OB_ERR_ARG);
    int untouched = 1;
    for (int i = 0; i < 16; i++) untouched &= T[i] == 42;
    OB_CHECK(untouched, "a refused fit wrote T");
    OB_CHECK_OK(ob_umeyama(T, src, dst, 6, 2, 1)); /* the same points, well posed */
    OB_CHECK(fabs(T[0] - 2) < 1e-12 && fabs(T[2] - 1) < 1e-12, "dst = 2 src + 1: got scale %g, tx %g", T[0], T[2]);
}

int main(void)
{
    golden();
    known(2);
    known(3);
    bad_input();
    return ob_test_finish();
}
