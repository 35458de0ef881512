/* MMSI structure (ITU-R M.585-9) and the ITU table of Maritime Identification Digits.
 *
 * An MMSI is nine decimal digits, written zero-padded; AIS carries it as a 30-bit integer, so
 * 000366123 travels as 366123.  The leading digits give the kind of station (M.585-9 Annexes 1-4):
 *
 *   MIDxxxxxx   ship station (class A or B); MID first digit 2-7
 *   0MIDxxxxx   group of ship stations (a call address: never the source of a transmission)
 *   00MIDxxxx   coast station, AIS base station
 *   111MIDaxx   SAR aircraft (a = 1 fixed wing, 5 helicopter)
 *   8MIDxxxxx   handheld VHF transceiver with DSC and GNSS, diver's radio
 *   98MIDxxxx   craft associated with a parent ship (tender, lifeboat, RIB, diver, pilot boat)
 *   99MIDaxxx   aid to navigation (a = 1 physical, 6 virtual, by national practice)
 *   970xxyyyy   AIS-SART            xx: manufacturer 01-99, yyyy: serial 0000-9999
 *   972xxyyyy   man-overboard device (MOB)
 *   974xxyyyy   EPIRB with an AIS locator
 *
 * MIDs: the ITU "Table of Maritime Identification Digits" (ITU MARS, Appendix 43 of the Radio
 * Regulations), 201-775, with the ISO 3166-1 alpha-2 code of the geographical area (territories
 * with their own code keep it: Gibraltar GI, Puerto Rico PR, Faroe FO, ...; Alaska, Azores and
 * Madeira use the code of their administration).  Unallocated MIDs inside 201-775 are invalid.
 *
 * Consistency with the message type (M.1371-5 §4 and Annex 8 on who transmits each message):
 *   1-3, 5, 18, 19, 24, 27   mobile stations: ship, craft; 1-3 also SART/MOB/EPIRB
 *   4, 16, 17, 20, 22, 23    base station: coast (00MID)
 *   9                        SAR aircraft (111MID)
 *   21                       aid to navigation (99MID)
 *   10, 11                   mobile stations and SAR aircraft
 *   6-8, 12-15, 25, 26       any station that transmits (not a group identity)
 * The functions never allocate and are thread-safe.
 */
#ifndef CENTINELA_MMSI_H
#define CENTINELA_MMSI_H

#include <stddef.h>
#include <stdint.h>

typedef enum mmsi_kind {
    MMSI_KIND_INVALID = 0, /* matches no M.585 format */
    MMSI_KIND_SHIP,        /* MIDxxxxxx */
    MMSI_KIND_GROUP,       /* 0MIDxxxxx */
    MMSI_KIND_COAST,       /* 00MIDxxxx (coast / AIS base station) */
    MMSI_KIND_SAR_AIRCRAFT,/* 111MIDaxx */
    MMSI_KIND_HANDHELD,    /* 8MIDxxxxx (handheld VHF with DSC/GNSS, diver's radio) */
    MMSI_KIND_CRAFT,       /* 98MIDxxxx (auxiliary craft of a parent ship) */
    MMSI_KIND_ATON,        /* 99MIDaxxx */
    MMSI_KIND_SART,        /* 970xxyyyy */
    MMSI_KIND_MOB,         /* 972xxyyyy */
    MMSI_KIND_EPIRB,       /* 974xxyyyy */
    MMSI_KIND_COUNT
} mmsi_kind;

/* "invalid", "ship", "group", "coast", "sar_aircraft", "handheld", "craft", "aton", "sart",
 * "mob", "epirb" (stable identifiers, used in JSON and alert evidence). */
const char *mmsi_kind_name(mmsi_kind k);
/* The digit pattern of a kind, e.g. "00MIDxxxx". */
const char *mmsi_kind_format(mmsi_kind k);

/* Why an MMSI is invalid, alone or as the source of a message type.  Checked in this order. */
typedef enum mmsi_reason {
    MMSI_VALID = 0,
    MMSI_ZERO,              /* 0: "not available", never a station */
    MMSI_NOT_9_DIGITS,      /* above 999,999,999 (the 30-bit field allows up to 1,073,741,823) */
    MMSI_BAD_FORMAT,        /* leading digits match no M.585 format (1xx not 111, 000, 90-96,
                               971/973/975-979, 01/001 before the MID, ...) */
    MMSI_MID_OUT_OF_RANGE,  /* MID outside 201-775 */
    MMSI_MID_UNALLOCATED,   /* MID inside 201-775 but not in the ITU table */
    MMSI_BAD_MANUFACTURER,  /* SART/MOB/EPIRB with manufacturer id 00 */
    MMSI_KIND_MISMATCH,     /* a valid MMSI whose kind does not send this message type (a group
                               identity as a source, a ship sending a base station report, ...) */
    MMSI_REASON_COUNT
} mmsi_reason;

/* "valid", "zero", "not_9_digits", "bad_format", "mid_out_of_range", "mid_unallocated",
 * "bad_manufacturer", "kind_mismatch" (stable identifiers for counters and alert evidence). */
const char *mmsi_reason_name(mmsi_reason r);
/* One English sentence fragment, e.g. "MID not allocated by the ITU". */
const char *mmsi_reason_text(mmsi_reason r);

/* One row of the ITU MID table. */
typedef struct mmsi_mid {
    int mid;             /* 201-775 */
    const char *iso2;    /* ISO 3166-1 alpha-2, upper case */
    const char *country; /* English short name of the geographical area (ASCII) */
} mmsi_mid;

/* The row of an allocated MID, or NULL (unallocated, or outside 201-775). */
const mmsi_mid *mmsi_mid_lookup(int mid);
/* Rows in ascending MID order, for listing: i in 0..mmsi_mid_count()-1, NULL beyond. */
size_t mmsi_mid_count(void);
const mmsi_mid *mmsi_mid_at(size_t i);

/* Everything the digits say. */
typedef struct mmsi_info {
    mmsi_kind kind;
    mmsi_reason reason;  /* MMSI_VALID, or why the number itself is invalid (no message type) */
    int mid;             /* the MID digits of the format (even when unallocated), 0 when the
                            format has none (SART/MOB/EPIRB) or kind is MMSI_KIND_INVALID */
    const mmsi_mid *country; /* the MID's row, NULL when none or unallocated */
    int manufacturer;    /* SART/MOB/EPIRB: xx (0-99); else -1 */
    int serial;          /* SART/MOB/EPIRB: yyyy (0-9999); else -1 */
} mmsi_info;

/* Classify an MMSI (0 .. 2^30-1).  Returns info->reason; info may not be NULL. */
mmsi_reason mmsi_classify(uint32_t mmsi, mmsi_info *info);

/* The number alone: MMSI_VALID or the first reason it is invalid. */
mmsi_reason mmsi_check(uint32_t mmsi);
/* As the source MMSI of an AIS message of type msg_type (1-27; 0 = no message: the number
 * alone).  Types 28-63 are not AIS messages: only the number is checked. */
mmsi_reason mmsi_check_for_type(uint32_t mmsi, unsigned msg_type);
/* True when a station of kind k transmits messages of msg_type (table above; 0 = any kind
 * but INVALID and GROUP). */
int mmsi_kind_sends(mmsi_kind k, unsigned msg_type);
/* The formats expected of the source of msg_type, e.g. "00MIDxxxx" for 4,
 * "MIDxxxxxx, 98MIDxxxx, 970xxyyyy, 972xxyyyy, 974xxyyyy" for 1. */
const char *mmsi_expected_for_type(unsigned msg_type);

/* mmsi_check_for_type with a human explanation written into out (NUL-terminated, truncated to
 * out_cap; nothing written when out_cap is 0), e.g.
 *   "type 4 from 366123456: ship station MIDxxxxxx (United States), expected 00MIDxxxx"
 *   "MID 217 of 217123456 not allocated by the ITU"
 * Returns the same reason as mmsi_check_for_type. */
mmsi_reason mmsi_explain(uint32_t mmsi, unsigned msg_type, char *out, size_t out_cap);

#endif
