/* Field lists of every table: the single source of the HDF5 types and the unit attributes. */
#include "schema.h"

#include "centinela/log.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const field_desc message_fields[] = {
    {"time_ns", offsetof(archive_message, time_ns), FK_I64, 0, "ns since 1970-01-01 UTC",
     "event time of the message (wire header)"},
    {"rx_time_ns", offsetof(archive_message, rx_time_ns), FK_I64, 0, "ns since 1970-01-01 UTC",
     "reception time (event time: sample clock or NMEA tag block)"},
    {"seq", offsetof(archive_message, seq), FK_U64, 0, "", "publisher's sequence number"},
    {"nmea_offset", offsetof(archive_message, nmea_offset), FK_U64, 0, "byte",
     "offset of the NMEA sentences in messages_nmea"},
    {"bits_offset", offsetof(archive_message, bits_offset), FK_U64, 0, "byte",
     "offset of the payload bits in messages_bits"},
    {"source_id", offsetof(archive_message, source_id), FK_U32, 0, "", "publisher id"},
    {"station_id", offsetof(archive_message, station_id), FK_U32, 0, "", "receiving station"},
    {"mmsi", offsetof(archive_message, mmsi), FK_U32, 0, "", "source MMSI (payload bits 8-37)"},
    {"signal_dbfs", offsetof(archive_message, signal_dbfs), FK_F32, 0, "dBFS",
     "signal level; NaN when unknown"},
    {"snr_db", offsetof(archive_message, snr_db), FK_F32, 0, "dB", "SNR estimate; NaN when unknown"},
    {"freq_offset_hz", offsetof(archive_message, freq_offset_hz), FK_F32, 0, "Hz",
     "carrier frequency offset; NaN when unknown"},
    {"ppm", offsetof(archive_message, ppm), FK_F32, 0, "ppm",
     "frequency offset relative to the channel; NaN when unknown"},
    {"nbits", offsetof(archive_message, nbits), FK_U16, 0, "bit", "payload length"},
    {"nmea_len", offsetof(archive_message, nmea_len), FK_U16, 0, "byte",
     "length of the NMEA sentences in messages_nmea"},
    {"msg_type", offsetof(archive_message, msg_type), FK_U8, 0, "", "AIS message type (bits 0-5)"},
    {"channel", offsetof(archive_message, channel), FK_CHAR, 1, "", "AIS channel 'A', 'B' or ''"},
    {"decode_status", offsetof(archive_message, decode_status), FK_U8, 0, "",
     "0 decoded, 1 unknown type, 2 bad length, 3 bad value, 255 not decoded"},
};

static const field_desc position_fields[] = {
    {"time_ns", offsetof(archive_position, time_ns), FK_I64, 0, "ns since 1970-01-01 UTC",
     "event time of the message"},
    {"message_row", offsetof(archive_position, message_row), FK_U64, 0, "",
     "row of the message in `messages` of this file"},
    {"mmsi", offsetof(archive_position, mmsi), FK_U32, 0, "", "MMSI"},
    {"lat_e7", offsetof(archive_position, lat_e7), FK_I32, 0, "1e-7 degree",
     "latitude WGS84; -2147483648 not available"},
    {"lon_e7", offsetof(archive_position, lon_e7), FK_I32, 0, "1e-7 degree",
     "longitude WGS84; -2147483648 not available"},
    {"sog_dkn", offsetof(archive_position, sog_dkn), FK_U16, 0, "0.1 knot",
     "speed over ground; 65535 not available"},
    {"cog_ddeg", offsetof(archive_position, cog_ddeg), FK_U16, 0, "0.1 degree",
     "course over ground 0..3599; 65535 not available"},
    {"heading_deg", offsetof(archive_position, heading_deg), FK_U16, 0, "degree",
     "true heading 0..359; 65535 not available"},
    {"rot", offsetof(archive_position, rot), FK_I8, 0, "ROT_AIS",
     "rate of turn as transmitted (deg/min = (rot/4.733)^2, signed); -128 not available"},
    {"msg_type", offsetof(archive_position, msg_type), FK_U8, 0, "", "AIS message type"},
    {"nav_status", offsetof(archive_position, nav_status), FK_U8, 0, "",
     "navigational status 0..15 (15 not defined)"},
    {"flags", offsetof(archive_position, flags), FK_U8, 0, "",
     "bit 0 position accuracy high, bit 1 RAIM, bit 2 class B"},
};

static const field_desc static_fields[] = {
    {"time_ns", offsetof(archive_static, time_ns), FK_I64, 0, "ns since 1970-01-01 UTC",
     "event time of the message"},
    {"message_row", offsetof(archive_static, message_row), FK_U64, 0, "",
     "row of the message in `messages` of this file"},
    {"mmsi", offsetof(archive_static, mmsi), FK_U32, 0, "", "MMSI"},
    {"imo", offsetof(archive_static, imo), FK_U32, 0, "", "IMO number; 0 unknown"},
    {"mothership_mmsi", offsetof(archive_static, mothership_mmsi), FK_U32, 0, "",
     "type 24 B of an auxiliary craft; else 0"},
    {"to_bow_m", offsetof(archive_static, to_bow_m), FK_U16, 0, "m", "reference point to bow"},
    {"to_stern_m", offsetof(archive_static, to_stern_m), FK_U16, 0, "m", "reference point to stern"},
    {"to_port_m", offsetof(archive_static, to_port_m), FK_U8, 0, "m", "reference point to port"},
    {"to_starboard_m", offsetof(archive_static, to_starboard_m), FK_U8, 0, "m",
     "reference point to starboard"},
    {"msg_type", offsetof(archive_static, msg_type), FK_U8, 0, "", "5, 19 or 24"},
    {"part", offsetof(archive_static, part), FK_U8, 0, "", "type 24: 0 part A, 1 part B"},
    {"ship_type", offsetof(archive_static, ship_type), FK_U8, 0, "",
     "ITU-R M.1371 ship and cargo type"},
    {"epfd", offsetof(archive_static, epfd), FK_U8, 0, "", "position fixing device type"},
    {"ais_version", offsetof(archive_static, ais_version), FK_U8, 0, "", "AIS version indicator"},
    {"dte", offsetof(archive_static, dte), FK_U8, 0, "", "1 data terminal not ready"},
    {"eta_month", offsetof(archive_static, eta_month), FK_U8, 0, "month", "ETA month, 0 n/a"},
    {"eta_day", offsetof(archive_static, eta_day), FK_U8, 0, "day", "ETA day, 0 n/a"},
    {"eta_hour", offsetof(archive_static, eta_hour), FK_U8, 0, "hour", "ETA hour UTC, 24 n/a"},
    {"eta_minute", offsetof(archive_static, eta_minute), FK_U8, 0, "minute", "ETA minute, 60 n/a"},
    {"draught_dm", offsetof(archive_static, draught_dm), FK_U8, 0, "0.1 m", "draught"},
    {"callsign", offsetof(archive_static, callsign), FK_STR, 7, "", "call sign"},
    {"name", offsetof(archive_static, name), FK_STR, 20, "", "vessel name"},
    {"destination", offsetof(archive_static, destination), FK_STR, 20, "", "destination"},
    {"vendor_id", offsetof(archive_static, vendor_id), FK_STR, 7, "", "type 24 B vendor id"},
};

static const field_desc track_fields[] = {
    {"time_ns", offsetof(archive_track, time_ns), FK_I64, 0, "ns since 1970-01-01 UTC",
     "event time of this track state"},
    {"last_report_ns", offsetof(archive_track, last_report_ns), FK_I64, 0,
     "ns since 1970-01-01 UTC", "event time of the last sensor report"},
    {"lat_deg", offsetof(archive_track, lat_deg), FK_F64, 0, "degree", "latitude WGS84"},
    {"lon_deg", offsetof(archive_track, lon_deg), FK_F64, 0, "degree", "longitude WGS84"},
    {"source_id", offsetof(archive_track, source_id), FK_U32, 0, "", "publisher id"},
    {"seq", offsetof(archive_track, seq), FK_U64, 0, "", "publisher's sequence number"},
    {"track_id", offsetof(archive_track, track_id), FK_U32, 0, "", "track id"},
    {"mmsi", offsetof(archive_track, mmsi), FK_U32, 0, "", "MMSI; 0 radar-only track"},
    {"imo", offsetof(archive_track, imo), FK_U32, 0, "", "IMO number; 0 unknown"},
    {"zones", offsetof(archive_track, zones), FK_U32, 0, "",
     "bit (1 << zone kind) for each zone kind the position is inside"},
    {"radar_site", offsetof(archive_track, radar_site), FK_U32, 0, "",
     "radar site of the associated radar track; 0 none"},
    {"n_reports", offsetof(archive_track, n_reports), FK_U32, 0, "", "reports merged"},
    {"sog_kn", offsetof(archive_track, sog_kn), FK_F32, 0, "knot", "speed over ground; NaN unknown"},
    {"cog_deg", offsetof(archive_track, cog_deg), FK_F32, 0, "degree",
     "course over ground; NaN unknown"},
    {"heading_deg", offsetof(archive_track, heading_deg), FK_F32, 0, "degree",
     "true heading; NaN unknown"},
    {"pos_sigma_m", offsetof(archive_track, pos_sigma_m), FK_F32, 0, "m",
     "1-sigma position uncertainty"},
    {"dist_shore_m", offsetof(archive_track, dist_shore_m), FK_F32, 0, "m",
     "distance to shore; NaN without a shoreline"},
    {"flags", offsetof(archive_track, flags), FK_U16, 0, "",
     "1 dark, 2 split, 4 in coverage, 8 on land (wire TRACK_FLAG_*)"},
    {"length_m", offsetof(archive_track, length_m), FK_U16, 0, "m", "length"},
    {"beam_m", offsetof(archive_track, beam_m), FK_U16, 0, "m", "beam"},
    {"radar_target", offsetof(archive_track, radar_target), FK_U16, 0, "",
     "target number at radar_site"},
    {"n_stations", offsetof(archive_track, n_stations), FK_U16, 0, "",
     "AIS stations that heard this vessel"},
    {"state", offsetof(archive_track, state), FK_U8, 0, "",
     "0 tentative, 1 confirmed, 2 lost, 3 removed"},
    {"update", offsetof(archive_track, update), FK_U8, 0, "",
     "0 position, 1 static, 2 snapshot, 3 state"},
    {"sensors", offsetof(archive_track, sensors), FK_U8, 0, "", "bit 0 AIS, bit 1 radar"},
    {"ais_class", offsetof(archive_track, ais_class), FK_CHAR, 1, "",
     "'A', 'B', 'N' AtoN, 'S' SAR aircraft, 'X' base station, '' unknown"},
    {"quality", offsetof(archive_track, quality), FK_U8, 0, "percent", "track quality 0..100"},
    {"nav_status", offsetof(archive_track, nav_status), FK_U8, 0, "",
     "navigational status (15 not defined)"},
    {"ship_type", offsetof(archive_track, ship_type), FK_U8, 0, "", "ship and cargo type"},
    {"name", offsetof(archive_track, name), FK_STR, 20, "", "vessel name"},
    {"callsign", offsetof(archive_track, callsign), FK_STR, 7, "", "call sign"},
    {"destination", offsetof(archive_track, destination), FK_STR, 20, "", "destination"},
};

static const field_desc radar_fields[] = {
    {"time_ns", offsetof(archive_radar, time_ns), FK_I64, 0, "ns since 1970-01-01 UTC",
     "event time of the report"},
    {"lat_deg", offsetof(archive_radar, lat_deg), FK_F64, 0, "degree", "latitude WGS84"},
    {"lon_deg", offsetof(archive_radar, lon_deg), FK_F64, 0, "degree", "longitude WGS84"},
    {"source_id", offsetof(archive_radar, source_id), FK_U32, 0, "", "publisher id"},
    {"seq", offsetof(archive_radar, seq), FK_U64, 0, "", "publisher's sequence number"},
    {"site_id", offsetof(archive_radar, site_id), FK_U32, 0, "", "radar site"},
    {"range_m", offsetof(archive_radar, range_m), FK_F32, 0, "m", "range from the site; NaN unknown"},
    {"bearing_deg", offsetof(archive_radar, bearing_deg), FK_F32, 0, "degree",
     "bearing from the site; NaN unknown"},
    {"speed_kn", offsetof(archive_radar, speed_kn), FK_F32, 0, "knot", "target speed; NaN unknown"},
    {"course_deg", offsetof(archive_radar, course_deg), FK_F32, 0, "degree",
     "target course; NaN unknown"},
    {"target", offsetof(archive_radar, target), FK_U16, 0, "", "target number 0..999"},
    {"status", offsetof(archive_radar, status), FK_CHAR, 1, "",
     "'T' tracking, 'Q' acquiring, 'L' lost"},
    {"name", offsetof(archive_radar, name), FK_STR, 20, "", "target name"},
};

static const field_desc alert_fields[] = {
    {"time_ns", offsetof(archive_alert, time_ns), FK_I64, 0, "ns since 1970-01-01 UTC",
     "event time of this state change"},
    {"start_ns", offsetof(archive_alert, start_ns), FK_I64, 0, "ns since 1970-01-01 UTC",
     "start of the behaviour"},
    {"end_ns", offsetof(archive_alert, end_ns), FK_I64, 0, "ns since 1970-01-01 UTC",
     "end (or latest time) of the behaviour"},
    {"alert_id", offsetof(archive_alert, alert_id), FK_U64, 0, "",
     "id, stable over open/update/close for one source"},
    {"evidence_offset", offsetof(archive_alert, evidence_offset), FK_U64, 0, "byte",
     "offset of the evidence JSON in alerts_evidence"},
    {"lat_deg", offsetof(archive_alert, lat_deg), FK_F64, 0, "degree", "latitude WGS84"},
    {"lon_deg", offsetof(archive_alert, lon_deg), FK_F64, 0, "degree", "longitude WGS84"},
    {"source_id", offsetof(archive_alert, source_id), FK_U32, 0, "", "publisher id"},
    {"seq", offsetof(archive_alert, seq), FK_U64, 0, "", "publisher's sequence number"},
    {"track_id", offsetof(archive_alert, track_id), FK_U32, 0, "", "track id"},
    {"mmsi", offsetof(archive_alert, mmsi), FK_U32_ARRAY, WIRE_ALERT_MAX_MMSI, "",
     "MMSIs involved; the first n_mmsi are valid"},
    {"score", offsetof(archive_alert, score), FK_F32, 0, "", "0..100"},
    {"severity", offsetof(archive_alert, severity), FK_F32, 0, "", "severity factor"},
    {"confidence", offsetof(archive_alert, confidence), FK_F32, 0, "", "confidence factor"},
    {"context", offsetof(archive_alert, context), FK_F32, 0, "", "context factor"},
    {"evidence_len", offsetof(archive_alert, evidence_len), FK_U16, 0, "byte",
     "length of the evidence JSON"},
    {"state", offsetof(archive_alert, state), FK_U8, 0, "", "0 open, 1 update, 2 close"},
    {"n_mmsi", offsetof(archive_alert, n_mmsi), FK_U8, 0, "", "valid entries of mmsi (0 radar-only)"},
    {"rule", offsetof(archive_alert, rule), FK_STR, 23, "", "rule id, e.g. ais_gap"},
};

static const field_desc stats_fields[] = {
    {"time_ns", offsetof(archive_stats, time_ns), FK_I64, 0, "ns since 1970-01-01 UTC",
     "the node's latest event time"},
    {"wall_time_ns", offsetof(archive_stats, wall_time_ns), FK_I64, 0, "ns since 1970-01-01 UTC",
     "WALL-CLOCK reception time (not reproducible)"},
    {"json_offset", offsetof(archive_stats, json_offset), FK_U64, 0, "byte",
     "offset of the stats JSON in stats_json"},
    {"source_id", offsetof(archive_stats, source_id), FK_U32, 0, "", "publisher id"},
    {"json_len", offsetof(archive_stats, json_len), FK_U32, 0, "byte", "length of the stats JSON"},
    {"node", offsetof(archive_stats, node), FK_STR, 31, "", "node (config section) name"},
};

static const table_desc tables[ARCHIVE_TABLE_COUNT] = {
    [ARCHIVE_MESSAGES] = {"messages", sizeof(archive_message), message_fields, N(message_fields),
                          16384, "every received AIS message with its RF metadata"},
    [ARCHIVE_POSITIONS] = {"positions", sizeof(archive_position), position_fields,
                           N(position_fields), 16384,
                           "decoded position reports (types 1-4, 9, 11, 18, 19, 21, 27)"},
    [ARCHIVE_STATIC] = {"static", sizeof(archive_static), static_fields, N(static_fields), 4096,
                        "decoded static and voyage data (types 5, 19, 24)"},
    [ARCHIVE_TRACKS] = {"tracks", sizeof(archive_track), track_fields, N(track_fields), 4096,
                        "fused track states"},
    [ARCHIVE_RADAR] = {"radar", sizeof(archive_radar), radar_fields, N(radar_fields), 4096,
                       "ARPA radar target reports"},
    [ARCHIVE_ALERTS] = {"alerts", sizeof(archive_alert), alert_fields, N(alert_fields), 1024,
                        "alert state changes"},
    [ARCHIVE_STATS] = {"stats", sizeof(archive_stats), stats_fields, N(stats_fields), 256,
                       "node statistics (wall-clock driven: not part of reproducible content)"},
};

static const char *const blob_names[ARCHIVE_BLOB_COUNT] = {
    "messages_nmea", "messages_bits", "alerts_evidence", "stats_json"};
static const enum archive_table blob_owner[ARCHIVE_BLOB_COUNT] = {
    ARCHIVE_MESSAGES, ARCHIVE_MESSAGES, ARCHIVE_ALERTS, ARCHIVE_STATS};
static const char *const blob_desc[ARCHIVE_BLOB_COUNT] = {
    "NMEA sentences of each message, '\\n'-separated (messages.nmea_offset, nmea_len)",
    "AIS payload bits of each message, MSB-first (messages.bits_offset, (nbits + 7) // 8 bytes)",
    "evidence JSON object of each alert (alerts.evidence_offset, evidence_len)",
    "stats JSON object of each stats row (stats.json_offset, json_len)"};

const table_desc *schema_table(enum archive_table t)
{
    return (unsigned)t < ARCHIVE_TABLE_COUNT ? &tables[t] : NULL;
}

const char *archive_table_name(enum archive_table t)
{
    return (unsigned)t < ARCHIVE_TABLE_COUNT ? tables[t].name : NULL;
}

const char *archive_blob_name(enum archive_blob b)
{
    return (unsigned)b < ARCHIVE_BLOB_COUNT ? blob_names[b] : NULL;
}

enum archive_table schema_blob_owner(enum archive_blob b)
{
    return blob_owner[b];
}

const char *schema_blob_description(enum archive_blob b)
{
    return blob_desc[b];
}

int archive_table_from_name(const char *name)
{
    for (int t = 0; t < ARCHIVE_TABLE_COUNT; t++)
        if (strcmp(tables[t].name, name) == 0)
            return t;
    return -1;
}

size_t archive_row_size(enum archive_table t)
{
    return (unsigned)t < ARCHIVE_TABLE_COUNT ? tables[t].row_size : 0;
}

/* The HDF5 type of one field; file = the packed on-disk flavour (strings without their NUL). */
static hid_t field_type(const field_desc *f, bool file)
{
    switch (f->kind) {
    case FK_I64: return H5Tcopy(H5T_NATIVE_INT64);
    case FK_U64: return H5Tcopy(H5T_NATIVE_UINT64);
    case FK_I32: return H5Tcopy(H5T_NATIVE_INT32);
    case FK_U32: return H5Tcopy(H5T_NATIVE_UINT32);
    case FK_U16: return H5Tcopy(H5T_NATIVE_UINT16);
    case FK_I8: return H5Tcopy(H5T_NATIVE_INT8);
    case FK_U8: return H5Tcopy(H5T_NATIVE_UINT8);
    case FK_F32: return H5Tcopy(H5T_NATIVE_FLOAT);
    case FK_F64: return H5Tcopy(H5T_NATIVE_DOUBLE);
    case FK_CHAR:
    case FK_STR: {
        hid_t s = H5Tcopy(H5T_C_S1);
        if (s < 0)
            return H5I_INVALID_HID;
        size_t size = f->kind == FK_CHAR ? 1 : (file ? f->len : f->len + 1u);
        H5T_str_t pad = (f->kind == FK_CHAR || file) ? H5T_STR_NULLPAD : H5T_STR_NULLTERM;
        if (H5Tset_size(s, size) < 0 || H5Tset_strpad(s, pad) < 0) {
            H5Tclose(s);
            return H5I_INVALID_HID;
        }
        return s;
    }
    case FK_U32_ARRAY: {
        hsize_t dim = f->len;
        return H5Tarray_create2(H5T_NATIVE_UINT32, 1, &dim);
    }
    }
    return H5I_INVALID_HID;
}

static hid_t build_type(const table_desc *t, bool file)
{
    size_t size = t->row_size;
    if (file) {
        size = 0;
        for (size_t i = 0; i < t->n_fields; i++) {
            hid_t ft = field_type(&t->fields[i], true);
            if (ft < 0) {
                log_error("HDF5 type of %s.%s", t->name, t->fields[i].name);
                return H5I_INVALID_HID;
            }
            size += H5Tget_size(ft);
            H5Tclose(ft);
        }
    }
    hid_t c = H5Tcreate(H5T_COMPOUND, size);
    if (c < 0) {
        log_error("H5Tcreate(compound %s) failed", t->name);
        return H5I_INVALID_HID;
    }
    size_t off = 0;
    for (size_t i = 0; i < t->n_fields; i++) {
        const field_desc *f = &t->fields[i];
        hid_t ft = field_type(f, file);
        if (ft < 0 || H5Tinsert(c, f->name, file ? off : f->offset, ft) < 0) {
            log_error("HDF5 type of %s.%s", t->name, f->name);
            if (ft >= 0)
                H5Tclose(ft);
            H5Tclose(c);
            return H5I_INVALID_HID;
        }
        off += H5Tget_size(ft);
        H5Tclose(ft);
    }
    return c;
}

hid_t schema_mem_type(const table_desc *t)
{
    return build_type(t, false);
}

hid_t schema_file_type(const table_desc *t)
{
    return build_type(t, true);
}
