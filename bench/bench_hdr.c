/* bench_hdr.c — calibrate + merge + Durand on a 16-exposure 512x768 stack (our
 * side; bench/b_hdr.py times OpenCV's createCalibrateDebevec +
 * createMergeDebevec + a Durand built on cv2.bilateralFilter on the same files).
 *
 * The stack is rendered from the procedural HDR scene (ob_synth_radiance, 16
 * stops) through an sRGB-curve, 8-bit camera with noise, 16 exposures one stop
 * apart, and written as PNGs plus times.txt into the folder given as argv[1], so
 * the peer reads exactly the same data. Each stage is timed on its own (median of
 * repeats); the total is the sum of the stage medians.
 * Usage: bench_hdr DIR   (prints CASE<TAB>median_ms<TAB>repeats<TAB>extra) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "ob_hdr_response.h"
#include "ob_hdr_synth.h"
#include "ob_image_io.h"
#include "ob_tonemap.h"

enum { N = 16, W = 768, H = 512, REPEATS = 7 };

typedef struct {
    ob_ctx *ctx;
    const ob_tensor *stack[N];
    double times[N];
    float g[3 * 256];
    ob_tensor radiance, display;
    ob_response_opts ro;
    ob_tonemap_opts to;
} bench;

static void calibrate(void *arg)
{
    bench *b = arg;
    ob_bench_ok(ob_response_recover(b->ctx, b->g, b->stack, b->times, N, &b->ro), "ob_response_recover");
}

static void merge(void *arg)
{
    bench *b = arg;
    ob_tensor_free(&b->radiance);
    ob_bench_ok(ob_radiance_merge(b->ctx, &b->radiance, b->stack, b->times, N, b->g, 256), "ob_radiance_merge");
    float *e = ob_tensor_f32(&b->radiance);
    for (int64_t i = 0; i < ob_tensor_numel(&b->radiance); i++) e[i] = expf(e[i]);
}

static void durand(void *arg)
{
    bench *b = arg;
    ob_tensor_free(&b->display);
    ob_bench_ok(ob_image_tonemap(b->ctx, &b->display, &b->radiance, &b->to, NULL), "ob_image_tonemap");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_hdr DIR\n");
        return 2;
    }
    static bench b;
    ob_bench_ok(ob_ctx_create(&b.ctx, OB_BACKEND_CPU, 0), "context");
    ob_tensor e, frames[N];
    ob_camera cam = {2.2, 1.0, 0.002, 8, 1};
    ob_bench_ok(ob_synth_radiance(&e, W, H, 16), "scene");
    ob_bench_ok(ob_bracket_times(b.times, N, 1.0, &e, &cam), "times");
    ob_bench_ok(ob_render_stack(frames, &e, b.times, N, &cam, 11), "render");
    char path[4096];
    snprintf(path, sizeof path, "%s/times.txt", argv[1]);
    FILE *tf = fopen(path, "w");
    if (!tf) ob_bench_ok(OB_FAIL(OB_ERR_IO, "cannot write %s", path), "times.txt");
    for (int j = 0; j < N; j++) {
        snprintf(path, sizeof path, "%s/exposure_%02d.png", argv[1], j);
        ob_bench_ok(ob_image_write(path, &frames[j], OB_FMT_PNG, 8), path);
        /* re-read what the peer reads, so both sides merge identical 8-bit data */
        ob_tensor_free(&frames[j]);
        ob_bench_ok(ob_image_read(&frames[j], NULL, path), path);
        b.stack[j] = &frames[j];
        fprintf(tf, "exposure_%02d.png %.17g\n", j, b.times[j]);
    }
    fclose(tf);
    b.ro = ob_response_opts_default();
    ob_tonemap_opts_init(&b.to, OB_TONEMAP_DURAND);
    double t_cal = ob_bench_median_ms(calibrate, &b, 1, REPEATS);
    double t_merge = ob_bench_median_ms(merge, &b, 1, REPEATS);
    double t_durand = ob_bench_median_ms(durand, &b, 1, REPEATS);
    char extra[128];
    snprintf(extra, sizeof extra, "samples=%d lambda=%g sigma_s=%.2f sigma_r=%.2f", b.ro.samples, b.ro.lambda,
             OB_TONEMAP_SIGMA_S_FRACTION * W, (double)b.to.sigma_r);
    ob_bench_report("hdr_calibrate_16x512x768", t_cal, REPEATS, extra);
    ob_bench_report("hdr_merge_16x512x768", t_merge, REPEATS, "");
    ob_bench_report("hdr_durand_512x768", t_durand, REPEATS, "bilateral grid");
    ob_bench_report("hdr_total_16x512x768", t_cal + t_merge + t_durand, REPEATS, "calibrate + merge + durand");
    for (int j = 0; j < N; j++) ob_tensor_free(&frames[j]);
    ob_tensor_free(&e);
    ob_tensor_free(&b.radiance);
    ob_tensor_free(&b.display);
    ob_ctx_destroy(b.ctx);
    return 0;
}
