/* GSHHG binned shorelines as a world-wide land source.
 *
 * Source: GSHHG 2.3.7 (Wessel & Smith, "A Global Self-consistent, Hierarchical, High-resolution
 * Shoreline Database", J. Geophys. Res. 101(B4), 1996; LGPL), as shipped for GMT in Debian's
 * gmt-gshhg-{low,high,full} packages: /usr/share/gmt-gshhg/binned_GSHHS_{c,l,i,h,f}.nc.  Those
 * are netCDF-4 files, i.e. HDF5, read here with libhdf5.  The layout follows GMT's
 * src/gmt_shore.c (gmt_init_shore, gmt_get_shore_bin):
 *
 *   The sphere is cut into square bins of Bin_size_in_minutes (c 20 deg, l 10, i 5, h 2, f 1),
 *   N_bins_in_360_longitude_range columns from 0 E eastward, rows counted from the north: bin b
 *   has column b % nx, row b / nx, south-west corner (col * size, 90 - (row + 1) * size).
 *   Embedded_node_levels_in_a_bin[b] packs the level of the four corners, 3 bits each:
 *   SW at bit 9, SE at 6, NE at 3, NW at 0.  A bin's shoreline segments are
 *   Id_of_first_segment_in_a_bin[b] .. + N_segments_in_a_bin[b]; segment s packs
 *   npts << 9 | level << 6 | entry side << 3 | exit side in
 *   Embedded_npts_levels_exit_entry_for_a_segment[s] and starts at point
 *   Id_of_first_point_in_a_segment[s].  Points are unsigned 16-bit offsets from the bin's SW
 *   corner in 1/65535 of the bin side (stored as int16: read and reinterpreted).
 *   Levels: 0 ocean, 1 land, 2 lake, 3 island in a lake, 4 pond in such an island: odd is land.
 *
 * Verified on the installed files (l and h): the SW/SE/NE/NW order of the corner levels gives
 * consistent answers from all four corners at test points in Cuba, Jutland, the Kattegat and
 * Lake Superior (crossing parity from each corner agrees); no segment edge runs along a bin side
 * (0 of 1,835,089 edges in h), so every edge is real shoreline and bin sides are never coast.
 * Level 6 segments (1,204 in h, all south of 62 S) are Antarctica's grounding line, an
 * alternative to the ice front that the corner levels do not count: they are skipped.
 *
 * Point in land without assembling polygons: the level at a point is the level of a bin corner
 * changed by one at each shoreline crossed on the straight path from the corner (the path stays
 * in the bin, where all of the bin's shoreline is).  To keep a query to a few edge tests, each
 * bin with shoreline is cut into GSHHG_SUB x GSHHG_SUB cells that list the edges meeting them
 * and know whether their reference point is on land: cell (0,0) from the SW corner, the others
 * by walking from a neighbour's reference point (every edge crossing that short path meets one
 * of the two cells).  At load the walk is checked against the three other corners' levels; the
 * mismatches (0 on the l and h files) are logged.  A query then counts the crossings between
 * its cell's reference point and the point, as the GeoJSON index does. */
#include "zones_internal.h"

#include "centinela/geo.h"
#include "centinela/log.h"

#include <hdf5.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Cells per bin side: with h (2 deg bins) a cell is 1/8 deg (about 14 km), holding a few dozen
 * shoreline edges on a ragged coast; 256 cells per bin with shoreline keep the whole world
 * under 10 MB of cells. */
#define GSHHG_SUB 16
#define GSHHG_UNITS 65535.0
/* Reference point of a cell, off its centre as in index.c (data on round offsets). */
#define GSHHG_REF_FX 0.50141421356
#define GSHHG_REF_FY 0.50173205081

struct gshhg {
    char *path;
    double bin_deg;     /* side of a bin (deg) */
    int nx, ny;         /* bins over 360 deg of longitude and 180 deg of latitude */
    int col0, ncols;    /* loaded columns: col0 .. col0 + ncols - 1 (mod nx) */
    int row0, nrows;    /* loaded rows (from the north) */
    int32_t *bin_block; /* per bin: its block of cells, -1 without shoreline or not loaded */
    uint8_t *bin_land;  /* per bin: land at the SW corner (whole bin when it has no block) */
    uint32_t nblocks;
    uint32_t *cell_start; /* nblocks * SUB * SUB + 1 offsets into cell_edges */
    uint8_t *cell_land;   /* land at each cell's reference point */
    uint32_t *cell_edges; /* point ids p: the edge from point p to p + 1 */
    uint16_t *px, *py;    /* bin-relative point coordinates, 1/65535 of the bin side */
    uint8_t *edge_level;  /* per point: level (1..4) of the edge starting there, 0 for none */
};

/* ---- reading ---------------------------------------------------------------------------- */

typedef struct h5in {
    hid_t file;
    const char *path;
} h5in;

/* A whole 1-D dataset as native integers of mem_type (H5T_NATIVE_INT32/INT16/INT8); its length
 * into *n.  NULL (logged) when it is missing or not 1-D. */
static void *read_var(h5in *in, const char *name, hid_t mem_type, size_t elem, size_t *n)
{
    void *buf = NULL;
    hid_t d = H5Dopen2(in->file, name, H5P_DEFAULT);
    if (d < 0) {
        log_error("%s: not a GSHHG binned file: no variable %s", in->path, name);
        return NULL;
    }
    hid_t sp = H5Dget_space(d);
    hsize_t dims[2] = {0, 0};
    if (sp < 0 || H5Sget_simple_extent_ndims(sp) != 1 ||
        H5Sget_simple_extent_dims(sp, dims, NULL) != 1 || dims[0] == 0 || dims[0] > 100000000u) {
        log_error("%s: variable %s is not a 1-D array of a plausible size", in->path, name);
    } else {
        buf = x_malloc((size_t)dims[0] * elem);
        if (H5Dread(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
            log_error("%s: cannot read variable %s (truncated or damaged file?)", in->path, name);
            free(buf);
            buf = NULL;
        }
        *n = (size_t)dims[0];
    }
    if (sp >= 0 && H5Sclose(sp) < 0)
        log_warn("%s: H5Sclose failed", in->path);
    if (H5Dclose(d) < 0)
        log_warn("%s: H5Dclose failed", in->path);
    return buf;
}

static int read_scalar(h5in *in, const char *name, int32_t *v)
{
    size_t n = 0;
    int32_t *b = read_var(in, name, H5T_NATIVE_INT32, sizeof *b, &n);
    if (!b)
        return -1;
    *v = b[0];
    free(b);
    return n == 1 ? 0 : -1;
}

/* ---- building --------------------------------------------------------------------------- */

/* The cell range an edge's bounding box covers, clamped to the bin. */
static inline int sub_of(double u)
{
    int i = (int)floor(u * GSHHG_SUB / GSHHG_UNITS);
    return i < 0 ? 0 : (i >= GSHHG_SUB ? GSHHG_SUB - 1 : i);
}

/* Calls add(cell, p) for each cell of the bin that edge p meets. */
typedef struct cell_acc {
    uint32_t *count; /* SUB*SUB, pass 1 */
    uint32_t *fill;  /* SUB*SUB write positions, pass 2 */
    uint32_t *out;
} cell_acc;

static void assign_edge(const gshhg *g, uint32_t p, cell_acc *acc)
{
    double x0 = g->px[p], y0 = g->py[p], x1 = g->px[p + 1], y1 = g->py[p + 1];
    int c0 = sub_of(fmin(x0, x1)), c1 = sub_of(fmax(x0, x1));
    int r0 = sub_of(fmin(y0, y1)), r1 = sub_of(fmax(y0, y1));
    const double w = GSHHG_UNITS / GSHHG_SUB;
    for (int r = r0; r <= r1; r++) {
        for (int c = c0; c <= c1; c++) {
            if (!(c0 == c1 || r0 == r1 ||
                  zones_seg_meets_box(x0, y0, x1, y1, c * w, r * w, (c + 1) * w, (r + 1) * w)))
                continue;
            int cell = r * GSHHG_SUB + c;
            if (acc->fill)
                acc->out[acc->fill[cell]++] = p;
            else
                acc->count[cell]++;
        }
    }
}

/* Parity of the crossings of path (ax,ay)-(bx,by) with the edges listed in cells ca and cb
 * (cb < 0: only ca); an edge listed in both counts once (both lists are sorted). */
static bool path_parity(const gshhg *g, uint32_t base, int ca, int cb, double ax, double ay,
                        double bx, double by)
{
    const uint32_t *e = g->cell_edges;
    uint32_t i = g->cell_start[base + ca], ie = g->cell_start[base + ca + 1];
    uint32_t j = cb < 0 ? 0 : g->cell_start[base + cb],
             je = cb < 0 ? 0 : g->cell_start[base + cb + 1];
    bool odd = false;
    while (i < ie || j < je) {
        uint32_t p;
        if (j >= je || (i < ie && e[i] < e[j]))
            p = e[i++];
        else if (i >= ie || e[j] < e[i])
            p = e[j++];
        else {
            p = e[i++];
            j++;
        }
        if (zones_crosses(g->px[p], g->py[p], g->px[p + 1], g->py[p + 1], ax, ay, bx, by))
            odd = !odd;
    }
    return odd;
}

static inline double ref_x(int c)
{
    return (c + GSHHG_REF_FX) * GSHHG_UNITS / GSHHG_SUB;
}
static inline double ref_y(int r)
{
    return (r + GSHHG_REF_FY) * GSHHG_UNITS / GSHHG_SUB;
}

/* Land state of every cell's reference point of block blk, walked from the SW corner; returns
 * the number of the three other corners whose stored level disagrees with the walk. */
static int walk_block(gshhg *g, uint32_t blk, unsigned node_levels)
{
    const int S = GSHHG_SUB;
    uint32_t base = blk * S * S;
    uint8_t *land = g->cell_land + base;
    land[0] =
        (uint8_t)(((node_levels >> 9) & 1) ^ path_parity(g, base, 0, -1, 0, 0, ref_x(0), ref_y(0)));
    for (int r = 1; r < S; r++)
        land[r * S] = land[(r - 1) * S] ^ path_parity(g, base, (r - 1) * S, r * S, ref_x(0),
                                                      ref_y(r - 1), ref_x(0), ref_y(r));
    for (int r = 0; r < S; r++)
        for (int c = 1; c < S; c++)
            land[r * S + c] =
                land[r * S + c - 1] ^ path_parity(g, base, r * S + c - 1, r * S + c, ref_x(c - 1),
                                                  ref_y(r), ref_x(c), ref_y(r));
    /* check: SE (bit 6), NE (bit 3), NW (bit 0) from their cells */
    const struct {
        int cell, shift;
        double x, y;
    } k[3] = {{S - 1, 6, GSHHG_UNITS, 0},
              {S * S - 1, 3, GSHHG_UNITS, GSHHG_UNITS},
              {(S - 1) * S, 0, 0, GSHHG_UNITS}};
    int bad = 0;
    for (int i = 0; i < 3; i++) {
        int cc = k[i].cell % S, rr = k[i].cell / S;
        bool l = land[k[i].cell] ^
                 path_parity(g, base, k[i].cell, -1, ref_x(cc), ref_y(rr), k[i].x, k[i].y);
        bad += l != ((node_levels >> k[i].shift) & 1);
    }
    return bad;
}

static bool col_loaded(const gshhg *g, int col)
{
    return ((col - g->col0) % g->nx + g->nx) % g->nx < g->ncols;
}

gshhg *gshhg_load(const char *path, const double *bbox)
{
    if (bbox && !(bbox[0] >= -90 && bbox[0] < bbox[2] && bbox[2] <= 90 && bbox[1] >= -180 &&
                  bbox[1] <= 180 && bbox[3] >= -180 && bbox[3] <= 180 && bbox[1] != bbox[3])) {
        log_error("%s: bounding box must be min_lat < max_lat in -90..90, lon in -180..180", path);
        return NULL;
    }
    H5E_auto2_t old_func;
    void *old_data;
    H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* our messages say what went wrong */
    h5in in = {H5I_INVALID_HID, path};
    gshhg *g = NULL;
    int32_t bin_min = 0, nx = 0, ny = 0, nbins_file = 0;
    size_t nb[3] = {0}, ns[3] = {0}, np[2] = {0};
    int16_t *nseg = NULL, *nodes = NULL, *rlon = NULL, *rlat = NULL;
    int32_t *first_seg = NULL, *seg_info = NULL, *first_pt = NULL;
    uint32_t *count = NULL, *fill = NULL;
    bool ok = false;

    if (H5Fis_hdf5(path) <= 0) {
        log_error("%s: not a GSHHG binned file (not netCDF-4/HDF5)", path);
        goto out;
    }
    in.file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (in.file < 0) {
        log_error("%s: cannot open as HDF5 (truncated or damaged file?)", path);
        goto out;
    }
    if (read_scalar(&in, "Bin_size_in_minutes", &bin_min) ||
        read_scalar(&in, "N_bins_in_360_longitude_range", &nx) ||
        read_scalar(&in, "N_bins_in_180_degree_latitude_range", &ny) ||
        read_scalar(&in, "N_bins_in_file", &nbins_file))
        goto out;
    if (bin_min <= 0 || nx <= 0 || ny <= 0 || (int64_t)bin_min * nx != 21600 ||
        (int64_t)bin_min * ny != 10800 || (int64_t)nx * ny != nbins_file) {
        log_error("%s: inconsistent GSHHG bin layout (%d min, %d x %d bins, %d in file)", path,
                  bin_min, nx, ny, nbins_file);
        goto out;
    }
    nseg = read_var(&in, "N_segments_in_a_bin", H5T_NATIVE_INT16, sizeof *nseg, &nb[0]);
    first_seg = nseg ? read_var(&in, "Id_of_first_segment_in_a_bin", H5T_NATIVE_INT32,
                                sizeof *first_seg, &nb[1])
                     : NULL;
    nodes = first_seg ? read_var(&in, "Embedded_node_levels_in_a_bin", H5T_NATIVE_INT16,
                                 sizeof *nodes, &nb[2])
                      : NULL;
    seg_info = nodes ? read_var(&in, "Embedded_npts_levels_exit_entry_for_a_segment",
                                H5T_NATIVE_INT32, sizeof *seg_info, &ns[0])
                     : NULL;
    first_pt = seg_info ? read_var(&in, "Id_of_first_point_in_a_segment", H5T_NATIVE_INT32,
                                   sizeof *first_pt, &ns[1])
                        : NULL;
    rlon = first_pt ? read_var(&in, "Relative_longitude_from_SW_corner_of_bin", H5T_NATIVE_INT16,
                               sizeof *rlon, &np[0])
                    : NULL;
    rlat = rlon ? read_var(&in, "Relative_latitude_from_SW_corner_of_bin", H5T_NATIVE_INT16,
                           sizeof *rlat, &np[1])
                : NULL;
    if (!rlat)
        goto out;
    if (nb[0] != (size_t)nbins_file || nb[1] != nb[0] || nb[2] != nb[0] || ns[1] != ns[0] ||
        np[1] != np[0] || np[0] >= UINT32_MAX) {
        log_error("%s: GSHHG arrays of inconsistent lengths", path);
        goto out;
    }

    g = x_calloc(1, sizeof *g);
    g->path = x_strdup(path);
    g->bin_deg = bin_min / 60.0;
    g->nx = nx;
    g->ny = ny;
    g->col0 = 0;
    g->ncols = nx;
    g->row0 = 0;
    g->nrows = ny;
    if (bbox) {
        /* bins meeting the box: rows from the north, columns from 0 E (the box may cross 0) */
        g->row0 = (int)floor((90 - bbox[2]) / g->bin_deg);
        int row1 = (int)floor((90 - bbox[0]) / g->bin_deg);
        g->row0 = g->row0 < 0 ? 0 : g->row0;
        row1 = row1 >= ny ? ny - 1 : row1;
        g->nrows = row1 - g->row0 + 1;
        double w = bbox[3] - bbox[1];
        if (w < 0)
            w += 360; /* crossing the antimeridian */
        double lon0 = bbox[1] < 0 ? bbox[1] + 360 : bbox[1];
        g->col0 = (int)floor(lon0 / g->bin_deg) % nx;
        g->ncols = (int)floor((lon0 + w) / g->bin_deg) - (int)floor(lon0 / g->bin_deg) + 1;
        if (g->ncols > nx)
            g->ncols = nx;
    }
    g->px = x_malloc(np[0] * sizeof *g->px);
    g->py = x_malloc(np[0] * sizeof *g->py);
    g->edge_level = x_calloc(np[0], 1);
    for (size_t i = 0; i < np[0]; i++) {
        g->px[i] = (uint16_t)rlon[i];
        g->py[i] = (uint16_t)rlat[i];
    }
    g->bin_block = x_malloc((size_t)nbins_file * sizeof *g->bin_block);
    g->bin_land = x_calloc((size_t)nbins_file, 1);
    /* Validate every bin and segment; mark the edges of kept segments. */
    for (int32_t b = 0; b < nbins_file; b++) {
        g->bin_block[b] = -1;
        g->bin_land[b] = ((uint16_t)nodes[b] >> 9) & 1;
        uint32_t n = (uint16_t)nseg[b];
        if (n == 0)
            continue;
        if (first_seg[b] < 0 || (size_t)first_seg[b] + n > ns[0]) {
            log_error("%s: bin %d: segments %d..+%u beyond the %zu in the file", path, b,
                      first_seg[b], n, ns[0]);
            goto out;
        }
        for (uint32_t s = (uint32_t)first_seg[b]; s < (uint32_t)first_seg[b] + n; s++) {
            uint32_t info = (uint32_t)seg_info[s], npts = info >> 9, level = (info >> 6) & 7;
            if (first_pt[s] < 0 || (size_t)first_pt[s] + npts > np[0] || level == 0 || level > 6) {
                log_error("%s: segment %u: %u points from %d, level %u: out of range", path, s,
                          npts, first_pt[s], level);
                goto out;
            }
            if (level > 4) /* Antarctic grounding line: see the top of the file */
                continue;
            for (uint32_t k = 0; k + 1 < npts; k++)
                g->edge_level[first_pt[s] + k] = (uint8_t)level;
        }
    }
    /* Blocks of cells for the loaded bins with shoreline. */
    const int S = GSHHG_SUB;
    size_t cap_edges = 0, nedges = 0;
    uint32_t cap_blocks = 0;
    count = x_malloc(S * S * sizeof *count);
    fill = x_malloc(S * S * sizeof *fill);
    int mismatches = 0;
    for (int rr = 0; rr < g->nrows; rr++) {
        for (int cc = 0; cc < g->ncols; cc++) {
            int row = g->row0 + rr, col = (g->col0 + cc) % nx;
            int32_t b = row * nx + col;
            if (nseg[b] == 0)
                continue;
            memset(count, 0, S * S * sizeof *count);
            cell_acc acc = {count, NULL, NULL};
            uint32_t s0 = (uint32_t)first_seg[b], s1 = s0 + (uint16_t)nseg[b];
            for (uint32_t s = s0; s < s1; s++)
                for (uint32_t k = 0; k + 1 < ((uint32_t)seg_info[s] >> 9); k++)
                    if (g->edge_level[first_pt[s] + k])
                        assign_edge(g, (uint32_t)first_pt[s] + k, &acc);
            uint32_t blk = g->nblocks++;
            if (g->nblocks > cap_blocks) {
                cap_blocks = cap_blocks ? 2 * cap_blocks : 256;
                g->cell_start = x_realloc(g->cell_start,
                                          ((size_t)cap_blocks * S * S + 1) * sizeof *g->cell_start);
                g->cell_land = x_realloc(g->cell_land, (size_t)cap_blocks * S * S);
            }
            size_t base = (size_t)blk * S * S, total = 0;
            for (int c = 0; c < S * S; c++) {
                g->cell_start[base + c] = (uint32_t)(nedges + total);
                fill[c] = (uint32_t)total;
                total += count[c];
            }
            g->cell_start[base + S * S] = (uint32_t)(nedges + total);
            if (nedges + total >= UINT32_MAX) {
                log_error("%s: too many shoreline edges for the index", path);
                goto out;
            }
            if (nedges + total > cap_edges) {
                cap_edges = 2 * (nedges + total);
                g->cell_edges = x_realloc(g->cell_edges, cap_edges * sizeof *g->cell_edges);
            }
            acc = (cell_acc){NULL, fill, g->cell_edges + nedges};
            for (uint32_t s = s0; s < s1; s++)
                for (uint32_t k = 0; k + 1 < ((uint32_t)seg_info[s] >> 9); k++)
                    if (g->edge_level[first_pt[s] + k])
                        assign_edge(g, (uint32_t)first_pt[s] + k, &acc);
            nedges += total;
            g->bin_block[b] = (int32_t)blk;
            mismatches += walk_block(g, blk, (uint16_t)nodes[b]);
        }
    }
    if (!g->cell_start) {
        g->cell_start = x_calloc(1, sizeof *g->cell_start);
        g->cell_land = x_calloc(1, 1);
    }
    if (mismatches)
        log_warn("%s: %d bin corners disagree with the shoreline crossings (data or layout?)", path,
                 mismatches);
    log_info("%s: GSHHG %g min bins, %d x %d bins loaded, %u with shoreline, %zu edge refs", path,
             (double)bin_min, g->ncols, g->nrows, g->nblocks, nedges);
    ok = true;
out:
    free(nseg);
    free(first_seg);
    free(nodes);
    free(seg_info);
    free(first_pt);
    free(rlon);
    free(rlat);
    free(count);
    free(fill);
    if (in.file >= 0 && H5Fclose(in.file) < 0)
        log_warn("%s: H5Fclose failed", path);
    H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
    if (!ok)
        gshhg_destroy(&g);
    return g;
}

void gshhg_destroy(gshhg **pg)
{
    if (!pg || !*pg)
        return;
    gshhg *g = *pg;
    free(g->path);
    free(g->bin_block);
    free(g->bin_land);
    free(g->cell_start);
    free(g->cell_land);
    free(g->cell_edges);
    free(g->px);
    free(g->py);
    free(g->edge_level);
    free(g);
    *pg = NULL;
}

/* ---- queries ---------------------------------------------------------------------------- */

/* The bin of a point and the point's offsets from its SW corner (1/65535 of the side); false
 * outside the loaded bins. */
static bool locate(const gshhg *g, double lat, double lon, int *col, int *row, double *u, double *v)
{
    if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 360))
        return false;
    double x = lon < 0 ? lon + 360 : lon;
    int c = (int)floor(x / g->bin_deg), r = (int)floor((90 - lat) / g->bin_deg);
    c = c >= g->nx ? c - g->nx : c;
    r = r >= g->ny ? g->ny - 1 : r;
    if (r < g->row0 || r >= g->row0 + g->nrows || !col_loaded(g, c))
        return false;
    *col = c;
    *row = r;
    *u = (x - c * g->bin_deg) / g->bin_deg * GSHHG_UNITS;
    *v = (lat - (90 - (r + 1) * g->bin_deg)) / g->bin_deg * GSHHG_UNITS;
    return true;
}

int gshhg_land_at(const gshhg *g, double lat, double lon)
{
    int col, row;
    double u, v;
    if (!locate(g, lat, lon, &col, &row, &u, &v))
        return -1;
    int32_t b = row * g->nx + col, blk = g->bin_block[b];
    if (blk < 0)
        return g->bin_land[b];
    int c = sub_of(u), r = sub_of(v), cell = r * GSHHG_SUB + c;
    uint32_t base = (uint32_t)blk * GSHHG_SUB * GSHHG_SUB;
    return g->cell_land[base + cell] ^ path_parity(g, base, cell, -1, ref_x(c), ref_y(r), u, v);
}

/* Squared distance (m^2) from (x, y) to the box [x0,x1] x [y0,y1], all in metres. */
static inline double box_d2(double x, double y, double x0, double y0, double x1, double y1)
{
    double dx = x < x0 ? x0 - x : (x > x1 ? x - x1 : 0);
    double dy = y < y0 ? y0 - y : (y > y1 ? y - y1 : 0);
    return dx * dx + dy * dy;
}

/* Nearest edge: rings of bins outward from the point's bin (a flat metric at the point's
 * latitude, as the GeoJSON index uses); a bin, then a cell, is opened only when nearer than the
 * best edge so far, and the search stops when a whole ring lies beyond it. */
double gshhg_nearest_m(const gshhg *g, double lat, double lon, unsigned level_mask, double max_m)
{
    int col, row;
    double u, v;
    if (!locate(g, lat, lon, &col, &row, &u, &v))
        return INFINITY;
    const double bd = g->bin_deg, unit_deg = bd / GSHHG_UNITS, cw = GSHHG_UNITS / GSHHG_SUB;
    const double ky = GEO_M_PER_DEG * unit_deg; /* metres per unit of latitude */
    const double kx = ky * cos(geo_rad(lat));
    const double max2 = max_m * max_m;
    double best2 = INFINITY;
    int max_ring = g->nx / 2 > g->ny ? g->nx / 2 : g->ny;
    for (int ring = 0; ring <= max_ring; ring++) {
        /* lower bound of any bin of this ring: (ring - 1) bins, east-west at the ring's
         * poleward latitude */
        double far_lat = fmin(fabs(lat) + ring * bd, 89.0);
        double lb = ring > 0 ? (ring - 1) * bd * GEO_M_PER_DEG * cos(geo_rad(far_lat)) : 0;
        if (lb * lb > best2 || lb > max_m)
            break;
        for (int dr = -ring; dr <= ring; dr++) {
            int r = row + dr;
            if (r < g->row0 || r >= g->row0 + g->nrows)
                continue;
            bool full_row = dr == -ring || dr == ring;
            for (int dc = -ring; dc <= ring; dc += (full_row || ring == 0) ? 1 : 2 * ring) {
                if (2 * ring + 1 > g->nx && (dc < -g->nx / 2 || dc >= g->nx - g->nx / 2))
                    continue; /* wrapped onto a column already visited */
                int c = ((col + dc) % g->nx + g->nx) % g->nx;
                if (!col_loaded(g, c))
                    continue;
                int32_t blk = g->bin_block[r * g->nx + c];
                if (blk < 0)
                    continue;
                /* the point in this bin's frame (units): dc bins east, dr bins south */
                double pu = u - dc * GSHHG_UNITS, pv = v + dr * GSHHG_UNITS;
                double X = pu * kx, Y = pv * ky;
                double bb = box_d2(X, Y, 0, 0, GSHHG_UNITS * kx, GSHHG_UNITS * ky);
                if (bb > best2 || bb > max2)
                    continue;
                uint32_t base = (uint32_t)blk * GSHHG_SUB * GSHHG_SUB;
                for (int cell = 0; cell < GSHHG_SUB * GSHHG_SUB; cell++) {
                    uint32_t i0 = g->cell_start[base + cell], i1 = g->cell_start[base + cell + 1];
                    if (i0 == i1)
                        continue;
                    int sc = cell % GSHHG_SUB, sr = cell / GSHHG_SUB;
                    double cb = box_d2(X, Y, sc * cw * kx, sr * cw * ky, (sc + 1) * cw * kx,
                                       (sr + 1) * cw * ky);
                    if (cb > best2 || cb > max2)
                        continue;
                    for (uint32_t i = i0; i < i1; i++) {
                        uint32_t p = g->cell_edges[i];
                        if (!(level_mask & (1u << g->edge_level[p])))
                            continue;
                        double d2 =
                            zones_seg_dist2((g->px[p] - pu) * kx, (g->py[p] - pv) * ky,
                                            (g->px[p + 1] - pu) * kx, (g->py[p + 1] - pv) * ky);
                        if (d2 < best2)
                            best2 = d2;
                    }
                }
            }
        }
    }
    double d = sqrt(best2);
    return d <= max_m ? d : INFINITY;
}

double gshhg_margin_m(const gshhg *g, double lat, double lon)
{
    int col, row;
    double u, v;
    if (!locate(g, lat, lon, &col, &row, &u, &v))
        return -1;
    double m = INFINITY;
    if (g->nrows < g->ny) {
        double north = 90 - g->row0 * g->bin_deg, south = 90 - (g->row0 + g->nrows) * g->bin_deg;
        m = fmin(north - lat, lat - south) * GEO_M_PER_DEG;
    }
    if (g->ncols < g->nx) {
        double x = lon < 0 ? lon + 360 : lon;
        double west = fmod(x - g->col0 * g->bin_deg + 720, 360);
        double east = g->ncols * g->bin_deg - west;
        m = fmin(m, fmin(west, east) * GEO_M_PER_DEG * cos(geo_rad(lat)));
    }
    return m;
}
