/* fuse_weights.cu — GPU path of fuse_weights.h (also built under cuda-emu).
 *
 * weights: one thread per pixel on 2-D blocks; each reads its own channel
 * values and the grey of its four neighbours (reflect-101 at the borders)
 * straight from the planes — neighbouring threads share those loads through
 * L1/L2, so no shared tile — then runs ob_fuse_weight, the CPU's arithmetic.
 * normalise: one thread per pixel, grid-stride, summing down the n planes
 * and dividing each. Both are memory-bound. */
#include "fuse_weights.h"
#include "ob_cuda_kernel.h"
#include "pyramid.h" /* ob_pyr_reflect */

/* grey of pixel `at` of img (c planes of `plane` floats) */
static __device__ __forceinline__ float grey_at(const float *__restrict__ img, int c, long long plane, long long at)
{
    return c == 1 ? img[at] : ob_fuse_grey(img[at], img[at + plane], img[at + 2 * plane]);
}

__global__ void fuse_weights_kernel(float *__restrict__ w, const float *__restrict__ img, int c, int h, int wd,
                                    ob_fuse_exponents e)
{
    const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= wd || y >= h) return;
    const long long plane = (long long)h * wd, row = (long long)y * wd, at = row + x;
    const float up = grey_at(img, c, plane, (long long)ob_pyr_reflect(y - 1, h) * wd + x);
    const float down = grey_at(img, c, plane, (long long)ob_pyr_reflect(y + 1, h) * wd + x);
    const float left = grey_at(img, c, plane, row + ob_pyr_reflect(x - 1, wd));
    const float right = grey_at(img, c, plane, row + ob_pyr_reflect(x + 1, wd));
    const float lap = ob_fuse_laplacian(up, down, left, right, grey_at(img, c, plane, at));
    w[at] = c == 1 ? ob_fuse_weight(lap, img[at], 0.0f, 0.0f, 0, e)
                   : ob_fuse_weight(lap, img[at], img[at + plane], img[at + 2 * plane], 1, e);
}

__global__ void fuse_normalize_kernel(float *w, int n, long long npix)
{
    const long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < npix; i += stride) {
        float sum = w[i];
        for (int j = 1; j < n; j++) sum += w[j * npix + i];
        for (int j = 0; j < n; j++) w[j * npix + i] = w[j * npix + i] / sum;
    }
}

extern "C" ob_status OB_GPU_FN(ob_fuse_weights)(float *w, const float *img, int c, int h, int wd,
                                               const ob_fuse_exponents *e, const ob_launch_cfg *cfg)
{
    OB_TRY(ob_fuse_check_image(c, h, wd));
    OB_TRY(ob_fuse_check_exponents(e, "fuse weights"));
    OB_REQUIRE(w && img, "fuse weights: null pointer");
    const int bx = ob_cfg_block_x(cfg, 32), by = ob_cfg_block_y(cfg, 8);
    OB_REQUIRE_BLOCK(bx % 32 == 0 && bx * by <= 1024, "fuse weights needs block_x a multiple of 32, at most 1024 threads");
    const unsigned gx = ob_ceil_div(wd, bx), gy = ob_ceil_div(h, by);
    OB_REQUIRE(gy <= 65535u, "fuse weights: height %d too large for one launch with block_y %d", h, by);
    OB_LAUNCH(fuse_weights_kernel, dim3(gx, gy), dim3((unsigned)bx, (unsigned)by), 0, ob_cfg_stream(cfg), w, img, c, h,
              wd, *e);
    OB_CHECK_LAUNCH(fuse_weights_kernel);
    return OB_OK;
}

extern "C" ob_status OB_GPU_FN(ob_fuse_normalize)(float *w, int n, size_t npix, const ob_launch_cfg *cfg)
{
    OB_REQUIRE(w, "fuse normalize: null pointer");
    OB_REQUIRE(n >= 1 && npix >= 1, "fuse normalize: %d exposures of %zu pixels", n, npix);
    const int bx = ob_cfg_block_x(cfg, 256);
    OB_REQUIRE_BLOCK(bx % 32 == 0 && bx <= 1024, "fuse normalize needs block_x a multiple of 32, at most 1024");
    const long long want = ((long long)npix + bx - 1) / bx;
    const unsigned gx = want < 65535 ? (unsigned)want : 65535u;
    OB_LAUNCH(fuse_normalize_kernel, dim3(gx), dim3((unsigned)bx), 0, ob_cfg_stream(cfg), w, n, (long long)npix);
    OB_CHECK_LAUNCH(fuse_normalize_kernel);
    return OB_OK;
}
