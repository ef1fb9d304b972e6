/* fuzz_idx.c — the idx reader (MNIST / Fashion-MNIST; plain or gzip, sniffed
 * by zlib) and the dataset on top of it: the first byte splits the input into
 * an images file and a labels file; a pair that opens has its first and last
 * samples read. */
#include "fuzz_common.h" /* first: it sets _GNU_SOURCE */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ob_fuzz_quiet();
    if (size < 1) return 0;
    const size_t cut = 1 + (size - 1) * data[0] / 255;
    const char *images = ob_fuzz_file(0, data + 1, cut - 1), *labels = ob_fuzz_file(1, data + cut, size - cut);
    ob_dataset *ds = NULL;
    if (ob_dataset_open_idx(&ds, images, labels) == OB_OK) ob_fuzz_touch_dataset(ds);
    return 0;
}
