/* ob_dataset.h — training data as n indexed samples: an image (C, H, W) float32
 * with a class label and/or keypoints (K, 2) in pixel coordinates.
 *
 * Contract
 *   An ob_dataset is opened by one of the loaders below, which parse and check
 *   every index/label/landmark file up front (a corrupt set fails at open, not
 *   in epoch 3). ob_dataset_get(ds, &s, i) then fills sample i; it is
 *   thread-safe (the loader calls it from its prefetch thread and from OpenMP
 *   workers). Samples own their buffers: free them with ob_sample_free.
 *
 *   Pixels are host float32 planar (C, H, W) in [0, 1] (8-bit values / 255).
 *   Keypoints are (K, 2) float, x then y, in pixels of the returned image with
 *   the centre of pixel (0, 0) at (0, 0) (the convention of ob_augment.h).
 *   label is -1 where the set has none; n_kp is 0 where it has no keypoints.
 *
 * Formats
 *   idx (MNIST, Fashion-MNIST; LeCun's format, big-endian):
 *     images: magic 0x00000803, n, rows, cols (u32 each), n*rows*cols u8;
 *     labels: magic 0x00000801, n, n u8.
 *     Either file may be gzip-compressed (.gz, read through zlib; detected from
 *     content, not name). Refused: another magic, rows/cols outside 1..4096,
 *     n = 0, a file shorter or longer than its header says, image and label
 *     counts that differ ("mismatched label counts"). 1 channel.
 *   CIFAR-10 binary (data_batch_1..5.bin, test_batch.bin): records of 1 label
 *     byte (0..9) + 3072 bytes, the R, G and B planes of 32x32, row-major. One or
 *     more files are concatenated in order. Refused: a size that is not a
 *     multiple of 3073 (truncated), a label > 9. (CIFAR-100's two label bytes
 *     are not read.) Gzip also accepted.
 *   OpenCV digits (samples/data/digits.png; Debian's opencv-doc, .ci/setup puts
 *     it in data/opencv/): one 2000 x 1000 gray PNG of 100 x 50 cells of 20 x 20,
 *     white ink on black; cell rows 5d..5d+4 hold digit d (500 of each), so
 *     label = cell row / 5. Each cell becomes a (1, 28, 28) sample made as MNIST
 *     was: the cell's intensity-weighted centre of mass (pixel centres at
 *     integers) is moved to the field's centre (13.5, 13.5) by a whole-pixel
 *     shift (13.5 - c rounded, halves up), so it lands within 0.5 px of it and
 *     the values are the file's, copied; a blank cell sits in the middle (shift
 *     4). Ink shifted out of the field is dropped and logged (none is in the
 *     shipped file). Sample i is cell (row i % 50, column i / 50): column by
 *     column, so any leading run of samples (--limit N) holds every digit
 *     alike, where the file itself is sorted by digit. RGB is taken as luma (as
 *     opts.channels 1), alpha dropped. Decoded and centred at open (15.7 MB).
 *     Refused: any other size (the labels come only from this layout). The
 *     file has no test split: ob_dataset_open_digits gives all 5000 (split it
 *     with ob_dataset_subset); ob_dataset_open_digits_split gives the fixed
 *     split open_path uses: split 0 = columns 0..89 (samples 0..4499, 450 per
 *     digit), split 1 = columns 90..99 (samples 4500..4999, 50 per digit: the
 *     last tenth held out), in the same order.
 *   image folder: ROOT/CLASS/IMAGE. Class names (sub-folders) sorted by strcmp
 *     give labels 0..n_classes-1; images (.png .jpg .jpeg .hdr .pfm, any case)
 *     sorted within each class. Hidden entries (".x") are skipped. Decoded
 *     through ob_image_read at get time; opts (below) fix the size/channels.
 *   landmarks, all with the image decoded at get time and labels -1:
 *     iBUG .pts (300-W): "version: 1", "n_points: K", "{", K lines "x y", "}".
 *       Coordinates taken as stored. ob_dataset_open_pts takes a folder: every
 *       NAME.pts in it (sorted) with an image NAME.{png,jpg,jpeg} beside it;
 *       an image there without its NAME.pts is refused (a hole in the set).
 *     IMM .asf (IMM face database, 58 points): '#' lines are comments; the
 *       first non-comment line is the point count K; then K lines
 *       "path type x y point_num connects_from connects_to [user fields]" with
 *       x, y relative to the image size in [0, 1]; point_num must run 0..K-1 in
 *       order. Then a non-comment line naming the host image (relative to the
 *       .asf's folder). Only x, y and point_num are used (path/type/connects
 *       describe the outline drawing). Pixels = relative * (W, H) of the image.
 *       ob_dataset_open_asf takes a folder of .asf files (sorted).
 *     dlib XML (imglab; dlib's examples/faces/training_with_face_landmarks.xml): each
 *       <image file='...'> holds <box top= left= width= height= [ignore='1']>
 *       with <part name='NN' x='..' y='..'/> children. One sample per box that
 *       is not ignored; part names are the keypoint indices 0..K-1, each once;
 *       every box must have the same K. The box (left, top, width, height) is
 *       given in the sample. File names are relative to the XML's folder.
 *     Refused (OB_ERR_FORMAT naming the file): a malformed header or point
 *     line, a count that does not match the points, K outside 1..1024,
 *     non-finite coordinates, missing tags/attributes, a landmark file naming
 *     an image that does not exist.
 *
 *   opts (folder and landmark sets; NULL = as stored):
 *     width, height  > 0: every image resized (bilinear; area when shrinking)
 *                    to width x height; keypoints scaled with it, centre to
 *                    centre: x' = (x + 0.5) * W'/W - 0.5.
 *     channels       1 or 3: gray -> RGB by replication, RGB -> gray by
 *                    0.299 R + 0.587 G + 0.114 B; alpha dropped. 0: as stored.
 *
 * Errors: OB_ERR_ARG (bad argument, index out of range), OB_ERR_IO (missing or
 *   unreadable file/folder), OB_ERR_FORMAT (corrupt content; the message names
 *   the file), OB_ERR_NOMEM.
 *
 * Example
 *   ob_dataset *ds;
 *   OB_TRY(ob_dataset_open_idx(&ds, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"));
 *   ob_sample s = {0};
 *   OB_TRY(ob_dataset_get(ds, &s, 0));   // s.image (1, 28, 28), s.label 0..9
 *   ob_sample_free(&s);
 *   ob_dataset_close(ds);
 */
#ifndef OB_DATASET_H
#define OB_DATASET_H

#include <stdint.h>

#include "ob_status.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OB_DATASET_MAX_KEYPOINTS 1024

typedef struct {
    ob_tensor image; /* (C, H, W) f32 host, owned */
    int label;       /* class index, -1 when none */
    int n_kp;        /* keypoints, 0 when none */
    float *kp;       /* (n_kp, 2) x, y pixels; malloc'd, owned */
    int has_box;     /* dlib XML: the face box, in the same pixels as kp */
    float box[4];    /* left, top, width, height */
    ob_tensor target; /* (C', H', W') f32 host, owned, or ndim 0: none (a paired
                         target: super-resolution's high-resolution crop) */
} ob_sample;

/* Frees image and keypoints; leaves *s zeroed (label 0). Safe on a zeroed struct. */
void ob_sample_free(ob_sample *s);

typedef struct ob_dataset ob_dataset;
struct ob_dataset {
    int64_t n;                     /* samples */
    int channels, height, width;   /* of every image, or 0 where they vary */
    int n_classes;                 /* labels 0..n_classes-1; 0: no labels */
    const char *const *class_names;/* n_classes names (folder sets), else NULL */
    int n_keypoints;               /* K of every sample; 0: no keypoints */
    char source[512];              /* what was opened, for messages */
    /* sample i into *out (out is overwritten, not freed first). */
    ob_status (*get)(const ob_dataset *ds, ob_sample *out, int64_t i);
    /* optional: sample i of `epoch`, drawn with `seed` (a set whose samples
     * are random each epoch, e.g. crops; deterministic in (seed, epoch, i)
     * so a resumed run draws the same). NULL: get. */
    ob_status (*get_keyed)(const ob_dataset *ds, ob_sample *out, int64_t i, uint64_t seed, int epoch);
    /* the file behind sample i ("" where none), for error messages */
    const char *(*sample_path)(const ob_dataset *ds, int64_t i);
    void (*destroy)(ob_dataset *ds);
    void *state;
};

typedef struct {
    int width, height; /* resize to this (both > 0) or keep (both 0) */
    int channels;      /* 0 keep, 1 gray, 3 RGB */
} ob_dataset_opts;

/* Checks i, zeroes *out, calls ds->get; on failure *out is left empty. */
ob_status ob_dataset_get(const ob_dataset *ds, ob_sample *out, int64_t i);
/* The same through ds->get_keyed when the set has one (the loader's call). */
ob_status ob_dataset_get_keyed(const ob_dataset *ds, ob_sample *out, int64_t i, uint64_t seed, int epoch);
/* The file behind sample i, or "". */
const char *ob_dataset_sample_path(const ob_dataset *ds, int64_t i);
void ob_dataset_close(ob_dataset *ds);

ob_status ob_dataset_open_idx(ob_dataset **out, const char *images_path, const char *labels_path);
ob_status ob_dataset_open_cifar10(ob_dataset **out, const char *const *paths, int n_paths);
ob_status ob_dataset_open_folder(ob_dataset **out, const char *root, const ob_dataset_opts *opts);
ob_status ob_dataset_open_pts(ob_dataset **out, const char *dir, const ob_dataset_opts *opts);
ob_status ob_dataset_open_asf(ob_dataset **out, const char *dir, const ob_dataset_opts *opts);
ob_status ob_dataset_open_dlib_xml(ob_dataset **out, const char *xml_path, const ob_dataset_opts *opts);
ob_status ob_dataset_open_digits(ob_dataset **out, const char *png_path);
ob_status ob_dataset_open_digits_split(ob_dataset **out, const char *png_path, int split);
/* 1 when path names OpenCV's digits image (a file named digits.png, any case). */
int ob_dataset_is_digits_png(const char *path);

/* Opens whatever `path` holds, for CLIs (`--data DIR|FILE`); split 0 = train,
 * 1 = test. In order:
 *   a folder with {train,t10k}-images-idx3-ubyte[.gz] (+ the labels beside it)
 *                                     -> idx (train: train-*, test: t10k-*)
 *   a folder with data_batch_N.bin / test_batch.bin (or a cifar-10-batches-bin
 *     sub-folder)                     -> CIFAR-10 (train: data_batch_1..5 present,
 *                                        test: test_batch.bin)
 *   a folder with .pts files          -> ob_dataset_open_pts
 *   a folder with .asf files          -> ob_dataset_open_asf
 *   a folder with a train/ sub-folder -> the image folder train/ (split 0) or
 *     test/, else val/ (split 1); other folders with sub-folders -> that image
 *     folder (both splits)
 *   a .xml file                       -> dlib XML
 *   a file named digits.png (any case) -> OpenCV digits, the fixed split of
 *                                        ob_dataset_open_digits_split (train:
 *                                        columns 0..89, test: columns 90..99)
 *   an idx image file (*images-idx3-ubyte[.gz]) -> idx, labels from the same name
 *     with "labels-idx1"
 *   a .bin file                       -> one CIFAR-10 batch
 * Otherwise OB_ERR_ARG saying what was looked for. */
ob_status ob_dataset_open_path(ob_dataset **out, const char *path, int split, const ob_dataset_opts *opts);

/* A view of `n` samples of base (indices[j] -> sample j; repeats allowed):
 * train/validation splits, subsets. The indices are copied; base must outlive
 * the view; closing the view leaves base open. A base with get_keyed keeps
 * it in the view, keyed by the base's index. */
ob_status ob_dataset_subset(ob_dataset **out, const ob_dataset *base, const int64_t *indices, int64_t n);

/* img (C, H, W) host f32 in place -> c_out channels as the loaders convert
 * (opts.channels: gray replicated, RGB to 0.299 R + 0.587 G + 0.114 B, alpha
 * dropped); c_out 0 or C: unchanged. */
ob_status ob_image_to_channels(ob_tensor *img, int c_out);
/* Single-file parsers (the landmark loaders use them; exposed for tests/tools).
 * *kp is malloc'd (K, 2); the caller frees it. */
ob_status ob_pts_parse(float **kp, int *k, const char *path);
/* Relative coordinates as stored (multiply by W, H); image: the host image name
 * as written in the file (buffer of `image_cap` bytes). */
ob_status ob_asf_parse(float **kp, int *k, char *image, size_t image_cap, const char *path);

#ifdef __cplusplus
}
#endif
#endif
