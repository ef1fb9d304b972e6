/* test_hdr_synth.c — rendered stacks follow the camera model exactly; the
 * response table and plot are written and read back. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_hdr_report.h"
#include "ob_hdr_synth.h"
#include "ob_test.h"

static void test_render(void)
{
    ob_tensor e;
    OB_CHECK_OK(ob_synth_radiance(&e, 64, 48, 14));
    float lo = INFINITY, hi = 0;
    for (int64_t i = 0; i < ob_tensor_numel(&e); i++) {
        lo = fminf(lo, ob_tensor_f32(&e)[i]);
        hi = fmaxf(hi, ob_tensor_f32(&e)[i]);
    }
    OB_CHECK(log2(hi / lo) > 12 && log2(hi / lo) < 16, "synthetic scene spans %.1f stops", log2(hi / lo));
    ob_camera cam = {2.2, 1.0, 0.0, 8, 0};
    double t[5];
    OB_CHECK_OK(ob_bracket_times(t, 5, 2.0, &e, &cam));
    OB_CHECK(fabs(t[1] / t[0] - 4.0) < 1e-12 && fabs(t[4] / t[2] - 16.0) < 1e-12, "times 2 stops apart");
    ob_tensor frames[5];
    OB_CHECK_OK(ob_render_stack(frames, &e, t, 5, &cam, 7));
    /* noise-free: every pixel is the quantised camera response, and unclipped
     * values invert to ln(E t) within half a quantisation step */
    int bad = 0;
    double worst = 0;
    for (int j = 0; j < 5; j++)
        for (int64_t i = 0; i < ob_tensor_numel(&e); i++) {
            double x = cam.gain * ob_tensor_f32(&e)[i] * t[j];
            double want = floor(fmin(1.0, pow(x, 1 / 2.2)) * 255 + 0.5) / 255;
            double z = ob_tensor_f32(&frames[j])[i];
            bad += fabs(z - want) > 1e-6;
            if (z > 10 / 255.0 && z < 250 / 255.0) {
                /* |ln X - gamma ln z| = gamma |ln v - ln z| <= gamma (0.5/255) / min(v, z) */
                double err = fabs(ob_camera_log_exposure(&cam, z) - log(x));
                double allowed = 2.2 * (0.5 / 255) / (z - 0.5 / 255) + 1e-9;
                if (err > allowed) bad++;
                if (err > worst) worst = err;
            }
        }
    OB_CHECK(bad == 0, "%d pixels off the camera model (worst log error %.4f)", bad, worst);
    /* noise changes values, deterministically for a seed */
    cam.noise = 0.01;
    ob_tensor n1[1], n2[1];
    OB_CHECK_OK(ob_render_stack(n1, &e, t + 2, 1, &cam, 99));
    OB_CHECK_OK(ob_render_stack(n2, &e, t + 2, 1, &cam, 99));
    OB_CHECK(memcmp(n1[0].data, n2[0].data, ob_tensor_nbytes(&n1[0])) == 0, "same seed, same noise");
    OB_CHECK(memcmp(n1[0].data, frames[2].data, ob_tensor_nbytes(&n1[0])) != 0, "noise changes the frame");
    ob_tensor_free(&n1[0]), ob_tensor_free(&n2[0]);
    for (int j = 0; j < 5; j++) ob_tensor_free(&frames[j]);
    cam.bits = 12;
    OB_CHECK_FAILS(ob_render_stack(frames, &e, t, 1, &cam, 1), OB_ERR_ARG);
    ob_tensor_free(&e);
}

static void test_report(void)
{
    float g[3 * 256];
    for (int c = 0; c < 3; c++)
        for (int z = 0; z < 256; z++) g[c * 256 + z] = (float)(2.2 * log((z + 0.5) / 256.0) + 0.1 * c);
    char csv[512], svg[512];
    ob_test_path(csv, sizeof csv, "response.csv");
    ob_test_path(svg, sizeof svg, "response.svg");
    OB_CHECK_OK(ob_write_response_csv(csv, g, 3, 256));
    OB_CHECK_OK(ob_write_response_svg(svg, g, 3, 256, "test"));
    FILE *f = fopen(csv, "r");
    char line[256];
    OB_CHECK(fgets(line, sizeof line, f) && strcmp(line, "z,g_r,g_g,g_b\n") == 0, "csv header: %s", line);
    int rows = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        int z;
        double r, gg, b;
        if (sscanf(line, "%d,%lf,%lf,%lf", &z, &r, &gg, &b) != 4 || z != rows || fabs(gg - g[256 + z]) > 1e-5) bad++;
        rows++;
    }
    fclose(f);
    OB_CHECK(rows == 256 && bad == 0, "csv rows %d, bad %d", rows, bad);
    f = fopen(svg, "r");
    static char text[200000];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    int polylines = 0;
    for (const char *p = text; (p = strstr(p, "<polyline")); p++) polylines++;
    OB_CHECK(polylines == 3 && strstr(text, "</svg>") && strstr(text, "pixel value z"), "svg has 3 curves and labels");
    float bad_g[2] = {0, NAN};
    char nope[512];
    ob_test_path(nope, sizeof nope, "nope.csv");
    OB_CHECK_FAILS(ob_write_response_csv(nope, bad_g, 1, 2), OB_ERR_ARG);
    OB_CHECK(fopen(nope, "r") == NULL, "no file for a refused write");
}

int main(void)
{
    test_render();
    test_report();
    return ob_test_finish();
}
