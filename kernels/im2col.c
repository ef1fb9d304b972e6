/* im2col.c — the geometry check every path of im2col.h shares. */
#include "im2col.h"

ob_status ob_im2col_check(ob_im2col_geom *g)
{
    OB_REQUIRE(g, "im2col: no geometry");
    OB_REQUIRE(g->c >= 1 && g->h >= 1 && g->w >= 1, "im2col: image (%d, %d, %d) must have sizes >= 1", g->c, g->h,
               g->w);
    OB_REQUIRE(g->kh >= 1 && g->kw >= 1 && g->sh >= 1 && g->sw >= 1 && g->dh >= 1 && g->dw >= 1 && g->ph >= 0 &&
                   g->pw >= 0,
               "im2col: kernel %dx%d, stride %dx%d, dilation %dx%d must be >= 1 and padding %dx%d >= 0", g->kh,
               g->kw, g->sh, g->sw, g->dh, g->dw, g->ph, g->pw);
    const int64_t eh = (int64_t)g->h + 2 * (int64_t)g->ph - (int64_t)g->dh * (g->kh - 1) - 1;
    const int64_t ew = (int64_t)g->w + 2 * (int64_t)g->pw - (int64_t)g->dw * (g->kw - 1) - 1;
    OB_REQUIRE(eh >= 0 && ew >= 0,
               "im2col: a %dx%d window with dilation %dx%d does not fit a %dx%d image padded by %dx%d", g->kh, g->kw,
               g->dh, g->dw, g->h, g->w, g->ph, g->pw);
    g->oh = (int)(eh / g->sh + 1), g->ow = (int)(ew / g->sw + 1);
    OB_REQUIRE((int64_t)g->c * g->kh * g->kw <= 0x7fffffff && (int64_t)g->oh * g->ow <= 0x7fffffff,
               "im2col: %d x %dx%d rows or %dx%d positions too many", g->c, g->kh, g->kw, g->oh, g->ow);
    return OB_OK;
}

ob_status ob_im2col_prepare(ob_im2col_geom *out, const ob_im2col_geom *g, int n, int64_t ld)
{
    OB_REQUIRE(g, "im2col: no geometry");
    *out = *g;
    OB_TRY(ob_im2col_check(out));
    OB_REQUIRE(n >= 1, "im2col: batch of %d images", n);
    const int64_t p = (int64_t)out->oh * out->ow;
    OB_REQUIRE(ld >= (int64_t)n * p, "im2col: row stride %lld < %d images x %lld positions", (long long)ld, n,
               (long long)p);
    return OB_OK;
}
