/* main.c — `obscura VERB ...`: finds the verb, parses its options, runs it. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const ob_cli_verb *const verbs[] = {&ob_verb_align_face, &ob_verb_bilateral, &ob_verb_blend, &ob_verb_demo, &ob_verb_denoise, &ob_verb_eval, &ob_verb_faceswap, &ob_verb_fuse, &ob_verb_generate, &ob_verb_hdr, &ob_verb_keypoints, &ob_verb_metrics, &ob_verb_nets, &ob_verb_quilt, &ob_verb_resize, &ob_verb_tonemap, &ob_verb_train, &ob_verb_transfer, &ob_verb_upscale, &ob_verb_version};
#define N_VERBS (sizeof verbs / sizeof verbs[0])

static void print_main_help(FILE *f)
{
    fprintf(f,
            "usage: obscura VERB [options]\n\n"
            "obscura — computational photography and small vision nets, on the GPU when\n"
            "there is one and on the CPU otherwise.\n\nverbs:\n");
    for (size_t i = 0; i < N_VERBS; i++) fprintf(f, "  %-11s %s\n", verbs[i]->name, verbs[i]->summary);
    fprintf(f,
            "\n'obscura VERB --help' describes a verb. Every verb accepts --device auto|cpu|cuda,\n"
            "--json, --quiet, --verbose and --threads N. Errors print 'obscura: error: ...' and\n"
            "exit with status 2.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_main_help(stderr);
        return OB_CLI_EXIT_ERROR;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        print_main_help(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) argv[1] = "version";
    for (size_t i = 0; i < N_VERBS; i++) {
        if (strcmp(argv[1], verbs[i]->name) != 0) continue;
        static ob_cli cli; /* large; static keeps it off the stack */
        int help_only = 0;
        int rc = ob_cli_parse(&cli, verbs[i], argc - 2, argv + 2, &help_only);
        if (rc) return rc;
        if (help_only) {
            ob_cli_print_verb_help(verbs[i], stdout);
            return 0;
        }
        return verbs[i]->run(&cli);
    }
    return ob_cli_error("unknown verb '%s' (see 'obscura --help')", argv[1]);
}
