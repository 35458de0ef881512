/* Parameters: the detector-wide table below plus every rule's params[] (each rule also gets
 * "<rule>.enabled" and "<rule>.severity"), their defaults, ranges and per-zone overrides. */
#include "detect_internal.h"
#include "centinela/log.h"

#include <errno.h>
#include <ini.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Same order as enum global_param. */
static const detect_param_spec global_params[GP_COUNT + 1] = {
    {"context.anchorage_in_m", DP_REAL, "3000", 0, 100000,
     "a track comes within this distance (m) of an anchorage or port: gap, encounter and "
     "loitering are suppressed"},
    {"context.anchorage_out_m", DP_REAL, "4000", 0, 100000,
     "... and is released again beyond this distance (m); >= anchorage_in_m (hysteresis)"},
    {"context.stopped_kn", DP_REAL, "0.2", 0, 10, "a track is stopped below this SOG (kn)"},
    {"context.moving_kn", DP_REAL, "0.5", 0, 10,
     "... and moving again above this SOG (kn); >= stopped_kn (hysteresis)"},
    {"context.anchorage_requery_m", DP_REAL, "250", 0, 10000,
     "re-ask the zones for the anchorage distance after moving this far (m)"},
    {"context.anchorage_horizon_m", DP_REAL, "15000", 1000, 200000,
     "anchorage distances beyond this are not refined (m); keep above every rule's distance "
     "to an anchorage (encounter.min_anchorage_dist_m)"},
    {"alert.close_after_s", DP_REAL, "1800", 1, 30 * 86400.0,
     "an alert its rule has not raised again for this long (s, event time) closes"},
    {"alert.update_interval_s", DP_REAL, "600", 0, 86400,
     "publish an UPDATE of an open alert at most this often (s) unless its score moves"},
    {"alert.update_score_delta", DP_REAL, "5", 0, 100,
     "publish an UPDATE at once when the score moved by this much (score points)"},
    {"sweep.interval_s", DP_REAL, "60", 1, 3600,
     "periodic work (ongoing gaps, stale alerts) runs every this many s of event time"},
    {"track.forget_s", DP_REAL, "3600", 60, 30 * 86400.0,
     "forget a track not updated for this long (s) even without TRACK_REMOVED"},
    {"score.w_eez_outside_lanes", DP_REAL, "1.3", 0, 10,
     "context weight: inside the EEZ and outside traffic-separation lanes"},
    {"score.w_hotspot", DP_REAL, "1.5", 0, 10,
     "context weight: within a score.hotspots area (Darién, Guna Yala, Bocas del Toro)"},
    {"score.w_night", DP_REAL, "1.2", 0, 10, "context weight: sun below score.night_sun_elev_deg"},
    {"score.w_repeat", DP_REAL, "1.25", 0, 10,
     "context weight: the vessel already had an alert of another rule or an earlier one"},
    {"score.night_sun_elev_deg", DP_REAL, "-6", -18, 0,
     "night when the solar elevation (deg) is below this (-6: civil twilight)"},
    {"score.hotspots", DP_STR,
     "darien:8.00,-78.00,90;guna_yala:9.25,-78.35,75;bocas_del_toro:9.30,-82.20,50", 0, -1,
     "areas of the hotspot weight, name:lat_deg,lon_deg,radius_km separated by ';' "
     "(approximate circles over the Darién, Guna Yala and Bocas del Toro coasts)"},
    {NULL, 0, NULL, 0, 0, NULL},
};

struct param_entry {
    detect_param_info info;
    int rule; /* -1 global */
};

static struct param_entry *g_list;
static size_t g_n;
static size_t g_base[64];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void add_entry(const detect_param_spec *s, const char *prefix, int rule)
{
    struct param_entry *e = &g_list[g_n++];
    if (prefix) {
        size_t k = strlen(prefix) + strlen(s->key) + 2;
        char *key = x_malloc(k);
        snprintf(key, k, "%s.%s", prefix, s->key);
        e->info.key = key;
    } else {
        e->info.key = s->key;
    }
    e->info.type = s->type;
    e->info.def = s->def;
    e->info.min = s->min;
    e->info.max = s->max;
    e->info.help = s->help;
    e->rule = rule;
}

static char g_severity_text[64][16];

static void build_list(void)
{
    size_t total = GP_COUNT;
    for (int r = 0; r < detect_rules_count; r++) {
        for (const detect_param_spec *s = detect_rules[r]->params; s && s->key; s++)
            total++;
        total += 2;
    }
    g_list = x_calloc(total, sizeof *g_list);
    for (int i = 0; i < GP_COUNT; i++)
        add_entry(&global_params[i], NULL, -1);
    for (int r = 0; r < detect_rules_count; r++) {
        const detect_rule *rule = detect_rules[r];
        g_base[r] = g_n;
        for (const detect_param_spec *s = rule->params; s && s->key; s++)
            add_entry(s, rule->name, r);
        snprintf(g_severity_text[r], sizeof g_severity_text[r], "%g", rule->severity);
        detect_param_spec en = {"enabled", DP_BOOL, "true", 0, 1, "run this rule"};
        detect_param_spec sev = {"severity", DP_REAL, g_severity_text[r], 0, 100,
                                 "severity of this rule's alerts (score points at full "
                                 "confidence and neutral context)"};
        add_entry(&en, rule->name, r);
        add_entry(&sev, rule->name, r);
    }
}

static void ensure_list(void)
{
    pthread_once(&g_once, build_list);
}

size_t detect_param_count(void)
{
    ensure_list();
    return g_n;
}

const detect_param_info *detect_param_at(size_t i)
{
    ensure_list();
    return i < g_n ? &g_list[i].info : NULL;
}

size_t detect_param_base(int rule)
{
    ensure_list();
    return g_base[rule];
}

size_t detect_param_rule_count(int rule)
{
    size_t k = 0;
    for (const detect_param_spec *s = detect_rules[rule]->params; s && s->key; s++)
        k++;
    return k;
}

static long find_key(const char *key)
{
    ensure_list();
    for (size_t i = 0; i < g_n; i++)
        if (strcmp(g_list[i].info.key, key) == 0)
            return (long)i;
    return -1;
}

int detect_places_parse(const char *text, detect_place *out, int cap, const char **why)
{
    int n = 0;
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == ';')
            p++;
        if (!*p)
            break;
        const char *colon = strchr(p, ':');
        const char *semi = strchr(p, ';');
        if (!semi)
            semi = p + strlen(p);
        if (!colon || colon > semi || colon == p || colon - p >= 32) {
            *why = "expected name:lat_deg,lon_deg,radius_km";
            return -1;
        }
        if (n == cap) {
            *why = "too many places";
            return -1;
        }
        detect_place *pl = &out[n];
        snprintf(pl->name, sizeof pl->name, "%.*s", (int)(colon - p), p);
        double lat, lon, r_km;
        int used = 0;
        char buf[128];
        snprintf(buf, sizeof buf, "%.*s", (int)(semi - colon - 1), colon + 1);
        if (sscanf(buf, "%lf , %lf , %lf %n", &lat, &lon, &r_km, &used) != 3 ||
            buf[used] != 0) {
            *why = "expected name:lat_deg,lon_deg,radius_km";
            return -1;
        }
        if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 && r_km > 0 &&
              r_km <= 2000)) {
            *why = "latitude in [-90, 90], longitude in [-180, 180], radius in (0, 2000] km";
            return -1;
        }
        pl->lat_deg = lat;
        pl->lon_deg = lon;
        pl->radius_m = r_km * 1000.0;
        n++;
        p = semi;
    }
    return n;
}

static int parse_value(const detect_param_info *in, const char *value, const char *origin,
                       double *out)
{
    if (in->type == DP_STR) {
        /* The only string parameters are place lists. */
        detect_place tmp[32];
        const char *why = NULL;
        if (detect_places_parse(value, tmp, 32, &why) < 0) {
            log_error("%s: %s = '%s' refused: %s", origin, in->key, value, why);
            return -1;
        }
        *out = 0;
        return 0;
    }
    if (in->type == DP_BOOL) {
        static const char *const yes[] = {"1", "true", "yes", "on"};
        static const char *const no[] = {"0", "false", "no", "off"};
        for (int i = 0; i < 4; i++) {
            if (strcasecmp(value, yes[i]) == 0)
                return *out = 1, 0;
            if (strcasecmp(value, no[i]) == 0)
                return *out = 0, 0;
        }
        log_error("%s: %s = '%s' is not a boolean (true/false)", origin, in->key, value);
        return -1;
    }
    char *end;
    errno = 0;
    double d = strtod(value, &end);
    while (end && (*end == ' ' || *end == '\t'))
        end++;
    if (errno || end == value || *end != 0 || !isfinite(d)) {
        log_error("%s: %s = '%s' is not a number", origin, in->key, value);
        return -1;
    }
    if (d < in->min || d > in->max) {
        log_error("%s: %s = %s is out of range [%g, %g] (%s)", origin, in->key, value, in->min,
                  in->max, in->help);
        return -1;
    }
    *out = d;
    return 0;
}

detect_params *detect_params_create(void)
{
    ensure_list();
    detect_params *p = x_calloc(1, sizeof *p);
    p->n = g_n;
    p->val = x_calloc(g_n * (ZONE_KIND_COUNT + 1), sizeof *p->val);
    p->ovr = x_calloc(g_n, sizeof *p->ovr);
    p->str = x_calloc(g_n, sizeof *p->str);
    for (size_t i = 0; i < g_n; i++) {
        const detect_param_info *in = &g_list[i].info;
        double d = 0;
        if (parse_value(in, in->def, "built-in default", &d) != 0)
            abort(); /* a broken default table is a programming error */
        for (int z = 0; z <= ZONE_KIND_COUNT; z++)
            PARAM_SLOT(p, i, z) = d;
        if (in->type == DP_STR)
            p->str[i] = x_strdup(in->def);
    }
    return p;
}

detect_params *detect_params_clone(const detect_params *src)
{
    detect_params *p = x_calloc(1, sizeof *p);
    p->n = src->n;
    p->val = x_malloc(p->n * (ZONE_KIND_COUNT + 1) * sizeof *p->val);
    memcpy(p->val, src->val, p->n * (ZONE_KIND_COUNT + 1) * sizeof *p->val);
    p->ovr = x_malloc(p->n * sizeof *p->ovr);
    memcpy(p->ovr, src->ovr, p->n * sizeof *p->ovr);
    p->str = x_calloc(p->n, sizeof *p->str);
    for (size_t i = 0; i < p->n; i++)
        if (src->str[i])
            p->str[i] = x_strdup(src->str[i]);
    return p;
}

void detect_params_destroy(detect_params **pp)
{
    if (!pp || !*pp)
        return;
    detect_params *p = *pp;
    for (size_t i = 0; i < p->n; i++)
        free(p->str[i]);
    free(p->str);
    free(p->val);
    free(p->ovr);
    free(p);
    *pp = NULL;
}

int detect_params_set(detect_params *p, const char *key, const char *value, const char *origin)
{
    long i = find_key(key);
    if (i < 0) {
        log_error("%s: unknown detector parameter '%s'", origin, key);
        return -1;
    }
    double d;
    if (parse_value(&g_list[i].info, value, origin, &d) != 0)
        return -1;
    if (g_list[i].info.type == DP_STR) {
        free(p->str[i]);
        p->str[i] = x_strdup(value);
        return 0;
    }
    /* The global value; zone kinds without an override follow it. */
    PARAM_SLOT(p, (size_t)i, ZONE_KIND_COUNT) = d;
    for (int z = 0; z < ZONE_KIND_COUNT; z++)
        if (!(p->ovr[i] & ZONE_BIT(z)))
            PARAM_SLOT(p, (size_t)i, z) = d;
    return 0;
}

int detect_params_set_zone(detect_params *p, int zone_kind, const char *key, const char *value,
                           const char *origin)
{
    if (zone_kind < 0 || zone_kind >= ZONE_KIND_COUNT) {
        log_error("%s: unknown zone kind %d", origin, zone_kind);
        return -1;
    }
    long i = find_key(key);
    if (i < 0) {
        log_error("%s: unknown detector parameter '%s'", origin, key);
        return -1;
    }
    if (g_list[i].info.type != DP_REAL) {
        /* Lists and on/off switches are global: a rule runs everywhere or nowhere. */
        log_error("%s: %s cannot be overridden per zone", origin, key);
        return -1;
    }
    double d;
    if (parse_value(&g_list[i].info, value, origin, &d) != 0)
        return -1;
    PARAM_SLOT(p, (size_t)i, zone_kind) = d;
    p->ovr[i] |= ZONE_BIT(zone_kind);
    return 0;
}

/* Most specific first: a port inside an anchorage area inside the territorial sea inside the
 * EEZ takes the port's value. */
static const int zone_precedence[ZONE_KIND_COUNT] = {
    ZONE_PORT, ZONE_ANCHORAGE, ZONE_TSS_LANE, ZONE_TSS_SEPARATION, ZONE_CANAL_APPROACH,
    ZONE_TERRITORIAL_SEA, ZONE_CONTIGUOUS_ZONE, ZONE_EEZ, ZONE_LAND, ZONE_NAVIGABLE_WATER,
    ZONE_LAND_EXTENT,
};

double detect_param_value(const detect_params *p, size_t i, uint32_t zone_mask)
{
    uint32_t hit = p->ovr[i] & zone_mask;
    if (hit)
        for (int k = 0; k < ZONE_KIND_COUNT; k++)
            if (hit & ZONE_BIT(zone_precedence[k]))
                return PARAM_SLOT(p, i, zone_precedence[k]);
    return PARAM_SLOT(p, i, ZONE_KIND_COUNT);
}

double detect_params_real(const detect_params *p, const char *key)
{
    long i = find_key(key);
    return i < 0 ? NAN : PARAM_SLOT(p, (size_t)i, ZONE_KIND_COUNT);
}

const char *detect_params_str(const detect_params *p, const char *key)
{
    long i = find_key(key);
    return i < 0 ? NULL : p->str[i];
}

struct zone_load {
    detect_params *p;
    const char *path;
    char prefix[128];
    int errors;
};

static int on_zone_ini(void *user, const char *section, const char *name, const char *value)
{
    struct zone_load *zl = user;
    size_t k = strlen(zl->prefix);
    if (strncmp(section, zl->prefix, k) != 0)
        return 1;
    char origin[512];
    snprintf(origin, sizeof origin, "%s [%s]", zl->path, section);
    int kind = zone_kind_parse(section + k);
    if (kind < 0) {
        log_error("%s: unknown zone kind '%s' (eez, territorial_sea, contiguous_zone, "
                  "canal_approach, anchorage, tss_lane, tss_separation, port, land)",
                  origin, section + k);
        zl->errors++;
        return 1;
    }
    if (detect_params_set_zone(zl->p, kind, name, value, origin) != 0)
        zl->errors++;
    return 1;
}

int detect_params_load_zone_sections(detect_params *p, const char *path, const char *section)
{
    struct zone_load zl = {p, path, "", 0};
    snprintf(zl.prefix, sizeof zl.prefix, "%s.zone.", section);
    int rc = ini_parse(path, on_zone_ini, &zl);
    if (rc == -1) {
        log_error("%s: cannot open config file: %s", path, strerror(errno));
        return -1;
    }
    if (rc != 0) {
        log_error("%s:%d: syntax error", path, rc);
        return -1;
    }
    return zl.errors ? -1 : 0;
}
