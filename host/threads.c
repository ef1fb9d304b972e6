/* threads.c — ob_threads.h. */
#include <cblas.h>
#include <omp.h>

#include "ob_threads.h"

int ob_threads(void) { return omp_get_max_threads(); }

void ob_threads_set(int n)
{
    if (n < 1) n = 1;
    omp_set_num_threads(n);
    openblas_set_num_threads(n);
}

int ob_blas_serial_begin(void)
{
    const int prev = openblas_get_num_threads();
    if (prev != 1) openblas_set_num_threads(1);
    return prev;
}

void ob_blas_serial_end(int prev)
{
    if (prev != 1 && prev >= 1) openblas_set_num_threads(prev);
}
