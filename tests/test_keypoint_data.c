/* test_keypoint_data.c — nets/ob_keypoint_data.h: the seed's heatmap targets
 * (each sums to 1; their soft-argmax, by the existing kernel, lies within
 * 0.5 px of the point at 224x224), the crop and its normalised targets, the
 * augmentation moving keypoints with the pixels, flips only with a table,
 * and the refusals (wrong point count, points far outside, a set without
 * boxes asked to crop by box, an image with no landmark file). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ob_image_io.h"
#include "ob_keypoint_data.h"
#include "ob_test.h"
#include "spatial_softmax.h"

static void heatmaps_at_224(void)
{
    enum { H = 224, W = 224, K = 64 };
    float *maps = malloc(sizeof(float) * K * H * W), uv[2 * K], xy[2 * K];
    uint64_t rng = 5;
    /* points where the Gaussian (sigma 0.05) lies inside the map: 3 sigma from the edges */
    for (int j = 0; j < K; j++)
        uv[2 * j] = (float)(0.15 + 0.7 * ob_test_rand_uniform(&rng)), uv[2 * j + 1] = (float)(0.15 + 0.7 * ob_test_rand_uniform(&rng));
    ob_kp_heatmaps(maps, uv, K, H, W, OB_KP_SIGMA);
    double worst_sum = 0, worst_px = 0;
    for (int j = 0; j < K; j++) {
        double sum = 0;
        for (int i = 0; i < H * W; i++) sum += maps[(size_t)j * H * W + i];
        worst_sum = fmax(worst_sum, fabs(sum - 1));
    }
    /* soft-argmax of log p is the expectation under p (softmax(log p) = p) */
    for (size_t i = 0; i < (size_t)K * H * W; i++) maps[i] = logf(fmaxf(maps[i], 1e-38f));
    OB_CHECK_OK(ob_soft_argmax_cpu(xy, maps, K, H, W, OB_SOFTARGMAX_PIXEL));
    for (int j = 0; j < K; j++) {
        const double tx = uv[2 * j] * W - 0.5, ty = uv[2 * j + 1] * H - 0.5;
        worst_px = fmax(worst_px, hypot(xy[2 * j] - tx, xy[2 * j + 1] - ty));
    }
    OB_CHECK(worst_sum < 1e-5, "heatmaps: a map sums to 1 %+.2g", worst_sum);
    OB_CHECK(worst_px < 0.5, "heatmaps: soft-argmax %.3f px from the point at 224x224", worst_px);
    printf("ok   heatmaps 224x224, %d points: sums within %.1e of 1, soft-argmax within %.4f px\n", K, worst_sum,
           worst_px);
    /* near an edge the cut-off tail pulls the expectation inwards (stated in the header) */
    const float edge[2] = {0.02f, 0.5f};
    float *one = malloc(sizeof(float) * H * W);
    ob_kp_heatmaps(one, edge, 1, H, W, OB_KP_SIGMA);
    for (int i = 0; i < H * W; i++) one[i] = logf(fmaxf(one[i], 1e-38f));
    OB_CHECK_OK(ob_soft_argmax_cpu(xy, one, 1, H, W, OB_SOFTARGMAX_PIXEL));
    OB_CHECK(xy[0] > edge[0] * W - 0.5 + 1, "heatmaps: an edge point's expectation is pulled inwards (%.2f)", xy[0]);
    free(one);
    free(maps);
}

/* A folder of n 40x30 gray images with K = 3 points each: a bright pixel at
 * each point on a dark ground. */
static void write_set(const char *dir, int n, int k_last, float far)
{
    mkdir(dir, 0777);
    ob_tensor img;
    ob_tensor_alloc(&img, OB_F32, OB_HOST, 3, (const int64_t[3]){1, 30, 40});
    for (int i = 0; i < n; i++) {
        memset(img.data, 0, ob_tensor_nbytes(&img));
        const int pts[3][2] = {{10 + i, 8}, {28, 10 + i % 5}, {20, 22}};
        for (int j = 0; j < 3; j++) ob_tensor_f32(&img)[pts[j][1] * 40 + pts[j][0]] = 1.0f;
        char path[4096];
        snprintf(path, sizeof path, "%s/f%02d.png", dir, i);
        OB_CHECK_OK(ob_image_write(path, &img, OB_FMT_PNG, 8));
        snprintf(path, sizeof path, "%s/f%02d.pts", dir, i);
        FILE *f = fopen(path, "w");
        const int k = i == n - 1 ? k_last : 3;
        fprintf(f, "version: 1\nn_points: %d\n{\n", k);
        for (int j = 0; j < k; j++) fprintf(f, "%d %g\n", pts[j][0], pts[j][1] + (i == n - 1 && j == 0 ? far : 0));
        fprintf(f, "}\n");
        fclose(f);
    }
    ob_tensor_free(&img);
}

static void crops_and_targets(void)
{
    char dir[4096];
    ob_test_path(dir, sizeof dir, "kp_set");
    write_set(dir, 6, 3, 0);
    ob_dataset *base, *kp;
    if (!OB_CHECK_OK(ob_dataset_open_pts(&base, dir, NULL))) return;
    /* the whole image into a 32x24 crop: a uniform scale of 0.8, no padding */
    ob_kp_data_cfg cfg = {.width = 32, .height = 24, .channels = 1, .crop = OB_KP_CROP_NONE};
    if (!OB_CHECK_OK(ob_kp_data_open(&kp, base, &cfg))) return;
    ob_sample s = {0};
    OB_CHECK_OK(ob_dataset_get(kp, &s, 2));
    OB_CHECK(s.image.shape[1] == 24 && s.image.shape[2] == 32 && s.n_kp == 3 && s.target.ndim == 1 &&
                 s.target.shape[0] == 6,
             "crop: image %lldx%lld, %d points, target of %lld", (long long)s.image.shape[2],
             (long long)s.image.shape[1], s.n_kp, (long long)s.target.shape[0]);
    /* point 2 is at (20, 22) in 40x30: centre to centre (x + 0.5) 0.8 - 0.5 */
    const float want_x = (20 + 0.5f) * 0.8f - 0.5f, want_y = (22 + 0.5f) * 0.8f - 0.5f;
    OB_CHECK(fabsf(s.kp[4] - want_x) < 1e-3f && fabsf(s.kp[5] - want_y) < 1e-3f, "crop: point 2 at (%g, %g), want (%g, %g)",
             s.kp[4], s.kp[5], want_x, want_y);
    const float *t = ob_tensor_f32(&s.target);
    OB_CHECK(fabsf(t[4] - (20 + 0.5f) / 40) < 1e-4f && fabsf(t[5] - (22 + 0.5f) / 30) < 1e-4f,
             "target: normalised (%g, %g)", t[4], t[5]);
    ob_sample_free(&s);
    /* augmentation: each point lands on the bright spot moved with the pixels */
    ob_dataset_close(kp);
    cfg.augment = 1, cfg.width = 80, cfg.height = 60; /* enlarged 2x: the spot stays visible */
    OB_CHECK_OK(ob_kp_data_open(&kp, base, &cfg));
    double worst = 0;
    for (int e = 0; e < 5; e++)
        for (int64_t i = 0; i < kp->n; i++) {
            if (!OB_CHECK_OK(ob_dataset_get_keyed(kp, &s, i, 7, e))) continue;
            const float *p = ob_tensor_f32(&s.image);
            for (int j = 0; j < 3; j++) { /* brightness-weighted centre within 4 px of the moved point */
                double sx = 0, sy = 0, sw = 0;
                for (int y = 0; y < 60; y++)
                    for (int x = 0; x < 80; x++)
                        if (fabs(x - s.kp[2 * j]) <= 4 && fabs(y - s.kp[2 * j + 1]) <= 4)
                            sx += p[y * 80 + x] * x, sy += p[y * 80 + x] * y, sw += p[y * 80 + x];
                worst = fmax(worst, sw > 0 ? hypot(sx / sw - s.kp[2 * j], sy / sw - s.kp[2 * j + 1]) : 99);
            }
            ob_sample_free(&s);
        }
    OB_CHECK(worst < 0.75, "augment: the spot is %.2f px from its moved keypoint", worst);
    printf("ok   augmentation moves the keypoints with the pixels (worst %.2f px over 30 draws)\n", worst);
    ob_dataset_close(kp);
    /* flips need a table: 3 points have none */
    cfg.flip_p = 0.5f;
    OB_CHECK_FAILS(ob_kp_data_open(&kp, base, &cfg), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "left/right") != NULL, "flip without a table: %s", ob_last_error());
    static const int swap3[3] = {1, 0, 2};
    cfg.flip_swap = swap3;
    if (OB_CHECK_OK(ob_kp_data_open(&kp, base, &cfg))) ob_dataset_close(kp);
    /* the model's K against the set's */
    cfg = (ob_kp_data_cfg){.width = 32, .height = 24, .channels = 1, .keypoints = 68};
    OB_CHECK_FAILS(ob_kp_data_open(&kp, base, &cfg), OB_ERR_ARG);
    /* crop by box on a set without boxes */
    cfg = (ob_kp_data_cfg){.width = 32, .height = 24, .channels = 1, .crop = OB_KP_CROP_BOX};
    OB_CHECK_FAILS(ob_kp_data_open(&kp, base, &cfg), OB_ERR_ARG);
    ob_dataset_close(base);
}

static void refusals(void)
{
    char dir[4096];
    ob_dataset *base = NULL, *kp;
    const ob_kp_data_cfg cfg = {.width = 32, .height = 24, .channels = 1};
    /* a landmark file with another point count */
    ob_test_path(dir, sizeof dir, "kp_count");
    write_set(dir, 4, 2, 0);
    OB_CHECK_FAILS(ob_dataset_open_pts(&base, dir, NULL), OB_ERR_FORMAT);
    OB_CHECK(strstr(ob_last_error(), "f03.pts") != NULL, "wrong count names the file: %s", ob_last_error());
    /* a point far outside the image */
    ob_test_path(dir, sizeof dir, "kp_far");
    write_set(dir, 4, 3, 500);
    if (OB_CHECK_OK(ob_dataset_open_pts(&base, dir, NULL))) {
        OB_CHECK_FAILS(ob_kp_data_open(&kp, base, &cfg), OB_ERR_FORMAT);
        OB_CHECK(strstr(ob_last_error(), "far outside") && strstr(ob_last_error(), "f03"), "far point: %s",
                 ob_last_error());
        ob_dataset_close(base);
    }
    /* an image without its landmark file */
    ob_test_path(dir, sizeof dir, "kp_hole");
    write_set(dir, 4, 3, 0);
    char path[4200];
    snprintf(path, sizeof path, "%s/f01.pts", dir);
    remove(path);
    OB_CHECK_FAILS(ob_dataset_open_pts(&base, dir, NULL), OB_ERR_FORMAT);
    OB_CHECK(strstr(ob_last_error(), "f01.png") && strstr(ob_last_error(), "no landmark file"), "hole: %s",
             ob_last_error());
    /* a box outside the image */
    const float inside[4] = {5, 5, 20, 20}, outside[4] = {100, 5, 20, 20}, half[4] = {32, 0, 20, 20};
    OB_CHECK_OK(ob_kp_check_box(inside, 40, 30));
    OB_CHECK_FAILS(ob_kp_check_box(outside, 40, 30), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_kp_check_box(half, 40, 30), OB_ERR_ARG);
}

/* ob_kp_crop maps the net's pixels back to the image's */
static void crop_roundtrip(void)
{
    ob_tensor img, x;
    ob_tensor_alloc(&img, OB_F32, OB_HOST, 3, (const int64_t[3]){1, 300, 400});
    memset(img.data, 0, ob_tensor_nbytes(&img));
    ob_tensor_f32(&img)[150 * 400 + 230] = 1.0f;
    const float box[4] = {200, 120, 64, 64};
    float m[6];
    if (!OB_CHECK_OK(ob_kp_crop(&x, m, &img, box, 0.1f, 64, 64))) return;
    /* the bright pixel's place in the crop, mapped back */
    const float *p = ob_tensor_f32(&x);
    double sx = 0, sy = 0, sw = 0;
    for (int y = 0; y < 64; y++)
        for (int xx = 0; xx < 64; xx++) sx += p[y * 64 + xx] * xx, sy += p[y * 64 + xx] * y, sw += p[y * 64 + xx];
    float pt[2] = {(float)(sx / sw), (float)(sy / sw)};
    ob_affine_points(pt, 1, m);
    OB_CHECK(fabsf(pt[0] - 230) < 0.3f && fabsf(pt[1] - 150) < 0.3f, "crop -> image: (%g, %g), want (230, 150)", pt[0],
             pt[1]);
    ob_tensor_free(&x);
    /* a large image: shrunk first, the mapping still exact */
    ob_tensor big;
    ob_tensor_alloc(&big, OB_F32, OB_HOST, 3, (const int64_t[3]){1, 900, 1200});
    memset(big.data, 0, ob_tensor_nbytes(&big));
    for (int y = 445; y < 455; y++)
        for (int xx = 695; xx < 705; xx++) ob_tensor_f32(&big)[y * 1200 + xx] = 1.0f;
    const float bigbox[4] = {400, 200, 600, 600};
    if (OB_CHECK_OK(ob_kp_crop(&x, m, &big, bigbox, 0.0f, 60, 60))) {
        p = ob_tensor_f32(&x);
        sx = sy = sw = 0;
        for (int y = 0; y < 60; y++)
            for (int xx = 0; xx < 60; xx++) sx += p[y * 60 + xx] * xx, sy += p[y * 60 + xx] * y, sw += p[y * 60 + xx];
        pt[0] = (float)(sx / sw), pt[1] = (float)(sy / sw);
        ob_affine_points(pt, 1, m);
        OB_CHECK(fabsf(pt[0] - 699.5f) < 2 && fabsf(pt[1] - 449.5f) < 2, "shrunk crop -> image: (%g, %g), want (699.5, 449.5)",
                 pt[0], pt[1]);
        ob_tensor_free(&x);
    }
    ob_tensor_free(&big);
    ob_tensor_free(&img);
}

int main(void)
{
    heatmaps_at_224();
    crops_and_targets();
    refusals();
    crop_roundtrip();
    return ob_test_finish();
}
