/* identity_change: the name, call sign, IMO number or ship type broadcast under one MMSI
 * changes.  Identity is remembered per MMSI (across track removal and re-creation), a field
 * counts only when known on both sides (empty text, '@' padding, IMO 0, type 0 are "unknown"),
 * and text is compared without trailing spaces.  Ship types 70..79 differ only by hazard
 * category (ITU-R M.1371 table 53), so by default only a change of the tens digit counts.
 * Split tracks (one MMSI, two transmitters) are mmsi_conflict's, not identity changes. */
#include "../rule.h"
#include "../detect_internal.h"
#include "centinela/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { P_TYPE_CATEGORY_ONLY };
static const detect_param_spec params[] = {
    {"ship_type_category_only", DP_BOOL, "true", 0, 1,
     "only a change of ship type category (tens digit) counts"},
    {NULL, 0, NULL, 0, 0, NULL},
};

struct ident {
    char name[21], callsign[8];
    uint32_t imo;
    uint8_t ship_type;
};

static void clean(char *out, size_t cap, const char *in)
{
    size_t k = 0;
    for (; in[k] && in[k] != '@' && k < cap - 1; k++)
        out[k] = in[k];
    while (k && out[k - 1] == ' ')
        k--;
    out[k] = 0;
}

static void process(void *self, rule_env *env, const detect_track *v, void *state)
{
    u64map *by_mmsi = self; /* per-vessel records by MMSI */
    const wire_track *t = v->t;
    if (t->mmsi == 0 || (t->flags & TRACK_FLAG_SPLIT) || !(t->sensors & TRACK_SENSOR_AIS))
        return;
    /* Position reports carry the merged static data unchanged; only look when it moved. */
    if (v->prev && t->update != TRACK_UPD_STATIC && v->prev->mmsi == t->mmsi &&
        v->prev->imo == t->imo && v->prev->ship_type == t->ship_type &&
        strcmp(v->prev->name, t->name) == 0 && strcmp(v->prev->callsign, t->callsign) == 0)
        return;
    struct ident now = {.imo = t->imo, .ship_type = t->ship_type};
    clean(now.name, sizeof now.name, t->name);
    clean(now.callsign, sizeof now.callsign, t->callsign);
    struct ident *old = u64map_get(by_mmsi, t->mmsi);
    if (!old) {
        old = x_calloc(1, sizeof *old);
        *old = now;
        u64map_put(by_mmsi, t->mmsi, old);
        return;
    }
    char ev[WIRE_ALERT_MAX_EVIDENCE];
    size_t k = (size_t)snprintf(ev, sizeof ev, "{\"changes\":[");
    int changes = 0;
#define CHANGE_STR(field, label)                                                               \
    if (now.field[0] && old->field[0] && strcmp(now.field, old->field) != 0) {                 \
        k += (size_t)snprintf(ev + k, sizeof ev - k, "%s{\"field\":\"" label "\",\"old\":",    \
                              changes++ ? "," : "");                                           \
        json_escape(ev, sizeof ev - 64, old->field);                                           \
        k = strlen(ev);                                                                        \
        k += (size_t)snprintf(ev + k, sizeof ev - k, ",\"new\":");                             \
        json_escape(ev, sizeof ev - 64, now.field);                                            \
        k = strlen(ev);                                                                        \
        k += (size_t)snprintf(ev + k, sizeof ev - k, "}");                                     \
    }
    CHANGE_STR(name, "name")
    CHANGE_STR(callsign, "callsign")
#undef CHANGE_STR
    if (now.imo && old->imo && now.imo != old->imo)
        k += (size_t)snprintf(ev + k, sizeof ev - k,
                              "%s{\"field\":\"imo\",\"old\":%u,\"new\":%u}", changes++ ? "," : "",
                              old->imo, now.imo);
    bool cat_only = rule_param(env, t->zones, P_TYPE_CATEGORY_ONLY) != 0;
    if (now.ship_type && old->ship_type &&
        (cat_only ? now.ship_type / 10 != old->ship_type / 10 : now.ship_type != old->ship_type))
        k += (size_t)snprintf(ev + k, sizeof ev - k,
                              "%s{\"field\":\"ship_type\",\"old\":%u,\"new\":%u}",
                              changes++ ? "," : "", old->ship_type, now.ship_type);
    /* Learn fields that were unknown, and take the new identity after a change. */
    if (now.name[0])
        memcpy(old->name, now.name, sizeof old->name);
    if (now.callsign[0])
        memcpy(old->callsign, now.callsign, sizeof old->callsign);
    if (now.imo)
        old->imo = now.imo;
    if (now.ship_type)
        old->ship_type = now.ship_type;
    if (!changes || k + 2 >= sizeof ev)
        return;
    snprintf(ev + k, sizeof ev - k, "]}");
    rule_alert_info a;
    rule_info_track(&a, t);
    a.confidence = changes > 1 ? 1.0f : 0.8f;
    a.evidence = ev;
    rule_alert(env, SUBJECT_MMSI(t->mmsi), &a);
}

const detect_rule rule_identity_change = {
    .name = "identity_change",
    .severity = 50,
    .params = params,
    .create = u64map_rule_create,
    .process = process,
    .destroy = u64map_rule_destroy,
};
