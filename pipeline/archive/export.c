/* Exports: CSV (the Danish Maritime Authority's AIS columns for positions), JSON Lines, GeoJSON
 * and KML.  Generic tables are written field by field from the schema, so a new field appears
 * in every export without code here. */
#include "centinela/archive.h"

#include "centinela/log.h"
#include "schema.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- a small map from a pair of integers to an index ---------------------------------------- */

typedef struct pair_map {
    struct slot { uint64_t a, b; size_t idx; bool used; } *slots;
    size_t cap, n;
} pair_map;

static uint64_t mix(uint64_t a, uint64_t b)
{
    uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull + (a << 6) + (a >> 2));
    h ^= h >> 31;
    return h * 0xBF58476D1CE4E5B9ull;
}

/* Index of (a, b); *created tells whether it was added with index next. */
static size_t map_get(pair_map *m, uint64_t a, uint64_t b, size_t next, bool *created)
{
    if ((m->n + 1) * 2 > m->cap) {
        pair_map bigger = {x_calloc(m->cap ? m->cap * 2 : 64, sizeof(struct slot)),
                           m->cap ? m->cap * 2 : 64, 0};
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->slots[i].used)
                continue;
            bool c;
            map_get(&bigger, m->slots[i].a, m->slots[i].b, m->slots[i].idx, &c);
        }
        free(m->slots);
        *m = bigger;
    }
    size_t i = mix(a, b) & (m->cap - 1);
    while (m->slots[i].used) {
        if (m->slots[i].a == a && m->slots[i].b == b) {
            *created = false;
            return m->slots[i].idx;
        }
        i = (i + 1) & (m->cap - 1);
    }
    m->slots[i] = (struct slot){a, b, next, true};
    m->n++;
    *created = true;
    return next;
}

/* ---- numbers: the shortest text that reads back to the same value -------------------------
 *
 * "%.17g" always round-trips a double but prints 8.79 as 8.7899999999999991, and a float field
 * widened to double prints as 8.7900033000000004.  Like Python's repr, the fewest significant
 * digits (1..17) whose strtod() gives the value back are used; a float is first reduced to its
 * own shortest digits (1..9, checked with strtof), so 8.79f exports as 8.79. */

static void shortest_double(double v, char *out, size_t cap)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, cap, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

/* The double whose shortest text is the float's shortest text. */
static double float_as_decimal(float v)
{
    char s[32];
    for (int prec = 1; prec <= 9; prec++) {
        snprintf(s, sizeof s, "%.*g", prec, (double)v);
        if (strtof(s, NULL) == v)
            break;
    }
    return strtod(s, NULL);
}

static json_t *json_f32(float v)
{
    return isfinite(v) ? json_real(float_as_decimal(v)) : json_null();
}

/* JSON text of a value, compact and in insertion order, reals in their shortest form (jansson
 * has no such mode). */
static void write_json(FILE *out, json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *m;
        bool first = true;
        fputc('{', out);
        json_object_foreach(v, key, m)
        {
            json_t *k = json_string(key);
            char *ks = k ? json_dumps(k, JSON_ENCODE_ANY) : NULL;
            fprintf(out, "%s%s:", first ? "" : ",", ks ? ks : "\"\"");
            free(ks);
            json_decref(k);
            write_json(out, m);
            first = false;
        }
        fputc('}', out);
        break;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *m;
        fputc('[', out);
        json_array_foreach(v, i, m)
        {
            if (i)
                fputc(',', out);
            write_json(out, m);
        }
        fputc(']', out);
        break;
    }
    case JSON_REAL: {
        char s[40];
        shortest_double(json_real_value(v), s, sizeof s);
        /* Keep it a JSON real: "3" would read back as an integer. */
        fprintf(out, "%s%s", s, strpbrk(s, ".eEn") ? "" : ".0");
        break;
    }
    default: {
        char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        fputs(s ? s : "null", out);
        free(s);
    }
    }
}

/* write_json into a malloc'd string, or NULL when out of memory. */
static char *dump_json(json_t *v)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return NULL;
    write_json(m, v);
    if (fclose(m) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* ---- text helpers ------------------------------------------------------------------------- */

static void iso_time(int64_t t_ns, char *out, size_t cap)
{
    wire_format_time(t_ns, out, cap);
}

static void csv_text(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void xml_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
    }
}

/* One field of a row as JSON (NaN as null). */
static json_t *field_json(const field_desc *f, const uint8_t *row)
{
    const uint8_t *p = row + f->offset;
    switch (f->kind) {
    case FK_I64: { int64_t v; memcpy(&v, p, 8); return json_integer(v); }
    case FK_U64: { uint64_t v; memcpy(&v, p, 8); return json_integer((json_int_t)v); }
    case FK_I32: { int32_t v; memcpy(&v, p, 4); return json_integer(v); }
    case FK_U32: { uint32_t v; memcpy(&v, p, 4); return json_integer(v); }
    case FK_U16: { uint16_t v; memcpy(&v, p, 2); return json_integer(v); }
    case FK_I8: return json_integer(*(const int8_t *)p);
    case FK_U8: return json_integer(*p);
    case FK_F32: { float v; memcpy(&v, p, 4); return json_f32(v); }
    case FK_F64: { double v; memcpy(&v, p, 8); return isfinite(v) ? json_real(v) : json_null(); }
    case FK_CHAR: { char s[2] = {(char)*p, 0}; return json_string(s); }
    case FK_STR: return json_stringn((const char *)p, strnlen((const char *)p, f->len));
    case FK_U32_ARRAY: {
        json_t *a = json_array();
        for (unsigned i = 0; i < f->len; i++) {
            uint32_t v;
            memcpy(&v, p + 4 * i, 4);
            json_array_append_new(a, json_integer(v));
        }
        return a;
    }
    }
    return json_null();
}

static json_t *row_json(enum archive_table t, const void *row)
{
    const table_desc *td = schema_table(t);
    json_t *o = json_object();
    char iso[40];
    iso_time(*(const int64_t *)row, iso, sizeof iso);
    json_object_set_new(o, "time", json_string(iso));
    for (size_t i = 0; i < td->n_fields; i++)
        json_object_set_new(o, td->fields[i].name, field_json(&td->fields[i], row));
    if (t == ARCHIVE_POSITIONS) {
        const archive_position *p = row;
        json_object_set_new(o, "lat", p->lat_e7 == ARCHIVE_LATLON_NA ? json_null() : json_real(p->lat_e7 / 1e7));
        json_object_set_new(o, "lon", p->lon_e7 == ARCHIVE_LATLON_NA ? json_null() : json_real(p->lon_e7 / 1e7));
    }
    return o;
}

static void csv_value(FILE *out, json_t *v)
{
    if (json_is_string(v))
        csv_text(out, json_string_value(v));
    else if (json_is_integer(v))
        fprintf(out, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v)) {
        char s[40];
        shortest_double(json_real_value(v), s, sizeof s);
        fputs(s, out);
    }
    else if (json_is_array(v)) {
        char *s = json_dumps(v, JSON_COMPACT);
        csv_text(out, s ? s : "");
        free(s);
    }
}

/* ---- the DMA AIS CSV ---------------------------------------------------------------------- */

static const char *const nav_status_text[16] = {
    "Under way using engine", "At anchor", "Not under command", "Restricted maneuverability",
    "Constrained by her draught", "Moored", "Aground", "Engaged in fishing", "Under way sailing",
    "Reserved for future amendment [HSC]", "Reserved for future amendment [WIG]",
    "Power-driven vessel towing astern", "Power-driven vessel pushing ahead or towing alongside",
    "Reserved for future use", "AIS-SART", "Unknown value"};

static const char *mobile_type(uint8_t msg_type)
{
    switch (msg_type) {
    case 1: case 2: case 3: case 5: case 27: return "Class A";
    case 18: case 19: case 24: return "Class B";
    case 4: case 11: return "Base Station";
    case 9: return "SAR Airborne";
    case 21: return "AtoN";
    default: return "Undefined";
    }
}

static const char *ship_type_text(uint8_t t)
{
    if (t == 0) return "Undefined";
    if (t >= 20 && t <= 29) return "WIG";
    if (t >= 40 && t <= 49) return "HSC";
    if (t >= 60 && t <= 69) return "Passenger";
    if (t >= 70 && t <= 79) return "Cargo";
    if (t >= 80 && t <= 89) return "Tanker";
    if (t >= 90 && t <= 99) return "Other";
    switch (t) {
    case 30: return "Fishing";
    case 31: case 32: return "Towing";
    case 33: return "Dredging";
    case 34: return "Diving";
    case 35: return "Military";
    case 36: return "Sailing";
    case 37: return "Pleasure";
    case 50: return "Pilot";
    case 51: return "SAR";
    case 52: return "Tug";
    case 53: return "Port tender";
    case 54: return "Anti-pollution";
    case 55: return "Law enforcement";
    case 58: return "Medical";
    case 59: return "Not party to conflict";
    default: return "Reserved";
    }
}

static const char *cargo_type_text(uint8_t t)
{
    if (t < 20 || t > 99 || (t / 10 != 2 && t / 10 != 4 && t / 10 < 6))
        return "";
    switch (t % 10) {
    case 1: return "Category X";
    case 2: return "Category Y";
    case 3: return "Category Z";
    case 4: return "Category OS";
    case 0: return "";
    default: return "Reserved for future use";
    }
}

static const char *const epfd_text[16] = {
    "Undefined", "GPS", "GLONASS", "Combined GPS/GLONASS", "Loran-C", "Chayka",
    "Integrated navigation system", "Surveyed", "Galileo", "", "", "", "", "", "", "Internal GNSS"};

static void merge_static(archive_static *into, const archive_static *s)
{
    if (s->msg_type == 5) {
        *into = *s;
        return;
    }
    if (s->name[0])
        memcpy(into->name, s->name, sizeof into->name);
    if (s->msg_type == 19 || (s->msg_type == 24 && s->part == 1)) {
        if (s->ship_type)
            into->ship_type = s->ship_type;
        if (s->callsign[0])
            memcpy(into->callsign, s->callsign, sizeof into->callsign);
        if (s->to_bow_m || s->to_stern_m || s->to_port_m || s->to_starboard_m) {
            into->to_bow_m = s->to_bow_m;
            into->to_stern_m = s->to_stern_m;
            into->to_port_m = s->to_port_m;
            into->to_starboard_m = s->to_starboard_m;
        }
        if (s->msg_type == 19)
            into->epfd = s->epfd;
    }
    into->mmsi = s->mmsi;
    if (!into->eta_hour && !into->eta_minute && !into->eta_month) {
        into->eta_hour = 24;
        into->eta_minute = 60;
    }
}

static void dma_time(int64_t t_ns, char *out, size_t cap)
{
    time_t s = (time_t)(t_ns >= 0 ? t_ns / 1000000000LL : (t_ns - 999999999LL) / 1000000000LL);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(out, cap, "%d/%m/%Y %H:%M:%S", &tm);
}

static void dma_row(FILE *out, const archive_position *p, const archive_static *s)
{
    char ts[40];
    dma_time(p->time_ns, ts, sizeof ts);
    fprintf(out, "%s,%s,%u,", ts, mobile_type(p->msg_type), p->mmsi);
    if (p->lat_e7 != ARCHIVE_LATLON_NA && p->lon_e7 != ARCHIVE_LATLON_NA)
        fprintf(out, "%.6f,%.6f,", p->lat_e7 / 1e7, p->lon_e7 / 1e7);
    else
        fputs(",,", out);
    fprintf(out, "%s,", nav_status_text[p->nav_status & 15]);
    if (p->rot != ARCHIVE_ROT_NA) {
        double r = p->rot / 4.733;
        fprintf(out, "%.1f", p->rot < 0 ? -r * r : r * r);
    }
    fputc(',', out);
    if (p->sog_dkn != ARCHIVE_U16_NA)
        fprintf(out, "%.1f", p->sog_dkn / 10.0);
    fputc(',', out);
    if (p->cog_ddeg != ARCHIVE_U16_NA)
        fprintf(out, "%.1f", p->cog_ddeg / 10.0);
    fputc(',', out);
    if (p->heading_deg != ARCHIVE_U16_NA)
        fprintf(out, "%u", p->heading_deg);
    fputc(',', out);
    if (s && s->imo)
        fprintf(out, "%u", s->imo);
    fputc(',', out);
    csv_text(out, s ? s->callsign : "");
    fputc(',', out);
    csv_text(out, s ? s->name : "");
    fprintf(out, ",%s,%s,", s ? ship_type_text(s->ship_type) : "Undefined",
            s ? cargo_type_text(s->ship_type) : "");
    if (s && (s->to_port_m || s->to_starboard_m))
        fprintf(out, "%u", s->to_port_m + s->to_starboard_m);
    fputc(',', out);
    if (s && (s->to_bow_m || s->to_stern_m))
        fprintf(out, "%u", s->to_bow_m + s->to_stern_m);
    fprintf(out, ",%s,", s ? epfd_text[s->epfd & 15] : "Undefined");
    if (s && s->draught_dm)
        fprintf(out, "%.1f", s->draught_dm / 10.0);
    fputc(',', out);
    csv_text(out, s ? s->destination : "");
    fputc(',', out);
    if (s && s->eta_month && s->eta_day && s->eta_hour < 24 && s->eta_minute < 60) {
        /* ETA has no year: the year of the report, or the next one when the date has passed. */
        time_t secs = (time_t)(p->time_ns / 1000000000LL);
        struct tm tm;
        gmtime_r(&secs, &tm);
        int year = tm.tm_year + 1900 + ((int)s->eta_month < tm.tm_mon + 1 ? 1 : 0);
        fprintf(out, "%02u/%02u/%04d %02u:%02u:00", s->eta_day, s->eta_month, year, s->eta_hour,
                s->eta_minute);
    }
    fputs(",AIS,", out);
    if (s && (s->to_bow_m || s->to_stern_m || s->to_port_m || s->to_starboard_m))
        fprintf(out, "%u,%u,%u,%u\n", s->to_bow_m, s->to_stern_m, s->to_port_m, s->to_starboard_m);
    else
        fputs(",,,\n", out);
}

/* ---- the export object -------------------------------------------------------------------- */

typedef struct line {
    uint32_t mmsi, track_id, source_id;
    char name[21];
    int64_t t0_ns, t1_ns;
    double *lonlat; /* pairs */
    size_t n, cap;
} line;

typedef struct alert_entry {
    archive_alert row;
    char *evidence;
} alert_entry;

struct archive_export {
    FILE *out;
    enum archive_table table;
    enum archive_format format;
    bool all_states;
    bool header_done;
    uint64_t features;
    pair_map static_map;
    archive_static *statics;
    size_t n_statics;
    pair_map line_map;
    line *lines;
    size_t n_lines;
    pair_map alert_map;
    alert_entry *alerts;
    size_t n_alerts;
    /* rows collected from the current file */
    uint8_t *rows;
    size_t n_rows, cap_rows;
    archive_reader *reader;
};

int archive_format_from_name(const char *name)
{
    static const char *const names[] = {"csv", "jsonl", "geojson", "kml"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

archive_export *archive_export_begin(FILE *out, enum archive_table t, enum archive_format f,
                                     bool all_states)
{
    if ((unsigned)t >= ARCHIVE_TABLE_COUNT) {
        log_error("unknown table");
        return NULL;
    }
    bool geometry = t == ARCHIVE_POSITIONS || t == ARCHIVE_TRACKS || t == ARCHIVE_ALERTS ||
                    t == ARCHIVE_RADAR;
    if ((f == ARCHIVE_FMT_GEOJSON || f == ARCHIVE_FMT_KML) && !geometry) {
        log_error("table %s has no geometry to export as GeoJSON or KML", archive_table_name(t));
        return NULL;
    }
    archive_export *e = x_calloc(1, sizeof *e);
    e->out = out;
    e->table = t;
    e->format = f;
    e->all_states = all_states;
    if (f == ARCHIVE_FMT_GEOJSON)
        fputs("{\"type\":\"FeatureCollection\",\"features\":[\n", out);
    else if (f == ARCHIVE_FMT_KML)
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>\n", out);
    return e;
}

static int collect(void *ctx, const void *row, uint64_t index)
{
    (void)index;
    archive_export *e = ctx;
    size_t rs = archive_row_size(e->table);
    if (e->n_rows == e->cap_rows) {
        e->cap_rows = e->cap_rows ? e->cap_rows * 2 : 1024;
        e->rows = x_realloc(e->rows, e->cap_rows * rs);
    }
    memcpy(e->rows + e->n_rows * rs, row, rs);
    e->n_rows++;
    return 0;
}

static int cmp_time(const void *a, const void *b)
{
    const archive_position *x = a, *y = b;
    if (x->time_ns != y->time_ns)
        return x->time_ns < y->time_ns ? -1 : 1;
    return x->message_row < y->message_row ? -1 : x->message_row > y->message_row;
}

static void add_point(archive_export *e, uint64_t a, uint64_t b, int64_t t_ns, double lat,
                      double lon, uint32_t mmsi, uint32_t track_id, uint32_t source_id,
                      const char *name)
{
    if (!isfinite(lat) || !isfinite(lon))
        return;
    bool created;
    size_t i = map_get(&e->line_map, a, b, e->n_lines, &created);
    if (created) {
        e->lines = x_realloc(e->lines, (e->n_lines + 1) * sizeof *e->lines);
        memset(&e->lines[i], 0, sizeof e->lines[i]);
        e->lines[i].mmsi = mmsi;
        e->lines[i].track_id = track_id;
        e->lines[i].source_id = source_id;
        e->lines[i].t0_ns = t_ns;
        e->n_lines++;
    }
    line *l = &e->lines[i];
    if (name && name[0])
        snprintf(l->name, sizeof l->name, "%s", name);
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->lonlat = x_realloc(l->lonlat, l->cap * 2 * sizeof(double));
    }
    l->lonlat[2 * l->n] = lon;
    l->lonlat[2 * l->n + 1] = lat;
    l->n++;
    l->t1_ns = t_ns;
}

static char *read_blob_text(archive_reader *r, enum archive_blob b, uint64_t off, size_t len)
{
    char *s = x_malloc(len + 1);
    if (archive_reader_blob(r, b, off, len, s) != 0) {
        free(s);
        return NULL;
    }
    s[len] = 0;
    return s;
}

static const archive_static *static_of(archive_export *e, uint32_t mmsi)
{
    bool created;
    size_t i = map_get(&e->static_map, mmsi, 0, e->n_statics, &created);
    if (created) {
        /* not known yet: undo by leaving an empty record */
        e->statics = x_realloc(e->statics, (e->n_statics + 1) * sizeof *e->statics);
        memset(&e->statics[i], 0, sizeof e->statics[i]);
        e->statics[i].eta_hour = 24;
        e->statics[i].eta_minute = 60;
        e->n_statics++;
        return NULL;
    }
    return e->statics[i].mmsi ? &e->statics[i] : NULL;
}

static void note_static(archive_export *e, const archive_static *s)
{
    bool created;
    size_t i = map_get(&e->static_map, s->mmsi, 0, e->n_statics, &created);
    if (created) {
        e->statics = x_realloc(e->statics, (e->n_statics + 1) * sizeof *e->statics);
        memset(&e->statics[i], 0, sizeof e->statics[i]);
        e->n_statics++;
    }
    merge_static(&e->statics[i], s);
}

static int export_positions_csv(archive_export *e, archive_reader *r)
{
    archive_position *pos = (archive_position *)e->rows;
    qsort(pos, e->n_rows, sizeof *pos, cmp_time);
    /* Static data in time order, merged in as the positions pass its time ("as known then"). */
    uint64_t ns = archive_reader_rows(r, ARCHIVE_STATIC);
    archive_static *st = x_malloc((ns ? ns : 1) * sizeof *st);
    if (ns && archive_reader_read(r, ARCHIVE_STATIC, 0, ns, st) != 0) {
        free(st);
        return -1;
    }
    if (!e->header_done) {
        fputs("# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,"
              "COG,Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,"
              "Type of position fixing device,Draught,Destination,ETA,Data source type,A,B,C,D\n",
              e->out);
        e->header_done = true;
    }
    uint64_t k = 0;
    for (size_t i = 0; i < e->n_rows; i++) {
        while (k < ns && st[k].time_ns <= pos[i].time_ns)
            note_static(e, &st[k++]);
        dma_row(e->out, &pos[i], static_of(e, pos[i].mmsi));
    }
    for (; k < ns; k++)
        note_static(e, &st[k]);
    free(st);
    return 0;
}

static int export_generic(archive_export *e, archive_reader *r)
{
    size_t rs = archive_row_size(e->table);
    const table_desc *td = schema_table(e->table);
    if (e->format == ARCHIVE_FMT_CSV && !e->header_done) {
        fputs("time", e->out);
        for (size_t i = 0; i < td->n_fields; i++)
            fprintf(e->out, ",%s", td->fields[i].name);
        if (e->table == ARCHIVE_MESSAGES)
            fputs(",nmea", e->out);
        if (e->table == ARCHIVE_ALERTS)
            fputs(",evidence", e->out);
        fputc('\n', e->out);
        e->header_done = true;
    }
    for (size_t k = 0; k < e->n_rows; k++) {
        const uint8_t *row = e->rows + k * rs;
        json_t *o = row_json(e->table, row);
        char *text = NULL;
        if (e->table == ARCHIVE_MESSAGES) {
            const archive_message *m = (const archive_message *)row;
            text = read_blob_text(r, ARCHIVE_BLOB_NMEA, m->nmea_offset, m->nmea_len);
            json_object_set_new(o, "nmea", json_string(text ? text : ""));
        } else if (e->table == ARCHIVE_ALERTS) {
            const archive_alert *a = (const archive_alert *)row;
            text = read_blob_text(r, ARCHIVE_BLOB_EVIDENCE, a->evidence_offset, a->evidence_len);
            json_object_set_new(o, "evidence", json_string(text ? text : ""));
        } else if (e->table == ARCHIVE_STATS) {
            const archive_stats *s = (const archive_stats *)row;
            text = read_blob_text(r, ARCHIVE_BLOB_STATS, s->json_offset, s->json_len);
            json_t *j = text ? json_loads(text, 0, NULL) : NULL;
            json_object_set_new(o, "stats", j ? j : json_null());
        }
        free(text);
        if (e->format == ARCHIVE_FMT_JSONL) {
            char *s = dump_json(o);
            if (s)
                fprintf(e->out, "%s\n", s);
            free(s);
        } else {
            const char *key;
            json_t *v;
            bool first = true;
            json_object_foreach(o, key, v)
            {
                if (!first)
                    fputc(',', e->out);
                first = false;
                csv_value(e->out, v);
            }
            fputc('\n', e->out);
        }
        json_decref(o);
    }
    return 0;
}

static int export_alert_rows(archive_export *e, archive_reader *r)
{
    archive_alert *rows = (archive_alert *)e->rows;
    for (size_t k = 0; k < e->n_rows; k++) {
        char *ev = read_blob_text(r, ARCHIVE_BLOB_EVIDENCE, rows[k].evidence_offset,
                                  rows[k].evidence_len);
        size_t i = e->n_alerts;
        bool created = true;
        if (!e->all_states)
            i = map_get(&e->alert_map, rows[k].source_id, rows[k].alert_id, e->n_alerts, &created);
        if (created) {
            e->alerts = x_realloc(e->alerts, (e->n_alerts + 1) * sizeof *e->alerts);
            e->alerts[i].evidence = NULL;
            e->n_alerts++;
        } else if (rows[k].start_ns > e->alerts[i].row.start_ns &&
                   e->alerts[i].row.start_ns != 0) {
            rows[k].start_ns = e->alerts[i].row.start_ns; /* keep the earliest start */
        }
        free(e->alerts[i].evidence);
        e->alerts[i].row = rows[k];
        e->alerts[i].evidence = ev;
    }
    return 0;
}

int64_t archive_export_add(archive_export *e, archive_reader *r, const archive_query *q)
{
    e->n_rows = 0;
    e->reader = r;
    int64_t n = archive_query_rows(r, e->table, q, collect, e);
    if (n < 0)
        return -1;
    int rc = 0;
    bool geo = e->format == ARCHIVE_FMT_GEOJSON || e->format == ARCHIVE_FMT_KML;
    if (e->table == ARCHIVE_ALERTS && (e->format == ARCHIVE_FMT_JSONL || geo)) {
        rc = export_alert_rows(e, r);
    } else if (e->table == ARCHIVE_POSITIONS && e->format == ARCHIVE_FMT_CSV) {
        rc = export_positions_csv(e, r);
    } else if (geo && e->table == ARCHIVE_POSITIONS) {
        archive_position *p = (archive_position *)e->rows;
        qsort(p, e->n_rows, sizeof *p, cmp_time);
        for (size_t i = 0; i < e->n_rows; i++)
            if (p[i].lat_e7 != ARCHIVE_LATLON_NA && p[i].lon_e7 != ARCHIVE_LATLON_NA)
                add_point(e, p[i].mmsi, 0, p[i].time_ns, p[i].lat_e7 * 1e-7, p[i].lon_e7 * 1e-7,
                          p[i].mmsi, 0, 0, NULL);
    } else if (geo && e->table == ARCHIVE_TRACKS) {
        archive_track *t = (archive_track *)e->rows;
        for (size_t i = 0; i < e->n_rows; i++)
            add_point(e, t[i].source_id, t[i].track_id, t[i].time_ns, t[i].lat_deg, t[i].lon_deg,
                      t[i].mmsi, t[i].track_id, t[i].source_id, t[i].name);
    } else if (geo && e->table == ARCHIVE_RADAR) {
        archive_radar *t = (archive_radar *)e->rows;
        for (size_t i = 0; i < e->n_rows; i++)
            add_point(e, ((uint64_t)t[i].source_id << 32) | t[i].site_id, t[i].target, t[i].time_ns,
                      t[i].lat_deg, t[i].lon_deg, 0, t[i].target, t[i].site_id, t[i].name);
    } else {
        rc = export_generic(e, r);
    }
    return rc == 0 ? n : -1;
}

static json_t *alert_json(const alert_entry *a)
{
    static const char *const states[] = {"open", "update", "close"};
    const archive_alert *r = &a->row;
    json_t *o = json_object();
    char iso[40];
    json_object_set_new(o, "rule", json_stringn(r->rule, strnlen(r->rule, sizeof r->rule)));
    if (r->n_mmsi == 0) {
        json_object_set_new(o, "mmsi", json_null());
    } else if (r->n_mmsi == 1) {
        json_object_set_new(o, "mmsi", json_integer(r->mmsi[0]));
    } else {
        json_t *l = json_array();
        for (int i = 0; i < r->n_mmsi && i < WIRE_ALERT_MAX_MMSI; i++)
            json_array_append_new(l, json_integer(r->mmsi[i]));
        json_object_set_new(o, "mmsi", l);
    }
    iso_time(r->start_ns, iso, sizeof iso);
    json_object_set_new(o, "start", json_string(iso));
    iso_time(r->end_ns, iso, sizeof iso);
    json_object_set_new(o, "end", json_string(iso));
    json_object_set_new(o, "lat", isfinite(r->lat_deg) ? json_real(r->lat_deg) : json_null());
    json_object_set_new(o, "lon", isfinite(r->lon_deg) ? json_real(r->lon_deg) : json_null());
    json_object_set_new(o, "score", json_f32(r->score));
    json_t *ev = a->evidence && *a->evidence ? json_loads(a->evidence, 0, NULL) : NULL;
    json_object_set_new(o, "evidence", ev ? ev : json_object());
    json_object_set_new(o, "alert_id", json_integer((json_int_t)r->alert_id));
    json_object_set_new(o, "state", json_string(r->state < 3 ? states[r->state] : "unknown"));
    json_object_set_new(o, "track_id", json_integer(r->track_id));
    json_object_set_new(o, "severity", json_f32(r->severity));
    json_object_set_new(o, "confidence", json_f32(r->confidence));
    json_object_set_new(o, "context", json_f32(r->context));
    json_object_set_new(o, "source_id", json_integer(r->source_id));
    iso_time(r->time_ns, iso, sizeof iso);
    json_object_set_new(o, "time", json_string(iso));
    return o;
}

static void feature_sep(archive_export *e)
{
    if (e->features++)
        fputs(",\n", e->out);
}

static void write_geometry(archive_export *e)
{
    char t0[40], t1[40];
    for (size_t i = 0; i < e->n_lines; i++) {
        line *l = &e->lines[i];
        iso_time(l->t0_ns, t0, sizeof t0);
        iso_time(l->t1_ns, t1, sizeof t1);
        bool point = e->table == ARCHIVE_RADAR && l->n == 1;
        if (e->format == ARCHIVE_FMT_GEOJSON) {
            feature_sep(e);
            json_t *props = json_object();
            if (e->table == ARCHIVE_RADAR) {
                json_object_set_new(props, "site_id", json_integer(l->source_id));
                json_object_set_new(props, "target", json_integer(l->track_id));
            } else {
                json_object_set_new(props, "mmsi", l->mmsi ? json_integer(l->mmsi) : json_null());
                if (e->table == ARCHIVE_TRACKS)
                    json_object_set_new(props, "track_id", json_integer(l->track_id));
            }
            if (l->name[0])
                json_object_set_new(props, "name", json_string(l->name));
            json_object_set_new(props, "start", json_string(t0));
            json_object_set_new(props, "end", json_string(t1));
            json_object_set_new(props, "points", json_integer((json_int_t)l->n));
            char *ps = dump_json(props);
            json_decref(props);
            fprintf(e->out, "{\"type\":\"Feature\",\"properties\":%s,\"geometry\":{\"type\":\"%s\","
                            "\"coordinates\":", ps ? ps : "{}", point ? "Point" : "LineString");
            free(ps);
            if (point) {
                fprintf(e->out, "[%.7f,%.7f]", l->lonlat[0], l->lonlat[1]);
            } else {
                fputc('[', e->out);
                size_t n = l->n == 1 ? 2 : l->n; /* a LineString needs two positions */
                for (size_t k = 0; k < n; k++) {
                    size_t j = k < l->n ? k : 0;
                    fprintf(e->out, "%s[%.7f,%.7f]", k ? "," : "", l->lonlat[2 * j], l->lonlat[2 * j + 1]);
                }
                fputc(']', e->out);
            }
            fputs("}}", e->out);
        } else {
            fputs("<Placemark><name>", e->out);
            char label[64];
            if (l->name[0])
                xml_text(e->out, l->name);
            else if (l->mmsi)
                fprintf(e->out, "%u", l->mmsi);
            else
                fprintf(e->out, "%s %u", e->table == ARCHIVE_RADAR ? "target" : "track", l->track_id);
            snprintf(label, sizeof label, "%u", l->mmsi);
            fprintf(e->out, "</name><TimeSpan><begin>%s</begin><end>%s</end></TimeSpan>"
                            "<ExtendedData><Data name=\"mmsi\"><value>%s</value></Data></ExtendedData>",
                    t0, t1, l->mmsi ? label : "");
            fputs(point ? "<Point><coordinates>" : "<LineString><tessellate>1</tessellate><coordinates>",
                  e->out);
            size_t n = (!point && l->n == 1) ? 2 : l->n;
            for (size_t k = 0; k < n; k++) {
                size_t j = k < l->n ? k : 0;
                fprintf(e->out, "%s%.7f,%.7f", k ? " " : "", l->lonlat[2 * j], l->lonlat[2 * j + 1]);
            }
            fputs(point ? "</coordinates></Point></Placemark>\n"
                        : "</coordinates></LineString></Placemark>\n",
                  e->out);
        }
    }
}

static void write_alerts(archive_export *e)
{
    for (size_t i = 0; i < e->n_alerts; i++) {
        const alert_entry *a = &e->alerts[i];
        json_t *o = alert_json(a);
        if (e->format == ARCHIVE_FMT_JSONL) {
            char *s = dump_json(o);
            if (s)
                fprintf(e->out, "%s\n", s);
            free(s);
        } else if (e->format == ARCHIVE_FMT_GEOJSON) {
            feature_sep(e);
            char *s = dump_json(o);
            fprintf(e->out, "{\"type\":\"Feature\",\"properties\":%s,\"geometry\":{\"type\":\"Point\","
                            "\"coordinates\":[%.7f,%.7f]}}",
                    s ? s : "{}", a->row.lon_deg, a->row.lat_deg);
            free(s);
        } else {
            char t0[40], t1[40];
            iso_time(a->row.start_ns, t0, sizeof t0);
            iso_time(a->row.end_ns, t1, sizeof t1);
            fputs("<Placemark><name>", e->out);
            xml_text(e->out, a->row.rule);
            fprintf(e->out, "</name><TimeSpan><begin>%s</begin><end>%s</end></TimeSpan><description>",
                    t0, t1);
            char *s = dump_json(o);
            xml_text(e->out, s ? s : "");
            free(s);
            fprintf(e->out, "</description><Point><coordinates>%.7f,%.7f</coordinates></Point>"
                            "</Placemark>\n",
                    a->row.lon_deg, a->row.lat_deg);
        }
        json_decref(o);
    }
}

int archive_export_end(archive_export **pe)
{
    if (!pe || !*pe)
        return 0;
    archive_export *e = *pe;
    if (e->table == ARCHIVE_ALERTS && e->format != ARCHIVE_FMT_CSV)
        write_alerts(e);
    else if (e->format == ARCHIVE_FMT_GEOJSON || e->format == ARCHIVE_FMT_KML)
        write_geometry(e);
    if (e->format == ARCHIVE_FMT_GEOJSON)
        fputs("\n]}\n", e->out);
    else if (e->format == ARCHIVE_FMT_KML)
        fputs("</Document></kml>\n", e->out);
    int rc = fflush(e->out) == 0 && !ferror(e->out) ? 0 : -1;
    for (size_t i = 0; i < e->n_lines; i++)
        free(e->lines[i].lonlat);
    for (size_t i = 0; i < e->n_alerts; i++)
        free(e->alerts[i].evidence);
    free(e->lines);
    free(e->alerts);
    free(e->statics);
    free(e->static_map.slots);
    free(e->line_map.slots);
    free(e->alert_map.slots);
    free(e->rows);
    free(e);
    *pe = NULL;
    return rc;
}
