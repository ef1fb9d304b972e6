/* warp_affine_cpu.c — CPU path of warp_affine.h: output rows over OpenMP,
 * each pixel through ob_warp_affine_pixel (the taps the GPU path runs). */
#include "warp_affine.h"

static void warp_rows(float *out, const float *in, int planes, int h, int w, int oh, int ow, const ob_affine2d *inv,
                      float fill, int y)
{
    const int64_t out_plane = (int64_t)oh * ow;
    for (int x = 0; x < ow; x++)
        ob_warp_affine_pixel(out + (int64_t)y * ow + x, out_plane, in, planes, h, w, inv, fill, x, y);
}

ob_status ob_warp_affine_cpu(float *out, const float *in, int planes, int h, int w, int oh, int ow, ob_affine2d inv,
                             float fill)
{
    OB_REQUIRE(out && in && planes >= 1 && h >= 1 && w >= 1 && oh >= 1 && ow >= 1,
               "warp_affine: bad arguments (%d planes, %dx%d -> %dx%d)", planes, w, h, ow, oh);
    if ((int64_t)oh * ow * planes < (1 << 18)) { /* see the header: small warps stay on this thread */
        for (int y = 0; y < oh; y++) warp_rows(out, in, planes, h, w, oh, ow, &inv, fill, y);
        return OB_OK;
    }
#pragma omp parallel for schedule(static)
    for (int y = 0; y < oh; y++) warp_rows(out, in, planes, h, w, oh, ow, &inv, fill, y);
    return OB_OK;
}
