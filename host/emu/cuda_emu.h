/* cuda_emu.h — the CUDA subset kernels/NAME.cu use, as host C++17 (backend `cuda-emu`).
 *
 * Contract
 *   Included (through ob_cuda_kernel.h, with OB_CUDA_EMU defined) in place of
 *   <cuda_runtime.h>, so the same kernel source runs on a machine without a GPU:
 *
 *   - a launch (ob_emu_launch, behind OB_LAUNCH) checks the configuration like
 *     the driver does (block <= 1024 threads, block dims <= (1024, 1024, 64),
 *     grid.y/z <= 65535, no zero dims, dynamic shared memory <= 48 KiB or the
 *     opt-in set by cudaFuncSetAttribute, at most 227 KiB), then runs the grid
 *     block by block on the calling thread and returns when it is done. Blocks run
 *     in order, or in a seeded random order (cuda_emu_control.h).
 *   - each CUDA thread is a fiber with its own stack; a fiber runs until it exits
 *     or waits at a barrier (__syncthreads, __syncwarp, a shuffle or a vote), so
 *     a kernel without barriers runs its threads one after another at little cost.
 *   - warp collectives are barriers among the lanes named in the mask; lanes past
 *     the block's thread count are absent and not waited for.
 *   - `__shared__` is per-block storage (`static thread_local`: a block's fibers
 *     share one OS thread); dynamic shared memory (OB_DYNAMIC_SHARED) is 16-byte
 *     aligned and filled with NaN at each block start, and a write past its end
 *     is reported.
 *   - memory is host memory: cudaMalloc is an aligned malloc filled with NaN,
 *     copies are memcpy, streams and events are synchronous.
 *
 * Errors
 *   Nothing is printed. A refused configuration sets the sticky error that
 *   cudaGetLastError returns (cudaErrorInvalidConfiguration, or
 *   cudaErrorInvalidValue for shared memory), and nothing runs. A barrier that can
 *   never complete (threads exited while others wait at __syncthreads, a shuffle
 *   naming an exited lane, threads at different __syncthreads, any deadlock) stops
 *   the launch with cudaErrorLaunchFailure. Either way the detailed reason (kernel
 *   name, block, which threads waited where, which exited) is in
 *   ob_emu_last_diagnostic(), in ob_last_error(), and in cudaGetErrorString of
 *   that code until the next launch, so OB_CHECK_LAUNCH reports it.
 *
 * Not emulated: concurrency between blocks (they run one at a time, so a kernel
 * whose blocks wait on each other deadlocks), independent progress of threads
 * between barriers, __activemask's notion of convergence (it names every live
 * lane of the warp), memory-model weaknesses, texture and cooperative-groups APIs.
 *
 * Example (what OB_LAUNCH expands to)
 *   ob_emu_launch("scale", (const void *)scale, dim3(grid), dim3(256), 0,
 *                 [=]() { scale(out, in, n); });
 *   if (cudaGetLastError() != cudaSuccess) puts(ob_emu_last_diagnostic());
 */
#ifndef OB_CUDA_EMU_H
#define OB_CUDA_EMU_H

/* Standard headers first: the qualifier macros below (__noinline__ in
 * particular) would break libstdc++ headers included after them. */
#include <algorithm>
#include <atomic>
#include <cfloat>
#include <climits>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "cuda_emu_control.h"

/* ---- qualifiers ------------------------------------------------------------ */
/* Kernels and __constant__ variables get internal linkage: nvcc's host stubs and
 * shadows of the same .cu carry the same names and end up in the same test
 * binary (a parity test calls the dispatcher, which references the cuda path).
 * So write `__global__ void k(...)`, not `static __global__`, and give
 * namespace-scope __device__ variables and non-inline __device__ helpers
 * `static` yourself. */
#define __global__ static
#define __device__
#define __host__
#define __constant__ static
#define __managed__
#define __shared__ static thread_local
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
#define __grid_constant__
#ifndef __CUDACC_RTC__
#define __CUDA_ARCH_EMU__ 1 /* lets a kernel tell it runs under the shim */
#endif

/* ---- vector types ------------------------------------------------------------ */
/* Aggregates like CUDA's (no constructors), so they can live in __shared__. */
#define OB_EMU_VEC2(T, N, A) struct __attribute__((aligned(A))) N##2 { T x, y; };
#define OB_EMU_VEC3(T, N) struct N##3 { T x, y, z; };
#define OB_EMU_VEC4(T, N, A) struct __attribute__((aligned(A))) N##4 { T x, y, z, w; };
#define OB_EMU_VECS(T, N, A2, A4) OB_EMU_VEC2(T, N, A2) OB_EMU_VEC3(T, N) OB_EMU_VEC4(T, N, A4) \
    static inline N##2 make_##N##2(T x, T y) { return N##2{x, y}; }                       \
    static inline N##3 make_##N##3(T x, T y, T z) { return N##3{x, y, z}; }               \
    static inline N##4 make_##N##4(T x, T y, T z, T w) { return N##4{x, y, z, w}; }
OB_EMU_VECS(float, float, 8, 16)
OB_EMU_VECS(double, double, 16, 16)
OB_EMU_VECS(int, int, 8, 16)
OB_EMU_VECS(unsigned int, uint, 8, 16)
OB_EMU_VECS(short, short, 4, 8)
OB_EMU_VECS(unsigned short, ushort, 4, 8)
OB_EMU_VECS(signed char, char, 2, 4)
OB_EMU_VECS(unsigned char, uchar, 2, 4)
OB_EMU_VECS(long long, longlong, 16, 16)
OB_EMU_VECS(unsigned long long, ulonglong, 16, 16)
#undef OB_EMU_VEC2
#undef OB_EMU_VEC3
#undef OB_EMU_VEC4
#undef OB_EMU_VECS

struct dim3 {
    unsigned int x, y, z;
    constexpr dim3(unsigned int vx = 1, unsigned int vy = 1, unsigned int vz = 1) : x(vx), y(vy), z(vz) {}
    constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
    constexpr operator uint3() const { return uint3{x, y, z}; }
};

static constexpr int warpSize = 32;

/* ---- per-thread state while a kernel runs ------------------------------------- */
/* Written by the scheduler before it resumes a fiber; a kernel reads it through
 * the builtin names. initial-exec: a plain %fs-relative load, no __tls_get_addr. */
struct ob_emu_tls_state {
    uint3 thread_idx;
    uint3 block_idx;
    uint3 block_dim; /* uint3, not dim3: a __thread variable needs a trivial type */
    uint3 grid_dim;
    void *dynamic_smem;
};
extern __thread ob_emu_tls_state ob_emu_tls __attribute__((tls_model("initial-exec")));
#define threadIdx (ob_emu_tls.thread_idx)
#define blockIdx (ob_emu_tls.block_idx)
#define blockDim (ob_emu_tls.block_dim)
#define gridDim (ob_emu_tls.grid_dim)

static inline void *ob_emu_dynamic_shared(void) { return ob_emu_tls.dynamic_smem; }

/* ---- launch ----------------------------------------------------------------------- */
void ob_emu_launch_impl(const char *name, const void *fn, dim3 grid, dim3 block, size_t smem,
                        void (*body)(void *), void *ctx);

/* `body` calls the kernel with its arguments (a lambda capturing them by value);
 * every thread of every block runs it. */
template <class F>
static inline void ob_emu_launch(const char *name, const void *fn, dim3 grid, dim3 block, size_t smem, F body)
{
    ob_emu_launch_impl(name, fn, grid, block, smem, [](void *p) { (*static_cast<F *>(p))(); }, &body);
}

/* ---- barriers and warp collectives ----------------------------------------------- */
/* The call site (file, line) travels with every barrier so a deadlock report can
 * say who waited where; __builtin_FILE/LINE as default arguments give the caller's. */
enum ob_emu_warp_kind {
    OB_EMU_SYNCWARP, OB_EMU_SHFL_IDX, OB_EMU_SHFL_UP, OB_EMU_SHFL_DOWN, OB_EMU_SHFL_XOR,
    OB_EMU_BALLOT, OB_EMU_ALL, OB_EMU_ANY, OB_EMU_MATCH_ANY, OB_EMU_MATCH_ALL,
    OB_EMU_REDUCE_ADD, OB_EMU_REDUCE_MIN_S, OB_EMU_REDUCE_MAX_S, OB_EMU_REDUCE_MIN_U, OB_EMU_REDUCE_MAX_U,
    OB_EMU_REDUCE_AND, OB_EMU_REDUCE_OR, OB_EMU_REDUCE_XOR
};
enum ob_emu_block_kind { OB_EMU_SYNC, OB_EMU_SYNC_COUNT, OB_EMU_SYNC_AND, OB_EMU_SYNC_OR };

int ob_emu_block_barrier(int kind, int predicate, const char *file, int line);
/* value: the caller's operand (bits); arg: source lane / delta / lane mask. */
uint64_t ob_emu_warp_collective(int kind, unsigned mask, uint64_t value, int value_bytes, int arg, int width,
                                const char *file, int line);
unsigned ob_emu_activemask(void);

#define OB_EMU_SITE const char *ob_file_ = __builtin_FILE(), int ob_line_ = __builtin_LINE()
#define OB_EMU_AT ob_file_, ob_line_

static inline void __syncthreads(OB_EMU_SITE) { ob_emu_block_barrier(OB_EMU_SYNC, 0, OB_EMU_AT); }
static inline int __syncthreads_count(int p, OB_EMU_SITE) { return ob_emu_block_barrier(OB_EMU_SYNC_COUNT, p, OB_EMU_AT); }
static inline int __syncthreads_and(int p, OB_EMU_SITE) { return ob_emu_block_barrier(OB_EMU_SYNC_AND, p, OB_EMU_AT); }
static inline int __syncthreads_or(int p, OB_EMU_SITE) { return ob_emu_block_barrier(OB_EMU_SYNC_OR, p, OB_EMU_AT); }

static inline void __syncwarp(unsigned mask = 0xffffffffu, OB_EMU_SITE)
{
    ob_emu_warp_collective(OB_EMU_SYNCWARP, mask, 0, 0, 0, warpSize, OB_EMU_AT);
}
static inline unsigned __activemask(void) { return ob_emu_activemask(); }

template <class T>
static inline uint64_t ob_emu_bits(T v)
{
    static_assert(std::is_trivially_copyable<T>::value && sizeof(T) <= 8, "shuffles move at most 8 bytes");
    uint64_t b = 0;
    std::memcpy(&b, &v, sizeof v);
    return b;
}
template <class T>
static inline T ob_emu_from_bits(uint64_t b)
{
    T v;
    std::memcpy(&v, &b, sizeof v);
    return v;
}
template <class T>
static inline T ob_emu_shfl(int kind, unsigned mask, T var, int arg, int width, const char *file, int line)
{
    return ob_emu_from_bits<T>(
        ob_emu_warp_collective(kind, mask, ob_emu_bits(var), (int)sizeof(T), arg, width, file, line));
}
template <class T>
static inline T __shfl_sync(unsigned mask, T var, int src_lane, int width = warpSize, OB_EMU_SITE)
{
    return ob_emu_shfl(OB_EMU_SHFL_IDX, mask, var, src_lane, width, OB_EMU_AT);
}
template <class T>
static inline T __shfl_up_sync(unsigned mask, T var, unsigned delta, int width = warpSize, OB_EMU_SITE)
{
    return ob_emu_shfl(OB_EMU_SHFL_UP, mask, var, (int)delta, width, OB_EMU_AT);
}
template <class T>
static inline T __shfl_down_sync(unsigned mask, T var, unsigned delta, int width = warpSize, OB_EMU_SITE)
{
    return ob_emu_shfl(OB_EMU_SHFL_DOWN, mask, var, (int)delta, width, OB_EMU_AT);
}
template <class T>
static inline T __shfl_xor_sync(unsigned mask, T var, int lane_mask, int width = warpSize, OB_EMU_SITE)
{
    return ob_emu_shfl(OB_EMU_SHFL_XOR, mask, var, lane_mask, width, OB_EMU_AT);
}
static inline unsigned __ballot_sync(unsigned mask, int pred, OB_EMU_SITE)
{
    return (unsigned)ob_emu_warp_collective(OB_EMU_BALLOT, mask, pred != 0, 4, 0, warpSize, OB_EMU_AT);
}
static inline int __all_sync(unsigned mask, int pred, OB_EMU_SITE)
{
    return (int)ob_emu_warp_collective(OB_EMU_ALL, mask, pred != 0, 4, 0, warpSize, OB_EMU_AT);
}
static inline int __any_sync(unsigned mask, int pred, OB_EMU_SITE)
{
    return (int)ob_emu_warp_collective(OB_EMU_ANY, mask, pred != 0, 4, 0, warpSize, OB_EMU_AT);
}
template <class T>
static inline unsigned __match_any_sync(unsigned mask, T value, OB_EMU_SITE)
{
    return (unsigned)ob_emu_warp_collective(OB_EMU_MATCH_ANY, mask, ob_emu_bits(value), (int)sizeof(T), 0, warpSize,
                                            OB_EMU_AT);
}
template <class T>
static inline unsigned __match_all_sync(unsigned mask, T value, int *pred, OB_EMU_SITE)
{
    unsigned r = (unsigned)ob_emu_warp_collective(OB_EMU_MATCH_ALL, mask, ob_emu_bits(value), (int)sizeof(T), 0,
                                                  warpSize, OB_EMU_AT);
    *pred = r != 0;
    return r;
}
#define OB_EMU_REDUCE(name, T, kind)                                                                          \
    static inline T name(unsigned mask, T value, OB_EMU_SITE)                                                 \
    {                                                                                                         \
        return (T)ob_emu_warp_collective(kind, mask, (uint64_t)(uint32_t)value, 4, 0, warpSize, OB_EMU_AT);   \
    }
OB_EMU_REDUCE(__reduce_add_sync, unsigned, OB_EMU_REDUCE_ADD)
OB_EMU_REDUCE(__reduce_add_sync, int, OB_EMU_REDUCE_ADD)
OB_EMU_REDUCE(__reduce_min_sync, unsigned, OB_EMU_REDUCE_MIN_U)
OB_EMU_REDUCE(__reduce_min_sync, int, OB_EMU_REDUCE_MIN_S)
OB_EMU_REDUCE(__reduce_max_sync, unsigned, OB_EMU_REDUCE_MAX_U)
OB_EMU_REDUCE(__reduce_max_sync, int, OB_EMU_REDUCE_MAX_S)
OB_EMU_REDUCE(__reduce_and_sync, unsigned, OB_EMU_REDUCE_AND)
OB_EMU_REDUCE(__reduce_or_sync, unsigned, OB_EMU_REDUCE_OR)
OB_EMU_REDUCE(__reduce_xor_sync, unsigned, OB_EMU_REDUCE_XOR)
#undef OB_EMU_REDUCE

/* Blocks run one at a time on one OS thread, so fences have nothing to order
 * beyond what the compiler may move; keep them as compiler + hardware fences. */
static inline void __threadfence(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
static inline void __threadfence_block(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
static inline void __threadfence_system(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
static inline void __nanosleep(unsigned) {}

/* ---- atomics ---------------------------------------------------------------------- */
/* __atomic builtins, so they stay right even if blocks ever run on several OS threads. */
#define OB_EMU_ATOMIC_INT(T)                                                                                      \
    static inline T atomicAdd(T *p, T v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }                   \
    static inline T atomicExch(T *p, T v) { return __atomic_exchange_n(p, v, __ATOMIC_RELAXED); }                 \
    static inline T atomicAnd(T *p, T v) { return __atomic_fetch_and(p, v, __ATOMIC_RELAXED); }                   \
    static inline T atomicOr(T *p, T v) { return __atomic_fetch_or(p, v, __ATOMIC_RELAXED); }                     \
    static inline T atomicXor(T *p, T v) { return __atomic_fetch_xor(p, v, __ATOMIC_RELAXED); }                   \
    static inline T atomicCAS(T *p, T cmp, T v)                                                                   \
    {                                                                                                             \
        __atomic_compare_exchange_n(p, &cmp, v, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);                       \
        return cmp;                                                                                               \
    }
OB_EMU_ATOMIC_INT(int)
OB_EMU_ATOMIC_INT(unsigned int)
OB_EMU_ATOMIC_INT(unsigned long long)
#undef OB_EMU_ATOMIC_INT
static inline int atomicSub(int *p, int v) { return __atomic_fetch_sub(p, v, __ATOMIC_RELAXED); }
static inline unsigned atomicSub(unsigned *p, unsigned v) { return __atomic_fetch_sub(p, v, __ATOMIC_RELAXED); }
static inline unsigned short atomicCAS(unsigned short *p, unsigned short cmp, unsigned short v)
{
    __atomic_compare_exchange_n(p, &cmp, v, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
    return cmp;
}

/* Read-modify-write through compare-and-swap, for what has no fetch-op builtin. */
template <class T, class Op>
static inline T ob_emu_atomic_rmw(T *p, Op op)
{
    T old;
    __atomic_load(p, &old, __ATOMIC_RELAXED);
    for (;;) {
        T want = op(old);
        if (__atomic_compare_exchange(p, &old, &want, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) return old;
    }
}
#define OB_EMU_ATOMIC_MINMAX(T)                                                                  \
    static inline T atomicMin(T *p, T v) { return ob_emu_atomic_rmw(p, [v](T o) { return v < o ? v : o; }); } \
    static inline T atomicMax(T *p, T v) { return ob_emu_atomic_rmw(p, [v](T o) { return v > o ? v : o; }); }
OB_EMU_ATOMIC_MINMAX(int)
OB_EMU_ATOMIC_MINMAX(unsigned int)
OB_EMU_ATOMIC_MINMAX(long long)
OB_EMU_ATOMIC_MINMAX(unsigned long long)
OB_EMU_ATOMIC_MINMAX(float)
OB_EMU_ATOMIC_MINMAX(double)
#undef OB_EMU_ATOMIC_MINMAX
static inline float atomicAdd(float *p, float v) { return ob_emu_atomic_rmw(p, [v](float o) { return o + v; }); }
static inline double atomicAdd(double *p, double v) { return ob_emu_atomic_rmw(p, [v](double o) { return o + v; }); }
static inline float atomicExch(float *p, float v)
{
    float old;
    __atomic_exchange(p, &v, &old, __ATOMIC_RELAXED);
    return old;
}
static inline unsigned atomicInc(unsigned *p, unsigned limit)
{
    return ob_emu_atomic_rmw(p, [limit](unsigned o) { return o >= limit ? 0u : o + 1; });
}
static inline unsigned atomicDec(unsigned *p, unsigned limit)
{
    return ob_emu_atomic_rmw(p, [limit](unsigned o) { return (o == 0 || o > limit) ? limit : o - 1; });
}

/* ---- integer and float intrinsics ----------------------------------------------------- */
#define OB_EMU_MINMAX(A, B, R)                                         \
    static inline R min(A a, B b) { return (R)a < (R)b ? (R)a : (R)b; } \
    static inline R max(A a, B b) { return (R)a > (R)b ? (R)a : (R)b; }
OB_EMU_MINMAX(int, int, int)
OB_EMU_MINMAX(unsigned int, unsigned int, unsigned int)
OB_EMU_MINMAX(int, unsigned int, unsigned int)
OB_EMU_MINMAX(unsigned int, int, unsigned int)
OB_EMU_MINMAX(long, long, long)
OB_EMU_MINMAX(unsigned long, unsigned long, unsigned long)
OB_EMU_MINMAX(long long, long long, long long)
OB_EMU_MINMAX(unsigned long long, unsigned long long, unsigned long long)
OB_EMU_MINMAX(long long, unsigned long long, unsigned long long)
OB_EMU_MINMAX(unsigned long long, long long, unsigned long long)
OB_EMU_MINMAX(double, float, double)
OB_EMU_MINMAX(float, double, double)
#undef OB_EMU_MINMAX
/* fminf/fmaxf semantics (a NaN operand yields the other), as on the GPU. */
static inline float min(float a, float b) { return fminf(a, b); }
static inline float max(float a, float b) { return fmaxf(a, b); }
static inline double min(double a, double b) { return fmin(a, b); }
static inline double max(double a, double b) { return fmax(a, b); }

static inline int __popc(unsigned x) { return __builtin_popcount(x); }
static inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
static inline int __clz(int x) { return x == 0 ? 32 : __builtin_clz((unsigned)x); }
static inline int __clzll(long long x) { return x == 0 ? 64 : __builtin_clzll((unsigned long long)x); }
static inline int __ffs(int x) { return __builtin_ffs(x); }
static inline int __ffsll(long long x) { return __builtin_ffsll(x); }
static inline unsigned __brev(unsigned x)
{
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
    return __builtin_bswap32(x);
}
static inline int __mul24(int a, int b) { return (int)((long long)((a << 8) >> 8) * ((b << 8) >> 8)); }
static inline unsigned __umul24(unsigned a, unsigned b) { return (a & 0xffffffu) * (b & 0xffffffu); }
static inline int __mulhi(int a, int b) { return (int)(((long long)a * b) >> 32); }
static inline unsigned __umulhi(unsigned a, unsigned b) { return (unsigned)(((unsigned long long)a * b) >> 32); }
static inline unsigned __byte_perm(unsigned x, unsigned y, unsigned s)
{
    unsigned long long v = ((unsigned long long)y << 32) | x;
    unsigned r = 0;
    for (int i = 0; i < 4; i++) r |= (unsigned)((v >> (8 * ((s >> (4 * i)) & 7))) & 0xff) << (8 * i);
    return r;
}

/* __fadd_rn/__fmul_rn must not be fused into an FMA (that is their point on the
 * GPU); an empty asm on the rounded result keeps the host compiler from fusing. */
#if defined(__x86_64__) || defined(__i386__)
#define OB_EMU_NOFUSE(v) __asm__("" : "+x"(v))
#elif defined(__aarch64__)
#define OB_EMU_NOFUSE(v) __asm__("" : "+w"(v))
#else
#define OB_EMU_NOFUSE(v) __asm__ volatile("" : "+m"(v))
#endif
static inline float __fadd_rn(float a, float b) { float r = a + b; OB_EMU_NOFUSE(r); return r; }
static inline float __fsub_rn(float a, float b) { float r = a - b; OB_EMU_NOFUSE(r); return r; }
static inline float __fmul_rn(float a, float b) { float r = a * b; OB_EMU_NOFUSE(r); return r; }
static inline float __fdiv_rn(float a, float b) { float r = a / b; OB_EMU_NOFUSE(r); return r; }
static inline double __dadd_rn(double a, double b) { double r = a + b; OB_EMU_NOFUSE(r); return r; }
static inline double __dmul_rn(double a, double b) { double r = a * b; OB_EMU_NOFUSE(r); return r; }
static inline float __fmaf_rn(float a, float b, float c) { return fmaf(a, b, c); }
static inline double __fma_rn(double a, double b, double c) { return fma(a, b, c); }
static inline float __frcp_rn(float a) { return 1.0f / a; }
static inline float __fsqrt_rn(float a) { return sqrtf(a); }
/* glibc declares (and does not export) __expf, __sinf, ... as its own names:
 * the CUDA spellings are macros onto the shim's versions. */
#define __expf ob_emu_expf
#define __exp10f ob_emu_exp10f
#define __logf ob_emu_logf
#define __log2f ob_emu_log2f
#define __log10f ob_emu_log10f
#define __powf ob_emu_powf
#define __sinf ob_emu_sinf
#define __cosf ob_emu_cosf
#define __tanf ob_emu_tanf
#define __sincosf ob_emu_sincosf
static inline float ob_emu_expf(float x) { return expf(x); }
static inline float ob_emu_exp10f(float x) { return powf(10.0f, x); }
static inline float ob_emu_logf(float x) { return logf(x); }
static inline float ob_emu_log2f(float x) { return log2f(x); }
static inline float ob_emu_log10f(float x) { return log10f(x); }
static inline float ob_emu_powf(float x, float y) { return powf(x, y); }
static inline float ob_emu_sinf(float x) { return sinf(x); }
static inline float ob_emu_cosf(float x) { return cosf(x); }
static inline float ob_emu_tanf(float x) { return tanf(x); }
static inline void ob_emu_sincosf(float x, float *s, float *c) { *s = sinf(x), *c = cosf(x); }
static inline float __fdividef(float a, float b) { return a / b; }
static inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
static inline double rsqrt(double x) { return 1.0 / sqrt(x); }
static inline float rcbrtf(float x) { return 1.0f / cbrtf(x); }
/* NaN saturates to 0, as on the GPU. */
static inline float __saturatef(float x) { return x > 0.0f ? (x < 1.0f ? x : 1.0f) : 0.0f; }
static inline int __float2int_rn(float x) { return (int)nearbyintf(x); }
static inline int __float2int_rz(float x) { return (int)x; }
static inline int __float2int_rd(float x) { return (int)floorf(x); }
static inline int __float2int_ru(float x) { return (int)ceilf(x); }
static inline unsigned __float2uint_rn(float x) { return (unsigned)nearbyintf(x); }
static inline unsigned __float2uint_rz(float x) { return (unsigned)x; }
static inline long long __float2ll_rn(float x) { return (long long)nearbyintf(x); }
static inline int __double2int_rn(double x) { return (int)nearbyint(x); }
static inline float __int2float_rn(int x) { return (float)x; }
static inline float __uint2float_rn(unsigned x) { return (float)x; }
static inline float __ll2float_rn(long long x) { return (float)x; }
static inline float __double2float_rn(double x) { return (float)x; }
static inline int __float_as_int(float x) { return ob_emu_from_bits<int>(ob_emu_bits(x)); }
static inline unsigned __float_as_uint(float x) { return ob_emu_from_bits<unsigned>(ob_emu_bits(x)); }
static inline float __int_as_float(int x) { return ob_emu_from_bits<float>(ob_emu_bits(x)); }
static inline float __uint_as_float(unsigned x) { return ob_emu_from_bits<float>(ob_emu_bits(x)); }
static inline long long __double_as_longlong(double x) { return ob_emu_from_bits<long long>(ob_emu_bits(x)); }
static inline double __longlong_as_double(long long x) { return ob_emu_from_bits<double>(ob_emu_bits(x)); }

template <class T>
static inline T __ldg(const T *p) { return *p; }
template <class T>
static inline T __ldcs(const T *p) { return *p; }
template <class T>
static inline T __ldcg(const T *p) { return *p; }
template <class T>
static inline void __stcs(T *p, T v) { *p = v; }
template <class T>
static inline void __stcg(T *p, T v) { *p = v; }

/* ---- runtime API ------------------------------------------------------------------------- */
enum cudaError {
    cudaSuccess = 0,
    cudaErrorInvalidValue = 1,
    cudaErrorMemoryAllocation = 2,
    cudaErrorInitializationError = 3,
    cudaErrorInvalidConfiguration = 9,
    cudaErrorInvalidSymbol = 13,
    cudaErrorInvalidDevicePointer = 17,
    cudaErrorInvalidMemcpyDirection = 21,
    cudaErrorInvalidDeviceFunction = 98,
    cudaErrorNoDevice = 100,
    cudaErrorInvalidDevice = 101,
    cudaErrorInvalidResourceHandle = 400,
    cudaErrorNotReady = 600,
    cudaErrorIllegalAddress = 700,
    cudaErrorLaunchOutOfResources = 701,
    cudaErrorLaunchTimeout = 702,
    cudaErrorLaunchFailure = 719,
    cudaErrorNotSupported = 801,
    cudaErrorUnknown = 999
};
typedef enum cudaError cudaError_t;

enum cudaMemcpyKind {
    cudaMemcpyHostToHost = 0,
    cudaMemcpyHostToDevice = 1,
    cudaMemcpyDeviceToHost = 2,
    cudaMemcpyDeviceToDevice = 3,
    cudaMemcpyDefault = 4
};
enum cudaFuncAttribute {
    cudaFuncAttributeMaxDynamicSharedMemorySize = 8,
    cudaFuncAttributePreferredSharedMemoryCarveout = 9
};
enum cudaDeviceAttr {
    cudaDevAttrMaxThreadsPerBlock = 1,
    cudaDevAttrMaxBlockDimX = 2,
    cudaDevAttrMaxBlockDimY = 3,
    cudaDevAttrMaxBlockDimZ = 4,
    cudaDevAttrMaxGridDimX = 5,
    cudaDevAttrMaxGridDimY = 6,
    cudaDevAttrMaxGridDimZ = 7,
    cudaDevAttrMaxSharedMemoryPerBlock = 8,
    cudaDevAttrWarpSize = 10,
    cudaDevAttrMultiProcessorCount = 16,
    cudaDevAttrComputeCapabilityMajor = 75,
    cudaDevAttrComputeCapabilityMinor = 76,
    cudaDevAttrMaxSharedMemoryPerMultiprocessor = 81,
    cudaDevAttrMaxSharedMemoryPerBlockOptin = 97
};
#define cudaStreamDefault 0x00
#define cudaStreamNonBlocking 0x01
#define cudaEventDefault 0x00
#define cudaEventDisableTiming 0x02
#define cudaHostAllocDefault 0x00
#define cudaMemAttachGlobal 0x01

typedef struct CUstream_st *cudaStream_t;
typedef struct CUevent_st *cudaEvent_t;

/* A subset of cudaDeviceProp, filled with an sm_80-like device. */
struct cudaDeviceProp {
    char name[256];
    size_t totalGlobalMem, sharedMemPerBlock, sharedMemPerBlockOptin, sharedMemPerMultiprocessor, totalConstMem;
    int regsPerBlock, warpSize, maxThreadsPerBlock, maxThreadsDim[3], maxGridSize[3];
    int multiProcessorCount, maxThreadsPerMultiProcessor, major, minor, l2CacheSize, memoryBusWidth, clockRate;
};

cudaError_t cudaGetLastError(void);
cudaError_t cudaPeekAtLastError(void);
const char *cudaGetErrorName(cudaError_t e);
const char *cudaGetErrorString(cudaError_t e);

cudaError_t cudaMalloc(void **p, size_t bytes);
template <class T>
static inline cudaError_t cudaMalloc(T **p, size_t bytes) { return cudaMalloc(reinterpret_cast<void **>(p), bytes); }
cudaError_t cudaMallocHost(void **p, size_t bytes);
template <class T>
static inline cudaError_t cudaMallocHost(T **p, size_t bytes) { return cudaMallocHost(reinterpret_cast<void **>(p), bytes); }
cudaError_t cudaMallocManaged(void **p, size_t bytes, unsigned flags = cudaMemAttachGlobal);
template <class T>
static inline cudaError_t cudaMallocManaged(T **p, size_t bytes, unsigned flags = cudaMemAttachGlobal)
{
    return cudaMallocManaged(reinterpret_cast<void **>(p), bytes, flags);
}
cudaError_t cudaFree(void *p);
cudaError_t cudaFreeHost(void *p);
cudaError_t cudaMemcpy(void *dst, const void *src, size_t bytes, cudaMemcpyKind kind);
cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t bytes, cudaMemcpyKind kind, cudaStream_t s = 0);
cudaError_t cudaMemcpy2D(void *dst, size_t dpitch, const void *src, size_t spitch, size_t width, size_t height,
                         cudaMemcpyKind kind);
cudaError_t cudaMemcpy2DAsync(void *dst, size_t dpitch, const void *src, size_t spitch, size_t width, size_t height,
                              cudaMemcpyKind kind, cudaStream_t s = 0);
cudaError_t cudaMemset(void *p, int value, size_t bytes);
cudaError_t cudaMemsetAsync(void *p, int value, size_t bytes, cudaStream_t s = 0);
cudaError_t cudaMemGetInfo(size_t *free_bytes, size_t *total_bytes);
template <class T>
static inline cudaError_t cudaMemcpyToSymbol(T &symbol, const void *src, size_t bytes, size_t offset = 0,
                                             cudaMemcpyKind kind = cudaMemcpyHostToDevice)
{
    if (offset + bytes > sizeof(T)) return cudaErrorInvalidValue;
    std::memcpy(reinterpret_cast<char *>(&symbol) + offset, src, bytes);
    return cudaSuccess;
}
template <class T>
static inline cudaError_t cudaMemcpyToSymbolAsync(T &symbol, const void *src, size_t bytes, size_t offset = 0,
                                                  cudaMemcpyKind kind = cudaMemcpyHostToDevice, cudaStream_t s = 0)
{
    return cudaMemcpyToSymbol(symbol, src, bytes, offset, kind);
}
template <class T>
static inline cudaError_t cudaMemcpyFromSymbol(void *dst, const T &symbol, size_t bytes, size_t offset = 0,
                                               cudaMemcpyKind kind = cudaMemcpyDeviceToHost)
{
    if (offset + bytes > sizeof(T)) return cudaErrorInvalidValue;
    std::memcpy(dst, reinterpret_cast<const char *>(&symbol) + offset, bytes);
    return cudaSuccess;
}

cudaError_t cudaDeviceSynchronize(void);
cudaError_t cudaDeviceReset(void);
cudaError_t cudaGetDevice(int *device);
cudaError_t cudaSetDevice(int device);
cudaError_t cudaGetDeviceCount(int *count);
cudaError_t cudaGetDeviceProperties(cudaDeviceProp *prop, int device);
cudaError_t cudaDeviceGetAttribute(int *value, cudaDeviceAttr attr, int device);
cudaError_t cudaStreamCreate(cudaStream_t *s);
cudaError_t cudaStreamCreateWithFlags(cudaStream_t *s, unsigned flags);
cudaError_t cudaStreamDestroy(cudaStream_t s);
cudaError_t cudaStreamSynchronize(cudaStream_t s);
cudaError_t cudaStreamWaitEvent(cudaStream_t s, cudaEvent_t e, unsigned flags = 0);
cudaError_t cudaEventCreate(cudaEvent_t *e);
cudaError_t cudaEventCreateWithFlags(cudaEvent_t *e, unsigned flags);
cudaError_t cudaEventDestroy(cudaEvent_t e);
cudaError_t cudaEventRecord(cudaEvent_t e, cudaStream_t s = 0);
cudaError_t cudaEventSynchronize(cudaEvent_t e);
cudaError_t cudaEventQuery(cudaEvent_t e);
cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start, cudaEvent_t end);

/* Only cudaFuncAttributeMaxDynamicSharedMemorySize has an effect: it raises the
 * launch limit for that kernel (up to 227 KiB). */
cudaError_t cudaFuncSetAttribute(const void *fn, cudaFuncAttribute attr, int value);
template <class T>
static inline cudaError_t cudaFuncSetAttribute(T *fn, cudaFuncAttribute attr, int value)
{
    return cudaFuncSetAttribute(reinterpret_cast<const void *>(fn), attr, value);
}
/* A plausible answer (the shim has no occupancy): blocks of 2048 resident threads. */
template <class T>
static inline cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessor(int *n, T fn, int block, size_t smem)
{
    *n = block > 0 ? std::max(1, 2048 / block) : 0;
    return cudaSuccess;
}

#endif
