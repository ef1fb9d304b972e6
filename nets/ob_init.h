/* ob_init.h — parameter initialisers (torch.nn.init's, same formulas).
 *
 * Contract
 *   Each fills a float32 tensor (host or device: device tensors are filled on
 *   the host and copied) from Philox (ob_philox.h, stream OB_RNG_STREAM_INIT):
 *   element i is a pure function of (seed, i), so a seeded net starts the same
 *   on every machine and thread count. Tensors that must differ need distinct
 *   seeds: ob_init_seed(seed, k) derives the k-th (ob_init_default does so per
 *   parameter). Values differ from PyTorch's (another generator); the
 *   distributions are the same.
 *   Fans (torch's _calculate_fan_in_and_fan_out): for a weight of shape
 *   (d0, d1, ...): fan_in = d1 · Π d2.., fan_out = d0 · Π d2..; needs ndim >= 2.
 *     kaiming_uniform   U(-b, b), b = gain · sqrt(3 / fan)
 *     kaiming_normal    N(0, std²), std = gain / sqrt(fan)
 *                       gain = ob_init_gain(nonlinearity, a); fan = fan_in or fan_out
 *     xavier_uniform    U(-b, b), b = gain · sqrt(6 / (fan_in + fan_out))
 *     xavier_normal     N(0, std²), std = gain · sqrt(2 / (fan_in + fan_out))
 *     orthogonal        the weight flattened to (d0, rest) made (semi-)orthogonal
 *                       by QR of a Gaussian matrix (LAPACKE dgeqrf + dorgqr, signs
 *                       fixed by diag(R) as torch does), times gain
 *     uniform, normal, constant, zeros
 *   ob_init_default: PyTorch's reset_parameters for Conv*d and Linear — weight
 *   kaiming_uniform(a = sqrt(5)) on fan_in (i.e. U(±1/sqrt(fan_in))), bias
 *   U(±1/sqrt(fan_in)). For conv_transpose2d fan_in is computed from its
 *   (C_in, C_out/g, k, k) weight exactly as torch does (C_out/g · k²).
 *   Layers without "weight" are left alone.
 *   Gains (torch.nn.init.calculate_gain): linear/sigmoid 1, tanh 5/3, relu sqrt 2,
 *   leaky_relu sqrt(2 / (1 + a²)), selu 3/4.
 *
 * Errors: OB_ERR_ARG for non-float tensors, fans of a 1-d tensor, fan 0.
 *
 * Example
 *   OB_TRY(ob_init_kaiming_normal(&conv->params[0].value, 0, OB_FAN_IN, OB_NL_RELU, seed));
 *   OB_TRY(ob_init_zeros(&conv->params[1].value));
 */
#ifndef OB_INIT_H
#define OB_INIT_H

#include <stdint.h>

#include "ob_layer.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { OB_FAN_IN = 0, OB_FAN_OUT = 1 } ob_fan_mode;
typedef enum { OB_NL_LINEAR = 0, OB_NL_SIGMOID, OB_NL_TANH, OB_NL_RELU, OB_NL_LEAKY_RELU, OB_NL_SELU } ob_nonlinearity;

/* torch.nn.init.calculate_gain; `param` is leaky_relu's negative slope (ignored otherwise). */
double ob_init_gain(ob_nonlinearity nl, double param);
ob_status ob_init_fans(int64_t *fan_in, int64_t *fan_out, const ob_tensor *w);
/* The k-th seed derived from `seed` (a Philox draw: distinct k give unrelated streams). */
uint64_t ob_init_seed(uint64_t seed, uint64_t k);

ob_status ob_init_uniform(ob_tensor *t, double lo, double hi, uint64_t seed);
ob_status ob_init_normal(ob_tensor *t, double mean, double std, uint64_t seed);
ob_status ob_init_constant(ob_tensor *t, double value);
ob_status ob_init_zeros(ob_tensor *t);
ob_status ob_init_kaiming_uniform(ob_tensor *w, double a, ob_fan_mode mode, ob_nonlinearity nl, uint64_t seed);
ob_status ob_init_kaiming_normal(ob_tensor *w, double a, ob_fan_mode mode, ob_nonlinearity nl, uint64_t seed);
ob_status ob_init_xavier_uniform(ob_tensor *w, double gain, uint64_t seed);
ob_status ob_init_xavier_normal(ob_tensor *w, double gain, uint64_t seed);
ob_status ob_init_orthogonal(ob_tensor *w, double gain, uint64_t seed);
/* PyTorch's default for a conv2d / conv_transpose2d / linear layer (see above). */
ob_status ob_init_default(ob_layer *l, uint64_t seed);

#ifdef __cplusplus
}
#endif
#endif
