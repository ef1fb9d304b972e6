/* dataset_digits.c — OpenCV's 5000 handwritten digits (samples/data/digits.png:
 * one 2000 x 1000 gray image of 100 x 50 cells of 20 x 20, five cell rows per
 * digit 0..9) as MNIST-style samples: each cell centred by its centre of mass
 * in a 28 x 28 field, as MNIST itself was made. Decoded and centred once at
 * open (5000 x 784 floats, 15.7 MB), so get is a copy and the state is never
 * written after open (get is thread-safe). */
#include "dataset_internal.h"
#include "ob_image_io.h"
#include "ob_log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIGITS_W 2000
#define DIGITS_H 1000
#define DIGITS_CELL 20            /* cell side in the file */
#define DIGITS_COLS (DIGITS_W / DIGITS_CELL)
#define DIGITS_ROWS (DIGITS_H / DIGITS_CELL)
#define DIGITS_ROWS_PER_CLASS (DIGITS_ROWS / 10)
#define DIGITS_FIELD 28           /* MNIST's field */
#define DIGITS_TEST_COLS 10       /* the last tenth of every row: split 1 */

static const char *const digit_names[10] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

typedef struct {
    float *pixels;  /* (n, 1, 28, 28) */
    uint8_t *labels; /* n */
    char path[512];
} digits_state;

static ob_status digits_get(const ob_dataset *ds, ob_sample *out, int64_t i)
{
    const digits_state *st = ds->state;
    int64_t shape[3] = {1, DIGITS_FIELD, DIGITS_FIELD};
    OB_TRY(ob_tensor_alloc(&out->image, OB_F32, OB_HOST, 3, shape));
    const size_t m = DIGITS_FIELD * DIGITS_FIELD;
    memcpy(ob_tensor_f32(&out->image), st->pixels + (size_t)i * m, m * sizeof(float));
    out->label = st->labels[i];
    return OB_OK;
}

static const char *digits_path(const ob_dataset *ds, int64_t i)
{
    (void)i;
    return ((const digits_state *)ds->state)->path;
}

static void digits_destroy(ob_dataset *ds)
{
    digits_state *st = ds->state;
    if (st) free(st->pixels), free(st->labels), free(st);
    ds->state = NULL;
}

/* MNIST's centring (LeCun, Cortes, Burges: the digits "were centered in a
 * 28x28 image by computing the center of mass of the pixels, and translating
 * the image so as to position this point at the center of the 28x28 field"):
 * the intensity-weighted centre (cx, cy) of the 20 x 20 cell, pixel centres at
 * integers, is moved to (13.5, 13.5) by a whole-pixel shift, 13.5 - c rounded
 * to the nearest integer (halves up), so the centre lands within 0.5 px of the
 * field's centre and the pixel values are copied, not resampled. A blank cell
 * takes the plain placement (shift 4: its centre 9.5 -> 13.5). Ink shifted out
 * of the field is dropped; returns how many inked pixels were. field is
 * (28, 28), zeroed here; cell is 20 x 20 with row stride `stride`. */
static int digits_centre(float *field, const float *cell, int64_t stride)
{
    double mass = 0, mx = 0, my = 0;
    for (int y = 0; y < DIGITS_CELL; y++)
        for (int x = 0; x < DIGITS_CELL; x++) {
            double v = cell[y * stride + x];
            mass += v, mx += v * x, my += v * y;
        }
    const double mid = (DIGITS_FIELD - 1) / 2.0;
    int dx = (DIGITS_FIELD - DIGITS_CELL) / 2, dy = dx;
    if (mass > 0) dx = (int)floor(mid - mx / mass + 0.5), dy = (int)floor(mid - my / mass + 0.5);
    memset(field, 0, DIGITS_FIELD * DIGITS_FIELD * sizeof *field);
    int dropped = 0;
    for (int y = 0; y < DIGITS_CELL; y++)
        for (int x = 0; x < DIGITS_CELL; x++) {
            float v = cell[y * stride + x];
            int fx = x + dx, fy = y + dy;
            if (fx >= 0 && fx < DIGITS_FIELD && fy >= 0 && fy < DIGITS_FIELD) field[fy * DIGITS_FIELD + fx] = v;
            else dropped += v > 0;
        }
    return dropped;
}

/* The cells of columns col_lo..col_hi-1, column by column (top to bottom in
 * each), from the decoded gray image px (1000, 2000). The file is sorted by
 * digit; this order deals the digits out evenly, so any leading run of samples
 * (--limit N, the first images the training statistics are taken from) holds
 * every digit alike, and a trailing run of columns is a balanced held-out set. */
static ob_status digits_fill(ob_dataset *ds, const float *px, int col_lo, int col_hi)
{
    digits_state *st = ds->state;
    const int64_t n = (int64_t)DIGITS_ROWS * (col_hi - col_lo);
    const size_t m = DIGITS_FIELD * DIGITS_FIELD;
    st->pixels = malloc((size_t)n * m * sizeof *st->pixels);
    st->labels = malloc((size_t)n);
    if (!st->pixels || !st->labels) return OB_FAIL(OB_ERR_NOMEM, "%s: out of memory for %lld digits", st->path, (long long)n);
    int64_t i = 0, dropped = 0;
    for (int c = col_lo; c < col_hi; c++)
        for (int r = 0; r < DIGITS_ROWS; r++, i++) {
            const float *cell = px + (int64_t)r * DIGITS_CELL * DIGITS_W + c * DIGITS_CELL;
            dropped += digits_centre(st->pixels + (size_t)i * m, cell, DIGITS_W);
            st->labels[i] = (uint8_t)(r / DIGITS_ROWS_PER_CLASS);
        }
    /* not an error (MNIST would have cropped too), but the data changed: say so */
    if (dropped)
        ob_log_info("%s: centring moved %lld inked pixel(s) out of the 28x28 field; they were dropped", st->path,
                    (long long)dropped);
    ds->n = n;
    return OB_OK;
}

/* Reads, checks and converts the file; keeps columns col_lo..col_hi-1. */
static ob_status digits_open(ob_dataset **out, const char *png_path, int col_lo, int col_hi, const char *what)
{
    OB_REQUIRE(out && png_path, "ob_dataset_open_digits: NULL argument");
    *out = NULL;
    ob_tensor img = {0};
    OB_TRY(ob_image_read(&img, NULL, png_path));
    const int h = (int)img.shape[1], w = (int)img.shape[2];
    ob_status s = OB_OK;
    if (w != DIGITS_W || h != DIGITS_H)
        s = OB_FAIL(OB_ERR_FORMAT,
                    "%s: %d x %d pixels; OpenCV's digits.png is %d x %d (%d x %d cells of %d x %d, %d rows per digit)",
                    png_path, w, h, DIGITS_W, DIGITS_H, DIGITS_COLS, DIGITS_ROWS, DIGITS_CELL, DIGITS_CELL,
                    DIGITS_ROWS_PER_CLASS);
    /* the file is gray; gray+alpha keeps the gray, RGB(A) becomes luma, as the
     * loaders' channels option converts */
    if (s == OB_OK) s = ob_image_to_channels(&img, 1);
    ob_dataset *ds = NULL;
    digits_state *st = NULL;
    if (s == OB_OK) {
        ds = calloc(1, sizeof *ds), st = calloc(1, sizeof *st);
        if (!ds || !st) {
            free(ds), free(st), ds = NULL;
            s = OB_FAIL(OB_ERR_NOMEM, "out of memory opening %s", png_path);
        }
    }
    if (s == OB_OK) {
        if (what) snprintf(ds->source, sizeof ds->source, "%.480s (%s)", png_path, what);
        else snprintf(ds->source, sizeof ds->source, "%s", png_path);
        snprintf(st->path, sizeof st->path, "%s", png_path);
        ds->state = st, ds->get = digits_get, ds->sample_path = digits_path, ds->destroy = digits_destroy;
        ds->channels = 1, ds->height = DIGITS_FIELD, ds->width = DIGITS_FIELD;
        ds->n_classes = 10, ds->class_names = digit_names;
        s = digits_fill(ds, ob_tensor_f32(&img), col_lo, col_hi);
    }
    ob_tensor_free(&img);
    if (s != OB_OK) {
        ob_dataset_close(ds);
        return s;
    }
    *out = ds;
    return OB_OK;
}

ob_status ob_dataset_open_digits(ob_dataset **out, const char *png_path)
{
    return digits_open(out, png_path, 0, DIGITS_COLS, NULL);
}

ob_status ob_dataset_open_digits_split(ob_dataset **out, const char *png_path, int split)
{
    OB_REQUIRE(split == 0 || split == 1, "ob_dataset_open_digits_split: split %d (0 train, 1 test)", split);
    const int cut = DIGITS_COLS - DIGITS_TEST_COLS;
    return split ? digits_open(out, png_path, cut, DIGITS_COLS, "test: columns 90..99")
                 : digits_open(out, png_path, 0, cut, "train: columns 0..89");
}
