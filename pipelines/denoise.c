/* denoise.c — ob_denoise.h: the denoiser's measures, grids and page. */
#include "ob_denoise.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_run_page.h"
#include "ob_grid.h"
#include "ob_image_io.h"
#include "ob_loader.h"
#include "ssim.h"

static float clip01(float v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

/* Runs m (eval) on x (N, C, H, W) host into y_host (same shape, host, clipped). */
static ob_status run_net(ob_ctx *ctx, ob_model *m, const ob_tensor *x, float *y_host)
{
    ob_tensor xd = {0}, yh = {0};
    const ob_tensor *y = NULL;
    ob_status s = OB_OK;
    const int host = ob_ctx_location(ctx) == OB_HOST;
    if (!host) s = ob_tensor_clone_to(&xd, x, ob_ctx_location(ctx));
    if (s == OB_OK) s = ob_model_forward(m, ctx, &y, host ? x : &xd, 0);
    if (s == OB_OK && y->ndim == 4 && y->shape[0] == x->shape[0] && y->shape[1] == x->shape[1] &&
        y->shape[2] == x->shape[2] && y->shape[3] == x->shape[3]) {
        if (host) memcpy(y_host, y->data, ob_tensor_nbytes(y));
        else if ((s = ob_tensor_clone_to(&yh, y, OB_HOST)) == OB_OK) memcpy(y_host, yh.data, ob_tensor_nbytes(y));
    } else if (s == OB_OK) {
        s = OB_FAIL(OB_ERR_ARG, "denoise: the net's output is not the input's shape");
    }
    for (int64_t i = 0; s == OB_OK && i < ob_tensor_numel(x); i++) y_host[i] = clip01(y_host[i]);
    ob_tensor_free(&xd), ob_tensor_free(&yh);
    return s;
}

typedef struct {
    double se, n, ssim;
    int64_t planes;
} acc;

static ob_status add_metrics(acc *a, const float *got, const float *ref, int planes, int h, int w, double *ssim_buf)
{
    for (int64_t i = 0; i < (int64_t)planes * h * w; i++) {
        const double d = (double)got[i] - ref[i];
        a->se += d * d;
    }
    a->n += (double)planes * h * w;
    OB_TRY(ob_ssim_cpu(ssim_buf, got, ref, planes, h, w, 1.0));
    for (int p = 0; p < planes; p++) a->ssim += ssim_buf[p];
    a->planes += planes;
    return OB_OK;
}

ob_status ob_denoise_eval(ob_ctx *ctx, ob_model *m, const ob_dataset *val, int batch, ob_denoise_metrics *res)
{
    OB_REQUIRE(val && val->n > 0 && batch >= 1, "denoise: nothing to evaluate");
    ob_loader_cfg lc = {.batch_size = batch};
    ob_loader *ld = NULL;
    OB_TRY(ob_loader_create(&ld, val, &lc));
    ob_status s = ob_loader_start_epoch(ld, 0);
    acc out = {0}, noisy = {0};
    float *y = NULL;
    double *ssim_buf = NULL;
    for (int done = 0; s == OB_OK;) {
        ob_data_batch b = {0};
        if ((s = ob_loader_next(ld, &b, &done)) != OB_OK || done) {
            ob_data_batch_free(&b);
            break;
        }
        const ob_tensor *x = &b.images;
        const int planes = (int)(x->shape[0] * x->shape[1]), h = (int)x->shape[2], w = (int)x->shape[3];
        if (b.targets.ndim != 4 || ob_tensor_numel(&b.targets) != ob_tensor_numel(x))
            s = OB_FAIL(OB_ERR_ARG, "denoise: the validation set has no clean targets");
        if (s == OB_OK && !(y = realloc(y, ob_tensor_nbytes(x)))) s = OB_FAIL(OB_ERR_NOMEM, "out of memory");
        if (s == OB_OK && !(ssim_buf = realloc(ssim_buf, sizeof(double) * (size_t)planes)))
            s = OB_FAIL(OB_ERR_NOMEM, "out of memory");
        if (s == OB_OK) s = run_net(ctx, m, x, y);
        if (s == OB_OK) s = add_metrics(&out, y, ob_tensor_f32(&b.targets), planes, h, w, ssim_buf);
        if (s == OB_OK) s = add_metrics(&noisy, ob_tensor_f32(x), ob_tensor_f32(&b.targets), planes, h, w, ssim_buf);
        ob_data_batch_free(&b);
    }
    ob_loader_destroy(ld);
    free(y), free(ssim_buf);
    OB_TRY(s);
    res->psnr = 10.0 * log10(out.n / out.se), res->ssim = out.ssim / (double)out.planes;
    res->noisy_psnr = 10.0 * log10(noisy.n / noisy.se), res->noisy_ssim = noisy.ssim / (double)noisy.planes;
    return OB_OK;
}

#define ZOOM 3

ob_status ob_denoise_grid(const char *path, ob_ctx *ctx, ob_model *m, const ob_dataset *val, int n)
{
    OB_REQUIRE(n >= 1 && n <= 16 && val->n >= 1, "denoise grid: %d images", n);
    if (n > val->n) n = (int)val->n;
    ob_sample s0 = {0};
    OB_TRY(ob_dataset_get(val, &s0, 0));
    const int c = (int)s0.image.shape[0], h = (int)s0.image.shape[1], w = (int)s0.image.shape[2];
    ob_sample_free(&s0);
    const int64_t shape[4] = {n, c, h, w};
    ob_tensor x = {0}, t = {0}, grid = {0};
    ob_status s = ob_tensor_alloc(&x, OB_F32, OB_HOST, 4, shape);
    if (s == OB_OK) s = ob_tensor_alloc(&t, OB_F32, OB_HOST, 4, shape);
    const int64_t plane = (int64_t)c * h * w;
    for (int i = 0; s == OB_OK && i < n; i++) {
        ob_sample smp = {0};
        s = ob_dataset_get(val, &smp, i);
        if (s == OB_OK && (ob_tensor_numel(&smp.image) != plane || ob_tensor_numel(&smp.target) != plane))
            s = OB_FAIL(OB_ERR_ARG, "denoise grid: validation images differ in size");
        if (s == OB_OK) {
            memcpy(ob_tensor_f32(&x) + i * plane, smp.image.data, sizeof(float) * (size_t)plane);
            memcpy(ob_tensor_f32(&t) + i * plane, smp.target.data, sizeof(float) * (size_t)plane);
        }
        ob_sample_free(&smp);
    }
    /* three rows of n: the clean images, the noisy inputs, the outputs */
    float *rows = s == OB_OK ? malloc(3 * ob_tensor_nbytes(&x)) : NULL;
    if (s == OB_OK && !rows) s = OB_FAIL(OB_ERR_NOMEM, "out of memory");
    if (s == OB_OK) s = run_net(ctx, m, &x, rows + 2 * n * plane);
    if (s == OB_OK) {
        memcpy(rows, ob_tensor_f32(&t), ob_tensor_nbytes(&t));
        memcpy(rows + n * plane, ob_tensor_f32(&x), ob_tensor_nbytes(&x));
        s = ob_grid_tile(&grid, rows, 3 * n, c, h, w, n, ZOOM);
    }
    if (s == OB_OK) s = ob_image_write(path, &grid, OB_FMT_AUTO, 8);
    free(rows);
    ob_tensor_free(&x), ob_tensor_free(&t), ob_tensor_free(&grid);
    return s;
}

ob_status ob_denoise_image(ob_ctx *ctx, ob_model *m, int net_channels, ob_tensor *out, const ob_tensor *in)
{
    OB_REQUIRE(in->ndim == 3 && in->loc == OB_HOST && in->dtype == OB_F32, "denoise: a host (C, H, W) image");
    const int c = (int)in->shape[0], h = (int)in->shape[1], w = (int)in->shape[2];
    OB_REQUIRE(net_channels == c || net_channels == 1,
               "denoise: the net takes %d channels, the image has %d (a 1-channel net runs on each channel)",
               net_channels, c);
    const int ph = ob_denoise_padded(h), pw = ob_denoise_padded(w), runs = net_channels == c ? 1 : c;
    const int64_t xs[4] = {1, net_channels, ph, pw};
    ob_tensor x = {0}, res = {0};
    OB_TRY(ob_tensor_alloc(&res, OB_F32, OB_HOST, 3, in->shape));
    ob_status s = ob_tensor_alloc(&x, OB_F32, OB_HOST, 4, xs);
    float *y = s == OB_OK ? malloc(ob_tensor_nbytes(&x)) : NULL;
    if (s == OB_OK && !y) s = OB_FAIL(OB_ERR_NOMEM, "out of memory");
    const float *src = ob_tensor_f32(in);
    float *dst = ob_tensor_f32(&res), *xp = ob_tensor_f32(&x);
    for (int r = 0; s == OB_OK && r < runs; r++) {
        const int c0 = runs == 1 ? 0 : r; /* the image channels this run reads */
        for (int k = 0; k < net_channels; k++)
            for (int yy = 0; yy < ph; yy++)
                for (int xx = 0; xx < pw; xx++) /* edge replication into the padding */
                    xp[((int64_t)k * ph + yy) * pw + xx] =
                        src[((int64_t)(c0 + k) * h + (yy < h ? yy : h - 1)) * w + (xx < w ? xx : w - 1)];
        s = run_net(ctx, m, &x, y);
        for (int k = 0; s == OB_OK && k < net_channels; k++)
            for (int yy = 0; yy < h; yy++)
                memcpy(dst + ((int64_t)(c0 + k) * h + yy) * w, y + ((int64_t)k * ph + yy) * pw, sizeof(float) * (size_t)w);
    }
    free(y);
    ob_tensor_free(&x);
    if (s != OB_OK) {
        ob_tensor_free(&res);
        return s;
    }
    *out = res;
    return OB_OK;
}

static ob_status write_body(FILE *f, void *user)
{
    const ob_denoise_page *p = user;
    fprintf(f, "<h1>Denoising autoencoder (%s decoder), noise &sigma; %.3g</h1>\n", p->model, p->sigma);
    fprintf(f, "<p>%d of %d epochs. Validation images with fixed noise; the output clipped to [0, 1].</p>\n",
            p->epochs_done, p->epochs);
    fprintf(f, "<table><tr><th>epoch</th><th>PSNR (dB)</th><th>SSIM</th><th>noisy PSNR</th><th>noisy SSIM</th>"
               "<th>gain (dB)</th></tr>\n");
    for (int e = 0; e < p->epochs_done; e++) {
        const ob_denoise_metrics *m = &p->per_epoch[e];
        fprintf(f, "<tr><td>%d</td><td>%.2f</td><td>%.4f</td><td>%.2f</td><td>%.4f</td><td>%+.2f</td></tr>\n", e + 1,
                m->psnr, m->ssim, m->noisy_psnr, m->noisy_ssim, m->psnr - m->noisy_psnr);
    }
    fprintf(f, "</table>\n<h2>Curves</h2>\n<img src=\"loss.svg\"> <img src=\"psnr.svg\">\n");
    fprintf(f, "<h2>Original, noisy, denoised</h2>\n");
    for (int i = 0; i < p->n_grids; i++)
        fprintf(f, "<h3>epoch %d</h3>\n<img src=\"grid_epoch%d.png\">\n", p->grid_epochs[i], p->grid_epochs[i]);
    return OB_OK;
}

ob_status ob_denoise_html(const char *run_dir, const ob_denoise_page *page)
{
    return ob_run_page_write(run_dir, "obscura train denoise", write_body, (void *)page);
}
