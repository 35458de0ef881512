/* AIS message decoding and encoding (ITU-R M.1371-5 Annex 8), all 27 message types, with the
 * common binary application payloads (IMO SN.1/Circ.236 and 289, GLA, inland ERI) of types 6/8.
 *
 * Positions are kept as transmitted: lon/lat in 1/10,000 minute (types 1-4, 9, 11, 18, 19, 21),
 * 1/1,000 minute (application payloads), 1/10 minute (17, 22, 23, 27).  Helpers below convert.
 * Field names follow gpsd's AIVDM documentation, so JSON output (ais_json.h) uses them directly.
 *
 * Results separate "not mine" (type 0 or 28-63: not a message this codec knows) from corrupt
 * (a length no transmitter legitimately sends), so callers count them apart (ais_stats).
 * Lenient lengths (documented in each message file, after gpsd's driver_ais.c) are accepted.
 */
#ifndef CENTINELA_AIS_H
#define CENTINELA_AIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "centinela/sixbit.h"

typedef enum ais_status {
    AIS_OK = 0,
    AIS_NOT_MINE,     /* unknown message type (0, 28-63) */
    AIS_BAD_LENGTH,   /* too short / too long for the type */
    AIS_BAD_VALUE,    /* structurally impossible content (e.g. type 24 part 2 or 3) */
    AIS_STATUS_COUNT
} ais_status;
const char *ais_status_name(ais_status s);
/* Ship and cargo type in gpsd's words (ITU-R M.1371 table 53); "INVALID SHIP TYPE" beyond 99. */
const char *ais_shiptype_text(uint32_t t);

typedef struct ais_stats {
    uint64_t status[AIS_STATUS_COUNT];
    uint64_t by_type[64];
} ais_stats;

/* Not-available values (M.1371 Table 46 and friends). */
#define AIS_LON_NA 108600000   /* 181 deg in 1/10000 min */
#define AIS_LAT_NA 54600000    /* 91 deg */
#define AIS_SPEED_NA 1023
#define AIS_COURSE_NA 3600
#define AIS_HEADING_NA 511
#define AIS_TURN_NA (-128)

typedef struct ais_position { /* types 1, 2, 3 */
    uint32_t status, speed, course, heading, second, maneuver, spare, radio;
    int32_t turn, lon, lat;
    bool accuracy, raim;
} ais_position;

typedef struct ais_base_station { /* types 4, 11 */
    uint32_t year, month, day, hour, minute, second, epfd, spare, radio;
    int32_t lon, lat;
    bool accuracy, raim;
} ais_base_station;

typedef struct ais_static_voyage { /* type 5 */
    uint32_t ais_version, imo, shiptype, to_bow, to_stern, to_port, to_starboard, epfd;
    uint32_t month, day, hour, minute, draught, spare;
    uint32_t dte; /* 0 = data terminal ready */
    char callsign[8], shipname[21], destination[21];
} ais_static_voyage;

/* ---- binary application payloads (types 6, 8) ---- */
typedef enum ais_app_kind {
    AIS_APP_NONE = 0,       /* raw data only (unknown DAC/FI, or length does not match) */
    AIS_APP_DAC1_FID12,     /* IMO236 dangerous cargo indication */
    AIS_APP_DAC1_FID14,     /* IMO236 tidal window */
    AIS_APP_DAC1_FID18,     /* IMO289 clearance time to enter port */
    AIS_APP_DAC1_FID30,     /* IMO289 text description (addressed) */
    AIS_APP_DAC1_FID32,     /* IMO289 tidal window */
    AIS_APP_DAC1_FID11,     /* IMO236 meteorological/hydrological data */
    AIS_APP_DAC1_FID31,     /* IMO289 meteorological/hydrological data */
    AIS_APP_DAC1_FID29,     /* IMO289 text description (broadcast) */
    AIS_APP_DAC235_FID10,   /* GLA AtoN monitoring data (also DAC 250) */
    AIS_APP_DAC200_FID10,   /* inland ship static and voyage related data */
    AIS_APP_DAC200_FID55, /* inland number of persons on board (type 6) */
} ais_app_kind;

typedef struct ais_tidal {
    int32_t lon, lat;
    uint32_t from_hour, from_min, to_hour, to_min, cdir, cspeed;
} ais_tidal;

typedef struct ais_meteo { /* DAC 1 FI 11 (unsigned, offset-coded) and FI 31 (signed) */
    int32_t lon, lat, airtemp, dewpoint, waterlevel, watertemp;
    uint32_t day, hour, minute, wspeed, wgust, wdir, wgustdir, humidity, pressure, pressuretend;
    uint32_t visibility, leveltrend, cspeed, cdir, cspeed2, cdir2, cdepth2, cspeed3, cdir3;
    uint32_t cdepth3, waveheight, waveperiod, wavedir, swellheight, swellperiod, swelldir;
    uint32_t seastate, preciptype, salinity, ice;
    bool accuracy, visgreater;
} ais_meteo;

typedef union ais_app {
    struct {
        char lastport[6], nextport[6], dangerous[21], imdcat[5];
        uint32_t lmonth, lday, lhour, lminute, nmonth, nday, nhour, nminute, unid, amount, unit;
    } dac1fid12;
    struct {
        uint32_t month, day, ntidals;
        ais_tidal tidals[12];
    } tidal; /* FI 14 and 32 */
    struct {
        uint32_t linkage, month, day, hour, minute;
        int32_t lon, lat;
        char portname[21], destination[6];
    } dac1fid18;
    struct {
        uint32_t linkage;
        char text[162];
    } text; /* FI 29 and 30 */
    ais_meteo meteo;
    struct {
        uint32_t ana_int, ana_ext1, ana_ext2, racon, light, stat_ext;
        bool alarm, off_pos;
    } dac235fid10;
    struct {
        char vin[9];
        uint32_t length, beam, shiptype, hazard, draught, loaded;
        bool speed_q, course_q, heading_q;
    } dac200fid10;
    struct {
        uint32_t crew, passengers, personnel; /* 255, 8191, 255 = unknown */
    } dac200fid55;
} ais_app;

#define AIS_DATA_MAX_BYTES 160
/* Types 6 (addressed) and 8 (broadcast).  Decoding fills data/bitcount (the application data
 * after DAC/FI) and, for a known DAC/FI of a fitting length, app_kind/app.  ais_encode writes
 * data/bitcount; when bitcount is 0 and app_kind is set it writes the payload from app. */
typedef struct ais_binary {
    uint32_t seqno, dest_mmsi, spare, dac, fid; /* seqno, dest_mmsi, retransmit: type 6 only */
    bool retransmit;
    ais_app_kind app_kind;
    ais_app app;
    uint32_t bitcount; /* application data after DAC/FI */
    uint8_t data[AIS_DATA_MAX_BYTES];
} ais_binary;

typedef struct ais_ack { /* types 7, 13 */
    uint32_t count;      /* 1-4 acknowledged stations */
    uint32_t mmsi[4], seqno[4];
} ais_ack;

typedef struct ais_sar { /* type 9 */
    uint32_t alt, speed, course, second, regional, spare, radio, dte;
    int32_t lon, lat;
    bool accuracy, assigned, raim;
} ais_sar;

typedef struct ais_utc_inquiry { /* type 10 */
    uint32_t dest_mmsi;
} ais_utc_inquiry;

typedef struct ais_safety { /* types 12 (addressed), 14 (broadcast) */
    uint32_t seqno, dest_mmsi;
    bool retransmit;
    char text[162];
} ais_safety;

typedef struct ais_interrogation { /* type 15 */
    uint32_t mmsi1, type1_1, offset1_1, type1_2, offset1_2, mmsi2, type2_1, offset2_1;
} ais_interrogation;

typedef struct ais_assigned_mode { /* type 16 */
    uint32_t mmsi1, offset1, increment1, mmsi2, offset2, increment2;
} ais_assigned_mode;

typedef struct ais_dgnss { /* type 17 */
    int32_t lon, lat; /* 1/10 min */
    uint32_t bitcount;
    uint8_t data[AIS_DATA_MAX_BYTES];
} ais_dgnss;

typedef struct ais_class_b { /* types 18, 19 */
    uint32_t reserved, speed, course, heading, second, regional, radio;
    int32_t lon, lat;
    bool accuracy, cs, display, dsc, band, msg22, assigned, raim;
    /* type 19 only */
    char shipname[21];
    uint32_t shiptype, to_bow, to_stern, to_port, to_starboard, epfd, dte;
} ais_class_b;

typedef struct ais_data_link { /* type 20 */
    uint32_t count; /* 1-4 reservations */
    struct {
        uint32_t offset, number, timeout, increment;
    } slot[4];
} ais_data_link;

typedef struct ais_aton { /* type 21 */
    uint32_t aid_type, to_bow, to_stern, to_port, to_starboard, epfd, second, regional;
    int32_t lon, lat;
    bool accuracy, off_position, raim, virtual_aid, assigned;
    char name[35]; /* 20 chars + up to 14 in the name extension */
} ais_aton;

typedef struct ais_channel_mgmt { /* type 22 */
    uint32_t channel_a, channel_b, txrx, zonesize;
    bool power, addressed, band_a, band_b;
    int32_t ne_lon, ne_lat, sw_lon, sw_lat; /* 1/10 min, when !addressed */
    uint32_t dest1, dest2;                  /* when addressed */
} ais_channel_mgmt;

typedef struct ais_group_assign { /* type 23 */
    int32_t ne_lon, ne_lat, sw_lon, sw_lat; /* 1/10 min */
    uint32_t stationtype, shiptype, txrx, interval, quiet;
} ais_group_assign;

typedef struct ais_static_data { /* type 24 */
    uint32_t partno; /* 0 = part A (name), 1 = part B (the rest) */
    char shipname[21];
    uint32_t shiptype, model, serial;
    char vendorid[8], callsign[8];
    uint32_t to_bow, to_stern, to_port, to_starboard, mothership_mmsi;
    bool auxiliary; /* MMSI 98MIDxxxx: dimensions replaced by the mothership MMSI */
} ais_static_data;

typedef struct ais_binary_slot { /* types 25 (single slot), 26 (multiple slot) */
    bool addressed, structured;
    uint32_t dest_mmsi, app_id, radio; /* radio: type 26 only */
    uint32_t bitcount;
    uint8_t data[AIS_DATA_MAX_BYTES];
} ais_binary_slot;

typedef struct ais_long_range { /* type 27 */
    bool accuracy, raim, gnss;
    uint32_t status, speed, course, spare;
    int32_t lon, lat; /* 1/10 min */
} ais_long_range;

typedef struct ais_msg {
    uint32_t type, repeat, mmsi;
    union {
        ais_position position;
        ais_base_station base_station;
        ais_static_voyage static_voyage;
        ais_binary binary;
        ais_ack ack;
        ais_sar sar;
        ais_utc_inquiry utc_inquiry;
        ais_safety safety;
        ais_interrogation interrogation;
        ais_assigned_mode assigned_mode;
        ais_dgnss dgnss;
        ais_class_b class_b;
        ais_data_link data_link;
        ais_aton aton;
        ais_channel_mgmt channel_mgmt;
        ais_group_assign group_assign;
        ais_static_data static_data;
        ais_binary_slot binary_slot;
        ais_long_range long_range;
    } u;
} ais_msg;

/* Decode nbits MSB-first bits into *out.  stats may be NULL; otherwise the result is counted. */
ais_status ais_decode(const uint8_t *bits, size_t nbits, ais_msg *out);
ais_status ais_decode_counted(const uint8_t *bits, size_t nbits, ais_msg *out, ais_stats *stats);

/* Encode *m into bits (MSB-first, bits_cap_bytes >= SIXBIT_MAX_BYTES is always enough).
 * Supported for every type whose struct holds the whole message (all but unknown types).
 * Returns 0 with *nbits_out set, or -1 (unsupported type or overflow). */
int ais_encode(const ais_msg *m, uint8_t *bits, size_t bits_cap_bytes, size_t *nbits_out);

/* Type 24 parts merged as gpsd merges them: a part A is held (per MMSI, the latest few) and
 * not output; a part B takes the name of the held part A of its MMSI, and its JSON then carries
 * "shipname" first, as gpsd's merged object does.  Unlike gpsd, a part B without a held part A
 * is output as it is (gpsd drops it).  A part B's shipname is not transmitted in it: ais_encode
 * writes part B without it.  Every other message passes unchanged. */
typedef struct ais_merge24 ais_merge24;
ais_merge24 *ais_merge24_create(void);
void ais_merge24_destroy(ais_merge24 **g);
/* 1 when *m is to be output (a part B possibly completed with a name), 0 when it was held. */
int ais_merge24_push(ais_merge24 *g, ais_msg *m);

/* Degrees from the transmitted units: 1/10000 min, 1/1000 min, 1/10 min. */
static inline double ais_deg_1e4min(int32_t v)
{
    return v / 600000.0;
}
static inline double ais_deg_1e3min(int32_t v)
{
    return v / 60000.0;
}
static inline double ais_deg_10min(int32_t v)
{
    return v / 600.0;
}

#endif
