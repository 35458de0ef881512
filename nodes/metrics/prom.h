/* Node statistics in the Prometheus text exposition format (version 0.0.4).
 *
 * The registry keeps the latest `stats` message of every node (pipeline/wire/README.md) and
 * renders them with one naming scheme, ready for Grafana:
 *   centinela_<node>_<what>_total   counters: rx_messages, rx_bytes, rx_rejected{class=…},
 *                                   rx_seq_missing, rx_seq_restarts, tx_messages, tx_hwm_drops,
 *                                   tx_errors and every counter the node registers
 *   centinela_<node>_<what>         gauges: every gauge the node registers, tx_subscribers,
 *                                   uptime_seconds, event_time_seconds, up,
 *                                   last_heard_timestamp_seconds, resident_memory_bytes
 *   centinela_<node>_station_*      per receiving station (track_fusion's info.stations):
 *                                   messages_total{station}, vessels, max/typical range in
 *                                   metres, last_heard_event_time_seconds (event time at which
 *                                   the station's count last grew)
 * <node> is the node's config section with every character outside [a-zA-Z0-9_] as '_'.
 * Rates are Prometheus's job: rate(centinela_track_fusion_station_messages_total[5m]). */
#ifndef CENTINELA_PROM_H
#define CENTINELA_PROM_H

#include <stdbool.h>

typedef struct prom_registry prom_registry;

prom_registry *prom_registry_create(void);
void prom_registry_destroy(prom_registry **r);

/* One stats JSON object text received at wall-clock time wall_s.  0, or -1 when it is not a
 * stats object (no "section"/"node" string): counted by the caller. */
int prom_registry_update(prom_registry *r, const char *json, double wall_s);

/* The exposition text (malloc'd).  A node not heard for up_timeout_s reads up 0.  With
 * read_proc, the resident memory of nodes whose pid runs here is read from /proc. */
char *prom_registry_render(const prom_registry *r, double now_wall_s, double up_timeout_s,
                           bool read_proc);

/* Nodes known. */
int prom_registry_nodes(const prom_registry *r);

#endif
