/* GeoJSON loading and validation (RFC 7946) with jansson.
 *
 * A file is accepted whole or refused whole: any error rolls back what the file had added, and
 * the one message names the file, the feature and the reason, so a watch officer who dropped in a
 * broken EEZ sees why the node refused to start. */
#include "zones_internal.h"

#include "centinela/log.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const kind_names[ZONE_KIND_COUNT] = {
    "eez",       "territorial_sea", "contiguous_zone", "canal_approach",
    "anchorage", "tss_lane",        "tss_separation",  "port",
    "land",      "navigable_water", "land_extent",
};

const char *zone_kind_name(enum zone_kind kind)
{
    return (unsigned)kind < ZONE_KIND_COUNT ? kind_names[kind] : NULL;
}

int zone_kind_parse(const char *name)
{
    for (int k = 0; k < ZONE_KIND_COUNT; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return k;
    return -1;
}

struct load_ctx {
    struct zones *z;
    const char *origin;
    char err[256];
    bool no_shore; /* the feature being read: a land feature with "shore": false */
};

#define FAIL(c, ...) (snprintf((c)->err, sizeof(c)->err, __VA_ARGS__), -1)

static int read_position(struct load_ctx *c, json_t *pos, double *lon, double *lat)
{
    if (!json_is_array(pos) || json_array_size(pos) < 2 ||
        !json_is_number(json_array_get(pos, 0)) || !json_is_number(json_array_get(pos, 1)))
        return FAIL(c, "a position is not [lon, lat]");
    *lon = json_number_value(json_array_get(pos, 0));
    *lat = json_number_value(json_array_get(pos, 1));
    if (!isfinite(*lon) || !isfinite(*lat) || *lon < -180 || *lon > 180 || *lat < -90 || *lat > 90)
        return FAIL(c, "position [%g, %g] outside [-180..180, -90..90]", *lon, *lat);
    return 0;
}

static int add_ring(struct load_ctx *c, int feature, bool hole, json_t *ring, double bbox[4])
{
    if (!json_is_array(ring))
        return FAIL(c, "a ring is not an array of positions");
    size_t n = json_array_size(ring);
    if (n > 10000000)
        return FAIL(c, "a ring has more than 10 million positions");
    double first_lon = 0, first_lat = 0, prev_lon = 0, prev_lat = 0;
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        double lon, lat;
        if (read_position(c, json_array_get(ring, i), &lon, &lat) != 0)
            return -1;
        if (i == 0) {
            first_lon = lon;
            first_lat = lat;
            distinct = 1;
        } else if (lon != prev_lon || lat != prev_lat) {
            if (fabs(lon - prev_lon) > 180)
                return FAIL(c, "a ring crosses the antimeridian (not supported)");
            zones_internal_add_edge(c->z, feature, hole, prev_lon, prev_lat, lon, lat);
            distinct++;
        }
        if (lon < bbox[1])
            bbox[1] = lon;
        if (lon > bbox[3])
            bbox[3] = lon;
        if (lat < bbox[0])
            bbox[0] = lat;
        if (lat > bbox[2])
            bbox[2] = lat;
        prev_lon = lon;
        prev_lat = lat;
    }
    if (n && (prev_lon != first_lon || prev_lat != first_lat)) {
        /* RFC 7946 wants closed rings; close an open one rather than refuse it. */
        zones_internal_add_edge(c->z, feature, hole, prev_lon, prev_lat, first_lon, first_lat);
    } else if (distinct > 1) {
        distinct--; /* the closing position repeats the first */
    }
    if (distinct < 3)
        return FAIL(c, "a ring has fewer than 3 distinct positions");
    return 0;
}

static int add_polygon(struct load_ctx *c, int feature, json_t *rings, double bbox[4])
{
    if (!json_is_array(rings) || json_array_size(rings) == 0)
        return FAIL(c, "a polygon is not a non-empty array of rings");
    size_t i;
    json_t *ring;
    json_array_foreach(rings, i, ring)
    {
        if (add_ring(c, feature, i > 0 || c->no_shore, ring, bbox) != 0)
            return -1;
    }
    return 0;
}

static int add_feature(struct load_ctx *c, json_t *f, int index)
{
    if (!json_is_object(f) || !json_is_string(json_object_get(f, "type")) ||
        strcmp(json_string_value(json_object_get(f, "type")), "Feature") != 0)
        return FAIL(c, "not a GeoJSON Feature object");
    json_t *props = json_object_get(f, "properties");
    if (!json_is_object(props))
        return FAIL(c, "no properties object (a \"kind\" property is required)");
    json_t *jkind = json_object_get(props, "kind");
    if (!json_is_string(jkind))
        return FAIL(c, "no \"kind\" property (one of eez, territorial_sea, contiguous_zone, "
                       "canal_approach, anchorage, tss_lane, tss_separation, port, land)");
    int kind = zone_kind_parse(json_string_value(jkind));
    if (kind < 0)
        return FAIL(c, "unknown kind \"%.40s\"", json_string_value(jkind));
    json_t *jname = json_object_get(props, "name");
    if (jname && !json_is_string(jname) && !json_is_null(jname))
        return FAIL(c, "\"name\" is not a string");
    float dir = NAN;
    json_t *jdir = json_object_get(props, "direction_deg");
    if (kind == ZONE_TSS_LANE) {
        if (!json_is_number(jdir) || json_number_value(jdir) < 0 || json_number_value(jdir) > 360)
            return FAIL(c, "tss_lane needs \"direction_deg\" between 0 and 360");
        dir = (float)json_number_value(jdir);
    }
    /* "shore": false marks inland water filled in as land (a reservoir behind a dam): inside it
     * a position is on land, and its edges are no coast, so no berth (zones_inland_m). */
    json_t *jshore = json_object_get(props, "shore");
    if (jshore && !json_is_boolean(jshore))
        return FAIL(c, "\"shore\" is not true or false");
    if (jshore && kind != ZONE_LAND)
        return FAIL(c, "\"shore\" applies to land features only");
    c->no_shore = jshore && json_is_false(jshore);
    json_t *geom = json_object_get(f, "geometry");
    json_t *gtype = json_is_object(geom) ? json_object_get(geom, "type") : NULL;
    json_t *coords = json_is_object(geom) ? json_object_get(geom, "coordinates") : NULL;
    if (!json_is_string(gtype) || !coords)
        return FAIL(c, "no geometry with type and coordinates");
    const char *t = json_string_value(gtype);
    int fi = zones_internal_add_feature(c->z, (enum zone_kind)kind,
                                        json_is_string(jname) ? json_string_value(jname) : "",
                                        c->origin, index, dir);
    double bbox[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    if (strcmp(t, "Polygon") == 0) {
        if (add_polygon(c, fi, coords, bbox) != 0)
            return -1;
    } else if (strcmp(t, "MultiPolygon") == 0) {
        if (!json_is_array(coords) || json_array_size(coords) == 0)
            return FAIL(c, "MultiPolygon coordinates are not a non-empty array");
        size_t i;
        json_t *poly;
        json_array_foreach(coords, i, poly)
        {
            if (add_polygon(c, fi, poly, bbox) != 0)
                return -1;
        }
    } else {
        return FAIL(c, "geometry type %.20s is not Polygon or MultiPolygon", t);
    }
    zone_info *zi = &c->z->feat[fi];
    zi->min_lat_deg = bbox[0];
    zi->min_lon_deg = bbox[1];
    zi->max_lat_deg = bbox[2];
    zi->max_lon_deg = bbox[3];
    return 0;
}

int zones_add_geojson(zones *z, const char *text, size_t len, const char *origin)
{
    if (z->built) {
        log_error("%s: zones already built; add files before zones_build()", origin);
        return -1;
    }
    struct load_ctx c = {z, origin, "", false};
    size_t nfeat0 = z->nfeat, nedges0 = z->nedges;
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        log_error("%s: not valid JSON: line %d column %d: %s", origin, jerr.line, jerr.column,
                  jerr.text);
        return -1;
    }
    int rc = 0, index = -1;
    json_t *type = json_is_object(root) ? json_object_get(root, "type") : NULL;
    if (!json_is_string(type)) {
        rc = FAIL(&c, "top level is not a GeoJSON object with a \"type\"");
    } else if (strcmp(json_string_value(type), "FeatureCollection") == 0) {
        json_t *features = json_object_get(root, "features");
        if (!json_is_array(features)) {
            rc = FAIL(&c, "FeatureCollection without a \"features\" array");
        } else {
            size_t i;
            json_t *f;
            json_array_foreach(features, i, f)
            {
                index = (int)i;
                if ((rc = add_feature(&c, f, index)) != 0)
                    break;
            }
        }
    } else if (strcmp(json_string_value(type), "Feature") == 0) {
        index = 0;
        rc = add_feature(&c, root, 0);
    } else {
        rc = FAIL(&c,
                  "type %.30s: expected FeatureCollection or Feature (zones need a \"kind\" "
                  "property)",
                  json_string_value(type));
    }
    json_decref(root);
    if (rc != 0) {
        if (index >= 0)
            log_error("%s: feature %d: %s", origin, index, c.err);
        else
            log_error("%s: %s", origin, c.err);
        zones_internal_truncate(z, nfeat0, nedges0);
        return -1;
    }
    return 0;
}

static int add_file(zones *z, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        log_error("%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = x_malloc(cap);
    for (;;) {
        if (len == cap) {
            if (cap >= (512u << 20)) {
                log_error("%s: larger than 512 MiB", path);
                free(buf);
                fclose(f);
                return -1;
            }
            cap *= 2;
            buf = x_realloc(buf, cap);
        }
        size_t k = fread(buf + len, 1, cap - len, f);
        len += k;
        if (k == 0)
            break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        log_error("%s: read error", path);
        free(buf);
        return -1;
    }
    int rc = zones_add_geojson(z, buf, len, path);
    free(buf);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

int zones_add_path(zones *z, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        log_error("%s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return has_suffix(path, ".nc") ? zones_add_gshhg(z, path, NULL) : add_file(z, path);
    DIR *d = opendir(path);
    if (!d) {
        log_error("%s: %s", path, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' ||
            !(has_suffix(e->d_name, ".geojson") || has_suffix(e->d_name, ".json")))
            continue;
        names = x_realloc(names, (n + 1) * sizeof *names);
        size_t k = strlen(path) + strlen(e->d_name) + 2;
        names[n] = x_malloc(k);
        snprintf(names[n], k, "%s/%s", path, e->d_name);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (rc == 0 && add_file(z, names[i]) != 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    return rc;
}

zones *zones_load(const char *paths)
{
    zones *z = zones_create();
    char *list = x_strdup(paths ? paths : "");
    char *save = NULL;
    int rc = 0;
    for (char *tok = strtok_r(list, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        if (*tok)
            rc = zones_add_path(z, tok);
    }
    free(list);
    if (rc != 0 || zones_build(z) != 0) {
        zones_destroy(&z);
        return NULL;
    }
    return z;
}
