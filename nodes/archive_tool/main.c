/* archive_tool: offline queries, exports, summaries, index building and checks of HDF5 archives.
 *
 *   archive_tool summary archive/centinela-20260101T1000Z.h5
 *   archive_tool query --table positions --mmsi 257123450 --from 2026-01-01T10:00:00Z \
 *                      --format csv -o vessel.csv archive/
 *   archive_tool query --table alerts --rule loitering --format jsonl archive/
 *   archive_tool query --table tracks --zones 4 --bbox 7.0,-80.5,9.5,-77.0 --format geojson a.h5
 *   archive_tool index a.h5        (build the MMSI/time index of a closed file)
 *   archive_tool check a.h5        (read every row; exit 1 on a damaged file)
 *
 * The first bare word is the command and the others are inputs (the same as --command and
 * --input).  A file that is not a readable archive is reported and makes the exit status 1;
 * the other files are still processed. */
#include "centinela/archive.h"
#include "centinela/config.h"
#include "centinela/log.h"
#include "centinela/wire.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const opt_spec tool_options[] = {
    {"command", 0, OPT_STR, "summary", 0, -1, "summary, query, index or check"},
    {"input", 'i', OPT_STR, "", 0, -1,
     "archive files or directories (their *.h5 by name), comma-separated"},
    {"table", 't', OPT_STR, "positions", 0, -1,
     "query: messages, positions, static, tracks, radar, alerts or stats"},
    {"format", 'f', OPT_STR, "csv", 0, -1, "query: csv, jsonl, geojson or kml"},
    {"output", 'o', OPT_STR, "-", 0, -1, "query: output file, - for stdout"},
    {"mmsi", 'm', OPT_INT, "0", 0, 999999999, "query: only this MMSI; 0: any"},
    {"from", 0, OPT_STR, "", 0, -1, "query: first event time (ISO 8601 UTC)"},
    {"to", 0, OPT_STR, "", 0, -1, "query: end event time, exclusive (ISO 8601 UTC)"},
    {"bbox", 0, OPT_STR, "", 0, -1, "query: lat_min,lon_min,lat_max,lon_max in degrees"},
    {"zones", 0, OPT_INT, "0", 0, 4294967295.0, "query (tracks): any of these zone bits; 0: any"},
    {"rule", 0, OPT_STR, "", 0, -1, "query (alerts): this rule id only"},
    {"all_states", 0, OPT_BOOL, "false", 0, -1,
     "query (alerts): every open/update/close row instead of one line per alert"},
    {"log_level", 0, OPT_STR, "warn", 0, -1, "error, warn, info or debug"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

typedef struct files {
    char **v;
    size_t n;
} files;

static void add(files *f, const char *path)
{
    f->v = x_realloc(f->v, (f->n + 1) * sizeof *f->v);
    f->v[f->n++] = x_strdup(path);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_inputs(files *f, const char *input)
{
    char *list = x_strdup(input), *save = NULL;
    int rc = 0;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        struct stat st;
        if (stat(tok, &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(tok);
            size_t first = f->n;
            for (struct dirent *e; d && (e = readdir(d));) {
                size_t k = strlen(e->d_name);
                if (k > 3 && strcmp(e->d_name + k - 3, ".h5") == 0) {
                    char path[4096];
                    size_t n = strlen(tok);
                    snprintf(path, sizeof path, "%s%s%s", tok, tok[n - 1] == '/' ? "" : "/",
                             e->d_name);
                    add(f, path);
                }
            }
            if (d)
                closedir(d);
            qsort(f->v + first, f->n - first, sizeof *f->v, cmp_str);
        } else {
            add(f, tok); /* a missing file is reported when opened */
        }
    }
    free(list);
    if (f->n == 0) {
        log_error("no input archive (give files or directories)");
        rc = -1;
    }
    return rc;
}

typedef struct summary {
    int64_t t_min, t_max;
    uint32_t *mmsi;
    size_t n_mmsi, cap_mmsi;
    uint64_t by_type[64];
    struct {
        char rule[24];
        uint64_t n;
    } rules[64];
    int n_rules;
} summary;

static int note_time(summary *s, int64_t t)
{
    if (t < s->t_min)
        s->t_min = t;
    if (t > s->t_max)
        s->t_max = t;
    return 0;
}

static int sum_message(void *ctx, const void *row, uint64_t i)
{
    summary *s = ctx;
    const archive_message *m = row;
    s->by_type[m->msg_type & 63]++;
    if (s->n_mmsi == s->cap_mmsi) {
        s->cap_mmsi = s->cap_mmsi ? 2 * s->cap_mmsi : 4096;
        s->mmsi = x_realloc(s->mmsi, s->cap_mmsi * sizeof *s->mmsi);
    }
    s->mmsi[s->n_mmsi++] = m->mmsi;
    return note_time(s, m->time_ns);
}

static int sum_time(void *ctx, const void *row, uint64_t i)
{
    return note_time(ctx, *(const int64_t *)row);
}

static int sum_alert(void *ctx, const void *row, uint64_t i)
{
    summary *s = ctx;
    const archive_alert *a = row;
    if (a->state != ALERT_OPEN)
        return note_time(s, a->time_ns);
    int k = 0;
    while (k < s->n_rules && strncmp(s->rules[k].rule, a->rule, 24) != 0)
        k++;
    if (k == s->n_rules && k < 64) {
        memcpy(s->rules[k].rule, a->rule, 24);
        s->rules[k].rule[23] = 0;
        s->n_rules++;
    }
    if (k < 64)
        s->rules[k].n++;
    return note_time(s, a->time_ns);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int summarize(const char *path)
{
    archive_reader *r = archive_reader_open(path, false);
    if (!r)
        return -1;
    summary s = {.t_min = INT64_MAX, .t_max = INT64_MIN};
    archive_query q = {0};
    int rc = 0;
    if (archive_query_rows(r, ARCHIVE_MESSAGES, &q, sum_message, &s) < 0 ||
        archive_query_rows(r, ARCHIVE_ALERTS, &q, sum_alert, &s) < 0)
        rc = -1;
    for (int t = ARCHIVE_POSITIONS; t < ARCHIVE_STATS && rc == 0; t++)
        if (t != ARCHIVE_ALERTS && archive_query_rows(r, t, &q, sum_time, &s) < 0)
            rc = -1;
    if (rc == 0) {
        qsort(s.mmsi, s.n_mmsi, sizeof *s.mmsi, cmp_u32);
        size_t distinct = 0;
        for (size_t i = 0; i < s.n_mmsi; i++)
            distinct += i == 0 || s.mmsi[i] != s.mmsi[i - 1];
        char t0[40] = "-", t1[40] = "-";
        if (s.t_min <= s.t_max) {
            wire_format_time(s.t_min, t0, sizeof t0);
            wire_format_time(s.t_max, t1, sizeof t1);
        }
        printf("file: %s\nevent time: %s .. %s\ndistinct MMSIs (messages): %zu\n", path, t0, t1,
               distinct);
        printf("%-10s %12s %14s %10s\n", "table", "rows", "bytes on disk", "bytes/row");
        for (int t = 0; t < ARCHIVE_TABLE_COUNT; t++) {
            uint64_t n = archive_reader_rows(r, t), b = archive_reader_storage_bytes(r, t);
            printf("%-10s %12llu %14llu %10.1f\n", archive_table_name(t), (unsigned long long)n,
                   (unsigned long long)b, n ? (double)b / (double)n : 0.0);
        }
        printf("indexed positions: %llu\nmessages by type:",
               (unsigned long long)archive_reader_indexed_rows(r));
        for (int k = 0; k < 64; k++)
            if (s.by_type[k])
                printf(" %d:%llu", k, (unsigned long long)s.by_type[k]);
        printf("\nalerts opened by rule:");
        for (int k = 0; k < s.n_rules; k++)
            printf(" %s:%llu", s.rules[k].rule, (unsigned long long)s.rules[k].n);
        printf("\n\n");
    }
    free(s.mmsi);
    archive_reader_close(&r);
    return rc;
}

static int check(const char *path)
{
    archive_reader *r = archive_reader_open(path, false);
    if (!r)
        return -1;
    int rc = archive_reader_check(r);
    printf("%s: %s\n", path, rc == 0 ? "ok" : "DAMAGED");
    archive_reader_close(&r);
    return rc;
}

static int parse_bbox(const char *s, archive_query *q)
{
    if (!*s)
        return 0;
    char tail = 0;
    if (sscanf(s, "%lf,%lf,%lf,%lf%c", &q->lat_min_deg, &q->lon_min_deg, &q->lat_max_deg,
               &q->lon_max_deg, &tail) != 4) {
        log_error("bbox '%s' is not four numbers lat_min,lon_min,lat_max,lon_max (degrees)", s);
        return -1;
    }
    if (q->lat_min_deg < -90 || q->lat_max_deg > 90 || q->lat_min_deg > q->lat_max_deg) {
        log_error("bbox '%s': latitudes must satisfy -90 <= lat_min <= lat_max <= 90", s);
        return -1;
    }
    if (q->lon_min_deg < -180 || q->lon_max_deg > 180 || q->lon_min_deg > q->lon_max_deg) {
        log_error("bbox '%s': longitudes must satisfy -180 <= lon_min <= lon_max <= 180", s);
        return -1;
    }
    q->bbox = true;
    return 0;
}

static int query(const config *cfg, const files *in)
{
    archive_query q = {.mmsi = (uint32_t)config_int(cfg, "mmsi"),
                       .zones = (uint32_t)config_int(cfg, "zones"),
                       .rule = config_str(cfg, "rule")};
    int table = archive_table_from_name(config_str(cfg, "table"));
    int format = archive_format_from_name(config_str(cfg, "format"));
    if (table < 0) {
        log_error("table '%s' is not one of messages, positions, static, tracks, radar, alerts, "
                  "stats",
                  config_str(cfg, "table"));
        return 2;
    }
    if (format < 0) {
        log_error("format '%s' is not one of csv, jsonl, geojson, kml", config_str(cfg, "format"));
        return 2;
    }
    if (wire_parse_time(config_str(cfg, "from"), &q.t0_ns) != 0) {
        log_error("from '%s' is not an ISO 8601 UTC time (e.g. 2026-01-01T10:00:00Z)",
                  config_str(cfg, "from"));
        return 2;
    }
    if (wire_parse_time(config_str(cfg, "to"), &q.t1_ns) != 0) {
        log_error("to '%s' is not an ISO 8601 UTC time (e.g. 2026-01-01T11:00:00Z)",
                  config_str(cfg, "to"));
        return 2;
    }
    if (parse_bbox(config_str(cfg, "bbox"), &q) != 0)
        return 2;
    const char *path = config_str(cfg, "output");
    FILE *out = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (!out) {
        log_error("cannot write %s", path);
        return 1;
    }
    archive_export *e = archive_export_begin(out, table, format, config_bool(cfg, "all_states"));
    if (!e) {
        if (out != stdout)
            fclose(out);
        return 2;
    }
    int rc = 0;
    for (size_t i = 0; i < in->n; i++) {
        archive_reader *r = archive_reader_open(in->v[i], false);
        if (!r || archive_export_add(e, r, &q) < 0)
            rc = 1;
        archive_reader_close(&r);
    }
    if (archive_export_end(&e) != 0) {
        log_error("write error on %s", path);
        rc = 1;
    }
    if (out != stdout && fclose(out) != 0)
        rc = 1;
    return rc;
}

/* The option of tool_options an argument names ("--bbox", "--all-states", "-o"), or NULL. */
static const opt_spec *option_named(const char *arg)
{
    for (const opt_spec *o = tool_options; o->key; o++) {
        if (arg[1] != '-') {
            if (arg[1] && !arg[2] && o->short_name == arg[1])
                return o;
            continue;
        }
        size_t i = 0;
        const char *a = arg + 2;
        while (o->key[i] && (a[i] == o->key[i] || (a[i] == '-' && o->key[i] == '_')))
            i++;
        if (!o->key[i] && !a[i])
            return o;
    }
    return NULL;
}

/* Whether argument `arg` (an option without "=value") takes the next argument as its value, as
 * config_parse_args reads it: every option but the booleans, the help and --dump-config. */
static bool takes_value(const char *arg)
{
    if (strcmp(arg, "-c") == 0 || strcmp(arg, "--config") == 0 || strcmp(arg, "--section") == 0)
        return true;
    const opt_spec *o = option_named(arg);
    return o && o->type != OPT_BOOL;
}

int main(int argc, char **argv)
{
    /* Bare words: the first is the command, the rest are inputs.  The argument after an option
     * that takes a value is that value, whatever it looks like ("-o -", "--bbox -10,-80,..."). */
    char **args = x_calloc((size_t)argc + 2, sizeof *args);
    int nargs = 0;
    args[nargs++] = argv[0];
    char *command = NULL, *inputs = x_strdup("");
    for (int i = 1; i < argc; i++) {
        bool option = argv[i][0] == '-' && argv[i][1];
        if (option) {
            args[nargs++] = argv[i];
            if (!strchr(argv[i], '=') && takes_value(argv[i]) && i + 1 < argc)
                args[nargs++] = argv[++i];
            continue;
        }
        if (!command) {
            size_t k = strlen(argv[i]) + 11;
            command = x_malloc(k);
            snprintf(command, k, "--command=%s", argv[i]);
            args[nargs++] = command;
        } else {
            size_t k = strlen(inputs) + strlen(argv[i]) + 2;
            char *s = x_malloc(k);
            snprintf(s, k, "%s%s%s", inputs, *inputs ? "," : "", argv[i]);
            free(inputs);
            inputs = s;
        }
    }
    char *input_flag = NULL;
    if (*inputs) {
        size_t k = strlen(inputs) + 9;
        input_flag = x_malloc(k);
        snprintf(input_flag, k, "--input=%s", inputs);
        args[nargs++] = input_flag;
    }
    const opt_spec *tables[] = {tool_options, NULL};
    config *cfg = config_create(tables);
    log_set_ident("archive_tool");
    int rc = config_parse_args(cfg, nargs, args, "archive_tool",
                               "Query, export, summarize, index and check HDF5 archives.", NULL);
    enum log_level lvl;
    if (rc == 0 && log_level_parse(config_str(cfg, "log_level"), &lvl) == 0)
        log_set_level(lvl);
    files in = {0};
    if (rc != 0) {
        rc = rc > 0 ? 0 : 2;
    } else if (list_inputs(&in, config_str(cfg, "input")) != 0) {
        rc = 2;
    } else {
        const char *cmd = config_str(cfg, "command");
        if (strcmp(cmd, "query") == 0) {
            rc = query(cfg, &in);
        } else if (strcmp(cmd, "summary") == 0 || strcmp(cmd, "index") == 0 ||
                   strcmp(cmd, "check") == 0) {
            rc = 0;
            for (size_t i = 0; i < in.n; i++) {
                int r = cmd[0] == 's'   ? summarize(in.v[i])
                        : cmd[0] == 'c' ? check(in.v[i])
                                        : archive_index_build(in.v[i]);
                if (r != 0) {
                    fprintf(stderr, "archive_tool: %s: not a readable archive\n", in.v[i]);
                    rc = 1;
                }
            }
        } else {
            log_error("command '%s' is not one of summary, query, index, check", cmd);
            rc = 2;
        }
    }
    for (size_t i = 0; i < in.n; i++)
        free(in.v[i]);
    free(in.v);
    free(command);
    free(inputs);
    free(input_flag);
    free(args);
    config_destroy(&cfg);
    return rc;
}
