/* parity_warp_affine.c — warp_affine.cu (emu or real CUDA) vs the CPU path:
 * rotations with scale, an integer shift (pixels copied exactly), a mirror, a
 * map that sends everything far outside (all fill), a non-finite map; odd
 * sizes, 1 and 3 planes, two block sizes, blocks in order and in random order.
 * Both run ob_warp_affine_pixel, so they agree exactly up to fma contraction
 * on the device: 1e-6 relative, 1e-6 absolute (values in [-2, 2]). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ob_test.h"
#include "warp_affine.h"

static void check(const char *what, int planes, int h, int w, int oh, int ow, ob_affine2d m, int block,
                  uint64_t order)
{
    const size_t ni = (size_t)planes * h * w, no = (size_t)planes * oh * ow;
    float *x = malloc(ni * sizeof *x), *ref = malloc(no * sizeof *ref), *got = malloc(no * sizeof *got);
    ob_test_fill_uniform(x, ni, ni + (uint64_t)oh, -2, 2);
    ob_affine2d inv;
    OB_CHECK_OK(ob_warp_affine_invert(&inv, &m));
    ob_launch_cfg cfg = {block, 0, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order);
    float *dx = ob_gpu_upload(x, ni), *dy = ob_gpu_alloc(no);
    OB_CHECK_OK(ob_warp_affine_cpu(ref, x, planes, h, w, oh, ow, inv, 0.25f));
    OB_CHECK_OK(OB_GPU(ob_warp_affine)(dy, dx, planes, h, w, oh, ow, inv, 0.25f, &cfg));
    ob_gpu_download(got, dy, no);
    char label[160];
    snprintf(label, sizeof label, "%s warp_affine %s, %d planes %dx%d -> %dx%d, block %d%s", ob_gpu_backend_name(),
             what, planes, w, h, ow, oh, block, order ? ", random order" : "");
    ob_test_allclose(label, got, ref, no, 1e-6, 1e-6);
    ob_gpu_free(dx), ob_gpu_free(dy);
    free(x), free(ref), free(got);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    const double a = 0.4, s = 1.3;
    const ob_affine2d rot = {{s * cos(a), -s * sin(a), 3.5, s * sin(a), s * cos(a), -2.25}};
    const ob_affine2d shift = {{1, 0, 3, 0, 1, -2}}, mirror = {{-1, 0, 16, 0, 1, 0}};
    const ob_affine2d away = {{1, 0, 1e6, 0, 1, -1e6}}, shrink = {{0.37, 0.05, 1, -0.02, 0.41, 2}};
    const int blocks[2] = {256, 64};
    for (int b = 0; b < 2; b++)
        for (int p = 1; p <= 3; p += 2) {
            check("rotation + scale", p, 13, 17, 19, 11, rot, blocks[b], 0);
            check("rotation + scale", p, 31, 29, 23, 37, rot, blocks[b], 7 + (uint64_t)b);
            check("integer shift", p, 9, 14, 9, 14, shift, blocks[b], 0);
            check("mirror", p, 8, 17, 8, 17, mirror, blocks[b], 3);
            check("far outside", p, 5, 6, 7, 5, away, blocks[b], 0);
            check("shrink", p, 64, 48, 21, 19, shrink, blocks[b], 11);
            check("one pixel", p, 1, 1, 3, 2, shift, blocks[b], 0);
        }
    /* an integer shift copies source pixels exactly, on the CPU path too */
    float src[4 * 5], dst[4 * 5];
    for (int i = 0; i < 20; i++) src[i] = (float)i;
    ob_affine2d inv;
    OB_CHECK_OK(ob_warp_affine_invert(&inv, &(ob_affine2d){{1, 0, 1, 0, 1, 1}}));
    OB_CHECK_OK(ob_warp_affine_cpu(dst, src, 1, 4, 5, 4, 5, inv, -1));
    OB_CHECK(dst[0] == -1 && dst[6] == src[0] && dst[19] == src[13], "integer shift: %g %g %g", dst[0], dst[6],
             dst[19]);
    OB_CHECK_FAILS(ob_warp_affine_invert(&inv, &(ob_affine2d){{1, 2, 0, 2, 4, 0}}), OB_ERR_ARG); /* singular */
    ob_launch_cfg odd = {100, 0, 0, NULL, NULL};
    float *d = ob_gpu_alloc(64);
    OB_CHECK_FAILS(OB_GPU(ob_warp_affine)(d, d, 1, 2, 2, 2, 2, inv, 0, &odd), OB_ERR_ARG);
    ob_gpu_free(d);
    return ob_test_finish();
}
