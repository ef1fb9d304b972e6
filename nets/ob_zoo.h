/* ob_zoo.h — the built-in models, built as ob_models with the module paths of
 * their PyTorch equivalents (so checkpoints load with load_state_dict).
 *
 * Models
 *   "classifier"  the seed's Fashion-MNIST classifier, input (N, C, H, W)
 *                 (default 1 x 28 x 28), K classes (default 10):
 *       class Classifier(nn.Module):
 *           features = nn.Sequential(
 *               nn.Conv2d(C, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),     # 0 1 2
 *               nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),    # 3 4 5
 *               nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))   # 6 7 8
 *           classifier = nn.Sequential(
 *               nn.Flatten(), nn.Linear(128 * (H/8) * (W/8), 128), nn.ReLU(),  # 0 1 2
 *               nn.Linear(128, K))                                             # 3
 *       (H/8: floor three times, 28 -> 14 -> 7 -> 3.)
 *   "espcn"       ESPCN xR (Shi et al. 2016), R = opts.scale in 2..4 (default 3),
 *                 C channels (1: Y, 3: RGB), default 17 x 17 crops:
 *       nn.Sequential(nn.Conv2d(C, 64, 5, padding=2), nn.Tanh(),                 # 0 1
 *                     nn.Conv2d(64, 32, 3, padding=1), nn.Tanh(),                # 2 3
 *                     nn.Conv2d(32, C * R * R, 3, padding=1), nn.PixelShuffle(R)) # 4 5
 *                 (H, W) -> (R H, R W).
 *   "espcn3"      espcn at scale 3 (the name the benchmarks use).
 *   "srcnn"       the first seed's end-to-end net, on an image already
 *                 enlarged R times by bicubic interpolation (the caller does
 *                 that: pipelines/ob_sr.h); the size is kept:
 *       nn.Sequential(nn.Conv2d(C, 128, 3, padding=1), nn.ReLU(),            # 0 1
 *                     nn.Conv2d(128, 64, 3, padding=1), nn.ReLU(),           # 2 3
 *                     nn.Conv2d(64, C, 3, padding=1))                        # 4
 *   "nose"        the first seed's nose-tip regressor, input C x 80 x 60
 *                 (default), K points (default 1), valid convolutions:
 *       features = nn.Sequential(
 *           nn.Conv2d(C, 12, 7), nn.ReLU(), nn.MaxPool2d(2),                # 0 1 2
 *           nn.Conv2d(12, 24, 5), nn.ReLU(), nn.MaxPool2d(2),               # 3 4 5
 *           nn.Conv2d(24, 32, 3), nn.ReLU(), nn.MaxPool2d(2))               # 6 7 8
 *       head = nn.Sequential(nn.Flatten(), nn.Linear(32 * 7 * 4, 128),       # 0 1
 *                            nn.ReLU(), nn.Linear(128, 2 K))               # 2 3
 *                 (80 x 60 -> 37 x 27 -> 16 x 11 -> 7 x 4; 129,842 parameters.)
 *   "face"        the seed's full-face regressor, input C x 180 x 240
 *                 (default), K points (default 58): six blocks of
 *                 nn.Conv2d(., W, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)
 *                 with W = 32, 64, 128, 256, 512, 512 (features.0..17), then
 *                 head = Flatten, Linear(512 * 2 * 3, 2048), ReLU,
 *                 Linear(2048, 2 K) (10,458,996 parameters at K = 58).
 *   "resnet18", "resnet50"  keypoint regression on torchvision's ResNets with
 *                 a C-channel stem and 2K outputs, default input C x 224 x 224,
 *                 module names as torchvision's (conv1, bn1, layer1.0.conv1, ...,
 *                 layerL.0.downsample.0/1, fc):
 *       conv1 = Conv2d(C, 64, 7, stride 2, padding 3, bias=False), bn1, ReLU,
 *       maxpool = MaxPool2d(3, 2, 1); layer1..4 of 64, 128, 256, 512 planes,
 *       the first block of layers 2..4 with stride 2; resnet18: [2, 2, 2, 2]
 *       BasicBlocks (3x3 conv-BN-ReLU, 3x3 conv-BN), resnet50: [3, 4, 6, 3]
 *       Bottlenecks (1x1 -> planes, 3x3 with the stride, 1x1 -> 4 planes, each
 *       with BN); a 1x1 conv + BN shortcut ("downsample") where the stride or
 *       width changes; sum, ReLU; avgpool = AdaptiveAvgPool2d(1), flatten,
 *       fc = Linear(512 (resnet18) or 2048 (resnet50), 2K). Input sides >= 32.
 *   "unet"        K heatmaps of the input's H x W (default input C x 96 x 96,
 *                 sides multiples of 8), D = opts.features channels at every
 *                 level (default 128, the seed's width):
 *       enc0..2 = DoubleConv, each followed by MaxPool2d(2); bottleneck =
 *       DoubleConv; for i = 2, 1, 0: Upsample(2, bilinear), cat with enc_i's
 *       output, dec_i = DoubleConv(2D -> D); head = Conv2d(D, K, 1); then the
 *       spatial softmax over H*W per keypoint (the output sums to 1 per map).
 *       DoubleConv(c -> D) = Sequential(Conv2d(c, D, 3, padding=1,
 *       bias=False), BatchNorm2d(D), ReLU, Conv2d(D, D, 3, padding=1,
 *       bias=False), BatchNorm2d(D), ReLU) (entries 0..5).
 *   "dae_upsample", "dae_convtranspose"  the second seed's denoising
 *                 autoencoders, input C x H x W (default 1 x 28 x 28, sides
 *                 multiples of 4), the size kept:
 *       encoder = nn.Sequential(
 *           nn.Conv2d(C, 32, 3, padding=1), nn.SiLU(),                     # 0 1
 *           nn.Conv2d(32, 16, 3, stride=2, padding=1), nn.SiLU(),          # 2 3
 *           nn.Conv2d(16, 8, 3, stride=2, padding=1), nn.SiLU())           # 4 5
 *       (28 x 28 -> 8 x 7 x 7), then for dae_upsample
 *       decoder = nn.Sequential(
 *           nn.Upsample(scale_factor=2), nn.Conv2d(8, 16, 3, padding=1), nn.SiLU(),   # 0 1 2
 *           nn.Upsample(scale_factor=2), nn.Conv2d(16, 32, 3, padding=1), nn.SiLU(),  # 3 4 5
 *           nn.Conv2d(32, C, 3, padding=1))                                           # 6
 *       and for dae_convtranspose
 *       decoder = nn.Sequential(
 *           nn.ConvTranspose2d(8, 16, 3, stride=2, padding=1, output_padding=1), nn.SiLU(),   # 0 1
 *           nn.ConvTranspose2d(16, 32, 3, stride=2, padding=1, output_padding=1), nn.SiLU(),  # 2 3
 *           nn.Conv2d(32, C, 3, padding=1))                                                   # 4
 *       No output activation (the seed's); 12,201 / 12,201 parameters at C 1.
 *   "vae"         PyTorch's VAE example (examples/vae), input C x H x W
 *                 (default 1 x 28 x 28), latent L = opts.features (default 20):
 *       fc1 = Linear(C H W, 400), ReLU, fc21 = Linear(400, L) (mu),
 *       fc22 = Linear(400, L) (log sigma^2), the vae_sample layer
 *       (nets/ob_layers.h: z, and the KL term), fc3 = Linear(L, 400), ReLU,
 *       fc4 = Linear(400, C H W): (N, C H W) logits (the example's sigmoid is
 *       the loss's, BCE with logits, and the viewer's). 652,824 parameters at
 *       1 x 28 x 28, L 20.
 *   "cvae"        the conditional VAE: the same with a one-hot class of K =
 *                 opts.classes (default 10) at the encoder and the decoder. Its
 *                 input is packed, (N, 1, 1, C H W + K): each image flattened,
 *                 then its one-hot class (ob_zoo_input_shape says so):
 *       fc1 = Linear(C H W + K, 400) on cat(x, y), ReLU, fc21, fc22 as above,
 *       vae_sample, fc3 = Linear(L + K, 400) on cat(z, y), ReLU, fc4 =
 *       Linear(400, C H W). 660,824 parameters at 1 x 28 x 28, L 20, K 10.
 *
 * ob_zoo_init gives every layer PyTorch's default initialisation
 * (ob_init_default) with seed ob_init_seed(seed, node index); batch norm
 * starts at weight 1, bias 0, running mean 0, variance 1.
 */
#ifndef OB_ZOO_H
#define OB_ZOO_H

#include <stdint.h>

#include "ob_model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int in_channels;   /* 0: the model's default */
    int height, width; /* input size; 0: the model's default */
    int classes;       /* classifier, cvae: 0 -> 10 */
    int scale;         /* espcn, srcnn: 2..4; 0 -> 3 */
    int keypoints;     /* keypoint nets: K points (2K outputs, or K heatmaps); 0 -> 1 (nose), 58 (others) */
    int features;      /* unet: channels D at every level; 0 -> 128; vae, cvae: latent size; 0 -> 20 */
} ob_zoo_opts;

/* The names, NULL-terminated. */
extern const char *const ob_zoo_names[];

/* 1 for the keypoint nets (nose, face, resnet18, resnet50, unet). */
int ob_zoo_is_keypoint_net(const char *name);

/* Builds the model (parameters declared, not allocated); opts may be NULL. */
ob_status ob_zoo_build(ob_model **m, const char *name, const ob_zoo_opts *opts);
/* (1, C, H, W): the input the model expects with these opts. */
ob_status ob_zoo_input_shape(int64_t shape[4], const char *name, const ob_zoo_opts *opts);
ob_status ob_zoo_init(ob_model *m, uint64_t seed);
/* torchvision's initialisation of VGG and ResNet, for deep nets trained from
 * scratch: conv weights He-normal (fan_out, ReLU gain), hidden linear weights
 * He-normal (fan_in), biases 0, batch norm 1 / 0; the last layer with
 * parameters keeps PyTorch's default. PyTorch's default (kaiming_uniform with
 * a = sqrt 5) has a gain of 1/sqrt 3 per layer: through the face net's eight
 * ReLU layers without batch norm the input's signal shrinks ~1000x, and the
 * net learns the mean shape long before it learns where anything is. */
ob_status ob_zoo_init_he(ob_model *m, uint64_t seed);

#ifdef __cplusplus
}
#endif
#endif
