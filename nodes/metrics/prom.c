/* Prometheus rendering of node statistics (see prom.h).  Text format reference: Prometheus
 * "Exposition formats", text-based format 0.0.4: one HELP and TYPE line per family, the family's
 * samples together, label values with \\, \" and \n escaped. */
#include "prom.h"

#include "centinela/log.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STATIONS 64

struct station {
    long long id;
    long long messages;
    double last_heard_s; /* event time, seconds since 1970; NaN when never grown */
};

struct node_entry {
    char *section;
    json_t *stats;
    double heard_wall_s;
    struct station st[MAX_STATIONS];
    int n_st;
};

struct prom_registry {
    struct node_entry *nodes;
    int n, cap;
};

prom_registry *prom_registry_create(void)
{
    return x_calloc(1, sizeof(prom_registry));
}

void prom_registry_destroy(prom_registry **pr)
{
    if (!pr || !*pr)
        return;
    prom_registry *r = *pr;
    for (int i = 0; i < r->n; i++) {
        free(r->nodes[i].section);
        json_decref(r->nodes[i].stats);
    }
    free(r->nodes);
    free(r);
    *pr = NULL;
}

int prom_registry_nodes(const prom_registry *r)
{
    return r->n;
}

/* track_fusion's per-station table: remember when each station's count last grew. */
static void update_stations(struct node_entry *e)
{
    json_t *info = json_object_get(e->stats, "info");
    const char *text = json_string_value(json_object_get(info, "stations"));
    if (!text || !*text)
        return;
    json_t *arr = json_loads(text, 0, NULL);
    double t_s = (double)json_integer_value(json_object_get(e->stats, "event_time_ns")) * 1e-9;
    size_t i;
    json_t *s;
    json_array_foreach(arr, i, s)
    {
        long long id = json_integer_value(json_object_get(s, "id"));
        long long msgs = json_integer_value(json_object_get(s, "messages"));
        int k = 0;
        while (k < e->n_st && e->st[k].id != id)
            k++;
        if (k == e->n_st) {
            if (e->n_st == MAX_STATIONS)
                continue;
            e->st[e->n_st++] = (struct station){id, 0, NAN};
        }
        if (msgs > e->st[k].messages || (msgs > 0 && isnan(e->st[k].last_heard_s)))
            e->st[k].last_heard_s = t_s;
        e->st[k].messages = msgs;
    }
    json_decref(arr);
}

int prom_registry_update(prom_registry *r, const char *json, double wall_s)
{
    json_t *o = json_loads(json, 0, NULL);
    const char *section = json_string_value(json_object_get(o, "section"));
    if (!section || !*section)
        section = json_string_value(json_object_get(o, "node"));
    if (!json_is_object(o) || !section || !*section) {
        json_decref(o);
        return -1;
    }
    int i = 0;
    while (i < r->n && strcmp(r->nodes[i].section, section) != 0)
        i++;
    if (i == r->n) {
        if (r->n == r->cap) {
            r->cap = r->cap ? 2 * r->cap : 16;
            r->nodes = x_realloc(r->nodes, (size_t)r->cap * sizeof *r->nodes);
        }
        memset(&r->nodes[i], 0, sizeof r->nodes[i]);
        r->nodes[i].section = x_strdup(section);
        r->n++;
    }
    struct node_entry *e = &r->nodes[i];
    json_decref(e->stats);
    e->stats = o;
    e->heard_wall_s = wall_s;
    update_stations(e);
    return 0;
}

/* ---- rendering ----------------------------------------------------------------------- */

struct out {
    char *buf;
    size_t len, cap;
    char node[96];
    /* families already written (a node counter named like a runtime one is written once) */
    char **seen;
    int n_seen, cap_seen;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
        va_end(ap);
        if (k >= 0 && (size_t)k < o->cap - o->len) {
            o->len += (size_t)k;
            return;
        }
        o->cap = o->cap * 2 + (size_t)(k > 0 ? k : 0);
        o->buf = x_realloc(o->buf, o->cap);
    }
}

static void sanitize(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (; *in && n + 1 < cap; in++)
        out[n++] = ((*in >= 'a' && *in <= 'z') || (*in >= 'A' && *in <= 'Z') ||
                    (*in >= '0' && *in <= '9') || *in == '_')
                       ? *in
                       : '_';
    out[n] = 0;
}

/* Prometheus's linter (promlint, run by `promtool check metrics`) refuses name tokens that look
 * like abbreviated units (s, ms, b, kb, m, h, d...).  The nodes' own names use a few: the
 * demodulator's per-channel counters messages_a/messages_b, and _s/_m unit suffixes.  Spell
 * them out: channels A and B by their ITU names AIS 1 and AIS 2 (messages_ais1/_ais2), s as
 * seconds, m as meters. */
static void expand_tokens(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    char prev[64] = "";
    const char *p = in;
    while (*p && n + 1 < cap) {
        size_t tl = strcspn(p, "_");
        char tok[64];
        snprintf(tok, sizeof tok, "%.*s", (int)(tl < 63 ? tl : 63), p);
        const char *rep = tok;
        if ((strcmp(tok, "a") == 0 || strcmp(tok, "b") == 0) && strcmp(prev, "messages") == 0)
            rep = strcmp(tok, "a") == 0 ? "ais1" : "ais2"; /* ITU names of channels A and B */
        else if (strcmp(tok, "s") == 0)
            rep = "seconds";
        else if (strcmp(tok, "m") == 0)
            rep = "meters";
        int k = snprintf(out + n, cap - n, "%s%s", n ? "_" : "", rep);
        n = k > 0 && (size_t)k < cap - n ? n + (size_t)k : cap - 1;
        snprintf(prev, sizeof prev, "%s", tok);
        p += tl;
        while (*p == '_')
            p++;
    }
    out[n] = 0;
}

/* Start family centinela_<node>_<what>; returns false when it was already written. */
static bool family(struct out *o, const char *what, const char *type, const char *help, char *name,
                   size_t cap)
{
    char raw[128], w[160];
    sanitize(what, raw, sizeof raw);
    expand_tokens(raw, w, sizeof w);
    snprintf(name, cap, "centinela_%s_%s", o->node, w);
    for (int i = 0; i < o->n_seen; i++)
        if (strcmp(o->seen[i], name) == 0)
            return false;
    if (o->n_seen == o->cap_seen) {
        o->cap_seen = o->cap_seen ? 2 * o->cap_seen : 64;
        o->seen = x_realloc(o->seen, (size_t)o->cap_seen * sizeof *o->seen);
    }
    o->seen[o->n_seen++] = x_strdup(name);
    put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
    return true;
}

static void sample(struct out *o, const char *name, double v)
{
    if (isfinite(v))
        put(o, "%s %.17g\n", name, v);
    else
        put(o, "%s %s\n", name, isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf");
}

static void one(struct out *o, const char *what, const char *type, const char *help, double v)
{
    char name[256];
    if (family(o, what, type, help, name, sizeof name))
        sample(o, name, v);
}

static double num(json_t *j)
{
    return json_is_number(j) ? json_number_value(j) : NAN;
}

static void render_node(struct out *o, const struct node_entry *e, double now_s, double up_s,
                        bool read_proc)
{
    json_t *s = e->stats;
    char name[256];
    one(o, "up", "gauge", "1 while the node's stats arrive, 0 once they stop",
        now_s - e->heard_wall_s <= up_s ? 1 : 0);
    one(o, "last_heard_timestamp_seconds", "gauge",
        "wall-clock time the node's latest stats arrived", e->heard_wall_s);
    one(o, "event_time_seconds", "gauge", "the node's latest event time (data time)",
        num(json_object_get(s, "event_time_ns")) * 1e-9);
    one(o, "uptime_seconds", "gauge", "seconds since the node process started",
        num(json_object_get(s, "uptime_s")));
    json_t *pid = json_object_get(s, "pid");
    if (read_proc && json_is_integer(pid)) {
        /* Resident set of a node on this host: /proc/<pid>/statm field 2, in pages; the
         * process name must match, so a recycled pid is not mistaken for the node. */
        char path[64], comm[32] = "";
        snprintf(path, sizeof path, "/proc/%lld/comm", (long long)json_integer_value(pid));
        FILE *f = fopen(path, "r");
        if (f) {
            if (!fgets(comm, sizeof comm, f))
                comm[0] = 0;
            fclose(f);
        }
        comm[strcspn(comm, "\n")] = 0;
        const char *node_name = json_string_value(json_object_get(s, "node"));
        long pages = 0, size = 0;
        if (comm[0] && node_name && strncmp(comm, node_name, 15) == 0) {
            snprintf(path, sizeof path, "/proc/%lld/statm", (long long)json_integer_value(pid));
            f = fopen(path, "r");
            if (f) {
                if (fscanf(f, "%ld %ld", &size, &pages) == 2)
                    one(o, "resident_memory_bytes", "gauge", "resident set size of the node",
                        (double)pages * 4096.0);
                fclose(f);
            }
        }
    }
    json_t *rx = json_object_get(s, "rx"), *tx = json_object_get(s, "tx");
    one(o, "rx_messages_total", "counter", "data messages received",
        num(json_object_get(rx, "messages")));
    one(o, "rx_bytes_total", "counter", "bytes of data messages received",
        num(json_object_get(rx, "bytes")));
    json_t *rej = json_object_get(rx, "rejected");
    if (json_is_object(rej) &&
        family(o, "rx_rejected_total", "counter", "frames refused, by class", name, sizeof name)) {
        const char *k;
        json_t *v;
        json_object_foreach(rej, k, v)
        {
            char cls[64];
            sanitize(k, cls, sizeof cls);
            put(o, "%s{class=\"%s\"} %.17g\n", name, cls, num(v));
        }
    }
    one(o, "rx_seq_missing_total", "counter", "messages missing by sequence number (loss)",
        num(json_object_get(rx, "seq_missing")));
    one(o, "rx_seq_restarts_total", "counter", "publisher restarts seen",
        num(json_object_get(rx, "seq_restarts")));
    if (json_object_get(rx, "duplicates"))
        one(o, "rx_duplicates_total", "counter", "frames received twice (journal replays)",
            num(json_object_get(rx, "duplicates")));
    one(o, "tx_messages_total", "counter", "data messages published",
        num(json_object_get(tx, "messages")));
    one(o, "tx_hwm_drops_total", "counter", "messages not sent: queue full (high-water mark)",
        num(json_object_get(tx, "hwm_drops")));
    one(o, "tx_errors_total", "counter", "publish errors", num(json_object_get(tx, "errors")));
    one(o, "tx_subscribers", "gauge", "data subscriptions on the output",
        num(json_object_get(tx, "subscribers")));
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(s, "counters"), k, v)
    {
        char what[160];
        snprintf(what, sizeof what, "%s_total", k);
        one(o, what, "counter", "node counter", num(v));
    }
    json_object_foreach(json_object_get(s, "gauges"), k, v)
    {
        size_t kl = strlen(k);
        if (!json_is_number(v) || (kl >= 6 && strcmp(k + kl - 6, "_total") == 0))
            continue; /* a gauge never carries the counter suffix */
        one(o, k, "gauge", "node gauge", num(v));
    }
    if (e->n_st > 0) {
        json_t *arr = json_loads(
            json_string_value(json_object_get(json_object_get(s, "info"), "stations")), 0, NULL);
        static const struct {
            const char *key, *what, *type, *help;
        } cols[] = {
            {"messages", "station_messages_total", "counter", "AIS messages heard by the station"},
            {"unique", "station_unique_total", "counter",
             "messages only this station heard (after de-duplication)"},
            {"vessels", "station_vessels", "gauge", "vessels the station heard"},
            {"max_range_m", "station_max_range_meters", "gauge", "farthest vessel heard"},
            {"typical_range_m", "station_typical_range_meters", "gauge", "typical range"},
        };
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
            if (!family(o, cols[c].what, cols[c].type, cols[c].help, name, sizeof name))
                continue;
            size_t i;
            json_t *st;
            json_array_foreach(arr, i, st)
            {
                double x = num(json_object_get(st, cols[c].key));
                if (isfinite(x))
                    put(o, "%s{station=\"%lld\"} %.17g\n", name,
                        (long long)json_integer_value(json_object_get(st, "id")), x);
            }
        }
        json_decref(arr);
        if (family(o, "station_last_heard_event_time_seconds", "gauge",
                   "event time at which the station's message count last grew", name, sizeof name))
            for (int i = 0; i < e->n_st; i++)
                if (!isnan(e->st[i].last_heard_s))
                    put(o, "%s{station=\"%lld\"} %.17g\n", name, e->st[i].id,
                        e->st[i].last_heard_s);
    }
}

char *prom_registry_render(const prom_registry *r, double now_wall_s, double up_timeout_s,
                           bool read_proc)
{
    struct out o = {.cap = 16384};
    o.buf = x_malloc(o.cap);
    o.buf[0] = 0;
    for (int i = 0; i < r->n; i++) {
        sanitize(r->nodes[i].section, o.node, sizeof o.node);
        render_node(&o, &r->nodes[i], now_wall_s, up_timeout_s, read_proc);
    }
    put(&o,
        "# HELP centinela_metrics_endpoint_nodes nodes whose stats this endpoint has seen\n"
        "# TYPE centinela_metrics_endpoint_nodes gauge\ncentinela_metrics_endpoint_nodes %d\n",
        r->n);
    for (int i = 0; i < o.n_seen; i++)
        free(o.seen[i]);
    free(o.seen);
    return o.buf;
}
