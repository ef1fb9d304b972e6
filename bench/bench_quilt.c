/* bench_quilt.c — the whole quilt_cut pipeline (pipelines/ob_quilt.h) on the
 * CPU path: a 512x512 output, patch 31, overlap 6, tol 3, from scikit-image's
 * brick (512x512 gray; $OB_SKIMAGE_DATA or Debian's python3-skimage). The peer,
 * a seed-style Python implementation (bench/peers/quilt_seed.py), is timed by
 * bench/b_quilt.py.
 *
 *   bench_quilt [SAMPLE.png [REPEATS [cpu|cuda]]]   (SAMPLE "" = brick)
 *   quilt_cut_512x512_p31_o6_t3 <tab> median_ms <tab> repeats <tab> patches, ms per patch
 * The case name ends in _cuda when the cuda backend runs (a GPU machine).
 * Seed 1 on every repeat (the same work each time); one warm-up run. */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "ob_image_io.h"
#include "ob_quilt.h"

typedef struct {
    ob_ctx *ctx;
    ob_tensor sample;
    ob_quilt_opts o;
} quilt_case;

static void run_cut(void *arg)
{
    quilt_case *b = arg;
    ob_tensor out;
    ob_bench_ok(ob_quilt_cut(b->ctx, &out, &b->sample, 512, 512, &b->o), "ob_quilt_cut");
    ob_tensor_free(&out);
}

int main(int argc, char **argv)
{
    char path[4096];
    const char *dir = getenv("OB_SKIMAGE_DATA");
    snprintf(path, sizeof path, "%s/brick.png", dir && *dir ? dir : "/usr/lib/python3/dist-packages/skimage/data");
    if (argc > 1 && argv[1][0]) snprintf(path, sizeof path, "%s", argv[1]);
    const int repeats = argc > 2 ? atoi(argv[2]) : 3;
    quilt_case b;
    ob_bench_ok(ob_image_read(&b.sample, NULL, path), path);
    ob_backend be = OB_BACKEND_CPU;
    if (argc > 3) ob_bench_ok(ob_backend_parse(&be, argv[3]), "device");
    ob_bench_ok(ob_ctx_create(&b.ctx, be, 0), "context");
    ob_quilt_opts_init(&b.o);
    b.o.patch = 31, b.o.overlap = 6, b.o.tol = 3, b.o.seed = 1;
    const double ms = ob_bench_median_ms(run_cut, &b, 1, repeats > 0 ? repeats : 1);
    const int step = 31 - 6, n = 1 + (512 - 31 + step - 1) / step;
    char extra[64];
    snprintf(extra, sizeof extra, "%d patches, %.2f ms/patch", n * n, ms / (n * n));
    ob_bench_report(ob_ctx_backend(b.ctx) == OB_BACKEND_CUDA ? "quilt_cut_512x512_p31_o6_t3_cuda"
                                                             : "quilt_cut_512x512_p31_o6_t3",
                    ms, repeats > 0 ? repeats : 1, extra);
    ob_tensor_free(&b.sample);
    ob_ctx_destroy(b.ctx);
    return 0;
}
