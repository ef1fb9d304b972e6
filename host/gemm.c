/* gemm.c — ob_gemm.h: dnnl_sgemm where oneDNN is built in, else OpenBLAS. */
#include "ob_gemm.h"

#include <stdio.h>

#include "ob_dnnl.h"

#ifdef OB_HAVE_DNNL
void ob_sgemm(int ta, int tb, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
              const float *b, int64_t ldb, float beta, float *c, int64_t ldc)
{
    /* dnnl_sgemm only fails on invalid arguments, which callers never pass */
    (void)dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

const char *ob_gemm_library(void)
{
    static char buf[96];
    snprintf(buf, sizeof buf, "oneDNN %s dnnl_sgemm (%s)", ob_dnnl_version(), ob_dnnl_isa());
    return buf;
}
#else
#include <cblas.h>

void ob_sgemm(int ta, int tb, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
              const float *b, int64_t ldb, float beta, float *c, int64_t ldc)
{
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k,
                alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
}

const char *ob_gemm_library(void)
{
    static char buf[96];
    snprintf(buf, sizeof buf, "OpenBLAS (%s)", openblas_get_corename());
    return buf;
}
#endif
