/* ob_json.h — the two pieces of JSON writing everything shares.
 *
 *   ob_json_string  a quoted string with ", \ and control characters escaped
 *   ob_json_number  %.10g, or null when the value is not finite (JSON has no
 *                   inf/NaN; callers say what null means, e.g. identical images)
 */
#ifndef OB_JSON_H
#define OB_JSON_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

void ob_json_string(FILE *f, const char *s);
void ob_json_number(FILE *f, double v);

#ifdef __cplusplus
}
#endif
#endif
