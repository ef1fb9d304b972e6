/* dataset.c — the dataset interface, shared helpers, and the in-memory sets:
 * idx (MNIST / Fashion-MNIST) and CIFAR-10 binary batches. Both keep the 8-bit
 * pixels in memory (Fashion-MNIST train: 47 MB; CIFAR-10 train: 154 MB) and
 * convert a sample to float on get. */
#include "dataset_internal.h"
#include "ob_image_io.h"
#include "resize.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

/* ---- samples and the interface ------------------------------------------ */

void ob_sample_free(ob_sample *s)
{
    if (!s) return;
    ob_tensor_free(&s->image), ob_tensor_free(&s->target);
    free(s->kp);
    memset(s, 0, sizeof *s);
}

ob_status ob_dataset_get(const ob_dataset *ds, ob_sample *out, int64_t i)
{
    OB_REQUIRE(ds && out, "ob_dataset_get: NULL argument");
    memset(out, 0, sizeof *out);
    out->label = -1;
    OB_REQUIRE(i >= 0 && i < ds->n, "%s: sample %lld out of range 0..%lld", ds->source, (long long)i,
               (long long)ds->n - 1);
    ob_status s = ds->get(ds, out, i);
    if (s != OB_OK) ob_sample_free(out);
    return s;
}

ob_status ob_dataset_get_keyed(const ob_dataset *ds, ob_sample *out, int64_t i, uint64_t seed, int epoch)
{
    if (!ds || !ds->get_keyed) return ob_dataset_get(ds, out, i);
    OB_REQUIRE(out, "ob_dataset_get_keyed: NULL argument");
    memset(out, 0, sizeof *out);
    out->label = -1;
    OB_REQUIRE(i >= 0 && i < ds->n, "%s: sample %lld out of range 0..%lld", ds->source, (long long)i,
               (long long)ds->n - 1);
    ob_status s = ds->get_keyed(ds, out, i, seed, epoch);
    if (s != OB_OK) ob_sample_free(out);
    return s;
}

const char *ob_dataset_sample_path(const ob_dataset *ds, int64_t i)
{
    if (!ds || !ds->sample_path || i < 0 || i >= ds->n) return "";
    return ds->sample_path(ds, i);
}

void ob_dataset_close(ob_dataset *ds)
{
    if (!ds) return;
    if (ds->destroy) ds->destroy(ds);
    free(ds);
}

/* ---- string lists, folders, files --------------------------------------- */

ob_status ob_strlist_push(ob_strlist *l, const char *s)
{
    if (l->n == l->cap) {
        int64_t cap = l->cap ? l->cap * 2 : 64;
        char **items = realloc(l->items, (size_t)cap * sizeof *items);
        if (!items) return OB_FAIL(OB_ERR_NOMEM, "out of memory listing files");
        l->items = items, l->cap = cap;
    }
    l->items[l->n] = strdup(s);
    if (!l->items[l->n]) return OB_FAIL(OB_ERR_NOMEM, "out of memory listing files");
    l->n++;
    return OB_OK;
}

void ob_strlist_free(ob_strlist *l)
{
    for (int64_t i = 0; i < l->n; i++) free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void ob_strlist_sort(ob_strlist *l)
{
    if (l->n > 1) qsort(l->items, (size_t)l->n, sizeof *l->items, cmp_str);
}

char *ob_path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (!p) return NULL;
    memcpy(p, dir, a);
    size_t o = a;
    if (a && dir[a - 1] != '/') p[o++] = '/';
    memcpy(p + o, name, b + 1);
    return p;
}

int ob_file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

ob_status ob_list_dir(ob_strlist *out, const char *dir, int want_dirs)
{
    memset(out, 0, sizeof *out);
    DIR *d = opendir(dir);
    if (!d) return OB_FAIL(OB_ERR_IO, "%s: cannot open folder: %s", dir, strerror(errno));
    struct dirent *e;
    ob_status s = OB_OK;
    while (s == OB_OK && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char *p = ob_path_join(dir, e->d_name);
        if (!p) {
            s = OB_FAIL(OB_ERR_NOMEM, "out of memory listing %s", dir);
            break;
        }
        struct stat st;
        int ok = stat(p, &st) == 0 && (want_dirs ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
        free(p);
        if (ok) s = ob_strlist_push(out, e->d_name);
    }
    closedir(d);
    if (s != OB_OK) ob_strlist_free(out);
    else ob_strlist_sort(out);
    return s;
}

int ob_has_ext(const char *name, const char *ext)
{
    size_t a = strlen(name), b = strlen(ext);
    if (a <= b) return 0;
    for (size_t i = 0; i < b; i++)
        if (tolower((unsigned char)name[a - b + i]) != tolower((unsigned char)ext[i])) return 0;
    return 1;
}

int ob_is_image_name(const char *name)
{
    static const char *exts[] = {".png", ".jpg", ".jpeg", ".hdr", ".pfm"};
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++)
        if (ob_has_ext(name, exts[i])) return 1;
    return 0;
}

ob_status ob_read_file_all(uint8_t **data, size_t *size, const char *path, size_t cap)
{
    *data = NULL, *size = 0;
    if (!ob_file_exists(path)) return OB_FAIL(OB_ERR_IO, "%s: no such file", path);
    gzFile f = gzopen(path, "rb");
    if (!f) return OB_FAIL(OB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t n = 0, alloc = 1 << 20;
    uint8_t *buf = malloc(alloc);
    ob_status s = OB_OK;
    for (;;) {
        if (!buf) {
            s = OB_FAIL(OB_ERR_NOMEM, "%s: out of memory reading", path);
            break;
        }
        if (n == alloc) {
            if (alloc > cap) {
                s = OB_FAIL(OB_ERR_FORMAT, "%s: larger than %zu bytes, too large for this format", path, cap);
                break;
            }
            uint8_t *b = realloc(buf, alloc * 2);
            if (!b) free(buf);
            buf = b, alloc *= 2;
            continue;
        }
        int got = gzread(f, buf + n, (unsigned)(alloc - n < (1u << 30) ? alloc - n : (1u << 30)));
        if (got < 0) {
            int errnum;
            const char *msg = gzerror(f, &errnum);
            s = OB_FAIL(OB_ERR_FORMAT, "%s: corrupt gzip stream: %s", path, msg);
            break;
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    gzclose(f);
    if (s == OB_OK && n > cap) s = OB_FAIL(OB_ERR_FORMAT, "%s: larger than %zu bytes, too large for this format", path, cap);
    if (s != OB_OK) {
        free(buf);
        return s;
    }
    *data = buf, *size = n;
    return OB_OK;
}

/* ---- images from files: channels, resize, keypoints ------------------------ */

ob_status ob_dataset_check_opts(ob_dataset *ds, const ob_dataset_opts *opts)
{
    if (!opts) return OB_OK;
    OB_REQUIRE((opts->width > 0) == (opts->height > 0) && opts->width >= 0 && opts->height >= 0,
               "dataset options: width and height must both be > 0 or both 0 (got %d x %d)", opts->width,
               opts->height);
    OB_REQUIRE(opts->width <= 16384 && opts->height <= 16384, "dataset options: size %d x %d too large",
               opts->width, opts->height);
    OB_REQUIRE(opts->channels == 0 || opts->channels == 1 || opts->channels == 3,
               "dataset options: channels must be 0, 1 or 3 (got %d)", opts->channels);
    ds->width = opts->width, ds->height = opts->height, ds->channels = opts->channels;
    return OB_OK;
}

/* in (C, H, W) -> out (c_out, H, W): gray replicated, RGB to luma, alpha dropped. */
ob_status ob_image_to_channels(ob_tensor *img, int c_out)
{
    int c = (int)img->shape[0];
    if (c_out == 0 || c == c_out) return OB_OK;
    int64_t hw = img->shape[1] * img->shape[2];
    int64_t shape[3] = {c_out, img->shape[1], img->shape[2]};
    ob_tensor out;
    OB_TRY(ob_tensor_alloc(&out, OB_F32, OB_HOST, 3, shape));
    const float *in = ob_tensor_f32(img);
    float *o = ob_tensor_f32(&out);
    int gray_in = c <= 2; /* gray, gray+alpha */
    for (int64_t p = 0; p < hw; p++) {
        if (c_out == 1) {
            o[p] = gray_in ? in[p] : 0.299f * in[p] + 0.587f * in[hw + p] + 0.114f * in[2 * hw + p];
        } else {
            for (int k = 0; k < 3; k++) o[k * hw + p] = gray_in ? in[p] : in[k * hw + p];
        }
    }
    ob_tensor_free(img);
    *img = out;
    return OB_OK;
}

ob_status ob_dataset_load_image(ob_sample *s, const char *path, const ob_dataset_opts *opts, float *kp, int k,
                                int rel_kp)
{
    OB_TRY(ob_image_read(&s->image, NULL, path));
    int h = (int)s->image.shape[1], w = (int)s->image.shape[2];
    if (rel_kp)
        for (int i = 0; i < k; i++) kp[2 * i] *= (float)w, kp[2 * i + 1] *= (float)h;
    if (!opts) return OB_OK;
    OB_TRY(ob_image_to_channels(&s->image, opts->channels));
    if (opts->width > 0 && (opts->width != w || opts->height != h)) {
        int c = (int)s->image.shape[0];
        int64_t shape[3] = {c, opts->height, opts->width};
        ob_tensor out;
        OB_TRY(ob_tensor_alloc(&out, OB_F32, OB_HOST, 3, shape));
        ob_resize_method m = (opts->width <= w && opts->height <= h) ? OB_RESIZE_AREA : OB_RESIZE_BILINEAR;
        ob_status st = ob_resize_cpu(ob_tensor_f32(&out), ob_tensor_f32(&s->image), c, h, w, opts->height,
                                     opts->width, m);
        if (st != OB_OK) {
            ob_tensor_free(&out);
            return st;
        }
        ob_tensor_free(&s->image);
        s->image = out;
        float sx = (float)opts->width / (float)w, sy = (float)opts->height / (float)h;
        for (int i = 0; i < k; i++) {
            kp[2 * i] = (kp[2 * i] + 0.5f) * sx - 0.5f;
            kp[2 * i + 1] = (kp[2 * i + 1] + 0.5f) * sy - 0.5f;
        }
        if (s->has_box) {
            s->box[0] = (s->box[0] + 0.5f) * sx - 0.5f, s->box[1] = (s->box[1] + 0.5f) * sy - 0.5f;
            s->box[2] *= sx, s->box[3] *= sy;
        }
    }
    return OB_OK;
}

/* ---- u8 sets in memory: idx and CIFAR-10 --------------------------------- */

typedef struct {
    uint8_t *pixels;  /* n * c*h*w, planar per sample */
    uint8_t *labels;  /* n */
    char path[512];   /* the image file, for messages */
} u8_state;

static ob_status u8_get(const ob_dataset *ds, ob_sample *out, int64_t i)
{
    const u8_state *st = ds->state;
    int64_t shape[3] = {ds->channels, ds->height, ds->width};
    OB_TRY(ob_tensor_alloc(&out->image, OB_F32, OB_HOST, 3, shape));
    int64_t m = shape[0] * shape[1] * shape[2];
    const uint8_t *src = st->pixels + i * m;
    float *dst = ob_tensor_f32(&out->image);
    for (int64_t p = 0; p < m; p++) dst[p] = (float)src[p] * (1.0f / 255.0f);
    out->label = st->labels[i];
    return OB_OK;
}

static const char *u8_path(const ob_dataset *ds, int64_t i) { return ((const u8_state *)ds->state)->path; }

static void u8_destroy(ob_dataset *ds)
{
    u8_state *st = ds->state;
    if (st) free(st->pixels), free(st->labels), free(st);
    ds->state = NULL;
}

static ob_status u8_new(ob_dataset **out, const char *source, const char *path)
{
    ob_dataset *ds = calloc(1, sizeof *ds);
    u8_state *st = calloc(1, sizeof *st);
    if (!ds || !st) {
        free(ds), free(st);
        return OB_FAIL(OB_ERR_NOMEM, "out of memory opening %s", source);
    }
    snprintf(ds->source, sizeof ds->source, "%s", source);
    snprintf(st->path, sizeof st->path, "%s", path);
    ds->state = st, ds->get = u8_get, ds->sample_path = u8_path, ds->destroy = u8_destroy;
    *out = ds;
    return OB_OK;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* 2^31 bytes: the largest idx/CIFAR payload accepted (MNIST train is 47 MB). */
#define OB_U8_SET_MAX_BYTES ((size_t)1 << 31)

/* Header check of an idx file: magic, dims; returns its data and the count n. */
static ob_status idx_load(uint8_t **data, size_t *size, uint32_t *dims, const char *path, uint32_t magic)
{
    OB_TRY(ob_read_file_all(data, size, path, OB_U8_SET_MAX_BYTES));
    int ndim = (int)(magic & 0xff);
    size_t header = 4 + 4 * (size_t)ndim;
    ob_status s = OB_OK;
    if (*size < 4 || be32(*data) != magic) {
        s = OB_FAIL(OB_ERR_FORMAT, "%s: not an idx %s file (magic 0x%08x, expected 0x%08x)", path,
                    ndim == 1 ? "label" : "image", *size >= 4 ? be32(*data) : 0u, magic);
    } else if (*size < header) {
        s = OB_FAIL(OB_ERR_FORMAT, "%s: truncated idx header (%zu bytes)", path, *size);
    } else {
        uint64_t total = 1;
        for (int d = 0; d < ndim; d++) {
            dims[d] = be32(*data + 4 + 4 * d);
            uint32_t lo = 1, hi = d == 0 ? 0x7fffffffu : 4096;
            if (dims[d] < lo || dims[d] > hi) {
                s = OB_FAIL(OB_ERR_FORMAT, "%s: absurd idx dimension %d = %u (expected %u..%u)", path, d, dims[d],
                            lo, hi);
                break;
            }
            total *= dims[d];
        }
        if (s == OB_OK && total != *size - header)
            s = OB_FAIL(OB_ERR_FORMAT, "%s: %s: header says %llu data bytes, file has %zu", path,
                        total > *size - header ? "truncated" : "trailing data", (unsigned long long)total,
                        *size - header);
    }
    if (s != OB_OK) free(*data), *data = NULL;
    return s;
}

ob_status ob_dataset_open_idx(ob_dataset **out, const char *images_path, const char *labels_path)
{
    OB_REQUIRE(out && images_path && labels_path, "ob_dataset_open_idx: NULL argument");
    *out = NULL;
    uint8_t *img = NULL, *lab = NULL;
    size_t img_size, lab_size;
    uint32_t idims[3] = {0}, ldims[1] = {0};
    OB_TRY(idx_load(&img, &img_size, idims, images_path, 0x00000803u));
    ob_status s = idx_load(&lab, &lab_size, ldims, labels_path, 0x00000801u);
    if (s == OB_OK && ldims[0] != idims[0])
        s = OB_FAIL(OB_ERR_FORMAT, "mismatched label counts: %s has %u images, %s has %u labels", images_path,
                    idims[0], labels_path, ldims[0]);
    ob_dataset *ds = NULL;
    if (s == OB_OK) s = u8_new(&ds, images_path, images_path);
    if (s != OB_OK) {
        free(img), free(lab);
        return s;
    }
    u8_state *st = ds->state;
    /* Drop the headers: the payloads move to the front of their buffers. */
    memmove(img, img + 16, img_size - 16);
    memmove(lab, lab + 8, lab_size - 8);
    st->pixels = img, st->labels = lab;
    ds->n = idims[0], ds->channels = 1, ds->height = (int)idims[1], ds->width = (int)idims[2];
    int max_label = 0;
    for (int64_t i = 0; i < ds->n; i++) max_label = lab[i] > max_label ? lab[i] : max_label;
    ds->n_classes = max_label + 1;
    *out = ds;
    return OB_OK;
}

#define CIFAR_RECORD 3073

ob_status ob_dataset_open_cifar10(ob_dataset **out, const char *const *paths, int n_paths)
{
    OB_REQUIRE(out && paths && n_paths >= 1, "ob_dataset_open_cifar10: need at least one file");
    *out = NULL;
    ob_dataset *ds;
    OB_TRY(u8_new(&ds, paths[0], paths[0]));
    if (n_paths > 1) snprintf(ds->source, sizeof ds->source, "%s (+%d more)", paths[0], n_paths - 1);
    u8_state *st = ds->state;
    ds->channels = 3, ds->height = 32, ds->width = 32, ds->n_classes = 10;
    ob_status s = OB_OK;
    for (int f = 0; f < n_paths && s == OB_OK; f++) {
        uint8_t *data;
        size_t size;
        s = ob_read_file_all(&data, &size, paths[f], OB_U8_SET_MAX_BYTES);
        if (s != OB_OK) break;
        if (size == 0 || size % CIFAR_RECORD) {
            s = OB_FAIL(OB_ERR_FORMAT, "%s: %zu bytes is not a whole number of CIFAR-10 records (%d bytes each): truncated or not CIFAR-10",
                        paths[f], size, CIFAR_RECORD);
            free(data);
            break;
        }
        int64_t n = (int64_t)(size / CIFAR_RECORD);
        uint8_t *px = realloc(st->pixels, (size_t)(ds->n + n) * 3072);
        if (px) st->pixels = px;
        uint8_t *lb = px ? realloc(st->labels, (size_t)(ds->n + n)) : NULL;
        if (lb) st->labels = lb;
        if (!px || !lb) {
            s = OB_FAIL(OB_ERR_NOMEM, "%s: out of memory", paths[f]);
            free(data);
            break;
        }
        for (int64_t r = 0; r < n && s == OB_OK; r++) {
            const uint8_t *rec = data + r * CIFAR_RECORD;
            if (rec[0] > 9)
                s = OB_FAIL(OB_ERR_FORMAT, "%s: record %lld has label %d (CIFAR-10 labels are 0..9)", paths[f],
                            (long long)r, rec[0]);
            st->labels[ds->n + r] = rec[0];
            memcpy(st->pixels + (ds->n + r) * 3072, rec + 1, 3072);
        }
        free(data);
        ds->n += n;
    }
    if (s != OB_OK) {
        ob_dataset_close(ds);
        return s;
    }
    *out = ds;
    return OB_OK;
}

/* ---- subsets ------------------------------------------------------------------ */

typedef struct {
    const ob_dataset *base;
    int64_t *indices;
} subset_state;

static ob_status subset_get(const ob_dataset *ds, ob_sample *out, int64_t i)
{
    const subset_state *st = ds->state;
    return st->base->get(st->base, out, st->indices[i]);
}

/* keyed draws follow the base's own index, so a sample is augmented alike in
 * every view of it */
static ob_status subset_get_keyed(const ob_dataset *ds, ob_sample *out, int64_t i, uint64_t seed, int epoch)
{
    const subset_state *st = ds->state;
    return st->base->get_keyed(st->base, out, st->indices[i], seed, epoch);
}

static const char *subset_path(const ob_dataset *ds, int64_t i)
{
    const subset_state *st = ds->state;
    return ob_dataset_sample_path(st->base, st->indices[i]);
}

static void subset_destroy(ob_dataset *ds)
{
    subset_state *st = ds->state;
    if (st) free(st->indices), free(st);
    ds->state = NULL;
}

ob_status ob_dataset_subset(ob_dataset **out, const ob_dataset *base, const int64_t *indices, int64_t n)
{
    OB_REQUIRE(out && base && (indices || n == 0) && n >= 0, "ob_dataset_subset: bad arguments");
    *out = NULL;
    for (int64_t j = 0; j < n; j++)
        OB_REQUIRE(indices[j] >= 0 && indices[j] < base->n, "subset of %s: index %lld (entry %lld) outside 0..%lld",
                   base->source, (long long)indices[j], (long long)j, (long long)base->n - 1);
    ob_dataset *ds = calloc(1, sizeof *ds);
    subset_state *st = calloc(1, sizeof *st);
    int64_t *idx = malloc((size_t)(n ? n : 1) * sizeof *idx);
    if (!ds || !st || !idx) {
        free(ds), free(st), free(idx);
        return OB_FAIL(OB_ERR_NOMEM, "out of memory for a subset of %lld", (long long)n);
    }
    if (n) memcpy(idx, indices, (size_t)n * sizeof *idx);
    st->base = base, st->indices = idx;
    *ds = *base; /* shape, classes, keypoints as the base's */
    snprintf(ds->source, sizeof ds->source, "%.400s (subset of %lld)", base->source, (long long)n);
    ds->n = n, ds->state = st;
    ds->get = subset_get, ds->sample_path = subset_path, ds->destroy = subset_destroy;
    ds->get_keyed = base->get_keyed ? subset_get_keyed : NULL;
    *out = ds;
    return OB_OK;
}
