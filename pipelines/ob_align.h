/* ob_align.h — faces aligned to a canonical 68-point template: the fifth
 * seed's step before its face-swap autoencoder, and `obscura align-face`.
 *
 * Contract
 *   ob_face_template_unit: the template, OB_FACE_POINTS (x, y) pairs in the
 *     unit square (x right, y down, eyes level): the Procrustes mean of dlib's
 *     43 example faces (pipelines/make_face_template.py generates
 *     face_template.c and says how).
 *   ob_face_template(pts, size, margin): the template in the pixels of a
 *     size x size output (pixel centres at integers): the unit square shrunk
 *     by `margin` of the side on every edge, p -> ((p - 0.5)(1 - 2 margin)
 *     + 0.5) size - 0.5.
 *   ob_align_face_transform(T, kp, k, w, h, size, margin): the similarity T
 *     (3x3 row-major, image pixels -> output pixels) that ob_umeyama fits from
 *     the face's 68 landmarks kp (iBUG 300-W order, image pixels) to the
 *     template. It fits the 51 inner points (17..67: brows, nose, eyes,
 *     mouth) and not the jaw line, whose outline slides over the face as the
 *     head turns.
 *   ob_align_face(ctx, out, T, img, kp, k, size, margin): out (C, size, size),
 *     host, allocated here <- img (C, H, W) host warped by T with
 *     kernels/warp_affine.h on ctx's backend (a GPU copy in and out on cuda);
 *     outside the photo reads 0. T may be NULL.
 * Errors (OB_ERR_ARG, nothing allocated): k != 68; size outside 16..8192;
 *   margin outside [0, 0.45]; a non-finite landmark, or more than 10 % of
 *   them outside the image (landmarks of another photo); landmarks that do
 *   not span a face (ob_umeyama: collinear, coinciding).
 */
#ifndef OB_ALIGN_H
#define OB_ALIGN_H

#include "ob_ctx.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OB_FACE_POINTS 68

extern const float ob_face_template_unit[OB_FACE_POINTS * 2];

void ob_face_template(float *pts, int size, double margin);
ob_status ob_align_face_transform(double T[9], const float *kp, int k, int w, int h, int size, double margin);
ob_status ob_align_face(ob_ctx *ctx, ob_tensor *out, double T[9], const ob_tensor *img, const float *kp, int k,
                        int size, double margin);

#ifdef __cplusplus
}
#endif
#endif
