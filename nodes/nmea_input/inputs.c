/* See inputs.h. */
#include "inputs.h"

#include "centinela/log.h"
#include "centinela/nmea.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *nmea_input_kind_name(enum nmea_input_kind kind)
{
    switch (kind) {
    case INPUT_FILE:
        return "file";
    case INPUT_UDP:
        return "udp";
    case INPUT_TCP:
        return "tcp";
    case INPUT_TCPSERVER:
        return "tcpserver";
    }
    return "?";
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t k = strlen(s);
    while (k && (s[k - 1] == ' ' || s[k - 1] == '\t'))
        s[--k] = 0;
    return s;
}

static int parse_u32(const char *s, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || *s == '-' || v > 0xffffffffULL)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* "HOST:PORT" (the last colon separates the port). */
static int parse_host_port(char *s, nmea_input_spec *sp)
{
    char *colon = strrchr(s, ':');
    uint32_t port;
    if (!colon || colon == s || parse_u32(colon + 1, &port) != 0 || port == 0 || port > 65535)
        return -1;
    *colon = 0;
    if (strlen(s) >= sizeof sp->host)
        return -1;
    snprintf(sp->host, sizeof sp->host, "%s", s);
    sp->port = (uint16_t)port;
    return 0;
}

static int parse_one(char *tok, uint32_t default_station, nmea_input_spec *sp)
{
    memset(sp, 0, sizeof *sp);
    sp->station_id = default_station;
    static const struct {
        const char *prefix;
        enum nmea_input_kind kind;
    } kinds[] = {{"file:", INPUT_FILE},
                 {"udp:", INPUT_UDP},
                 {"tcp:", INPUT_TCP},
                 {"tcpserver:", INPUT_TCPSERVER}};
    sp->kind = INPUT_FILE;
    char *addr = tok;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t k = strlen(kinds[i].prefix);
        if (strncmp(tok, kinds[i].prefix, k) == 0) {
            sp->kind = kinds[i].kind;
            addr = tok + k;
            break;
        }
    }
    /* "@STATION" at the end (the last '@': a path may hold one) */
    char *at = strrchr(addr, '@');
    if (at) {
        if (parse_u32(at + 1, &sp->station_id) != 0) {
            log_error("inputs: '%s': station after '@' is not a number 0..4294967295", tok);
            return -1;
        }
        *at = 0;
    }
    if (!*addr) {
        log_error("inputs: '%s': no %s", tok, sp->kind == INPUT_FILE ? "path" : "address");
        return -1;
    }
    if (sp->kind == INPUT_FILE) {
        if (strlen(addr) >= sizeof sp->path) {
            log_error("inputs: path too long");
            return -1;
        }
        snprintf(sp->path, sizeof sp->path, "%s", addr);
        return 0;
    }
    if (parse_host_port(addr, sp) != 0) {
        log_error("inputs: '%s': expected %s:HOST:PORT (port 1..65535)", tok,
                  nmea_input_kind_name(sp->kind));
        return -1;
    }
    return 0;
}

int nmea_inputs_parse(const char *text, uint32_t default_station, nmea_input_spec *out, int max)
{
    char *list = x_strdup(text ? text : "");
    int n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        tok = trim(tok);
        if (!*tok)
            continue;
        if (n == max) {
            log_error("inputs: more than %d entries", max);
            free(list);
            return -1;
        }
        if (parse_one(tok, default_station, &out[n]) != 0) {
            free(list);
            return -1;
        }
        n++;
    }
    free(list);
    if (n == 0) {
        log_error(
            "inputs: nothing to read (e.g. inputs = file:traffic.nmea@1, udp:0.0.0.0:10110@2)");
        return -1;
    }
    return n;
}

int nmea_radar_sites_parse(const char *text, radar_site *out, int max)
{
    char *list = x_strdup(text ? text : "");
    int n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        unsigned long long id;
        double lat, lon, range_nm = 0;
        char extra;
        int k = sscanf(tok, "%llu:%lf:%lf:%lf%c", &id, &lat, &lon, &range_nm, &extra);
        if ((k != 3 && k != 4) || n == max || id > 0xffffffffULL || !(fabs(lat) <= 90) ||
            !(fabs(lon) <= 180) || !(range_nm >= 0 && range_nm <= 1000)) {
            log_error("radar_sites: '%s' is not ID:LAT:LON[:RANGE_NM] (at most %d sites, range "
                      "0..1000 NM)",
                      tok, max);
            free(list);
            return -1;
        }
        out[n++] = (radar_site){(uint32_t)id, lat, lon, range_nm * 1852.0};
    }
    free(list);
    return n;
}

int nmea_radar_default_site(const radar_site *sites, int n_sites, uint32_t station_id)
{
    for (int i = 0; i < n_sites; i++)
        if (sites[i].id == station_id)
            return i;
    return n_sites == 1 ? 0 : -1;
}

/* ---- line splitting ----------------------------------------------------------------------- */

void linebuf_init(linebuf *lb, size_t cap)
{
    memset(lb, 0, sizeof *lb);
    if (cap < 2 * NMEA_LINE_MAX)
        cap = 2 * NMEA_LINE_MAX;
    lb->buf = x_malloc(cap);
    lb->cap = cap;
}

void linebuf_free(linebuf *lb)
{
    free(lb->buf);
    lb->buf = NULL;
    lb->cap = lb->start = lb->end = 0;
}

char *linebuf_space(linebuf *lb, size_t *room)
{
    if (lb->start > 0) {
        memmove(lb->buf, lb->buf + lb->start, lb->end - lb->start);
        lb->end -= lb->start;
        lb->start = 0;
    }
    lb->prev_start = lb->start;
    /* linebuf_next never leaves more than NMEA_LINE_MAX bytes without a newline */
    *room = lb->cap - lb->end;
    return lb->buf + lb->end;
}

void linebuf_commit(linebuf *lb, size_t n)
{
    lb->end += n;
}

int linebuf_next(linebuf *lb, bool eof, const char **line, size_t *len)
{
    for (;;) {
        char *p = lb->buf + lb->start;
        size_t avail = lb->end - lb->start;
        char *nl = avail ? memchr(p, '\n', avail) : NULL;
        if (lb->dropping) {
            if (!nl) {
                lb->start = lb->end; /* keep discarding */
                if (eof)
                    lb->dropping = false;
                return 0;
            }
            lb->start += (size_t)(nl - p) + 1;
            lb->dropping = false;
            continue;
        }
        if (nl) {
            size_t k = (size_t)(nl - p);
            lb->prev_start = lb->start;
            lb->start += k + 1;
            if (k > NMEA_LINE_MAX) {
                lb->too_long++;
                continue;
            }
            *line = p;
            *len = k;
            return 1;
        }
        if (avail > NMEA_LINE_MAX) {
            lb->too_long++;
            lb->dropping = !eof;
            lb->start = lb->end;
            return 0;
        }
        if (eof && avail) {
            lb->prev_start = lb->start;
            lb->start = lb->end;
            *line = p;
            *len = avail;
            return 1;
        }
        return 0;
    }
}

void linebuf_unget(linebuf *lb)
{
    lb->start = lb->prev_start;
}

/* ---- event time --------------------------------------------------------------------------- */

int64_t nmea_line_time_ns(const char *line, size_t len)
{
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    nmea_sentence s;
    nmea_status st = nmea_parse_line(line, len, false, &s);
    if (s.has_tagblock && (s.tag.present & NMEA_TAG_C))
        return s.tag.c_ms * 1000000LL;
    if (st == NMEA_NOT_MINE && s.context == NMEA_CONTEXT_PGHP)
        return s.pghp_ms * 1000000LL;
    if (st == NMEA_OK && s.rx.present && s.rx.has_unix)
        return s.rx.unix_ms * 1000000LL;
    if (st == NMEA_OK && s.has_lead_time) /* a local time: its spacing is what pacing needs */
        return s.lead_ms * 1000000LL;
    return 0;
}

double pacer_wait_s(pacer *p, int64_t t_ns, double now_s)
{
    if (t_ns == 0)
        return 0;
    if (!p->started) {
        p->started = true;
        p->ev0_ns = t_ns;
        p->wall0_s = now_s;
        return 0;
    }
    if (t_ns <= p->ev0_ns)
        return 0;
    double due = p->wall0_s + (double)(t_ns - p->ev0_ns) * 1e-9 / p->speed;
    return due - now_s;
}
