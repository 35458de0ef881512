/* Position tables as analysts exchange them, turned into the AIS messages a receiver would have
 * heard, so a downloaded day of traffic runs through fusion and the rules like a live feed.
 *
 * Two layouts are recognised by their header line (column names, in any order, matched without
 * regard to case or surrounding spaces; unknown columns are ignored):
 *
 *   MarineCadastre (US BOEM/NOAA, AIS data handler 2015+):
 *     MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,
 *     Length,Width,Draft,Cargo,TransceiverClass
 *   Danish Maritime Authority (aisdata.ais.dk):
 *     # Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,
 *     Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing
 *     device,Draught,Destination,ETA,Data source type,A,B,C,D
 *
 * A header needs an MMSI column, a time column (BaseDateTime or Timestamp) and latitude and
 * longitude columns.  Column mapping (a missing or empty cell is "not available"):
 *
 *   table column                     AIS field (M.1371)          note
 *   BaseDateTime / Timestamp         event time (rx_time)        UTC; "2023-01-01T00:00:05"
 *                                                                 or "01/11/2023 00:00:00"
 *                                                                 (DD/MM/YYYY), fraction allowed
 *   MMSI                             mmsi                        1..999999999, else bad row
 *   LAT / Latitude, LON / Longitude  lat, lon (1/10000 min)      outside +-90/+-180: bad row;
 *                                                                 91/181 mean not available
 *   SOG (kn)                         speed (1/10 kn)             >= 102.2 -> 1022
 *   COG (deg)                        course (1/10 deg)           outside 0..360 -> 3600
 *   Heading (deg)                    heading                     outside 0..359 -> 511
 *   ROT (deg/min, DMA)               turn = 4.733 sqrt(|ROT|)    signed, clamped to +-126
 *   Status / Navigational status     status 0..15                DMA text mapped to codes
 *   TransceiverClass / Type of mobile  A: type 1 and 5;          DMA "Class A"/"Class B";
 *                                    B: type 18 and 24 A+B       other mobiles are skipped
 *   VesselName / Name                shipname                    static message
 *   CallSign / Callsign, IMO         callsign, imo ("IMO9..."    "Unknown" = not available
 *                                    accepted)
 *   VesselType / Ship type           shiptype 0..99              DMA text mapped to codes
 *                                                                 (Cargo 70, Tanker 80, ...)
 *   A, B, C, D (m, DMA)              to_bow/stern/port/starb.
 *   Length, Width (m)                when A-D are absent: half to each side (the antenna
 *                                    position is unknown)
 *   Draft / Draught (m)              draught (1/10 m)            type 5 only
 *   Destination, ETA (DMA)           destination, ETA            type 5 only
 *
 * A static message (5, or 24 A and B) is produced for a row whose static columns hold
 * something, the first time an MMSI is seen and whenever its static columns change: the tables
 * repeat them on every row, a transponder sends them every 6 minutes.  The message's UTC second
 * is the row's second. */
#ifndef NMEA_INPUT_CSV_POSITIONS_H
#define NMEA_INPUT_CSV_POSITIONS_H

#include "centinela/ais.h"

#include <stddef.h>
#include <stdint.h>

typedef struct csv_positions csv_positions;

enum csv_layout { CSV_MARINECADASTRE = 1, CSV_DMA };

/* A reader for the table whose header this line is; NULL (silently) when it is not one. */
csv_positions *csv_positions_create(const char *header, size_t len);
void csv_positions_destroy(csv_positions **p);
enum csv_layout csv_positions_layout(const csv_positions *p);
const char *csv_positions_layout_name(const csv_positions *p); /* "MarineCadastre", "DMA" */

#define CSV_MAX_MSGS 3
typedef struct csv_row_msgs {
    int64_t time_ns; /* the row's time, ns since the Unix epoch (UTC) */
    int n;           /* messages in msg[] */
    ais_msg msg[CSV_MAX_MSGS];
} csv_row_msgs;

typedef enum csv_row_status {
    CSV_ROW_OK = 0,  /* out holds the position report and any static data */
    CSV_ROW_SKIPPED, /* blank line, a repeated header or a mobile that is not class A or B */
    CSV_ROW_BAD,     /* too few cells, or a bad time, MMSI, latitude or longitude */
} csv_row_status;

/* Convert one data row. */
csv_row_status csv_positions_row(csv_positions *p, const char *line, size_t len, csv_row_msgs *out);
/* The row's time (ns, UTC) without converting it; 0 when it has none. */
int64_t csv_positions_row_time_ns(const csv_positions *p, const char *line, size_t len);

#endif
