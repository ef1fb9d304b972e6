/* umeyama.h — the least-squares similarity transform between two point sets
 * (Umeyama, "Least-squares estimation of transformation parameters between
 * two point patterns", PAMI 1991): what face alignment and the face-swap
 * pipeline warp landmarks with.
 *
 * Contract
 *   ob_umeyama(T, src, dst, n, dim, estimate_scale) finds the rotation R
 *   (det R = +1), scale s (1 when estimate_scale is 0) and translation t that
 *   minimise sum_i |dst_i - (s R src_i + t)|^2, and writes it as the
 *   (dim+1) x (dim+1) homogeneous matrix T, row-major:
 *       T = [ s R  t ]
 *           [ 0    1 ]      dst_i ~ T [src_i; 1]
 *   src, dst: n points of dim doubles each (x, y[, z]), dim 2 or 3.
 *   Reflection-safe: when the cross-covariance's determinant is negative the
 *   best orthogonal fit is a reflection, and Umeyama's correction (the last
 *   singular direction's sign flipped) gives the best proper rotation instead;
 *   a cross-covariance of rank dim - 1 (dst collinear in 2-d) takes the sign
 *   from det U det V, as the paper's eq. (43) and scikit-image's
 *   `_umeyama` do, so T equals scikit-image's `SimilarityTransform.estimate`
 *   (tests/test_umeyama.c: within 1e-9 on random sets).
 *   The SVD is LAPACKE's dgesvd on the dim x dim cross-covariance: there is
 *   no CUDA path, a 68-point fit is a few microseconds on the host.
 *   ob_umeyama_apply(out, T, pts, n, dim) maps points through T (out may be pts).
 *
 * Errors (OB_ERR_ARG, T untouched): dim not 2 or 3; fewer than dim + 1 point
 * pairs; a non-finite coordinate; source points that do not span the space
 * (all collinear in 2-d, coplanar in 3-d: the rotation is not determined) or
 * destination points that all coincide.
 */
#ifndef OB_UMEYAMA_H
#define OB_UMEYAMA_H

#include "ob_status.h"

#ifdef __cplusplus
extern "C" {
#endif

ob_status ob_umeyama(double *T, const double *src, const double *dst, int n, int dim, int estimate_scale);
void ob_umeyama_apply(double *out, const double *T, const double *pts, int n, int dim);

#ifdef __cplusplus
}
#endif
#endif
