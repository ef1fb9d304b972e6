/* fs_faces.c — the face-swap CLI test's helper (tests/cli_faceswap.sh):
 *   fs_faces write DIR a|b N SEED SIDE   DIR/face_NNNN.png + .pts: N rendered faces
 *                                         of identity a or b (faceswap_render.h)
 *                                         in SIDE x SIDE photos
 *   fs_faces diff IN OUT PTS              compares a photo with its swapped copy:
 *                                         prints the mean change inside the face's
 *                                         landmark box and the largest change farther
 *                                         than one face size from it; exit 0 when the
 *                                         face changed (> 0.01) and the rest did not
 *                                         (<= 1/255), 1 otherwise
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "faceswap_render.h"
#include "ob_dataset.h"
#include "ob_image_io.h"

static int write_faces(const char *dir, const char *who, int n, uint64_t seed, int side)
{
    const fs_identity *id = !strcmp(who, "a") ? &fs_identity_a : &fs_identity_b;
    mkdir(dir, 0777);
    ob_tensor img;
    if (ob_tensor_alloc(&img, OB_F32, OB_HOST, 3, (const int64_t[3]){3, side, side}) != OB_OK) return 1;
    uint64_t rng = seed * 0x9E3779B97F4A7C15ull + 7;
    for (int i = 0; i < n; i++) {
        fs_params p;
        float kp[136];
        fs_random_params(&p, &rng, side, side);
        fs_landmarks(kp, id, &p);
        fs_render(ob_tensor_f32(&img), side, side, id, &p);
        char path[4096];
        snprintf(path, sizeof path, "%s/face_%04d.pts", dir, i);
        if (fs_write_pts(path, kp)) return 1;
        snprintf(path, sizeof path, "%s/face_%04d.png", dir, i);
        if (ob_image_write(path, &img, OB_FMT_PNG, 8) != OB_OK) return fprintf(stderr, "%s\n", ob_last_error()), 1;
    }
    ob_tensor_free(&img);
    return 0;
}

static int diff(const char *in, const char *out, const char *pts)
{
    ob_tensor a = {0}, b = {0};
    ob_image_info ia, ib;
    float *kp = NULL;
    int k = 0;
    if (ob_image_read(&a, &ia, in) != OB_OK || ob_image_read(&b, &ib, out) != OB_OK || ob_pts_parse(&kp, &k, pts) != OB_OK)
        return fprintf(stderr, "fs_faces diff: %s\n", ob_last_error()), 1;
    if (ia.width != ib.width || ia.height != ib.height || a.shape[0] != b.shape[0])
        return fprintf(stderr, "fs_faces diff: %dx%d vs %dx%d\n", ia.width, ia.height, ib.width, ib.height), 1;
    double lo[2] = {1e9, 1e9}, hi[2] = {-1e9, -1e9};
    for (int i = 0; i < k; i++)
        for (int c = 0; c < 2; c++) lo[c] = fmin(lo[c], kp[2 * i + c]), hi[c] = fmax(hi[c], kp[2 * i + c]);
    const double grow = fmax(hi[0] - lo[0], hi[1] - lo[1]);
    const int w = ia.width, h = ia.height, ch = (int)a.shape[0];
    double in_sum = 0, out_max = 0;
    int64_t in_n = 0;
    for (int c = 0; c < ch; c++)
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                const int64_t i = ((int64_t)c * h + y) * w + x;
                const double d = fabs(ob_tensor_f32(&a)[i] - ob_tensor_f32(&b)[i]);
                if (x >= lo[0] && x <= hi[0] && y >= lo[1] && y <= hi[1]) in_sum += d, in_n++;
                else if (x < lo[0] - grow || x > hi[0] + grow || y < lo[1] - grow || y > hi[1] + grow) out_max = fmax(out_max, d);
            }
    const double in_mean = in_n ? in_sum / in_n : 0;
    printf("face changed by %.4f on average; farther than a face size from it by at most %.5f\n", in_mean, out_max);
    free(kp);
    ob_tensor_free(&a), ob_tensor_free(&b);
    return in_mean > 0.01 && out_max <= 1.0 / 255 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 7 && !strcmp(argv[1], "write"))
        return write_faces(argv[2], argv[3], atoi(argv[4]), strtoull(argv[5], NULL, 10), atoi(argv[6]));
    if (argc == 5 && !strcmp(argv[1], "diff")) return diff(argv[2], argv[3], argv[4]);
    fprintf(stderr, "usage: fs_faces write DIR a|b N SEED SIDE | fs_faces diff IN OUT PTS\n");
    return 2;
}
