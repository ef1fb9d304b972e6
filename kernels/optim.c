/* optim.c — the step scalars every optimiser path uses, computed in double as
 * torch.optim computes them in Python, then rounded to float as torch's CPU
 * kernels round a Python scalar for a float32 tensor. */
#include "optim.h"

ob_status ob_sgd_prepare(ob_sgd_step *s, double lr, double momentum, double dampening, double weight_decay,
                         int nesterov, int first)
{
    OB_REQUIRE(isfinite(lr) && lr >= 0, "sgd: learning rate %g must be finite and >= 0", lr);
    OB_REQUIRE(isfinite(momentum) && momentum >= 0, "sgd: momentum %g must be finite and >= 0", momentum);
    OB_REQUIRE(isfinite(dampening) && dampening >= 0 && dampening <= 1, "sgd: dampening %g must be in [0, 1]",
               dampening);
    OB_REQUIRE(isfinite(weight_decay) && weight_decay >= 0, "sgd: weight decay %g must be finite and >= 0",
               weight_decay);
    OB_REQUIRE(!nesterov || (momentum > 0 && dampening == 0),
               "sgd: Nesterov momentum requires a momentum > 0 and zero dampening (momentum %g, dampening %g)",
               momentum, dampening);
    s->neg_lr = (float)-lr;
    s->weight_decay = (float)weight_decay;
    s->momentum = (float)momentum;
    s->one_minus_dampening = (float)(1.0 - dampening);
    s->nesterov = nesterov ? 1 : 0;
    s->first = first ? 1 : 0;
    return OB_OK;
}

ob_status ob_adam_prepare(ob_adam_step *s, double lr, double beta1, double beta2, double eps, double weight_decay,
                          int decoupled, int64_t t)
{
    OB_REQUIRE(isfinite(lr) && lr >= 0, "adam: learning rate %g must be finite and >= 0", lr);
    OB_REQUIRE(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "adam: betas (%g, %g) must be in [0, 1)", beta1,
               beta2);
    OB_REQUIRE(isfinite(eps) && eps >= 0, "adam: eps %g must be finite and >= 0", eps);
    OB_REQUIRE(isfinite(weight_decay) && weight_decay >= 0, "adam: weight decay %g must be finite and >= 0",
               weight_decay);
    OB_REQUIRE(t >= 1, "adam: step %lld (steps count from 1)", (long long)t);
    const double bc1 = 1.0 - pow(beta1, (double)t), bc2 = 1.0 - pow(beta2, (double)t);
    s->decay_keep = decoupled && weight_decay != 0 ? (float)(1.0 - lr * weight_decay) : 1.0f;
    s->weight_decay = decoupled ? 0.0f : (float)weight_decay;
    s->one_minus_beta1 = (float)(1.0 - beta1);
    s->lerp_from_end = s->one_minus_beta1 >= 0.5f;
    s->lerp_back = 1.0f - s->one_minus_beta1;
    s->beta2 = (float)beta2;
    s->one_minus_beta2 = (float)(1.0 - beta2);
    s->neg_step_size = (float)-(lr / bc1);
    s->bc2_sqrt = (float)pow(bc2, 0.5);
    s->eps = (float)eps;
    return OB_OK;
}
