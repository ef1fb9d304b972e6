/* hdr_times.c — exposure times from a list, a times file, EXIF or file names. */
#include "ob_hdr_times.h"

#include <ctype.h>
#include <errno.h>
#include <libexif/exif-data.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

ob_status ob_parse_seconds(double *out, const char *text)
{
    char *end;
    errno = 0;
    double num = strtod(text, &end), den = 1.0;
    if (end == text) return OB_FAIL(OB_ERR_ARG, "'%s' is not a time in seconds (e.g. 0.004 or 1/250)", text);
    if (*end == '/') {
        const char *d = end + 1;
        den = strtod(d, &end);
        if (end == d) return OB_FAIL(OB_ERR_ARG, "'%s' is not a fraction (e.g. 1/250)", text);
    }
    while (isspace((unsigned char)*end)) end++;
    if (*end != '\0') return OB_FAIL(OB_ERR_ARG, "'%s' is not a time in seconds (e.g. 0.004 or 1/250)", text);
    double t = num / den;
    if (errno == ERANGE || !isfinite(t) || den == 0) return OB_FAIL(OB_ERR_ARG, "time '%s' is not finite", text);
    if (t <= 0) return OB_FAIL(OB_ERR_ARG, "time '%s' must be positive", text);
    *out = t;
    return OB_OK;
}

ob_status ob_time_from_name(double *out, const char *path)
{
    const char *name = base_name(path);
    char buf[256];
    const char *dot = strrchr(name, '.');
    size_t len = dot ? (size_t)(dot - name) : strlen(name);
    if (len == 0 || len >= sizeof buf) return OB_FAIL(OB_ERR_ARG, "%s: no exposure time in the name", path);
    memcpy(buf, name, len);
    buf[len] = '\0';
    char *us = strchr(buf, '_');
    if (!us || strchr(us + 1, '_')) return OB_FAIL(OB_ERR_ARG, "%s: no exposure time in the name (expected A_B.ext = A/B seconds)", path);
    *us = '/';
    for (char *p = buf; *p; p++)
        if (!isdigit((unsigned char)*p) && *p != '/' && *p != '.')
            return OB_FAIL(OB_ERR_ARG, "%s: no exposure time in the name (expected A_B.ext = A/B seconds)", path);
    ob_status s = ob_parse_seconds(out, buf);
    return s == OB_OK ? s : OB_FAIL(s, "%s: the name gives no valid exposure time (%s)", path, buf);
}

ob_status ob_time_from_exif(double *out, const char *path)
{
    ExifData *ed = exif_data_new_from_file(path);
    if (!ed) return OB_FAIL(OB_ERR_FORMAT, "%s: no EXIF data", path);
    ExifEntry *e = exif_data_get_entry(ed, EXIF_TAG_EXPOSURE_TIME);
    ob_status s = OB_OK;
    if (!e || e->format != EXIF_FORMAT_RATIONAL || e->components < 1 || e->size < 8) {
        s = OB_FAIL(OB_ERR_FORMAT, "%s: EXIF has no ExposureTime", path);
    } else {
        ExifRational r = exif_get_rational(e->data, exif_data_get_byte_order(ed));
        if (r.numerator == 0 || r.denominator == 0)
            s = OB_FAIL(OB_ERR_FORMAT, "%s: EXIF ExposureTime %u/%u is not a time", path, r.numerator, r.denominator);
        else *out = (double)r.numerator / r.denominator;
    }
    exif_data_unref(ed);
    return s;
}

static ob_status from_list(double *times, const char *const *paths, int n, const char *list)
{
    char *copy = strdup(list);
    if (!copy) return OB_FAIL(OB_ERR_NOMEM, "out of memory");
    int i = 0;
    ob_status s = OB_OK;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok && s == OB_OK; tok = strtok_r(NULL, ",", &save), i++) {
        while (isspace((unsigned char)*tok)) tok++;
        if (i >= n) {
            s = OB_FAIL(OB_ERR_ARG, "--times gives more than %d times for %d images", n, n);
            break;
        }
        s = ob_parse_seconds(&times[i], tok);
        if (s != OB_OK) s = OB_FAIL(OB_ERR_ARG, "--times entry %d (for %s): %s", i + 1, paths[i], ob_last_error());
    }
    free(copy);
    if (s == OB_OK && i != n)
        s = OB_FAIL(OB_ERR_ARG, "--times gives %d times for %d images", i, n);
    return s;
}

static ob_status from_file(double *times, const char *const *paths, int n, const char *file)
{
    FILE *f = fopen(file, "r");
    if (!f) return OB_FAIL(OB_ERR_IO, "cannot open times file %s: %s", file, strerror(errno));
    for (int i = 0; i < n; i++) times[i] = 0;
    char line[1024], name[512], secs[128];
    int lineno = 0;
    ob_status s = OB_OK;
    while (s == OB_OK && fgets(line, sizeof line, f)) {
        lineno++;
        char *p = line;
        while (isspace((unsigned char)*p)) p++;
        if (*p == '\0' || *p == '#') continue;
        char extra[8];
        if (sscanf(p, "%511s %127s %7s", name, secs, extra) != 2) {
            s = OB_FAIL(OB_ERR_ARG, "%s:%d: expected 'FILENAME SECONDS'", file, lineno);
            break;
        }
        int match = -1;
        for (int i = 0; i < n && match < 0; i++)
            if (strcmp(base_name(paths[i]), base_name(name)) == 0) match = i;
        double t;
        if (match < 0) s = OB_FAIL(OB_ERR_ARG, "%s:%d: %s is not one of the input images", file, lineno, name);
        else if (times[match] != 0) s = OB_FAIL(OB_ERR_ARG, "%s:%d: %s is listed twice", file, lineno, name);
        else if (ob_parse_seconds(&t, secs) != OB_OK) s = OB_FAIL(OB_ERR_ARG, "%s:%d: %s", file, lineno, ob_last_error());
        else times[match] = t;
    }
    fclose(f);
    for (int i = 0; s == OB_OK && i < n; i++)
        if (times[i] == 0) s = OB_FAIL(OB_ERR_ARG, "times file %s has no line for %s", file, base_name(paths[i]));
    return s;
}

static ob_status per_input(double *times, const char *const *paths, int n, int *from_exif)
{
    *from_exif = 0;
    for (int i = 0; i < n; i++) {
        if (ob_time_from_exif(&times[i], paths[i]) == OB_OK) {
            (*from_exif)++;
            continue;
        }
        if (ob_time_from_name(&times[i], paths[i]) != OB_OK)
            return OB_FAIL(OB_ERR_ARG,
                           "no exposure time for %s: give --times, --times-file, JPEGs with EXIF, or names like 1_1024.png",
                           paths[i]);
    }
    return OB_OK;
}

ob_status ob_exposure_times(double *times, const char *const *paths, int n, const char *list, const char *file,
                            char *source, size_t source_len)
{
    OB_REQUIRE(n >= 1, "no input images");
    OB_REQUIRE(!(list && file), "give either --times or --times-file, not both");
    char where[64];
    if (list) {
        OB_TRY(from_list(times, paths, n, list));
        snprintf(where, sizeof where, "--times");
    } else if (file) {
        OB_TRY(from_file(times, paths, n, file));
        snprintf(where, sizeof where, "times file");
    } else {
        int exif = 0;
        OB_TRY(per_input(times, paths, n, &exif));
        snprintf(where, sizeof where, exif == n ? "EXIF" : exif ? "EXIF and file names" : "file names");
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (times[i] == times[j])
                return OB_FAIL(OB_ERR_ARG, "%s and %s have the same exposure time (%g s): a stack needs distinct times",
                               paths[j], paths[i], times[i]);
    if (source) snprintf(source, source_len, "%s", where);
    return OB_OK;
}
