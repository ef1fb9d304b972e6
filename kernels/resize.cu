/* resize.cu — GPU path of resize.h (also built under cuda-emu).
 *
 * One thread per output pixel on a 2-D grid of 2-D blocks (x along the output
 * row, so a warp writes a contiguous run and reads neighbouring source pixels);
 * grid.z walks the planes (looping when there are more than 65535), so a
 * thread's taps and weights, computed once from resize_taps.h, serve every
 * plane. The sum has the CPU path's nesting (vertical taps inside, horizontal
 * outside), so the two differ only by rounding (nvcc contracts to FMA).
 * Fixed-support methods keep their <= 4 weights in registers (loops over a
 * constant bound, which nvcc unrolls fully, so nothing goes to local memory —
 * the build's -warn-lmem-usage would fail otherwise); area, whose tap
 * count grows with the factor, computes each weight where it is used. */
#include "ob_cuda_kernel.h"
#include "resize.h"
#include "resize_taps.h"

/* nearest, bilinear, bicubic: out (planes, out_h, out_w) <- in (planes, in_h, in_w) */
__global__ void resize_fixed_kernel(float *__restrict__ out, const float *__restrict__ in, int planes, int in_h,
                                    int in_w, int out_h, int out_w, int method)
{
    const int dx = blockIdx.x * blockDim.x + threadIdx.x, dy = blockIdx.y * blockDim.y + threadIdx.y;
    if (dx >= out_w || dy >= out_h) return;
    const ob_resize_method m = (ob_resize_method)method;
    int x0, y0;
    float wx[OB_RESIZE_MAX_FIXED_TAPS], wy[OB_RESIZE_MAX_FIXED_TAPS];
    const int kx = ob_resize_fixed_taps(m, dx, in_w, out_w, &x0, wx);
    const int ky = ob_resize_fixed_taps(m, dy, in_h, out_h, &y0, wy);
    int xs[OB_RESIZE_MAX_FIXED_TAPS], ys[OB_RESIZE_MAX_FIXED_TAPS];
    for (int t = 0; t < OB_RESIZE_MAX_FIXED_TAPS; t++) {
        xs[t] = ob_resize_clamp(x0 + t, in_w);
        ys[t] = ob_resize_clamp(y0 + t, in_h) * in_w;
    }
    const long long plane_in = (long long)in_h * in_w, plane_out = (long long)out_h * out_w;
    for (long long p = blockIdx.z; p < planes; p += gridDim.z) {
        const float *src = in + p * plane_in;
        float acc = 0.f;
        for (int j = 0; j < OB_RESIZE_MAX_FIXED_TAPS; j++) {
            if (j >= kx) break;
            float col = 0.f;
            for (int i = 0; i < OB_RESIZE_MAX_FIXED_TAPS; i++) {
                if (i >= ky) break;
                col += wy[i] * src[ys[i] + xs[j]];
            }
            acc += wx[j] * col;
        }
        out[p * plane_out + (long long)dy * out_w + dx] = acc;
    }
}

/* area (in >= out on both axes): exact covered fractions, computed per tap */
__global__ void resize_area_kernel(float *__restrict__ out, const float *__restrict__ in, int planes, int in_h,
                                   int in_w, int out_h, int out_w)
{
    const int dx = blockIdx.x * blockDim.x + threadIdx.x, dy = blockIdx.y * blockDim.y + threadIdx.y;
    if (dx >= out_w || dy >= out_h) return;
    int x0, y0;
    const int kx = ob_resize_area_span(dx, in_w, out_w, &x0);
    const int ky = ob_resize_area_span(dy, in_h, out_h, &y0);
    const long long plane_in = (long long)in_h * in_w, plane_out = (long long)out_h * out_w;
    for (long long p = blockIdx.z; p < planes; p += gridDim.z) {
        const float *src = in + p * plane_in;
        float acc = 0.f;
        for (int j = 0; j < kx; j++) {
            const int x = x0 + j; /* spans of a downscale stay inside 0..in-1 */
            float col = 0.f;
            for (int i = 0; i < ky; i++)
                col += ob_resize_area_weight(y0 + i, dy, in_h, out_h) * src[(long long)(y0 + i) * in_w + x];
            acc += ob_resize_area_weight(x, dx, in_w, out_w) * col;
        }
        out[p * plane_out + (long long)dy * out_w + dx] = acc;
    }
}

/* bicubic-aa: spans and weights per axis from resize_taps.h, each weight
 * computed where it is used (the tap count grows with the factor) */
__global__ void resize_aa_kernel(float *__restrict__ out, const float *__restrict__ in, int planes, int in_h,
                                 int in_w, int out_h, int out_w)
{
    const int dx = blockIdx.x * blockDim.x + threadIdx.x, dy = blockIdx.y * blockDim.y + threadIdx.y;
    if (dx >= out_w || dy >= out_h) return;
    int x0, y0;
    const int kx = ob_resize_aa_span(dx, in_w, out_w, &x0), ky = ob_resize_aa_span(dy, in_h, out_h, &y0);
    const double nx = ob_resize_aa_norm(dx, in_w, out_w, x0, kx), ny = ob_resize_aa_norm(dy, in_h, out_h, y0, ky);
    const long long plane_in = (long long)in_h * in_w, plane_out = (long long)out_h * out_w;
    for (long long p = blockIdx.z; p < planes; p += gridDim.z) {
        const float *src = in + p * plane_in;
        float acc = 0.f;
        for (int j = 0; j < kx; j++) {
            const int x = ob_resize_clamp(x0 + j, in_w);
            float col = 0.f;
            for (int i = 0; i < ky; i++)
                col += ob_resize_aa_weight(y0 + i, dy, in_h, out_h, ny) *
                       src[(long long)ob_resize_clamp(y0 + i, in_h) * in_w + x];
            acc += ob_resize_aa_weight(x0 + j, dx, in_w, out_w, nx) * col;
        }
        out[p * plane_out + (long long)dy * out_w + dx] = acc;
    }
}

extern "C" ob_status OB_GPU_FN(ob_resize)(float *out, const float *in, int planes, int in_h, int in_w, int out_h,
                                         int out_w, ob_resize_method m, const ob_launch_cfg *cfg)
{
    OB_TRY(ob_resize_check_sizes(planes, in_h, in_w, out_h, out_w, m));
    const int bx = ob_cfg_block_x(cfg, 32), by = ob_cfg_block_y(cfg, 8);
    OB_REQUIRE_BLOCK(bx % 32 == 0 && bx <= 1024 && by <= 1024 && bx * by <= 1024, "resize needs block_x a multiple of 32 and block_x*block_y <= 1024");
    const unsigned gx = ob_ceil_div(out_w, bx), gy = ob_ceil_div(out_h, by);
    OB_REQUIRE(gy <= 65535u, "resize: output height %d too large for one launch with block_y %d", out_h, by);
    const unsigned gz = planes < 65535 ? (unsigned)planes : 65535u;
    const dim3 grid(gx, gy, gz), block((unsigned)bx, (unsigned)by, 1);
    if (m == OB_RESIZE_BICUBIC_AA) {
        OB_LAUNCH(resize_aa_kernel, grid, block, 0, ob_cfg_stream(cfg), out, in, planes, in_h, in_w, out_h, out_w);
        OB_CHECK_LAUNCH(resize_aa_kernel);
    } else if (m == OB_RESIZE_AREA) {
        OB_LAUNCH(resize_area_kernel, grid, block, 0, ob_cfg_stream(cfg), out, in, planes, in_h, in_w, out_h, out_w);
        OB_CHECK_LAUNCH(resize_area_kernel);
    } else {
        OB_LAUNCH(resize_fixed_kernel, grid, block, 0, ob_cfg_stream(cfg), out, in, planes, in_h, in_w, out_h, out_w,
                  (int)m);
        OB_CHECK_LAUNCH(resize_fixed_kernel);
    }
    return OB_OK;
}
