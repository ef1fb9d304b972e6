/* fuzz_cifar.c — the CIFAR-10 binary batch reader: one batch file; one that
 * opens has its first and last samples read. */
#include "fuzz_common.h" /* first: it sets _GNU_SOURCE */
#include <string.h>

#include "ob_dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ob_fuzz_quiet();
    const char *path = ob_fuzz_file(0, data, size);
    ob_dataset *ds = NULL;
    if (ob_dataset_open_cifar10(&ds, &path, 1) == OB_OK) {
        ob_sample s;
        memset(&s, 0, sizeof s);
        const int64_t n = ds->n;
        if (n > 0 && ob_dataset_get(ds, &s, 0) == OB_OK) ob_sample_free(&s);
        if (n > 1 && ob_dataset_get(ds, &s, n - 1) == OB_OK) ob_sample_free(&s);
        ob_dataset_close(ds);
    }
    return 0;
}
