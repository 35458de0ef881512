/* ais_decode: NMEA lines (stdin or files) -> gpsd-style JSON Lines on stdout, like gpsdecode.
 *
 *   ais_decode [-u] [-d device] [-t] [file...]
 *     -u  unscaled output (raw transmitted integers, gpsd "scaled":false)
 *     -t  add tag block / receiver fields and the channel to each object
 *     -d  value of the "device" member (default: omitted)
 * At the end a summary of rejected input by class goes to stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "centinela/ais.h"
#include "centinela/ais_json.h"
#include "centinela/log.h"
#include "centinela/nmea.h"

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

int main(int argc, char **argv)
{
    ais_json_opts opts = {.scaled = true};
    int with_meta = 0, c;
    log_set_ident("ais_decode");
    while ((c = getopt(argc, argv, "ud:th")) != -1) {
        switch (c) {
        case 'u':
            opts.scaled = false;
            break;
        case 'd':
            opts.device = optarg;
            break;
        case 't':
            with_meta = 1;
            break;
        default:
            fprintf(stderr, "usage: ais_decode [-u] [-t] [-d device] [file...]\n");
            return c == 'h' ? 0 : 2;
        }
    }
    nmea_assembler *a = nmea_assembler_create(NULL);
    if (!a)
        return 1;
    ais_stats stats = {0};
    int rc = 0;
    if (optind == argc) {
        run(stdin, a, &opts, with_meta, &stats);
    } else {
        for (int i = optind; i < argc; i++) {
            FILE *f = fopen(argv[i], "r");
            if (!f) {
                log_error("cannot open %s", argv[i]);
                rc = 1;
                continue;
            }
            run(f, a, &opts, with_meta, &stats);
            fclose(f);
        }
    }
    nmea_assembler_flush(a);
    const nmea_stats *ns = nmea_assembler_stats(a);
    fprintf(stderr, "ais_decode: %llu lines, %llu AIS sentences, %llu messages, %llu decoded\n",
            (unsigned long long)ns->lines, (unsigned long long)ns->sentences,
            (unsigned long long)ns->messages, (unsigned long long)stats.status[AIS_OK]);
    for (int s = 1; s < NMEA_STATUS_COUNT; s++)
        if (ns->status[s])
            fprintf(stderr, "  nmea %-16s %llu\n", nmea_status_name((nmea_status)s),
                    (unsigned long long)ns->status[s]);
    for (int s = 1; s < AIS_STATUS_COUNT; s++)
        if (stats.status[s])
            fprintf(stderr, "  ais  %-16s %llu\n", ais_status_name((ais_status)s),
                    (unsigned long long)stats.status[s]);
    nmea_assembler_destroy(&a);
    return rc;
}
