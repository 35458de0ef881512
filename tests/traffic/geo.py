"""Published geography of the Panama Canal area used by the independent traffic generator.

Every coordinate is approximate (read off published descriptions and nautical charts, rounded to
about 0.005 deg, i.e. a few hundred metres); none is taken from the project's zone files, so the
traffic is not shaped by what the detector believes.  Latitudes north, longitudes east
(west is negative), degrees WGS 84.
"""
import math

NM_M = 1852.0
EARTH_R_M = 6371008.8

# --- AIS shore stations (id, lat, lon, nominal range NM) ---------------------------------------
# VHF AIS shore stations typically reach 30-40 NM to a ship's antenna (ITU-R M.1371 / IALA
# A-124 planning figures); sites are approximate public landmarks with a sea view:
#   1 Balboa signal station on Ancon Hill (~8.96N 79.55W)
#   2 Cristobal/Colon (~9.35N 79.90W)
#   3 Isla del Rey, Las Perlas (~8.38N 78.92W)
#   4 Punta Mala lighthouse, Azuero (~7.47N 80.00W)
STATIONS = [
    (1, 8.960, -79.550, 40.0),
    (2, 9.350, -79.900, 40.0),
    (3, 8.380, -78.920, 40.0),
    (4, 7.470, -80.000, 40.0),
]

# --- shore radar (ARPA, TTM range/bearing from the site) ---------------------------------------
# Flamenco island signal station at the Pacific entrance (~8.912N 79.523W), 24 NM.
RADAR_SITE = (101, 8.912, -79.523, 24.0)

# --- Panama Canal, Atlantic (north) to Pacific (south) -----------------------------------------
# Waypoints along the navigation channel, approximate, from the Panama Canal Authority's
# published description of the route (Limon Bay, Gatun Locks ~9.27N 79.92W, Gatun Lake north
# of Barro Colorado, Gamboa at the Chagres mouth ~9.12N 79.70W, Culebra (Gaillard) Cut past
# Gold Hill ~9.05N 79.65W, Centennial Bridge ~9.03N 79.63W, Pedro Miguel Locks ~9.02N 79.61W,
# Miraflores Locks ~9.00N 79.59W, Balboa, Bridge of the Americas ~8.94N 79.56W) and charts
# BA 1299/1300.  Each entry: (lat, lon, speed_kn, label); the speed applies to the leg that
# starts at that point.  Lock chambers are separate entries (see LOCKS).
CANAL_N_TO_S = [
    (9.395, -79.918, 7.0, "atlantic breakwater entrance"),
    (9.360, -79.917, 7.0, "limon bay channel"),
    (9.320, -79.916, 6.0, "limon bay south"),
    (9.290, -79.917, 2.0, "gatun locks north approach"),
    (9.262, -79.925, 8.0, "gatun locks south end"),
    (9.235, -79.905, 10.0, "gatun lake north"),
    (9.200, -79.880, 10.0, "gatun lake"),
    (9.175, -79.845, 10.0, "north of barro colorado"),
    (9.150, -79.800, 10.0, "gatun lake east"),
    (9.125, -79.740, 8.0, "gatun lake to gamboa"),
    (9.115, -79.697, 7.0, "gamboa"),
    (9.085, -79.678, 6.5, "culebra cut north"),
    (9.050, -79.655, 6.5, "culebra cut, gold hill"),
    (9.030, -79.630, 5.0, "centennial bridge"),
    (9.022, -79.617, 2.0, "pedro miguel north approach"),
    (9.012, -79.608, 5.0, "pedro miguel south end"),
    (9.003, -79.597, 2.0, "miraflores lake, north approach"),
    (8.990, -79.586, 6.0, "miraflores south end"),
    (8.960, -79.572, 7.0, "balboa"),
    (8.939, -79.561, 8.0, "bridge of the americas"),
    (8.905, -79.540, 9.0, "pacific entrance channel"),
    (8.875, -79.520, 10.0, "pacific sea buoy area"),
]
# Lock flights: (index of the approach point in CANAL_N_TO_S, chambers).  Gatun has three
# chambers, Pedro Miguel one, Miraflores two (Panama Canal Authority).  A chamber takes roughly
# 8-15 min to fill or empty, with the ship towed by locomotives at 1-2 kn between chambers.
LOCKS = {3: ("gatun", 3), 14: ("pedro miguel", 1), 16: ("miraflores", 2)}

# --- anchorages ---------------------------------------------------------------------------------
# Pacific anchorages east of the entrance channel off Flamenco (~8.85-8.90N 79.47-79.51W) and
# the Atlantic anchorage in and off Limon Bay (~9.37-9.40N 79.905-79.94W); approximate.
PACIFIC_ANCHORAGE = (8.850, 8.900, -79.510, -79.470)
ATLANTIC_ANCHORAGE = (9.370, 9.400, -79.940, -79.905)

# --- Gulf of Panama traffic separation scheme ----------------------------------------------------
# IMO, "On the Pacific coast of Panama", Part I Gulf of Panama (MSC 93, May 2014; in force 1 Dec
# 2014; NtM 3719(P)/14): separation zone joining 8 44.70N 79 27.00W, 8 35.00N 79 26.00W,
# 7 45.00N 79 26.00W, 7 45.00N 79 23.00W, 8 35.00N 79 23.00W, 8 45.42N ...  Under COLREG rule 10
# a ship keeps the separation zone to port, so northbound traffic uses the lane east of the zone
# and southbound the lane west of it; the lanes are taken here as 3' wide (approximate).
TSS_SEP_W, TSS_SEP_E = -(79 + 26 / 60), -(79 + 23 / 60)
TSS_SOUTH, TSS_NORTH = 7.75, 8 + 35 / 60
TSS_NB_LON = -(79 + 21.5 / 60)  # centre of the northbound lane
TSS_SB_LON = -(79 + 27.5 / 60)  # centre of the southbound lane
TSS_NORTH_END = (8.745, -79.450)  # 8 44.70N 79 27.00W, the precautionary area beyond
# The whale season: from 1 August to 30 November ships of 20 m and more keep to 10 kn in the
# scheme north of 8 N (Panama's seasonal humpback-whale measure for the Gulf of Panama, the rule
# configs/anomaly_detector.conf gives tss_violation).  Ships that comply slow to 8.5-9.7 kn there;
# the box is the northern half of the scheme and the precautionary area beyond it.
WHALE_SEASON = (801, 1130)  # MMDD, first and last day (UTC)
WHALE_LIMIT_KN, WHALE_LAT_MIN = 10.0, 8.0
WHALE_BOX = (WHALE_LAT_MIN, 8.76, -79.56, -79.30)  # lat_min, lat_max, lon_min, lon_max


def whale_season(t):
    """True when Unix time t falls in the whale season."""
    import datetime

    d = datetime.datetime.fromtimestamp(int(t), datetime.timezone.utc)
    return WHALE_SEASON[0] <= d.month * 100 + d.day <= WHALE_SEASON[1]

# --- ports, marinas and other places (approximate) ----------------------------------------------
BALBOA_BERTHS = (8.950, 8.960, -79.572, -79.565)  # Balboa container terminal
CRISTOBAL_BERTHS = (9.350, 9.358, -79.915, -79.910)  # Cristobal / Manzanillo
RODMAN = (8.945, -79.575)
SHELTER_BAY = (9.368, -79.950)  # Shelter Bay marina, Fort Sherman
FLAMENCO_MARINA = (8.912, -79.520)  # Flamenco marina, Amador causeway
LA_PLAYITA = (8.917, -79.526)
BALBOA_YACHT_CLUB = (8.935, -79.557)
AMADOR_FERRY = (8.915, -79.528)  # Taboga ferry pier on the causeway
TABOGA = (8.798, -79.553)  # Taboga island pier
CONTADORA = (8.622, -79.035)  # Las Perlas
VACAMONTE = (8.862, -79.668)  # Vacamonte fishing port
# Fishing grounds offshore (lat_min, lat_max, lon_min, lon_max): western Gulf off Azuero, off
# Punta Chame, and off the Caribbean coast west of Colon.
FISHING_GROUNDS = [
    (7.70, 7.95, -79.80, -79.55),
    (8.15, 8.35, -79.75, -79.55),
    (9.55, 9.70, -80.10, -79.95),
]

# Coarse areas for the false-alert summary: (name, lat_min, lat_max, lon_min, lon_max), first match.
AREAS = [
    ("marina/port", 8.905, 8.925, -79.535, -79.515),
    ("marina/port", 9.360, 9.375, -79.960, -79.940),
    ("pacific anchorage", 8.840, 8.905, -79.515, -79.460),
    ("atlantic anchorage", 9.365, 9.410, -79.945, -79.900),
    ("canal", 8.930, 9.300, -79.935, -79.550),
    ("limon bay/colon", 9.300, 9.400, -79.960, -79.880),
    ("bay of panama", 8.600, 8.960, -79.700, -79.300),
    ("gulf tss", 7.600, 8.760, -79.500, -79.300),
    ("caribbean coast", 9.300, 10.500, -80.500, -78.500),
    ("gulf offshore", 6.000, 8.800, -81.000, -78.000),
]


def area_of(lat, lon):
    for name, a, b, c, d in AREAS:
        if a <= lat <= b and c <= lon <= d:
            return name
    return "elsewhere"


def dist_nm(lat1, lon1, lat2, lon2):
    """Great-circle distance (haversine), nautical miles."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_R_M * math.asin(min(1.0, math.sqrt(h))) / NM_M


def bearing_deg(lat1, lon1, lat2, lon2):
    """Initial true bearing from point 1 to point 2, 0..360 deg."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360.0


def offset(lat, lon, brg_deg, d_m):
    """Point d_m metres from (lat, lon) on true bearing brg_deg (flat earth, < 100 km)."""
    b = math.radians(brg_deg)
    dlat = d_m * math.cos(b) / 111320.0
    dlon = d_m * math.sin(b) / (111320.0 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def rx_probability(d_nm, range_nm):
    """Chance a shore station decodes one report at d_nm: ~0.95 inside 60 % of the nominal range
    (slot collisions and fading take the rest), falling to 0.5 at the nominal range and to zero at
    1.3x it (VHF line of sight over the horizon; IALA A-124 coverage planning)."""
    if d_nm <= 0.6 * range_nm:
        return 0.95
    if d_nm <= range_nm:
        return 0.95 - 0.45 * (d_nm - 0.6 * range_nm) / (0.4 * range_nm)
    if d_nm <= 1.3 * range_nm:
        return 0.5 * (1.3 * range_nm - d_nm) / (0.3 * range_nm)
    return 0.0
