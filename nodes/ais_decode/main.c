/* ais_decode: NMEA lines (stdin or files) -> gpsd-style JSON Lines on stdout, like gpsdecode.
 *
 *   ais_decode [options] [-- file...]
 *   ais_decode -u -t --input=a.nmea,b.nmea
 *   ais_decode -c centinela.conf --dump-config
 * Every option is a key of the [ais_decode] config section and a --key=value flag (the command
 * line wins); --dump-config prints the effective values.  Files come from `input`
 * (comma-separated, "-" for stdin) or after "--"; gzip'd files are read as they are.  Lines may
 * carry a leading time, trailing epochs, $PGHP and lone tag-block lines (see nmea.h).  At the end
 * a summary of rejected input by class goes to stderr.
 *
 * Exit status: 0; 1 when a file cannot be read or nothing at all was decoded (each input that
 * gave nothing is warned about, with its first unrecognised line and the setting that may help);
 * 2 for a bad setting.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "centinela/ais.h"
#include "centinela/ais_json.h"
#include "centinela/config.h"
#include "centinela/log.h"
#include "centinela/nmea.h"

/* Longest line kept, as nmea_input keeps (a tag block, a sentence and receiver fields fit with
 * room to spare); longer lines are skipped whole and counted, never held in memory. */
#define LINE_MAX_BYTES 2048

static const opt_spec ais_decode_options[] = {
    {"input", 'i', OPT_STR, "-", 0, -1,
     "NMEA files to read (plain or gzip), comma-separated; \"-\" is stdin (files after \"--\" "
     "are added)"},
    {"unscaled", 'u', OPT_BOOL, "false", 0, -1,
     "raw transmitted integers (gpsd \"scaled\":false) instead of degrees, knots, metres"},
    {"tagblock", 't', OPT_BOOL, "false", 0, -1,
     "add the channel, tag block and receiver members to each object"},
    {"device", 'd', OPT_STR, NULL, 0, -1, "value of the \"device\" member; empty: omitted"},
    {"timeout_ms", 0, OPT_INT, "10000", 1, 3600000,
     "drop a partial multipart message this much event time after its first part (ms)"},
    {"max_pending", 0, OPT_INT, "64", 1, 1024, "partial multipart messages held at once"},
    {"check_checksum", 0, OPT_BOOL, "true", 0, -1, "reject sentences whose checksum is wrong"},
    {"line_format", 0, OPT_STR, "auto", 0, -1,
     "what precedes each sentence: auto (detected per line), nmea (nothing), unix (Unix time s "
     "or ms) or datetime (ISO 8601 / YYYY-MM-DD hh:mm:ss)"},
    {"time_zone", 0, OPT_STR, "UTC", 0, -1,
     "zone of leading date-times without one: UTC, an offset (+02:00) or a tz name "
     "(Europe/Paris)"},
    {"merge_24", 0, OPT_BOOL, "false", 0, -1,
     "type 24 as gpsd prints it: part A held, part B printed with its \"shipname\" (a part B "
     "without its part A is printed as it is)"},
    {"summary", 0, OPT_BOOL, "true", 0, -1, "print counts of rejected input by class to stderr"},
    {"log_level", 0, OPT_STR, "warn", 0, -1,
     "error, warn, info or debug (debug names every rejected line, file:line and class)"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

typedef struct decoder {
    nmea_assembler *a;
    ais_json_opts opts;
    int with_meta;
    ais_merge24 *merge24; /* NULL unless merge_24 */
    ais_stats stats;
    uint64_t too_long;
    char line[LINE_MAX_BYTES + 2];
    char out[8192];
} decoder;

/* What one file gave, for the warning when it gave nothing. */
typedef struct file_result {
    uint64_t lines, decoded;
    uint64_t first_line; /* first line neither AIS nor blank, comment or context; 0: none */
    nmea_status first_status;
    char first[96];
} file_result;

static void note_first(file_result *r, uint64_t no, nmea_status st, const char *line, size_t n)
{
    if (r->first_line)
        return;
    size_t i = 0;
    while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n'))
        i++;
    if (i == n || line[i] == '#')
        return;
    size_t k = 0;
    for (; i < n && k < sizeof r->first - 1 && line[i] != '\r' && line[i] != '\n'; i++)
        r->first[k++] = line[i] >= 32 && line[i] < 127 ? line[i] : '?';
    r->first[k] = '\0';
    r->first_line = no;
    r->first_status = st;
}

static void handle_line(decoder *d, const char *name, uint64_t no, const char *line, size_t n,
                        file_result *r)
{
    r->lines++;
    nmea_message nm;
    uint64_t ctx0 = nmea_assembler_stats(d->a)->context;
    if (!nmea_assembler_push(d->a, line, n, NMEA_TIME_NONE, &nm)) {
        nmea_status st = nmea_assembler_last_status(d->a);
        bool context = nmea_assembler_stats(d->a)->context != ctx0;
        if (st != NMEA_OK && !context) {
            note_first(r, no, st, line, n);
            if (log_get_level() >= LOG_LEVEL_DEBUG)
                log_debug("%s:%llu: %s", name, (unsigned long long)no, nmea_status_name(st));
        }
        return;
    }
    ais_msg m;
    ais_status as = ais_decode_counted(nm.bits, nm.nbits, &m, &d->stats);
    if (as != AIS_OK) {
        if (log_get_level() >= LOG_LEVEL_DEBUG)
            log_debug("%s:%llu: ais %s", name, (unsigned long long)no, ais_status_name(as));
        return;
    }
    r->decoded++;
    if (d->merge24 && !ais_merge24_push(d->merge24, &m))
        return; /* a part A, held for its part B */
    ais_json_opts o = d->opts;
    o.nmea = d->with_meta ? &nm : NULL;
    size_t len = ais_json_write(&m, &o, d->out, sizeof d->out - 1);
    if (len) {
        d->out[len] = '\n';
        fwrite(d->out, 1, len + 1, stdout);
    }
}

/* Read lines of at most LINE_MAX_BYTES from a (possibly gzip'd) stream. */
static int run(gzFile in, const char *name, decoder *d, file_result *r)
{
    uint64_t no = 0;
    for (;;) {
        if (!gzgets(in, d->line, sizeof d->line))
            break;
        size_t n = strlen(d->line);
        no++;
        if (n == sizeof d->line - 1 && d->line[n - 1] != '\n') {
            /* over-long: skip to the end of the line without keeping it */
            int c;
            while ((c = gzgetc(in)) != -1 && c != '\n')
                ;
            d->too_long++;
            if (log_get_level() >= LOG_LEVEL_DEBUG)
                log_debug("%s:%llu: too_long (over %d bytes)", name, (unsigned long long)no,
                          LINE_MAX_BYTES);
            note_first(r, no, NMEA_BAD_SYNTAX, "(a line too long)", 17);
            continue;
        }
        handle_line(d, name, no, d->line, n, r);
    }
    int err;
    const char *msg = gzerror(in, &err);
    if (err != Z_OK && err != Z_BUF_ERROR) {
        log_error("%s: %s", name, err == Z_ERRNO ? strerror(errno) : msg);
        return -1;
    }
    return 0;
}

static int run_path(const char *path, decoder *d, uint64_t *decoded_total)
{
    bool is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "stdin" : path;
    gzFile in;
    if (is_stdin) {
        in = gzdopen(0, "rb");
    } else {
        struct stat st;
        if (stat(path, &st) != 0) {
            log_error("cannot open %s: %s", path, strerror(errno));
            return -1;
        }
        if (S_ISDIR(st.st_mode)) {
            log_error("cannot read %s: %s", path, strerror(EISDIR));
            return -1;
        }
        in = gzopen(path, "rb"); /* plain files are read as they are */
    }
    if (!in) {
        log_error("cannot open %s: %s", name, strerror(errno ? errno : ENOMEM));
        return -1;
    }
    file_result r;
    memset(&r, 0, sizeof r);
    int rc = run(in, name, d, &r);
    if (is_stdin)
        gzclose_r(in); /* closes fd 0 too: stdin is read once */
    else
        gzclose(in);
    *decoded_total += r.decoded;
    if (r.decoded == 0 && r.lines > 0) {
        if (r.first_line)
            log_warn("%s: no AIS message decoded from %llu lines; the first unrecognised is line "
                     "%llu (%s): \"%s\"; %s",
                     name, (unsigned long long)r.lines, (unsigned long long)r.first_line,
                     nmea_status_name(r.first_status), r.first,
                     nmea_status_hint(r.first_status, r.first));
        else
            log_warn("%s: no AIS message decoded from %llu lines", name,
                     (unsigned long long)r.lines);
    } else if (r.lines == 0) {
        log_warn("%s: empty", name);
    }
    return rc;
}

static void summary(const nmea_assembler *a, const ais_stats *stats, uint64_t too_long)
{
    const nmea_stats *ns = nmea_assembler_stats(a);
    fprintf(stderr, "ais_decode: %llu lines, %llu AIS sentences, %llu messages, %llu decoded\n",
            (unsigned long long)ns->lines, (unsigned long long)ns->sentences,
            (unsigned long long)ns->messages, (unsigned long long)stats->status[AIS_OK]);
    if (too_long)
        fprintf(stderr, "  line too_long (>%d)   %llu\n", LINE_MAX_BYTES,
                (unsigned long long)too_long);
    if (ns->context)
        fprintf(stderr, "  context lines ($PGHP, lone tag blocks) %llu\n",
                (unsigned long long)ns->context);
    for (int s = 1; s < NMEA_STATUS_COUNT; s++)
        if (ns->status[s])
            fprintf(stderr, "  nmea %-16s %llu\n", nmea_status_name((nmea_status)s),
                    (unsigned long long)ns->status[s]);
    for (int s = 1; s < AIS_STATUS_COUNT; s++)
        if (stats->status[s])
            fprintf(stderr, "  ais  %-16s %llu\n", ais_status_name((ais_status)s),
                    (unsigned long long)stats->status[s]);
}

int main(int argc, char **argv)
{
    log_set_ident("ais_decode");
    /* Files after "--" are inputs; the configuration sees only what precedes it. */
    int nopt = argc;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--") == 0) {
            nopt = i;
            break;
        }
    const opt_spec *tables[] = {ais_decode_options, NULL};
    config *cfg = config_create(tables);
    int rc =
        config_parse_args(cfg, nopt, argv, "ais_decode",
                          "Decode AIS NMEA (files or stdin) into gpsd-style JSON Lines.", NULL);
    if (rc != 0) {
        config_destroy(&cfg);
        return rc > 0 ? 0 : 2;
    }
    enum log_level lvl;
    if (log_level_parse(config_str(cfg, "log_level"), &lvl) != 0) {
        log_error("log_level '%s': expected error, warn, info or debug",
                  config_str(cfg, "log_level"));
        config_destroy(&cfg);
        return 2;
    }
    log_set_level(lvl);

    nmea_assembler_config ac = nmea_assembler_config_default();
    ac.timeout_ms = config_int(cfg, "timeout_ms");
    ac.max_pending = (unsigned)config_int(cfg, "max_pending");
    ac.check_checksum = config_bool(cfg, "check_checksum");
    ac.time_zone = config_str(cfg, "time_zone");
    if (nmea_line_format_parse(config_str(cfg, "line_format"), &ac.line_format) != 0) {
        log_error("line_format '%s': expected auto, nmea, unix or datetime",
                  config_str(cfg, "line_format"));
        config_destroy(&cfg);
        return 2;
    }
    static decoder d; /* line and output buffers */
    d.a = nmea_assembler_create(&ac);
    if (!d.a) {
        config_destroy(&cfg);
        return 2;
    }
    const char *device = config_str(cfg, "device");
    d.opts = (ais_json_opts){.scaled = !config_bool(cfg, "unscaled"),
                             .device = device && *device ? device : NULL};
    d.with_meta = config_bool(cfg, "tagblock");
    if (config_bool(cfg, "merge_24"))
        d.merge24 = ais_merge24_create();
    rc = 0;
    uint64_t decoded = 0;
    /* inputs: the `input` list (unless only "--" files were given), then the "--" files */
    const char *input = config_str(cfg, "input");
    int use_list = nopt == argc || config_is_set(cfg, "input");
    char *list = x_strdup(input ? input : "-");
    char *save = NULL;
    for (char *p = strtok_r(list, ",", &save); use_list && p; p = strtok_r(NULL, ",", &save))
        if (*p && run_path(p, &d, &decoded) != 0)
            rc = 1;
    free(list);
    for (int i = nopt + 1; i < argc; i++)
        if (run_path(argv[i], &d, &decoded) != 0)
            rc = 1;
    nmea_assembler_flush(d.a);
    if (config_bool(cfg, "summary"))
        summary(d.a, &d.stats, d.too_long);
    /* Nothing decoded is a failure a script must see (a wrong format or zone setting). */
    if (decoded == 0)
        rc = 1;
    nmea_assembler_destroy(&d.a);
    ais_merge24_destroy(&d.merge24);
    config_destroy(&cfg);
    return rc;
}
