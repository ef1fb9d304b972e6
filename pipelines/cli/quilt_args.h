/* quilt_args.h — the options `obscura quilt` and `obscura transfer` share
 * (--patch, --overlap, --tol, --seed), parsed in verb_quilt.c. */
#ifndef OB_CLI_QUILT_ARGS_H
#define OB_CLI_QUILT_ARGS_H

#include "cli.h"
#include "ob_quilt.h"

#define OB_CLI_QUILT_OPTS                                                                                    \
    {"--patch", NULL, "P", "patch side in pixels (default 31)"},                                             \
        {"--overlap", NULL, "O", "overlap in pixels, 1..P-1 (default max(1, P/6))"},                         \
        {"--tol", NULL, "T", "choose at random among the T best-matching patches, 1..64 (default 3)"},       \
    {                                                                                                        \
        "--seed", NULL, "S", "seed of the random choices (default 0): the same seed gives the same image"   \
    }

/* o <- defaults + the shared options; 0 or OB_CLI_EXIT_ERROR after printing. */
int ob_cli_quilt_opts(const ob_cli *cli, ob_quilt_opts *o);

#endif
