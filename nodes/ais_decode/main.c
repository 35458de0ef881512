/* ais_decode: NMEA lines (stdin or files) -> gpsd-style JSON Lines on stdout, like gpsdecode.
 *
 *   ais_decode [options] [-- file...]
 *   ais_decode -u -t --input=a.nmea,b.nmea
 *   ais_decode -c centinela.conf --dump-config
 * Every option is a key of the [ais_decode] config section and a --key=value flag (the command
 * line wins); --dump-config prints the effective values.  Files come from `input`
 * (comma-separated, "-" for stdin) or after "--".  At the end a summary of rejected input by
 * class goes to stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "centinela/ais.h"
#include "centinela/ais_json.h"
#include "centinela/config.h"
#include "centinela/log.h"
#include "centinela/nmea.h"

static const opt_spec ais_decode_options[] = {
    {"input", 'i', OPT_STR, "-", 0, -1,
     "NMEA files to read, comma-separated; \"-\" is stdin (files after \"--\" are added)"},
    {"unscaled", 'u', OPT_BOOL, "false", 0, -1,
     "raw transmitted integers (gpsd \"scaled\":false) instead of degrees, knots, metres"},
    {"tagblock", 't', OPT_BOOL, "false", 0, -1,
     "add the channel, tag block and receiver members to each object"},
    {"device", 'd', OPT_STR, NULL, 0, -1, "value of the \"device\" member; empty: omitted"},
    {"timeout_ms", 0, OPT_INT, "10000", 1, 3600000,
     "drop a partial multipart message this much event time after its first part (ms)"},
    {"max_pending", 0, OPT_INT, "64", 1, 1024, "partial multipart messages held at once"},
    {"check_checksum", 0, OPT_BOOL, "true", 0, -1, "reject sentences whose checksum is wrong"},
    {"summary", 0, OPT_BOOL, "true", 0, -1, "print counts of rejected input by class to stderr"},
    {"log_level", 0, OPT_STR, "warn", 0, -1, "error, warn, info or debug"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

static void run(FILE *in, nmea_assembler *a, const ais_json_opts *base, int with_meta,
                ais_stats *stats)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    char out[8192];
    while ((n = getline(&line, &cap, in)) > 0) {
        nmea_message nm;
        if (!nmea_assembler_push(a, line, (size_t)n, NMEA_TIME_NONE, &nm))
            continue;
        ais_msg m;
        if (ais_decode_counted(nm.bits, nm.nbits, &m, stats) != AIS_OK)
            continue;
        ais_json_opts o = *base;
        o.nmea = with_meta ? &nm : NULL;
        size_t len = ais_json_write(&m, &o, out, sizeof out - 1);
        if (len) {
            out[len] = '\n';
            fwrite(out, 1, len + 1, stdout);
        }
    }
    free(line);
}

static int run_path(const char *path, nmea_assembler *a, const ais_json_opts *o, int with_meta,
                    ais_stats *stats)
{
    if (strcmp(path, "-") == 0) {
        run(stdin, a, o, with_meta, stats);
        return 0;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        log_error("cannot open %s", path);
        return -1;
    }
    run(f, a, o, with_meta, stats);
    fclose(f);
    return 0;
}

static void summary(const nmea_assembler *a, const ais_stats *stats)
{
    const nmea_stats *ns = nmea_assembler_stats(a);
    fprintf(stderr, "ais_decode: %llu lines, %llu AIS sentences, %llu messages, %llu decoded\n",
            (unsigned long long)ns->lines, (unsigned long long)ns->sentences,
            (unsigned long long)ns->messages, (unsigned long long)stats->status[AIS_OK]);
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
    int rc = config_parse_args(cfg, nopt, argv, "ais_decode",
                               "Decode AIS NMEA (files or stdin) into gpsd-style JSON Lines.",
                               NULL);
    if (rc != 0) {
        config_destroy(&cfg);
        return rc > 0 ? 0 : 2;
    }
    enum log_level lvl;
    if (log_level_parse(config_str(cfg, "log_level"), &lvl) != 0) {
        log_error("log_level '%s': expected error, warn, info or debug", config_str(cfg, "log_level"));
        config_destroy(&cfg);
        return 2;
    }
    log_set_level(lvl);

    nmea_assembler_config ac = nmea_assembler_config_default();
    ac.timeout_ms = config_int(cfg, "timeout_ms");
    ac.max_pending = (unsigned)config_int(cfg, "max_pending");
    ac.check_checksum = config_bool(cfg, "check_checksum");
    nmea_assembler *a = nmea_assembler_create(&ac);
    if (!a) {
        config_destroy(&cfg);
        return 2;
    }
    const char *device = config_str(cfg, "device");
    ais_json_opts opts = {.scaled = !config_bool(cfg, "unscaled"),
                          .device = device && *device ? device : NULL};
    int with_meta = config_bool(cfg, "tagblock");
    ais_stats stats = {0};
    rc = 0;
    /* inputs: the `input` list (unless only "--" files were given), then the "--" files */
    const char *input = config_str(cfg, "input");
    int use_list = nopt == argc || config_is_set(cfg, "input");
    char *list = x_strdup(input ? input : "-");
    char *save = NULL;
    for (char *p = strtok_r(list, ",", &save); use_list && p; p = strtok_r(NULL, ",", &save))
        if (*p && run_path(p, a, &opts, with_meta, &stats) != 0)
            rc = 1;
    free(list);
    for (int i = nopt + 1; i < argc; i++)
        if (run_path(argv[i], a, &opts, with_meta, &stats) != 0)
            rc = 1;
    nmea_assembler_flush(a);
    if (config_bool(cfg, "summary"))
        summary(a, &stats);
    nmea_assembler_destroy(&a);
    config_destroy(&cfg);
    return rc;
}
