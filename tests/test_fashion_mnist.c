/* test_fashion_mnist.c — the idx loader on the real Fashion-MNIST files (Debian's
 * dataset-fashion-mnist: /usr/share/datasets/fashion-mnist/ with four .gz files, or the folder
 * in OB_FASHION_MNIST): 60000 train and 10000 test images of 28x28, labels
 * 0..9, every class present. Exits 77 (SKIPPED) when the files are absent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_dataset.h"
#include "ob_test.h"

static void check_split(const char *dir, const char *prefix, int64_t n_expected)
{
    char img[1024], lab[1024];
    snprintf(img, sizeof img, "%s/%s-images-idx3-ubyte.gz", dir, prefix);
    snprintf(lab, sizeof lab, "%s/%s-labels-idx1-ubyte.gz", dir, prefix);
    ob_dataset *ds = NULL;
    OB_CHECK_OK(ob_dataset_open_idx(&ds, img, lab));
    if (!ds) return;
    OB_CHECK(ds->n == n_expected && ds->height == 28 && ds->width == 28 && ds->channels == 1 && ds->n_classes == 10,
             "%s: n %lld (expected %lld), %dx%d, %d classes", prefix, (long long)ds->n, (long long)n_expected,
             ds->height, ds->width, ds->n_classes);
    int64_t counts[10] = {0}, bad = 0;
    double sum = 0;
    for (int64_t i = 0; i < ds->n; i += 1) {
        ob_sample s;
        if (ob_dataset_get(ds, &s, i) != OB_OK) {
            bad++;
            continue;
        }
        if (s.label >= 0 && s.label < 10) counts[s.label]++;
        else bad++;
        if (i % 97 == 0)
            for (int p = 0; p < 784; p++) sum += ob_tensor_f32(&s.image)[p];
        ob_sample_free(&s);
    }
    OB_CHECK(bad == 0, "%s: %lld samples with a bad label or read", prefix, (long long)bad);
    for (int c = 0; c < 10; c++)
        OB_CHECK(counts[c] == n_expected / 10, "%s: class %d has %lld samples (Fashion-MNIST is balanced)", prefix, c,
                 (long long)counts[c]);
    printf("%s: %lld samples, labels 0..9 balanced, mean pixel of a subsample %.4f\n", prefix, (long long)ds->n,
           sum / ((double)(ds->n / 97 + 1) * 784));
    ob_dataset_close(ds);
}

int main(void)
{
    const char *dir = getenv("OB_FASHION_MNIST");
    if (!dir) dir = "/usr/share/datasets/fashion-mnist";
    char probe[1024];
    snprintf(probe, sizeof probe, "%s/train-images-idx3-ubyte.gz", dir);
    FILE *f = fopen(probe, "rb");
    if (!f) {
        printf("Fashion-MNIST absent (%s; apt-get install dataset-fashion-mnist): SKIPPED\n", probe);
        ob_test_skip("Fashion-MNIST files absent");
    }
    fclose(f);
    check_split(dir, "train", 60000);
    check_split(dir, "t10k", 10000);
    ob_dataset *ds = NULL;
    OB_CHECK_OK(ob_dataset_open_path(&ds, dir, 1, NULL)); /* the CLI's --data DIR */
    OB_CHECK(ds && ds->n == 10000, "ob_dataset_open_path(%s, test split)", dir);
    ob_dataset_close(ds);
    return ob_test_finish();
}
