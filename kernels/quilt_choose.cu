/* quilt_choose.cu — GPU path of quilt_choose.h (also built under cuda-emu).
 *
 * Selection by rounds: with keys unique (ob_quilt_key carries the index), the
 * j-th smallest key of a set is the minimum of the keys above the (j-1)-th, so
 * k rounds of a block-wide minimum find the k smallest in order, with no
 * sorting, no atomics and no dependence on thread or block order.
 *   pass 1  grid of blocks; block b takes costs [b * seg, (b + 1) * seg),
 *           seg = blockDim.x * OB_QUILT_ITEMS, and writes its k = r + 1
 *           smallest keys (padded with ~0 when the segment is short);
 *   pass 2  one block runs the same rounds over the blocks' lists; its last
 *           round's key is the r-th smallest overall, and its index the pick.
 * A cost surface that fits one segment needs pass 1 only. */
#include "launch_scratch.cuh"
#include "quilt_choose.h"

typedef unsigned long long u64; /* the type warp shuffles take */

enum { DEFAULT_BLOCK = 256 };
#define KEY_NONE (~0ull)

/* Minimum of v over the block, returned to every thread. scratch: 32 shared
 * keys, result: one; every thread must call it. */
__device__ __forceinline__ u64 block_min(u64 v, u64 *scratch, u64 *result)
{
    const int tid = threadIdx.x, nwarps = blockDim.x >> 5;
    for (int off = 16; off > 0; off >>= 1) v = min(v, (u64)__shfl_down_sync(0xffffffffu, v, off));
    if ((tid & 31) == 0) scratch[tid >> 5] = v;
    __syncthreads();
    if (tid < 32) {
        v = tid < nwarps ? scratch[tid] : KEY_NONE;
        for (int off = 16; off > 0; off >>= 1) v = min(v, (u64)__shfl_down_sync(0xffffffffu, v, off));
        if (tid == 0) *result = v;
    }
    __syncthreads();
    return *result;
}

/* k rounds over the segment [b * seg, min(n, (b + 1) * seg)) of either the
 * costs (FROM_COST) or a list of keys. Round j's minimum goes to
 * lists[b * k + j] (when lists is set); the last one's index to *chosen (when set). */
template <bool FROM_COST>
__global__ void choose_rounds_kernel(u64 *__restrict__ lists, int *__restrict__ chosen,
                                     const float *__restrict__ cost, const u64 *__restrict__ keys, int n, int seg,
                                     int k)
{
    __shared__ u64 scratch[32];
    __shared__ u64 result;
    const long long lo = (long long)blockIdx.x * seg;
    const long long hi = min(lo + seg, (long long)n);
    u64 floor_key = 0; /* below every real key: a float's monotone bits are never all zero */
    for (int round = 0; round < k; round++) {
        u64 m = KEY_NONE;
        for (long long i = lo + threadIdx.x; i < hi; i += blockDim.x) {
            const u64 key = FROM_COST ? (u64)ob_quilt_key(cost[i], (uint32_t)i) : keys[i];
            if (key > floor_key && key < m) m = key;
        }
        floor_key = block_min(m, scratch, &result);
        if (lists && threadIdx.x == 0) lists[(size_t)blockIdx.x * k + round] = floor_key;
    }
    if (chosen && threadIdx.x == 0) *chosen = (int)(uint32_t)floor_key;
}

extern "C" ob_status OB_GPU_FN(ob_quilt_choose)(int *chosen, const float *cost, int n, int tol, uint64_t seed,
                                               uint64_t draw, const ob_launch_cfg *cfg)
{
    int r;
    OB_TRY(ob_quilt_choose_rank(&r, n, tol, seed, draw));
    OB_REQUIRE(chosen && cost, "quilt_choose: null pointer");
    const int bx = ob_cfg_block_x(cfg, DEFAULT_BLOCK);
    OB_REQUIRE_BLOCK(bx % 32 == 0 && bx <= 1024, "quilt_choose needs block_x a multiple of 32, at most 1024");
    const int k = r + 1, seg = bx * OB_QUILT_ITEMS;
    const unsigned nb = ob_ceil_div(n, seg);
    /* scratch: the device pick, then the blocks' lists (8-byte aligned after 2 ints) */
    ob_launch_scratch sc;
    OB_TRY(ob_scratch_get(&sc, cfg, 8 + (size_t)nb * k * sizeof(u64), sizeof(int), "quilt_choose"));
    char *buf = (char *)sc.dev;
    int *dev_chosen = (int *)buf;
    u64 *lists = (u64 *)(buf + 8);
    const ob_stream stream = ob_cfg_stream(cfg);
    if (nb == 1) {
        OB_LAUNCH(choose_rounds_kernel<true>, dim3(1), dim3(bx), 0, stream, (u64 *)nullptr, dev_chosen, cost,
                  (const u64 *)nullptr, n, seg, k);
    } else {
        OB_LAUNCH(choose_rounds_kernel<true>, dim3(nb), dim3(bx), 0, stream, lists, (int *)nullptr, cost,
                  (const u64 *)nullptr, n, seg, k);
        const int m = (int)nb * k;
        OB_LAUNCH(choose_rounds_kernel<false>, dim3(1), dim3(bx), 0, stream, (u64 *)nullptr, dev_chosen,
                  (const float *)nullptr, (const u64 *)lists, m, m, k);
    }
    ob_status st = ob_scratch_read(sc.host, dev_chosen, sizeof(int), stream, "choose_rounds_kernel");
    if (st == OB_OK) *chosen = *(const int *)sc.host;
    ob_scratch_put(&sc);
    return st;
}
