#!/usr/bin/env python3
"""Independent Panama traffic generator: tag-blocked NMEA (AIS and ARPA TTM) plus ground truth.

  gen.py --preset normal --seed 1 --out DIR      normal traffic only, 48 h, ~160 vessels
  gen.py --preset events --seed 1 --out DIR      normal traffic + every rule injected

Writes DIR/traffic.nmea (event time in IEC 61162-450 tag blocks, one line per station that heard
a report), DIR/truth.json (injected events: rule, mmsi or null, start, end, lat, lon, path, also)
and DIR/meta.json (stations, radar site, per-MMSI vessel kind, period).

The world is modelled from published facts (geo.py cites them): canal transits through the locks
with anchorage waits, ships in the Gulf of Panama TSS lanes, fishing boats, marinas, the Taboga
ferry, tugs, pilot boats, patrol boats, moored ships; reporting intervals per ITU-R M.1371-5
Table 1 (class A) and Table 2 (class B CS); reception falling with distance from each shore
station.  Deterministic for a given --seed (numpy's PCG64, one stream per vessel).
"""
import argparse
import bisect
import heapq
import json
import math
import os
import sys

import numpy as np

import aisenc
import geo

T0_DEFAULT = 1772409600  # 2026-03-02T00:00:00Z, outside the 1 Aug - 30 Nov whale season
KN_MS = 1852.0 / 3600.0

# ---------------------------------------------------------------------------------------------
# kinematics: a track is piecewise-linear knots (t, lat, lon, nav status)


class Track:
    def __init__(self, t, lat, lon, status=0):
        self.t, self.lat, self.lon, self.st = [t], [lat], [lon], [status]

    @property
    def end(self):
        return self.t[-1]

    @property
    def pos(self):
        return self.lat[-1], self.lon[-1]

    def _add(self, t, lat, lon, status):
        self.t.append(t)
        self.lat.append(lat)
        self.lon.append(lon)
        self.st.append(status)

    def go(self, points, speed_kn, status=0, comply=False):
        """Sail through points at speed_kn (a number or one per leg).  In the whale season a
        merchant ship that complies (comply) keeps to the Gulf of Panama limit in the northern
        scheme; small craft, go-fasts and radar-only targets do not (comply False)."""
        for i, (la, lo) in enumerate(points):
            sp = speed_kn[i] if isinstance(speed_kn, (list, tuple)) else speed_kn
            d = geo.dist_nm(self.lat[-1], self.lon[-1], la, lo)
            if d < 1e-6:
                continue
            if comply and sp > geo.WHALE_LIMIT_KN - 0.3 and geo.whale_season(self.t[-1]):
                self._whale_leg(la, lo, sp, status)
                continue
            self._add(self.t[-1] + d / sp * 3600.0, la, lo, status)
        return self

    def _whale_leg(self, la, lo, sp, status):
        """One leg at sp, slowed to 8.5-9.7 kn (the fraction of sp picks it) where it runs
        inside geo.WHALE_BOX; the leg is split where it crosses the box's edges."""
        la0, lo0 = self.pos
        b = geo.WHALE_BOX
        slow = min(sp, 8.5 + 1.2 * (sp % 1.0))
        cuts = [(x - la0) / (la - la0) for x in b[:2] if la != la0] + \
               [(x - lo0) / (lo - lo0) for x in b[2:] if lo != lo0]
        pts = [(la0 + f * (la - la0), lo0 + f * (lo - lo0)) for f in sorted(f for f in cuts if 0 < f < 1)]
        for pla, plo in pts + [(la, lo)]:
            a, o = self.pos
            mla, mlo = (a + pla) / 2, (o + plo) / 2
            inside = b[0] < mla <= b[1] and b[2] <= mlo <= b[3]
            d = geo.dist_nm(a, o, pla, plo)
            self._add(self.t[-1] + d / (slow if inside else sp) * 3600.0, pla, plo, status)

    def hold(self, dur_s, status, swing_m, rng):
        """Stay (anchor or berth) for dur_s; at anchor the ship swings round its anchor on a
        circle of swing_m with the tide (period ~12.4 h, semidiurnal on the Pacific side)."""
        lat0, lon0 = self.pos
        if swing_m <= 0:
            self._add(self.t[-1] + dur_s, lat0, lon0, status)
            self.st[-2] = status
            return self
        phase = rng.uniform(0, 360)
        alat, alon = geo.offset(lat0, lon0, phase + 180, swing_m)  # anchor position
        t, tend = self.t[-1], self.t[-1] + dur_s
        self.st[-1] = status
        while t < tend:
            t = min(tend, t + 600.0)
            ang = phase + 360.0 * (t - self.t[0]) / 44700.0
            la, lo = geo.offset(alat, alon, ang, swing_m)
            self._add(t, la, lo, status)
        return self

    def wait(self, dur_s, status=0):
        self._add(self.t[-1] + dur_s, self.lat[-1], self.lon[-1], status)
        self.st[-2] = status
        return self

    def time_at_lat(self, lat):
        """The first time the track reaches latitude lat (None if it never does)."""
        for i in range(len(self.t) - 1):
            a, b = self.lat[i], self.lat[i + 1]
            if a != b and min(a, b) <= lat <= max(a, b):
                return self.t[i] + (lat - a) / (b - a) * (self.t[i + 1] - self.t[i])
        return None

    def state(self, t):
        """(lat, lon, sog_kn, cog_deg, status) at time t (clamped to the track)."""
        i = bisect.bisect_right(self.t, t) - 1
        i = max(0, min(i, len(self.t) - 2)) if len(self.t) > 1 else 0
        if len(self.t) == 1:
            return self.lat[0], self.lon[0], 0.0, 0.0, self.st[0]
        t0, t1 = self.t[i], self.t[i + 1]
        f = 0.0 if t1 <= t0 else min(1.0, max(0.0, (t - t0) / (t1 - t0)))
        la = self.lat[i] + f * (self.lat[i + 1] - self.lat[i])
        lo = self.lon[i] + f * (self.lon[i + 1] - self.lon[i])
        d = geo.dist_nm(self.lat[i], self.lon[i], self.lat[i + 1], self.lon[i + 1])
        sog = 0.0 if t1 <= t0 else d / ((t1 - t0) / 3600.0)
        cog = geo.bearing_deg(self.lat[i], self.lon[i], self.lat[i + 1], self.lon[i + 1]) if d > 0 else 0.0
        return la, lo, sog, cog, self.st[i]


def in_box(rng, box):
    return rng.uniform(box[0], box[1]), rng.uniform(box[2], box[3])


def jitter(rng, lat, lon, m):
    return geo.offset(lat, lon, rng.uniform(0, 360), abs(rng.normal(0, m)))


# ---------------------------------------------------------------------------------------------
# identities


class Registry:
    """Unique MMSIs with realistic Maritime Identification Digits (ITU MID table): flags of
    convenience common in canal traffic, and local ones for small craft."""
    SHIP_MIDS = [351, 352, 353, 354, 355, 356, 357, 370, 371, 372, 373, 636, 538, 215, 229, 248,
                 563, 564, 565, 566, 477, 241, 412, 413, 440, 311, 209, 210, 219, 257]
    LOCAL_MIDS = [351, 352, 353, 354, 355, 356, 357, 370, 371, 372, 373]
    YACHT_MIDS = [338, 366, 367, 368, 369, 316, 235, 232, 227, 211, 351, 352, 353]
    WORDS = ["ATLANTIC", "PACIFIC", "STAR", "OCEAN", "GLORY", "PEARL", "EVER", "MAERSK", "MSC",
             "COSCO", "SEA", "WIND", "FORTUNE", "HARMONY", "SPIRIT", "BRIGHT", "GOLDEN", "NAVIGATOR",
             "PRIDE", "CRYSTAL", "PIONEER", "EAGLE", "HORIZON", "LIBERTY", "AURORA", "CORAL",
             "VOYAGER", "TRADER", "EXPRESS", "QUEEN", "ISLAND", "LUNA", "SOL", "MAR", "CARIBE"]

    def __init__(self, rng):
        self.rng = rng
        self.used = set()
        self.names = set()

    def mmsi(self, mids):
        while True:
            m = int(self.rng.choice(mids)) * 1000000 + int(self.rng.integers(0, 1000000))
            if m not in self.used:
                self.used.add(m)
                return m

    def name(self):
        while True:
            w = self.rng.choice(self.WORDS, size=2, replace=False)
            n = "%s %s" % (w[0], w[1])
            if self.rng.random() < 0.3:
                n += " %d" % self.rng.integers(1, 20)
            if n not in self.names:
                self.names.add(n)
                return n

    def callsign(self):
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        return "3E" + "".join(self.rng.choice(list(letters), size=3))

    def imo(self):
        """Seven digits whose last is the IMO check digit (sum of digits x 7..2, mod 10)."""
        d = [int(x) for x in str(int(self.rng.integers(900000, 999999)))]
        return int("".join(map(str, d)) + str(sum(a * w for a, w in zip(d, range(7, 1, -1))) % 10))


class Vessel:
    def __init__(self, mmsi, kind, cls, ship_type, name, callsign, imo, dims, track, rng):
        self.mmsi, self.kind, self.cls, self.ship_type = mmsi, kind, cls, ship_type
        self.name, self.callsign, self.imo, self.dims = name, callsign, imo, dims
        self.track, self.rng = track, rng
        self.t_on = track.t[0]
        self._t_off = None  # transmitter switched off for good; None: at the end of the track
        self.silent = []  # [(t0, t1)] transmitter off
        self.spoof = []  # [(t0, t1, lat, lon)] reported position replaced
        self.renames = []  # [(t, name, callsign)] static data changes
        self.nopos = []  # [(t0, t1)] GPS lost: lat 91 / lon 181 reported
        self.radar = True  # seen by the shore radar when in range
        self.ais = True
        self.draught = 8.0
        self.finished = False  # the track already ends where the vessel leaves the picture

    @property
    def t_off(self):
        """When the transmitter falls silent for good: the end of the track unless an event sets
        it.  Read at the end, so a voyage extended after the vessel was added (the event vessels
        sail on to an anchorage) keeps transmitting to its end instead of vanishing mid-voyage
        inside coverage, a gap no truth records."""
        return self.track.end if self._t_off is None else self._t_off

    @t_off.setter
    def t_off(self, t):
        self._t_off = t


# ---------------------------------------------------------------------------------------------
# the traffic


def canal_path(northbound):
    """Canal waypoints and leg speeds; northbound in canal terms is Pacific to Atlantic."""
    pts = geo.CANAL_N_TO_S if not northbound else list(reversed(geo.CANAL_N_TO_S))
    return pts


def sail_canal(tr, northbound, rng):
    """Through the canal from one sea buoy to the other, locks and tie-up waits included."""
    n = len(geo.CANAL_N_TO_S)
    order = list(range(n)) if not northbound else list(range(n - 1, -1, -1))
    for k in range(len(order) - 1):
        i, j = order[k], order[k + 1]
        lo_i = min(i, j)
        la, lo = geo.CANAL_N_TO_S[j][0], geo.CANAL_N_TO_S[j][1]
        if lo_i in geo.LOCKS:
            _, chambers = geo.LOCKS[lo_i]
            tr.wait(rng.uniform(300, 2400))  # tie-up wall, waiting for the lockage
            la0, lo0 = tr.pos
            for c in range(chambers):
                f = (c + 1) / chambers
                tr.go([(la0 + f * (la - la0), lo0 + f * (lo - lo0))], rng.uniform(1.0, 2.0))
                tr.wait(rng.uniform(480, 900))  # chamber fills or empties
        else:
            sp = geo.CANAL_N_TO_S[lo_i][2] * rng.uniform(0.85, 1.1)
            tr.go([(la, lo)], sp)
            if lo_i == 5 and rng.random() < 0.3:  # some wait in Gatun Lake for the next lockage
                tr.hold(rng.uniform(1800, 3 * 3600), 1, 60, rng)


def pacific_sea(rng):
    """A point south of the Gulf, out of every station's range (ships bound to/from the south or
    west coast of the Americas)."""
    return [(6.4, -79.55), (6.6, -80.9), (6.2, -79.0)][int(rng.integers(0, 3))]


def caribbean_sea(rng):
    return [(10.4, -79.80), (10.3, -79.2), (10.2, -80.5)][int(rng.integers(0, 3))]


def tss_inbound(tr, rng, start):
    """From the south through the northbound lane to the precautionary area."""
    lon = geo.TSS_NB_LON + rng.normal(0, 0.008)
    tr.go([(7.55, lon), (geo.TSS_NORTH, lon), (8.70, -79.40)], rng.uniform(11, 15), comply=True)


def tss_outbound(tr, rng, end):
    lon = geo.TSS_SB_LON + rng.normal(0, 0.008)
    sp = rng.uniform(11, 16)
    tr.go([(8.72, -79.49), (geo.TSS_NORTH, lon), (geo.TSS_SOUTH, lon), (7.5, lon), end], sp, comply=True)


class World:
    def __init__(self, seed, t0, dur_s):
        self.seed, self.t0, self.dur_s = seed, t0, dur_s
        self.rng = np.random.default_rng([seed, 0])
        self.reg = Registry(np.random.default_rng([seed, 1]))
        self.vessels = []
        self.radar_only = []  # (name, Track)
        self.truth = []
        self.n = 0

    def vrng(self):
        self.n += 1
        return np.random.default_rng([self.seed, 1000 + self.n])

    def add(self, kind, cls, ship_type, track, rng, dims=None, mids=None, name=None, mmsi=None):
        reg = self.reg
        if mmsi is None:
            mmsi = reg.mmsi(mids or (Registry.SHIP_MIDS if cls == "A" else Registry.YACHT_MIDS))
        if dims is None:
            dims = (10, 5, 2, 2) if cls == "B" else (150, 30, 15, 15)
        v = Vessel(mmsi, kind, cls, ship_type, name or reg.name(), reg.callsign(),
                   reg.imo() if cls == "A" and ship_type >= 60 else 0, dims, track, rng)
        self.vessels.append(v)
        return v

    # ---- merchant ships -----------------------------------------------------------------------
    def merchant_dims(self, rng):
        k = rng.random()
        if k < 0.35:
            return (260, 34, 16, 16), 12.5  # Panamax, 294 m x 32.3 m
        if k < 0.55:
            return (320, 46, 25, 26), 14.0  # Neopanamax (Agua Clara / Cocoli locks)
        return (150, 30, 14, 14), 9.5

    def transit(self, northbound, t_spawn, wait_s):
        rng = self.vrng()
        dims, draught = self.merchant_dims(rng)
        st = int(rng.choice([70, 71, 72, 79, 80, 81, 84]))
        if northbound:  # Pacific to Atlantic
            start = pacific_sea(rng)
            tr = Track(t_spawn, *start)
            tss_inbound(tr, rng, start)
            tr.go([in_box(rng, geo.PACIFIC_ANCHORAGE)], rng.uniform(8, 11), comply=True)
            tr.hold(wait_s, 1, rng.uniform(80, 200), rng)
            tr.go([(8.875, -79.520)], rng.uniform(7, 9))
            sail_canal(tr, True, rng)
            tr.go([(9.55, -79.92), caribbean_sea(rng)], rng.uniform(12, 15))
        else:
            start = caribbean_sea(rng)
            tr = Track(t_spawn, *start)
            tr.go([(9.55, -79.925), in_box(rng, geo.ATLANTIC_ANCHORAGE)], rng.uniform(11, 14))
            tr.hold(wait_s, 1, rng.uniform(80, 200), rng)
            tr.go([(9.395, -79.918)], rng.uniform(5, 7))
            sail_canal(tr, False, rng)
            tss_outbound(tr, rng, pacific_sea(rng))
        v = self.add("canal transit", "A", st, tr, rng, dims=dims)
        v.draught = draught
        return v

    def port_call(self, t_spawn, pacific):
        """Arrives, lies at a berth for one to three days, leaves."""
        rng = self.vrng()
        dims, draught = self.merchant_dims(rng)
        if pacific:
            start = pacific_sea(rng)
            tr = Track(t_spawn, *start)
            tss_inbound(tr, rng, start)
            tr.go([(8.875, -79.520), (8.939, -79.561), in_box(rng, geo.BALBOA_BERTHS)], [10, 8, 4], comply=True)
            tr.hold(rng.uniform(20, 70) * 3600, 5, 0, rng)
            tr.go([(8.939, -79.561), (8.875, -79.520)], [5, 9])
            tss_outbound(tr, rng, pacific_sea(rng))
        else:
            start = caribbean_sea(rng)
            tr = Track(t_spawn, *start)
            tr.go([(9.55, -79.925), (9.395, -79.918), in_box(rng, geo.CRISTOBAL_BERTHS)], [13, 7, 4])
            tr.hold(rng.uniform(20, 70) * 3600, 5, 0, rng)
            tr.go([(9.395, -79.918), (9.55, -79.925), caribbean_sea(rng)], [5, 9, 13])
        return self.add("port call", "A", int(rng.choice([70, 71, 80])), tr, rng, dims=dims)

    def moored(self, lat, lon, kind, cls, ship_type, status=5, dims=None, mids=None):
        rng = self.vrng()
        tr = Track(self.t0 - 3600, lat, lon, status).hold(self.dur_s + 7200, status, 0, rng)
        return self.add(kind, cls, ship_type, tr, rng, dims=dims, mids=mids)

    def anchored_all_period(self, box, kind="anchored waiting"):
        rng = self.vrng()
        dims, _ = self.merchant_dims(rng)
        tr = Track(self.t0 - 3600, *in_box(rng, box), 1).hold(self.dur_s + 7200, 1, rng.uniform(80, 200), rng)
        return self.add(kind, "A", int(rng.choice([70, 80, 84])), tr, rng, dims=dims)

    # ---- small craft --------------------------------------------------------------------------
    def fishing_trip(self, port, ground, t_spawn):
        """Leaves port, fishes for one to two days (trawl legs with hard turns, drifts while the
        gear soaks), comes back."""
        rng = self.vrng()
        tr = Track(t_spawn, *port, 5).hold(rng.uniform(1, 6) * 3600, 5, 0, rng)
        # out of Vacamonte bay and well east of the Punta Chame peninsula
        via = [(8.75, -79.57), (8.50, -79.52)] if port == geo.VACAMONTE else []
        tr.go(via + [in_box(rng, ground)], rng.uniform(7, 9.5))
        tend = tr.end + rng.uniform(20, 40) * 3600
        heading = rng.uniform(0, 360)
        while tr.end < tend:
            if rng.random() < 0.35:  # drift with the gear out
                dur = rng.uniform(1, 3.5) * 3600
                sp = rng.uniform(0.3, 1.5)
                d = geo.offset(*tr.pos, rng.uniform(0, 360), sp * KN_MS * dur)
                # the skipper hauls before the gear drifts off the ground (into the lanes of the
                # traffic-separation scheme east of the Punta Chame ground, say)
                d = (min(max(d[0], ground[0] - 0.05), ground[1] + 0.05),
                     min(max(d[1], ground[2] - 0.05), ground[3] + 0.05))
                tr.go([d], sp)
            else:  # trawl / search leg after a hard turn
                heading = (heading + rng.choice([-1, 1]) * rng.uniform(90, 180)) % 360
                sp = rng.uniform(2.5, 4.5)
                d = geo.offset(*tr.pos, heading, sp * KN_MS * rng.uniform(1200, 3600))
                if not (ground[0] - 0.05 < d[0] < ground[1] + 0.05 and ground[2] - 0.05 < d[1] < ground[3] + 0.05):
                    d = in_box(rng, ground)
                tr.go([d], sp)
        tr.go(list(reversed(via)) + [port], rng.uniform(7, 9.5))
        tr.hold(max(6 * 3600, self.t0 + self.dur_s + 3600 - tr.end), 5, 0, rng)
        return self.add("fishing", "A", 30, tr, rng, dims=(18, 6, 4, 4), mids=Registry.LOCAL_MIDS)

    def yacht_trip(self, marina, dest, t_spawn, motor):
        rng = self.vrng()
        tr = Track(t_spawn, *marina).hold(rng.uniform(1, 10) * 3600, 0, 0, rng)
        out = geo.offset(*marina, geo.bearing_deg(*marina, *dest), 1500)
        if motor:  # slow through the no-wake zone, then up on the plane
            tr.go([out], 5).go([dest], rng.uniform(18, 24))
        else:
            tr.go([out, dest], rng.uniform(5, 7.5))
        tr.hold(rng.uniform(2, 6) * 3600, 0, rng.uniform(20, 40), rng)
        tr.go([out], rng.uniform(18, 24) if motor else 6).go([marina], 5)
        tr.hold(self.t0 + self.dur_s + 3600 - tr.end if tr.end < self.t0 + self.dur_s else 3600, 0, 0, rng)
        return self.add("yacht", "B", 37, tr, rng, mids=Registry.YACHT_MIDS)

    def ferry(self):
        """Panama City (Amador causeway) - Taboga, ~12 kn, four round trips a day, moored at
        night (local time UTC-5)."""
        rng = self.vrng()
        route = [(8.905, -79.532), (8.835, -79.548), geo.TABOGA]
        tr = Track(self.t0 - 3600, *geo.AMADOR_FERRY, 5)
        day = self.t0
        while day < self.t0 + self.dur_s:
            for dep_h in (12.5, 15.5, 18.5, 21.5):  # 07:30, 10:30, 13:30, 16:30 local
                t_dep = day + dep_h * 3600 + rng.uniform(0, 600)
                if t_dep > tr.end:
                    tr.hold(t_dep - tr.end, 5, 0, rng)
                tr.go(route, rng.uniform(11, 13))
                tr.hold(rng.uniform(1200, 2400), 5, 0, rng)
                tr.go(list(reversed(route[:-1])) + [geo.AMADOR_FERRY], rng.uniform(11, 13))
            day += 86400
        tr.hold(self.t0 + self.dur_s + 3600 - tr.end, 5, 0, rng)
        return self.add("ferry", "A", 60, tr, rng, dims=(25, 10, 4, 4), mids=Registry.LOCAL_MIDS)

    def harbour_craft(self, base, places, kind, ship_type, speeds, hold_h):
        """Tugs, pilot and patrol boats: out to a place near the coast at working speed, a while
        there, back to base, repeated."""
        rng = self.vrng()
        tr = Track(self.t0 - 3600, *base, 5)
        while tr.end < self.t0 + self.dur_s:
            tr.hold(rng.uniform(*hold_h) * 3600, 5, 0, rng)
            dest = places[int(rng.integers(0, len(places)))]
            dest = jitter(rng, dest[0], dest[1], 500)
            sp = rng.uniform(*speeds)
            tr.go([dest], sp)
            tr.wait(rng.uniform(600, 5400), 0)
            tr.go([jitter(rng, base[0], base[1], 30)], rng.uniform(*speeds))
        return self.add(kind, "A", ship_type, tr, rng, dims=(20, 10, 5, 5), mids=Registry.LOCAL_MIDS)

    def coastal(self, t_spawn):
        """Coastal traffic along the Caribbean coast past Colon, not calling."""
        rng = self.vrng()
        a, b = (9.55, -80.60), (9.75, -78.90)
        if rng.random() < 0.5:
            a, b = b, a
        mid = [(9.52, -79.95), (9.72, -79.60)]  # 5 NM off Portobelo and Isla Grande
        if a[1] > b[1]:
            mid.reverse()
        tr = Track(t_spawn, *a).go(mid + [b], rng.uniform(10, 14))
        tr.go([(9.50, -81.30) if b[1] < -80 else (9.95, -78.20)], 12)
        return self.add("coastal", "A", int(rng.choice([70, 80, 89])), tr, rng)

    def finish(self):
        """No vessel vanishes in coverage: one whose plan ends before the period does stays where
        it is (berth, anchorage, marina, canal) or sails on out of every station's range."""
        t_hi = self.t0 + self.dur_s + 3600
        for v in self.vessels:
            tr = v.track
            if v.finished or tr.end >= t_hi:
                continue
            la, lo = tr.pos
            if all(geo.rx_probability(geo.dist_nm(la, lo, s[1], s[2]), s[3]) == 0 for s in geo.STATIONS):
                continue  # already beyond every station: it sails on unheard
            area = geo.area_of(la, lo)
            if area in ("marina/port", "pacific anchorage", "atlantic anchorage", "canal", "limon bay/colon") \
                    or geo.dist_nm(la, lo, *geo.VACAMONTE) < 1:
                tr.hold(t_hi - tr.end, tr.st[-1] if tr.st[-1] in (1, 5) else 5, 0, v.rng)
            elif la > 9.2:
                tr.go([(9.90, lo), (10.70, lo)], 12)
            elif lo > -79.33:  # east of the TSS, west of Las Perlas: south along 79 15W
                tr.go([(min(la, 8.60), -79.25), (7.60, -79.25), (6.40, -79.00)], 12, comply=True)
            else:  # out of the Bay of Panama past the sea buoy, then south-west
                tr.go(([(8.72, -79.49)] if la > 8.6 else []) + [(7.30, -79.75), (6.30, -80.20)], 12, comply=True)
            v.t_off = tr.end

    def normal(self, scale=1.0):
        rng, t0, dur = self.rng, self.t0, self.dur_s

        def count(n):
            return max(1, int(round(n * scale)))

        # ~36 transits a day (Panama Canal Authority, FY2023 average 36-38 per day); spawned
        # from 30 h before the period so the anchorages and the canal are full at its start.
        for _ in range(count(70)):
            northbound = rng.random() < 0.5
            booked = rng.random() < 0.5
            wait = rng.uniform(1, 5) * 3600 if booked else rng.uniform(8, 40) * 3600
            self.transit(northbound, t0 + rng.uniform(-30, 40) * 3600, wait)
        for _ in range(count(10)):
            self.port_call(t0 + rng.uniform(-48, 30) * 3600, rng.random() < 0.6)
        for _ in range(count(10)):
            self.anchored_all_period(geo.PACIFIC_ANCHORAGE)
        for _ in range(count(5)):
            self.anchored_all_period(geo.ATLANTIC_ANCHORAGE)
        for _ in range(count(8)):
            self.moored(*in_box(rng, geo.BALBOA_BERTHS), "moored", "A", 71, dims=(200, 40, 16, 16))
        for _ in range(count(6)):
            self.moored(*in_box(rng, geo.CRISTOBAL_BERTHS), "moored", "A", 70, dims=(180, 30, 15, 15))
        for _ in range(count(2)):
            self.moored(*jitter(rng, *geo.RODMAN, 100), "moored", "A", 80)
        # rafted pairs: fishing boats moored side by side at Vacamonte for days
        for _ in range(count(2)):
            la, lo = jitter(rng, *geo.VACAMONTE, 80)
            self.moored(la, lo, "moored fishing", "A", 30, dims=(18, 6, 4, 4), mids=Registry.LOCAL_MIDS)
            la2, lo2 = geo.offset(la, lo, 90, 9)
            self.moored(la2, lo2, "moored fishing", "A", 30, dims=(18, 6, 4, 4), mids=Registry.LOCAL_MIDS)
        for _ in range(count(6)):
            self.fishing_trip(geo.VACAMONTE, geo.FISHING_GROUNDS[int(rng.integers(0, 2))],
                              t0 + rng.uniform(-20, 20) * 3600)
        for _ in range(count(2)):
            self.fishing_trip((9.36, -79.905), geo.FISHING_GROUNDS[2], t0 + rng.uniform(-20, 20) * 3600)
        for _ in range(count(18)):
            m = [geo.FLAMENCO_MARINA, geo.LA_PLAYITA, geo.SHELTER_BAY, geo.BALBOA_YACHT_CLUB][int(rng.integers(0, 4))]
            self.moored(*jitter(rng, *m, 60), "moored yacht", "B", int(rng.choice([36, 37])), status=15)
        for _ in range(count(8)):
            m = [geo.FLAMENCO_MARINA, geo.LA_PLAYITA][int(rng.integers(0, 2))]
            d = [geo.TABOGA, (8.80, -79.500), CONTADORA_APPROACH][int(rng.integers(0, 3))]
            self.yacht_trip(m, d, t0 + rng.uniform(0, 40) * 3600, rng.random() < 0.5)
        for _ in range(count(2)):
            self.ferry()
        balboa_tug = (8.957, -79.566)
        pac_places = [(8.875, -79.52), (8.88, -79.49), (8.99, -79.586), (8.95, -79.568)]
        for _ in range(count(5)):
            self.harbour_craft(balboa_tug, pac_places, "tug", int(rng.choice([31, 52])), (8, 12), (1, 4))
        atl_places = [(9.39, -79.918), (9.38, -79.93), (9.285, -79.917), (9.355, -79.912)]
        for _ in range(count(3)):
            self.harbour_craft((9.355, -79.908), atl_places, "tug", 52, (8, 12), (1, 4))
        for _ in range(count(3)):
            self.harbour_craft(geo.AMADOR_FERRY, [(8.875, -79.52), (8.87, -79.49), (8.745, -79.45)],
                               "pilot", 50, (18, 26), (0.5, 3))
        self.harbour_craft((9.36, -79.91), [(9.395, -79.918), (9.39, -79.93)], "pilot", 50, (16, 24), (0.5, 3))
        self.harbour_craft(geo.FLAMENCO_MARINA, [(8.70, -79.30), (8.55, -79.50), (8.45, -79.25)],
                           "law enforcement", 55, (25, 35), (4, 10))
        self.harbour_craft(geo.FLAMENCO_MARINA, [(8.75, -79.55), (8.65, -79.40)], "sar", 51, (20, 30), (6, 14))
        for _ in range(count(6)):
            self.coastal(t0 + rng.uniform(-8, 46) * 3600)
        # GPS outages: the set reports "not available" (lat 91, lon 181) for a few minutes
        for v in self.vessels[:: max(1, len(self.vessels) // 3)][:3]:
            t = t0 + rng.uniform(2, 40) * 3600
            v.nopos.append((t, t + rng.uniform(120, 600)))


CONTADORA_APPROACH = (8.635, -79.050)

# ---------------------------------------------------------------------------------------------
# injected events, each with its ground truth


def iso(t):
    import datetime

    return datetime.datetime.fromtimestamp(int(t), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def inject(w, per_rule):
    rng = np.random.default_rng([w.seed, 2])
    t0, dur = w.t0, w.dur_s

    def slot(k):  # spread events over the period, k = 0..per_rule-1
        return t0 + (k + 0.5) * dur / per_rule + rng.uniform(-2, 2) * 3600

    def truth(rule, mmsi, ts, te, lat, lon, path=None, also=(), also_end=None):
        """also_end: the rules in also may be raised until then (default te)."""
        w.truth.append({"rule": rule, "mmsi": mmsi, "start": iso(ts), "end": iso(te), "start_s": ts,
                        "end_s": te, "lat": round(lat, 5), "lon": round(lon, 5),
                        "path": path or [[round(lat, 5), round(lon, 5)]], "also": list(also),
                        "also_end_s": te if also_end is None else also_end})

    def sailing(start, pts, sp, t, kind, ship_type=70, cls="A", mids=None, comply=True):
        vr = w.vrng()
        tr = Track(t, *start).go(pts, sp, comply=comply)
        return w.add(kind, cls, ship_type, tr, vr, mids=mids)

    for k in range(per_rule):
        # ais_gap: a ship in good coverage of Balboa switches its transponder off for 1-2 h
        t = slot(k)
        v = sailing((7.55, geo.TSS_NB_LON), [(geo.TSS_NORTH, geo.TSS_NB_LON), (8.70, -79.40), (8.88, -79.50),
                    (8.905, -79.54), (8.939, -79.561), (8.955, -79.569)], 12, t - 6 * 3600, "event ais_gap")
        v.track.hold(8 * 3600, 5, 0, v.rng)
        g0 = t
        g1 = g0 + rng.uniform(1.0, 2.0) * 3600
        # switch off in the northern part of the lane, within ~30 NM of Balboa and Isla del Rey
        g0 = v.track.time_at_lat(8.45)
        g1 = g0 + rng.uniform(1.0, 2.0) * 3600
        v.silent.append((g0, g1))
        la, lo = v.track.state(g0)[:2]
        # sailing on dark through the Flamenco radar's coverage: a radar track with no AIS is a
        # dark target, rightly (the path is where it sailed while silent)
        dark = [[round(x, 5) for x in v.track.state(g0 + f * (g1 - g0))[:2]] for f in np.linspace(0, 1, 13)]
        truth("ais_gap", v.mmsi, g0, g1, la, lo, path=dark, also=["dark_target"])

        # encounter: two ships drift side by side at sea for ~3 h (< 500 m, < 2 kn)
        t = slot(k)
        spot = [(8.45, -79.20), (7.90, -79.62), (9.62, -79.75)][k % 3]
        a = w.vrng()
        came = [200, 200, 300][k % 3]  # from the open sea, never across land
        ta = Track(t - 3 * 3600, *geo.offset(*spot, came, 35000)).go([spot], 11)
        ta.go([geo.offset(*spot, 45, 0.3 * KN_MS * 3 * 3600)], 0.3)  # ~3 h side by side
        meet0, meet1 = ta.t[-2], ta.t[-1]
        ta.go([geo.offset(*spot, came, 35000)], 11)
        va = w.add("event encounter", "A", 70, ta, a)
        b = w.vrng()
        sb = geo.offset(*spot, 90, 150)
        tb = Track(meet0 - 2.5 * 3600, *geo.offset(*sb, 20, 30000))
        tb.go([sb], 30000 / 1852 / 2.5)
        tb.go([geo.offset(*sb, 45, 0.3 * KN_MS * 3 * 3600)], 0.3)
        tb.go([geo.offset(*sb, 20, 30000)], 10)
        vb = w.add("event encounter", "A", 30, tb, b, mids=Registry.LOCAL_MIDS)
        truth("encounter", [va.mmsi, vb.mmsi], meet0, meet1, *spot, also=["loitering"])

        # loitering: a reefer drifts < 2 kn for ~6 h, >= 20 NM from shore, outside anchorages
        t = slot(k)
        spot = [(7.70, -79.60), (7.85, -78.95), (8.15, -79.55)][k % 3]  # 25-30 NM off Azuero / Las Perlas / Chame
        came_from = geo.offset(*spot, [160, 160, 220][k % 3], 40000)
        v = sailing(came_from, [spot], 12, t - 40000 / 1852 / 12 * 3600, "event loitering", ship_type=72)
        l0 = v.track.end
        hrs = rng.uniform(5.5, 7)
        v.track.go([geo.offset(*spot, rng.uniform(0, 360), 0.6 * KN_MS * hrs * 3600)], 0.6)
        l1 = v.track.end
        v.track.go([came_from], 12)
        truth("loitering", v.mmsi, l0, l1, *spot)

        # position_jump: a ship's reports jump ~30 NM away for two reports (spoofing)
        t = slot(k)
        v = sailing((7.55, geo.TSS_NB_LON), [(geo.TSS_NORTH, geo.TSS_NB_LON), (8.70, -79.40),
                    in_box(rng, geo.PACIFIC_ANCHORAGE)], 13, t - 5 * 3600, "event position_jump")
        v.track.hold(6 * 3600, 1, 100, v.rng)
        tj = t - 5 * 3600 + rng.uniform(3.5, 4.2) * 3600
        la, lo = v.track.state(tj)[:2]
        v.spoof.append((tj, tj + 25, la - 0.30, lo + 0.25))  # ~23 NM away, open sea
        truth("position_jump", v.mmsi, tj, tj + 60, la, lo, also=["mmsi_conflict"])

        # mmsi_conflict: a second transmitter uses a canal ship's MMSI far away for ~2 h
        t = slot(k)
        real = sailing((9.55, -79.925), [in_box(rng, geo.ATLANTIC_ANCHORAGE)], 6, t - 3600, "event mmsi_conflict")
        real.track.hold(4 * 3600, 1, 100, real.rng)
        c0, c1 = t, t + rng.uniform(1.5, 2.5) * 3600
        vr = w.vrng()
        ct = Track(c0, 8.80, -79.49).go([(8.72, -79.49), (geo.TSS_NORTH, geo.TSS_SB_LON), (8.0, geo.TSS_SB_LON)], 9)
        clone = w.add("event mmsi_conflict clone", "A", 70, ct, vr, mmsi=real.mmsi, name=real.name)
        clone.t_off = c1
        clone.name, clone.callsign, clone.imo = real.name, real.callsign, real.imo
        clone.finished = True  # the second transmitter falls silent where it is
        # the ship that carried it sails on down the lane with no AIS: under the radar, rightly a
        # dark target (the path is where it sails from the start to the end of its track)
        path = [[round(x, 5) for x in ct.state(c0 + f * (ct.end - c0))[:2]] for f in np.linspace(0, 1, 13)]
        truth("mmsi_conflict", real.mmsi, c0, c1, 8.80, -79.49, path=path,
              also=["position_jump", "ais_gap", "dark_target"], also_end=ct.end)

        # identity_change: name and call sign change mid-voyage
        t = slot(k)
        v = sailing(pacific_sea(rng), [(7.55, geo.TSS_NB_LON), (geo.TSS_NORTH, geo.TSS_NB_LON), (8.70, -79.40)],
                    12, t - 6 * 3600, "event identity_change")
        v.track.go([in_box(rng, geo.PACIFIC_ANCHORAGE)], 9).hold(10 * 3600, 1, 100, v.rng)
        v.renames.append((t, w.reg.name(), w.reg.callsign()))
        la, lo = v.track.state(t)[:2]
        truth("identity_change", v.mmsi, t, t + 400, la, lo)

        # invalid_mmsi: 8 digits, an unallocated MID, a class B with a ship-station MID of 100
        t = slot(k)
        bad = [12345678, 199123456, 100234567][k % 3]
        vr = w.vrng()
        tr = Track(t, 8.93, -79.54).go([(8.88, -79.50), (8.72, -79.49), (geo.TSS_NORTH, geo.TSS_SB_LON),
                                         (8.10, geo.TSS_SB_LON)], 8)  # out by the southbound lane
        v = w.add("event invalid_mmsi", "A", 30, tr, vr, mmsi=bad)
        truth("invalid_mmsi", bad, tr.t[0], tr.end, 8.88, -79.50)

        # position_on_land: a set reporting a fixed inland position (GPS or configuration fault)
        t = slot(k)
        spot = [(9.07, -79.38), (8.80, -80.05), (9.25, -79.60)][k % 3]  # Tocumen, Cocle, Chagres hills
        vr = w.vrng()
        tr = Track(t, *spot, 0).hold(1.5 * 3600, 0, 0, vr)
        v = w.add("event position_on_land", "A", 70, tr, vr)
        v.radar = False
        v.finished = True  # the faulty set is switched off
        truth("position_on_land", v.mmsi, tr.t[0], tr.end, *spot, also=["ais_gap"])

        # fast_near_coast: a go-fast claiming to be a fishing or pleasure boat, 35-45 kn inshore
        t = slot(k)
        paths = [[(9.50, -79.98), (9.70, -79.70), (9.68, -79.45)],
                 [(8.55, -79.75), (8.75, -79.60), (8.70, -79.35)],
                 [(9.45, -80.25), (9.48, -80.05), (9.55, -79.95)]]
        p = paths[k % 3]
        cls = "B" if k % 3 == 2 else "A"
        v = sailing(p[0], p[1:], rng.uniform(35, 45), t, "event fast_near_coast",
                    ship_type=[30, 37, 37][k % 3], cls=cls, mids=Registry.LOCAL_MIDS, comply=False)
        # crossing the Gulf scheme at 35-45 kn in the whale season also breaks its 10 kn limit
        truth("fast_near_coast", v.mmsi, v.track.t[0], v.track.end, *p[1], path=[list(x) for x in p],
              also=["tss_violation"] if geo.whale_season(t) else [])

        # dark_target fast: radar only, 30-40 kn across the bay
        t = slot(k)
        p = [[(8.60, -79.30), (8.78, -79.42), (8.90, -79.35)], [(8.55, -79.62), (8.70, -79.48)],
             [(8.70, -79.25), (8.62, -79.58)]][k % 3]
        tr = Track(t, *p[0]).go(p[1:], rng.uniform(30, 40))
        w.radar_only.append(tr)
        mid = tr.state((tr.t[0] + tr.end) / 2)
        truth("dark_target", None, tr.t[0], tr.end, mid[0], mid[1], path=[list(x) for x in p])

        # dark_target slow: a semi-submersible at 5-7 kn
        t = slot(k) + 3 * 3600
        p = [[(8.60, -79.62), (8.74, -79.60)], [(8.55, -79.35), (8.72, -79.38)], [(8.62, -79.50), (8.70, -79.65)]][k % 3]
        tr = Track(t, *p[0]).go(p[1:], rng.uniform(5, 7))
        w.radar_only.append(tr)
        mid = tr.state((tr.t[0] + tr.end) / 2)
        truth("dark_target", None, tr.t[0], tr.end, mid[0], mid[1], path=[list(x) for x in p])

        # tss_violation: southbound in the northbound lane
        t = slot(k)
        v = sailing((8.70, -79.40), [(geo.TSS_NORTH, geo.TSS_NB_LON), (7.60, geo.TSS_NB_LON)], 12, t,
                    "event tss_violation", comply=False)
        v.track.go([pacific_sea(rng)], 12)
        ts = v.track.t[1]
        te = v.track.t[2]
        truth("tss_violation", v.mmsi, ts, te, (geo.TSS_NORTH + 7.6) / 2, geo.TSS_NB_LON,
              path=[[geo.TSS_NORTH, geo.TSS_NB_LON], [7.6, geo.TSS_NB_LON]])
        if geo.whale_season(t):
            # in the whale season: a ship of 150 m keeping 13-15 kn up the northern scheme
            sp = rng.uniform(13, 15)
            lon = geo.TSS_NB_LON
            t_in = t + 3 * 3600
            v = sailing((7.55, lon), [(geo.WHALE_LAT_MIN, lon), (geo.TSS_NORTH, lon), (8.70, -79.40),
                                      in_box(rng, geo.PACIFIC_ANCHORAGE)], sp,
                        t_in - geo.dist_nm(7.55, lon, geo.WHALE_LAT_MIN, lon) / sp * 3600,
                        "event tss_violation speed", comply=False)
            v.track.hold(6 * 3600, 1, 100, v.rng)
            ts, te = v.track.t[1], v.track.t[2]
            truth("tss_violation", v.mmsi, ts, te, (geo.WHALE_LAT_MIN + geo.TSS_NORTH) / 2, lon,
                  path=[[geo.WHALE_LAT_MIN, lon], [geo.TSS_NORTH, lon]])

        # canal_overstay: waits at a canal anchorage, then leaves without transiting
        t = slot(k)
        vr = w.vrng()
        if k % 3 != 2:
            tr = Track(t - 12 * 3600, *in_box(vr, geo.PACIFIC_ANCHORAGE), 1).hold(12 * 3600, 1, 120, vr)
            tl = tr.end
            tss_outbound(tr, vr, pacific_sea(vr))
            la, lo = tr.state(tl)[:2]
        else:
            tr = Track(t - 12 * 3600, *in_box(vr, geo.ATLANTIC_ANCHORAGE), 1).hold(12 * 3600, 1, 120, vr)
            tl = tr.end
            tr.go([(9.55, -79.925), caribbean_sea(vr)], 12)
            la, lo = tr.state(tl)[:2]
        v = w.add("event canal_overstay", "A", 70, tr, vr)
        truth("canal_overstay", v.mmsi, tl, tl + 3 * 3600, la, lo)


# ---------------------------------------------------------------------------------------------
# reports and reception


def report_interval_s(v, sog, status):
    """ITU-R M.1371-5 Table 1 (class A autonomous mode) and Table 2 (class B CS)."""
    if v.cls == "B":
        return 30.0 if sog > 2.0 else 180.0
    if status in (1, 5) and sog <= 3.0:
        return 180.0
    if sog <= 14.0:
        return 10.0
    if sog <= 23.0:
        return 6.0
    return 2.0


def vessel_messages(v, t_lo, t_hi):
    """(t, [bits, ...]) for every transmission of v in [t_lo, t_hi)."""
    rng = v.rng
    t = max(v.t_on, t_lo) + rng.uniform(0, 10)
    t_end = min(v.t_off, t_hi)
    next_static = t + rng.uniform(0, 360)
    name, callsign = v.name, v.callsign
    renames = sorted(v.renames)
    while t < t_end:
        la, lo, sog, cog, status = v.track.state(t)
        silent = any(a <= t < b for a, b in v.silent)
        if not silent:
            # position noise: class A with SBAS ~5 m, class B ~10 m (1 sigma); SOG 0.1 kn, COG 1 deg
            la, lo = jitter(rng, la, lo, 5 if v.cls == "A" else 10)
            rsog = max(0.0, sog + rng.normal(0, 0.1))
            rcog = (cog + rng.normal(0, 1.5)) % 360 if sog > 0.5 else rng.uniform(0, 360)
            for a, b, sla, slo in v.spoof:
                if a <= t < b:
                    la, lo = sla, slo
            if any(a <= t < b for a, b in v.nopos):
                la, lo, rsog, rcog = 91.0, 181.0, None, None
            hdg = None if (v.cls == "B" or rcog is None) else (round(cog + rng.normal(0, 2)) % 360)
            sec = int(t) % 60
            msgs = []
            if v.cls == "A":
                mt = 3 if rng.random() < 0.1 else 1
                msgs.append(aisenc.pos_report_a(mt, v.mmsi, status, rsog, la, lo, rcog, hdg, sec))
            else:
                msgs.append(aisenc.pos_report_b(v.mmsi, rsog, la, lo, rcog, hdg, sec))
            while renames and renames[0][0] <= t:
                _, name, callsign = renames.pop(0)
                next_static = t
            if t >= next_static:  # static data every 6 min (M.1371 Table 3 / Table 4)
                if v.cls == "A":
                    msgs.append(aisenc.static_a(v.mmsi, v.imo, callsign, name, v.ship_type, *v.dims,
                                                v.draught, "BALBOA" if v.mmsi % 2 else "CRISTOBAL"))
                else:
                    msgs.append(aisenc.static_b_a(v.mmsi, name))
                    msgs.append(aisenc.static_b_b(v.mmsi, v.ship_type, callsign, v.dims))
                next_static = t + 360
            yield t, la, lo, msgs
        t += report_interval_s(v, sog, status) + rng.uniform(-0.3, 0.3)


def vessel_lines(idx, v, t_lo, t_hi, stations):
    rng = v.rng
    ch = 0
    seq = 0
    for t, la, lo, msgs in vessel_messages(v, t_lo, t_hi):
        # what the stations hear depends on where the transmitter is, not on the position it
        # reports (none, or a spoofed one ~23 NM away that may lie beyond every station's range)
        if la > 90 or any(a <= t < b for a, b, _, _ in v.spoof):
            la, lo = v.track.state(t)[:2]
        heard = [s for s in stations
                 if rng.random() < geo.rx_probability(geo.dist_nm(la, lo, s[1], s[2]), s[3])]
        for bits in msgs:
            ch ^= 1
            seq = (seq + 1) % 10
            sents = aisenc.vdm_sentences(bits, "AB"[ch], seq)
            for s in heard:
                tb = aisenc.tag_block(s[0], t)
                for sn in sents:
                    yield (int(t), idx, tb + sn)


def radar_visible(lat, lon):
    """Whether the Flamenco radar can track a target: within range, not in the near blind zone,
    and in the open water south of the Bridge of the Americas (the hills of Ancon and the
    canal banks hide everything north of ~8.95N)."""
    _, rla, rlo, rng_nm = geo.RADAR_SITE
    d = geo.dist_nm(rla, rlo, lat, lon)
    return 0.3 < d <= rng_nm and lat < 8.95


RADAR_SCAN_S = 15.0  # one TTM per target every 15 s (ARPA output decimated by the NMEA bridge)


def radar_tracks(w, t_lo, t_hi):
    """Targets the shore radar tracks: (track, sog-aware) intervals and a target number each,
    numbers 1-99 reused after a target is dropped, as ARPA does."""
    cands = [(v.track, v.radar) for v in w.vessels] + [(tr, True) for tr in w.radar_only]
    spans = []
    for k, (tr, seen) in enumerate(cands):
        if not seen:
            continue
        a = max(tr.t[0], t_lo)
        b = min(tr.end, t_hi)
        t = math.ceil(a / RADAR_SCAN_S) * RADAR_SCAN_S
        start = None
        while t <= b:
            la, lo = tr.state(t)[:2]
            vis = radar_visible(la, lo)
            if vis and start is None:
                start = t
            if (not vis or t + RADAR_SCAN_S > b) and start is not None:
                if t - start >= 60:
                    spans.append((start, t, k, tr))
                start = None
            t += RADAR_SCAN_S * (1 if start is not None else 4)
    spans.sort(key=lambda s: (s[0], s[2]))
    free_at = {n: -1e18 for n in range(1, 100)}
    out = []
    for s0, s1, k, tr in spans:
        n = min((n for n in free_at if free_at[n] < s0 - 60), default=None)
        if n is None:
            continue  # ARPA full: target not acquired
        free_at[n] = s1
        out.append((s0, s1, n, k, tr))
    return out


def radar_lines(span, seed, order):
    s0, s1, n, k, tr = span
    rng = np.random.default_rng([seed, 3, k, int(s0)])
    _, rla, rlo, _ = geo.RADAR_SITE
    t = s0 + 2.0
    while t < s1:
        la, lo, sog, cog, _ = tr.state(t)
        d = geo.dist_nm(rla, rlo, la, lo) + rng.normal(0, 0.01)
        b = geo.bearing_deg(rla, rlo, la, lo) + rng.normal(0, 0.3)
        sp = max(0.0, sog + rng.normal(0, 0.3))
        c = cog + rng.normal(0, 3) if sog > 1 else rng.uniform(0, 360)
        tb = aisenc.tag_block(geo.RADAR_SITE[0], t)
        yield (int(t), order, tb + aisenc.ttm_sentence(n, d, b, sp, c, t))
        t += RADAR_SCAN_S


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", choices=["normal", "events"], default="normal")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--hours", type=float, default=48.0)
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies the normal vessel counts")
    ap.add_argument("--events-per-rule", type=int, default=3)
    ap.add_argument("--t0", type=int, default=T0_DEFAULT, help="start of the period, Unix s")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    w = World(a.seed, a.t0, a.hours * 3600)
    w.normal(a.scale)
    if a.preset == "events":
        inject(w, a.events_per_rule)
    w.finish()
    t_lo, t_hi = w.t0, w.t0 + w.dur_s
    gens = [vessel_lines(i, v, t_lo, t_hi, geo.STATIONS) for i, v in enumerate(w.vessels)]
    spans = radar_tracks(w, t_lo, t_hi)
    gens += [radar_lines(s, a.seed, 100000 + i) for i, s in enumerate(spans)]
    n = 0
    with open(os.path.join(a.out, "traffic.nmea"), "w") as f:
        for _, _, line in heapq.merge(*gens):
            f.write(line + "\n")
            n += 1
    meta = {"preset": a.preset, "seed": a.seed, "t0": t_lo, "t1": t_hi, "lines": n,
            "stations": geo.STATIONS, "radar_site": geo.RADAR_SITE,
            "vessels": {str(v.mmsi): v.kind for v in w.vessels if not v.kind.endswith("clone")}}
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    with open(os.path.join(a.out, "truth.json"), "w") as f:
        json.dump(w.truth, f, indent=1)
    print("gen: %s seed %d: %d vessels, %d radar-only, %d radar spans, %d events, %d lines"
          % (a.preset, a.seed, len(w.vessels), len(w.radar_only), len(spans), len(w.truth), n),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
