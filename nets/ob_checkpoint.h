/* ob_checkpoint.h — checkpoints as safetensors files, named so that PyTorch's
 * load_state_dict takes them; the optimiser's state in a second file.
 *
 * Format (https://github.com/huggingface/safetensors): 8 bytes little-endian
 * N, then N bytes of JSON
 *   {"__metadata__": {"key": "value", ...},
 *    "features.0.weight": {"dtype": "F32", "shape": [32, 1, 3, 3], "data_offsets": [0, 1152]}, ...}
 * (padded with spaces to a multiple of 8), then the tensors' bytes, row-major,
 * little-endian; offsets are relative to the end of the header.
 *
 * Contract
 *   ob_checkpoint_save writes `n` named tensors (float32, uint8 or uint16 —
 *   "F32", "U8", "U16" — contiguous, on the host or the device: device tensors
 *   are copied through the host) in the given order, plus the metadata given as
 *   a JSON object of string values ("{\"epoch\": \"12\"}", NULL for none),
 *   atomically (host/ob_atomic_file.h): a reader sees the old file or the whole
 *   new one. Names must be unique and non-empty.
 *   ob_checkpoint_load fills caller-allocated tensors by name: each must exist
 *   in the file with the same dtype and shape; tensors in the file that the
 *   caller does not ask for are ignored (a model's tensors can be read out of a
 *   larger file). The whole header is validated first — the file fails with
 *   OB_ERR_FORMAT and a message naming the file (and the tensor) on
 *     a file shorter than 8 bytes, a header length past the end of the file
 *     or over 100 MB, JSON outside what safetensors writes (objects, strings,
 *     non-negative integers; no floats, true/false/null, trailing commas,
 *     duplicate names, unknown fields), an unknown dtype, offsets that are
 *     reversed, out of range, overlapping, leave holes or do not match
 *     dtype x shape, data that do not fill the file to the end;
 *   and on a missing tensor, a wrong dtype or shape. Nothing is written into
 *   the caller's tensors unless the whole header is valid.
 *   The metadata comes back in *meta when meta is not NULL (free it with
 *   ob_checkpoint_meta_free).
 *
 * Names (PyTorch's state_dict keys): parameter p of a layer registered as
 * `features.0` in the nn.Module is "features.0." + p->name ("weight", "bias",
 * "running_mean", "running_var", "num_batches_tracked"). ob_checkpoint_collect
 * builds that list from the layers and one prefix per layer ("features.0.";
 * "" for none), trainable parameters and buffers alike, so that
 *   torch_model.load_state_dict(safetensors.torch.load_file(path))
 * takes a model file. (num_batches_tracked is stored as F32 of shape (1);
 * load_state_dict converts it to torch's int64 scalar. The other way, an I64
 * scalar or (1) named "...num_batches_tracked" in a file PyTorch wrote loads
 * into our F32 (1) — the one dtype conversion load makes.)
 *
 * Optimiser state (ob_optim_save / ob_optim_load): a second safetensors file
 * (e.g. model.safetensors + model.optim.safetensors, so the model file stays
 * strict-loadable) holding, per trainable parameter, torch's state names
 *   "exp_avg.<param name>", "exp_avg_sq.<param name>"   (Adam, AdamW)
 *   "momentum_buffer.<param name>"                      (SGD with momentum)
 * and metadata {"format": "obscura-optimizer", "optimizer": "adam",
 * "step": "<updates done>", "lr": "<current lr, %.17g>"}. Loading checks the
 * optimiser kind, restores the state, the step count and the lr, so training
 * resumed from the pair continues bit for bit as if it had not stopped.
 *
 * Example
 *   ob_named_tensor t[64];
 *   int n;
 *   OB_TRY(ob_checkpoint_collect(t, 64, &n, layers, prefixes, n_layers));
 *   OB_TRY(ob_checkpoint_save("run/model.safetensors", t, n, "{\"epoch\": \"3\"}"));
 *   OB_TRY(ob_optim_save(opt, "run/model.optim.safetensors", layers, prefixes, n_layers));
 */
#ifndef OB_CHECKPOINT_H
#define OB_CHECKPOINT_H

#include "ob_layer.h"
#include "ob_optim.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OB_CHECKPOINT_NAME_MAX 160

typedef struct {
    char name[OB_CHECKPOINT_NAME_MAX];
    ob_tensor *tensor; /* borrowed */
} ob_named_tensor;

typedef struct {
    int n;
    char **keys, **values;
} ob_checkpoint_meta;

ob_status ob_checkpoint_save(const char *path, const ob_named_tensor *tensors, int n, const char *metadata_json);
ob_status ob_checkpoint_load(const char *path, const ob_named_tensor *tensors, int n, ob_checkpoint_meta *meta);

/* The value for key, or NULL. */
const char *ob_checkpoint_meta_get(const ob_checkpoint_meta *meta, const char *key);
void ob_checkpoint_meta_free(ob_checkpoint_meta *meta);

/* Every parameter (values, buffers included) of `layers`, named prefixes[i] +
 * param name, into out[0 .. *n); OB_ERR_ARG past `cap` or for a name too long. */
ob_status ob_checkpoint_collect(ob_named_tensor *out, int cap, int *n, ob_layer *const *layers,
                                const char *const *prefixes, int n_layers);
/* A model's every parameter and buffer (ob_model.h names) filled from the
 * file at path: ob_checkpoint_collect + ob_checkpoint_load, with meta as
 * there (NULL: not read). The model's parameters must be allocated. */
ob_status ob_checkpoint_load_model(const char *path, ob_layer *const *layers, const char *const *prefixes,
                                   int n_layers, ob_checkpoint_meta *meta);

/* The optimiser's state file (see above); layers and prefixes as for collect,
 * and the layers the optimiser was created on. */
ob_status ob_optim_save(const ob_optim *o, const char *path, ob_layer *const *layers, const char *const *prefixes,
                        int n_layers);
ob_status ob_optim_load(ob_optim *o, const char *path, ob_layer *const *layers, const char *const *prefixes,
                        int n_layers);

#ifdef __cplusplus
}
#endif
#endif
