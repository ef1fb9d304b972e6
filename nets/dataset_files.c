/* dataset_files.c — sets decoded from image files at get time: image folders
 * (labels from sub-folder names) and landmark sets (.pts, .asf, dlib XML). One
 * state serves all: per sample an image path, a label, K keypoints, a box. */
#include "dataset_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    ob_strlist paths;    /* n image paths */
    int *labels;         /* n, or NULL */
    float *kp;           /* n * K * 2, or NULL */
    float *boxes;        /* n * 4, or NULL */
    int rel_kp;          /* kp relative to the image size (IMM) */
    int has_boxes;       /* dlib XML */
    int has_opts;
    ob_dataset_opts opts;
    ob_strlist classes;  /* folder sets */
    int64_t kp_cap, n_kp_samples;
} files_state;

static ob_status files_get(const ob_dataset *ds, ob_sample *out, int64_t i)
{
    const files_state *st = ds->state;
    int k = ds->n_keypoints;
    if (k) {
        out->kp = malloc((size_t)k * 2 * sizeof(float));
        if (!out->kp) return OB_FAIL(OB_ERR_NOMEM, "out of memory for keypoints");
        memcpy(out->kp, st->kp + i * k * 2, (size_t)k * 2 * sizeof(float));
        out->n_kp = k;
    }
    if (st->has_boxes) {
        out->has_box = 1;
        memcpy(out->box, st->boxes + i * 4, sizeof out->box);
    }
    out->label = st->labels ? st->labels[i] : -1;
    return ob_dataset_load_image(out, st->paths.items[i], st->has_opts ? &st->opts : NULL, out->kp, k, st->rel_kp);
}

static const char *files_path(const ob_dataset *ds, int64_t i)
{
    return ((const files_state *)ds->state)->paths.items[i];
}

static void files_destroy(ob_dataset *ds)
{
    files_state *st = ds->state;
    if (!st) return;
    ob_strlist_free(&st->paths);
    ob_strlist_free(&st->classes);
    free(st->labels), free(st->kp), free(st->boxes), free(st);
    ds->state = NULL;
}

static ob_status files_new(ob_dataset **out, const char *source, const ob_dataset_opts *opts)
{
    *out = NULL;
    ob_dataset *ds = calloc(1, sizeof *ds);
    files_state *st = calloc(1, sizeof *st);
    if (!ds || !st) {
        free(ds), free(st);
        return OB_FAIL(OB_ERR_NOMEM, "out of memory opening %s", source);
    }
    snprintf(ds->source, sizeof ds->source, "%s", source);
    ds->state = st, ds->get = files_get, ds->sample_path = files_path, ds->destroy = files_destroy;
    ob_status s = ob_dataset_check_opts(ds, opts);
    if (s != OB_OK) {
        ob_dataset_close(ds);
        return s;
    }
    if (opts) st->has_opts = 1, st->opts = *opts;
    *out = ds;
    return OB_OK;
}

/* Appends one landmark sample: image path, k points (and a box or NULL). */
static ob_status files_add_landmarks(ob_dataset *ds, const char *image, const float *kp, int k, const float *box,
                                     const char *from)
{
    files_state *st = ds->state;
    if (!ob_file_exists(image))
        return OB_FAIL(OB_ERR_FORMAT, "%s: names image %s, which does not exist", from, image);
    if (ds->n_keypoints == 0) ds->n_keypoints = k;
    if (k != ds->n_keypoints)
        return OB_FAIL(OB_ERR_FORMAT, "%s: %d points, but earlier samples of %s have %d", from, k, ds->source,
                       ds->n_keypoints);
    if (st->n_kp_samples == st->kp_cap) {
        int64_t cap = st->kp_cap ? st->kp_cap * 2 : 64;
        float *p = realloc(st->kp, (size_t)(cap * k * 2) * sizeof(float));
        if (p) st->kp = p;
        float *b = p ? realloc(st->boxes, (size_t)cap * 4 * sizeof(float)) : NULL;
        if (b) st->boxes = b;
        if (!p || !b) return OB_FAIL(OB_ERR_NOMEM, "out of memory reading %s", from);
        st->kp_cap = cap;
    }
    memcpy(st->kp + st->n_kp_samples * k * 2, kp, (size_t)k * 2 * sizeof(float));
    if (box) memcpy(st->boxes + st->n_kp_samples * 4, box, 4 * sizeof(float)), st->has_boxes = 1;
    st->n_kp_samples++;
    OB_TRY(ob_strlist_push(&st->paths, image));
    ds->n = st->paths.n;
    return OB_OK;
}

static ob_status finish(ob_dataset **out, ob_dataset *ds, ob_status s, const char *what)
{
    if (s == OB_OK && ds->n == 0) s = OB_FAIL(OB_ERR_FORMAT, "%s: no %s found", ds->source, what);
    if (s != OB_OK) {
        ob_dataset_close(ds);
        *out = NULL;
        return s;
    }
    *out = ds;
    return OB_OK;
}

/* ---- image folders -------------------------------------------------------- */

ob_status ob_dataset_open_folder(ob_dataset **out, const char *root, const ob_dataset_opts *opts)
{
    OB_REQUIRE(out && root, "ob_dataset_open_folder: NULL argument");
    ob_dataset *ds;
    OB_TRY(files_new(&ds, root, opts));
    files_state *st = ds->state;
    ob_status s = ob_list_dir(&st->classes, root, 1);
    int64_t cap = 0;
    for (int64_t c = 0; s == OB_OK && c < st->classes.n; c++) {
        char *dir = ob_path_join(root, st->classes.items[c]);
        ob_strlist files = {0};
        s = dir ? ob_list_dir(&files, dir, 0) : OB_FAIL(OB_ERR_NOMEM, "out of memory");
        for (int64_t f = 0; s == OB_OK && f < files.n; f++) {
            if (!ob_is_image_name(files.items[f])) continue;
            char *p = ob_path_join(dir, files.items[f]);
            s = p ? ob_strlist_push(&st->paths, p) : OB_FAIL(OB_ERR_NOMEM, "out of memory");
            free(p);
            if (s == OB_OK && st->paths.n > cap) {
                cap = cap ? cap * 2 : 256;
                int *l = realloc(st->labels, (size_t)cap * sizeof *l);
                if (!l) s = OB_FAIL(OB_ERR_NOMEM, "out of memory");
                else st->labels = l;
            }
            if (s == OB_OK) st->labels[st->paths.n - 1] = (int)c;
        }
        ob_strlist_free(&files);
        free(dir);
    }
    if (s == OB_OK && st->classes.n == 0)
        s = OB_FAIL(OB_ERR_FORMAT, "%s: no class sub-folders (expected ROOT/CLASS/IMAGE)", root);
    ds->n = st->paths.n;
    ds->n_classes = (int)st->classes.n;
    ds->class_names = (const char *const *)st->classes.items;
    return finish(out, ds, s, "images (.png .jpg .jpeg .hdr .pfm) in its class sub-folders");
}

/* ---- iBUG .pts ------------------------------------------------------------ */

static ob_status read_text(char **text, const char *path)
{
    uint8_t *data;
    size_t size;
    OB_TRY(ob_read_file_all(&data, &size, path, (size_t)64 << 20));
    char *t = realloc(data, size + 1);
    if (!t) {
        free(data);
        return OB_FAIL(OB_ERR_NOMEM, "out of memory reading %s", path);
    }
    t[size] = '\0';
    if (memchr(t, '\0', size)) {
        free(t);
        return OB_FAIL(OB_ERR_FORMAT, "%s: binary content in a text file", path);
    }
    *text = t;
    return OB_OK;
}

/* Next line of *cur (without its end) into a NUL-terminated span; NULL at the end. */
static char *next_line(char **cur)
{
    char *p = *cur;
    if (!*p) return NULL;
    char *e = p + strcspn(p, "\r\n");
    if (*e == '\r' && e[1] == '\n') *e = '\0', *cur = e + 2;
    else if (*e) *e = '\0', *cur = e + 1;
    else *cur = e;
    return p;
}

static int blank(const char *l)
{
    while (*l == ' ' || *l == '\t') l++;
    return *l == '\0';
}

static ob_status parse_floats(float *dst, int n, const char *line, const char *path, int lineno, int allow_more)
{
    const char *p = line;
    for (int i = 0; i < n; i++) {
        char *end;
        double v = strtod(p, &end);
        if (end == p || !isfinite(v) || fabs(v) > 1e7)
            return OB_FAIL(OB_ERR_FORMAT, "%s:%d: expected %d numbers, got \"%.60s\"", path, lineno, n, line);
        dst[i] = (float)v;
        p = end;
    }
    if (!allow_more && !blank(p))
        return OB_FAIL(OB_ERR_FORMAT, "%s:%d: unexpected \"%.40s\" after %d numbers", path, lineno, p, n);
    return OB_OK;
}

static ob_status pts_parse_text(float **kp, int *k, char *text, const char *path)
{
    char *cur = text, *line;
    int lineno = 0, n = -1, state = 0, got = 0; /* state 0 header, 1 points, 2 done */
    float *pts = NULL;
    ob_status s = OB_OK;
    while (s == OB_OK && (line = next_line(&cur))) {
        lineno++;
        if (blank(line)) continue;
        if (state == 0) {
            int v;
            if (sscanf(line, " version: %d", &v) == 1) continue;
            if (sscanf(line, " n_points: %d", &v) == 1) {
                if (pts) /* found by tests/fuzz: a second n_points leaked the first block */
                    s = OB_FAIL(OB_ERR_FORMAT, "%s:%d: n_points given twice", path, lineno);
                else if (v < 1 || v > OB_DATASET_MAX_KEYPOINTS)
                    s = OB_FAIL(OB_ERR_FORMAT, "%s:%d: n_points %d outside 1..%d", path, lineno, v,
                                OB_DATASET_MAX_KEYPOINTS);
                else if (!(pts = malloc((size_t)v * 2 * sizeof *pts)))
                    s = OB_FAIL(OB_ERR_NOMEM, "out of memory");
                n = v;
                continue;
            }
            if (strchr(line, '{') && n > 0 && blank(strchr(line, '{') + 1)) {
                state = 1;
                continue;
            }
            s = OB_FAIL(OB_ERR_FORMAT, "%s:%d: expected \"version: 1\", \"n_points: N\" then \"{\", got \"%.60s\"",
                        path, lineno, line);
        } else if (state == 1) {
            if (strchr(line, '}')) {
                if (got != n)
                    s = OB_FAIL(OB_ERR_FORMAT, "%s:%d: n_points says %d, %d points given", path, lineno, n, got);
                state = 2;
                continue;
            }
            if (got == n) {
                s = OB_FAIL(OB_ERR_FORMAT, "%s:%d: more than n_points = %d points", path, lineno, n);
                break;
            }
            s = parse_floats(pts + 2 * got, 2, line, path, lineno, 0);
            got++;
        } else {
            s = OB_FAIL(OB_ERR_FORMAT, "%s:%d: content after the closing \"}\"", path, lineno);
        }
    }
    if (s == OB_OK && state != 2)
        s = OB_FAIL(OB_ERR_FORMAT, "%s: truncated: %s", path, state == 0 ? "no \"{\" point block" : "no closing \"}\"");
    if (s != OB_OK) {
        free(pts);
        return s;
    }
    *kp = pts, *k = n;
    return OB_OK;
}

ob_status ob_pts_parse(float **kp, int *k, const char *path)
{
    *kp = NULL, *k = 0;
    char *text = NULL;
    OB_TRY(read_text(&text, path));
    ob_status s = pts_parse_text(kp, k, text, path);
    free(text);
    return s;
}

/* The image beside NAME.ext with the same stem; NULL (and a message) if none. */
static char *sibling_image(const char *dir, const char *name, const char *ext, const char *from)
{
    static const char *exts[] = {".png", ".jpg", ".jpeg", ".PNG", ".JPG", ".JPEG", ".bmp"};
    size_t stem = strlen(name) - strlen(ext);
    for (size_t e = 0; e < sizeof exts / sizeof *exts; e++) {
        char buf[1024];
        snprintf(buf, sizeof buf, "%.*s%s", (int)stem, name, exts[e]);
        char *p = ob_path_join(dir, buf);
        if (p && ob_file_exists(p)) return p;
        free(p);
    }
    OB_FAIL(OB_ERR_FORMAT, "%s: no image beside it (%.*s.png/.jpg/.jpeg does not exist)", from, (int)stem, name);
    return NULL;
}

ob_status ob_dataset_open_pts(ob_dataset **out, const char *dir, const ob_dataset_opts *opts)
{
    OB_REQUIRE(out && dir, "ob_dataset_open_pts: NULL argument");
    ob_dataset *ds;
    OB_TRY(files_new(&ds, dir, opts));
    ob_strlist files;
    ob_status s = ob_list_dir(&files, dir, 0);
    for (int64_t f = 0; s == OB_OK && f < files.n; f++) {
        if (!ob_has_ext(files.items[f], ".pts")) continue;
        char *path = ob_path_join(dir, files.items[f]);
        float *kp = NULL;
        int k = 0;
        s = path ? ob_pts_parse(&kp, &k, path) : OB_FAIL(OB_ERR_NOMEM, "out of memory");
        char *img = s == OB_OK ? sibling_image(dir, files.items[f], ".pts", path) : NULL;
        if (s == OB_OK && !img) s = OB_ERR_FORMAT;
        if (s == OB_OK) s = files_add_landmarks(ds, img, kp, k, NULL, path);
        free(img), free(kp), free(path);
    }
    /* an image without its .pts is a set with a hole, not an image to skip */
    for (int64_t f = 0; s == OB_OK && f < files.n; f++) {
        const char *name = files.items[f], *dot = strrchr(name, '.');
        if (name[0] == '.' || !dot || !(ob_has_ext(name, ".png") || ob_has_ext(name, ".jpg") || ob_has_ext(name, ".jpeg")))
            continue;
        char buf[1024];
        snprintf(buf, sizeof buf, "%.*s.pts", (int)(dot - name), name);
        char *pts = ob_path_join(dir, buf), *img = ob_path_join(dir, name);
        if (!pts || !img) s = OB_FAIL(OB_ERR_NOMEM, "out of memory");
        else if (!ob_file_exists(pts)) s = OB_FAIL(OB_ERR_FORMAT, "%s: an image with no landmark file (%s)", img, buf);
        free(pts), free(img);
    }
    ob_strlist_free(&files);
    return finish(out, ds, s, ".pts files");
}

/* ---- IMM .asf ------------------------------------------------------------- */

static ob_status asf_parse_text(float **kp, int *k, char *image, size_t cap, char *text, const char *path)
{
    char *cur = text, *line;
    int lineno = 0, n = -1, got = 0;
    float *pts = NULL;
    ob_status s = OB_OK;
    image[0] = '\0';
    while (s == OB_OK && (line = next_line(&cur))) {
        lineno++;
        while (*line == ' ' || *line == '\t') line++;
        if (!*line || *line == '#') continue;
        if (n < 0) {
            char *end;
            long v = strtol(line, &end, 10);
            if (end == line || !blank(end) || v < 1 || v > OB_DATASET_MAX_KEYPOINTS) {
                s = OB_FAIL(OB_ERR_FORMAT, "%s:%d: expected the point count (1..%d), got \"%.60s\"", path, lineno,
                            OB_DATASET_MAX_KEYPOINTS, line);
                break;
            }
            n = (int)v;
            if (!(pts = malloc((size_t)n * 2 * sizeof *pts))) s = OB_FAIL(OB_ERR_NOMEM, "out of memory");
        } else if (got < n) {
            float f[7]; /* path type x y point_num from to */
            s = parse_floats(f, 7, line, path, lineno, 1);
            if (s == OB_OK && f[4] != (float)got)
                s = OB_FAIL(OB_ERR_FORMAT, "%s:%d: point number %g, expected %d (points must come in order)", path,
                            lineno, f[4], got);
            if (s == OB_OK && (f[2] < -0.5f || f[2] > 1.5f || f[3] < -0.5f || f[3] > 1.5f))
                s = OB_FAIL(OB_ERR_FORMAT, "%s:%d: relative coordinates (%g, %g) far outside [0, 1]", path, lineno,
                            f[2], f[3]);
            if (s == OB_OK) pts[2 * got] = f[2], pts[2 * got + 1] = f[3], got++;
        } else if (!image[0]) {
            size_t len = strcspn(line, " \t");
            if (len >= cap) s = OB_FAIL(OB_ERR_FORMAT, "%s:%d: image name too long", path, lineno);
            else memcpy(image, line, len), image[len] = '\0';
        } else {
            s = OB_FAIL(OB_ERR_FORMAT, "%s:%d: unexpected \"%.60s\" after the host image name", path, lineno, line);
        }
    }
    if (s == OB_OK && (n < 0 || got < n || !image[0]))
        s = OB_FAIL(OB_ERR_FORMAT, "%s: truncated: %s", path,
                    n < 0 ? "no point count" : got < n ? "fewer points than the count says" : "no host image name");
    if (s != OB_OK) {
        free(pts);
        return s;
    }
    *kp = pts, *k = n;
    return OB_OK;
}

ob_status ob_asf_parse(float **kp, int *k, char *image, size_t image_cap, const char *path)
{
    *kp = NULL, *k = 0;
    char *text;
    OB_TRY(read_text(&text, path));
    ob_status s = asf_parse_text(kp, k, image, image_cap, text, path);
    free(text);
    return s;
}

ob_status ob_dataset_open_asf(ob_dataset **out, const char *dir, const ob_dataset_opts *opts)
{
    OB_REQUIRE(out && dir, "ob_dataset_open_asf: NULL argument");
    ob_dataset *ds;
    OB_TRY(files_new(&ds, dir, opts));
    ((files_state *)ds->state)->rel_kp = 1;
    ob_strlist files;
    ob_status s = ob_list_dir(&files, dir, 0);
    for (int64_t f = 0; s == OB_OK && f < files.n; f++) {
        if (!ob_has_ext(files.items[f], ".asf")) continue;
        char *path = ob_path_join(dir, files.items[f]), name[512];
        float *kp = NULL;
        int k = 0;
        s = path ? ob_asf_parse(&kp, &k, name, sizeof name, path) : OB_FAIL(OB_ERR_NOMEM, "out of memory");
        char *img = s == OB_OK ? ob_path_join(dir, name) : NULL;
        if (s == OB_OK) s = img ? files_add_landmarks(ds, img, kp, k, NULL, path) : OB_FAIL(OB_ERR_NOMEM, "oom");
        free(img), free(kp), free(path);
    }
    ob_strlist_free(&files);
    return finish(out, ds, s, ".asf files");
}

/* ---- dlib XML (imglab) ---------------------------------------------------- */

/* The value of attribute `name` inside the tag [tag, end) into buf; 0 if absent. */
static int xml_attr(char *buf, size_t cap, const char *tag, const char *end, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = tag + 1; p + nl + 2 < end; p++) {
        if ((p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n' && p[-1] != '\r') || strncmp(p, name, nl)) continue;
        const char *q = p + nl;
        while (q < end && (*q == ' ' || *q == '\t')) q++;
        if (q >= end || *q != '=') continue;
        q++;
        while (q < end && (*q == ' ' || *q == '\t')) q++;
        if (q >= end || (*q != '\'' && *q != '"')) return 0;
        const char *v = q + 1, *ve = memchr(v, *q, (size_t)(end - v));
        if (!ve || (size_t)(ve - v) >= cap) return 0;
        memcpy(buf, v, (size_t)(ve - v));
        buf[ve - v] = '\0';
        return 1;
    }
    return 0;
}

static int xml_num(double *v, const char *tag, const char *end, const char *name)
{
    char buf[64], *e;
    if (!xml_attr(buf, sizeof buf, tag, end, name)) return 0;
    *v = strtod(buf, &e);
    return e != buf && blank(e) && isfinite(*v) && fabs(*v) < 1e7;
}

static int line_of(const char *text, const char *p)
{
    int n = 1;
    for (const char *q = text; q < p; q++) n += *q == '\n';
    return n;
}

/* One box: its parts up to </box>. *cur moves past it. */
static ob_status xml_box(ob_dataset *ds, const char *image, const char *text, const char **cur, const char *path,
                         int self_closing, float box[4], float *kp, int *k)
{
    int n = 0;
    unsigned char seen[OB_DATASET_MAX_KEYPOINTS] = {0};
    const char *p = *cur;
    while (!self_closing) {
        const char *tag = strchr(p, '<');
        if (!tag) return OB_FAIL(OB_ERR_FORMAT, "%s: truncated: <box> without </box>", path);
        const char *end = strchr(tag, '>');
        if (!end) return OB_FAIL(OB_ERR_FORMAT, "%s:%d: unterminated tag", path, line_of(text, tag));
        p = end + 1;
        if (!strncmp(tag, "</box", 5)) break;
        if (strncmp(tag, "<part", 5) || (tag[5] != ' ' && tag[5] != '\t'))
            return OB_FAIL(OB_ERR_FORMAT, "%s:%d: unexpected tag inside <box> (only <part> allowed)", path,
                           line_of(text, tag));
        char name[32], *e;
        double x, y;
        if (!xml_attr(name, sizeof name, tag, end, "name") || !xml_num(&x, tag, end, "x") ||
            !xml_num(&y, tag, end, "y"))
            return OB_FAIL(OB_ERR_FORMAT, "%s:%d: <part> needs name, x and y (numbers)", path, line_of(text, tag));
        long idx = strtol(name, &e, 10);
        if (e == name || *e || idx < 0 || idx >= OB_DATASET_MAX_KEYPOINTS || seen[idx])
            return OB_FAIL(OB_ERR_FORMAT, "%s:%d: part name '%s' is not a new index 0..%d", path, line_of(text, tag),
                           name, OB_DATASET_MAX_KEYPOINTS - 1);
        seen[idx] = 1;
        kp[2 * idx] = (float)x, kp[2 * idx + 1] = (float)y;
        n = idx + 1 > n ? (int)idx + 1 : n;
    }
    *cur = p;
    for (int i = 0; i < n; i++)
        if (!seen[i]) return OB_FAIL(OB_ERR_FORMAT, "%s: a box of %s lacks part %d of 0..%d", path, image, i, n - 1);
    *k = n;
    return OB_OK;
}

static ob_status xml_parse(ob_dataset *ds, const char *text, const char *path, const char *dir)
{
    float *kp = malloc(OB_DATASET_MAX_KEYPOINTS * 2 * sizeof *kp);
    if (!kp) return OB_FAIL(OB_ERR_NOMEM, "out of memory");
    char image[2048] = "";
    const char *p = text;
    ob_status s = OB_OK;
    int in_image = 0, saw_dataset = 0;
    while (s == OB_OK) {
        const char *tag = strchr(p, '<');
        if (!tag) break;
        const char *end = strchr(tag, '>');
        if (!end) {
            s = OB_FAIL(OB_ERR_FORMAT, "%s:%d: unterminated tag", path, line_of(text, tag));
            break;
        }
        p = end + 1;
        int self_closing = end > tag && end[-1] == '/';
        if (!strncmp(tag, "<dataset", 8)) saw_dataset = 1;
        if (!strncmp(tag, "<image", 6) && (tag[6] == ' ' || tag[6] == '\t')) {
            char file[900];
            if (!xml_attr(file, sizeof file, tag, end, "file")) {
                s = OB_FAIL(OB_ERR_FORMAT, "%s:%d: <image> without a file attribute", path, line_of(text, tag));
                break;
            }
            if (file[0] == '/') snprintf(image, sizeof image, "%s", file);
            else snprintf(image, sizeof image, "%s/%s", dir, file);
            in_image = !self_closing;
        } else if (!strncmp(tag, "</image", 7)) {
            in_image = 0;
        } else if (!strncmp(tag, "<box", 4) && (tag[4] == ' ' || tag[4] == '\t')) {
            if (!in_image) {
                s = OB_FAIL(OB_ERR_FORMAT, "%s:%d: <box> outside an <image>", path, line_of(text, tag));
                break;
            }
            double t, l, w, h;
            char ign[8] = "0";
            if (!xml_num(&t, tag, end, "top") || !xml_num(&l, tag, end, "left") || !xml_num(&w, tag, end, "width") ||
                !xml_num(&h, tag, end, "height")) {
                s = OB_FAIL(OB_ERR_FORMAT, "%s:%d: <box> needs numeric top, left, width and height", path,
                            line_of(text, tag));
                break;
            }
            xml_attr(ign, sizeof ign, tag, end, "ignore");
            float box[4] = {(float)l, (float)t, (float)w, (float)h};
            int k = 0;
            char from[1200];
            snprintf(from, sizeof from, "%s:%d", path, line_of(text, tag));
            s = xml_box(ds, image, text, &p, path, self_closing, box, kp, &k);
            if (s != OB_OK) break;
            if (!strcmp(ign, "1")) continue;
            if (k == 0) {
                s = OB_FAIL(OB_ERR_FORMAT, "%s: a box without <part> landmarks (not a landmark file?)", from);
                break;
            }
            s = files_add_landmarks(ds, image, kp, k, box, from);
        }
    }
    if (s == OB_OK && !saw_dataset) s = OB_FAIL(OB_ERR_FORMAT, "%s: no <dataset> element: not a dlib XML file", path);
    free(kp);
    return s;
}

ob_status ob_dataset_open_dlib_xml(ob_dataset **out, const char *xml_path, const ob_dataset_opts *opts)
{
    OB_REQUIRE(out && xml_path, "ob_dataset_open_dlib_xml: NULL argument");
    ob_dataset *ds;
    OB_TRY(files_new(&ds, xml_path, opts));
    char *text = NULL;
    ob_status s = read_text(&text, xml_path);
    if (s == OB_OK) {
        char dir[1024];
        const char *slash = strrchr(xml_path, '/');
        if (slash) snprintf(dir, sizeof dir, "%.*s", (int)(slash - xml_path), xml_path);
        else snprintf(dir, sizeof dir, ".");
        s = xml_parse(ds, text, xml_path, dir);
    }
    free(text);
    return finish(out, ds, s, "<box> landmarks");
}
