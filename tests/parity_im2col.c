/* parity_im2col.c — im2col.cu (emu or real CUDA) vs the CPU path, and the CPU
 * path vs its definition.
 * Tolerance: exact (atol = rtol = 0). im2col copies elements; col2im sums the
 * same elements in the same order on both paths (im2col_cpu.c, im2col.cu).
 * Odd sizes, stride, padding, dilation, non-square windows, batches with the
 * columns side by side (ld = n P) and with a wider ld, blocks in random order. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "im2col.h"
#include "ob_test.h"

/* The definition in im2col.h, element by element. */
static void im2col_ref(float *col, const float *im, const ob_im2col_geom *g, int n, int64_t ld)
{
    const int64_t p = (int64_t)g->oh * g->ow;
    for (int i = 0; i < n; i++)
        for (int c = 0; c < g->c; c++)
            for (int ki = 0; ki < g->kh; ki++)
                for (int kj = 0; kj < g->kw; kj++)
                    for (int oy = 0; oy < g->oh; oy++)
                        for (int ox = 0; ox < g->ow; ox++) {
                            const int y = oy * g->sh - g->ph + ki * g->dh, x = ox * g->sw - g->pw + kj * g->dw;
                            const int64_t r = ((int64_t)c * g->kh + ki) * g->kw + kj;
                            float v = 0.f;
                            if (y >= 0 && y < g->h && x >= 0 && x < g->w)
                                v = im[(((int64_t)i * g->c + c) * g->h + y) * g->w + x];
                            col[r * ld + i * p + (int64_t)oy * g->ow + ox] = v;
                        }
}

static double dot(const float *a, const float *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)a[i] * b[i];
    return s;
}

static void check(ob_im2col_geom g, int n, int extra_ld, int bx, uint64_t order)
{
    OB_CHECK_OK(ob_im2col_check(&g));
    const int64_t p = (int64_t)g.oh * g.ow, k = (int64_t)g.c * g.kh * g.kw, ld = n * p + extra_ld;
    const size_t ni = (size_t)n * g.c * g.h * g.w, nc = (size_t)(k * ld);
    float *im = malloc(ni * sizeof *im), *col = malloc(nc * sizeof *col), *ref = malloc(nc * sizeof *ref);
    float *got = malloc(nc * sizeof *got), *back = malloc(ni * sizeof *back), *gback = malloc(ni * sizeof *gback);
    ob_test_fill_uniform(im, ni, (uint64_t)(g.h * 31 + g.w * 7 + g.kh + n), -2, 2);
    ob_test_fill_uniform(col, nc, (uint64_t)(g.oh * 17 + g.ow), -1, 1);
    char label[200];
    snprintf(label, sizeof label, "%s n%d c%d %dx%d k%dx%d s%dx%d p%dx%d d%dx%d ld+%d block %d order %llu",
             ob_gpu_backend_name(), n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, extra_ld, bx,
             (unsigned long long)order);
    ob_launch_cfg cfg = {bx, 1, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order);

    /* CPU vs the definition (padding columns of a wider ld untouched: same poison) */
    ob_test_fill_nan(ref, nc), ob_test_fill_nan(got, nc);
    for (int64_t r = 0; r < k; r++)
        for (int64_t j = n * p; j < ld; j++) ref[r * ld + j] = got[r * ld + j] = 0.f;
    im2col_ref(ref, im, &g, n, ld);
    OB_CHECK_OK(ob_im2col_cpu(got, im, &g, n, ld));
    for (int64_t r = 0; r < k; r++)
        for (int64_t j = n * p; j < ld; j++) got[r * ld + j] = 0.f;
    ob_test_allclose(label, got, ref, nc, 0, 0);
    OB_CHECK_OK(ob_im2col_cpu_serial(got, im, &g, n, ld)); /* the calling-thread variant: same values */
    for (int64_t r = 0; r < k; r++)
        for (int64_t j = n * p; j < ld; j++) got[r * ld + j] = 0.f;
    ob_test_allclose(label, got, ref, nc, 0, 0);

    /* GPU im2col vs CPU */
    float *dim = ob_gpu_upload(im, ni), *dcol = ob_gpu_upload(ref, nc);
    OB_CHECK_OK(OB_GPU(ob_im2col)(dcol, dim, &g, n, ld, &cfg));
    ob_gpu_download(got, dcol, nc);
    ob_test_allclose(label, got, ref, nc, 0, 0);

    /* col2im: adjoint of im2col (<im2col(x), c> = <x, col2im(c)>), and GPU == CPU */
    for (int64_t r = 0; r < k; r++)
        for (int64_t j = n * p; j < ld; j++) col[r * ld + j] = 0.f;
    OB_CHECK_OK(ob_col2im_cpu_serial(gback, col, &g, n, ld));
    OB_CHECK_OK(ob_col2im_cpu(back, col, &g, n, ld));
    ob_test_allclose(label, gback, back, ni, 0, 0);
    const double lhs = dot(ref, col, nc), rhs = dot(im, back, ni);
    OB_CHECK(fabs(lhs - rhs) <= 1e-4 * (1 + fabs(lhs)), "%s: adjoint <im2col x, c> %.9g vs <x, col2im c> %.9g",
             label, lhs, rhs);
    float *dcol2 = ob_gpu_upload(col, nc), *dback = ob_gpu_alloc(ni);
    OB_CHECK_OK(OB_GPU(ob_col2im)(dback, dcol2, &g, n, ld, &cfg));
    ob_gpu_download(gback, dback, ni);
    ob_test_allclose(label, gback, back, ni, 0, 0);

    ob_gpu_free(dim), ob_gpu_free(dcol), ob_gpu_free(dcol2), ob_gpu_free(dback);
    free(im), free(col), free(ref), free(got), free(back), free(gback);
}

static ob_im2col_geom geom(int c, int h, int w, int kh, int kw, int s, int p, int d)
{
    ob_im2col_geom g = {c, h, w, kh, kw, s, s, p, p, d, d, 0, 0};
    return g;
}

int main(void)
{
    OB_GPU_TEST_INIT();
    check(geom(3, 9, 11, 3, 3, 1, 1, 1), 2, 0, 256, 0);
    check(geom(2, 13, 7, 3, 3, 2, 1, 1), 3, 5, 64, 11);      /* stride 2, wider ld */
    check(geom(1, 17, 17, 5, 5, 1, 2, 1), 4, 0, 128, 3);     /* ESPCN's first layer */
    check(geom(3, 15, 13, 3, 3, 1, 2, 2), 2, 0, 96, 0);      /* dilation 2 */
    check(geom(4, 7, 9, 1, 1, 1, 0, 1), 2, 1, 32, 7);        /* 1x1 */
    check(geom(2, 1, 1, 3, 3, 1, 1, 1), 1, 0, 256, 0);       /* a single pixel */
    ob_im2col_geom odd = {2, 11, 14, 2, 5, 3, 2, 1, 2, 2, 1, 0, 0}; /* everything anisotropic */
    check(odd, 3, 0, 32, 5);
    uint64_t rng = 424242;
    for (int r = 0; r < 6; r++) {
        ob_im2col_geom g = geom(ob_test_rand_int(&rng, 1, 4), ob_test_rand_int(&rng, 3, 21) | 1,
                                ob_test_rand_int(&rng, 3, 21) | 1, ob_test_rand_int(&rng, 1, 3),
                                ob_test_rand_int(&rng, 1, 3), ob_test_rand_int(&rng, 1, 3),
                                ob_test_rand_int(&rng, 0, 2), ob_test_rand_int(&rng, 1, 2));
        g.sw = ob_test_rand_int(&rng, 1, 3);
        if (ob_im2col_check(&g) != OB_OK) continue;
        check(g, ob_test_rand_int(&rng, 1, 3), r % 2, r % 2 ? 64 : 256, (uint64_t)r);
    }
    /* bad geometry and block shapes are refused, not launched */
    float *d = ob_gpu_alloc(64);
    ob_im2col_geom big = geom(1, 3, 3, 5, 5, 1, 0, 1), ok = geom(1, 4, 4, 3, 3, 1, 1, 1);
    const ob_launch_cfg odd_block = {48, 1, 0, NULL, NULL};
    OB_CHECK_FAILS(ob_im2col_check(&big), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_im2col)(d, d, &big, 1, 9, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_col2im)(d, d, &ok, 1, 15, NULL), OB_ERR_ARG); /* ld < n P */
    OB_CHECK_FAILS(OB_GPU(ob_im2col)(d, d, &ok, 1, 16, &odd_block), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_im2col_cpu(d, d, &ok, 0, 16), OB_ERR_ARG);
    ob_gpu_free(d);
    return ob_test_finish();
}
