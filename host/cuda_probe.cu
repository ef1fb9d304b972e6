/* cuda_probe.cu — one tiny kernel that ob_cuda_usable (host/cuda_host.c) asks
 * the runtime about and runs: a device whose architecture this fatbin has no
 * code for fails here with cudaErrorNoKernelImageForDevice, before any real
 * kernel could. */
#include <cuda_runtime_api.h>
#include <stdio.h>

extern "C" int ob_cuda_probe_kernel(char *why, size_t why_len);

__global__ void ob_probe_kernel(int *out) { *out = 0x0b5c; }

static int failed(char *why, size_t why_len, const char *what, cudaError_t e)
{
    snprintf(why, why_len, "%s: %s: %s", what, cudaGetErrorName(e), cudaGetErrorString(e));
    (void)cudaGetLastError();
    return 0;
}

extern "C" int ob_cuda_probe_kernel(char *why, size_t why_len)
{
    cudaFuncAttributes attr;
    cudaError_t e = cudaFuncGetAttributes(&attr, ob_probe_kernel);
    if (e != cudaSuccess) return failed(why, why_len, "no kernel of this binary can run on the GPU", e);
    int *dev = NULL, host = 0;
    if ((e = cudaMalloc((void **)&dev, sizeof(int))) != cudaSuccess) return failed(why, why_len, "cudaMalloc", e);
    ob_probe_kernel<<<1, 1>>>(dev);
    e = cudaGetLastError();
    if (e == cudaSuccess) e = cudaMemcpy(&host, dev, sizeof(int), cudaMemcpyDeviceToHost);
    (void)cudaFree(dev);
    if (e != cudaSuccess) return failed(why, why_len, "a test kernel did not run", e);
    if (host != 0x0b5c) {
        snprintf(why, why_len, "a test kernel ran but wrote %d", host);
        return 0;
    }
    return 1;
}
