/* Six-bit armouring and MSB-first bit fields.
 *
 * The armour maps 6-bit values 0-39 to '0'..'W' (0x30-0x57) and 40-63 to '`'..'w' (0x60-0x77)
 * (IEC 61162-1 Table 7).  Decoding uses a 256-entry table so that the hot path is one load per
 * character, and packs four characters (24 bits) into three bytes at a time.
 */
#include "centinela/sixbit.h"

#include <string.h>

/* Valid characters map to 0x40 | value; 0 marks characters outside the armour alphabet. */
#define V(x) (0x40 | (x))
static const uint8_t unarmor_table[256] = {
    ['0'] = V(0),  ['1'] = V(1),  ['2'] = V(2),  ['3'] = V(3),  ['4'] = V(4),  ['5'] = V(5),  ['6'] = V(6),  ['7'] = V(7),
    ['8'] = V(8),  ['9'] = V(9),  [':'] = V(10), [';'] = V(11), ['<'] = V(12), ['='] = V(13), ['>'] = V(14), ['?'] = V(15),
    ['@'] = V(16), ['A'] = V(17), ['B'] = V(18), ['C'] = V(19), ['D'] = V(20), ['E'] = V(21), ['F'] = V(22), ['G'] = V(23),
    ['H'] = V(24), ['I'] = V(25), ['J'] = V(26), ['K'] = V(27), ['L'] = V(28), ['M'] = V(29), ['N'] = V(30), ['O'] = V(31),
    ['P'] = V(32), ['Q'] = V(33), ['R'] = V(34), ['S'] = V(35), ['T'] = V(36), ['U'] = V(37), ['V'] = V(38), ['W'] = V(39),
    ['`'] = V(40), ['a'] = V(41), ['b'] = V(42), ['c'] = V(43), ['d'] = V(44), ['e'] = V(45), ['f'] = V(46), ['g'] = V(47),
    ['h'] = V(48), ['i'] = V(49), ['j'] = V(50), ['k'] = V(51), ['l'] = V(52), ['m'] = V(53), ['n'] = V(54), ['o'] = V(55),
    ['p'] = V(56), ['q'] = V(57), ['r'] = V(58), ['s'] = V(59), ['t'] = V(60), ['u'] = V(61), ['v'] = V(62), ['w'] = V(63),
};

static const char armor_chars[64] = "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw";

int sixbit_unarmor(const char *payload, size_t len, unsigned fill_bits, uint8_t *bits,
                   size_t bits_cap_bytes, size_t *nbits_out)
{
    if (fill_bits > 5 || (len == 0 && fill_bits != 0))
        return -1;
    size_t total = len * 6;
    if (fill_bits > total)
        return -1;
    size_t nbytes = (total + 7) / 8;
    if (nbytes > bits_cap_bytes)
        return -1;
    const unsigned char *p = (const unsigned char *)payload;
    uint8_t *o = bits;
    size_t i = 0;
    uint8_t ok = 0x40;
    for (; i + 4 <= len; i += 4) {
        uint8_t a = unarmor_table[p[i]], b = unarmor_table[p[i + 1]];
        uint8_t c = unarmor_table[p[i + 2]], d = unarmor_table[p[i + 3]];
        ok &= (uint8_t)(a & b & c & d);
        uint32_t v = ((uint32_t)(a & 0x3F) << 18) | ((uint32_t)(b & 0x3F) << 12) |
                     ((uint32_t)(c & 0x3F) << 6) | (d & 0x3F);
        o[0] = (uint8_t)(v >> 16);
        o[1] = (uint8_t)(v >> 8);
        o[2] = (uint8_t)v;
        o += 3;
    }
    if (i < len) {
        uint32_t v = 0;
        unsigned n = 0;
        for (; i < len; i++, n++) {
            uint8_t a = unarmor_table[p[i]];
            ok &= a;
            v = (v << 6) | (a & 0x3F);
        }
        v <<= 6 * (4 - n); /* left-align in 24 bits */
        size_t rem = (n * 6 + 7) / 8;
        for (size_t k = 0; k < rem; k++)
            o[k] = (uint8_t)(v >> (16 - 8 * k));
    }
    if (!(ok & 0x40))
        return -1;
    size_t nbits = total - fill_bits;
    /* Clear the fill bits so that byte-wise comparisons of messages are meaningful. */
    if (nbits % 8)
        bits[nbits / 8] &= (uint8_t)(0xFF << (8 - nbits % 8));
    for (size_t k = (nbits + 7) / 8; k < nbytes; k++)
        bits[k] = 0;
    *nbits_out = nbits;
    return 0;
}

size_t sixbit_armor(const uint8_t *bits, size_t nbits, char *out, size_t out_cap,
                    unsigned *fill_bits_out)
{
    size_t nchars = (nbits + 5) / 6;
    if (out_cap < nchars + 1)
        return 0;
    for (size_t i = 0; i < nchars; i++)
        out[i] = armor_chars[sixbit_get_u(bits, nbits, i * 6, 6)];
    out[nchars] = '\0';
    if (fill_bits_out)
        *fill_bits_out = (unsigned)(nchars * 6 - nbits);
    return nchars;
}

uint32_t sixbit_get_u(const uint8_t *bits, size_t nbits, size_t start, unsigned width)
{
    if (width == 0 || start >= nbits)
        return 0;
    /* Gather up to 40 bits covering the field, one byte at a time, never past nbits. */
    size_t end = start + width; /* exclusive */
    size_t avail_end = end <= nbits ? end : nbits;
    size_t first = start / 8, last = (avail_end - 1) / 8;
    uint64_t acc = 0;
    for (size_t b = first; b <= last; b++)
        acc = (acc << 8) | bits[b];
    /* acc holds bits [first*8, (last+1)*8). Shift so that the field ends at bit 0. */
    size_t acc_end = (last + 1) * 8;
    uint64_t v;
    if (acc_end >= end)
        v = acc >> (acc_end - end);
    else
        v = acc << (end - acc_end);
    v &= (width == 32) ? 0xFFFFFFFFull : ((1ull << width) - 1);
    if (avail_end < end) /* zero the bits beyond nbits that came from the last byte */
        v &= ~((1ull << (end - avail_end)) - 1);
    return (uint32_t)v;
}

int32_t sixbit_get_s(const uint8_t *bits, size_t nbits, size_t start, unsigned width)
{
    uint32_t u = sixbit_get_u(bits, nbits, start, width);
    if (width < 32 && (u & (1u << (width - 1))))
        u |= ~((1u << width) - 1);
    return (int32_t)u;
}

static const char text_chars[64] = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?";

size_t sixbit_get_text_raw(const uint8_t *bits, size_t nbits, size_t start, unsigned nchars,
                           char *out, size_t out_cap)
{
    size_t n = 0;
    if (out_cap == 0)
        return 0;
    for (unsigned i = 0; i < nchars && n + 1 < out_cap; i++) {
        size_t pos = start + (size_t)i * 6;
        if (pos + 6 > nbits)
            break;
        out[n++] = text_chars[sixbit_get_u(bits, nbits, pos, 6)];
    }
    out[n] = '\0';
    return n;
}

size_t sixbit_get_text(const uint8_t *bits, size_t nbits, size_t start, unsigned nchars, char *out,
                       size_t out_cap)
{
    size_t n = sixbit_get_text_raw(bits, nbits, start, nchars, out, out_cap);
    /* M.1371: '@' pads unused characters; anything after the first '@' is padding. */
    char *at = memchr(out, '@', n);
    if (at) {
        *at = '\0';
        n = (size_t)(at - out);
    }
    while (n > 0 && out[n - 1] == ' ')
        out[--n] = '\0';
    return n;
}

void sixbit_put_u(uint8_t *bits, size_t start, unsigned width, uint32_t value)
{
    for (unsigned i = 0; i < width; i++) {
        size_t pos = start + i;
        unsigned bit = (value >> (width - 1 - i)) & 1u;
        uint8_t mask = (uint8_t)(0x80u >> (pos % 8));
        if (bit)
            bits[pos / 8] |= mask;
        else
            bits[pos / 8] &= (uint8_t)~mask;
    }
}

void sixbit_put_s(uint8_t *bits, size_t start, unsigned width, int32_t value)
{
    sixbit_put_u(bits, start, width, (uint32_t)value);
}

static unsigned text_code(char c)
{
    if (c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    if (c >= '@' && c <= '_')
        return (unsigned)(c - '@');
    if (c >= ' ' && c <= '?')
        return (unsigned)(c - ' ' + 32);
    return 63; /* '?' */
}

void sixbit_put_text(uint8_t *bits, size_t start, unsigned nchars, const char *text)
{
    size_t len = text ? strlen(text) : 0;
    for (unsigned i = 0; i < nchars; i++)
        sixbit_put_u(bits, start + (size_t)i * 6, 6, i < len ? text_code(text[i]) : 0);
}

void sixbit_copy(uint8_t *dst, size_t dst_start, const uint8_t *src, size_t src_nbits,
                 size_t src_start, size_t nbits)
{
    size_t i = 0;
    for (; i + 32 <= nbits; i += 32)
        sixbit_put_u(dst, dst_start + i, 32, sixbit_get_u(src, src_nbits, src_start + i, 32));
    if (i < nbits)
        sixbit_put_u(dst, dst_start + i, (unsigned)(nbits - i),
                     sixbit_get_u(src, src_nbits, src_start + i, (unsigned)(nbits - i)));
}
