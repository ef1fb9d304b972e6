/* ob_testchart.h — a procedural test image: the embedded default when no photo
 * is at hand, and an input with known structure for tests.
 *
 * Contract
 *   Allocates out as host float32 (3, h, w) in [0, 1]: a radial zone plate
 *   (frequencies rising to 0.12 cycles/pixel at the corners — where
 *   interpolation quality shows), hue ramps along x, a value ramp along y, and
 *   a grid of hard-edged squares in the lower third. Deterministic; no I/O.
 */
#ifndef OB_TESTCHART_H
#define OB_TESTCHART_H

#include "ob_tensor.h"

ob_status ob_test_chart(ob_tensor *out, int w, int h);

#endif
