/* response_solve_cusolver.c — the GPU solver of response_solve.h: the same
 * reduced normal equations (assembled on the host by response_solve.c; they
 * are n_bins x n_bins, a few hundred KB), Cholesky by cusolverDnDpotrf +
 * cusolverDnDpotrs on the context's handle and stream. Thin by design: it
 * cannot run on a machine without a GPU; bench/gpu_check runs it where one
 * exists. A matrix that is not positive definite falls back to the CPU's
 * dense solve, as the CPU path does; the monotone step (response_monotone.c)
 * runs on the host after either, unless pb->free_curve. */
#include "response_solve.h"

#ifdef OB_HAVE_CUDA
#include <cuda_runtime_api.h>
#include <cusolverDn.h>
#include <stdlib.h>

#include "ob_cuda_check.h"
#include "ob_cuda_libs.h"

typedef struct {
    double *s, *r, *work;
    int *info;
} dev_bufs;

static void dev_free(dev_bufs *d)
{
    (void)cudaFree(d->s), (void)cudaFree(d->r), (void)cudaFree(d->work), (void)cudaFree(d->info);
}

/* S g = r on the device; *info_host from potrf (> 0: not positive definite). */
static ob_status potrf_potrs(dev_bufs *d, int *info_host, double *g, const double *s, cusolverDnHandle_t h,
                             cudaStream_t stream, int n)
{
    const size_t bytes = sizeof(double) * (size_t)n * n;
    int lwork = 0;
    OB_CUDA_CHECK(cudaMalloc((void **)&d->s, bytes));
    OB_CUDA_CHECK(cudaMalloc((void **)&d->r, sizeof(double) * (size_t)n));
    OB_CUDA_CHECK(cudaMalloc((void **)&d->info, sizeof(int)));
    OB_CUDA_CHECK(cudaMemcpyAsync(d->s, s, bytes, cudaMemcpyHostToDevice, stream));
    OB_CUDA_CHECK(cudaMemcpyAsync(d->r, g, sizeof(double) * (size_t)n, cudaMemcpyHostToDevice, stream));
    OB_CUSOLVER_CHECK(cusolverDnDpotrf_bufferSize(h, CUBLAS_FILL_MODE_UPPER, n, d->s, n, &lwork));
    OB_CUDA_CHECK(cudaMalloc((void **)&d->work, sizeof(double) * (size_t)(lwork > 0 ? lwork : 1)));
    OB_CUSOLVER_CHECK(cusolverDnDpotrf(h, CUBLAS_FILL_MODE_UPPER, n, d->s, n, d->work, lwork, d->info));
    OB_CUDA_CHECK(cudaMemcpyAsync(info_host, d->info, sizeof(int), cudaMemcpyDeviceToHost, stream));
    OB_CUDA_CHECK(cudaStreamSynchronize(stream));
    if (*info_host != 0) return OB_OK;
    OB_CUSOLVER_CHECK(cusolverDnDpotrs(h, CUBLAS_FILL_MODE_UPPER, n, 1, d->s, n, d->r, n, d->info));
    OB_CUDA_CHECK(cudaMemcpyAsync(g, d->r, sizeof(double) * (size_t)n, cudaMemcpyDeviceToHost, stream));
    OB_CUDA_CHECK(cudaMemcpyAsync(info_host, d->info, sizeof(int), cudaMemcpyDeviceToHost, stream));
    OB_CUDA_CHECK(cudaStreamSynchronize(stream));
    return OB_OK;
}

ob_status ob_response_solve_cusolver(ob_ctx *ctx, double *g, const ob_response_problem *pb)
{
    OB_REQUIRE(g, "response solve: no output");
    OB_TRY(ob_response_problem_check(pb));
    const int n = pb->n_bins;
    void *handle;
    OB_TRY(ob_ctx_cusolver(ctx, &handle));
    double *s = malloc(sizeof(double) * (size_t)n * n);
    if (!s) return OB_FAIL(OB_ERR_NOMEM, "response solve: no memory for a %d x %d matrix", n, n);
    ob_status st = ob_response_reduced_system(s, g, pb);
    dev_bufs d = {0};
    int info = 0;
    if (st == OB_OK)
        st = potrf_potrs(&d, &info, g, s, (cusolverDnHandle_t)handle, (cudaStream_t)ob_ctx_stream(ctx), n);
    dev_free(&d);
    free(s);
    if (st != OB_OK) return st;
    /* not positive definite: the CPU's dense solve, monotone step included */
    if (info > 0) return ob_response_solve_cpu(g, pb, OB_RESPONSE_SOLVE_DENSE);
    if (info < 0) return OB_FAIL(OB_ERR_INTERNAL, "response solve: cuSOLVER potrf/potrs argument %d", -info);
    ob_response_pin(g, n);
    return pb->free_curve ? OB_OK : ob_response_monotone(g, pb, NULL); /* on the host, S rebuilt there */
}

#else

ob_status ob_response_solve_cusolver(ob_ctx *ctx, double *g, const ob_response_problem *pb)
{
    (void)ctx, (void)g, (void)pb;
    return OB_FAIL(OB_ERR_UNSUPPORTED, "response solve: this obscura was built without CUDA (no cuSOLVER)");
}

#endif
