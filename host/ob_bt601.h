/* ob_bt601.h — ITU-R BT.601 studio-range Y'CbCr, as MATLAB's rgb2ycbcr
 * defines it and the super-resolution papers score on: for R, G, B in [0, 1],
 *   Y  = (16  +  65.481 R + 128.553 G +  24.966 B) / 255   in [16, 235] / 255
 *   Cb = (128 -  37.797 R -  74.203 G + 112.0   B) / 255   in [16, 240] / 255
 *   Cr = (128 + 112.0   R -  93.786 G -  18.214 B) / 255
 * One place for the constants: the SR data set (nets/), the metrics' Y and
 * the SR pipeline's colour round trip (pipelines/) all read them here. */
#ifndef OB_BT601_H
#define OB_BT601_H

#define OB_BT601_Y_R 65.481
#define OB_BT601_Y_G 128.553
#define OB_BT601_Y_B 24.966

/* rows Y, Cb, Cr; columns R, G, B (before the offset and the / 255) */
static const double ob_bt601_rgb_to_ycc[3][3] = {{OB_BT601_Y_R, OB_BT601_Y_G, OB_BT601_Y_B},
                                                 {-37.797, -74.203, 112.0},
                                                 {112.0, -93.786, -18.214}};
static const double ob_bt601_offset[3] = {16.0, 128.0, 128.0};

/* Y of R, G, B in [0, 1], in [16/255, 235/255] (float arithmetic). */
static inline float ob_bt601_luma(float r, float g, float b)
{
    return (16.0f + (float)OB_BT601_Y_R * r + (float)OB_BT601_Y_G * g + (float)OB_BT601_Y_B * b) / 255.0f;
}

#endif
