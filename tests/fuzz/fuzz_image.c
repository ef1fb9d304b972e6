/* fuzz_image.c — every image reader (PNG, JPEG with EXIF, Radiance .hdr, PFM,
 * OpenEXR; the format is sniffed from the bytes): ob_image_probe,
 * ob_image_read, ob_image_read_native, and the EXIF exposure time. */
#include "fuzz_common.h" /* first: it sets _GNU_SOURCE */
#include "ob_hdr_times.h"
#include "ob_image_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ob_fuzz_quiet();
    const char *path = ob_fuzz_file(0, data, size);
    ob_image_info info;
    ob_tensor t;
    (void)ob_image_probe(&info, path);
    if (ob_image_read(&t, &info, path) == OB_OK) ob_tensor_free(&t);
    if (ob_image_read_native(&t, &info, path) == OB_OK) ob_tensor_free(&t);
    double seconds;
    (void)ob_time_from_exif(&seconds, path);
    return 0;
}
