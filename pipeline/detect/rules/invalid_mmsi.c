/* invalid_mmsi: an MMSI that cannot belong to the station sending it.
 *
 * ITU-R M.585 formats (the digits of the 9-digit MMSI, zero-padded):
 *   MIDxxxxxx   ship station (class A or B)          MID = Maritime Identification Digits
 *   00MIDxxxx   coast / base station                 99MIDxxxx  aid to navigation
 *   111MIDxxx   SAR aircraft                         98MIDxxxx  craft associated with a ship
 *   8MIDxxxxx   handheld VHF with DSC/GNSS           970/972/974xxxxxx  AIS-SART, MOB, EPIRB
 *   0MIDxxxxx   group call (never a transmitter)
 * Fires when the number has more than 9 digits, when the prefix does not fit the message class
 * (wire_track.ais_class, from the message type: base station 4, AtoN 21, SAR aircraft 9, ship
 * 1-3/5/18/19/24), or when the MID is outside mid_min..mid_max (ITU MIDs run 201-775).  The
 * ITU MID table itself (unallocated MIDs inside the range) belongs to the ais library's MMSI
 * helpers.  One alert per track; it stays open while the track lives. */
#include "../rule.h"

#include <stdio.h>

enum { P_MID_MIN, P_MID_MAX, P_REFRESH_S };
static const detect_param_spec params[] = {
    {"mid_min", DP_REAL, "201", 0, 999, "lowest valid Maritime Identification Digits"},
    {"mid_max", DP_REAL, "775", 0, 999, "highest valid Maritime Identification Digits"},
    {"refresh_s", DP_REAL, "300", 1, 86400, "extend the open alert at most this often (s)"},
    {NULL, 0, NULL, 0, 0, NULL},
};

struct st {
    uint32_t checked_mmsi;
    uint8_t checked_class;
    bool invalid;
    int64_t last_raise_ns;
    char why[96];
};

/* Returns NULL when valid, else a short reason (written into why). */
static const char *check(uint32_t mmsi, uint8_t cls, int mid_min, int mid_max, char *why,
                         size_t cap)
{
    if (mmsi > 999999999u) {
        snprintf(why, cap, "not_9_digits");
        return why;
    }
    char d[10];
    snprintf(d, sizeof d, "%09u", mmsi);
    int mid = -1;
    const char *expect = NULL;
    switch (cls) {
    case 'X':
        expect = "00MID";
        if (d[0] == '0' && d[1] == '0')
            mid = (d[2] - '0') * 100 + (d[3] - '0') * 10 + (d[4] - '0');
        break;
    case 'N':
        expect = "99MID";
        if (d[0] == '9' && d[1] == '9')
            mid = (d[2] - '0') * 100 + (d[3] - '0') * 10 + (d[4] - '0');
        break;
    case 'S':
        expect = "111MID";
        if (d[0] == '1' && d[1] == '1' && d[2] == '1')
            mid = (d[3] - '0') * 100 + (d[4] - '0') * 10 + (d[5] - '0');
        break;
    default: /* ships and unknown classes */
        expect = "MID";
        if (d[0] == '9' && d[1] == '7' && (d[2] == '0' || d[2] == '2' || d[2] == '4'))
            return NULL; /* SART, MOB, EPIRB: no MID by design */
        if (d[0] == '9' && d[1] == '8')
            mid = (d[2] - '0') * 100 + (d[3] - '0') * 10 + (d[4] - '0');
        else if (d[0] == '8')
            mid = (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
        else if (d[0] >= '2' && d[0] <= '7')
            mid = (d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0');
        else if (d[0] == '0') {
            snprintf(why, cap, "not_9_digits");
            return why;
        }
        break;
    }
    if (mid < 0) {
        snprintf(why, cap, "prefix_inconsistent:%s_expected", expect);
        return why;
    }
    if (mid < mid_min || mid > mid_max) {
        snprintf(why, cap, "mid_out_of_range:%03d", mid);
        return why;
    }
    return NULL;
}

static void process(void *self, rule_env *env, const detect_track *v, void *state)
{
    struct st *s = state;
    const wire_track *t = v->t;
    if (t->mmsi == 0 || !(t->sensors & TRACK_SENSOR_AIS))
        return;
    if (t->mmsi != s->checked_mmsi || t->ais_class != s->checked_class) {
        s->checked_mmsi = t->mmsi;
        s->checked_class = t->ais_class;
        bool was = s->invalid;
        s->invalid = check(t->mmsi, t->ais_class, (int)rule_param(env, t->zones, P_MID_MIN),
                           (int)rule_param(env, t->zones, P_MID_MAX), s->why,
                           sizeof s->why) != NULL;
        if (was && !s->invalid)
            rule_alert_close(env, SUBJECT_TRACK(t->track_id), t->time_ns, NULL);
        s->last_raise_ns = 0;
    }
    if (!s->invalid)
        return;
    if (s->last_raise_ns &&
        t->time_ns - s->last_raise_ns < S_TO_NS(rule_param(env, t->zones, P_REFRESH_S)))
        return;
    s->last_raise_ns = t->time_ns;
    rule_alert_info a;
    rule_info_track(&a, t);
    a.hold = true;
    char ev[256];
    snprintf(ev, sizeof ev, "{\"mmsi\":%u,\"class\":\"%c\",\"reason\":\"%s\"}", t->mmsi,
             t->ais_class ? t->ais_class : '?', s->why);
    a.evidence = ev;
    rule_alert(env, SUBJECT_TRACK(t->track_id), &a);
}

static void forget(void *self, rule_env *env, const detect_track *v, void *state)
{
    rule_alert_close(env, SUBJECT_TRACK(v->t->track_id), v->t->time_ns, NULL);
}

const detect_rule rule_invalid_mmsi = {
    .name = "invalid_mmsi",
    .severity = 40,
    .params = params,
    .track_state_size = sizeof(struct st),
    .process = process,
    .forget = forget,
};
