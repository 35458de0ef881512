/* See csv_positions.h for the layouts and the column mapping.
 *
 * Sources of the layouts: MarineCadastre "AIS Data Dictionary" (BOEM/NOAA, 2015 onwards:
 * BaseDateTime ISO 8601 UTC, SOG kn, COG and Heading deg with 360/511 as not available,
 * VesselType as the AIS ship type code, TransceiverClass A/B) and the Danish Maritime Authority's
 * "aisdata.ais.dk" CSV (Timestamp DD/MM/YYYY UTC, navigational status, ship type and position
 * fixing device as text, A-D as the reported antenna distances in metres).  Text values are
 * mapped back to the codes of ITU-R M.1371-5 Table 46 (status), Table 53 (ship type) and
 * Table 48 (EPFD). */
#include "csv_positions.h"

#include "centinela/log.h"
#include "centinela/nmea.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum col {
    COL_NONE = 0,
    COL_TIME,
    COL_MOBILE,
    COL_MMSI,
    COL_LAT,
    COL_LON,
    COL_STATUS,
    COL_ROT,
    COL_SOG,
    COL_COG,
    COL_HEADING,
    COL_IMO,
    COL_CALLSIGN,
    COL_NAME,
    COL_SHIPTYPE,
    COL_WIDTH,
    COL_LENGTH,
    COL_EPFD,
    COL_DRAUGHT,
    COL_DESTINATION,
    COL_ETA,
    COL_A,
    COL_B,
    COL_C,
    COL_D,
    COL_CLASS,
    COL_COUNT
};

static const struct {
    const char *name;
    enum col col;
} column_names[] = {
    {"basedatetime", COL_TIME},
    {"timestamp", COL_TIME},
    {"type of mobile", COL_MOBILE},
    {"mmsi", COL_MMSI},
    {"lat", COL_LAT},
    {"latitude", COL_LAT},
    {"lon", COL_LON},
    {"longitude", COL_LON},
    {"status", COL_STATUS},
    {"navigational status", COL_STATUS},
    {"rot", COL_ROT},
    {"sog", COL_SOG},
    {"cog", COL_COG},
    {"heading", COL_HEADING},
    {"imo", COL_IMO},
    {"callsign", COL_CALLSIGN},
    {"vesselname", COL_NAME},
    {"name", COL_NAME},
    {"vesseltype", COL_SHIPTYPE},
    {"ship type", COL_SHIPTYPE},
    {"width", COL_WIDTH},
    {"length", COL_LENGTH},
    {"type of position fixing device", COL_EPFD},
    {"draft", COL_DRAUGHT},
    {"draught", COL_DRAUGHT},
    {"destination", COL_DESTINATION},
    {"eta", COL_ETA},
    {"a", COL_A},
    {"b", COL_B},
    {"c", COL_C},
    {"d", COL_D},
    {"transceiverclass", COL_CLASS},
};

#define MAX_CELLS 64
#define ROW_MAX 4096

typedef struct seen {
    uint32_t mmsi;
    uint32_t hash; /* of the static cells last turned into a message */
} seen;

struct csv_positions {
    enum csv_layout layout;
    int n_cols;
    enum col col_of[MAX_CELLS];
    int cell_of[COL_COUNT]; /* -1 when the table has no such column */
    char row[ROW_MAX];
    const char *cell[MAX_CELLS];
    int n_cells;
    seen *seen;
    size_t seen_cap, seen_n;
};

/* ---- cells --------------------------------------------------------------------------------- */

/* Split a line into cells (RFC 4180 quoting: "a, b" and "" for a quote), trimmed.  Returns the
 * number of cells, or -1 when the line does not fit. */
static int split(struct csv_positions *p, const char *line, size_t len)
{
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    if (len >= ROW_MAX)
        return -1;
    char *o = p->row;
    int n = 0;
    size_t i = 0;
    for (;;) {
        if (n == MAX_CELLS)
            return -1;
        while (i < len && (line[i] == ' ' || line[i] == '\t'))
            i++;
        char *start = o;
        bool quoted = i < len && line[i] == '"';
        if (quoted) {
            for (i++; i < len; i++) {
                if (line[i] == '"' && i + 1 < len && line[i + 1] == '"')
                    *o++ = line[i++];
                else if (line[i] == '"') {
                    i++;
                    break;
                } else
                    *o++ = line[i];
            }
        }
        for (; i < len && line[i] != ','; i++)
            *o++ = line[i];
        while (o > start && (o[-1] == ' ' || o[-1] == '\t'))
            o--;
        *o++ = 0;
        p->cell[n++] = start;
        if (i >= len)
            break;
        i++; /* the comma */
    }
    p->n_cells = n;
    return n;
}

static const char *cell(const struct csv_positions *p, enum col c)
{
    int i = p->cell_of[c];
    return i >= 0 && i < p->n_cells ? p->cell[i] : "";
}

/* A number; *ok false when the cell holds something that is not one.  NAN when empty. */
static double number(const char *s, bool *ok)
{
    if (!*s)
        return NAN;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v)) {
        *ok = false;
        return NAN;
    }
    return v;
}

static bool unknown_text(const char *s)
{
    return !*s || strcasecmp(s, "unknown") == 0 || strcasecmp(s, "undefined") == 0;
}

/* ---- times ------------------------------------------------------------------------------- */

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* "YYYY-MM-DD[T ]hh:mm:ss[.fff][Z]" or "DD/MM/YYYY hh:mm:ss[.fff]" (UTC) to ms; -1 when bad. */
static int64_t parse_time_ms(const char *s)
{
    int Y, M, D, h, m, sec;
    const char *t;
    if (strlen(s) >= 19 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == ' ') &&
        digits(s, 4, &Y) && digits(s + 5, 2, &M) && digits(s + 8, 2, &D))
        t = s + 11;
    else if (strlen(s) >= 19 && s[2] == '/' && s[5] == '/' && s[10] == ' ' && digits(s, 2, &D) &&
             digits(s + 3, 2, &M) && digits(s + 6, 4, &Y))
        t = s + 11;
    else
        return -1;
    if (t[2] != ':' || t[5] != ':' || !digits(t, 2, &h) || !digits(t + 3, 2, &m) ||
        !digits(t + 6, 2, &sec))
        return -1;
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60 || Y < 1970)
        return -1;
    int ms = 0;
    t += 8;
    if (*t == '.') {
        int scale = 100;
        for (t++; isdigit((unsigned char)*t); t++, scale /= 10)
            ms += (*t - '0') * scale;
    }
    if (*t == 'Z')
        t++;
    if (*t)
        return -1;
    return nmea_civil_to_ms(Y, M, D, h, m, sec, ms);
}

/* ---- text values back to codes ------------------------------------------------------------ */

static const struct {
    const char *prefix;
    unsigned code;
} nav_status_text[] = {
    /* M.1371-5 Table 46 as the DMA writes it */
    {"under way using engine", 0},
    {"at anchor", 1},
    {"not under command", 2},
    {"restricted man", 3}, /* "manoeuvrability", "maneuverability", both spellings seen */
    {"constrained by her draught", 4},
    {"moored", 5},
    {"aground", 6},
    {"engaged in fishing", 7},
    {"under way sailing", 8},
    {"reserved for future amendment [hsc]", 9},
    {"reserved for future amendment [wig]", 10},
    {"power-driven vessel towing astern", 11},
    {"power-driven vessel pushing ahead", 12},
    {"reserved for future use", 13},
    {"ais-sart", 14},
    {"unknown", 15},
    {"not defined", 15},
};

static const struct {
    const char *name;
    unsigned code;
} ship_type_text[] = {
    /* M.1371-5 Table 53: the DMA's names for the first code of each class */
    {"wig", 20},
    {"fishing", 30},
    {"towing", 31},
    {"towing long/wide", 32},
    {"dredging", 33},
    {"diving", 34},
    {"military", 35},
    {"sailing", 36},
    {"pleasure", 37},
    {"hsc", 40},
    {"pilot", 50},
    {"sar", 51},
    {"tug", 52},
    {"port tender", 53},
    {"anti-pollution", 54},
    {"law enforcement", 55},
    {"medical", 58},
    {"not party to conflict", 59},
    {"passenger", 60},
    {"cargo", 70},
    {"tanker", 80},
    {"other", 90},
};

static const struct {
    const char *name;
    unsigned code;
} epfd_text[] = {
    /* M.1371-5 Table 48 */
    {"gps", 1},      {"glonass", 2}, {"combined gps/glonass", 3},
    {"loran-c", 4},  {"chayka", 5},  {"integrated navigation system", 6},
    {"surveyed", 7}, {"galileo", 8},
};

static unsigned nav_status(const char *s)
{
    bool ok = true;
    double v = number(s, &ok);
    if (ok && !isnan(v))
        return v >= 0 && v <= 15 ? (unsigned)v : 15;
    for (size_t i = 0; i < sizeof nav_status_text / sizeof nav_status_text[0]; i++)
        if (strncasecmp(s, nav_status_text[i].prefix, strlen(nav_status_text[i].prefix)) == 0)
            return nav_status_text[i].code;
    return 15;
}

static unsigned ship_type(const char *s)
{
    bool ok = true;
    double v = number(s, &ok);
    if (ok && !isnan(v))
        return v >= 0 && v <= 99 ? (unsigned)v : 0; /* MarineCadastre's pre-2015 1001+ codes */
    for (size_t i = 0; i < sizeof ship_type_text / sizeof ship_type_text[0]; i++)
        if (strcasecmp(s, ship_type_text[i].name) == 0)
            return ship_type_text[i].code;
    return 0;
}

static unsigned epfd(const char *s)
{
    for (size_t i = 0; i < sizeof epfd_text / sizeof epfd_text[0]; i++)
        if (strcasecmp(s, epfd_text[i].name) == 0)
            return epfd_text[i].code;
    return 0;
}

/* ---- header ------------------------------------------------------------------------------- */

csv_positions *csv_positions_create(const char *header, size_t len)
{
    struct csv_positions tmp;
    memset(&tmp, 0, sizeof tmp);
    /* the DMA's header starts with "# " */
    while (len && (*header == '#' || *header == ' ' || *header == '\xef' || *header == '\xbb' ||
                   *header == '\xbf')) /* and a UTF-8 byte-order mark is common */
        header++, len--;
    if (len < 10 || !memchr(header, ',', len) || split(&tmp, header, len) < 4)
        return NULL;
    for (int c = 0; c < COL_COUNT; c++)
        tmp.cell_of[c] = -1;
    bool base_date_time = false;
    for (int i = 0; i < tmp.n_cells; i++) {
        for (size_t k = 0; k < sizeof column_names / sizeof column_names[0]; k++) {
            if (strcasecmp(tmp.cell[i], column_names[k].name) != 0)
                continue;
            if (tmp.cell_of[column_names[k].col] < 0)
                tmp.cell_of[column_names[k].col] = i;
            base_date_time |= strcasecmp(tmp.cell[i], "basedatetime") == 0;
            break;
        }
    }
    if (tmp.cell_of[COL_MMSI] < 0 || tmp.cell_of[COL_TIME] < 0 || tmp.cell_of[COL_LAT] < 0 ||
        tmp.cell_of[COL_LON] < 0)
        return NULL;
    csv_positions *p = x_calloc(1, sizeof *p);
    memcpy(p->cell_of, tmp.cell_of, sizeof p->cell_of);
    p->n_cols = tmp.n_cells;
    p->layout = base_date_time ? CSV_MARINECADASTRE : CSV_DMA;
    return p;
}

void csv_positions_destroy(csv_positions **pp)
{
    if (!pp || !*pp)
        return;
    free((*pp)->seen);
    free(*pp);
    *pp = NULL;
}

enum csv_layout csv_positions_layout(const csv_positions *p)
{
    return p->layout;
}

const char *csv_positions_layout_name(const csv_positions *p)
{
    return p->layout == CSV_MARINECADASTRE ? "MarineCadastre" : "DMA";
}

/* ---- static data changes per MMSI ---------------------------------------------------------- */

/* True when the static cells of this MMSI differ from the last ones turned into a message
 * (or it is new); records the hash. */
static bool static_changed(csv_positions *p, uint32_t mmsi, uint32_t hash)
{
    if (p->seen_n * 2 >= p->seen_cap) {
        size_t cap = p->seen_cap ? p->seen_cap * 2 : 1024;
        seen *t = x_calloc(cap, sizeof *t);
        for (size_t i = 0; i < p->seen_cap; i++) {
            if (!p->seen[i].mmsi)
                continue;
            size_t j = (p->seen[i].mmsi * 2654435761u) & (cap - 1);
            while (t[j].mmsi)
                j = (j + 1) & (cap - 1);
            t[j] = p->seen[i];
        }
        free(p->seen);
        p->seen = t;
        p->seen_cap = cap;
    }
    size_t j = (mmsi * 2654435761u) & (p->seen_cap - 1);
    while (p->seen[j].mmsi && p->seen[j].mmsi != mmsi)
        j = (j + 1) & (p->seen_cap - 1);
    if (p->seen[j].mmsi == mmsi && p->seen[j].hash == hash)
        return false;
    if (!p->seen[j].mmsi)
        p->seen_n++;
    p->seen[j].mmsi = mmsi;
    p->seen[j].hash = hash;
    return true;
}

/* ---- rows --------------------------------------------------------------------------------- */

static uint32_t to_u(double v, uint32_t na, double scale, uint32_t max)
{
    if (isnan(v) || v < 0)
        return na;
    double s = round(v * scale);
    return s > max ? max : (uint32_t)s;
}

/* Dimensions: A-D when given, else half the length and width to each side. */
static void dimensions(const csv_positions *p, bool *ok, uint32_t d[4])
{
    double a = number(cell(p, COL_A), ok), b = number(cell(p, COL_B), ok);
    double c = number(cell(p, COL_C), ok), dd = number(cell(p, COL_D), ok);
    if (isnan(a) && isnan(b) && isnan(c) && isnan(dd)) {
        double len = number(cell(p, COL_LENGTH), ok), wid = number(cell(p, COL_WIDTH), ok);
        a = isnan(len) ? NAN : ceil(len / 2);
        b = isnan(len) ? NAN : len - ceil(len / 2);
        c = isnan(wid) ? NAN : ceil(wid / 2);
        dd = isnan(wid) ? NAN : wid - ceil(wid / 2);
    }
    d[0] = to_u(a, 0, 1, 511);
    d[1] = to_u(b, 0, 1, 511);
    d[2] = to_u(c, 0, 1, 63);
    d[3] = to_u(dd, 0, 1, 63);
}

static void copy_text(char *dst, size_t cap, const char *s)
{
    if (unknown_text(s))
        s = "";
    size_t n = strlen(s) < cap - 1 ? strlen(s) : cap - 1;
    memcpy(dst, s, n);
    dst[n] = 0;
}

static uint32_t fnv(uint32_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return (h ^ 0x1f) * 16777619u; /* cell separator */
}

int64_t csv_positions_row_time_ns(const csv_positions *p, const char *line, size_t len)
{
    /* split() writes only into p->row: a const reader would need its own buffer; the cast keeps
     * the pacing call cheap and the object's visible state is not changed. */
    struct csv_positions *q = (struct csv_positions *)p;
    if (split(q, line, len) < 0)
        return 0;
    int64_t ms = parse_time_ms(cell(q, COL_TIME));
    return ms < 0 ? 0 : ms * 1000000LL;
}

csv_row_status csv_positions_row(csv_positions *p, const char *line, size_t len, csv_row_msgs *out)
{
    out->n = 0;
    out->time_ns = 0;
    size_t l = len;
    while (l && (line[l - 1] == '\r' || line[l - 1] == '\n' || line[l - 1] == ' '))
        l--;
    if (l == 0)
        return CSV_ROW_SKIPPED;
    if (split(p, line, len) < 0)
        return CSV_ROW_BAD;
    if (strcasecmp(cell(p, COL_MMSI), "mmsi") == 0) /* a header repeated (concatenated files) */
        return CSV_ROW_SKIPPED;
    if (p->n_cells < p->cell_of[COL_MMSI] + 1 || p->n_cells < p->cell_of[COL_LAT] + 1 ||
        p->n_cells < p->cell_of[COL_LON] + 1 || p->n_cells < p->cell_of[COL_TIME] + 1)
        return CSV_ROW_BAD;
    int64_t ms = parse_time_ms(cell(p, COL_TIME));
    if (ms < 0)
        return CSV_ROW_BAD;
    const char *ms_text = cell(p, COL_MMSI);
    char *end;
    unsigned long mmsi = strtoul(ms_text, &end, 10);
    if (!isdigit((unsigned char)ms_text[0]) || *end || mmsi == 0 || mmsi > 999999999UL)
        return CSV_ROW_BAD;
    bool ok = true;
    double lat = number(cell(p, COL_LAT), &ok), lon = number(cell(p, COL_LON), &ok);
    if (!ok || (!isnan(lat) && fabs(lat) > 90 && lat != 91) ||
        (!isnan(lon) && fabs(lon) > 180 && lon != 181))
        return CSV_ROW_BAD;
    double sog = number(cell(p, COL_SOG), &ok), cog = number(cell(p, COL_COG), &ok);
    double hdg = number(cell(p, COL_HEADING), &ok), rot = number(cell(p, COL_ROT), &ok);
    if (!ok)
        return CSV_ROW_BAD;

    bool class_b = false;
    const char *cls = cell(p, COL_CLASS), *mobile = cell(p, COL_MOBILE);
    if (*cls)
        class_b = strcasecmp(cls, "B") == 0;
    if (*mobile) {
        if (strcasecmp(mobile, "Class B") == 0)
            class_b = true;
        else if (strcasecmp(mobile, "Class A") != 0)
            return CSV_ROW_SKIPPED; /* base stations, AtoN, SAR aircraft: other messages */
    }
    out->time_ns = ms * 1000000LL;
    unsigned second = (unsigned)((ms / 1000) % 60);
    int32_t lat_u = isnan(lat) ? AIS_LAT_NA : (int32_t)lround(lat * 600000.0);
    int32_t lon_u = isnan(lon) ? AIS_LON_NA : (int32_t)lround(lon * 600000.0);
    uint32_t speed = isnan(sog) || sog < 0 ? AIS_SPEED_NA : to_u(sog, AIS_SPEED_NA, 10, 1022);
    uint32_t course = isnan(cog) || cog < 0 || cog >= 360 ? AIS_COURSE_NA : to_u(cog, 0, 10, 3599);
    uint32_t heading = isnan(hdg) || hdg < 0 || hdg >= 360 ? AIS_HEADING_NA : (uint32_t)lround(hdg);
    if (heading == 360)
        heading = 0;

    ais_msg *m = &out->msg[out->n++];
    memset(m, 0, sizeof *m);
    m->mmsi = (uint32_t)mmsi;
    if (class_b) {
        m->type = 18;
        ais_class_b *b = &m->u.class_b;
        b->speed = speed;
        b->course = course;
        b->heading = heading;
        b->lat = lat_u;
        b->lon = lon_u;
        b->second = second;
        b->cs = b->band = b->msg22 = b->dsc = true; /* a carrier-sense unit, as most are */
    } else {
        m->type = 1;
        ais_position *a = &m->u.position;
        a->status = *cell(p, COL_STATUS) ? nav_status(cell(p, COL_STATUS)) : 15;
        if (isnan(rot))
            a->turn = AIS_TURN_NA;
        else {
            /* M.1371-5 Table 46: ROT_AIS = 4.733 sqrt(ROT_sensor deg/min), sign kept */
            double r = 4.733 * sqrt(fabs(rot));
            r = r > 126 ? 126 : round(r);
            a->turn = rot < 0 ? -(int32_t)r : (int32_t)r;
        }
        a->speed = speed;
        a->course = course;
        a->heading = heading;
        a->lat = lat_u;
        a->lon = lon_u;
        a->second = second;
    }

    /* static data: the cells that feed it, hashed to see a change */
    const char *name = cell(p, COL_NAME), *call = cell(p, COL_CALLSIGN), *imo = cell(p, COL_IMO);
    const char *type = cell(p, COL_SHIPTYPE);
    uint32_t dim[4];
    bool dim_ok = true;
    dimensions(p, &dim_ok, dim);
    bool any = !unknown_text(name) || !unknown_text(call) || !unknown_text(imo) ||
               !unknown_text(type) || dim[0] + dim[1] + dim[2] + dim[3] > 0;
    if (!any)
        return CSV_ROW_OK;
    uint32_t h = 2166136261u;
    static const enum col static_cols[] = {
        COL_NAME, COL_CALLSIGN, COL_IMO, COL_SHIPTYPE, COL_WIDTH,   COL_LENGTH,      COL_A,
        COL_B,    COL_C,        COL_D,   COL_EPFD,     COL_DRAUGHT, COL_DESTINATION, COL_ETA};
    for (size_t i = 0; i < sizeof static_cols / sizeof static_cols[0]; i++)
        h = fnv(h, cell(p, static_cols[i]));
    h ^= class_b;
    if (!static_changed(p, (uint32_t)mmsi, h))
        return CSV_ROW_OK;
    unsigned stype = unknown_text(type) ? 0 : ship_type(type);
    if (class_b) {
        ais_msg *a = &out->msg[out->n++];
        memset(a, 0, sizeof *a);
        a->type = 24;
        a->mmsi = (uint32_t)mmsi;
        a->u.static_data.partno = 0;
        copy_text(a->u.static_data.shipname, sizeof a->u.static_data.shipname, name);
        ais_msg *b = &out->msg[out->n++];
        memset(b, 0, sizeof *b);
        b->type = 24;
        b->mmsi = (uint32_t)mmsi;
        ais_static_data *s = &b->u.static_data;
        s->partno = 1;
        s->shiptype = stype;
        copy_text(s->callsign, sizeof s->callsign, call);
        s->auxiliary = mmsi / 10000000 == 98;
        s->to_bow = dim[0];
        s->to_stern = dim[1];
        s->to_port = dim[2];
        s->to_starboard = dim[3];
        return CSV_ROW_OK;
    }
    ais_msg *v = &out->msg[out->n++];
    memset(v, 0, sizeof *v);
    v->type = 5;
    v->mmsi = (uint32_t)mmsi;
    ais_static_voyage *s = &v->u.static_voyage;
    const char *imo_digits = strncasecmp(imo, "IMO", 3) == 0 ? imo + 3 : imo;
    unsigned long imo_n = strtoul(imo_digits, &end, 10);
    s->imo =
        isdigit((unsigned char)*imo_digits) && !*end && imo_n <= 0x3fffffffUL ? (uint32_t)imo_n : 0;
    copy_text(s->callsign, sizeof s->callsign, call);
    copy_text(s->shipname, sizeof s->shipname, name);
    copy_text(s->destination, sizeof s->destination, cell(p, COL_DESTINATION));
    s->shiptype = stype;
    s->to_bow = dim[0];
    s->to_stern = dim[1];
    s->to_port = dim[2];
    s->to_starboard = dim[3];
    s->epfd = epfd(cell(p, COL_EPFD));
    bool d_ok = true;
    s->draught = to_u(number(cell(p, COL_DRAUGHT), &d_ok), 0, 10, 255);
    /* ETA as the DMA writes it (DD/MM/YYYY hh:mm:ss); M.1371 n/a: month 0, day 0, 24:60 */
    int64_t eta = parse_time_ms(cell(p, COL_ETA));
    s->month = 0;
    s->day = 0;
    s->hour = 24;
    s->minute = 60;
    if (eta >= 0) {
        const char *e = cell(p, COL_ETA);
        int M = 0, D = 0, hh = 0, mm = 0;
        if (e[2] == '/') {
            digits(e, 2, &D);
            digits(e + 3, 2, &M);
        } else {
            digits(e + 5, 2, &M);
            digits(e + 8, 2, &D);
        }
        digits(e + 11, 2, &hh);
        digits(e + 14, 2, &mm);
        s->month = (uint32_t)M;
        s->day = (uint32_t)D;
        s->hour = (uint32_t)hh;
        s->minute = (uint32_t)mm;
    }
    return CSV_ROW_OK;
}
