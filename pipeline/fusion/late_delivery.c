/* Late deliveries: a ship's reports that reach the fusion after later ones.
 *
 * Satellite AIS is stamped on arrival at the ground (exactEarth's trailing epoch in AMSA's feed):
 * a pass collects a ship's reports over many minutes and they reach us out of order, seconds
 * apart, so a report's time only says the ship was there before it, by up to max_latency_s.
 * Terrestrial networks now and then relay a report a quarter of an hour late (DMA's Kattegat
 * log).  Such a report fails the gate of its own track; taken as news it would start a second
 * track, one MMSI in two places: a false mmsi_conflict.
 *
 * The fusion cannot put these reports in time order, but it can tell where the ship may have
 * been, and a report is the same ship delivered out of order when it lies
 *  - on the path the track already took: within gate_min_m of the polyline through the
 *    positions it accepted (a vertex every gate_min_m of travel, the last TRACK_PATH_VERTICES,
 *    then the track's present position), on a stretch the ship left less than max_latency_s
 *    before the report's stamp, and going the same way (its course within 90 deg of the
 *    stretch's: a ferry coming back along its route is not late, it is on its way back);
 *  - or on a turn joining the report and the track's present position.  A ship turning
 *    steadily from course c1 to c2 (by less than 180 deg) moves along a chord whose bearing lies
 *    between c1 and c2, since the chord is the sum of the path's small steps whose headings
 *    all lie in [c1, c2].  So a report whose own course and the track's course bracket the
 *    bearing between them (within CHORD_TOL_DEG, or gate_min_m of that wedge) is the ship after
 *    the turn (ahead of the track) or before it (behind), if the ship covers the distance in
 *    max_latency_s at its speed.  A straight course is the case c1 = c2: the course line.
 * A second transmitter abeam of the course or away from the path fails both and still splits
 * the MMSI.  The former check followed the straight course line only, and split a ship turning
 * 74 deg off Fremantle (AMSA exactEarth log, MMSI 503613000: twelve reports over seven minutes
 * delivered in five bursts); this one keeps it one track (tests/fusion: a synthetic turn with
 * the same delivery, and the second transmitter that must still split).
 *
 * The same reasoning the other way round (fusion.c): a report ahead on the track's course or
 * turn, further than the vessel could have gone since the track's report, means the track's
 * report was the late one; re-acquiring there would publish a jump no ship made.
 */
#include "fusion_internal.h"

#include "centinela/geo.h"

#include <math.h>

/* Angular slack of the turn wedge (deg): the filter's course noise, yaw and a rate of turn
 * that is not quite steady.  The straight-course check allowed 0.3 x the distance along
 * (17 deg) too. */
#define CHORD_TOL_DEG 17.0
/* A turn wider than this (deg) between the track's course and the report's is not bridged:
 * the wedge would cover half the horizon, and a report coming back the other way is the ship
 * after a U-turn (a ferry, a patrol), not one sent from the way it came. */
#define MAX_TURN_DEG 135.0
/* Below this speed (m/s, 1 kn) a reported course says nothing. */
#define COURSE_MIN_MPS 0.5
/* A path vertex at least this often (m) even with gate_min_m = 0. */
#define MIN_VERTEX_SPACING_M 50.0

static double wrap180(double deg)
{
    deg = fmod(deg + 180.0, 360.0);
    if (deg < 0)
        deg += 360.0;
    return deg - 180.0;
}

/* East/north metres of (lat, lon) seen from (lat0, lon0), across the antimeridian too. */
static void local_m(double lat0_deg, double lon0_deg, double lat_deg, double lon_deg, double *x_m,
                    double *y_m)
{
    geo_to_local(lat0_deg, 0.0, lat_deg, wrap180(lon_deg - lon0_deg), x_m, y_m);
}

static const path_vertex *vertex(const track *t, int k)
{
    return &t->path[(t->path_head + k) % TRACK_PATH_VERTICES];
}

void fusion_internal_path_add(const fusion *f, track *t, double lat, double lon, int64_t time_ns)
{
    if (t->path_n) {
        const path_vertex *v = vertex(t, t->path_n - 1);
        double x, y;
        local_m(v->lat_e7 * 1e-7, v->lon_e7 * 1e-7, lat, lon, &x, &y);
        if (hypot(x, y) < fmax(f->cfg.gate_min_m, MIN_VERTEX_SPACING_M))
            return; /* still near the last vertex: the segment to the present covers it */
    }
    path_vertex *v;
    if (t->path_n < TRACK_PATH_VERTICES) {
        v = &t->path[(t->path_head + t->path_n) % TRACK_PATH_VERTICES];
        t->path_n++;
    } else {
        v = &t->path[t->path_head]; /* the oldest gives way */
        t->path_head = (uint8_t)((t->path_head + 1) % TRACK_PATH_VERTICES);
    }
    v->lat_e7 = (int32_t)lrint(lat * 1e7);
    v->lon_e7 = (int32_t)lrint(lon * 1e7);
    v->t_ns = time_ns;
}

/* The report's course (deg) when it has one worth using, else NaN. */
static double report_course(const fusion_report *r)
{
    bool moving = isfinite(r->sog_kn) && r->sog_kn * GEO_MPS_PER_KN >= COURSE_MIN_MPS;
    return moving && isfinite(r->cog_deg) && r->cog_deg < 360.0f ? r->cog_deg : NAN;
}

/* On a stretch of the track's path it could have been sent from (see the header comment);
 * behind_only: and more than gate_min_m from the present position (behind it, not at it). */
static bool on_path(const fusion *f, const track *t, const fusion_report *r, bool behind_only)
{
    double gate_m = fmax(f->cfg.gate_min_m, MIN_VERTEX_SPACING_M);
    int64_t oldest_ns = r->time_ns - (int64_t)(f->cfg.max_latency_s * 1e9);
    double course = report_course(r);
    double plat, plon, x, y;
    track_position(t, &plat, &plon);
    local_m(r->lat_deg, r->lon_deg, plat, plon, &x, &y);
    if (behind_only && hypot(x, y) <= gate_m)
        return false;
    double px = 0, py = 0;
    /* the vertices, oldest first, then the present position; the report at the origin */
    for (int k = 0; k <= t->path_n; k++) {
        int64_t later_ns;
        if (k < t->path_n) {
            const path_vertex *v = vertex(t, k);
            local_m(r->lat_deg, r->lon_deg, v->lat_e7 * 1e-7, v->lon_e7 * 1e-7, &x, &y);
            later_ns = v->t_ns;
        } else {
            local_m(r->lat_deg, r->lon_deg, plat, plon, &x, &y);
            later_ns = t->t_ns;
        }
        /* a stretch left before oldest_ns was behind the ship when the report was sent */
        if (k > 0 && later_ns >= oldest_ns) {
            double sx = x - px, sy = y - py, len2 = sx * sx + sy * sy;
            double u = len2 > 0 ? fmin(1.0, fmax(0.0, -(px * sx + py * sy) / len2)) : 0.0;
            bool near = hypot(px + u * sx, py + u * sy) <= gate_m;
            /* a stretch too short to have a direction of its own has the track's */
            if (len2 < gate_m * gate_m) {
                sx = t->x.v;
                sy = t->y.v;
            }
            bool same_way = !isfinite(course) || hypot(sx, sy) < 1e-9 ||
                            fabs(wrap180(course - geo_deg(atan2(sx, sy)))) <= 90.0;
            if (near && same_way)
                return true;
        }
        px = x;
        py = y;
    }
    return false;
}

/* Bearing b (deg) seen d_m away lies in the wedge turning from c1 to c2 the short way (within
 * CHORD_TOL_DEG, or gate_m of its edges). */
static bool in_wedge(double b, double c1, double c2, double d_m, double gate_m)
{
    double w = wrap180(c2 - c1), a = wrap180(b - c1);
    bool inside = w >= 0 ? (a >= 0 && a <= w) : (a <= 0 && a >= w);
    if (inside)
        return true;
    double off = fmin(fabs(a), fabs(wrap180(b - c2)));
    return off <= CHORD_TOL_DEG || (off < 90.0 && d_m * sin(geo_rad(off)) <= gate_m);
}

/* +1: on a turn after the track's present position (ahead), -1: before it (behind), 0: on no
 * turn joining them.  *d_m gets the distance between them. */
static int turn_side(const fusion *f, const track *t, const fusion_report *r, double *d_m)
{
    *d_m = 0;
    double v_mps = hypot(t->x.v, t->y.v);
    if (v_mps < COURSE_MIN_MPS)
        return 0; /* at rest, late reports fall inside the gate anyway */
    double c_track = geo_deg(atan2(t->x.v, t->y.v));
    double c_report = report_course(r);
    if (!isfinite(c_report))
        c_report = c_track;
    else if (fabs(wrap180(c_report - c_track)) > MAX_TURN_DEG)
        return 0; /* heading back the other way: a manoeuvre, not a report from the way here */
    if (isfinite(r->sog_kn) && r->sog_kn * GEO_MPS_PER_KN > v_mps)
        v_mps = r->sog_kn * GEO_MPS_PER_KN;
    double plat, plon, x, y;
    track_position(t, &plat, &plon);
    local_m(plat, plon, r->lat_deg, r->lon_deg, &x, &y);
    *d_m = hypot(x, y);
    if (*d_m > v_mps * f->cfg.max_latency_s + f->cfg.gate_min_m)
        return 0;
    double b = geo_deg(atan2(x, y));
    if (in_wedge(b, c_track, c_report, *d_m, f->cfg.gate_min_m))
        return +1;
    if (in_wedge(wrap180(b + 180.0), c_report, c_track, *d_m, f->cfg.gate_min_m))
        return -1;
    return 0;
}

bool fusion_internal_late_behind(const fusion *f, const track *t, const fusion_report *r)
{
    if (f->cfg.max_latency_s <= 0)
        return false;
    double d_m;
    return on_path(f, t, r, true) || (turn_side(f, t, r, &d_m) < 0 && d_m > f->cfg.gate_min_m);
}

bool fusion_internal_late_delivery(const fusion *f, const track *t, const fusion_report *r)
{
    if (f->cfg.max_latency_s <= 0)
        return false;
    double d_m;
    return on_path(f, t, r, false) || turn_side(f, t, r, &d_m) != 0;
}
