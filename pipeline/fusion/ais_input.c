/* AIS payloads into fusion reports: decoding with the `ais` codec, and the merge of one
 * transmission heard by several stations.
 *
 * Deduplication keys on a 64-bit hash of the payload bits.  Position reports carry the UTC
 * second and the radio state, so two different transmissions practically never share a payload
 * within seconds; static messages (5, 24) repeat unchanged every 6 minutes, far outside the
 * default 5 s window. */
#include "fusion_internal.h"

#include "centinela/ais.h"

#include <math.h>
#include <string.h>

static uint64_t payload_hash(const uint8_t *bits, size_t nbits)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)nbits;
    for (size_t i = 0; i < (nbits + 7) / 8; i++)
        h = (h ^ bits[i]) * 1099511628211ull;
    return h == U64MAP_EMPTY ? 0 : h;
}

/* true when this payload was already seen within the window (and records it otherwise) */
static bool seen_recently(fusion *f, uint64_t h, int64_t t_ns)
{
    int64_t win = (int64_t)(f->cfg.dedupe_window_s * 1e9);
    /* expire the oldest entries */
    while (f->ddq_len) {
        struct dd *e = &f->ddq[f->ddq_head];
        if (e->t_ns >= t_ns - win)
            break;
        uint64_t *v = u64map_get(&f->dedupe, e->hash);
        if (v && (int64_t)*v == e->t_ns)
            u64map_del(&f->dedupe, e->hash);
        f->ddq_head = (f->ddq_head + 1) % f->ddq_cap;
        f->ddq_len--;
    }
    uint64_t *v = u64map_get(&f->dedupe, h);
    if (v && llabs((int64_t)*v - t_ns) <= win)
        return true;
    u64map_put(&f->dedupe, h, (uint64_t)t_ns);
    if (f->ddq_len == f->ddq_cap) {
        size_t cap = f->ddq_cap ? 2 * f->ddq_cap : 1024;
        struct dd *q = x_malloc(cap * sizeof *q);
        for (size_t i = 0; i < f->ddq_len; i++)
            q[i] = f->ddq[(f->ddq_head + i) % f->ddq_cap];
        free(f->ddq);
        f->ddq = q;
        f->ddq_cap = cap;
        f->ddq_head = 0;
    }
    f->ddq[(f->ddq_head + f->ddq_len) % f->ddq_cap] = (struct dd){h, t_ns};
    f->ddq_len++;
    return false;
}

static float speed_01kn(uint32_t v)
{
    return v >= AIS_SPEED_NA ? NAN : v / 10.0f;
}
static float course_01deg(uint32_t v)
{
    return v >= AIS_COURSE_NA ? NAN : v / 10.0f;
}
static float heading_deg(uint32_t v)
{
    return v >= 360 ? NAN : (float)v;
}

static bool set_pos(fusion_report *r, int32_t lat, int32_t lon, double (*conv)(int32_t))
{
    r->lat_deg = conv(lat);
    r->lon_deg = conv(lon);
    /* 91 / 181 degrees mean "not available" in every resolution */
    return fabs(r->lat_deg) <= 90.0 && fabs(r->lon_deg) <= 180.0;
}

static void copy_text(char *dst, size_t cap, const char *src)
{
    size_t k = strnlen(src, cap - 1);
    memcpy(dst, src, k);
    dst[k] = 0;
}

/* Up to two reports (position, static) from one message; returns how many. */
static int reports_of(const ais_msg *m, fusion_report out[2])
{
    memset(out, 0, 2 * sizeof *out);
    fusion_report *r = &out[0];
    r->mmsi = m->mmsi;
    r->msg_type = (uint8_t)m->type;
    r->nav_status = 15;
    r->sog_kn = r->cog_deg = r->heading_deg = NAN;
    r->kind = FUSION_POSITION;
    switch (m->type) {
    case 1:
    case 2:
    case 3: {
        const ais_position *p = &m->u.position;
        r->ais_class = 'A';
        r->nav_status = (uint8_t)p->status;
        r->sog_kn = speed_01kn(p->speed);
        r->cog_deg = course_01deg(p->course);
        r->heading_deg = heading_deg(p->heading);
        r->accuracy_high = p->accuracy;
        return set_pos(r, p->lat, p->lon, ais_deg_1e4min) ? 1 : 0;
    }
    case 4: {
        const ais_base_station *b = &m->u.base_station;
        r->ais_class = 'X';
        r->accuracy_high = b->accuracy;
        return set_pos(r, b->lat, b->lon, ais_deg_1e4min) ? 1 : 0;
    }
    case 9: {
        const ais_sar *s = &m->u.sar;
        r->ais_class = 'S';
        r->sog_kn = s->speed >= 1023 ? NAN : (float)s->speed;
        r->cog_deg = course_01deg(s->course);
        r->accuracy_high = s->accuracy;
        return set_pos(r, s->lat, s->lon, ais_deg_1e4min) ? 1 : 0;
    }
    case 18:
    case 19: {
        const ais_class_b *b = &m->u.class_b;
        r->ais_class = 'B';
        r->sog_kn = speed_01kn(b->speed);
        r->cog_deg = course_01deg(b->course);
        r->heading_deg = heading_deg(b->heading);
        r->accuracy_high = b->accuracy;
        int n = set_pos(r, b->lat, b->lon, ais_deg_1e4min) ? 1 : 0;
        if (m->type == 19) {
            fusion_report *s = &out[n];
            if (n)
                *s = *r;
            s->kind = FUSION_STATIC;
            s->mmsi = m->mmsi;
            s->msg_type = 19;
            s->ais_class = 'B';
            s->has = FUSION_HAS_NAME | FUSION_HAS_TYPE | FUSION_HAS_DIMENSIONS;
            copy_text(s->name, sizeof s->name, b->shipname);
            s->ship_type = (uint8_t)b->shiptype;
            s->length_m = (uint16_t)(b->to_bow + b->to_stern);
            s->beam_m = (uint16_t)(b->to_port + b->to_starboard);
            n++;
        }
        return n;
    }
    case 21: {
        const ais_aton *a = &m->u.aton;
        r->ais_class = 'N';
        r->accuracy_high = a->accuracy;
        int n = set_pos(r, a->lat, a->lon, ais_deg_1e4min) ? 1 : 0;
        fusion_report *s = &out[n];
        if (n)
            *s = *r;
        s->kind = FUSION_STATIC;
        s->mmsi = m->mmsi;
        s->ais_class = 'N';
        s->msg_type = 21;
        s->has = FUSION_HAS_NAME;
        copy_text(s->name, sizeof s->name, a->name);
        return n + 1;
    }
    case 27: {
        const ais_long_range *l = &m->u.long_range;
        r->ais_class = 'A';
        r->nav_status = (uint8_t)l->status;
        r->sog_kn = l->speed >= 63 ? NAN : (float)l->speed;
        r->cog_deg = l->course >= 360 ? NAN : (float)l->course;
        r->accuracy_high = l->accuracy;
        return set_pos(r, l->lat, l->lon, ais_deg_10min) ? 1 : 0;
    }
    case 5: {
        const ais_static_voyage *s = &m->u.static_voyage;
        r->kind = FUSION_STATIC;
        r->ais_class = 'A';
        r->has = FUSION_HAS_NAME | FUSION_HAS_CALLSIGN | FUSION_HAS_IMO | FUSION_HAS_TYPE |
                 FUSION_HAS_DIMENSIONS | FUSION_HAS_DESTINATION;
        r->imo = s->imo;
        r->ship_type = (uint8_t)s->shiptype;
        r->length_m = (uint16_t)(s->to_bow + s->to_stern);
        r->beam_m = (uint16_t)(s->to_port + s->to_starboard);
        copy_text(r->name, sizeof r->name, s->shipname);
        copy_text(r->callsign, sizeof r->callsign, s->callsign);
        copy_text(r->destination, sizeof r->destination, s->destination);
        return 1;
    }
    case 24: {
        const ais_static_data *s = &m->u.static_data;
        r->kind = FUSION_STATIC;
        r->ais_class = 'B';
        if (s->partno == 0) {
            r->has = FUSION_HAS_NAME;
            copy_text(r->name, sizeof r->name, s->shipname);
        } else {
            r->has = FUSION_HAS_TYPE | FUSION_HAS_CALLSIGN;
            r->ship_type = (uint8_t)s->shiptype;
            copy_text(r->callsign, sizeof r->callsign, s->callsign);
            if (!s->auxiliary) {
                r->has |= FUSION_HAS_DIMENSIONS;
                r->length_m = (uint16_t)(s->to_bow + s->to_stern);
                r->beam_m = (uint16_t)(s->to_port + s->to_starboard);
            }
        }
        return 1;
    }
    default:
        return 0;
    }
}

int fusion_ais_bits(fusion *f, uint32_t station_id, int64_t time_ns, const uint8_t *bits,
                    size_t nbits)
{
    ais_msg m;
    ais_status st = ais_decode(bits, nbits, &m);
    if (st != AIS_OK) {
        f->stats.invalid++;
        return -1;
    }
    fusion_report r[2];
    int n = reports_of(&m, r);
    bool dup = f->cfg.dedupe_window_s > 0 && seen_recently(f, payload_hash(bits, nbits), time_ns);
    if (n == 0) {
        fusion_report any = {0};
        any.mmsi = m.mmsi;
        fusion_internal_station_heard(f, station_id, &any, !dup);
        if (dup)
            f->stats.duplicates++;
        else
            f->stats.ignored++;
        fusion_advance(f, time_ns);
        return 0;
    }
    for (int i = 0; i < n; i++) {
        r[i].station_id = station_id;
        r[i].time_ns = time_ns;
    }
    fusion_internal_station_heard(f, station_id, &r[0], !dup);
    if (dup) {
        f->stats.duplicates++;
        fusion_internal_credit_station(f, m.mmsi, station_id);
        return 0;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        int k = fusion_internal_fuse(f, &r[i]);
        if (k != 0)
            rc = k;
    }
    return rc;
}
