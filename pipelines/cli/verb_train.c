/* verb_train.c — `obscura train classify`, `obscura eval classify` and
 * `obscura nets summary MODEL`: the seed's classifier trained and evaluated
 * from the command line (nets/ob_train.h, nets/ob_zoo.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "ob_augment.h"
#include "ob_checkpoint.h"
#include "ob_dataset.h"
#include "ob_log.h"
#include "ob_train.h"
#include "ob_zoo.h"

/* The seed's augmentation: a small random affine (rotation, translation) and a
 * horizontal flip. Fashion-MNIST's classes are all mirror-symmetric garments,
 * bags and shoes — a mirrored sneaker is still a sneaker — so the flip keeps
 * every label (no keypoints to renumber). Digits are not: a mirrored 2 is no
 * digit, so OpenCV's digits.png trains without the flip (--flip overrides
 * either default). */
static const ob_augment_cfg classify_augment = {.rotate_deg = 10.0f, .translate = 0.1f, .flip_p = 0.5f};

static const char *const fashion_names[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                              "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

/* Per-channel mean and std over (up to) the first 10000 training images. */
static ob_status data_stats(float mean[4], float std[4], const ob_dataset *ds)
{
    double s[4] = {0}, s2[4] = {0}, n = 0;
    const int64_t count = ds->n < 10000 ? ds->n : 10000;
    for (int64_t i = 0; i < count; i++) {
        ob_sample smp = {0};
        OB_TRY(ob_dataset_get(ds, &smp, i));
        const int64_t c = smp.image.shape[0], hw = smp.image.shape[1] * smp.image.shape[2];
        const float *p = ob_tensor_f32(&smp.image);
        for (int64_t k = 0; k < c && k < 4; k++)
            for (int64_t j = 0; j < hw; j++) s[k] += p[k * hw + j], s2[k] += (double)p[k * hw + j] * p[k * hw + j];
        n += (double)hw;
        ob_sample_free(&smp);
    }
    for (int k = 0; k < 4; k++) {
        mean[k] = n > 0 ? (float)(s[k] / n) : 0.0f;
        double var = n > 0 ? s2[k] / n - (s[k] / n) * (s[k] / n) : 1.0;
        std[k] = var > 1e-12 ? (float)sqrt(var) : 1.0f;
    }
    return OB_OK;
}

static int open_split(ob_dataset **ds, const char *path, int split)
{
    if (ob_dataset_open_path(ds, path, split, NULL) != OB_OK) return ob_cli_error("--data: %s", ob_last_error());
    if ((*ds)->n_classes < 2)
        return ob_cli_error("--data %s: %d classes; classify needs labelled samples of 2 or more classes", path,
                            (*ds)->n_classes);
    if ((*ds)->channels < 1 || (*ds)->channels > 4 || (*ds)->height < 8 || (*ds)->width < 8)
        return ob_cli_error("--data %s: images must share one size of at least 8x8 with 1..4 channels", path);
    return 0;
}

/* ---- train classify -------------------------------------------------------- */

static const ob_cli_opt train_opts[] = {
    {"--data", NULL, "DIR|IDX",
     "training data: an idx (Fashion-MNIST) folder or file, CIFAR-10 batches, image folders, OpenCV's digits.png"},
    {"--output", "-o", "RUN_DIR", "run folder: model.safetensors, model.optim.safetensors, loss.csv, loss.svg"},
    {"--epochs", NULL, "N", "epochs (default 10; with --resume the total to reach)"},
    {"--batch", NULL, "B", "batch size (default 64)"},
    {"--lr", NULL, "LR", "learning rate (default 1e-3)"},
    {"--optim", NULL, "adam|adamw|sgd", "optimiser (default adam; sgd uses momentum 0.9)"},
    {"--schedule", NULL, "constant|step|cosine", "learning-rate schedule per epoch (default constant)"},
    {"--step-size", NULL, "N", "step schedule: epochs between decays (default 100)"},
    {"--gamma", NULL, "G", "step schedule: factor per decay (default 0.1)"},
    {"--seed", NULL, "S", "seed of initialisation, shuffling and augmentation (default 0)"},
    {"--limit", NULL, "N", "train on the first N samples only"},
    {"--no-augment", NULL, NULL, "no random affine / flip"},
    {"--no-val", NULL, NULL, "skip validation on the test split"},
    {"--resume", NULL, "RUN_DIR", "continue the run saved in RUN_DIR (bit-exact; -o defaults to it)"},
    {"--no-cuda-graph", NULL, NULL,
     "cuda: run every step eagerly (by default a fixed-shape step is captured once as a CUDA graph and replayed)"},
    {"--model", NULL, "NAME",
     "sr: espcn (default) or srcnn; keypoints: nose, face (default), resnet18, resnet50, unet; denoise: "
     "convtranspose (default) or upsample"},
    {"--noise", NULL, "SIGMA", "denoise: std of the Gaussian noise added to [0, 1] images (default 0.3)"},
    {"--scale", NULL, "R", "sr: upscaling factor 2..4 (default 3)"},
    {"--channels", NULL, "y|rgb", "sr: on the Y channel (BT.601; colour from bicubic Cb/Cr) or on RGB (default y)"},
    {"--patch", NULL, "P", "sr: LR crop side in pixels (default 17: HR crops of 17R)"},
    {"--samples", NULL, "N", "sr: random crops per epoch (default 1600)"},
    {"--val-patch", NULL, "P", "sr: LR side of the 16 fixed validation crops per held-out photo (default 48)"},
    {"--max-side", NULL, "N", "sr: shrink photos larger than N pixels on their longer side first (bicubic-aa; default: "
                              "as they are): more detail per crop"},
    {"--val-data", NULL, "DIR", "sr, keypoints: validation data (default: the last tenth of --data, held out)"},
    {"--input", NULL, "CxHxW", "keypoints: the net's input, C 1 (gray) or 3 (RGB) (default: the model's)"},
    {"--crop", NULL, "auto|box|landmarks|none",
     "keypoints: the face crop: the set's box, the landmarks' bounding box, or the whole image (default auto: "
     "the box where the set has one)"},
    {"--margin", NULL, "M", "keypoints: grow the crop box by M of its size on each side (default 0.1)"},
    {"--flip", NULL, "P",
     "keypoints: mirror a face with probability P, renumbering left/right (68 points); classify: horizontal flips "
     "(default 0.5, 0 for digits.png)"},
    {"--features", NULL, "D", "keypoints unet: channels at every level (default 128)"},
    {"--recon", NULL, "bce|mse",
     "vae, cvae: the reconstruction term, binary cross-entropy or squared error of the pixels' probabilities "
     "(default bce)"},
    {"--latent", NULL, "L", "vae, cvae: latent size (default 20)"},
    {"--a", NULL, "DIR", "faceswap: identity A's faces (PNG/JPEG images, each with its iBUG .pts beside it)"},
    {"--b", NULL, "DIR", "faceswap: identity B's faces"},
    {"--size", NULL, "S", "faceswap: aligned face side, a multiple of 16 in 32..256 (default 64)"},
    {"--width", NULL, "W", "faceswap: channels of the first encoder conv, even (default 16; the original's 128)"},
    {"--steps", NULL, "N", "faceswap: training steps, each a batch of A and a batch of B (default 1000)"},
    {0},
};

int ob_cli_apply_limit(ob_dataset **train, ob_dataset *full, int64_t limit)
{
    *train = full;
    if (limit <= 0 || limit >= full->n) return 0;
    int64_t *idx = malloc(sizeof *idx * (size_t)limit);
    for (int64_t i = 0; idx && i < limit; i++) idx[i] = i;
    const ob_status s = idx ? ob_dataset_subset(train, full, idx, limit) : OB_FAIL(OB_ERR_NOMEM, "out of memory");
    free(idx); /* the subset keeps its own copy */
    if (s == OB_OK) return 0;
    *train = NULL;
    return ob_cli_error("--limit: %s", ob_last_error());
}

int ob_cli_open_splits(ob_cli_splits *s, const train_job *j)
{
    memset(s, 0, sizeof *s);
    if (ob_dataset_open_path(&s->full, j->data, 0, NULL) != OB_OK) return ob_cli_error("--data: %s", ob_last_error());
    int rc = ob_cli_apply_limit(&s->train, s->full, j->limit);
    if (!rc && ob_dataset_open_path(&s->val, j->data, 1, NULL) != OB_OK)
        rc = ob_cli_error("--data %s: no test split to measure on: %s", j->data, ob_last_error());
    if (!rc && (s->val->channels != s->full->channels || s->val->height != s->full->height ||
                s->val->width != s->full->width || s->val->n_classes != s->full->n_classes))
        rc = ob_cli_error("--data %s: the test split differs from the training split in image size or classes",
                          j->data);
    if (rc) ob_cli_splits_close(s);
    return rc;
}

void ob_cli_splits_close(ob_cli_splits *s)
{
    if (s->train && s->train != s->full) ob_dataset_close(s->train);
    ob_dataset_close(s->val), ob_dataset_close(s->full);
    memset(s, 0, sizeof *s);
}

int ob_cli_parse_train(const ob_cli *cli, train_job *j, const char *task)
{
    j->cfg = ob_train_defaults();
    j->augment = !ob_cli_has(cli, "--no-augment");
    j->validate = !ob_cli_has(cli, "--no-val");
    j->cfg.no_cuda_graphs = ob_cli_has(cli, "--no-cuda-graph");
    const char *v;
    if (!(j->data = ob_cli_get(cli, "--data"))) return ob_cli_error("train %s needs --data DIR", task);
    j->cfg.resume_dir = ob_cli_get(cli, "--resume");
    j->cfg.run_dir = ob_cli_get(cli, "--output");
    if (!j->cfg.run_dir) j->cfg.run_dir = j->cfg.resume_dir;
    if (!j->cfg.run_dir) return ob_cli_error("train %s needs -o RUN_DIR (or --resume RUN_DIR)", task);
    if ((v = ob_cli_get(cli, "--optim"))) {
        ob_optim_kind k;
        if (ob_optim_kind_parse(&k, v) != OB_OK) return ob_cli_error("--optim: %s", ob_last_error());
        j->cfg.optim = ob_optim_defaults(k);
        if (k == OB_OPTIM_SGD) j->cfg.optim.momentum = 0.9;
    }
    if ((v = ob_cli_get(cli, "--epochs")) && ob_cli_parse_int(&j->cfg.epochs, v, "--epochs", 1, OB_TRAIN_MAX_EPOCHS))
        return OB_CLI_EXIT_ERROR;
    if ((v = ob_cli_get(cli, "--batch")) && ob_cli_parse_int(&j->cfg.batch_size, v, "--batch", 1, 1 << 16))
        return OB_CLI_EXIT_ERROR;
    if ((v = ob_cli_get(cli, "--lr"))) {
        if (ob_cli_parse_double(&j->cfg.optim.lr, v, "--lr")) return OB_CLI_EXIT_ERROR;
        if (!(j->cfg.optim.lr > 0)) return ob_cli_error("--lr must be positive, got %g", j->cfg.optim.lr);
    }
    unsigned long long seed = 0;
    if ((v = ob_cli_get(cli, "--seed")) && ob_cli_parse_seed(&seed, v, "--seed")) return OB_CLI_EXIT_ERROR;
    j->cfg.seed = seed;
    int limit = 0;
    if ((v = ob_cli_get(cli, "--limit")) && ob_cli_parse_int(&limit, v, "--limit", 1, 1 << 30)) return OB_CLI_EXIT_ERROR;
    j->limit = limit;
    ob_lr_schedule *s = &j->cfg.schedule;
    s->kind = OB_LR_CONSTANT, s->step_size = 100, s->gamma = 0.1, s->t_max = j->cfg.epochs;
    if ((v = ob_cli_get(cli, "--schedule"))) {
        if (!strcmp(v, "step")) s->kind = OB_LR_STEP;
        else if (!strcmp(v, "cosine")) s->kind = OB_LR_COSINE;
        else if (strcmp(v, "constant")) return ob_cli_error("--schedule: '%s' is not constant, step or cosine", v);
    }
    int step = 0;
    if ((v = ob_cli_get(cli, "--step-size"))) {
        if (ob_cli_parse_int(&step, v, "--step-size", 1, 1 << 30)) return OB_CLI_EXIT_ERROR;
        s->step_size = step;
    }
    if ((v = ob_cli_get(cli, "--gamma")) && ob_cli_parse_double(&s->gamma, v, "--gamma")) return OB_CLI_EXIT_ERROR;
    s->base_lr = j->cfg.optim.lr;
    if (s->kind != OB_LR_CONSTANT && ob_lr_schedule_check(s) != OB_OK) return ob_cli_error("--schedule: %s", ob_last_error());
    j->cfg.threads = cli->threads > 1 ? cli->threads : 2;
    j->cfg.quiet = cli->quiet || cli->json;
    return 0;
}

static void print_train_json(const train_job *j, const ob_train_result *r, const char *backend)
{
    const int e = r->epochs_done - 1;
    printf("{\"run_dir\": ");
    ob_json_string(stdout, j->cfg.run_dir);
    printf(", \"epochs\": %d, \"start_epoch\": %d, \"train_loss\": ", r->epochs_done, r->start_epoch);
    ob_json_number(stdout, e >= 0 ? r->train_loss[e] : NAN);
    printf(", \"val_loss\": ");
    ob_json_number(stdout, e >= 0 ? r->val_loss[e] : NAN);
    printf(", \"val_accuracy\": ");
    ob_json_number(stdout, e >= 0 ? r->val_acc[e] : NAN);
    printf(", \"seconds\": %.3f, \"images_per_s\": %.1f, \"backend\": \"%s\", \"steps\": {\"eager\": %lld, "
           "\"captured\": %lld, \"replayed\": %lld}}\n",
           r->total_seconds, r->images_per_s, backend, r->steps_eager, r->steps_captured, r->steps_replayed);
}

/* Model metadata: what eval needs to rebuild the net and its input. */
static void model_metadata(char *buf, size_t n, const ob_dataset *ds, const float *mean, const float *std)
{
    snprintf(buf, n,
             "\"model\": \"classifier\", \"classes\": \"%d\", \"input\": \"%dx%dx%d\", \"mean\": "
             "\"%.9g,%.9g,%.9g,%.9g\", \"std\": \"%.9g,%.9g,%.9g,%.9g\"",
             ds->n_classes, ds->channels, ds->height, ds->width, mean[0], mean[1], mean[2], mean[3], std[0], std[1],
             std[2], std[3]);
}

static int train_run(ob_cli *cli, train_job *j, ob_dataset *train, ob_dataset *val, ob_ctx *ctx)
{
    ob_zoo_opts zo = {.in_channels = train->channels, .height = train->height, .width = train->width,
                      .classes = train->n_classes};
    ob_model *m = NULL;
    int rc = 0;
    j->cfg.normalize = 1;
    if (data_stats(j->cfg.mean, j->cfg.std, train) != OB_OK) return ob_cli_error("--data: %s", ob_last_error());
    char meta[512];
    model_metadata(meta, sizeof meta, train, j->cfg.mean, j->cfg.std);
    j->cfg.metadata = meta;
    static ob_augment_cfg aug;
    aug = classify_augment;
    if (ob_dataset_is_digits_png(j->data)) aug.flip_p = 0;
    const char *flip = ob_cli_get(cli, "--flip");
    double p = 0;
    if (flip && (ob_cli_parse_double(&p, flip, "--flip") || !(p >= 0 && p <= 1)))
        return ob_cli_error("--flip: a probability in [0, 1], got %s", flip);
    if (flip) aug.flip_p = (float)p;
    if (j->augment) j->cfg.transform = ob_augment_transform, j->cfg.transform_user = &aug;
    static ob_train_result r; /* large */
    if (ob_zoo_build(&m, "classifier", &zo) != OB_OK || ob_model_alloc_params(m, ob_ctx_location(ctx)) != OB_OK ||
        ob_zoo_init(m, j->cfg.seed) != OB_OK)
        rc = ob_cli_error("classifier: %s", ob_last_error());
    else if ((rc = ob_cli_make_dir(j->cfg.run_dir))) {
    } else if (ob_train(ctx, m, train, val, &j->cfg, &r) != OB_OK) rc = ob_cli_error("%s", ob_last_error());
    else if (cli->json) print_train_json(j, &r, ob_backend_name(ob_ctx_backend(ctx)));
    else if (!cli->quiet)
        printf("trained %d epochs (%d this run) in %.1f s, %.0f images/s on %s; validation accuracy %.2f%% -> %s/\n",
               r.epochs_done, r.epochs_done - r.start_epoch, r.total_seconds, r.images_per_s,
               ob_backend_name(ob_ctx_backend(ctx)), 100.0 * r.val_acc[r.epochs_done - 1], j->cfg.run_dir);
    if (rc == 0 && ob_ctx_backend(ctx) == OB_BACKEND_CUDA)
        ob_log_verbose("training steps: %lld eager, %lld captured as a CUDA graph, %lld replayed%s%s", r.steps_eager,
                       r.steps_captured, r.steps_replayed, r.graphs_off[0] ? "; graphs off: " : "", r.graphs_off);
    ob_model_destroy(m);
    return rc;
}

static int run_train(ob_cli *cli)
{
    static const char *const tasks[] = {"classify", "sr", "keypoints", "denoise", "vae", "cvae", "faceswap", NULL};
    int known = 0;
    for (int i = 0; cli->n_positional == 1 && tasks[i]; i++) known |= strcmp(cli->positional[0], tasks[i]) == 0;
    if (!known)
        return ob_cli_error("usage: obscura train classify|sr|keypoints|denoise|vae|cvae --data DIR -o RUN_DIR "
                            "[options], or train faceswap --a DIR --b DIR -o RUN_DIR");
    if (strcmp(cli->positional[0], "faceswap") == 0) return ob_cli_train_faceswap(cli);
    if (strcmp(cli->positional[0], "vae") == 0) return ob_cli_train_vae(cli, 0);
    if (strcmp(cli->positional[0], "cvae") == 0) return ob_cli_train_vae(cli, 1);
    if (strcmp(cli->positional[0], "sr") == 0) return ob_cli_train_sr(cli);
    if (strcmp(cli->positional[0], "denoise") == 0) return ob_cli_train_denoise(cli);
    if (strcmp(cli->positional[0], "keypoints") == 0) return ob_cli_train_keypoints(cli);
    train_job j;
    int rc = ob_cli_parse_train(cli, &j, "classify");
    if (rc) return rc;
    ob_dataset *full = NULL, *train = NULL, *val = NULL;
    ob_ctx *ctx = NULL;
    if ((rc = open_split(&full, j.data, 0)) || (rc = ob_cli_apply_limit(&train, full, j.limit))) goto done;
    if (j.validate && (rc = open_split(&val, j.data, 1))) goto done;
    if (val && (val->channels != train->channels || val->height != train->height || val->width != train->width)) {
        rc = ob_cli_error("--data %s: test images (%dx%dx%d) differ from the training images (%dx%dx%d)", j.data,
                          val->channels, val->height, val->width, train->channels, train->height, train->width);
        goto done;
    }
    if ((rc = ob_cli_make_ctx(cli, &ctx))) goto done;
    rc = train_run(cli, &j, train, val, ctx);
done:
    ob_ctx_destroy(ctx);
    if (train && train != full) ob_dataset_close(train);
    ob_dataset_close(val);
    ob_dataset_close(full);
    return rc;
}

const ob_cli_verb ob_verb_train = {
    .name = "train",
    .usage = "classify --data DIR|IDX -o RUN_DIR [--epochs N] [--batch B] [--lr LR] [--optim adam|sgd] [--seed S]\n"
             "       obscura train classify --data DIR|IDX --resume RUN_DIR [--epochs N]\n"
             "       obscura train sr --model espcn|srcnn --scale R --data HR_DIR -o RUN_DIR [--channels y|rgb]\n"
             "       obscura train keypoints --model nose|face|resnet18|resnet50|unet --data SET -o RUN_DIR\n"
             "                               [--val-data SET] [--input CxHxW] [--crop auto|box|landmarks|none]\n"
             "       obscura train denoise --model convtranspose|upsample --data IDX|DIR --noise SIGMA -o RUN_DIR\n"
             "       obscura train vae|cvae --data IDX|DIR [--recon bce|mse] [--latent L] -o RUN_DIR\n"
             "       obscura train faceswap --a DIR_A --b DIR_B -o RUN_DIR [--size S] [--width W] [--steps N]",
    .summary = "train the seed's classifier, a super-resolution net, a keypoint net, a denoising autoencoder or a "
               "(conditional) VAE",
    .details = "The net: 3 x (conv 3x3 pad 1 -> ReLU -> max-pool 2) with 32/64/128 channels, FC 128 + ReLU, FC\n"
               "classes ('obscura nets summary classifier'). Inputs are normalised with the training set's\n"
               "per-channel mean and std (saved in the checkpoint). Augmentation: rotation up to 10 degrees,\n"
               "translation up to 10%, horizontal flip with probability 1/2. Validation each epoch on the\n"
               "test split (t10k for idx folders). RUN_DIR gets model.safetensors (PyTorch state_dict names),\n"
               "model.optim.safetensors, loss.csv and loss.svg after every epoch; a NaN/inf loss stops the\n"
               "run and keeps the last good checkpoint. --resume continues bit-exactly (same --threads).\n"
               "train sr: ESPCN (5x5x64 tanh, 3x3x32 tanh, 3x3 to R*R*C, pixel shuffle) or SRCNN (bicubic\n"
               "enlargement, then 3x3 convs C-128-64-C with ReLU) on random HR crops of the photos in HR_DIR\n"
               "(17R x 17R, flips and quarter turns), each paired with its LR image made by antialiased bicubic\n"
               "downscaling (MATLAB imresize), MSE loss, Adam; validation PSNR each epoch on held-out photos\n"
               "(loss.csv, loss.svg, psnr.svg), beside the bicubic baseline on the same crops.\n"
               "train keypoints: the first seed's facial-keypoint nets on a landmark set (a folder of iBUG .pts\n"
               "or IMM .asf files, or a dlib XML file): each face cropped by its box (or its landmarks' box)\n"
               "grown by --margin, resized to the net's input, im - 0.5; keypoints normalised to [0, 1]. Each\n"
               "epoch draws the seed's augmentation: rotation up to 15 degrees, translation up to 10%, colour\n"
               "jitter 0.1 (--flip P adds mirrored faces with the left/right table). Regressors (nose, face,\n"
               "resnet18, resnet50) learn the 2K coordinates by MSE; unet learns K heatmaps (Gaussians of\n"
               "sigma 0.05, each summing to 1) by MSE with sum reduction, read out by soft-argmax. The run\n"
               "prints the validation errors beside those of the training set's mean shape.\n"
               "train denoise: the second seed's denoising autoencoder (encoder to 8 x H/4 x W/4 by stride-2\n"
               "convs; decoder by ConvTranspose2d or nearest upsampling + conv; SiLU) on noisy copies of --data's\n"
               "images (clip(x + SIGMA z, 0, 1), fresh noise every epoch), MSE to the clean image, Adam. After\n"
               "every epoch: PSNR and SSIM on the test split (fixed noise) beside the noisy input's, in\n"
               "metrics.csv and index.html, with original / noisy / denoised grids at the first, middle and\n"
               "last epochs (grid_epochN.png).\n"
               "train vae|cvae: PyTorch's VAE example (784-400-20, ReLU; --latent) on --data's images; cvae\n"
               "also feeds the one-hot class to the encoder and the decoder. The loss is the negative ELBO per\n"
               "image: the reconstruction (--recon bce: binary cross-entropy of the pixels, or mse: squared error\n"
               "of their probabilities, summed) plus KL to N(0, I), Adam. After every epoch, on the test split:\n"
               "both terms apart, their sum, and PSNR / SSIM of the reconstructions at the mean (metrics.csv,\n"
               "index.html), with reconstructions and prior samples at the first, middle and last epochs and a\n"
               "latent traversal. `obscura generate` draws from the result.",
    .opts = train_opts,
    .run = run_train,
};

/* ---- eval classify --------------------------------------------------------- */

static const ob_cli_opt eval_opts[] = {
    {"--data", NULL, "DIR|IDX", "labelled data (the test split of a folder)"},
    {"--checkpoint", NULL, "FILE", "model.safetensors of a classify run; sr, keypoints: of their train runs (also --model)"},
    {"--model", NULL, "CKPT[,CKPT...]",
     "sr: trained nets (model.safetensors of train sr, 'shipped' or 'shipped-srcnn'), one column each beside the "
     "interpolations"},
    {"--html", NULL, "DIR",
     "sr: also write DIR/index.html, the same detailed crop of each image by each method; keypoints: the error "
     "table, loss curves, best and worst faces as overlays, the first layer's filters"},
    {"--method", NULL, "nearest|bilinear|bicubic", "sr: score this interpolation only"},
    {"--scale", NULL, "R", "sr: the factor 2..4 (default: the checkpoint's, else 3)"},
    {"--split", NULL, "train|test", "which split of --data (default test)"},
    {"--batch", NULL, "B", "batch size (default 256)"},
    {0},
};

void ob_cli_parse_floats(float out[4], const char *text, float dflt)
{
    for (int k = 0; k < 4; k++) out[k] = dflt;
    for (int k = 0; text && k < 4; k++) {
        char *end;
        out[k] = (float)strtod(text, &end);
        if (end == text || !isfinite(out[k])) out[k] = dflt;
        text = *end == ',' ? end + 1 : NULL;
    }
}

static void print_eval(const ob_cli *cli, const ob_eval_result *r, const int64_t *conf, const char *const *names,
                       const char *backend)
{
    const int k = r->n_classes;
    if (cli->json) {
        printf("{\"samples\": %lld, \"correct\": %lld, \"accuracy\": %.6f, \"loss\": ", (long long)r->n,
               (long long)r->correct, r->accuracy);
        ob_json_number(stdout, r->loss);
        printf(", \"per_class\": [");
        for (int c = 0; c < k; c++) {
            int64_t tot = 0;
            for (int j = 0; j < k; j++) tot += conf[c * k + j];
            printf("%s{\"class\": %d, \"name\": ", c ? ", " : "", c);
            ob_json_string(stdout, names ? names[c] : "");
            printf(", \"samples\": %lld, \"accuracy\": ", (long long)tot);
            ob_json_number(stdout, tot ? (double)conf[c * k + c] / (double)tot : NAN);
            printf("}");
        }
        printf("], \"confusion\": [");
        for (int c = 0; c < k; c++) {
            printf("%s[", c ? ", " : "");
            for (int j = 0; j < k; j++) printf("%s%lld", j ? ", " : "", (long long)conf[c * k + j]);
            printf("]");
        }
        printf("], \"backend\": \"%s\"}\n", backend);
        return;
    }
    printf("accuracy: %.2f%% (%lld of %lld), loss %.4f\n\nper class:\n", 100.0 * r->accuracy, (long long)r->correct,
           (long long)r->n, r->loss);
    for (int c = 0; c < k; c++) {
        int64_t tot = 0;
        for (int j = 0; j < k; j++) tot += conf[c * k + j];
        printf("  %3d %-12s %7.2f%% of %lld\n", c, names ? names[c] : "", tot ? 100.0 * conf[c * k + c] / tot : 0.0,
               (long long)tot);
    }
    printf("\nconfusion matrix (rows: true class, columns: predicted):\n     ");
    for (int j = 0; j < k; j++) printf(" %5d", j);
    printf("\n");
    for (int c = 0; c < k; c++) {
        printf("  %3d", c);
        for (int j = 0; j < k; j++) printf(" %5lld", (long long)conf[c * k + j]);
        printf("\n");
    }
}

static int eval_with(ob_cli *cli, const char *ckpt, const ob_dataset *ds, int batch, ob_ctx *ctx)
{
    ob_checkpoint_meta meta = {0};
    if (ob_checkpoint_load(ckpt, NULL, 0, &meta) != OB_OK) return ob_cli_error("--checkpoint: %s", ob_last_error());
    float mean[4], std[4];
    ob_cli_parse_floats(mean, ob_checkpoint_meta_get(&meta, "mean"), 0.0f);
    ob_cli_parse_floats(std, ob_checkpoint_meta_get(&meta, "std"), 1.0f);
    const char *model = ob_checkpoint_meta_get(&meta, "model");
    int rc = 0;
    if (model && strcmp(model, "classifier") != 0) rc = ob_cli_error("--checkpoint %s holds a '%s', not a classifier", ckpt, model);
    ob_checkpoint_meta_free(&meta);
    if (rc) return rc;
    /* the net is built for the data; a checkpoint for another shape fails to load, naming the tensor */
    ob_zoo_opts zo = {.in_channels = ds->channels, .height = ds->height, .width = ds->width, .classes = ds->n_classes};
    ob_model *m = NULL;
    ob_eval_result r;
    int64_t *conf = calloc((size_t)ds->n_classes * (size_t)ds->n_classes, sizeof *conf);
    if (!conf || ob_zoo_build(&m, "classifier", &zo) != OB_OK || ob_model_alloc_params(m, ob_ctx_location(ctx)) != OB_OK)
        rc = ob_cli_error("classifier: %s", conf ? ob_last_error() : "out of memory");
    else if (ob_checkpoint_load_model(ckpt, m->layers, m->prefixes, m->n_nodes, NULL) != OB_OK)
        rc = ob_cli_error("--checkpoint: %s", ob_last_error());
    else if (ob_train_evaluate(ctx, m, ds, batch, 1, mean, std, &r, conf) != OB_OK) rc = ob_cli_error("%s", ob_last_error());
    else {
        const char *const *names = ds->class_names;
        if (!names && ds->n_classes == 10 && strstr(ds->source, "fashion")) names = fashion_names;
        print_eval(cli, &r, conf, names, ob_backend_name(ob_ctx_backend(ctx)));
    }
    free(conf);
    ob_model_destroy(m);
    return rc;
}

static int run_eval(ob_cli *cli)
{
    if (cli->n_positional == 1 && strcmp(cli->positional[0], "sr") == 0) return ob_cli_eval_sr(cli);
    if (cli->n_positional == 1 && strcmp(cli->positional[0], "keypoints") == 0) return ob_cli_eval_keypoints(cli);
    if (cli->n_positional != 1 || strcmp(cli->positional[0], "classify") != 0)
        return ob_cli_error("usage: obscura eval classify|sr|keypoints --data DIR ... (see obscura eval --help)");
    const char *data = ob_cli_get(cli, "--data"), *ckpt = ob_cli_get(cli, "--checkpoint"), *v;
    if (!data || !ckpt) return ob_cli_error("eval classify needs --data DIR|IDX and --checkpoint FILE");
    int split = 1, batch = 256;
    if ((v = ob_cli_get(cli, "--split"))) {
        if (!strcmp(v, "train")) split = 0;
        else if (strcmp(v, "test")) return ob_cli_error("--split: '%s' is not train or test", v);
    }
    if ((v = ob_cli_get(cli, "--batch")) && ob_cli_parse_int(&batch, v, "--batch", 1, 1 << 16)) return OB_CLI_EXIT_ERROR;
    ob_dataset *ds = NULL;
    ob_ctx *ctx = NULL;
    int rc = open_split(&ds, data, split);
    if (!rc) rc = ob_cli_make_ctx(cli, &ctx);
    if (!rc) rc = eval_with(cli, ckpt, ds, batch, ctx);
    ob_ctx_destroy(ctx);
    ob_dataset_close(ds);
    return rc;
}

const ob_cli_verb ob_verb_eval = {
    .name = "eval",
    .usage = "classify --data DIR|IDX --checkpoint RUN_DIR/model.safetensors [--split train|test] [--json]\n"
             "       obscura eval sr (--model CKPT | --method nearest|bilinear|bicubic) [--scale R] --data DIR [--json]\n"
             "       obscura eval keypoints --checkpoint CKPT --data SET [--html DIR] [--json]",
    .summary = "evaluate a trained classifier, or super-resolution by the field's PSNR/SSIM protocol",
    .details = "The classifier is rebuilt for the data's image size and class count and loaded by name; a\n"
               "checkpoint with missing or mis-shaped tensors is an error naming the tensor. Inputs are\n"
               "normalised with the mean/std saved by 'obscura train classify' (none for other files).\n"
               "eval sr: each image of DIR is cropped to a multiple of R, shrunk by antialiased bicubic\n"
               "(MATLAB imresize), enlarged again, and scored by PSNR and SSIM on Y (BT.601, 16-235) with R\n"
               "border pixels shaved; one row per image and the mean, nearest, bilinear, bicubic and the net\n"
               "side by side.\n"
               "eval keypoints: every face of SET cropped as in training; per face and on average the\n"
               "normalised MSE (the seed's loss), the MAE in crop pixels, and the NME over the outer eye\n"
               "corners (300-W; 68-point faces), beside the training set's mean shape.",
    .opts = eval_opts,
    .run = run_eval,
};

/* ---- nets summary ---------------------------------------------------------- */

static const ob_cli_opt nets_opts[] = {
    {"--input", NULL, "CxHxW", "input size (default: the model's, e.g. 1x28x28 for classifier)"},
    {"--classes", NULL, "K", "classifier: number of classes (default 10)"},
    {"--scale", NULL, "R", "espcn, srcnn: upscaling factor 2..4 (default 3)"},
    {"--keypoints", NULL, "K",
     "keypoint nets: number of keypoints, 2K outputs or K heatmaps (default 1 for nose, 58 for the others)"},
    {"--features", NULL, "D", "unet: channels at every level (default 128, the seed's)"},
    {0},
};

static int run_nets(ob_cli *cli)
{
    if (cli->n_positional != 2 || strcmp(cli->positional[0], "summary") != 0)
        return ob_cli_error("usage: obscura nets summary MODEL (see obscura nets --help for the models)");
    ob_zoo_opts zo = {0};
    const char *v;
    if ((v = ob_cli_get(cli, "--input"))) {
        int c, h, w;
        char tail;
        if (sscanf(v, "%dx%dx%d%c", &c, &h, &w, &tail) != 3 || c < 1 || h < 1 || w < 1)
            return ob_cli_error("--input: '%s' is not CxHxW", v);
        zo.in_channels = c, zo.height = h, zo.width = w;
    }
    if ((v = ob_cli_get(cli, "--classes")) && ob_cli_parse_int(&zo.classes, v, "--classes", 2, 100000))
        return OB_CLI_EXIT_ERROR;
    if ((v = ob_cli_get(cli, "--scale")) && ob_cli_parse_int(&zo.scale, v, "--scale", 2, 4)) return OB_CLI_EXIT_ERROR;
    if ((v = ob_cli_get(cli, "--keypoints")) && ob_cli_parse_int(&zo.keypoints, v, "--keypoints", 1, 1024))
        return OB_CLI_EXIT_ERROR;
    if ((v = ob_cli_get(cli, "--features")) && ob_cli_parse_int(&zo.features, v, "--features", 1, 1024))
        return OB_CLI_EXIT_ERROR;
    ob_model *m = NULL;
    int64_t shape[4];
    int rc = 0;
    if (ob_zoo_build(&m, cli->positional[1], &zo) != OB_OK || ob_zoo_input_shape(shape, cli->positional[1], &zo) != OB_OK)
        rc = ob_cli_error("%s", ob_last_error());
    else if (cli->json) {
        int64_t tr, bu;
        ob_model_param_counts(m, &tr, &bu);
        printf("{\"model\": ");
        ob_json_string(stdout, cli->positional[1]);
        printf(", \"input\": [%lld, %lld, %lld], \"layers\": [", (long long)shape[1], (long long)shape[2],
               (long long)shape[3]);
        for (int i = 0; i < m->n_nodes && !rc; i++) {
            int64_t out[4], p = 0;
            int nd = 0;
            if (ob_model_shape(m, out, &nd, shape, 4, i) != OB_OK) {
                rc = ob_cli_error("%s", ob_last_error());
                break;
            }
            for (int k = 0; k < m->layers[i]->n_params; k++)
                if (m->layers[i]->params[k].trainable) p += ob_tensor_numel(&m->layers[i]->params[k].value);
            char name[OB_MODEL_NAME_MAX];
            snprintf(name, sizeof name, "%s", m->names[i]);
            if (name[0]) name[strlen(name) - 1] = '\0'; /* the prefix's dot */
            printf("%s{\"name\": ", i ? ", " : "");
            ob_json_string(stdout, name);
            printf(", \"type\": \"%s\", \"output\": [", m->layers[i]->ops->kind);
            for (int d = 1; d < nd; d++) printf("%s%lld", d > 1 ? ", " : "", (long long)out[d]);
            printf("], \"params\": %lld}", (long long)p);
        }
        printf("], \"total_params\": %lld, \"buffers\": %lld}\n", (long long)tr, (long long)bu);
    } else if (ob_model_summary(m, stdout, shape, 4) != OB_OK)
        rc = ob_cli_error("%s", ob_last_error());
    ob_model_destroy(m);
    return rc;
}

const ob_cli_verb ob_verb_nets = {
    .name = "nets",
    .usage = "summary MODEL [--input CxHxW] [--classes K] [--scale R] [--keypoints K] [--features D] [--json]",
    .summary = "describe a built-in net: layers, output shapes, parameter counts (torchsummary style)",
    .details = "Models: classifier (the seed's Fashion-MNIST net), espcn and srcnn (super-resolution; espcn3 is\n"
               "espcn at x3), nose and face (the first seed's keypoint regressors: 129,842 and, for 58 points on\n"
               "180x240, 10,458,996 parameters), resnet18 and resnet50 (torchvision's layout with a C-channel\n"
               "stem and 2K outputs) and unet (K heatmaps, D channels per level, spatial softmax).",
    .opts = nets_opts,
    .run = run_nets,
};
