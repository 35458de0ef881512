/* invalid_mmsi: an MMSI that cannot belong to the station sending it.
 *
 * The number is judged by the ais library's MMSI helpers (centinela/mmsi.h: ITU-R M.585-9
 * formats and the ITU table of Maritime Identification Digits), never by digit checks of its
 * own: a number that is not 9 digits, matches no M.585 format, carries a MID outside 201-775 or
 * one the ITU has not allocated, a SART/MOB/EPIRB with manufacturer 00, or a valid number whose
 * kind does not send the message type it was heard in (a ship station sending base station
 * reports, an AtoN number sending class A positions).
 *
 * The message type comes from the track's AIS class, which fusion sets from the type of the
 * messages it fused: 'A' position reports 1-3 (checked as type 1, which also admits SART, MOB
 * and EPIRB), 'B' 18/19/24 (as 18), 'X' base station 4, 'S' SAR aircraft 9, 'N' AtoN 21; an
 * unknown class checks the number alone.  The evidence carries the reason identifier, the
 * kind, the MID with its country when allocated, and mmsi_explain's sentence.
 *
 * Keys: refresh_s; unallocated_mid (MIDs inside 201-775 missing from the ITU table are invalid:
 * switch off when a newly allocated MID is seen before the table is updated); kind_mismatch
 * (check the number against the message class).  The former mid_min / mid_max keys are gone:
 * the ITU table is the range.  One alert per track; it stays open while the track lives. */
#include "../rule.h"

#include "centinela/mmsi.h"

#include <stdio.h>
#include <string.h>

enum { P_REFRESH_S, P_UNALLOCATED, P_KIND_MISMATCH };
static const detect_param_spec params[] = {
    {"refresh_s", DP_REAL, "300", 1, 86400, "extend the open alert at most this often (s)"},
    {"unallocated_mid", DP_BOOL, "true", 0, 1,
     "a MID inside 201-775 that the ITU table does not list is invalid"},
    {"kind_mismatch", DP_BOOL, "true", 0, 1,
     "a valid number whose kind does not send the track's message class is invalid (a ship "
     "MMSI in base station reports, an AtoN MMSI in class A positions)"},
    {NULL, 0, NULL, 0, 0, NULL},
};

struct st {
    uint32_t checked_mmsi;
    uint8_t checked_class;
    bool invalid;
    uint8_t reason; /* enum mmsi_reason */
    int64_t last_raise_ns;
};

/* The message type a track of this AIS class was heard in (0: the number alone). */
static unsigned class_msg_type(uint8_t cls)
{
    switch (cls) {
    case 'A':
        return 1;
    case 'B':
        return 18;
    case 'X':
        return 4;
    case 'S':
        return 9;
    case 'N':
        return 21;
    default:
        return 0;
    }
}

static void process(void *self, rule_env *env, const detect_track *v, void *state)
{
    (void)self;
    struct st *s = state;
    const wire_track *t = v->t;
    if (t->mmsi == 0 || !(t->sensors & TRACK_SENSOR_AIS))
        return;
    unsigned type = class_msg_type(t->ais_class);
    if (t->mmsi != s->checked_mmsi || t->ais_class != s->checked_class) {
        s->checked_mmsi = t->mmsi;
        s->checked_class = t->ais_class;
        bool was = s->invalid;
        mmsi_reason r = mmsi_check_for_type(t->mmsi, type);
        if (r == MMSI_MID_UNALLOCATED && rule_param(env, t->zones, P_UNALLOCATED) == 0)
            r = MMSI_VALID;
        if (r == MMSI_KIND_MISMATCH && rule_param(env, t->zones, P_KIND_MISMATCH) == 0)
            r = MMSI_VALID;
        s->reason = (uint8_t)r;
        s->invalid = r != MMSI_VALID;
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
    mmsi_info info;
    mmsi_classify(t->mmsi, &info);
    char explain[192];
    mmsi_explain(t->mmsi, type, explain, sizeof explain);
    char ev[640];
    int k = snprintf(ev, sizeof ev,
                     "{\"mmsi\":%u,\"class\":\"%c\",\"msg_type\":%u,\"reason\":\"%s\","
                     "\"kind\":\"%s\",\"mid\":%d,\"country\":",
                     t->mmsi, t->ais_class ? t->ais_class : '?', type,
                     mmsi_reason_name((mmsi_reason)s->reason), mmsi_kind_name(info.kind),
                     info.mid);
    if (k > 0 && (size_t)k < sizeof ev) {
        if (info.country)
            json_escape(ev, sizeof ev, info.country->iso2);
        else
            snprintf(ev + k, sizeof ev - (size_t)k, "null");
        size_t n = strlen(ev);
        snprintf(ev + n, sizeof ev - n, ",\"explain\":");
        json_escape(ev, sizeof ev, explain);
        n = strlen(ev);
        snprintf(ev + n, sizeof ev - n, "}");
    }
    a.evidence = ev;
    rule_alert(env, SUBJECT_TRACK(t->track_id), &a);
}

static void forget(void *self, rule_env *env, const detect_track *v, void *state)
{
    (void)self;
    (void)state;
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
