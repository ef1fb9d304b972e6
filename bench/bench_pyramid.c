/* bench_pyramid.c — pyramid reduce/expand and the whole Laplacian blend on the
 * CPU path (our side; the peers are cv2.pyrDown, cv2.pyrUp and a cv2-based
 * Laplacian blend, timed by bench/b_pyramid.py).
 *
 * Case names carry the shape so the peer can rebuild it:
 *     pyrdown_HxWxC           reduce (C, H, W) -> (C, H/2, W/2)
 *     pyrup_HxWxC             expand (C, H, W) -> (C, 2H, 2W)
 *     blend_HxWxC_L           ob_laplacian_blend of two (C, H, W) images under a
 *                             (1, H, W) mask with L levels (allocation included,
 *                             as a user calls it)
 * The extra column is the achieved bandwidth of the single-level ops,
 * (input + output bytes) / time. */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "ob_blend.h"
#include "pyramid.h"

typedef struct {
    int c, h, w, levels;
    float *in, *out;
    ob_tensor a, b, m;
    ob_ctx *ctx;
} bench_case;

static void run_down(void *arg)
{
    bench_case *b = arg;
    ob_bench_ok(ob_pyr_reduce_cpu(b->out, b->in, b->c, b->h, b->w), "ob_pyr_reduce_cpu");
}

static void run_up(void *arg)
{
    bench_case *b = arg;
    ob_bench_ok(ob_pyr_expand_cpu(b->out, b->in, NULL, 1.0f, b->c, b->h, b->w, 2 * b->h, 2 * b->w),
                "ob_pyr_expand_cpu");
}

static void run_blend(void *arg)
{
    bench_case *b = arg;
    ob_tensor out;
    ob_bench_ok(ob_laplacian_blend(b->ctx, &out, &b->a, &b->b, &b->m, b->levels), "ob_laplacian_blend");
    ob_tensor_free(&out);
}

static void fill(float *x, size_t n, unsigned salt)
{
    for (size_t i = 0; i < n; i++) x[i] = (float)(((i + salt) * 2654435761u) % 1000) * 1e-3f;
}

static void bench_single(int h, int w, int c, int up, int repeats)
{
    bench_case b = {.c = c, .h = h, .w = w};
    const size_t ni = (size_t)c * h * w, no = up ? 4 * ni : (size_t)c * ((h + 1) / 2) * ((w + 1) / 2);
    b.in = malloc(ni * sizeof(float));
    b.out = malloc(no * sizeof(float));
    if (!b.in || !b.out) ob_bench_ok(OB_FAIL(OB_ERR_NOMEM, "bench buffers"), "bench_pyramid");
    fill(b.in, ni, 0);
    double ms = ob_bench_median_ms(up ? run_up : run_down, &b, 2, repeats);
    char name[96], extra[32];
    snprintf(name, sizeof name, "%s_%dx%dx%d", up ? "pyrup" : "pyrdown", h, w, c);
    snprintf(extra, sizeof extra, "%.1f GB/s", (double)(ni + no) * sizeof(float) / (ms * 1e-3) / 1e9);
    ob_bench_report(name, ms, repeats, extra);
    free(b.in), free(b.out);
}

static void bench_blend(int h, int w, int c, int levels, int repeats)
{
    bench_case b = {.c = c, .h = h, .w = w, .levels = levels};
    int64_t si[3] = {c, h, w}, sm[3] = {1, h, w};
    ob_bench_ok(ob_ctx_create(&b.ctx, OB_BACKEND_CPU, 0), "ob_ctx_create");
    ob_bench_ok(ob_tensor_alloc(&b.a, OB_F32, OB_HOST, 3, si), "alloc");
    ob_bench_ok(ob_tensor_alloc(&b.b, OB_F32, OB_HOST, 3, si), "alloc");
    ob_bench_ok(ob_tensor_alloc(&b.m, OB_F32, OB_HOST, 3, sm), "alloc");
    fill(ob_tensor_f32(&b.a), (size_t)c * h * w, 0);
    fill(ob_tensor_f32(&b.b), (size_t)c * h * w, 7);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) ob_tensor_f32(&b.m)[(size_t)y * w + x] = x < w / 2 ? 1.0f : 0.0f;
    double ms = ob_bench_median_ms(run_blend, &b, 1, repeats);
    char name[96];
    snprintf(name, sizeof name, "blend_%dx%dx%d_%d", h, w, c, levels);
    ob_bench_report(name, ms, repeats, "");
    ob_tensor_free(&b.a), ob_tensor_free(&b.b), ob_tensor_free(&b.m);
    ob_ctx_destroy(b.ctx);
}

int main(void)
{
    bench_single(1024, 1024, 3, 0, 21);
    bench_single(2048, 2048, 3, 0, 11);
    bench_single(512, 512, 3, 1, 21);
    bench_single(1024, 1024, 3, 1, 11);
    bench_blend(512, 512, 3, 6, 11);
    bench_blend(1024, 1024, 3, 7, 7);
    return 0;
}
