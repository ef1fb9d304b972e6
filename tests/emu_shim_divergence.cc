/* emu_shim_divergence.cc — barriers some threads never reach must be REPORTED:
 * the launch fails with cudaErrorLaunchFailure and a message naming the kernel,
 * the block, where the threads wait and which exited; nothing hangs or crashes,
 * and the next launch works normally. */
#include <stdio.h>
#include <string.h>

#include "ob_cuda_kernel.h"
#include "ob_test.h"

/* The textbook bug: an early return before __syncthreads. */
__global__ void early_return_then_sync(float *out, int n)
{
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    out[i] = 1.0f;
    __syncthreads(); /* SYNC_LINE */
    out[i] += 1.0f;
}

/* Half of each warp exits, the other half shuffles with the full mask. */
__global__ void shuffle_with_exited_lanes(int *out)
{
    const int lane = threadIdx.x & 31;
    if (lane >= 16) return;
    out[threadIdx.x] = __shfl_sync(0xffffffffu, lane * 10, 0);
}

/* Threads of one block at two different __syncthreads. */
__global__ void two_barriers(int *out)
{
    if (threadIdx.x < 16) {
        __syncthreads();
        out[threadIdx.x] = 1;
    } else {
        __syncthreads();
        out[threadIdx.x] = 2;
    }
}

/* Nobody exits, yet nothing can complete: half a warp waits at a shuffle, the
 * other half at __syncthreads. */
__global__ void cross_deadlock(int *out)
{
    int v = threadIdx.x;
    if ((threadIdx.x & 31) < 16) v = __shfl_sync(0xffffffffu, v, 3);
    else __syncthreads();
    out[threadIdx.x] = v;
}

/* A mask that leaves out the calling lane. */
__global__ void mask_without_self(int *out) { out[threadIdx.x] = __shfl_sync(0x1u, (int)threadIdx.x, 0); }

/* A barrier-using kernel that is fine, to show the shim recovers. */
__global__ void healthy(int *out)
{
    __shared__ int s[64];
    s[threadIdx.x] = threadIdx.x;
    __syncthreads();
    out[threadIdx.x] = s[63 - threadIdx.x] + __shfl_xor_sync(0xffffffffu, 0, 1);
}

static int contains(const char *hay, const char *needle) { return strstr(hay, needle) != NULL; }

#define EXPECT_FAILURE(launch_expr, ...)                                                                   \
    do {                                                                                                   \
        launch_expr;                                                                                       \
        cudaError_t e_ = cudaGetLastError();                                                               \
        OB_CHECK(e_ == cudaErrorLaunchFailure, "%s: expected cudaErrorLaunchFailure, got %s", #launch_expr, \
                 cudaGetErrorName(e_));                                                                    \
        const char *d_ = ob_emu_last_diagnostic();                                                         \
        const char *needles_[] = {__VA_ARGS__};                                                            \
        for (size_t k_ = 0; k_ < sizeof needles_ / sizeof *needles_; k_++)                                 \
            OB_CHECK(contains(d_, needles_[k_]), "diagnostic lacks \"%s\": %s", needles_[k_], d_);          \
        OB_CHECK(contains(ob_last_error(), d_), "ob_last_error carries the diagnostic: %s", ob_last_error()); \
        printf("reported: %s\n", d_);                                                                      \
    } while (0)

static ob_status launch_early_return(float *out, int n, int block)
{
    OB_LAUNCH(early_return_then_sync, ob_ceil_div(n, block), block, 0, 0, out, n);
    OB_CHECK_LAUNCH(early_return_then_sync);
    return OB_OK;
}

static int line_of(const char *marker)
{
    /* the line of __syncthreads in early_return_then_sync, found in this file */
    FILE *f = fopen(__FILE__, "r");
    if (!f) return -1;
    char buf[512];
    int line = 0, found = -1;
    while (fgets(buf, sizeof buf, f)) {
        line++;
        if (strstr(buf, marker) && strstr(buf, "__syncthreads")) {
            found = line;
            break;
        }
    }
    fclose(f);
    return found;
}

int main(void)
{
    float *f = ob_gpu_alloc(1000);
    int out_host[256], *out = out_host; /* a pointer: the launch lambda copies its captures */

    /* whole blocks: fine */
    OB_CHECK_OK(launch_early_return(f, 512, 128));

    /* 1000 = 7 * 128 + 104: the last block has 24 threads that returned early */
    char site[64];
    int line = line_of("SYNC_LINE");
    snprintf(site, sizeof site, "emu_shim_divergence.cc:%d", line);
    EXPECT_FAILURE(OB_LAUNCH(early_return_then_sync, 8, 128, 0, 0, f, 1000), "early_return_then_sync",
                   "block (7,0,0)", "__syncthreads", site, "threads 0-103 waiting", "exited: threads 104-127");

    /* the same through a launcher: ob_status + ob_last_error with the reason */
    ob_clear_error();
    ob_status st = launch_early_return(f, 1000, 128);
    OB_CHECK(st == OB_ERR_CUDA, "launcher returns OB_ERR_CUDA, got %d", (int)st);
    OB_CHECK(contains(ob_last_error(), "cudaErrorLaunchFailure") && contains(ob_last_error(), "exited: threads 104-127"),
             "launcher message: %s", ob_last_error());
    printf("launcher says: %s\n", ob_last_error());

    EXPECT_FAILURE(OB_LAUNCH(shuffle_with_exited_lanes, 1, 64, 0, 0, out), "shuffle_with_exited_lanes",
                   "__shfl_sync(mask 0xffffffff)", "warp 0 lanes 0-15 waiting for exited lanes 16-31");
    EXPECT_FAILURE(OB_LAUNCH(two_barriers, 1, 64, 0, 0, out), "two_barriers", "different __syncthreads",
                   "threads 0-15", "threads 16-63");
    EXPECT_FAILURE(OB_LAUNCH(cross_deadlock, 1, 64, 0, 0, out), "cross_deadlock", "__syncthreads at",
                   "lanes 16-31 that wait elsewhere");
    EXPECT_FAILURE(OB_LAUNCH(mask_without_self, 1, 32, 0, 0, out), "mask_without_self",
                   "does not name its own lane");

    /* random block order: the failing block is still found and named */
    ob_emu_set_block_order(42);
    EXPECT_FAILURE(OB_LAUNCH(early_return_then_sync, 8, 128, 0, 0, f, 1000), "block (7,0,0)");
    ob_emu_set_block_order(0);

    /* and the shim is healthy afterwards */
    memset(out_host, 0, sizeof out_host);
    OB_LAUNCH(healthy, 1, 64, 0, 0, out);
    OB_CHECK(cudaGetLastError() == cudaSuccess, "healthy kernel launches");
    OB_CHECK(ob_emu_last_diagnostic()[0] == '\0', "no diagnostic after a good launch");
    int bad = 0;
    for (int i = 0; i < 64; i++) bad += out[i] != 63 - i;
    OB_CHECK(bad == 0, "healthy kernel computes (%d wrong)", bad);
    ob_gpu_free(f);
    return ob_test_finish();
}
