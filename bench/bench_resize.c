/* bench_resize.c — ob_resize_cpu on the sizes users resize most (our side; the
 * peer is cv2.resize, timed by bench/peers/resize.py through bench/b_resize.py).
 *
 * Case names carry the shape so the peer can rebuild it:
 *     resize_METHOD_HxWxC_to_OHxOW      (C planes of float32, planar here,
 *                                        interleaved HxWxC for cv2)
 * The extra column is the achieved bandwidth, (input + output bytes) / time. */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "ob_log.h"
#include "resize.h"

typedef struct {
    ob_resize_method m;
    int c, h, w, oh, ow;
    float *in, *out;
} bench_case;

static void run_case(void *arg)
{
    bench_case *b = arg;
    ob_bench_ok(ob_resize_cpu(b->out, b->in, b->c, b->h, b->w, b->oh, b->ow, b->m), "ob_resize_cpu");
}

static void bench(ob_resize_method m, int h, int w, int c, int oh, int ow, int repeats)
{
    bench_case b = {m, c, h, w, oh, ow, NULL, NULL};
    size_t ni = (size_t)c * h * w, no = (size_t)c * oh * ow;
    b.in = malloc(ni * sizeof(float));
    b.out = malloc(no * sizeof(float));
    if (!b.in || !b.out) ob_bench_ok(OB_FAIL(OB_ERR_NOMEM, "bench buffers"), "bench_resize");
    for (size_t i = 0; i < ni; i++) b.in[i] = (float)((i * 2654435761u) % 1000) * 1e-3f;
    double ms = ob_bench_median_ms(run_case, &b, 2, repeats);
    char name[96], extra[32];
    snprintf(name, sizeof name, "resize_%s_%dx%dx%d_to_%dx%d", ob_resize_method_name(m), h, w, c, oh, ow);
    snprintf(extra, sizeof extra, "%.1f GB/s", (double)(ni + no) * sizeof(float) / (ms * 1e-3) / 1e9);
    ob_bench_report(name, ms, repeats, extra);
    free(b.in), free(b.out);
}

int main(void)
{
    bench(OB_RESIZE_BILINEAR, 2048, 2048, 3, 1024, 1024, 21);
    bench(OB_RESIZE_BILINEAR, 1080, 1920, 3, 720, 1280, 21);
    bench(OB_RESIZE_BICUBIC, 512, 512, 3, 1024, 1024, 21);
    bench(OB_RESIZE_AREA, 2048, 2048, 3, 512, 512, 21);
    bench(OB_RESIZE_NEAREST, 1024, 1024, 3, 1536, 1536, 21);
    return 0;
}
