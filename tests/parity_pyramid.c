/* parity_pyramid.c — pyramid.cu (emu or real CUDA) vs the CPU path.
 * Tolerance: atol = rtol = 0. Both paths evaluate pyramid.h's shared taps
 * (explicit fmaf, fixed order) on the same samples, so they must agree bit for
 * bit; a difference means the kernel read a wrong sample. Every op (blur,
 * reduce, expand plain / with base / in place, mix with 1 or C mask planes)
 * and the whole pyramids (gaussian, laplacian, collapse, blend) on odd sizes,
 * 1-pixel sides included, two block shapes, blocks in order and in random order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_test.h"
#include "pyramid.h"

static void compare(const char *what, const float *gpu, const float *ref, size_t n, int planes, int h, int w, int bx,
                    int by, uint64_t order)
{
    float *got = malloc(n * sizeof *got);
    ob_gpu_download(got, gpu, n);
    char label[160];
    snprintf(label, sizeof label, "%s %s P%d %dx%d block %dx%d order %llu", ob_gpu_backend_name(), what, planes, h, w,
             bx, by, (unsigned long long)order);
    ob_test_allclose(label, got, ref, n, 0, 0);
    free(got);
}

static void check_ops(int planes, int h, int w, int bx, int by, uint64_t order)
{
    const size_t n = (size_t)planes * h * w, no = (size_t)planes * (2 * h) * (2 * w);
    const int rh = (h + 1) / 2, rw = (w + 1) / 2, eh = 2 * h - (h % 2), ew = 2 * w - (w % 3 == 0);
    const size_t ne = (size_t)planes * eh * ew;
    float *x = malloc(n * sizeof *x), *base = malloc(no * sizeof *base), *m = malloc(n * sizeof *m);
    float *ref = malloc(no * sizeof *ref), *tmp = malloc(no * sizeof *tmp);
    ob_test_fill_uniform(x, n, (uint64_t)(h * 131 + w * 7 + planes), -2, 2);
    ob_test_fill_uniform(base, no, (uint64_t)(h * 17 + w), -1, 1);
    ob_test_fill_uniform(m, n, (uint64_t)(h + w * 3), 0, 1);
    ob_launch_cfg cfg = {bx, by, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order);
    float *dx = ob_gpu_upload(x, n), *dy = ob_gpu_alloc(no), *db = ob_gpu_upload(base, no), *dm = ob_gpu_upload(m, n);

    OB_CHECK_OK(ob_pyr_blur_cpu(ref, x, planes, h, w));
    OB_CHECK_OK(OB_GPU(ob_pyr_blur)(dy, dx, planes, h, w, &cfg));
    compare("blur", dy, ref, n, planes, h, w, bx, by, order);

    OB_CHECK_OK(ob_pyr_reduce_cpu(ref, x, planes, h, w));
    OB_CHECK_OK(OB_GPU(ob_pyr_reduce)(dy, dx, planes, h, w, &cfg));
    compare("reduce", dy, ref, (size_t)planes * rh * rw, planes, h, w, bx, by, order);

    OB_CHECK_OK(ob_pyr_expand_cpu(ref, x, NULL, 1.0f, planes, h, w, eh, ew));
    OB_CHECK_OK(OB_GPU(ob_pyr_expand)(dy, dx, NULL, 1.0f, planes, h, w, eh, ew, &cfg));
    compare("expand", dy, ref, ne, planes, h, w, bx, by, order);

    OB_CHECK_OK(ob_pyr_expand_cpu(ref, x, base, -1.0f, planes, h, w, eh, ew));
    OB_CHECK_OK(OB_GPU(ob_pyr_expand)(dy, dx, db, -1.0f, planes, h, w, eh, ew, &cfg));
    compare("base - expand", dy, ref, ne, planes, h, w, bx, by, order);

    memcpy(tmp, base, ne * sizeof *tmp); /* in place: out = base */
    OB_CHECK_OK(ob_pyr_expand_cpu(tmp, x, tmp, 1.0f, planes, h, w, eh, ew));
    OB_CHECK_OK(OB_GPU(ob_pyr_expand)(db, dx, db, 1.0f, planes, h, w, eh, ew, &cfg));
    compare("base + expand in place", db, tmp, ne, planes, h, w, bx, by, order);

    for (int mp = 1; mp <= planes; mp += planes > 1 ? planes - 1 : 1) {
        const size_t plane = (size_t)h * w;
        OB_CHECK_OK(ob_pyr_mix_cpu(ref, x, base, m, planes, mp, plane));
        float *dbase = ob_gpu_upload(base, n);
        OB_CHECK_OK(OB_GPU(ob_pyr_mix)(dbase, dx, dbase, dm, planes, mp, plane, &cfg)); /* out = b */
        compare(mp == 1 ? "mix, 1-plane mask" : "mix, C-plane mask", dbase, ref, n, planes, h, w, bx, by, order);
        ob_gpu_free(dbase);
    }
    ob_gpu_free(dx), ob_gpu_free(dy), ob_gpu_free(db), ob_gpu_free(dm);
    free(x), free(base), free(m), free(ref), free(tmp);
}

static void check_pyramids(int planes, int h, int w, int levels, int bx, int by, uint64_t order)
{
    ob_pyr_shape s, sm;
    OB_CHECK_OK(ob_pyr_shape_init(&s, planes, h, w, levels));
    OB_CHECK_OK(ob_pyr_shape_init(&sm, 1, h, w, levels));
    const size_t n = (size_t)planes * h * w;
    float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *m = malloc((size_t)h * w * sizeof *m);
    float *pa = malloc(s.numel * sizeof *pa), *pb = malloc(s.numel * sizeof *pb), *pm = malloc(sm.numel * sizeof *pm);
    float *img = malloc(n * sizeof *img);
    ob_test_fill_uniform(a, n, (uint64_t)(h * 3 + w), 0, 1);
    ob_test_fill_uniform(b, n, (uint64_t)(h * 5 + w), 0, 1);
    ob_test_fill_uniform(m, (size_t)h * w, (uint64_t)(h * 7 + w), 0, 1);
    ob_launch_cfg cfg = {bx, by, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order);
    float *da = ob_gpu_upload(a, n), *db = ob_gpu_upload(b, n), *dm = ob_gpu_upload(m, (size_t)h * w);
    float *dpa = ob_gpu_alloc(s.numel), *dpb = ob_gpu_alloc(s.numel), *dpm = ob_gpu_alloc(sm.numel);
    float *dimg = ob_gpu_alloc(n);
    char what[64];

    OB_CHECK_OK(ob_pyr_gaussian_cpu(pm, m, 1, h, w, levels));
    OB_CHECK_OK(OB_GPU(ob_pyr_gaussian)(dpm, dm, 1, h, w, levels, &cfg));
    snprintf(what, sizeof what, "gaussian pyramid L%d", levels);
    compare(what, dpm, pm, sm.numel, 1, h, w, bx, by, order);

    OB_CHECK_OK(ob_pyr_laplacian_cpu(pa, a, planes, h, w, levels));
    OB_CHECK_OK(OB_GPU(ob_pyr_laplacian)(dpa, da, planes, h, w, levels, &cfg));
    snprintf(what, sizeof what, "laplacian pyramid L%d", levels);
    compare(what, dpa, pa, s.numel, planes, h, w, bx, by, order);

    OB_CHECK_OK(ob_pyr_laplacian_cpu(pb, b, planes, h, w, levels));
    OB_CHECK_OK(OB_GPU(ob_pyr_laplacian)(dpb, db, planes, h, w, levels, &cfg));
    OB_CHECK_OK(ob_pyr_blend_cpu(pa, pb, pm, planes, 1, h, w, levels));
    OB_CHECK_OK(OB_GPU(ob_pyr_blend)(dpa, dpb, dpm, planes, 1, h, w, levels, &cfg));
    snprintf(what, sizeof what, "blended pyramid L%d", levels);
    compare(what, dpa, pa, s.numel, planes, h, w, bx, by, order);

    OB_CHECK_OK(ob_pyr_accumulate_cpu(pb, pa, pm, planes, 1, h, w, levels)); /* pb += pm * pa */
    OB_CHECK_OK(OB_GPU(ob_pyr_accumulate)(dpb, dpa, dpm, planes, 1, h, w, levels, &cfg));
    snprintf(what, sizeof what, "accumulated pyramid L%d", levels);
    compare(what, dpb, pb, s.numel, planes, h, w, bx, by, order);

    OB_CHECK_OK(ob_pyr_collapse_cpu(img, pa, planes, h, w, levels));
    OB_CHECK_OK(OB_GPU(ob_pyr_collapse)(dimg, dpa, planes, h, w, levels, &cfg));
    snprintf(what, sizeof what, "collapse L%d", levels);
    compare(what, dimg, img, n, planes, h, w, bx, by, order);

    ob_gpu_free(da), ob_gpu_free(db), ob_gpu_free(dm), ob_gpu_free(dpa), ob_gpu_free(dpb), ob_gpu_free(dpm);
    ob_gpu_free(dimg);
    free(a), free(b), free(m), free(pa), free(pb), free(pm), free(img);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    static const int blocks[2][2] = {{32, 8}, {64, 3}};
    uint64_t rng = 4242;
    for (int k = 0; k < 2; k++) {
        const int bx = blocks[k][0], by = blocks[k][1];
        check_ops(2, 37, 53, bx, by, 0);
        check_ops(1, 1, 1, bx, by, 0);
        check_ops(3, 1, 45, bx, by, 3);
        check_ops(1, 29, 1, bx, by, 0);
        check_ops(1, 2, 3, bx, by, 0);
        for (int r = 0; r < 3; r++) {
            const int h = ob_test_rand_int(&rng, 3, 70) | 1, w = ob_test_rand_int(&rng, 3, 90) | 1;
            check_ops(ob_test_rand_int(&rng, 1, 3), h, w, bx, by, r % 2 ? 100 + r : 0);
        }
        check_pyramids(3, 37, 53, 5, bx, by, k ? 7 : 0);
        check_pyramids(1, 67, 41, 3, bx, by, 9);
        check_pyramids(2, 5, 9, 1, bx, by, 0);
        check_pyramids(2, 32, 48, ob_pyr_deep_levels(32, 48), bx, by, 5); /* top level 1 x 2 */
    }
    /* block shapes the kernels cannot use are refused, not launched */
    float *d = ob_gpu_alloc(256);
    const ob_launch_cfg odd = {48, 4, 0, NULL, NULL}, huge = {64, 32, 0, NULL, NULL}, wide = {1024, 1, 0, NULL, NULL};
    OB_CHECK_FAILS(OB_GPU(ob_pyr_reduce)(d, d + 128, 1, 8, 8, &odd), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_pyr_blur)(d, d + 128, 1, 8, 8, &huge), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_pyr_reduce)(d, d + 128, 1, 8, 8, &wide), OB_ERR_ARG); /* shared memory */
    OB_CHECK_FAILS(OB_GPU(ob_pyr_expand)(d, d + 128, NULL, 1, 1, 3, 3, 7, 6, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_pyr_mix)(d, d, d, d, 3, 2, 16, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_pyr_laplacian)(d, d + 128, 1, 8, 8, 5, NULL), OB_ERR_ARG);
    ob_gpu_free(d);
    return ob_test_finish();
}
