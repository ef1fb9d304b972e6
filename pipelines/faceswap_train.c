/* faceswap_train.c — ob_faceswap.h's training loop (both identities through
 * the shared encoder, each through its own decoder), its outputs, and the
 * batch inference the preview and the paste-back use. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_atomic_file.h"
#include "ob_faceswap.h"
#include "ob_image_io.h"
#include "ob_log.h"
#include "ob_loss.h"
#include "ob_optim.h"
#include "ob_philox.h"

#define PREVIEW_FACES 8
#define MAX_LOG_ROWS 100000

/* Host staging and ctx-side batch tensors of one side, and the gradients. */
typedef struct {
    ob_tensor in_host, target_host; /* (B, 3, S, S) host */
    ob_tensor in, target, grad;     /* where ctx computes */
    ob_tensor grad_z;               /* the encoder output's gradient */
} side_buf;

typedef struct {
    int64_t step;
    double loss[2];
} log_row;

typedef struct {
    const log_row *rows;
    int n;
} log_table;

static ob_status write_log(FILE *fp, void *user)
{
    const log_table *t = user;
    fprintf(fp, "step,loss_a,loss_b\n");
    for (int i = 0; i < t->n; i++)
        fprintf(fp, "%lld,%.8g,%.8g\n", (long long)t->rows[i].step, t->rows[i].loss[0], t->rows[i].loss[1]);
    return OB_OK;
}

static void side_free(side_buf *b)
{
    ob_tensor *t[6] = {&b->in_host, &b->target_host, &b->in, &b->target, &b->grad, &b->grad_z};
    for (int i = 0; i < 6; i++) ob_tensor_free(t[i]);
}

static ob_status side_alloc(side_buf *b, ob_location loc, int batch, int size, int width)
{
    const int64_t shape[4] = {batch, 3, size, size}, z[4] = {batch, 4 * width, size / 8, size / 8};
    OB_TRY(ob_tensor_alloc(&b->in_host, OB_F32, OB_HOST, 4, shape));
    OB_TRY(ob_tensor_alloc(&b->target_host, OB_F32, OB_HOST, 4, shape));
    OB_TRY(ob_tensor_alloc(&b->in, OB_F32, loc, 4, shape));
    OB_TRY(ob_tensor_alloc(&b->target, OB_F32, loc, 4, shape));
    OB_TRY(ob_tensor_alloc(&b->grad, OB_F32, loc, 4, shape));
    return ob_tensor_alloc(&b->grad_z, OB_F32, loc, 4, z);
}

/* One side of a step: a batch of `f` augmented, forward, loss, backward (gradients accumulate). */
static ob_status side_step(ob_ctx *ctx, ob_faceswap_net *net, side_buf *b, const ob_faceswap_faces *f, int side,
                           const ob_faceswap_train_cfg *cfg, int64_t step, double *loss)
{
    const size_t per = (size_t)3 * f->size * f->size;
    for (int j = 0; j < cfg->batch; j++) {
        const uint64_t index = (uint64_t)side * (uint64_t)cfg->batch + (uint64_t)j;
        const int64_t face = ob_philox_below(cfg->seed, OB_FACESWAP_RNG_STREAM, ((uint64_t)step << 20 | index) * 64 + 63,
                                             (uint32_t)f->n);
        OB_TRY(ob_faceswap_augment(ob_tensor_f32(&b->in_host) + per * j, ob_tensor_f32(&b->target_host) + per * j, f,
                                   face, cfg->seed, (uint64_t)step, index));
    }
    OB_TRY(ob_tensor_copy(&b->in, &b->in_host));
    OB_TRY(ob_tensor_copy(&b->target, &b->target_host));
    const ob_tensor *y;
    OB_TRY(ob_faceswap_net_forward(net, ctx, &y, &b->in, side, 1));
    OB_TRY(ob_loss_mse(ctx, loss, &b->grad, y, &b->target, OB_REDUCE_MEAN));
    OB_TRY(ob_model_backward(net->decoder[side], ctx, &b->grad, &b->grad_z));
    return ob_model_backward(net->encoder, ctx, &b->grad_z, NULL);
}

ob_status ob_faceswap_run(ob_ctx *ctx, ob_faceswap_net *net, float *out, const float *in, int n, int side)
{
    const int s = net->cfg.size;
    const int64_t shape[4] = {n, 3, s, s};
    ob_tensor host_in, host_out, x = {0}, y_host = {0};
    OB_TRY(ob_tensor_wrap(&host_in, (void *)in, OB_F32, OB_HOST, 4, shape));
    OB_TRY(ob_tensor_wrap(&host_out, out, OB_F32, OB_HOST, 4, shape));
    ob_status st = ob_tensor_clone_to(&x, &host_in, ob_ctx_location(ctx));
    const ob_tensor *y = NULL;
    if (st == OB_OK) st = ob_faceswap_net_forward(net, ctx, &y, &x, side, 0);
    if (st == OB_OK) st = ob_tensor_copy(&host_out, y);
    ob_tensor_free(&x), ob_tensor_free(&y_host);
    return st;
}

/* preview.png: rows A, A->A, A->B, B, B->B, B->A of up to PREVIEW_FACES faces each. */
static ob_status write_preview(ob_ctx *ctx, ob_faceswap_net *net, const ob_faceswap_faces *f[2], const char *path)
{
    const int s = net->cfg.size;
    const int64_t k = f[0]->n < f[1]->n ? (f[0]->n < PREVIEW_FACES ? f[0]->n : PREVIEW_FACES)
                                        : (f[1]->n < PREVIEW_FACES ? f[1]->n : PREVIEW_FACES);
    const size_t per = (size_t)3 * s * s;
    float *faces = malloc(sizeof(float) * per * (size_t)k * 3);
    ob_tensor grid = {0};
    const int64_t shape[3] = {3, 6 * s, k * s};
    ob_status st = faces ? ob_tensor_zeros(&grid, OB_F32, OB_HOST, 3, shape) : OB_FAIL(OB_ERR_NOMEM, "out of memory");
    for (int side = 0; side < 2 && st == OB_OK; side++) {
        float *rows[3] = {faces, faces + per * k, faces + 2 * per * k}; /* source, own decoder, the other */
        for (int64_t i = 0; i < k && st == OB_OK; i++) st = ob_faceswap_face_crop(rows[0] + per * i, f[side], i);
        if (st == OB_OK) st = ob_faceswap_run(ctx, net, rows[1], rows[0], (int)k, side);
        if (st == OB_OK) st = ob_faceswap_run(ctx, net, rows[2], rows[0], (int)k, 1 - side);
        for (int r = 0; r < 3 && st == OB_OK; r++)
            for (int64_t i = 0; i < k; i++)
                for (int c = 0; c < 3; c++)
                    for (int y = 0; y < s; y++)
                        memcpy(ob_tensor_f32(&grid) + ((size_t)c * 6 * s + (size_t)(3 * side + r) * s + y) * k * s + i * s,
                               rows[r] + per * i + ((size_t)c * s + y) * s, sizeof(float) * s);
    }
    if (st == OB_OK) st = ob_image_write(path, &grid, OB_FMT_PNG, 8);
    ob_tensor_free(&grid);
    free(faces);
    return st;
}

static ob_status write_outputs(ob_ctx *ctx, ob_faceswap_net *net, const ob_faceswap_faces *a,
                               const ob_faceswap_faces *b, const ob_faceswap_train_cfg *cfg, const log_table *t)
{
    char path[4096], extra[1400];
    snprintf(extra, sizeof extra, "\"steps\": \"%d\", \"seed\": \"%llu\", \"faces_a\": \"%lld\", \"faces_b\": \"%lld\"",
             cfg->steps, (unsigned long long)cfg->seed, (long long)a->n, (long long)b->n);
    snprintf(path, sizeof path, "%s/model.safetensors", cfg->run_dir);
    OB_TRY(ob_faceswap_net_save(net, path, extra));
    snprintf(path, sizeof path, "%s/loss.csv", cfg->run_dir);
    OB_TRY(ob_atomic_write(path, write_log, (void *)t));
    snprintf(path, sizeof path, "%s/preview.png", cfg->run_dir);
    const ob_faceswap_faces *f[2] = {a, b};
    return write_preview(ctx, net, f, path);
}

static ob_status check_cfg(const ob_faceswap_net *net, const ob_faceswap_faces *a, const ob_faceswap_faces *b,
                           const ob_faceswap_train_cfg *cfg)
{
    OB_REQUIRE(cfg->steps >= 1 && cfg->batch >= 1 && cfg->batch <= 4096, "faceswap: %d steps of batch %d", cfg->steps,
               cfg->batch);
    OB_REQUIRE(cfg->lr > 0 && isfinite(cfg->lr), "faceswap: learning rate %g", cfg->lr);
    OB_REQUIRE(a->n > 0 && b->n > 0, "faceswap: %lld faces of A, %lld of B", (long long)a->n, (long long)b->n);
    OB_REQUIRE(a->size == net->cfg.size && b->size == net->cfg.size, "faceswap: faces of %d and %d px, the net takes %d",
               a->size, b->size, net->cfg.size);
    return OB_OK;
}

static ob_status train_loop(ob_ctx *ctx, ob_faceswap_net *net, const ob_faceswap_faces *f[2],
                            const ob_faceswap_train_cfg *cfg, ob_optim *opt[3], side_buf buf[2], log_table *t,
                            log_row *rows, ob_faceswap_train_result *r)
{
    const int every = cfg->log_every > 0 ? cfg->log_every : 10;
    double sum[2] = {0, 0};
    int in_sum = 0;
    for (int64_t step = 0; step < cfg->steps; step++) {
        for (int k = 0; k < 3; k++) OB_TRY(ob_optim_zero_grad(opt[k], ctx));
        for (int side = 0; side < 2; side++) {
            double loss;
            OB_TRY(side_step(ctx, net, &buf[side], f[side], side, cfg, step, &loss));
            if (!isfinite(loss))
                return OB_FAIL(OB_ERR_ARG, "faceswap: loss of %c is %g at step %lld (lower --lr)", 'A' + side, loss,
                               (long long)step + 1);
            sum[side] += loss;
        }
        for (int k = 0; k < 3; k++) OB_TRY(ob_optim_step(opt[k], ctx));
        if (++in_sum == every || step + 1 == cfg->steps) {
            log_row *row = &rows[t->n < MAX_LOG_ROWS ? t->n++ : MAX_LOG_ROWS - 1];
            row->step = step + 1;
            for (int side = 0; side < 2; side++) row->loss[side] = r->loss[side] = sum[side] / in_sum, sum[side] = 0;
            in_sum = 0;
            if (!cfg->quiet)
                ob_log_info("faceswap step %lld/%d: loss A %.5f, B %.5f", (long long)step + 1, cfg->steps, row->loss[0],
                            row->loss[1]);
        }
    }
    return OB_OK;
}

ob_status ob_faceswap_train(ob_ctx *ctx, ob_faceswap_net *net, const ob_faceswap_faces *a, const ob_faceswap_faces *b,
                            const ob_faceswap_train_cfg *cfg, ob_faceswap_train_result *res)
{
    OB_TRY(check_cfg(net, a, b, cfg));
    const double t0 = ob_now_seconds();
    ob_faceswap_train_result r = {{NAN, NAN}, 0};
    ob_optim_cfg oc = ob_optim_defaults(OB_OPTIM_ADAM);
    oc.lr = cfg->lr;
    ob_model *models[3] = {net->encoder, net->decoder[0], net->decoder[1]};
    ob_optim *opt[3] = {NULL, NULL, NULL};
    side_buf buf[2];
    memset(buf, 0, sizeof buf);
    const int every = cfg->log_every > 0 ? cfg->log_every : 10;
    const int n_rows = cfg->steps / every + 1 < MAX_LOG_ROWS ? cfg->steps / every + 1 : MAX_LOG_ROWS;
    log_row *rows = calloc((size_t)n_rows, sizeof *rows);
    log_table t = {rows, 0};
    ob_status s = rows ? OB_OK : OB_FAIL(OB_ERR_NOMEM, "out of memory");
    for (int k = 0; k < 3 && s == OB_OK; k++)
        s = ob_optim_create(&opt[k], &oc, &models[k]->arena, models[k]->layers, models[k]->n_nodes);
    for (int side = 0; side < 2 && s == OB_OK; side++)
        s = side_alloc(&buf[side], ob_ctx_location(ctx), cfg->batch, net->cfg.size, net->cfg.width);
    const ob_faceswap_faces *f[2] = {a, b};
    if (s == OB_OK) s = train_loop(ctx, net, f, cfg, opt, buf, &t, rows, &r);
    r.seconds = ob_now_seconds() - t0;
    if (s == OB_OK && cfg->run_dir) s = write_outputs(ctx, net, a, b, cfg, &t);
    for (int k = 0; k < 3; k++) ob_optim_destroy(opt[k]);
    for (int side = 0; side < 2; side++) side_free(&buf[side]);
    free(rows);
    if (res) *res = r;
    return s;
}
