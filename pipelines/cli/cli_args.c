/* cli_args.c — option parsing shared by every verb (see cli.h). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "ob_log.h"
#include "ob_threads.h"

static const ob_cli_opt common_opts[] = {
    {"--device", NULL, "auto|cpu|cuda", "where to compute (default auto: cuda when a GPU answers, else cpu)"},
    {"--json", NULL, NULL, "print machine-readable results on stdout"},
    {"--quiet", "-q", NULL, "print errors only, no progress"},
    {"--verbose", "-v", NULL, "say more (backend choice, timings)"},
    {"--threads", NULL, "N", "CPU threads (default: all cores)"},
    {"--cpu-impl", NULL, "auto|ref|dnnl", "CPU code for the nets (default auto: oneDNN when built in; ref: the reference)"},
    {"--cpu-conv", NULL, "auto|direct|winograd",
     "oneDNN convolution algorithm (default auto: Winograd F(4x4,3x3) for the 3x3 layers it is faster on, direct "
     "elsewhere; direct: the direct kernels' rounding everywhere)"},
    {"--tf32", NULL, NULL,
     "cuda: let cuDNN and cuBLAS use TF32 tensor cores (faster; breaks exact FP32 parity with the CPU: about 1e-3 "
     "relative error per product)"},
    {"--help", "-h", NULL, "show this help"},
    {0},
};

static int count_opts(const ob_cli_opt *o)
{
    int n = 0;
    while (o && o[n].long_name) n++;
    return n;
}

/* Index into cli->values: the verb's options first, then the common ones. */
static int find_opt(const ob_cli_verb *verb, const char *name, const ob_cli_opt **found)
{
    int nv = count_opts(verb->opts);
    for (int i = 0; i < nv; i++)
        if (strcmp(name, verb->opts[i].long_name) == 0 ||
            (verb->opts[i].short_name && strcmp(name, verb->opts[i].short_name) == 0)) {
            *found = &verb->opts[i];
            return i;
        }
    for (int i = 0; common_opts[i].long_name; i++)
        if (strcmp(name, common_opts[i].long_name) == 0 ||
            (common_opts[i].short_name && strcmp(name, common_opts[i].short_name) == 0)) {
            *found = &common_opts[i];
            return nv + i;
        }
    return -1;
}

int ob_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("obscura: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return OB_CLI_EXIT_ERROR;
}

int ob_cli_fail_status(const char *what) { return ob_cli_error("%s: %s", what, ob_last_error()); }

static int apply_common(ob_cli *cli)
{
    const char *dev = ob_cli_get(cli, "--device");
    cli->device = OB_BACKEND_AUTO;
    if (dev && ob_backend_parse(&cli->device, dev) != OB_OK) return ob_cli_error("%s", ob_last_error());
    const char *impl = ob_cli_get(cli, "--cpu-impl");
    cli->cpu_impl = OB_CPU_IMPL_AUTO;
    if (impl && ob_cpu_impl_parse(&cli->cpu_impl, impl) != OB_OK) return ob_cli_error("%s", ob_last_error());
    const char *conv = ob_cli_get(cli, "--cpu-conv");
    cli->cpu_conv = OB_CPU_CONV_AUTO;
    if (conv && ob_cpu_conv_parse(&cli->cpu_conv, conv) != OB_OK) return ob_cli_error("%s", ob_last_error());
    cli->json = ob_cli_has(cli, "--json");
    cli->tf32 = ob_cli_has(cli, "--tf32");
    cli->quiet = ob_cli_has(cli, "--quiet");
    cli->verbose = ob_cli_has(cli, "--verbose");
    if (cli->quiet && cli->verbose) return ob_cli_error("--quiet and --verbose contradict each other");
    ob_log_set_level(cli->quiet ? OB_LOG_QUIET : cli->verbose ? OB_LOG_VERBOSE : OB_LOG_INFO);
    const char *t = ob_cli_get(cli, "--threads");
    if (t) {
        if (ob_cli_parse_int(&cli->threads, t, "--threads", 1, 1024)) return OB_CLI_EXIT_ERROR;
        ob_threads_set(cli->threads);
    }
    return 0;
}

int ob_cli_parse(ob_cli *cli, const ob_cli_verb *verb, int argc, char **argv, int *help_only)
{
    memset(cli, 0, sizeof *cli);
    cli->verb = verb;
    *help_only = 0;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-' || strcmp(arg, "-") == 0 || (arg[1] >= '0' && arg[1] <= '9')) {
            if (cli->n_positional == OB_CLI_MAX_ARGS) return ob_cli_error("too many arguments");
            cli->positional[cli->n_positional++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) { /* everything after is positional */
            for (i++; i < argc && cli->n_positional < OB_CLI_MAX_ARGS; i++) cli->positional[cli->n_positional++] = argv[i];
            break;
        }
        char name[64];
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        if (len >= sizeof name) return ob_cli_error("unknown option '%s' (see 'obscura %s --help')", arg, verb->name);
        memcpy(name, arg, len);
        name[len] = '\0';
        const ob_cli_opt *opt = NULL;
        int idx = find_opt(verb, name, &opt);
        if (idx < 0) return ob_cli_error("unknown option '%s' (see 'obscura %s --help')", name, verb->name);
        if (strcmp(opt->long_name, "--help") == 0) {
            *help_only = 1;
            return 0;
        }
        if (cli->present[idx]) return ob_cli_error("option %s given twice", opt->long_name);
        cli->present[idx] = 1;
        if (!opt->value_name) {
            if (eq) return ob_cli_error("option %s takes no value", opt->long_name);
            cli->values[idx] = "";
        } else if (eq) {
            cli->values[idx] = eq + 1;
        } else {
            if (i + 1 >= argc) return ob_cli_error("option %s needs a value (%s)", opt->long_name, opt->value_name);
            cli->values[idx] = argv[++i];
        }
    }
    return apply_common(cli);
}

const char *ob_cli_get(const ob_cli *cli, const char *long_name)
{
    const ob_cli_opt *opt;
    int idx = find_opt(cli->verb, long_name, &opt);
    return idx >= 0 && cli->present[idx] ? cli->values[idx] : NULL;
}

int ob_cli_has(const ob_cli *cli, const char *long_name) { return ob_cli_get(cli, long_name) != NULL; }

static void print_opts(const ob_cli_opt *o, FILE *f)
{
    for (int i = 0; o[i].long_name; i++) {
        char left[64];
        snprintf(left, sizeof left, "%s%s%s%s%s", o[i].short_name ? o[i].short_name : "", o[i].short_name ? ", " : "",
                 o[i].long_name, o[i].value_name ? " " : "", o[i].value_name ? o[i].value_name : "");
        fprintf(f, "  %-28s %s\n", left, o[i].help);
    }
}

void ob_cli_print_verb_help(const ob_cli_verb *verb, FILE *f)
{
    fprintf(f, "usage: obscura %s %s\n\n%s\n", verb->name, verb->usage, verb->summary);
    if (verb->opts && verb->opts[0].long_name) {
        fprintf(f, "\noptions:\n");
        print_opts(verb->opts, f);
    }
    fprintf(f, "\ncommon options:\n");
    print_opts(common_opts, f);
    if (verb->details) fprintf(f, "\n%s\n", verb->details);
}

int ob_cli_make_ctx(ob_cli *cli, ob_ctx **ctx)
{
    if (ob_ctx_create(ctx, cli->device, cli->verbose) != OB_OK) return ob_cli_error("%s", ob_last_error());
    if (ob_ctx_set_cpu_impl(*ctx, cli->cpu_impl) != OB_OK) {
        ob_ctx_destroy(*ctx);
        *ctx = NULL;
        return ob_cli_error("%s", ob_last_error());
    }
    ob_ctx_set_tf32(*ctx, cli->tf32);
    ob_ctx_set_cpu_conv(*ctx, cli->cpu_conv);
    ob_log_verbose("backend: %s%s", ob_backend_name(ob_ctx_backend(*ctx)),
                   cli->tf32 && ob_ctx_backend(*ctx) == OB_BACKEND_CUDA ? " (TF32 math)" : "");
    return 0;
}

int ob_cli_parse_double(double *out, const char *text, const char *what)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v))
        return ob_cli_error("%s: '%s' is not a number", what, text);
    *out = v;
    return 0;
}

int ob_cli_parse_int(int *out, const char *text, const char *what, int lo, int hi)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno == ERANGE) return ob_cli_error("%s: '%s' is not an integer", what, text);
    if (v < lo || v > hi) return ob_cli_error("%s: %ld outside %d..%d", what, v, lo, hi);
    *out = (int)v;
    return 0;
}

int ob_cli_parse_seed(unsigned long long *out, const char *text, const char *what)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end || errno || text[0] == '-' || text[0] == '+' || text[0] == ' ')
        return ob_cli_error("%s: '%s' is not a non-negative integer", what, text);
    *out = v;
    return 0;
}

int ob_cli_make_dir(const char *dir)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) return ob_cli_error("cannot create %s: %s", dir, strerror(errno));
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return ob_cli_error("%s exists and is not a folder", dir);
    return 0;
}

int ob_cli_parse_size(int *w, int *h, const char *text, const char *what, int lim)
{
    char *end;
    errno = 0;
    long a = strtol(text, &end, 10);
    if (end == text || (*end != 'x' && *end != 'X')) return ob_cli_error("%s: '%s' is not WxH (e.g. 640x480)", what, text);
    const char *second = end + 1;
    long b = strtol(second, &end, 10);
    if (end == second || *end != '\0' || errno == ERANGE) return ob_cli_error("%s: '%s' is not WxH (e.g. 640x480)", what, text);
    if (a < 1 || b < 1 || a > lim || b > lim) return ob_cli_error("%s: %ldx%ld outside 1..%d per side", what, a, b, lim);
    *w = (int)a;
    *h = (int)b;
    return 0;
}
