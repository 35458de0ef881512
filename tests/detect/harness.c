#include "harness.h"

int harness_failures;

void collect_sink(void *ctx, const wire_alert *a)
{
    collected *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
        if (!c->v)
            abort();
    }
    c->v[c->n++] = *a;
}

void collected_free(collected *c)
{
    free(c->v);
    memset(c, 0, sizeof *c);
}

size_t count_alerts(const collected *c, const char *rule, int state)
{
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++)
        if ((!rule || strcmp(c->v[i].rule, rule) == 0) && (state < 0 || c->v[i].state == state))
            k++;
    return k;
}

const wire_alert *last_alert(const collected *c, const char *rule, int state)
{
    for (size_t i = c->n; i-- > 0;)
        if ((!rule || strcmp(c->v[i].rule, rule) == 0) && (state < 0 || c->v[i].state == state))
            return &c->v[i];
    return NULL;
}

wire_track make_track(uint32_t track_id, uint32_t mmsi, double lat, double lon, float sog_kn,
                      float cog_deg, int64_t t_ns)
{
    wire_track t;
    memset(&t, 0, sizeof t);
    t.track_id = track_id;
    t.mmsi = mmsi;
    t.state = TRACK_CONFIRMED;
    t.update = TRACK_UPD_POSITION;
    t.sensors = mmsi ? TRACK_SENSOR_AIS : TRACK_SENSOR_RADAR;
    t.ais_class = mmsi ? 'A' : 0;
    t.flags = TRACK_FLAG_IN_COVERAGE | (mmsi ? 0 : TRACK_FLAG_DARK);
    t.quality = 90;
    t.nav_status = 0;
    t.time_ns = t_ns;
    t.last_report_ns = t_ns;
    t.lat_deg = lat;
    t.lon_deg = lon;
    t.sog_kn = sog_kn;
    t.cog_deg = cog_deg;
    t.heading_deg = cog_deg;
    t.pos_sigma_m = 10;
    t.ship_type = mmsi ? 70 : 0;
    t.length_m = mmsi ? 180 : 0;
    t.beam_m = mmsi ? 30 : 0;
    if (mmsi) {
        snprintf(t.name, sizeof t.name, "SHIP %u", mmsi % 10000);
        snprintf(t.callsign, sizeof t.callsign, "HP%04u", mmsi % 10000);
        t.imo = 9000000 + mmsi % 100000;
    }
    t.zones = 1u << ZONE_EEZ;
    t.dist_shore_m = 50 * 1852.0f;
    t.n_stations = 1;
    t.n_reports = 1;
    return t;
}

void advance_track(wire_track *t, double dt_s)
{
    double d_m = (isfinite(t->sog_kn) ? t->sog_kn : 0) * 1852.0 / 3600.0 * dt_s;
    double b = (isfinite(t->cog_deg) ? t->cog_deg : 0) * M_PI / 180.0;
    t->lat_deg += d_m * cos(b) / 111195.0;
    t->lon_deg += d_m * sin(b) / (111195.0 * cos(t->lat_deg * M_PI / 180.0));
    t->time_ns += (int64_t)(dt_s * 1e9);
    t->last_report_ns = t->time_ns;
    t->n_reports++;
}

detector *make_detector(const detect_params *p, collected *c, const detect_geo *geo)
{
    detect_config cfg = {0};
    cfg.params = p;
    if (geo)
        cfg.geo = *geo;
    cfg.sink = collect_sink;
    cfg.sink_ctx = c;
    cfg.source_id = 7;
    return detector_create(&cfg);
}
