/* ob_gpulibs_names.h — forced into every source of the GPU-libraries plugin
 * (CMake: -include), so its public functions are obgl_* there while the
 * binary's forwarders keep the names the rest of the code calls
 * (host/ob_gpulibs.h). One line per forwarded function. */
#define ob_cuda_libs_release obgl_cuda_libs_release
#define ob_response_solve_cusolver obgl_response_solve_cusolver
#define ob_bn_cudnn_forward obgl_bn_cudnn_forward
#define ob_bn_cudnn_backward obgl_bn_cudnn_backward
#define ob_pool_cudnn_forward obgl_pool_cudnn_forward
#define ob_pool_cudnn_backward obgl_pool_cudnn_backward
#define ob_linear_forward_cublas obgl_linear_forward_cublas
#define ob_linear_backward_cublas obgl_linear_backward_cublas
#define ob_linear_cublas_free obgl_linear_cublas_free
#define ob_conv_forward_cudnn obgl_conv_forward_cudnn
#define ob_conv_backward_cudnn obgl_conv_backward_cudnn
#define ob_conv_cudnn_free obgl_conv_cudnn_free
