/* torch_parity.h — a model against its PyTorch nn.Module (the tests that
 * check checkpoints load with load_state_dict): m's parameters saved as
 * safetensors, `script` (Python source, run by the torch venv) builds the
 * module named `name`, loads them with load_state_dict(strict=True), runs it
 * in eval mode under no_grad on the same input and writes its output; that
 * must equal m's eval forward within 1e-4 of the largest |value| plus 1e-4
 * relative. The script's argv: name ckpt x_path y_path n c h w [extra...];
 * x is float32 (n, c, h, w) raw, the output float32 raw in m's output order.
 * Returns 1 when the comparison ran. */
#ifndef OB_TEST_TORCH_PARITY_H
#define OB_TEST_TORCH_PARITY_H

#include "ob_model.h"

int ob_test_torch_parity(ob_ctx *ctx, const char *py, const char *script, const char *name, const char *label,
                         ob_model *m, const ob_tensor *x, const char *extra_args);

#endif
