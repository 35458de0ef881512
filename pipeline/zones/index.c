/* The zones grid index and its queries.  See zones.h for the idea; the decisions:
 *
 * - Cell size is chosen from the edge density: about four cells per edge over the bounding box,
 *   clamped to 0.005..0.5 deg and to at most 4 million cells.  For the shipped Panama set
 *   (about 60 k edges over 12 x 11 deg) cells are about 0.025 deg (2.8 km), and a coastal cell
 *   holds a few dozen edges.
 * - Whether a cell's reference point (near its centre) is inside a feature is decided once per
 * feature by a scanline over the cell-centre rows (half-open rule on edge end points), which costs
 * O(edges + cells).
 * - A point query counts the crossings between the cell centre and the point with the edges of
 *   that cell only: every edge crossing that segment must meet the (convex) cell.
 */
#include "zones_internal.h"

#include "centinela/geo.h"
#include "centinela/log.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

zones *zones_create(void)
{
    return x_calloc(1, sizeof(zones));
}

void zones_destroy(zones **pz)
{
    if (!pz || !*pz)
        return;
    zones *z = *pz;
    for (size_t i = 0; i < z->nfeat; i++) {
        free((char *)z->feat[i].name);
        free((char *)z->feat[i].source);
    }
    free(z->feat);
    free(z->edges);
    free(z->cell_start);
    free(z->entries);
    free(z->cell_edges);
    free(z->cell_kinds);
    free(z->block_kinds);
    gshhg_destroy(&z->gshhg);
    free(z);
    *pz = NULL;
}

int zones_internal_add_feature(zones *z, enum zone_kind kind, const char *name, const char *source,
                               int feature_index, float direction_deg)
{
    if (z->nfeat == z->cap_feat) {
        z->cap_feat = z->cap_feat ? 2 * z->cap_feat : 16;
        z->feat = x_realloc(z->feat, z->cap_feat * sizeof *z->feat);
    }
    zone_info *f = &z->feat[z->nfeat];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->name = x_strdup(name);
    f->source = x_strdup(source);
    f->feature_index = feature_index;
    f->direction_deg = direction_deg;
    return (int)z->nfeat++;
}

void zones_internal_add_edge(zones *z, int feature, bool hole, double lon0, double lat0,
                             double lon1, double lat1)
{
    if (z->nedges == z->cap_edges) {
        z->cap_edges = z->cap_edges ? 2 * z->cap_edges : 1024;
        z->edges = x_realloc(z->edges, z->cap_edges * sizeof *z->edges);
    }
    z->edges[z->nedges++] = (zedge){lon0, lat0, lon1, lat1, feature, hole};
}

void zones_internal_truncate(zones *z, size_t nfeat, size_t nedges)
{
    for (size_t i = nfeat; i < z->nfeat; i++) {
        free((char *)z->feat[i].name);
        free((char *)z->feat[i].source);
    }
    z->nfeat = nfeat;
    z->nedges = nedges;
}

size_t zones_count(const zones *z)
{
    return z->nfeat;
}

const zone_info *zones_feature(const zones *z, size_t index)
{
    return index < z->nfeat ? &z->feat[index] : NULL;
}

uint32_t zones_kinds_loaded(const zones *z)
{
    return z->kinds_loaded;
}

/* ---- build ------------------------------------------------------------------------------ */

typedef struct pair {
    uint32_t cell;
    int32_t feature;
    uint32_t edge; /* edge id, or UINT32_MAX for a centre-inside marker */
} pair;

typedef struct pairs {
    pair *v;
    size_t n, cap;
} pairs;

static void push(pairs *p, uint32_t cell, int32_t feature, uint32_t edge)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 4096;
        p->v = x_realloc(p->v, p->cap * sizeof *p->v);
    }
    p->v[p->n++] = (pair){cell, feature, edge};
}

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->cell != y->cell)
        return x->cell < y->cell ? -1 : 1;
    if (x->feature != y->feature)
        return x->feature < y->feature ? -1 : 1;
    if (x->edge != y->edge)
        return x->edge < y->edge ? -1 : 1;
    return 0;
}

/* The reference point of a cell is near, not at, its centre: data on round coordinates (rasters,
 * hand-drawn boxes) would otherwise put reference points exactly on edges, where the scanline's
 * half-open rule and the query's orientation test could disagree. */
#define REF_FX 0.50141421356
#define REF_FY 0.50173205081

typedef struct xing {
    int row;
    double x;
} xing;

static int cmp_xing(const void *a, const void *b)
{
    const xing *p = a, *q = b;
    if (p->row != q->row)
        return p->row < q->row ? -1 : 1;
    return p->x < q->x ? -1 : (p->x > q->x);
}

int zones_build(zones *z)
{
    if (z->built) {
        log_error("zones already built");
        return -1;
    }
    z->built = 1;
    z->kinds_loaded = 0;
    for (size_t i = 0; i < z->nfeat; i++)
        z->kinds_loaded |= ZONE_BIT(z->feat[i].kind);
    if (z->nedges == 0) {
        z->cols = z->rows = 0;
        z->cell_start = x_calloc(1, sizeof *z->cell_start);
        return 0;
    }
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    for (size_t i = 0; i < z->nfeat; i++) {
        minx = fmin(minx, z->feat[i].min_lon_deg);
        maxx = fmax(maxx, z->feat[i].max_lon_deg);
        miny = fmin(miny, z->feat[i].min_lat_deg);
        maxy = fmax(maxy, z->feat[i].max_lat_deg);
    }
    double w = maxx - minx, h = maxy - miny;
    double cell = sqrt(fmax(w * h, 1e-6) / (4.0 * (double)z->nedges));
    cell = fmin(fmax(cell, 0.005), 0.5);
    while ((w / cell + 3) * (h / cell + 3) > 4e6)
        cell *= 1.25;
    z->cell_deg = cell;
    z->lon0 = minx - cell;
    z->lat0 = miny - cell;
    z->cols = (int)ceil(w / cell) + 2;
    z->rows = (int)ceil(h / cell) + 2;
    const int cols = z->cols, rows = z->rows;

    pairs P = {0};
    /* 1. boundary edges into the cells they meet */
    for (size_t e = 0; e < z->nedges; e++) {
        const zedge *ed = &z->edges[e];
        int c0 = (int)floor((fmin(ed->x0, ed->x1) - z->lon0) / cell);
        int c1 = (int)floor((fmax(ed->x0, ed->x1) - z->lon0) / cell);
        int r0 = (int)floor((fmin(ed->y0, ed->y1) - z->lat0) / cell);
        int r1 = (int)floor((fmax(ed->y0, ed->y1) - z->lat0) / cell);
        for (int r = r0; r <= r1; r++) {
            for (int c = c0; c <= c1; c++) {
                double bx = z->lon0 + c * cell, by = z->lat0 + r * cell;
                if (c0 == c1 || r0 == r1 ||
                    zones_seg_meets_box(ed->x0, ed->y0, ed->x1, ed->y1, bx, by, bx + cell,
                                        by + cell))
                    push(&P, (uint32_t)(r * cols + c), ed->feature, (uint32_t)e);
            }
        }
    }
    /* 2. cell centres inside each feature, by scanline over the centre rows */
    xing *xs = NULL;
    size_t nx = 0, capx = 0;
    size_t e = 0;
    while (e < z->nedges) {
        int32_t f = z->edges[e].feature;
        size_t e_end = e;
        nx = 0;
        while (e_end < z->nedges && z->edges[e_end].feature == f) {
            const zedge *ed = &z->edges[e_end++];
            double ylo = fmin(ed->y0, ed->y1), yhi = fmax(ed->y0, ed->y1);
            int r0 = (int)ceil((ylo - z->lat0) / cell - REF_FY);
            int r1 = (int)floor((yhi - z->lat0) / cell - REF_FY);
            for (int r = r0 < 0 ? 0 : r0; r <= r1 && r < rows; r++) {
                double yc = z->lat0 + (r + REF_FY) * cell;
                if ((ed->y0 > yc) == (ed->y1 > yc))
                    continue;
                double x = ed->x0 + (yc - ed->y0) * (ed->x1 - ed->x0) / (ed->y1 - ed->y0);
                if (nx == capx) {
                    capx = capx ? 2 * capx : 1024;
                    xs = x_realloc(xs, capx * sizeof *xs);
                }
                xs[nx++] = (xing){r, x};
            }
        }
        if (nx)
            qsort(xs, nx, sizeof *xs, cmp_xing);
        for (size_t i = 0; i + 1 < nx; i += 2) {
            if (xs[i].row != xs[i + 1].row) { /* odd count in a row: degenerate ring; resync */
                i--;
                continue;
            }
            int ca = (int)ceil((xs[i].x - z->lon0) / cell - REF_FX);
            int cb = (int)floor((xs[i + 1].x - z->lon0) / cell - REF_FX);
            for (int c = ca < 0 ? 0 : ca; c <= cb && c < cols; c++)
                push(&P, (uint32_t)(xs[i].row * cols + c), f, UINT32_MAX);
        }
        e = e_end;
    }
    free(xs);
    if (P.n)
        qsort(P.v, P.n, sizeof *P.v, cmp_pair);

    /* 3. entries per cell: merge the edge list and the centre marker of each (cell, feature) */
    z->cell_start = x_calloc((size_t)rows * cols + 1, sizeof *z->cell_start);
    size_t nent = 0, nedge_refs = 0;
    for (size_t i = 0; i < P.n; i++) {
        if (i == 0 || P.v[i].cell != P.v[i - 1].cell || P.v[i].feature != P.v[i - 1].feature)
            nent++;
        if (P.v[i].edge != UINT32_MAX)
            nedge_refs++;
    }
    z->entries = x_malloc((nent ? nent : 1) * sizeof *z->entries);
    z->cell_edges = x_malloc((nedge_refs ? nedge_refs : 1) * sizeof *z->cell_edges);
    size_t k = 0, ke = 0;
    for (size_t i = 0; i < P.n;) {
        size_t j = i;
        zentry en = {P.v[i].feature, 0, 0, (uint32_t)ke, 0};
        while (j < P.n && P.v[j].cell == P.v[i].cell && P.v[j].feature == P.v[i].feature) {
            if (P.v[j].edge == UINT32_MAX)
                en.center_inside = 1;
            else
                z->cell_edges[ke++] = P.v[j].edge;
            j++;
        }
        en.edge_count = (uint32_t)ke - en.edge_start;
        en.full = en.edge_count == 0;
        z->entries[k++] = en;
        z->cell_start[P.v[i].cell + 1]++;
        i = j;
    }
    for (size_t c = 0; c < (size_t)rows * cols; c++)
        z->cell_start[c + 1] += z->cell_start[c];
    free(P.v);

    /* 4. the coarse level: kinds with edges per cell and per block */
    z->bcols = (cols + ZONES_BLOCK - 1) / ZONES_BLOCK;
    z->brows = (rows + ZONES_BLOCK - 1) / ZONES_BLOCK;
    z->cell_kinds = x_calloc((size_t)rows * cols, sizeof *z->cell_kinds);
    z->block_kinds = x_calloc((size_t)z->brows * z->bcols, sizeof *z->block_kinds);
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
            size_t cell_i = (size_t)r * cols + c;
            uint16_t m = 0;
            for (uint32_t i = z->cell_start[cell_i]; i < z->cell_start[cell_i + 1]; i++)
                if (z->entries[i].edge_count)
                    m |= (uint16_t)ZONE_BIT(z->feat[z->entries[i].feature].kind);
            z->cell_kinds[cell_i] = m;
            z->block_kinds[(size_t)(r / ZONES_BLOCK) * z->bcols + c / ZONES_BLOCK] |= m;
        }
    }
    log_debug("zones: %zu features, %zu edges, grid %dx%d of %.4f deg, %zu entries", z->nfeat,
              z->nedges, cols, rows, cell, nent);
    return 0;
}

/* ---- queries ---------------------------------------------------------------------------- */

static inline bool cell_of(const zones *z, double lat, double lon, int *c, int *r)
{
    if (!z->cols)
        return false;
    *c = (int)floor((lon - z->lon0) / z->cell_deg);
    *r = (int)floor((lat - z->lat0) / z->cell_deg);
    return *c >= 0 && *c < z->cols && *r >= 0 && *r < z->rows;
}

static bool entry_contains(const zones *z, const zentry *en, double cx, double cy, double px,
                           double py)
{
    if (en->full)
        return true;
    bool inside = en->center_inside;
    for (uint32_t i = 0; i < en->edge_count; i++) {
        const zedge *ed = &z->edges[z->cell_edges[en->edge_start + i]];
        if (zones_crosses(ed->x0, ed->y0, ed->x1, ed->y1, cx, cy, px, py))
            inside = !inside;
    }
    return inside;
}

int zones_find(const zones *z, double lat, double lon, uint32_t kind_mask, int *out, int max)
{
    int c, r, n = 0;
    if (!cell_of(z, lat, lon, &c, &r))
        return 0;
    size_t cell = (size_t)r * z->cols + c;
    double cx = z->lon0 + (c + REF_FX) * z->cell_deg, cy = z->lat0 + (r + REF_FY) * z->cell_deg;
    for (uint32_t i = z->cell_start[cell]; i < z->cell_start[cell + 1]; i++) {
        const zentry *en = &z->entries[i];
        if (!(kind_mask & ZONE_BIT(z->feat[en->feature].kind)))
            continue;
        if (entry_contains(z, en, cx, cy, lon, lat)) {
            if (n < max && out)
                out[n] = en->feature;
            n++;
        }
    }
    return n;
}

static bool geojson_land_known(const zones *z, double lat, double lon, double *edge_m);

/* The land bit from GSHHG where the GeoJSON land does not reach (navigable water excepted). */
static uint32_t gshhg_land_bit(const zones *z, double lat, double lon, uint32_t mask)
{
    if (mask & (ZONE_BIT(ZONE_LAND) | ZONE_BIT(ZONE_NAVIGABLE_WATER)) ||
        geojson_land_known(z, lat, lon, NULL))
        return 0;
    return gshhg_land_at(z->gshhg, lat, lon) == 1 ? ZONE_BIT(ZONE_LAND) : 0;
}

uint32_t zones_mask_at(const zones *z, double lat, double lon)
{
    int c, r;
    if (!cell_of(z, lat, lon, &c, &r))
        return z->gshhg ? gshhg_land_bit(z, lat, lon, 0) : 0;
    size_t cell = (size_t)r * z->cols + c;
    double cx = z->lon0 + (c + REF_FX) * z->cell_deg, cy = z->lat0 + (r + REF_FY) * z->cell_deg;
    uint32_t mask = 0;
    for (uint32_t i = z->cell_start[cell]; i < z->cell_start[cell + 1]; i++) {
        const zentry *en = &z->entries[i];
        uint32_t bit = ZONE_BIT(z->feat[en->feature].kind);
        if (!(mask & bit) && entry_contains(z, en, cx, cy, lon, lat))
            mask |= bit;
    }
    if (mask & ZONE_BIT(ZONE_NAVIGABLE_WATER))
        mask &= ~ZONE_BIT(ZONE_LAND); /* the canal, a lock, a marina basin: water */
    if (z->gshhg)
        mask |= gshhg_land_bit(z, lat, lon, mask);
    return mask;
}

/* Squared distance (m^2) from the point to the box [x0,x1] x [y0,y1] (degrees). */
static inline double box_dist2(double lon, double lat, double x0, double y0, double x1, double y1,
                               double kx, double ky)
{
    double dx = lon < x0 ? x0 - lon : (lon > x1 ? lon - x1 : 0);
    double dy = lat < y0 ? y0 - lat : (lat > y1 ? lat - y1 : 0);
    dx *= kx;
    dy *= ky;
    return dx * dx + dy * dy;
}

/* Nearest boundary edge of the kinds in kind_mask.  Rings of blocks (ZONES_BLOCK x ZONES_BLOCK
 * cells) are searched outward from the point's block; a block, and then a cell, is opened only
 * when it holds edges of those kinds and its box is nearer than the best edge so far, and the
 * search stops when a whole ring lies beyond the best.  Exact: the same edges as a cell-by-cell
 * search win, only the empty or too-far cells are skipped (far offshore that is nearly all).
 * outer_only skips the edges of inner rings (holes). */
static double nearest_edge(const zones *z, double lat, double lon, uint32_t kind_mask,
                           bool outer_only, double max_m, int *feature)
{
    const double kx = GEO_M_PER_DEG * cos(geo_rad(lat)), ky = GEO_M_PER_DEG;
    const double cd = z->cell_deg, bd = cd * ZONES_BLOCK;
    const double block_m = bd * fmin(kx, ky);
    const int B = ZONES_BLOCK;
    int bi = (int)floor((lon - z->lon0) / bd), bj = (int)floor((lat - z->lat0) / bd);
    int dc = bi < 0 ? -bi : (bi >= z->bcols ? bi - z->bcols + 1 : 0);
    int dr = bj < 0 ? -bj : (bj >= z->brows ? bj - z->brows + 1 : 0);
    int r_start = dc > dr ? dc : dr;
    int r_end = abs(bi);
    int cand[3] = {abs(bi - z->bcols + 1), abs(bj), abs(bj - z->brows + 1)};
    for (int i = 0; i < 3; i++)
        if (cand[i] > r_end)
            r_end = cand[i];
    const uint16_t mask = (uint16_t)kind_mask;
    double best2 = INFINITY, max2 = max_m * max_m;
    int best_f = -1;
    for (int ring = r_start; ring <= r_end; ring++) {
        double lb = ring > 0 ? (ring - 1) * block_m : 0;
        if (lb * lb > best2 || lb > max_m)
            break;
        for (int br = bj - ring; br <= bj + ring; br++) {
            if (br < 0 || br >= z->brows)
                continue;
            bool edge_row = br == bj - ring || br == bj + ring;
            for (int bc = bi - ring; bc <= bi + ring;
                 bc += (edge_row || ring == 0) ? 1 : 2 * ring) {
                if (bc < 0 || bc >= z->bcols ||
                    !(z->block_kinds[(size_t)br * z->bcols + bc] & mask))
                    continue;
                double bx0 = z->lon0 + bc * bd, by0 = z->lat0 + br * bd;
                double bb = box_dist2(lon, lat, bx0, by0, bx0 + bd, by0 + bd, kx, ky);
                if (bb > best2 || bb > max2)
                    continue;
                int r1 = br * B + B < z->rows ? br * B + B : z->rows;
                int c1 = bc * B + B < z->cols ? bc * B + B : z->cols;
                for (int r = br * B; r < r1; r++) {
                    for (int c = bc * B; c < c1; c++) {
                        size_t cell = (size_t)r * z->cols + c;
                        if (!(z->cell_kinds[cell] & mask))
                            continue;
                        double cx0 = z->lon0 + c * cd, cy0 = z->lat0 + r * cd;
                        double cb = box_dist2(lon, lat, cx0, cy0, cx0 + cd, cy0 + cd, kx, ky);
                        if (cb > best2 || cb > max2)
                            continue;
                        for (uint32_t i = z->cell_start[cell]; i < z->cell_start[cell + 1]; i++) {
                            const zentry *en = &z->entries[i];
                            if (en->full || !(kind_mask & ZONE_BIT(z->feat[en->feature].kind)))
                                continue;
                            for (uint32_t k = 0; k < en->edge_count; k++) {
                                const zedge *ed = &z->edges[z->cell_edges[en->edge_start + k]];
                                if (outer_only && ed->hole)
                                    continue;
                                double d2 =
                                    zones_seg_dist2((ed->x0 - lon) * kx, (ed->y0 - lat) * ky,
                                                    (ed->x1 - lon) * kx, (ed->y1 - lat) * ky);
                                if (d2 < best2) {
                                    best2 = d2;
                                    best_f = en->feature;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    double d = sqrt(best2);
    if (d > max_m)
        return INFINITY;
    if (feature)
        *feature = best_f;
    return d;
}

double zones_distance_m(const zones *z, double lat, double lon, uint32_t kind_mask, double max_m,
                        int *feature)
{
    if (feature)
        *feature = -1;
    if (!z->cols || !(kind_mask & z->kinds_loaded))
        return INFINITY;
    int inside[1];
    if (zones_find(z, lat, lon, kind_mask, inside, 1) > 0) {
        if (feature)
            *feature = inside[0];
        return 0.0;
    }
    return nearest_edge(z, lat, lon, kind_mask, false, max_m > 0 ? max_m : INFINITY, feature);
}

double zones_edge_distance_m(const zones *z, double lat, double lon, double max_m)
{
    double d = INFINITY, lim = max_m > 0 ? max_m : INFINITY;
    if (z->cols)
        d = nearest_edge(z, lat, lon, ZONE_MASK_ALL, false, lim, NULL);
    /* Outside the GeoJSON land extent the land bit comes from the shoreline: it changes there
     * too.  Inside, the GeoJSON edges (land_extent's among them) bound it: the shoreline search
     * is skipped there (bench_detect_chain over the Panama traffic with GSHHG h loaded: 1.0 M
     * reports per CPU-second with it, 1.1-1.3 M without). */
    if (z->gshhg && !geojson_land_known(z, lat, lon, NULL))
        d = fmin(d, gshhg_nearest_m(z->gshhg, lat, lon, GSHHG_LEVEL_ANY, fmin(d, lim)));
    return d;
}

double zones_depth_m(const zones *z, double lat, double lon, uint32_t kind_mask, double max_m)
{
    if (!z->cols || zones_find(z, lat, lon, kind_mask, NULL, 0) < 1)
        return 0.0;
    return nearest_edge(z, lat, lon, kind_mask, false, max_m > 0 ? max_m : INFINITY, NULL);
}

/* Inside the land extent: a land_extent feature when any is loaded, else the bounding box of a
 * land feature.  *edge_m (may be NULL) gets the distance to the extent's edge (for the bounding
 * boxes, the largest margin of a box holding the point). */
static bool land_known(const zones *z, double lat, double lon, double *edge_m)
{
    if (z->kinds_loaded & ZONE_BIT(ZONE_LAND_EXTENT)) {
        if (zones_find(z, lat, lon, ZONE_BIT(ZONE_LAND_EXTENT), NULL, 0) == 0)
            return false;
        if (edge_m)
            *edge_m = nearest_edge(z, lat, lon, ZONE_BIT(ZONE_LAND_EXTENT), false, INFINITY, NULL);
        return true;
    }
    const double kx = GEO_M_PER_DEG * cos(geo_rad(lat)), ky = GEO_M_PER_DEG;
    double best = -1;
    for (size_t i = 0; i < z->nfeat; i++) {
        const zone_info *f = &z->feat[i];
        if (f->kind != ZONE_LAND || lat < f->min_lat_deg || lat > f->max_lat_deg ||
            lon < f->min_lon_deg || lon > f->max_lon_deg)
            continue;
        double m = fmin(fmin(lat - f->min_lat_deg, f->max_lat_deg - lat) * ky,
                        fmin(lon - f->min_lon_deg, f->max_lon_deg - lon) * kx);
        if (m > best)
            best = m;
    }
    if (edge_m)
        *edge_m = best;
    return best >= 0;
}

static bool geojson_land_known(const zones *z, double lat, double lon, double *edge_m)
{
    return z->cols && (z->kinds_loaded & ZONE_BIT(ZONE_LAND)) && land_known(z, lat, lon, edge_m);
}

bool zones_land_detailed(const zones *z, double lat, double lon)
{
    /* GeoJSON land outside its extent (Costa Rica north of 10.9 N in the Panama set: complete
     * there, Nicaragua beside it missing) is still GeoJSON land: only GSHHG's land bit is not */
    if (!z->gshhg || geojson_land_known(z, lat, lon, NULL))
        return true;
    return z->cols && zones_find(z, lat, lon, ZONE_BIT(ZONE_LAND), NULL, 0) > 0;
}

bool zones_land_known(const zones *z, double lat, double lon)
{
    return geojson_land_known(z, lat, lon, NULL) ||
           (z->gshhg && gshhg_land_at(z->gshhg, lat, lon) >= 0);
}

/* A vessel GSHHG puts on land within this of its coast is at a berth or in a harbour basin the
 * shoreline fills in (GSHHG h resolves about 0.2 km); deeper inland it is on water GSHHG does
 * not have (a river, a canal: the Seine at Vernon is 100 km from the sea), where the shore
 * distance is unknown, not 0: the rules must not read barges moored for the night on the Seine
 * as offshore AIS gaps (the vernon feeds raised 14 such ais_gap alerts with 0 here). */
#define GSHHG_BERTH_M 2000.0

/* Shore distance from GSHHG alone: the nearest shoreline of any level on water, 0 on land near
 * its coast; NaN outside the loaded area, on land deeper than GSHHG_BERTH_M, or when the nearest
 * shoreline found lies beyond the loaded area's edge. */
static double gshhg_dist_shore_m(const zones *z, double lat, double lon)
{
    int land = gshhg_land_at(z->gshhg, lat, lon);
    if (land < 0)
        return NAN;
    if (land)
        return gshhg_nearest_m(z->gshhg, lat, lon, GSHHG_LEVEL_COAST, GSHHG_BERTH_M) <=
                       GSHHG_BERTH_M
                   ? 0.0
                   : NAN;
    double d = gshhg_nearest_m(z->gshhg, lat, lon, GSHHG_LEVEL_ANY, 1e6);
    return d <= gshhg_margin_m(z->gshhg, lat, lon) ? d : NAN;
}

double zones_dist_shore_m(const zones *z, double lat, double lon)
{
    double edge_m;
    if (!geojson_land_known(z, lat, lon, &edge_m))
        return z->gshhg ? gshhg_dist_shore_m(z, lat, lon) : NAN;
    if ((z->kinds_loaded & ZONE_BIT(ZONE_NAVIGABLE_WATER)) &&
        zones_find(z, lat, lon, ZONE_BIT(ZONE_NAVIGABLE_WATER), NULL, 0) > 0) {
        double d = nearest_edge(z, lat, lon, ZONE_BIT(ZONE_NAVIGABLE_WATER), false, 1e6, NULL);
        return isfinite(d) && d > 1.0 ? d : 1.0; /* afloat, however close to the bank */
    }
    double d = zones_distance_m(z, lat, lon, ZONE_BIT(ZONE_LAND), 1e6, NULL);
    if (d <= edge_m)
        return d;
    /* Nothing loaded nearer than the extent's edge: land beyond may be nearer.  The shoreline,
     * when loaded, knows; else it is unknown. */
    return z->gshhg ? fmin(d, gshhg_nearest_m(z->gshhg, lat, lon, GSHHG_LEVEL_ANY, 1e6)) : NAN;
}

double zones_inland_m(const zones *z, double lat, double lon, double max_m)
{
    if (z->gshhg && !geojson_land_known(z, lat, lon, NULL)) {
        /* Only the coast (level 1) is a berth: lake shores are not reached from the sea. */
        int land = gshhg_land_at(z->gshhg, lat, lon);
        if (land < 0)
            return NAN;
        if (!land)
            return 0.0;
        return gshhg_nearest_m(z->gshhg, lat, lon, GSHHG_LEVEL_COAST, max_m > 0 ? max_m : INFINITY);
    }
    if (!z->cols || !(z->kinds_loaded & ZONE_BIT(ZONE_LAND)))
        return NAN;
    if (!(zones_mask_at(z, lat, lon) & ZONE_BIT(ZONE_LAND)))
        return 0.0;
    /* Only water a ship can reach from the sea is a berth: the coast (the outer rings of the land
     * features) and navigable water.  Holes in the land are inland lakes and reservoirs (Lake
     * Alajuela behind Madden Dam lies 77 m above the sea); the navigable ones, Gatun and
     * Miraflores Lakes, are covered by navigable_water features. */
    return nearest_edge(z, lat, lon, ZONE_BIT(ZONE_LAND) | ZONE_BIT(ZONE_NAVIGABLE_WATER), true,
                        max_m > 0 ? max_m : INFINITY, NULL);
}

int zones_add_gshhg(zones *z, const char *path, const double *bbox_deg)
{
    if (z->built) {
        log_error("%s: zones already built", path);
        return -1;
    }
    if (z->gshhg) {
        log_error("%s: a GSHHG shoreline is already loaded (one per zones set)", path);
        return -1;
    }
    z->gshhg = gshhg_load(path, bbox_deg);
    return z->gshhg ? 0 : -1;
}
