/* emu_shim_launch.cc — what the shim enforces and provides around a launch:
 * configuration limits (refused with the sticky error, a reason naming the kernel,
 * nothing run), the dynamic shared memory opt-in, NaN poisoning and alignment of
 * dynamic shared memory at every block start, overflow past it reported, block
 * order (in order, seeded permutations, OB_EMU_BLOCK_SEED), built-in variables in
 * 3-D, and the host-memory runtime API (cudaMalloc poison, copies, errors). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_cuda_kernel.h"
#include "ob_test.h"

__global__ void mark(int *hits) { atomicAdd(&hits[0], 1); }

/* Each block records where its dynamic shared memory sits and whether it starts
 * out as NaN, then scribbles over it for the next block to find poisoned again. */
__global__ void smem_probe(int *poisoned, uintptr_t *addr, int words)
{
    OB_DYNAMIC_SHARED(float, s);
    __syncthreads();
    if (threadIdx.x == 0) {
        int all_nan = 1;
        for (int i = 0; i < words; i++) all_nan &= isnan(s[i]);
        poisoned[blockIdx.x] = all_nan;
        addr[blockIdx.x] = (uintptr_t)s;
    }
    __syncthreads();
    for (int i = threadIdx.x; i < words; i += blockDim.x) s[i] = 1.0f;
}

#if !defined(__SANITIZE_ADDRESS__)
__global__ void smem_overflow(int words)
{
    OB_DYNAMIC_SHARED(float, s);
    if (threadIdx.x == 0) s[words] = 0.0f; /* one past the end */
}
#endif

/* The order blocks ran in: ticket[linear block] = how many blocks ran before it. */
__global__ void ticket(int *counter, int *order)
{
    if (threadIdx.x + threadIdx.y + threadIdx.z) return;
    const int b = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
    order[b] = atomicAdd(counter, 1);
}

/* Every thread writes its own coordinates; checks threadIdx/blockIdx/blockDim/gridDim in 3-D. */
__global__ void coords(int *out)
{
    const int bx = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
    const int tx = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
    const int t = bx * blockDim.x * blockDim.y * blockDim.z + tx;
    out[t] = (int)(threadIdx.x + 10 * threadIdx.y + 100 * threadIdx.z + 1000 * blockIdx.x + 10000 * blockIdx.y +
                   100000 * blockIdx.z);
}

static int contains(const char *hay, const char *needle) { return strstr(hay, needle) != NULL; }

static void check_refused(dim3 grid, dim3 block, size_t smem, cudaError_t want, const char *reason)
{
    int hits_host[1] = {0}, *hits = hits_host;
    OB_LAUNCH(mark, grid, block, smem, 0, hits);
    cudaError_t e = cudaGetLastError();
    OB_CHECK(e == want, "grid (%u,%u,%u) block (%u,%u,%u) smem %zu: expected %s, got %s", grid.x, grid.y, grid.z,
             block.x, block.y, block.z, smem, cudaGetErrorName(want), cudaGetErrorName(e));
    OB_CHECK(hits_host[0] == 0, "a refused launch runs nothing (%d threads ran)", hits_host[0]);
    OB_CHECK(contains(ob_emu_last_diagnostic(), "mark") && contains(ob_emu_last_diagnostic(), reason),
             "reason names the kernel and \"%s\": %s", reason, ob_emu_last_diagnostic());
    OB_CHECK(cudaGetLastError() == cudaSuccess, "cudaGetLastError clears the error");
}

static void check_limits(void)
{
    check_refused(dim3(1), dim3(1025), 0, cudaErrorInvalidConfiguration, "1025 threads");
    check_refused(dim3(1), dim3(64, 32), 0, cudaErrorInvalidConfiguration, "2048 threads");
    check_refused(dim3(1), dim3(1, 1, 65), 0, cudaErrorInvalidConfiguration, "(1024, 1024, 64)");
    check_refused(dim3(1), dim3(2048, 1, 1), 0, cudaErrorInvalidConfiguration, "2048 threads");
    check_refused(dim3(1, 65536), dim3(32), 0, cudaErrorInvalidConfiguration, "65535");
    check_refused(dim3(1, 1, 65536), dim3(32), 0, cudaErrorInvalidConfiguration, "65535");
    check_refused(dim3(0), dim3(32), 0, cudaErrorInvalidConfiguration, "zero");
    check_refused(dim3(1), dim3(32, 0), 0, cudaErrorInvalidConfiguration, "zero");
    check_refused(dim3(1), dim3(32), 48 * 1024 + 1, cudaErrorInvalidValue, "49153 bytes");

    /* the sticky error survives other calls until read, and OB_CHECK_LAUNCH-style code sees the reason */
    int hits_host[1] = {0}, *hits = hits_host;
    OB_LAUNCH(mark, 1, 2000, 0, 0, hits);
    void *p = NULL;
    OB_CHECK(cudaMalloc(&p, 16) == cudaSuccess, "cudaMalloc after a refused launch");
    cudaFree(p);
    cudaError_t e = cudaGetLastError();
    OB_CHECK(e == cudaErrorInvalidConfiguration, "error is sticky until read: %s", cudaGetErrorName(e));
    OB_CHECK(contains(cudaGetErrorString(e), "2000 threads"), "cudaGetErrorString carries the reason: %s",
             cudaGetErrorString(e));

    /* limits that are fine */
    hits_host[0] = 0;
    OB_LAUNCH(mark, dim3(1, 65535), dim3(1), 0, 0, hits);
    OB_CHECK(cudaGetLastError() == cudaSuccess && hits_host[0] == 65535, "grid.y 65535 is fine");
    OB_LAUNCH(mark, dim3(1), dim3(1024), 0, 0, hits);
    OB_CHECK(cudaGetLastError() == cudaSuccess, "1024 threads are fine");
    OB_LAUNCH(mark, dim3(1), dim3(1, 1, 64), 48 * 1024, 0, hits);
    OB_CHECK(cudaGetLastError() == cudaSuccess, "block.z 64 and 48 KiB are fine");

    /* the opt-in: up to the attribute, at most 227 KiB */
    OB_CHECK(cudaFuncSetAttribute(mark, cudaFuncAttributeMaxDynamicSharedMemorySize, 100 * 1024) == cudaSuccess,
             "opt in to 100 KiB");
    hits_host[0] = 0;
    OB_LAUNCH(mark, 1, 32, 100 * 1024, 0, hits);
    OB_CHECK(cudaGetLastError() == cudaSuccess && hits_host[0] == 32, "100 KiB after opting in");
    check_refused(dim3(1), dim3(32), 100 * 1024 + 4, cudaErrorInvalidValue, "102404 bytes");
    OB_CHECK(cudaFuncSetAttribute(mark, cudaFuncAttributeMaxDynamicSharedMemorySize, 228 * 1024) ==
                 cudaErrorInvalidValue,
             "no opt-in past 227 KiB");
    (void)cudaGetLastError();
}

static void check_dynamic_smem(void)
{
    const int blocks = 5, words = 1001; /* not a multiple of 4 floats */
    int poisoned_host[blocks], *poisoned = poisoned_host;
    uintptr_t addr_host[blocks], *addr = addr_host;
    OB_LAUNCH(smem_probe, blocks, 96, words * sizeof(float), 0, poisoned, addr, words);
    OB_CHECK(cudaGetLastError() == cudaSuccess, "smem probe launch: %s", ob_emu_last_diagnostic());
    for (int b = 0; b < blocks; b++) {
        OB_CHECK(poisoned_host[b] == 1, "block %d finds its dynamic shared memory poisoned with NaN", b);
        OB_CHECK(addr_host[b] % 16 == 0, "block %d: dynamic shared memory 16-byte aligned (%#lx)", b,
                 (unsigned long)addr_host[b]);
    }
#if !defined(__SANITIZE_ADDRESS__)
    /* under ASan the overflow is ASan's to report (the guard bytes are poisoned) */
    OB_LAUNCH(smem_overflow, 2, 32, words * sizeof(float), 0, words);
    cudaError_t e = cudaGetLastError();
    OB_CHECK(e == cudaErrorLaunchFailure && contains(ob_emu_last_diagnostic(), "past the end"),
             "a write past dynamic shared memory is reported: %s %s", cudaGetErrorName(e), ob_emu_last_diagnostic());
    printf("reported: %s\n", ob_emu_last_diagnostic());
#endif
}

static void run_order(int *order, dim3 grid, uint64_t seed)
{
    int counter_host[1] = {0}, *counter = counter_host;
    ob_emu_set_block_order(seed);
    OB_LAUNCH(ticket, grid, dim3(4, 2), 0, 0, counter, order);
    OB_CHECK(cudaGetLastError() == cudaSuccess, "ticket launch");
    ob_emu_set_block_order(0);
}

static void check_block_order(void)
{
    const dim3 grid(7, 5, 3);
    const int n = 7 * 5 * 3;
    int a[n], b[n], c[n], seen[n];
    run_order(a, grid, 0);
    int in_order = 1;
    for (int i = 0; i < n; i++) in_order &= a[i] == i;
    OB_CHECK(in_order, "seed 0: blocks in order, x fastest");

    run_order(b, grid, 12345);
    run_order(c, grid, 12345);
    memset(seen, 0, sizeof seen);
    int moved = 0, same = 1;
    for (int i = 0; i < n; i++) {
        if (b[i] >= 0 && b[i] < n) seen[b[i]]++;
        moved += b[i] != i;
        same &= b[i] == c[i];
    }
    int perm = 1;
    for (int i = 0; i < n; i++) perm &= seen[i] == 1;
    OB_CHECK(perm, "a seeded order runs every block exactly once");
    OB_CHECK(moved > n / 2, "a seeded order is shuffled (%d of %d blocks moved)", moved, n);
    OB_CHECK(same, "the same seed gives the same order");
    run_order(c, grid, 999);
    int differ = 0;
    for (int i = 0; i < n; i++) differ += b[i] != c[i];
    OB_CHECK(differ > 0, "another seed, another order");

    /* one block, and a large 1-D grid, still permutations */
    static int big[20000];
    run_order(big, dim3(20000), 7);
    static int cnt[20000];
    int ok = 1;
    for (int i = 0; i < 20000; i++) cnt[big[i]]++;
    for (int i = 0; i < 20000; i++) ok &= cnt[i] == 1;
    OB_CHECK(ok, "20000 blocks in random order: a permutation");
}

static void check_coords(void)
{
    const dim3 grid(3, 2, 2), block(5, 3, 2);
    const int n = 3 * 2 * 2 * 5 * 3 * 2;
    int host[n], *out = host;
    ob_emu_set_block_order(5);
    OB_LAUNCH(coords, grid, block, 0, 0, out);
    ob_emu_set_block_order(0);
    OB_CHECK(cudaGetLastError() == cudaSuccess, "coords launch");
    int bad = 0, t = 0;
    for (int bz = 0; bz < 2; bz++)
        for (int by = 0; by < 2; by++)
            for (int bx = 0; bx < 3; bx++)
                for (int z = 0; z < 2; z++)
                    for (int y = 0; y < 3; y++)
                        for (int x = 0; x < 5; x++)
                            bad += host[t++] != x + 10 * y + 100 * z + 1000 * bx + 10000 * by + 100000 * bz;
    OB_CHECK(bad == 0, "threadIdx/blockIdx in 3-D: %d wrong", bad);
}

static void check_runtime_api(void)
{
    float *d = NULL;
    OB_CHECK(cudaMalloc(&d, 37 * sizeof(float)) == cudaSuccess && d, "cudaMalloc");
    OB_CHECK((uintptr_t)d % 256 == 0, "cudaMalloc is 256-byte aligned");
    int nan = 1;
    for (int i = 0; i < 37; i++) nan &= isnan(d[i]);
    OB_CHECK(nan, "fresh device memory reads as NaN");
    float h[37], back[37];
    for (int i = 0; i < 37; i++) h[i] = (float)i;
    cudaStream_t s;
    OB_CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking) == cudaSuccess, "stream");
    OB_CHECK(cudaMemcpyAsync(d, h, sizeof h, cudaMemcpyHostToDevice, s) == cudaSuccess, "memcpy async");
    OB_CHECK(cudaStreamSynchronize(s) == cudaSuccess && cudaDeviceSynchronize() == cudaSuccess, "sync");
    OB_CHECK(cudaMemcpy(back, d, sizeof back, cudaMemcpyDeviceToHost) == cudaSuccess, "memcpy");
    OB_CHECK(memcmp(h, back, sizeof h) == 0, "round trip");
    OB_CHECK(cudaMemset(d, 0, sizeof h) == cudaSuccess && d[36] == 0.0f, "memset");
    OB_CHECK(cudaMemcpy(d, NULL, 4, cudaMemcpyHostToDevice) == cudaErrorInvalidValue, "null copy refused");
    OB_CHECK(cudaGetLastError() == cudaErrorInvalidValue, "API errors are the last error too");
    OB_CHECK(strcmp(cudaGetErrorName(cudaErrorLaunchFailure), "cudaErrorLaunchFailure") == 0, "error names");
    cudaEvent_t e0, e1;
    float ms = -1;
    cudaEventCreate(&e0), cudaEventCreate(&e1);
    cudaEventRecord(e0, s), cudaEventRecord(e1, s);
    OB_CHECK(cudaEventElapsedTime(&ms, e0, e1) == cudaSuccess && ms >= 0, "events");
    cudaEventDestroy(e0), cudaEventDestroy(e1);
    cudaStreamDestroy(s);
    OB_CHECK(cudaFree(d) == cudaSuccess, "cudaFree");
    int v = 0;
    OB_CHECK(cudaDeviceGetAttribute(&v, cudaDevAttrMaxSharedMemoryPerBlockOptin, 0) == cudaSuccess &&
                 v == 227 * 1024,
             "opt-in limit attribute %d", v);
}

int main(void)
{
    /* OB_EMU_BLOCK_SEED is read at the first launch, unless set before */
    setenv("OB_EMU_BLOCK_SEED", "31337", 1);
    OB_CHECK(ob_emu_block_order() == 31337, "OB_EMU_BLOCK_SEED sets the initial order (%llu)",
             (unsigned long long)ob_emu_block_order());
    ob_emu_set_block_order(0);
    OB_CHECK(ob_emu_block_order() == 0, "ob_emu_set_block_order overrides it");
    check_limits();
    check_dynamic_smem();
    check_block_order();
    check_coords();
    check_runtime_api();
    return ob_test_finish();
}
