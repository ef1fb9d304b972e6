/* fuzz_cli.c — the CLI argument parser (pipelines/cli/cli_args.c): the input,
 * split at NUL bytes, is the argument vector of the verb its first byte
 * picks (every verb's option table), then each argument also goes through
 * the value parsers (doubles, bounded ints, seeds, WxH sizes). The verbs are
 * not run. */
#include "fuzz_common.h" /* first: it sets _GNU_SOURCE */
#include <string.h>

#include "cli.h"

static const ob_cli_verb *const verbs[] = {
    &ob_verb_align_face, &ob_verb_bilateral, &ob_verb_blend, &ob_verb_demo,     &ob_verb_denoise,
    &ob_verb_eval,       &ob_verb_faceswap,  &ob_verb_fuse,  &ob_verb_generate, &ob_verb_hdr,
    &ob_verb_keypoints,  &ob_verb_metrics,   &ob_verb_nets,  &ob_verb_quilt,    &ob_verb_resize,
    &ob_verb_tonemap,    &ob_verb_train,     &ob_verb_transfer, &ob_verb_upscale, &ob_verb_version};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ob_fuzz_quiet();
    if (size < 1 || size > 4096) return 0;
    static char buf[4097];
    static char *argv[300];
    static ob_cli cli; /* large, as in main.c */
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';
    int argc = 0;
    for (char *p = buf; p < buf + size - 1 && argc < 299; p += strlen(p) + 1) argv[argc++] = p;
    argv[argc] = NULL;
    int help_only = 0;
    const ob_cli_verb *verb = verbs[data[0] % (sizeof verbs / sizeof *verbs)];
    (void)ob_cli_parse(&cli, verb, argc, argv, &help_only);
    for (int i = 0; i < argc; i++) {
        double d;
        int v, w, h;
        unsigned long long seed;
        (void)ob_cli_parse_double(&d, argv[i], "x");
        (void)ob_cli_parse_int(&v, argv[i], "x", -5, 1 << 20);
        (void)ob_cli_parse_seed(&seed, argv[i], "x");
        (void)ob_cli_parse_size(&w, &h, argv[i], "x", 1 << 16);
    }
    ob_log_set_level(OB_LOG_QUIET); /* --verbose in an input must not flood the next runs */
    return 0;
}
