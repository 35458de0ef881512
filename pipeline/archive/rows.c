/* Rows from wire messages, and wire messages from rows (replay).
 *
 * Positions keep the information of the AIS fields exactly: latitude and longitude in 1e-7
 * degree (AIS transmits 1/10,000 minute = 1/600,000 degree, so the rounding is below 1 cm),
 * speed in 0.1 kn and course in 0.1 degree as transmitted by classes A and B.  The "not
 * available" values of each message type (91/181 degree, 1023, 3600, 511, -128; 63 kn and 511
 * degree in type 27) become one marker per field, so a query needs no per-type logic. */
#include "centinela/archive.h"
#include "centinela/sixbit.h"
#ifdef ARCHIVE_HAVE_AIS_DECODE
#include "centinela/ais.h"
#endif

#include <math.h>
#include <string.h>

static void copy_text(char *dst, size_t cap, const char *src)
{
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    memset(dst + n, 0, cap - n);
}

#ifdef ARCHIVE_HAVE_AIS_DECODE
/* 1/10,000 minute to 1e-7 degree (x 1e7 / 600,000 = x 50 / 3); 91/181 degree: not available. */
static int32_t latlon_e7_from_1e4min(int32_t v, int32_t na)
{
    if (v == na || v > na || v < -na)
        return ARCHIVE_LATLON_NA;
    return (int32_t)llround(v * (50.0 / 3.0));
}

/* 1/10 minute (type 27) to 1e-7 degree. */
static int32_t latlon_e7_from_10min(int32_t v, int32_t na)
{
    if (v == na || v > na || v < -na)
        return ARCHIVE_LATLON_NA;
    return (int32_t)llround(v * (1e7 / 600.0));
}

static uint16_t u16_or_na(uint32_t v, uint32_t na, uint32_t scale)
{
    return v == na ? ARCHIVE_U16_NA : (uint16_t)(v * scale);
}

static void fill_position(const ais_msg *a, archive_position *p, bool *ok)
{
    *ok = true;
    p->rot = ARCHIVE_ROT_NA;
    p->nav_status = 15;
    p->sog_dkn = p->cog_ddeg = p->heading_deg = ARCHIVE_U16_NA;
    switch (a->type) {
    case 1:
    case 2:
    case 3: {
        const ais_position *m = &a->u.position;
        p->lat_e7 = latlon_e7_from_1e4min(m->lat, AIS_LAT_NA);
        p->lon_e7 = latlon_e7_from_1e4min(m->lon, AIS_LON_NA);
        p->sog_dkn = u16_or_na(m->speed, AIS_SPEED_NA, 1);
        p->cog_ddeg = m->course >= AIS_COURSE_NA ? ARCHIVE_U16_NA : (uint16_t)m->course;
        p->heading_deg = m->heading >= 360 ? ARCHIVE_U16_NA : (uint16_t)m->heading;
        p->rot = m->turn == AIS_TURN_NA ? ARCHIVE_ROT_NA : (int8_t)m->turn;
        p->nav_status = (uint8_t)m->status;
        p->flags = (m->accuracy ? ARCHIVE_POS_ACCURACY : 0) | (m->raim ? ARCHIVE_POS_RAIM : 0);
        break;
    }
    case 4:
    case 11: {
        const ais_base_station *m = &a->u.base_station;
        p->lat_e7 = latlon_e7_from_1e4min(m->lat, AIS_LAT_NA);
        p->lon_e7 = latlon_e7_from_1e4min(m->lon, AIS_LON_NA);
        p->flags = (m->accuracy ? ARCHIVE_POS_ACCURACY : 0) | (m->raim ? ARCHIVE_POS_RAIM : 0);
        break;
    }
    case 9: { /* SAR aircraft: speed in whole knots */
        const ais_sar *m = &a->u.sar;
        p->lat_e7 = latlon_e7_from_1e4min(m->lat, AIS_LAT_NA);
        p->lon_e7 = latlon_e7_from_1e4min(m->lon, AIS_LON_NA);
        p->sog_dkn = u16_or_na(m->speed, AIS_SPEED_NA, 10);
        p->cog_ddeg = m->course >= AIS_COURSE_NA ? ARCHIVE_U16_NA : (uint16_t)m->course;
        p->flags = (m->accuracy ? ARCHIVE_POS_ACCURACY : 0) | (m->raim ? ARCHIVE_POS_RAIM : 0);
        break;
    }
    case 18:
    case 19: {
        const ais_class_b *m = &a->u.class_b;
        p->lat_e7 = latlon_e7_from_1e4min(m->lat, AIS_LAT_NA);
        p->lon_e7 = latlon_e7_from_1e4min(m->lon, AIS_LON_NA);
        p->sog_dkn = u16_or_na(m->speed, AIS_SPEED_NA, 1);
        p->cog_ddeg = m->course >= AIS_COURSE_NA ? ARCHIVE_U16_NA : (uint16_t)m->course;
        p->heading_deg = m->heading >= 360 ? ARCHIVE_U16_NA : (uint16_t)m->heading;
        p->flags = ARCHIVE_POS_CLASS_B | (m->accuracy ? ARCHIVE_POS_ACCURACY : 0) |
                   (m->raim ? ARCHIVE_POS_RAIM : 0);
        break;
    }
    case 21: {
        const ais_aton *m = &a->u.aton;
        p->lat_e7 = latlon_e7_from_1e4min(m->lat, AIS_LAT_NA);
        p->lon_e7 = latlon_e7_from_1e4min(m->lon, AIS_LON_NA);
        p->flags = (m->accuracy ? ARCHIVE_POS_ACCURACY : 0) | (m->raim ? ARCHIVE_POS_RAIM : 0);
        break;
    }
    case 27: { /* long range: 1/10 minute, whole knots (63 n/a), whole degrees (511 n/a) */
        const ais_long_range *m = &a->u.long_range;
        p->lat_e7 = latlon_e7_from_10min(m->lat, 91 * 600);
        p->lon_e7 = latlon_e7_from_10min(m->lon, 181 * 600);
        p->sog_dkn = u16_or_na(m->speed, 63, 10);
        p->cog_ddeg = m->course >= 360 ? ARCHIVE_U16_NA : (uint16_t)(m->course * 10);
        p->nav_status = (uint8_t)m->status;
        p->flags = (m->accuracy ? ARCHIVE_POS_ACCURACY : 0) | (m->raim ? ARCHIVE_POS_RAIM : 0);
        break;
    }
    default:
        *ok = false;
    }
}

static void fill_static(const ais_msg *a, archive_static *s, bool *ok)
{
    *ok = true;
    s->eta_hour = 24;
    s->eta_minute = 60;
    switch (a->type) {
    case 5: {
        const ais_static_voyage *m = &a->u.static_voyage;
        s->ais_version = (uint8_t)m->ais_version;
        s->imo = m->imo;
        copy_text(s->callsign, sizeof s->callsign, m->callsign);
        copy_text(s->name, sizeof s->name, m->shipname);
        copy_text(s->destination, sizeof s->destination, m->destination);
        s->ship_type = (uint8_t)m->shiptype;
        s->to_bow_m = (uint16_t)m->to_bow;
        s->to_stern_m = (uint16_t)m->to_stern;
        s->to_port_m = (uint8_t)m->to_port;
        s->to_starboard_m = (uint8_t)m->to_starboard;
        s->epfd = (uint8_t)m->epfd;
        s->eta_month = (uint8_t)m->month;
        s->eta_day = (uint8_t)m->day;
        s->eta_hour = (uint8_t)m->hour;
        s->eta_minute = (uint8_t)m->minute;
        s->draught_dm = (uint8_t)m->draught;
        s->dte = m->dte;
        break;
    }
    case 19: {
        const ais_class_b *m = &a->u.class_b;
        copy_text(s->name, sizeof s->name, m->shipname);
        s->ship_type = (uint8_t)m->shiptype;
        s->to_bow_m = (uint16_t)m->to_bow;
        s->to_stern_m = (uint16_t)m->to_stern;
        s->to_port_m = (uint8_t)m->to_port;
        s->to_starboard_m = (uint8_t)m->to_starboard;
        s->epfd = (uint8_t)m->epfd;
        s->dte = m->dte;
        break;
    }
    case 24: {
        const ais_static_data *m = &a->u.static_data;
        s->part = (uint8_t)m->partno;
        if (m->partno == 0) {
            copy_text(s->name, sizeof s->name, m->shipname);
        } else {
            s->ship_type = (uint8_t)m->shiptype;
            copy_text(s->vendor_id, sizeof s->vendor_id, m->vendorid);
            copy_text(s->callsign, sizeof s->callsign, m->callsign);
            if (m->auxiliary) {
                s->mothership_mmsi = m->mothership_mmsi;
            } else {
                s->to_bow_m = (uint16_t)m->to_bow;
                s->to_stern_m = (uint16_t)m->to_stern;
                s->to_port_m = (uint8_t)m->to_port;
                s->to_starboard_m = (uint8_t)m->to_starboard;
            }
        }
        break;
    }
    default:
        *ok = false;
    }
}
#endif

int archive_rows_from_ais(const wire_header *h, const wire_ais *m, uint64_t message_row,
                          archive_message *msg, archive_position *pos, bool *has_position,
                          archive_static *st, bool *has_static)
{
    memset(msg, 0, sizeof *msg);
    *has_position = *has_static = false;
    msg->time_ns = h->event_time_ns;
    msg->rx_time_ns = m->rx_time_ns;
    msg->seq = h->seq;
    msg->source_id = h->source_id;
    msg->station_id = m->station_id;
    msg->signal_dbfs = m->signal_dbfs;
    msg->snr_db = m->snr_db;
    msg->freq_offset_hz = m->freq_offset_hz;
    msg->ppm = m->ppm;
    msg->nbits = m->nbits;
    msg->nmea_len = (uint16_t)strnlen(m->nmea, WIRE_AIS_MAX_NMEA);
    msg->msg_type = (uint8_t)sixbit_get_u(m->bits, m->nbits, 0, 6);
    msg->mmsi = m->nbits >= 38 ? sixbit_get_u(m->bits, m->nbits, 8, 30) : 0;
    msg->channel = (uint8_t)m->channel;
    msg->decode_status = ARCHIVE_NOT_DECODED;
#ifdef ARCHIVE_HAVE_AIS_DECODE
    ais_msg a;
    ais_status s = ais_decode(m->bits, m->nbits, &a);
    msg->decode_status = (uint8_t)s;
    if (s != AIS_OK)
        return 0;
    memset(pos, 0, sizeof *pos);
    pos->time_ns = h->event_time_ns;
    pos->message_row = message_row;
    pos->mmsi = a.mmsi;
    pos->msg_type = (uint8_t)a.type;
    fill_position(&a, pos, has_position);
    memset(st, 0, sizeof *st);
    st->time_ns = h->event_time_ns;
    st->message_row = message_row;
    st->mmsi = a.mmsi;
    st->msg_type = (uint8_t)a.type;
    fill_static(&a, st, has_static);
#else
    (void)pos;
    (void)st;
    (void)message_row;
#endif
    return 0;
}

void archive_row_from_track(const wire_header *h, const wire_track *m, archive_track *r)
{
    memset(r, 0, sizeof *r);
    r->time_ns = m->time_ns;
    r->last_report_ns = m->last_report_ns;
    r->lat_deg = m->lat_deg;
    r->lon_deg = m->lon_deg;
    r->source_id = h->source_id;
    r->seq = h->seq;
    r->track_id = m->track_id;
    r->mmsi = m->mmsi;
    r->imo = m->imo;
    r->zones = m->zones;
    r->radar_site = m->radar_site;
    r->n_reports = m->n_reports;
    r->sog_kn = m->sog_kn;
    r->cog_deg = m->cog_deg;
    r->heading_deg = m->heading_deg;
    r->pos_sigma_m = m->pos_sigma_m;
    r->dist_shore_m = m->dist_shore_m;
    r->flags = m->flags;
    r->length_m = m->length_m;
    r->beam_m = m->beam_m;
    r->radar_target = m->radar_target;
    r->n_stations = m->n_stations;
    r->state = m->state;
    r->update = m->update;
    r->sensors = m->sensors;
    r->ais_class = m->ais_class;
    r->quality = m->quality;
    r->nav_status = m->nav_status;
    r->ship_type = m->ship_type;
    copy_text(r->name, sizeof r->name, m->name);
    copy_text(r->callsign, sizeof r->callsign, m->callsign);
    copy_text(r->destination, sizeof r->destination, m->destination);
}

void archive_row_from_radar(const wire_header *h, const wire_radar *m, archive_radar *r)
{
    memset(r, 0, sizeof *r);
    r->time_ns = m->time_ns;
    r->lat_deg = m->lat_deg;
    r->lon_deg = m->lon_deg;
    r->source_id = h->source_id;
    r->seq = h->seq;
    r->site_id = m->site_id;
    r->range_m = m->range_m;
    r->bearing_deg = m->bearing_deg;
    r->speed_kn = m->speed_kn;
    r->course_deg = m->course_deg;
    r->target = m->target;
    r->status = (uint8_t)m->status;
    copy_text(r->name, sizeof r->name, m->name);
}

void archive_row_from_alert(const wire_header *h, const wire_alert *m, archive_alert *r)
{
    memset(r, 0, sizeof *r);
    r->time_ns = h->event_time_ns;
    r->start_ns = m->start_ns;
    r->end_ns = m->end_ns;
    r->alert_id = m->alert_id;
    r->lat_deg = m->lat_deg;
    r->lon_deg = m->lon_deg;
    r->source_id = h->source_id;
    r->seq = h->seq;
    r->track_id = m->track_id;
    r->n_mmsi = m->n_mmsi <= WIRE_ALERT_MAX_MMSI ? m->n_mmsi : WIRE_ALERT_MAX_MMSI;
    memcpy(r->mmsi, m->mmsi, r->n_mmsi * sizeof r->mmsi[0]);
    r->score = m->score;
    r->severity = m->severity;
    r->confidence = m->confidence;
    r->context = m->context;
    r->evidence_len = (uint16_t)strnlen(m->evidence, WIRE_ALERT_MAX_EVIDENCE);
    r->state = m->state;
    copy_text(r->rule, sizeof r->rule, m->rule);
}

void archive_radar_to_wire(const archive_radar *r, wire_radar *m)
{
    memset(m, 0, sizeof *m);
    m->site_id = r->site_id;
    m->target = r->target;
    m->status = (char)r->status;
    m->time_ns = r->time_ns;
    m->lat_deg = r->lat_deg;
    m->lon_deg = r->lon_deg;
    m->range_m = r->range_m;
    m->bearing_deg = r->bearing_deg;
    m->speed_kn = r->speed_kn;
    m->course_deg = r->course_deg;
    copy_text(m->name, sizeof m->name, r->name);
}

int archive_message_to_wire(const archive_message *r, const char *nmea, const uint8_t *bits,
                            wire_ais *m)
{
    memset(m, 0, sizeof *m);
    if (r->nbits > WIRE_AIS_MAX_BITS || r->nmea_len > WIRE_AIS_MAX_NMEA)
        return -1;
    m->station_id = r->station_id;
    m->channel = (char)r->channel;
    m->rx_time_ns = r->rx_time_ns;
    m->signal_dbfs = r->signal_dbfs;
    m->snr_db = r->snr_db;
    m->freq_offset_hz = r->freq_offset_hz;
    m->ppm = r->ppm;
    m->nbits = r->nbits;
    memcpy(m->bits, bits, (r->nbits + 7u) / 8u);
    memcpy(m->nmea, nmea, r->nmea_len);
    m->nmea[r->nmea_len] = 0;
    return 0;
}

void archive_track_to_wire(const archive_track *r, wire_track *m)
{
    memset(m, 0, sizeof *m);
    m->track_id = r->track_id;
    m->mmsi = r->mmsi;
    m->state = r->state;
    m->update = r->update;
    m->sensors = r->sensors;
    m->ais_class = r->ais_class;
    m->flags = r->flags;
    m->quality = r->quality;
    m->nav_status = r->nav_status;
    m->time_ns = r->time_ns;
    m->last_report_ns = r->last_report_ns;
    m->lat_deg = r->lat_deg;
    m->lon_deg = r->lon_deg;
    m->sog_kn = r->sog_kn;
    m->cog_deg = r->cog_deg;
    m->heading_deg = r->heading_deg;
    m->pos_sigma_m = r->pos_sigma_m;
    m->imo = r->imo;
    m->ship_type = r->ship_type;
    m->length_m = r->length_m;
    m->beam_m = r->beam_m;
    copy_text(m->name, sizeof m->name, r->name);
    copy_text(m->callsign, sizeof m->callsign, r->callsign);
    copy_text(m->destination, sizeof m->destination, r->destination);
    m->zones = r->zones;
    m->dist_shore_m = r->dist_shore_m;
    m->radar_site = r->radar_site;
    m->radar_target = r->radar_target;
    m->n_stations = r->n_stations;
    m->n_reports = r->n_reports;
}

int archive_alert_to_wire(const archive_alert *r, const char *evidence, wire_alert *m)
{
    memset(m, 0, sizeof *m);
    if (r->n_mmsi > WIRE_ALERT_MAX_MMSI || r->evidence_len > WIRE_ALERT_MAX_EVIDENCE ||
        r->state > ALERT_CLOSE)
        return -1;
    m->alert_id = r->alert_id;
    copy_text(m->rule, sizeof m->rule, r->rule);
    m->state = r->state;
    m->n_mmsi = r->n_mmsi;
    memcpy(m->mmsi, r->mmsi, r->n_mmsi * sizeof m->mmsi[0]);
    m->track_id = r->track_id;
    m->start_ns = r->start_ns;
    m->end_ns = r->end_ns;
    m->lat_deg = r->lat_deg;
    m->lon_deg = r->lon_deg;
    m->score = r->score;
    m->severity = r->severity;
    m->confidence = r->confidence;
    m->context = r->context;
    if (r->evidence_len)
        memcpy(m->evidence, evidence, r->evidence_len);
    m->evidence[r->evidence_len] = 0;
    return 0;
}
