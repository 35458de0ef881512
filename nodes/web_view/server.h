/* The HTTP side of web_view (libmicrohttpd): static page, JSON endpoints, live feed.
 *
 * Endpoints (GET unless noted; ?source=playback selects the playback picture):
 *   /                       the page (www_dir/index.html) and its files
 *   /lib/leaflet/...        Leaflet from lib_dir (node_modules/leaflet/dist)
 *   /api/ships.json         AIS-catcher-style ship list; /geojson the same as GeoJSON
 *   /api/track.json?id=S.T  one track with its history trail
 *   /api/alerts.json        alerts by score; ?rule=ais_gap, ?closed=1
 *   /api/stats.json         per-station receiver statistics and node heartbeats
 *   /api/zones.json         the zone files of zones_dir, each checked by the zones library
 *                           (a broken one has "error" instead of "url"); /zones/NAME.geojson
 *   /api/session.json       {"token": ...}: the session token POSTs carry
 *   /api/feed               Server-Sent Events: "delta" events (picture changes since the last
 *                           one, full snapshot first), at most one per feed_interval_s
 *   /api/status.json        mode, event times, counts, playback state, autoplay
 *   POST /api/ack?id=S.A&ack=1&by=NAME    acknowledge (ack=0 withdraw) an alert
 *   POST /api/playback?action=start|pause|resume|seek|speed|stop&archive=&t=&speed=
 *   /api/archives.json      archives offered for playback
 * Every request needs the configured basic-auth credentials when basic_auth is set, and a Host
 * that is an IP literal, localhost or in allowed_hosts (DNS rebinding).  A POST must also come
 * from this origin (Origin / Sec-Fetch-Site / Referer) and carry the session token in the
 * X-Centinela-Token header; otherwise 403.  GET requests change nothing.
 */
#ifndef WEB_VIEW_SERVER_H
#define WEB_VIEW_SERVER_H

#include "picture.h"

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

enum wv_pb_action {
    WV_PB_NONE = 0,
    WV_PB_START,
    WV_PB_PAUSE,
    WV_PB_RESUME,
    WV_PB_SEEK,
    WV_PB_SPEED,
    WV_PB_STOP
};

/* A playback request from the page, carried out by the node's loop (which owns the sockets). */
typedef struct wv_pb_request {
    enum wv_pb_action action;
    char archive[256];
    int64_t t_ns; /* start / seek time, 0: beginning */
    double speed; /* x real time, 0: as fast as possible; < 0: unchanged */
} wv_pb_request;

/* What the HTTP threads and the node loop share; `lock` guards every member. */
typedef struct wv_shared {
    pthread_mutex_t lock;
    wv_picture *live, *playback;
    wv_pb_request request;   /* pending request, action NONE when none */
    json_t *playback_status; /* latest wv_playback_status_json, set by the loop */
    json_t *archives;        /* latest wv_playback_archives_json */
    bool playback_enabled;
    bool autoplay; /* the page starts in Playback and plays by itself (config) */
    uint64_t http_requests, feed_clients;
} wv_shared;

typedef struct wv_server_config {
    const char *listen;        /* "address:port" (IPv4 or [IPv6]); port 0 picks a free one */
    const char *www_dir;       /* the page */
    const char *lib_dir;       /* Leaflet's dist directory */
    const char *zones_dir;     /* GeoJSON zone files */
    const char *basic_auth;    /* "user:password", "" for none */
    const char *allowed_hosts; /* comma-separated host names accepted in Host ("" none); IP
                                  literals and localhost always are */
    double feed_interval_s;    /* least time between two feed events, 0.05..60 */
    int max_connections;       /* 1..1024 */
} wv_server_config;

typedef struct wv_server wv_server;

/* Start serving (threads of its own).  NULL with a logged reason. */
wv_server *wv_server_create(const wv_server_config *cfg, wv_shared *shared);
void wv_server_destroy(wv_server **s);
/* The port actually bound. */
unsigned wv_server_port(const wv_server *s);

/* Parse "S.T" ids of tracks and alerts (S: publisher source id, may be omitted as "T"). */
int wv_parse_id(const char *text, uint32_t *source_id, uint64_t *id);

#endif
