/* ob_gemm.h — the one plain float GEMM every CPU path calls.
 *
 * Contract
 *   ob_sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
 *     C (m, n) <- alpha · op(A) · op(B) + beta · C, row-major, op(X) = X or Xᵀ
 *     as ta / tb are 0 or 1; A is (m, k) or (k, m), B (k, n) or (n, k); beta 0
 *     ignores C's old contents. Called outside an OpenMP region it uses every
 *     thread of ob_threads(); inside one, only the calling thread.
 *   ob_gemm_library()  what runs it: "oneDNN 2.6.3 dnnl_sgemm (avx512_core)" or
 *     "OpenBLAS (Haswell)" in a build without oneDNN.
 * Why oneDNN's: it dispatches on the CPU's real features (cpuid), where
 * Debian's OpenBLAS 0.3.21 takes some AVX-512 Xeons for a "Prescott" and runs
 * at a fifth of their speed unless an environment variable forces the core.
 */
#ifndef OB_GEMM_H
#define OB_GEMM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void ob_sgemm(int ta, int tb, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
              const float *b, int64_t ldb, float beta, float *c, int64_t ldc);
const char *ob_gemm_library(void);

#ifdef __cplusplus
}
#endif
#endif
