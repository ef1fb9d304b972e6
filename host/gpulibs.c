/* gpulibs.c — finds and loads the GPU-libraries plugin (ob_gpulibs.h). */
#include "ob_gpulibs.h"

#include <dlfcn.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PLUGIN_NAME "libobscura_gpulibs.so"

static void *plugin;
static char plugin_path[4096];

#ifdef OB_HAVE_CUDA
static pthread_once_t once = PTHREAD_ONCE_INIT;
static char why[1024];

/* The folder of the running binary. */
static int exe_dir(char *buf, size_t n)
{
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0) return 0;
    exe[len] = '\0';
    snprintf(buf, n, "%s", dirname(exe));
    return 1;
}

static void try_load(const char *path)
{
    if (plugin || !path[0]) return;
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h) {
        plugin = h;
        snprintf(plugin_path, sizeof plugin_path, "%s", path);
    } else if (!why[0] || access(path, F_OK) == 0) { /* the first path, or one that exists but failed */
        snprintf(why, sizeof why, "%s", dlerror());
        if (!plugin_path[0] || access(path, F_OK) == 0) snprintf(plugin_path, sizeof plugin_path, "%s", path);
    }
}

static void load_once(void)
{
#ifdef OB_GPULIBS_PATH
    try_load(OB_GPULIBS_PATH);
#endif
    char dir[4096], path[4200];
    if (!plugin && exe_dir(dir, sizeof dir)) {
        snprintf(path, sizeof path, "%s/%s", dir, PLUGIN_NAME);
        try_load(path);
        snprintf(path, sizeof path, "%s/../lib/obscura/%s", dir, PLUGIN_NAME);
        try_load(path);
    }
}

#endif

ob_status ob_gpulibs_load(void)
{
#ifndef OB_HAVE_CUDA
    return OB_FAIL(OB_ERR_UNSUPPORTED, "built without CUDA: no cuBLAS, cuDNN or cuSOLVER");
#else
    pthread_once(&once, load_once);
    if (plugin) return OB_OK;
    return OB_FAIL(OB_ERR_CUDA, "cannot load the GPU libraries' plugin %s (cuBLAS, cuDNN, cuSOLVER): %s",
                   plugin_path[0] ? plugin_path : PLUGIN_NAME, why[0] ? why : "not found");
#endif
}

int ob_gpulibs_loaded(void) { return plugin != NULL; }

const char *ob_gpulibs_path(void) { return plugin_path[0] ? plugin_path : PLUGIN_NAME; }

void *ob_gpulibs_symbol(const char *name)
{
    if (ob_gpulibs_load() != OB_OK) return NULL;
    void *f = dlsym(plugin, name);
    if (!f) OB_FAIL(OB_ERR_CUDA, "the GPU libraries' plugin %s has no %s: %s", plugin_path, name, dlerror());
    return f;
}

#ifdef OB_HAVE_CUDA
#include "ob_cuda_libs.h"

/* The forwarder ctx.c calls: handles exist only once the plugin made them. */
void ob_cuda_libs_release(ob_cuda_libs *libs)
{
    if (!plugin) return;
    void (*fn)(ob_cuda_libs *) = (void (*)(ob_cuda_libs *))dlsym(plugin, "obgl_cuda_libs_release");
    if (fn) fn(libs);
}
#endif
