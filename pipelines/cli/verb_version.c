/* verb_version.c — `obscura version`: build, CPU and what runs on it (oneDNN's
 * ISA, the GEMM library, the nets' CPU implementation), CUDA, GPU and backend. */
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ob_gpulibs.h"
#include "ob_conv2d.h"
#include "ob_dnnl.h"
#include "ob_gemm.h"

#ifdef OB_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

/* The CPU's model name as the kernel reports it ("?" when unknown). */
static void cpu_model(char *buf, size_t n)
{
    snprintf(buf, n, "?");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "model name", 10) == 0) {
            const char *v = strchr(line, ':');
            if (v) {
                v++;
                while (*v == ' ' || *v == '\t') v++;
                snprintf(buf, n, "%.*s", (int)strcspn(v, "\n"), v);
            }
            break;
        }
    fclose(f);
}

static int run(ob_cli *cli)
{
    if (cli->n_positional) return ob_cli_error("version takes no arguments");
    char why[200] = "";
    /* usable, not only counted: what --device auto decides on (ob_ctx.h) */
    int gpus = ob_cuda_device_count(why, sizeof why);
    if (gpus > 0 && !ob_cuda_usable(why, sizeof why)) gpus = -gpus;
    int driver = 0, runtime = 0;
    ob_cuda_versions(&driver, &runtime);
    char driver_str[32], runtime_str[32];
    ob_cuda_version_str(driver_str, sizeof driver_str, driver);
    ob_cuda_version_str(runtime_str, sizeof runtime_str, runtime);
    char gpu_name[256] = "";
    size_t gpu_mem = 0;
    if (gpus != 0 && ob_cuda_device_info(gpu_name, sizeof gpu_name, &gpu_mem) != OB_OK)
        snprintf(gpu_name, sizeof gpu_name, "?");
    ob_ctx *ctx = NULL;
    if (ob_cli_make_ctx(cli, &ctx)) return OB_CLI_EXIT_ERROR;
    const char *backend = ob_backend_name(ob_ctx_backend(ctx));
    char cuda_version[32] = "not compiled";
#ifdef OB_HAVE_CUDA
    snprintf(cuda_version, sizeof cuda_version, "%d.%d", CUDART_VERSION / 1000, (CUDART_VERSION % 1000) / 10);
#endif
    int threads = omp_get_max_threads();
    char cpu[256];
    cpu_model(cpu, sizeof cpu);
    const char *impl = ob_cpu_impl_name(ob_ctx_cpu_impl(ctx));
    /* the GPU libraries load on demand; `version` loads them to say whether they can */
    char gpulibs[1200];
    if (!ob_cuda_compiled()) snprintf(gpulibs, sizeof gpulibs, "not compiled");
    else if (ob_gpulibs_load() == OB_OK) snprintf(gpulibs, sizeof gpulibs, "%s (loads on first GPU use)", ob_gpulibs_path());
    else snprintf(gpulibs, sizeof gpulibs, "cannot load: %s", ob_last_error());
    if (cli->json) {
        printf("{\"version\": \"%s\", \"build_type\": \"%s\", \"cuda_compiled\": %s, \"cuda_runtime\": ", OB_VERSION,
               OB_BUILD_TYPE, ob_cuda_compiled() ? "true" : "false");
        ob_json_string(stdout, cuda_version);
        printf(", \"cuda_driver\": ");
        if (driver > 0) ob_json_string(stdout, driver_str);
        else fputs("null", stdout);
        printf(", \"gpu_count\": %d, \"gpu_usable\": %s, \"gpu\": ", gpus < 0 ? -gpus : gpus,
               gpus > 0 ? "true" : "false");
        if (gpus != 0) ob_json_string(stdout, gpu_name);
        else fputs("null", stdout);
        printf(", \"no_gpu_reason\": ");
        if (gpus > 0) fputs("null", stdout);
        else ob_json_string(stdout, why);
        printf(", \"backend\": \"%s\", \"cpu_threads\": %d, \"cpu\": ", backend, threads);
        ob_json_string(stdout, cpu);
        printf(", \"cpu_impl\": \"%s\", \"onednn\": ", impl);
        ob_json_string(stdout, ob_dnnl_version());
        printf(", \"onednn_isa\": ");
        ob_json_string(stdout, ob_dnnl_isa());
        printf(", \"cpu_conv_winograd\": %s", ob_conv_winograd_available() ? "true" : "false");
        printf(", \"gemm\": ");
        ob_json_string(stdout, ob_gemm_library());
        printf(", \"gpu_libraries\": ");
        ob_json_string(stdout, gpulibs);
        printf("}\n");
    } else {
        printf("obscura %s (%s build)\n", OB_VERSION, OB_BUILD_TYPE);
        if (ob_cuda_compiled())
            printf("CUDA:    runtime %s (needs a driver for CUDA %s or newer), driver %s\n", cuda_version, runtime_str,
                   driver > 0 ? driver_str : "none answering");
        else printf("CUDA:    not compiled\n");
        if (gpus > 0) printf("GPU:     %s (%.1f GiB)\n", gpu_name, (double)gpu_mem / (1 << 30));
        else if (gpus < 0) printf("GPU:     %s, not usable (%s)\n", gpu_name, why);
        else printf("GPU:     none (%s)\n", why);
        printf("backend: %s\n", backend);
        printf("CPU:     %s, %d threads\n", cpu, threads);
        printf("nets:    --cpu-impl %s; oneDNN %s, ISA %s; convolutions: %s\n", impl, ob_dnnl_version(),
               ob_dnnl_isa(),
               ob_conv_winograd_available() ? "Winograd F(4x4,3x3) where it pays, direct elsewhere (--cpu-conv)"
                                            : "direct (no Winograd on this ISA)");
        printf("GEMM:    %s\n", ob_gemm_library());
        printf("cuBLAS/cuDNN/cuSOLVER: %s\n", gpulibs);
    }
    ob_ctx_destroy(ctx);
    return 0;
}

const ob_cli_verb ob_verb_version = {
    .name = "version",
    .usage = "[--json]",
    .summary = "show the build, whether CUDA is compiled, whether a GPU answers, and the backend in use",
    .details = "With --device auto (the default) the backend is cuda when a GPU answers and cpu\n"
               "otherwise; --device cuda on a machine without a GPU is an error.",
    .opts = (const ob_cli_opt[]){{0}},
    .run = run,
};
