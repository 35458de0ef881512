/* The zone files web_view serves to the page, checked with the zones library (pipeline/zones),
 * the same validator track_fusion loads them with, so the map never draws a file the fusion
 * would refuse and a broken file is an error, not a blank map.
 *
 * Policy: at start-up a broken file stops web_view with exit code 2 (a configuration error the
 * launcher does not restart), as it stops track_fusion.  A file that breaks while web_view runs
 * (edited in place) is left out of /api/zones.json with an "error" the page shows, and logged. */
#ifndef WEB_VIEW_ZONEFILES_H
#define WEB_VIEW_ZONEFILES_H

#include <jansson.h>
#include <stdbool.h>

/* Whether dir/name is a zone file the zones library accepts (a refusal is logged with the
 * file, feature number and reason). */
bool wv_zone_file_ok(const char *dir, const char *name);
/* Check every *.geojson of dir; returns how many are broken (each logged), or -1 when dir
 * cannot be read.  An empty dir string means no zones: 0. */
int wv_zones_check_dir(const char *dir);
/* {"files":[{"name":..., "url":"zones/NAME"} or {"name":..., "error":...}, ...]}: the
 * *.geojson files of dir by name, each checked now. */
json_t *wv_zones_list(const char *dir);

#endif
