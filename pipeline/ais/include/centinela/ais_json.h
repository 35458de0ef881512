/* gpsd-compatible JSON for decoded AIS messages ("class":"AIS", gpsd's field names).
 *
 * scaled = true gives engineering units (degrees, knots, metres) as gpsd's default output;
 * scaled = false gives the raw transmitted integers (gpsd -u / "scaled":false).
 * The writer is snprintf-free on the hot fields and never allocates.
 */
#ifndef CENTINELA_AIS_JSON_H
#define CENTINELA_AIS_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "centinela/ais.h"
#include "centinela/nmea.h"

typedef struct ais_json_opts {
    bool scaled;
    const char *device;        /* "device" member, omitted when NULL */
    const nmea_message *nmea;  /* adds tag block / receiver members when non-NULL */
} ais_json_opts;

/* One JSON object (no newline).  Returns length written (NUL-terminated), or 0 if out_cap is too
 * small (4096 bytes always suffice). */
size_t ais_json_write(const ais_msg *m, const ais_json_opts *opts, char *out, size_t out_cap);

#endif
