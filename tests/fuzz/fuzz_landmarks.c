/* fuzz_landmarks.c — the landmark files: iBUG .pts, IMM .asf, and dlib's
 * XML (its image paths point nowhere, so a file that parses fails at the
 * first image: the parser itself is what runs). The first byte picks the
 * reader, the rest is the file. */
#include "fuzz_common.h" /* first: it sets _GNU_SOURCE */
#include <stdlib.h>

#include "ob_dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ob_fuzz_quiet();
    if (size < 1) return 0;
    const char *path = ob_fuzz_file(0, data + 1, size - 1);
    float *kp = NULL;
    int k = 0;
    switch (data[0] % 3) {
    case 0:
        if (ob_pts_parse(&kp, &k, path) == OB_OK) free(kp);
        break;
    case 1: {
        char image[512];
        if (ob_asf_parse(&kp, &k, image, sizeof image, path) == OB_OK) free(kp);
        break;
    }
    default: {
        ob_dataset *ds = NULL;
        const ob_dataset_opts o = {0}; /* images as they are */
        if (ob_dataset_open_dlib_xml(&ds, path, &o) == OB_OK) ob_dataset_close(ds);
    }
    }
    return 0;
}
