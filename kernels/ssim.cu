/* ssim.cu — GPU path of ssim.h (also built under cuda-emu).
 *
 * One block per tile of blockDim.x x blockDim.y output pixels (output = the
 * valid region; output (oy, ox) is centred on input (oy + 5, ox + 5)), one
 * thread per output pixel, blockIdx.z = plane. Stages, all in shared memory:
 *   load        the tile's input plus its 10-pixel apron, (TH+10) x (TW+10), of
 *               a and b, minus a per-block shift (the values at the tile centre)
 *               so that float moments do not cancel in uxx - ux^2 on flat areas;
 *   horizontal  11 taps along x for every input row -> five (TH+10) x TW maps
 *               (x, y, x*x, y*y, x*y);
 *   vertical    11 taps along y -> the five moments of the thread's pixel, then
 *               S in double (ob_ssim_from_moments, shared with the CPU path);
 *   reduce      block sum of S in double (block_sum.cuh) to partial[plane][by][bx];
 * the host adds each plane's partials in block order. Filtering is float32 on
 * shifted values; the parity test bounds the effect (atol 1e-6 on the mean). */
#include "block_sum.cuh"
#include "ssim.h"

#include <stdlib.h>

enum { APRON = OB_SSIM_WIN - 1, NMOM = 5, SMEM_LIMIT = 48 * 1024 };

/* Dynamic shared memory, in floats, for a tw x th tile. */
static inline size_t smem_floats(int tw, int th)
{
    return 2 * (size_t)(th + APRON) * (tw + APRON) + NMOM * (size_t)(th + APRON) * tw;
}

__global__ void ssim_tile_kernel(double *__restrict__ partial, const float *__restrict__ a,
                                 const float *__restrict__ b, int h, int w, ob_ssim_params p)
{
    OB_DYNAMIC_SHARED(float, smem);
    __shared__ double scratch[32];
    const int tw = blockDim.x, th = blockDim.y, iw = tw + APRON, ih = th + APRON;
    float *sa = smem, *sb = sa + ih * iw, *hm = sb + ih * iw; /* hm: (NMOM, ih, tw) */
    const size_t plane_off = (size_t)blockIdx.z * h * w;
    const float *pa = a + plane_off, *pb = b + plane_off;
    const int ox0 = blockIdx.x * tw, oy0 = blockIdx.y * th; /* also the input tile's origin */
    const int tid = threadIdx.y * tw + threadIdx.x, nt = tw * th;

    /* load: the shift is one pixel near the tile centre, the same for all threads */
    const int cy = min(oy0 + OB_SSIM_RADIUS + th / 2, h - 1), cx = min(ox0 + OB_SSIM_RADIUS + tw / 2, w - 1);
    const float shift_a = pa[(size_t)cy * w + cx], shift_b = pb[(size_t)cy * w + cx];
    for (int k = tid; k < ih * iw; k += nt) {
        const int gy = oy0 + k / iw, gx = ox0 + k % iw;
        const bool in = gy < h && gx < w;
        sa[k] = in ? pa[(size_t)gy * w + gx] - shift_a : 0.0f;
        sb[k] = in ? pb[(size_t)gy * w + gx] - shift_b : 0.0f;
    }
    __syncthreads();

    /* horizontal pass over every loaded row */
    for (int k = tid; k < ih * tw; k += nt) {
        const int row = k / tw, col = k % tw;
        const float *ra = sa + row * iw + col, *rb = sb + row * iw + col;
        float m0 = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0;
        for (int j = 0; j < OB_SSIM_WIN; j++) {
            const float xa = ra[j], xb = rb[j], ga = p.g[j] * xa, gb = p.g[j] * xb;
            m0 += ga, m1 += gb, m2 += ga * xa, m3 += gb * xb, m4 += ga * xb;
        }
        const int plane = ih * tw;
        hm[k] = m0, hm[plane + k] = m1, hm[2 * plane + k] = m2, hm[3 * plane + k] = m3, hm[4 * plane + k] = m4;
    }
    __syncthreads();

    /* vertical pass and S for this thread's output pixel */
    double s = 0;
    const int ox = ox0 + threadIdx.x, oy = oy0 + threadIdx.y;
    if (ox < w - APRON && oy < h - APRON) {
        float m[NMOM];
        for (int q = 0; q < NMOM; q++) {
            const float *col = hm + (size_t)q * ih * tw + threadIdx.y * tw + threadIdx.x;
            float acc = 0;
            for (int i = 0; i < OB_SSIM_WIN; i++) acc += p.g[i] * col[i * tw];
            m[q] = acc;
        }
        s = ob_ssim_from_moments(m[0], m[1], m[2], m[3], m[4], shift_a, shift_b, p.c1, p.c2);
    }
    s = ob_block_sum(s, scratch);
    if (tid == 0) partial[((size_t)blockIdx.z * gridDim.y + blockIdx.y) * gridDim.x + blockIdx.x] = s;
}

extern "C" ob_status OB_GPU_FN(ob_ssim)(double *ssim_per_plane, const float *a, const float *b, int planes, int h,
                                       int w, double data_range, const ob_launch_cfg *cfg)
{
    ob_ssim_params p;
    OB_TRY(ob_ssim_prepare(&p, planes, h, w, data_range));
    OB_REQUIRE(ssim_per_plane && a && b, "ssim: null pointer");
    const int tw = ob_cfg_block_x(cfg, 32), th = ob_cfg_block_y(cfg, 8);
    OB_REQUIRE_BLOCK(tw % 32 == 0 && tw * th <= 1024, "ssim needs block_x a multiple of 32 and at most 1024 threads");
    /* the 48 KiB a block gets without opt-in hold the dynamic part and scratch[32] */
    const size_t smem = smem_floats(tw, th) * sizeof(float);
    OB_REQUIRE(smem + 32 * sizeof(double) <= SMEM_LIMIT,
               "launch configuration: ssim tile %d x %d needs %zu bytes of shared memory (max %d)", tw, th,
               smem + 32 * sizeof(double), SMEM_LIMIT);
    const int ho = h - APRON, wo = w - APRON;
    const unsigned gx = ob_ceil_div(wo, tw), gy = ob_ceil_div(ho, th);
    OB_REQUIRE(gy <= 65535 && planes <= 65535, "ssim: %d planes of %d x %d need too large a grid", planes, h, w);
    const size_t nparts = (size_t)gx * gy * planes;
    ob_partials parts;
    OB_TRY(ob_partials_get(&parts, nparts, cfg, "ssim"));
    OB_LAUNCH(ssim_tile_kernel, dim3(gx, gy, (unsigned)planes), dim3(tw, th), smem, ob_cfg_stream(cfg), parts.dev, a,
              b, h, w, p);
    ob_status st = ob_partials_fetch(&parts, cfg, "ssim_tile_kernel");
    const double *host = parts.host;
    if (st == OB_OK) {
        const size_t per_plane = (size_t)gx * gy;
        for (int pl = 0; pl < planes; pl++) {
            double sum = 0;
            for (size_t i = 0; i < per_plane; i++) sum += host[pl * per_plane + i];
            ssim_per_plane[pl] = sum / ((double)ho * wo);
        }
    }
    ob_partials_put(&parts);
    return st;
}
