/* eltwise_cpu.c — CPU path of eltwise.h.
 *
 * The activations run one loop per kind so each vectorises: with GCC on
 * x86-64 glibc >= 2.35, tanhf and expf are redeclared with the simd attribute,
 * which lets the vectoriser call glibc's libmvec variants (_ZGV*_tanhf,
 * _ZGV*_expf: 4/8/16 lanes, chosen by -march; within 1-4 ulp of the scalar
 * functions). A scalar tanhf per element was a quarter of an ESPCN training
 * step. Elsewhere (clang, other libcs, unoptimised builds) the same loops call
 * the scalar functions. */
#include <math.h>

#include "eltwise.h"
#include "ob_philox.h"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__GLIBC__) && \
    (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
__attribute__((simd("notinbranch"))) float tanhf(float);
__attribute__((simd("notinbranch"))) float expf(float);
#endif

#define OB_ELT_PAR_MIN 65536 /* below this a parallel region costs more than it saves */

/* for i in [0, n): statement — threads and vector lanes */
#define OB_ELT_LOOP(statement)                                                                                   \
    _Pragma("omp parallel for simd schedule(static) if (n > OB_ELT_PAR_MIN)") for (int64_t i = 0; i < n; i++) { \
        statement;                                                                                               \
    }

const char *ob_act_name(ob_act_kind k)
{
    static const char *names[] = {"relu", "leaky_relu", "silu", "tanh", "sigmoid"};
    return (unsigned)k < 5 ? names[k] : "?";
}

/* The formulas are eltwise.h's ob_act_f / ob_act_df, written out per kind. */
ob_status ob_act_forward_cpu(float *y, const float *x, int64_t n, ob_act_kind k, float slope)
{
    switch (k) {
    case OB_ACT_RELU:
        OB_ELT_LOOP(y[i] = x[i] > 0.0f ? x[i] : 0.0f);
        break;
    case OB_ACT_LEAKY_RELU:
        OB_ELT_LOOP(y[i] = x[i] > 0.0f ? x[i] : slope * x[i]);
        break;
    case OB_ACT_SILU:
        OB_ELT_LOOP(y[i] = x[i] / (1.0f + expf(-x[i])));
        break;
    case OB_ACT_TANH:
        OB_ELT_LOOP(y[i] = tanhf(x[i]));
        break;
    case OB_ACT_SIGMOID:
        OB_ELT_LOOP(y[i] = 1.0f / (1.0f + expf(-x[i])));
        break;
    default: return OB_FAIL(OB_ERR_ARG, "activation: unknown kind %d", (int)k);
    }
    return OB_OK;
}

ob_status ob_act_backward_cpu(float *gx, const float *gy, const float *x, const float *y, int64_t n, ob_act_kind k,
                              float slope)
{
    const int from_y = k == OB_ACT_TANH || k == OB_ACT_SIGMOID;
    OB_REQUIRE(from_y ? y != NULL : x != NULL, "%s backward: needs the layer's %s", ob_act_name(k),
               from_y ? "output" : "input");
    switch (k) {
    case OB_ACT_RELU:
        OB_ELT_LOOP(gx[i] = x[i] > 0.0f ? gy[i] : 0.0f);
        break;
    case OB_ACT_LEAKY_RELU:
        OB_ELT_LOOP(gx[i] = x[i] > 0.0f ? gy[i] : slope * gy[i]);
        break;
    case OB_ACT_SILU:
        OB_ELT_LOOP(const float s = 1.0f / (1.0f + expf(-x[i])); gx[i] = gy[i] * s * (1.0f + x[i] * (1.0f - s)));
        break;
    case OB_ACT_TANH:
        OB_ELT_LOOP(gx[i] = gy[i] * (1.0f - y[i] * y[i]));
        break;
    case OB_ACT_SIGMOID:
        OB_ELT_LOOP(gx[i] = gy[i] * y[i] * (1.0f - y[i]));
        break;
    default: return OB_FAIL(OB_ERR_ARG, "activation: unknown kind %d", (int)k);
    }
    return OB_OK;
}

ob_status ob_add_cpu(float *out, const float *a, const float *b, int64_t n)
{
    OB_ELT_LOOP(out[i] = a[i] + b[i]);
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
