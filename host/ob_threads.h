/* ob_threads.h — one CPU thread count for the two pools a process has:
 * OpenMP's (our loops) and OpenBLAS's (its GEMMs).
 *
 * Contract
 *   ob_threads()             the count both pools use: omp_get_max_threads().
 *   ob_threads_set(n)        n >= 1 threads for OpenMP and OpenBLAS alike (what
 *                            --threads sets; OMP_NUM_THREADS sets both at start).
 *   ob_blas_serial_begin()   OpenBLAS to one thread, returning the count before;
 *   ob_blas_serial_end(prev) puts it back. Between the two, code splits the work
 *                            over OpenMP threads and each calls a single-threaded
 *                            GEMM on its share (nets/conv_cpu.c): one pool busy at a
 *                            time. Calls nest; only the thread outside any OpenMP
 *                            region calls them.
 * Why: OpenBLAS's pthreads spin (sched_yield) while they wait for the next GEMM
 * and libgomp's spin after each region, each on the cores the other needs;
 * a training step of small convolutions measured 3x slower with both pools
 * awake than with one.
 */
#ifndef OB_THREADS_H
#define OB_THREADS_H

#ifdef __cplusplus
extern "C" {
#endif

int ob_threads(void);
void ob_threads_set(int n);
int ob_blas_serial_begin(void);
void ob_blas_serial_end(int prev);

#ifdef __cplusplus
}
#endif
#endif
