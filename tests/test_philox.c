/* test_philox.c — Philox4x32-10 against the published known-answer vectors
 * (Random123's kat_vectors, also cuRAND's generator), and the helpers' ranges. */
#include <math.h>

#include "ob_philox.h"
#include "ob_test.h"

static void kat(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1, uint32_t e0,
                uint32_t e1, uint32_t e2, uint32_t e3)
{
    uint32_t c[4] = {c0, c1, c2, c3};
    ob_philox4x32_10(c, k0, k1);
    OB_CHECK(c[0] == e0 && c[1] == e1 && c[2] == e2 && c[3] == e3, "philox(%08x %08x %08x %08x; %08x %08x) = %08x %08x %08x %08x, want %08x %08x %08x %08x",
             c0, c1, c2, c3, k0, k1, c[0], c[1], c[2], c[3], e0, e1, e2, e3);
}

int main(void)
{
    kat(0, 0, 0, 0, 0, 0, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u);
    kat(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu,
        0xa20bc7c6u, 0x6d5451fdu);
    kat(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu,
        0x5001e420u, 0x24126ea1u);
    /* uniform: in [0, 1), mean near 1/2; below: in range, every value hit */
    double sum = 0;
    int hits[7] = {0}, in_range = 1;
    for (uint64_t i = 0; i < 70000; i++) {
        float u = ob_philox_uniform(42, OB_RNG_STREAM_QUILT, i);
        in_range &= u >= 0.0f && u < 1.0f;
        sum += u;
        uint32_t b = ob_philox_below(42, OB_RNG_STREAM_QUILT, i, 7);
        in_range &= b < 7;
        if (b < 7) hits[b]++;
    }
    OB_CHECK(in_range, "draws out of range");
    OB_CHECK(fabs(sum / 70000 - 0.5) < 0.01, "uniform mean %.4f", sum / 70000);
    for (int b = 0; b < 7; b++) OB_CHECK(hits[b] > 9000 && hits[b] < 11000, "value %d drawn %d times of 70000", b, hits[b]);
    /* streams and seeds give different numbers */
    OB_CHECK(ob_philox_uniform(1, 1, 0) != ob_philox_uniform(1, 2, 0), "streams differ");
    OB_CHECK(ob_philox_uniform(1, 1, 0) != ob_philox_uniform(2, 1, 0), "seeds differ");
    return ob_test_finish();
}
