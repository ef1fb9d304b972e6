/* loss.c — the tensor entry points of ob_loss.h: shape, dtype and location
 * checks, the reduction's scale, then the CPU or CUDA path of kernels/loss.h,
 * with the value returned or added to the context's running loss. */
#include "ob_loss.h"

#include <stdio.h>
#include <string.h>

#include "loss.h"
#include "ob_dispatch.h"

/* pred/target (and grad when given) float32, same shape, where ctx computes. */
static ob_status check_same(const char *loss, ob_ctx *ctx, const ob_tensor *grad, const ob_tensor *a,
                            const ob_tensor *b, const char *a_name, const char *b_name)
{
    char sa[64], sb[64], what[96];
    snprintf(what, sizeof what, "%s: %s", loss, a_name);
    OB_TRY(ob_check_f32(a, what, ctx, 0));
    snprintf(what, sizeof what, "%s: %s", loss, b_name);
    OB_TRY(ob_check_f32(b, what, ctx, 0));
    OB_REQUIRE(ob_tensor_same_shape(a, b), "%s: %s %s and %s %s differ in shape", loss, a_name,
               ob_tensor_shape_str(a, sa, sizeof sa), b_name, ob_tensor_shape_str(b, sb, sizeof sb));
    if (grad) {
        snprintf(what, sizeof what, "%s: gradient", loss);
        OB_TRY(ob_check_f32(grad, what, ctx, 0));
        OB_REQUIRE(ob_tensor_same_shape(grad, a), "%s: gradient %s does not match %s %s", loss,
                   ob_tensor_shape_str(grad, sa, sizeof sa), a_name, ob_tensor_shape_str(a, sb, sizeof sb));
    }
    return OB_OK;
}

/* Where a loss value goes: *loss on the host, or (loss NULL) the context's
 * running loss. scale turns the kernels' sum into the value. */
typedef struct {
    double *loss, scale;
    ob_loss_acc acc; /* loss NULL: the running total, where ctx computes */
} sink;

static ob_status sink_make(sink *k, ob_ctx *ctx, double *loss, double scale)
{
    k->loss = loss, k->scale = scale;
    memset(&k->acc, 0, sizeof k->acc);
    if (loss) return OB_OK;
    k->acc.scale = scale;
    return ob_ctx_loss_total(ctx, &k->acc.total, &k->acc.weight, &k->acc.tag);
}

/* The CPU paths return the sum: the value, or the same update the GPU's
 * finishing kernel applies. */
static void sink_host(const sink *k, double sum)
{
    if (k->loss) *k->loss = sum * k->scale;
    else ob_loss_total_add(k->acc.total, sum, k->acc.scale, k->acc.weight, k->acc.tag);
}

static ob_status pointwise(ob_ctx *ctx, const sink *k, float *ga, float *gb, const ob_tensor *a, const ob_tensor *b,
                           ob_loss_kind kind, float gscale)
{
    const int64_t n = ob_tensor_numel(a);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) {
        double sum = 0;
        OB_TRY(ob_loss_pointwise_cpu(&sum, ga, gb, ob_tensor_f32(a), ob_tensor_f32(b), n, kind, gscale));
        sink_host(k, sum);
        return OB_OK;
    }
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    (void)cfg; /* unused when CUDA is not compiled */
    double sum = 0;
    OB_TRY(OB_CUDA_PATH(ob_loss_pointwise_cuda(k->loss ? &sum : NULL, k->loss ? NULL : &k->acc, ga, gb,
                                               ob_tensor_f32(a), ob_tensor_f32(b), n, kind, gscale, &cfg)));
    if (k->loss) sink_host(k, sum); /* the read sum; a running total was added to on the device */
    return OB_OK;
}

/* MSE, L1, BCE: mean over all elements or sum. */
static ob_status elementwise_loss(const char *name, ob_loss_kind kind, ob_ctx *ctx, double *loss, ob_tensor *grad,
                                  const ob_tensor *pred, const ob_tensor *target, ob_reduction r)
{
    OB_REQUIRE(r == OB_REDUCE_MEAN || r == OB_REDUCE_SUM, "%s: unknown reduction %d", name, (int)r);
    OB_TRY(check_same(name, ctx, grad, pred, target, "prediction", "target"));
    const int64_t n = ob_tensor_numel(pred);
    const double scale = r == OB_REDUCE_MEAN ? 1.0 / (double)n : 1.0;
    sink k;
    OB_TRY(sink_make(&k, ctx, loss, scale));
    return pointwise(ctx, &k, grad ? ob_tensor_f32(grad) : NULL, NULL, pred, target, kind, (float)scale);
}

ob_status ob_loss_mse(ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *pred, const ob_tensor *target,
                      ob_reduction r)
{
    return elementwise_loss("mse loss", OB_LOSS_MSE, ctx, loss, grad, pred, target, r);
}

ob_status ob_loss_l1(ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *pred, const ob_tensor *target,
                     ob_reduction r)
{
    return elementwise_loss("l1 loss", OB_LOSS_L1, ctx, loss, grad, pred, target, r);
}

ob_status ob_loss_bce_logits(ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *logits,
                             const ob_tensor *target, ob_reduction r)
{
    return elementwise_loss("bce_with_logits loss", OB_LOSS_BCE_LOGITS, ctx, loss, grad, logits, target, r);
}

ob_status ob_loss_cross_entropy_at(ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *logits,
                                   const int32_t *labels, const int32_t *labels_at_ctx, ob_reduction r)
{
    char s[64], g[64];
    OB_REQUIRE(labels, "cross_entropy: no labels");
    OB_REQUIRE(r == OB_REDUCE_MEAN || r == OB_REDUCE_SUM, "cross_entropy: unknown reduction %d", (int)r);
    OB_TRY(ob_check_f32(logits, "cross_entropy: logits", ctx, 2));
    if (grad) {
        OB_TRY(ob_check_f32(grad, "cross_entropy: gradient", ctx, 2));
        OB_REQUIRE(ob_tensor_same_shape(grad, logits), "cross_entropy: gradient %s does not match logits %s",
                   ob_tensor_shape_str(grad, g, sizeof g), ob_tensor_shape_str(logits, s, sizeof s));
    }
    const int64_t n = logits->shape[0], k = logits->shape[1];
    OB_REQUIRE(k <= 0x7fffffff, "cross_entropy: %lld classes is too many", (long long)k);
    for (int64_t i = 0; i < n; i++)
        OB_REQUIRE(labels[i] >= 0 && labels[i] < k, "cross_entropy: label %d of sample %lld is outside [0, %lld)",
                   (int)labels[i], (long long)i, (long long)k);
    const double scale = r == OB_REDUCE_MEAN ? 1.0 / (double)n : 1.0;
    float *gp = grad ? ob_tensor_f32(grad) : NULL;
    sink sk;
    OB_TRY(sink_make(&sk, ctx, loss, scale));
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) {
        double sum = 0;
        OB_TRY(ob_loss_cross_entropy_cpu(&sum, gp, ob_tensor_f32(logits), labels, n, (int)k, (float)scale));
        sink_host(&sk, sum);
        return OB_OK;
    }
    /* labels already on the device, or host labels the launcher stages in
     * the context's workspace */
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    (void)cfg; /* unused when CUDA is not compiled */
    double sum = 0;
    OB_TRY(OB_CUDA_PATH(ob_loss_cross_entropy_cuda(
        loss ? &sum : NULL, loss ? NULL : &sk.acc, gp, ob_tensor_f32(logits), labels_at_ctx ? labels_at_ctx : labels,
        labels_at_ctx ? OB_DEVICE : OB_HOST, n, (int)k, (float)scale, &cfg)));
    if (loss) sink_host(&sk, sum); /* the read sum; a running total was added to on the device */
    return OB_OK;
}

ob_status ob_loss_cross_entropy(ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *logits,
                                const int32_t *labels, ob_reduction r)
{
    return ob_loss_cross_entropy_at(ctx, loss, grad, logits, labels, NULL, r);
}

ob_status ob_loss_kl_normal(ob_ctx *ctx, double *loss, ob_tensor *grad_mu, ob_tensor *grad_logvar,
                            const ob_tensor *mu, const ob_tensor *logvar, ob_reduction r)
{
    OB_REQUIRE(r == OB_REDUCE_MEAN || r == OB_REDUCE_SUM, "kl loss: unknown reduction %d", (int)r);
    OB_TRY(check_same("kl loss", ctx, grad_mu, mu, logvar, "mu", "logvar"));
    if (grad_logvar) OB_TRY(check_same("kl loss", ctx, grad_logvar, logvar, mu, "logvar", "mu"));
    const double scale = r == OB_REDUCE_MEAN ? 1.0 / (double)mu->shape[0] : 1.0; /* per sample, see header */
    sink k;
    OB_TRY(sink_make(&k, ctx, loss, scale));
    return pointwise(ctx, &k, grad_mu ? ob_tensor_f32(grad_mu) : NULL, grad_logvar ? ob_tensor_f32(grad_logvar) : NULL,
                     mu, logvar, OB_LOSS_KL, (float)scale);
}

ob_status ob_reparam_sample(ob_ctx *ctx, ob_tensor *z, const ob_tensor *mu, const ob_tensor *logvar, uint64_t seed,
                            uint64_t offset)
{
    OB_TRY(check_same("reparam", ctx, z, mu, logvar, "mu", "logvar"));
    const int64_t n = ob_tensor_numel(mu);
    float *pz = ob_tensor_f32(z);
    const float *pm = ob_tensor_f32(mu), *pl = ob_tensor_f32(logvar);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU) return ob_reparam_forward_cpu(pz, pm, pl, n, seed, offset);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    (void)cfg; /* unused when CUDA is not compiled */
    return OB_CUDA_PATH(ob_reparam_forward_cuda(pz, pm, pl, n, seed, offset, &cfg));
}

ob_status ob_reparam_backward(ob_ctx *ctx, ob_tensor *grad_mu, ob_tensor *grad_logvar, const ob_tensor *grad_z,
                              const ob_tensor *logvar, uint64_t seed, uint64_t offset, int accumulate)
{
    OB_REQUIRE(grad_mu && grad_logvar, "reparam backward: both gradients are needed");
    OB_TRY(check_same("reparam backward", ctx, grad_mu, grad_z, logvar, "grad_z", "logvar"));
    OB_TRY(check_same("reparam backward", ctx, grad_logvar, grad_z, logvar, "grad_z", "logvar"));
    const int64_t n = ob_tensor_numel(grad_z);
    float *dm = ob_tensor_f32(grad_mu), *dl = ob_tensor_f32(grad_logvar);
    const float *dz = ob_tensor_f32(grad_z), *lv = ob_tensor_f32(logvar);
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU)
        return ob_reparam_backward_cpu(dm, dl, dz, lv, n, seed, offset, accumulate);
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    (void)cfg; /* unused when CUDA is not compiled */
    return OB_CUDA_PATH(ob_reparam_backward_cuda(dm, dl, dz, lv, n, seed, offset, accumulate, &cfg));
}
