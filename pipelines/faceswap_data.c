/* faceswap_data.c — ob_faceswap.h's face folders: each image aligned onto
 * its canvas once, at load (training then only augments). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_align.h"
#include "ob_dataset.h"
#include "ob_faceswap.h"
#include "warp_affine.h"

void ob_faceswap_faces_free(ob_faceswap_faces *f)
{
    free(f->pixels);
    memset(f, 0, sizeof *f);
}

/* The canvas of one face: the template similarity at size S, margin 0, moved
 * to the canvas's centre. */
static ob_status align_one(float *canvas, const ob_sample *s, int size, int side, const char *path)
{
    OB_REQUIRE(s->n_kp == OB_FACE_POINTS, "%s: %d landmarks; a face needs the 68 of iBUG 300-W", path, s->n_kp);
    const int h = (int)s->image.shape[1], w = (int)s->image.shape[2];
    double T[9];
    if (ob_align_face_transform(T, s->kp, s->n_kp, w, h, size, 0) != OB_OK)
        return OB_FAIL(OB_ERR_ARG, "%s: %s", path, ob_last_error());
    const double off = (side - size) / 2.0;
    const ob_affine2d m = {{T[0], T[1], T[2] + off, T[3], T[4], T[5] + off}};
    ob_affine2d inv;
    OB_TRY(ob_warp_affine_invert(&inv, &m));
    return ob_warp_affine_cpu(canvas, ob_tensor_f32(&s->image), 3, h, w, side, side, inv, 0.0f);
}

ob_status ob_faceswap_faces_load(ob_faceswap_faces *f, const char *dir, int size)
{
    memset(f, 0, sizeof *f);
    OB_REQUIRE(size >= 16 && size <= 4096, "faceswap: face size %d outside 16..4096", size);
    ob_dataset *ds = NULL;
    const ob_dataset_opts opts = {.channels = 3};
    OB_TRY(ob_dataset_open_pts(&ds, dir, &opts));
    f->size = size, f->canvas = ob_faceswap_canvas(size), f->n = ds->n;
    snprintf(f->source, sizeof f->source, "%s", dir);
    const size_t per = (size_t)3 * f->canvas * f->canvas;
    ob_status s = (f->pixels = malloc(sizeof(float) * per * (size_t)ds->n)) ? OB_OK
                                                                            : OB_FAIL(OB_ERR_NOMEM, "%s: out of memory", dir);
    for (int64_t i = 0; s == OB_OK && i < ds->n; i++) {
        ob_sample smp = {0};
        s = ob_dataset_get(ds, &smp, i);
        if (s == OB_OK) s = align_one(f->pixels + per * (size_t)i, &smp, size, f->canvas, ob_dataset_sample_path(ds, i));
        ob_sample_free(&smp);
    }
    ob_dataset_close(ds);
    if (s != OB_OK) ob_faceswap_faces_free(f);
    return s;
}
