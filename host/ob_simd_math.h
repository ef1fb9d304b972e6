/* ob_simd_math.h — lets GCC vectorise loops that call powf, exp2f, log2f and
 * expf, through glibc's vector math library (libmvec: _ZGV*_powf etc., 16
 * lanes on AVX-512, 8 on AVX2, 4 on SSE; the variant follows -march).
 *
 * glibc declares those variants only under -ffast-math, which would also
 * change NaN and rounding rules. Declaring them here instead, in a file built
 * with -fno-math-errno (CMake: OB_SIMD_MATH_SOURCES; errno is what keeps a
 * math call from being a pure function) and a loop marked `#pragma omp simd`
 * or simple enough for the auto-vectoriser, gives vector calls with IEEE
 * semantics otherwise intact. libmvec's functions are within 4 ulp (glibc's
 * scalar ones within 1): tests compare such outputs with tolerances. Include
 * it before any loop that should vectorise; elsewhere it changes nothing. */
#ifndef OB_SIMD_MATH_H
#define OB_SIMD_MATH_H

#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__) && !defined(__cplusplus) && defined(__x86_64__) && \
    defined(_OPENMP)
#pragma omp declare simd notinbranch
float powf(float, float);
#pragma omp declare simd notinbranch
float exp2f(float);
#pragma omp declare simd notinbranch
float log2f(float);
#pragma omp declare simd notinbranch
float expf(float);
#endif

#endif
