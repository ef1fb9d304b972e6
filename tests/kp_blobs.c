/* kp_blobs.c — a landmark set with known truth for the keypoint tests:
 * rendered "faces" (a bright ellipse on a noisy background with two dark
 * eyes, a nose tip and two mouth corners), each at a random position, size
 * and tilt, written as iBUG .pts + PNG so that `obscura train keypoints`
 * reads them like any landmark folder. The pose varies enough that the mean
 * shape is a poor guess (its error is printed by eval as the baseline).
 *
 *   kp_blobs OUT_DIR N SIZE SEED   -> OUT_DIR/face_NNNN.png + .pts (K = 5)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "ob_image_io.h"
#include "ob_test.h"

#define K 5

/* the points in the face's own frame (unit radius, y down) */
static const float shape[K][2] = {{-0.38f, -0.25f}, {0.38f, -0.25f}, {0.0f, 0.12f}, {-0.3f, 0.45f}, {0.3f, 0.45f}};

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: kp_blobs OUT_DIR N SIZE SEED\n");
        return 2;
    }
    const char *dir = argv[1];
    const int n = atoi(argv[2]), side = atoi(argv[3]);
    uint64_t rng = strtoull(argv[4], NULL, 10) * 0x9E3779B97F4A7C15ull + 1;
    mkdir(dir, 0777);
    ob_tensor img;
    const int64_t shp[3] = {1, side, side};
    if (ob_tensor_alloc(&img, OB_F32, OB_HOST, 3, shp) != OB_OK) return 1;
    float *p = ob_tensor_f32(&img);
    for (int i = 0; i < n; i++) {
        const double r = side * (0.22 + 0.12 * ob_test_rand_uniform(&rng));         /* face radius */
        const double cx = side * (0.3 + 0.4 * ob_test_rand_uniform(&rng));
        const double cy = side * (0.3 + 0.4 * ob_test_rand_uniform(&rng));
        const double a = (ob_test_rand_uniform(&rng) - 0.5) * 1.2;                  /* tilt, +-34 degrees */
        const double ca = cos(a), sa = sin(a), bg = 0.15 + 0.2 * ob_test_rand_uniform(&rng);
        float kp[K][2];
        for (int j = 0; j < K; j++) {
            kp[j][0] = (float)(cx + r * (ca * shape[j][0] - sa * shape[j][1]));
            kp[j][1] = (float)(cy + r * (sa * shape[j][0] + ca * shape[j][1]));
        }
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++) {
                /* the ellipse (0.8 r wide, r tall) in the face's frame */
                const double dx = x - cx, dy = y - cy, u = (ca * dx + sa * dy) / r, v = (-sa * dx + ca * dy) / r;
                double val = (u * u / 0.64 + v * v <= 1.0) ? 0.75 : bg;
                for (int j = 0; j < K; j++) {
                    const double ex = x - kp[j][0], ey = y - kp[j][1], s = 0.07 * r;
                    val -= 0.6 * exp(-(ex * ex + ey * ey) / (2 * s * s));
                }
                val += 0.06 * (ob_test_rand_uniform(&rng) - 0.5);
                p[y * side + x] = (float)(val < 0 ? 0 : val > 1 ? 1 : val);
            }
        char path[4096];
        snprintf(path, sizeof path, "%s/face_%04d.png", dir, i);
        if (ob_image_write(path, &img, OB_FMT_PNG, 8) != OB_OK) {
            fprintf(stderr, "kp_blobs: %s\n", ob_last_error());
            return 1;
        }
        snprintf(path, sizeof path, "%s/face_%04d.pts", dir, i);
        FILE *f = fopen(path, "w");
        if (!f) return 1;
        fprintf(f, "version: 1\nn_points: %d\n{\n", K);
        for (int j = 0; j < K; j++) fprintf(f, "%.3f %.3f\n", kp[j][0], kp[j][1]);
        fprintf(f, "}\n");
        fclose(f);
    }
    ob_tensor_free(&img);
    return 0;
}
