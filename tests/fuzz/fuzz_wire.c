/* libFuzzer harness: the wire codec.  Input = a whole frame 2 (header + payload); every decoder
 * and the JSON view must refuse or accept it without reading out of bounds.  When the header
 * is accepted, the payload decoders are also run on it whatever its declared type. */
#include "centinela/wire.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wire_header h;
    enum wire_status st = wire_header_decode(data, size, &h);
    const uint8_t *p = size >= WIRE_HEADER_LEN ? data + WIRE_HEADER_LEN : data;
    size_t n = size >= WIRE_HEADER_LEN ? size - WIRE_HEADER_LEN : size;
    static wire_ais ais;
    static wire_alert alert;
    wire_track track;
    wire_radar radar;
    wire_iq iq;
    static char stats[WIRE_STATS_MAX + 1];
    wire_ais_decode(p, n, &ais);
    wire_alert_decode(p, n, &alert);
    wire_track_decode(p, n, &track);
    wire_radar_decode(p, n, &radar);
    if (wire_iq_decode(p, n, &iq) == WIRE_OK) {
        float *out = malloc((size_t)iq.count * 2 * sizeof(float) + 1);
        wire_iq_samples(&iq, out);
        free(out);
    }
    wire_stats_decode(p, n, stats, sizeof stats);
    if (st == WIRE_OK) {
        char *js = wire_frame_to_json(data, size, &st);
        free(js);
    }
    return 0;
}
