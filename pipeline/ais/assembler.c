/* Multipart reassembly of VDM/VDO sentences.
 *
 * Single-part sentences (the vast majority: positions) never touch the pending table: the payload
 * is unarmoured straight into the assembler's output buffer and the raw line is passed through, so
 * the hot path allocates nothing and copies only the bits.
 *
 * Parts are keyed by (talker, sequence id, channel, total, source), where the source is the tag
 * block "s:" station or the USCG receiver id "r...".  Sentences grouped by a tag block "g:" whose
 * later members omit "s:" are matched by the group id instead.  Parts may arrive in any order.
 * A part that arrives twice with the same payload is a duplicate (dropped, counted); with a
 * different payload it means the sequence id was reused, so the old incomplete message is counted
 * as missing a part and a new one starts.  Incomplete messages expire after `timeout_ms` of their
 * source's event time, or are displaced (oldest first) when `max_pending` are held.
 */
#include "centinela/nmea.h"

#include <stdlib.h>
#include <string.h>

#include "centinela/log.h"

#define PART_PAYLOAD_MAX (SIXBIT_MAX_BITS / 6)
#define LINE_MAX_KEPT 512

typedef struct pending {
    bool used;
    char talker[6];
    int seq_id;
    char channel;
    int total;
    char source[NMEA_TAG_TEXT_MAX];
    bool has_group;
    unsigned group_id;
    int64_t first_ms;   /* event time of the first part seen (NMEA_TIME_NONE if unknown) */
    uint64_t arrival;   /* line counter, for oldest-first displacement */
    unsigned have;      /* bit p-1 set when part p is stored */
    unsigned fill_bits; /* of the last part */
    bool has_tagblock;
    nmea_tagblock tag;
    nmea_receiver_fields rx;
    uint16_t payload_len[9];
    uint16_t line_len[9];
    char payload[9][PART_PAYLOAD_MAX];
    char line[9][LINE_MAX_KEPT];
} pending;

struct nmea_assembler {
    nmea_assembler_config cfg;
    nmea_tz *tz; /* of leading local date-times */
    /* Context lines waiting for the packet they describe (DMA, exactEarth): a lone tag block and
     * a $PGHP time.  Each applies to the next AIS sentence and, for a multipart message, to its
     * remaining parts; it is used up at the message's last part. */
    bool ctx_has_tag;
    nmea_tagblock ctx_tag;
    bool ctx_has_pghp;
    int64_t ctx_pghp_ms;
    int ctx_pghp_cc;
    nmea_stats stats;
    nmea_status last;
    pending *slots;
    unsigned npending;
    int64_t now_ms; /* latest event time seen */
    uint8_t bits[SIXBIT_MAX_BYTES + 8];
    char raw[NMEA_RAW_MAX + 16];
    char joined[9 * PART_PAYLOAD_MAX];
};

nmea_assembler_config nmea_assembler_config_default(void)
{
    nmea_assembler_config c = {.timeout_ms = 10000, .max_pending = 64, .check_checksum = true};
    return c;
}

nmea_assembler *nmea_assembler_create(const nmea_assembler_config *cfg)
{
    nmea_assembler_config c = cfg ? *cfg : nmea_assembler_config_default();
    if (c.timeout_ms < 1 || c.timeout_ms > 3600000) {
        log_error("nmea_assembler: timeout_ms %lld outside 1..3600000", (long long)c.timeout_ms);
        return NULL;
    }
    if (c.max_pending < 1 || c.max_pending > 1024) {
        log_error("nmea_assembler: max_pending %u outside 1..1024", c.max_pending);
        return NULL;
    }
    if ((unsigned)c.line_format > NMEA_FORMAT_DATETIME) {
        log_error("nmea_assembler: unknown line format %d", (int)c.line_format);
        return NULL;
    }
    nmea_tz *tz = nmea_tz_create(c.time_zone);
    if (!tz)
        return NULL;
    nmea_assembler *a = x_calloc(1, sizeof *a);
    a->cfg = c;
    a->cfg.time_zone = NULL; /* not kept: the caller's string may go */
    a->tz = tz;
    a->slots = x_calloc(c.max_pending, sizeof *a->slots);
    a->now_ms = NMEA_TIME_NONE;
    a->last = NMEA_OK;
    return a;
}

void nmea_assembler_destroy(nmea_assembler **pa)
{
    if (!pa || !*pa)
        return;
    free((*pa)->slots);
    nmea_tz_destroy(&(*pa)->tz);
    free(*pa);
    *pa = NULL;
}

void nmea_assembler_reset(nmea_assembler *a)
{
    for (unsigned i = 0; i < a->cfg.max_pending; i++)
        a->slots[i].used = false;
    a->npending = 0;
    a->now_ms = NMEA_TIME_NONE;
    a->ctx_has_tag = a->ctx_has_pghp = false;
}

const nmea_stats *nmea_assembler_stats(const nmea_assembler *a)
{
    return &a->stats;
}

nmea_status nmea_assembler_last_status(const nmea_assembler *a)
{
    return a->last;
}

static void drop_slot(nmea_assembler *a, pending *p, bool count)
{
    if (count)
        a->stats.status[NMEA_MISSING_PART]++;
    p->used = false;
    a->npending--;
}

void nmea_assembler_flush(nmea_assembler *a)
{
    for (unsigned i = 0; i < a->cfg.max_pending; i++)
        if (a->slots[i].used)
            drop_slot(a, &a->slots[i], true);
}

static const char *source_of(const nmea_sentence *s)
{
    if (s->has_tagblock && (s->tag.present & NMEA_TAG_S))
        return s->tag.s;
    if (s->rx.present)
        return s->rx.station;
    return "";
}

/* Event time is a property of each source's stream: a satellite or multi-station feed
 * interleaves stations whose clocks (tag block c:) are minutes apart (libais tagblock.nmea holds
 * ORBCOMM lines 41 minutes out of order between the parts of one message).  So a line expires
 * only the partial messages of its own source; messages of a source that falls silent wait until
 * displaced by newer ones or flushed at end of stream. */
static void expire(nmea_assembler *a, const char *source, int64_t t_ms)
{
    if (a->npending == 0 || t_ms == NMEA_TIME_NONE)
        return;
    for (unsigned i = 0; i < a->cfg.max_pending; i++) {
        pending *p = &a->slots[i];
        if (p->used && p->first_ms != NMEA_TIME_NONE && t_ms - p->first_ms > a->cfg.timeout_ms &&
            strcmp(p->source, source) == 0)
            drop_slot(a, p, true);
    }
}

/* Keep the first line that is neither AIS nor blank, comment or context: the clue a user needs
 * when an input yields nothing. */
static void note_unknown(nmea_assembler *a, const char *line, size_t len, nmea_status st)
{
    if (a->stats.first_unknown_line)
        return;
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n'))
        i++;
    if (i == len || line[i] == '#')
        return;
    while (len > i && (line[len - 1] == '\r' || line[len - 1] == '\n'))
        len--;
    size_t k =
        len - i < sizeof a->stats.first_unknown - 1 ? len - i : sizeof a->stats.first_unknown - 1;
    for (size_t j = 0; j < k; j++) /* printable only: it goes into a log line */
        a->stats.first_unknown[j] = line[i + j] >= 32 && line[i + j] < 127 ? line[i + j] : '?';
    a->stats.first_unknown[k] = '\0';
    a->stats.first_unknown_line = a->stats.lines;
    a->stats.first_unknown_status = st;
}

static nmea_status reject(nmea_assembler *a, nmea_status s)
{
    a->last = s;
    a->stats.status[s]++;
    return s;
}

static void merge_tag(nmea_tagblock *dst, const nmea_tagblock *src)
{
    unsigned add = src->present & ~dst->present;
    if (add & NMEA_TAG_C) {
        dst->c_ms = src->c_ms;
        dst->c_raw = src->c_raw;
    }
    if (add & NMEA_TAG_D)
        memcpy(dst->d, src->d, sizeof dst->d);
    if (add & NMEA_TAG_G) {
        dst->g_seq = src->g_seq;
        dst->g_total = src->g_total;
        dst->g_id = src->g_id;
    }
    if (add & NMEA_TAG_N)
        dst->n = src->n;
    if (add & NMEA_TAG_R)
        dst->r = src->r;
    if (add & NMEA_TAG_S)
        memcpy(dst->s, src->s, sizeof dst->s);
    if (add & NMEA_TAG_T)
        memcpy(dst->t, src->t, sizeof dst->t);
    if (add & NMEA_TAG_BIG_T)
        memcpy(dst->big_t, src->big_t, sizeof dst->big_t);
    if (add & NMEA_TAG_Q)
        memcpy(dst->q, src->q, sizeof dst->q);
    /* The group's first sentence names the group as a whole. */
    if ((src->present & NMEA_TAG_G) && src->g_seq == 1) {
        dst->g_seq = 1;
        dst->g_total = src->g_total;
        dst->g_id = src->g_id;
    }
    dst->present |= src->present;
}

static pending *find_slot(nmea_assembler *a, const nmea_sentence *s, const char *source)
{
    bool has_group = s->has_tagblock && (s->tag.present & NMEA_TAG_G);
    for (unsigned i = 0; i < a->cfg.max_pending; i++) {
        pending *p = &a->slots[i];
        if (!p->used || p->seq_id != s->seq_id || p->channel != s->channel ||
            p->total != s->total || memcmp(p->talker, s->talker, 6) != 0)
            continue;
        if (strcmp(p->source, source) == 0)
            return p;
        if (has_group && p->has_group && p->group_id == s->tag.g_id &&
            (source[0] == '\0' || p->source[0] == '\0'))
            return p;
    }
    return NULL;
}

static pending *new_slot(nmea_assembler *a, const nmea_sentence *s, const char *source,
                         int64_t t_ms)
{
    pending *free_p = NULL, *oldest = NULL;
    for (unsigned i = 0; i < a->cfg.max_pending; i++) {
        pending *p = &a->slots[i];
        if (!p->used) {
            free_p = p;
            break;
        }
        if (!oldest || p->arrival < oldest->arrival)
            oldest = p;
    }
    if (!free_p) {
        drop_slot(a, oldest, true);
        free_p = oldest;
    }
    pending *p = free_p;
    p->used = true;
    a->npending++;
    memcpy(p->talker, s->talker, 6);
    p->seq_id = s->seq_id;
    p->channel = s->channel;
    p->total = s->total;
    size_t sl = strlen(source);
    if (sl >= sizeof p->source)
        sl = sizeof p->source - 1;
    memcpy(p->source, source, sl);
    p->source[sl] = '\0';
    p->has_group = s->has_tagblock && (s->tag.present & NMEA_TAG_G);
    p->group_id = p->has_group ? s->tag.g_id : 0;
    p->first_ms = t_ms;
    p->arrival = a->stats.lines;
    p->have = 0;
    p->has_tagblock = false;
    memset(&p->tag, 0, sizeof p->tag);
    p->rx.present = false;
    return p;
}

static void fill_common(nmea_message *out, const char *talker, char channel, int64_t t_ms)
{
    memcpy(out->talker, talker, 6);
    out->channel = channel;
    out->time_ms = t_ms;
}

int nmea_assembler_push(nmea_assembler *a, const char *line, size_t len, int64_t time_ms,
                        nmea_message *out)
{
    a->stats.lines++;
    nmea_sentence s;
    nmea_status st =
        nmea_parse_line_format(line, len, a->cfg.check_checksum, a->cfg.line_format, &s);
    if (st != NMEA_OK) {
        if (st == NMEA_NOT_MINE && s.context != NMEA_CONTEXT_NONE) {
            a->stats.context++;
            if (s.context == NMEA_CONTEXT_TAGBLOCK) {
                a->ctx_has_tag = true;
                a->ctx_tag = s.tag;
            } else {
                a->ctx_has_pghp = true;
                a->ctx_pghp_ms = s.pghp_ms;
                a->ctx_pghp_cc = s.pghp_cc;
            }
        } else {
            note_unknown(a, line, len, st);
        }
        reject(a, st);
        return 0;
    }
    if (s.tag_bad_checksum)
        a->stats.tagblock_bad_checksum++;
    /* The packet's context lines, then the line's own times, most specific last. */
    bool last_part = s.part == s.total;
    if (a->ctx_has_tag) {
        if (!s.has_tagblock) {
            s.has_tagblock = true;
            s.tag = a->ctx_tag;
        }
        if (last_part)
            a->ctx_has_tag = false;
    }
    bool use_pghp = false;
    if (a->ctx_has_pghp) {
        /* single-part: only the sentence whose checksum the PGHP names (exactEarth logs put
         * some PGHP lines after their sentence: those stamp nothing) */
        use_pghp = s.total > 1 || a->ctx_pghp_cc < 0 || a->ctx_pghp_cc == s.checksum;
        if (last_part || !use_pghp)
            a->ctx_has_pghp = false;
    }
    int64_t t_ms = time_ms;
    if (s.has_lead_time)
        t_ms = s.lead_zoned ? s.lead_ms : nmea_tz_to_utc_ms(a->tz, s.lead_ms);
    if (s.rx.present && s.rx.has_unix)
        t_ms = s.rx.unix_ms;
    if (use_pghp)
        t_ms = a->ctx_pghp_ms;
    if (s.has_tagblock && (s.tag.present & NMEA_TAG_C))
        t_ms = s.tag.c_ms;
    if (t_ms != NMEA_TIME_NONE && (t_ms < 0 || t_ms > 100000000000000LL))
        t_ms = NMEA_TIME_NONE; /* outside any plausible event time: ignore it */
    if (t_ms != NMEA_TIME_NONE && (a->now_ms == NMEA_TIME_NONE || t_ms > a->now_ms))
        a->now_ms = t_ms;
    /* from here on the line is what follows a leading time */
    line += s.start;
    len -= s.start;
    expire(a, source_of(&s), t_ms);
    if (s.payload_len == 0 || s.payload_len > PART_PAYLOAD_MAX) {
        reject(a, NMEA_BAD_LENGTH);
        return 0;
    }
    if (s.part < s.total && s.fill_bits != 0) {
        reject(a, NMEA_BAD_FILL);
        return 0;
    }
    if (s.fill_bits > s.payload_len * 6) {
        reject(a, NMEA_BAD_FILL);
        return 0;
    }
    a->stats.sentences++;
    a->last = NMEA_OK;

    if (s.total == 1) {
        size_t nbits;
        if (sixbit_unarmor(s.payload, s.payload_len, s.fill_bits, a->bits, sizeof a->bits, &nbits) <
            0) {
            a->stats.sentences--;
            reject(a, NMEA_BAD_ARMOR);
            return 0;
        }
        out->bits = a->bits;
        out->nbits = nbits;
        fill_common(out, s.talker, s.channel, t_ms);
        out->nparts = 1;
        out->seq_id = s.seq_id;
        out->has_tagblock = s.has_tagblock;
        if (s.has_tagblock)
            out->tag = s.tag;
        else
            out->tag.present = 0;
        out->rx = s.rx;
        /* raw: the line without its line ending */
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        out->raw = line;
        out->raw_len = len;
        a->stats.messages++;
        return 1;
    }

    const char *source = source_of(&s);
    pending *p = find_slot(a, &s, source);
    unsigned bit = 1u << (s.part - 1);
    if (p && (p->have & bit)) {
        int k = s.part - 1;
        if (p->payload_len[k] == s.payload_len &&
            memcmp(p->payload[k], s.payload, s.payload_len) == 0) {
            a->stats.sentences--;
            reject(a, NMEA_DUPLICATE_PART);
            return 0;
        }
        drop_slot(a, p, true); /* sequence id reused before the old message completed */
        p = NULL;
    }
    if (!p)
        p = new_slot(a, &s, source, t_ms);
    int k = s.part - 1;
    memcpy(p->payload[k], s.payload, s.payload_len);
    p->payload_len[k] = (uint16_t)s.payload_len;
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    size_t ll = len < LINE_MAX_KEPT ? len : LINE_MAX_KEPT;
    memcpy(p->line[k], line, ll);
    p->line_len[k] = (uint16_t)ll;
    p->have |= bit;
    if (s.part == s.total)
        p->fill_bits = s.fill_bits;
    if (s.has_tagblock) {
        merge_tag(&p->tag, &s.tag);
        p->has_tagblock = true;
    }
    if (s.rx.present)
        p->rx = s.rx;
    if (p->first_ms == NMEA_TIME_NONE)
        p->first_ms = t_ms;
    if (p->have != (1u << p->total) - 1)
        return 0;

    /* complete: join payloads and raw lines in part order */
    size_t plen = 0, rlen = 0;
    for (int i = 0; i < p->total; i++) {
        memcpy(a->joined + plen, p->payload[i], p->payload_len[i]);
        plen += p->payload_len[i];
        if (i)
            a->raw[rlen++] = '\n';
        memcpy(a->raw + rlen, p->line[i], p->line_len[i]);
        rlen += p->line_len[i];
    }
    a->raw[rlen] = '\0';
    size_t nbits;
    if (plen > PART_PAYLOAD_MAX) {
        drop_slot(a, p, false);
        reject(a, NMEA_BAD_LENGTH);
        return 0;
    }
    if (sixbit_unarmor(a->joined, plen, p->fill_bits, a->bits, sizeof a->bits, &nbits) < 0) {
        drop_slot(a, p, false);
        reject(a, NMEA_BAD_ARMOR);
        return 0;
    }
    out->bits = a->bits;
    out->nbits = nbits;
    fill_common(out, p->talker, p->channel, t_ms);
    out->nparts = p->total;
    out->seq_id = p->seq_id;
    out->has_tagblock = p->has_tagblock;
    out->tag = p->tag;
    if (!p->has_tagblock)
        out->tag.present = 0;
    out->rx = p->rx;
    out->raw = a->raw;
    out->raw_len = rlen;
    drop_slot(a, p, false);
    a->stats.messages++;
    return 1;
}
