/* fuzz_cifar.c — the CIFAR-10 binary batch reader: one batch file; one that
 * opens has its first and last samples read. */
#include "fuzz_common.h" /* first: it sets _GNU_SOURCE */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ob_fuzz_quiet();
    const char *path = ob_fuzz_file(0, data, size);
    ob_dataset *ds = NULL;
    if (ob_dataset_open_cifar10(&ds, &path, 1) == OB_OK) ob_fuzz_touch_dataset(ds);
    return 0;
}
