/* ob_threads.h — one CPU thread count for the pools a process has: OpenMP's
 * (our loops and oneDNN's primitives and GEMMs, which run on the same libgomp
 * pool) and OpenBLAS's (LAPACKE's least squares; every GEMM when oneDNN is not
 * built in).
 *
 * Contract
 *   ob_threads()             the count: omp_get_max_threads().
 *   ob_threads_set(n)        n >= 1 threads for OpenMP and OpenBLAS alike (what
 *                            --threads sets; OMP_NUM_THREADS sets both at start).
 */
#ifndef OB_THREADS_H
#define OB_THREADS_H

#ifdef __cplusplus
extern "C" {
#endif

int ob_threads(void);
void ob_threads_set(int n);

#ifdef __cplusplus
}
#endif
#endif
