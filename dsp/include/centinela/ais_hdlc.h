/* AIS link layer (ITU-R M.1371-5 Annex 2 section 3.2): HDLC framing shared by the modulator and
 * the demodulator.
 *
 * Bit vectors here hold one bit per byte (0/1), in air order unless said otherwise.  AIS message
 * bits ("payload", as armoured into NMEA) are packed MSB-first; on air each byte goes out least
 * significant bit first, followed by the 16-bit FCS (CRC-16-CCITT, initial value 0xFFFF,
 * complemented, LSB first), then bit stuffing (a 0 after five consecutive 1s), between 0x7E
 * flags, all NRZI coded (0 = change of level).
 */
#ifndef CENTINELA_AIS_HDLC_H
#define CENTINELA_AIS_HDLC_H

#include <stddef.h>
#include <stdint.h>

#define AIS_TRAINING_BITS 24 /* 0101...  */
#define AIS_RAMP_BITS 8
#define AIS_MAX_PAYLOAD_BITS 1064 /* type 26 multi-slot upper bound */

/* CRC-16-CCITT (reflected, poly 0x8408, init 0xFFFF) over n air-order bits, not complemented.
 * Over payload + FCS the register ends at AIS_HDLC_CRC_GOOD. */
uint16_t ais_hdlc_crc(const uint8_t *bits, size_t n);
/* One bit (0 or 1) into the CRC register reg: the step of ais_hdlc_crc.  The register is linear
 * in the bits, which soft repair uses to follow a toggled bit without re-running the CRC. */
uint16_t ais_hdlc_crc_step(uint16_t reg, unsigned bit);
#define AIS_HDLC_CRC_GOOD 0xF0B8

/* Build the air bit sequence of a burst, before NRZI: ramp-up (8 bits of 0101 training
 * continued), 24 training bits, flag, payload+FCS stuffed, flag, 8 ramp-down bits (ones).
 * payload_msb holds nbits message bits packed MSB-first (padded with zeros to a whole byte).
 * Returns the number of bits written, or 0 if out_cap is too small or nbits is out of range
 * (1..AIS_MAX_PAYLOAD_BITS).  *flag_end_out (may be NULL) receives the index just after the
 * start flag. */
size_t ais_hdlc_build(const uint8_t *payload_msb, size_t nbits, uint8_t *out, size_t out_cap,
                      size_t *flag_end_out);

/* NRZI: level[k] = level[k-1] if bit[k] is 1, inverted if 0; levels are +1/-1, level_before is
 * the level before the first bit. */
void ais_hdlc_nrzi(const uint8_t *bits, size_t n, int level_before, int8_t *levels);

/* Find the end flag in air-order bits d[0..n) that follow a start flag, removing stuffing.
 * On success returns the number of destuffed bits before the end flag (payload + FCS) and
 * stores them in out (one per byte, at most out_cap); *end_out = index in d just after the
 * end flag.  Returns -1 if no flag is found within n bits, -2 on an abort (seven 1s) or
 * overflow. */
int ais_hdlc_deframe(const uint8_t *d, size_t n, uint8_t *out, size_t out_cap, size_t *end_out);

/* Pack nbits air-order payload bits (whole bytes, FCS removed) to MSB-first message bits
 * (per-byte bit reversal); out holds (nbits + 7) / 8 bytes. */
void ais_hdlc_pack_msb(const uint8_t *air, size_t nbits, uint8_t *out);

/* Plausible (type, length) for an AIS message of nbits MSB-first bits: type 1..27 and a length
 * inside the range M.1371 allows for that type (byte-padded).  strict additionally requires the
 * exact lengths of fixed-size types. */
int ais_hdlc_plausible(const uint8_t *msb, size_t nbits, int strict);

/* The stricter check of a frame that passed the CRC only after `flips` symbols were changed
 * (a wrong repair passes the 16-bit CRC by chance): ais_hdlc_plausible strict, and the fields
 * that M.1371-5 bounds inside their range (position, course, heading, position fixing device,
 * ship type, UTC fields, the type 24 part number, the acknowledgement length).  Types with no
 * such fields (binary and management messages) are trusted after one flip only. */
int ais_hdlc_fields_plausible(const uint8_t *msb, size_t nbits, int flips);

/* The subsets of v[0, n) (n <= 16) whose xor is `want`: fn(mask, ctx) for each (bit i of mask:
 * v[i] taken), by meeting in the middle (2^(n/2) subsets a half, one half sorted), so that all
 * 2^n subsets are searched at the cost of a few hundred.  For the CRC: the patterns of bit errors
 * whose register changes (ais_hdlc_crc_step from 0) make up a frame's syndrome.  Returns the
 * number of subsets found. */
typedef void (*ais_hdlc_subset_fn)(unsigned mask, void *ctx);
size_t ais_hdlc_xor_subsets(const uint16_t *v, int n, uint16_t want, ais_hdlc_subset_fn fn,
                            void *ctx);

/* What a message's reserved fields say about it, log10 of a likelihood ratio: 0, or below 0
 * when a field M.1371-5 leaves spare ("not used, should be zero") is set, which few
 * transmitters do and a frame with bit errors often shows.  For weighing a frame near the
 * receiver's odds threshold, never for rejecting one outright. */
double ais_hdlc_spare_log10_lr(const uint8_t *msb, size_t nbits);

#endif
