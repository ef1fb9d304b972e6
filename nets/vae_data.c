/* vae_data.c — ob_vae_data.h: a set's images as their own targets, with the
 * class packed after the pixels for the conditional VAE. */
#include "ob_vae_data.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    const ob_dataset *base;
    int classes;
} vae_state;

static ob_status vae_get(const ob_dataset *ds, ob_sample *out, int64_t i)
{
    const vae_state *st = ds->state;
    ob_sample s = {0};
    OB_TRY(ob_dataset_get(st->base, &s, i));
    ob_status status = ob_tensor_clone_to(&s.target, &s.image, OB_HOST);
    if (status == OB_OK && st->classes > 0) {
        const int64_t chw = ob_tensor_numel(&s.target);
        ob_tensor packed = {0};
        if (s.label < 0 || s.label >= st->classes)
            status = OB_FAIL(OB_ERR_ARG, "sample %lld of %s: label %d outside 0..%d", (long long)i, st->base->source,
                             s.label, st->classes - 1);
        if (status == OB_OK)
            status = ob_tensor_alloc(&packed, OB_F32, OB_HOST, 3, (const int64_t[3]){1, 1, chw + st->classes});
        if (status == OB_OK) {
            ob_vae_pack(ob_tensor_f32(&packed), ob_tensor_f32(&s.target), chw, s.label, st->classes);
            ob_tensor_free(&s.image);
            s.image = packed;
        }
    }
    if (status != OB_OK) {
        ob_sample_free(&s);
        return status;
    }
    *out = s;
    return OB_OK;
}

static const char *vae_path(const ob_dataset *ds, int64_t i)
{
    const vae_state *st = ds->state;
    return ob_dataset_sample_path(st->base, i);
}

static void vae_destroy(ob_dataset *ds) { free(ds->state); } /* ob_dataset_close frees ds */

ob_status ob_vae_data_open(ob_dataset **out, const ob_dataset *base, int classes)
{
    OB_REQUIRE(out && base && base->n > 0, "vae data: no base samples");
    OB_REQUIRE(classes >= 0, "vae data: %d classes", classes);
    OB_REQUIRE(classes == 0 || base->n_classes == classes,
               "vae data: a conditional VAE of %d classes on %s, which has %d", classes, base->source,
               base->n_classes);
    OB_REQUIRE(base->channels > 0 && base->height > 0 && base->width > 0, "vae data: the images of %s differ in size",
               base->source);
    *out = NULL;
    ob_dataset *ds = calloc(1, sizeof *ds);
    vae_state *st = calloc(1, sizeof *st);
    if (!ds || !st) {
        free(ds), free(st);
        return OB_FAIL(OB_ERR_NOMEM, "out of memory");
    }
    st->base = base, st->classes = classes;
    *ds = *base;
    ds->n_classes = 0, ds->class_names = NULL, ds->n_keypoints = 0;
    if (classes > 0)
        ds->channels = ds->height = 1, ds->width = base->channels * base->height * base->width + classes;
    snprintf(ds->source, sizeof ds->source, "%.400s%s", base->source, classes ? " + one-hot class" : "");
    ds->state = st, ds->get = vae_get, ds->get_keyed = NULL, ds->sample_path = vae_path;
    ds->destroy = vae_destroy;
    *out = ds;
    return OB_OK;
}
