/* test_seam_dp.c — the CPU path of seam_dp.h against an exhaustive search of
 * every 8-connected path on small random error surfaces (vertical and
 * horizontal, 6x4, 7x5, 4x6, 1xN, Nx1 ...): the DP's seam is connected, in
 * range, and its cost is the minimum (to float rounding of E); where the
 * minimum is unique by a margin it is that very path. Also the documented
 * tie-break, batches, the masks (left of a vertical seam old, right new; above
 * a horizontal one old, below new; their AND in the corner), the error surface
 * of two strided views against its definition, and bad input. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_test.h"
#include "seam_dp.h"

typedef struct {
    const float *e;
    int rows, cols, len, width;
    ob_seam_dir dir;
    double best, second; /* least and second-least path costs */
    int cur[16], arg[16];
    long paths;
} search;

static double at(const search *s, int step, int x)
{
    return s->e[ob_seam_at(step, x, s->cols, s->dir)];
}

/* every path: choose x at each step within +-1 of the previous one */
static void enumerate(search *s, int step, double acc)
{
    if (step == s->len) {
        s->paths++;
        if (acc < s->best) {
            s->second = s->best, s->best = acc;
            memcpy(s->arg, s->cur, sizeof(int) * s->len);
        } else if (acc < s->second) {
            s->second = acc;
        }
        return;
    }
    const int lo = step ? s->cur[step - 1] - 1 : 0, hi = step ? s->cur[step - 1] + 1 : s->width - 1;
    for (int x = lo < 0 ? 0 : lo; x <= hi && x < s->width; x++) {
        s->cur[step] = x;
        enumerate(s, step + 1, acc + at(s, step, x));
    }
}

static int worst_gap_ok = 1;

static void check_exhaustive(int rows, int cols, ob_seam_dir dir, uint64_t seed)
{
    float *e = malloc(sizeof(float) * rows * cols);
    ob_test_fill_uniform(e, (size_t)rows * cols, seed, 0, 1);
    search s = {e, rows, cols, dir == OB_SEAM_VERTICAL ? rows : cols, dir == OB_SEAM_VERTICAL ? cols : rows, dir,
                INFINITY, INFINITY, {0}, {0}, 0};
    enumerate(&s, 0, 0);
    int path[16];
    for (int i = 0; i < 16; i++) path[i] = -99;
    OB_CHECK_OK(ob_seam_dp_cpu(path, e, 1, rows, cols, dir));
    int connected = 1;
    double cost = 0;
    for (int k = 0; k < s.len; k++) {
        connected &= path[k] >= 0 && path[k] < s.width && (k == 0 || abs(path[k] - path[k - 1]) <= 1);
        if (path[k] >= 0 && path[k] < s.width) cost += at(&s, k, path[k]);
    }
    const int same = memcmp(path, s.arg, sizeof(int) * s.len) == 0;
    const int unique = s.second - s.best > 1e-4;
    OB_CHECK(connected && fabs(cost - s.best) <= 1e-5 * (1 + s.best) && (!unique || same),
             "%s seam %dx%d (seed %llu): connected %d, cost %.9g vs exhaustive minimum %.9g over %ld paths%s",
             dir == OB_SEAM_VERTICAL ? "vertical" : "horizontal", rows, cols, (unsigned long long)seed, connected,
             cost, s.best, s.paths, unique && !same ? ", not the unique best path" : "");
    if (!(connected && fabs(cost - s.best) <= 1e-5 * (1 + s.best))) worst_gap_ok = 0;
    free(e);
}

static void test_exhaustive(void)
{
    static const int shapes[][2] = {{6, 4}, {7, 5}, {4, 6}, {5, 7}, {9, 3}, {8, 2}, {1, 5}, {5, 1}, {6, 6}, {11, 4}};
    uint64_t seed = 1;
    int n = 0;
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++)
        for (int d = 0; d < 2; d++)
            for (int rep = 0; rep < 20; rep++, n++)
                check_exhaustive(shapes[k][0], shapes[k][1], (ob_seam_dir)d, seed++);
    printf("seam DP = exhaustive search on %d random surfaces: %s\n", n, worst_gap_ok ? "all equal" : "MISMATCH");
}

/* Ties: a flat surface gives the lowest index at every step; a flat surface
 * with one cheap valley follows the valley. */
static void test_ties(void)
{
    float e[7 * 5];
    int path[7];
    for (int i = 0; i < 35; i++) e[i] = 1.0f;
    OB_CHECK_OK(ob_seam_dp_cpu(path, e, 1, 7, 5, OB_SEAM_VERTICAL));
    int zeros = 1;
    for (int i = 0; i < 7; i++) zeros &= path[i] == 0;
    OB_CHECK(zeros, "flat surface: the seam runs down column 0 (ties to the lowest index)");
    /* valley: column 3 on rows 0..2, column 2 on rows 3..6 */
    for (int i = 0; i < 7; i++) e[i * 5 + (i < 3 ? 3 : 2)] = 0.0f;
    OB_CHECK_OK(ob_seam_dp_cpu(path, e, 1, 7, 5, OB_SEAM_VERTICAL));
    int follows = 1;
    for (int i = 0; i < 7; i++) follows &= path[i] == (i < 3 ? 3 : 2);
    OB_CHECK(follows, "the seam follows a zero-cost valley");
}

/* horizontal on e equals vertical on e transposed; a batch equals single calls */
static void test_transpose_and_batch(void)
{
    enum { R = 6, C = 23, N = 5 };
    float e[N * R * C], et[R * C];
    ob_test_fill_uniform(e, N * R * C, 17, 0, 2);
    int hb[N * C], h1[C], v1[C];
    OB_CHECK_OK(ob_seam_dp_cpu(hb, e, N, R, C, OB_SEAM_HORIZONTAL));
    int same_batch = 1, same_t = 1;
    for (int b = 0; b < N; b++) {
        const float *eb = e + b * R * C;
        OB_CHECK_OK(ob_seam_dp_cpu(h1, eb, 1, R, C, OB_SEAM_HORIZONTAL));
        for (int i = 0; i < R; i++)
            for (int j = 0; j < C; j++) et[j * R + i] = eb[i * C + j];
        OB_CHECK_OK(ob_seam_dp_cpu(v1, et, 1, C, R, OB_SEAM_VERTICAL));
        same_batch &= memcmp(h1, hb + b * C, sizeof h1) == 0;
        same_t &= memcmp(h1, v1, sizeof h1) == 0;
    }
    OB_CHECK(same_batch, "a batch of %d seams equals one call per seam", N);
    OB_CHECK(same_t, "a horizontal seam is the vertical seam of the transposed surface");
}

static void test_masks(void)
{
    enum { P = 9, OV = 3 };
    int vpath[P], hpath[P];
    float e_left[P * OV], e_top[OV * P], mask[P * P], mv[P * P], mh[P * P];
    ob_test_fill_uniform(e_left, P * OV, 5, 0, 1);
    ob_test_fill_uniform(e_top, OV * P, 6, 0, 1);
    OB_CHECK_OK(ob_seam_dp_cpu(vpath, e_left, 1, P, OV, OB_SEAM_VERTICAL));
    OB_CHECK_OK(ob_seam_dp_cpu(hpath, e_top, 1, OV, P, OB_SEAM_HORIZONTAL));
    OB_CHECK_OK(ob_seam_mask_cpu(mv, vpath, NULL, P, P, OV, 0));
    OB_CHECK_OK(ob_seam_mask_cpu(mh, NULL, hpath, P, P, 0, OV));
    OB_CHECK_OK(ob_seam_mask_cpu(mask, vpath, hpath, P, P, OV, OV));
    int bad_v = 0, bad_h = 0, bad_and = 0, kinds = 0;
    for (int i = 0; i < P; i++)
        for (int j = 0; j < P; j++) {
            const float v = j < vpath[i] ? 0.0f : 1.0f; /* left of the seam old, seam and right new */
            const float h = i < hpath[j] ? 0.0f : 1.0f; /* above the seam old, seam and below new */
            bad_v += mv[i * P + j] != v;
            bad_h += mh[i * P + j] != h;
            bad_and += mask[i * P + j] != (v == 1.0f && h == 1.0f ? 1.0f : 0.0f);
            kinds |= (v == 0.0f) | (h == 0.0f) << 1;
        }
    OB_CHECK(bad_v == 0, "vertical seam mask: old left of the seam, new from it on (%d wrong)", bad_v);
    OB_CHECK(bad_h == 0, "horizontal seam mask: old above the seam, new from it down (%d wrong)", bad_h);
    OB_CHECK(bad_and == 0 && kinds == 3, "L-shaped patch mask is the AND of both (%d wrong)", bad_and);
    /* a seam along column 0 / row 0 takes the whole patch */
    int zero[P] = {0};
    OB_CHECK_OK(ob_seam_mask_cpu(mask, zero, zero, P, P, OV, OV));
    int ones = 0;
    for (int i = 0; i < P * P; i++) ones += mask[i] == 1.0f;
    OB_CHECK(ones == P * P, "seams at index 0 keep the whole new patch (%d of %d)", ones, P * P);
}

/* The error surface of two strided views vs the definition in double:
 * |got - ref| <= (c + 2) * 2^-24 * ref (d rounds once, d*d and each add once). */
static void test_error_surface(void)
{
    enum { C = 3, OH = 40, OW = 37, H = 29, W = 33, ROWS = 11, COLS = 6 };
    float *out = malloc(sizeof(float) * C * OH * OW), *smp = malloc(sizeof(float) * C * H * W);
    ob_test_fill_uniform(out, C * OH * OW, 8, 0, 1);
    ob_test_fill_uniform(smp, C * H * W, 9, 0, 1);
    const int oy = 13, ox = 20, sy = 7, sx = 25;
    for (int c = 1; c <= C; c += 2) {
        float e[ROWS * COLS];
        double worst = 0;
        OB_CHECK_OK(ob_seam_error_cpu(e, out + oy * OW + ox, OH * OW, OW, smp + sy * W + sx, H * W, W, c, ROWS, COLS));
        int bad = 0;
        for (int i = 0; i < ROWS; i++)
            for (int j = 0; j < COLS; j++) {
                double ref = 0;
                for (int ch = 0; ch < c; ch++) {
                    const double d = (double)out[(ch * OH + oy + i) * OW + ox + j] - smp[(ch * H + sy + i) * W + sx + j];
                    ref += d * d;
                }
                const double err = fabs(e[i * COLS + j] - ref);
                bad += !(err <= (c + 2) * 0x1p-24 * ref);
                worst = fmax(worst, ref > 0 ? err / ref : err);
            }
        OB_CHECK(bad == 0, "seam error surface, %d channel(s), strided views: %d of %d outside (c+2)*2^-24 relative "
                 "(max rel %.3g)", c, bad, ROWS * COLS, worst);
    }
    float e1;
    OB_CHECK_OK(ob_seam_error_cpu(&e1, out, 1, 1, out, 1, 1, 3, 1, 1));
    OB_CHECK(e1 == 0.0f, "identical views give an exactly zero error (%g)", e1);
    OB_CHECK_FAILS(ob_seam_error_cpu(&e1, out, 1, 1, smp, 1, 1, 0, 1, 1), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_seam_error_cpu(&e1, out, 1, 1, NULL, 1, 1, 1, 1, 1), OB_ERR_ARG);
    free(out), free(smp);
}

static void test_errors(void)
{
    float e[16] = {0};
    int path[16];
    float mask[16];
    OB_CHECK_FAILS(ob_seam_dp_cpu(path, e, 1, 0, 4, OB_SEAM_VERTICAL), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_seam_dp_cpu(path, e, 0, 4, 4, OB_SEAM_VERTICAL), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_seam_dp_cpu(path, e, 1, 4, 4, (ob_seam_dir)2), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_seam_dp_cpu(NULL, e, 1, 4, 4, OB_SEAM_VERTICAL), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_seam_mask_cpu(mask, path, NULL, 4, 4, 5, 0), OB_ERR_ARG); /* strip wider than the patch */
    OB_CHECK_FAILS(ob_seam_mask_cpu(mask, NULL, path, 4, 4, 0, 0), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_seam_mask_cpu(mask, NULL, NULL, 0, 4, 0, 0), OB_ERR_ARG);
    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    ob_tensor t;
    int64_t shape[2] = {4, 4};
    for (int i = 0; i < 16; i++) e[i] = (float)((i * 7) % 5);
    OB_CHECK_OK(ob_tensor_wrap(&t, e, OB_F32, OB_HOST, 2, shape));
    int ref[4];
    OB_CHECK_OK(ob_seam_dp(ctx, path, &t, OB_SEAM_HORIZONTAL));
    OB_CHECK_OK(ob_seam_dp_cpu(ref, e, 1, 4, 4, OB_SEAM_HORIZONTAL));
    OB_CHECK(memcmp(path, ref, sizeof ref) == 0, "ob_seam_dp tensor entry = ob_seam_dp_cpu");
    ob_tensor_free(&t);
    ob_ctx_destroy(ctx);
}

int main(void)
{
    test_ties();
    test_exhaustive();
    test_transpose_and_batch();
    test_masks();
    test_error_surface();
    test_errors();
    return ob_test_finish();
}
