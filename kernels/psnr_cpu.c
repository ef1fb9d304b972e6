/* psnr_cpu.c — the CPU reference of psnr.h. The n elements are cut into
 * fixed-size chunks (independent of the thread count); each chunk's sum of
 * squared differences is exact-ish in double, and the chunk sums are added in
 * order, so every run gives the same bits. */
#include "psnr.h"

#include <math.h>

/* Below PARALLEL_MIN elements one thread finishes in well under a millisecond,
 * and waking a team costs more than it saves on a busy machine. */
enum { CHUNK = 1 << 14, MAX_CHUNKS = 256, PARALLEL_MIN = 1 << 22 };

static double chunk_sse(const float *a, const float *b, size_t n)
{
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (size_t i = 0; i < n; i++) {
        double d = (double)a[i] - (double)b[i]; /* exact: float - float fits a double */
        s += d * d;
    }
    return s;
}

ob_status ob_mse_cpu(double *mse, const float *a, const float *b, size_t n)
{
    OB_REQUIRE(mse && a && b, "mse: null pointer");
    OB_REQUIRE(n >= 1, "mse: empty input (n = 0)");
    /* at most MAX_CHUNKS chunks of at least CHUNK elements */
    size_t chunk = (n + MAX_CHUNKS - 1) / MAX_CHUNKS;
    if (chunk < CHUNK) chunk = CHUNK;
    const long long chunks = (long long)((n + chunk - 1) / chunk);
    double part[MAX_CHUNKS];
#pragma omp parallel for schedule(static) if (n >= PARALLEL_MIN)
    for (long long c = 0; c < chunks; c++) {
        size_t lo = (size_t)c * chunk, len = n - lo < chunk ? n - lo : chunk;
        part[c] = chunk_sse(a + lo, b + lo, len);
    }
    double sum = 0;
    for (long long c = 0; c < chunks; c++) sum += part[c];
    *mse = sum / (double)n;
    return OB_OK;
}

double ob_psnr_from_mse(double mse, double data_range)
{
    if (mse == 0) return INFINITY;
    return 10.0 * log10(data_range * data_range / mse);
}
