/* bench_fuse.c — exposure fusion (ob_fuse) on the CPU path, our side of
 * bench/b_fuse.py (the peer: cv2.createMergeMertens(1, 1, 1).process).
 *
 * Usage: bench_fuse IMAGE... (an exposure stack; b_fuse.py renders the demo's)
 * The images are read once as 8-bit tensors, as cv2.imread gives them to the
 * peer; the timed call is ob_fuse on them (weights, pyramids, collapse, and
 * its allocations, as a user calls it). One line:
 *     fuse_HxWxC_N <tab> median_ms <tab> repeats <tab> MB/s of input */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "ob_fuse.h"
#include "ob_image_io.h"

enum { MAX_IMAGES = 64 };

typedef struct {
    ob_ctx *ctx;
    const ob_tensor *stack[MAX_IMAGES];
    int n;
} bench_case;

static void run_fuse(void *arg)
{
    bench_case *b = arg;
    ob_tensor out;
    ob_bench_ok(ob_fuse(b->ctx, &out, b->stack, b->n, NULL), "ob_fuse");
    ob_tensor_free(&out);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc - 1 > MAX_IMAGES) {
        fprintf(stderr, "usage: bench_fuse IMAGE IMAGE... (2..%d exposures)\n", MAX_IMAGES);
        return 2;
    }
    static ob_tensor img[MAX_IMAGES];
    bench_case b = {.n = argc - 1};
    for (int j = 0; j < b.n; j++) {
        ob_bench_ok(ob_image_read_native(&img[j], NULL, argv[j + 1]), argv[j + 1]);
        b.stack[j] = &img[j];
    }
    ob_bench_ok(ob_ctx_create(&b.ctx, OB_BACKEND_CPU, 0), "ob_ctx_create");
    const int repeats = 21;
    const double ms = ob_bench_median_ms(run_fuse, &b, 2, repeats);
    char name[96], extra[32];
    snprintf(name, sizeof name, "fuse_%lldx%lldx%lld_%d", (long long)img[0].shape[1], (long long)img[0].shape[2],
             (long long)img[0].shape[0], b.n);
    snprintf(extra, sizeof extra, "%.0f MB/s", (double)b.n * ob_tensor_nbytes(&img[0]) / (ms * 1e-3) / 1e6);
    ob_bench_report(name, ms, repeats, extra);
    ob_ctx_destroy(b.ctx);
    for (int j = 0; j < b.n; j++) ob_tensor_free(&img[j]);
    return 0;
}
