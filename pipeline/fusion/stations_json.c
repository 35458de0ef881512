/* The per-station statistics as JSON for the node's stats message. */
#include "fusion_internal.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>

static json_t *num_or_null(double v)
{
    return isfinite(v) ? json_real(round(v)) : json_null();
}

static int cmp_busiest(const void *a, const void *b)
{
    const fusion_station_stats *x = *(const fusion_station_stats *const *)a;
    const fusion_station_stats *y = *(const fusion_station_stats *const *)b;
    return x->messages < y->messages ? 1 : (x->messages > y->messages ? -1 : 0);
}

char *fusion_stations_json(const fusion *f, int max_stations)
{
    int n = fusion_station_count(f);
    const fusion_station_stats **v = x_malloc((size_t)(n ? n : 1) * sizeof *v);
    for (int i = 0; i < n; i++)
        v[i] = fusion_station(f, i);
    qsort(v, (size_t)n, sizeof *v, cmp_busiest);
    json_t *arr = json_array();
    for (int i = 0; i < n && i < max_stations; i++) {
        const fusion_station_stats *s = v[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(s->id));
        json_object_set_new(o, "messages", json_integer((json_int_t)s->messages));
        json_object_set_new(o, "unique", json_integer((json_int_t)s->unique));
        json_object_set_new(o, "vessels", json_integer(s->vessels));
        json_object_set_new(o, "max_range_m", num_or_null(s->max_range_m));
        json_object_set_new(o, "typical_range_m", num_or_null(s->typical_range_m));
        json_t *sec = json_array();
        for (int k = 0; k < FUSION_SECTORS; k++)
            json_array_append_new(sec, num_or_null(s->sector_max_m[k]));
        json_object_set_new(o, "coverage_m", sec);
        json_array_append_new(arr, o);
    }
    free(v);
    char *text = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    return text;
}
