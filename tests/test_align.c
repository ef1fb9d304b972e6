/* test_align.c — face alignment (pipelines/ob_align.h):
 *   - known truth: landmarks that ARE the template moved by a known
 *     similarity S into a photo: the fitted transform is S^-1 (1e-4), and
 *     ob_align_face maps them back onto the template (RMS < 1e-3 px);
 *   - invariance: a synthetic photo and the same photo rotated, scaled and
 *     shifted by a known similarity (its landmarks moved with it) align to
 *     the same face: mean |difference| < 0.01 inside the face, where the
 *     first photo's warp is the only blur between them;
 *   - the template itself: 68 points in the unit square, eyes level;
 *   - a real face (dlib's examples, when .ci/setup unpacked them): aligned,
 *     its eye line level (median tilt < 3 degrees, none over 10) and its
 *     inner landmarks within 5 % of the side from the template;
 *   - bad input: another point count, a collinear set, landmarks off the
 *     photo, sizes and margins out of range: OB_ERR_ARG, nothing allocated. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_align.h"
#include "ob_dataset.h"
#include "ob_test.h"
#include "warp_affine.h"

#define SIZE 128
#define MARGIN 0.15

static ob_ctx *ctx;

static void move(float *out, const float *in, int n, const ob_affine2d *m)
{
    for (int i = 0; i < n; i++) {
        const double x = in[2 * i], y = in[2 * i + 1];
        out[2 * i] = (float)(m->m[0] * x + m->m[1] * y + m->m[2]);
        out[2 * i + 1] = (float)(m->m[3] * x + m->m[4] * y + m->m[5]);
    }
}

static void template_checks(void)
{
    float lo = 1, hi = 0;
    for (int i = 0; i < OB_FACE_POINTS * 2; i++) lo = fminf(lo, ob_face_template_unit[i]), hi = fmaxf(hi, ob_face_template_unit[i]);
    OB_CHECK(lo >= 0 && hi <= 1 && hi - lo > 0.99f, "template spans [%g, %g], expected the unit square", lo, hi);
    double ly = 0, ry = 0;
    for (int i = 36; i < 42; i++) ly += ob_face_template_unit[2 * i + 1] / 6, ry += ob_face_template_unit[2 * (i + 6) + 1] / 6;
    OB_CHECK(fabs(ly - ry) < 1e-5, "template eyes not level: %g vs %g", ly, ry);
    OB_CHECK(ob_face_template_unit[2 * 8 + 1] > ob_face_template_unit[2 * 30 + 1] &&
                 ob_face_template_unit[2 * 30 + 1] > ly,
             "template upside down: chin %g, nose tip %g, eyes %g", ob_face_template_unit[2 * 8 + 1],
             ob_face_template_unit[2 * 30 + 1], ly);
}

/* A smooth 3-channel photo, w x h. */
static ob_tensor photo(int w, int h)
{
    ob_tensor t;
    OB_CHECK_OK(ob_tensor_alloc(&t, OB_F32, OB_HOST, 3, (const int64_t[3]){3, h, w}));
    float *p = ob_tensor_f32(&t);
    for (int c = 0; c < 3; c++)
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                p[((int64_t)c * h + y) * w + x] =
                    0.5f + 0.4f * sinf(0.05f * x * (c + 1) + 0.03f * y) * cosf(0.04f * y - 0.02f * x * c);
    return t;
}

static void known_truth(void)
{
    float tpl[OB_FACE_POINTS * 2], kp[OB_FACE_POINTS * 2];
    ob_face_template(tpl, SIZE, MARGIN);
    const double a = 0.35, s = 1.8;
    const ob_affine2d S = {{s * cos(a), -s * sin(a), 60, s * sin(a), s * cos(a), 40}};
    move(kp, tpl, OB_FACE_POINTS, &S);
    double T[9];
    OB_CHECK_OK(ob_align_face_transform(T, kp, OB_FACE_POINTS, 400, 400, SIZE, MARGIN));
    ob_affine2d inv;
    OB_CHECK_OK(ob_warp_affine_invert(&inv, &S));
    double err = 0;
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 3; c++) err = fmax(err, fabs(T[r * 3 + c] - inv.m[r * 3 + c]) / (c == 2 ? 100 : 1));
    OB_CHECK(err < 1e-4, "the fitted transform is S^-1 to %.3g only", err);
    double sq = 0;
    for (int i = 0; i < OB_FACE_POINTS; i++) {
        const double x = T[0] * kp[2 * i] + T[1] * kp[2 * i + 1] + T[2], y = T[3] * kp[2 * i] + T[4] * kp[2 * i + 1] + T[5];
        sq += (x - tpl[2 * i]) * (x - tpl[2 * i]) + (y - tpl[2 * i + 1]) * (y - tpl[2 * i + 1]);
    }
    OB_CHECK(sqrt(sq / OB_FACE_POINTS) < 1e-3, "template landmarks land %.3g px RMS from the template",
             sqrt(sq / OB_FACE_POINTS));
    printf("known similarity: transform to %.2g, landmarks back on the template to %.2g px RMS\n", err,
           sqrt(sq / OB_FACE_POINTS));
}

static void invariance(void)
{
    const int w = 300, h = 260;
    ob_tensor p1 = photo(w, h), p2;
    OB_CHECK_OK(ob_tensor_alloc(&p2, OB_F32, OB_HOST, 3, (const int64_t[3]){3, h, w}));
    float tpl[OB_FACE_POINTS * 2], kp1[OB_FACE_POINTS * 2], kp2[OB_FACE_POINTS * 2];
    ob_face_template(tpl, SIZE, MARGIN);
    const ob_affine2d place = {{1.2, 0.1, 70, -0.1, 1.2, 60}}; /* the face in photo 1 */
    const double a = -0.3, s = 0.9;
    const ob_affine2d G = {{s * cos(a), -s * sin(a), 40, s * sin(a), s * cos(a), 50}}; /* photo 1 -> photo 2 */
    move(kp1, tpl, OB_FACE_POINTS, &place);
    move(kp2, kp1, OB_FACE_POINTS, &G);
    ob_affine2d inv;
    OB_CHECK_OK(ob_warp_affine_invert(&inv, &G));
    OB_CHECK_OK(ob_warp_affine_cpu(ob_tensor_f32(&p2), ob_tensor_f32(&p1), 3, h, w, h, w, inv, 0));
    ob_tensor a1 = {0}, a2 = {0};
    OB_CHECK_OK(ob_align_face(ctx, &a1, NULL, &p1, kp1, OB_FACE_POINTS, SIZE, MARGIN));
    OB_CHECK_OK(ob_align_face(ctx, &a2, NULL, &p2, kp2, OB_FACE_POINTS, SIZE, MARGIN));
    OB_CHECK(a1.ndim == 3 && a1.shape[0] == 3 && a1.shape[1] == SIZE && a1.shape[2] == SIZE, "aligned face shape");
    double diff = 0;
    int n = 0;
    const float *x1 = ob_tensor_f32(&a1), *x2 = ob_tensor_f32(&a2);
    for (int c = 0; c < 3; c++)
        for (int y = SIZE / 4; y < 3 * SIZE / 4; y++)
            for (int x = SIZE / 4; x < 3 * SIZE / 4; x++, n++) diff += fabs(x1[(c * SIZE + y) * SIZE + x] - x2[(c * SIZE + y) * SIZE + x]);
    OB_CHECK(diff / n < 0.01, "the moved photo aligns to another face: mean |difference| %.4g", diff / n);
    printf("invariance: the photo and its moved copy align to the same face, mean |difference| %.4f\n", diff / n);
    ob_tensor_free(&p1), ob_tensor_free(&p2), ob_tensor_free(&a1), ob_tensor_free(&a2);
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void real_face(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/data/dlib/usr/share/doc/libdlib19.1/examples/faces/testing_with_face_landmarks.xml",
             ob_test_source_dir());
    ob_dataset *ds = NULL;
    if (ob_dataset_open_dlib_xml(&ds, path, NULL) != OB_OK) {
        printf("note: dlib's example faces are not here (.ci/setup unpacks them): the real-face check did not run\n");
        return;
    }
    float tpl[OB_FACE_POINTS * 2];
    ob_face_template(tpl, SIZE, MARGIN);
    double worst_eyes = 0, worst_rms = 0, tilt[64];
    const int64_t n = ds->n;
    OB_CHECK(n <= 64, "%lld faces", (long long)n);
    for (int64_t i = 0; i < n; i++) {
        ob_sample s = {0};
        OB_CHECK_OK(ob_dataset_get(ds, &s, i));
        double T[9];
        ob_tensor out = {0};
        OB_CHECK_OK(ob_align_face(ctx, &out, T, &s.image, s.kp, s.n_kp, SIZE, MARGIN));
        double ly = 0, ry = 0, lx = 0, rx = 0, sq = 0;
        for (int k = 0; k < OB_FACE_POINTS; k++) {
            const double x = T[0] * s.kp[2 * k] + T[1] * s.kp[2 * k + 1] + T[2],
                         y = T[3] * s.kp[2 * k] + T[4] * s.kp[2 * k + 1] + T[5];
            if (k >= 36 && k < 42) ly += y / 6, lx += x / 6;
            if (k >= 42 && k < 48) ry += y / 6, rx += x / 6;
            if (k >= 17) sq += (x - tpl[2 * k]) * (x - tpl[2 * k]) + (y - tpl[2 * k + 1]) * (y - tpl[2 * k + 1]);
        }
        if (i < 64) tilt[i] = fabs(atan2(ry - ly, rx - lx)) * 180 / 3.14159265358979323846;
        worst_eyes = fmax(worst_eyes, tilt[i < 64 ? i : 63]);
        worst_rms = fmax(worst_rms, sqrt(sq / (OB_FACE_POINTS - 17)));
        ob_tensor_free(&out);
        ob_sample_free(&s);
    }
    /* the fit levels the 51 inner points, not the eyes alone: a turned or
     * tilted head keeps some eye tilt, the typical face almost none */
    qsort(tilt, (size_t)(n < 64 ? n : 64), sizeof tilt[0], cmp_double);
    const double median = tilt[(n < 64 ? n : 64) / 2];
    OB_CHECK(median < 3 && worst_eyes < 10, "aligned eye lines tilt %.2f deg (median), %.2f (worst)", median,
             worst_eyes);
    OB_CHECK(worst_rms < 0.05 * SIZE, "an aligned face's inner landmarks are %.2f px RMS from the template", worst_rms);
    printf("dlib's %lld test faces at %d px: eye lines tilt %.2f deg (median), %.2f (worst); inner landmarks within "
           "%.2f px RMS of the template\n",
           (long long)n, SIZE, median, worst_eyes, worst_rms);
    ob_dataset_close(ds);
}

static void bad_input(void)
{
    ob_tensor p = photo(200, 180), out = {0};
    float tpl[OB_FACE_POINTS * 2], kp[OB_FACE_POINTS * 2], line[OB_FACE_POINTS * 2];
    ob_face_template(tpl, SIZE, MARGIN);
    move(kp, tpl, OB_FACE_POINTS, &(ob_affine2d){{1, 0, 30, 0, 1, 20}});
    for (int i = 0; i < OB_FACE_POINTS; i++) line[2 * i] = 10.0f + i, line[2 * i + 1] = 20.0f + 0.5f * i;
    OB_CHECK_FAILS(ob_align_face(ctx, &out, NULL, &p, kp, 67, SIZE, MARGIN), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_align_face(ctx, &out, NULL, &p, line, OB_FACE_POINTS, SIZE, MARGIN), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_align_face(ctx, &out, NULL, &p, kp, OB_FACE_POINTS, 8, MARGIN), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_align_face(ctx, &out, NULL, &p, kp, OB_FACE_POINTS, SIZE, 0.6), OB_ERR_ARG);
    float far[OB_FACE_POINTS * 2];
    move(far, kp, OB_FACE_POINTS, &(ob_affine2d){{1, 0, 500, 0, 1, 0}}); /* another photo's landmarks */
    OB_CHECK_FAILS(ob_align_face(ctx, &out, NULL, &p, far, OB_FACE_POINTS, SIZE, MARGIN), OB_ERR_ARG);
    kp[7] = NAN;
    OB_CHECK_FAILS(ob_align_face(ctx, &out, NULL, &p, kp, OB_FACE_POINTS, SIZE, MARGIN), OB_ERR_ARG);
    OB_CHECK(out.data == NULL, "a refused alignment allocated its output");
    ob_tensor_free(&p);
}

int main(void)
{
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    template_checks();
    known_truth();
    invariance();
    real_face();
    bad_input();
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
