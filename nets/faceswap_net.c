/* faceswap_net.c — ob_faceswap_net.h: the shared encoder and the two
 * decoders built from conv2d, pixel_shuffle and activation layers. */
#include "ob_faceswap_net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_conv2d.h"
#include "ob_init.h"
#include "ob_layers.h"
#include "ob_zoo.h"

static const char *const model_names[3] = {"encoder", "decoder_a", "decoder_b"};

ob_status ob_faceswap_net_check(const ob_faceswap_net_cfg *cfg)
{
    OB_REQUIRE(cfg->size >= 32 && cfg->size <= 256 && cfg->size % 16 == 0,
               "faceswap: size %d is not a multiple of 16 in 32..256", cfg->size);
    OB_REQUIRE(cfg->width >= 2 && cfg->width <= 256 && cfg->width % 2 == 0,
               "faceswap: width %d is not even in 2..256", cfg->width);
    return OB_OK;
}

/* Node `model.index` holding l (the model owns it from here). */
static ob_status add(ob_model *m, const char *model, ob_layer *l)
{
    char name[OB_MODEL_NAME_MAX];
    snprintf(name, sizeof name, "%s.%d", model, m->n_nodes);
    return ob_model_add(m, name, l);
}

/* A conv with bias; conv() pads k/2: the side kept (stride 1) or halved (stride 2). */
static ob_status conv_pad(ob_model *m, const char *model, int c_in, int c_out, int k, int stride, int pad)
{
    ob_layer *l = NULL;
    OB_TRY(ob_conv2d_create(&l, &(ob_conv2d_cfg){.c_in = c_in, .c_out = c_out, .k = k, .stride = stride, .pad = pad,
                                                 .bias = 1}));
    return add(m, model, l);
}

static ob_status conv(ob_model *m, const char *model, int c_in, int c_out, int k, int stride)
{
    return conv_pad(m, model, c_in, c_out, k, stride, k / 2);
}

static ob_status act(ob_model *m, const char *model, ob_act_kind kind)
{
    ob_layer *l = NULL;
    OB_TRY(ob_act_create(&l, kind, 0.1f));
    return add(m, model, l);
}

static ob_status shuffle(ob_model *m, const char *model, int r)
{
    ob_layer *l = NULL;
    OB_TRY(ob_pixel_shuffle_layer_create(&l, r));
    return add(m, model, l);
}

/* The original's upscale block: conv to 4 c_out channels, pixel shuffle x2, LeakyReLU 0.1. */
static ob_status upscale(ob_model *m, const char *model, int c_in, int c_out)
{
    OB_TRY(conv(m, model, c_in, 4 * c_out, 3, 1));
    OB_TRY(shuffle(m, model, 2));
    return act(m, model, OB_ACT_LEAKY_RELU);
}

static ob_status build_encoder(ob_model *m, int s, int w)
{
    const char *n = model_names[0];
    const int q = s / 16; /* the side after four stride-2 convolutions */
    for (int i = 0, c = 3; i < 4; c = w << i, i++) {
        OB_TRY(conv(m, n, c, w << i, 5, 2));
        OB_TRY(act(m, n, OB_ACT_LEAKY_RELU));
    }
    OB_TRY(conv_pad(m, n, 8 * w, 8 * w, q, 1, 0)); /* Dense(latent) on the flattened map */
    OB_TRY(conv(m, n, 8 * w, 8 * w * q * q, 1, 1)); /* Dense(q*q*8w) ... */
    OB_TRY(shuffle(m, n, q));                       /* ... and Reshape(8w, q, q) */
    return upscale(m, n, 8 * w, 4 * w);
}

static ob_status build_decoder(ob_model *m, const char *n, int w)
{
    OB_TRY(upscale(m, n, 4 * w, 2 * w));
    OB_TRY(upscale(m, n, 2 * w, w));
    OB_TRY(upscale(m, n, w, w / 2));
    OB_TRY(conv(m, n, w / 2, 3, 5, 1));
    return act(m, n, OB_ACT_SIGMOID);
}

void ob_faceswap_net_destroy(ob_faceswap_net *net)
{
    ob_model_destroy(net->encoder);
    ob_model_destroy(net->decoder[0]);
    ob_model_destroy(net->decoder[1]);
    memset(net, 0, sizeof *net);
}

ob_status ob_faceswap_net_create(ob_faceswap_net *net, const ob_faceswap_net_cfg *cfg, ob_location loc, uint64_t seed)
{
    memset(net, 0, sizeof *net);
    OB_TRY(ob_faceswap_net_check(cfg));
    net->cfg = *cfg;
    ob_model **models[3] = {&net->encoder, &net->decoder[0], &net->decoder[1]};
    ob_status s = OB_OK;
    for (int i = 0; i < 3 && s == OB_OK; i++) s = ob_model_create(models[i]);
    if (s == OB_OK) s = build_encoder(net->encoder, cfg->size, cfg->width);
    for (int d = 0; d < 2 && s == OB_OK; d++) s = build_decoder(net->decoder[d], model_names[1 + d], cfg->width);
    for (int i = 0; i < 3 && s == OB_OK; i++) s = ob_model_alloc_params(*models[i], loc);
    for (int i = 0; i < 3 && s == OB_OK; i++) s = ob_zoo_init(*models[i], ob_init_seed(seed, (uint64_t)i));
    if (s != OB_OK) ob_faceswap_net_destroy(net);
    return s;
}

ob_status ob_faceswap_net_tensors(ob_named_tensor *out, int cap, int *n, const ob_faceswap_net *net)
{
    const ob_model *models[3] = {net->encoder, net->decoder[0], net->decoder[1]};
    *n = 0;
    for (int i = 0; i < 3; i++) {
        int got = 0;
        OB_TRY(ob_checkpoint_collect(out + *n, cap - *n, &got, models[i]->layers, models[i]->prefixes,
                                     models[i]->n_nodes));
        *n += got;
    }
    return OB_OK;
}

ob_status ob_faceswap_net_save(const ob_faceswap_net *net, const char *path, const char *extra)
{
    ob_named_tensor t[OB_FACESWAP_MAX_TENSORS];
    int n = 0;
    OB_TRY(ob_faceswap_net_tensors(t, OB_FACESWAP_MAX_TENSORS, &n, net));
    char meta[1024];
    snprintf(meta, sizeof meta, "{\"task\": \"faceswap\", \"size\": \"%d\", \"width\": \"%d\"%s%s}", net->cfg.size,
             net->cfg.width, extra && extra[0] ? ", " : "", extra ? extra : "");
    return ob_checkpoint_save(path, t, n, meta);
}

ob_status ob_faceswap_net_load(ob_faceswap_net *net, const char *path, ob_location loc)
{
    memset(net, 0, sizeof *net);
    ob_checkpoint_meta meta = {0};
    OB_TRY(ob_checkpoint_load(path, NULL, 0, &meta));
    const char *task = ob_checkpoint_meta_get(&meta, "task"), *size = ob_checkpoint_meta_get(&meta, "size"),
               *width = ob_checkpoint_meta_get(&meta, "width");
    ob_faceswap_net_cfg cfg = {0};
    const int ok = task && !strcmp(task, "faceswap") && size && width && sscanf(size, "%d", &cfg.size) == 1 &&
                   sscanf(width, "%d", &cfg.width) == 1;
    ob_status s = ok ? OB_OK
                     : OB_FAIL(OB_ERR_FORMAT, "%s: not a faceswap checkpoint (task %s; train faceswap writes one)", path,
                               task ? task : "none");
    ob_checkpoint_meta_free(&meta);
    if (s == OB_OK) s = ob_faceswap_net_create(net, &cfg, loc, 0);
    ob_named_tensor t[OB_FACESWAP_MAX_TENSORS];
    int n = 0;
    if (s == OB_OK) s = ob_faceswap_net_tensors(t, OB_FACESWAP_MAX_TENSORS, &n, net);
    if (s == OB_OK) s = ob_checkpoint_load(path, t, n, NULL);
    if (s != OB_OK) ob_faceswap_net_destroy(net);
    return s;
}

ob_status ob_faceswap_net_forward(ob_faceswap_net *net, ob_ctx *ctx, const ob_tensor **y, const ob_tensor *x, int side,
                                  int training)
{
    OB_REQUIRE(side == 0 || side == 1, "faceswap: decoder %d (0 = A, 1 = B)", side);
    const ob_tensor *z;
    OB_TRY(ob_model_forward(net->encoder, ctx, &z, x, training));
    return ob_model_forward(net->decoder[side], ctx, y, z, training);
}
