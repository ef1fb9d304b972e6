/* zoo.c — the built-in models (ob_zoo.h). */
#include "ob_zoo.h"

#include <string.h>

#include "ob_conv2d.h"
#include "ob_init.h"
#include "ob_layers.h"
#include "ob_linear.h"

const char *const ob_zoo_names[] = {"classifier", "espcn",    "srcnn",    "espcn3",       "nose",
                                     "face",       "resnet18", "resnet50", "unet",         "dae_upsample",
                                     "dae_convtranspose",      "vae",      "cvae",         NULL};

typedef enum {
    Z_CLASSIFIER, Z_ESPCN, Z_SRCNN, Z_NOSE, Z_FACE, Z_RESNET18, Z_RESNET50, Z_UNET, Z_DAE_UPSAMPLE, Z_DAE_CONVT, Z_VAE,
    Z_CVAE
} zoo_kind;

typedef struct {
    zoo_kind kind;
    int c, h, w, k, r;
    int d; /* unet: channels at every level */
} zoo_dims;

/* The model names of the keypoint nets, in zoo_kind order from Z_NOSE. */
static const char *const keypoint_names[] = {"nose", "face", "resnet18", "resnet50", "unet"};

/* name's index in keypoint_names, or -1 */
static int keypoint_index(const char *name)
{
    for (int i = 0; i < 5; i++)
        if (name && strcmp(name, keypoint_names[i]) == 0) return i;
    return -1;
}

int ob_zoo_is_keypoint_net(const char *name)
{
    return keypoint_index(name) >= 0;
}

static ob_status dims(zoo_dims *d, const char *name, const ob_zoo_opts *o)
{
    ob_zoo_opts z = {0};
    if (!o) o = &z;
    int classifier = strcmp(name, "classifier") == 0, espcn3 = strcmp(name, "espcn3") == 0;
    int espcn = espcn3 || strcmp(name, "espcn") == 0, srcnn = strcmp(name, "srcnn") == 0;
    const int kp_index = keypoint_index(name);
    const int dae_up = strcmp(name, "dae_upsample") == 0, dae_ct = strcmp(name, "dae_convtranspose") == 0;
    const int cvae = strcmp(name, "cvae") == 0, vae = cvae || strcmp(name, "vae") == 0;
    if (!classifier && !espcn && !srcnn && kp_index < 0 && !dae_up && !dae_ct && !vae)
        return OB_FAIL(OB_ERR_ARG,
                       "no built-in model '%s' (classifier, espcn, srcnn, espcn3, nose, face, resnet18, resnet50, unet, "
                       "dae_upsample, dae_convtranspose, vae, cvae)",
                       name);
    d->kind = classifier ? Z_CLASSIFIER
              : espcn    ? Z_ESPCN
              : srcnn    ? Z_SRCNN
              : dae_up   ? Z_DAE_UPSAMPLE
              : dae_ct   ? Z_DAE_CONVT
              : cvae     ? Z_CVAE
              : vae      ? Z_VAE
                         : (zoo_kind)(Z_NOSE + kp_index);
    const int dae = dae_up || dae_ct;
    const int sr = espcn || srcnn, kp = kp_index >= 0, nose = d->kind == Z_NOSE, face = d->kind == Z_FACE;
    const int resnet = d->kind == Z_RESNET18 || d->kind == Z_RESNET50, unet = d->kind == Z_UNET;
    d->r = o->scale ? o->scale : 3;
    OB_REQUIRE(!espcn3 || d->r == 3, "espcn3: scale %d (espcn3 is espcn at scale 3)", d->r);
    OB_REQUIRE(!sr || (d->r >= 2 && d->r <= 4), "%s: scale %d outside 2..4", name, d->r);
    d->c = o->in_channels ? o->in_channels : 1;
    static const int default_h[12] = {28, 17, 17, 80, 180, 224, 224, 96, 28, 28, 28, 28};
    static const int default_w[12] = {28, 17, 17, 60, 240, 224, 224, 96, 28, 28, 28, 28};
    d->h = o->height ? o->height : default_h[d->kind];
    d->w = o->width ? o->width : default_w[d->kind];
    d->k = kp ? (o->keypoints ? o->keypoints : nose ? 1 : 58) : o->classes ? o->classes : 10;
    OB_REQUIRE(d->c >= 1 && d->c <= 4, "%s: %d input channels, expected 1..4", name, d->c);
    OB_REQUIRE(kp || (d->k >= 2 && d->k <= 100000), "%s: %d classes, expected 2..100000", name, d->k);
    OB_REQUIRE(!kp || (d->k >= 1 && d->k <= 1024), "%s: %d keypoints, expected 1..1024", name, d->k);
    /* the smallest input whose feature map is still 1 x 1 after the last pool */
    const int min_side = classifier ? 8 : nose ? 36 : face ? 64 : resnet ? 32 : unet ? 8 : 1;
    OB_REQUIRE(d->h >= min_side && d->w >= min_side && d->h <= 4096 && d->w <= 4096,
               "%s: input %dx%d too small or too large", name, d->w, d->h);
    /* three 2x poolings and three 2x upsamplings must give the size back */
    OB_REQUIRE(!unet || (d->h % 8 == 0 && d->w % 8 == 0), "unet: input %dx%d, both sides must be multiples of 8",
               d->w, d->h);
    /* two stride-2 convolutions down and two 2x steps up must give the size back */
    OB_REQUIRE(!dae || (d->h % 4 == 0 && d->w % 4 == 0), "%s: input %dx%d, both sides must be multiples of 4", name,
               d->w, d->h);
    d->d = o->features ? o->features : vae ? 20 : 128;
    OB_REQUIRE(!unet || (d->d >= 1 && d->d <= 1024), "unet: width %d outside 1..1024", d->d);
    OB_REQUIRE(!vae || (d->d >= 1 && d->d <= 4096), "vae: latent size %d outside 1..4096", d->d);
    return OB_OK;
}

ob_status ob_zoo_input_shape(int64_t shape[4], const char *name, const ob_zoo_opts *opts)
{
    zoo_dims d = {0};
    OB_TRY(dims(&d, name, opts));
    shape[0] = 1, shape[1] = d.c, shape[2] = d.h, shape[3] = d.w;
    if (d.kind == Z_CVAE) shape[1] = shape[2] = 1, shape[3] = (int64_t)d.c * d.h * d.w + d.k; /* packed */
    return OB_OK;
}

/* Adds conv(k x k, padding pad, bias) as "<prefix><idx>". */
static ob_status add_conv_pad(ob_model *m, const char *prefix, int idx, int c_in, int c_out, int k, int pad)
{
    char name[OB_MODEL_NAME_MAX];
    ob_layer *l;
    OB_TRY(ob_conv2d_create(&l, &(ob_conv2d_cfg){.c_in = c_in, .c_out = c_out, .k = k, .pad = pad, .bias = 1}));
    snprintf(name, sizeof name, "%s%d", prefix, idx);
    return ob_model_add(m, name, l);
}

/* conv with padding k/2: the size kept */
static ob_status add_conv(ob_model *m, const char *prefix, int idx, int c_in, int c_out, int k)
{
    return add_conv_pad(m, prefix, idx, c_in, c_out, k, k / 2);
}

/* made: the status of the constructor that wrote *l (read only after it ran). */
static ob_status add_plain(ob_model *m, const char *prefix, int idx, ob_status made, ob_layer *const *l)
{
    OB_TRY(made);
    char name[OB_MODEL_NAME_MAX];
    snprintf(name, sizeof name, "%s%d", prefix, idx);
    return ob_model_add(m, name, *l);
}

/* The classifier and the keypoint regressors: `blocks` of conv(k, pad) +
 * ReLU + max-pool 2 as features.0.., then Flatten, Linear(-> hidden), ReLU,
 * Linear(-> outputs) as <head>0..3. Sizes: conv out = in + 2 pad - k + 1,
 * pool floors. */
static ob_status build_conv_mlp(ob_model *m, const zoo_dims *d, int blocks, const int *widths, const int *ks,
                                int pad_same, const char *head, int hidden, int outputs)
{
    int c = d->c, h = d->h, w = d->w;
    ob_layer *l = NULL;
    for (int b = 0; b < blocks; b++) {
        const int pad = pad_same ? ks[b] / 2 : 0;
        OB_TRY(add_conv_pad(m, "features.", 3 * b, c, widths[b], ks[b], pad));
        OB_TRY(add_plain(m, "features.", 3 * b + 1, ob_act_create(&l, OB_ACT_RELU, 0), &l));
        OB_TRY(add_plain(m, "features.", 3 * b + 2, ob_max_pool2d_create(&l, 2, 0, 0), &l));
        c = widths[b], h = (h + 2 * pad - ks[b] + 1) / 2, w = (w + 2 * pad - ks[b] + 1) / 2;
    }
    OB_TRY(add_plain(m, head, 0, ob_flatten_create(&l), &l));
    OB_TRY(add_plain(m, head, 1,
                     ob_linear_create(&l, &(ob_linear_cfg){.in_features = c * h * w, .out_features = hidden, .bias = 1}),
                     &l));
    OB_TRY(add_plain(m, head, 2, ob_act_create(&l, OB_ACT_RELU, 0), &l));
    return add_plain(m, head, 3,
                     ob_linear_create(&l, &(ob_linear_cfg){.in_features = hidden, .out_features = outputs, .bias = 1}),
                     &l);
}

static ob_status build_classifier(ob_model *m, const zoo_dims *d)
{
    return build_conv_mlp(m, d, 3, (const int[3]){32, 64, 128}, (const int[3]){3, 3, 3}, 1, "classifier.", 128, d->k);
}

static ob_status build_nose(ob_model *m, const zoo_dims *d)
{
    return build_conv_mlp(m, d, 3, (const int[3]){12, 24, 32}, (const int[3]){7, 5, 3}, 0, "head.", 128, 2 * d->k);
}

static ob_status build_face(ob_model *m, const zoo_dims *d)
{
    return build_conv_mlp(m, d, 6, (const int[6]){32, 64, 128, 256, 512, 512}, (const int[6]){3, 3, 3, 3, 3, 3}, 1,
                          "head.", 2048, 2 * d->k);
}

/* ---- ResNet regression (torchvision's resnet18 / resnet50 layout) ---------- */

/* Adds `layer` reading node `from`; *id <- the new node. */
static ob_status node(ob_model *m, const char *name, ob_status made, ob_layer *const *l, int from, int *id)
{
    OB_TRY(made);
    return ob_model_add_node(m, name, *l, &from, 1, id);
}

/* conv (no bias: batch norm follows) + BatchNorm2d named <p>conv<i>, <p>bn<i>. */
static ob_status conv_bn(ob_model *m, const char *p, const char *conv, const char *bn, int c_in, int c_out, int k,
                         int stride, int from, int *id)
{
    char name[OB_MODEL_NAME_MAX];
    ob_layer *l = NULL;
    snprintf(name, sizeof name, "%s%s", p, conv);
    OB_TRY(node(m, name,
                ob_conv2d_create(&l, &(ob_conv2d_cfg){.c_in = c_in, .c_out = c_out, .k = k, .stride = stride,
                                                      .pad = k / 2}),
                &l, from, id));
    snprintf(name, sizeof name, "%s%s", p, bn);
    return node(m, name, ob_batch_norm2d_create(&l, c_out), &l, *id, id);
}

static ob_status relu_node(ob_model *m, int from, int *id)
{
    ob_layer *l = NULL;
    return node(m, "", ob_act_create(&l, OB_ACT_RELU, 0), &l, from, id);
}

/* One residual block of layer<L>.<b>: basic (two 3x3) or bottleneck (1x1,
 * 3x3 with the stride, 1x1 to 4 planes), a 1x1 conv + BN "downsample" on the
 * shortcut when the stride or the width changes, the sum, ReLU. */
static ob_status res_block(ob_model *m, const char *p, int bottleneck, int c_in, int planes, int stride, int from,
                           int *id)
{
    const int c_out = bottleneck ? 4 * planes : planes;
    int y = from, shortcut = from;
    if (bottleneck) {
        OB_TRY(conv_bn(m, p, "conv1", "bn1", c_in, planes, 1, 1, y, &y));
        OB_TRY(relu_node(m, y, &y));
        OB_TRY(conv_bn(m, p, "conv2", "bn2", planes, planes, 3, stride, y, &y));
        OB_TRY(relu_node(m, y, &y));
        OB_TRY(conv_bn(m, p, "conv3", "bn3", planes, c_out, 1, 1, y, &y));
    } else {
        OB_TRY(conv_bn(m, p, "conv1", "bn1", c_in, planes, 3, stride, y, &y));
        OB_TRY(relu_node(m, y, &y));
        OB_TRY(conv_bn(m, p, "conv2", "bn2", planes, planes, 3, 1, y, &y));
    }
    if (stride != 1 || c_in != c_out) OB_TRY(conv_bn(m, p, "downsample.0", "downsample.1", c_in, c_out, 1, stride, from, &shortcut));
    ob_layer *l = NULL;
    OB_TRY(ob_add_create(&l));
    OB_TRY(ob_model_add_node(m, "", l, (const int[2]){y, shortcut}, 2, NULL));
    return relu_node(m, m->n_nodes - 1, id);
}

static ob_status build_resnet(ob_model *m, const zoo_dims *d, int bottleneck, const int blocks[4])
{
    int y = OB_MODEL_INPUT;
    ob_layer *l = NULL;
    OB_TRY(conv_bn(m, "", "conv1", "bn1", d->c, 64, 7, 2, y, &y)); /* 7x7 stride 2: padding 3 */
    OB_TRY(relu_node(m, y, &y));
    OB_TRY(node(m, "maxpool", ob_max_pool2d_create(&l, 3, 2, 1), &l, y, &y));
    int c = 64;
    for (int layer = 0; layer < 4; layer++) {
        const int planes = 64 << layer;
        for (int b = 0; b < blocks[layer]; b++) {
            char p[OB_MODEL_NAME_MAX];
            snprintf(p, sizeof p, "layer%d.%d.", layer + 1, b);
            OB_TRY(res_block(m, p, bottleneck, c, planes, b == 0 && layer > 0 ? 2 : 1, y, &y));
            c = bottleneck ? 4 * planes : planes;
        }
    }
    OB_TRY(node(m, "avgpool", ob_global_avg_pool_create(&l), &l, y, &y));
    OB_TRY(node(m, "", ob_flatten_create(&l), &l, y, &y));
    return node(m, "fc", ob_linear_create(&l, &(ob_linear_cfg){.in_features = c, .out_features = 2 * d->k, .bias = 1}),
                &l, y, &y);
}

/* ---- UNet heatmaps ----------------------------------------------------------- */

/* <p>0..5: conv 3x3 (no bias) + BN + ReLU, twice, D channels out. */
static ob_status double_conv(ob_model *m, const char *p, int c_in, int d, int from, int *id)
{
    char name[OB_MODEL_NAME_MAX];
    ob_layer *l = NULL;
    int y = from;
    for (int i = 0; i < 2; i++) {
        snprintf(name, sizeof name, "%s%d", p, 3 * i);
        OB_TRY(node(m, name, ob_conv2d_create(&l, &(ob_conv2d_cfg){.c_in = i ? d : c_in, .c_out = d, .k = 3, .pad = 1}),
                    &l, y, &y));
        snprintf(name, sizeof name, "%s%d", p, 3 * i + 1);
        OB_TRY(node(m, name, ob_batch_norm2d_create(&l, d), &l, y, &y));
        snprintf(name, sizeof name, "%s%d", p, 3 * i + 2);
        OB_TRY(node(m, name, ob_act_create(&l, OB_ACT_RELU, 0), &l, y, &y));
    }
    *id = y;
    return OB_OK;
}

static ob_status build_unet(ob_model *m, const zoo_dims *d)
{
    int enc[3], y = OB_MODEL_INPUT;
    ob_layer *l = NULL;
    char p[OB_MODEL_NAME_MAX];
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "enc%d.", i);
        OB_TRY(double_conv(m, p, i ? d->d : d->c, d->d, y, &enc[i]));
        OB_TRY(node(m, "", ob_max_pool2d_create(&l, 2, 0, 0), &l, enc[i], &y));
    }
    OB_TRY(double_conv(m, "bottleneck.", d->d, d->d, y, &y));
    for (int i = 2; i >= 0; i--) {
        OB_TRY(node(m, "", ob_upsample_create(&l, 2, OB_UPSAMPLE_BILINEAR), &l, y, &y));
        OB_TRY(ob_concat_create(&l));
        OB_TRY(ob_model_add_node(m, "", l, (const int[2]){y, enc[i]}, 2, &y));
        snprintf(p, sizeof p, "dec%d.", i);
        OB_TRY(double_conv(m, p, 2 * d->d, d->d, y, &y));
    }
    OB_TRY(node(m, "head",
                ob_conv2d_create(&l, &(ob_conv2d_cfg){.c_in = d->d, .c_out = d->k, .k = 1, .bias = 1}), &l, y, &y));
    return node(m, "", ob_spatial_softmax_create(&l), &l, y, &y);
}

/* Nodes 0..4 of both SR nets: conv(ch[0] -> ch[1], k[0]), act, conv(-> ch[2],
 * k[1]), act, conv(-> ch[3], k[2]); padding k/2 keeps the size. */
static ob_status conv_chain(ob_model *m, const int ch[4], const int k[3], ob_act_kind act)
{
    ob_layer *l = NULL;
    for (int i = 0; i < 3; i++) {
        OB_TRY(add_conv(m, "", 2 * i, ch[i], ch[i + 1], k[i]));
        if (i < 2) OB_TRY(add_plain(m, "", 2 * i + 1, ob_act_create(&l, act, 0), &l));
    }
    return OB_OK;
}

static ob_status build_espcn(ob_model *m, const zoo_dims *d)
{
    ob_layer *l = NULL;
    OB_TRY(conv_chain(m, (const int[4]){d->c, 64, 32, d->c * d->r * d->r}, (const int[3]){5, 3, 3}, OB_ACT_TANH));
    return add_plain(m, "", 5, ob_pixel_shuffle_layer_create(&l, d->r), &l);
}

static ob_status build_srcnn(ob_model *m, const zoo_dims *d)
{
    return conv_chain(m, (const int[4]){d->c, 128, 64, d->c}, (const int[3]){3, 3, 3}, OB_ACT_RELU);
}

/* The second seed's denoising autoencoder: encoder.0..5 = conv 3x3 C->32,
 * SiLU, conv 3x3 stride 2 32->16, SiLU, conv 3x3 stride 2 16->8, SiLU
 * ((C, H, W) -> (8, H/4, W/4): 1x28x28 -> 8x7x7); decoder.0..6 either
 * upsample x2 (nearest, nn.Upsample's default), conv 8->16, SiLU, upsample
 * x2, conv 16->32, SiLU, conv 32->C, or ConvTranspose2d(8->16, k3, s2, p1,
 * op1), SiLU, ConvTranspose2d(16->32, ...), SiLU, conv 3x3 32->C. No output
 * activation (the seed's): images are clipped to [0, 1] when written. */
static ob_status build_dae(ob_model *m, const zoo_dims *d, int convtranspose)
{
    ob_layer *l = NULL;
    const int enc_c[4] = {d->c, 32, 16, 8};
    for (int i = 0; i < 3; i++) {
        OB_TRY(ob_conv2d_create(&l, &(ob_conv2d_cfg){.c_in = enc_c[i], .c_out = enc_c[i + 1], .k = 3,
                                                     .stride = i ? 2 : 1, .pad = 1, .bias = 1}));
        OB_TRY(add_plain(m, "encoder.", 2 * i, OB_OK, &l));
        OB_TRY(add_plain(m, "encoder.", 2 * i + 1, ob_act_create(&l, OB_ACT_SILU, 0), &l));
    }
    const int dec_c[3] = {8, 16, 32};
    for (int i = 0; i < 2; i++) {
        if (convtranspose) {
            OB_TRY(ob_conv_transpose2d_create(&l, &(ob_conv_transpose2d_cfg){.c_in = dec_c[i], .c_out = dec_c[i + 1],
                                                                             .k = 3, .stride = 2, .pad = 1,
                                                                             .output_padding = 1, .bias = 1}));
            OB_TRY(add_plain(m, "decoder.", 2 * i, OB_OK, &l));
            OB_TRY(add_plain(m, "decoder.", 2 * i + 1, ob_act_create(&l, OB_ACT_SILU, 0), &l));
        } else {
            OB_TRY(add_plain(m, "decoder.", 3 * i, ob_upsample_create(&l, 2, OB_UPSAMPLE_NEAREST), &l));
            OB_TRY(add_conv(m, "decoder.", 3 * i + 1, dec_c[i], dec_c[i + 1], 3));
            OB_TRY(add_plain(m, "decoder.", 3 * i + 2, ob_act_create(&l, OB_ACT_SILU, 0), &l));
        }
    }
    return add_conv(m, "decoder.", convtranspose ? 4 : 6, 32, d->c, 3);
}

/* PyTorch's VAE example (examples/vae, the seed's fully connected VAE): the
 * image flattened, fc1 -> 400, ReLU, fc21 -> mu and fc22 -> log sigma^2 (L =
 * opts.features, default 20), the vae_sample layer, fc3 -> 400, ReLU, fc4 ->
 * the C H W logits (the example's sigmoid is left to the loss, BCE with
 * logits, and to whoever shows the images). The conditional one reads its
 * input packed, the image then the one-hot class: fc1 sees both (the
 * encoder's condition) and a slice of the input carries the class to the
 * decoder, beside z. */
static ob_status build_vae(ob_model *m, const zoo_dims *d, int conditional)
{
    ob_layer *l = NULL;
    const int pixels = d->c * d->h * d->w, cls = conditional ? d->k : 0, hidden = 400, lat = d->d;
    int ids[10];
    OB_TRY(ob_flatten_create(&l));
    OB_TRY(ob_model_add_node(m, "", l, (int[]){OB_MODEL_INPUT}, 1, &ids[0]));
    OB_TRY(ob_linear_create(&l, &(ob_linear_cfg){.in_features = pixels + cls, .out_features = hidden, .bias = 1}));
    OB_TRY(ob_model_add_node(m, "fc1", l, (int[]){ids[0]}, 1, &ids[1]));
    OB_TRY(ob_act_create(&l, OB_ACT_RELU, 0));
    OB_TRY(ob_model_add_node(m, "", l, (int[]){ids[1]}, 1, &ids[2]));
    OB_TRY(ob_linear_create(&l, &(ob_linear_cfg){.in_features = hidden, .out_features = lat, .bias = 1}));
    OB_TRY(ob_model_add_node(m, "fc21", l, (int[]){ids[2]}, 1, &ids[3]));
    OB_TRY(ob_linear_create(&l, &(ob_linear_cfg){.in_features = hidden, .out_features = lat, .bias = 1}));
    OB_TRY(ob_model_add_node(m, "fc22", l, (int[]){ids[2]}, 1, &ids[4]));
    OB_TRY(ob_vae_sample_create(&l, 0));
    OB_TRY(ob_model_add_node(m, "", l, (int[]){ids[3], ids[4]}, 2, &ids[5]));
    int dec_in = ids[5];
    if (conditional) { /* the class from the model input (no gradient asked there) beside z */
        OB_TRY(ob_slice_create(&l, pixels, pixels + cls));
        OB_TRY(ob_model_add_node(m, "", l, (int[]){OB_MODEL_INPUT}, 1, &ids[6]));
        OB_TRY(ob_concat_create(&l));
        OB_TRY(ob_model_add_node(m, "", l, (int[]){ids[5], ids[6]}, 2, &ids[7]));
        dec_in = ids[7];
    }
    OB_TRY(ob_linear_create(&l, &(ob_linear_cfg){.in_features = lat + cls, .out_features = hidden, .bias = 1}));
    OB_TRY(ob_model_add_node(m, "fc3", l, (int[]){dec_in}, 1, &ids[8]));
    OB_TRY(ob_act_create(&l, OB_ACT_RELU, 0));
    OB_TRY(ob_model_add_node(m, "", l, (int[]){ids[8]}, 1, &ids[9]));
    OB_TRY(ob_linear_create(&l, &(ob_linear_cfg){.in_features = hidden, .out_features = pixels, .bias = 1}));
    return ob_model_add_node(m, "fc4", l, (int[]){ids[9]}, 1, NULL);
}

ob_status ob_zoo_build(ob_model **out, const char *name, const ob_zoo_opts *opts)
{
    zoo_dims d = {0};
    *out = NULL;
    OB_TRY(dims(&d, name, opts));
    ob_model *m;
    OB_TRY(ob_model_create(&m));
    ob_status s = d.kind == Z_CLASSIFIER ? build_classifier(m, &d)
                  : d.kind == Z_ESPCN    ? build_espcn(m, &d)
                  : d.kind == Z_SRCNN    ? build_srcnn(m, &d)
                  : d.kind == Z_NOSE     ? build_nose(m, &d)
                  : d.kind == Z_FACE     ? build_face(m, &d)
                  : d.kind == Z_RESNET18 ? build_resnet(m, &d, 0, (const int[4]){2, 2, 2, 2})
                  : d.kind == Z_RESNET50 ? build_resnet(m, &d, 1, (const int[4]){3, 4, 6, 3})
                  : d.kind == Z_UNET     ? build_unet(m, &d)
                  : d.kind == Z_VAE      ? build_vae(m, &d, 0)
                  : d.kind == Z_CVAE     ? build_vae(m, &d, 1)
                                         : build_dae(m, &d, d.kind == Z_DAE_CONVT);
    if (s != OB_OK) {
        ob_model_destroy(m);
        return s;
    }
    *out = m;
    return OB_OK;
}

ob_status ob_zoo_init(ob_model *m, uint64_t seed)
{
    for (int i = 0; i < m->n_nodes; i++) {
        ob_layer *l = m->layers[i];
        /* batch norm starts as PyTorch's: weight 1, bias 0, running 0 / 1 */
        if (strcmp(l->ops->kind, "batch_norm2d") == 0) OB_TRY(ob_batch_norm2d_reset(l));
        else OB_TRY(ob_init_default(l, ob_init_seed(seed, (uint64_t)i)));
    }
    return OB_OK;
}

ob_status ob_zoo_init_he(ob_model *m, uint64_t seed)
{
    int last = -1; /* the output layer keeps PyTorch's default: small outputs at the start */
    for (int i = 0; i < m->n_nodes; i++)
        if (m->layers[i]->n_params > 0 && strcmp(m->layers[i]->ops->kind, "batch_norm2d") != 0) last = i;
    for (int i = 0; i < m->n_nodes; i++) {
        ob_layer *l = m->layers[i];
        const int conv = strcmp(l->ops->kind, "conv2d") == 0, linear = strcmp(l->ops->kind, "linear") == 0;
        if (strcmp(l->ops->kind, "batch_norm2d") == 0) {
            OB_TRY(ob_batch_norm2d_reset(l));
            continue;
        }
        if (i == last || (!conv && !linear)) {
            OB_TRY(ob_init_default(l, ob_init_seed(seed, (uint64_t)i)));
            continue;
        }
        for (int p = 0; p < l->n_params; p++) {
            ob_param *pr = &l->params[p];
            if (!strcmp(pr->name, "weight"))
                OB_TRY(ob_init_kaiming_normal(&pr->value, 0, conv ? OB_FAN_OUT : OB_FAN_IN, OB_NL_RELU,
                                              ob_init_seed(seed, (uint64_t)i)));
            else if (!strcmp(pr->name, "bias"))
                OB_TRY(ob_init_zeros(&pr->value));
        }
    }
    return OB_OK;
}
