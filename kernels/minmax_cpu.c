/* minmax_cpu.c — the CPU path of minmax.h. Each plane is cut into fixed
 * chunks; a chunk's loop is `v < lo ? v : lo` (false for NaN, so NaN never
 * wins), which compilers turn into vector min/max; chunk results are combined
 * in order. Min and max are exact, so the split never changes the answer. */
#include <math.h>
#include <stdlib.h>

#include "minmax.h"

enum { CHUNK = 1 << 16, PARALLEL_MIN = 1 << 22 };

static void chunk_minmax(float *lo_out, float *hi_out, const float *x, size_t n)
{
    float lo = INFINITY, hi = -INFINITY;
#pragma omp simd reduction(min : lo) reduction(max : hi)
    for (size_t i = 0; i < n; i++) {
        const float v = x[i];
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    *lo_out = lo, *hi_out = hi;
}

ob_status ob_minmax_cpu(float *mins, float *maxs, const float *x, int planes, size_t n)
{
    OB_TRY(ob_minmax_check(mins, maxs, x, planes, n));
    const long long chunks = (long long)((n + CHUNK - 1) / CHUNK), total = chunks * planes;
    for (int p = 0; p < planes; p++) mins[p] = INFINITY, maxs[p] = -INFINITY;
    if ((size_t)planes * n < PARALLEL_MIN) {
        for (int p = 0; p < planes; p++) {
            chunk_minmax(&mins[p], &maxs[p], x + (size_t)p * n, n);
            ob_minmax_finish(&mins[p], &maxs[p]);
        }
        return OB_OK;
    }
    float *lo = malloc(sizeof(float) * 2 * (size_t)total), *hi = lo ? lo + total : NULL;
    if (!lo) return OB_FAIL(OB_ERR_NOMEM, "minmax: no memory for %lld chunk results", total);
#pragma omp parallel for schedule(static)
    for (long long k = 0; k < total; k++) {
        const long long p = k / chunks, c = k % chunks;
        const size_t first = (size_t)c * CHUNK, len = n - first < CHUNK ? n - first : CHUNK;
        chunk_minmax(&lo[k], &hi[k], x + (size_t)p * n + first, len);
    }
    for (long long k = 0; k < total; k++) {
        const int p = (int)(k / chunks);
        if (lo[k] < mins[p]) mins[p] = lo[k];
        if (hi[k] > maxs[p]) maxs[p] = hi[k];
    }
    for (int p = 0; p < planes; p++) ob_minmax_finish(&mins[p], &maxs[p]);
    free(lo);
    return OB_OK;
}
