/* Six-bit armouring of AIS payloads (ITU-R M.1371-5 Annex 8 §3.3, IEC 61162-1 §8.2.3.1)
 * and bit-field access to AIS messages.
 *
 * Bits are packed MSB-first: bit 0 of the message is (bits[0] >> 7) & 1, bit 8 is
 * (bits[1] >> 7) & 1.  Field offsets and widths are in bits, as in the bit tables of M.1371.
 *
 * The readers never read past the buffer they are given: fields that lie (partly) beyond `nbits`
 * read as zero bits, which is how the lenient-length rules of the message decoders are written.
 */
#ifndef CENTINELA_SIXBIT_H
#define CENTINELA_SIXBIT_H

#include <stddef.h>
#include <stdint.h>

/* Longest AIS message: 5 slots of 256 bits minus overhead; type 26 tops out at 1064 bits.
 * Buffers of SIXBIT_MAX_BYTES hold any message. */
#define SIXBIT_MAX_BITS 1192
#define SIXBIT_MAX_BYTES ((SIXBIT_MAX_BITS + 7) / 8)

/* Unarmour `len` payload characters ('0'..'W', '`'..'w'), dropping the last `fill_bits` (0-5).
 * bits: output, bits_cap_bytes bytes, MSB-first; unused trailing bits of the last byte are zero.
 * Returns 0, or -1 on a character outside the armour alphabet, fill_bits > 5, fill bits larger
 * than the payload, or output overflow. */
int sixbit_unarmor(const char *payload, size_t len, unsigned fill_bits, uint8_t *bits,
                   size_t bits_cap_bytes, size_t *nbits_out);

/* Armour `nbits` bits into six-bit characters, padding the last character with zero fill bits.
 * Returns chars written (excluding the NUL, which is always written), 0 on overflow
 * (out_cap must hold ceil(nbits/6) + 1). *fill_bits_out (may be NULL) gets 0..5. nbits == 0
 * writes "" and returns 0 with fill 0. */
size_t sixbit_armor(const uint8_t *bits, size_t nbits, char *out, size_t out_cap,
                    unsigned *fill_bits_out);

/* Unsigned field of `width` bits (1-32) starting at bit `start`; bits at or beyond `nbits` read 0. */
uint32_t sixbit_get_u(const uint8_t *bits, size_t nbits, size_t start, unsigned width);
/* Two's-complement signed field of `width` bits (2-32). */
int32_t sixbit_get_s(const uint8_t *bits, size_t nbits, size_t start, unsigned width);
/* `nchars` six-bit ASCII characters (M.1371 Table 47: 0-31 -> '@'..'_', 32-63 -> ' '..'?')
 * into out (out_cap >= nchars + 1), NUL-terminated.  Characters lying beyond nbits are dropped.
 * Trailing '@' (the "no character" padding) and trailing spaces are removed.  Returns length. */
size_t sixbit_get_text(const uint8_t *bits, size_t nbits, size_t start, unsigned nchars,
                       char *out, size_t out_cap);
/* Same, but keeps every character (for round trips and gpsd-compatible raw text). */
size_t sixbit_get_text_raw(const uint8_t *bits, size_t nbits, size_t start, unsigned nchars,
                           char *out, size_t out_cap);

/* Writers: the buffer must hold start + width bits.  Values are truncated to `width` bits. */
void sixbit_put_u(uint8_t *bits, size_t start, unsigned width, uint32_t value);
void sixbit_put_s(uint8_t *bits, size_t start, unsigned width, int32_t value);
/* Writes `nchars` characters of text, padding with '@' (six-bit 0); lower case is upper-cased,
 * characters outside the alphabet become '?'. */
void sixbit_put_text(uint8_t *bits, size_t start, unsigned nchars, const char *text);
/* Copy nbits bits from src (starting at bit src_start) to dst at bit dst_start. */
void sixbit_copy(uint8_t *dst, size_t dst_start, const uint8_t *src, size_t src_nbits,
                 size_t src_start, size_t nbits);

#endif
