/* test_dataset_digits.c — the OpenCV digits loader (ob_dataset_open_digits).
 *
 * Synthetic: a 2000 x 1000 PNG written here with random blobs of random
 * intensity in chosen cells, off-centre (corners, edges), a blank cell and one
 * cell built so that a pixel must leave the 28 x 28 field. Each sample must be
 * its cell translated by whole pixels (the values the cell's / 255, nothing
 * resampled), its centre of mass within 0.5 px of (13.5, 13.5) on each axis,
 * its ink (the sum of the 8-bit values) the cell's exactly, less the one
 * dropped pixel where one had to go; labels row / 5, in the documented order;
 * RGB gives the same samples; open_path's split; wrong sizes refused.
 *
 * Real: data/opencv/digits.png (.ci/setup; $OB_OPENCV_DIGITS) when present:
 * 5000 samples, 500 per digit, every one centred within 0.5 px, in [0, 1], no
 * ink dropped; statistics printed beside MNIST's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ob_dataset.h"
#include "ob_image_io.h"
#include "ob_test.h"

enum { W = 2000, H = 1000, CELL = 20, COLS = 100, ROWS = 50, F = 28 };

static char tmp[512];

/* The cell at (row, col) of a u8 image (H, W) into cell (20 x 20 ints). */
static void cell_of(int *cell, const unsigned char *img, int row, int col)
{
    for (int y = 0; y < CELL; y++)
        for (int x = 0; x < CELL; x++) cell[y * CELL + x] = img[(row * CELL + y) * W + col * CELL + x];
}

/* Writes the u8 image as an 8-bit PNG with `channels` 1 (gray) or 3 (gray
 * replicated). */
static void write_png(const char *path, const unsigned char *img, int w, int h, int channels)
{
    int64_t shape[3] = {channels, h, w};
    ob_tensor t;
    if (ob_tensor_alloc(&t, OB_F32, OB_HOST, 3, shape) != OB_OK) exit(1);
    float *p = ob_tensor_f32(&t);
    for (int c = 0; c < channels; c++)
        for (int64_t i = 0; i < (int64_t)w * h; i++) p[c * (int64_t)w * h + i] = img[i] / 255.0f;
    OB_CHECK_OK(ob_image_write(path, &t, OB_FMT_PNG, 8));
    ob_tensor_free(&t);
}

typedef struct {
    double cx, cy;     /* centre of mass of the sample */
    int64_t ink;       /* sum of round(255 v) over the sample */
    int translated;    /* the sample is the cell moved by whole pixels */
    int in_range;      /* every value in [0, 1] */
    int margin;        /* the least distance of ink to the field's edge */
} sample_facts;

/* What a sample is, seen against its cell: found independently of how the
 * loader centres (the shift is read off the first inked pixel in raster order,
 * which a translation keeps first unless it is dropped). */
static sample_facts facts(const float *s, const int *cell)
{
    sample_facts f = {0, 0, 0, 1, 1, F};
    int64_t m = 0; /* the centre from the 8-bit values: exact, so a tie is 0.5 exactly */
    int first_s = -1, first_c = -1;
    for (int p = 0; p < F * F; p++) {
        if (!(s[p] >= 0 && s[p] <= 1)) f.in_range = 0;
        int v = (int)lround(s[p] * 255.0);
        f.ink += v;
        m += v, f.cx += (double)v * (p % F), f.cy += (double)v * (p / F);
        if (v && first_s < 0) first_s = p;
        if (v) {
            int x = p % F, y = p / F, d = x < y ? x : y;
            d = d < F - 1 - x ? d : F - 1 - x;
            d = d < F - 1 - y ? d : F - 1 - y;
            f.margin = d < f.margin ? d : f.margin;
        }
    }
    if (m > 0) f.cx /= (double)m, f.cy /= (double)m;
    else f.cx = f.cy = 13.5;
    for (int p = 0; p < CELL * CELL && first_c < 0; p++)
        if (cell[p]) first_c = p;
    if (first_c < 0 || first_s < 0) {
        for (int p = 0; p < F * F; p++) f.translated &= s[p] == 0; /* blank in, blank out */
        f.translated &= first_c < 0;
        return f;
    }
    const int dx = first_s % F - first_c % CELL, dy = first_s / F - first_c / CELL;
    float want[F * F] = {0};
    for (int p = 0; p < CELL * CELL; p++) {
        int x = p % CELL + dx, y = p / CELL + dy;
        if (x >= 0 && x < F && y >= 0 && y < F) want[y * F + x] = (float)cell[p];
    }
    for (int p = 0; p < F * F; p++) f.translated &= fabsf(s[p] * 255.0f - want[p]) < 1e-3f;
    return f;
}

static int64_t cell_ink(const int *cell)
{
    int64_t s = 0;
    for (int p = 0; p < CELL * CELL; p++) s += cell[p];
    return s;
}

/* within 0.5 px of the field's centre on each axis (0.5 itself: a tie, rounded
 * either way) */
static int centred(const sample_facts *f) { return fabs(f->cx - 13.5) <= 0.5 && fabs(f->cy - 13.5) <= 0.5; }

/* ---- synthetic ------------------------------------------------------------- */

#define N_BLOBS 80
static const int drop_row = 37, drop_col = 61; /* the cell that must lose a pixel */
static const int blank_row = 12, blank_col = 5;

/* Random rectangles of random 8-bit values in N_BLOBS random cells, each at a
 * corner, an edge or anywhere in its cell; the drop cell: a full bright left
 * column and one faint pixel (7) at the right edge (its centre of mass at
 * x ~ 0, so the shift is +13 and x 19 lands at 32, outside the field). */
static unsigned char *synth(void)
{
    unsigned char *img = calloc((size_t)W * H, 1);
    static char used[ROWS][COLS];
    used[drop_row][drop_col] = used[blank_row][blank_col] = 1;
    uint64_t rng = 0xd161757;
    for (int b = 0; b < N_BLOBS; b++) {
        int r, c;
        do r = ob_test_rand_int(&rng, 0, ROWS - 1), c = ob_test_rand_int(&rng, 0, COLS - 1);
        while (used[r][c]);
        used[r][c] = 1;
        int bw = ob_test_rand_int(&rng, 1, 9), bh = ob_test_rand_int(&rng, 1, 9);
        int where = b % 3; /* 0: a corner, 1: an edge, 2: anywhere */
        int x0 = where == 0 ? (b & 4 ? 0 : CELL - bw) : ob_test_rand_int(&rng, 0, CELL - bw);
        int y0 = where == 2 ? ob_test_rand_int(&rng, 0, CELL - bh) : (b & 8 ? 0 : CELL - bh);
        for (int y = 0; y < bh; y++)
            for (int x = 0; x < bw; x++)
                img[(r * CELL + y0 + y) * W + c * CELL + x0 + x] = (unsigned char)ob_test_rand_int(&rng, 1, 255);
    }
    for (int y = 0; y < CELL; y++) img[(drop_row * CELL + y) * W + drop_col * CELL] = 255;
    img[(drop_row * CELL + 10) * W + drop_col * CELL + 19] = 7;
    return img;
}

static void test_synthetic(void)
{
    unsigned char *img = synth();
    char path[1024], rgb_path[1024];
    snprintf(path, sizeof path, "%s/digits.png", tmp);
    snprintf(rgb_path, sizeof rgb_path, "%s/rgb.png", tmp);
    write_png(path, img, W, H, 1);
    write_png(rgb_path, img, W, H, 3);
    ob_dataset *ds = NULL, *rgb = NULL;
    OB_CHECK_OK(ob_dataset_open_digits(&ds, path));
    OB_CHECK_OK(ob_dataset_open_digits(&rgb, rgb_path));
    if (!ds || !rgb) goto done;
    OB_CHECK(ds->n == 5000 && ds->channels == 1 && ds->height == F && ds->width == F && ds->n_classes == 10 &&
                 ds->class_names && !strcmp(ds->class_names[7], "7"),
             "synthetic: n %lld, (%d, %d, %d), %d classes", (long long)ds->n, ds->channels, ds->height, ds->width,
             ds->n_classes);
    int n_bad_label = 0, n_bad = 0, n_checked = 0, n_rgb_differ = 0;
    double worst = 0;
    int64_t dropped = 0;
    for (int64_t i = 0; i < ds->n; i++) {
        const int r = (int)(i % ROWS), c = (int)(i / ROWS); /* the documented order */
        ob_sample s, t;
        if (ob_dataset_get(ds, &s, i) != OB_OK || ob_dataset_get(rgb, &t, i) != OB_OK) {
            OB_CHECK(0, "get %lld: %s", (long long)i, ob_last_error());
            break;
        }
        n_bad_label += s.label != r / 5 || t.label != r / 5;
        int cell[CELL * CELL];
        cell_of(cell, img, r, c);
        const float *px = ob_tensor_f32(&s.image);
        sample_facts f = facts(px, cell);
        int64_t lost = cell_ink(cell) - f.ink;
        int is_drop = r == drop_row && c == drop_col;
        int ok = f.translated && f.in_range && (is_drop ? lost == 7 : lost == 0);
        if (cell_ink(cell)) {
            ok &= centred(&f);
            worst = fmax(worst, fmax(fabs(f.cx - 13.5), fabs(f.cy - 13.5)));
            n_checked++;
        }
        /* luma of a replicated gray is the gray (0.299 + 0.587 + 0.114 = 1) */
        const float *tp = ob_tensor_f32(&t.image);
        for (int p = 0; p < F * F; p++) n_rgb_differ += fabsf(tp[p] - px[p]) > 1e-6f;
        if (!ok && n_bad++ < 5)
            printf("  sample %lld (cell %d, %d): translated %d, in range %d, centre (%.3f, %.3f), ink lost %lld\n",
                   (long long)i, r, c, f.translated, f.in_range, f.cx, f.cy, (long long)lost);
        dropped += lost;
        if (r == blank_row && c == blank_col) OB_CHECK(f.ink == 0 && f.translated, "the blank cell stays blank");
        ob_sample_free(&s), ob_sample_free(&t);
    }
    OB_CHECK(n_bad_label == 0, "synthetic: %d samples with a label other than row / 5", n_bad_label);
    OB_CHECK(n_bad == 0, "synthetic: %d samples not their cell translated and centred with their ink", n_bad);
    OB_CHECK(n_checked >= N_BLOBS, "synthetic: %d inked cells checked (placed %d + 1)", n_checked, N_BLOBS);
    OB_CHECK(dropped == 7, "synthetic: %lld ink dropped over all samples (7 expected: the drop cell's faint pixel)",
             (long long)dropped);
    printf("synthetic: %d inked cells, worst centre offset %.3f px, ink dropped %lld (the drop cell's 7)\n", n_checked,
           worst, (long long)dropped);
    OB_CHECK(n_rgb_differ == 0, "synthetic: the RGB copy's samples differ from the gray's in %d pixels", n_rgb_differ);

    /* --data PATH: the name, any case, and the fixed split (the last tenth held out) */
    char upper[1024];
    snprintf(upper, sizeof upper, "%s/split", tmp);
    mkdir(upper, 0755);
    snprintf(upper, sizeof upper, "%s/split/DIGITS.PNG", tmp);
    write_png(upper, img, W, H, 1);
    ob_dataset *tr = NULL, *te = NULL;
    OB_CHECK_OK(ob_dataset_open_path(&tr, upper, 0, NULL));
    OB_CHECK_OK(ob_dataset_open_path(&te, upper, 1, NULL));
    if (tr && te) {
        OB_CHECK(tr->n == 4500 && te->n == 500 && te->n_classes == 10, "split: train %lld, test %lld", (long long)tr->n,
                 (long long)te->n);
        int per[2][10] = {{0}}, same = 1;
        for (int k = 0; k < 2; k++) {
            ob_dataset *d = k ? te : tr;
            for (int64_t i = 0; i < d->n; i++) {
                ob_sample s, a;
                if (ob_dataset_get(d, &s, i) != OB_OK || ob_dataset_get(ds, &a, i + k * 4500) != OB_OK) break;
                per[k][s.label]++;
                same &= s.label == a.label && !memcmp(ob_tensor_f32(&s.image), ob_tensor_f32(&a.image), F * F * 4);
                ob_sample_free(&s), ob_sample_free(&a);
            }
        }
        for (int d = 0; d < 10; d++)
            OB_CHECK(per[0][d] == 450 && per[1][d] == 50, "split: digit %d: %d train, %d test", d, per[0][d], per[1][d]);
        OB_CHECK(same, "split: train = samples 0..4499 of the whole set, test = 4500..4999");
        OB_CHECK(strstr(te->source, "test") != NULL, "split: the test set says so in its source (%s)", te->source);
    }
    ob_dataset_close(tr), ob_dataset_close(te);
    OB_CHECK_FAILS(ob_dataset_open_digits_split(&tr, upper, 2), OB_ERR_ARG);

done:
    ob_dataset_close(ds), ob_dataset_close(rgb);
    free(img);
}

/* Wrong sizes, a missing file, another PNG name. */
static void test_refused(void)
{
    const int sizes[][2] = {{1000, 1000}, {2000, 1020}, {2020, 1000}, {20, 10}};
    unsigned char *img = calloc((size_t)2020 * 1020, 1); /* the largest of them */
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/digits_%dx%d.png", tmp, sizes[k][0], sizes[k][1]);
        write_png(path, img, sizes[k][0], sizes[k][1], 1);
        ob_dataset *ds = (ob_dataset *)1;
        OB_CHECK_FAILS(ob_dataset_open_digits(&ds, path), OB_ERR_FORMAT);
        OB_CHECK(ds == NULL && strstr(ob_last_error(), path) && strstr(ob_last_error(), "2000 x 1000"),
                 "%d x %d refused naming the file and the size expected: %s", sizes[k][0], sizes[k][1], ob_last_error());
        if (k == 0) printf("refused: %s\n", ob_last_error());
    }
    char path[1024];
    ob_dataset *ds = NULL;
    snprintf(path, sizeof path, "%s/absent/digits.png", tmp);
    OB_CHECK_FAILS(ob_dataset_open_digits(&ds, path), OB_ERR_IO);
    OB_CHECK_FAILS(ob_dataset_open_path(&ds, path, 0, NULL), OB_ERR_IO);
    snprintf(path, sizeof path, "%s/digits_1000x1000.png", tmp); /* not named digits.png: not told apart */
    OB_CHECK_FAILS(ob_dataset_open_path(&ds, path, 0, NULL), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_dataset_open_digits(NULL, path), OB_ERR_ARG);
    free(img);
}

/* ---- the real file ------------------------------------------------------------ */

static int test_real(void)
{
    char def[1024];
    const char *path = getenv("OB_OPENCV_DIGITS");
    if (!path) path = (snprintf(def, sizeof def, "%s/data/opencv/digits.png", ob_test_source_dir()), def);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        printf("OpenCV digits absent (%s; .ci/setup fetches it): the real-data checks skipped\n", path);
        return 0;
    }
    fclose(fp);
    ob_tensor raw = {0};
    ob_dataset *ds = NULL;
    OB_CHECK_OK(ob_image_read(&raw, NULL, path));
    OB_CHECK_OK(ob_dataset_open_digits(&ds, path));
    if (!ds || raw.ndim != 3 || raw.shape[0] != 1) {
        OB_CHECK(0, "%s: not opened as a 1-channel image", path);
        ob_tensor_free(&raw), ob_dataset_close(ds);
        return 1;
    }
    unsigned char *img = malloc((size_t)W * H);
    const float *rp = ob_tensor_f32(&raw);
    int64_t bright_border = 0, border = 0;
    for (int64_t p = 0; p < (int64_t)W * H; p++) {
        img[p] = (unsigned char)lround(rp[p] * 255.0);
        int x = (int)(p % W) % CELL, y = (int)(p / W) % CELL;
        if (x == 0 || y == 0 || x == CELL - 1 || y == CELL - 1) border++, bright_border += img[p] > 127;
    }
    OB_CHECK(ds->n == 5000, "real: %lld samples", (long long)ds->n);
    int per[10] = {0}, n_bad = 0, n_blank = 0, least_margin = F;
    double worst = 0, sum = 0, sum2 = 0, ink_per[10] = {0};
    for (int64_t i = 0; i < ds->n; i++) {
        ob_sample s;
        if (ob_dataset_get(ds, &s, i) != OB_OK) {
            OB_CHECK(0, "real: get %lld: %s", (long long)i, ob_last_error());
            break;
        }
        const int r = (int)(i % ROWS), c = (int)(i / ROWS);
        int cell[CELL * CELL];
        cell_of(cell, img, r, c);
        const float *px = ob_tensor_f32(&s.image);
        sample_facts f = facts(px, cell);
        int ok = s.label == r / 5 && f.translated && f.in_range && f.ink == cell_ink(cell);
        if (f.ink) {
            ok &= centred(&f);
            worst = fmax(worst, fmax(fabs(f.cx - 13.5), fabs(f.cy - 13.5)));
            least_margin = f.margin < least_margin ? f.margin : least_margin;
        } else n_blank++;
        if (!ok && n_bad++ < 5)
            printf("  real sample %lld (cell %d, %d): label %d, translated %d, centre (%.3f, %.3f), ink %lld of %lld\n",
                   (long long)i, r, c, s.label, f.translated, f.cx, f.cy, (long long)f.ink, (long long)cell_ink(cell));
        if (s.label >= 0 && s.label < 10) per[s.label]++, ink_per[s.label] += f.ink / 255.0;
        for (int p = 0; p < F * F; p++) sum += px[p], sum2 += (double)px[p] * px[p];
        ob_sample_free(&s);
    }
    for (int d = 0; d < 10; d++) OB_CHECK(per[d] == 500, "real: digit %d has %d samples", d, per[d]);
    OB_CHECK(n_bad == 0, "real: %d samples not their cell centred with all their ink (label row / 5)", n_bad);
    /* white ink on black: the cell borders are background */
    OB_CHECK(bright_border * 100 < border, "real: %lld of %lld cell-border pixels bright: not white ink on black?",
             (long long)bright_border, (long long)border);
    const double n_px = (double)ds->n * F * F, mean = sum / n_px;
    printf("real %s: %lld samples, 500 per digit, %d blank; worst centre offset %.3f px; no ink dropped; ink "
           "reaches %d px from the field's edge at the closest\n",
           path, (long long)ds->n, n_blank, worst, least_margin);
    printf("real: pixel mean %.4f, std %.4f (MNIST's: 0.1307, 0.3081); mean ink per digit 0..9:", mean,
           sqrt(sum2 / n_px - mean * mean));
    for (int d = 0; d < 10; d++) printf(" %.1f", ink_per[d] / 500);
    printf("\nreal: bright cell-border pixels %lld of %lld (background black, ink white)\n", (long long)bright_border,
           (long long)border);
    ob_dataset *te = NULL;
    OB_CHECK_OK(ob_dataset_open_path(&te, path, 1, NULL));
    OB_CHECK(te && te->n == 500, "real: --data digits.png test split has %lld", te ? (long long)te->n : -1LL);
    ob_dataset_close(te);
    free(img);
    ob_tensor_free(&raw);
    ob_dataset_close(ds);
    return 1;
}

int main(void)
{
    snprintf(tmp, sizeof tmp, "%s/dataset_digits", ob_test_tmpdir());
    mkdir(tmp, 0755);
    test_synthetic();
    test_refused();
    test_real();
    return ob_test_finish();
}
