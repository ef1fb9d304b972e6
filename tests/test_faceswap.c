/* test_faceswap.c — the face-swap autoencoder (pipelines/ob_faceswap.h,
 * nets/ob_faceswap_net.h) against known truth: two identities rendered from
 * known landmarks (faceswap_render.h), each face at a random pose in its
 * photo and with a random expression (mouth opening, brow raise) that the
 * alignment cannot remove.
 *   - augmentation: a pure function of (seed, step, index); the warped input
 *     differs from the target, the target stays near the unwarped face;
 *   - (1) reconstruction: each identity through its own decoder, on faces the
 *     net never saw, MSE < 0.5 x the MSE of that identity's mean face;
 *   - (2) the swap keeps the source's pose and expression: A's faces through
 *     B's decoder against the truth (B rendered with A's exact parameters):
 *     MSE < 0.9 x that of B's mean face (a better guess of the truth than
 *     the mean), closer to the truth than to B's mean face and than to the
 *     A source, and the mouth opening read back from the output (dark area
 *     in the mouth box) follows the truth's (correlation > 0.8).
 * Measured (Release, 2 cores): see docs/faceswap/README.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "faceswap_render.h"
#include "ob_align.h"
#include "ob_faceswap.h"
#include "ob_image_io.h"
#include "ob_test.h"

#define SIZE 32
#define WIDTH 8
#define PHOTO 80
#define N_TRAIN 64
#define N_TEST 24
#define STEPS 2000

static ob_ctx *ctx;

static void write_set(const char *dir, const fs_identity *id, int n, uint64_t seed)
{
    mkdir(dir, 0777);
    ob_tensor img;
    OB_CHECK_OK(ob_tensor_alloc(&img, OB_F32, OB_HOST, 3, (const int64_t[3]){3, PHOTO, PHOTO}));
    uint64_t rng = seed;
    for (int i = 0; i < n; i++) {
        fs_params p;
        float kp[136];
        char path[4096];
        fs_random_params(&p, &rng, PHOTO, PHOTO);
        fs_landmarks(kp, id, &p);
        fs_render(ob_tensor_f32(&img), PHOTO, PHOTO, id, &p);
        snprintf(path, sizeof path, "%s/f%03d.pts", dir, i);
        OB_CHECK(fs_write_pts(path, kp) == 0, "%s: not written", path);
        snprintf(path, sizeof path, "%s/f%03d.png", dir, i);
        OB_CHECK_OK(ob_image_write(path, &img, OB_FMT_PNG, 8));
    }
    ob_tensor_free(&img);
}

/* face (3, S, S) <- identity id at parameters p, rendered and aligned; kp, img optional outputs. */
static void aligned(float *face, const fs_identity *id, const fs_params *p)
{
    float kp[136];
    ob_tensor img, out;
    OB_CHECK_OK(ob_tensor_alloc(&img, OB_F32, OB_HOST, 3, (const int64_t[3]){3, PHOTO, PHOTO}));
    fs_landmarks(kp, id, p);
    fs_render(ob_tensor_f32(&img), PHOTO, PHOTO, id, p);
    OB_CHECK_OK(ob_align_face(ctx, &out, NULL, &img, kp, 68, SIZE, 0));
    memcpy(face, ob_tensor_f32(&out), sizeof(float) * 3 * SIZE * SIZE);
    ob_tensor_free(&img), ob_tensor_free(&out);
}

static double mse(const float *a, const float *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (a[i] - b[i]) * (double)(a[i] - b[i]);
    return s / n;
}

static void mean_face(float *mean, const ob_faceswap_faces *f)
{
    const size_t per = 3 * SIZE * SIZE;
    float *tmp = malloc(sizeof(float) * per);
    memset(mean, 0, sizeof(float) * per);
    for (int64_t i = 0; i < f->n; i++) {
        OB_CHECK_OK(ob_faceswap_face_crop(tmp, f, i));
        for (size_t j = 0; j < per; j++) mean[j] += tmp[j] / (float)f->n;
    }
    free(tmp);
}

static void augment_checks(const ob_faceswap_faces *f)
{
    const size_t per = 3 * SIZE * SIZE;
    float *buf = malloc(sizeof(float) * per * 4);
    float *in1 = buf, *t1 = buf + per, *in2 = buf + 2 * per, *t2 = buf + 3 * per;
    OB_CHECK_OK(ob_faceswap_augment(in1, t1, f, 3, 7, 11, 2));
    OB_CHECK_OK(ob_faceswap_augment(in2, t2, f, 3, 7, 11, 2));
    OB_CHECK(!memcmp(in1, in2, sizeof(float) * per) && !memcmp(t1, t2, sizeof(float) * per),
             "augment: the same (seed, step, index) gave different samples");
    OB_CHECK_OK(ob_faceswap_augment(in2, t2, f, 3, 7, 12, 2));
    OB_CHECK(memcmp(in1, in2, sizeof(float) * per) != 0, "augment: another step drew the same sample");
    /* the warp is what separates input and target */
    double d_in_t = 0;
    for (int k = 0; k < 16; k++) {
        OB_CHECK_OK(ob_faceswap_augment(in1, t1, f, k % f->n, 1, 0, (uint64_t)k));
        d_in_t += mse(in1, t1, per) / 16;
    }
    printf("augment: MSE between warped input and target %.5f (mean over 16)\n", d_in_t);
    OB_CHECK(d_in_t > 1e-4 && d_in_t < 0.05, "augment: input vs target MSE %.5f outside (1e-4, 0.05)", d_in_t);
    free(buf);
}

static double corr(const double *x, const double *y, int n)
{
    double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < n; i++) mx += x[i] / n, my += y[i] / n;
    for (int i = 0; i < n; i++) sxy += (x[i] - mx) * (y[i] - my), sxx += (x[i] - mx) * (x[i] - mx), syy += (y[i] - my) * (y[i] - my);
    return sxy / sqrt(sxx * syy + 1e-30);
}

static void known_truth(ob_faceswap_net *net, const ob_faceswap_faces *fa, const ob_faceswap_faces *fb)
{
    const size_t per = 3 * SIZE * SIZE;
    float *mean[2] = {malloc(sizeof(float) * per), malloc(sizeof(float) * per)};
    float *src = malloc(sizeof(float) * per * N_TEST * 3), *truth = src + per * N_TEST, *out = truth + per * N_TEST;
    mean_face(mean[0], fa), mean_face(mean[1], fb);
    const fs_identity *ids[2] = {&fs_identity_a, &fs_identity_b};
    double m_area_truth[N_TEST], m_area_swap[N_TEST];
    for (int side = 0; side < 2; side++) { /* (1) reconstruction on unseen faces */
        uint64_t rng = 1000 + side;
        for (int i = 0; i < N_TEST; i++) {
            fs_params p;
            fs_random_params(&p, &rng, PHOTO, PHOTO);
            aligned(src + per * i, ids[side], &p);
        }
        OB_CHECK_OK(ob_faceswap_run(ctx, net, out, src, N_TEST, side));
        double e_net = 0, e_mean = 0;
        for (int i = 0; i < N_TEST; i++)
            e_net += mse(out + per * i, src + per * i, per) / N_TEST, e_mean += mse(mean[side], src + per * i, per) / N_TEST;
        printf("(1) %c -> %c reconstruction MSE %.5f, mean face %.5f: ratio %.3f (needs < 0.5)\n", 'A' + side,
               'A' + side, e_net, e_mean, e_net / e_mean);
        OB_CHECK(e_net < 0.5 * e_mean, "(1) identity %c: reconstruction MSE %.5f not below 0.5 x mean-face %.5f",
                 'A' + side, e_net, e_mean);
    }
    /* (2) A -> B against B rendered with A's parameters */
    uint64_t rng = 2000;
    for (int i = 0; i < N_TEST; i++) {
        fs_params p;
        fs_random_params(&p, &rng, PHOTO, PHOTO);
        aligned(src + per * i, &fs_identity_a, &p);
        aligned(truth + per * i, &fs_identity_b, &p);
    }
    OB_CHECK_OK(ob_faceswap_run(ctx, net, out, src, N_TEST, 1));
    double e_truth = 0, e_mean = 0, e_out_mean = 0, e_src = 0;
    for (int i = 0; i < N_TEST; i++) {
        e_truth += mse(out + per * i, truth + per * i, per) / N_TEST;
        e_mean += mse(mean[1], truth + per * i, per) / N_TEST;
        e_out_mean += mse(out + per * i, mean[1], per) / N_TEST;
        e_src += mse(out + per * i, src + per * i, per) / N_TEST;
        m_area_truth[i] = fs_mouth_area(truth + per * i, SIZE);
        m_area_swap[i] = fs_mouth_area(out + per * i, SIZE);
    }
    const double r = corr(m_area_truth, m_area_swap, N_TEST);
    double mae = 0, spread = 0, mt = 0;
    for (int i = 0; i < N_TEST; i++) mt += m_area_truth[i] / N_TEST;
    for (int i = 0; i < N_TEST; i++) mae += fabs(m_area_swap[i] - m_area_truth[i]) / N_TEST, spread += fabs(m_area_truth[i] - mt) / N_TEST;
    printf("(2) A -> B vs the truth MSE %.5f, B's mean face vs the truth %.5f: ratio %.3f (needs < 0.9); "
           "output vs B's mean face %.5f, vs the A source %.5f\n",
           e_truth, e_mean, e_truth / e_mean, e_out_mean, e_src);
    printf("(2) mouth opening (dark px in the mouth box): truth mean %.1f, mean |swap - truth| %.2f px vs spread "
           "%.2f px, correlation %.3f (needs > 0.8)\n", mt, mae, spread, r);
    OB_CHECK(e_truth < 0.9 * e_mean, "(2) A -> B MSE to the truth %.5f not below 0.9 x B's mean face's %.5f", e_truth, e_mean);
    OB_CHECK(e_truth < e_out_mean, "(2) A -> B is closer to B's mean face (%.5f) than to the truth (%.5f)", e_out_mean,
             e_truth);
    OB_CHECK(e_truth < e_src, "(2) A -> B is closer to the A source (%.5f) than to the truth (%.5f)", e_src, e_truth);
    OB_CHECK(r > 0.8, "(2) mouth opening of A -> B follows the truth's with correlation %.3f, expected > 0.8", r);
    free(src), free(mean[0]), free(mean[1]);
}

int main(void)
{
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    char da[4096], db[4096], run[4096];
    ob_test_path(da, sizeof da, "faceswap_a");
    ob_test_path(db, sizeof db, "faceswap_b");
    ob_test_path(run, sizeof run, "faceswap_run");
    write_set(da, &fs_identity_a, N_TRAIN, 1);
    write_set(db, &fs_identity_b, N_TRAIN, 2);
    ob_faceswap_faces fa, fb;
    OB_CHECK_OK(ob_faceswap_faces_load(&fa, da, SIZE));
    OB_CHECK_OK(ob_faceswap_faces_load(&fb, db, SIZE));
    augment_checks(&fa);
    ob_faceswap_net net;
    OB_CHECK_OK(ob_faceswap_net_create(&net, &(ob_faceswap_net_cfg){.size = SIZE, .width = WIDTH}, OB_HOST, 5));
    const char *steps_env = getenv("FS_STEPS");
    const char *lr_env = getenv("FS_LR");
    const ob_faceswap_train_cfg cfg = {.steps = steps_env ? atoi(steps_env) : STEPS, .batch = 16, .lr = lr_env ? atof(lr_env) : 3e-3,
                                       .seed = 3, .log_every = 50, .run_dir = NULL, .quiet = !getenv("FS_VERBOSE")};
    ob_faceswap_train_result r;
    OB_CHECK_OK(ob_faceswap_train(ctx, &net, &fa, &fb, &cfg, &r));
    printf("trained %d steps of 2 x %d faces in %.1f s: last losses A %.5f, B %.5f\n", cfg.steps, cfg.batch, r.seconds,
           r.loss[0], r.loss[1]);
    known_truth(&net, &fa, &fb);
    ob_faceswap_net_destroy(&net);
    ob_faceswap_faces_free(&fa), ob_faceswap_faces_free(&fb);
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
