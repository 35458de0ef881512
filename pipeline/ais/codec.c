/* Message dispatch, the field-table engine, the JSON writer and the shared legends. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ais_internal.h"
#include "centinela/ais_json.h"

static const ais_codec *const codecs[64] = {
#define AIS_MESSAGE(type, codec) [type] = &codec,
#include "ais_messages.def"
#undef AIS_MESSAGE
};

const char *ais_status_name(ais_status s)
{
    static const char *const names[AIS_STATUS_COUNT] = {
        [AIS_OK] = "ok",
        [AIS_NOT_MINE] = "not_mine",
        [AIS_BAD_LENGTH] = "bad_length",
        [AIS_BAD_VALUE] = "bad_value",
    };
    return (unsigned)s < AIS_STATUS_COUNT ? names[s] : "unknown";
}

/* ---- field engine -------------------------------------------------------------------------- */

void fields_decode(const ais_field *f, size_t n, const uint8_t *bits, size_t nbits, size_t bit0,
                   void *base)
{
    char *b = base;
    for (size_t i = 0; i < n; i++, f++) {
        switch (f->kind) {
        case F_U:
            *(uint32_t *)(b + f->offset) = sixbit_get_u(bits, nbits, bit0 + f->start, f->width);
            break;
        case F_S:
            *(int32_t *)(b + f->offset) = sixbit_get_s(bits, nbits, bit0 + f->start, f->width);
            break;
        case F_B:
            *(bool *)(b + f->offset) = sixbit_get_u(bits, nbits, bit0 + f->start, 1) != 0;
            break;
        case F_T:
            sixbit_get_text(bits, nbits, bit0 + f->start, f->width, b + f->offset, (size_t)f->width + 1);
            break;
        }
    }
}

void fields_encode(const ais_field *f, size_t n, const void *base, uint8_t *bits, size_t bit0)
{
    const char *b = base;
    for (size_t i = 0; i < n; i++, f++) {
        switch (f->kind) {
        case F_U:
            sixbit_put_u(bits, bit0 + f->start, f->width, *(const uint32_t *)(b + f->offset));
            break;
        case F_S:
            sixbit_put_s(bits, bit0 + f->start, f->width, *(const int32_t *)(b + f->offset));
            break;
        case F_B:
            sixbit_put_u(bits, bit0 + f->start, 1, *(const bool *)(b + f->offset) ? 1 : 0);
            break;
        case F_T:
            sixbit_put_text(bits, bit0 + f->start, f->width, b + f->offset);
            break;
        }
    }
}

static void scaled_value(jw *w, const char *name, int32_t v, int scale)
{
    switch (scale) {
    case S_DIV10_1:
        jw_fixed(w, name, v / 10.0, 1);
        break;
    case S_LL4:
        jw_fixed(w, name, v / 600000.0, 7);
        break;
    case S_LL3:
        jw_fixed(w, name, v / 60000.0, 6);
        break;
    case S_LL1_1:
        jw_fixed(w, name, v / 600.0, 1);
        break;
    case S_LL1_4:
        jw_fixed(w, name, v / 600.0, 4);
        break;
    case S_LL1_6:
        jw_fixed(w, name, v / 600.0, 6);
        break;
    default:
        jw_int(w, name, v);
        break;
    }
}

void fields_json(const ais_field *f, size_t n, const void *base, jw *w, int scaled)
{
    const char *b = base;
    for (size_t i = 0; i < n; i++, f++) {
        if (!f->name || f->scale == S_HIDE)
            continue;
        switch (f->kind) {
        case F_U: {
            uint32_t v = *(const uint32_t *)(b + f->offset);
            if (scaled && f->scale != S_NONE)
                scaled_value(w, f->name, (int32_t)v, f->scale);
            else
                jw_uint(w, f->name, v);
            if (f->legend) {
                char key[40];
                snprintf(key, sizeof key, "%s_text", f->name);
                /* gpsd's words beyond a table: "INVALID SHIP TYPE" for ship types */
                jw_str(w, key,
                       v < f->nlegend                     ? f->legend[v]
                       : f->legend == ais_shiptype_legend ? "INVALID SHIP TYPE"
                                                          : "INVALID");
            }
            break;
        }
        case F_S: {
            int32_t v = *(const int32_t *)(b + f->offset);
            if (scaled && f->scale != S_NONE)
                scaled_value(w, f->name, v, f->scale);
            else
                jw_int(w, f->name, v);
            break;
        }
        case F_B:
            jw_bool(w, f->name, *(const bool *)(b + f->offset));
            break;
        case F_T:
            jw_str(w, f->name, b + f->offset);
            break;
        }
    }
}

void ais_take_data(const uint8_t *bits, size_t nbits, size_t start, size_t count, uint8_t *data,
                   uint32_t *bitcount)
{
    if (count > AIS_DATA_MAX_BYTES * 8)
        count = AIS_DATA_MAX_BYTES * 8;
    memset(data, 0, (count + 7) / 8);
    for (size_t i = 0; i < count; i += 8) {
        unsigned w = count - i < 8 ? (unsigned)(count - i) : 8;
        data[i / 8] = (uint8_t)(sixbit_get_u(bits, nbits, start + i, w) << (8 - w));
    }
    *bitcount = (uint32_t)count;
}

/* ---- dispatch --------------------------------------------------------------------------- */

ais_status ais_decode(const uint8_t *bits, size_t nbits, ais_msg *out)
{
    if (nbits < 6)
        return AIS_BAD_LENGTH;
    uint32_t type = sixbit_get_u(bits, nbits, 0, 6);
    const ais_codec *c = codecs[type];
    if (!c)
        return AIS_NOT_MINE;
    if (nbits < c->min_bits || nbits > c->max_bits)
        return AIS_BAD_LENGTH;
    out->type = type;
    out->repeat = sixbit_get_u(bits, nbits, 6, 2);
    out->mmsi = sixbit_get_u(bits, nbits, 8, 30);
    fields_decode(c->fields, c->nfields, bits, nbits, 0, out);
    return c->decode ? c->decode(bits, nbits, out) : AIS_OK;
}

ais_status ais_decode_counted(const uint8_t *bits, size_t nbits, ais_msg *out, ais_stats *stats)
{
    ais_status s = ais_decode(bits, nbits, out);
    if (stats) {
        stats->status[s]++;
        if (s == AIS_OK)
            stats->by_type[out->type & 63]++;
    }
    return s;
}

int ais_encode(const ais_msg *m, uint8_t *bits, size_t bits_cap_bytes, size_t *nbits_out)
{
    if (m->type > 63 || !codecs[m->type] || bits_cap_bytes < SIXBIT_MAX_BYTES)
        return -1;
    const ais_codec *c = codecs[m->type];
    memset(bits, 0, SIXBIT_MAX_BYTES);
    sixbit_put_u(bits, 0, 6, m->type);
    sixbit_put_u(bits, 6, 2, m->repeat);
    sixbit_put_u(bits, 8, 30, m->mmsi);
    fields_encode(c->fields, c->nfields, m, bits, 0);
    size_t nbits = c->enc_bits;
    if (c->encode && c->encode(m, bits, &nbits) < 0)
        return -1;
    if (nbits == 0 || nbits > SIXBIT_MAX_BITS)
        return -1;
    *nbits_out = nbits;
    return 0;
}

/* ---- JSON writer -------------------------------------------------------------------------- */

void jw_raw(jw *w, const char *s, size_t n)
{
    if (w->len + n + 1 > w->cap) {
        w->overflow = 1;
        return;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

void jw_key(jw *w, const char *name)
{
    size_t n = strlen(name);
    if (w->len + n + 5 > w->cap) {
        w->overflow = 1;
        return;
    }
    char *p = w->buf + w->len;
    *p++ = ',';
    *p++ = '"';
    memcpy(p, name, n);
    p += n;
    *p++ = '"';
    *p++ = ':';
    w->len = (size_t)(p - w->buf);
}

static void put_u64(jw *w, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    jw_raw(w, tmp + sizeof tmp - n, (size_t)n);
}

void jw_uint(jw *w, const char *name, uint64_t v)
{
    jw_key(w, name);
    put_u64(w, v);
}

void jw_int(jw *w, const char *name, int64_t v)
{
    jw_key(w, name);
    if (v < 0) {
        jw_raw(w, "-", 1);
        put_u64(w, (uint64_t)(-(v + 1)) + 1);
    } else {
        put_u64(w, (uint64_t)v);
    }
}

void jw_bool(jw *w, const char *name, int v)
{
    jw_key(w, name);
    if (v)
        jw_raw(w, "true", 4);
    else
        jw_raw(w, "false", 5);
}

void jw_str(jw *w, const char *name, const char *s)
{
    jw_key(w, name);
    jw_raw(w, "\"", 1);
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            jw_raw(w, e, 2);
        } else if (c < 0x20) {
            char e[8];
            snprintf(e, sizeof e, "\\u%04x", c);
            jw_raw(w, e, 6);
        } else {
            jw_raw(w, (const char *)p, 1);
        }
    }
    jw_raw(w, "\"", 1);
}

void jw_fixed(jw *w, const char *name, double v, int decimals)
{
    static const double pow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    jw_key(w, name);
    if (decimals < 0 || decimals > 9 || !isfinite(v) || fabs(v) > 1e9) {
        char tmp[48];
        int n = snprintf(tmp, sizeof tmp, "%.*f", decimals < 0 ? 0 : decimals, v);
        jw_raw(w, tmp, (size_t)n);
        return;
    }
    int neg = v < 0;
    uint64_t scaled = (uint64_t)llround(fabs(v) * pow10[decimals]);
    if (neg && scaled != 0)
        jw_raw(w, "-", 1);
    uint64_t ip = scaled / (uint64_t)pow10[decimals];
    uint64_t fp = scaled % (uint64_t)pow10[decimals];
    put_u64(w, ip);
    if (decimals > 0) {
        char tmp[12];
        tmp[0] = '.';
        for (int i = decimals; i >= 1; i--) {
            tmp[i] = (char)('0' + fp % 10);
            fp /= 10;
        }
        jw_raw(w, tmp, (size_t)decimals + 1);
    }
}

void jw_data(jw *w, const char *name, const uint8_t *data, uint32_t bitcount)
{
    static const char hex[] = "0123456789abcdef";
    jw_key(w, name);
    jw_raw(w, "\"", 1);
    put_u64(w, bitcount);
    jw_raw(w, ":", 1);
    for (uint32_t i = 0; i < (bitcount + 7) / 8; i++) {
        char h[2] = {hex[data[i] >> 4], hex[data[i] & 15]};
        jw_raw(w, h, 2);
    }
    jw_raw(w, "\"", 1);
}

static void iso_time_ms(jw *w, const char *name, int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
    jw_str(w, name, tmp);
}

size_t ais_json_write(const ais_msg *m, const ais_json_opts *opts, char *out, size_t out_cap)
{
    if (out_cap == 0 || m->type > 63 || !codecs[m->type])
        return 0;
    const ais_codec *c = codecs[m->type];
    jw w = {out, out_cap, 0, 0};
    int scaled = opts ? opts->scaled : 1;
    jw_raw(&w, "{\"class\":\"AIS\"", 14);
    if (opts && opts->device)
        jw_str(&w, "device", opts->device);
    jw_uint(&w, "type", m->type);
    jw_uint(&w, "repeat", m->repeat);
    jw_uint(&w, "mmsi", m->mmsi);
    jw_bool(&w, "scaled", scaled);
    fields_json(c->fields, c->nfields, m, &w, scaled);
    if (c->json)
        c->json(m, &w, scaled);
    const nmea_message *nm = opts ? opts->nmea : NULL;
    if (nm) {
        if (nm->channel) {
            char ch[2] = {nm->channel, 0};
            jw_str(&w, "channel", ch);
        }
        if (nm->has_tagblock) {
            const nmea_tagblock *t = &nm->tag;
            if (t->present & NMEA_TAG_C) {
                jw_int(&w, "tagblock_c", t->c_raw);
                iso_time_ms(&w, "tagblock_timestamp", t->c_ms);
            }
            if (t->present & NMEA_TAG_S)
                jw_str(&w, "tagblock_station", t->s);
            if (t->present & NMEA_TAG_D)
                jw_str(&w, "tagblock_destination", t->d);
            if (t->present & NMEA_TAG_N)
                jw_int(&w, "tagblock_line_count", t->n);
            if (t->present & NMEA_TAG_R)
                jw_int(&w, "tagblock_relative_time", t->r);
            if (t->present & NMEA_TAG_T)
                jw_str(&w, "tagblock_text", t->t);
            if (t->present & NMEA_TAG_BIG_T)
                jw_str(&w, "tagblock_T", t->big_t);
            if (t->present & NMEA_TAG_Q)
                jw_str(&w, "tagblock_q", t->q);
            if (t->present & NMEA_TAG_G) {
                jw_key(&w, "tagblock_group");
                jw_raw(&w, "{\"sentence\":", 12);
                put_u64(&w, t->g_seq);
                jw_raw(&w, ",\"groupsize\":", 13);
                put_u64(&w, t->g_total);
                jw_raw(&w, ",\"id\":", 6);
                put_u64(&w, t->g_id);
                jw_raw(&w, "}", 1);
            }
        }
        if (nm->rx.present) {
            if (nm->rx.has_signal)
                jw_int(&w, "rx_signal_dbm", nm->rx.signal_dbm);
            if (nm->rx.has_slot)
                jw_int(&w, "slot_number", nm->rx.slot);
            if (nm->rx.station[0])
                jw_str(&w, "rx_station", nm->rx.station);
            if (nm->rx.has_unix)
                jw_int(&w, "rx_time", nm->rx.unix_s);
        }
    }
    jw_raw(&w, "}", 1);
    if (w.overflow)
        return 0;
    out[w.len] = '\0';
    return w.len;
}

/* ---- legends (gpsd's wording, so JSON text fields match it) ---------------------------- */

const char *const ais_nav_status_legend[16] = {
    "Under way using engine",
    "At anchor",
    "Not under command",
    "Restricted maneuverability",
    "Constrained by her draught",
    "Moored",
    "Aground",
    "Engaged in fishing",
    "Under way sailing",
    "Reserved for HSC",
    "Reserved for WIG",
    "Power-driven vessel towing astern",
    "Power-driven vessel pushing ahead or towing alongside",
    "Reserved",
    "AIS-SART is active",
    "Not defined",
};

const char *const ais_epfd_legend[16] = {
    "Undefined", "GPS", "GLONASS", "Combined GPS/GLONASS", "Loran-C", "Chayka",
    "Integrated navigation system", "Surveyed", "Galileo", "Reserved (9)", "Reserved (10)",
    "Reserved (11)", "Reserved (12)", "Reserved (13)", "Reserved (14)", "Internal GNSS",
};

const char *const ais_shiptype_legend[100] = {
    "Not available",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Reserved for future use",
    "Wing in ground (WIG) - all ships of this type",
    "Wing in ground (WIG) - Hazardous category A",
    "Wing in ground (WIG) - Hazardous category B",
    "Wing in ground (WIG) - Hazardous category C",
    "Wing in ground (WIG) - Hazardous category D",
    "Wing in ground (WIG) - Reserved for future use",
    "Wing in ground (WIG) - Reserved for future use",
    "Wing in ground (WIG) - Reserved for future use",
    "Wing in ground (WIG) - Reserved for future use",
    "Wing in ground (WIG) - Reserved for future use",
    "Fishing",
    "Towing",
    "Towing: length exceeds 200m or breadth exceeds 25m",
    "Dredging or underwater ops",
    "Diving ops",
    "Military ops",
    "Sailing",
    "Pleasure Craft",
    "Reserved",
    "Reserved",
    "High speed craft (HSC) - all ships of this type",
    "High speed craft (HSC) - Hazardous category A",
    "High speed craft (HSC) - Hazardous category B",
    "High speed craft (HSC) - Hazardous category C",
    "High speed craft (HSC) - Hazardous category D",
    "High speed craft (HSC) - Reserved for future use",
    "High speed craft (HSC) - Reserved for future use",
    "High speed craft (HSC) - Reserved for future use",
    "High speed craft (HSC) - Reserved for future use",
    "High speed craft (HSC) - No additional information",
    "Pilot Vessel",
    "Search and Rescue vessel",
    "Tug",
    "Port Tender",
    "Anti-pollution equipment",
    "Law Enforcement",
    "Spare - Local Vessel",
    "Spare - Local Vessel",
    "Medical Transport",
    "Ship according to RR Resolution No. 18",
    "Passenger - all ships of this type",
    "Passenger - Hazardous category A",
    "Passenger - Hazardous category B",
    "Passenger - Hazardous category C",
    "Passenger - Hazardous category D",
    "Passenger - Reserved for future use",
    "Passenger - Reserved for future use",
    "Passenger - Reserved for future use",
    "Passenger - Reserved for future use",
    "Passenger - No additional information",
    "Cargo - all ships of this type",
    "Cargo - Hazardous category A",
    "Cargo - Hazardous category B",
    "Cargo - Hazardous category C",
    "Cargo - Hazardous category D",
    "Cargo - Reserved for future use",
    "Cargo - Reserved for future use",
    "Cargo - Reserved for future use",
    "Cargo - Reserved for future use",
    "Cargo - No additional information",
    "Tanker - all ships of this type",
    "Tanker - Hazardous category A",
    "Tanker - Hazardous category B",
    "Tanker - Hazardous category C",
    "Tanker - Hazardous category D",
    "Tanker - Reserved for future use",
    "Tanker - Reserved for future use",
    "Tanker - Reserved for future use",
    "Tanker - Reserved for future use",
    "Tanker - No additional information",
    "Other Type - all ships of this type",
    "Other Type - Hazardous category A",
    "Other Type - Hazardous category B",
    "Other Type - Hazardous category C",
    "Other Type - Hazardous category D",
    "Other Type - Reserved for future use",
    "Other Type - Reserved for future use",
    "Other Type - Reserved for future use",
    "Other Type - Reserved for future use",
    "Other Type - no additional information",
};

const char *ais_shiptype_text(uint32_t t)
{
    return t < 100 ? ais_shiptype_legend[t] : "INVALID SHIP TYPE";
}
