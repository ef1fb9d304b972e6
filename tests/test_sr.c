/* test_sr.c — pipelines/ob_sr.h without a trained net: MATLAB's rgb2ycbcr
 * values (white 235/128/128, black 16/128/128, red's Cr) and the round trip
 * through ycbcr2rgb; the protocol's scores for interpolation on a photo-like
 * image made here (bicubic beats nearest, a flat image scores +inf, the
 * border shave and modcrop keep sizes right: odd sizes work); tiled nets
 * equal whole-image nets; bad input. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_sr.h"
#include "ob_zoo.h"
#include "ob_test.h"

static ob_ctx *ctx;

static void test_colour(void)
{
    float p[3 * 3] = {1, 0, 1, 1, 0, 0, 1, 0, 0}; /* pixels: white, black, red */
    ob_sr_rgb_to_ycbcr(p, 3);
    OB_CHECK(fabsf(p[0] * 255 - 235) < 1e-3f && fabsf(p[3] * 255 - 128) < 1e-3f && fabsf(p[6] * 255 - 128) < 1e-3f,
             "white -> 235, 128, 128: %g %g %g", p[0] * 255, p[3] * 255, p[6] * 255);
    OB_CHECK(fabsf(p[1] * 255 - 16) < 1e-3f && fabsf(p[4] * 255 - 128) < 1e-3f, "black -> 16, 128");
    OB_CHECK(fabsf(p[2] * 255 - (16 + 65.481f)) < 1e-3f && fabsf(p[8] * 255 - (128 + 112)) < 1e-3f,
             "red -> Y 81.481, Cr 240");
    float q[3 * 64];
    ob_test_fill_uniform(q, 3 * 64, 5, 0, 1);
    float keep[3 * 64];
    for (int i = 0; i < 3 * 64; i++) keep[i] = q[i];
    ob_sr_rgb_to_ycbcr(q, 64);
    ob_sr_ycbcr_to_rgb(q, 64);
    ob_test_allclose("ycbcr round trip", q, keep, 3 * 64, 1e-5, 0);
}

/* A smooth image with some texture: sinusoids, 3 channels, odd size. */
static void make_image(ob_tensor *t, int h, int w)
{
    const int64_t s[3] = {3, h, w};
    ob_tensor_alloc(t, OB_F32, OB_HOST, 3, s);
    float *p = ob_tensor_f32(t);
    for (int c = 0; c < 3; c++)
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                p[(c * h + y) * w + x] = 0.5f + 0.3f * sinf(0.21f * x + 0.13f * y + c) * cosf(0.07f * y - 0.05f * x);
}

static void test_protocol(void)
{
    ob_tensor img = {0};
    make_image(&img, 101, 77);
    ob_quality q[3];
    const ob_resize_method m[3] = {OB_RESIZE_NEAREST, OB_RESIZE_BILINEAR, OB_RESIZE_BICUBIC};
    for (int k = 0; k < 3; k++) {
        ob_sr_upscaler u;
        OB_CHECK_OK(ob_sr_interp(&u, m[k], 3));
        ob_tensor big = {0};
        OB_CHECK_OK(ob_sr_evaluate(ctx, &u, &q[k], &big, &img));
        OB_CHECK(big.ndim == 3 && big.shape[0] == 3 && big.shape[1] == 99 && big.shape[2] == 75,
                 "the enlargement kept: (3, 99, 75), the 77x101 image cropped to multiples of 3");
        ob_tensor_free(&big);
        ob_sr_release(&u);
    }
    printf("x3 on a 77x101 pattern: nearest %.2f, bilinear %.2f, bicubic %.2f dB\n", q[0].psnr, q[1].psnr, q[2].psnr);
    OB_CHECK(q[2].psnr > q[1].psnr && q[1].psnr > q[0].psnr && q[0].psnr > 15 && q[2].ssim > q[0].ssim,
             "bicubic > bilinear > nearest on a smooth pattern");
    ob_tensor out = {0};
    ob_sr_upscaler u;
    OB_CHECK_OK(ob_sr_interp(&u, OB_RESIZE_BICUBIC, 4));
    OB_CHECK_OK(ob_sr_upscale(ctx, &u, &out, &img));
    OB_CHECK(out.shape[0] == 3 && out.shape[1] == 404 && out.shape[2] == 308, "upscale x4: (3, 404, 308)");
    float lo = 1, hi = 0;
    for (int64_t i = 0; i < ob_tensor_numel(&out); i++) lo = fminf(lo, ob_tensor_f32(&out)[i]), hi = fmaxf(hi, ob_tensor_f32(&out)[i]);
    OB_CHECK(lo >= 0 && hi <= 1, "upscaled values clipped to [0, 1]: %g..%g", lo, hi);
    for (int64_t i = 0; i < ob_tensor_numel(&img); i++) ob_tensor_f32(&img)[i] = 0.4f;
    ob_quality flat;
    OB_CHECK_OK(ob_sr_evaluate(ctx, &u, &flat, NULL, &img));
    OB_CHECK(isinf(flat.psnr) || flat.psnr > 90, "a flat image scores +inf (%g)", flat.psnr);
    ob_tensor tiny = {0};
    make_image(&tiny, 12, 40);
    OB_CHECK_FAILS(ob_sr_evaluate(ctx, &u, &flat, NULL, &tiny), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_sr_interp(&u, OB_RESIZE_BICUBIC, 5), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_sr_interp(&u, OB_RESIZE_AREA, 2), OB_ERR_ARG);
    ob_tensor_free(&out), ob_tensor_free(&img), ob_tensor_free(&tiny);
}

/* A net's result in tiles (several in both directions, ragged last ones)
 * equals its whole-image result: ESPCN x3 on Y and SRCNN x2 on RGB, random
 * weights. */
static void test_tiles(const char *model, int scale, int channels)
{
    ob_sr_upscaler u;
    memset(&u, 0, sizeof u);
    u.net = 1, u.scale = scale, u.channels = channels, u.pre_upscale = !strcmp(model, "srcnn");
    snprintf(u.model, sizeof u.model, "%s", model);
    const ob_zoo_opts zo = {.in_channels = channels, .scale = scale};
    if (!OB_CHECK_OK(ob_zoo_build(&u.m, model, &zo))) return;
    OB_CHECK_OK(ob_model_alloc_params(u.m, OB_HOST));
    OB_CHECK_OK(ob_zoo_init(u.m, 11));
    ob_tensor lr = {0}, whole = {0}, tiled = {0};
    make_image(&lr, 53, 70);
    u.tile = 0;
    OB_CHECK_OK(ob_sr_upscale(ctx, &u, &whole, &lr));
    u.tile = u.pre_upscale ? 40 : 24; /* 3 x 3 or more tiles, the last ones partial */
    OB_CHECK_OK(ob_sr_upscale(ctx, &u, &tiled, &lr));
    char label[96];
    snprintf(label, sizeof label, "%s x%d on %s: tiles of %d equal the whole image", model, scale,
             channels == 1 ? "Y" : "RGB", u.tile);
    if (OB_CHECK(ob_tensor_same_shape(&whole, &tiled) && whole.shape[1] == 53 * scale && whole.shape[2] == 70 * scale,
                 "%s: shapes", label))
        ob_test_allclose(label, ob_tensor_f32(&tiled), ob_tensor_f32(&whole), (size_t)ob_tensor_numel(&whole), 1e-5, 0);
    ob_tensor_free(&lr), ob_tensor_free(&whole), ob_tensor_free(&tiled);
    ob_sr_release(&u);
}

int main(void)
{
    if (ob_ctx_create(&ctx, OB_BACKEND_CPU, 0) != OB_OK) return 1;
    test_colour();
    test_protocol();
    test_tiles("espcn", 3, 1);
    test_tiles("srcnn", 2, 3);
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
