/* test_augment.c — keypoints follow the pixels (bright dots rendered at the
 * keypoints are found, after a random affine + flip + crop, within 1 px of the
 * transformed keypoints), the flip renumbers points through the swap table (the
 * 68-point iBUG table maps the eyes, brows, mouth and jaw onto their mirrors),
 * zero-strength jitter is the identity bit for bit, each jitter op does what
 * torchvision's does, and the same (seed, epoch, index) gives the same result,
 * also through the loader with prefetch and threads. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_augment.h"
#include "ob_loader.h"
#include "ob_test.h"

enum { W = 56, H = 48, K = 6 };
/* 0 <-> 1 and 2 <-> 3 are left/right pairs; 4, 5 on the midline */
static const int swap6[K] = {1, 0, 3, 2, 4, 5};

/* A 3-channel image with a Gaussian dot (sigma 1.2) at each keypoint. */
static void render(ob_sample *s, const float *kp)
{
    int64_t shape[3] = {3, H, W};
    ob_tensor_zeros(&s->image, OB_F32, OB_HOST, 3, shape);
    float *px = ob_tensor_f32(&s->image);
    for (int k = 0; k < K; k++)
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                float dx = x - kp[2 * k], dy = y - kp[2 * k + 1];
                float v = expf(-(dx * dx + dy * dy) / (2 * 1.2f * 1.2f));
                for (int c = 0; c < 3; c++) px[c * H * W + y * W + x] += v * (c == 1 ? 0.5f : 1.0f);
            }
    s->n_kp = K;
    s->kp = malloc(K * 2 * sizeof(float));
    memcpy(s->kp, kp, K * 2 * sizeof(float));
    s->label = -1;
}

/* Intensity centroid of channel 0 within radius 4 of (x, y). */
static void centroid(const ob_tensor *img, float x, float y, float *cx, float *cy)
{
    int w = (int)img->shape[2], h = (int)img->shape[1];
    const float *p = ob_tensor_f32(img);
    double sw = 0, sx = 0, sy = 0;
    for (int yy = (int)floorf(y) - 4; yy <= (int)floorf(y) + 5; yy++)
        for (int xx = (int)floorf(x) - 4; xx <= (int)floorf(x) + 5; xx++) {
            if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
            double dx = xx - x, dy = yy - y;
            if (dx * dx + dy * dy > 16) continue;
            double v = p[yy * w + xx];
            sw += v, sx += v * xx, sy += v * yy;
        }
    *cx = sw > 0 ? (float)(sx / sw) : -1e9f, *cy = sw > 0 ? (float)(sy / sw) : -1e9f;
}

static void fill_random_img(ob_tensor *t, int c, int h, int w, uint64_t seed)
{
    int64_t shape[3] = {c, h, w};
    ob_tensor_alloc(t, OB_F32, OB_HOST, 3, shape);
    ob_test_fill_uniform(ob_tensor_f32(t), (size_t)(c * h * w), seed, 0, 1);
}

/* box: NULL, or a face box given to the sample (then cfg crops to it first). */
static void keypoints_follow_pixels(const ob_augment_cfg *cfg_in, const float *box, int out_w, int out_h)
{
    /* dots on a loose grid: far enough apart that windows do not overlap */
    const float kp[K * 2] = {14.3f, 12.7f, 41.6f, 13.2f, 15.1f, 33.4f, 40.2f, 34.9f, 27.5f, 22.8f, 28.4f, 38.1f};
    ob_augment_cfg cfg = *cfg_in;
    int checked = 0, flips = 0;
    double worst = 0;
    for (int idx = 0; idx < 40; idx++) {
        ob_sample s = {0};
        render(&s, kp);
        if (box) s.has_box = 1, memcpy(s.box, box, sizeof s.box);
        float m[6];
        int flipped, ow, oh;
        OB_CHECK_OK(ob_augment_matrix(m, &flipped, &ow, &oh, &cfg, W, H, box, 9, 2, idx));
        OB_CHECK_OK(ob_augment_sample(&s, &cfg, 9, 2, idx));
        flips += flipped;
        OB_CHECK(s.image.shape[1] == out_h && s.image.shape[2] == out_w && ow == out_w && oh == out_h, "output size");
        for (int k = 0; k < K; k++) {
            /* the keypoint is where the matrix sends its (swapped) source point */
            int src = flipped ? swap6[k] : k;
            float px = kp[2 * src], py = kp[2 * src + 1];
            float ex = m[0] * px + m[1] * py + m[2], ey = m[3] * px + m[4] * py + m[5];
            OB_CHECK(fabsf(ex - s.kp[2 * k]) < 1e-3f && fabsf(ey - s.kp[2 * k + 1]) < 1e-3f,
                     "idx %d kp %d: (%g, %g) vs matrix (%g, %g)", idx, k, s.kp[2 * k], s.kp[2 * k + 1], ex, ey);
            float x = s.kp[2 * k], y = s.kp[2 * k + 1];
            if (x < 5 || y < 5 || x > out_w - 6 || y > out_h - 6) continue; /* too near the edge to measure */
            float cx, cy;
            centroid(&s.image, x, y, &cx, &cy);
            double err = hypot(cx - x, cy - y);
            worst = err > worst ? err : worst;
            OB_CHECK(err <= 1.0, "idx %d kp %d: dot found at (%.2f, %.2f), keypoint at (%.2f, %.2f): %.2f px apart", idx,
                     k, cx, cy, x, y, err);
            checked++;
        }
        ob_sample_free(&s);
    }
    printf("keypoints vs rendered dots%s: %d checked over 40 samples (%d flipped), worst distance %.3f px\n",
           box ? " (box crop)" : "", checked, flips, worst);
    OB_CHECK(checked > 150 && flips > 5 && flips < 35, "enough points checked (%d) and both flip outcomes (%d)", checked,
             flips);
}

static void test_keypoints_follow_pixels(void)
{
    ob_augment_cfg cfg = {.rotate_deg = 25, .translate = 0.08f, .scale_min = 0.8f, .scale_max = 1.2f, .flip_p = 0.5f,
                          .flip_swap = swap6, .flip_swap_n = K, .crop_w = 50, .crop_h = 44};
    keypoints_follow_pixels(&cfg, NULL, 50, 44);
    /* crop to a face box first (grown 10 %, into 48 x 48), then the same random geometry */
    ob_augment_cfg boxed = cfg;
    boxed.box_w = 48, boxed.box_h = 48, boxed.box_margin = 0.1f, boxed.crop_w = 46, boxed.crop_h = 46;
    const float box[4] = {8, 6, 42, 36};
    keypoints_follow_pixels(&boxed, box, 46, 46);
    /* box crop alone at scale 1 copies the box exactly */
    ob_sample s = {0};
    ob_tensor src;
    fill_random_img(&s.image, 2, H, W, 6);
    ob_tensor_clone_to(&src, &s.image, OB_HOST);
    s.has_box = 1, s.box[0] = 10, s.box[1] = 8, s.box[2] = 30, s.box[3] = 20;
    ob_augment_cfg only = {.box_w = 30, .box_h = 20};
    OB_CHECK_OK(ob_augment_sample(&s, &only, 1, 0, 0));
    int exact = s.image.shape[1] == 20 && s.image.shape[2] == 30;
    for (int c = 0; c < 2 && exact; c++)
        for (int y = 0; y < 20; y++)
            for (int x = 0; x < 30; x++)
                exact &= ob_tensor_f32(&s.image)[c * 600 + y * 30 + x] == ob_tensor_f32(&src)[c * H * W + (y + 8) * W + x + 10];
    OB_CHECK(exact && s.box[0] == 0 && s.box[1] == 0 && s.box[2] == 30 && s.box[3] == 20,
             "box crop at scale 1 is the box's window, and the box becomes the whole image");
    ob_tensor_free(&src);
    s.has_box = 0;
    OB_CHECK_FAILS(ob_augment_sample(&s, &only, 1, 0, 0), OB_ERR_ARG); /* no box */
    ob_sample_free(&s);
}

static void test_ibug_table(void)
{
    int inv = 1;
    for (int i = 0; i < 68; i++) inv &= ob_ibug68_flip[i] >= 0 && ob_ibug68_flip[i] < 68 && ob_ibug68_flip[ob_ibug68_flip[i]] == i;
    OB_CHECK(inv, "iBUG table is an involution on 0..67");
    /* iBUG 300-W 68-point scheme, 0-based: jaw 0-16 (0 and 16 the ends), brows 17-21 / 22-26, nose 27-35 (27-30
     * bridge, 33 tip-bottom centre), eyes 36-41 / 42-47 (36, 45 outer corners, 39, 42 inner corners), mouth 48-67
     * (48, 54 outer corners, 51/57 centre top/bottom, 60, 64 inner corners, 62/66 centre). */
    static const int pairs[][2] = {{0, 16}, {8, 8}, {17, 26}, {21, 22}, {27, 27}, {30, 30}, {31, 35}, {33, 33},
                                   {36, 45}, {39, 42}, {37, 44}, {38, 43}, {40, 47}, {41, 46}, {48, 54}, {51, 51},
                                   {57, 57}, {49, 53}, {55, 59}, {60, 64}, {62, 62}, {66, 66}, {61, 63}, {65, 67}};
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
        OB_CHECK(ob_ibug68_flip[pairs[i][0]] == pairs[i][1], "iBUG flip: %d -> %d, expected %d", pairs[i][0],
                 ob_ibug68_flip[pairs[i][0]], pairs[i][1]);
    /* a flip-only augmentation: new point 36 (image-left eye's outer corner) is the mirror of old 45 */
    ob_sample s = {0};
    int64_t shape[3] = {1, 20, 30};
    ob_tensor_zeros(&s.image, OB_F32, OB_HOST, 3, shape);
    s.n_kp = 68;
    s.kp = malloc(68 * 2 * sizeof(float));
    for (int i = 0; i < 68; i++) s.kp[2 * i] = (float)(i % 30), s.kp[2 * i + 1] = (float)(i / 30);
    float old45x = s.kp[90], old45y = s.kp[91];
    ob_augment_cfg cfg = {.flip_p = 1, .flip_swap = ob_ibug68_flip, .flip_swap_n = 68};
    OB_CHECK_OK(ob_augment_sample(&s, &cfg, 1, 0, 0));
    OB_CHECK(s.kp[72] == 29 - old45x && s.kp[73] == old45y, "flipped point 36 = mirror of old 45: (%g, %g)", s.kp[72],
             s.kp[73]);
    /* no table, or a wrong one: refused, never a plain flip of landmarks */
    cfg.flip_swap = NULL;
    OB_CHECK_FAILS(ob_augment_sample(&s, &cfg, 1, 0, 0), OB_ERR_ARG);
    int bad[68];
    memcpy(bad, ob_ibug68_flip, sizeof bad);
    bad[36] = 44;
    cfg.flip_swap = bad;
    OB_CHECK_FAILS(ob_augment_sample(&s, &cfg, 1, 0, 0), OB_ERR_ARG);
    ob_sample_free(&s);
}

/* On dlib's real faces (where installed): after a flip, each face's image-left
 * eye (36) is still left of its image-right eye (45), and the jaw runs 0 -> 16
 * left to right, as in every unflipped face. */
static void test_ibug_real_faces(void)
{
    const char *x = getenv("OB_DLIB_FACES_XML");
    if (!x) x = "/usr/share/doc/libdlib19.1/examples/faces/training_with_face_landmarks.xml";
    ob_dataset *ds = NULL;
    if (ob_dataset_open_dlib_xml(&ds, x, NULL) != OB_OK) {
        printf("dlib faces absent (%s): real-face flip check skipped\n", x);
        return;
    }
    /* each face cropped to its box (+20 %) at 64 x 64, then flipped */
    ob_augment_cfg cfg = {.flip_p = 1, .flip_swap = ob_ibug68_flip, .flip_swap_n = 68, .box_w = 64, .box_h = 64,
                          .box_margin = 0.2f};
    int good_before = 0, good_after = 0, inside = 0;
    for (int64_t i = 0; i < ds->n; i++) {
        ob_sample s;
        if (ob_dataset_get(ds, &s, i) != OB_OK) continue;
        good_before += s.kp[72] < s.kp[90] && s.kp[0] < s.kp[32];
        OB_CHECK_OK(ob_augment_sample(&s, &cfg, 5, 0, i));
        good_after += s.kp[72] < s.kp[90] && s.kp[0] < s.kp[32];
        for (int k = 0; k < 68; k++) inside += s.kp[2 * k] >= 0 && s.kp[2 * k] <= 63 && s.kp[2 * k + 1] >= 0 && s.kp[2 * k + 1] <= 63;
        OB_CHECK(s.image.shape[1] == 64 && s.image.shape[2] == 64, "face crop 64 x 64");
        ob_sample_free(&s);
    }
    OB_CHECK(good_before == ds->n && good_after == ds->n, "real faces: eyes/jaw in order %d/%lld before, %d after flip",
             good_before, (long long)ds->n, good_after);
    OB_CHECK(inside >= 0.95 * 68 * ds->n, "landmarks inside their 64 x 64 face crops: %d of %lld", inside,
             (long long)(68 * ds->n));
    printf("dlib faces: %lld boxes cropped to 64 x 64 and flipped; %d of %lld landmarks inside the crop\n",
           (long long)ds->n, inside, (long long)(68 * ds->n));
    ob_dataset_close(ds);
}

static void fill_random(ob_tensor *t, int c, int h, int w, uint64_t seed, float lo, float hi)
{
    int64_t shape[3] = {c, h, w};
    ob_tensor_alloc(t, OB_F32, OB_HOST, 3, shape);
    ob_test_fill_uniform(ob_tensor_f32(t), (size_t)(c * h * w), seed, lo, hi);
}

static void test_jitter(void)
{
    /* zero strength: identity, bit for bit, even outside [0, 1] (nothing clamps) */
    ob_sample s = {0};
    fill_random(&s.image, 3, 9, 11, 1, -0.5f, 1.5f);
    ob_tensor ref;
    ob_tensor_clone_to(&ref, &s.image, OB_HOST);
    ob_augment_cfg zero = {0};
    OB_CHECK_OK(ob_augment_sample(&s, &zero, 3, 0, 7));
    OB_CHECK(!memcmp(ob_tensor_f32(&s.image), ob_tensor_f32(&ref), ob_tensor_nbytes(&ref)), "zero jitter is the identity");
    ob_tensor_free(&ref);
    ob_sample_free(&s);

    /* each op on known pixels */
    float px[3 * 2] = {1.0f, 0.2f, /* R */ 0.0f, 0.4f, /* G */ 0.0f, 0.6f /* B */};
    float t[6];
    memcpy(t, px, sizeof t);
    ob_color_jitter_apply(t, 3, 1, 2, 0.5f, 1, 1, 0, NULL);
    OB_CHECK(t[0] == 0.5f && t[1] == 0.1f && t[5] == 0.3f, "brightness 0.5 halves");
    memcpy(t, px, sizeof t);
    ob_color_jitter_apply(t, 3, 1, 2, 1, 0.0f, 1, 0, NULL);
    float mean = (0.299f * 1 + (0.299f * 0.2f + 0.587f * 0.4f + 0.114f * 0.6f)) / 2;
    OB_CHECK(fabsf(t[0] - mean) < 1e-6f && fabsf(t[3] - mean) < 1e-6f, "contrast 0 gives the gray mean %g: %g", mean,
             t[0]);
    memcpy(t, px, sizeof t);
    ob_color_jitter_apply(t, 3, 1, 2, 1, 1, 0.0f, 0, NULL);
    OB_CHECK(fabsf(t[0] - 0.299f) < 1e-6f && fabsf(t[2] - 0.299f) < 1e-6f && fabsf(t[4] - 0.299f) < 1e-6f,
             "saturation 0 gives gray");
    memcpy(t, px, sizeof t);
    ob_color_jitter_apply(t, 3, 1, 2, 1, 1, 1, 0.5f, NULL);
    OB_CHECK(fabsf(t[0]) < 1e-6f && fabsf(t[2] - 1) < 1e-6f && fabsf(t[4] - 1) < 1e-6f, "hue +0.5 turns red to cyan");
    /* HSV round trip on random colours */
    uint64_t st = 5;
    double worst = 0;
    for (int i = 0; i < 10000; i++) {
        float r = (float)ob_test_rand_uniform(&st), g = (float)ob_test_rand_uniform(&st), b = (float)ob_test_rand_uniform(&st);
        float hh, ss, vv, r2, g2, b2;
        ob_rgb_to_hsv(&hh, &ss, &vv, r, g, b);
        ob_hsv_to_rgb(&r2, &g2, &b2, hh, ss, vv);
        double e = fmax(fabs(r2 - r), fmax(fabs(g2 - g), fabs(b2 - b)));
        worst = e > worst ? e : worst;
    }
    OB_CHECK(worst < 1e-5, "RGB -> HSV -> RGB worst error %g", worst);
    /* gray images: saturation and hue leave them alone */
    float g1[4] = {0.1f, 0.5f, 0.7f, 0.9f}, g2[4];
    memcpy(g2, g1, sizeof g2);
    ob_color_jitter_apply(g2, 1, 2, 2, 1, 1, 0.3f, 0.2f, NULL);
    OB_CHECK(!memcmp(g1, g2, sizeof g1), "saturation/hue on gray: unchanged");
    /* random jitter stays in [0, 1] and changes the image */
    ob_augment_cfg cj = {.brightness = 0.4f, .contrast = 0.4f, .saturation = 0.4f, .hue = 0.1f};
    fill_random(&s.image, 3, 8, 8, 2, 0, 1);
    ob_tensor_clone_to(&ref, &s.image, OB_HOST);
    OB_CHECK_OK(ob_augment_sample(&s, &cj, 3, 0, 7));
    int in01 = 1;
    for (int i = 0; i < 192; i++) in01 &= ob_tensor_f32(&s.image)[i] >= 0 && ob_tensor_f32(&s.image)[i] <= 1;
    OB_CHECK(in01 && memcmp(ob_tensor_f32(&s.image), ob_tensor_f32(&ref), 192 * 4), "jitter: changed, within [0, 1]");
    ob_tensor_free(&ref);
    ob_sample_free(&s);
}

static void test_reproducible(void)
{
    ob_augment_cfg cfg = {.rotate_deg = 15, .translate = 0.1f, .scale_min = 0.9f, .scale_max = 1.1f, .flip_p = 0.5f,
                          .crop_w = 20, .crop_h = 18, .brightness = 0.3f, .contrast = 0.3f, .saturation = 0.3f,
                          .hue = 0.05f};
    ob_tensor out[4];
    const int epochs[4] = {0, 0, 0, 1}, idx[4] = {4, 4, 5, 4};
    for (int r = 0; r < 4; r++) {
        ob_sample s = {0};
        fill_random(&s.image, 3, 24, 26, 11, 0, 1);
        OB_CHECK_OK(ob_augment_sample(&s, &cfg, 77, epochs[r], idx[r]));
        out[r] = s.image;
    }
    size_t nb = ob_tensor_nbytes(&out[0]);
    OB_CHECK(!memcmp(out[0].data, out[1].data, nb), "same (seed, epoch, index): same result");
    OB_CHECK(memcmp(out[0].data, out[2].data, nb), "another index: another result");
    OB_CHECK(memcmp(out[0].data, out[3].data, nb), "another epoch: another result");
    for (int r = 0; r < 4; r++) ob_tensor_free(&out[r]);

    /* a crop alone copies a window exactly */
    ob_sample s = {0};
    fill_random(&s.image, 2, 10, 12, 3, 0, 1);
    ob_tensor src;
    ob_tensor_clone_to(&src, &s.image, OB_HOST);
    ob_augment_cfg crop = {.crop_w = 5, .crop_h = 4};
    float m[6];
    int fl, ow, oh;
    OB_CHECK_OK(ob_augment_matrix(m, &fl, &ow, &oh, &crop, 12, 10, NULL, 1, 0, 3));
    OB_CHECK_OK(ob_augment_sample(&s, &crop, 1, 0, 3));
    int ox = (int)-m[2], oy = (int)-m[5], exact = 1;
    for (int c = 0; c < 2; c++)
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 5; x++)
                exact &= ob_tensor_f32(&s.image)[c * 20 + y * 5 + x] == ob_tensor_f32(&src)[c * 120 + (y + oy) * 12 + x + ox];
    OB_CHECK(exact && m[0] == 1 && m[4] == 1 && ox >= 0 && ox <= 7 && oy >= 0 && oy <= 6,
             "crop at (%d, %d) is an exact window", ox, oy);
    ob_tensor_free(&src);
    ob_sample_free(&s);
    OB_CHECK_FAILS(ob_augment_sample(&s, &crop, 1, 0, 3), OB_ERR_ARG); /* no image */
}

/* Big images warp on OpenMP threads, small ones on the caller: same rows. */
static void test_warp_paths(void)
{
    enum { C = 3, S = 300 };
    float *in = malloc(sizeof(float) * C * S * S), *big = malloc(sizeof(float) * C * S * S), *one = malloc(sizeof(float) * S * S);
    ob_test_fill_uniform(in, C * S * S, 4, 0, 1);
    const float m[6] = {0.93f, 0.21f, -12.5f, -0.2f, 1.04f, 17.25f};
    OB_CHECK_OK(ob_warp_affine(big, in, C, S, S, S, S, m, 0.25f));
    int same = 1;
    for (int c = 0; c < C; c++) {
        OB_CHECK_OK(ob_warp_affine(one, in + c * S * S, 1, S, S, S, S, m, 0.25f));
        same &= !memcmp(one, big + c * S * S, sizeof(float) * S * S);
    }
    OB_CHECK(same, "threaded warp (3 x 300 x 300) equals per-channel serial warps");
    free(in), free(big), free(one);
}

/* Through the loader: prefetch with 2 decode threads == synchronous. */
static ob_status synth_get(const ob_dataset *ds, ob_sample *out, int64_t i)
{
    int64_t shape[3] = {3, 16, 16};
    OB_TRY(ob_tensor_alloc(&out->image, OB_F32, OB_HOST, 3, shape));
    ob_test_fill_uniform(ob_tensor_f32(&out->image), 768, (uint64_t)i + 1, 0, 1);
    out->n_kp = 2;
    out->kp = malloc(4 * sizeof(float));
    out->kp[0] = 3, out->kp[1] = 4, out->kp[2] = 12, out->kp[3] = 4;
    return OB_OK;
}

static void test_loader_reproducible(void)
{
    static const int swap2[2] = {1, 0};
    ob_augment_cfg aug = {.rotate_deg = 10, .scale_min = 0.9f, .scale_max = 1.1f, .flip_p = 0.5f, .flip_swap = swap2,
                          .flip_swap_n = 2, .crop_w = 12, .crop_h = 12, .brightness = 0.2f, .hue = 0.05f};
    ob_dataset ds = {.n = 37, .n_keypoints = 2, .get = synth_get};
    float *res[2] = {0};
    for (int p = 0; p < 2; p++) {
        ob_loader *l;
        OB_CHECK_OK(ob_loader_create(&l, &ds, &(ob_loader_cfg){.batch_size = 5, .shuffle = 1, .seed = 8,
                                                                 .prefetch = p ? 3 : 0, .threads = p ? 2 : 1,
                                                                 .transform = ob_augment_transform,
                                                                 .transform_user = &aug}));
        res[p] = calloc(2 * 37 * (432 + 4), sizeof(float));
        ob_data_batch b = {0};
        int64_t row = 0;
        for (int e = 0; e < 2; e++) {
            int done = 0;
            OB_CHECK_OK(ob_loader_start_epoch(l, e));
            while (ob_loader_next(l, &b, &done) == OB_OK && !done)
                for (int r = 0; r < b.n; r++, row++) {
                    memcpy(res[p] + row * 436, ob_tensor_f32(&b.images) + r * 432, 432 * sizeof(float));
                    memcpy(res[p] + row * 436 + 432, b.keypoints + r * 4, 4 * sizeof(float));
                }
        }
        OB_CHECK(row == 74, "2 epochs of 37 rows: %lld", (long long)row);
        ob_data_batch_free(&b);
        ob_loader_destroy(l);
    }
    OB_CHECK(!memcmp(res[0], res[1], 2 * 37 * 436 * sizeof(float)),
             "augmented epochs identical with prefetch + threads and synchronously");
    free(res[0]), free(res[1]);
}

int main(void)
{
    test_keypoints_follow_pixels();
    test_ibug_table();
    test_ibug_real_faces();
    test_jitter();
    test_reproducible();
    test_loader_reproducible();
    test_warp_paths();
    return ob_test_finish();
}
