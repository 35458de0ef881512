/* Unit tests of the ais library that need no shared data: the multipart assembler (order,
 * duplicates, timeouts in event time, keys by channel, source and tag-block group), fill bits,
 * USCG trailing fields, rejected input counted by class, configuration refused by create,
 * encode -> decode round trips of every message type built from structs, and gpsd-style JSON of
 * known messages (expected strings checked against gpsd's sample.aivdm.js.chk / .ju.chk). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "centinela/ais.h"
#include "centinela/ais_json.h"
#include "centinela/nmea.h"

static int failures;
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);               \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* "!<body>*hh" with the right checksum; tag (may be NULL) is the inside of a tag block, which
 * gets its own checksum.  Returns a static buffer (one of four, rotating). */
static const char *sentence(const char *tag, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static const char *sentence(const char *tag, const char *fmt, ...)
{
    static char bufs[4][1024];
    static int k;
    char *out = bufs[k++ & 3];
    char body[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    size_t n = 0;
    if (tag)
        n += (size_t)snprintf(out, 1024, "\\%s*%02X\\", tag, nmea_checksum(tag, strlen(tag)));
    snprintf(out + n, 1024 - n, "!%s*%02X", body, nmea_checksum(body, strlen(body)));
    return out;
}

static int push(nmea_assembler *a, const char *line, int64_t t_ms, nmea_message *out)
{
    return nmea_assembler_push(a, line, strlen(line), t_ms, out);
}

/* A real two-part type 5 (gpsd sample.aivdm), its single-part equivalent bits for comparison. */
static const char *const P1 =
    "AIVDM,2,1,3,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0";
static const char *const P2 = "AIVDM,2,2,3,B,1@0000000000000,2";
#define P1_PAYLOAD "55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53"
#define P2_PAYLOAD "1@0000000000000"

static void reference_bits(uint8_t *bits, size_t *nbits)
{
    CHECK(sixbit_unarmor(P1_PAYLOAD P2_PAYLOAD, strlen(P1_PAYLOAD P2_PAYLOAD), 2, bits,
                         SIXBIT_MAX_BYTES, nbits) == 0);
}

static int same_bits(const nmea_message *m, const uint8_t *bits, size_t nbits)
{
    return m->nbits == nbits && memcmp(m->bits, bits, (nbits + 7) / 8) == 0;
}

static void test_create_config(void)
{
    nmea_assembler_config c = nmea_assembler_config_default();
    CHECK(c.timeout_ms == 10000 && c.max_pending == 64 && c.check_checksum);
    nmea_assembler *a = nmea_assembler_create(&c);
    CHECK(a != NULL);
    nmea_assembler_destroy(&a);
    CHECK(a == NULL);
    nmea_assembler_destroy(&a); /* accepts NULL */
    nmea_assembler_destroy(NULL);
    static const struct {
        int64_t timeout_ms;
        unsigned max_pending;
    } bad[] = {{0, 64}, {-5, 64}, {3600001, 64}, {10000, 0}, {10000, 1025}, {INT64_MIN, 1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        c = nmea_assembler_config_default();
        c.timeout_ms = bad[i].timeout_ms;
        c.max_pending = bad[i].max_pending;
        CHECK(nmea_assembler_create(&c) == NULL);
    }
    c = nmea_assembler_config_default();
    c.timeout_ms = 1;
    c.max_pending = 1;
    a = nmea_assembler_create(&c);
    CHECK(a != NULL);
    nmea_assembler_destroy(&a);
    c.timeout_ms = 3600000;
    c.max_pending = 1024;
    a = nmea_assembler_create(&c);
    CHECK(a != NULL);
    nmea_assembler_destroy(&a);
    a = nmea_assembler_create(NULL);
    CHECK(a != NULL);
    nmea_assembler_destroy(&a);
}

static void test_order_and_duplicates(void)
{
    uint8_t ref[SIXBIT_MAX_BYTES];
    size_t nref;
    reference_bits(ref, &nref);
    CHECK(nref == 424);
    nmea_assembler *a = nmea_assembler_create(NULL);
    nmea_message m;
    /* in order */
    CHECK(push(a, sentence(NULL, "%s", P1), NMEA_TIME_NONE, &m) == 0);
    CHECK(push(a, sentence(NULL, "%s", P2), NMEA_TIME_NONE, &m) == 1);
    CHECK(same_bits(&m, ref, nref) && m.nparts == 2 && m.seq_id == 3 && m.channel == 'B');
    CHECK(strchr(m.raw, '\n') != NULL && strncmp(m.raw, "!AIVDM,2,1,3,B", 14) == 0);
    /* out of order */
    CHECK(push(a, sentence(NULL, "%s", P2), NMEA_TIME_NONE, &m) == 0);
    CHECK(push(a, sentence(NULL, "%s", P1), NMEA_TIME_NONE, &m) == 1);
    CHECK(same_bits(&m, ref, nref));
    CHECK(strncmp(m.raw, "!AIVDM,2,1,3,B", 14) == 0); /* raw lines in part order */
    /* a duplicate part is dropped and counted; the message still completes once */
    CHECK(push(a, sentence(NULL, "%s", P1), NMEA_TIME_NONE, &m) == 0);
    CHECK(push(a, sentence(NULL, "%s", P1), NMEA_TIME_NONE, &m) == 0);
    CHECK(nmea_assembler_last_status(a) == NMEA_DUPLICATE_PART);
    CHECK(push(a, sentence(NULL, "%s", P2), NMEA_TIME_NONE, &m) == 1);
    CHECK(same_bits(&m, ref, nref));
    CHECK(push(a, sentence(NULL, "%s", P2), NMEA_TIME_NONE, &m) == 0); /* a new message: waits */
    const nmea_stats *st = nmea_assembler_stats(a);
    CHECK(st->status[NMEA_DUPLICATE_PART] == 1);
    CHECK(st->messages == 3);
    /* the same part number with a different payload: the sequence id was reused, the old
     * message is counted as missing a part and the new one starts */
    CHECK(push(a, sentence(NULL, "AIVDM,2,2,3,B,1@0000000000001,2"), NMEA_TIME_NONE, &m) == 0);
    CHECK(st->status[NMEA_MISSING_PART] == 1);
    /* flush at end of stream counts what is left */
    nmea_assembler_flush(a);
    CHECK(st->status[NMEA_MISSING_PART] == 2);
    nmea_assembler_destroy(&a);
}

static void test_timeouts(void)
{
    nmea_assembler_config c = nmea_assembler_config_default();
    c.timeout_ms = 5000;
    nmea_assembler *a = nmea_assembler_create(&c);
    const nmea_stats *st = nmea_assembler_stats(a);
    nmea_message m;
    char pos[128];
    snprintf(pos, sizeof pos, "%s", sentence(NULL, "AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0"));
    /* within the timeout the message completes */
    CHECK(push(a, sentence(NULL, "%s", P1), 1000000, &m) == 0);
    CHECK(push(a, pos, 1004000, &m) == 1);
    CHECK(push(a, sentence(NULL, "%s", P2), 1005000, &m) == 1);
    CHECK(st->status[NMEA_MISSING_PART] == 0);
    /* beyond it (event time of any later line, not the wall clock) the part is dropped */
    CHECK(push(a, sentence(NULL, "%s", P1), 2000000, &m) == 0);
    CHECK(push(a, pos, 2005001, &m) == 1);
    CHECK(st->status[NMEA_MISSING_PART] == 1);
    CHECK(push(a, sentence(NULL, "%s", P2), 2005002, &m) == 0); /* too late: starts anew */
    /* lines without time never expire anything */
    nmea_assembler_reset(a);
    CHECK(push(a, sentence(NULL, "%s", P1), NMEA_TIME_NONE, &m) == 0);
    for (int i = 0; i < 100; i++)
        CHECK(push(a, pos, NMEA_TIME_NONE, &m) == 1);
    CHECK(push(a, sentence(NULL, "%s", P2), NMEA_TIME_NONE, &m) == 1);
    CHECK(st->status[NMEA_MISSING_PART] == 1);
    /* event time from tag blocks: c: in seconds, and in milliseconds when above 1e11 */
    nmea_assembler_reset(a);
    CHECK(push(a, sentence("c:1418169601", "%s", P1), NMEA_TIME_NONE, &m) == 0);
    CHECK(push(a, sentence("c:1418169610", "AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0"),
               NMEA_TIME_NONE, &m) == 1);
    CHECK(m.time_ms == 1418169610000LL);
    CHECK(st->status[NMEA_MISSING_PART] == 2);
    CHECK(push(a, sentence("c:1418169610500", "AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0"),
               NMEA_TIME_NONE, &m) == 1);
    CHECK(m.time_ms == 1418169610500LL);
    /* event time from the USCG trailing Unix time */
    nmea_assembler_reset(a);
    char line[256];
    snprintf(line, sizeof line, "%s,d-109,S2105,t050056.00,T56.13718694,r003669946,1325394060",
             sentence(NULL, "%s", P1));
    CHECK(push(a, line, NMEA_TIME_NONE, &m) == 0);
    snprintf(line, sizeof line, "%s,r003669946,1325394066", sentence(NULL, "%s", P2));
    CHECK(push(a, line, NMEA_TIME_NONE, &m) == 0); /* 6 s later: expired */
    CHECK(st->status[NMEA_MISSING_PART] == 3);
    /* sources keep their own clocks: a satellite feed interleaving a station 41 minutes ahead
     * does not expire another station's partial message (libais tagblock.nmea) */
    nmea_assembler_reset(a);
    CHECK(push(a, sentence("g:1-2-1604,s:rORBCOMM008,c:1418169601", "%s", P1), NMEA_TIME_NONE,
               &m) == 0);
    CHECK(
        push(a,
             sentence("s:rORBCOMM104,c:1418172113", "AIVDM,1,1,,B,13F?Vv700<DJuLEtvep`iToV0<00,0"),
             NMEA_TIME_NONE, &m) == 1);
    CHECK(push(a, sentence("g:2-2-1604,s:rORBCOMM008,c:1418169601", "%s", P2), NMEA_TIME_NONE,
               &m) == 1);
    CHECK(st->status[NMEA_MISSING_PART] == 3);
    /* displacement when max_pending are held: oldest first */
    nmea_assembler_destroy(&a);
    c.max_pending = 2;
    a = nmea_assembler_create(&c);
    st = nmea_assembler_stats(a);
    CHECK(push(a, sentence(NULL, "AIVDM,2,1,1,A," P1_PAYLOAD ",0"), NMEA_TIME_NONE, &m) == 0);
    CHECK(push(a, sentence(NULL, "AIVDM,2,1,2,A," P1_PAYLOAD ",0"), NMEA_TIME_NONE, &m) == 0);
    CHECK(push(a, sentence(NULL, "AIVDM,2,1,3,A," P1_PAYLOAD ",0"), NMEA_TIME_NONE, &m) == 0);
    CHECK(st->status[NMEA_MISSING_PART] == 1);
    CHECK(push(a, sentence(NULL, "AIVDM,2,2,1,A," P2_PAYLOAD ",2"), NMEA_TIME_NONE, &m) == 0);
    CHECK(push(a, sentence(NULL, "AIVDM,2,2,3,A," P2_PAYLOAD ",2"), NMEA_TIME_NONE, &m) == 1);
    nmea_assembler_destroy(&a);
}

static void test_keys(void)
{
    uint8_t ref[SIXBIT_MAX_BYTES];
    size_t nref;
    reference_bits(ref, &nref);
    nmea_assembler *a = nmea_assembler_create(NULL);
    nmea_message m;
    /* same sequence id on both channels, interleaved: two messages, never mixed */
    const char *a1 = sentence(NULL, "AIVDM,2,1,7,A," P1_PAYLOAD ",0");
    const char *b1 = sentence(NULL, "AIVDM,2,1,7,B,5" P1_PAYLOAD ",0");
    CHECK(push(a, a1, NMEA_TIME_NONE, &m) == 0);
    CHECK(push(a, b1, NMEA_TIME_NONE, &m) == 0);
    CHECK(push(a, sentence(NULL, "AIVDM,2,2,7,A," P2_PAYLOAD ",2"), NMEA_TIME_NONE, &m) == 1);
    CHECK(m.channel == 'A' && same_bits(&m, ref, nref));
    CHECK(push(a, sentence(NULL, "AIVDM,2,2,7,B," P2_PAYLOAD ",2"), NMEA_TIME_NONE, &m) == 1);
    CHECK(m.channel == 'B' && m.nbits == nref + 6);
    /* same sequence id and channel from two stations (tag block s:): keyed by source */
    CHECK(push(a, sentence("s:r1", "AIVDM,2,1,4,A," P1_PAYLOAD ",0"), NMEA_TIME_NONE, &m) == 0);
    CHECK(push(a, sentence("s:r2", "AIVDM,2,1,4,A,5" P1_PAYLOAD ",0"), NMEA_TIME_NONE, &m) == 0);
    CHECK(push(a, sentence("s:r2", "AIVDM,2,2,4,A," P2_PAYLOAD ",2"), NMEA_TIME_NONE, &m) == 1);
    CHECK(m.nbits == nref + 6 && strcmp(m.tag.s, "r2") == 0);
    CHECK(push(a, sentence("s:r1", "AIVDM,2,2,4,A," P2_PAYLOAD ",2"), NMEA_TIME_NONE, &m) == 1);
    CHECK(same_bits(&m, ref, nref) && strcmp(m.tag.s, "r1") == 0);
    /* ... and by the USCG receiver id */
    char l1[300], l2[300];
    snprintf(l1, sizeof l1, "%s,r003669946,1325394060", sentence(NULL, "%s", P1));
    snprintf(l2, sizeof l2, "%s,r003669945,1325394060", sentence(NULL, "%s", P2));
    CHECK(push(a, l1, NMEA_TIME_NONE, &m) == 0);
    CHECK(push(a, l2, NMEA_TIME_NONE, &m) == 0); /* other receiver: not the same message */
    snprintf(l2, sizeof l2, "%s,r003669946,1325394060", sentence(NULL, "%s", P2));
    CHECK(push(a, l2, NMEA_TIME_NONE, &m) == 1);
    CHECK(same_bits(&m, ref, nref) && strcmp(m.rx.station, "003669946") == 0);
    nmea_assembler_flush(a);
    /* grouped sentences: g: links the parts; the later part omits s: (libais tagblock.nmea) */
    CHECK(push(a, sentence("g:1-2-1604,s:rORBCOMM008,c:1418169601", "%s", P1), NMEA_TIME_NONE,
               &m) == 0);
    CHECK(push(a, sentence("g:2-2-1604,c:1418169601", "%s", P2), NMEA_TIME_NONE, &m) == 1);
    CHECK(same_bits(&m, ref, nref));
    CHECK(m.has_tagblock && (m.tag.present & NMEA_TAG_G) && (m.tag.present & NMEA_TAG_S));
    CHECK(m.tag.g_seq == 1 && m.tag.g_total == 2 && m.tag.g_id == 1604);
    CHECK(strcmp(m.tag.s, "rORBCOMM008") == 0 && m.tag.c_ms == 1418169601000LL);
    /* a different group id does not join */
    CHECK(push(a, sentence("g:1-2-11,s:rX", "%s", P1), NMEA_TIME_NONE, &m) == 0);
    CHECK(push(a, sentence("g:2-2-12", "%s", P2), NMEA_TIME_NONE, &m) == 0);
    nmea_assembler_destroy(&a);
}

static void test_fill_and_trailing(void)
{
    nmea_assembler *a = nmea_assembler_create(NULL);
    const nmea_stats *st = nmea_assembler_stats(a);
    nmea_message m;
    /* fill bits are removed from the last character */
    for (unsigned fill = 0; fill <= 5; fill++) {
        CHECK(push(a, sentence(NULL, "AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,%u", fill),
                   NMEA_TIME_NONE, &m) == 1);
        CHECK(m.nbits == 168 - fill);
    }
    /* non-zero fill on a part that is not the last, fill beyond 5, fill beyond the payload */
    CHECK(push(a, sentence(NULL, "AIVDM,2,1,5,A," P1_PAYLOAD ",2"), NMEA_TIME_NONE, &m) == 0);
    CHECK(nmea_assembler_last_status(a) == NMEA_BAD_FILL);
    CHECK(push(a, sentence(NULL, "AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,6"), NMEA_TIME_NONE,
               &m) == 0);
    CHECK(nmea_assembler_last_status(a) == NMEA_BAD_FILL);
    CHECK(push(a, sentence(NULL, "AIVDM,1,1,,A,1,7"), NMEA_TIME_NONE, &m) == 0);
    CHECK(nmea_assembler_last_status(a) == NMEA_BAD_FILL);
    CHECK(st->status[NMEA_BAD_FILL] == 3);

    /* USCG trailing receiver fields (libais typeexamples.nmea, line 1) */
    const char *uscg = "!AIVDM,1,1,,A,403Ovl@000Htt<tSF0l4Q@100`Pq,0*28,d-109,S2105,t050056.00,"
                       "T56.13718694,r003669946,1325394060,1325394001";
    nmea_sentence s;
    CHECK(nmea_parse_line(uscg, strlen(uscg), true, &s) == NMEA_OK);
    CHECK(s.rx.present && s.rx.has_signal && s.rx.signal_dbm == -109);
    CHECK(s.rx.has_slot && s.rx.slot == 2105);
    CHECK(s.rx.has_time_text && strcmp(s.rx.time_text, "050056.00") == 0);
    CHECK(s.rx.has_t_offset && s.rx.t_offset_s > 56.137186 && s.rx.t_offset_s < 56.137188);
    CHECK(strcmp(s.rx.station, "003669946") == 0);
    CHECK(s.rx.has_unix && s.rx.unix_s == 1325394001);
    CHECK(s.sentence_len == strlen("!AIVDM,1,1,,A,403Ovl@000Htt<tSF0l4Q@100`Pq,0*28"));
    CHECK(push(a, uscg, NMEA_TIME_NONE, &m) == 1);
    CHECK(m.time_ms == 1325394001000LL && m.rx.slot == 2105);
    ais_msg am;
    CHECK(ais_decode(m.bits, m.nbits, &am) == AIS_OK && am.type == 4 && am.mmsi == 3669713);
    /* with -t the receiver fields are in the JSON */
    char js[4096];
    ais_json_opts o = {.scaled = true, .nmea = &m};
    CHECK(ais_json_write(&am, &o, js, sizeof js) > 0);
    CHECK(strstr(js, "\"rx_signal_dbm\":-109") && strstr(js, "\"slot_number\":2105") &&
          strstr(js, "\"rx_station\":\"003669946\"") && strstr(js, "\"channel\":\"A\""));
    /* trailing text that is not a field list is ignored */
    const char *junk = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\\x0d\\x0a";
    CHECK(nmea_parse_line(junk, strlen(junk), true, &s) == NMEA_OK && !s.rx.present);
    /* other talkers and VDO */
    CHECK(push(a, sentence(NULL, "BSVDM,1,1,,B,15RTgt0PAso;90TKcjM8h6g208CQ,0"), NMEA_TIME_NONE,
               &m) == 1);
    CHECK(strcmp(m.talker, "BSVDM") == 0);
    CHECK(push(a, sentence(NULL, "AIVDO,1,1,,,15RTgt0PAso;90TKcjM8h6g208CQ,0"), NMEA_TIME_NONE,
               &m) == 1);
    CHECK(strcmp(m.talker, "AIVDO") == 0 && m.channel == 0);
    nmea_assembler_destroy(&a);
}

static void test_rejections_by_class(void)
{
    nmea_assembler *a = nmea_assembler_create(NULL);
    const nmea_stats *st = nmea_assembler_stats(a);
    nmea_message m;
    static const struct {
        const char *line;
        nmea_status want;
    } cases[] = {
        /* bad checksum */
        {"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B", NMEA_BAD_CHECKSUM},
        {"\\s:r1*00\\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B", NMEA_BAD_CHECKSUM},
        /* a corrupted talker, as AMSA's feed carries ("!=IVDM") */
        {"!=IVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*00", NMEA_BAD_TALKER},
        /* truncated */
        {"!AIVDM,1,1,,A,15RTgt0PAso;90TKc", NMEA_BAD_SYNTAX},
        {"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4", NMEA_BAD_SYNTAX},
        {"!AIVDM,1,1", NMEA_BAD_SYNTAX},
        {"\\s:r1,c:14181", NMEA_BAD_TAGBLOCK},
        /* impossible part numbers */
        {"!AIVDM,2,3,1,A,15RTgt,0*00", NMEA_BAD_SYNTAX},
        {"!AIVDM,0,0,,A,15RTgt,0*00", NMEA_BAD_SYNTAX},
        /* not AIS: counted apart, not errors */
        {"$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A", NMEA_NOT_MINE},
        {"# a comment", NMEA_NOT_MINE},
        {"", NMEA_NOT_MINE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *l = cases[i].line;
        /* recompute the checksum where the case is not about checksums */
        char fixed[300];
        if (cases[i].want != NMEA_BAD_CHECKSUM && strstr(l, "*00")) {
            size_t n = (size_t)(strstr(l, "*00") - l);
            snprintf(fixed, sizeof fixed, "%.*s*%02X", (int)n, l, nmea_checksum(l + 1, n - 1));
            l = fixed;
        }
        CHECK(push(a, l, NMEA_TIME_NONE, &m) == 0);
        if (nmea_assembler_last_status(a) != cases[i].want) {
            fprintf(stderr, "'%s': got %s, expected %s\n", l,
                    nmea_status_name(nmea_assembler_last_status(a)),
                    nmea_status_name(cases[i].want));
            failures++;
        }
    }
    /* bad armouring: characters outside the six-bit alphabet ('X'..'_' and beyond 'w') */
    CHECK(push(a, sentence(NULL, "AIVDM,1,1,,A,15RTgt0PAsoX90TKcjM8h6g208CQ,0"), NMEA_TIME_NONE,
               &m) == 0);
    CHECK(nmea_assembler_last_status(a) == NMEA_BAD_ARMOR);
    CHECK(push(a, sentence(NULL, "AIVDM,1,1,,A,15RTgt0PAso{90TKcjM8h6g208CQ,0"), NMEA_TIME_NONE,
               &m) == 0);
    CHECK(push(a, sentence(NULL, "AIVDM,2,1,9,A,15RTgt0PAso;90TKcjM8h6g208CQ,0"), NMEA_TIME_NONE,
               &m) == 0);
    CHECK(push(a, sentence(NULL, "AIVDM,2,2,9,A,x,0"), NMEA_TIME_NONE, &m) == 0);
    CHECK(nmea_assembler_last_status(a) == NMEA_BAD_ARMOR);
    /* impossible lengths: empty payload, one part beyond any message, nine parts too long */
    CHECK(push(a, sentence(NULL, "AIVDM,1,1,,A,,0"), NMEA_TIME_NONE, &m) == 0);
    CHECK(nmea_assembler_last_status(a) == NMEA_BAD_LENGTH);
    char big[400];
    memset(big, '0', 250);
    big[250] = '\0';
    CHECK(push(a, sentence(NULL, "AIVDM,1,1,,A,%s,0", big), NMEA_TIME_NONE, &m) == 0);
    CHECK(nmea_assembler_last_status(a) == NMEA_BAD_LENGTH);
    big[60] = '\0';
    for (int p = 1; p <= 9; p++)
        push(a, sentence(NULL, "AIVDM,9,%d,1,A,%s,0", p, big), NMEA_TIME_NONE, &m);
    CHECK(nmea_assembler_last_status(a) == NMEA_BAD_LENGTH);

    CHECK(st->status[NMEA_BAD_CHECKSUM] == 2);
    CHECK(st->status[NMEA_BAD_TALKER] == 1);
    CHECK(st->status[NMEA_BAD_SYNTAX] == 5);
    CHECK(st->status[NMEA_BAD_TAGBLOCK] == 1);
    CHECK(st->status[NMEA_NOT_MINE] == 3);
    CHECK(st->status[NMEA_BAD_ARMOR] == 3);
    CHECK(st->status[NMEA_BAD_LENGTH] == 3);
    CHECK(st->messages == 0);
    CHECK(st->lines == sizeof cases / sizeof cases[0] + 4 + 2 + 9);
    for (int s = 0; s < NMEA_STATUS_COUNT; s++)
        CHECK(strcmp(nmea_status_name((nmea_status)s), "unknown") != 0);
    nmea_assembler_destroy(&a);

    /* impossible lengths at the message layer, and "not mine" message types */
    ais_stats as = {0};
    ais_msg am;
    uint8_t bits[SIXBIT_MAX_BYTES] = {0};
    sixbit_put_u(bits, 0, 6, 1);
    CHECK(ais_decode_counted(bits, 100, &am, &as) == AIS_BAD_LENGTH); /* type 1 < 149 bits */
    sixbit_put_u(bits, 0, 6, 5);
    CHECK(ais_decode_counted(bits, 300, &am, &as) == AIS_BAD_LENGTH); /* type 5 < 420 bits */
    sixbit_put_u(bits, 0, 6, 0);
    CHECK(ais_decode_counted(bits, 168, &am, &as) == AIS_NOT_MINE);
    sixbit_put_u(bits, 0, 6, 40);
    CHECK(ais_decode_counted(bits, 168, &am, &as) == AIS_NOT_MINE);
    CHECK(ais_decode_counted(bits, 0, &am, &as) != AIS_OK);
    if (as.status[AIS_BAD_LENGTH] < 2 || as.status[AIS_NOT_MINE] < 2 || as.status[AIS_OK] != 0) {
        fprintf(stderr, "ais stats: bad_length %llu not_mine %llu\n",
                (unsigned long long)as.status[AIS_BAD_LENGTH],
                (unsigned long long)as.status[AIS_NOT_MINE]);
        failures++;
    }
}

/* ---- round trips of constructed messages ------------------------------------------------ */

static void set_data(uint8_t *data, uint32_t *bitcount, uint32_t n)
{
    for (uint32_t i = 0; i < (n + 7) / 8; i++)
        data[i] = (uint8_t)(0xA5 ^ (i * 37));
    if (n % 8)
        data[n / 8] &= (uint8_t)(0xFF << (8 - n % 8));
    *bitcount = n;
}

/* ais_msg -> bits -> ais_msg, compared field by field through the unscaled JSON (which prints
 * every transmitted field), and bits -> NMEA -> assembler -> bits. */
static void roundtrip(const char *what, const ais_msg *m)
{
    uint8_t bits[SIXBIT_MAX_BYTES];
    size_t nbits;
    if (ais_encode(m, bits, sizeof bits, &nbits) != 0) {
        fprintf(stderr, "%s: encode failed\n", what);
        failures++;
        return;
    }
    ais_msg d;
    ais_status st = ais_decode(bits, nbits, &d);
    char j1[8192], j2[8192];
    ais_json_opts o = {.scaled = false};
    if (st != AIS_OK || !ais_json_write(m, &o, j1, sizeof j1) ||
        !ais_json_write(&d, &o, j2, sizeof j2) || strcmp(j1, j2) != 0) {
        fprintf(stderr, "%s: round trip differs (%s)\n  built:   %s\n  decoded: %s\n", what,
                ais_status_name(st), j1, j2);
        failures++;
        return;
    }
    if (d.type != m->type || d.mmsi != m->mmsi || d.repeat != m->repeat) {
        fprintf(stderr, "%s: header differs\n", what);
        failures++;
    }
    char vdm[1024];
    int parts = nmea_encode_vdm(bits, nbits, "AIVDM", 'B', 4, vdm, sizeof vdm);
    nmea_assembler *a = nmea_assembler_create(NULL);
    int got = 0;
    for (char *s = vdm, *e; parts > 0 && (e = strstr(s, "\r\n")); s = e + 2) {
        CHECK((size_t)(e - s) <= NMEA_MAX_SENTENCE - 2);
        nmea_message nm;
        if (nmea_assembler_push(a, s, (size_t)(e - s), NMEA_TIME_NONE, &nm))
            got = nm.nbits == nbits && memcmp(nm.bits, bits, (nbits + 7) / 8) == 0 &&
                  nm.nparts == parts;
    }
    nmea_assembler_destroy(&a);
    if (!got) {
        fprintf(stderr, "%s: NMEA round trip failed (%d parts)\n", what, parts);
        failures++;
    }
}

static ais_msg hdr(uint32_t type, uint32_t mmsi)
{
    ais_msg m;
    memset(&m, 0, sizeof m);
    m.type = type;
    m.repeat = type % 4;
    m.mmsi = mmsi;
    return m;
}

static void test_roundtrips(void)
{
    ais_msg m;
    for (uint32_t t = 1; t <= 3; t++) {
        m = hdr(t, 351234000);
        ais_position *p = &m.u.position;
        p->status = 7;
        p->turn = -10;
        p->speed = 123;
        p->accuracy = true;
        p->lon = -47700000; /* 79.5 W */
        p->lat = 5340000;   /* 8.9 N */
        p->course = 2240;
        p->heading = 215;
        p->second = 33;
        p->maneuver = 1;
        p->raim = true;
        p->radio = 34017;
        roundtrip("type 1-3", &m);
    }
    m = hdr(1, 351234000);
    m.u.position.turn = AIS_TURN_NA;
    m.u.position.speed = AIS_SPEED_NA;
    m.u.position.lon = AIS_LON_NA;
    m.u.position.lat = AIS_LAT_NA;
    m.u.position.course = AIS_COURSE_NA;
    m.u.position.heading = AIS_HEADING_NA;
    m.u.position.second = 60;
    roundtrip("type 1 not available", &m);

    for (uint32_t t = 4; t <= 11; t += 7) {
        m = hdr(t, t == 4 ? 3510001 : 351234000);
        ais_base_station *b = &m.u.base_station;
        b->year = 2024;
        b->month = 3;
        b->day = 14;
        b->hour = 12;
        b->minute = 30;
        b->second = 15;
        b->accuracy = true;
        b->lon = -47700000;
        b->lat = 5340000;
        b->epfd = 7;
        b->raim = true;
        b->radio = 81234;
        roundtrip("type 4/11", &m);
    }

    m = hdr(5, 351234000);
    ais_static_voyage *sv = &m.u.static_voyage;
    sv->ais_version = 1;
    sv->imo = 9383663;
    strcpy(sv->callsign, "HP1234");
    strcpy(sv->shipname, "CENTINELA TEST");
    sv->shiptype = 70;
    sv->to_bow = 100;
    sv->to_stern = 20;
    sv->to_port = 10;
    sv->to_starboard = 12;
    sv->epfd = 1;
    sv->month = 5;
    sv->day = 17;
    sv->hour = 8;
    sv->minute = 30;
    sv->draught = 95;
    strcpy(sv->destination, "BALBOA");
    roundtrip("type 5", &m);

    /* 6 and 8 with raw data and with each application payload built field by field */
    m = hdr(6, 3510001);
    m.u.binary.seqno = 2;
    m.u.binary.dest_mmsi = 351234000;
    m.u.binary.retransmit = true;
    m.u.binary.dac = 366;
    m.u.binary.fid = 56;
    set_data(m.u.binary.data, &m.u.binary.bitcount, 141);
    roundtrip("type 6 raw", &m);
    m.u.binary.dac = 1;
    m.u.binary.fid = 12;
    m.u.binary.bitcount = 0;
    m.u.binary.app_kind = AIS_APP_DAC1_FID12;
    strcpy(m.u.binary.app.dac1fid12.lastport, "PABLB");
    strcpy(m.u.binary.app.dac1fid12.nextport, "USLAX");
    strcpy(m.u.binary.app.dac1fid12.dangerous, "AMMONIUM NITRATE");
    strcpy(m.u.binary.app.dac1fid12.imdcat, "5.1");
    m.u.binary.app.dac1fid12.lmonth = 3;
    m.u.binary.app.dac1fid12.lday = 4;
    m.u.binary.app.dac1fid12.nhour = 23;
    m.u.binary.app.dac1fid12.unid = 2067;
    m.u.binary.app.dac1fid12.amount = 500;
    m.u.binary.app.dac1fid12.unit = 2;
    roundtrip("type 6 DAC 1 FI 12", &m);
    memset(&m.u.binary.app, 0, sizeof m.u.binary.app);
    m.u.binary.fid = 18;
    m.u.binary.app_kind = AIS_APP_DAC1_FID18;
    m.u.binary.app.dac1fid18.linkage = 17;
    m.u.binary.app.dac1fid18.month = 12;
    m.u.binary.app.dac1fid18.minute = 45;
    strcpy(m.u.binary.app.dac1fid18.portname, "BALBOA BERTH 3");
    strcpy(m.u.binary.app.dac1fid18.destination, "PABLB");
    m.u.binary.app.dac1fid18.lon = -4770000;
    m.u.binary.app.dac1fid18.lat = 534000;
    roundtrip("type 6 DAC 1 FI 18", &m);
    for (uint32_t fid = 14; fid <= 32; fid += 18) {
        memset(&m.u.binary.app, 0, sizeof m.u.binary.app);
        m.u.binary.fid = fid;
        m.u.binary.app_kind = fid == 14 ? AIS_APP_DAC1_FID14 : AIS_APP_DAC1_FID32;
        m.u.binary.app.tidal.month = 8;
        m.u.binary.app.tidal.day = 9;
        m.u.binary.app.tidal.ntidals = 3;
        for (int i = 0; i < 3; i++) {
            ais_tidal *td = &m.u.binary.app.tidal.tidals[i];
            td->lon = -4770000 + i;
            td->lat = 534000 - i;
            td->from_hour = 6 + (uint32_t)i;
            td->from_min = 15;
            td->to_hour = 18;
            td->to_min = 45;
            td->cdir = 270;
            td->cspeed = 25 + (uint32_t)i;
        }
        roundtrip(fid == 14 ? "type 6 DAC 1 FI 14" : "type 6 DAC 1 FI 32", &m);
    }
    memset(&m.u.binary.app, 0, sizeof m.u.binary.app);
    m.u.binary.fid = 30;
    m.u.binary.app_kind = AIS_APP_DAC1_FID30;
    m.u.binary.app.text.linkage = 5;
    strcpy(m.u.binary.app.text.text, "REPORT TO PILOT STATION ON CH 12");
    roundtrip("type 6 DAC 1 FI 30", &m);
    memset(&m.u.binary.app, 0, sizeof m.u.binary.app);
    m.u.binary.dac = 235;
    m.u.binary.fid = 10;
    m.u.binary.app_kind = AIS_APP_DAC235_FID10;
    m.u.binary.app.dac235fid10.ana_int = 250;
    m.u.binary.app.dac235fid10.ana_ext1 = 12;
    m.u.binary.app.dac235fid10.racon = 2;
    m.u.binary.app.dac235fid10.light = 1;
    m.u.binary.app.dac235fid10.alarm = true;
    m.u.binary.app.dac235fid10.stat_ext = 0x5a;
    m.u.binary.app.dac235fid10.off_pos = true;
    roundtrip("type 6 DAC 235 FI 10", &m);

    m = hdr(8, 3510001);
    m.u.binary.dac = 366;
    m.u.binary.fid = 63;
    set_data(m.u.binary.data, &m.u.binary.bitcount, 952);
    roundtrip("type 8 raw, 5 slots", &m);
    m.u.binary.bitcount = 0;
    m.u.binary.dac = 1;
    for (uint32_t fid = 11; fid <= 31; fid += 20) {
        memset(&m.u.binary.app, 0, sizeof m.u.binary.app);
        m.u.binary.fid = fid;
        m.u.binary.app_kind = fid == 11 ? AIS_APP_DAC1_FID11 : AIS_APP_DAC1_FID31;
        ais_meteo *mt = &m.u.binary.app.meteo;
        mt->lon = -4770000;
        mt->lat = 534000;
        mt->day = 14;
        mt->hour = 10;
        mt->minute = 20;
        mt->wspeed = 12;
        mt->wgust = 20;
        mt->wdir = 45;
        mt->wgustdir = 50;
        mt->airtemp = fid == 11 ? 880 : 281;
        mt->humidity = 80;
        mt->dewpoint = fid == 11 ? 420 : 220;
        mt->pressure = 212;
        mt->pressuretend = 1;
        mt->visibility = 99;
        mt->waterlevel = fid == 11 ? 130 : 1150;
        mt->leveltrend = 2;
        mt->cspeed = 15;
        mt->cdir = 300;
        mt->waveheight = 12;
        mt->waveperiod = 8;
        mt->wavedir = 90;
        mt->seastate = 3;
        mt->watertemp = fid == 11 ? 380 : 280;
        mt->preciptype = 1;
        mt->salinity = 350;
        mt->ice = 0;
        mt->accuracy = fid == 31;
        mt->visgreater = fid == 31;
        roundtrip(fid == 11 ? "type 8 DAC 1 FI 11" : "type 8 DAC 1 FI 31", &m);
    }
    memset(&m.u.binary.app, 0, sizeof m.u.binary.app);
    m.u.binary.fid = 29;
    m.u.binary.app_kind = AIS_APP_DAC1_FID29;
    m.u.binary.app.text.linkage = 9;
    strcpy(m.u.binary.app.text.text, "CANAL TRANSIT DELAYED 2 HOURS");
    roundtrip("type 8 DAC 1 FI 29", &m);
    memset(&m.u.binary.app, 0, sizeof m.u.binary.app);
    m.u.binary.dac = 200;
    m.u.binary.fid = 10;
    m.u.binary.app_kind = AIS_APP_DAC200_FID10;
    strcpy(m.u.binary.app.dac200fid10.vin, "02326250");
    m.u.binary.app.dac200fid10.length = 1100;
    m.u.binary.app.dac200fid10.beam = 114;
    m.u.binary.app.dac200fid10.shiptype = 8030;
    m.u.binary.app.dac200fid10.hazard = 1;
    m.u.binary.app.dac200fid10.draught = 250;
    m.u.binary.app.dac200fid10.loaded = 2;
    m.u.binary.app.dac200fid10.course_q = true;
    roundtrip("type 8 DAC 200 FI 10", &m);
    /* an application kind that does not belong to the DAC/FI is refused */
    m.u.binary.fid = 11;
    uint8_t bits[SIXBIT_MAX_BYTES];
    size_t nb;
    CHECK(ais_encode(&m, bits, sizeof bits, &nb) == -1);

    for (uint32_t t = 7; t <= 13; t += 6)
        for (uint32_t n = 1; n <= 4; n++) {
            m = hdr(t, 351234000);
            m.u.ack.count = n;
            for (uint32_t i = 0; i < n; i++) {
                m.u.ack.mmsi[i] = 366000000 + i;
                m.u.ack.seqno[i] = i;
            }
            roundtrip("type 7/13", &m);
        }

    m = hdr(9, 111351501);
    ais_sar *sar = &m.u.sar;
    sar->alt = 300;
    sar->speed = 120;
    sar->accuracy = true;
    sar->lon = -47700000;
    sar->lat = 5340000;
    sar->course = 900;
    sar->second = 10;
    sar->regional = 0;
    sar->dte = 1;
    sar->assigned = true;
    sar->raim = true;
    sar->radio = 393222;
    roundtrip("type 9", &m);

    m = hdr(10, 351234000);
    m.u.utc_inquiry.dest_mmsi = 3510001;
    roundtrip("type 10", &m);

    m = hdr(12, 351234000);
    m.u.safety.seqno = 1;
    m.u.safety.dest_mmsi = 366123456;
    m.u.safety.retransmit = true;
    strcpy(m.u.safety.text, "KEEP CLEAR OF DREDGER");
    roundtrip("type 12", &m);
    m = hdr(14, 970123456);
    strcpy(m.u.safety.text, "SART ACTIVE");
    roundtrip("type 14", &m);

    m = hdr(15, 3510001);
    m.u.interrogation.mmsi1 = 351234000;
    m.u.interrogation.type1_1 = 5;
    m.u.interrogation.offset1_1 = 100;
    roundtrip("type 15, one request", &m);
    m.u.interrogation.type1_2 = 24;
    m.u.interrogation.offset1_2 = 200;
    roundtrip("type 15, two requests", &m);
    m.u.interrogation.mmsi2 = 366123456;
    m.u.interrogation.type2_1 = 5;
    m.u.interrogation.offset2_1 = 300;
    roundtrip("type 15, two stations", &m);

    m = hdr(16, 3510001);
    m.u.assigned_mode.mmsi1 = 351234000;
    m.u.assigned_mode.offset1 = 100;
    m.u.assigned_mode.increment1 = 10;
    roundtrip("type 16, one station", &m);
    m.u.assigned_mode.mmsi2 = 366123456;
    m.u.assigned_mode.offset2 = 200;
    m.u.assigned_mode.increment2 = 20;
    roundtrip("type 16, two stations", &m);

    m = hdr(17, 3510001);
    m.u.dgnss.lon = -47700;
    m.u.dgnss.lat = 5340;
    set_data(m.u.dgnss.data, &m.u.dgnss.bitcount, 120);
    roundtrip("type 17", &m);

    for (uint32_t t = 18; t <= 19; t++) {
        m = hdr(t, 983661234);
        ais_class_b *b = &m.u.class_b;
        b->speed = 250;
        b->accuracy = true;
        b->lon = -47700000;
        b->lat = 5340000;
        b->course = 1800;
        b->heading = 180;
        b->second = 59;
        b->cs = true;
        b->display = false;
        b->dsc = true;
        b->band = true;
        b->msg22 = true;
        b->assigned = false;
        b->raim = true;
        b->radio = 917510;
        if (t == 19) {
            strcpy(b->shipname, "GO FAST");
            b->shiptype = 37;
            b->to_bow = 5;
            b->to_stern = 4;
            b->to_port = 1;
            b->to_starboard = 2;
            b->epfd = 1;
            b->dte = 1;
            b->radio = 0;
        }
        roundtrip("type 18/19", &m);
    }

    for (uint32_t n = 1; n <= 4; n++) {
        m = hdr(20, 3510001);
        m.u.data_link.count = n;
        for (uint32_t i = 0; i < n; i++) {
            m.u.data_link.slot[i].offset = 100 * (i + 1);
            m.u.data_link.slot[i].number = i + 1;
            m.u.data_link.slot[i].timeout = 7;
            m.u.data_link.slot[i].increment = 750;
        }
        roundtrip("type 20", &m);
    }

    m = hdr(21, 993516001);
    ais_aton *at = &m.u.aton;
    at->aid_type = 19;
    strcpy(at->name, "PACIFIC ENTRANCE BUOY NO 12 LT");
    at->accuracy = true;
    at->lon = -47700000;
    at->lat = 5340000;
    at->to_bow = 1;
    at->to_stern = 1;
    at->to_port = 1;
    at->to_starboard = 1;
    at->epfd = 7;
    at->second = 61;
    at->off_position = true;
    at->raim = true;
    at->virtual_aid = false;
    roundtrip("type 21, name extension", &m);
    strcpy(at->name, "VIRTUAL WRECK");
    at->virtual_aid = true;
    roundtrip("type 21", &m);

    m = hdr(22, 3510001);
    ais_channel_mgmt *cm = &m.u.channel_mgmt;
    cm->channel_a = 2087;
    cm->channel_b = 2088;
    cm->txrx = 1;
    cm->power = true;
    cm->ne_lon = -47600;
    cm->ne_lat = 5400;
    cm->sw_lon = -47800;
    cm->sw_lat = 5300;
    cm->band_a = true;
    cm->zonesize = 4;
    roundtrip("type 22 broadcast", &m);
    cm->addressed = true;
    cm->ne_lon = cm->ne_lat = cm->sw_lon = cm->sw_lat = 0;
    cm->dest1 = 351234000;
    cm->dest2 = 366123456;
    roundtrip("type 22 addressed", &m);

    m = hdr(23, 3510001);
    ais_group_assign *g = &m.u.group_assign;
    g->ne_lon = -47600;
    g->ne_lat = 5400;
    g->sw_lon = -47800;
    g->sw_lat = 5300;
    g->stationtype = 6;
    g->shiptype = 30;
    g->txrx = 2;
    g->interval = 9;
    g->quiet = 3;
    roundtrip("type 23", &m);

    m = hdr(24, 351234000);
    strcpy(m.u.static_data.shipname, "LANCHA RAPIDA");
    roundtrip("type 24 A", &m);
    m = hdr(24, 351234000);
    ais_static_data *sd = &m.u.static_data;
    sd->partno = 1;
    sd->shiptype = 37;
    strcpy(sd->vendorid, "SRT"); /* model 0, serial 0: the last 4 characters are '@' */
    strcpy(sd->callsign, "HO1234");
    sd->to_bow = 6;
    sd->to_stern = 2;
    sd->to_port = 1;
    sd->to_starboard = 1;
    roundtrip("type 24 B", &m);
    /* model and serial share the last 24 bits of the 7-character vendor id (M.1371-4/5) */
    sd->model = 3;
    sd->serial = 12345;
    size_t nb24;
    uint8_t bits24[SIXBIT_MAX_BYTES];
    ais_msg d24;
    CHECK(ais_encode(&m, bits24, sizeof bits24, &nb24) == 0 && nb24 == 168);
    CHECK(ais_decode(bits24, nb24, &d24) == AIS_OK);
    CHECK(d24.u.static_data.model == 3 && d24.u.static_data.serial == 12345);
    CHECK(strncmp(d24.u.static_data.vendorid, "SRT", 3) == 0 &&
          strlen(d24.u.static_data.vendorid) > 3);
    CHECK(strcmp(d24.u.static_data.callsign, "HO1234") == 0 && d24.u.static_data.to_bow == 6);
    sd->model = 0;
    sd->serial = 0;
    m.mmsi = 983512345;
    sd->auxiliary = true;
    sd->to_bow = sd->to_stern = sd->to_port = sd->to_starboard = 0;
    sd->mothership_mmsi = 351234000;
    roundtrip("type 24 B auxiliary craft", &m);

    for (uint32_t t = 25; t <= 26; t++)
        for (int addressed = 0; addressed <= 1; addressed++)
            for (int structured = 0; structured <= 1; structured++) {
                m = hdr(t, 351234000);
                ais_binary_slot *bs = &m.u.binary_slot;
                bs->addressed = addressed;
                bs->structured = structured;
                bs->dest_mmsi = addressed ? 366123456 : 0;
                bs->app_id = structured ? (1u << 6 | 33u) : 0;
                set_data(bs->data, &bs->bitcount, t == 25 ? 64 : 500);
                bs->radio = t == 26 ? 0x5a5a5 : 0;
                roundtrip("type 25/26", &m);
            }

    m = hdr(27, 351234000);
    ais_long_range *lr = &m.u.long_range;
    lr->accuracy = true;
    lr->raim = true;
    lr->status = 0;
    lr->lon = -47700;
    lr->lat = 5340;
    lr->speed = 12;
    lr->course = 225;
    lr->gnss = false;
    roundtrip("type 27", &m);

    /* not encodable: unknown types and impossible contents */
    m = hdr(40, 351234000);
    CHECK(ais_encode(&m, bits, sizeof bits, &nb) == -1);
    m = hdr(7, 351234000);
    m.u.ack.count = 0;
    CHECK(ais_encode(&m, bits, sizeof bits, &nb) == -1);
    m = hdr(1, 351234000);
    CHECK(ais_encode(&m, bits, 10, &nb) == -1); /* buffer too small */
}

/* ---- JSON of known messages (gpsd's expected output) ------------------------------------ */

static void json_of(const char *const *lines, int scaled, const char *expect)
{
    nmea_assembler *a = nmea_assembler_create(NULL);
    nmea_message nm;
    int got = 0;
    for (; *lines; lines++)
        got = push(a, *lines, NMEA_TIME_NONE, &nm);
    ais_msg m;
    char js[4096];
    ais_json_opts o = {.scaled = scaled};
    if (!got || ais_decode(nm.bits, nm.nbits, &m) != AIS_OK ||
        !ais_json_write(&m, &o, js, sizeof js) || strcmp(js, expect) != 0) {
        fprintf(stderr, "JSON differs:\n  got      %s\n  expected %s\n", got ? js : "(none)",
                expect);
        failures++;
    }
    /* too small a buffer is refused, never truncated */
    if (got)
        CHECK(ais_json_write(&m, &o, js, 20) == 0);
    nmea_assembler_destroy(&a);
}

static void test_json(void)
{
    static const char *const t1[] = {"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A", NULL};
    json_of(t1, 1,
            "{\"class\":\"AIS\",\"type\":1,\"repeat\":0,\"mmsi\":371798000,\"scaled\":true,"
            "\"status\":0,\"status_text\":\"Under way using engine\",\"accuracy\":true,"
            "\"lon\":-123.3953833,\"lat\":48.3816333,\"course\":224.0,\"heading\":215,"
            "\"second\":33,\"maneuver\":0,\"raim\":false,\"radio\":34017,\"turn\":\"fastleft\","
            "\"speed\":12.3}");
    json_of(t1, 0,
            "{\"class\":\"AIS\",\"type\":1,\"repeat\":0,\"mmsi\":371798000,\"scaled\":false,"
            "\"status\":0,\"status_text\":\"Under way using engine\",\"accuracy\":true,"
            "\"lon\":-74037230,\"lat\":29028980,\"course\":2240,\"heading\":215,\"second\":33,"
            "\"maneuver\":0,\"raim\":false,\"radio\":34017,\"turn\":-127,\"speed\":123}");
    static const char *const t5[] = {
        "!AIVDM,2,1,3,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*3E",
        "!AIVDM,2,2,3,B,1@0000000000000,2*55", NULL};
    json_of(t5, 1,
            "{\"class\":\"AIS\",\"type\":5,\"repeat\":0,\"mmsi\":369190000,\"scaled\":true,"
            "\"ais_version\":0,\"imo\":6710932,\"callsign\":\"WDA9674\",\"shipname\":\"MT."
            "MITCHELL\",\"shiptype\":99,\"shiptype_text\":\"Other Type - no additional "
            "information\",\"to_bow\":90,\"to_stern\":90,\"to_port\":10,\"to_starboard\":10,"
            "\"epfd\":1,\"epfd_text\":\"GPS\",\"draught\":6.0,\"destination\":\"SEATTLE\","
            "\"dte\":0,\"eta\":\"01-02T08:00Z\"}");
    json_of(t5, 0,
            "{\"class\":\"AIS\",\"type\":5,\"repeat\":0,\"mmsi\":369190000,\"scaled\":false,"
            "\"ais_version\":0,\"imo\":6710932,\"callsign\":\"WDA9674\",\"shipname\":\"MT."
            "MITCHELL\",\"shiptype\":99,\"shiptype_text\":\"Other Type - no additional "
            "information\",\"to_bow\":90,\"to_stern\":90,\"to_port\":10,\"to_starboard\":10,"
            "\"epfd\":1,\"epfd_text\":\"GPS\",\"draught\":60,\"destination\":\"SEATTLE\","
            "\"dte\":0,\"eta\":\"01-02T08:00Z\"}");
    /* device member and tag block members */
    nmea_assembler *a = nmea_assembler_create(NULL);
    nmea_message nm;
    const char *l = sentence("s:rORBCOMM104,q:u,c:1418172113,T:2014-12-10 00.41.53",
                             "AIVDM,1,1,,B,13F?Vv700<DJuLEtvep`iToV0<00,0");
    CHECK(push(a, l, NMEA_TIME_NONE, &nm) == 1);
    ais_msg m;
    CHECK(ais_decode(nm.bits, nm.nbits, &m) == AIS_OK && m.mmsi == 224651000);
    char js[4096];
    ais_json_opts o = {.scaled = true, .device = "stdin", .nmea = &nm};
    CHECK(ais_json_write(&m, &o, js, sizeof js) > 0);
    CHECK(strncmp(js, "{\"class\":\"AIS\",\"device\":\"stdin\",\"type\":1,", 41) == 0);
    CHECK(strstr(js, "\"tagblock_station\":\"rORBCOMM104\""));
    CHECK(strstr(js, "\"tagblock_timestamp\":\"2014-12-10T00:41:53.000Z\""));
    CHECK(strstr(js, "\"tagblock_q\":\"u\"") &&
          strstr(js, "\"tagblock_T\":\"2014-12-10 00.41.53\""));
    nmea_assembler_destroy(&a);
}

/* ---- real log forms: leading and trailing times, $PGHP, lone tag blocks, talkers ---------- */

/* Push one line into a fresh assembler made with this format and zone; the message's time (or
 * NMEA_TIME_NONE when none came) and, in *st, the line's class. */
static int64_t time_of(const char *line, nmea_line_format fmt, const char *zone, nmea_status *st)
{
    nmea_assembler_config c = nmea_assembler_config_default();
    c.line_format = fmt;
    c.time_zone = zone;
    nmea_assembler *a = nmea_assembler_create(&c);
    CHECK(a != NULL);
    if (!a)
        return NMEA_TIME_NONE;
    nmea_message m;
    int64_t t = push(a, line, 42, &m) == 1 ? m.time_ms : NMEA_TIME_NONE;
    if (st)
        *st = nmea_assembler_last_status(a);
    nmea_assembler_destroy(&a);
    return t;
}

#define POS "AIVDM,1,1,,B,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0"

static void test_real_log_forms(void)
{
    char l[300];
    nmea_status st;
    /* leading Unix time, s and ms, with ',' ';' or blanks after it */
    snprintf(l, sizeof l, "1490075479,%s", sentence(NULL, POS));
    CHECK(time_of(l, NMEA_FORMAT_AUTO, NULL, &st) == 1490075479000LL && st == NMEA_OK);
    snprintf(l, sizeof l, "1490075479123 %s", sentence(NULL, POS));
    CHECK(time_of(l, NMEA_FORMAT_AUTO, NULL, NULL) == 1490075479123LL);
    snprintf(l, sizeof l, "1490075479.25;\t%s", sentence(NULL, POS));
    CHECK(time_of(l, NMEA_FORMAT_AUTO, NULL, NULL) == 1490075479250LL);
    /* ISO 8601 with its zone: exact whatever time_zone says */
    snprintf(l, sizeof l, "2016-03-31T22:00:02.5Z %s", sentence(NULL, POS));
    CHECK(time_of(l, NMEA_FORMAT_AUTO, "Europe/Paris", NULL) == 1459461602500LL);
    snprintf(l, sizeof l, "2016-04-01T00:00:02+02:00,%s", sentence(NULL, POS));
    CHECK(time_of(l, NMEA_FORMAT_AUTO, NULL, NULL) == 1459461602000LL);
    snprintf(l, sizeof l, "2016-03-31T17:00:02-0500,%s", sentence(NULL, POS));
    CHECK(time_of(l, NMEA_FORMAT_AUTO, NULL, NULL) == 1459461602000LL);
    /* the Vernon form, local Paris time: CEST in April, CET in January; UTC by default */
    snprintf(l, sizeof l, "2016-04-01 00:00:02, %s", sentence(NULL, POS));
    CHECK(time_of(l, NMEA_FORMAT_AUTO, "Europe/Paris", NULL) == 1459461602000LL);
    CHECK(time_of(l, NMEA_FORMAT_AUTO, "+02:00", NULL) == 1459461602000LL);
    CHECK(time_of(l, NMEA_FORMAT_AUTO, NULL, NULL) == 1459461602000LL + 7200000);
    CHECK(time_of(l, NMEA_FORMAT_DATETIME, "Europe/Paris", &st) == 1459461602000LL && st == 0);
    snprintf(l, sizeof l, "2016-01-15 12:00:00, %s", sentence(NULL, POS));
    CHECK(time_of(l, NMEA_FORMAT_AUTO, "Europe/Paris", NULL) == 1452855600000LL);
    /* forcing the format */
    CHECK(time_of(l, NMEA_FORMAT_NMEA, NULL, &st) == NMEA_TIME_NONE && st == NMEA_NOT_MINE);
    CHECK(time_of(l, NMEA_FORMAT_UNIX, NULL, &st) == NMEA_TIME_NONE && st == NMEA_BAD_PREFIX);
    CHECK(time_of(sentence(NULL, POS), NMEA_FORMAT_DATETIME, NULL, &st) == NMEA_TIME_NONE &&
          st == NMEA_BAD_PREFIX);
    CHECK(time_of(sentence(NULL, POS), NMEA_FORMAT_AUTO, NULL, &st) == 42 && st == NMEA_OK);
    /* not a time: not mine */
    snprintf(l, sizeof l, "12345,%s", sentence(NULL, POS));
    CHECK(time_of(l, NMEA_FORMAT_AUTO, NULL, &st) == NMEA_TIME_NONE && st == NMEA_NOT_MINE);
    /* trailing Unix time, s and ms (AMSA and exactEarth) */
    snprintf(l, sizeof l, "%s,1327664821", sentence(NULL, POS));
    CHECK(time_of(l, NMEA_FORMAT_AUTO, NULL, NULL) == 1327664821000LL);
    snprintf(l, sizeof l, "%s,1327992119173", sentence(NULL, POS));
    CHECK(time_of(l, NMEA_FORMAT_AUTO, NULL, NULL) == 1327992119173LL);
    /* every talker; a corrupted one is rejected by class */
    static const char *const talkers[] = {"AB", "BS", "SA", "AI", "AS", "B2"};
    for (size_t i = 0; i < sizeof talkers / sizeof talkers[0]; i++) {
        snprintf(l, sizeof l, "%sVDO,1,1,,B,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0", talkers[i]);
        CHECK(time_of(sentence(NULL, "%s", l), NMEA_FORMAT_AUTO, NULL, &st) == 42 && st == 0);
    }
    CHECK(time_of(sentence(NULL, "=IVDM,1,1,,B,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0"), NMEA_FORMAT_AUTO,
                  NULL, &st) == NMEA_TIME_NONE &&
          st == NMEA_BAD_TALKER);
    /* bad settings refused */
    nmea_assembler_config c = nmea_assembler_config_default();
    c.time_zone = "Mars/Olympus";
    CHECK(nmea_assembler_create(&c) == NULL);
    c.time_zone = "../../etc/passwd";
    CHECK(nmea_assembler_create(&c) == NULL);
    c.time_zone = "+25:00";
    CHECK(nmea_assembler_create(&c) == NULL);
    c.time_zone = NULL;
    c.line_format = (nmea_line_format)9;
    CHECK(nmea_assembler_create(&c) == NULL);
    nmea_line_format f;
    CHECK(nmea_line_format_parse("datetime", &f) == 0 && f == NMEA_FORMAT_DATETIME);
    CHECK(nmea_line_format_parse("iso", &f) != 0);

    /* DMA: a lone tag block and a $PGHP before the packet (single and two-part); the PGHP's last
     * field is the XOR of the packet's sentence checksums (0x62 ^ 0x67 = 0x05). */
    nmea_assembler *a = nmea_assembler_create(NULL);
    const nmea_stats *ns = nmea_assembler_stats(a);
    nmea_message m;
    CHECK(push(a, "\\si:AISD*3F\\", 1, &m) == 0 && nmea_assembler_last_status(a) == NMEA_NOT_MINE);
    CHECK(push(a, "$PGHP,1,2013,11,12,12,0,0,11,219,,2190067,1,62*26", 1, &m) == 0);
    CHECK(push(a, "!BSVDM,1,1,,A,13@:`L001N0ded0O6Fp8wW<00<0t,0*62", 1, &m) == 1);
    CHECK(m.time_ms == 1384257600011LL && m.has_tagblock && strcmp(m.tag.s, "AISD") == 0);
    CHECK(strncmp(m.raw, "!BSVDM", 6) == 0);
    CHECK(push(a, "\\si:AISD*3F\\", 1, &m) == 0);
    CHECK(push(a, "$PGHP,1,2013,11,12,12,0,0,869,219,,2190074,1,05*12", 1, &m) == 0);
    CHECK(push(a, "!BSVDM,2,1,1,B,53uRcl02<VQA<A5B22098U=@tj2222222222220N3`?5540Ht@4jhAiC,0*62", 1,
               &m) == 0);
    CHECK(push(a, "!BSVDM,2,2,1,B,`88888888888880,2*67", 1, &m) == 1);
    CHECK(m.time_ms == 1384257600869LL && strcmp(m.tag.s, "AISD") == 0 && m.nbits == 424);
    /* used up: the next sentence has neither */
    CHECK(push(a, "!BSVDM,1,1,,A,13@:`L001N0ded0O6Fp8wW<00<0t,0*62", 1, &m) == 1);
    CHECK(m.time_ms == 1 && !m.has_tagblock);
    /* exactEarth: a PGHP naming another sentence's checksum stamps nothing; the trailing ms */
    CHECK(push(a, "$PGHP,1,2012,1,31,5,6,38,154,316,2,316000002,1AIS_S,51*4A,1327992179427", 1,
               &m) == 0);
    CHECK(push(a, "!AIVDM,1,1,,A,7>F0@r:FLk2o83LnQJU?hh<>aOPV0ri1n6HSBo;4,0*64,1327992179443", 1,
               &m) == 1);
    CHECK(m.time_ms == 1327992179443LL);
    CHECK(ns->context == 5);
    /* AMSA's "*00" tag block checksums: the fields are kept, the line counted */
    CHECK(push(a, "\\c:1420030798*00\\!ABVDM,1,1,4,B,17P;HV?P008F98Il;EC1mOwL0@KP,0*22", 1, &m) ==
          1);
    CHECK(m.time_ms == 1420030798000LL && ns->tagblock_bad_checksum == 1);
    /* the first unrecognised line is kept for the warning of an input that yields nothing */
    CHECK(ns->first_unknown_line == 0);
    CHECK(push(a, "2016-04-01 00:00:02; junk", 1, &m) == 0);
    CHECK(ns->first_unknown_line == ns->lines && ns->first_unknown_status == NMEA_NOT_MINE &&
          strcmp(ns->first_unknown, "2016-04-01 00:00:02; junk") == 0);
    CHECK(strstr(nmea_status_hint(NMEA_NOT_MINE, ns->first_unknown), "line_format") != NULL);
    CHECK(strstr(nmea_status_hint(NMEA_BAD_CHECKSUM, "!"), "check_checksum") != NULL);
    nmea_assembler_destroy(&a);
}

/* gpsd parity: DAC 200 FI 55 decoded, FI 11 cut at 304 bits decoded, "INVALID SHIP TYPE",
 * type 24 parts merged as gpsd merges them (ais_merge24). */
static void scaled_json(const ais_msg *m, char *js, size_t cap)
{
    ais_json_opts o = {.scaled = true};
    if (!ais_json_write(m, &o, js, cap))
        js[0] = 0;
}

static void test_gpsd_parity(void)
{
    uint8_t bits[SIXBIT_MAX_BYTES];
    size_t nb;
    char js[4096];
    /* type 6 DAC 200 FI 55: inland persons on board, 168 bits */
    ais_msg m = hdr(6, 211234560);
    m.u.binary.dest_mmsi = 211000000;
    m.u.binary.dac = 200;
    m.u.binary.fid = 55;
    m.u.binary.app_kind = AIS_APP_DAC200_FID55;
    m.u.binary.app.dac200fid55.crew = 5;
    m.u.binary.app.dac200fid55.passengers = 120;
    m.u.binary.app.dac200fid55.personnel = 2;
    CHECK(ais_encode(&m, bits, sizeof bits, &nb) == 0 && nb == 168);
    ais_msg d;
    CHECK(ais_decode(bits, nb, &d) == AIS_OK && d.u.binary.app_kind == AIS_APP_DAC200_FID55);
    CHECK(d.u.binary.app.dac200fid55.crew == 5 && d.u.binary.app.dac200fid55.passengers == 120 &&
          d.u.binary.app.dac200fid55.personnel == 2);
    scaled_json(&d, js, sizeof js);
    CHECK(strstr(js, "\"crew\":5,\"passengers\":120,\"personnel\":2") != NULL);
    roundtrip("type 6 DAC 200 FI 55", &m);

    /* type 8 DAC 1 FI 11 sent cut at 304 bits: decoded, the fields that are there exact */
    m = hdr(8, 2300061);
    m.u.binary.dac = 1;
    m.u.binary.fid = 11;
    m.u.binary.app_kind = AIS_APP_DAC1_FID11;
    m.u.binary.app.meteo.lat = 3878700; /* 64.645 deg in 1/1000 min */
    m.u.binary.app.meteo.lon = 1464000;
    m.u.binary.app.meteo.wspeed = 11;
    m.u.binary.app.meteo.humidity = 80;
    CHECK(ais_encode(&m, bits, sizeof bits, &nb) == 0 && nb == 352);
    CHECK(ais_decode(bits, 304, &d) == AIS_OK && d.u.binary.app_kind == AIS_APP_DAC1_FID11);
    CHECK(d.u.binary.app.meteo.lat == 3878700 && d.u.binary.app.meteo.lon == 1464000);
    CHECK(d.u.binary.app.meteo.wspeed == 11 && d.u.binary.app.meteo.humidity == 80);
    CHECK(ais_decode(bits, 200, &d) == AIS_OK && d.u.binary.app_kind == AIS_APP_NONE);

    /* ship types beyond the table, in gpsd's words */
    m = hdr(5, 351234000);
    m.u.static_voyage.shiptype = 150;
    scaled_json(&m, js, sizeof js);
    CHECK(strstr(js, "\"shiptype_text\":\"INVALID SHIP TYPE\"") != NULL);
    m = hdr(24, 351234000);
    m.u.static_data.partno = 1;
    m.u.static_data.shiptype = 200;
    scaled_json(&m, js, sizeof js);
    CHECK(strstr(js, "\"shiptype_text\":\"INVALID SHIP TYPE\"") != NULL);

    /* type 24: part A held, part B of the same MMSI completed with its name */
    ais_merge24 *g = ais_merge24_create();
    ais_msg a = hdr(24, 211736530), b = hdr(24, 211736530), other = hdr(24, 244129744);
    strcpy(a.u.static_data.shipname, "LIBERTAS");
    b.u.static_data.partno = other.u.static_data.partno = 1;
    b.u.static_data.shiptype = other.u.static_data.shiptype = 37;
    /* part B decoded into a struct that held a name before must not show it */
    ais_msg dirty = a;
    CHECK(ais_encode(&b, bits, sizeof bits, &nb) == 0 && ais_decode(bits, nb, &dirty) == AIS_OK);
    scaled_json(&dirty, js, sizeof js);
    CHECK(strstr(js, "shipname") == NULL);
    CHECK(ais_merge24_push(g, &a) == 0);
    CHECK(ais_merge24_push(g, &other) == 1);
    scaled_json(&other, js, sizeof js);
    CHECK(strstr(js, "shipname") == NULL);
    CHECK(ais_merge24_push(g, &b) == 1);
    scaled_json(&b, js, sizeof js);
    CHECK(strstr(js, "\"shipname\":\"LIBERTAS\",\"shiptype\":37") != NULL);
    ais_msg pos = hdr(1, 211736530);
    CHECK(ais_merge24_push(g, &pos) == 1);
    ais_merge24_destroy(&g);
    CHECK(g == NULL);
}

int main(void)
{
    test_create_config();
    test_order_and_duplicates();
    test_timeouts();
    test_keys();
    test_fill_and_trailing();
    test_rejections_by_class();
    test_real_log_forms();
    test_roundtrips();
    test_json();
    test_gpsd_parity();
    printf("test_ais_unit: %d failures\n", failures);
    return failures ? 1 : 0;
}
