/* checkpoint.c — safetensors writing and reading (ob_checkpoint.h): a strict
 * parser for the one JSON shape safetensors headers have, the layout checks,
 * tensors in and out through the host; the optimiser's state file. */
#include "ob_checkpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_atomic_file.h"
#include "ob_json.h"

#define MAX_HEADER ((uint64_t)100 * 1000 * 1000) /* safetensors' own limit */
#define MAX_DIMS 8

/* ---- dtypes -------------------------------------------------------------- */

typedef struct {
    const char *name;
    int size;
    int ob; /* ob_dtype, or -1: valid in a file, not one obscura reads */
} dtype_info;

static const dtype_info dtypes[] = {
    {"F32", 4, OB_F32}, {"U8", 1, OB_U8},   {"U16", 2, OB_U16}, {"F64", 8, -1},    {"F16", 2, -1},
    {"BF16", 2, -1},    {"I64", 8, -1},     {"I32", 4, -1},     {"I16", 2, -1},    {"I8", 1, -1},
    {"U32", 4, -1},     {"U64", 8, -1},     {"BOOL", 1, -1},    {"F8_E4M3", 1, -1}, {"F8_E5M2", 1, -1},
};
#define N_DTYPES ((int)(sizeof dtypes / sizeof dtypes[0]))

static const char *ob_dtype_st_name(ob_dtype t)
{
    for (int i = 0; i < N_DTYPES; i++)
        if (dtypes[i].ob == (int)t) return dtypes[i].name;
    return NULL;
}

/* ---- the JSON subset ----------------------------------------------------- */

typedef struct {
    const char *s;
    size_t n, i;
    const char *where; /* "checkpoint PATH" or "metadata" */
    ob_status code;    /* what a syntax error returns */
} parser;

static ob_status perr(parser *p, const char *what)
{
    return OB_FAIL(p->code, "%s: header byte %zu: %s", p->where, p->i, what);
}

static void skip_ws(parser *p)
{
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r'))
        p->i++;
}

/* Consumes c (after white space) or fails naming it. */
static ob_status expect(parser *p, char c)
{
    skip_ws(p);
    if (p->i >= p->n || p->s[p->i] != c) {
        char what[64];
        snprintf(what, sizeof what, p->i >= p->n ? "expected '%c', the header ends" : "expected '%c'", c);
        return perr(p, what);
    }
    p->i++;
    return OB_OK;
}

/* 1 and consumes c when it is next (after white space). */
static int accept(parser *p, char c)
{
    skip_ws(p);
    if (p->i < p->n && p->s[p->i] == c) {
        p->i++;
        return 1;
    }
    return 0;
}

static int hex4(const char *s, unsigned *v)
{
    *v = 0;
    for (int k = 0; k < 4; k++) {
        const char c = s[k];
        const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return 0;
        *v = *v * 16 + (unsigned)d;
    }
    return 1;
}

/* A string with JSON escapes decoded to UTF-8 (\u0000 refused: names are C
 * strings); *out is malloc'd. */
static ob_status parse_string(parser *p, char **out)
{
    *out = NULL;
    OB_TRY(expect(p, '"'));
    char *buf = malloc(p->n - p->i + 1); /* decoding never grows a string */
    if (!buf) return OB_FAIL(OB_ERR_NOMEM, "%s: no memory for a header string", p->where);
    size_t k = 0;
    for (;;) {
        if (p->i >= p->n) {
            free(buf);
            return perr(p, "unterminated string");
        }
        const unsigned char c = (unsigned char)p->s[p->i];
        if (c == '"') {
            p->i++;
            break;
        }
        if (c < 0x20) {
            free(buf);
            return perr(p, "control character inside a string");
        }
        if (c != '\\') {
            buf[k++] = (char)c;
            p->i++;
            continue;
        }
        if (p->i + 1 >= p->n) {
            free(buf);
            return perr(p, "unterminated escape");
        }
        const char e = p->s[p->i + 1];
        const char *simple = strchr("\"\\/bfnrt", e);
        if (simple && e) {
            static const char map[] = "\"\\/\b\f\n\r\t";
            buf[k++] = map[simple - "\"\\/bfnrt"];
            p->i += 2;
            continue;
        }
        unsigned u;
        if (e != 'u' || p->i + 6 > p->n || !hex4(p->s + p->i + 2, &u)) {
            free(buf);
            return perr(p, "invalid escape in a string");
        }
        p->i += 6;
        if (u >= 0xD800 && u <= 0xDBFF) { /* a surrogate pair */
            unsigned lo;
            if (p->i + 6 > p->n || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u' || !hex4(p->s + p->i + 2, &lo) ||
                lo < 0xDC00 || lo > 0xDFFF) {
                free(buf);
                return perr(p, "unpaired UTF-16 surrogate in a string");
            }
            p->i += 6;
            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        } else if ((u >= 0xDC00 && u <= 0xDFFF) || u == 0) {
            free(buf);
            return perr(p, u ? "unpaired UTF-16 surrogate in a string" : "\\u0000 inside a string");
        }
        if (u < 0x80) {
            buf[k++] = (char)u;
        } else if (u < 0x800) {
            buf[k++] = (char)(0xC0 | (u >> 6)), buf[k++] = (char)(0x80 | (u & 0x3F));
        } else if (u < 0x10000) {
            buf[k++] = (char)(0xE0 | (u >> 12)), buf[k++] = (char)(0x80 | ((u >> 6) & 0x3F));
            buf[k++] = (char)(0x80 | (u & 0x3F));
        } else {
            buf[k++] = (char)(0xF0 | (u >> 18)), buf[k++] = (char)(0x80 | ((u >> 12) & 0x3F));
            buf[k++] = (char)(0x80 | ((u >> 6) & 0x3F)), buf[k++] = (char)(0x80 | (u & 0x3F));
        }
    }
    buf[k] = '\0';
    *out = buf;
    return OB_OK;
}

/* A non-negative integer below 2^63 without sign, fraction, exponent or leading zeros. */
static ob_status parse_uint(parser *p, uint64_t *v)
{
    skip_ws(p);
    const size_t start = p->i;
    *v = 0;
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') {
        if (*v > (((uint64_t)1 << 63) - 10) / 10) return perr(p, "integer too large");
        *v = *v * 10 + (uint64_t)(p->s[p->i++] - '0');
    }
    if (p->i == start) return perr(p, "expected a non-negative integer");
    if (p->s[start] == '0' && p->i - start > 1) return perr(p, "integer with a leading zero");
    if (p->i < p->n && (p->s[p->i] == '.' || p->s[p->i] == 'e' || p->s[p->i] == 'E'))
        return perr(p, "expected an integer, got a fraction or exponent");
    return OB_OK;
}

static ob_status parse_uint_array(parser *p, uint64_t *out, int max, int *count)
{
    *count = 0;
    OB_TRY(expect(p, '['));
    if (accept(p, ']')) return OB_OK;
    do {
        if (*count >= max) return perr(p, "array too long");
        OB_TRY(parse_uint(p, &out[(*count)++]));
    } while (accept(p, ','));
    return expect(p, ']');
}

void ob_checkpoint_meta_free(ob_checkpoint_meta *m)
{
    if (!m) return;
    for (int i = 0; i < m->n; i++) free(m->keys[i]), free(m->values[i]);
    free(m->keys), free(m->values);
    memset(m, 0, sizeof *m);
}

const char *ob_checkpoint_meta_get(const ob_checkpoint_meta *m, const char *key)
{
    for (int i = 0; m && key && i < m->n; i++)
        if (strcmp(m->keys[i], key) == 0) return m->values[i];
    return NULL;
}

/* {"key": "value", ...}: strings only, no duplicate keys. */
static ob_status parse_meta(parser *p, ob_checkpoint_meta *m)
{
    memset(m, 0, sizeof *m);
    OB_TRY(expect(p, '{'));
    if (accept(p, '}')) return OB_OK;
    int cap = 0;
    do {
        char *k = NULL, *v = NULL;
        ob_status st = parse_string(p, &k);
        if (st == OB_OK) st = expect(p, ':');
        if (st == OB_OK) {
            skip_ws(p);
            st = p->i < p->n && p->s[p->i] == '"' ? parse_string(p, &v)
                                                  : perr(p, "metadata values must be strings");
        }
        if (st == OB_OK && ob_checkpoint_meta_get(m, k)) st = perr(p, "duplicate metadata key");
        if (st == OB_OK && m->n == cap) {
            cap = cap ? 2 * cap : 8;
            char **nk = realloc(m->keys, sizeof(char *) * (size_t)cap);
            if (nk) m->keys = nk;
            char **nv = realloc(m->values, sizeof(char *) * (size_t)cap);
            if (nv) m->values = nv;
            if (!nk || !nv) st = OB_FAIL(OB_ERR_NOMEM, "%s: no memory for metadata", p->where);
        }
        if (st != OB_OK) {
            free(k), free(v);
            ob_checkpoint_meta_free(m);
            return st;
        }
        m->keys[m->n] = k, m->values[m->n] = v, m->n++;
    } while (accept(p, ','));
    ob_status st = expect(p, '}');
    if (st != OB_OK) ob_checkpoint_meta_free(m);
    return st;
}

typedef struct {
    char *name;
    int dtype; /* index into dtypes */
    int ndim;
    uint64_t shape[MAX_DIMS];
    uint64_t begin, end;
} entry;

typedef struct {
    entry *e;
    int n;
    ob_checkpoint_meta meta;
    uint64_t data_start, data_len; /* in the file: 8 + header length; the bytes after */
} header;

static void header_free(header *h)
{
    for (int i = 0; i < h->n; i++) free(h->e[i].name);
    free(h->e);
    ob_checkpoint_meta_free(&h->meta);
    memset(h, 0, sizeof *h);
}

/* {"dtype": "F32", "shape": [...], "data_offsets": [b, e]}, each field once. */
static ob_status parse_entry(parser *p, entry *e)
{
    int seen[3] = {0, 0, 0};
    OB_TRY(expect(p, '{'));
    if (!accept(p, '}')) {
        do {
            char *key;
            OB_TRY(parse_string(p, &key));
            const int f = !strcmp(key, "dtype") ? 0 : !strcmp(key, "shape") ? 1 : !strcmp(key, "data_offsets") ? 2 : -1;
            free(key);
            if (f < 0) return perr(p, "unknown field (expected dtype, shape, data_offsets)");
            if (seen[f]++) return perr(p, "duplicate field");
            OB_TRY(expect(p, ':'));
            if (f == 0) {
                char *d;
                OB_TRY(parse_string(p, &d));
                e->dtype = -1;
                for (int i = 0; i < N_DTYPES; i++)
                    if (!strcmp(d, dtypes[i].name)) e->dtype = i;
                free(d);
                if (e->dtype < 0) return perr(p, "unknown dtype");
            } else if (f == 1) {
                OB_TRY(parse_uint_array(p, e->shape, MAX_DIMS, &e->ndim));
            } else {
                uint64_t off[2];
                int k;
                OB_TRY(parse_uint_array(p, off, 2, &k));
                if (k != 2) return perr(p, "data_offsets needs two integers");
                e->begin = off[0], e->end = off[1];
            }
        } while (accept(p, ','));
        OB_TRY(expect(p, '}'));
    }
    if (!seen[0] || !seen[1] || !seen[2]) return perr(p, "a tensor entry lacks dtype, shape or data_offsets");
    return OB_OK;
}

static ob_status parse_header_json(parser *p, header *h)
{
    int cap = 0, have_meta = 0;
    OB_TRY(expect(p, '{'));
    if (!accept(p, '}')) {
        do {
            char *name;
            OB_TRY(parse_string(p, &name));
            ob_status st = expect(p, ':');
            if (st == OB_OK && !strcmp(name, "__metadata__")) {
                free(name);
                if (have_meta++) return perr(p, "duplicate __metadata__");
                OB_TRY(parse_meta(p, &h->meta));
                continue;
            }
            for (int i = 0; st == OB_OK && i < h->n; i++)
                if (!strcmp(h->e[i].name, name)) st = perr(p, "duplicate tensor name");
            if (st == OB_OK && name[0] == '\0') st = perr(p, "empty tensor name");
            if (st == OB_OK && h->n == cap) {
                cap = cap ? 2 * cap : 16;
                entry *ne = realloc(h->e, sizeof(entry) * (size_t)cap);
                if (!ne) st = OB_FAIL(OB_ERR_NOMEM, "%s: no memory for %d header entries", p->where, cap);
                else h->e = ne;
            }
            if (st != OB_OK) {
                free(name);
                return st;
            }
            entry *e = &h->e[h->n++];
            memset(e, 0, sizeof *e);
            e->name = name;
            OB_TRY(parse_entry(p, e));
        } while (accept(p, ','));
        OB_TRY(expect(p, '}'));
    }
    skip_ws(p);
    if (p->i != p->n) return perr(p, "data after the header's JSON object");
    return OB_OK;
}

/* Offsets match dtype x shape and tile [0, data_len) without overlap or holes. */
static ob_status check_layout(const header *h, const char *where)
{
    int *order = malloc(sizeof(int) * (size_t)(h->n ? h->n : 1));
    if (!order) return OB_FAIL(OB_ERR_NOMEM, "%s: no memory", where);
    for (int i = 0; i < h->n; i++) order[i] = i;
    for (int i = 0; i < h->n; i++) {
        const entry *e = &h->e[i];
        uint64_t bytes = (uint64_t)dtypes[e->dtype].size;
        for (int d = 0; d < e->ndim; d++) {
            if (e->shape[d] && bytes > UINT64_MAX / 2 / e->shape[d]) {
                free(order);
                return OB_FAIL(OB_ERR_FORMAT, "%s: tensor '%s': shape too large", where, e->name);
            }
            bytes *= e->shape[d];
        }
        if (e->end < e->begin || e->end - e->begin != bytes) {
            free(order);
            return OB_FAIL(OB_ERR_FORMAT,
                           "%s: tensor '%s': data_offsets [%llu, %llu] do not hold %llu bytes (%s of its shape)",
                           where, e->name, (unsigned long long)e->begin, (unsigned long long)e->end,
                           (unsigned long long)bytes, dtypes[e->dtype].name);
        }
        if (e->end > h->data_len) {
            free(order);
            return OB_FAIL(OB_ERR_FORMAT, "%s: tensor '%s': data_offsets [%llu, %llu] run past the %llu data bytes",
                           where, e->name, (unsigned long long)e->begin, (unsigned long long)e->end,
                           (unsigned long long)h->data_len);
        }
    }
    for (int i = 1; i < h->n; i++) /* insertion sort by begin: headers are short */
        for (int j = i; j > 0 && h->e[order[j]].begin < h->e[order[j - 1]].begin; j--) {
            const int t = order[j];
            order[j] = order[j - 1], order[j - 1] = t;
        }
    uint64_t at = 0;
    ob_status st = OB_OK;
    for (int i = 0; i < h->n && st == OB_OK; i++) {
        const entry *e = &h->e[order[i]];
        if (e->begin < at)
            st = OB_FAIL(OB_ERR_FORMAT, "%s: tensor '%s': data_offsets [%llu, %llu] overlap '%s'", where, e->name,
                         (unsigned long long)e->begin, (unsigned long long)e->end, h->e[order[i - 1]].name);
        else if (e->begin > at)
            st = OB_FAIL(OB_ERR_FORMAT, "%s: tensor '%s' starts at %llu, leaving a hole after byte %llu", where,
                         e->name, (unsigned long long)e->begin, (unsigned long long)at);
        at = e->end > at ? e->end : at;
    }
    if (st == OB_OK && at != h->data_len)
        st = OB_FAIL(OB_ERR_FORMAT, "%s: the tensors cover %llu data bytes but the file holds %llu (truncated or trailing data)",
                     where, (unsigned long long)at, (unsigned long long)h->data_len);
    free(order);
    return st;
}

static int little_endian(void)
{
    const uint16_t one = 1;
    return *(const unsigned char *)&one == 1;
}

/* Opens path, reads and validates the header; *fp stays open on success. */
static ob_status read_header(FILE **fp, header *h, const char *path, const char *where)
{
    memset(h, 0, sizeof *h);
    *fp = NULL;
    if (!little_endian()) return OB_FAIL(OB_ERR_UNSUPPORTED, "%s: safetensors needs a little-endian machine", where);
    FILE *f = fopen(path, "rb");
    if (!f) return OB_FAIL(OB_ERR_IO, "%s: cannot open for reading", where);
    ob_status st = OB_OK;
    off_t size = -1;
    if (fseeko(f, 0, SEEK_END) == 0) size = ftello(f);
    if (size < 0 || fseeko(f, 0, SEEK_SET) != 0) st = OB_FAIL(OB_ERR_IO, "%s: cannot determine its size", where);
    unsigned char len8[8];
    if (st == OB_OK && (size < 8 || fread(len8, 1, 8, f) != 8))
        st = OB_FAIL(OB_ERR_FORMAT, "%s: %lld bytes, too short for the 8-byte header length (truncated file?)",
                     where, (long long)size);
    uint64_t n = 0;
    for (int i = 7; st == OB_OK && i >= 0; i--) n = n << 8 | len8[i];
    if (st == OB_OK && (n > (uint64_t)size - 8 || n > MAX_HEADER))
        st = OB_FAIL(OB_ERR_FORMAT, "%s: header length %llu is larger than the %lld bytes that follow it%s", where,
                     (unsigned long long)n, (long long)size - 8, n > MAX_HEADER ? " (or over 100 MB)" : "");
    if (st == OB_OK && n < 2) st = OB_FAIL(OB_ERR_FORMAT, "%s: header length %llu is too short for JSON", where, (unsigned long long)n);
    char *json = st == OB_OK ? malloc((size_t)n + 1) : NULL;
    if (st == OB_OK && !json) st = OB_FAIL(OB_ERR_NOMEM, "%s: no memory for a %llu-byte header", where, (unsigned long long)n);
    if (st == OB_OK && fread(json, 1, (size_t)n, f) != (size_t)n)
        st = OB_FAIL(OB_ERR_FORMAT, "%s: truncated header", where);
    if (st == OB_OK) {
        json[n] = '\0';
        parser p = {json, (size_t)n, 0, where, OB_ERR_FORMAT};
        h->data_start = 8 + n, h->data_len = (uint64_t)size - 8 - n;
        st = parse_header_json(&p, h);
        if (st == OB_OK) st = check_layout(h, where);
    }
    free(json);
    if (st != OB_OK) {
        header_free(h);
        fclose(f);
        return st;
    }
    *fp = f;
    return OB_OK;
}

static const entry *find(const header *h, const char *name)
{
    for (int i = 0; i < h->n; i++)
        if (!strcmp(h->e[i].name, name)) return &h->e[i];
    return NULL;
}

/* PyTorch stores batch norm's num_batches_tracked as an int64 scalar (shape
 * ()); obscura's layers hold it as float32 (1). That one pair is converted. */
static int counter_compat(const entry *e, const ob_named_tensor *t)
{
    const char *suffix = "num_batches_tracked";
    const size_t ln = strlen(t->name), ls = strlen(suffix);
    return ln >= ls && !strcmp(t->name + ln - ls, suffix) && !strcmp(dtypes[e->dtype].name, "I64") &&
           t->tensor->dtype == OB_F32 && ob_tensor_numel(t->tensor) == 1 &&
           (e->ndim == 0 || (e->ndim == 1 && e->shape[0] == 1));
}

/* The file's tensor matches the caller's in dtype and shape. */
static ob_status check_match(const entry *e, const ob_named_tensor *t, const char *where)
{
    char want[64];
    if (!e) return OB_FAIL(OB_ERR_FORMAT, "%s: no tensor '%s'", where, t->name);
    if (counter_compat(e, t)) return OB_OK;
    const char *dt = ob_dtype_st_name(t->tensor->dtype);
    if (!dt || strcmp(dt, dtypes[e->dtype].name))
        return OB_FAIL(OB_ERR_FORMAT, "%s: tensor '%s' is %s, expected %s", where, t->name, dtypes[e->dtype].name,
                       dt ? dt : ob_dtype_name(t->tensor->dtype));
    int same = e->ndim == t->tensor->ndim;
    for (int d = 0; same && d < e->ndim; d++) same = e->shape[d] == (uint64_t)t->tensor->shape[d];
    if (!same) {
        char got[160];
        size_t k = 0;
        got[k++] = '(';
        for (int d = 0; d < e->ndim && k < sizeof got - 24; d++)
            k += (size_t)snprintf(got + k, sizeof got - k, "%s%llu", d ? ", " : "", (unsigned long long)e->shape[d]);
        snprintf(got + k, sizeof got - k, ")");
        return OB_FAIL(OB_ERR_FORMAT, "%s: tensor '%s' has shape %s, expected %s", where, t->name, got,
                       ob_tensor_shape_str(t->tensor, want, sizeof want));
    }
    return OB_OK;
}

/* Reads e's bytes into t (through a host buffer for a device tensor). */
static ob_status read_tensor(FILE *f, uint64_t data_start, const entry *e, const ob_named_tensor *nt,
                             const char *where)
{
    ob_tensor *t = nt->tensor;
    const size_t bytes = (size_t)(e->end - e->begin);
    if (bytes == 0) return OB_OK;
    if (counter_compat(e, nt)) { /* int64 little-endian -> float */
        unsigned char b[8];
        if (fseeko(f, (off_t)(data_start + e->begin), SEEK_SET) != 0 || fread(b, 1, 8, f) != 8)
            return OB_FAIL(OB_ERR_FORMAT, "%s: tensor '%s': cannot read its 8 bytes (truncated?)", where, e->name);
        uint64_t u = 0;
        for (int i = 7; i >= 0; i--) u = u << 8 | b[i];
        float v = (float)(int64_t)u;
        ob_tensor one;
        const int64_t shape1[1] = {1};
        OB_TRY(ob_tensor_wrap(&one, &v, OB_F32, OB_HOST, 1, shape1));
        one.ndim = t->ndim; /* same single element, the caller's rank */
        for (int d = 0; d < t->ndim; d++) one.shape[d] = t->shape[d], one.strides[d] = 1;
        return ob_tensor_copy(t, &one);
    }
    ob_tensor host = *t;
    if (t->loc != OB_HOST) OB_TRY(ob_tensor_alloc(&host, t->dtype, OB_HOST, t->ndim, t->shape));
    ob_status st = OB_OK;
    if (fseeko(f, (off_t)(data_start + e->begin), SEEK_SET) != 0 || fread(host.data, 1, bytes, f) != bytes)
        st = OB_FAIL(OB_ERR_FORMAT, "%s: tensor '%s': cannot read its %zu bytes (truncated?)", where, e->name, bytes);
    if (st == OB_OK && t->loc != OB_HOST) st = ob_tensor_copy(t, &host);
    if (t->loc != OB_HOST) ob_tensor_free(&host);
    return st;
}

ob_status ob_checkpoint_load(const char *path, const ob_named_tensor *tensors, int n, ob_checkpoint_meta *meta)
{
    OB_REQUIRE(path && (tensors || n == 0) && n >= 0, "checkpoint load: null argument");
    char where[1100];
    snprintf(where, sizeof where, "checkpoint %s", path);
    for (int i = 0; i < n; i++)
        OB_REQUIRE(tensors[i].tensor && ob_tensor_is_contiguous(tensors[i].tensor) &&
                       (tensors[i].tensor->data || ob_tensor_numel(tensors[i].tensor) == 0),
                   "%s: tensor '%s' is not an allocated contiguous tensor", where, tensors[i].name);
    FILE *f;
    header h;
    OB_TRY(read_header(&f, &h, path, where));
    ob_status st = OB_OK;
    for (int i = 0; st == OB_OK && i < n; i++) st = check_match(find(&h, tensors[i].name), &tensors[i], where);
    for (int i = 0; st == OB_OK && i < n; i++)
        st = read_tensor(f, h.data_start, find(&h, tensors[i].name), &tensors[i], where);
    fclose(f);
    if (st == OB_OK && meta) {
        *meta = h.meta;
        memset(&h.meta, 0, sizeof h.meta);
    }
    header_free(&h);
    return st;
}

/* ---- writing ------------------------------------------------------------- */

typedef struct {
    const ob_named_tensor *t;
    int n;
    const char *header; /* padded JSON */
    size_t header_len;
} save_job;

static ob_status write_all(FILE *fp, void *user)
{
    const save_job *j = user;
    unsigned char len8[8];
    for (int i = 0; i < 8; i++) len8[i] = (unsigned char)((uint64_t)j->header_len >> (8 * i));
    if (fwrite(len8, 1, 8, fp) != 8 || fwrite(j->header, 1, j->header_len, fp) != j->header_len)
        return OB_FAIL(OB_ERR_IO, "checkpoint: writing the header failed");
    for (int i = 0; i < j->n; i++) {
        const ob_tensor *t = j->t[i].tensor;
        const size_t bytes = ob_tensor_nbytes(t);
        if (bytes == 0) continue;
        ob_tensor host = *t;
        if (t->loc != OB_HOST) OB_TRY(ob_tensor_clone_to(&host, t, OB_HOST));
        const size_t wrote = fwrite(host.data, 1, bytes, fp);
        if (t->loc != OB_HOST) ob_tensor_free(&host);
        if (wrote != bytes) return OB_FAIL(OB_ERR_IO, "checkpoint: writing tensor '%s' failed", j->t[i].name);
    }
    return OB_OK;
}

/* The header JSON: metadata first, then the tensors in order, padded with
 * spaces to a multiple of 8 (as safetensors pads). */
static ob_status build_header(char **out, size_t *len, const ob_named_tensor *t, int n, const ob_checkpoint_meta *m)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f) return OB_FAIL(OB_ERR_NOMEM, "checkpoint: no memory for the header");
    fputc('{', f);
    if (m->n) {
        fputs("\"__metadata__\":{", f);
        for (int i = 0; i < m->n; i++) {
            if (i) fputc(',', f);
            ob_json_string(f, m->keys[i]);
            fputc(':', f);
            ob_json_string(f, m->values[i]);
        }
        fputc('}', f);
    }
    uint64_t at = 0;
    for (int i = 0; i < n; i++) {
        const ob_tensor *x = t[i].tensor;
        if (m->n || i) fputc(',', f);
        ob_json_string(f, t[i].name);
        fprintf(f, ":{\"dtype\":\"%s\",\"shape\":[", ob_dtype_st_name(x->dtype));
        for (int d = 0; d < x->ndim; d++) fprintf(f, "%s%lld", d ? "," : "", (long long)x->shape[d]);
        const uint64_t bytes = ob_tensor_nbytes(x);
        fprintf(f, "],\"data_offsets\":[%llu,%llu]}", (unsigned long long)at, (unsigned long long)(at + bytes));
        at += bytes;
    }
    fputc('}', f);
    fflush(f);
    while (size % 8) {
        fputc(' ', f);
        fflush(f);
    }
    if (fclose(f) != 0 || !buf) {
        free(buf);
        return OB_FAIL(OB_ERR_NOMEM, "checkpoint: no memory for the header");
    }
    *out = buf, *len = size;
    return OB_OK;
}

ob_status ob_checkpoint_save(const char *path, const ob_named_tensor *t, int n, const char *metadata_json)
{
    OB_REQUIRE(path && (t || n == 0) && n >= 0, "checkpoint save: null argument");
    OB_REQUIRE(little_endian(), "checkpoint save: safetensors needs a little-endian machine");
    for (int i = 0; i < n; i++) {
        OB_REQUIRE(t[i].name[0], "checkpoint save %s: tensor %d has no name", path, i);
        OB_REQUIRE(strcmp(t[i].name, "__metadata__"), "checkpoint save %s: '__metadata__' is reserved", path);
        OB_REQUIRE(t[i].tensor && ob_tensor_is_contiguous(t[i].tensor) &&
                       (t[i].tensor->data || ob_tensor_numel(t[i].tensor) == 0),
                   "checkpoint save %s: tensor '%s' is not an allocated contiguous tensor", path, t[i].name);
        OB_REQUIRE(ob_dtype_st_name(t[i].tensor->dtype), "checkpoint save %s: tensor '%s' has dtype %s", path,
                   t[i].name, ob_dtype_name(t[i].tensor->dtype));
        for (int j = 0; j < i; j++)
            OB_REQUIRE(strcmp(t[i].name, t[j].name), "checkpoint save %s: tensor name '%s' appears twice", path,
                       t[i].name);
    }
    ob_checkpoint_meta m = {0, NULL, NULL};
    if (metadata_json) {
        parser p = {metadata_json, strlen(metadata_json), 0, "checkpoint metadata", OB_ERR_ARG};
        OB_TRY(parse_meta(&p, &m));
        skip_ws(&p);
        if (p.i != p.n) {
            ob_checkpoint_meta_free(&m);
            return perr(&p, "data after the metadata object");
        }
    }
    save_job j = {t, n, NULL, 0};
    char *hdr = NULL;
    ob_status st = build_header(&hdr, &j.header_len, t, n, &m);
    ob_checkpoint_meta_free(&m);
    OB_TRY(st);
    j.header = hdr;
    st = ob_atomic_write(path, write_all, &j);
    free(hdr);
    return st;
}

/* ---- names from layers; the optimiser's file ------------------------------- */

static ob_status join_name(char *dst, const char *a, const char *b, const char *c)
{
    const int k = snprintf(dst, OB_CHECKPOINT_NAME_MAX, "%s%s%s", a, b, c);
    OB_REQUIRE(k >= 0 && k < OB_CHECKPOINT_NAME_MAX, "checkpoint: name '%s%s%s' is longer than %d bytes", a, b, c,
               OB_CHECKPOINT_NAME_MAX - 1);
    return OB_OK;
}

ob_status ob_checkpoint_collect(ob_named_tensor *out, int cap, int *n, ob_layer *const *layers,
                                const char *const *prefixes, int n_layers)
{
    OB_REQUIRE(out && n && (layers || n_layers == 0), "checkpoint collect: null argument");
    *n = 0;
    for (int i = 0; i < n_layers; i++)
        for (int k = 0; k < layers[i]->n_params; k++) {
            OB_REQUIRE(*n < cap, "checkpoint collect: more than %d parameters", cap);
            ob_param *p = &layers[i]->params[k];
            OB_TRY(join_name(out[*n].name, prefixes && prefixes[i] ? prefixes[i] : "", p->name, ""));
            out[(*n)++].tensor = &p->value;
        }
    return OB_OK;
}

/* Views of the optimiser's state per trainable parameter, named
 * "<state>.<prefix><param>"; *views holds the tensors the names point at. */
static ob_status optim_views(ob_named_tensor **named, ob_tensor **views, int *count, const ob_optim *o,
                             ob_layer *const *layers, const char *const *prefixes, int n_layers)
{
    const int total = o->n_params * o->n_state;
    *named = calloc((size_t)(total ? total : 1), sizeof **named);
    *views = calloc((size_t)(total ? total : 1), sizeof **views);
    *count = 0;
    if (!*named || !*views) {
        free(*named), free(*views);
        return OB_FAIL(OB_ERR_NOMEM, "optimiser checkpoint: no memory");
    }
    int j = 0;
    int64_t offset = 0;
    ob_status st = OB_OK;
    for (int i = 0; st == OB_OK && i < n_layers; i++)
        for (int k = 0; st == OB_OK && k < layers[i]->n_params; k++) {
            ob_param *p = &layers[i]->params[k];
            if (!p->trainable) continue;
            if (j >= o->n_params || o->params[j] != p) {
                st = OB_FAIL(OB_ERR_ARG, "optimiser checkpoint: the layers are not the ones the optimiser was made on");
                break;
            }
            for (int s = 0; st == OB_OK && s < o->n_state; s++) {
                ob_named_tensor *nt = &(*named)[*count];
                ob_tensor *v = &(*views)[*count];
                char tail[OB_CHECKPOINT_NAME_MAX];
                st = join_name(tail, prefixes && prefixes[i] ? prefixes[i] : "", p->name, "");
                if (st == OB_OK) st = join_name(nt->name, ob_optim_state_name(o, s), ".", tail);
                if (st == OB_OK)
                    st = ob_tensor_wrap(v, ob_tensor_f32(&o->state[s]) + offset, OB_F32, o->loc, p->value.ndim,
                                        p->value.shape);
                nt->tensor = v;
                (*count)++;
            }
            offset += ob_tensor_numel(&p->value);
            j++;
        }
    if (st == OB_OK && j != o->n_params)
        st = OB_FAIL(OB_ERR_ARG, "optimiser checkpoint: the layers hold %d trainable parameters, the optimiser %d", j,
                     o->n_params);
    if (st != OB_OK) free(*named), free(*views);
    return st;
}

ob_status ob_optim_save(const ob_optim *o, const char *path, ob_layer *const *layers, const char *const *prefixes,
                        int n_layers)
{
    OB_REQUIRE(o && path, "optimiser save: null argument");
    ob_named_tensor *named;
    ob_tensor *views;
    int count;
    OB_TRY(optim_views(&named, &views, &count, o, layers, prefixes, n_layers));
    char meta[256];
    snprintf(meta, sizeof meta,
             "{\"format\": \"obscura-optimizer\", \"optimizer\": \"%s\", \"step\": \"%lld\", \"lr\": \"%.17g\"}",
             ob_optim_kind_name(o->cfg.kind), (long long)o->step, o->cfg.lr);
    ob_status st = ob_checkpoint_save(path, named, count, meta);
    free(named), free(views);
    return st;
}

ob_status ob_optim_load(ob_optim *o, const char *path, ob_layer *const *layers, const char *const *prefixes,
                        int n_layers)
{
    OB_REQUIRE(o && path, "optimiser load: null argument");
    ob_named_tensor *named;
    ob_tensor *views;
    int count;
    OB_TRY(optim_views(&named, &views, &count, o, layers, prefixes, n_layers));
    ob_checkpoint_meta m;
    ob_status st = ob_checkpoint_load(path, named, count, &m);
    free(named), free(views);
    OB_TRY(st);
    const char *fmt = ob_checkpoint_meta_get(&m, "format"), *kind = ob_checkpoint_meta_get(&m, "optimizer");
    const char *step = ob_checkpoint_meta_get(&m, "step"), *lr = ob_checkpoint_meta_get(&m, "lr");
    char *end1 = NULL, *end2 = NULL;
    const long long sv = step ? strtoll(step, &end1, 10) : -1;
    const double lv = lr ? strtod(lr, &end2) : -1;
    if (!fmt || strcmp(fmt, "obscura-optimizer"))
        st = OB_FAIL(OB_ERR_FORMAT, "optimiser checkpoint %s: not an optimiser state file (metadata format is %s)",
                     path, fmt ? fmt : "missing");
    else if (!kind || strcmp(kind, ob_optim_kind_name(o->cfg.kind)))
        st = OB_FAIL(OB_ERR_FORMAT, "optimiser checkpoint %s: state of a %s optimiser, this one is %s", path,
                     kind ? kind : "(unnamed)", ob_optim_kind_name(o->cfg.kind));
    else if (!step || *end1 || sv < 0 || !lr || *end2 || !(lv >= 0))
        st = OB_FAIL(OB_ERR_FORMAT, "optimiser checkpoint %s: bad step '%s' or lr '%s' in the metadata", path,
                     step ? step : "", lr ? lr : "");
    if (st == OB_OK) o->step = sv, o->cfg.lr = lv;
    ob_checkpoint_meta_free(&m);
    return st;
}

ob_status ob_checkpoint_load_model(const char *path, ob_layer *const *layers, const char *const *prefixes,
                                   int n_layers, ob_checkpoint_meta *meta)
{
    const int cap = n_layers * OB_LAYER_MAX_PARAMS;
    ob_named_tensor *named = calloc((size_t)(cap > 0 ? cap : 1), sizeof *named);
    if (!named) return OB_FAIL(OB_ERR_NOMEM, "checkpoint: out of memory");
    int n = 0;
    ob_status s = ob_checkpoint_collect(named, cap, &n, layers, prefixes, n_layers);
    if (s == OB_OK) s = ob_checkpoint_load(path, named, n, meta);
    free(named);
    return s;
}
