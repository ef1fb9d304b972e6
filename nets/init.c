/* init.c — parameter initialisers (ob_init.h). Values are drawn on the host
 * from Philox (stream OB_RNG_STREAM_INIT, one draw per element) and copied to
 * the device when the tensor lives there. */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ob_init.h"
#include "ob_philox.h"


double ob_init_gain(ob_nonlinearity nl, double param)
{
    switch (nl) {
    case OB_NL_TANH: return 5.0 / 3.0;
    case OB_NL_RELU: return sqrt(2.0);
    case OB_NL_LEAKY_RELU: return sqrt(2.0 / (1.0 + param * param));
    case OB_NL_SELU: return 0.75;
    default: return 1.0; /* linear, sigmoid */
    }
}

ob_status ob_init_fans(int64_t *fan_in, int64_t *fan_out, const ob_tensor *w)
{
    OB_REQUIRE(w && w->ndim >= 2, "init: fans need a weight of 2 or more dimensions, got %d", w ? w->ndim : 0);
    int64_t field = 1;
    for (int d = 2; d < w->ndim; d++) field *= w->shape[d];
    *fan_in = w->shape[1] * field, *fan_out = w->shape[0] * field;
    return OB_OK;
}

uint64_t ob_init_seed(uint64_t seed, uint64_t k)
{
    uint32_t r[4];
    ob_philox(r, seed, OB_RNG_STREAM_INIT, ((uint64_t)1 << 63) | k); /* indices never used for elements */
    return (uint64_t)r[0] | (uint64_t)r[1] << 32;
}

/* Runs fill(host buffer) and puts the result into t, wherever it lives. */
typedef void (*fill_fn)(float *x, int64_t n, const double *args, uint64_t seed);

static ob_status fill_tensor(ob_tensor *t, fill_fn fill, const double *args, uint64_t seed)
{
    OB_REQUIRE(t && t->dtype == OB_F32 && t->data && ob_tensor_is_contiguous(t),
               "init: expected an allocated contiguous float32 tensor");
    const int64_t n = ob_tensor_numel(t);
    if (t->loc == OB_HOST) {
        fill(ob_tensor_f32(t), n, args, seed);
        return OB_OK;
    }
    ob_tensor h;
    OB_TRY(ob_tensor_alloc(&h, OB_F32, OB_HOST, t->ndim, t->shape));
    fill(ob_tensor_f32(&h), n, args, seed);
    ob_status s = ob_tensor_copy(t, &h);
    ob_tensor_free(&h);
    return s;
}

static void fill_uniform(float *x, int64_t n, const double *a, uint64_t seed)
{
    for (int64_t i = 0; i < n; i++) x[i] = (float)(a[0] + (a[1] - a[0]) * ob_philox_uniform(seed, OB_RNG_STREAM_INIT, (uint64_t)i));
}

/* Box–Muller on one Philox draw per element: u1 in (0, 1], u2 in [0, 1). */
static double normal_at(uint64_t seed, uint64_t i) { return ob_philox_normal(seed, OB_RNG_STREAM_INIT, i); }

static void fill_normal(float *x, int64_t n, const double *a, uint64_t seed)
{
    for (int64_t i = 0; i < n; i++) x[i] = (float)(a[0] + a[1] * normal_at(seed, (uint64_t)i));
}

static void fill_constant(float *x, int64_t n, const double *a, uint64_t seed)
{
    for (int64_t i = 0; i < n; i++) x[i] = (float)a[0];
}

ob_status ob_init_uniform(ob_tensor *t, double lo, double hi, uint64_t seed)
{
    OB_REQUIRE(lo <= hi, "init: uniform bounds %g > %g", lo, hi);
    const double a[2] = {lo, hi};
    return fill_tensor(t, fill_uniform, a, seed);
}

ob_status ob_init_normal(ob_tensor *t, double mean, double std, uint64_t seed)
{
    OB_REQUIRE(std >= 0, "init: normal std %g < 0", std);
    const double a[2] = {mean, std};
    return fill_tensor(t, fill_normal, a, seed);
}

ob_status ob_init_constant(ob_tensor *t, double value)
{
    const double a[1] = {value};
    return fill_tensor(t, fill_constant, a, 0);
}

ob_status ob_init_zeros(ob_tensor *t) { return ob_init_constant(t, 0.0); }

static ob_status kaiming_std(double *std, const ob_tensor *w, double a, ob_fan_mode mode, ob_nonlinearity nl)
{
    int64_t fi = 0, fo = 0;
    OB_TRY(ob_init_fans(&fi, &fo, w));
    const int64_t fan = mode == OB_FAN_OUT ? fo : fi;
    OB_REQUIRE(fan > 0, "init: kaiming with a zero fan");
    *std = ob_init_gain(nl, a) / sqrt((double)fan);
    return OB_OK;
}

ob_status ob_init_kaiming_uniform(ob_tensor *w, double a, ob_fan_mode mode, ob_nonlinearity nl, uint64_t seed)
{
    double std = 0;
    OB_TRY(kaiming_std(&std, w, a, mode, nl));
    const double b = sqrt(3.0) * std;
    return ob_init_uniform(w, -b, b, seed);
}

ob_status ob_init_kaiming_normal(ob_tensor *w, double a, ob_fan_mode mode, ob_nonlinearity nl, uint64_t seed)
{
    double std = 0;
    OB_TRY(kaiming_std(&std, w, a, mode, nl));
    return ob_init_normal(w, 0.0, std, seed);
}

ob_status ob_init_xavier_uniform(ob_tensor *w, double gain, uint64_t seed)
{
    int64_t fi = 0, fo = 0;
    OB_TRY(ob_init_fans(&fi, &fo, w));
    const double b = gain * sqrt(6.0 / (double)(fi + fo));
    return ob_init_uniform(w, -b, b, seed);
}

ob_status ob_init_xavier_normal(ob_tensor *w, double gain, uint64_t seed)
{
    int64_t fi = 0, fo = 0;
    OB_TRY(ob_init_fans(&fi, &fo, w));
    return ob_init_normal(w, 0.0, gain * sqrt(2.0 / (double)(fi + fo)), seed);
}

/* torch.nn.init.orthogonal_: rows = d0, cols = rest; Q of the QR of a Gaussian
 * (max, min) matrix, columns' signs fixed by diag(R), transposed back when
 * rows < cols. */
ob_status ob_init_orthogonal(ob_tensor *w, double gain, uint64_t seed)
{
    OB_REQUIRE(w && w->ndim >= 2 && w->dtype == OB_F32 && w->data, "init: orthogonal needs a float weight of 2+ dims");
    const int64_t rows = w->shape[0], cols = ob_tensor_numel(w) / rows;
    const int64_t m = rows > cols ? rows : cols, k = rows > cols ? cols : rows; /* A is (m, k), m >= k */
    OB_REQUIRE(m <= 1 << 20 && m * k <= (int64_t)1 << 28, "init: orthogonal of %lld x %lld too large",
               (long long)rows, (long long)cols);
    double *a = malloc(sizeof(double) * (size_t)(m * k)), *tau = malloc(sizeof(double) * (size_t)k);
    double *sgn = malloc(sizeof(double) * (size_t)k);
    float *out = malloc(sizeof(float) * (size_t)(rows * cols));
    ob_status st = OB_OK;
    if (!a || !tau || !sgn || !out) {
        st = OB_FAIL(OB_ERR_NOMEM, "init: orthogonal: no memory");
        goto done;
    }
    for (int64_t i = 0; i < m * k; i++) a[i] = normal_at(seed, (uint64_t)i); /* row-major (m, k) */
    lapack_int info = LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)k, a, (lapack_int)k, tau);
    if (info == 0) {
        for (int64_t j = 0; j < k; j++) sgn[j] = a[j * k + j] < 0 ? -1.0 : 1.0;
        info = LAPACKE_dorgqr(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)k, (lapack_int)k, a, (lapack_int)k, tau);
    }
    if (info != 0) {
        st = OB_FAIL(OB_ERR_INTERNAL, "init: orthogonal: LAPACK QR failed (info %d)", (int)info);
        goto done;
    }
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < k; j++) {
            const float v = (float)(gain * a[i * k + j] * sgn[j]);
            if (rows >= cols) out[i * cols + j] = v;
            else out[j * cols + i] = v; /* W = Qᵀ */
        }
    ob_tensor src;
    st = ob_tensor_wrap(&src, out, OB_F32, OB_HOST, w->ndim, w->shape);
    if (st == OB_OK) st = ob_tensor_copy(w, &src);
done:
    free(a), free(tau), free(sgn), free(out);
    return st;
}

ob_status ob_init_default(ob_layer *l, uint64_t seed)
{
    OB_REQUIRE(l, "init: no layer");
    int64_t fan_in = 0, fan_out;
    for (int p = 0; p < l->n_params; p++) {
        ob_param *pr = &l->params[p];
        if (strcmp(pr->name, "weight") == 0 && pr->value.ndim >= 2) {
            OB_TRY(ob_init_fans(&fan_in, &fan_out, &pr->value));
            OB_TRY(ob_init_kaiming_uniform(&pr->value, sqrt(5.0), OB_FAN_IN, OB_NL_LEAKY_RELU, ob_init_seed(seed, 0)));
        }
    }
    for (int p = 0; p < l->n_params; p++) {
        ob_param *pr = &l->params[p];
        if (strcmp(pr->name, "bias") == 0 && fan_in > 0) {
            const double b = 1.0 / sqrt((double)fan_in);
            OB_TRY(ob_init_uniform(&pr->value, -b, b, ob_init_seed(seed, 1)));
        }
    }
    return OB_OK;
}
