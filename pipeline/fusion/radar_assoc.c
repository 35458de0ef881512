/* Radar tracks and their association with AIS tracks.
 *
 * Each ARPA target (site, target number) is a radar track with its own filter.  On every radar
 * update the target is gated against the AIS tracks near it (the track grid, 0.05 deg cells):
 * distance between the radar position and the AIS track predicted to the radar time within
 * radar_gate_m, speeds within radar_gate_kn when both are known.  The nearest candidate wins
 * (greedy assignment); an AIS track holds one target per site, and a closer target of the same
 * site takes it over (the displaced target re-associates or turns dark at its next update).
 * An existing association is kept while the distance stays within 1.5 x the gate (hysteresis:
 * one noisy plot must not flip a ship to a dark target).  The gate widens by 1 % of the range
 * from the site: a 0.5 deg bearing error is 330 m at 20 NM (IMO MSC.192(79) allows 1 deg).
 *
 * ARPA reuses a target number once the target is dropped, often without a "lost" sentence: a
 * number silent longer than radar_lost_s, or whose new plot no vessel could reach from the old
 * one (above max_speed_kn), is a new target: the old radar track is removed and a new one
 * starts, instead of dragging the old filter (and its AIS association) across the bay.
 *
 * The radar position is fused into the AIS track only while the AIS is silent (older than
 * max(30 s, 2 x the expected reporting interval)): AIS positions are better than radar plots,
 * and a silent transponder is exactly when the radar keeps the picture alive. */
#include "fusion_internal.h"

#include "centinela/geo.h"
#include "centinela/log.h"

#include <math.h>
#include <string.h>

#define NS 1000000000LL
/* An AIS track without a report for this long (s) has an uncertain speed: class A under way
 * reports every 2-10 s (ITU-R M.1371), so 30 s is three missed reports. */
#define STALE_AIS_S 30.0

static double ais_predicted_dist(const fusion *f, const track *a, int64_t t_ns, double lat,
                                 double lon, double *speed_kn)
{
    double dt = (double)(t_ns - a->t_ns) / 1e9;
    if (dt < 0)
        dt = 0;
    if (dt > 600)
        dt = 600;
    double px = a->x.p + a->x.v * dt, py = a->y.p + a->y.v * dt;
    double mx, my;
    geo_to_local(a->ref_lat, a->ref_lon, lat, lon, &mx, &my);
    *speed_kn = hypot(a->x.v, a->y.v) / GEO_MPS_PER_KN;
    (void)f;
    if (a->is_radar || (double)(t_ns - a->last_ais_ns) / 1e9 <= STALE_AIS_S)
        return hypot(mx - px, my - py);
    /* Silent longer than a moving ship reports: it may have slowed or stopped (a ferry at its
     * pier reports every 3 min): anywhere from its last state to the dead-reckoned one, at a
     * speed no longer known. */
    *speed_kn = NAN;
    double ux = px - a->x.p, uy = py - a->y.p, l2 = ux * ux + uy * uy;
    double k = l2 > 0 ? ((mx - a->x.p) * ux + (my - a->y.p) * uy) / l2 : 0;
    k = k < 0 ? 0 : (k > 1 ? 1 : k);
    return hypot(mx - (a->x.p + k * ux), my - (a->y.p + k * uy));
}

static bool speeds_agree(const fusion *f, double radar_kn, double ais_kn)
{
    if (!isfinite(radar_kn) || !isfinite(ais_kn))
        return true;
    return fabs(radar_kn - ais_kn) <= f->cfg.radar_gate_kn + 0.2 * fmax(radar_kn, ais_kn);
}

/* A published dark target that has just been associated: tell downstream it is gone. */
static void end_dark(fusion *f, track *rt)
{
    if (!rt->published)
        return;
    rt->published = 0;
    if (!f->cfg.emit)
        return;
    wire_track w;
    fill_wire(f, rt, TRACK_UPD_STATE, &w);
    w.state = TRACK_REMOVED;
    f->cfg.emit(f->cfg.emit_ctx, &w);
    f->stats.emitted++;
}

static void associate(fusion *f, int32_t ri, int64_t t_ns, double lat, double lon, double speed_kn,
                      double range_m)
{
    track *rt = &f->tr[ri];
    double gate_m = f->cfg.radar_gate_m + (isfinite(range_m) ? 0.01 * range_m : 0);
    if (rt->radar_idx >= 0) {
        track *a = &f->tr[rt->radar_idx];
        double sk, d = ais_predicted_dist(f, a, t_ns, lat, lon, &sk);
        if (a->state != 255 && d <= 1.5 * gate_m && speeds_agree(f, speed_kn, sk))
            return;
        if (a->radar_idx == ri)
            a->radar_idx = -1;
        rt->radar_idx = -1;
    }
    double dlat = gate_m / GEO_M_PER_DEG;
    double dlon = dlat / fmax(0.1, cos(geo_rad(lat)));
    int32_t best = -1;
    double best_d = INFINITY;
    for (double la = lat - dlat; la <= lat + dlat + 0.05; la += 0.05) {
        for (double lo = lon - dlon; lo <= lon + dlon + 0.05; lo += 0.05) {
            double qa = la > lat + dlat ? lat + dlat : la, qo = lo > lon + dlon ? lon + dlon : lo;
            uint64_t *head = u64map_get(&f->grid, fusion_internal_grid_key(qa, qo));
            for (int32_t i = head ? (int32_t)*head : -1; i >= 0; i = f->tr[i].grid_next) {
                const track *a = &f->tr[i];
                double sk, d = ais_predicted_dist(f, a, t_ns, lat, lon, &sk);
                if (d > gate_m || d >= best_d || !speeds_agree(f, speed_kn, sk))
                    continue;
                if (a->radar_idx >= 0 && a->radar_idx != ri) {
                    const track *other = &f->tr[a->radar_idx];
                    if (other->radar_site == rt->radar_site) {
                        double olat, olon, ok;
                        track_position(other, &olat, &olon);
                        if (ais_predicted_dist(f, a, t_ns, olat, olon, &ok) <= d)
                            continue; /* the holder is closer: keep it */
                    }
                }
                best = i;
                best_d = d;
            }
            if (qo >= lon + dlon)
                break;
        }
        if (la >= lat + dlat)
            break;
    }
    if (best < 0)
        return;
    track *a = &f->tr[best];
    if (a->radar_idx >= 0 && a->radar_idx != ri) {
        track *other = &f->tr[a->radar_idx];
        if (other->radar_site == rt->radar_site) {
            other->radar_idx = -1; /* displaced: re-associates or turns dark at its next update */
            a->radar_idx = ri;
        }
    } else {
        a->radar_idx = ri;
    }
    rt->radar_idx = best;
    f->stats.radar_associations++;
    end_dark(f, rt);
    fusion_internal_emit(f, a, TRACK_UPD_POSITION, true);
}

int fusion_radar(fusion *f, const wire_radar *r)
{
    if (!isfinite(r->lat_deg) || !isfinite(r->lon_deg) || fabs(r->lat_deg) > 90 ||
        fabs(r->lon_deg) > 180 || r->target > 999 || r->time_ns <= 0) {
        f->stats.radar_invalid++;
        return -1;
    }
    fusion_advance(f, r->time_ns);
    f->stats.radar_reports++;
    uint64_t key = ((uint64_t)r->site_id << 16) | r->target;
    uint64_t *v = u64map_get(&f->by_radar, key);
    double sigma = f->cfg.radar_sigma_m + (isfinite(r->range_m) ? 0.01 * r->range_m : 0);
    double spd = isfinite(r->speed_kn) ? r->speed_kn : NAN;
    double crs = isfinite(r->course_deg) ? r->course_deg : NAN;
    int32_t ri;
    track *rt;
    if (v && r->status != 'L') {
        rt = &f->tr[(int32_t)*v];
        double silent_s = (double)(r->time_ns - rt->last_radar_ns) / 1e9, olat, olon;
        track_position(rt, &olat, &olon);
        double jump_m = geo_distance_m(olat, olon, r->lat_deg, r->lon_deg);
        bool reused = silent_s > f->cfg.radar_lost_s ||
                      (jump_m > f->cfg.radar_gate_m &&
                       jump_m / fmax(silent_s, 1.0) / GEO_MPS_PER_KN > f->cfg.max_speed_kn);
        if (reused) {
            f->stats.radar_reused++;
            fusion_internal_retire(f, (int32_t)*v);
            v = NULL;
        }
    }
    if (!v) {
        if (r->status == 'L')
            return 1; /* lost report of a target we never tracked */
        ri = track_alloc(f);
        rt = &f->tr[ri];
        rt->is_radar = 1;
        rt->radar_site = r->site_id;
        rt->radar_target = r->target;
        rt->state = TRACK_TENTATIVE;
        track_init_state(f, rt, r->time_ns, r->lat_deg, r->lon_deg, spd, crs, sigma);
        u64map_put(&f->by_radar, key, (uint64_t)ri);
        f->stats.live_radar++;
        f->stats.tracks_created++;
    } else {
        ri = (int32_t)*v;
        rt = &f->tr[ri];
        if (r->status == 'L') {
            /* ARPA says the target is lost: stop vouching for any AIS track at once */
            rt->state = TRACK_LOST;
            if (rt->radar_idx >= 0 && f->tr[rt->radar_idx].radar_idx == ri)
                f->tr[rt->radar_idx].radar_idx = -1;
            rt->radar_idx = -1;
            if (rt->published)
                fusion_internal_emit(f, rt, TRACK_UPD_STATE, true);
            return 1;
        }
        track_update(f, rt, r->time_ns, r->lat_deg, r->lon_deg, spd, crs, sigma, 0.5);
    }
    rt->last_report_ns = rt->last_radar_ns = r->time_ns;
    rt->sog_kn = (float)spd;
    rt->cog_deg = (float)crs;
    rt->n_reports++;
    if (rt->hits < 255)
        rt->hits++;
    if (r->name[0] && !rt->name[0])
        memcpy(rt->name, r->name, sizeof rt->name);
    if (rt->hits >= f->cfg.radar_confirm)
        rt->state = TRACK_CONFIRMED;
    double lat, lon;
    track_position(rt, &lat, &lon);
    associate(f, ri, r->time_ns, lat, lon, spd, r->range_m);
    if (rt->radar_idx >= 0) {
        track *a = &f->tr[rt->radar_idx];
        double stale_s =
            fmax(30.0, 2 * fusion_ais_interval_s((char)a->ais_class, a->sog_kn, a->nav_status));
        if (r->time_ns - a->last_ais_ns > (int64_t)(stale_s * NS) && r->time_ns >= a->t_ns) {
            track_update(f, a, r->time_ns, r->lat_deg, r->lon_deg, NAN, NAN, sigma, 0);
            a->last_report_ns = r->time_ns;
            if (a->state == TRACK_LOST)
                a->state = TRACK_CONFIRMED;
            fusion_internal_emit(f, a, TRACK_UPD_POSITION, false);
        }
        return 1;
    }
    if (publishable(f, rt)) {
        if (!rt->published)
            f->stats.dark_published++;
        fusion_internal_emit(f, rt, TRACK_UPD_POSITION, false);
    }
    return 1;
}
