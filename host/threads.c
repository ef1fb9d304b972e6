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
