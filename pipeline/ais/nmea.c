/* NMEA 0183 sentence layer: checksum, line parsing (tag block, sentence, USCG trailing fields),
 * tag blocks and VDM/VDO encoding.
 *
 * IEC 61162-1 limits a sentence to 82 characters including "\r\n"; with "!AIVDM,t,p,s,c," and
 * ",f*hh" that leaves 60 payload characters per sentence, which is also what base stations and
 * AIS-catcher emit.  Parsing is zero-copy: the sentence fields point into the caller's line.
 */
#include "centinela/nmea.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VDM_PAYLOAD_PER_PART 60

static const char hexdig[] = "0123456789ABCDEF";

uint8_t nmea_checksum(const char *s, size_t len)
{
    uint8_t c = 0;
    for (size_t i = 0; i < len; i++)
        c ^= (uint8_t)s[i];
    return c;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

const char *nmea_status_name(nmea_status s)
{
    static const char *const names[NMEA_STATUS_COUNT] = {
        [NMEA_OK] = "ok",
        [NMEA_NOT_MINE] = "not_mine",
        [NMEA_BAD_CHECKSUM] = "bad_checksum",
        [NMEA_BAD_SYNTAX] = "bad_syntax",
        [NMEA_BAD_TAGBLOCK] = "bad_tagblock",
        [NMEA_BAD_FILL] = "bad_fill_bits",
        [NMEA_BAD_ARMOR] = "bad_armoring",
        [NMEA_BAD_LENGTH] = "bad_length",
        [NMEA_DUPLICATE_PART] = "duplicate_part",
        [NMEA_MISSING_PART] = "missing_part",
        [NMEA_BAD_TALKER] = "bad_talker",
        [NMEA_BAD_PREFIX] = "bad_prefix",
    };
    return (unsigned)s < NMEA_STATUS_COUNT ? names[s] : "unknown";
}

int nmea_encode_vdm(const uint8_t *bits, size_t nbits, const char *talker, char channel, int seq_id,
                    char *out, size_t out_cap)
{
    if (!talker || strlen(talker) != 5 || !out || out_cap == 0 || (nbits > 0 && !bits))
        return -1;
    char armor[SIXBIT_MAX_BITS / 6 + 8];
    if (nbits > SIXBIT_MAX_BITS)
        return -1;
    unsigned fill = 0;
    size_t nchars = sixbit_armor(bits, nbits, armor, sizeof armor, &fill);
    int total = nchars == 0 ? 1 : (int)((nchars + VDM_PAYLOAD_PER_PART - 1) / VDM_PAYLOAD_PER_PART);
    if (total > 9 || (total > 1 && (seq_id < 0 || seq_id > 9)))
        return -1;
    size_t used = 0;
    for (int part = 1; part <= total; part++) {
        size_t off = (size_t)(part - 1) * VDM_PAYLOAD_PER_PART;
        size_t n = nchars - off < VDM_PAYLOAD_PER_PART ? nchars - off : VDM_PAYLOAD_PER_PART;
        char s[NMEA_MAX_SENTENCE + 8];
        size_t k = 0;
        s[k++] = '!';
        memcpy(s + k, talker, 5);
        k += 5;
        s[k++] = ',';
        s[k++] = (char)('0' + total);
        s[k++] = ',';
        s[k++] = (char)('0' + part);
        s[k++] = ',';
        if (total > 1)
            s[k++] = (char)('0' + seq_id);
        s[k++] = ',';
        if (channel)
            s[k++] = channel;
        s[k++] = ',';
        memcpy(s + k, armor + off, n);
        k += n;
        s[k++] = ',';
        s[k++] = (char)('0' + (part == total ? fill : 0));
        uint8_t ck = nmea_checksum(s + 1, k - 1);
        s[k++] = '*';
        s[k++] = hexdig[ck >> 4];
        s[k++] = hexdig[ck & 15];
        s[k++] = '\r';
        s[k++] = '\n';
        if (used + k + 1 > out_cap)
            return -1;
        memcpy(out + used, s, k);
        used += k;
    }
    out[used] = '\0';
    return total;
}

/* ---- tag blocks --------------------------------------------------------------------------- */

static int parse_i64(const char *s, size_t len, int64_t *out)
{
    if (len == 0 || len > 19 || (len == 19 && s[0] != '-' && s[0] != '+'))
        return -1; /* at most 18 digits: never overflows int64 */
    size_t i = 0;
    int neg = 0;
    if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        if (++i == len)
            return -1;
    }
    int64_t v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return 0;
}

static void copy_text(char *dst, size_t cap, const char *s, size_t len)
{
    if (len >= cap)
        len = cap - 1;
    memcpy(dst, s, len);
    dst[len] = '\0';
}

int nmea_tagblock_parse(const char *s, size_t len, bool check_checksum, nmea_tagblock *out)
{
    memset(out, 0, sizeof *out);
    const char *star = memchr(s, '*', len);
    size_t body = star ? (size_t)(star - s) : len;
    if (star) {
        if ((size_t)(star - s) + 3 != len)
            return -1;
        int h = hexval(star[1]), l = hexval(star[2]);
        if (h < 0 || l < 0)
            return -1;
        if (check_checksum && nmea_checksum(s, body) != (uint8_t)(h << 4 | l))
            return -1;
    } else if (check_checksum) {
        return -1;
    }
    size_t i = 0;
    while (i < body) {
        size_t j = i;
        while (j < body && s[j] != ',')
            j++;
        /* field s[i..j): "k:value"; codes are one letter in IEC 61162-450, but real feeds add
         * longer ones (DMA's "si:" source), skipped unless known */
        const char *colon = memchr(s + i, ':', j - i);
        if (!colon || colon == s + i)
            return -1;
        size_t kl = (size_t)(colon - (s + i));
        const char *v = colon + 1;
        size_t vl = j - i - kl - 1;
        if (kl == 2 && s[i] == 's' && s[i + 1] == 'i') {
            if (!(out->present & NMEA_TAG_S)) {
                copy_text(out->s, sizeof out->s, v, vl);
                out->present |= NMEA_TAG_S;
            }
            i = j + 1;
            continue;
        }
        if (kl != 1) {
            i = j + 1;
            continue;
        }
        switch (s[i]) {
        case 'c':
            if (parse_i64(v, vl, &out->c_raw) < 0)
                return -1;
            /* Seconds per the standard; some feeds send milliseconds. */
            if (out->c_raw < 0 || out->c_raw > 100000000000000LL)
                return -1; /* not a time after 1970 and before year 5138 */
            out->c_ms = out->c_raw > 100000000000LL ? out->c_raw : out->c_raw * 1000;
            out->present |= NMEA_TAG_C;
            break;
        case 'd':
            copy_text(out->d, sizeof out->d, v, vl);
            out->present |= NMEA_TAG_D;
            break;
        case 'g': {
            /* seq-total-id, all decimal */
            unsigned a[3] = {0, 0, 0};
            int k = 0;
            size_t digits = 0;
            for (size_t m = 0; m < vl; m++) {
                if (v[m] == '-') {
                    if (digits == 0 || ++k > 2)
                        return -1;
                    digits = 0;
                } else if (v[m] >= '0' && v[m] <= '9' && digits < 9) {
                    a[k] = a[k] * 10 + (unsigned)(v[m] - '0');
                    digits++;
                } else {
                    return -1;
                }
            }
            if (k != 2 || digits == 0 || a[0] == 0 || a[0] > a[1])
                return -1;
            out->g_seq = a[0];
            out->g_total = a[1];
            out->g_id = a[2];
            out->present |= NMEA_TAG_G;
            break;
        }
        case 'n':
            if (parse_i64(v, vl, &out->n) < 0)
                return -1;
            out->present |= NMEA_TAG_N;
            break;
        case 'r':
            if (parse_i64(v, vl, &out->r) < 0)
                return -1;
            out->present |= NMEA_TAG_R;
            break;
        case 's':
            copy_text(out->s, sizeof out->s, v, vl); /* s: beats an earlier si: */
            out->present |= NMEA_TAG_S;
            break;
        case 't':
            copy_text(out->t, sizeof out->t, v, vl);
            out->present |= NMEA_TAG_T;
            break;
        case 'T':
            copy_text(out->big_t, sizeof out->big_t, v, vl);
            out->present |= NMEA_TAG_BIG_T;
            break;
        case 'q':
            copy_text(out->q, sizeof out->q, v, vl);
            out->present |= NMEA_TAG_Q;
            break;
        default:
            break; /* unknown parameter codes are skipped, as IEC 61162-450 asks */
        }
        i = j + 1;
    }
    return 0;
}

size_t nmea_tagblock_format(const nmea_tagblock *tb, char *out, size_t out_cap)
{
    char body[256];
    size_t k = 0;
    int n;
#define ADD(...)                                                                                   \
    do {                                                                                           \
        n = snprintf(body + k, sizeof body - k, __VA_ARGS__);                                      \
        if (n < 0 || (size_t)n >= sizeof body - k)                                                 \
            return 0;                                                                              \
        k += (size_t)n;                                                                            \
    } while (0)
    const char *sep = "";
    if (tb->present & NMEA_TAG_G) {
        ADD("%sg:%u-%u-%u", sep, tb->g_seq, tb->g_total, tb->g_id);
        sep = ",";
    }
    if (tb->present & NMEA_TAG_S) {
        ADD("%ss:%s", sep, tb->s);
        sep = ",";
    }
    if (tb->present & NMEA_TAG_D) {
        ADD("%sd:%s", sep, tb->d);
        sep = ",";
    }
    if (tb->present & NMEA_TAG_Q) {
        ADD("%sq:%s", sep, tb->q);
        sep = ",";
    }
    if (tb->present & NMEA_TAG_C) {
        ADD("%sc:%lld", sep, (long long)tb->c_raw);
        sep = ",";
    }
    if (tb->present & NMEA_TAG_N) {
        ADD("%sn:%lld", sep, (long long)tb->n);
        sep = ",";
    }
    if (tb->present & NMEA_TAG_R) {
        ADD("%sr:%lld", sep, (long long)tb->r);
        sep = ",";
    }
    if (tb->present & NMEA_TAG_T) {
        ADD("%st:%s", sep, tb->t);
        sep = ",";
    }
    if (tb->present & NMEA_TAG_BIG_T) {
        ADD("%sT:%s", sep, tb->big_t);
        sep = ",";
    }
#undef ADD
    uint8_t ck = nmea_checksum(body, k);
    n = snprintf(out, out_cap, "\\%.*s*%02X\\", (int)k, body, ck);
    if (n < 0 || (size_t)n >= out_cap)
        return 0;
    return (size_t)n;
}

/* ---- USCG trailing fields --------------------------------------------------------------- */

/* ",d-109,S2105,t050056.00,T56.13718694,r003669946,1325394060,1325394001": each field starts
 * with a letter code except the final Unix time(s).  The last purely numeric field is taken. */
static void parse_receiver_fields(const char *s, size_t len, nmea_receiver_fields *rx)
{
    memset(rx, 0, sizeof *rx);
    size_t i = 0;
    while (i < len) {
        if (s[i] == ',') {
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && s[j] != ',')
            j++;
        const char *v = s + i + 1;
        size_t vl = j - i - 1;
        char tmp[32];
        int64_t iv;
        switch (s[i]) {
        case 'd':
            if (parse_i64(v, vl, &iv) == 0) {
                rx->signal_dbm = (int)iv;
                rx->has_signal = true;
            }
            break;
        case 'S':
            if (parse_i64(v, vl, &iv) == 0) {
                rx->slot = (int)iv;
                rx->has_slot = true;
            }
            break;
        case 't':
            copy_text(rx->time_text, sizeof rx->time_text, v, vl);
            rx->has_time_text = true;
            break;
        case 'T':
            copy_text(tmp, sizeof tmp, v, vl);
            rx->t_offset_s = strtod(tmp, NULL);
            rx->has_t_offset = true;
            break;
        case 'r':
            copy_text(rx->station, sizeof rx->station, v, vl);
            break;
        default:
            /* Unix time: seconds, or ms when 13 digits (exactEarth and AMSA logs) */
            if (parse_i64(s + i, j - i, &iv) == 0 && iv >= 0 && iv < 100000000000000LL) {
                rx->unix_ms = iv > 100000000000LL ? iv : iv * 1000;
                rx->unix_s = rx->unix_ms / 1000;
                rx->has_unix = true;
            }
            break;
        }
        i = j;
    }
    rx->present = len > 0;
}

/* ---- one line ----------------------------------------------------------------------------- */

static int is_upper_alnum(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int nmea_line_format_parse(const char *name, nmea_line_format *out)
{
    static const char *const names[] = {"auto", "nmea", "unix", "datetime"};
    for (int i = 0; i < 4; i++)
        if (name && strcmp(name, names[i]) == 0) {
            *out = (nmea_line_format)i;
            return 0;
        }
    return -1;
}

const char *nmea_line_format_name(nmea_line_format f)
{
    static const char *const names[] = {"auto", "nmea", "unix", "datetime"};
    return (unsigned)f < 4 ? names[f] : "?";
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-compatible low-level
 * date algorithms", days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* n decimal digits at s (n <= 9); -1 when any is not a digit. */
static int digits(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int64_t nmea_civil_to_ms(int year, int month, int day, int hour, int min, int sec, int ms)
{
    return ((days_from_civil(year, (unsigned)month, (unsigned)day) * 24 + hour) * 60 + min) *
               60000LL +
           sec * 1000LL + ms;
}

/* Separator between a leading time and the sentence: one of ",; \t", then blanks; the sentence
 * must start right after.  Returns the offset of the sentence or 0. */
static size_t after_separator(const char *s, size_t len, size_t i)
{
    if (i >= len || (s[i] != ',' && s[i] != ';' && s[i] != ' ' && s[i] != '\t'))
        return 0;
    i++;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i >= len || (s[i] != '!' && s[i] != '$' && s[i] != '\\'))
        return 0;
    return i;
}

/* "1490075479," (s), "1490075479123 " (ms), "1490075479.25;".  Returns the sentence offset. */
static size_t lead_unix(const char *s, size_t len, int64_t *ms)
{
    size_t i = 0;
    int64_t v = 0;
    while (i < len && i < 14 && s[i] >= '0' && s[i] <= '9')
        v = v * 10 + (s[i++] - '0');
    if (i < 9 || i > 13)
        return 0;
    int64_t t = i >= 12 ? v : v * 1000;
    if (i <= 10 && i < len && s[i] == '.') { /* fractional seconds */
        size_t f = ++i;
        int64_t frac = 0, scale = 1000;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            if (scale > 1) {
                scale /= 10;
                frac += (s[i] - '0') * scale;
            }
            i++;
        }
        if (i == f)
            return 0;
        t += frac;
    }
    *ms = t;
    return after_separator(s, len, i);
}

/* "YYYY-MM-DD hh:mm:ss", "YYYY-MM-DDThh:mm:ss.fffZ", "...+02:00" / "...-0530".  *zoned is set
 * when the text names its offset (then *ms is UTC).  Returns the sentence offset. */
static size_t lead_datetime(const char *s, size_t len, int64_t *ms, bool *zoned)
{
    if (len < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' ||
        s[16] != ':')
        return 0;
    int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2), h = digits(s + 11, 2),
        mi = digits(s + 14, 2), se = digits(s + 17, 2);
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        se < 0 || se > 60)
        return 0;
    size_t i = 19;
    int frac_ms = 0;
    if (i < len && (s[i] == '.' || s[i] == ',') && i + 1 < len && s[i + 1] >= '0' &&
        s[i + 1] <= '9') {
        int scale = 100;
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
            frac_ms += (s[i] - '0') * scale;
            scale /= 10;
        }
    }
    int64_t t = nmea_civil_to_ms(y, mo, d, h, mi, se, frac_ms);
    *zoned = false;
    if (i < len && s[i] == 'Z') {
        *zoned = true;
        i++;
    } else if (i + 2 < len && (s[i] == '+' || s[i] == '-') && digits(s + i + 1, 2) >= 0) {
        int oh = digits(s + i + 1, 2), om = 0;
        size_t k = i + 3;
        if (k + 2 < len && s[k] == ':' && digits(s + k + 1, 2) >= 0) {
            om = digits(s + k + 1, 2);
            k += 3;
        } else if (k + 1 < len && digits(s + k, 2) >= 0) {
            om = digits(s + k, 2);
            k += 2;
        }
        if (oh > 14 || om > 59)
            return 0;
        int64_t off_ms = (oh * 60 + om) * 60000LL;
        t += s[i] == '+' ? -off_ms : off_ms;
        *zoned = true;
        i = k;
    }
    *ms = t;
    return after_separator(s, len, i);
}

/* "$PGHP,1,2013,11,12,12,0,0,11,219,,2190067,1,62*26[,epoch]" (Gatehouse): the UTC time of the
 * packet that follows and the XOR of its sentence checksums.  0 when the line is a usable PGHP. */
static int parse_pghp(const char *s, size_t len, bool check_checksum, nmea_sentence *out)
{
    const char *star = memchr(s, '*', len);
    if (!star || (size_t)(star - s) + 3 > len)
        return -1;
    int h = hexval(star[1]), l = hexval(star[2]);
    if (h < 0 || l < 0 ||
        (check_checksum && nmea_checksum(s + 1, (size_t)(star - s) - 1) != (uint8_t)(h << 4 | l)))
        return -1;
    const char *f[16];
    size_t fl[16];
    int n = 0;
    const char *p = s + 6; /* after "$PGHP," */
    while (p <= star && n < 16) {
        const char *c = memchr(p, ',', (size_t)(star - p));
        const char *e = c ? c : star;
        f[n] = p;
        fl[n++] = (size_t)(e - p);
        p = e + 1;
    }
    if (n < 8 || fl[0] != 1 || f[0][0] != '1')
        return -1;
    int v[7];
    for (int k = 0; k < 7; k++) {
        if (fl[k + 1] < 1 || fl[k + 1] > 4 || (v[k] = digits(f[k + 1], fl[k + 1])) < 0)
            return -1;
    }
    if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 ||
        v[5] > 60 || v[6] > 999)
        return -1;
    out->pghp_ms = nmea_civil_to_ms(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    out->pghp_cc = -1;
    if (n >= 13 && fl[12] == 2 && hexval(f[12][0]) >= 0 && hexval(f[12][1]) >= 0)
        out->pghp_cc = hexval(f[12][0]) << 4 | hexval(f[12][1]);
    out->context = NMEA_CONTEXT_PGHP;
    return 0;
}

nmea_status nmea_parse_line(const char *line, size_t len, bool check_checksum, nmea_sentence *out)
{
    return nmea_parse_line_format(line, len, check_checksum, NMEA_FORMAT_AUTO, out);
}

nmea_status nmea_parse_line_format(const char *line, size_t len, bool check_checksum,
                                   nmea_line_format format, nmea_sentence *out)
{
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' ||
                       line[len - 1] == '\t'))
        len--;
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    out->has_tagblock = false;
    out->tag_bad_checksum = false;
    out->tag.present = 0;
    out->has_lead_time = false;
    out->lead_zoned = false;
    out->context = NMEA_CONTEXT_NONE;
    out->rx.present = false;
    out->rx.has_unix = false;
    out->start = i;
    if (i == len || line[i] == '#')
        return NMEA_NOT_MINE;
    /* a leading time: detected by its first character, a digit */
    if (format != NMEA_FORMAT_NMEA && line[i] >= '0' && line[i] <= '9') {
        size_t k = 0;
        if (format != NMEA_FORMAT_UNIX)
            k = lead_datetime(line + i, len - i, &out->lead_ms, &out->lead_zoned);
        if (k == 0 && format != NMEA_FORMAT_DATETIME) {
            k = lead_unix(line + i, len - i, &out->lead_ms);
            out->lead_zoned = true;
        }
        if (k == 0)
            return format == NMEA_FORMAT_AUTO ? NMEA_NOT_MINE : NMEA_BAD_PREFIX;
        out->has_lead_time = true;
        i += k;
        out->start = i;
    } else if (format == NMEA_FORMAT_UNIX || format == NMEA_FORMAT_DATETIME) {
        return NMEA_BAD_PREFIX;
    }
    if (line[i] == '\\') {
        const char *end = memchr(line + i + 1, '\\', len - i - 1);
        if (!end)
            return NMEA_BAD_TAGBLOCK;
        size_t tl = (size_t)(end - (line + i + 1));
        out->tag_bad_checksum = false;
        if (nmea_tagblock_parse(line + i + 1, tl, check_checksum, &out->tag) < 0) {
            /* A tag block whose checksum is wrong (AMSA logs write "*00" on every one) keeps
             * its fields: the sentence's own checksum still decides, and the caller counts it
             * (gpsd does not check tag-block checksums at all). */
            if (!check_checksum || nmea_tagblock_parse(line + i + 1, tl, false, &out->tag) != 0)
                return NMEA_BAD_TAGBLOCK;
            out->tag_bad_checksum = true;
        }
        out->has_tagblock = true;
        i += tl + 2;
    }
    if (i >= len) {
        /* a tag block alone on its line: DMA logs put it before the sentences it describes */
        if (out->has_tagblock)
            out->context = NMEA_CONTEXT_TAGBLOCK;
        return NMEA_NOT_MINE;
    }
    if (len - i > 6 && memcmp(line + i, "$PGHP,", 6) == 0) {
        if (parse_pghp(line + i, len - i, check_checksum, out) != 0)
            out->context = NMEA_CONTEXT_NONE;
        return NMEA_NOT_MINE;
    }
    if (line[i] != '!' && line[i] != '$')
        return NMEA_NOT_MINE;
    /* "!ccVDx," */
    if (len - i < 7 || line[i + 3] != 'V' || line[i + 4] != 'D' ||
        (line[i + 5] != 'M' && line[i + 5] != 'O') || line[i + 6] != ',')
        return NMEA_NOT_MINE;
    if (!is_upper_alnum(line[i + 1]) || !is_upper_alnum(line[i + 2]))
        return line[i] == '!' ? NMEA_BAD_TALKER : NMEA_NOT_MINE;
    if (line[i] != '!')
        return NMEA_BAD_SYNTAX; /* VDM is an encapsulation sentence: '!' only */
    const char *s = line + i;
    size_t slen = len - i;
    const char *star = memchr(s, '*', slen);
    if (!star || (size_t)(star - s) + 3 > slen)
        return NMEA_BAD_SYNTAX;
    int h = hexval(star[1]), l = hexval(star[2]);
    if (h < 0 || l < 0)
        return NMEA_BAD_SYNTAX;
    size_t body_len = (size_t)(star - s) - 1;
    if (check_checksum && nmea_checksum(s + 1, body_len) != (uint8_t)(h << 4 | l))
        return NMEA_BAD_CHECKSUM;
    out->checksum = (uint8_t)(h << 4 | l);
    memcpy(out->talker, s + 1, 5);
    out->talker[5] = '\0';
    out->sentence = s;
    out->sentence_len = (size_t)(star - s) + 3;
    /* trailing receiver fields after "*hh" */
    size_t after = (size_t)(star - s) + 3;
    if (after < slen && s[after] == ',') {
        parse_receiver_fields(s + after, slen - after, &out->rx);
    } else {
        /* Anything else after the checksum (some logs carry an escaped "\x0d\x0a") is
         * ignored: the checksum already vouches for the sentence. */
        out->rx.present = false;
        out->rx.has_unix = false;
    }
    /* fields: total, part, seq, channel, payload, fill */
    const char *f[6];
    size_t fl[6];
    const char *p = s + 7, *e = star;
    for (int k = 0; k < 6; k++) {
        const char *c = k < 5 ? memchr(p, ',', (size_t)(e - p)) : e;
        if (!c)
            return NMEA_BAD_SYNTAX;
        f[k] = p;
        fl[k] = (size_t)(c - p);
        p = c + 1;
    }
    if (p != e + 1)
        return NMEA_BAD_SYNTAX; /* extra fields before '*' */
    if (fl[0] != 1 || fl[1] != 1 || f[0][0] < '1' || f[0][0] > '9' || f[1][0] < '1' ||
        f[1][0] > f[0][0])
        return NMEA_BAD_SYNTAX;
    out->total = f[0][0] - '0';
    out->part = f[1][0] - '0';
    if (fl[2] == 0)
        out->seq_id = -1;
    else if (fl[2] == 1 && f[2][0] >= '0' && f[2][0] <= '9')
        out->seq_id = f[2][0] - '0';
    else
        return NMEA_BAD_SYNTAX;
    if (fl[3] > 1)
        return NMEA_BAD_SYNTAX;
    out->channel = fl[3] ? f[3][0] : 0;
    out->payload = f[4];
    out->payload_len = fl[4];
    if (fl[5] != 1 || f[5][0] < '0' || f[5][0] > '9')
        return fl[5] == 1 ? NMEA_BAD_FILL : NMEA_BAD_SYNTAX;
    out->fill_bits = (unsigned)(f[5][0] - '0');
    if (out->fill_bits > 5)
        return NMEA_BAD_FILL;
    return NMEA_OK;
}

const char *nmea_status_hint(nmea_status st, const char *line)
{
    switch (st) {
    case NMEA_BAD_CHECKSUM:
        return "check_checksum = false accepts sentences whose checksum is wrong";
    case NMEA_BAD_PREFIX:
        return "line_format = auto detects a leading time (or none) on each line";
    case NMEA_BAD_TALKER:
        return "the sentences are corrupted (talker not two letters or digits)";
    case NMEA_NOT_MINE:
        if (line && line[0] >= '0' && line[0] <= '9')
            return "line_format = unix or datetime (with time_zone for local times) if each line "
                   "starts with a time";
        return "expected AIS as NMEA 0183 !xxVDM/!xxVDO lines (or a MarineCadastre / DMA CSV "
               "with its header line)";
    default:
        return "see the rejection class; check_checksum and line_format change what is accepted";
    }
}
