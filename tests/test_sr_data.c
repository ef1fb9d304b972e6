/* test_sr_data.c — nets/ob_sr_data.h on photos made here with known content:
 *   - a training target is an exact crop of the photo under one of the eight
 *     flips/turns (pixels encode their coordinates, so each one is checked);
 *   - the LR image is the target's bicubic-aa downscale, and with pre_upscale
 *     that enlarged back by bicubic;
 *   - samples are a function of (seed, epoch, index): the same again, others
 *     for another epoch; all eight symmetries and every photo turn up;
 *   - the studio-range luma of a known colour; the validation split holds out
 *     the last photo, with fixed crops;
 *   - through ob_loader: batch.targets (N, C, rP, rP) beside the images;
 *   - bad input: a missing or empty folder, a photo smaller than the crop, a
 *     scale outside 2..4, a split that would be empty. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ob_image_io.h"
#include "ob_loader.h"
#include "ob_sr_data.h"
#include "ob_test.h"
#include "resize.h"

static char dir[400];

/* A w x h RGB photo: R = x / 255, G = y / 255, B = (x + y) % 7 / 7. */
static void write_photo(const char *name, int w, int h)
{
    const int64_t shape[3] = {3, h, w};
    ob_tensor t;
    ob_tensor_alloc(&t, OB_F32, OB_HOST, 3, shape);
    float *p = ob_tensor_f32(&t);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            p[y * w + x] = x / 255.0f, p[h * w + y * w + x] = y / 255.0f;
            p[2 * h * w + y * w + x] = (float)((x + y) % 7) / 7.0f;
        }
    char path[500];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    OB_CHECK_OK(ob_image_write(path, &t, OB_FMT_AUTO, 8));
    ob_tensor_free(&t);
}

/* The target's pixel (i, j) holds (x, y) of its source: find the symmetry and
 * the offset from three corners, then check every pixel. Returns the
 * symmetry index 0..7 (flip * 4 + turns), or -1. */
static int check_crop(const ob_tensor *t, int hr, int *photo_w)
{
    const float *p = ob_tensor_f32(t);
    const int n = hr * hr;
    int xs[3], ys[3];
    const int at[3] = {0, hr - 1, (hr - 1) * hr}; /* (0,0), (0,hr-1), (hr-1,0) */
    for (int k = 0; k < 3; k++) xs[k] = (int)lrintf(p[at[k]] * 255), ys[k] = (int)lrintf(p[n + at[k]] * 255);
    const int dxj = (xs[1] - xs[0]) / (hr - 1), dyj = (ys[1] - ys[0]) / (hr - 1); /* per column step */
    const int dxi = (xs[2] - xs[0]) / (hr - 1), dyi = (ys[2] - ys[0]) / (hr - 1); /* per row step */
    for (int i = 0; i < hr; i++)
        for (int j = 0; j < hr; j++) {
            const int x = xs[0] + i * dxi + j * dxj, y = ys[0] + i * dyi + j * dyj;
            if ((int)lrintf(p[i * hr + j] * 255) != x || (int)lrintf(p[n + i * hr + j] * 255) != y ||
                fabsf(p[2 * n + i * hr + j] - (float)((x + y) % 7) / 7.0f) > 0.003f)
                return -1;
        }
    *photo_w = 0;
    /* the 8 symmetries as (column step, row step) pairs */
    static const int sym[8][4] = {{1, 0, 0, 1},  {0, 1, -1, 0}, {-1, 0, 0, -1}, {0, -1, 1, 0},
                                  {-1, 0, 0, 1}, {0, 1, 1, 0},  {1, 0, 0, -1},  {0, -1, -1, 0}};
    for (int s = 0; s < 8; s++)
        if (sym[s][0] == dxj && sym[s][1] == dyj && sym[s][2] == dxi && sym[s][3] == dyi) return s;
    return -1;
}

static void test_train_pairs(void)
{
    ob_dataset *ds;
    const ob_sr_data_cfg cfg = {.scale = 3, .channels = 3, .patch = 8, .split = OB_SR_TRAIN, .samples = 200};
    if (!OB_CHECK_OK(ob_sr_data_open(&ds, dir, &cfg))) return;
    OB_CHECK(ds->n == 200 && ds->channels == 3 && ds->height == 8 && ds->width == 8, "train set: n %lld, %dx%dx%d",
             (long long)ds->n, ds->channels, ds->height, ds->width);
    int seen_sym[8] = {0}, bad = 0;
    for (int64_t i = 0; i < ds->n; i++) {
        ob_sample s = {0};
        if (!OB_CHECK_OK(ob_dataset_get_keyed(ds, &s, i, 42, 3))) break;
        int w;
        const int sym = check_crop(&s.target, 24, &w);
        if (sym < 0) bad++;
        else seen_sym[sym]++;
        if (i < 3) {
            float lr[3 * 8 * 8];
            OB_CHECK_OK(ob_resize_cpu(lr, ob_tensor_f32(&s.target), 3, 24, 24, 8, 8, OB_RESIZE_BICUBIC_AA));
            ob_test_allclose("the LR image is the target's bicubic-aa downscale", ob_tensor_f32(&s.image), lr,
                             3 * 8 * 8, 0, 0);
            ob_sample again = {0}, other = {0};
            OB_CHECK_OK(ob_dataset_get_keyed(ds, &again, i, 42, 3));
            OB_CHECK_OK(ob_dataset_get_keyed(ds, &other, i, 42, 4));
            OB_CHECK(!memcmp(again.target.data, s.target.data, 3 * 24 * 24 * 4), "sample %lld: same key, same crop",
                     (long long)i);
            OB_CHECK(memcmp(other.target.data, s.target.data, 3 * 24 * 24 * 4) != 0,
                     "sample %lld: another epoch, another crop", (long long)i);
            ob_sample_free(&again), ob_sample_free(&other);
        }
        ob_sample_free(&s);
    }
    OB_CHECK(bad == 0, "every target is an exact crop under a flip/turn (%d were not)", bad);
    int all = 1;
    for (int s = 0; s < 8; s++) all &= seen_sym[s] > 0;
    OB_CHECK(all, "all eight symmetries drawn in 200 samples");
    ob_dataset_close(ds);

    /* SRCNN's input: the LR image enlarged back to the target's size */
    const ob_sr_data_cfg pre = {.scale = 2, .channels = 1, .patch = 10, .pre_upscale = 1, .samples = 4};
    if (!OB_CHECK_OK(ob_sr_data_open(&ds, dir, &pre))) return;
    ob_sample s = {0};
    OB_CHECK_OK(ob_dataset_get_keyed(ds, &s, 1, 7, 0));
    OB_CHECK(ob_tensor_same_shape(&s.image, &s.target) && s.image.shape[1] == 20 && ds->height == 20,
             "pre_upscale: image and target both (1, 20, 20)");
    float lr[100], up[400];
    OB_CHECK_OK(ob_resize_cpu(lr, ob_tensor_f32(&s.target), 1, 20, 20, 10, 10, OB_RESIZE_BICUBIC_AA));
    OB_CHECK_OK(ob_resize_cpu(up, lr, 1, 10, 10, 20, 20, OB_RESIZE_BICUBIC));
    ob_test_allclose("pre_upscale: bicubic of the bicubic-aa LR", ob_tensor_f32(&s.image), up, 400, 0, 0);
    ob_sample_free(&s);
    ob_dataset_close(ds);
}

static void test_luma_and_splits(void)
{
    const float y = ob_bt601_luma(0.2f, 0.5f, 0.8f);
    OB_CHECK(fabsf(y - (16 + 65.481f * 0.2f + 128.553f * 0.5f + 24.966f * 0.8f) / 255) < 1e-6f &&
                 fabsf(ob_bt601_luma(0, 0, 0) - 16.0f / 255) < 1e-7f && fabsf(ob_bt601_luma(1, 1, 1) - 235.0f / 255) < 1e-6f,
             "BT.601 studio-range luma: black 16, white 235");
    ob_dataset *tr, *va, *all;
    const ob_sr_data_cfg t = {.scale = 2, .channels = 1, .patch = 12, .split = OB_SR_TRAIN, .samples = 5};
    ob_sr_data_cfg v = t, a = t;
    v.split = OB_SR_VAL, a.split = OB_SR_ALL, a.val_crops = 9;
    if (!OB_CHECK_OK(ob_sr_data_open(&tr, dir, &t)) || !OB_CHECK_OK(ob_sr_data_open(&va, dir, &v)) ||
        !OB_CHECK_OK(ob_sr_data_open(&all, dir, &a)))
        return;
    OB_CHECK(va->n == 4 && all->n == 27, "validation: 1 held-out photo x 4 crops (%lld); all: 3 x 9 (%lld)",
             (long long)va->n, (long long)all->n);
    OB_CHECK(strstr(ob_dataset_sample_path(va, 0), "c_photo.png") != NULL, "the last photo is held out: %s",
             ob_dataset_sample_path(va, 0));
    /* every photo with random crops: training beside a separate validation folder */
    ob_sr_data_cfg at = t;
    at.split = OB_SR_ALL_TRAIN, at.samples = 40;
    ob_dataset *alltr;
    if (OB_CHECK_OK(ob_sr_data_open(&alltr, dir, &at))) {
        ob_sample e1 = {0}, e2 = {0};
        int differ = 0;
        for (int64_t i = 0; i < alltr->n; i++) {
            OB_CHECK_OK(ob_dataset_get_keyed(alltr, &e1, i, 7, 1));
            OB_CHECK_OK(ob_dataset_get_keyed(alltr, &e2, i, 7, 2));
            differ += memcmp(e1.target.data, e2.target.data, 24 * 24 * 4) != 0;
            ob_sample_free(&e1), ob_sample_free(&e2);
        }
        OB_CHECK(alltr->n == 40 && differ > 30, "all-train: 40 random crops a epoch, new ones each epoch (%d of 40)",
                 differ);
        ob_dataset_close(alltr);
    }
    /* max_side: the held-out 100 x 100 photo shrunk to 50 x 50, so a row of its
     * crop steps by 2 source columns (R = x / 255) instead of 1 */
    ob_sr_data_cfg vs = v;
    vs.channels = 3, vs.max_side = 50;
    ob_dataset *shr;
    if (OB_CHECK_OK(ob_sr_data_open(&shr, dir, &vs))) {
        ob_sample e = {0};
        OB_CHECK_OK(ob_dataset_get(shr, &e, 0));
        const float step = (ob_tensor_f32(&e.target)[20] - ob_tensor_f32(&e.target)[4]) * 255 / 16;
        OB_CHECK(fabsf(step - 2) < 0.2f, "max_side 50 halves a 100-pixel photo: %.2f source columns per pixel", step);
        ob_sample_free(&e);
        ob_dataset_close(shr);
    }
    vs.max_side = 20;
    OB_CHECK_FAILS(ob_sr_data_open(&shr, dir, &vs), OB_ERR_FORMAT);
    ob_sample s1 = {0}, s2 = {0};
    OB_CHECK_OK(ob_dataset_get(va, &s1, 2));
    OB_CHECK_OK(ob_dataset_get_keyed(va, &s2, 2, 99, 5));
    OB_CHECK(!memcmp(s1.target.data, s2.target.data, 24 * 24 * 4), "validation crops are fixed (no seed, no epoch)");
    ob_sample_free(&s1), ob_sample_free(&s2);
    /* through the loader: targets batched beside the images */
    ob_loader *l;
    ob_loader_cfg lc = {.batch_size = 2, .shuffle = 1, .seed = 3};
    if (OB_CHECK_OK(ob_loader_create(&l, tr, &lc))) {
        OB_CHECK_OK(ob_loader_start_epoch(l, 1));
        ob_data_batch b = {0};
        int done = 0;
        OB_CHECK_OK(ob_loader_next(l, &b, &done));
        OB_CHECK(!done && b.targets.ndim == 4 && b.targets.shape[0] == 2 && b.targets.shape[2] == 24 &&
                     b.images.shape[2] == 12,
                 "batch: images (2, 1, 12, 12), targets (2, 1, 24, 24)");
        ob_sample s = {0};
        OB_CHECK_OK(ob_dataset_get_keyed(tr, &s, b.indices[1], 3, 1));
        OB_CHECK(!memcmp(ob_tensor_f32(&b.targets) + 24 * 24, s.target.data, 24 * 24 * 4),
                 "the batch's second target is its sample's");
        ob_sample_free(&s);
        ob_data_batch_free(&b);
        ob_loader_destroy(l);
    }
    ob_dataset_close(tr), ob_dataset_close(va), ob_dataset_close(all);
}

static void test_bad_input(void)
{
    ob_dataset *ds;
    char path[500];
    const ob_sr_data_cfg c = {.scale = 3, .channels = 1, .split = OB_SR_ALL};
    snprintf(path, sizeof path, "%s/missing", dir);
    OB_CHECK_FAILS(ob_sr_data_open(&ds, path, &c), OB_ERR_IO);
    snprintf(path, sizeof path, "%s/empty", dir);
    mkdir(path, 0755);
    OB_CHECK_FAILS(ob_sr_data_open(&ds, path, &c), OB_ERR_FORMAT);
    OB_CHECK(strstr(ob_last_error(), "no .png") != NULL, "empty folder: %s", ob_last_error());
    ob_sr_data_cfg big = c;
    big.patch = 40; /* 120 > the photos */
    OB_CHECK_FAILS(ob_sr_data_open(&ds, dir, &big), OB_ERR_FORMAT);
    OB_CHECK(strstr(ob_last_error(), "a_photo.png") && strstr(ob_last_error(), "smaller than the 120x120 crop"),
             "small photo named: %s", ob_last_error());
    ob_sr_data_cfg s5 = c, ch2 = c;
    s5.scale = 5, ch2.channels = 2;
    OB_CHECK_FAILS(ob_sr_data_open(&ds, dir, &s5), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_sr_data_open(&ds, dir, &ch2), OB_ERR_ARG);
    /* one photo cannot be split */
    snprintf(path, sizeof path, "%s/one", dir);
    mkdir(path, 0755);
    char keep[400];
    snprintf(keep, sizeof keep, "%s", dir);
    strncat(dir, "/one", sizeof dir - strlen(dir) - 1);
    write_photo("only.png", 60, 60);
    ob_sr_data_cfg tr = c;
    tr.split = OB_SR_TRAIN;
    OB_CHECK_FAILS(ob_sr_data_open(&ds, dir, &tr), OB_ERR_ARG);
    snprintf(dir, sizeof dir, "%s", keep);
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/sr_data", ob_test_tmpdir());
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) return 1;
    mkdir(dir, 0755);
    write_photo("a_photo.png", 80, 60);
    write_photo("b_photo.png", 70, 90);
    write_photo("c_photo.png", 100, 100);
    test_train_pairs();
    test_luma_and_splits();
    test_bad_input();
    return ob_test_finish();
}
