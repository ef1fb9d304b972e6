/* cli.h — the pieces every `obscura` verb shares: option tables and parsing,
 * the common flags, errors, JSON output.
 *
 * A verb is a function `int verb(ob_cli *cli)` plus a table of its options. The
 * parser (cli_args.c) accepts `--name VALUE`, `--name=VALUE`, `-o VALUE` and
 * flags, rejects unknown options and missing values, and leaves positionals in
 * order. The common flags (--device, --json, --quiet, --verbose, --threads,
 * --help) are accepted by every verb. Errors: ob_cli_error() prints
 * "obscura: error: ..." and the verb returns OB_CLI_EXIT_ERROR (2).
 */
#ifndef OB_CLI_H
#define OB_CLI_H

#include <stdio.h>

#include "ob_ctx.h"
#include "ob_train.h"

#define OB_CLI_EXIT_ERROR 2
#define OB_CLI_MAX_ARGS 256

typedef struct {
    const char *long_name;  /* "--size" */
    const char *short_name; /* "-o" or NULL */
    const char *value_name; /* "WxH", or NULL for a flag */
    const char *help;
} ob_cli_opt;

typedef struct ob_cli ob_cli;
typedef int (*ob_cli_verb_fn)(ob_cli *cli);

typedef struct {
    const char *name;
    const char *usage;    /* "IN -o OUT (--scale S | --size WxH) [--method M]" */
    const char *summary;  /* one line for `obscura --help` */
    const char *details;  /* paragraphs after the option list, or NULL */
    const ob_cli_opt *opts; /* terminated by {0} */
    ob_cli_verb_fn run;
} ob_cli_verb;

struct ob_cli {
    const ob_cli_verb *verb;
    const char *positional[OB_CLI_MAX_ARGS];
    int n_positional;
    const char *values[OB_CLI_MAX_ARGS]; /* parallel to the verb's options + common ones */
    int present[OB_CLI_MAX_ARGS];
    /* common flags */
    ob_backend device;
    ob_cpu_impl cpu_impl; /* --cpu-impl */
    ob_cpu_conv cpu_conv; /* --cpu-conv */
    int json, quiet, verbose, threads, tf32;
};

/* Parses argv (after the verb name). Returns 0, or OB_CLI_EXIT_ERROR after
 * printing the error; sets *help_only when --help was given. */
int ob_cli_parse(ob_cli *cli, const ob_cli_verb *verb, int argc, char **argv, int *help_only);
void ob_cli_print_verb_help(const ob_cli_verb *verb, FILE *f);

/* The value of an option ("--size"), or NULL when absent; flags give "". */
const char *ob_cli_get(const ob_cli *cli, const char *long_name);
int ob_cli_has(const ob_cli *cli, const char *long_name);

/* Prints "obscura: error: <message>" and returns OB_CLI_EXIT_ERROR. */
int ob_cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* The same with ob_last_error() appended after ": ". */
int ob_cli_fail_status(const char *what);

/* Creates the context the common --device flag asks for (prints the error). */
int ob_cli_make_ctx(ob_cli *cli, ob_ctx **ctx);

/* Number parsing with the option's name in the error. */
int ob_cli_parse_double(double *out, const char *text, const char *what);
int ob_cli_parse_int(int *out, const char *text, const char *what, int lo, int hi);
/* A seed: a non-negative decimal integer (64-bit). */
int ob_cli_parse_seed(unsigned long long *out, const char *text, const char *what);
/* Creates an output folder (an existing one is fine; a file there is an error). */
int ob_cli_make_dir(const char *dir);

/* `obscura train`: the options every training task shares (ob_train.h),
 * parsed into a job; task names the verb's sub-command in messages. */
typedef struct {
    ob_train_cfg cfg;
    const char *data;
    int64_t limit;
    int augment, validate;
} train_job;
int ob_cli_parse_train(const ob_cli *cli, train_job *j, const char *task);
/* --limit: *train <- the first `limit` samples of full (a subset the caller
 * closes), or full itself when the limit is 0 or does not cut it. */
int ob_cli_apply_limit(ob_dataset **train, ob_dataset *full, int64_t limit);
/* A paired task's data (denoise, vae): --data's training split (full, and
 * train: its --limit subset or full itself) and its test split (val), which
 * must match in image size and classes. On failure (the error printed)
 * nothing stays open. */
typedef struct {
    ob_dataset *full, *train, *val;
} ob_cli_splits;
int ob_cli_open_splits(ob_cli_splits *s, const train_job *j);
void ob_cli_splits_close(ob_cli_splits *s);
/* `obscura train sr` (verb_train_sr.c), `obscura eval sr` (verb_eval_sr.c). */
int ob_cli_train_sr(ob_cli *cli);
/* `obscura train denoise` (verb_denoise.c). */
int ob_cli_train_denoise(ob_cli *cli);
/* `obscura train faceswap` (verb_faceswap.c). */
int ob_cli_train_faceswap(ob_cli *cli);
/* The training loss of paired tasks (sr, denoise): MSE (mean) of the
 * prediction against the batch's targets (loss NULL in the training loop:
 * added to the context's running loss). */
ob_status ob_cli_target_mse(void *user, ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *pred,
                            const ob_data_batch *b);
/* `obscura train keypoints`, `obscura eval keypoints` (verb_keypoints.c). */
int ob_cli_train_keypoints(ob_cli *cli);
int ob_cli_eval_keypoints(ob_cli *cli);
int ob_cli_eval_sr(ob_cli *cli);
/* Up to 4 comma-separated floats (a checkpoint's "mean", "std"); the rest,
 * and any that do not parse, dflt. */
void ob_cli_parse_floats(float out[4], const char *text, float dflt);
/* `obscura train vae|cvae` (verb_vae.c; conditional: cvae). */
int ob_cli_train_vae(ob_cli *cli, int conditional);
/* "640x480" -> w, h (both in 1..lim). */
int ob_cli_parse_size(int *w, int *h, const char *text, const char *what, int lim);

#include "ob_json.h" /* ob_json_string, ob_json_number */

/* The verbs. */
extern const ob_cli_verb ob_verb_align_face, ob_verb_denoise, ob_verb_faceswap, ob_verb_fuse, ob_verb_generate, ob_verb_demo, ob_verb_hdr, ob_verb_version, ob_verb_metrics, ob_verb_resize, ob_verb_tonemap, ob_verb_bilateral, ob_verb_blend, ob_verb_quilt, ob_verb_transfer, ob_verb_train, ob_verb_eval, ob_verb_nets,
    ob_verb_upscale, ob_verb_keypoints;

#endif
