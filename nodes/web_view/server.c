/* HTTP server of web_view.  One thread per connection (libmicrohttpd), so a Server-Sent Events
 * stream can wait for the picture to change without holding anyone else up; the number of
 * connections is capped.  Everything read from the pictures is copied out as JSON text under the
 * shared lock, which is held only while that text is built. */
#include "server.h"
#include "zonefiles.h"
#include "centinela/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct wv_server {
    struct MHD_Daemon *daemon;
    wv_shared *sh;
    char *www_dir, *lib_dir, *zones_dir;
    char *auth_user, *auth_pass;
    char **allowed_hosts; /* host names accepted in Host besides IP literals and localhost */
    size_t n_allowed_hosts;
    char token[65]; /* the session token state-changing requests must carry */
    double feed_interval_s;
    volatile int stopping;
    unsigned port;
};

int wv_parse_id(const char *text, uint32_t *source_id, uint64_t *id)
{
    if (!text || !*text)
        return -1;
    char *end;
    errno = 0;
    unsigned long long a = strtoull(text, &end, 10);
    if (errno || end == text)
        return -1;
    if (*end == 0) {
        *source_id = 0;
        *id = a;
        return 0;
    }
    if (*end != '.' || a > UINT32_MAX)
        return -1;
    const char *q = end + 1;
    unsigned long long b = strtoull(q, &end, 10);
    if (errno || end == q || *end)
        return -1;
    *source_id = (uint32_t)a;
    *id = b;
    return 0;
}

/* ---- responses -------------------------------------------------------------------------- */

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status, const char *type,
                                 char *text /* malloc'd, taken */)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_t *o)
{
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    json_decref(o);
    if (!text)
        return send_text(c, 500, "text/plain", x_strdup("internal error\n"));
    return send_text(c, status, "application/json", text);
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
    json_t *o = json_object();
    json_object_set_new(o, "error", json_string(msg));
    return send_json(c, status, o);
}

static const char *mime_of(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {{".html", "text/html; charset=utf-8"},
                 {".js", "text/javascript; charset=utf-8"},
                 {".mjs", "text/javascript; charset=utf-8"},
                 {".css", "text/css; charset=utf-8"},
                 {".json", "application/json"},
                 {".geojson", "application/geo+json"},
                 {".png", "image/png"},
                 {".svg", "image/svg+xml"},
                 {".ico", "image/x-icon"},
                 {".map", "application/json"}};
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

/* Serve dir/rel, refusing any path that could leave dir. */
static enum MHD_Result send_file(struct MHD_Connection *c, const char *dir, const char *rel)
{
    if (!dir || !*dir || strstr(rel, "..") || strchr(rel, '\\') || rel[0] == '/')
        return send_error(c, 404, "not found");
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, rel) >= (int)sizeof path)
        return send_error(c, 404, "not found");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        return send_error(c, 404, "not found");
    }
    struct MHD_Response *r = MHD_create_response_from_fd((size_t)st.st_size, fd);
    if (!r) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", mime_of(path));
    MHD_add_response_header(r, "Cache-Control", "no-cache");
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- live feed (Server-Sent Events) ----------------------------------------------------- */

struct feed {
    wv_server *s;
    bool playback;
    uint64_t since;
    char *buf;
    size_t len, off;
    struct timespec last_event;
    bool first;
};

static double elapsed_s(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - since->tv_sec) + (now.tv_nsec - since->tv_nsec) * 1e-9;
}

/* Build the next event into f->buf: a delta when the picture changed, else a keep-alive
 * comment every 15 s; nothing (returns false) when it is not time yet. */
static bool feed_next(struct feed *f)
{
    wv_shared *sh = f->s->sh;
    double since_last = elapsed_s(&f->last_event);
    if (!f->first && since_last < f->s->feed_interval_s)
        return false;
    char *json = NULL;
    pthread_mutex_lock(&sh->lock);
    wv_picture *p = f->playback ? sh->playback : sh->live;
    uint64_t v = p ? wv_picture_version(p) : 0;
    if (p && (f->first || v != f->since)) {
        json_t *d = wv_picture_delta_json(p, f->first ? 0 : f->since, f->first);
        f->since = v;
        pthread_mutex_unlock(&sh->lock);
        json = json_dumps(d, JSON_COMPACT | JSON_REAL_PRECISION(10));
        json_decref(d);
    } else {
        pthread_mutex_unlock(&sh->lock);
    }
    free(f->buf);
    f->buf = NULL;
    f->len = f->off = 0;
    if (json) {
        size_t k = strlen(json);
        f->buf = x_malloc(k + 64);
        f->len = (size_t)snprintf(f->buf, k + 64, "%sevent: delta\ndata: %s\n\n",
                                  f->first ? "retry: 2000\n" : "", json);
        free(json);
    } else if (since_last >= 15) {
        f->buf = x_strdup(": keep-alive\n\n");
        f->len = strlen(f->buf);
    } else {
        return false;
    }
    f->first = false;
    clock_gettime(CLOCK_MONOTONIC, &f->last_event);
    return true;
}

static ssize_t feed_read(void *cls, uint64_t pos, char *out, size_t max)
{
    struct feed *f = cls;
    (void)pos;
    while (f->off >= f->len) {
        if (f->s->stopping)
            return MHD_CONTENT_READER_END_OF_STREAM;
        if (!feed_next(f)) {
            /* Thread per connection: waiting here blocks nobody else. */
            struct timespec ts = {0, 50000000};
            nanosleep(&ts, NULL);
        }
    }
    size_t k = f->len - f->off < max ? f->len - f->off : max;
    memcpy(out, f->buf + f->off, k);
    f->off += k;
    return (ssize_t)k;
}

static void feed_free(void *cls)
{
    struct feed *f = cls;
    pthread_mutex_lock(&f->s->sh->lock);
    f->s->sh->feed_clients--;
    pthread_mutex_unlock(&f->s->sh->lock);
    free(f->buf);
    free(f);
}

static enum MHD_Result start_feed(struct MHD_Connection *c, wv_server *s, bool playback)
{
    struct feed *f = x_calloc(1, sizeof *f);
    f->s = s;
    f->playback = playback;
    f->first = true;
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, feed_read, f, feed_free);
    if (!r) {
        free(f);
        return MHD_NO;
    }
    pthread_mutex_lock(&s->sh->lock);
    s->sh->feed_clients++;
    pthread_mutex_unlock(&s->sh->lock);
    MHD_add_response_header(r, "Content-Type", "text/event-stream");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- API -------------------------------------------------------------------------------- */

static const char *arg(struct MHD_Connection *c, const char *key)
{
    return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, key);
}

static enum MHD_Result api_playback(struct MHD_Connection *c, wv_server *s)
{
    static const struct {
        const char *name;
        enum wv_pb_action action;
    } actions[] = {{"start", WV_PB_START}, {"pause", WV_PB_PAUSE}, {"resume", WV_PB_RESUME},
                   {"seek", WV_PB_SEEK},   {"speed", WV_PB_SPEED}, {"stop", WV_PB_STOP}};
    const char *a = arg(c, "action");
    wv_pb_request req = {0};
    req.speed = -1;
    for (size_t i = 0; a && i < sizeof actions / sizeof actions[0]; i++)
        if (strcmp(a, actions[i].name) == 0)
            req.action = actions[i].action;
    if (req.action == WV_PB_NONE)
        return send_error(c, 400, "action must be start, pause, resume, seek, speed or stop");
    const char *archive = arg(c, "archive"), *t = arg(c, "t"), *speed = arg(c, "speed");
    if (archive)
        snprintf(req.archive, sizeof req.archive, "%s", archive);
    if (t && *t && wire_parse_time(t, &req.t_ns) != 0)
        return send_error(c, 400, "t is not an ISO 8601 time or Unix seconds");
    if (speed && *speed) {
        char *end;
        req.speed = strtod(speed, &end);
        if (*end || !(req.speed >= 0 && req.speed <= 10000))
            return send_error(c, 400, "speed must be 0 (fastest) .. 10000");
    }
    if (req.action == WV_PB_START && !req.archive[0])
        return send_error(c, 400, "start needs archive");
    pthread_mutex_lock(&s->sh->lock);
    bool enabled = s->sh->playback_enabled;
    if (enabled)
        s->sh->request = req;
    pthread_mutex_unlock(&s->sh->lock);
    if (!enabled)
        return send_error(c, 409, "playback is not configured (playback_cmd, archive_dir)");
    json_t *o = json_object();
    json_object_set_new(o, "accepted", json_string(a));
    return send_json(c, 202, o);
}

static enum MHD_Result api_get(struct MHD_Connection *c, wv_server *s, const char *url)
{
    const char *src = arg(c, "source");
    bool pbk = src && strcmp(src, "playback") == 0;
    wv_shared *sh = s->sh;
    if (strcmp(url, "/api/feed") == 0)
        return start_feed(c, s, pbk);
    if (strcmp(url, "/api/session.json") == 0)
        return send_json(c, 200, json_pack("{s:s}", "token", s->token));
    if (strcmp(url, "/api/zones.json") == 0)
        return send_json(c, 200, wv_zones_list(s->zones_dir));
    json_t *o = NULL;
    bool known = true;
    pthread_mutex_lock(&sh->lock);
    wv_picture *p = pbk ? sh->playback : sh->live;
    if (strcmp(url, "/api/ships.json") == 0) {
        o = wv_picture_ships_json(p);
    } else if (strcmp(url, "/geojson") == 0 || strcmp(url, "/api/ships.geojson") == 0) {
        o = wv_picture_geojson(p);
    } else if (strcmp(url, "/api/track.json") == 0) {
        uint32_t sid;
        uint64_t tid;
        if (wv_parse_id(arg(c, "id"), &sid, &tid) == 0 && tid <= UINT32_MAX)
            o = wv_picture_track_json(p, sid, (uint32_t)tid);
    } else if (strcmp(url, "/api/alerts.json") == 0) {
        const char *closed = arg(c, "closed");
        o = wv_picture_alerts_json(p, arg(c, "rule"), closed && strcmp(closed, "0") != 0);
    } else if (strcmp(url, "/api/stats.json") == 0) {
        o = wv_picture_stats_json(p);
        json_object_set_new(o, "http_requests", json_integer((json_int_t)sh->http_requests));
        json_object_set_new(o, "feed_clients", json_integer((json_int_t)sh->feed_clients));
    } else if (strcmp(url, "/api/status.json") == 0) {
        o = json_object();
        json_object_set_new(o, "live_time_ns", json_integer(wv_picture_event_time(sh->live)));
        json_object_set_new(o, "playback_time_ns",
                            json_integer(wv_picture_event_time(sh->playback)));
        json_object_set_new(o, "vessels", json_integer(wv_picture_track_count(p)));
        json_object_set_new(o, "dark_targets", json_integer(wv_picture_dark_count(p)));
        json_object_set_new(o, "open_alerts", json_integer(wv_picture_open_alert_count(p)));
        json_object_set_new(o, "playback_enabled", json_boolean(sh->playback_enabled));
        json_object_set_new(o, "autoplay", json_boolean(sh->autoplay));
        json_object_set(o, "playback", sh->playback_status ? sh->playback_status : json_null());
    } else if (strcmp(url, "/api/archives.json") == 0) {
        o = sh->archives ? json_deep_copy(sh->archives) : json_pack("{s:[]}", "archives");
    } else {
        known = false;
    }
    pthread_mutex_unlock(&sh->lock);
    if (!known)
        return send_error(c, 404, "no such endpoint");
    if (!o)
        return send_error(c, 404, "no such track");
    return send_json(c, 200, o);
}

/* ---- cross-site requests ------------------------------------------------------------------
 *
 * A page the operator opens elsewhere can make the browser send requests here (with the basic
 * auth credentials it holds), and a host name of the attacker's that resolves to 127.0.0.1 makes
 * the browser treat us as that site (DNS rebinding).  So (OWASP CSRF Prevention Cheat Sheet):
 *  - every request must name us in Host: an IP literal, "localhost" or one of allowed_hosts;
 *  - a state-changing request (POST) must come from our own origin (Origin, else Sec-Fetch-Site
 *    and Referer, when the browser sends them) and carry the session token in the
 *    X-Centinela-Token header.  The page reads the token from /api/session.json, which another
 *    site cannot read (no CORS headers), and a custom header cannot be sent cross-site without
 *    a CORS preflight that we never grant.
 * GET requests change nothing. */

#define TOKEN_HEADER "X-Centinela-Token"

/* The host part of a Host header value ("[::1]:8100" -> "::1", "a.b:80" -> "a.b"). */
static void host_name(const char *host, char *out, size_t cap)
{
    const char *end;
    if (host[0] == '[') {
        host++;
        end = strchr(host, ']');
    } else {
        end = strchr(host, ':');
    }
    size_t k = end ? (size_t)(end - host) : strlen(host);
    if (k >= cap)
        k = cap - 1;
    memcpy(out, host, k);
    out[k] = 0;
}

static bool host_allowed(const wv_server *s, const char *host)
{
    if (!host)
        return true; /* HTTP/1.0 without Host: not a browser */
    char name[256];
    host_name(host, name, sizeof name);
    unsigned char addr[16];
    if (inet_pton(AF_INET, name, addr) == 1 || inet_pton(AF_INET6, name, addr) == 1 ||
        strcasecmp(name, "localhost") == 0)
        return true;
    for (size_t i = 0; i < s->n_allowed_hosts; i++)
        if (strcasecmp(name, s->allowed_hosts[i]) == 0)
            return true;
    return false;
}

/* Whether url ("http://host[:port][/...]") is of the origin http(s)://host. */
static bool same_origin(const char *url, const char *host)
{
    const char *rest = strncmp(url, "http://", 7) == 0    ? url + 7
                       : strncmp(url, "https://", 8) == 0 ? url + 8
                                                          : NULL;
    size_t k = strlen(host);
    return rest && strncasecmp(rest, host, k) == 0 && (rest[k] == 0 || rest[k] == '/');
}

/* NULL when a state-changing request may go ahead, else why not. */
static const char *cross_site_reason(struct MHD_Connection *c, const wv_server *s)
{
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    const char *fetch_site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
    const char *referer = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Referer");
    if (origin && (!host || !same_origin(origin, host)))
        return "cross-origin request refused (Origin is not this server)";
    if (!origin && fetch_site && strcmp(fetch_site, "same-origin") != 0 &&
        strcmp(fetch_site, "none") != 0)
        return "cross-site request refused (Sec-Fetch-Site)";
    if (!origin && referer && (!host || !same_origin(referer, host)))
        return "cross-origin request refused (Referer is not this server)";
    const char *token = MHD_lookup_connection_value(c, MHD_HEADER_KIND, TOKEN_HEADER);
    size_t n = sizeof s->token - 1;
    unsigned diff = !token || strlen(token) != n;
    for (size_t i = 0; token && !diff && i < n; i++)
        diff |= (unsigned)(token[i] ^ s->token[i]);
    if (diff)
        return "missing or wrong session token (" TOKEN_HEADER " from /api/session.json)";
    return NULL;
}

static bool auth_ok(struct MHD_Connection *c, wv_server *s)
{
    if (!s->auth_user)
        return true;
    char *pass = NULL;
    char *user = MHD_basic_auth_get_username_password(c, &pass);
    bool ok = false;
    if (user && pass) {
        /* Compare without an early exit so timing does not reveal how much matched. */
        size_t lu = strlen(user), lp = strlen(pass), eu = strlen(s->auth_user),
               ep = strlen(s->auth_pass);
        unsigned diff = (unsigned)(lu != eu) | (unsigned)(lp != ep);
        for (size_t i = 0; i < lu && i < eu; i++)
            diff |= (unsigned)(user[i] ^ s->auth_user[i]);
        for (size_t i = 0; i < lp && i < ep; i++)
            diff |= (unsigned)(pass[i] ^ s->auth_pass[i]);
        ok = diff == 0;
    }
    MHD_free(user);
    MHD_free(pass);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    wv_server *s = cls;
    (void)version;
    (void)upload;
    bool post = strcmp(method, "POST") == 0;
    if (*con_cls == NULL) { /* first call: headers only */
        *con_cls = (void *)1;
        if (post)
            return MHD_YES;
    }
    if (post && *upload_size) { /* parameters travel in the query string; the body is ignored */
        *upload_size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&s->sh->lock);
    s->sh->http_requests++;
    pthread_mutex_unlock(&s->sh->lock);
    if (!auth_ok(c, s)) {
        char *text = x_strdup("authentication required\n");
        struct MHD_Response *r =
            MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
        enum MHD_Result ret = MHD_queue_basic_auth_fail_response(c, "centinela", r);
        MHD_destroy_response(r);
        return ret;
    }
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    if (!host_allowed(s, host)) {
        log_warn("refused a request for host '%s' (not an address, localhost or allowed_hosts)",
                 host);
        return send_error(c, 403, "this host name is not served: add it to web_view allowed_hosts");
    }
    if (post) {
        const char *why = cross_site_reason(c, s);
        if (why) {
            log_warn("refused POST %s: %s", url, why);
            return send_error(c, 403, why);
        }
        if (strcmp(url, "/api/ack") == 0) {
            uint32_t sid;
            uint64_t aid;
            if (wv_parse_id(arg(c, "id"), &sid, &aid) != 0)
                return send_error(c, 400, "id must be SOURCE.ALERT");
            const char *ack = arg(c, "ack"), *by = arg(c, "by"), *src = arg(c, "source");
            bool pbk = src && strcmp(src, "playback") == 0;
            struct timespec now;
            clock_gettime(CLOCK_REALTIME, &now); /* operator action time, not event time */
            pthread_mutex_lock(&s->sh->lock);
            int rc = wv_picture_ack(pbk ? s->sh->playback : s->sh->live, sid, aid,
                                    !ack || strcmp(ack, "0") != 0, by ? by : "",
                                    (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec);
            pthread_mutex_unlock(&s->sh->lock);
            if (rc != 0)
                return send_error(c, 404, "no such alert");
            return send_json(c, 200, json_pack("{s:b}", "ok", 1));
        }
        if (strcmp(url, "/api/playback") == 0)
            return api_playback(c, s);
        return send_error(c, 404, "no such endpoint");
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return send_error(c, 405, "method not allowed");
    if (strncmp(url, "/api/", 5) == 0 || strcmp(url, "/geojson") == 0)
        return api_get(c, s, url);
    if (strncmp(url, "/lib/leaflet/", 13) == 0)
        return send_file(c, s->lib_dir, url + 13);
    if (strncmp(url, "/zones/", 7) == 0)
        return send_file(c, s->zones_dir, url + 7);
    if (strcmp(url, "/") == 0)
        return send_file(c, s->www_dir, "index.html");
    return send_file(c, s->www_dir, url + 1);
}

/* ---- life cycle ------------------------------------------------------------------------- */

static int parse_listen(const char *text, struct sockaddr_storage *ss)
{
    char host[128];
    const char *colon = strrchr(text, ':');
    if (!colon || colon == text || (size_t)(colon - text) >= sizeof host)
        return -1;
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = 0;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535)
        return -1;
    memset(ss, 0, sizeof *ss);
    if (host[0] == '[') {
        size_t k = strlen(host);
        if (k < 3 || host[k - 1] != ']')
            return -1;
        host[k - 1] = 0;
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        return inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1 ? 0 : -1;
    }
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &a4->sin_addr) == 1 ? 0 : -1;
}

static bool is_loopback(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
    return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)ss)->sin6_addr);
}

wv_server *wv_server_create(const wv_server_config *cfg, wv_shared *shared)
{
    struct sockaddr_storage ss;
    if (parse_listen(cfg->listen, &ss) != 0) {
        log_error("listen '%s' is not ADDRESS:PORT (e.g. 127.0.0.1:8100 or [::1]:8100)",
                  cfg->listen);
        return NULL;
    }
    if (!(cfg->feed_interval_s >= 0.05 && cfg->feed_interval_s <= 60)) {
        log_error("feed_interval_s %g outside 0.05..60", cfg->feed_interval_s);
        return NULL;
    }
    if (cfg->max_connections < 1 || cfg->max_connections > 1024) {
        log_error("max_connections %d outside 1..1024", cfg->max_connections);
        return NULL;
    }
    const char *auth = cfg->basic_auth ? cfg->basic_auth : "";
    if (*auth && (!strchr(auth, ':') || auth[0] == ':')) {
        log_error("basic_auth must be USER:PASSWORD");
        return NULL;
    }
    if (!is_loopback(&ss) && !*auth)
        log_warn("listening on %s without basic_auth: anyone who reaches it sees the picture",
                 cfg->listen);
    wv_server *s = x_calloc(1, sizeof *s);
    s->sh = shared;
    s->www_dir = x_strdup(cfg->www_dir ? cfg->www_dir : "");
    s->lib_dir = x_strdup(cfg->lib_dir ? cfg->lib_dir : "");
    s->zones_dir = x_strdup(cfg->zones_dir ? cfg->zones_dir : "");
    s->feed_interval_s = cfg->feed_interval_s;
    unsigned char random[32];
    if (getrandom(random, sizeof random, 0) != (ssize_t)sizeof random) {
        log_error("cannot draw the session token: %s", strerror(errno));
        wv_server_destroy(&s);
        return NULL;
    }
    for (size_t i = 0; i < sizeof random; i++)
        snprintf(s->token + 2 * i, 3, "%02x", random[i]);
    char *hosts = x_strdup(cfg->allowed_hosts ? cfg->allowed_hosts : ""), *save = NULL;
    for (char *h = strtok_r(hosts, ",", &save); h; h = strtok_r(NULL, ",", &save)) {
        s->allowed_hosts = x_realloc(s->allowed_hosts, (s->n_allowed_hosts + 1) * sizeof(char *));
        s->allowed_hosts[s->n_allowed_hosts++] = x_strdup(h);
    }
    free(hosts);
    if (*auth) {
        const char *colon = strchr(auth, ':');
        s->auth_user = x_strdup(auth);
        s->auth_user[colon - auth] = 0;
        s->auth_pass = x_strdup(colon + 1);
    }
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_ERROR_LOG | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
                                 (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT,
                                 (unsigned)cfg->max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
                                 (unsigned)120, MHD_OPTION_END);
    if (!s->daemon) {
        log_error("cannot listen on %s: %s", cfg->listen, strerror(errno));
        wv_server_destroy(&s);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : 0;
    return s;
}

unsigned wv_server_port(const wv_server *s)
{
    return s->port;
}

void wv_server_destroy(wv_server **ps)
{
    if (!ps || !*ps)
        return;
    wv_server *s = *ps;
    s->stopping = 1;
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    free(s->www_dir);
    free(s->lib_dir);
    free(s->zones_dir);
    free(s->auth_user);
    free(s->auth_pass);
    for (size_t i = 0; i < s->n_allowed_hosts; i++)
        free(s->allowed_hosts[i]);
    free(s->allowed_hosts);
    free(s);
    *ps = NULL;
}
