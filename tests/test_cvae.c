/* test_cvae.c — the conditional VAE ("cvae") and the VAE pipeline
 * (pipelines/ob_vae.h) on data of known structure: 1 x 16 x 16 images of a
 * 4 x 4 square at one of four places, the place being the class, its
 * brightness (0.6..1) varying within the class.
 *   - the slice layer: forward picks each sample's features, backward puts
 *     the gradient back there and zeros elsewhere;
 *   - "cvae" has 660,824 parameters at the seed's size (784 + 10 -> 400 ->
 *     20, 20 + 10 -> 400 -> 784) and reads its packed input (ob_vae_pack);
 *   - trained by ob_vae_loss (BCE) for 300 Adam steps, the CVAE's test
 *     negative ELBO (ob_vae_eval) falls below the VAE's trained alike: the
 *     class tells it where the square is, which the VAE must encode in z at
 *     a KL price (the seed's observation): lower by more than 1.5 nats, and
 *     its KL lower by more than 1 (the class is log 4 = 1.39 nats of
 *     information a VAE's z must carry);
 *   - conditioning: decoding z = 0 at each class puts the square at that
 *     class's place (its 16 pixels the brightest), for all four classes;
 *   - the squared-error reconstruction (OB_VAE_MSE) trains too: its loss
 *     halves;
 *   - bad input: a class outside 0..K-1 is refused by ob_vae_decode. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_layers.h"
#include "ob_optim.h"
#include "ob_test.h"
#include "ob_vae.h"
#include "ob_vae_data.h"
#include "ob_zoo.h"

#define S 16
#define P (S * S)
#define K 4
#define N 32

static void square(float *img, int cls, float v)
{
    const int ox = cls % 2 ? 9 : 3, oy = cls / 2 ? 9 : 3;
    memset(img, 0, sizeof(float) * P);
    for (int y = 0; y < 4; y++)
        for (int x = 0; x < 4; x++) img[(oy + y) * S + ox + x] = v;
}

/* batch `step`: images (N, P), packed rows (N, P + K), labels */
static void make_batch(float *img, float *packed, int *lab, int step)
{
    for (int i = 0; i < N; i++) {
        lab[i] = (step * 7 + i) % K;
        square(img + i * P, lab[i], 0.6f + 0.4f * (float)((step * 13 + i * 5) % 17) / 16.0f);
        ob_vae_pack(packed + i * (P + K), img + i * P, P, lab[i], K);
    }
}

static void test_slice(ob_ctx *ctx)
{
    ob_layer *l;
    OB_CHECK_OK(ob_slice_create(&l, 2, 5));
    ob_tensor x, y, gy, gx;
    ob_tensor_alloc(&x, OB_F32, OB_HOST, 4, (const int64_t[4]){2, 1, 2, 3});
    for (int i = 0; i < 12; i++) ob_tensor_f32(&x)[i] = (float)i;
    OB_CHECK_OK(ob_layer_forward_alloc(l, ctx, &y, (const ob_tensor *[]){&x}, 1, 1));
    OB_CHECK(y.ndim == 2 && y.shape[0] == 2 && y.shape[1] == 3, "slice: output shape");
    const float want[6] = {2, 3, 4, 8, 9, 10};
    for (int i = 0; i < 6; i++) OB_CHECK(ob_tensor_f32(&y)[i] == want[i], "slice: value %d", i);
    ob_tensor_alloc(&gy, OB_F32, OB_HOST, 2, y.shape);
    ob_tensor_alloc(&gx, OB_F32, OB_HOST, 4, x.shape);
    for (int i = 0; i < 6; i++) ob_tensor_f32(&gy)[i] = (float)(i + 1);
    for (int i = 0; i < 12; i++) ob_tensor_f32(&gx)[i] = 99; /* overwritten, not accumulated */
    ob_tensor *gin[1] = {&gx};
    OB_CHECK_OK(l->ops->backward(l, ctx, gin, &gy, (const ob_tensor *[]){&x}, 1, &y));
    const float gwant[12] = {0, 0, 1, 2, 3, 0, 0, 0, 4, 5, 6, 0};
    for (int i = 0; i < 12; i++) OB_CHECK(ob_tensor_f32(&gx)[i] == gwant[i], "slice: gradient %d", i);
    ob_layer *bad;
    OB_CHECK(ob_slice_create(&bad, 3, 3) != OB_OK, "an empty slice is refused");
    ob_tensor_free(&x), ob_tensor_free(&y), ob_tensor_free(&gy), ob_tensor_free(&gx);
    ob_layer_destroy(l);
}

typedef struct {
    ob_model *m;
    ob_vae_info info;
    double first, last;
} trained;

/* 300 Adam steps of ob_vae_loss on the square data */
static void train(ob_ctx *ctx, trained *t, const char *name, ob_vae_recon recon)
{
    const int cond = strcmp(name, "cvae") == 0;
    t->info = (ob_vae_info){.classes = cond ? K : 0, .c = 1, .h = S, .w = S, .latent = 4, .recon = recon};
    const ob_zoo_opts zo = {.in_channels = 1, .height = S, .width = S, .features = 4, .classes = K};
    OB_CHECK_OK(ob_zoo_build(&t->m, name, &zo));
    OB_CHECK_OK(ob_model_alloc_params(t->m, OB_HOST));
    OB_CHECK_OK(ob_zoo_init(t->m, 3));
    ob_optim *opt;
    ob_optim_cfg oc = ob_optim_defaults(OB_OPTIM_ADAM);
    oc.lr = 2e-3;
    OB_CHECK_OK(ob_optim_create(&opt, &oc, &t->m->arena, t->m->layers, t->m->n_nodes));
    ob_vae_loss_state ls = {.info = t->info, .sampler = ob_vae_sampler(t->m)};
    OB_CHECK(ls.sampler != NULL, "%s: a vae_sample layer", name);
    ob_tensor img, packed, g;
    int lab[N];
    ob_tensor_alloc(&img, OB_F32, OB_HOST, 4, (const int64_t[4]){N, 1, S, S});
    ob_tensor_alloc(&packed, OB_F32, OB_HOST, 4, (const int64_t[4]){N, 1, 1, P + K});
    ob_tensor_alloc(&g, OB_F32, OB_HOST, 2, (const int64_t[2]){N, P});
    for (int step = 0; step < 300; step++) {
        make_batch(ob_tensor_f32(&img), ob_tensor_f32(&packed), lab, step);
        ob_data_batch b = {.n = N};
        b.targets_at_ctx = &img;
        const ob_tensor *y;
        double loss = NAN;
        OB_CHECK_OK(ob_optim_zero_grad(opt, ctx));
        if (ob_model_forward(t->m, ctx, &y, cond ? &packed : &img, 1) != OB_OK ||
            ob_vae_loss(&ls, ctx, &loss, &g, y, &b) != OB_OK || ob_model_backward(t->m, ctx, &g, NULL) != OB_OK ||
            ob_optim_step(opt, ctx) != OB_OK) {
            OB_CHECK(0, "%s: step %d: %s", name, step, ob_last_error());
            break;
        }
        if (step == 0) t->first = loss;
        t->last = loss;
    }
    ob_vae_loss_free(&ls);
    ob_optim_destroy(opt);
    ob_tensor_free(&img), ob_tensor_free(&packed), ob_tensor_free(&g);
}

/* A 64-image test set of the square data as an ob_dataset (through ob_vae_data). */
typedef struct {
    float img[64][P];
    int lab[64];
} square_set;

static ob_status square_get(const ob_dataset *ds, ob_sample *out, int64_t i)
{
    const square_set *s = ds->state;
    OB_TRY(ob_tensor_alloc(&out->image, OB_F32, OB_HOST, 3, (const int64_t[3]){1, S, S}));
    memcpy(out->image.data, s->img[i], sizeof(float) * P);
    out->label = s->lab[i];
    return OB_OK;
}

int main(void)
{
    ob_ctx *ctx;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    test_slice(ctx);

    ob_model *seed_size;
    OB_CHECK_OK(ob_zoo_build(&seed_size, "cvae", NULL));
    int64_t params = 0, in_shape[4];
    for (int i = 0; i < seed_size->n_nodes; i++)
        for (int p = 0; p < seed_size->layers[i]->n_params; p++)
            params += ob_tensor_numel(&seed_size->layers[i]->params[p].value);
    OB_CHECK(params == 660824, "cvae: %lld parameters, expected 660,824", (long long)params);
    OB_CHECK_OK(ob_zoo_input_shape(in_shape, "cvae", NULL));
    OB_CHECK(in_shape[1] == 1 && in_shape[2] == 1 && in_shape[3] == 794, "cvae: packed input of 794");
    ob_model_destroy(seed_size);

    static square_set set;
    for (int i = 0; i < 64; i++) {
        set.lab[i] = i % K;
        square(set.img[i], i % K, 0.6f + 0.4f * (float)((i * 11) % 17) / 16.0f);
    }
    ob_dataset base = {.n = 64, .channels = 1, .height = S, .width = S, .n_classes = K, .get = square_get,
                       .state = &set};
    snprintf(base.source, sizeof base.source, "squares");
    ob_dataset *val_vae = NULL, *val_cvae = NULL;
    OB_CHECK_OK(ob_vae_data_open(&val_vae, &base, 0));
    OB_CHECK_OK(ob_vae_data_open(&val_cvae, &base, K));
    ob_dataset *bad_set = NULL;
    OB_CHECK(ob_vae_data_open(&bad_set, &base, 3) != OB_OK, "a CVAE of 3 classes on a set of 4 is refused");

    trained vae = {0}, cvae = {0};
    train(ctx, &vae, "vae", OB_VAE_BCE);
    train(ctx, &cvae, "cvae", OB_VAE_BCE);
    ob_vae_metrics mv = {0}, mc = {0};
    OB_CHECK_OK(ob_vae_eval(ctx, vae.m, &vae.info, val_vae, 32, &mv));
    OB_CHECK_OK(ob_vae_eval(ctx, cvae.m, &cvae.info, val_cvae, 32, &mc));
    printf("test -ELBO per image: VAE %.2f (recon %.2f + KL %.2f), CVAE %.2f (recon %.2f + KL %.2f); PSNR %.2f / "
           "%.2f dB\n",
           mv.neg_elbo, mv.recon, mv.kl, mc.neg_elbo, mc.recon, mc.kl, mv.psnr, mc.psnr);
    OB_CHECK(fabs(mv.neg_elbo - (mv.recon + mv.kl)) < 1e-9, "the -ELBO is the sum of its terms");
    OB_CHECK(mc.neg_elbo < mv.neg_elbo - 1.5, "CVAE -ELBO %.3f not below the VAE's %.3f by 1.5 nats", mc.neg_elbo,
             mv.neg_elbo);
    OB_CHECK(mc.kl < mv.kl - 1, "CVAE KL %.3f not below the VAE's %.3f by 1 nat", mc.kl, mv.kl);
    OB_CHECK(cvae.last < 0.5 * cvae.first, "cvae loss %.3g from %.3g", cvae.last, cvae.first);

    /* decoding z = 0 at each class: the square at the class's place */
    float z[K * 4] = {0}, img[K * P];
    int labels[K] = {0, 1, 2, 3}, found = 0;
    OB_CHECK_OK(ob_vae_decode(ctx, cvae.m, &cvae.info, z, labels, K, img));
    for (int k = 0; k < K; k++) {
        float truth[P], lo_in = INFINITY, hi_out = -INFINITY;
        square(truth, k, 1);
        for (int p = 0; p < P; p++) {
            if (truth[p] > 0) lo_in = fminf(lo_in, img[k * P + p]);
            else hi_out = fmaxf(hi_out, img[k * P + p]);
        }
        found += lo_in > hi_out;
    }
    OB_CHECK(found == K, "decoding at each class puts the square at its place for %d of %d classes", found, K);
    int out_of_range[1] = {K};
    OB_CHECK(ob_vae_decode(ctx, cvae.m, &cvae.info, z, out_of_range, 1, img) != OB_OK, "class %d is refused", K);

    trained mse = {0};
    train(ctx, &mse, "cvae", OB_VAE_MSE);
    printf("squared-error CVAE: loss %.3f -> %.3f per image\n", mse.first, mse.last);
    OB_CHECK(mse.last < 0.5 * mse.first, "mse cvae loss %.3g from %.3g", mse.last, mse.first);

    ob_model_destroy(vae.m), ob_model_destroy(cvae.m), ob_model_destroy(mse.m);
    ob_dataset_close(val_vae), ob_dataset_close(val_cvae);
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
