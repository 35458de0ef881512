/* Zones: named areas from GeoJSON (EEZ, territorial sea, anchorages, traffic-separation lanes,
 * land...) with a spatial index for point-in-zone and distance queries.
 *
 * Input: GeoJSON FeatureCollection, Feature or bare geometry files (RFC 7946).  Each feature is a
 * Polygon or MultiPolygon (holes allowed) with properties:
 *   "kind"          required, one of the names of enum zone_kind below ("eez", "land", ...)
 *   "name"          optional text
 *   "direction_deg" required for tss_lane: the lane's direction of traffic, 0..360 true
 * Other properties are ignored.  Coordinates are [lon, lat] in WGS84 degrees.  A malformed file
 * is refused whole with the file, the feature number and the reason (never half-loaded).
 * Rings crossing the antimeridian are not supported (Panama is far from it).
 *
 * The index is a uniform latitude/longitude grid over the loaded features.  Each cell knows which
 * features cover it entirely and, for features whose boundary crosses it, the boundary edges
 * inside it and whether the cell centre is inside; a query tests only the edges of its own cell
 * (parity of the crossings between the centre and the point), so a point lookup costs a few
 * segment tests whatever the size of the polygons.  Distances search the grid outward ring by ring.
 *
 * A GSHHG shoreline file may be added as a world-wide land source (zones_add_gshhg).
 *
 * A zones object is immutable once built: queries are safe from several threads.
 */
#ifndef CENTINELA_ZONES_H
#define CENTINELA_ZONES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Zone kinds; wire_track.zones carries bit (1 << kind).  Order and values are part of the wire
 * contract: append only. */
enum zone_kind {
    ZONE_EEZ = 0,
    ZONE_TERRITORIAL_SEA = 1,
    ZONE_CONTIGUOUS_ZONE = 2,
    ZONE_CANAL_APPROACH = 3,
    ZONE_ANCHORAGE = 4,
    ZONE_TSS_LANE = 5,
    ZONE_TSS_SEPARATION = 6,
    ZONE_PORT = 7,
    ZONE_LAND = 8,
    /* Water where ships lawfully are although a coarse land mask covers it: canal channel,
     * locks and lakes, harbour basins, marinas.  It overrides land: zones_mask_at() drops the
     * land bit inside it and zones_dist_shore_m() / zones_inland_m() treat it as water. */
    ZONE_NAVIGABLE_WATER = 9,
    /* The area within which the loaded land features are complete: shore distances are known
     * only inside it (outside, "no land found" means "not loaded", not "far offshore").
     * Without any land_extent feature, each land feature's bounding box stands in. */
    ZONE_LAND_EXTENT = 10,
    ZONE_KIND_COUNT
};
#define ZONE_BIT(kind) (1u << (kind))
#define ZONE_MASK_ALL ((1u << ZONE_KIND_COUNT) - 1u)

/* "eez", "territorial_sea", ... ; NULL for a value out of range. */
const char *zone_kind_name(enum zone_kind kind);
/* Kind from its name; -1 when unknown. */
int zone_kind_parse(const char *name);

typedef struct zone_info {
    enum zone_kind kind;
    const char *name;    /* "" when the feature has none */
    const char *source;  /* file (or origin) it came from */
    int feature_index;   /* position of the feature in its file, from 0 */
    float direction_deg; /* tss_lane traffic direction, NaN for other kinds */
    double min_lat_deg, min_lon_deg, max_lat_deg, max_lon_deg; /* bounding box */
} zone_info;

typedef struct zones zones;

/* An empty set; add files, then zones_build() before querying. */
zones *zones_create(void);
void zones_destroy(zones **z);

/* Parse and validate GeoJSON text; origin names it in messages.  Returns 0, or -1 with one logged
 * error "origin: feature N: reason" (nothing from that text is kept). */
int zones_add_geojson(zones *z, const char *text, size_t len, const char *origin);
/* A file, or every *.geojson / *.json file of a directory (sorted by name).  A *.nc file is a
 * GSHHG binned shoreline file (zones_add_gshhg, whole world).  0 or -1 (logged). */
int zones_add_path(zones *z, const char *path);
/* A world-wide land source: GMT's binned GSHHG shorelines (Debian gmt-gshhg-*:
 * /usr/share/gmt-gshhg/binned_GSHHS_{c,l,i,h,f}.nc).  It answers land and shore distance where
 * the GeoJSON land extent does not reach (zones_land_known, zones_dist_shore_m, the land bit of
 * zones_mask_at, zones_inland_m); inside that extent the GeoJSON land and navigable water keep
 * precedence.  GSHHG has no rivers or canals: inland waterways read as land.  bbox_deg
 * {min_lat, min_lon, max_lat, max_lon} (NULL: the whole world) limits what is indexed; outside
 * it nothing is known.  One GSHHG file per zones object.  0, or -1 (logged) for a file that is
 * not a well-formed GSHHG binned file. */
int zones_add_gshhg(zones *z, const char *path, const double *bbox_deg);
/* Build the spatial index.  Returns 0, or -1 (logged) when nothing usable was loaded.  An empty
 * set builds fine (every query answers "nowhere"). */
int zones_build(zones *z);

/* Convenience: create, add each comma-separated file or directory, build.  NULL on any error. */
zones *zones_load(const char *paths);

size_t zones_count(const zones *z);
const zone_info *zones_feature(const zones *z, size_t index);
/* Bit mask of kinds with at least one feature loaded. */
uint32_t zones_kinds_loaded(const zones *z);

/* Kinds (bit mask of 1 << zone_kind) whose features contain the point. */
uint32_t zones_mask_at(const zones *z, double lat_deg, double lon_deg);
/* Features of the kinds in kind_mask containing the point: writes up to max indices into out and
 * returns how many there are (may exceed max). */
int zones_find(const zones *z, double lat_deg, double lon_deg, uint32_t kind_mask, int *out,
               int max);
/* Distance in metres from the point to the nearest feature of a kind in kind_mask: 0 inside one,
 * INFINITY when none lies within max_m (max_m > 0 bounds the search work).  *feature (may be
 * NULL) gets the nearest feature index, or -1. */
double zones_distance_m(const zones *z, double lat_deg, double lon_deg, uint32_t kind_mask,
                        double max_m, int *feature);
/* Distance to the nearest boundary of any feature, inside or outside it (INFINITY beyond max_m):
 * zone membership cannot change before a point has moved that far, so callers cache zones_mask_at
 * results against it. */
double zones_edge_distance_m(const zones *z, double lat_deg, double lon_deg, double max_m);
/* Distance to the nearest land feature (0 on land, navigable water excepted), searched to
 * 1,000 km.  NaN when it is not known: no land loaded, the point outside the land extent
 * (ZONE_LAND_EXTENT, else the bounding boxes of the land features), or the nearest land found
 * farther than the edge of that extent (land beyond it, not loaded, could be nearer).  Inside
 * navigable water: the distance to the edge of that water.  With a GSHHG shoreline loaded, it
 * answers outside the extent (distance to its nearest shoreline of any level: coast, lake, island
 * in a lake, pond; 0 on its land within 2 km of its coast, NaN deeper inland: a vessel there is
 * on a river or canal GSHHG does not have) and near the extent's edge (the nearer of the two). */
double zones_dist_shore_m(const zones *z, double lat_deg, double lon_deg);
/* How far inland a point is: 0 at sea, in navigable water or in a hole of the land (a lake),
 * else the distance (m) to the nearest water a ship can reach from the sea: the outer boundary
 * of land (the coast; a lower bound where land features meet at a border) or navigable water.
 * Holes in land features are inland lakes and do not count: a position beside a reservoir is
 * as far inland as the coast is.  Searched to max_m (INFINITY beyond).  NaN when no land is
 * loaded.  Outside the GeoJSON land extent a GSHHG shoreline answers: 0 on its water, else the
 * distance to its coast (level 1; lake shores do not count either). */
double zones_inland_m(const zones *z, double lat_deg, double lon_deg, double max_m);
/* How deep inside the features of kind_mask the point lies: the distance (m) to the nearest
 * boundary of those features, 0 outside them (INFINITY beyond max_m). */
double zones_depth_m(const zones *z, double lat_deg, double lon_deg, uint32_t kind_mask,
                     double max_m);
/* True when the point is inside the land extent (see zones_dist_shore_m) or a loaded GSHHG
 * shoreline covers it. */
bool zones_land_known(const zones *z, double lat_deg, double lon_deg);
/* False where the land bit of zones_mask_at comes from GSHHG (no rivers, no canals): outside the
 * GeoJSON land extent and outside GeoJSON land features, with a GSHHG file loaded; true
 * elsewhere (the GeoJSON land, which knows navigable water, answers, or nothing does). */
bool zones_land_detailed(const zones *z, double lat_deg, double lon_deg);

#endif
