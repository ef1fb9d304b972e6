/* dataset_open.c — ob_dataset_open_path: tell a dataset by what a path holds
 * (the CLI's `--data DIR|FILE`). Only names are looked at here; the loaders
 * check the content. */
#include "dataset_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* dir/name or dir/name.gz when either exists, into buf. */
static int find_plain_or_gz(char *buf, size_t cap, const char *dir, const char *name)
{
    snprintf(buf, cap, "%s/%s", dir, name);
    if (ob_file_exists(buf)) return 1;
    snprintf(buf, cap, "%s/%s.gz", dir, name);
    return ob_file_exists(buf);
}

static ob_status open_idx_dir(ob_dataset **out, const char *dir, int split, int *found)
{
    const char *pre = split ? "t10k" : "train";
    char img[2048], lab[2048], n1[64], n2[64];
    snprintf(n1, sizeof n1, "%s-images-idx3-ubyte", pre);
    snprintf(n2, sizeof n2, "%s-labels-idx1-ubyte", pre);
    if (!find_plain_or_gz(img, sizeof img, dir, n1)) return OB_OK;
    *found = 1;
    if (!find_plain_or_gz(lab, sizeof lab, dir, n2))
        return OB_FAIL(OB_ERR_IO, "%s: has %s but no %s[.gz] beside it", dir, n1, n2);
    return ob_dataset_open_idx(out, img, lab);
}

static ob_status open_cifar_dir(ob_dataset **out, const char *dir, int split, int *found)
{
    char paths[5][2048];
    const char *ptrs[5];
    int n = 0;
    if (split) {
        snprintf(paths[0], sizeof paths[0], "%s/test_batch.bin", dir);
        if (ob_file_exists(paths[0])) ptrs[n] = paths[n], n++;
    } else {
        for (int b = 1; b <= 5; b++) {
            snprintf(paths[n], sizeof paths[n], "%s/data_batch_%d.bin", dir, b);
            if (ob_file_exists(paths[n])) ptrs[n] = paths[n], n++;
        }
    }
    if (!n) return OB_OK;
    *found = 1;
    return ob_dataset_open_cifar10(out, ptrs, n);
}

static int has_file_ext(const char *dir, const char *ext)
{
    ob_strlist files;
    if (ob_list_dir(&files, dir, 0) != OB_OK) return 0;
    int any = 0;
    for (int64_t i = 0; i < files.n && !any; i++) any = ob_has_ext(files.items[i], ext);
    ob_strlist_free(&files);
    return any;
}

static ob_status open_dir(ob_dataset **out, const char *dir, int split, const ob_dataset_opts *opts)
{
    int found = 0;
    OB_TRY(open_idx_dir(out, dir, split, &found));
    if (found) return OB_OK;
    OB_TRY(open_cifar_dir(out, dir, split, &found));
    if (found) return OB_OK;
    char sub[2048];
    snprintf(sub, sizeof sub, "%s/cifar-10-batches-bin", dir);
    if (is_dir(sub)) {
        OB_TRY(open_cifar_dir(out, sub, split, &found));
        if (found) return OB_OK;
    }
    if (has_file_ext(dir, ".pts")) return ob_dataset_open_pts(out, dir, opts);
    if (has_file_ext(dir, ".asf")) return ob_dataset_open_asf(out, dir, opts);
    /* ROOT/train + ROOT/test (or ROOT/val): the split's folder */
    snprintf(sub, sizeof sub, "%s/train", dir);
    if (is_dir(sub)) {
        if (split) {
            snprintf(sub, sizeof sub, "%s/test", dir);
            if (!is_dir(sub)) snprintf(sub, sizeof sub, "%s/val", dir);
            if (!is_dir(sub)) return OB_FAIL(OB_ERR_ARG, "%s: has train/ but no test/ or val/ for the test split", dir);
        }
        return ob_dataset_open_folder(out, sub, opts);
    }
    ob_strlist dirs;
    OB_TRY(ob_list_dir(&dirs, dir, 1));
    int64_t n = dirs.n;
    ob_strlist_free(&dirs);
    if (n) return ob_dataset_open_folder(out, dir, opts);
    return OB_FAIL(OB_ERR_ARG,
                   "%s: cannot tell what dataset this is (looked for idx train/t10k files, CIFAR-10 batches, .pts, "
                   ".asf, class sub-folders)",
                   dir);
}

/* OpenCV's digits image is told by its name alone: any PNG may be 2000 x 1000. */
int ob_dataset_is_digits_png(const char *path)
{
    const char *slash = strrchr(path, '/');
    return !strcasecmp(slash ? slash + 1 : path, "digits.png");
}

ob_status ob_dataset_open_path(ob_dataset **out, const char *path, int split, const ob_dataset_opts *opts)
{
    OB_REQUIRE(out && path, "ob_dataset_open_path: NULL argument");
    OB_REQUIRE(split == 0 || split == 1, "ob_dataset_open_path: split %d (0 train, 1 test)", split);
    *out = NULL;
    if (is_dir(path)) return open_dir(out, path, split, opts);
    if (!ob_file_exists(path)) return OB_FAIL(OB_ERR_IO, "%s: no such file or folder", path);
    if (ob_has_ext(path, ".xml")) return ob_dataset_open_dlib_xml(out, path, opts);
    if (ob_has_ext(path, ".bin")) return ob_dataset_open_cifar10(out, &path, 1);
    if (ob_dataset_is_digits_png(path)) return ob_dataset_open_digits_split(out, path, split);
    const char *at = strstr(path, "images-idx3");
    if (at) {
        size_t len = strlen(path);
        char *lab = malloc(len + 1);
        if (!lab) return OB_FAIL(OB_ERR_NOMEM, "out of memory");
        memcpy(lab, path, len + 1);
        memcpy(lab + (at - path), "labels-idx1", 11);
        ob_status s = ob_file_exists(lab) ? ob_dataset_open_idx(out, path, lab)
                                          : OB_FAIL(OB_ERR_IO, "%s: no label file %s beside it", path, lab);
        free(lab);
        return s;
    }
    return OB_FAIL(OB_ERR_ARG, "%s: cannot tell what dataset this is (a folder, .xml, .bin, digits.png or *images-idx3-ubyte[.gz])",
                   path);
}
