/* zoo.c — the built-in models (ob_zoo.h). */
#include "ob_zoo.h"

#include <string.h>

#include "ob_conv2d.h"
#include "ob_init.h"
#include "ob_layers.h"
#include "ob_linear.h"

const char *const ob_zoo_names[] = {"classifier", "espcn", "srcnn", "espcn3", "nose", "face", NULL};

typedef enum { Z_CLASSIFIER, Z_ESPCN, Z_SRCNN, Z_NOSE, Z_FACE } zoo_kind;

typedef struct {
    zoo_kind kind;
    int c, h, w, k, r;
} zoo_dims;

static ob_status dims(zoo_dims *d, const char *name, const ob_zoo_opts *o)
{
    ob_zoo_opts z = {0};
    if (!o) o = &z;
    int classifier = strcmp(name, "classifier") == 0, espcn3 = strcmp(name, "espcn3") == 0;
    int espcn = espcn3 || strcmp(name, "espcn") == 0, srcnn = strcmp(name, "srcnn") == 0;
    int nose = strcmp(name, "nose") == 0, face = strcmp(name, "face") == 0;
    if (!classifier && !espcn && !srcnn && !nose && !face)
        return OB_FAIL(OB_ERR_ARG, "no built-in model '%s' (classifier, espcn, srcnn, espcn3, nose, face)", name);
    d->kind = classifier ? Z_CLASSIFIER : espcn ? Z_ESPCN : srcnn ? Z_SRCNN : nose ? Z_NOSE : Z_FACE;
    const int sr = espcn || srcnn, kp = nose || face;
    d->r = o->scale ? o->scale : 3;
    OB_REQUIRE(!espcn3 || d->r == 3, "espcn3: scale %d (espcn3 is espcn at scale 3)", d->r);
    OB_REQUIRE(!sr || (d->r >= 2 && d->r <= 4), "%s: scale %d outside 2..4", name, d->r);
    d->c = o->in_channels ? o->in_channels : 1;
    static const int default_h[5] = {28, 17, 17, 80, 180}, default_w[5] = {28, 17, 17, 60, 240};
    d->h = o->height ? o->height : default_h[d->kind];
    d->w = o->width ? o->width : default_w[d->kind];
    d->k = kp ? (o->keypoints ? o->keypoints : nose ? 1 : 58) : o->classes ? o->classes : 10;
    OB_REQUIRE(d->c >= 1 && d->c <= 4, "%s: %d input channels, expected 1..4", name, d->c);
    OB_REQUIRE(kp || (d->k >= 2 && d->k <= 100000), "%s: %d classes, expected 2..100000", name, d->k);
    OB_REQUIRE(!kp || (d->k >= 1 && d->k <= 1024), "%s: %d keypoints, expected 1..1024", name, d->k);
    /* the smallest input whose feature map is still 1 x 1 after the last pool */
    const int min_side = classifier ? 8 : nose ? 36 : face ? 64 : 1;
    OB_REQUIRE(d->h >= min_side && d->w >= min_side && d->h <= 4096 && d->w <= 4096,
               "%s: input %dx%d too small or too large", name, d->w, d->h);
    return OB_OK;
}

ob_status ob_zoo_input_shape(int64_t shape[4], const char *name, const ob_zoo_opts *opts)
{
    zoo_dims d = {0};
    OB_TRY(dims(&d, name, opts));
    shape[0] = 1, shape[1] = d.c, shape[2] = d.h, shape[3] = d.w;
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
                                         : build_face(m, &d);
    if (s != OB_OK) {
        ob_model_destroy(m);
        return s;
    }
    *out = m;
    return OB_OK;
}

ob_status ob_zoo_init(ob_model *m, uint64_t seed)
{
    for (int i = 0; i < m->n_nodes; i++) OB_TRY(ob_init_default(m->layers[i], ob_init_seed(seed, (uint64_t)i)));
    return OB_OK;
}
