/* hdr_synth.c — render exposure stacks from radiance through a known camera. */
#include "ob_hdr_synth.h"

#include <math.h>

#include "ob_philox.h"

/* The camera's curve X -> z (before clipping, noise and quantisation). */
static double camera_curve(const ob_camera *cam, double x)
{
    if (!cam->srgb) return pow(x, 1.0 / cam->gamma);
    return x <= 0.0031308 ? 12.92 * x : 1.055 * pow(x, 1.0 / 2.4) - 0.055;
}

double ob_camera_log_exposure(const ob_camera *cam, double z)
{
    if (!cam->srgb) return cam->gamma * log(z) - log(cam->gain);
    double x = z <= 0.04045 ? z / 12.92 : pow((z + 0.055) / 1.055, 2.4);
    return log(x) - log(cam->gain);
}

/* A standard normal from two uniforms (Box–Muller; u1 kept away from 0). */
static double gaussian(uint64_t seed, uint64_t index)
{
    uint32_t r[4];
    ob_philox(r, seed, OB_RNG_STREAM_NOISE, index);
    double u1 = ((r[0] >> 8) + 0.5) * (1.0 / 16777216.0), u2 = (r[1] >> 8) * (1.0 / 16777216.0);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

ob_status ob_render_stack(ob_tensor *frames, const ob_tensor *radiance, const double *times, int n,
                          const ob_camera *cam, uint64_t seed)
{
    OB_REQUIRE(radiance->ndim == 3 && radiance->dtype == OB_F32 && radiance->loc == OB_HOST,
               "render: radiance must be a host (C, H, W) float image");
    OB_REQUIRE(cam->gamma > 0 && cam->gain > 0 && cam->noise >= 0 && (cam->bits == 8 || cam->bits == 16),
               "render: camera needs gamma > 0, gain > 0, noise >= 0, bits 8 or 16");
    const double levels = cam->bits == 8 ? 255.0 : 65535.0;
    const int64_t count = ob_tensor_numel(radiance);
    const float *e = ob_tensor_f32(radiance);
    for (int j = 0; j < n; j++) {
        OB_REQUIRE(times[j] > 0, "render: time %d is %g", j, times[j]);
        ob_status s = ob_tensor_alloc(&frames[j], OB_F32, OB_HOST, 3, radiance->shape);
        if (s != OB_OK) {
            for (int k = 0; k < j; k++) ob_tensor_free(&frames[k]);
            return s;
        }
        float *z = ob_tensor_f32(&frames[j]);
        const double k = cam->gain * times[j];
#pragma omp parallel for schedule(static)
        for (int64_t i = 0; i < count; i++) {
            double x = k * (e[i] > 0 ? e[i] : 0);
            double v = camera_curve(cam, x);
            if (cam->noise > 0) v += cam->noise * gaussian(seed, (uint64_t)j * (uint64_t)count + (uint64_t)i);
            v = v < 0 ? 0 : v > 1 ? 1 : v;
            z[i] = (float)(floor(v * levels + 0.5) / levels);
        }
    }
    return OB_OK;
}

ob_status ob_synth_radiance(ob_tensor *out, int w, int h, double stops)
{
    OB_REQUIRE(w >= 16 && h >= 16 && stops > 1 && stops < 40, "synth radiance: %dx%d, %g stops", w, h, stops);
    int64_t shape[3] = {3, h, w};
    OB_TRY(ob_tensor_alloc(out, OB_F32, OB_HOST, 3, shape));
    float *p = ob_tensor_f32(out);
    const size_t plane = (size_t)w * h;
    const double sun_x = 0.72 * w, sun_y = 0.22 * h, sun_r = 0.04 * (w < h ? w : h);
    const double floor_level = pow(2.0, -stops); /* the sun is 1.0, deepest shadow 2^-stops */
#pragma omp parallel for schedule(static)
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double fy = (double)y / h, fx = (double)x / w;
            double sky = fy < 0.6 ? 0.02 * (1.2 - fy) : 0;                         /* bright sky, fading down */
            double ground = fy >= 0.6 ? 0.004 * (0.5 + 0.5 * sin(40 * fx) * sin(30 * fy)) : 0; /* textured ground */
            int in_building = fx > 0.1 && fx < 0.35 && fy > 0.35 && fy < 0.9;
            double shade = in_building ? floor_level * (4 + 3 * ((x / 6 + y / 6) % 2)) : 0; /* windows in shadow */
            double dx = x - sun_x, dy = y - sun_y;
            double sun = exp(-(dx * dx + dy * dy) / (2 * sun_r * sun_r));
            double base = in_building ? shade : sky + ground;
            double v = base + sun;
            double tint[3] = {1.0 + 0.2 * fy, 1.0, 1.2 - 0.3 * fy};
            for (int c = 0; c < 3; c++) p[c * plane + (size_t)y * w + x] = (float)((v > floor_level ? v : floor_level) * tint[c]);
        }
    return OB_OK;
}

ob_status ob_bracket_times(double *times, int n, double stops_apart, const ob_tensor *radiance, const ob_camera *cam)
{
    OB_REQUIRE(n >= 1 && stops_apart > 0, "bracket: %d exposures, %g stops apart", n, stops_apart);
    const float *e = ob_tensor_f32(radiance);
    const int64_t count = ob_tensor_numel(radiance);
    double sum_log = 0;
    for (int64_t i = 0; i < count; i++) sum_log += log(e[i] > 1e-12f ? e[i] : 1e-12);
    const double geo_mean = exp(sum_log / (double)count);
    /* mid-grey: the X that the curve maps to z = 0.5 */
    const double x_mid = exp(ob_camera_log_exposure(cam, 0.5) + log(cam->gain));
    const double t_mid = x_mid / (cam->gain * geo_mean);
    for (int j = 0; j < n; j++) times[j] = t_mid * pow(2.0, stops_apart * (j - (n - 1) / 2.0));
    return OB_OK;
}
