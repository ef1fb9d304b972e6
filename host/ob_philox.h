/* ob_philox.h — Philox4x32-10, the counter-based random generator shared by the
 * CPU and CUDA paths (Salmon et al., "Parallel random numbers: as easy as 1, 2,
 * 3", SC 2011; the same generator as cuRAND's Philox and Random123's).
 *
 * Contract
 *   A draw is a pure function of (seed, stream, index): no state, so a CPU loop
 *   and a GPU thread that ask for the same (seed, stream, index) get the same
 *   bits, whatever the order or the thread count. Use `stream` to separate uses
 *   (sampling pixels vs choosing patches), `index` for the draw number.
 *   Header-only; compiles as C11, C++ and CUDA (functions are __host__
 *   __device__ under nvcc).
 *
 * Example
 *   uint32_t r[4];
 *   ob_philox(r, seed, OB_RNG_STREAM_SAMPLES, i);   // 4 independent words
 *   float u = ob_philox_uniform(seed, OB_RNG_STREAM_SAMPLES, i);  // [0, 1)
 *   double z = ob_philox_normal(seed, OB_RNG_STREAM_INIT, i);      // N(0, 1)
 */
#ifndef OB_PHILOX_H
#define OB_PHILOX_H

#include <math.h>
#include <stdint.h>

#if defined(__CUDACC__)
#define OB_HD __host__ __device__ __forceinline__
#else
#define OB_HD static inline
#endif

/* One Philox round: two 32x32->64 multiplies, the halves mixed with the key. */
OB_HD void ob_philox_round(uint32_t c[4], uint32_t k0, uint32_t k1)
{
    const uint64_t p0 = (uint64_t)0xD2511F53u * c[0], p1 = (uint64_t)0xCD9E8D57u * c[2];
    const uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
    const uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
    const uint32_t n0 = hi1 ^ c[1] ^ k0, n2 = hi0 ^ c[3] ^ k1;
    c[0] = n0, c[1] = lo1, c[2] = n2, c[3] = lo0;
}

/* Philox4x32-10 of counter `ctr` under key (k0, k1); the result replaces ctr. */
OB_HD void ob_philox4x32_10(uint32_t ctr[4], uint32_t k0, uint32_t k1)
{
    for (int round = 0; round < 10; round++) {
        if (round) k0 += 0x9E3779B9u, k1 += 0xBB67AE85u; /* Weyl key schedule */
        ob_philox_round(ctr, k0, k1);
    }
}

/* Four random words for draw `index` of `stream` under `seed`. */
OB_HD void ob_philox(uint32_t out[4], uint64_t seed, uint32_t stream, uint64_t index)
{
    out[0] = (uint32_t)index, out[1] = (uint32_t)(index >> 32), out[2] = stream, out[3] = 0;
    ob_philox4x32_10(out, (uint32_t)seed, (uint32_t)(seed >> 32));
}

/* A float in [0, 1) with 24 random bits (exactly representable, never 1.0). */
OB_HD float ob_philox_uniform(uint64_t seed, uint32_t stream, uint64_t index)
{
    uint32_t r[4];
    ob_philox(r, seed, stream, index);
    return (float)(r[0] >> 8) * (1.0f / 16777216.0f);
}

/* Standard normals by Box-Muller from one draw: u1 in (0, 1], u2 in [0, 1)
 * (24 bits each), z = sqrt(-2 ln u1) (cos, sin)(2 pi u2). The one normal
 * generator of the library: initialisation, noise, the reparameterisation. */
OB_HD void ob_philox_normal2(double z[2], uint64_t seed, uint32_t stream, uint64_t index)
{
    uint32_t r[4];
    ob_philox(r, seed, stream, index);
    const double u1 = ((double)(r[0] >> 8) + 1.0) / 16777216.0, u2 = (double)(r[1] >> 8) / 16777216.0;
    const double rad = sqrt(-2.0 * log(u1));
#if defined(__CUDA_ARCH__)
    z[0] = rad * cospi(2.0 * u2), z[1] = rad * sinpi(2.0 * u2); /* cos's large-argument path would use local memory */
#else
    z[0] = rad * cos(6.283185307179586 * u2), z[1] = rad * sin(6.283185307179586 * u2);
#endif
}

/* The first of the two. */
OB_HD double ob_philox_normal(uint64_t seed, uint32_t stream, uint64_t index)
{
    double z[2];
    ob_philox_normal2(z, seed, stream, index);
    return z[0];
}

/* An integer in [0, n) for n >= 1 (64-bit multiply-shift: bias below 2^-32). */
OB_HD uint32_t ob_philox_below(uint64_t seed, uint32_t stream, uint64_t index, uint32_t n)
{
    uint32_t r[4];
    ob_philox(r, seed, stream, index);
    return (uint32_t)(((uint64_t)r[0] * n) >> 32);
}

/* Stream ids in use, so two features never draw the same numbers. */
enum {
    OB_RNG_STREAM_HDR_SAMPLES = 1,
    OB_RNG_STREAM_QUILT = 2,
    OB_RNG_STREAM_SHUFFLE = 3,
    OB_RNG_STREAM_AUGMENT = 4,
    OB_RNG_STREAM_INIT = 5,
    OB_RNG_STREAM_DROPOUT = 6,
    OB_RNG_STREAM_NOISE = 7,
    OB_RNG_STREAM_SR_CROP = 8,
    OB_RNG_STREAM_FACESWAP = 9 /* the face swap's random transform and warp */
};

#endif
