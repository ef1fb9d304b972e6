/* gpu_kernels.cu — times the hand-written kernels on a real GPU with CUDA events
 * and reports achieved bandwidth against the device's measured copy bandwidth
 * (cudaMemcpyAsync device-to-device, counted as read + write). Built only with
 * CUDA; run by bench/gpu_check. Median of 50 launches after 5 warm-ups.
 *
 * Every launch goes on one non-blocking stream with a workspace (ob_workspace.h)
 * as a context lends them, so the warm-ups grow the scratch and the timed
 * launches allocate nothing: the times are the kernels' and their small
 * result reads, net of allocation. One line shows ssim with no workspace (the
 * one-off path that allocates and frees per call) for comparison. */
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bilateral_grid.h"
#include "bn_stats.h"
#include "eltwise.h"
#include "hdr_merge.h"
#include "im2col.h"
#include "loss.h"
#include "masked_ssd.h"
#include "minmax.h"
#include "ob_workspace.h"
#include "optim.h"
#include "pixel_shuffle.h"
#include "pyramid.h"
#include "psnr.h"
#include "resize.h"
#include "ssim.h"
#include "tonemap.h"

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

static cudaStream_t g_stream; /* every launch and event */

template <class F> static double median_ms(F launch)
{
    cudaEvent_t a, b;
    CK(cudaEventCreate(&a));
    CK(cudaEventCreate(&b));
    for (int i = 0; i < 5; i++) launch();
    CK(cudaStreamSynchronize(g_stream));
    std::vector<float> t;
    for (int i = 0; i < 50; i++) {
        CK(cudaEventRecord(a, g_stream));
        launch();
        CK(cudaEventRecord(b, g_stream));
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

    CK(cudaStreamCreateWithFlags(&g_stream, cudaStreamNonBlocking));
    ob_workspace ws;
    ob_workspace_init_device(&ws, g_stream);
    const ob_launch_cfg cfg_ws = {0, 0, g_stream, &ws}, cfg_no_ws = {0, 0, g_stream, NULL};
    const ob_launch_cfg *cfg = &cfg_ws;

    const size_t copy_n = (size_t)64 << 20; /* 256 MiB of float */
    float *src = device_random(copy_n, 1), *dst;
    CK(cudaMalloc(&dst, copy_n * sizeof(float)));
    double copy_ms = median_ms([&] { CK(cudaMemcpyAsync(dst, src, copy_n * sizeof(float), cudaMemcpyDeviceToDevice, g_stream)); });
    double copy_gbs = 2.0 * copy_n * sizeof(float) / (copy_ms * 1e-3) / 1e9;
    printf("%-44s %9.4f ms %9.1f GB/s  (the ceiling below)\n", "cudaMemcpyAsync D2D 256 MiB", copy_ms, copy_gbs);

    { /* ESPCN-sized pixel shuffle: (64, 9, 170, 170) -> (64, 1, 510, 510) */
        int n = 64, c = 1, h = 170, w = 170, r = 3;
        size_t total = (size_t)n * c * r * r * h * w;
        float *x = device_random(total, 2), *y;
        CK(cudaMalloc(&y, total * sizeof(float)));
        double ms = median_ms([&] { OK(ob_pixel_shuffle_cuda(y, x, n, c, h, w, r, cfg)); });
        report("pixel_shuffle r3 (64,9,170,170)", ms, 2.0 * total * 4, copy_gbs);
        ms = median_ms([&] { OK(ob_pixel_unshuffle_cuda(x, y, n, c, h, w, r, cfg)); });
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
            double ms = median_ms([&] { OK(ob_resize_cuda(out, in, planes, ih, iw, oh, ow, m, cfg)); });
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
        double ms = median_ms([&] { OK(ob_ssim_cuda(per_plane, a, b, planes, h, w, 1.0, cfg)); });
        report("ssim 3x2160x3840", ms, 2.0 * n * 4, copy_gbs);
        ms = median_ms([&] { OK(ob_ssim_cuda(per_plane, a, b, planes, h, w, 1.0, &cfg_no_ws)); });
        report("ssim 3x2160x3840 (no workspace: per-call alloc)", ms, 2.0 * n * 4, copy_gbs);
        ms = median_ms([&] { OK(ob_mse_cuda(&mse, a, b, n, cfg)); });
        report("mse 3x2160x3840", ms, 2.0 * n * 4, copy_gbs);
        CK(cudaFree(a));
        CK(cudaFree(b));
    }
    { /* bilateral grid on 4 MP, sigma_s 16, sigma_r 0.1 (range and grids from the workspace) */
        const int h = 2048, w = 2048;
        float *in = device_random((size_t)h * w, 6), *out;
        CK(cudaMalloc(&out, (size_t)h * w * sizeof(float)));
        double ms = median_ms([&] { OK(ob_bilateral_grid_cuda(out, in, in, h, w, 16.0f, 0.1f, NULL, cfg)); });
        report("bilateral grid 2048x2048 s16 r0.1", ms, 2.0 * h * w * 4, copy_gbs);
        float mn, mx;
        ms = median_ms([&] { OK(ob_minmax_cuda(&mn, &mx, in, 1, (size_t)h * w, cfg)); });
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
        double ms = median_ms([&] { OK(ob_hdr_merge_cuda(ln_e, planes, times, n_exp, c, n, g, 256, cfg)); });
        report("hdr merge 16 x 3x512x768", ms, (n_exp + 1.0) * c * n * 4, copy_gbs);
        for (int j = 0; j < n_exp; j++) CK(cudaFree((void *)planes[j]));
        CK(cudaFree(g));
        CK(cudaFree(ln_e));
    }
    { /* masked SSD: quilting's L-shaped overlap, 3x256x256 sample, patch 31, overlap 6 */
        const int c = 3, h = 256, w = 256, p = 31, ov = 6;
        float *sample = device_random((size_t)c * h * w, 30), *templ = device_random((size_t)c * p * p, 31), *cost;
        CK(cudaMalloc(&cost, (size_t)(h - p + 1) * (w - p + 1) * sizeof(float)));
        double ms = median_ms([&] { OK(ob_masked_ssd_cuda(cost, sample, templ, NULL, c, h, w, p, p, ov, ov, cfg)); });
        report("masked ssd 3x256x256 p31 ov6", ms, (double)c * h * w * 4, copy_gbs);
        CK(cudaFree(sample));
        CK(cudaFree(templ));
        CK(cudaFree(cost));
    }
    { /* Gaussian pyramid reduce, 3x2048x2048 -> 3x1024x1024 */
        const int planes = 3, h = 2048, w = 2048;
        float *in = device_random((size_t)planes * h * w, 40), *out;
        CK(cudaMalloc(&out, (size_t)planes * (h / 2) * (w / 2) * sizeof(float)));
        double ms = median_ms([&] { OK(ob_pyr_reduce_cuda(out, in, planes, h, w, cfg)); });
        report("pyramid reduce 3x2048x2048", ms, 1.25 * planes * h * w * 4, copy_gbs);
        CK(cudaFree(in));
        CK(cudaFree(out));
    }
    { /* ESPCN x3's training step, batch 64 of 17x17: conv1's im2col, tanh, MSE, Adam over its weights */
        const int n = 64;
        ob_im2col_geom g = {};
        g.c = 1, g.h = 17, g.w = 17, g.kh = 5, g.kw = 5, g.sh = 1, g.sw = 1, g.ph = 2, g.pw = 2, g.dh = 1, g.dw = 1;
        OK(ob_im2col_check(&g));
        const int64_t cols = (int64_t)n * g.oh * g.ow, rows = (int64_t)g.c * g.kh * g.kw;
        float *im = device_random((size_t)n * 17 * 17, 50), *col;
        CK(cudaMalloc(&col, (size_t)(rows * cols) * sizeof(float)));
        double ms = median_ms([&] { OK(ob_im2col_cuda(col, im, &g, n, cols, cfg)); });
        report("im2col 5x5 pad 2 (64,1,17,17)", ms, (double)(rows * cols + n * 17 * 17) * 4, copy_gbs);
        const size_t act = (size_t)n * 64 * 17 * 17; /* conv1's output */
        float *x = device_random(act, 51), *y;
        CK(cudaMalloc(&y, act * sizeof(float)));
        ms = median_ms([&] { OK(ob_act_forward_cuda(y, x, (int64_t)act, OB_ACT_TANH, 0.0f, cfg)); });
        report("tanh forward (64,64,17,17)", ms, 2.0 * act * 4, copy_gbs);
        const size_t out = (size_t)n * 51 * 51;
        float *pred = device_random(out, 52), *target = device_random(out, 53), *grad;
        CK(cudaMalloc(&grad, out * sizeof(float)));
        double sum;
        ms = median_ms([&] {
            OK(ob_loss_pointwise_cuda(&sum, NULL, grad, NULL, pred, target, (int64_t)out, OB_LOSS_MSE, 1.0f / out, cfg));
        });
        report("mse loss + grad (64,1,51,51)", ms, 3.0 * out * 4, copy_gbs);
        /* the training loop's form: the sum stays on the device (no read back) */
        double *total;
        CK(cudaMalloc(&total, 4 * sizeof(double)));
        CK(cudaMemsetAsync(total, 0, 4 * sizeof(double), g_stream));
        const ob_loss_acc acc = {total, 1.0 / out, 64.0, 0.0};
        ms = median_ms([&] {
            OK(ob_loss_pointwise_cuda(NULL, &acc, grad, NULL, pred, target, (int64_t)out, OB_LOSS_MSE, 1.0f / out, cfg));
        });
        report("mse loss + grad into the running loss", ms, 3.0 * out * 4, copy_gbs);
        CK(cudaFree(total));
        const int64_t k = 10, rows_ce = 4096;
        float *logits = device_random((size_t)(rows_ce * k), 54), *gl;
        CK(cudaMalloc(&gl, (size_t)(rows_ce * k) * sizeof(float)));
        std::vector<int32_t> labels(rows_ce);
        for (int64_t i = 0; i < rows_ce; i++) labels[i] = (int32_t)(i % k);
        ms = median_ms([&] {
            OK(ob_loss_cross_entropy_cuda(&sum, NULL, gl, logits, labels.data(), OB_HOST, rows_ce, (int)k, 1.0f / rows_ce, cfg));
        });
        report("cross-entropy (4096,10), labels staged", ms, 2.0 * rows_ce * k * 4, copy_gbs);
        const int64_t np = 1 << 20; /* a million parameters */
        float *w = device_random(np, 55), *m = device_random(np, 56), *v = device_random(np, 57), *gw = device_random(np, 58);
        ob_adam_step st;
        OK(ob_adam_prepare(&st, 1e-3, 0.9, 0.999, 1e-8, 0.0, 0, 10));
        ms = median_ms([&] { OK(ob_adam_update_cuda(w, m, v, gw, np, &st, cfg)); });
        report("adam update 1M parameters", ms, 7.0 * np * 4, copy_gbs);
        float *bw = device_random(128, 61), *brm = device_random(128, 62), *brv = device_random(128, 63);
        float *bm, *binv, *bsc;
        CK(cudaMalloc(&bm, 128 * sizeof(float)));
        CK(cudaMalloc(&binv, 128 * sizeof(float)));
        CK(cudaMalloc(&bsc, 128 * sizeof(float)));
        ms = median_ms([&] { OK(ob_bn_eval_stats_cuda(bm, binv, bsc, bw, brm, brv, 128, 1e-5f, cfg)); });
        report("batch-norm eval statistics, 128 channels", ms, 6.0 * 128 * 4, copy_gbs);
        ms = median_ms([&] { OK(ob_bn_count_cuda(bm, cfg)); });
        report("batch-norm batch counter", ms, 8.0, copy_gbs);
        for (float *p : {bw, brm, brv, bm, binv, bsc}) CK(cudaFree(p));
        for (float *p : {im, col, x, y, pred, target, grad, logits, gl, w, m, v, gw}) CK(cudaFree(p));
    }
    { /* tone-mapping statistics (min, max, log-mean) of a 4K luminance plane */
        const size_t n = (size_t)2160 * 3840;
        float *l = device_random(n, 60);
        ob_tonemap_stats st;
        double ms = median_ms([&] { OK(ob_tonemap_stats_cuda(&st, l, n, cfg)); });
        report("tonemap stats 2160x3840", ms, 1.0 * n * 4, copy_gbs);
        CK(cudaFree(l));
    }
    CK(cudaStreamSynchronize(g_stream));
    ob_workspace_release(&ws);
    CK(cudaFree(src));
    CK(cudaFree(dst));
    CK(cudaStreamDestroy(g_stream));
    return 0;
}
