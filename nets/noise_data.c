/* noise_data.c — ob_noise_data.h: a base set's images as clean targets of
 * noisy inputs. */
#include "ob_noise_data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_philox.h"


typedef struct {
    const ob_dataset *base;
    float sigma;
    int fixed;
} noise_state;


static ob_status noisy_pair(const ob_dataset *ds, ob_sample *out, int64_t i, uint64_t seed, int epoch)
{
    const noise_state *st = ds->state;
    ob_sample s = {0};
    OB_TRY(ob_dataset_get(st->base, &s, i));
    ob_status status = ob_tensor_clone_to(&s.target, &s.image, OB_HOST);
    if (status != OB_OK) {
        ob_sample_free(&s);
        return status;
    }
    /* one key per (seed, epoch, sample): the counter walks the sample's values */
    const uint64_t key = st->fixed ? ((uint64_t)i * 0x9E3779B97F4A7C15ull) ^ 0x5DEECE66Dull
                                   : seed ^ ((uint64_t)(uint32_t)epoch << 40) ^ ((uint64_t)i * 0x9E3779B97F4A7C15ull);
    float *x = ob_tensor_f32(&s.image);
    const int64_t n = ob_tensor_numel(&s.image);
    for (int64_t k = 0; k < n; k += 2) {
        double z[2];
        ob_philox_normal2(z, key, OB_RNG_STREAM_NOISE, (uint64_t)k / 2);
        for (int j = 0; j < 2 && k + j < n; j++) {
            const float v = x[k + j] + st->sigma * (float)z[j];
            x[k + j] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
    }
    *out = s;
    return OB_OK;
}

static ob_status noise_get(const ob_dataset *ds, ob_sample *out, int64_t i) { return noisy_pair(ds, out, i, 0, 0); }

static ob_status noise_get_keyed(const ob_dataset *ds, ob_sample *out, int64_t i, uint64_t seed, int epoch)
{
    return noisy_pair(ds, out, i, seed, epoch);
}

static const char *noise_path(const ob_dataset *ds, int64_t i)
{
    const noise_state *st = ds->state;
    return ob_dataset_sample_path(st->base, i);
}

static void noise_destroy(ob_dataset *ds) { free(ds->state); } /* ob_dataset_close frees ds */

ob_status ob_noise_data_open(ob_dataset **out, const ob_dataset *base, float sigma, int fixed)
{
    OB_REQUIRE(out && base && base->n > 0, "noise data: no base samples");
    OB_REQUIRE(sigma >= 0 && sigma <= 2, "noise data: sigma %g outside 0..2", sigma);
    *out = NULL;
    ob_dataset *ds = calloc(1, sizeof *ds);
    noise_state *st = calloc(1, sizeof *st);
    if (!ds || !st) {
        free(ds), free(st);
        return OB_FAIL(OB_ERR_NOMEM, "out of memory");
    }
    st->base = base, st->sigma = sigma, st->fixed = fixed;
    *ds = *base; /* shape, classes as the base's */
    snprintf(ds->source, sizeof ds->source, "%.400s + noise %.3g", base->source, sigma);
    ds->state = st, ds->get = noise_get, ds->get_keyed = noise_get_keyed, ds->sample_path = noise_path;
    ds->destroy = noise_destroy;
    *out = ds;
    return OB_OK;
}
