/* gpu_kernels.cu — times every hand-written kernel on a real GPU with CUDA events
 * and reports achieved bandwidth against the device's measured copy bandwidth
 * (cudaMemcpy device-to-device, counted as read + write). Built only with CUDA;
 * run by bench/gpu_check. Median of 50 launches after 5 warm-ups. */
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bilateral_grid.h"
#include "hdr_merge.h"
#include "masked_ssd.h"
#include "minmax.h"
#include "pixel_shuffle.h"
#include "pyramid.h"
#include "psnr.h"
#include "resize.h"
#include "ssim.h"

#define CK(call)                                                                               \
    do {                                                                                       \
        cudaError_t e_ = (call);                                                               \
        if (e_ != cudaSuccess) {                                                               \
            fprintf(stderr, "gpu_kernels: error: %s: %s\n", #call, cudaGetErrorString(e_));    \
            exit(1);                                                                           \
        }                                                                                      \
    } while (0)
#define OK(call)                                                                               \
    do {                                                                                       \
        if ((call) != OB_OK) {                                                                 \
            fprintf(stderr, "gpu_kernels: error: %s: %s\n", #call, ob_last_error());           \
            exit(1);                                                                           \
        }                                                                                      \
    } while (0)

template <class F> static double median_ms(F launch)
{
    cudaEvent_t a, b;
    CK(cudaEventCreate(&a));
    CK(cudaEventCreate(&b));
    for (int i = 0; i < 5; i++) launch();
    CK(cudaDeviceSynchronize());
    std::vector<float> t;
    for (int i = 0; i < 50; i++) {
        CK(cudaEventRecord(a));
        launch();
        CK(cudaEventRecord(b));
        CK(cudaEventSynchronize(b));
        float ms;
        CK(cudaEventElapsedTime(&ms, a, b));
        t.push_back(ms);
    }
    std::sort(t.begin(), t.end());
    CK(cudaEventDestroy(a));
    CK(cudaEventDestroy(b));
    return t[t.size() / 2];
}

static float *device_random(size_t n, unsigned seed)
{
    std::vector<float> h(n);
    srand(seed);
    for (auto &v : h) v = (float)rand() / RAND_MAX;
    float *d;
    CK(cudaMalloc(&d, n * sizeof(float)));
    CK(cudaMemcpy(d, h.data(), n * sizeof(float), cudaMemcpyHostToDevice));
    return d;
}

static void report(const char *name, double ms, double bytes, double copy_gbs)
{
    double gbs = bytes / (ms * 1e-3) / 1e9;
    printf("%-44s %9.4f ms %9.1f GB/s  %5.1f%% of copy\n", name, ms, gbs, 100.0 * gbs / copy_gbs);
}

int main()
{
    cudaDeviceProp p;
    CK(cudaGetDeviceProperties(&p, 0));
    printf("device: %s, %d SMs, %.1f GiB\n", p.name, p.multiProcessorCount, p.totalGlobalMem / 1073741824.0);

    const size_t copy_n = (size_t)64 << 20; /* 256 MiB of float */
    float *src = device_random(copy_n, 1), *dst;
    CK(cudaMalloc(&dst, copy_n * sizeof(float)));
    double copy_ms = median_ms([&] { CK(cudaMemcpy(dst, src, copy_n * sizeof(float), cudaMemcpyDeviceToDevice)); });
    double copy_gbs = 2.0 * copy_n * sizeof(float) / (copy_ms * 1e-3) / 1e9;
    printf("%-44s %9.4f ms %9.1f GB/s  (the ceiling below)\n", "cudaMemcpy D2D 256 MiB", copy_ms, copy_gbs);

    { /* ESPCN-sized pixel shuffle: (64, 9, 170, 170) -> (64, 1, 510, 510) */
        int n = 64, c = 1, h = 170, w = 170, r = 3;
        size_t total = (size_t)n * c * r * r * h * w;
        float *x = device_random(total, 2), *y;
        CK(cudaMalloc(&y, total * sizeof(float)));
        double ms = median_ms([&] { OK(ob_pixel_shuffle_cuda(y, x, n, c, h, w, r, NULL)); });
        report("pixel_shuffle r3 (64,9,170,170)", ms, 2.0 * total * 4, copy_gbs);
        ms = median_ms([&] { OK(ob_pixel_unshuffle_cuda(x, y, n, c, h, w, r, NULL)); });
        report("pixel_unshuffle r3 (64,1,510,510)", ms, 2.0 * total * 4, copy_gbs);
        CK(cudaFree(x));
        CK(cudaFree(y));
    }
    { /* resize 4K RGB planes */
        const int planes = 3, ih = 2160, iw = 3840;
        float *in = device_random((size_t)planes * ih * iw, 3), *out;
        CK(cudaMalloc(&out, (size_t)planes * ih * iw * 4 * sizeof(float)));
        const ob_resize_method ms_[4] = {OB_RESIZE_NEAREST, OB_RESIZE_BILINEAR, OB_RESIZE_BICUBIC, OB_RESIZE_AREA};
        for (auto m : ms_) {
            int oh = m == OB_RESIZE_AREA ? ih / 3 : ih * 2 / 3, ow = m == OB_RESIZE_AREA ? iw / 3 : iw * 2 / 3;
            double ms = median_ms([&] { OK(ob_resize_cuda(out, in, planes, ih, iw, oh, ow, m, NULL)); });
            char name[96];
            snprintf(name, sizeof name, "resize %s 3x2160x3840 -> %dx%d", ob_resize_method_name(m), ow, oh);
            report(name, ms, ((double)planes * ih * iw + (double)planes * oh * ow) * 4, copy_gbs);
        }
        CK(cudaFree(in));
        CK(cudaFree(out));
    }
    { /* SSIM and MSE on a 4K RGB pair */
        const int planes = 3, h = 2160, w = 3840;
        size_t n = (size_t)planes * h * w;
        float *a = device_random(n, 4), *b = device_random(n, 5);
        double per_plane[3], mse;
        double ms = median_ms([&] { OK(ob_ssim_cuda(per_plane, a, b, planes, h, w, 1.0, NULL)); });
        report("ssim 3x2160x3840", ms, 2.0 * n * 4, copy_gbs);
        ms = median_ms([&] { OK(ob_mse_cuda(&mse, a, b, n, NULL)); });
        report("mse 3x2160x3840", ms, 2.0 * n * 4, copy_gbs);
        CK(cudaFree(a));
        CK(cudaFree(b));
    }
    { /* bilateral grid on 4 MP, sigma_s 16, sigma_r 0.1 (grid alloc + range included) */
        const int h = 2048, w = 2048;
        float *in = device_random((size_t)h * w, 6), *out;
        CK(cudaMalloc(&out, (size_t)h * w * sizeof(float)));
        double ms = median_ms([&] { OK(ob_bilateral_grid_cuda(out, in, in, h, w, 16.0f, 0.1f, NULL, NULL)); });
        report("bilateral grid 2048x2048 s16 r0.1", ms, 2.0 * h * w * 4, copy_gbs);
        float mn, mx;
        ms = median_ms([&] { OK(ob_minmax_cuda(&mn, &mx, in, 1, (size_t)h * w, NULL)); });
        report("minmax 2048x2048", ms, 1.0 * h * w * 4, copy_gbs);
        CK(cudaFree(in));
        CK(cudaFree(out));
    }
    { /* HDR merge: 16 exposures of 3x512x768, 256-bin response */
        const int n_exp = 16, c = 3;
        const size_t n = 512 * 768;
        const float *planes[n_exp];
        double times[n_exp];
        for (int j = 0; j < n_exp; j++) {
            planes[j] = device_random(c * n, 10 + j);
            times[j] = 1e-3 * (1 << j);
        }
        std::vector<float> g_host(c * 256);
        for (int i = 0; i < c * 256; i++) g_host[i] = 0.01f * (i % 256) - 1.28f;
        float *g, *ln_e;
        CK(cudaMalloc(&g, g_host.size() * sizeof(float)));
        CK(cudaMemcpy(g, g_host.data(), g_host.size() * sizeof(float), cudaMemcpyHostToDevice));
        CK(cudaMalloc(&ln_e, c * n * sizeof(float)));
        double ms = median_ms([&] { OK(ob_hdr_merge_cuda(ln_e, planes, times, n_exp, c, n, g, 256, NULL)); });
        report("hdr merge 16 x 3x512x768", ms, (n_exp + 1.0) * c * n * 4, copy_gbs);
        for (int j = 0; j < n_exp; j++) CK(cudaFree((void *)planes[j]));
        CK(cudaFree(g));
        CK(cudaFree(ln_e));
    }
    { /* masked SSD: quilting's L-shaped overlap, 3x256x256 sample, patch 31, overlap 6 */
        const int c = 3, h = 256, w = 256, p = 31, ov = 6;
        float *sample = device_random((size_t)c * h * w, 30), *templ = device_random((size_t)c * p * p, 31), *cost;
        CK(cudaMalloc(&cost, (size_t)(h - p + 1) * (w - p + 1) * sizeof(float)));
        double ms = median_ms([&] { OK(ob_masked_ssd_cuda(cost, sample, templ, NULL, c, h, w, p, p, ov, ov, NULL)); });
        report("masked ssd 3x256x256 p31 ov6", ms, (double)c * h * w * 4, copy_gbs);
        CK(cudaFree(sample));
        CK(cudaFree(templ));
        CK(cudaFree(cost));
    }
    { /* Gaussian pyramid reduce, 3x2048x2048 -> 3x1024x1024 */
        const int planes = 3, h = 2048, w = 2048;
        float *in = device_random((size_t)planes * h * w, 40), *out;
        CK(cudaMalloc(&out, (size_t)planes * (h / 2) * (w / 2) * sizeof(float)));
        double ms = median_ms([&] { OK(ob_pyr_reduce_cuda(out, in, planes, h, w, NULL)); });
        report("pyramid reduce 3x2048x2048", ms, 1.25 * planes * h * w * 4, copy_gbs);
        CK(cudaFree(in));
        CK(cudaFree(out));
    }
    CK(cudaFree(src));
    CK(cudaFree(dst));
    return 0;
}
