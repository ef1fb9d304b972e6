/* optim_cpu.c — the CPU path of optim.h: the shared per-element updates in one
 * OpenMP loop. */
#include "optim.h"

ob_status ob_sgd_update_cpu(float *w, float *buf, const float *g, int64_t n, const ob_sgd_step *s)
{
    OB_REQUIRE(w && g && s && (buf || s->momentum == 0.0f), "sgd update: null pointer");
    OB_REQUIRE(n >= 1, "sgd update: empty parameter vector");
    const ob_sgd_step st = *s; /* a copy the stores cannot alias: the loop vectorises */
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) ob_sgd_elem(&w[i], buf ? &buf[i] : NULL, g[i], &st);
    return OB_OK;
}

ob_status ob_adam_update_cpu(float *w, float *m, float *v, const float *g, int64_t n, const ob_adam_step *s)
{
    OB_REQUIRE(w && m && v && g && s, "adam update: null pointer");
    OB_REQUIRE(n >= 1, "adam update: empty parameter vector");
    const ob_adam_step st = *s; /* a copy the stores cannot alias: the loop vectorises */
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) ob_adam_elem(&w[i], &m[i], &v[i], g[i], &st);
    return OB_OK;
}
