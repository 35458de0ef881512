/* JSON Lines record of an alert (the node's `jsonl` output; also what tests and scorers read). */
#include "centinela/detect.h"
#include "centinela/log.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {"open", "update", "close"};

char *detect_alert_to_json(const wire_alert *a, bool with_state)
{
    json_t *o = json_object();
    json_object_set_new(o, "rule", json_string(a->rule));
    if (with_state)
        json_object_set_new(o, "state",
                            json_string(a->state <= ALERT_CLOSE ? state_names[a->state] : "?"));
    json_object_set_new(o, "alert_id", json_integer((json_int_t)a->alert_id));
    /* mmsi: an integer for one vessel, a list for several, null for a radar-only track. */
    if (a->n_mmsi == 0) {
        json_object_set_new(o, "mmsi", json_null());
    } else if (a->n_mmsi == 1) {
        json_object_set_new(o, "mmsi", json_integer(a->mmsi[0]));
    } else {
        json_t *l = json_array();
        for (int i = 0; i < a->n_mmsi && i < WIRE_ALERT_MAX_MMSI; i++)
            json_array_append_new(l, json_integer(a->mmsi[i]));
        json_object_set_new(o, "mmsi", l);
    }
    json_object_set_new(o, "track_id", json_integer(a->track_id));
    char iso[40];
    wire_format_time(a->start_ns, iso, sizeof iso);
    json_object_set_new(o, "start", json_string(iso));
    wire_format_time(a->end_ns, iso, sizeof iso);
    json_object_set_new(o, "end", json_string(iso));
    json_object_set_new(o, "lat", json_real(round(a->lat_deg * 1e6) / 1e6));
    json_object_set_new(o, "lon", json_real(round(a->lon_deg * 1e6) / 1e6));
    json_object_set_new(o, "score", json_real(round(a->score * 100.0) / 100.0));
    json_object_set_new(o, "severity", json_real(a->severity));
    json_object_set_new(o, "confidence", json_real(round(a->confidence * 1000.0) / 1000.0));
    json_object_set_new(o, "context", json_real(round(a->context * 1000.0) / 1000.0));
    json_error_t err;
    json_t *ev = json_loads(a->evidence, JSON_DECODE_ANY, &err);
    if (!ev || !json_is_object(ev)) {
        /* Evidence is ours, so this is a bug, but the alert must still get out. */
        json_decref(ev);
        ev = json_string(a->evidence);
    }
    json_object_set_new(o, "evidence", ev);
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(o);
    if (!s) {
        log_error("json_dumps failed");
        abort();
    }
    return s;
}
