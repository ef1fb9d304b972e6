/* emu_shim_stencil.cc — tiled 2-D stencils under cuda-emu: a tile plus its halo
 * loaded cooperatively into shared memory (static, fixed tile; dynamic, tile from
 * blockDim), a __syncthreads, then each thread filters its pixel. Checked against
 * a CPU stencil on odd image sizes, several block shapes and random block orders;
 * one 512 x 512 image with 256-thread blocks reports how long the shim takes. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ob_cuda_kernel.h"
#include "ob_test.h"

enum { TILE = 16, R = 2 }; /* static variant: 16 x 16 tile, 3 x 3 stencil; dynamic: radius R */

static inline int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

/* 3 x 3 weights (1 2 1 / 2 4 2 / 1 2 1) / 16, edges clamped. */
__global__ void stencil3_static(float *out, const float *in, int h, int w)
{
    __shared__ float tile[TILE + 2][TILE + 2];
    const int tx = threadIdx.x, ty = threadIdx.y;
    const int x0 = blockIdx.x * TILE - 1, y0 = blockIdx.y * TILE - 1;
    for (int j = ty; j < TILE + 2; j += TILE)
        for (int i = tx; i < TILE + 2; i += TILE)
            tile[j][i] = in[clampi(y0 + j, 0, h - 1) * w + clampi(x0 + i, 0, w - 1)];
    __syncthreads();
    const int x = x0 + 1 + tx, y = y0 + 1 + ty;
    if (x >= w || y >= h) return; /* after the barrier: no thread skips it */
    const float k[3] = {1.0f, 2.0f, 1.0f};
    float acc = 0.0f;
    for (int j = 0; j < 3; j++)
        for (int i = 0; i < 3; i++) acc += k[j] * k[i] * tile[ty + j][tx + i];
    out[y * w + x] = acc * (1.0f / 16.0f);
}

/* (2R+1)^2 box mean with a tile of blockDim plus an R-pixel halo in dynamic shared memory. */
__global__ void box_dynamic(float *out, const float *in, int h, int w)
{
    OB_DYNAMIC_SHARED(float, tile);
    const int bw = blockDim.x, bh = blockDim.y, tw = bw + 2 * R, th = bh + 2 * R;
    const int x0 = blockIdx.x * bw - R, y0 = blockIdx.y * bh - R;
    for (int j = threadIdx.y; j < th; j += bh)
        for (int i = threadIdx.x; i < tw; i += bw)
            tile[j * tw + i] = in[clampi(y0 + j, 0, h - 1) * w + clampi(x0 + i, 0, w - 1)];
    __syncthreads();
    const int x = x0 + R + threadIdx.x, y = y0 + R + threadIdx.y;
    if (x >= w || y >= h) return;
    float acc = 0.0f;
    for (int j = 0; j <= 2 * R; j++)
        for (int i = 0; i <= 2 * R; i++) acc += tile[(threadIdx.y + j) * tw + threadIdx.x + i];
    out[y * w + x] = acc / (float)((2 * R + 1) * (2 * R + 1));
}

static ob_status run_static(float *out, const float *in, int h, int w)
{
    OB_LAUNCH(stencil3_static, dim3(ob_ceil_div(w, TILE), ob_ceil_div(h, TILE)), dim3(TILE, TILE), 0, 0, out, in, h,
              w);
    OB_CHECK_LAUNCH(stencil3_static);
    return OB_OK;
}

static ob_status run_dynamic(float *out, const float *in, int h, int w, int bx, int by)
{
    const size_t smem = (size_t)(bx + 2 * R) * (by + 2 * R) * sizeof(float);
    OB_LAUNCH(box_dynamic, dim3(ob_ceil_div(w, bx), ob_ceil_div(h, by)), dim3(bx, by), smem, 0, out, in, h, w);
    OB_CHECK_LAUNCH(box_dynamic);
    return OB_OK;
}

static void cpu_stencil3(float *out, const float *in, int h, int w)
{
    const float k[3] = {1.0f, 2.0f, 1.0f};
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float acc = 0.0f;
            for (int j = -1; j <= 1; j++)
                for (int i = -1; i <= 1; i++)
                    acc += k[j + 1] * k[i + 1] * in[clampi(y + j, 0, h - 1) * w + clampi(x + i, 0, w - 1)];
            out[y * w + x] = acc * (1.0f / 16.0f);
        }
}

static void cpu_box(float *out, const float *in, int h, int w)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float acc = 0.0f;
            for (int j = -R; j <= R; j++)
                for (int i = -R; i <= R; i++) acc += in[clampi(y + j, 0, h - 1) * w + clampi(x + i, 0, w - 1)];
            out[y * w + x] = acc / (float)((2 * R + 1) * (2 * R + 1));
        }
}

static void check(int h, int w, int bx, int by, uint64_t order)
{
    const size_t n = (size_t)h * w;
    float *x = (float *)malloc(n * sizeof(float)), *ref = (float *)malloc(n * sizeof(float));
    ob_test_fill_uniform(x, n, (uint64_t)(h * 7919 + w), 0.0f, 1.0f);
    float *got = ob_gpu_alloc(n);
    char label[128];
    ob_emu_set_block_order(order);

    cpu_stencil3(ref, x, h, w);
    OB_CHECK_OK(run_static(got, x, h, w));
    snprintf(label, sizeof label, "static 3x3 %dx%d order %llu", h, w, (unsigned long long)order);
    ob_test_allclose(label, got, ref, n, 1e-6, 1e-5);

    ob_test_fill_nan(got, n);
    cpu_box(ref, x, h, w);
    OB_CHECK_OK(run_dynamic(got, x, h, w, bx, by));
    snprintf(label, sizeof label, "dynamic %dx%d box %dx%d block %dx%d order %llu", 2 * R + 1, 2 * R + 1, h, w, bx,
             by, (unsigned long long)order);
    ob_test_allclose(label, got, ref, n, 1e-6, 1e-5);
    ob_gpu_free(got);
    free(x), free(ref);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(void)
{
    check(1, 1, 16, 16, 0);
    check(17, 33, 16, 16, 0);
    check(45, 31, 32, 8, 3);
    check(64, 64, 8, 4, 0);
    check(101, 57, 32, 32, 11);
    check(3, 200, 64, 2, 12);

    /* the size parity tests use: a few hundred pixels square, 256-thread blocks */
    const int h = 512, w = 512;
    float *x = (float *)malloc(h * w * sizeof(float)), *y = ob_gpu_alloc(h * w);
    ob_test_fill_uniform(x, (size_t)h * w, 5, 0.0f, 1.0f);
    ob_emu_set_block_order(0);
    double t0 = now_s();
    OB_CHECK_OK(run_static(y, x, h, w));
    double t1 = now_s();
    OB_CHECK_OK(run_dynamic(y, x, h, w, 32, 8));
    double t2 = now_s();
    printf("512x512, 256-thread blocks with a barrier: static %.3f s, dynamic %.3f s (%.0f ns per thread)\n", t1 - t0,
           t2 - t1, (t2 - t1) * 1e9 / (h * w));
    free(x);
    ob_gpu_free(y);
    return ob_test_finish();
}
