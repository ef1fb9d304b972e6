/* eltwise_cpu.c — CPU path of eltwise.h. */
#include <math.h>

#include "eltwise.h"
#include "ob_philox.h"

const char *ob_act_name(ob_act_kind k)
{
    static const char *names[] = {"relu", "leaky_relu", "silu", "tanh", "sigmoid"};
    return (unsigned)k < 5 ? names[k] : "?";
}

ob_status ob_act_forward_cpu(float *y, const float *x, int64_t n, ob_act_kind k, float slope)
{
#pragma omp parallel for schedule(static) if (n > 65536)
    for (int64_t i = 0; i < n; i++) y[i] = ob_act_f(x[i], (int)k, slope);
    return OB_OK;
}

ob_status ob_act_backward_cpu(float *gx, const float *gy, const float *x, const float *y, int64_t n, ob_act_kind k,
                              float slope)
{
#pragma omp parallel for schedule(static) if (n > 65536)
    for (int64_t i = 0; i < n; i++) gx[i] = ob_act_df(gy[i], x ? x[i] : 0.0f, y ? y[i] : 0.0f, (int)k, slope);
    return OB_OK;
}

ob_status ob_add_cpu(float *out, const float *a, const float *b, int64_t n)
{
#pragma omp parallel for schedule(static) if (n > 65536)
    for (int64_t i = 0; i < n; i++) out[i] = a[i] + b[i];
    return OB_OK;
}

ob_status ob_dropout_cpu(float *y, const float *x, int64_t n, float p, uint64_t seed, uint64_t step)
{
    OB_REQUIRE(p >= 0.0f && p < 1.0f, "dropout: p=%g outside [0, 1)", (double)p);
    OB_REQUIRE(n < ((int64_t)1 << 32), "dropout: %lld elements, at most 2^32", (long long)n);
    const float scale = 1.0f / (1.0f - p);
#pragma omp parallel for schedule(static) if (n > 16384)
    for (int64_t i = 0; i < n; i++) {
        const float u = ob_philox_uniform(seed, OB_RNG_STREAM_DROPOUT, (step << 32) | (uint64_t)i);
        y[i] = u >= p ? x[i] * scale : 0.0f;
    }
    return OB_OK;
}
