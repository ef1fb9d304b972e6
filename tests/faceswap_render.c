/* faceswap_render.c — faceswap_render.h: faces drawn as filled shapes from
 * the template's 68 points, moved by identity, expression and pose. */
#include "faceswap_render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ob_align.h"
#include "ob_test.h"

const fs_identity fs_identity_a = {{0.93f, 0.78f, 0.68f}, {0.85f, 0.66f, 0.58f}, {0.85f, 0.30f, 0.38f},
                                   {0.20f, 0.45f, 0.85f}, {0.65f, 0.48f, 0.25f}, 1.00, 1.00, 0.012};
const fs_identity fs_identity_b = {{0.50f, 0.34f, 0.22f}, {0.40f, 0.26f, 0.16f}, {0.55f, 0.18f, 0.16f},
                                   {0.30f, 0.60f, 0.20f}, {0.08f, 0.06f, 0.05f}, 1.12, 1.00, 0.028};

static const float inner_mouth[3] = {0.12f, 0.02f, 0.04f};

void fs_random_params(fs_params *p, uint64_t *rng, int w, int h)
{
    const double side = w < h ? w : h;
    p->angle = (ob_test_rand_uniform(rng) - 0.5) * 0.8;
    p->scale = side * (0.42 + 0.14 * ob_test_rand_uniform(rng));
    p->cx = w / 2.0 + (ob_test_rand_uniform(rng) - 0.5) * side * 0.16;
    p->cy = h / 2.0 + (ob_test_rand_uniform(rng) - 0.5) * side * 0.16;
    p->mouth = ob_test_rand_uniform(rng);
    p->brow = ob_test_rand_uniform(rng) * 2 - 1;
    p->bg = ob_test_rand_uniform(rng);
}

/* The points in the face's own frame (template units, centred). */
static void face_points(double q[68][2], const fs_identity *id, const fs_params *p)
{
    for (int i = 0; i < 68; i++) q[i][0] = ob_face_template_unit[2 * i] - 0.5, q[i][1] = ob_face_template_unit[2 * i + 1] - 0.5;
    for (int i = 0; i <= 16; i++) q[i][0] *= id->jaw_width;
    const double nx = q[30][0], ny = q[30][1];
    for (int i = 27; i <= 35; i++) q[i][0] = nx + (q[i][0] - nx) * id->nose_size, q[i][1] = ny + (q[i][1] - ny) * id->nose_size;
    for (int i = 17; i <= 26; i++) q[i][1] -= 0.07 * p->brow;
    /* the mouth opens: the lower lip and the chin drop, the upper lip lifts a little */
    const int lower[] = {55, 56, 57, 58, 59, 65, 66, 67}, upper[] = {49, 50, 51, 52, 53, 61, 62, 63};
    for (int k = 0; k < 8; k++) q[lower[k]][1] += 0.18 * p->mouth, q[upper[k]][1] -= 0.02 * p->mouth;
    for (int i = 6; i <= 10; i++) q[i][1] += 0.06 * p->mouth;
}

static void to_photo(double *x, double *y, const fs_params *p, double u, double v)
{
    const double c = cos(p->angle) * p->scale, s = sin(p->angle) * p->scale;
    *x = p->cx + c * u - s * v, *y = p->cy + s * u + c * v;
}

void fs_landmarks(float kp[136], const fs_identity *id, const fs_params *p)
{
    double q[68][2];
    face_points(q, id, p);
    for (int i = 0; i < 68; i++) {
        double x, y;
        to_photo(&x, &y, p, q[i][0], q[i][1]);
        kp[2 * i] = (float)x, kp[2 * i + 1] = (float)y;
    }
}

/* Even-odd test against a closed polygon of n points. */
static int inside(const double (*poly)[2], int n, double x, double y)
{
    int in = 0;
    for (int i = 0, j = n - 1; i < n; j = i++)
        if ((poly[i][1] > y) != (poly[j][1] > y) &&
            x < (poly[j][0] - poly[i][0]) * (y - poly[i][1]) / (poly[j][1] - poly[i][1]) + poly[i][0])
            in = !in;
    return in;
}

static double seg_dist(const double *a, const double *b, double x, double y)
{
    const double dx = b[0] - a[0], dy = b[1] - a[1], l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? ((x - a[0]) * dx + (y - a[1]) * dy) / l2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return hypot(x - a[0] - t * dx, y - a[1] - t * dy);
}

static void pick(double (*out)[2], const double q[68][2], const int *idx, int n)
{
    for (int i = 0; i < n; i++) out[i][0] = q[idx[i]][0], out[i][1] = q[idx[i]][1];
}

/* The colour at face-frame point (u, v), or 0 for the background. */
static const float *shade(const double q[68][2], const fs_identity *id, double u, double v)
{
    double poly[24][2];
    for (int k = 0; k < 2; k++) { /* eyes: the iris inside the lids */
        const int *e = (const int[]){36 + 6 * k, 37 + 6 * k, 38 + 6 * k, 39 + 6 * k, 40 + 6 * k, 41 + 6 * k};
        pick(poly, q, e, 6);
        if (inside((const double(*)[2])poly, 6, u, v)) {
            static const float white[3] = {0.95f, 0.95f, 0.92f};
            const double ex = (q[e[0]][0] + q[e[3]][0]) / 2, ey = (q[e[0]][1] + q[e[3]][1]) / 2;
            return hypot(u - ex, v - ey) < 0.035 ? id->eye : white;
        }
    }
    for (int k = 0; k < 2; k++)
        for (int i = 17 + 5 * k; i < 21 + 5 * k; i++)
            if (seg_dist(q[i], q[i + 1], u, v) < id->brow_thick) return id->brow;
    pick(poly, q, (const int[]){60, 61, 62, 63, 64, 65, 66, 67}, 8);
    if (inside((const double(*)[2])poly, 8, u, v)) return inner_mouth;
    pick(poly, q, (const int[]){48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59}, 12);
    if (inside((const double(*)[2])poly, 12, u, v)) return id->lip;
    pick(poly, q, (const int[]){27, 31, 32, 33, 34, 35}, 6);
    if (inside((const double(*)[2])poly, 6, u, v)) return id->nose;
    /* skin: the jaw line closed over the forehead above the brows */
    for (int i = 0; i <= 16; i++) poly[i][0] = q[i][0], poly[i][1] = q[i][1];
    const int top[] = {26, 24, 19, 17};
    for (int i = 0; i < 4; i++) poly[17 + i][0] = q[top[i]][0] * 1.05, poly[17 + i][1] = q[top[i]][1] - 0.12;
    if (inside((const double(*)[2])poly, 21, u, v)) return id->skin;
    return NULL;
}

void fs_render(float *img, int w, int h, const fs_identity *id, const fs_params *p)
{
    double q[68][2];
    face_points(q, id, p);
    const double c = cos(p->angle) / p->scale, s = sin(p->angle) / p->scale;
    const int64_t plane = (int64_t)w * h;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float acc[3] = {0, 0, 0};
            for (int k = 0; k < 4; k++) {
                const double px = x - 0.25 + 0.5 * (k & 1) - p->cx, py = y - 0.25 + 0.5 * (k >> 1) - p->cy;
                const double u = c * px + s * py, v = -s * px + c * py;
                const float *col = shade((const double(*)[2])q, id, u, v);
                const float bg[3] = {(float)(0.2 + 0.5 * p->bg + 0.1 * x / w), (float)(0.3 + 0.3 * p->bg),
                                     (float)(0.6 - 0.4 * p->bg + 0.1 * y / h)};
                for (int ch = 0; ch < 3; ch++) acc[ch] += 0.25f * (col ? col[ch] : bg[ch]);
            }
            for (int ch = 0; ch < 3; ch++) img[ch * plane + (int64_t)y * w + x] = acc[ch];
        }
}

int fs_write_pts(const char *path, const float kp[136])
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f, "version: 1\nn_points: 68\n{\n");
    for (int i = 0; i < 68; i++) fprintf(f, "%.4f %.4f\n", kp[2 * i], kp[2 * i + 1]);
    fprintf(f, "}\n");
    return fclose(f);
}

double fs_mouth_area(const float *face, int size)
{
    const int64_t plane = (int64_t)size * size;
    double n = 0;
    for (int y = (int)(0.62 * size); y < (int)(0.98 * size); y++)
        for (int x = (int)(0.28 * size); x < (int)(0.72 * size); x++) {
            const float *p = face + (int64_t)y * size + x;
            const double luma = 0.299 * p[0] + 0.587 * p[plane] + 0.114 * p[2 * plane];
            /* a soft count: 1 at the inside's darkness, 0 from lip / skin levels up */
            const double d = (0.22 - luma) / 0.12;
            n += d < 0 ? 0 : d > 1 ? 1 : d;
        }
    return n;
}
