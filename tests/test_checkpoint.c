/* test_checkpoint.c — nets/ob_checkpoint.h:
 *   - save + load round trip of a small net (conv-, batch-norm- and
 *     linear-shaped parameters under PyTorch's names) and of U8/U16 tensors,
 *     bit for bit, with metadata;
 *   - a file written by safetensors.torch.save_file (committed fixture, made by
 *     golden/make_nets_loss_optim_golden.py) loads, values exact;
 *   - a file we write loads in Python (safetensors.torch.load_file, then
 *     load_state_dict(strict=True) into the equivalent nn.Module) and what
 *     Python writes back loads in ours bit for bit — run only when
 *     /tmp/torchenv/bin/python (or $OB_TORCH_PYTHON) exists, else said skipped
 *     (torch's state_dict has num_batches_tracked as an int64 scalar: loaded
 *     into our float (1));
 *   - resume: 2N steps of Adam / AdamW / SGD-Nesterov on a quadratic equal N
 *     steps, save model + optimiser, load into fresh objects, N more steps —
 *     bit for bit;
 *   - bad files fail with OB_ERR_FORMAT naming the file / tensor and leave the
 *     caller's tensors untouched: every truncation of a good file, header
 *     length past the end, bad JSON of many kinds, a missing / mis-shaped /
 *     wrongly typed tensor, overlapping, out-of-range or gapped offsets. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nets_golden.h"
#include "ob_checkpoint.h"
#include "ob_test.h"

static const ob_layer_ops test_ops = {"test", NULL, NULL, NULL, NULL, 0};
static ob_ctx *ctx;

/* features.0 (conv 1->4, 3x3), features.1 (batch norm 4), classifier (linear 4->3) */
typedef struct {
    ob_layer l[3];
    ob_layer *ls[3];
    ob_param_arena arena;
} net;
static const char *const prefixes[3] = {"features.0.", "features.1.", "classifier."};

static void net_make(net *t, uint64_t seed)
{
    memset(t, 0, sizeof *t);
    const int64_t cw[4] = {4, 1, 3, 3}, c4[1] = {4}, one[1] = {1}, lw[2] = {3, 4}, l3[1] = {3};
    for (int i = 0; i < 3; i++) t->l[i].ops = &test_ops, t->ls[i] = &t->l[i];
    ob_layer_declare_param(&t->l[0], "weight", 4, cw, 1);
    ob_layer_declare_param(&t->l[0], "bias", 1, c4, 1);
    ob_layer_declare_param(&t->l[1], "weight", 1, c4, 1);
    ob_layer_declare_param(&t->l[1], "bias", 1, c4, 1);
    ob_layer_declare_param(&t->l[1], "running_mean", 1, c4, 0);
    ob_layer_declare_param(&t->l[1], "running_var", 1, c4, 0);
    ob_layer_declare_param(&t->l[1], "num_batches_tracked", 1, one, 0);
    ob_layer_declare_param(&t->l[2], "weight", 2, lw, 1);
    ob_layer_declare_param(&t->l[2], "bias", 1, l3, 1);
    if (ob_layers_alloc_params(&t->arena, t->ls, 3, OB_HOST) != OB_OK) exit(1);
    if (seed) {
        ob_test_fill_uniform(ob_tensor_f32(&t->arena.values), (size_t)t->arena.n_values, seed, -1, 1);
        ob_tensor_f32(&t->l[1].params[4].value)[0] = 7; /* num_batches_tracked */
    }
}

static int same_values(const net *a, const net *b)
{
    return memcmp(a->arena.values.data, b->arena.values.data, ob_tensor_nbytes(&a->arena.values)) == 0;
}

static const char *tmp(const char *name)
{
    static char buf[8][1024];
    static int k;
    k = (k + 1) % 8;
    return ob_test_path(buf[k], sizeof buf[k], name);
}

static void check_round_trip(void)
{
    net a, b;
    net_make(&a, 1);
    net_make(&b, 0);
    ob_named_tensor ta[16], tb[16];
    int na, nb;
    OB_CHECK_OK(ob_checkpoint_collect(ta, 16, &na, a.ls, prefixes, 3));
    OB_CHECK_OK(ob_checkpoint_collect(tb, 16, &nb, b.ls, prefixes, 3));
    OB_CHECK(na == 9 && !strcmp(ta[0].name, "features.0.weight") && !strcmp(ta[6].name, "features.1.num_batches_tracked"),
             "collect: %d names, %s", na, ta[0].name);
    const char *path = tmp("ckpt_round.safetensors");
    OB_CHECK_OK(ob_checkpoint_save(path, ta, na, "{\"epoch\": \"12\", \"note\": \"caf\\u00e9 \\\"q\\\"\"}"));
    ob_checkpoint_meta m;
    OB_CHECK_OK(ob_checkpoint_load(path, tb, nb, &m));
    OB_CHECK(same_values(&a, &b), "round trip changed values");
    const char *ep = ob_checkpoint_meta_get(&m, "epoch"), *note = ob_checkpoint_meta_get(&m, "note");
    OB_CHECK(ep && !strcmp(ep, "12") && note && !strcmp(note, "caf\xc3\xa9 \"q\"") && m.n == 2, "metadata: %s / %s",
             ep ? ep : "-", note ? note : "-");
    ob_checkpoint_meta_free(&m);
    /* the header is padded to 8 bytes */
    FILE *f = fopen(path, "rb");
    unsigned char len8[8] = {0};
    if (f) {
        if (fread(len8, 1, 8, f) != 8) len8[0] = 1;
        fclose(f);
    }
    OB_CHECK(len8[0] % 8 == 0, "header length %d is not a multiple of 8", len8[0]);

    /* U8 / U16, loaded as a subset of a larger file, and a file with no tensors */
    uint8_t u8[5] = {0, 1, 127, 200, 255}, r8[5] = {0};
    uint16_t u16[3] = {0, 65535, 1234}, r16[3] = {0};
    ob_tensor t8, t16, q8, q16;
    const int64_t s5[1] = {5}, s3[1] = {3};
    ob_tensor_wrap(&t8, u8, OB_U8, OB_HOST, 1, s5);
    ob_tensor_wrap(&t16, u16, OB_U16, OB_HOST, 1, s3);
    ob_tensor_wrap(&q8, r8, OB_U8, OB_HOST, 1, s5);
    ob_tensor_wrap(&q16, r16, OB_U16, OB_HOST, 1, s3);
    ob_named_tensor w[3] = {{"bytes", &t8}, {"words", &t16}, {"weight", a.arena.values.data ? &a.l[2].params[0].value : NULL}};
    ob_named_tensor r[1] = {{"words", &q16}};
    OB_CHECK_OK(ob_checkpoint_save(tmp("ckpt_ints.safetensors"), w, 3, NULL));
    OB_CHECK_OK(ob_checkpoint_load(tmp("ckpt_ints.safetensors"), r, 1, NULL));
    OB_CHECK(!memcmp(u16, r16, sizeof u16), "U16 round trip");
    r[0] = (ob_named_tensor){"bytes", &q8};
    OB_CHECK_OK(ob_checkpoint_load(tmp("ckpt_ints.safetensors"), r, 1, NULL));
    OB_CHECK(!memcmp(u8, r8, sizeof u8), "U8 round trip");
    OB_CHECK_OK(ob_checkpoint_save(tmp("ckpt_empty.safetensors"), NULL, 0, "{}"));
    OB_CHECK_OK(ob_checkpoint_load(tmp("ckpt_empty.safetensors"), NULL, 0, NULL));

    /* save refuses duplicate names and bad metadata; a failed save keeps the old file */
    ob_named_tensor dup[2] = {ta[0], ta[0]};
    OB_CHECK_FAILS(ob_checkpoint_save(path, dup, 2, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_checkpoint_save(path, ta, na, "{\"epoch\": 12}"), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_checkpoint_save(path, ta, na, "{\"a\": \"b\",}"), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_checkpoint_save(path, ta, na, "[]"), OB_ERR_ARG);
    net c;
    net_make(&c, 0);
    OB_CHECK_OK(ob_checkpoint_load(path, tb, nb, NULL));
    OB_CHECK(same_values(&a, &b), "the file changed after refused saves");
    ob_param_arena_free(&a.arena), ob_param_arena_free(&b.arena), ob_param_arena_free(&c.arena);
}

static void check_from_safetensors(void)
{
    ob_golden g;
    ob_golden_load(&g, "from_safetensors.txt");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/golden/nets/from_safetensors.safetensors", ob_test_source_dir());
    float w[36], b[4], rm[4], cw[12], cb[3];
    ob_tensor tw, tb, trm, tcw, tcb;
    const int64_t sw[4] = {4, 1, 3, 3}, s4[1] = {4}, scw[2] = {3, 4}, s3[1] = {3};
    ob_tensor_wrap(&tw, w, OB_F32, OB_HOST, 4, sw);
    ob_tensor_wrap(&tb, b, OB_F32, OB_HOST, 1, s4);
    ob_tensor_wrap(&trm, rm, OB_F32, OB_HOST, 1, s4);
    ob_tensor_wrap(&tcw, cw, OB_F32, OB_HOST, 2, scw);
    ob_tensor_wrap(&tcb, cb, OB_F32, OB_HOST, 1, s3);
    ob_named_tensor t[5] = {{"features.0.weight", &tw}, {"features.0.bias", &tb}, {"features.1.running_mean", &trm},
                            {"classifier.weight", &tcw}, {"classifier.bias", &tcb}};
    ob_checkpoint_meta m;
    OB_CHECK_OK(ob_checkpoint_load(path, t, 5, &m));
    for (int i = 0; i < 5; i++) {
        const int n = (int)ob_tensor_numel(t[i].tensor);
        float *ref = ob_golden_f32(&g, t[i].name, n);
        char label[1024];
        snprintf(label, sizeof label, "safetensors fixture %s", t[i].name);
        ob_test_allclose(label, ob_tensor_f32(t[i].tensor), ref, (size_t)n, 0, 0);
        free(ref);
    }
    const char *ep = ob_checkpoint_meta_get(&m, "epoch");
    OB_CHECK(ep && !strcmp(ep, "3"), "fixture metadata epoch: %s", ep ? ep : "missing");
    ob_checkpoint_meta_free(&m);
    ob_golden_free(&g);
}

/* ---- Python / PyTorch interop ---------------------------------------------- */

static const char *py_script =
    "import sys, torch\n"
    "from torch import nn\n"
    "from safetensors import safe_open\n"
    "from safetensors.torch import load_file, save_file\n"
    "src, dst = sys.argv[1], sys.argv[2]\n"
    "sd = load_file(src)\n"
    "class Net(nn.Module):\n"
    "    def __init__(self):\n"
    "        super().__init__()\n"
    "        self.features = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4))\n"
    "        self.classifier = nn.Linear(4, 3)\n"
    "net = Net()\n"
    "net.load_state_dict(sd, strict=True)\n"
    "assert torch.equal(net.features[0].weight.detach(), sd['features.0.weight'])\n"
    "assert torch.equal(net.classifier.bias.detach(), sd['classifier.bias'])\n"
    "assert int(net.features[1].num_batches_tracked) == 7\n"
    "with safe_open(src, 'pt') as f:\n"
    "    meta = f.metadata()\n"
    "assert meta == {'epoch': '5'}, meta\n"
    "assert net.state_dict()['features.1.num_batches_tracked'].dtype == torch.int64\n"
    "save_file({k: v.contiguous() for k, v in net.state_dict().items()}, dst, metadata=meta)\n"
    "print('python: load_state_dict(strict=True) ok,', len(sd), 'tensors')\n";

static void check_python(void)
{
    const char *py = ob_test_torch_python();
    if (!py) {
        printf("skip python interop\n");
        return;
    }
    net a, b;
    net_make(&a, 3);
    net_make(&b, 0);
    ob_named_tensor ta[16], tb[16];
    int na, nb;
    ob_checkpoint_collect(ta, 16, &na, a.ls, prefixes, 3);
    ob_checkpoint_collect(tb, 16, &nb, b.ls, prefixes, 3);
    const char *ours = tmp("ckpt_py_ours.safetensors"), *back = tmp("ckpt_py_back.safetensors");
    const char *script = tmp("ckpt_py.py");
    OB_CHECK_OK(ob_checkpoint_save(ours, ta, na, "{\"epoch\": \"5\"}"));
    FILE *f = fopen(script, "w");
    if (f) fputs(py_script, f), fclose(f);
    remove(back);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' '%s' '%s' '%s'", py, script, ours, back);
    const int rc = system(cmd);
    OB_CHECK(rc == 0, "python interop script failed (%d): %s", rc, cmd);
    if (rc == 0) {
        ob_checkpoint_meta m;
        OB_CHECK_OK(ob_checkpoint_load(back, tb, nb, &m));
        OB_CHECK(same_values(&a, &b), "values differ after a trip through safetensors.torch");
        const char *ep = ob_checkpoint_meta_get(&m, "epoch");
        OB_CHECK(ep && !strcmp(ep, "5"), "metadata after the trip: %s", ep ? ep : "missing");
        ob_checkpoint_meta_free(&m);
    }
    ob_param_arena_free(&a.arena), ob_param_arena_free(&b.arena);
}

/* ---- resume ------------------------------------------------------------------ */

/* grad of sum 0.5 a_i (w_i - c_i)^2 + 0.1 w_i w_(i+1) into the gradient arena */
static void quad_grad(net *t, const float *a, const float *c)
{
    int64_t k = 0;
    for (int i = 0; i < 3; i++)
        for (int p = 0; p < t->l[i].n_params; p++) {
            ob_param *q = &t->l[i].params[p];
            if (!q->trainable) continue;
            const float *w = ob_tensor_f32(&q->value);
            float *g = ob_tensor_f32(&q->grad);
            const int64_t n = ob_tensor_numel(&q->value);
            for (int64_t j = 0; j < n; j++, k++)
                g[j] += a[k] * (w[j] - c[k]) + 0.1f * (j + 1 < n ? w[j + 1] : 0.f) + 0.1f * (j > 0 ? w[j - 1] : 0.f);
        }
}

static void train(net *t, ob_optim *o, const float *a, const float *c, int steps)
{
    for (int s = 0; s < steps; s++) {
        ob_optim_zero_grad(o, ctx);
        quad_grad(t, a, c);
        ob_optim_step(o, ctx);
    }
}

static void check_resume(const char *label, ob_optim_cfg cfg)
{
    enum { N = 7 };
    net straight, first, resumed;
    net_make(&straight, 9), net_make(&first, 9), net_make(&resumed, 0);
    const int64_t ng = straight.arena.n_grads;
    float *a = malloc(sizeof(float) * ng), *c = malloc(sizeof(float) * ng);
    ob_test_fill_uniform(a, (size_t)ng, 21, 0.5f, 2.0f);
    ob_test_fill_uniform(c, (size_t)ng, 22, -1, 1);
    ob_optim *o1 = NULL, *o2 = NULL, *o3 = NULL;
    OB_CHECK_OK(ob_optim_create(&o1, &cfg, &straight.arena, straight.ls, 3));
    OB_CHECK_OK(ob_optim_create(&o2, &cfg, &first.arena, first.ls, 3));
    OB_CHECK_OK(ob_optim_create(&o3, &cfg, &resumed.arena, resumed.ls, 3));
    if (!o1 || !o2 || !o3) return;
    train(&straight, o1, a, c, 2 * N);
    train(&first, o2, a, c, N);
    ob_named_tensor tf[16], tr[16];
    int nf, nr;
    ob_checkpoint_collect(tf, 16, &nf, first.ls, prefixes, 3);
    ob_checkpoint_collect(tr, 16, &nr, resumed.ls, prefixes, 3);
    const char *mp = tmp("ckpt_resume.safetensors"), *op = tmp("ckpt_resume.optim.safetensors");
    OB_CHECK_OK(ob_checkpoint_save(mp, tf, nf, NULL));
    OB_CHECK_OK(ob_optim_save(o2, op, first.ls, prefixes, 3));
    ob_optim_set_lr(o3, 123.0); /* the load restores lr and step */
    OB_CHECK_OK(ob_checkpoint_load(mp, tr, nr, NULL));
    OB_CHECK_OK(ob_optim_load(o3, op, resumed.ls, prefixes, 3));
    OB_CHECK(o3->step == N && o3->cfg.lr == cfg.lr, "%s: restored step %lld lr %g", label, (long long)o3->step,
             o3->cfg.lr);
    train(&resumed, o3, a, c, N);
    int same = same_values(&straight, &resumed);
    for (int s = 0; s < o1->n_state; s++)
        same &= !memcmp(o1->state[s].data, o3->state[s].data, ob_tensor_nbytes(&o1->state[s]));
    OB_CHECK(same && o3->step == 2 * N, "%s: resumed training differs from straight training", label);
    printf("%s %s: %d + save/load + %d steps == %d straight steps, bit for bit\n", same ? "ok  " : "FAIL", label, N,
           N, 2 * N);
    /* a state file of another optimiser kind is refused */
    if (cfg.kind != OB_OPTIM_SGD) {
        ob_optim_cfg other = ob_optim_defaults(cfg.kind == OB_OPTIM_ADAM ? OB_OPTIM_ADAMW : OB_OPTIM_ADAM);
        ob_optim *o4 = NULL;
        OB_CHECK_OK(ob_optim_create(&o4, &other, &resumed.arena, resumed.ls, 3));
        if (o4) OB_CHECK_FAILS(ob_optim_load(o4, op, resumed.ls, prefixes, 3), OB_ERR_FORMAT);
        ob_optim_destroy(o4);
        OB_CHECK_FAILS(ob_optim_load(o3, mp, resumed.ls, prefixes, 3), OB_ERR_FORMAT); /* a model file */
    }
    ob_optim_destroy(o1), ob_optim_destroy(o2), ob_optim_destroy(o3);
    ob_param_arena_free(&straight.arena), ob_param_arena_free(&first.arena), ob_param_arena_free(&resumed.arena);
    free(a), free(c);
}

/* ---- bad files ---------------------------------------------------------------- */

/* A file of an 8-byte length `len` (the JSON's own when len < 0), the JSON, and `data_len` bytes. */
static const char *write_raw(const char *name, const char *json, long long len, size_t data_len)
{
    const char *path = tmp(name);
    FILE *f = fopen(path, "wb");
    const uint64_t n = len < 0 ? strlen(json) : (uint64_t)len;
    for (int i = 0; i < 8; i++) fputc((int)((n >> (8 * i)) & 0xff), f);
    fputs(json, f);
    for (size_t i = 0; i < data_len; i++) fputc((int)(i * 7 & 0xff), f);
    fclose(f);
    return path;
}

static float poison[6];
static ob_tensor pt;
static ob_named_tensor want[1] = {{"x", &pt}};

/* loading x (2, 3) F32 from the file must fail with FORMAT, mention `needle`,
 * and leave x as it was */
static void expect_bad(const char *label, const char *path, const char *needle)
{
    for (int i = 0; i < 6; i++) poison[i] = -99.f;
    ob_clear_error();
    ob_status st = ob_checkpoint_load(path, want, 1, NULL);
    int untouched = 1;
    for (int i = 0; i < 6; i++) untouched &= poison[i] == -99.f;
    OB_CHECK(st == OB_ERR_FORMAT && strstr(ob_last_error(), needle) && untouched,
             "%s: got %s (%s), expected a format error mentioning '%s'%s", label, ob_status_name(st), ob_last_error(),
             needle, untouched ? "" : "; the tensor was written");
}

#define GOOD_ENTRY "\"x\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}"

static void check_bad_files(void)
{
    const int64_t s23[2] = {2, 3};
    ob_tensor_wrap(&pt, poison, OB_F32, OB_HOST, 2, s23);
    /* the good file loads */
    const char *good = write_raw("bad_good.safetensors", "{" GOOD_ENTRY "}", -1, 24);
    OB_CHECK_OK(ob_checkpoint_load(good, want, 1, NULL));

    /* every truncation of a good file */
    FILE *f = fopen(good, "rb");
    unsigned char buf[256];
    const size_t full = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f) fclose(f);
    int all = 1;
    for (size_t cut = 0; cut < full; cut++) {
        const char *p = tmp("bad_cut.safetensors");
        FILE *g = fopen(p, "wb");
        fwrite(buf, 1, cut, g);
        fclose(g);
        ob_status st = ob_checkpoint_load(p, want, 1, NULL);
        if (st != OB_ERR_FORMAT) {
            OB_CHECK(0, "truncated to %zu of %zu bytes: %s (%s)", cut, full, ob_status_name(st), ob_last_error());
            all = 0;
        }
    }
    OB_CHECK(all, "every truncation of a %zu-byte file is a format error", full);
    expect_bad("truncated header", write_raw("bad.safetensors", "{\"x\":", 200, 0), "larger than");
    expect_bad("huge header length", write_raw("bad.safetensors", "{}", 1LL << 62, 0), "larger than");
    expect_bad("short file", write_raw("bad.safetensors", "", 0, 0), "header length 0");
    ob_clear_error();
    OB_CHECK_FAILS(ob_checkpoint_load(tmp("no_such.safetensors"), want, 1, NULL), OB_ERR_IO);

    static const struct {
        const char *json, *needle, *label;
    } cases[] = {
        {"{" GOOD_ENTRY ",}", "expected '\"'", "trailing comma"},
        {"{" GOOD_ENTRY "", "header ends", "unclosed object"},
        {"[" GOOD_ENTRY "]", "expected '{'", "array at the top"},
        {"{\"x\":{\"dtype\":\"F32\",\"shape\":[2.0,3],\"data_offsets\":[0,24]}}", "fraction", "float in a shape"},
        {"{\"x\":{\"dtype\":\"F32\",\"shape\":[-2,3],\"data_offsets\":[0,24]}}", "non-negative integer", "negative"},
        {"{\"x\":{\"dtype\":\"F32\",\"shape\":[02,3],\"data_offsets\":[0,24]}}", "leading zero", "leading zero"},
        {"{\"x\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,99999999999999999999]}}", "too large",
         "integer overflow"},
        {"{\"x\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24],\"extra\":1}}", "unknown field",
         "unknown field"},
        {"{\"x\":{\"dtype\":\"F32\",\"shape\":[2,3]}}", "lacks", "missing offsets"},
        {"{\"x\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0]}}", "two integers", "one offset"},
        {"{\"x\":{\"dtype\":\"F99\",\"shape\":[2,3],\"data_offsets\":[0,24]}}", "unknown dtype", "unknown dtype"},
        {"{\"x\":{\"dtype\":true,\"shape\":[2,3],\"data_offsets\":[0,24]}}", "expected '\"'", "true"},
        {"{\"x\":null}", "expected '{'", "null"},
        {"{\"x\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}, " GOOD_ENTRY "}", "duplicate tensor",
         "duplicate name"},
        {"{\"x\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}", "duplicate field",
         "duplicate field"},
        {"{\"x\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}} x", "after the header",
         "trailing garbage"},
        {"{\"__metadata__\":{\"a\":1}," GOOD_ENTRY "}", "must be strings", "numeric metadata"},
        {"{\"__metadata__\":{\"a\":\"b\",\"a\":\"c\"}," GOOD_ENTRY "}", "duplicate metadata", "duplicate metadata"},
        {"{\"x\\q\":{}}", "invalid escape", "bad escape"},
        {"{\"x\\ud800\":{}}", "surrogate", "lone surrogate"},
        {"{\"x\t\":{}}", "control character", "raw tab"},
        {"{\"x\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24", "header ends", "cut JSON"},
        /* layout */
        {"{\"x\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", "do not hold", "offsets too short"},
        {"{\"x\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[24,0]}}", "do not hold", "reversed offsets"},
        {"{\"x\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[8,32]}}", "past the", "offsets past the data"},
        {"{\"x\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
         "\"y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}}",
         "overlap", "overlapping tensors"},
        {"{\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
         "\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[20,24]}}",
         "hole", "a hole"},
        {"{\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", "cover 16", "trailing data bytes"},
        /* the caller's tensor */
        {"{\"y\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}", "no tensor 'x'", "missing tensor"},
        {"{\"x\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[0,24]}}", "shape (3, 2), expected (2, 3)",
         "mis-shaped tensor"},
        {"{\"x\":{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[0,24]}}", "shape (6)", "flat tensor"},
        {"{\"x\":{\"dtype\":\"I32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}", "is I32, expected F32",
         "wrong dtype"},
        {"{\"x\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[0,24]}}", "is I64, expected F32",
         "int64 (only num_batches_tracked converts)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_bad(cases[i].label, write_raw("bad.safetensors", cases[i].json, -1, 24), cases[i].needle);
    /* the error names the file */
    expect_bad("names the file", write_raw("bad_named.safetensors", "{}", -1, 24), "bad_named.safetensors");
}

int main(void)
{
    if (ob_ctx_create(&ctx, OB_BACKEND_CPU, 0) != OB_OK) return 1;
    check_round_trip();
    check_from_safetensors();
    check_python();
    ob_optim_cfg adam = ob_optim_defaults(OB_OPTIM_ADAM), adamw = ob_optim_defaults(OB_OPTIM_ADAMW),
                 sgd = ob_optim_defaults(OB_OPTIM_SGD);
    adam.lr = 0.05, adamw.lr = 0.05, sgd.lr = 0.05, sgd.momentum = 0.9, sgd.nesterov = 1, sgd.weight_decay = 1e-3;
    check_resume("adam", adam);
    check_resume("adamw", adamw);
    check_resume("sgd nesterov", sgd);
    check_bad_files();
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
