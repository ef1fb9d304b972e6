/* faceswap_warp.c — ob_faceswap.h's augmentation: the original deepfakes
 * autoencoder's random_transform and random_warp, reimplemented from their
 * description, with every draw a Philox function of (seed, step, index). */
#include <math.h>
#include <string.h>

#include "ob_faceswap.h"
#include "ob_philox.h"
#include "umeyama.h"
#include "warp_affine.h"

#define GRID 5
#define PI 3.14159265358979323846

int ob_faceswap_canvas(int size) { return size + 2 * (int)ceil(0.3 * size); }

/* Four uniforms in (0, 1) for draw k of sample `key`. */
static void uniforms(double u[4], uint64_t seed, uint64_t key, int k)
{
    uint32_t r[4];
    ob_philox(r, seed, OB_FACESWAP_RNG_STREAM, key * 64 + (uint64_t)k);
    for (int j = 0; j < 4; j++) u[j] = ((r[j] >> 8) + 0.5) / 16777216.0;
}

/* p' = A p: 2x3 row-major. */
static void apply(double *x, double *y, const double A[6], double px, double py)
{
    *x = A[0] * px + A[1] * py + A[2], *y = A[3] * px + A[4] * py + A[5];
}

/* c = a after b (both 2x3 affine). */
static void compose(double c[6], const double a[6], const double b[6])
{
    const double r[6] = {a[0] * b[0] + a[1] * b[3], a[0] * b[1] + a[1] * b[4], a[0] * b[2] + a[1] * b[5] + a[2],
                         a[3] * b[0] + a[4] * b[3], a[3] * b[1] + a[4] * b[4], a[3] * b[2] + a[4] * b[5] + a[5]};
    memcpy(c, r, sizeof r);
}

/* random_transform: canvas -> transformed canvas, about the centre. */
static void random_transform(double A[6], int canvas, uint64_t seed, uint64_t key)
{
    double u[4], v[4];
    uniforms(u, seed, key, 0);
    uniforms(v, seed, key, 1);
    const double a = (u[0] * 20 - 10) * PI / 180, z = 0.95 + 0.1 * u[1], c = (canvas - 1) / 2.0;
    const double tx = (u[2] * 0.1 - 0.05) * canvas, ty = (u[3] * 0.1 - 0.05) * canvas;
    const double ca = z * cos(a), sa = z * sin(a);
    double m[6] = {ca, -sa, c - ca * c + sa * c + tx, sa, ca, c - sa * c - ca * c + ty};
    if (v[0] < 0.4) { /* mirror about the centre column after the move */
        const double flip[6] = {-1, 0, 2 * c, 0, 1, 0};
        compose(m, flip, m);
    }
    memcpy(A, m, sizeof m);
}

/* The undisplaced grid in face (output) pixels: point i at i S / 4 - 0.5, so
 * that the dense map of an undisplaced grid is the identity (see warp_in). */
static double grid_at(int i, int size) { return i * (double)size / (GRID - 1) - 0.5; }

/* in <- the canvas sampled at A^-1 (bilinear map of the displaced grid d). */
static ob_status warp_in(float *in, const ob_faceswap_faces *f, const float *canvas, const double d[GRID][GRID][2],
                         const double A[6])
{
    ob_affine2d a = {{A[0], A[1], A[2], A[3], A[4], A[5]}}, inv;
    OB_TRY(ob_warp_affine_invert(&inv, &a));
    const int s = f->size, r = f->canvas;
    const int64_t plane = (int64_t)s * s;
    for (int y = 0; y < s; y++)
        for (int x = 0; x < s; x++) {
            /* grid coordinates of the pixel centre; the inverse of grid_at */
            const double u = (x + 0.5) * (GRID - 1) / s, v = (y + 0.5) * (GRID - 1) / s;
            const int i = u >= GRID - 1 ? GRID - 2 : (int)u, j = v >= GRID - 1 ? GRID - 2 : (int)v;
            const double fu = u - i, fv = v - j;
            double q[2];
            for (int c = 0; c < 2; c++)
                q[c] = (1 - fu) * (1 - fv) * d[j][i][c] + fu * (1 - fv) * d[j][i + 1][c] + (1 - fu) * fv * d[j + 1][i][c] +
                       fu * fv * d[j + 1][i + 1][c];
            double sx, sy;
            apply(&sx, &sy, inv.m, q[0], q[1]);
            /* one bilinear sample at (sx, sy): warp_affine's taps with a constant map */
            const ob_affine2d at = {{0, 0, sx, 0, 0, sy}};
            ob_warp_affine_pixel(in + (int64_t)y * s + x, plane, canvas, 3, r, r, &at, 0.0f, 0, 0);
        }
    return OB_OK;
}

ob_status ob_faceswap_augment(float *in, float *target, const ob_faceswap_faces *f, int64_t i, uint64_t seed,
                              uint64_t step, uint64_t index)
{
    OB_REQUIRE(i >= 0 && i < f->n, "faceswap augment: face %lld of %lld", (long long)i, (long long)f->n);
    OB_REQUIRE(index < (1u << 20), "faceswap augment: sample index %llu past 2^20", (unsigned long long)index);
    const int s = f->size, r = f->canvas;
    const uint64_t key = (step << 20) | index;
    const float *canvas = f->pixels + (size_t)i * 3 * r * r;
    double A[6];
    random_transform(A, r, seed, key);
    /* random_warp: the grid in transformed-canvas pixels, displaced */
    const double off = (r - s) / 2.0, sigma = s / 32.0;
    double d[GRID][GRID][2], src[GRID * GRID * 2], dst[GRID * GRID * 2];
    for (int j = 0; j < GRID; j++)
        for (int k = 0; k < GRID; k++) {
            double u[4];
            uniforms(u, seed, key, 2 + j * GRID + k);
            const double rad = sqrt(-2 * log(u[0])) * sigma; /* Box-Muller: two normals */
            d[j][k][0] = off + grid_at(k, s) + rad * cos(2 * PI * u[1]);
            d[j][k][1] = off + grid_at(j, s) + rad * sin(2 * PI * u[1]);
            const int p = 2 * (j * GRID + k);
            src[p] = d[j][k][0], src[p + 1] = d[j][k][1];
            dst[p] = grid_at(k, s), dst[p + 1] = grid_at(j, s);
        }
    OB_TRY(warp_in(in, f, canvas, (const double(*)[GRID][2])d, A));
    /* the target: the similarity from the displaced grid onto the face square, after A */
    double T[9];
    OB_TRY(ob_umeyama(T, src, dst, GRID * GRID, 2, 1));
    double M[6];
    compose(M, T, A); /* T's top two rows are its affine part */
    ob_affine2d m = {{M[0], M[1], M[2], M[3], M[4], M[5]}}, inv;
    OB_TRY(ob_warp_affine_invert(&inv, &m));
    return ob_warp_affine_cpu(target, canvas, 3, r, r, s, s, inv, 0.0f);
}

ob_status ob_faceswap_face_crop(float *out, const ob_faceswap_faces *f, int64_t i)
{
    OB_REQUIRE(i >= 0 && i < f->n, "faceswap: face %lld of %lld", (long long)i, (long long)f->n);
    const int s = f->size, r = f->canvas, off = (r - s) / 2;
    const float *canvas = f->pixels + (size_t)i * 3 * r * r;
    for (int c = 0; c < 3; c++)
        for (int y = 0; y < s; y++)
            memcpy(out + ((size_t)c * s + y) * s, canvas + ((size_t)c * r + y + off) * r + off, sizeof(float) * s);
    return OB_OK;
}
