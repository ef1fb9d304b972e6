/* test_init.c — initialisers (ob_init.h) against their distributions:
 *   - mean and std of large draws within 4 standard errors of the formula's
 *     (kaiming uniform/normal on fan_in and fan_out with relu, leaky_relu and tanh
 *     gains, xavier uniform/normal, uniform, normal), bounds of the uniform ones;
 *   - orthogonal: WᵀW = I (tall) or WWᵀ = I (wide) within 1e-5, times gain²;
 *   - PyTorch's default for conv2d / conv_transpose2d / linear: weight and bias in
 *     U(±1/sqrt(fan_in)) with the uniform's std;
 *   - the same seed gives the same values, another seed other values; device-free. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_conv2d.h"
#include "ob_init.h"
#include "ob_linear.h"
#include "ob_test.h"

static void moments(const ob_tensor *t, double *mean, double *std, double *lo, double *hi)
{
    const float *x = ob_tensor_f32(t);
    const int64_t n = ob_tensor_numel(t);
    double s = 0, s2 = 0;
    *lo = INFINITY, *hi = -INFINITY;
    for (int64_t i = 0; i < n; i++) {
        s += x[i], s2 += (double)x[i] * x[i];
        if (x[i] < *lo) *lo = x[i];
        if (x[i] > *hi) *hi = x[i];
    }
    *mean = s / n;
    *std = sqrt(fmax(s2 / n - *mean * *mean, 0));
}

/* mean within 4 standard errors of 0, std within 4 standard errors (≈ std·sqrt(k/n)) of want */
static void check_stats(const char *label, const ob_tensor *t, double want_std, double bound)
{
    double mean, std, lo, hi;
    moments(t, &mean, &std, &lo, &hi);
    const double n = (double)ob_tensor_numel(t);
    OB_CHECK(fabs(mean) <= 4 * want_std / sqrt(n), "%s: mean %.5g (std %.5g, n %.0f)", label, mean, want_std, n);
    OB_CHECK(fabs(std - want_std) <= 4 * want_std * sqrt(1.0 / n) + 1e-7, "%s: std %.6g, expected %.6g", label, std,
             want_std);
    if (bound > 0) OB_CHECK(lo >= -bound && hi <= bound, "%s: range [%g, %g] outside ±%g", label, lo, hi, bound);
    printf("     %s: mean %+.2e std %.5f (expected %.5f)\n", label, mean, std, want_std);
}

static ob_tensor make(int ndim, int64_t a, int64_t b, int64_t c, int64_t d)
{
    ob_tensor t;
    const int64_t s[4] = {a, b, c, d};
    ob_tensor_alloc(&t, OB_F32, OB_HOST, ndim, s);
    return t;
}

static void distributions(void)
{
    ob_tensor w = make(4, 64, 32, 5, 5); /* fan_in 800, fan_out 1600; 51200 elements */
    const double fi = 800, fo = 1600;
    OB_CHECK_OK(ob_init_kaiming_uniform(&w, 0, OB_FAN_IN, OB_NL_RELU, 1));
    check_stats("kaiming_uniform fan_in relu", &w, sqrt(2.0) / sqrt(fi), sqrt(2.0) * sqrt(3.0 / fi));
    OB_CHECK_OK(ob_init_kaiming_uniform(&w, 0.2, OB_FAN_OUT, OB_NL_LEAKY_RELU, 2));
    const double gl = sqrt(2.0 / 1.04);
    check_stats("kaiming_uniform fan_out leaky 0.2", &w, gl / sqrt(fo), gl * sqrt(3.0 / fo));
    OB_CHECK_OK(ob_init_kaiming_normal(&w, 0, OB_FAN_IN, OB_NL_RELU, 3));
    check_stats("kaiming_normal fan_in relu", &w, sqrt(2.0 / fi), 0);
    OB_CHECK_OK(ob_init_kaiming_normal(&w, 0, OB_FAN_OUT, OB_NL_TANH, 4));
    check_stats("kaiming_normal fan_out tanh", &w, 5.0 / 3.0 / sqrt(fo), 0);
    OB_CHECK_OK(ob_init_xavier_uniform(&w, 1.0, 5));
    check_stats("xavier_uniform", &w, sqrt(2.0 / (fi + fo)), sqrt(6.0 / (fi + fo)));
    OB_CHECK_OK(ob_init_xavier_normal(&w, ob_init_gain(OB_NL_TANH, 0), 6));
    check_stats("xavier_normal gain tanh", &w, 5.0 / 3.0 * sqrt(2.0 / (fi + fo)), 0);
    OB_CHECK_OK(ob_init_normal(&w, 0, 0.02, 7));
    check_stats("normal 0.02", &w, 0.02, 0);
    OB_CHECK_OK(ob_init_uniform(&w, -0.5, 0.5, 8));
    check_stats("uniform ±0.5", &w, 1.0 / sqrt(12.0), 0.5);
    OB_CHECK_OK(ob_init_constant(&w, 0.25));
    OB_CHECK(ob_tensor_f32(&w)[0] == 0.25f && ob_tensor_f32(&w)[51199] == 0.25f, "constant");
    OB_CHECK_OK(ob_init_zeros(&w));
    OB_CHECK(ob_tensor_f32(&w)[123] == 0.f, "zeros");
    /* gains: torch.nn.init.calculate_gain */
    OB_CHECK(fabs(ob_init_gain(OB_NL_RELU, 0) - sqrt(2.0)) < 1e-12 && ob_init_gain(OB_NL_SIGMOID, 0) == 1.0 &&
                 fabs(ob_init_gain(OB_NL_LEAKY_RELU, 0.01) - sqrt(2.0 / 1.0001)) < 1e-12,
             "gains");
    /* seeds: reproducible, distinct */
    ob_tensor a = make(2, 50, 50, 0, 0), b = make(2, 50, 50, 0, 0);
    ob_init_normal(&a, 0, 1, 42), ob_init_normal(&b, 0, 1, 42);
    OB_CHECK(memcmp(a.data, b.data, ob_tensor_nbytes(&a)) == 0, "same seed, same values");
    ob_init_normal(&b, 0, 1, 43);
    OB_CHECK(memcmp(a.data, b.data, ob_tensor_nbytes(&a)) != 0, "other seed, other values");
    OB_CHECK(ob_init_seed(42, 0) != ob_init_seed(42, 1) && ob_init_seed(42, 0) == ob_init_seed(42, 0), "derived seeds");
    ob_tensor one = make(1, 10, 0, 0, 0);
    OB_CHECK_FAILS(ob_init_kaiming_uniform(&one, 0, OB_FAN_IN, OB_NL_RELU, 1), OB_ERR_ARG);
    ob_tensor_free(&a), ob_tensor_free(&b), ob_tensor_free(&one), ob_tensor_free(&w);
}

/* max |(WᵀW or WWᵀ) - gain² I| for W (rows, cols) */
static void orthogonal(int64_t rows, int64_t c, int64_t kh, int64_t kw, double gain)
{
    ob_tensor w = kh ? make(4, rows, c, kh, kw) : make(2, rows, c, 0, 0);
    OB_CHECK_OK(ob_init_orthogonal(&w, gain, 77));
    const int64_t cols = ob_tensor_numel(&w) / rows, k = rows >= cols ? cols : rows;
    const float *x = ob_tensor_f32(&w);
    double worst = 0;
    for (int64_t i = 0; i < k; i++)
        for (int64_t j = 0; j < k; j++) {
            double s = 0;
            if (rows >= cols)
                for (int64_t r = 0; r < rows; r++) s += (double)x[r * cols + i] * x[r * cols + j];
            else
                for (int64_t q = 0; q < cols; q++) s += (double)x[i * cols + q] * x[j * cols + q];
            worst = fmax(worst, fabs(s / (gain * gain) - (i == j)));
        }
    OB_CHECK(worst <= 1e-5, "orthogonal (%lld, %lld) gain %g: max |WᵀW - I| = %.3g", (long long)rows, (long long)cols,
             gain, worst);
    printf("     orthogonal (%lld, %lld): max |WtW - I| = %.3g\n", (long long)rows, (long long)cols, worst);
    ob_tensor_free(&w);
}

static void pytorch_default(void)
{
    ob_layer *l[3];
    ob_param_arena a;
    OB_CHECK_OK(ob_conv2d_create(&l[0], &(ob_conv2d_cfg){.c_in = 16, .c_out = 64, .k = 3, .bias = 1}));
    OB_CHECK_OK(ob_conv_transpose2d_create(&l[1], &(ob_conv_transpose2d_cfg){.c_in = 64, .c_out = 32, .k = 4, .bias = 1}));
    OB_CHECK_OK(ob_linear_create(&l[2], &(ob_linear_cfg){.in_features = 300, .out_features = 200, .bias = 1}));
    OB_CHECK_OK(ob_layers_alloc_params(&a, l, 3, OB_HOST));
    const double fan_in[3] = {16 * 9, 32 * 16, 300}; /* torch's fan_in: weight dim 1 x window */
    const char *names[3] = {"conv2d default", "conv_transpose2d default", "linear default"};
    for (int i = 0; i < 3; i++) {
        OB_CHECK_OK(ob_init_default(l[i], 1000 + i));
        const double b = 1.0 / sqrt(fan_in[i]);
        char label[96];
        snprintf(label, sizeof label, "%s weight", names[i]);
        check_stats(label, &l[i]->params[0].value, b / sqrt(3.0), b);
        double mean, std, lo, hi;
        moments(&l[i]->params[1].value, &mean, &std, &lo, &hi);
        OB_CHECK(lo >= -b && hi <= b && hi - lo > b, "%s bias in ±%g: [%g, %g]", names[i], b, lo, hi);
    }
    /* weight and bias draw from different streams */
    OB_CHECK(ob_tensor_f32(&l[2]->params[0].value)[0] * (float)sqrt(300.0) !=
                 ob_tensor_f32(&l[2]->params[1].value)[0] * (float)sqrt(300.0),
             "weight and bias differ");
    ob_param_arena_free(&a);
    for (int i = 0; i < 3; i++) ob_layer_destroy(l[i]);
}

int main(void)
{
    distributions();
    orthogonal(64, 32, 3, 3, 1.0); /* wide: (64, 288) */
    orthogonal(100, 20, 0, 0, 1.0);
    orthogonal(33, 33, 0, 0, 1.0);
    orthogonal(50, 7, 0, 0, sqrt(2.0));
    pytorch_default();
    return ob_test_finish();
}
