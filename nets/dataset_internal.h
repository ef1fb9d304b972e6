/* dataset_internal.h — helpers shared by the dataset loaders (not public). */
#ifndef OB_DATASET_INTERNAL_H
#define OB_DATASET_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ob_dataset.h"

/* A malloc'd growable list of malloc'd strings. */
typedef struct {
    char **items;
    int64_t n, cap;
} ob_strlist;

ob_status ob_strlist_push(ob_strlist *l, const char *s);
void ob_strlist_free(ob_strlist *l);
void ob_strlist_sort(ob_strlist *l);

/* Names in `dir` (no "." entries) that are directories (want_dirs 1) or regular
 * files (0), sorted. */
ob_status ob_list_dir(ob_strlist *out, const char *dir, int want_dirs);
/* "dir/name" into a new malloc'd string (NULL on overflow of memory). */
char *ob_path_join(const char *dir, const char *name);
/* 1 when name ends with ext (case-insensitive, ext with its dot). */
int ob_has_ext(const char *name, const char *ext);
/* 1 for the extensions the folder loader decodes. */
int ob_is_image_name(const char *name);
/* 1 when path names an existing regular file. */
int ob_file_exists(const char *path);

/* Decode `path`, apply opts (channels, resize); keypoints kp (k, 2) scaled with
 * the resize. rel_kp: kp are relative (IMM) and become pixels of the original
 * image first. Fills s->image; s->kp is left to the caller (kp is modified in
 * place). */
ob_status ob_dataset_load_image(ob_sample *s, const char *path, const ob_dataset_opts *opts, float *kp, int k,
                                int rel_kp);
/* Checks opts (NULL fine) and fills the dataset's fixed size from it. */
ob_status ob_dataset_check_opts(ob_dataset *ds, const ob_dataset_opts *opts);

/* Whole file into memory, gunzipped when it is gzip (zlib reads plain files as
 * they are). At most `cap` bytes; more is OB_ERR_FORMAT. */
ob_status ob_read_file_all(uint8_t **data, size_t *size, const char *path, size_t cap);

#endif
