/* Traffic simulator: a scenario of vessels, receiving stations and radar sites over time, out
 * as the NMEA a real deployment would deliver (tag-blocked !AIVDM per station that hears each
 * transmission, ARPA TTM/TLL per radar scan) plus ground truth for scoring.
 *
 * Scenario file (JSON; see pipeline/sim/README.md for every key and its default):
 *   {"start": "2026-03-01T00:00:00Z", "duration_s": 3600, "seed": 1,
 *    "stations": [{"id": 1, "lat": 8.95, "lon": -79.56, "range_nm": 40, "loss": 0.0}],
 *    "radars":   [{"id": 101, "lat": 8.95, "lon": -79.56, "range_nm": 24, "period_s": 3,
 *                  "format": "ttm", "noise_m": 25}],
 *    "vessels":  [{"id": "tanker", "mmsi": 352000001, "class": "A", "ship_type": 80,
 *                  "name": "PACIFIC STAR", "callsign": "HP1234", "imo": 9123456,
 *                  "length_m": 180, "beam_m": 30, "destination": "BALBOA",
 *                  "start_s": 0, "end_s": 3600, "ais": true, "nav_status": 0,
 *                  "route": [{"lat": 8.5, "lon": -79.4, "speed_kn": 12},
 *                            {"lat": 8.88, "lon": -79.48, "stop_s": 1800, "anchor": true},
 *                            {"lat": 9.0, "lon": -79.3, "loiter_s": 600, "loiter_radius_m": 300}],
 *                  "gaps": [{"start_s": 600, "end_s": 1500}],
 *                  "identity": [{"at_s": 1200, "name": "NEW NAME", "mmsi": 352000099}],
 *                  "spoof": [{"at_s": 900, "duration_s": 60, "lat": 9.2, "lon": -79.9}]}]}
 *
 * Reporting follows ITU-R M.1371-5 (fusion_ais_interval_s: class, speed, navigational status)
 * with +-10 % jitter, static data every 6 min (type 5 for class A, 24 A and B for class B).
 * A station hears a transmission when the vessel is within its range (and a seeded draw passes
 * its loss probability); a radar site sees every vessel within its range each period, with
 * Gaussian position noise.  Everything is seeded: the same scenario gives the same output.
 */
#ifndef CENTINELA_SIM_H
#define CENTINELA_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sim sim;

/* Parse a scenario; NULL with a logged "origin: reason" on any error. */
sim *sim_create(const char *json_text, size_t len, const char *origin);
sim *sim_load(const char *path);
void sim_destroy(sim **s);

enum sim_event_kind { SIM_AIS = 1, SIM_RADAR = 2 };
#define SIM_LINE_MAX 512
typedef struct sim_event {
    int kind;                 /* enum sim_event_kind */
    int64_t time_ns;          /* event time (reception / scan time) */
    uint32_t station_id;      /* receiving station (SIM_AIS) or radar site (SIM_RADAR) */
    int vessel;               /* index of the vessel that caused it */
    uint8_t bits[150];        /* SIM_AIS: payload MSB-first */
    size_t nbits;
    char text[SIM_LINE_MAX];  /* the NMEA line(s), tag blocks included, "\n"-terminated */
} sim_event;

/* Next event in time order; returns 1, or 0 at the end of the scenario. */
int sim_next(sim *s, sim_event *ev);

int64_t sim_start_ns(const sim *s);
int64_t sim_end_ns(const sim *s);
int sim_vessel_count(const sim *s);
const char *sim_vessel_id(const sim *s, int vessel);
/* MMSI the vessel transmits at time t (identity changes apply), and whether it transmits AIS. */
uint32_t sim_vessel_mmsi(const sim *s, int vessel, int64_t t_ns);
bool sim_vessel_ais(const sim *s, int vessel);

typedef struct sim_truth {
    double lat_deg, lon_deg;
    double sog_kn, cog_deg;
    bool present;             /* between the vessel's start and end */
    bool transmitting;        /* AIS on and not in a gap */
} sim_truth;
/* True state of a vessel at any time. */
void sim_truth_at(const sim *s, int vessel, int64_t t_ns, sim_truth *out);
/* Write ground truth as JSON Lines, one object per vessel every interval_s:
 * {"t":unix_s,"vessel":"id","mmsi":n,"lat":..,"lon":..,"sog_kn":..,"cog_deg":..,"ais":bool} */
int sim_write_truth(const sim *s, const char *path, double interval_s);

#endif
