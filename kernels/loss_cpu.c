/* loss_cpu.c — the CPU path of loss.h.
 *
 * Each loop runs over chunks of OB_LOSS_CHUNK elements (rows for
 * cross-entropy); a chunk's sum goes to its own slot and the slots are added in
 * chunk order, so the result does not depend on the OpenMP thread count. */
#include <stdlib.h>

#include "loss.h"

/* Room for one partial per chunk. */
static ob_status alloc_partials(double **p, int64_t *chunks, int64_t n)
{
    *chunks = (n + OB_LOSS_CHUNK - 1) / OB_LOSS_CHUNK;
    *p = malloc(sizeof(double) * (size_t)*chunks);
    if (!*p) return OB_FAIL(OB_ERR_NOMEM, "loss: no memory for %lld partial sums", (long long)*chunks);
    return OB_OK;
}

static double sum_partials(double *p, int64_t chunks)
{
    double s = 0;
    for (int64_t c = 0; c < chunks; c++) s += p[c];
    free(p);
    return s;
}

ob_status ob_loss_pointwise_cpu(double *sum, float *ga, float *gb, const float *a, const float *b, int64_t n,
                                ob_loss_kind kind, float gscale)
{
    OB_TRY(ob_loss_check_pointwise(n, kind, a, b));
    OB_REQUIRE(sum, "loss: no output pointer");
    double *part;
    int64_t chunks;
    OB_TRY(alloc_partials(&part, &chunks, n));
#pragma omp parallel for schedule(static)
    for (int64_t c = 0; c < chunks; c++) {
        const int64_t end = (c + 1) * OB_LOSS_CHUNK < n ? (c + 1) * OB_LOSS_CHUNK : n;
        double s = 0;
        for (int64_t i = c * OB_LOSS_CHUNK; i < end; i++) {
            float da, db;
            s += ob_loss_term(kind, a[i], b[i], &da, &db);
            if (ga) ga[i] = gscale * da;
            if (gb) gb[i] = gscale * db;
        }
        part[c] = s;
    }
    *sum = sum_partials(part, chunks);
    return OB_OK;
}

ob_status ob_loss_cross_entropy_cpu(double *sum, float *grad, const float *logits, const int32_t *labels, int64_t n,
                                    int k, float gscale)
{
    OB_REQUIRE(sum && logits && labels, "cross_entropy: null pointer");
    OB_REQUIRE(n >= 1 && k >= 1, "cross_entropy: empty input (%lld rows of %d classes)", (long long)n, k);
    double *part;
    int64_t chunks;
    OB_TRY(alloc_partials(&part, &chunks, n));
#pragma omp parallel for schedule(static)
    for (int64_t c = 0; c < chunks; c++) {
        const int64_t end = (c + 1) * OB_LOSS_CHUNK < n ? (c + 1) * OB_LOSS_CHUNK : n;
        double s = 0;
        for (int64_t i = c * OB_LOSS_CHUNK; i < end; i++)
            s += ob_ce_row(grad ? grad + i * k : NULL, logits + i * k, k, labels[i], gscale);
        part[c] = s;
    }
    *sum = sum_partials(part, chunks);
    return OB_OK;
}

ob_status ob_reparam_forward_cpu(float *z, const float *mu, const float *logvar, int64_t n, uint64_t seed,
                                 uint64_t offset)
{
    OB_REQUIRE(z && mu && logvar, "reparam: null pointer");
    OB_REQUIRE(n >= 1, "reparam: empty input");
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++)
        z[i] = ob_reparam_z(mu[i], logvar[i], ob_reparam_eps(seed, offset + (uint64_t)i));
    return OB_OK;
}

ob_status ob_reparam_backward_cpu(float *dmu, float *dlogvar, const float *dz, const float *logvar, int64_t n,
                                  uint64_t seed, uint64_t offset, int accumulate)
{
    OB_REQUIRE(dmu && dlogvar && dz && logvar, "reparam backward: null pointer");
    OB_REQUIRE(n >= 1, "reparam backward: empty input");
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        const float g = dz[i];
        const float dl = ob_reparam_dlogvar(g, logvar[i], ob_reparam_eps(seed, offset + (uint64_t)i));
        dmu[i] = accumulate ? dmu[i] + g : g;
        dlogvar[i] = accumulate ? dlogvar[i] + dl : dl;
    }
    return OB_OK;
}
