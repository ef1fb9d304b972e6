/* vae.c — ob_vae.h: the VAE's loss, measures and pictures. */
#include "ob_vae.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loss.h"
#include "ob_run_page.h"
#include "ob_grid.h"
#include "ob_image_io.h"
#include "ob_layers.h"
#include "ob_loss.h"
#include "ob_vae_data.h"
#include "ssim.h"

#define ZOOM 3

ob_layer *ob_vae_sampler(const ob_model *m)
{
    for (int i = 0; m && i < m->n_nodes; i++)
        if (strcmp(m->layers[i]->ops->kind, "vae_sample") == 0) return m->layers[i];
    return NULL;
}

static int64_t pixels_of(const ob_vae_info *in) { return (int64_t)in->c * in->h * in->w; }

/* ---- the training loss ----------------------------------------------------- */

ob_status ob_vae_loss(void *user, ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *pred,
                      const ob_data_batch *b)
{
    ob_vae_loss_state *st = user;
    OB_REQUIRE(st && st->sampler, "vae loss: no vae_sample layer");
    OB_REQUIRE(b->targets_at_ctx, "vae loss: the batch has no target images");
    const int64_t n = pred->shape[0], d = pixels_of(&st->info);
    OB_REQUIRE(pred->ndim == 2 && pred->shape[1] == d && ob_tensor_numel(b->targets_at_ctx) == n * d,
               "vae loss: logits of %lld values per image for images of %lld", (long long)pred->shape[1],
               (long long)d);
    ob_tensor x;
    OB_TRY(ob_tensor_wrap(&x, b->targets_at_ctx->data, OB_F32, b->targets_at_ctx->loc, 2, pred->shape));
    /* the running loss gets the batch's sum: the trainer divides by the images */
    double *total, weight, tag, recon = 0;
    OB_TRY(ob_ctx_loss_total(ctx, &total, &weight, &tag));
    ob_ctx_loss_set(ctx, 1.0, (long long)tag);
    ob_status s;
    if (st->info.recon == OB_VAE_BCE) {
        s = ob_loss_bce_logits(ctx, loss ? &recon : NULL, grad, pred, &x, OB_REDUCE_SUM);
    } else { /* squared error of the probabilities, through the sigmoid */
        s = ob_tensor_ensure(&st->p, OB_F32, pred->loc, 2, pred->shape);
        if (s == OB_OK) s = ob_tensor_ensure(&st->gp, OB_F32, pred->loc, 2, pred->shape);
        if (s == OB_OK) s = ob_act_forward(ctx, &st->p, pred, OB_ACT_SIGMOID, 0);
        if (s == OB_OK) s = ob_loss_mse(ctx, loss ? &recon : NULL, &st->gp, &st->p, &x, OB_REDUCE_SUM);
        if (s == OB_OK) s = ob_act_backward(ctx, grad, &st->gp, pred, &st->p, OB_ACT_SIGMOID, 0);
    }
    const double kl = ob_vae_sample_kl(st->sampler);
    if (s == OB_OK && !loss) ob_ctx_loss_add(ctx, kl);
    ob_ctx_loss_set(ctx, weight, (long long)tag);
    if (s == OB_OK && loss) *loss = (recon + kl) / (double)n;
    return s;
}

void ob_vae_loss_free(ob_vae_loss_state *st)
{
    if (st) ob_tensor_free(&st->p), ob_tensor_free(&st->gp);
}

/* ---- running the net -------------------------------------------------------- */

static float sigmoid(float v) { return v >= 0 ? 1.0f / (1.0f + expf(-v)) : expf(v) / (1.0f + expf(v)); }

/* logits (n, d) host <- the net on x (host) in eval mode */
static ob_status forward_host(ob_ctx *ctx, ob_model *m, const ob_tensor *x, float *logits, int64_t d)
{
    ob_tensor xd = {0}, yh = {0};
    const ob_tensor *y = NULL;
    const int host = ob_ctx_location(ctx) == OB_HOST;
    ob_status s = host ? OB_OK : ob_tensor_clone_to(&xd, x, ob_ctx_location(ctx));
    if (s == OB_OK) s = ob_model_forward(m, ctx, &y, host ? x : &xd, 0);
    if (s == OB_OK && (y->ndim != 2 || y->shape[0] != x->shape[0] || y->shape[1] != d))
        s = OB_FAIL(OB_ERR_ARG, "vae: the net's output is not (N, %lld)", (long long)d);
    if (s == OB_OK && !host) s = ob_tensor_clone_to(&yh, y, OB_HOST);
    if (s == OB_OK) memcpy(logits, (host ? y : &yh)->data, sizeof(float) * (size_t)(x->shape[0] * d));
    ob_tensor_free(&xd), ob_tensor_free(&yh);
    return s;
}

ob_status ob_vae_decode(ob_ctx *ctx, ob_model *m, const ob_vae_info *info, const float *z, const int *labels, int n,
                        float *images)
{
    ob_layer *vs = ob_vae_sampler(m);
    OB_REQUIRE(vs, "vae: the model has no vae_sample layer");
    OB_REQUIRE(n >= 1, "vae: %d images to decode", n);
    const int64_t d = pixels_of(info), row = d + info->classes;
    /* the encoder reads zeros (its output unused); a CVAE's class is packed after them */
    ob_tensor x = {0}, zt;
    const int64_t xs[4] = {n, info->classes ? 1 : info->c, info->classes ? 1 : info->h,
                           info->classes ? row : info->w};
    OB_TRY(ob_tensor_zeros(&x, OB_F32, OB_HOST, 4, xs));
    ob_status s = OB_OK;
    for (int i = 0; s == OB_OK && info->classes && i < n; i++) {
        if (!labels || labels[i] < 0 || labels[i] >= info->classes)
            s = OB_FAIL(OB_ERR_ARG, "vae: class %d outside the trained 0..%d", labels ? labels[i] : -1,
                        info->classes - 1);
        else ob_tensor_f32(&x)[i * row + d + labels[i]] = 1.0f;
    }
    if (s == OB_OK) s = ob_tensor_wrap(&zt, (void *)z, OB_F32, OB_HOST, 2, (const int64_t[2]){n, info->latent});
    if (s == OB_OK) {
        ob_vae_sample_set_z(vs, &zt);
        s = forward_host(ctx, m, &x, images, d);
        ob_vae_sample_set_z(vs, NULL);
    }
    for (int64_t i = 0; s == OB_OK && i < n * d; i++) images[i] = sigmoid(images[i]);
    ob_tensor_free(&x);
    return s;
}

void ob_vae_prior_z(float *z, int n, int latent, uint64_t seed)
{
    for (int64_t i = 0; i < (int64_t)n * latent; i++) z[i] = ob_reparam_eps(seed, (uint64_t)i);
}

/* ---- measures -------------------------------------------------------------- */

ob_status ob_vae_eval(ob_ctx *ctx, ob_model *m, const ob_vae_info *info, const ob_dataset *val, int batch,
                      ob_vae_metrics *res)
{
    ob_layer *vs = ob_vae_sampler(m);
    OB_REQUIRE(vs, "vae: the model has no vae_sample layer");
    OB_REQUIRE(val && val->n > 0 && batch >= 1, "vae: nothing to evaluate");
    const int64_t d = pixels_of(info);
    ob_loader_cfg lc = {.batch_size = batch};
    ob_loader *ld = NULL;
    OB_TRY(ob_loader_create(&ld, val, &lc));
    ob_status s = ob_loader_start_epoch(ld, 0);
    double recon = 0, kl = 0, se = 0, ssim = 0;
    int64_t images = 0;
    float *y = NULL;
    double *ssim_buf = NULL;
    for (int done = 0; s == OB_OK;) {
        ob_data_batch b = {0};
        if ((s = ob_loader_next(ld, &b, &done)) != OB_OK || done) {
            ob_data_batch_free(&b);
            break;
        }
        const int n = b.n;
        if (b.targets.ndim != 4 || ob_tensor_numel(&b.targets) != n * d)
            s = OB_FAIL(OB_ERR_ARG, "vae: the set has no target images of %lld values", (long long)d);
        if (s == OB_OK && (!(y = realloc(y, sizeof(float) * (size_t)(n * d))) ||
                           !(ssim_buf = realloc(ssim_buf, sizeof(double) * (size_t)(n * info->c)))))
            s = OB_FAIL(OB_ERR_NOMEM, "out of memory");
        const float *x = ob_tensor_f32(&b.targets);
        /* the negative ELBO at the fixed evaluation draw of z */
        if (s == OB_OK) s = forward_host(ctx, m, &b.images, y, d);
        for (int64_t i = 0; s == OB_OK && i < n * d; i++) {
            const double l = y[i], t = x[i];
            if (info->recon == OB_VAE_BCE) recon += fmax(l, 0) - l * t + log1p(exp(-fabs(l)));
            else recon += (sigmoid(y[i]) - t) * (sigmoid(y[i]) - t);
        }
        if (s == OB_OK) kl += ob_vae_sample_kl(vs);
        /* the reconstructions at the mean */
        if (s == OB_OK) {
            ob_vae_sample_use_mean(vs, 1);
            s = forward_host(ctx, m, &b.images, y, d);
            ob_vae_sample_use_mean(vs, 0);
        }
        for (int64_t i = 0; s == OB_OK && i < n * d; i++) {
            y[i] = sigmoid(y[i]);
            se += ((double)y[i] - x[i]) * ((double)y[i] - x[i]);
        }
        if (s == OB_OK) s = ob_ssim_cpu(ssim_buf, y, x, n * info->c, info->h, info->w, 1.0);
        for (int p = 0; s == OB_OK && p < n * info->c; p++) ssim += ssim_buf[p];
        images += n;
        ob_data_batch_free(&b);
    }
    ob_loader_destroy(ld);
    free(y), free(ssim_buf);
    OB_TRY(s);
    res->recon = recon / (double)images, res->kl = kl / (double)images, res->neg_elbo = res->recon + res->kl;
    res->psnr = 10.0 * log10((double)(images * d) / se), res->ssim = ssim / (double)(images * info->c);
    return OB_OK;
}

/* ---- pictures -------------------------------------------------------------- */

static ob_status write_grid(const char *path, const float *images, int n, const ob_vae_info *info, int cols)
{
    ob_tensor grid = {0};
    OB_TRY(ob_grid_tile(&grid, images, n, info->c, info->h, info->w, cols, ZOOM));
    const ob_status s = ob_image_write(path, &grid, OB_FMT_AUTO, 8);
    ob_tensor_free(&grid);
    return s;
}

ob_status ob_vae_recon_grid(const char *path, ob_ctx *ctx, ob_model *m, const ob_vae_info *info,
                            const ob_dataset *val, int n)
{
    ob_layer *vs = ob_vae_sampler(m);
    OB_REQUIRE(vs, "vae: the model has no vae_sample layer");
    OB_REQUIRE(n >= 1 && n <= 16 && val->n >= 1, "vae grid: %d images", n);
    if (n > val->n) n = (int)val->n;
    const int64_t d = pixels_of(info), row = val->channels * val->height * val->width;
    ob_tensor x = {0};
    OB_TRY(ob_tensor_alloc(&x, OB_F32, OB_HOST, 4, (const int64_t[4]){n, val->channels, val->height, val->width}));
    float *rows = malloc(sizeof(float) * (size_t)(2 * n * d));
    ob_status s = rows ? OB_OK : OB_FAIL(OB_ERR_NOMEM, "out of memory");
    for (int i = 0; s == OB_OK && i < n; i++) {
        ob_sample smp = {0};
        s = ob_dataset_get(val, &smp, i);
        if (s == OB_OK && (ob_tensor_numel(&smp.image) != row || ob_tensor_numel(&smp.target) != d))
            s = OB_FAIL(OB_ERR_ARG, "vae grid: a sample of another size");
        if (s == OB_OK) {
            memcpy(ob_tensor_f32(&x) + i * row, smp.image.data, sizeof(float) * (size_t)row);
            memcpy(rows + i * d, smp.target.data, sizeof(float) * (size_t)d);
        }
        ob_sample_free(&smp);
    }
    if (s == OB_OK) {
        ob_vae_sample_use_mean(vs, 1);
        s = forward_host(ctx, m, &x, rows + n * d, d);
        ob_vae_sample_use_mean(vs, 0);
    }
    for (int64_t i = n * d; s == OB_OK && i < 2 * n * d; i++) rows[i] = sigmoid(rows[i]);
    if (s == OB_OK) s = write_grid(path, rows, 2 * n, info, n);
    free(rows);
    ob_tensor_free(&x);
    return s;
}

ob_status ob_vae_sample_grid(const char *path, ob_ctx *ctx, ob_model *m, const ob_vae_info *info, const int *labels,
                             int n_labels, int per_row, uint64_t seed)
{
    OB_REQUIRE(n_labels >= 1 && n_labels <= 100 && per_row >= 1 && per_row <= 100, "vae grid: %d rows of %d",
               n_labels, per_row);
    const int n = n_labels * per_row;
    const int64_t d = pixels_of(info);
    float *z = malloc(sizeof(float) * (size_t)n * (size_t)info->latent), *img = malloc(sizeof(float) * (size_t)(n * d));
    int *lab = malloc(sizeof(int) * (size_t)n);
    ob_status s = z && img && lab ? OB_OK : OB_FAIL(OB_ERR_NOMEM, "out of memory");
    if (s == OB_OK) {
        ob_vae_prior_z(z, n, info->latent, seed);
        for (int i = 0; i < n; i++) lab[i] = labels ? labels[i / per_row] : 0;
        s = ob_vae_decode(ctx, m, info, z, lab, n, img);
    }
    if (s == OB_OK) s = write_grid(path, img, n, info, per_row);
    free(z), free(img), free(lab);
    return s;
}

ob_status ob_vae_traversal_grid(const char *path, ob_ctx *ctx, ob_model *m, const ob_vae_info *info, int label,
                                int dims, int steps)
{
    if (dims > info->latent) dims = info->latent;
    OB_REQUIRE(dims >= 1 && dims <= 10 && steps >= 2 && steps <= 32, "vae traversal: %d latents at %d steps", dims,
               steps);
    const int n = dims * steps;
    const int64_t d = pixels_of(info);
    float *z = calloc((size_t)n * (size_t)info->latent, sizeof(float)), *img = malloc(sizeof(float) * (size_t)(n * d));
    int *lab = malloc(sizeof(int) * (size_t)n);
    ob_status s = z && img && lab ? OB_OK : OB_FAIL(OB_ERR_NOMEM, "out of memory");
    for (int i = 0; s == OB_OK && i < n; i++) {
        z[(size_t)i * info->latent + i / steps] = -3.0f + 6.0f * (float)(i % steps) / (float)(steps - 1);
        lab[i] = label;
    }
    if (s == OB_OK) s = ob_vae_decode(ctx, m, info, z, lab, n, img);
    if (s == OB_OK) s = write_grid(path, img, n, info, steps);
    free(z), free(img), free(lab);
    return s;
}

/* ---- the run's page ---------------------------------------------------------- */

static ob_status write_body(FILE *f, void *user)
{
    const ob_vae_page *p = user;
    const char *recon = p->recon == OB_VAE_BCE ? "binary cross-entropy" : "squared error";
    fprintf(f, "<h1>%s on %s, latent %d</h1>\n", strcmp(p->model, "cvae") ? "VAE" : "Conditional VAE", p->data,
            p->latent);
    fprintf(f, "<p>%d of %d epochs. Loss: the negative ELBO per image, reconstruction (%s, summed over the "
               "pixels) plus KL; on the test split at one fixed draw of z. PSNR and SSIM: reconstructions at "
               "z = &mu;.</p>\n",
            p->epochs_done, p->epochs, recon);
    fprintf(f, "<table><tr><th>epoch</th><th>train &minus;ELBO</th><th>test reconstruction</th><th>test KL</th>"
               "<th>test &minus;ELBO</th><th>PSNR (dB)</th><th>SSIM</th></tr>\n");
    for (int e = 0; e < p->epochs_done; e++) {
        const ob_vae_metrics *m = &p->per_epoch[e];
        fprintf(f, "<tr><td>%d</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.4f</td></tr>\n",
                e + 1, p->train_loss[e], m->recon, m->kl, m->neg_elbo, m->psnr, m->ssim);
    }
    fprintf(f, "</table>\n<h2>Curves</h2>\n<img src=\"loss.svg\">\n");
    fprintf(f, "<h2>Latent traversal</h2>\n<p>Each row one latent from &minus;3 to 3, the others 0.</p>\n"
               "<img src=\"traversal.png\">\n");
    for (int i = p->n_pictures - 1; i >= 0; i--)
        fprintf(f, "<h2>Epoch %d</h2>\n<p>Test images over their reconstructions; samples of the prior%s.</p>\n"
                   "<img src=\"recon_epoch%d.png\"> <img src=\"samples_epoch%d.png\">\n",
                p->picture_epochs[i], strcmp(p->model, "cvae") ? "" : ", a row per class", p->picture_epochs[i],
                p->picture_epochs[i]);
    return OB_OK;
}

ob_status ob_vae_html(const char *run_dir, const ob_vae_page *page)
{
    return ob_run_page_write(run_dir, strcmp(page->model, "cvae") ? "obscura train vae" : "obscura train cvae",
                             write_body, (void *)page);
}
