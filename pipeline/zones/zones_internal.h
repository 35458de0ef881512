/* Private layout of the zones object, shared by the loader (geojson.c) and the index (index.c). */
#ifndef CENTINELA_ZONES_INTERNAL_H
#define CENTINELA_ZONES_INTERNAL_H

#include "centinela/zones.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct zedge {
    double x0, y0, x1, y1; /* lon, lat degrees */
    int32_t feature;
    uint8_t hole; /* an inner ring (a lake inside land, an island inside a zone), or a ring of a
                     land feature that is no shore ("shore": false, a reservoir filled as land) */
} zedge;

/* One feature present in one grid cell. */
typedef struct zentry {
    int32_t feature;
    uint8_t full;          /* the cell lies entirely inside the feature */
    uint8_t center_inside; /* boundary cells: whether the cell centre is inside */
    uint32_t edge_start;   /* boundary cells: edges in cell_edges[edge_start .. +edge_count] */
    uint32_t edge_count;
} zentry;

struct zones {
    zone_info *feat;
    size_t nfeat, cap_feat;
    zedge *edges;
    size_t nedges, cap_edges;
    uint32_t kinds_loaded;
    int built;

    /* grid */
    double lon0, lat0, cell_deg;
    int cols, rows;
    uint32_t *cell_start; /* rows * cols + 1 offsets into entries */
    zentry *entries;
    uint32_t *cell_edges;

    /* Coarse level for distance searches: per cell, the kinds (ZONE_BIT) with boundary edges
     * in it; per block of ZONES_BLOCK x ZONES_BLOCK cells, the union.  Empty sea is skipped a
     * block at a time instead of cell by cell. */
    uint16_t *cell_kinds;
    uint16_t *block_kinds;
    int bcols, brows;

    /* A world-wide shoreline (GSHHG) answering land and shore distance where the GeoJSON land
     * extent does not reach; NULL when none is loaded. */
    struct gshhg *gshhg;
};
#define ZONES_BLOCK 8

/* Append one feature's rings (called by the loader); returns the feature index. */
int zones_internal_add_feature(struct zones *z, enum zone_kind kind, const char *name,
                               const char *source, int feature_index, float direction_deg);
void zones_internal_add_edge(struct zones *z, int feature, bool hole, double lon0, double lat0,
                             double lon1, double lat1);
/* Drop features and edges beyond the given counts (rollback of a refused file). */
void zones_internal_truncate(struct zones *z, size_t nfeat, size_t nedges);

/* ---- GSHHG binned shorelines (gshhg.c) ---------------------------------------------------- */

typedef struct gshhg gshhg;
/* Load a GMT binned_GSHHS_<res>.nc file; bbox_deg = {min_lat, min_lon, max_lat, max_lon} limits
 * what is indexed (NULL: the whole world).  NULL with one logged reason when the file is not a
 * well-formed GSHHG binned file. */
gshhg *gshhg_load(const char *path, const double *bbox_deg);
void gshhg_destroy(gshhg **g);
/* 1 on land (GSHHG level 1 or 3), 0 on water (ocean, lake, pond), -1 outside the loaded area. */
int gshhg_land_at(const gshhg *g, double lat_deg, double lon_deg);
/* Distance (m) to the nearest shoreline edge whose GSHHG level is in level_mask (bit 1 << level:
 * 1 coast, 2 lake shore, 3 shore of an island in a lake, 4 pond shore), INFINITY beyond max_m. */
double gshhg_nearest_m(const gshhg *g, double lat_deg, double lon_deg, unsigned level_mask,
                       double max_m);
/* Distance (m) from the point to the edge of the loaded area (INFINITY for the whole world). */
double gshhg_margin_m(const gshhg *g, double lat_deg, double lon_deg);
#define GSHHG_LEVEL_COAST (1u << 1)
#define GSHHG_LEVEL_ANY ((1u << 1) | (1u << 2) | (1u << 3) | (1u << 4))

/* ---- geometry shared by the GeoJSON index and the GSHHG index --------------------------- */

/* Does segment (x0,y0)-(x1,y1) meet the closed box? (Liang-Barsky) */
static inline bool zones_seg_meets_box(double x0, double y0, double x1, double y1, double bx0,
                                       double by0, double bx1, double by1)
{
    double t0 = 0, t1 = 1, dx = x1 - x0, dy = y1 - y0;
    double p[4] = {-dx, dx, -dy, dy}, q[4] = {x0 - bx0, bx1 - x0, y0 - by0, by1 - y0};
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return false;
        } else {
            double t = q[i] / p[i];
            if (p[i] < 0) {
                if (t > t1)
                    return false;
                if (t > t0)
                    t0 = t;
            } else {
                if (t < t0)
                    return false;
                if (t < t1)
                    t1 = t;
            }
        }
    }
    return true;
}

static inline double zones_orient(double ax, double ay, double bx, double by, double px, double py)
{
    return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

/* Does the path c-p cross edge a-b?  Strict sides: an edge end point on the path counts for
 * one of the two edges meeting there only, so parities stay right at shared vertices. */
static inline bool zones_crosses(double ax, double ay, double bx, double by, double cx, double cy,
                                 double px, double py)
{
    bool s1 = zones_orient(ax, ay, bx, by, cx, cy) > 0;
    bool s2 = zones_orient(ax, ay, bx, by, px, py) > 0;
    if (s1 == s2)
        return false;
    return (zones_orient(cx, cy, px, py, ax, ay) > 0) != (zones_orient(cx, cy, px, py, bx, by) > 0);
}

/* Squared distance from the origin to segment a-b in a local metric plane. */
static inline double zones_seg_dist2(double ax, double ay, double bx, double by)
{
    double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? -(ax * dx + ay * dy) / l2 : 0;
    t = t < 0 ? 0 : (t > 1 ? 1 : t);
    double x = ax + t * dx, y = ay + t * dy;
    return x * x + y * y;
}

#endif
