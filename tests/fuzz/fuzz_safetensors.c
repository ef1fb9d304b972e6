/* fuzz_safetensors.c — the checkpoint reader (nets/ob_checkpoint.h): the
 * header length, the header JSON, the tensor table and its offsets, the
 * metadata; loaded into a fixed template of three tensors of two dtypes, so
 * a file that parses is also matched, shape- and dtype-checked and copied. */
#include "fuzz_common.h" /* first: it sets _GNU_SOURCE */
#include <string.h>

#include "ob_checkpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ob_fuzz_quiet();
    const char *path = ob_fuzz_file(0, data, size);
    float a[12], b[5];
    uint8_t c[4];
    ob_tensor ta, tb, tc;
    const int64_t sa[2] = {3, 4}, sb[1] = {5}, sc[1] = {4};
    ob_tensor_wrap(&ta, a, OB_F32, OB_HOST, 2, sa);
    ob_tensor_wrap(&tb, b, OB_F32, OB_HOST, 1, sb);
    ob_tensor_wrap(&tc, c, OB_U8, OB_HOST, 1, sc);
    const ob_named_tensor want[3] = {{"conv.weight", &ta}, {"conv.bias", &tb}, {"step", &tc}};
    ob_checkpoint_meta meta;
    memset(&meta, 0, sizeof meta);
    (void)ob_checkpoint_load(path, want, 3, &meta);
    ob_checkpoint_meta_free(&meta); /* safe on the empty meta a failure leaves */
    return 0;
}
