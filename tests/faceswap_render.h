/* faceswap_render.h — synthetic faces with known truth for the face-swap
 * tests: a face drawn from its 68 landmarks (iBUG 300-W order), two
 * identities that differ in colours and proportions, each sample a pose (a
 * similarity in the photo) and an expression (mouth opening, brow raise)
 * that alignment cannot remove. The identities differ in colours, jaw width
 * and brow thickness but not in the 51 inner points the alignment fits, so
 * B rendered with A's parameters aligns exactly as A does: the truth of the
 * swap A -> B, pixel for pixel.
 *
 *   fs_random_params(p, rng, w, h)   a pose inside a w x h photo, an expression
 *   fs_landmarks(kp, id, p)          the 68 points (x, y) in photo pixels
 *   fs_render(img, w, h, id, p)      img (3, h, w) host, caller-owned, 2x2 supersampled
 *   fs_write_pts(path, kp)           iBUG .pts
 */
#ifndef FACESWAP_RENDER_H
#define FACESWAP_RENDER_H

#include <stdint.h>

typedef struct {
    double angle, scale, cx, cy; /* pose: radians, face height in px, centre */
    double mouth;                /* 0 closed .. 1 wide open */
    double brow;                 /* -1 lowered .. 1 raised */
    double bg;                   /* background tint 0..1 */
} fs_params;

typedef struct {
    float skin[3], nose[3], lip[3], eye[3], brow[3];
    double jaw_width, nose_size, brow_thick;
} fs_identity;

extern const fs_identity fs_identity_a, fs_identity_b;

void fs_random_params(fs_params *p, uint64_t *rng, int w, int h);
void fs_landmarks(float kp[136], const fs_identity *id, const fs_params *p);
void fs_render(float *img, int w, int h, const fs_identity *id, const fs_params *p);
int fs_write_pts(const char *path, const float kp[136]);
/* Dark pixels (the open mouth's inside) in the mouth box of an aligned face
 * (3, S, S) on the template at margin 0: the expression read back from an image. */
double fs_mouth_area(const float *face, int size);

#endif
