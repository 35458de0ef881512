#!/usr/bin/env python3
"""Write panama_navigable_water.geojson, panama_land_extent.geojson and
panama_inland_water.geojson (configs/zones/).

Navigable water: the Panama Canal route as corridors around a centreline (one quadrilateral per
leg, each leg extended by its half-width at both ends so consecutive legs overlap at the bends),
and a few harbour basins and marinas as small squares.  The centreline points are rounded
positions of the published landmarks named beside them (Autoridad del Canal de Panamá route
description and lock positions, cross-checked against OpenStreetMap); the reaches between
landmarks through Gatun Lake are approximate to about 1 km, hence the wide corridor there.
APPROXIMATE, NOT FOR NAVIGATION.

Land extent: the box panama_land.geojson was clipped to (lon -86..-74, lat 3..14; see
derive_panama.py) minus the part north of 10.9 N west of 82.6 W, where Nicaragua's coast and
islands are not in the file (it holds only PAN, COL and CRI).

Inland water: the holes of Panama's land polygon in panama_land.geojson that no navigable-water
feature reaches (Lake Alajuela behind Madden Dam, 77 m above the sea, and the small lagoons and
artefacts of the 1:10 m outline) as one land feature with "shore": false: a position there is on
land, and their edges are no coast and no berth.  Gatun and Miraflores Lakes, which the canal
route crosses, stay water.

Run: python3 panama_water.py   (no dependencies)
"""
import json
import math
import os

M_PER_DEG = 111194.93

# (lat, lon) centreline points, half-width in metres per corridor.
CORRIDORS = [
    ("Atlantic entrance channel to Gatun Locks", 600, [
        (9.395, -79.918),   # Limon Bay breakwater entrance (Toro Point / Colon breakwaters)
        (9.340, -79.915),   # Cristobal harbour reach
        (9.286, -79.922),   # Gatun Locks, north (sea) gate (9.272 N 79.923 W centre)
        (9.258, -79.920),   # Gatun Locks, south (lake) gate
    ]),
    ("Agua Clara Locks approach", 700, [
        (9.340, -79.915),   # joins the entrance channel
        (9.295, -79.907),   # Agua Clara Locks, north (approx. 9.27 N 79.905 W centre)
        (9.255, -79.903),   # Agua Clara Locks, south
        (9.235, -79.905),   # into Gatun Lake
    ]),
    ("Gatun Lake channel (approximate reaches)", 2500, [
        (9.258, -79.918),   # Gatun Locks, lake side
        (9.220, -79.900),   # Gatun reach, Tiger Island
        (9.195, -79.860),   # Bohio reach
        (9.175, -79.820),   # Buena Vista / Frijoles reaches (north of Barro Colorado)
        (9.150, -79.780),   # Barbacoas reach
        (9.125, -79.740),   # Mamei reach
        (9.115, -79.700),   # Gamboa, mouth of the Chagres
    ]),
    ("Culebra Cut to Pedro Miguel Locks", 800, [
        (9.115, -79.700),   # Gamboa
        (9.085, -79.672),   # Empire reach
        (9.060, -79.655),   # Culebra reach
        (9.045, -79.643),   # Gold Hill / Contractors Hill
        (9.028, -79.630),   # Centennial Bridge
        (9.021, -79.618),   # Pedro Miguel Locks, north gate (9.017 N 79.613 W centre)
        (9.012, -79.611),   # Pedro Miguel Locks, south gate
    ]),
    ("Miraflores Lake and Locks to Balboa", 800, [
        (9.012, -79.611),   # Pedro Miguel Locks, south
        (9.003, -79.597),   # Miraflores Locks, north gate (8.997 N 79.591 W centre)
        (8.991, -79.587),   # Miraflores Locks, south gate
        (8.972, -79.577),   # Pacific channel, Balboa reach
        (8.950, -79.565),   # Balboa, Bridge of the Americas (8.939 N 79.558 W)
    ]),
    ("Pacific access channel and Cocoli Locks", 800, [
        (9.040, -79.640),   # junction with the Culebra Cut
        (9.015, -79.625),   # Borinquen dam channel
        (9.000, -79.606),   # Cocoli Locks (approx. 8.99 N 79.60 W centre)
        (8.980, -79.590),   # joins the Pacific channel
    ]),
]

BASINS = [  # (name, lat, lon, half side m)
    ("Shelter Bay Marina (Fort Sherman)", 9.368, -79.951, 600),
    ("Cristobal / Colon harbour basins", 9.355, -79.905, 1200),
    ("Flamenco Marina and Amador Causeway", 8.912, -79.522, 900),
    ("Balboa Yacht Club / Playita moorings", 8.925, -79.535, 700),
    ("Almirante ferry and banana berths", 9.300, -82.398, 800),
    ("Bocas del Toro town waterfront", 9.340, -82.242, 700),
    ("Vacamonte fishing port", 8.868, -79.668, 700),
]

ATTRIB = "Original work of the Centinela project; positions of published landmarks, rounded."


def leg_quad(a, b, half_m):
    lat0 = (a[0] + b[0]) / 2
    kx = M_PER_DEG * math.cos(math.radians(lat0))
    ax, ay = a[1] * kx, a[0] * M_PER_DEG
    bx, by = b[1] * kx, b[0] * M_PER_DEG
    dx, dy = bx - ax, by - ay
    n = math.hypot(dx, dy)
    ux, uy = dx / n, dy / n
    px, py = -uy, ux
    pts = []
    for (x, y, s) in ((ax, ay, -1), (bx, by, 1)):
        ex, ey = x + s * ux * half_m, y + s * uy * half_m
        pts.append((ex + px * half_m, ey + py * half_m))
        pts.append((ex - px * half_m, ey - py * half_m))
    order = [pts[0], pts[2], pts[3], pts[1], pts[0]]
    return [[round(x / kx, 5), round(y / M_PER_DEG, 5)] for (x, y) in order]


def square(lat, lon, half_m):
    dlat = half_m / M_PER_DEG
    dlon = half_m / (M_PER_DEG * math.cos(math.radians(lat)))
    return [[round(lon - dlon, 5), round(lat - dlat, 5)], [round(lon + dlon, 5), round(lat - dlat, 5)],
            [round(lon + dlon, 5), round(lat + dlat, 5)], [round(lon - dlon, 5), round(lat + dlat, 5)],
            [round(lon - dlon, 5), round(lat - dlat, 5)]]


def _inside(ring, lon, lat):
    c = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
            c = not c
    return c


def _cross(a, b, c, d):
    def side(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


def _touches(hole, poly):
    """True when two simple rings overlap: a vertex of one inside the other or edges crossing."""
    if any(_inside(poly, x, y) for x, y in hole) or any(_inside(hole, x, y) for x, y in poly):
        return True
    return any(_cross(a, b, c, d) for a, b in zip(hole, hole[1:]) for c, d in zip(poly, poly[1:]))


def inland_water(land_path, water_polys):
    """Holes of the Panama feature of land_path that no navigable-water polygon touches."""
    land = json.load(open(land_path))
    pan = [f for f in land["features"] if f["properties"].get("country") == "PAN"][0]
    holes = [[pt[:2] for pt in ring] for poly in pan["geometry"]["coordinates"] for ring in poly[1:]]
    return [h for h in holes if not any(_touches(h, w) for w in water_polys)], len(holes)


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    feats = []
    for name, half, pts in CORRIDORS:
        for i in range(len(pts) - 1):
            feats.append({"type": "Feature",
                          "properties": {"kind": "navigable_water", "name": "%s, leg %d" % (name, i + 1)},
                          "geometry": {"type": "Polygon", "coordinates": [leg_quad(pts[i], pts[i + 1], half)]}})
    for name, lat, lon, half in BASINS:
        feats.append({"type": "Feature", "properties": {"kind": "navigable_water", "name": name},
                      "geometry": {"type": "Polygon", "coordinates": [square(lat, lon, half)]}})
    with open(os.path.join(out, "panama_navigable_water.geojson"), "w") as f:
        json.dump({"type": "FeatureCollection", "attribution": ATTRIB,
                   "note": "APPROXIMATE, not for navigation; see tools/panama_water.py", "features": feats}, f, indent=1)
        f.write("\n")
    water = [f["geometry"]["coordinates"][0] for f in feats]
    holes, nholes = inland_water(os.path.join(out, "panama_land.geojson"), water)
    inl = {"type": "FeatureCollection",
           "attribution": "Derived from panama_land.geojson by tools/panama_water.py; "
                          + json.load(open(os.path.join(out, "panama_land.geojson")))["attribution"],
           "note": "%d of the %d holes of Panama's land polygon: those no navigable-water feature reaches"
                   % (len(holes), nholes),
           "features": [{"type": "Feature",
                         "properties": {"kind": "land", "name": "Panama inland lakes and reservoirs off the canal route",
                                        "shore": False},
                         "geometry": {"type": "MultiPolygon", "coordinates": [[h] for h in holes]}}]}
    with open(os.path.join(out, "panama_inland_water.geojson"), "w") as f:
        json.dump(inl, f, indent=1)
        f.write("\n")
    ring = [[-86.0, 3.0], [-74.0, 3.0], [-74.0, 14.0], [-82.6, 14.0], [-82.6, 10.9], [-86.0, 10.9], [-86.0, 3.0]]
    ext = {"type": "FeatureCollection", "attribution": ATTRIB,
           "note": "where panama_land.geojson is complete (PAN, COL, CRI within its clip box, Nicaragua cut out)",
           "features": [{"type": "Feature", "properties": {"kind": "land_extent", "name": "Panama region land data"},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}}]}
    with open(os.path.join(out, "panama_land_extent.geojson"), "w") as f:
        json.dump(ext, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
