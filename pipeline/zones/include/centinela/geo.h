/* Small geodesy helpers shared by zones, fusion and the simulator.
 *
 * Spherical Earth of mean radius 6,371,008.8 m (IUGG): errors below 0.5 % against WGS84, far
 * inside what AIS positions (10 m at best) and the zone outlines need.  The local tangent plane is
 * an equirectangular projection around a reference point: x east, y north, in metres; its error
 * stays under 1 m within 20 km of the reference at these latitudes, so trackers re-anchor before.
 */
#ifndef CENTINELA_GEO_H
#define CENTINELA_GEO_H

#include <math.h>

#define GEO_EARTH_RADIUS_M 6371008.8
#define GEO_M_PER_DEG (GEO_EARTH_RADIUS_M * M_PI / 180.0) /* 111,194.93 m per degree of arc */
#define GEO_M_PER_NM 1852.0
#define GEO_MPS_PER_KN (1852.0 / 3600.0)

static inline double geo_rad(double deg)
{
    return deg * (M_PI / 180.0);
}
static inline double geo_deg(double rad)
{
    return rad * (180.0 / M_PI);
}

/* Great-circle distance in metres (haversine). */
static inline double geo_distance_m(double lat1_deg, double lon1_deg, double lat2_deg,
                                    double lon2_deg)
{
    double p1 = geo_rad(lat1_deg), p2 = geo_rad(lat2_deg);
    double dp = p2 - p1, dl = geo_rad(lon2_deg - lon1_deg);
    double a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
    return 2.0 * GEO_EARTH_RADIUS_M * asin(sqrt(a < 1.0 ? a : 1.0));
}

/* Initial bearing from point 1 to point 2, degrees 0..360 (0 north, clockwise). */
static inline double geo_bearing_deg(double lat1_deg, double lon1_deg, double lat2_deg,
                                     double lon2_deg)
{
    double p1 = geo_rad(lat1_deg), p2 = geo_rad(lat2_deg), dl = geo_rad(lon2_deg - lon1_deg);
    double b = geo_deg(atan2(sin(dl) * cos(p2), cos(p1) * sin(p2) - sin(p1) * cos(p2) * cos(dl)));
    return b < 0 ? b + 360.0 : b;
}

/* Point at distance_m along bearing_deg from (lat, lon). */
static inline void geo_destination(double lat_deg, double lon_deg, double bearing_deg,
                                   double distance_m, double *lat_out, double *lon_out)
{
    double d = distance_m / GEO_EARTH_RADIUS_M, b = geo_rad(bearing_deg);
    double p1 = geo_rad(lat_deg), l1 = geo_rad(lon_deg);
    double p2 = asin(sin(p1) * cos(d) + cos(p1) * sin(d) * cos(b));
    double l2 = l1 + atan2(sin(b) * sin(d) * cos(p1), cos(d) - sin(p1) * sin(p2));
    *lat_out = geo_deg(p2);
    *lon_out = fmod(geo_deg(l2) + 540.0, 360.0) - 180.0;
}

/* Local tangent plane around (lat0, lon0): east/north metres. */
static inline void geo_to_local(double lat0_deg, double lon0_deg, double lat_deg, double lon_deg,
                                double *x_m, double *y_m)
{
    *x_m = (lon_deg - lon0_deg) * GEO_M_PER_DEG * cos(geo_rad(lat0_deg));
    *y_m = (lat_deg - lat0_deg) * GEO_M_PER_DEG;
}
static inline void geo_from_local(double lat0_deg, double lon0_deg, double x_m, double y_m,
                                  double *lat_deg, double *lon_deg)
{
    *lat_deg = lat0_deg + y_m / GEO_M_PER_DEG;
    *lon_deg = lon0_deg + x_m / (GEO_M_PER_DEG * cos(geo_rad(lat0_deg)));
}

#endif
