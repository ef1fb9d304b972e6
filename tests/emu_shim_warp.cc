/* emu_shim_warp.cc — warp shuffles (every mode, widths 32..2, five operand types),
 * votes, match/reduce, __activemask, __syncwarp with sub-warp masks, back-to-back
 * shuffles (a lane racing ahead must not clobber values others still read), partial
 * warps, and __syncthreads_count/and/or, each checked against a CPU model of the
 * PTX rules written out here independently. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_cuda_kernel.h"
#include "ob_test.h"

enum { IDX, UP, DOWN, XOR };

/* The lane a shuffle reads (PTX: up stays at or above its segment start,
 * idx/down/xor at or below its segment end; out of range reads itself). */
static int cpu_source(int mode, int lane, int arg, int width)
{
    const int seg = lane / width * width, end = seg + width - 1;
    switch (mode) {
    case IDX: return seg + arg % width;
    case UP: return lane - arg >= seg ? lane - arg : lane;
    case DOWN: return lane + arg <= end ? lane + arg : lane;
    default: return (lane ^ arg) <= end ? (lane ^ arg) : lane;
    }
}

template <class T>
__global__ void shuffle_kernel(T *out, const T *in, int mode, int arg, int width)
{
    const int t = blockIdx.x * blockDim.x + threadIdx.x;
    T v = in[t], r;
    switch (mode) {
    case IDX: r = __shfl_sync(0xffffffffu, v, arg, width); break;
    case UP: r = __shfl_up_sync(0xffffffffu, v, (unsigned)arg, width); break;
    case DOWN: r = __shfl_down_sync(0xffffffffu, v, (unsigned)arg, width); break;
    default: r = __shfl_xor_sync(0xffffffffu, v, arg, width); break;
    }
    out[t] = r;
}

template <class T>
static void check_shuffles(const char *type_name)
{
    const int block = 64, grid = 3, n = block * grid;
    T in[n], ref[n], got_host[n], *got = got_host;
    const T *src = in;
    for (int i = 0; i < n; i++) in[i] = (T)(i * 3 + 1) / (T)2; /* distinct, exact in every type */
    int bad_total = 0;
    for (int mode = IDX; mode <= XOR; mode++)
        for (int width = 32; width >= 2; width /= 2)
            for (int arg = 0; arg < 33; arg += (mode == IDX ? 5 : 3)) {
                for (int t = 0; t < n; t++) ref[t] = in[t - t % 32 + cpu_source(mode, t % 32, arg, width)];
                memset(got_host, 0, sizeof got_host);
                OB_LAUNCH(shuffle_kernel<T>, grid, block, 0, 0, got, src, mode, arg, width);
                OB_CHECK(cudaGetLastError() == cudaSuccess, "shuffle launch: %s", ob_emu_last_diagnostic());
                int bad = 0;
                for (int t = 0; t < n; t++) bad += memcmp(&got_host[t], &ref[t], sizeof(T)) != 0;
                if (bad) printf("FAIL %s mode %d width %d arg %d: %d wrong\n", type_name, mode, width, arg, bad);
                bad_total += bad;
            }
    OB_CHECK(bad_total == 0, "%s shuffles: %d wrong values", type_name, bad_total);
}

/* Many shuffles back to back with no other barrier: a fast lane reaches the next
 * shuffle before slow lanes have read the last one. */
__global__ void chained_shuffles(int *out, int rounds)
{
    int v = threadIdx.x;
    for (int k = 0; k < rounds; k++) {
        v = __shfl_xor_sync(0xffffffffu, v, (k * 7 + 1) & 31) + (int)threadIdx.x;
        v = __shfl_sync(0xffffffffu, v, (k * 5) & 31) ^ k;
    }
    out[threadIdx.x] = v;
}

static void check_chained(void)
{
    int host[64], ref[64], *out = host;
    const int rounds = 50;
    for (int t = 0; t < 64; t++) ref[t] = t;
    for (int k = 0; k < rounds; k++) {
        int a[64];
        for (int t = 0; t < 64; t++) a[t] = ref[(t & ~31) | ((t & 31) ^ ((k * 7 + 1) & 31))] + t;
        for (int t = 0; t < 64; t++) ref[t] = a[(t & ~31) | ((k * 5) & 31)] ^ k;
    }
    OB_LAUNCH(chained_shuffles, 1, 64, 0, 0, out, rounds);
    OB_CHECK(cudaGetLastError() == cudaSuccess, "chained launch");
    OB_CHECK(memcmp(host, ref, sizeof ref) == 0, "chained shuffles match the CPU model");
}

/* Votes on a block of 40 threads: warp 1 has 8 lanes, the rest absent. */
__global__ void votes(unsigned *out)
{
    const int t = threadIdx.x, lane = t & 31;
    unsigned *o = out + t * 8;
    o[0] = __ballot_sync(0xffffffffu, lane % 3 == 0);
    o[1] = __all_sync(0xffffffffu, lane < 40);
    o[2] = __any_sync(0xffffffffu, lane == 7);
    o[3] = __all_sync(0xffffffffu, lane != 5);
    o[4] = __activemask();
    o[5] = __match_any_sync(0xffffffffu, lane / 4);
    o[6] = __reduce_add_sync(0xffffffffu, (unsigned)lane);
    o[7] = (unsigned)__reduce_min_sync(0xffffffffu, 10 - lane);
}

static void check_votes(void)
{
    const int n = 40;
    unsigned host[n * 8], *out = host;
    OB_LAUNCH(votes, 1, n, 0, 0, out);
    OB_CHECK(cudaGetLastError() == cudaSuccess, "votes launch: %s", ob_emu_last_diagnostic());
    for (int t = 0; t < n; t++) {
        const int lane = t & 31, lanes = t < 32 ? 32 : 8;
        const unsigned present = lanes == 32 ? 0xffffffffu : 0xffu;
        unsigned ballot = 0, sum = 0;
        for (int l = 0; l < lanes; l++) ballot |= (unsigned)(l % 3 == 0) << l, sum += l;
        const unsigned *o = host + t * 8;
        OB_CHECK(o[0] == ballot, "ballot t%d: %08x vs %08x", t, o[0], ballot);
        OB_CHECK(o[1] == 1, "all t%d", t);
        OB_CHECK(o[2] == 1, "any t%d", t);
        OB_CHECK(o[3] == (lanes > 5 ? 0u : 1u), "all(lane != 5) t%d", t);
        OB_CHECK(o[4] == present, "activemask t%d: %08x", t, o[4]);
        OB_CHECK(o[5] == ((0xfu << (lane / 4 * 4)) & present), "match_any t%d: %08x", t, o[5]);
        OB_CHECK(o[6] == sum, "reduce_add t%d: %u vs %u", t, o[6], sum);
        OB_CHECK((int)o[7] == 10 - (lanes - 1), "reduce_min t%d: %d", t, (int)o[7]);
    }
}

/* Two half-warp groups shuffle and sync with their own masks, interleaved. */
__global__ void half_warps(int *out)
{
    const int lane = threadIdx.x & 31;
    const unsigned mask = lane < 16 ? 0x0000ffffu : 0xffff0000u;
    int v = lane * lane;
    __syncwarp(mask);
    v = __shfl_sync(mask, v, lane < 16 ? 15 : 16);
    __syncwarp(mask);
    v += __shfl_down_sync(mask, lane, 1, 16);
    out[threadIdx.x] = v;
}

static void check_half_warps(void)
{
    int host[64], *out = host;
    OB_LAUNCH(half_warps, 1, 64, 0, 0, out);
    OB_CHECK(cudaGetLastError() == cudaSuccess, "half warps launch: %s", ob_emu_last_diagnostic());
    int bad = 0;
    for (int t = 0; t < 64; t++) {
        const int lane = t & 31, src = lane < 16 ? 15 : 16, down = (lane % 16) < 15 ? lane + 1 : lane;
        bad += host[t] != src * src + down;
    }
    OB_CHECK(bad == 0, "half-warp groups: %d wrong", bad);
}

/* __syncthreads_count/and/or, twice in a row (results must not bleed across). */
__global__ void sync_reductions(int *out)
{
    const int t = threadIdx.x;
    int c = __syncthreads_count(t % 3 == 0);
    int a = __syncthreads_and(t < 1000);
    int o = __syncthreads_or(t == 77);
    int c2 = __syncthreads_count(1);
    out[t] = (c == (int)(blockDim.x + 2) / 3) + 2 * (a == 1) + 4 * (o == (blockDim.x > 77)) +
             8 * (c2 == (int)blockDim.x);
}

static void check_sync_reductions(void)
{
    int host[200], *out = host;
    OB_LAUNCH(sync_reductions, 1, 200, 0, 0, out);
    OB_CHECK(cudaGetLastError() == cudaSuccess, "syncthreads_count launch");
    int bad = 0;
    for (int t = 0; t < 200; t++) bad += host[t] != 15;
    OB_CHECK(bad == 0, "__syncthreads_count/and/or: %d wrong", bad);
}

int main(void)
{
    check_shuffles<int>("int");
    check_shuffles<unsigned>("unsigned");
    check_shuffles<float>("float");
    check_shuffles<double>("double");
    check_shuffles<long long>("long long");
    check_chained();
    check_votes();
    check_half_warps();
    check_sync_reductions();
    return ob_test_finish();
}
