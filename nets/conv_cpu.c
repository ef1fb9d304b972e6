/* conv_cpu.c — the reference CPU paths of ob_conv2d.h: im2col + GEMM per
 * group, the oracle the oneDNN and cuDNN paths are tested against (and what
 * runs with --cpu-impl ref or without oneDNN).
 *
 * Layout: a chunk of nb images is processed at once with the columns of all its
 * images side by side — col (K, nb·P) — so each group's product is one GEMM of
 * nb·P columns instead of nb small ones. Activations (nb, C, P) are moved to
 * and from that channel-major layout (C, nb·P) by copy loops, which also add
 * the bias (with nb = 1 the layouts coincide). Chunks are sized to a 64 MiB
 * scratch budget (tests shrink it to force one image per chunk); the GEMMs
 * (ob_gemm.h) use every thread. 1x1 stride-1 unpadded convolutions skip
 * im2col: the GEMM reads the input itself. */
#include <stdlib.h>
#include <string.h>

#include "conv_impl.h"
#include "ob_gemm.h"

/* The chunk-serial loop's scratch: *nb_max images per chunk (at least one)
 * when each needs `per_image` floats, and *buf for that many. */
static ob_status chunk_scratch(ob_conv_state *s, float **buf, int *nb_max, int n, size_t per_image, const char *kind)
{
    size_t nb = per_image ? ob_conv_budget(s) / per_image : (size_t)n;
    if (nb < 1) nb = 1;
    *nb_max = nb < (size_t)n ? (int)nb : n;
    return ob_conv_scratch(s, buf, per_image * (size_t)*nb_max, kind);
}

/* dst (c, ld) channel-major <- src (nb, c, p): image i at columns i*p. */
static void ob_conv_to_channel_major(float *dst, const float *src, int nb, int c, int64_t p, int64_t ld)
{
    for (int64_t q = 0; q < (int64_t)nb * c; q++) {
        const int64_t i = q / c, ch = q % c;
        memcpy(dst + ch * ld + i * p, src + q * p, sizeof(float) * (size_t)p);
    }
}

/* dst (nb, c, p) <- src (c, ld) (+ bias[c] when bias is not NULL). */
static void ob_conv_from_channel_major(float *dst, const float *src, const float *bias, int nb, int c, int64_t p,
                                       int64_t ld) {
    for (int64_t q = 0; q < (int64_t)nb * c; q++) {
        const int64_t i = q / c, ch = q % c;
        const float *s = src + ch * ld + i * p;
        float *d = dst + q * p;
        const float b = bias ? bias[ch] : 0.f;
        for (int64_t j = 0; j < p; j++) d[j] = s[j] + b;
    }
}

static void ob_conv_add_bias(float *y, const float *bias, int n, int c, int64_t p)
{
    if (!bias) return;
    for (int64_t q = 0; q < (int64_t)n * c; q++) {
        const float b = bias[q % c];
        for (int64_t j = 0; j < p; j++) y[q * p + j] += b;
    }
}

/* db[ch] += sum over images and positions of dy (n, c, p) for ch in
 * [c0, c1); float sums per image plane, added in double. */
static void ob_conv_bias_grad_range(float *db, const float *dy, int n, int c, int64_t p, int c0, int c1)
{
    for (int ch = c0; ch < c1; ch++) {
        double acc = 0;
        for (int i = 0; i < n; i++) {
            const float *d = dy + ((int64_t)i * c + ch) * p;
            float part = 0.f;
#pragma omp simd reduction(+ : part)
            for (int64_t j = 0; j < p; j++) part += d[j];
            acc += part;
        }
        db[ch] += (float)acc;
    }
}

static void bias_grad(float *db, const float *dy, int n, int c, int64_t p)
{
    if (db) ob_conv_bias_grad_range(db, dy, n, c, p, 0, c);
}

static int ob_conv_is_pointwise(const ob_conv_state *s)
{
    return s->k == 1 && s->stride == 1 && s->pad == 0;
}

/* conv2d forward, one chunk at a time (the GEMMs on every thread). */
static ob_status forward_chunk_serial(ob_conv_state *s, float *y, const float *x, const float *w, const float *b, int n,
                                      int h, int wd)
{
    ob_im2col_geom g = ob_conv_geom(s, s->c_in, h, wd);
    OB_TRY(ob_im2col_check(&g));
    const int G = s->groups, cig = s->c_in / G, cog = s->c_out / G;
    const int64_t p = (int64_t)g.oh * g.ow, kg = (int64_t)cig * s->k * s->k, in_sz = (int64_t)s->c_in * h * wd;
    if (ob_conv_is_pointwise(s)) { /* 1x1: Y_i = W X_i on the input itself */
        for (int i = 0; i < n; i++)
            for (int gi = 0; gi < G; gi++)
                ob_sgemm(0, 0, cog, p, cig, 1.f, w + gi * cog * kg, kg, x + i * in_sz + gi * cig * p, p, 0.f,
                         y + ((int64_t)i * s->c_out + gi * cog) * p, p);
        ob_conv_add_bias(y, b, n, s->c_out, p);
        return OB_OK;
    }
    const int64_t krows = kg * G;
    int nb_max;
    float *buf;
    OB_TRY(chunk_scratch(s, &buf, &nb_max, n, (size_t)((krows + s->c_out) * p), "conv2d"));
    for (int n0 = 0; n0 < n; n0 += nb_max) {
        const int nb = n - n0 < nb_max ? n - n0 : nb_max;
        const int64_t ld = nb * p;
        float *col = buf, *tmp = buf + krows * ld;
        OB_TRY(ob_im2col_cpu_serial(col, x + n0 * in_sz, &g, nb, ld));
        for (int gi = 0; gi < G; gi++)
            ob_sgemm(0, 0, cog, ld, kg, 1.f, w + gi * cog * kg, kg, col + gi * kg * ld, ld, 0.f, tmp + gi * cog * ld,
                     ld);
        ob_conv_from_channel_major(y + (int64_t)n0 * s->c_out * p, tmp, b, nb, s->c_out, p, ld);
    }
    return OB_OK;
}

/* conv2d backward, one chunk at a time (the GEMMs on every thread). */
static ob_status backward_chunk_serial(ob_conv_state *s, float *dx, float *dw, float *db, const float *dy,
                                       const float *x, const float *w, int n, int h, int wd)
{
    ob_im2col_geom g = ob_conv_geom(s, s->c_in, h, wd);
    OB_TRY(ob_im2col_check(&g));
    const int G = s->groups, cig = s->c_in / G, cog = s->c_out / G;
    const int64_t p = (int64_t)g.oh * g.ow, kg = (int64_t)cig * s->k * s->k, in_sz = (int64_t)s->c_in * h * wd;
    bias_grad(db, dy, n, s->c_out, p);
    if (ob_conv_is_pointwise(s)) { /* dW += dY_i X_iᵀ, dX_i = Wᵀ dY_i */
        for (int i = 0; i < n; i++)
            for (int gi = 0; gi < G; gi++) {
                const float *dyi = dy + ((int64_t)i * s->c_out + gi * cog) * p, *xi = x + i * in_sz + gi * cig * p;
                ob_sgemm(0, 1, cog, cig, p, 1.f, dyi, p, xi, p, 1.f, dw + gi * cog * kg, kg);
                if (dx)
                    ob_sgemm(1, 0, cig, p, cog, 1.f, w + gi * cog * kg, kg, dyi, p, 0.f, dx + i * in_sz + gi * cig * p,
                             p);
            }
        return OB_OK;
    }
    const int64_t krows = kg * G;
    int nb_max;
    float *buf;
    OB_TRY(chunk_scratch(s, &buf, &nb_max, n, (size_t)((krows + s->c_out) * p), "conv2d"));
    for (int n0 = 0; n0 < n; n0 += nb_max) {
        const int nb = n - n0 < nb_max ? n - n0 : nb_max;
        const int64_t ld = nb * p;
        float *col = buf, *dyt = buf + krows * ld;
        ob_conv_to_channel_major(dyt, dy + (int64_t)n0 * s->c_out * p, nb, s->c_out, p, ld);
        OB_TRY(ob_im2col_cpu_serial(col, x + n0 * in_sz, &g, nb, ld));
        for (int gi = 0; gi < G; gi++) /* dW_g += dY_g col_gᵀ */
            ob_sgemm(0, 1, cog, kg, ld, 1.f, dyt + gi * cog * ld, ld, col + gi * kg * ld, ld, 1.f, dw + gi * cog * kg,
                     kg);
        if (!dx) continue;
        for (int gi = 0; gi < G; gi++) /* dcol_g = W_gᵀ dY_g, into the column buffer */
            ob_sgemm(1, 0, kg, ld, cog, 1.f, w + gi * cog * kg, kg, dyt + gi * cog * ld, ld, 0.f, col + gi * kg * ld,
                     ld);
        OB_TRY(ob_col2im_cpu_serial(dx + n0 * in_sz, col, &g, nb, ld));
    }
    return OB_OK;
}

ob_status ob_conv2d_forward_cpu(ob_conv_state *s, float *y, const float *x, const float *w, const float *b, int n,
                                int h, int wd)
{
    return forward_chunk_serial(s, y, x, w, b, n, h, wd);
}

ob_status ob_conv2d_backward_cpu(ob_conv_state *s, float *dx, float *dw, float *db, const float *dy, const float *x,
                                 const float *w, int n, int h, int wd)
{
    return backward_chunk_serial(s, dx, dw, db, dy, x, w, n, h, wd);
}

/* conv_transpose2d: the image the columns fold into is the OUTPUT (C_out, OH, OW);
 * its conv grid is the input's (h, wd). */
static ob_status transpose_forward_chunk_serial(ob_conv_state *s, float *y, const float *x, const float *w,
                                                const float *b, int n, int h, int wd)
{
    const int oh = (int)ob_conv_out_size(s, h), ow = (int)ob_conv_out_size(s, wd);
    ob_im2col_geom g = ob_conv_geom(s, s->c_out, oh, ow);
    OB_TRY(ob_im2col_check(&g));
    OB_REQUIRE(g.oh == h && g.ow == wd, "conv_transpose2d: internal geometry %dx%d vs input %dx%d", g.oh, g.ow, h,
               wd);
    const int G = s->groups, cig = s->c_in / G, cog = s->c_out / G;
    const int64_t p = (int64_t)h * wd, kg = (int64_t)cog * s->k * s->k, krows = kg * G;
    const int64_t out_sz = (int64_t)s->c_out * oh * ow;
    int nb_max;
    float *buf;
    OB_TRY(chunk_scratch(s, &buf, &nb_max, n, (size_t)((krows + s->c_in) * p), "conv_transpose2d"));
    for (int n0 = 0; n0 < n; n0 += nb_max) {
        const int nb = n - n0 < nb_max ? n - n0 : nb_max;
        const int64_t ld = nb * p;
        float *col = buf, *xt = buf + krows * ld;
        ob_conv_to_channel_major(xt, x + (int64_t)n0 * s->c_in * p, nb, s->c_in, p, ld);
        for (int gi = 0; gi < G; gi++) /* col_g = W_gᵀ X_g, W_g (cig, kg) */
            ob_sgemm(1, 0, kg, ld, cig, 1.f, w + gi * cig * kg, kg, xt + gi * cig * ld, ld, 0.f, col + gi * kg * ld,
                     ld);
        OB_TRY(ob_col2im_cpu_serial(y + n0 * out_sz, col, &g, nb, ld));
    }
    ob_conv_add_bias(y, b, n, s->c_out, (int64_t)oh * ow);
    return OB_OK;
}

static ob_status transpose_backward_chunk_serial(ob_conv_state *s, float *dx, float *dw, float *db, const float *dy,
                                                 const float *x, const float *w, int n, int h, int wd)
{
    const int oh = (int)ob_conv_out_size(s, h), ow = (int)ob_conv_out_size(s, wd);
    ob_im2col_geom g = ob_conv_geom(s, s->c_out, oh, ow);
    OB_TRY(ob_im2col_check(&g));
    const int G = s->groups, cig = s->c_in / G, cog = s->c_out / G;
    const int64_t p = (int64_t)h * wd, kg = (int64_t)cog * s->k * s->k, krows = kg * G;
    const int64_t out_sz = (int64_t)s->c_out * oh * ow;
    bias_grad(db, dy, n, s->c_out, (int64_t)oh * ow);
    int nb_max;
    float *buf;
    OB_TRY(chunk_scratch(s, &buf, &nb_max, n, (size_t)((krows + 2 * s->c_in) * p), "conv_transpose2d"));
    for (int n0 = 0; n0 < n; n0 += nb_max) {
        const int nb = n - n0 < nb_max ? n - n0 : nb_max;
        const int64_t ld = nb * p;
        float *col = buf, *xt = buf + krows * ld, *dxt = xt + s->c_in * ld;
        OB_TRY(ob_im2col_cpu_serial(col, dy + n0 * out_sz, &g, nb, ld));
        ob_conv_to_channel_major(xt, x + (int64_t)n0 * s->c_in * p, nb, s->c_in, p, ld);
        for (int gi = 0; gi < G; gi++) { /* dW_g += X_g col_gᵀ; dX_g = W_g col_g */
            ob_sgemm(0, 1, cig, kg, ld, 1.f, xt + gi * cig * ld, ld, col + gi * kg * ld, ld, 1.f, dw + gi * cig * kg,
                     kg);
            if (dx)
                ob_sgemm(0, 0, cig, ld, kg, 1.f, w + gi * cig * kg, kg, col + gi * kg * ld, ld, 0.f,
                         dxt + gi * cig * ld, ld);
        }
        if (dx) ob_conv_from_channel_major(dx + (int64_t)n0 * s->c_in * p, dxt, NULL, nb, s->c_in, p, ld);
    }
    return OB_OK;
}

ob_status ob_conv_transpose2d_forward_cpu(ob_conv_state *s, float *y, const float *x, const float *w,
                                          const float *b, int n, int h, int wd)
{
    return transpose_forward_chunk_serial(s, y, x, w, b, n, h, wd);
}

ob_status ob_conv_transpose2d_backward_cpu(ob_conv_state *s, float *dx, float *dw, float *db, const float *dy,
                                           const float *x, const float *w, int n, int h, int wd)
{
    return transpose_backward_chunk_serial(s, dx, dw, db, dy, x, w, n, h, wd);
}
