/* test_hdr_align.c — MTB alignment recovers known translations between
 * exposures of different brightness, on the test chart and on a real photo. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ob_hdr_align.h"
#include "ob_image_io.h"
#include "ob_test.h"
#include "ob_testchart.h"

/* An "exposure" of img: gain then a display gamma, clipped like a sensor. */
static void expose(ob_tensor *out, const ob_tensor *img, float gain)
{
    ob_tensor_clone_to(out, img, OB_HOST);
    float *p = ob_tensor_f32(out);
    for (int64_t i = 0; i < ob_tensor_numel(out); i++) {
        float lin = powf(p[i], 2.2f) * gain;
        p[i] = lin >= 1.0f ? 1.0f : powf(lin, 1 / 2.2f);
    }
}

static void check_stack(const char *what, const ob_tensor *img)
{
    const ob_shift moves[4] = {{0, 0}, {5, -3}, {-17, 9}, {30, 22}};
    const float gains[4] = {1.0f, 0.25f, 4.0f, 0.5f};
    ob_tensor stack[4];
    const ob_tensor *ptrs[4];
    for (int i = 0; i < 4; i++) {
        ob_tensor exposed;
        expose(&exposed, img, gains[i]);
        OB_CHECK_OK(ob_apply_shift(&stack[i], &exposed, moves[i]));
        ob_tensor_free(&exposed);
        ptrs[i] = &stack[i];
    }
    ob_shift found[4];
    OB_CHECK_OK(ob_mtb_align(found, ptrs, 4, 0, 6));
    for (int i = 0; i < 4; i++)
        OB_CHECK(found[i].dx == -moves[i].dx && found[i].dy == -moves[i].dy, "%s: image %d moved by (%d, %d), found (%d, %d)",
                 what, i, moves[i].dx, moves[i].dy, found[i].dx, found[i].dy);
    printf("%s: shifts found (%d,%d) (%d,%d) (%d,%d)\n", what, found[1].dx, found[1].dy, found[2].dx, found[2].dy,
           found[3].dx, found[3].dy);
    /* applying the found shift lines the interior up with the reference exposure of the same gain */
    ob_tensor back;
    OB_CHECK_OK(ob_apply_shift(&back, &stack[1], found[1]));
    ob_tensor ref1;
    expose(&ref1, img, gains[1]);
    const int h = (int)img->shape[1], w = (int)img->shape[2];
    double maxdiff = 0;
    for (int y = 40; y < h - 40; y++)
        for (int x = 40; x < w - 40; x++) {
            double d = fabs(ob_tensor_f32(&back)[(size_t)y * w + x] - ob_tensor_f32(&ref1)[(size_t)y * w + x]);
            if (d > maxdiff) maxdiff = d;
        }
    OB_CHECK(maxdiff == 0, "%s: realigned interior differs by %g", what, maxdiff);
    ob_tensor_free(&back);
    ob_tensor_free(&ref1);
    for (int i = 0; i < 4; i++) ob_tensor_free(&stack[i]);
}

int main(void)
{
    ob_tensor chart;
    OB_CHECK_OK(ob_test_chart(&chart, 320, 256));
    check_stack("test chart", &chart);
    ob_tensor_free(&chart);

    const char *dir = getenv("OB_SKIMAGE_DATA") ? getenv("OB_SKIMAGE_DATA") : "/usr/lib/python3/dist-packages/skimage/data";
    char path[512];
    snprintf(path, sizeof path, "%s/astronaut.png", dir);
    if (access(path, R_OK) == 0) {
        ob_tensor photo;
        OB_CHECK_OK(ob_image_read(&photo, NULL, path));
        check_stack("astronaut", &photo);
        ob_tensor_free(&photo);
    } else {
        printf("astronaut.png not found in %s: photo case not run (chart case ran)\n", dir);
    }
    /* bad input */
    ob_tensor a, b;
    int64_t s1[3] = {3, 32, 32}, s2[3] = {3, 32, 31};
    ob_tensor_zeros(&a, OB_F32, OB_HOST, 3, s1);
    ob_tensor_zeros(&b, OB_F32, OB_HOST, 3, s2);
    const ob_tensor *pair[2] = {&a, &b};
    ob_shift sh[2];
    OB_CHECK_FAILS(ob_mtb_align(sh, pair, 2, 0, 6), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_mtb_align(sh, pair, 2, 2, 6), OB_ERR_ARG);
    ob_tensor_free(&a), ob_tensor_free(&b);
    return ob_test_finish();
}
