/* test_hdr_times.c — exposure times from lists, times files, EXIF and names,
 * and every way they can be wrong. */
#include <libexif/exif-data.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_hdr_times.h"
#include "ob_image_io.h"
#include "ob_test.h"

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

/* A small JPEG (our writer) with an APP1 EXIF segment (libexif) carrying
 * ExposureTime num/den, inserted right after SOI as cameras place it. */
static void write_exif_jpeg(const char *path, unsigned num, unsigned den)
{
    ob_tensor img;
    int64_t shape[3] = {3, 8, 8};
    ob_tensor_zeros(&img, OB_F32, OB_HOST, 3, shape);
    char plain[512];
    snprintf(plain, sizeof plain, "%s.plain.jpg", path);
    OB_CHECK_OK(ob_image_write(plain, &img, OB_FMT_JPEG, 8));
    ob_tensor_free(&img);

    ExifData *ed = exif_data_new();
    exif_data_set_byte_order(ed, EXIF_BYTE_ORDER_INTEL);
    ExifEntry *e = exif_entry_new();
    exif_content_add_entry(ed->ifd[EXIF_IFD_EXIF], e);
    exif_entry_initialize(e, EXIF_TAG_EXPOSURE_TIME);
    ExifRational r = {num, den};
    exif_set_rational(e->data, EXIF_BYTE_ORDER_INTEL, r);
    exif_entry_unref(e);
    unsigned char *exif = NULL;
    unsigned int exif_len = 0;
    exif_data_save_data(ed, &exif, &exif_len);
    exif_data_unref(ed);

    FILE *in = fopen(plain, "rb");
    fseek(in, 0, SEEK_END);
    long n = ftell(in);
    fseek(in, 0, SEEK_SET);
    unsigned char *jpg = malloc((size_t)n);
    OB_CHECK(fread(jpg, 1, (size_t)n, in) == (size_t)n, "read back %s", plain);
    fclose(in);
    FILE *out = fopen(path, "wb");
    unsigned char app1[4] = {0xFF, 0xE1, (unsigned char)((exif_len + 2) >> 8), (unsigned char)((exif_len + 2) & 0xFF)};
    fwrite(jpg, 1, 2, out); /* SOI */
    fwrite(app1, 1, 4, out);
    fwrite(exif, 1, exif_len, out);
    fwrite(jpg + 2, 1, (size_t)n - 2, out);
    fclose(out);
    free(jpg);
    free(exif);
    remove(plain);
}

static void test_seconds(void)
{
    double t = 0;
    OB_CHECK(ob_parse_seconds(&t, "1/250") == OB_OK && fabs(t - 0.004) < 1e-15, "1/250 -> %g", t);
    OB_CHECK(ob_parse_seconds(&t, "0.5") == OB_OK && t == 0.5, "0.5");
    OB_CHECK(ob_parse_seconds(&t, "2") == OB_OK && t == 2, "2");
    OB_CHECK_FAILS(ob_parse_seconds(&t, "0"), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_parse_seconds(&t, "-1/30"), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_parse_seconds(&t, "1/0"), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_parse_seconds(&t, "fast"), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_parse_seconds(&t, "1/30s"), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_parse_seconds(&t, "inf"), OB_ERR_ARG);
    OB_CHECK(ob_time_from_name(&t, "/x/y/1_1024.png") == OB_OK && t == 1.0 / 1024, "1_1024.png -> %g", t);
    OB_CHECK(ob_time_from_name(&t, "4_1.png") == OB_OK && t == 4, "4_1.png");
    OB_CHECK_FAILS(ob_time_from_name(&t, "IMG_0001.png"), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_time_from_name(&t, "photo.png"), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_time_from_name(&t, "1_0.png"), OB_ERR_ARG);
}

static void test_sources(void)
{
    const char *names[3] = {"/d/a.png", "/d/b.png", "/d/c.png"};
    double t[3];
    char src[64];
    OB_CHECK_OK(ob_exposure_times(t, names, 3, "1/100, 1/50,0.04", NULL, src, sizeof src));
    OB_CHECK(t[0] == 0.01 && t[1] == 0.02 && t[2] == 0.04 && strcmp(src, "--times") == 0, "list %g %g %g", t[0], t[1], t[2]);
    OB_CHECK_FAILS(ob_exposure_times(t, names, 3, "1/100,1/50", NULL, NULL, 0), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_exposure_times(t, names, 3, "1/100,1/50,1/25,1/10", NULL, NULL, 0), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_exposure_times(t, names, 3, "1/100,1/100,1/25", NULL, NULL, 0), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "same exposure") != NULL, "duplicate message: %s", ob_last_error());
    OB_CHECK_FAILS(ob_exposure_times(t, names, 3, "1/100,0,1/25", NULL, NULL, 0), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_exposure_times(t, names, 3, "1/100,-2,1/25", NULL, NULL, 0), OB_ERR_ARG);

    char file[512];
    ob_test_path(file, sizeof file, "times.txt");
    write_text(file, "# name seconds\nc.png 1/4\n\na.png 0.0625\nb.png 1/8\n");
    OB_CHECK_OK(ob_exposure_times(t, names, 3, NULL, file, src, sizeof src));
    OB_CHECK(t[0] == 0.0625 && t[1] == 0.125 && t[2] == 0.25, "file %g %g %g", t[0], t[1], t[2]);
    write_text(file, "a.png 1/16\nb.png 1/8\n");
    OB_CHECK_FAILS(ob_exposure_times(t, names, 3, NULL, file, NULL, 0), OB_ERR_ARG); /* c missing */
    write_text(file, "a.png 1/16\nb.png 1/8\nc.png 1/4\nz.png 1/2\n");
    OB_CHECK_FAILS(ob_exposure_times(t, names, 3, NULL, file, NULL, 0), OB_ERR_ARG); /* names a missing file */
    OB_CHECK(strstr(ob_last_error(), "z.png") != NULL, "names the stray file: %s", ob_last_error());
    write_text(file, "a.png 1/16\na.png 1/8\nc.png 1/4\n");
    OB_CHECK_FAILS(ob_exposure_times(t, names, 3, NULL, file, NULL, 0), OB_ERR_ARG); /* twice */
    write_text(file, "a.png 1/16 extra\n");
    OB_CHECK_FAILS(ob_exposure_times(t, names, 3, NULL, file, NULL, 0), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_exposure_times(t, names, 3, NULL, "/nonexistent/times.txt", NULL, 0), OB_ERR_IO);
    OB_CHECK_FAILS(ob_exposure_times(t, names, 3, "1,2,3", file, NULL, 0), OB_ERR_ARG);

    const char *seed_names[2] = {"/s/1_1024.png", "/s/1_256.png"};
    OB_CHECK_OK(ob_exposure_times(t, seed_names, 2, NULL, NULL, src, sizeof src));
    OB_CHECK(t[0] == 1.0 / 1024 && t[1] == 1.0 / 256 && strcmp(src, "file names") == 0, "names %g %g (%s)", t[0], t[1], src);
    OB_CHECK_FAILS(ob_exposure_times(t, names, 3, NULL, NULL, NULL, 0), OB_ERR_ARG); /* nothing says */
}

static void test_exif(void)
{
    char a[512], b[512];
    ob_test_path(a, sizeof a, "exif_a.jpg");
    ob_test_path(b, sizeof b, "exif_b.jpg");
    write_exif_jpeg(a, 1, 250);
    write_exif_jpeg(b, 1, 60);
    double t = 0;
    OB_CHECK(ob_time_from_exif(&t, a) == OB_OK && fabs(t - 1.0 / 250) < 1e-15, "EXIF 1/250 -> %g (%s)", t, ob_last_error());
    const char *paths[2] = {a, b};
    double ts[2];
    char src[64];
    OB_CHECK_OK(ob_exposure_times(ts, paths, 2, NULL, NULL, src, sizeof src));
    OB_CHECK(fabs(ts[1] - 1.0 / 60) < 1e-15 && strcmp(src, "EXIF") == 0, "EXIF stack %g (%s)", ts[1], src);
    /* a JPEG without EXIF has no time */
    ob_tensor img;
    int64_t shape[3] = {1, 4, 4};
    ob_tensor_zeros(&img, OB_F32, OB_HOST, 3, shape);
    char plain[512];
    ob_test_path(plain, sizeof plain, "noexif.jpg");
    OB_CHECK_OK(ob_image_write(plain, &img, OB_FMT_JPEG, 8));
    ob_tensor_free(&img);
    OB_CHECK_FAILS(ob_time_from_exif(&t, plain), OB_ERR_FORMAT);
    remove(a), remove(b), remove(plain);
}

int main(void)
{
    test_seconds();
    test_sources();
    test_exif();
    return ob_test_finish();
}
