/* Golden tests against gpsd's expected decodes (sample.aivdm.js.chk / .ju.chk, ais-nmea.log.chk,
 * ais_unpack_sixbit.log.chk) and libais's (typeexamples.json, tagblock.json), compared field by
 * field with jansson.  Every field gpsd prints must
 * exist in ours with the same value (numbers to 1e-6 relative); extra fields of ours are allowed.
 * Deliberate differences are listed in pipeline/ais/DIFFERENCES.md and handled here by name.
 * Also checks the round trips bits -> NMEA -> bits and struct -> bits -> struct on every message.
 *
 * usage: test_golden <datasets dir>   (exit 77 when the directory is absent)
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "centinela/ais.h"
#include "centinela/ais_json.h"
#include "centinela/nmea.h"

static int failures;

static int values_equal(const char *key, json_t *exp, json_t *got)
{
    if (json_is_number(exp) && json_is_number(got)) {
        double a = json_number_value(exp), b = json_number_value(got);
        return fabs(a - b) <= 1e-6 * fmax(1.0, fabs(a));
    }
    if (json_is_string(exp) && json_is_number(got)) {
        /* gpsd prints type 22/23 corner coordinates as strings */
        char *end;
        double a = strtod(json_string_value(exp), &end);
        return *end == '\0' && fabs(a - json_number_value(got)) <= 1e-6 * fmax(1.0, fabs(a));
    }
    if (json_is_string(exp) && json_is_string(got)) {
        const char *a = json_string_value(exp), *b = json_string_value(got);
        if (strcmp(key, "data") == 0) {
            /* types 25/26: gpsd's bit count includes the destination MMSI; compare the bytes
             * both hold (see DIFFERENCES.md) */
            const char *ca = strchr(a, ':'), *cb = strchr(b, ':');
            if (!ca || !cb)
                return 0;
            unsigned long nb = strtoul(b, NULL, 10);
            size_t n = (nb / 8) * 2;
            return strncmp(ca + 1, cb + 1, n) == 0;
        }
        return strcmp(a, b) == 0;
    }
    if (json_is_boolean(exp) && json_is_boolean(got))
        return json_is_true(exp) == json_is_true(got);
    if (json_is_array(exp) && json_is_array(got)) {
        if (json_array_size(exp) != json_array_size(got))
            return 0;
        for (size_t i = 0; i < json_array_size(exp); i++)
            if (!values_equal(key, json_array_get(exp, i), json_array_get(got, i)))
                return 0;
        return 1;
    }
    if (json_is_object(exp) && json_is_object(got)) {
        const char *k;
        json_t *v;
        json_object_foreach(exp, k, v)
        {
            json_t *g = json_object_get(got, k);
            if (!g || !values_equal(k, v, g))
                return 0;
        }
        return 1;
    }
    return json_equal(exp, got);
}

static void compare(const char *what, size_t idx, json_t *exp, json_t *got)
{
    const char *k;
    json_t *v;
    json_object_foreach(exp, k, v)
    {
        if (strcmp(k, "device") == 0)
            continue;
        /* gpsd never fills the type 26 communication state (always 0): DIFFERENCES.md */
        if (strcmp(k, "radio") == 0 && json_integer_value(json_object_get(exp, "type")) == 26)
            continue;
        json_t *g = json_object_get(got, k);
        if (!g || !values_equal(k, v, g)) {
            char *es = json_dumps(v, JSON_ENCODE_ANY), *gs = g ? json_dumps(g, JSON_ENCODE_ANY) : NULL;
            fprintf(stderr, "%s #%zu type %lld field %s: expected %s, got %s\n", what, idx,
                    (long long)json_integer_value(json_object_get(exp, "type")), k, es,
                    gs ? gs : "(missing)");
            free(es);
            free(gs);
            failures++;
        }
    }
}

/* Decode a file into JSON objects (scaled or not), gpsd-style: type 24 part A is held and merged
 * into the following part B of the same MMSI by the library's ais_merge24 (ais_decode
 * --merge_24), so gpsd's merged objects check it. */
static json_t *decode_file(const char *path, int scaled, size_t *roundtrips)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        failures++;
        return json_array();
    }
    json_t *out = json_array();
    nmea_assembler *a = nmea_assembler_create(NULL);
    char line[1024];
    ais_merge24 *merge = ais_merge24_create(); /* type 24 parts, as gpsd merges them */
    while (fgets(line, sizeof line, f)) {
        nmea_message nm;
        if (!nmea_assembler_push(a, line, strlen(line), NMEA_TIME_NONE, &nm))
            continue;
        ais_msg m;
        if (ais_decode(nm.bits, nm.nbits, &m) != AIS_OK)
            continue;
        /* round trip 1: bits -> NMEA -> bits */
        char enc[2048];
        int ns = nmea_encode_vdm(nm.bits, nm.nbits, "AIVDM", 'A', 1, enc, sizeof enc);
        nmea_assembler *b = nmea_assembler_create(NULL);
        int ok = 0;
        for (char *s = enc, *e; ns > 0 && (e = strstr(s, "\r\n")); s = e + 2) {
            nmea_message n2;
            if (nmea_assembler_push(b, s, (size_t)(e - s), NMEA_TIME_NONE, &n2))
                ok = n2.nbits == nm.nbits && memcmp(n2.bits, nm.bits, (nm.nbits + 7) / 8) == 0;
        }
        nmea_assembler_destroy(&b);
        if (!ok) {
            fprintf(stderr, "%s: bits->NMEA->bits round trip failed for type %u\n", path, m.type);
            failures++;
        }
        /* round trip 2: struct -> bits -> struct (compared through the JSON) */
        uint8_t bits2[SIXBIT_MAX_BYTES];
        size_t nb2;
        char j1[8192], j2[8192];
        ais_json_opts o = {.scaled = 0};
        ais_msg m2;
        if (ais_encode(&m, bits2, sizeof bits2, &nb2) != 0 || ais_decode(bits2, nb2, &m2) != AIS_OK ||
            !ais_json_write(&m, &o, j1, sizeof j1) || !ais_json_write(&m2, &o, j2, sizeof j2) ||
            strcmp(j1, j2) != 0) {
            fprintf(stderr, "%s: struct->bits->struct round trip failed for type %u\n  %s\n  %s\n",
                    path, m.type, j1, j2);
            failures++;
        }
        (*roundtrips)++;

        o.scaled = scaled;
        char js[8192];
        if (!ais_json_write(&m, &o, js, sizeof js)) {
            fprintf(stderr, "JSON overflow\n");
            failures++;
            continue;
        }
        json_error_t err;
        json_t *obj = json_loads(js, 0, &err);
        if (!obj) {
            fprintf(stderr, "our JSON does not parse: %s\n%s\n", err.text, js);
            failures++;
            continue;
        }
        /* gpsd prints a part B only when it holds the part A of the same MMSI */
        bool part_b_alone = m.type == 24 && m.u.static_data.partno == 1;
        if (!ais_merge24_push(merge, &m)) {
            json_decref(obj);
            continue;
        }
        if (m.type == 24) {
            if (part_b_alone && !m.u.static_data.shipname[0]) {
                json_decref(obj);
                continue;
            }
            /* the merged object, written again by the library */
            json_decref(obj);
            if (!ais_json_write(&m, &o, js, sizeof js) || !(obj = json_loads(js, 0, &err))) {
                fprintf(stderr, "merged type 24 JSON\n");
                failures++;
                continue;
            }
        }
        json_array_append_new(out, obj);
    }
    ais_merge24_destroy(&merge);
    nmea_assembler_destroy(&a);
    fclose(f);
    return out;
}

static json_t *load_expected(const char *path)
{
    FILE *f = fopen(path, "r");
    json_t *arr = json_array();
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        failures++;
        return arr;
    }
    char line[16384];
    while (fgets(line, sizeof line, f)) {
        if (line[0] != '{')
            continue;
        json_t *o = json_loads(line, 0, NULL);
        size_t n = json_array_size(arr);
        if (o && json_is_string(json_object_get(o, "class")) &&
            strcmp(json_string_value(json_object_get(o, "class")), "AIS") == 0 &&
            !(n > 0 && json_equal(json_array_get(arr, n - 1), o))) /* daemon logs repeat */
            json_array_append_new(arr, o);
        else
            json_decref(o);
    }
    fclose(f);
    return arr;
}

static void run(const char *dir, const char *input, const char *expected)
{
    char pi[1024], pe[1024];
    snprintf(pi, sizeof pi, "%s/%s", dir, input);
    snprintf(pe, sizeof pe, "%s/%s", dir, expected);
    size_t rt = 0;
    int before = failures;
    json_t *exp = load_expected(pe);
    int scaled = json_array_size(exp) == 0 || json_is_true(json_object_get(json_array_get(exp, 0), "scaled"));
    json_t *got = decode_file(pi, scaled, &rt);
    /* Align in order by (type, mmsi): gpsd's daemon logs drop some repeats, so a message of
     * ours without an expected counterpart is skipped, never the other way round. */
    size_t j = 0, n = 0, skipped = 0;
    for (size_t i = 0; i < json_array_size(exp); i++) {
        json_t *e = json_array_get(exp, i);
        size_t k = j;
        while (k < json_array_size(got) &&
               !(json_equal(json_object_get(e, "type"), json_object_get(json_array_get(got, k), "type")) &&
                 json_equal(json_object_get(e, "mmsi"), json_object_get(json_array_get(got, k), "mmsi"))))
            k++;
        if (k == json_array_size(got)) {
            fprintf(stderr, "%s #%zu: expected message not decoded\n", expected, i);
            failures++;
            continue;
        }
        skipped += k - j;
        compare(expected, i, e, json_array_get(got, k));
        j = k + 1;
        n++;
    }
    printf("%-28s %3zu/%3zu expected messages matched (%zu extra of ours), %zu round trips, %s\n",
           expected, n, json_array_size(exp), skipped + json_array_size(got) - j, rt,
           failures == before ? "ok" : "FAILED");
    json_decref(got);
    json_decref(exp);
}

/* ---- libais: typeexamples.nmea and tagblock.nmea ------------------------------------------
 *
 * libais's JSON (its test/typeexamples.json and tagblock.json, scaled) shares most of gpsd's
 * names.  Every field both define is compared; the maps below list the names that differ, the
 * fields only libais prints (skipped, with why), and the values where we differ from libais on
 * purpose (pipeline/ais/DIFFERENCES.md, "libais").  Messages are aligned one for one in order;
 * type 24 parts are not merged (libais prints each part). */

/* libais name -> ours */
static const char *const libais_renamed[][2] = {
    {"part_num", "partno"},        /* type 24 */
    {"tagblock_group", "tagblock_group"}, /* same name; members compared by name */
};

/* Printed by libais only.  Communication-state members are inside our "radio" integer. */
static const char *const libais_only[][2] = {
    {"spare", "reserved bits are not printed"},
    {"spare2", "reserved bits are not printed"},
    {"spare3", "reserved bits are not printed"},
    {"spare4", "reserved bits are not printed"},
    {"sync_state", "communication state: in radio"},
    {"slot_timeout", "communication state: in radio"},
    {"slot_number", "communication state: in radio (ours, with -t, is the receiver's slot)"},
    {"received_stations", "communication state: in radio"},
    {"slot_offset", "communication state: in radio"},
    {"slot_increment", "communication state: in radio"},
    {"slots_to_allocate", "communication state: in radio"},
    {"keep_flag", "communication state: in radio"},
    {"utc_hour", "communication state: in radio"},
    {"utc_min", "communication state: in radio"},
    {"utc_spare", "communication state: in radio"},
    {"commstate_cs_fill", "communication state: in radio"},
    {"transmission_ctl", "type 4/11 bit 148 is printed by neither gpsd nor us"},
    {"unit", "type 18 cs flag: ours is \"cs\""},
    {"mode", "type 18 assigned flag: ours is \"assigned\""},
    {"alt_sensor", "type 9 regional bits: ours is \"regional\""},
    {"ack_required", "type 6 DAC 1 FI 0 text telegram: kept as data"},
    {"msg_seq", "type 6 DAC 1 FI 0 text telegram: kept as data"},
    {"text", "type 6 DAC 1 FI 0 text telegram: kept as data"},
    {"link_id", "type 8 DAC 1 FI 22 area notice: kept as data"},
    {"notice_type", "type 8 DAC 1 FI 22 area notice: kept as data"},
    {"notice_type_str", "type 8 DAC 1 FI 22 area notice: kept as data"},
    {"duration_minutes", "type 8 DAC 1 FI 22 area notice: kept as data"},
    {"sub_areas", "type 8 DAC 1 FI 22 area notice: kept as data"},
    {"msg_2", "type 15: libais reads a fourth request; M.1371 has three"},
    {"slot_offset_2", "type 15: libais reads a fourth request; M.1371 has three"},
    {"type2_2", "type 15: libais reads a fourth request; M.1371 has three"},
    {"offset2_2", "type 15: libais reads a fourth request; M.1371 has three"},
    {"dac", "type 26 application id: ours is \"app_id\" (DAC << 6 | FI)"},
    {"fid", "type 26 application id: ours is \"app_id\" (DAC << 6 | FI)"},
    {"timestamp", "libais repeats the tag block time here for every type"},
};

/* Values that differ on purpose: (type, field, libais value as JSON text). */
static const struct {
    int type;
    const char *field, *libais_value, *why;
} libais_differs[] = {
    {1, "turn", "null", "not available (-128): gpsd's \"n/a\" (unscaled -128)"},
    {2, "status_text", "\"Reserved\"", "status 14 is \"AIS-SART is active\" in M.1371-5"},
    {5, "shiptype_text", "\"Tanker, all ships of this type\"", "gpsd's wording"},
    {23, "shiptype_text", "\"Cargo, Hazardous category B\"", "gpsd's wording"},
    {6, "retransmit", "true", "libais inverts bit 70; we print it as sent, as gpsd"},
    {27, "gnss", "false", "libais inverts bit 94; we print it as sent, as gpsd"},
    {9, "speed", "16.799999237060547", "SAR speed is in knots (M.1371 Table 48); libais / 10"},
    {21, "name", "\"9%&//3*37-+P][`<RD^6\"",
     "six-bit 31 and 39 are '_' and apostrophe (M.1371 Table 47); libais prints '-' and '`'"},
};

static int libais_skipped(const char *k)
{
    for (size_t i = 0; i < sizeof libais_only / sizeof libais_only[0]; i++)
        if (strcmp(k, libais_only[i][0]) == 0)
            return 1;
    return strcmp(k, "device") == 0 || strcmp(k, "class") == 0;
}

static const char *libais_our_name(const char *k)
{
    for (size_t i = 0; i < sizeof libais_renamed / sizeof libais_renamed[0]; i++)
        if (strcmp(k, libais_renamed[i][0]) == 0)
            return libais_renamed[i][1];
    return k;
}

static int libais_equal(const char *key, json_t *exp, json_t *got)
{
    if (json_is_number(exp) && json_is_number(got)) {
        /* libais prints float32 values in full: compare at float precision */
        double a = json_number_value(exp), b = json_number_value(got);
        return fabs(a - b) <= 1e-6 * fmax(1.0, fabs(a));
    }
    if (json_is_number(exp) && json_is_string(got) && strcmp(key, "turn") == 0) {
        /* gpsd (and we) print the scaled rate of turn as a string with 2 decimals */
        char *end;
        double b = strtod(json_string_value(got), &end);
        return *end == '\0' && fabs(json_number_value(exp) - b) <= 0.005;
    }
    if (json_is_number(exp) && json_is_boolean(got)) /* libais prints some flags as 0/1 */
        return (json_number_value(exp) != 0) == json_is_true(got);
    if (json_is_string(exp) && json_is_string(got) && strcmp(key, "tagblock_timestamp") == 0)
        /* "2014-12-10T00:41:53.000000Z" (libais, microseconds) vs ".000Z" (ours, ms) */
        return strncmp(json_string_value(exp), json_string_value(got), 19) == 0 &&
               atof(json_string_value(exp) + 17) == atof(json_string_value(got) + 17);
    return values_equal(key, exp, got); /* strings holding numbers, e.g. "imo":"9383663" */
}

static void run_libais(const char *dir, const char *input, const char *expected, int with_nmea)
{
    char pi[1024], pe[1024];
    snprintf(pi, sizeof pi, "%s/%s", dir, input);
    snprintf(pe, sizeof pe, "%s/%s", dir, expected);
    int before = failures;
    json_t *exp = json_array();
    FILE *f = fopen(pe, "r");
    char line[16384];
    while (f && fgets(line, sizeof line, f)) {
        json_t *o = json_loads(line, 0, NULL);
        if (o)
            json_array_append_new(exp, o);
    }
    if (f)
        fclose(f);
    f = fopen(pi, "r");
    if (!f || json_array_size(exp) == 0) {
        fprintf(stderr, "cannot read %s or %s\n", pi, pe);
        failures++;
        if (f)
            fclose(f);
        json_decref(exp);
        return;
    }
    nmea_assembler *a = nmea_assembler_create(NULL);
    size_t i = 0, fields = 0, skipped = 0, differs = 0;
    while (fgets(line, sizeof line, f)) {
        nmea_message nm;
        ais_msg m;
        if (!nmea_assembler_push(a, line, strlen(line), NMEA_TIME_NONE, &nm) ||
            ais_decode(nm.bits, nm.nbits, &m) != AIS_OK)
            continue;
        char js[8192];
        ais_json_opts o = {.scaled = true, .nmea = with_nmea ? &nm : NULL};
        json_t *got = ais_json_write(&m, &o, js, sizeof js) ? json_loads(js, 0, NULL) : NULL;
        json_t *e = json_array_get(exp, i++);
        if (!got || !e) {
            fprintf(stderr, "%s #%zu: %s\n", expected, i - 1, got ? "no expected object" : "no JSON");
            failures++;
            json_decref(got);
            continue;
        }
        int type = (int)json_integer_value(json_object_get(e, "type"));
        const char *k;
        json_t *v;
        json_object_foreach(e, k, v)
        {
            if (libais_skipped(k)) {
                skipped++;
                continue;
            }
            json_t *g = json_object_get(got, libais_our_name(k));
            if (g && libais_equal(k, v, g)) {
                fields++;
                continue;
            }
            char *es = json_dumps(v, JSON_ENCODE_ANY);
            int known = 0;
            for (size_t d = 0; d < sizeof libais_differs / sizeof libais_differs[0]; d++)
                known |= libais_differs[d].type == type && strcmp(libais_differs[d].field, k) == 0 &&
                         strcmp(libais_differs[d].libais_value, es) == 0;
            /* type 17: gpsd and we print the 1/10-minute position to 0.1 degree */
            if (!known && type == 17 && g && (strcmp(k, "lon") == 0 || strcmp(k, "lat") == 0))
                known = fabs(json_number_value(v) - json_number_value(g)) <= 0.05;
            if (known) {
                differs++;
            } else {
                char *gs = g ? json_dumps(g, JSON_ENCODE_ANY) : NULL;
                fprintf(stderr, "%s #%zu type %d field %s: libais %s, ours %s\n", expected, i - 1,
                        type, k, es, gs ? gs : "(missing)");
                free(gs);
                failures++;
            }
            free(es);
        }
        json_decref(got);
    }
    fclose(f);
    nmea_assembler_destroy(&a);
    if (i != json_array_size(exp)) {
        fprintf(stderr, "%s: %zu messages decoded, %zu expected\n", expected, i,
                json_array_size(exp));
        failures++;
    }
    printf("%-28s %3zu/%3zu messages, %zu fields equal, %zu documented differences, "
           "%zu libais-only fields skipped, %s\n",
           expected, i, json_array_size(exp), fields, differs, skipped,
           failures == before ? "ok" : "FAILED");
    json_decref(exp);
}

int main(int argc, char **argv)
{
    struct stat st;
    if (argc < 2 || stat(argv[1], &st) != 0) {
        printf("shared datasets not found (%s): skipping golden tests\n", argc > 1 ? argv[1] : "");
        return 77;
    }
    char gpsd[1024];
    snprintf(gpsd, sizeof gpsd, "%s/nmea/gpsd", argv[1]);
    run(gpsd, "sample.aivdm", "sample.aivdm.js.chk");
    run(gpsd, "sample.aivdm", "sample.aivdm.ju.chk");
    run(gpsd, "ais-nmea.log", "ais-nmea.log.chk");
    run(gpsd, "ais_unpack_sixbit.log", "ais_unpack_sixbit.log.chk");
    char libais[1024];
    snprintf(libais, sizeof libais, "%s/nmea/libais", argv[1]);
    run_libais(libais, "typeexamples.nmea", "typeexamples.json", 0);
    run_libais(libais, "tagblock.nmea", "tagblock.json", 1);
    printf("%d failures\n", failures);
    return failures ? 1 : 0;
}
