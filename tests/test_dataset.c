/* test_dataset.c — the dataset loaders on small files written here with known
 * content (idx plain and gzip, CIFAR-10, an image folder, .pts, .asf, dlib XML),
 * and every corrupt input refused with OB_ERR_FORMAT and a message naming the
 * file. The real Fashion-MNIST files are checked by test_fashion_mnist.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "ob_dataset.h"
#include "ob_image_io.h"
#include "ob_test.h"

static char tmp[512];

static const char *path_in(char *buf, const char *name)
{
    snprintf(buf, 1024, "%.500s/%.500s", tmp, name);
    return buf;
}

static void write_bytes(const char *path, const void *data, size_t n, int gz)
{
    if (gz) {
        gzFile f = gzopen(path, "wb");
        gzwrite(f, data, (unsigned)n);
        gzclose(f);
    } else {
        FILE *f = fopen(path, "wb");
        fwrite(data, 1, n, f);
        fclose(f);
    }
}

/* A new folder NAME in the scratch folder, its path into dir. */
static void fresh_dir(char *dir, const char *name)
{
    path_in(dir, name);
    mkdir(dir, 0755);
}

/* "dir/name" into p (2048 bytes); returns p. */
static const char *at(char *p, const char *dir, const char *name)
{
    snprintf(p, 2048, "%.1000s/%.1000s", dir, name);
    return p;
}

static void write_text(const char *path, const char *text) { write_bytes(path, text, strlen(text), 0); }

static void put_be32(uint8_t *p, uint32_t v) { p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v; }

/* n images rows x cols: pixel (i, y, x) = (i * 7 + y * cols + x) & 255; labels i % 10. */
static void write_idx(const char *img, const char *lab, uint32_t n, uint32_t rows, uint32_t cols, uint32_t n_lab,
                      int gz, uint32_t img_magic, long trunc)
{
    size_t isz = 16 + (size_t)n * rows * cols;
    uint8_t *b = malloc(isz);
    put_be32(b, img_magic), put_be32(b + 4, n), put_be32(b + 8, rows), put_be32(b + 12, cols);
    for (size_t i = 0; i < n; i++)
        for (size_t p = 0; p < rows * cols; p++) b[16 + i * rows * cols + p] = (uint8_t)((i * 7 + p) & 255);
    write_bytes(img, b, trunc >= 0 ? (size_t)trunc : isz, gz);
    free(b);
    uint8_t *l = malloc(8 + n_lab);
    put_be32(l, 0x801), put_be32(l + 4, n_lab);
    for (uint32_t i = 0; i < n_lab; i++) l[8 + i] = (uint8_t)(i % 10);
    write_bytes(lab, l, 8 + n_lab, gz);
    free(l);
}

#define CHECK_MSG_NAMES(needle)                                                                        \
    OB_CHECK(strstr(ob_last_error(), needle) != NULL, "message \"%s\" should name %s", ob_last_error(), \
             needle)

static void test_idx(void)
{
    char img[1024], lab[1024];
    for (int gz = 0; gz <= 1; gz++) {
        path_in(img, gz ? "i.idx.gz" : "i.idx"), path_in(lab, gz ? "l.idx.gz" : "l.idx");
        write_idx(img, lab, 5, 3, 4, 5, gz, 0x803, -1);
        ob_dataset *ds = NULL;
        OB_CHECK_OK(ob_dataset_open_idx(&ds, img, lab));
        if (!ds) continue;
        OB_CHECK(ds->n == 5 && ds->channels == 1 && ds->height == 3 && ds->width == 4 && ds->n_classes == 5,
                 "idx gz=%d: n %lld, shape %d %d %d, classes %d", gz, (long long)ds->n, ds->channels, ds->height,
                 ds->width, ds->n_classes);
        ob_sample s;
        OB_CHECK_OK(ob_dataset_get(ds, &s, 3));
        float *px = ob_tensor_f32(&s.image);
        OB_CHECK(s.label == 3 && s.image.shape[1] == 3 && fabsf(px[5] - (3 * 7 + 5) / 255.0f) < 1e-6f && s.n_kp == 0,
                 "idx gz=%d sample 3: label %d, px[5] %g", gz, s.label, px[5]);
        ob_sample_free(&s);
        OB_CHECK_FAILS(ob_dataset_get(ds, &s, 5), OB_ERR_ARG);
        ob_dataset_close(ds);
    }
    ob_dataset *ds = NULL;
    path_in(img, "bad.idx"), path_in(lab, "badl.idx");
    write_idx(img, lab, 5, 3, 4, 5, 0, 0x804, -1); /* wrong magic */
    OB_CHECK_FAILS(ob_dataset_open_idx(&ds, img, lab), OB_ERR_FORMAT);
    CHECK_MSG_NAMES(img);
    write_idx(img, lab, 5, 3, 4, 5, 0, 0x803, 16 + 5 * 12 - 7); /* truncated payload */
    OB_CHECK_FAILS(ob_dataset_open_idx(&ds, img, lab), OB_ERR_FORMAT);
    CHECK_MSG_NAMES("truncated");
    write_idx(img, lab, 5, 3, 4, 5, 0, 0x803, 10); /* truncated header */
    OB_CHECK_FAILS(ob_dataset_open_idx(&ds, img, lab), OB_ERR_FORMAT);
    CHECK_MSG_NAMES(img);
    write_idx(img, lab, 5, 3, 4, 4, 0, 0x803, -1); /* 5 images, 4 labels */
    OB_CHECK_FAILS(ob_dataset_open_idx(&ds, img, lab), OB_ERR_FORMAT);
    CHECK_MSG_NAMES("mismatched label counts");
    CHECK_MSG_NAMES(lab);
    write_idx(img, lab, 2, 1, 5000, 2, 0, 0x803, 16); /* absurd dims */
    OB_CHECK_FAILS(ob_dataset_open_idx(&ds, img, lab), OB_ERR_FORMAT);
    CHECK_MSG_NAMES("absurd");
    write_idx(img, lab, 0, 3, 4, 0, 0, 0x803, -1); /* n = 0 */
    OB_CHECK_FAILS(ob_dataset_open_idx(&ds, img, lab), OB_ERR_FORMAT);
    /* a gzip file cut in the middle of its stream */
    char gzp[1024];
    path_in(gzp, "good.idx.gz");
    write_idx(gzp, lab, 50, 28, 28, 50, 1, 0x803, -1);
    FILE *f = fopen(gzp, "rb");
    uint8_t buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    write_bytes(img, buf, n / 2, 0);
    write_idx(gzp, lab, 50, 28, 28, 50, 0, 0x803, 0); /* labels only (image file emptied, unused) */
    OB_CHECK_FAILS(ob_dataset_open_idx(&ds, img, lab), OB_ERR_FORMAT);
    CHECK_MSG_NAMES(img);
    path_in(img, "missing.idx");
    OB_CHECK_FAILS(ob_dataset_open_idx(&ds, img, lab), OB_ERR_IO);
    OB_CHECK(ds == NULL, "failed opens leave *out NULL");
}

/* A subset view: samples, paths and shape come from the base; indices checked. */
static void test_subset(void)
{
    char img[1024], lab[1024];
    path_in(img, "sub.idx"), path_in(lab, "subl.idx");
    write_idx(img, lab, 8, 2, 3, 8, 0, 0x803, -1);
    ob_dataset *base = NULL, *val = NULL;
    OB_CHECK_OK(ob_dataset_open_idx(&base, img, lab));
    if (!base) return;
    const int64_t pick[3] = {6, 1, 6};
    OB_CHECK_OK(ob_dataset_subset(&val, base, pick, 3));
    if (val) {
        OB_CHECK(val->n == 3 && val->height == 2 && val->width == 3 && val->n_classes == base->n_classes,
                 "subset header");
        ob_sample a, b;
        OB_CHECK_OK(ob_dataset_get(val, &a, 1));
        OB_CHECK_OK(ob_dataset_get(base, &b, 1));
        OB_CHECK(a.label == 1 && !memcmp(a.image.data, b.image.data, ob_tensor_nbytes(&a.image)) &&
                     !strcmp(ob_dataset_sample_path(val, 2), img),
                 "subset sample 1 is base sample 1");
        ob_sample_free(&a), ob_sample_free(&b);
        OB_CHECK_FAILS(ob_dataset_get(val, &a, 3), OB_ERR_ARG);
        ob_dataset_close(val);
    }
    const int64_t bad[2] = {0, 8};
    OB_CHECK_FAILS(ob_dataset_subset(&val, base, bad, 2), OB_ERR_ARG);
    ob_dataset_close(base);
}

static void test_cifar(void)
{
    char p1[1024], p2[1024];
    path_in(p1, "c1.bin"), path_in(p2, "c2.bin");
    uint8_t *b = malloc(3 * 3073);
    for (int r = 0; r < 3; r++) {
        b[r * 3073] = (uint8_t)(r + 7);
        for (int p = 0; p < 3072; p++) b[r * 3073 + 1 + p] = (uint8_t)((p + r) & 255);
    }
    write_bytes(p1, b, 3 * 3073, 0);
    write_bytes(p2, b, 2 * 3073, 0);
    const char *paths[2] = {p1, p2};
    ob_dataset *ds = NULL;
    OB_CHECK_OK(ob_dataset_open_cifar10(&ds, paths, 2));
    if (ds) {
        OB_CHECK(ds->n == 5 && ds->channels == 3 && ds->height == 32 && ds->n_classes == 10, "cifar n %lld",
                 (long long)ds->n);
        ob_sample s;
        OB_CHECK_OK(ob_dataset_get(ds, &s, 4)); /* file 2, record 1 */
        float *px = ob_tensor_f32(&s.image);
        /* G plane starts at 1024: byte (1024 + 5 + 1) & 255 */
        OB_CHECK(s.label == 8 && fabsf(px[1024 + 5] - (float)((1024 + 5 + 1) & 255) / 255.0f) < 1e-6f, "cifar sample 4: label %d",
                 s.label);
        ob_sample_free(&s);
        ob_dataset_close(ds);
    }
    write_bytes(p2, b, 2 * 3073 - 100, 0); /* truncated */
    OB_CHECK_FAILS(ob_dataset_open_cifar10(&ds, paths, 2), OB_ERR_FORMAT);
    CHECK_MSG_NAMES(p2);
    b[3073] = 10; /* label out of range */
    write_bytes(p1, b, 3 * 3073, 0);
    OB_CHECK_FAILS(ob_dataset_open_cifar10(&ds, paths, 1), OB_ERR_FORMAT);
    CHECK_MSG_NAMES(p1);
    write_bytes(p1, b, 0, 0);
    OB_CHECK_FAILS(ob_dataset_open_cifar10(&ds, paths, 1), OB_ERR_FORMAT);
    free(b);
}

/* A (c, h, w) PNG whose pixel (k, y, x) = v. */
static void write_png(const char *path, int c, int h, int w, float v)
{
    ob_tensor t;
    int64_t shape[3] = {c, h, w};
    ob_tensor_alloc(&t, OB_F32, OB_HOST, 3, shape);
    for (int64_t i = 0; i < c * h * w; i++) ob_tensor_f32(&t)[i] = v;
    OB_CHECK_OK(ob_image_write(path, &t, OB_FMT_PNG, 8));
    ob_tensor_free(&t);
}

static void test_folder(void)
{
    char root[1024], p[2048];
    fresh_dir(root, "folder");
    snprintf(p, sizeof p, "%s/dog", root), mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/cat", root), mkdir(p, 0755);
    write_png(at(p, root, "cat/b.png"), 3, 8, 10, 0.2f);
    write_png(at(p, root, "cat/a.png"), 1, 6, 6, 0.4f);
    write_text(at(p, root, "cat/notes.txt"), "not an image");
    write_png(at(p, root, "dog/z.png"), 3, 4, 4, 1.0f);
    ob_dataset *ds = NULL;
    OB_CHECK_OK(ob_dataset_open_folder(&ds, root, NULL));
    if (ds) {
        OB_CHECK(ds->n == 3 && ds->n_classes == 2 && !strcmp(ds->class_names[0], "cat") &&
                     !strcmp(ds->class_names[1], "dog"),
                 "folder: n %lld classes %d", (long long)ds->n, ds->n_classes);
        ob_sample s;
        OB_CHECK_OK(ob_dataset_get(ds, &s, 0)); /* cat/a.png */
        OB_CHECK(s.label == 0 && s.image.shape[0] == 1 && s.image.shape[1] == 6, "folder sample 0");
        ob_sample_free(&s);
        OB_CHECK_OK(ob_dataset_get(ds, &s, 2)); /* dog/z.png */
        OB_CHECK(s.label == 1 && strstr(ob_dataset_sample_path(ds, 2), "dog/z.png"), "folder sample 2");
        ob_sample_free(&s);
        ob_dataset_close(ds);
    }
    ob_dataset_opts o = {.width = 5, .height = 4, .channels = 3};
    OB_CHECK_OK(ob_dataset_open_folder(&ds, root, &o));
    if (ds) {
        OB_CHECK(ds->width == 5 && ds->height == 4 && ds->channels == 3, "folder opts fix the shape");
        for (int64_t i = 0; i < ds->n; i++) {
            ob_sample s;
            OB_CHECK_OK(ob_dataset_get(ds, &s, i));
            OB_CHECK(s.image.shape[0] == 3 && s.image.shape[1] == 4 && s.image.shape[2] == 5, "resized sample %lld",
                     (long long)i);
            if (i == 0) /* gray 0.4 replicated, resize of a constant is the constant */
                OB_CHECK(ob_tensor_f32(&s.image)[2 * 20 + 7] > 0.39f && ob_tensor_f32(&s.image)[47] < 0.41f,
                         "gray->RGB value");
            ob_sample_free(&s);
        }
        ob_dataset_close(ds);
    }
    /* a corrupt image fails at get, naming the file */
    write_text(at(p, root, "dog/y.png"), "\x89PNG\r\n\x1a\n garbage");
    OB_CHECK_OK(ob_dataset_open_folder(&ds, root, NULL));
    if (ds) {
        ob_sample s;
        OB_CHECK_FAILS(ob_dataset_get(ds, &s, 2), OB_ERR_FORMAT);
        CHECK_MSG_NAMES("y.png");
        ob_dataset_close(ds);
    }
    path_in(p, "folder/dog");
    OB_CHECK_FAILS(ob_dataset_open_folder(&ds, p, NULL), OB_ERR_FORMAT); /* no class sub-folders */
    o.width = 0;
    OB_CHECK_FAILS(ob_dataset_open_folder(&ds, root, &o), OB_ERR_ARG);
}

static const char *PTS_OK = "version: 1\nn_points:  3\n{\n1.5 2.5\n3 4\n5.25 6\n}\n";

static void test_pts(void)
{
    char dir[1024], p[2048];
    fresh_dir(dir, "pts");
    write_text(at(p, dir, "a.pts"), PTS_OK);
    write_png(at(p, dir, "a.png"), 3, 10, 20, 0.5f);
    write_text(at(p, dir, "b.pts"), "version: 1\r\nn_points: 3\r\n{\r\n0 0\r\n1 1\r\n2 2\r\n}\r\n");
    snprintf(p, sizeof p, "%s/b.jpg", dir);
    {
        ob_tensor t;
        int64_t shape[3] = {3, 10, 20};
        ob_tensor_zeros(&t, OB_F32, OB_HOST, 3, shape);
        OB_CHECK_OK(ob_image_write(p, &t, OB_FMT_JPEG, 0));
        ob_tensor_free(&t);
    }
    /* found by tests/fuzz (regressions/fuzz_landmarks): a second n_points line leaked the first */
    {
        float *kp = NULL;
        int k = 0;
        write_text(at(p, dir, "twice.txt"), "n_points: 1\nn_points: 1\n{\n10.5 20.05\n}\n");
        OB_CHECK_FAILS(ob_pts_parse(&kp, &k, p), OB_ERR_FORMAT);
        OB_CHECK(strstr(ob_last_error(), "n_points given twice") && !kp, "twice: %s", ob_last_error());
    }
    ob_dataset *ds = NULL;
    OB_CHECK_OK(ob_dataset_open_pts(&ds, dir, NULL));
    if (ds) {
        OB_CHECK(ds->n == 2 && ds->n_keypoints == 3, "pts: n %lld K %d", (long long)ds->n, ds->n_keypoints);
        ob_sample s;
        OB_CHECK_OK(ob_dataset_get(ds, &s, 0));
        OB_CHECK(s.n_kp == 3 && s.kp[0] == 1.5f && s.kp[1] == 2.5f && s.kp[4] == 5.25f && s.label == -1,
                 "pts values");
        ob_sample_free(&s);
        ob_dataset_close(ds);
    }
    /* resize 20x10 -> 40x20: x' = (x + 0.5) * 2 - 0.5 */
    ob_dataset_opts o = {.width = 40, .height = 20};
    OB_CHECK_OK(ob_dataset_open_pts(&ds, dir, &o));
    if (ds) {
        ob_sample s;
        OB_CHECK_OK(ob_dataset_get(ds, &s, 0));
        OB_CHECK(s.kp[0] == 3.5f && s.kp[1] == 5.5f && s.image.shape[2] == 40, "pts resized: %g %g", s.kp[0],
                 s.kp[1]);
        ob_sample_free(&s);
        ob_dataset_close(ds);
    }
    static const char *bad[] = {
        "version: 1\nn_points: 3\n{\n1 2\n3 4\n}\n",             /* too few */
        "version: 1\nn_points: 2\n{\n1 2\n3 4\n5 6\n}\n",        /* too many */
        "version: 1\nn_points: 2\n{\n1 2\n3 x\n}\n",             /* not a number */
        "version: 1\nn_points: 2\n{\n1 2\n3 4\n",                /* no closing brace */
        "version: 1\nn_points: -4\n{\n}\n",                      /* absurd count */
        "version: 1\nn_points: 2\n{\n1 2\n3 4 5\n}\n",           /* three numbers */
        "hello\n",                                               /* not a .pts */
        "version: 1\nn_points: 1\n{\nnan 2\n}\n",                /* non-finite */
        "",                                                      /* empty */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        write_text(at(p, dir, "a.pts"), bad[i]);
        OB_CHECK_FAILS(ob_dataset_open_pts(&ds, dir, NULL), OB_ERR_FORMAT);
        CHECK_MSG_NAMES("a.pts");
    }
    write_text(at(p, dir, "a.pts"), PTS_OK);
    write_text(at(p, dir, "c.pts"), PTS_OK); /* no c.png */
    OB_CHECK_FAILS(ob_dataset_open_pts(&ds, dir, NULL), OB_ERR_FORMAT);
    CHECK_MSG_NAMES("c.pts");
    write_png(at(p, dir, "c.png"), 3, 4, 4, 0.0f);
    write_text(at(p, dir, "c.pts"), "version: 1\nn_points: 2\n{\n1 2\n3 4\n}\n");
    OB_CHECK_FAILS(ob_dataset_open_pts(&ds, dir, NULL), OB_ERR_FORMAT); /* K differs */
    CHECK_MSG_NAMES("c.pts");
}

static const char *ASF_OK = "######\n# AAM Shape File\n######\n\n#\n# number of model points\n#\n3\n\n#\n# model points\n"
                              "#\n0\t0\t0.25\t0.5\t0\t2\t1\t0.00\t0.00\t0.00\n0 0 0.5 0.25 1 0 2 0.00 0.00 0.00\n"
                              "0 0 0.75 0.75 2 1 0\n\n#\n# host image\n#\n01-1m.png\n";

static void test_asf(void)
{
    char dir[1024], p[2048];
    fresh_dir(dir, "asf");
    write_text(at(p, dir, "01-1m.asf"), ASF_OK);
    write_png(at(p, dir, "01-1m.png"), 3, 40, 80, 0.5f);
    ob_dataset *ds = NULL;
    OB_CHECK_OK(ob_dataset_open_asf(&ds, dir, NULL));
    if (ds) {
        ob_sample s;
        OB_CHECK_OK(ob_dataset_get(ds, &s, 0));
        OB_CHECK(ds->n_keypoints == 3 && s.kp[0] == 20.0f && s.kp[1] == 20.0f && s.kp[2] == 40.0f &&
                     s.kp[3] == 10.0f && s.kp[5] == 30.0f,
                 "asf: relative -> pixels (%g, %g) (%g, %g)", s.kp[0], s.kp[1], s.kp[2], s.kp[3]);
        ob_sample_free(&s);
        ob_dataset_close(ds);
    }
    static const char *bad[] = {
        "3\n0 0 0.25 0.5 0 2 1\n0 0 0.5 0.25 1 0 2\n01-1m.png\n",                     /* too few points */
        "3\n0 0 0.25 0.5 0 2 1\n0 0 0.5 0.25 2 0 2\n0 0 0.5 0.5 1 0 2\n01-1m.png\n",  /* out of order */
        "3\n0 0 0.25 0.5 0 2 1\n0 0 0.5 0.25 1 0 2\n0 0 0.5 0.5 2 0\n01-1m.png\n",    /* short line */
        "3\n0 0 0.25 0.5 0 2 1\n0 0 0.5 0.25 1 0 2\n0 0 0.5 0.5 2 0 1\n",             /* no image */
        "x\n",                                                                          /* no count */
        "3\n0 0 0.25 0.5 0 2 1\n0 0 7.5 0.25 1 0 2\n0 0 0.5 0.5 2 0 1\n01-1m.png\n",  /* not relative */
        "3\n0 0 0.25 0.5 0 2 1\n0 0 0.5 0.25 1 0 2\n0 0 0.5 0.5 2 0 1\nnope.png\n",   /* missing image */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        write_text(at(p, dir, "01-1m.asf"), bad[i]);
        OB_CHECK_FAILS(ob_dataset_open_asf(&ds, dir, NULL), OB_ERR_FORMAT);
        CHECK_MSG_NAMES("01-1m.asf");
    }
}

static const char *XML_OK = "<?xml version='1.0' encoding='ISO-8859-1'?>\n<dataset>\n<name>t</name>\n<images>\n"
                              "  <image file='f.png' width='40' height='30'>\n"
                              "    <box top='5' left='6' width='10' height='11'>\n"
                              "      <part name='01' x='8' y='9'/>\n      <part name='00' x='7' y='6'/>\n    </box>\n"
                              "    <box top='1' left='1' width='2' height='2' ignore='1'/>\n"
                              "    <box top=\"15\" left=\"16\" width=\"4\" height=\"4\">\n"
                              "      <part name='00' x='17' y='16'/>\n      <part name='01' x='18.5' y='19'/>\n    </box>\n"
                              "  </image>\n</images>\n</dataset>\n";

static void test_xml(void)
{
    char dir[1024], p[2048], x[2048];
    fresh_dir(dir, "xml");
    write_png(at(p, dir, "f.png"), 3, 30, 40, 0.5f);
    path_in(x, "xml/faces.xml");
    write_text(x, XML_OK);
    ob_dataset *ds = NULL;
    OB_CHECK_OK(ob_dataset_open_dlib_xml(&ds, x, NULL));
    if (ds) {
        OB_CHECK(ds->n == 2 && ds->n_keypoints == 2, "xml: n %lld K %d", (long long)ds->n, ds->n_keypoints);
        ob_sample s;
        OB_CHECK_OK(ob_dataset_get(ds, &s, 0));
        OB_CHECK(s.kp[0] == 7 && s.kp[1] == 6 && s.kp[2] == 8 && s.kp[3] == 9 && s.has_box && s.box[0] == 6 &&
                     s.box[1] == 5 && s.box[2] == 10 && s.box[3] == 11,
                 "xml sample 0 (parts by name, box l t w h)");
        ob_sample_free(&s);
        OB_CHECK_OK(ob_dataset_get(ds, &s, 1));
        OB_CHECK(s.kp[2] == 18.5f && s.image.shape[2] == 40, "xml sample 1");
        ob_sample_free(&s);
        ob_dataset_close(ds);
    }
    static const char *bad[] = {
        "<dataset><images><image file='f.png'><box top='5' left='6' width='10' height='11'>"
        "<part name='00' x='7' y='6'/><part name='02' x='7' y='6'/></box></image></images></dataset>", /* gap */
        "<dataset><images><image file='f.png'><box top='5' left='6' width='10' height='11'>"
        "<part name='00' x='7' y='6'/><part name='00' x='7' y='6'/></box></image></images></dataset>", /* dup */
        "<dataset><images><image file='f.png'><box top='5' left='6' width='10' height='11'>"
        "<part name='00' x='7'/></box></image></images></dataset>", /* no y */
        "<dataset><images><image file='f.png'><box top='5' left='6' width='10' height='11'>"
        "<part name='00' x='7' y='6'/>", /* truncated */
        "<dataset><images><image file='f.png'><box top='5' left='6' width='10' height='11'>"
        "<part name='00' x='7' y='6'/></box><box top='5' left='6' width='10' height='11'></box></image></images>"
        "</dataset>", /* box without parts */
        "<dataset><images><image file='g.png'><box top='5' left='6' width='10' height='11'>"
        "<part name='00' x='7' y='6'/></box></image></images></dataset>", /* missing image */
        "<dataset><images><image><box top='5' left='6' width='10' height='11'>"
        "<part name='00' x='7' y='6'/></box></image></images></dataset>", /* no file= */
        "<dataset><images><image file='f.png'><box top='5' left='6' width='ten' height='11'>"
        "<part name='00' x='7' y='6'/></box></image></images></dataset>", /* bad number */
        "<dataset><images><image file='f.png'><box top='5' left='6' width='10' height='11'>"
        "<part name='00' x='7' y='6'/></box><box top='5' left='6' width='10' height='11'>"
        "<part name='00' x='7' y='6'/><part name='01' x='7' y='6'/></box></image></images></dataset>", /* K differs */
        "<images></images>", /* no dataset */
        "<dataset><images><image file='f.png'><box top='5' left='6' width='10' height='11'", /* unterminated */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        write_text(x, bad[i]);
        OB_CHECK_FAILS(ob_dataset_open_dlib_xml(&ds, x, NULL), OB_ERR_FORMAT);
        CHECK_MSG_NAMES("faces.xml");
    }
}

/* Every prefix of a good landmark file: opens, or fails with OB_ERR_FORMAT
 * (never a crash, never another status); run under ASan by the sanitizer build. */
static void test_truncations(void)
{
    char dir[1024], pts_dir[1024], p[2048];
    fresh_dir(dir, "trunc");
    write_png(at(p, dir, "01-1m.png"), 1, 4, 4, 0.5f);
    write_png(at(p, dir, "f.png"), 1, 4, 4, 0.5f);
    /* the .pts set in a folder of its own: an image there without its .pts is refused */
    fresh_dir(pts_dir, "trunc_pts");
    write_png(at(p, pts_dir, "a.png"), 1, 4, 4, 0.5f);
    const char *texts[3] = {PTS_OK, ASF_OK, XML_OK}, *names[3] = {"a.pts", "01-1m.asf", "faces.xml"};
    int bad = 0, total = 0;
    for (int t = 0; t < 3; t++) {
        size_t n = strlen(texts[t]);
        snprintf(p, sizeof p, "%s/%s", t == 0 ? pts_dir : dir, names[t]);
        for (size_t len = 0; len < n; len++) {
            write_bytes(p, texts[t], len, 0);
            ob_dataset *ds = NULL;
            ob_status s = t == 0 ? ob_dataset_open_pts(&ds, pts_dir, NULL)
                          : t == 1 ? ob_dataset_open_asf(&ds, dir, NULL)
                                   : ob_dataset_open_dlib_xml(&ds, p, NULL);
            if (s != OB_OK && s != OB_ERR_FORMAT) bad++, printf("%s cut at %zu: %s\n", names[t], len, ob_last_error());
            if (s != OB_OK && !strstr(ob_last_error(), names[t])) bad++, printf("%s cut at %zu: message lacks the file: %s\n", names[t], len, ob_last_error());
            ob_dataset_close(ds);
            total++;
        }
        remove(p);
    }
    OB_CHECK(bad == 0, "%d of %d truncated landmark files misreported", bad, total);
}

/* ob_dataset_open_path tells the kinds apart by what the path holds. */
static void test_open_path(void)
{
    char d[1024], a[2048], b[2048];
    ob_dataset *ds = NULL;
    fresh_dir(d, "auto_idx");
    snprintf(a, sizeof a, "%s/train-images-idx3-ubyte.gz", d), snprintf(b, sizeof b, "%s/train-labels-idx1-ubyte.gz", d);
    write_idx(a, b, 6, 2, 2, 6, 1, 0x803, -1);
    snprintf(a, sizeof a, "%s/t10k-images-idx3-ubyte", d), snprintf(b, sizeof b, "%s/t10k-labels-idx1-ubyte", d);
    write_idx(a, b, 3, 2, 2, 3, 0, 0x803, -1);
    OB_CHECK_OK(ob_dataset_open_path(&ds, d, 0, NULL));
    OB_CHECK(ds && ds->n == 6, "idx folder, train split");
    ob_dataset_close(ds);
    OB_CHECK_OK(ob_dataset_open_path(&ds, d, 1, NULL));
    OB_CHECK(ds && ds->n == 3, "idx folder, test split");
    ob_dataset_close(ds);
    OB_CHECK_OK(ob_dataset_open_path(&ds, a, 0, NULL)); /* the image file itself */
    OB_CHECK(ds && ds->n == 3, "idx image file");
    ob_dataset_close(ds);
    remove(b);
    OB_CHECK_FAILS(ob_dataset_open_path(&ds, d, 1, NULL), OB_ERR_IO); /* labels missing */

    fresh_dir(d, "auto_cifar");
    uint8_t *rec = calloc(4, 3073);
    write_bytes(at(a, d, "data_batch_1.bin"), rec, 2 * 3073, 0);
    write_bytes(at(a, d, "data_batch_2.bin"), rec, 2 * 3073, 0);
    write_bytes(at(a, d, "test_batch.bin"), rec, 3073, 0);
    free(rec);
    OB_CHECK_OK(ob_dataset_open_path(&ds, d, 0, NULL));
    OB_CHECK(ds && ds->n == 4 && ds->channels == 3, "CIFAR folder, train split");
    ob_dataset_close(ds);
    OB_CHECK_OK(ob_dataset_open_path(&ds, d, 1, NULL));
    OB_CHECK(ds && ds->n == 1, "CIFAR folder, test split");
    ob_dataset_close(ds);

    fresh_dir(d, "auto_split");
    snprintf(a, sizeof a, "%s/train", d), mkdir(a, 0755);
    snprintf(a, sizeof a, "%s/train/x", d), mkdir(a, 0755);
    write_png(at(a, d, "train/x/1.png"), 1, 2, 2, 0);
    write_png(at(a, d, "train/x/2.png"), 1, 2, 2, 0);
    snprintf(a, sizeof a, "%s/val", d), mkdir(a, 0755);
    snprintf(a, sizeof a, "%s/val/x", d), mkdir(a, 0755);
    write_png(at(a, d, "val/x/1.png"), 1, 2, 2, 0);
    OB_CHECK_OK(ob_dataset_open_path(&ds, d, 0, NULL));
    OB_CHECK(ds && ds->n == 2, "train/ folder");
    ob_dataset_close(ds);
    OB_CHECK_OK(ob_dataset_open_path(&ds, d, 1, NULL));
    OB_CHECK(ds && ds->n == 1, "val/ folder as the test split");
    ob_dataset_close(ds);

    path_in(d, "xml/faces.xml");
    write_text(d, XML_OK);
    OB_CHECK_OK(ob_dataset_open_path(&ds, d, 0, NULL));
    OB_CHECK(ds && ds->n_keypoints == 2, "dlib XML by extension");
    ob_dataset_close(ds);
    fresh_dir(d, "auto_empty");
    OB_CHECK_FAILS(ob_dataset_open_path(&ds, d, 0, NULL), OB_ERR_ARG);
    CHECK_MSG_NAMES("auto_empty");
    path_in(d, "auto_missing");
    OB_CHECK_FAILS(ob_dataset_open_path(&ds, d, 0, NULL), OB_ERR_IO);
}

/* dlib's own example set, where installed (Debian libdlib19.1's doc/examples). */
static void test_dlib_examples(void)
{
    const char *x = getenv("OB_DLIB_FACES_XML"); /* else Debian's libdlib19.1 copy */
    if (!x) x = "/usr/share/doc/libdlib19.1/examples/faces/training_with_face_landmarks.xml";
    FILE *f = fopen(x, "r");
    if (!f) {
        printf("dlib examples absent (%s): that check skipped\n", x);
        return;
    }
    fclose(f);
    ob_dataset *ds = NULL;
    OB_CHECK_OK(ob_dataset_open_dlib_xml(&ds, x, NULL));
    if (!ds) return;
    OB_CHECK(ds->n == 18 && ds->n_keypoints == 68, "dlib training faces: %lld boxes, %d points", (long long)ds->n,
             ds->n_keypoints);
    ob_sample s;
    OB_CHECK_OK(ob_dataset_get(ds, &s, 0));
    OB_CHECK(s.kp[0] == 201 && s.kp[1] == 107 && s.image.shape[2] == 500, "first part of 2007_007763.jpg");
    ob_sample_free(&s);
    ob_dataset_close(ds);
}

int main(void)
{
    snprintf(tmp, sizeof tmp, "%s/dataset", ob_test_tmpdir());
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp); /* leftovers of an earlier run would change the sets */
    if (system(cmd) != 0) return 1;
    mkdir(tmp, 0755);
    test_idx();
    test_subset();
    test_cifar();
    test_folder();
    test_pts();
    test_asf();
    test_xml();
    test_truncations();
    test_open_path();
    test_dlib_examples();
    return ob_test_finish();
}
