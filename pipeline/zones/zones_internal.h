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
};
#define ZONES_BLOCK 8

/* Append one feature's rings (called by the loader); returns the feature index. */
int zones_internal_add_feature(struct zones *z, enum zone_kind kind, const char *name,
                               const char *source, int feature_index, float direction_deg);
void zones_internal_add_edge(struct zones *z, int feature, bool hole, double lon0, double lat0,
                             double lon1, double lat1);
/* Drop features and edges beyond the given counts (rollback of a refused file). */
void zones_internal_truncate(struct zones *z, size_t nfeat, size_t nedges);

#endif
