/* ob_faceswap.h — the fifth seed's face swap: faces of two identities aligned
 * to the 68-point template (pipelines/ob_align.h), the original deepfakes
 * autoencoder (nets/ob_faceswap_net.h) trained on randomly warped faces to
 * reconstruct unwarped ones, and a swapped face pasted back into a photo.
 *
 * Contract
 *   Geometry. A training face lives on a canvas of side R =
 *   ob_faceswap_canvas(S) = S + 2 ceil(0.3 S): the photo warped by the
 *   similarity of ob_align_face_transform(kp, size S, margin 0) shifted by
 *   off = (R - S) / 2, so the template fills the central S x S square (the
 *   original's 160 px of its 256 px canvas) and the border gives the random
 *   transform room. The net sees that central square ("the face", S x S):
 *   ob_faceswap_face_crop gives it unaugmented.
 *
 *   ob_faceswap_faces_load(f, dir, S): every image of a face folder (NAME.png
 *   or .jpg with NAME.pts beside it, iBUG 300-W 68 points; nets/ob_dataset.h's
 *   landmark folder) aligned onto its canvas, RGB (gray replicated), host.
 *   Errors name the folder or the file: no faces, an image without landmarks,
 *   landmarks that are not 68 points or do not fit the photo.
 *
 *   ob_faceswap_augment(in, target, f, i, seed, step, index): the original's
 *   augmentation of face i, a pure function of (seed, step, index) through
 *   Philox (stream OB_FACESWAP_RNG_STREAM):
 *     random_transform: about the canvas centre, rotation U(-10, 10) degrees,
 *       zoom U(0.95, 1.05), shift U(-0.05, 0.05) of the canvas side per axis,
 *       a horizontal flip with probability 0.4;
 *     random_warp: a 5 x 5 grid evenly spaced over the face square of the
 *       transformed canvas, each point moved by N(0, sigma^2) per axis with
 *       sigma = S / 32 (5 px of the original's 160 px face); the dense map
 *       bilinear between the displaced points; in <- the canvas sampled there
 *       (bilinear, kernels/warp_affine.h's taps);
 *     target <- the canvas warped by the similarity (ob_umeyama) that takes
 *       the displaced grid onto the undisplaced one: the face unwarped but for
 *       what a similarity cannot undo.
 *   in, target: (3, S, S) caller-owned.
 *
 *   ob_faceswap_train: cfg.steps steps of Adam (lr cfg.lr) on all three
 *   models; each step draws cfg.batch faces of A and of B (indices from
 *   Philox of (seed, step)), augments them, and runs A through encoder +
 *   decoder_a and B through encoder + decoder_b, MSE (mean) per side; the
 *   encoder's gradient is the sum of both sides'. Outputs (run_dir not NULL),
 *   each written atomically: model.safetensors (ob_faceswap_net_save, with
 *   "steps", "seed", "faces_a", "faces_b" in the metadata), loss.csv (step,
 *   loss_a, loss_b: the means over every cfg.log_every steps) and preview.png
 *   (rows A, A->A, A->B, B, B->B, B->A over the first faces of each set,
 *   unaugmented). A non-finite loss stops the run with OB_ERR_ARG (nothing
 *   written). r (may be NULL) gets the last interval's losses and the time.
 *
 *   ob_faceswap_run(ctx, net, out, in, n, side): n faces (n, 3, S, S) on the
 *   host through encoder + decoder `side` (eval mode), out on the host.
 *
 *   ob_faceswap_photo(ctx, out, net, side, photo, kp, k, box): the face of
 *   `photo` (3, H, W) host with landmarks kp (68 points) aligned, swapped to
 *   identity `side` (0 A, 1 B), warped back by the inverse similarity and
 *   blended in with ob_laplacian_blend under a soft mask: the convex hull of
 *   the aligned landmarks, eroded by S/32 and feathered over S/8 (a ramp of
 *   the distance to its edge), warped back the same way. Only a box around
 *   the face (its square grown by 2^levels px, clipped) is blended; every
 *   pixel outside it is the photo's, bit for bit. out (3, H, W) host,
 *   allocated here; box (may be NULL) <- x0, y0, x1, y1 (exclusive) of it.
 *
 * Errors: OB_ERR_ARG (shapes, sizes, indices, a face that does not align),
 * OB_ERR_FORMAT / OB_ERR_IO from the files; nothing allocated on failure.
 */
#ifndef OB_FACESWAP_H
#define OB_FACESWAP_H

#include <stdint.h>

#include "ob_ctx.h"
#include "ob_philox.h"
#include "ob_faceswap_net.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Philox stream of the augmentation (host/ob_philox.h's list). */
#define OB_FACESWAP_RNG_STREAM OB_RNG_STREAM_FACESWAP

typedef struct {
    int64_t n;     /* faces */
    int size;      /* S */
    int canvas;    /* R = ob_faceswap_canvas(S) */
    float *pixels; /* (n, 3, R, R) host, owned */
    char source[512];
} ob_faceswap_faces;

typedef struct {
    int steps, batch;
    double lr;
    uint64_t seed;
    int log_every;       /* loss.csv row every N steps (0: 10) */
    const char *run_dir; /* NULL: write nothing */
    int quiet;           /* no progress lines */
} ob_faceswap_train_cfg;

typedef struct {
    double loss[2]; /* the last logged interval's mean MSE of A and of B */
    double seconds;
} ob_faceswap_train_result;

int ob_faceswap_canvas(int size);
ob_status ob_faceswap_faces_load(ob_faceswap_faces *f, const char *dir, int size);
void ob_faceswap_faces_free(ob_faceswap_faces *f);
/* out (3, S, S) <- face i's central square, unaugmented. */
ob_status ob_faceswap_face_crop(float *out, const ob_faceswap_faces *f, int64_t i);
ob_status ob_faceswap_augment(float *in, float *target, const ob_faceswap_faces *f, int64_t i, uint64_t seed,
                              uint64_t step, uint64_t index);

ob_status ob_faceswap_train(ob_ctx *ctx, ob_faceswap_net *net, const ob_faceswap_faces *a, const ob_faceswap_faces *b,
                            const ob_faceswap_train_cfg *cfg, ob_faceswap_train_result *r);
ob_status ob_faceswap_run(ob_ctx *ctx, ob_faceswap_net *net, float *out, const float *in, int n, int side);

ob_status ob_faceswap_photo(ob_ctx *ctx, ob_tensor *out, ob_faceswap_net *net, int side, const ob_tensor *photo,
                            const float *kp, int k, int box[4]);

#ifdef __cplusplus
}
#endif
#endif
