/* im2col.cu — GPU path of im2col.h (also built under cuda-emu).
 *
 * im2col: one thread per element of the column matrix (n images x K rows x P
 * positions, flattened with the position fastest, so a warp writes a
 * contiguous run of a row and reads along an image row). col2im: one thread per
 * image pixel, a gather over the window taps in (ki, kj) order — the order in
 * which the CPU's scatter-add reaches each pixel — so the two paths agree bit
 * for bit and no atomics are needed. Grid-stride loops cover any size with a capped grid. */
#include "im2col.h"
#include "ob_cuda_kernel.h"

/* im[y][x] of one plane from its plane of col (row stride ld): the sum over
 * (ki, kj), in order, of the entries whose window tap lands on (y, x). */
static __device__ __forceinline__ float ob_col2im_pixel(const float *col, int y, int x, int64_t ld, int kh, int kw, int sh, int sw,
                                   int ph, int pw, int dh, int dw, int oh, int ow)
{
    float acc = 0.f;
    for (int ki = 0; ki < kh; ki++) {
        const int ty = y + ph - ki * dh;
        if (ty < 0 || ty % sh) continue;
        const int oy = ty / sh;
        if (oy >= oh) continue;
        for (int kj = 0; kj < kw; kj++) {
            const int tx = x + pw - kj * dw;
            if (tx < 0 || tx % sw) continue;
            const int ox = tx / sw;
            if (ox >= ow) continue;
            acc += col[(int64_t)(ki * kw + kj) * ld + (int64_t)oy * ow + ox];
        }
    }
    return acc;
}

__global__ void im2col_kernel(float *__restrict__ col, const float *__restrict__ im, long long total, int c, int h,
                              int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int oh, int ow,
                              long long ld)
{
    const long long p = (long long)oh * ow, kk = (long long)kh * kw;
    for (long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x; e < total;
         e += (long long)gridDim.x * blockDim.x) {
        /* e = ((i * K) + r) * P + pos */
        const long long pos = e % p, ir = e / p;
        const long long r = ir % (c * kk), i = ir / (c * kk);
        const int ci = (int)(r / kk), kidx = (int)(r % kk), ki = kidx / kw, kj = kidx % kw;
        const int oy = (int)(pos / ow), ox = (int)(pos % ow);
        const int y = oy * sh - ph + ki * dh, x = ox * sw - pw + kj * dw;
        float v = 0.f;
        if (y >= 0 && y < h && x >= 0 && x < w) v = im[((i * c + ci) * h + y) * (long long)w + x];
        col[r * ld + i * p + pos] = v;
    }
}

__global__ void col2im_kernel(float *__restrict__ im, const float *__restrict__ col, long long total, int c, int h,
                              int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int oh, int ow,
                              long long ld)
{
    const long long p = (long long)oh * ow, kk = (long long)kh * kw;
    for (long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x; e < total;
         e += (long long)gridDim.x * blockDim.x) {
        const int x = (int)(e % w), y = (int)((e / w) % h);
        const long long q = e / ((long long)h * w), ci = q % c, i = q / c;
        im[e] = ob_col2im_pixel(col + ci * kk * ld + i * p, y, x, ld, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
    }
}

static ob_status launch_dims(unsigned *grid, int *block, long long total, const ob_launch_cfg *cfg)
{
    const int bx = ob_cfg_block_x(cfg, 256);
    OB_REQUIRE_BLOCK(bx % 32 == 0 && bx <= 1024, "im2col needs block_x a multiple of 32, at most 1024");
    const long long g = (total + bx - 1) / bx;
    *grid = (unsigned)(g < 65535 * 16 ? (g > 0 ? g : 1) : 65535 * 16);
    *block = bx;
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_im2col)(float *col, const float *im, const ob_im2col_geom *geom, int n, int64_t ld,
                                         const ob_launch_cfg *cfg)
{
    ob_im2col_geom g;
    OB_TRY(ob_im2col_prepare(&g, geom, n, ld));
    const long long total = (long long)n * g.c * g.kh * g.kw * g.oh * g.ow;
    unsigned grid = 1;
    int bx = 256;
    OB_TRY(launch_dims(&grid, &bx, total, cfg));
    OB_LAUNCH(im2col_kernel, dim3(grid), dim3((unsigned)bx), 0, ob_cfg_stream(cfg), col, im, total, g.c, g.h, g.w,
              g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow, (long long)ld);
    OB_CHECK_LAUNCH(im2col_kernel);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_col2im)(float *im, const float *col, const ob_im2col_geom *geom, int n, int64_t ld,
                                         const ob_launch_cfg *cfg)
{
    ob_im2col_geom g;
    OB_TRY(ob_im2col_prepare(&g, geom, n, ld));
    const long long total = (long long)n * g.c * g.h * g.w;
    unsigned grid = 1;
    int bx = 256;
    OB_TRY(launch_dims(&grid, &bx, total, cfg));
    OB_LAUNCH(col2im_kernel, dim3(grid), dim3((unsigned)bx), 0, ob_cfg_stream(cfg), im, col, total, g.c, g.h, g.w,
              g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow, (long long)ld);
    OB_CHECK_LAUNCH(col2im_kernel);
    return OB_OK;
}
