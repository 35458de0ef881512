/* Zone files for the page, checked with the zones library.  Files are re-read at each listing
 * (a page load), so one edited while web_view runs is checked again; the Panama set takes a few
 * milliseconds. */
#include "zonefiles.h"

#include "centinela/log.h"
#include "centinela/zones.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ZONE_FILES 256

static bool is_zone_file(const char *name)
{
    size_t k = strlen(name);
    return name[0] != '.' && k > 8 && strcmp(name + k - 8, ".geojson") == 0;
}

bool wv_zone_file_ok(const char *dir, const char *name)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        log_error("%s/%s: path too long", dir, name);
        return false;
    }
    zones *z = zones_create();
    int rc = zones_add_path(z, path);
    zones_destroy(&z);
    return rc == 0;
}

/* The zone file names of dir, sorted; n set, NULL when dir cannot be read. */
static char **list_names(const char *dir, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        log_error("zones_dir %s: %s", dir, strerror(errno));
        return NULL;
    }
    char **names = x_calloc(MAX_ZONE_FILES, sizeof *names);
    for (struct dirent *e; (e = readdir(d)) && *n < MAX_ZONE_FILES;)
        if (is_zone_file(e->d_name))
            names[(*n)++] = x_strdup(e->d_name);
    closedir(d);
    for (size_t i = 0; i < *n; i++)
        for (size_t j = i + 1; j < *n; j++)
            if (strcmp(names[j], names[i]) < 0) {
                char *t = names[i];
                names[i] = names[j];
                names[j] = t;
            }
    return names;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

int wv_zones_check_dir(const char *dir)
{
    if (!dir || !*dir)
        return 0;
    size_t n;
    char **names = list_names(dir, &n);
    if (!names)
        return -1;
    int broken = 0;
    for (size_t i = 0; i < n; i++)
        broken += !wv_zone_file_ok(dir, names[i]);
    free_names(names, n);
    return broken;
}

json_t *wv_zones_list(const char *dir)
{
    json_t *o = json_object(), *files = json_array();
    size_t n = 0;
    char **names = dir && *dir ? list_names(dir, &n) : NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *z = json_object();
        json_object_set_new(z, "name", json_string(names[i]));
        if (wv_zone_file_ok(dir, names[i])) {
            char url[300];
            snprintf(url, sizeof url, "zones/%s", names[i]);
            json_object_set_new(z, "url", json_string(url));
        } else {
            char msg[400];
            snprintf(msg, sizeof msg,
                     "zone file %s is not valid GeoJSON zones (not drawn; the reason is in "
                     "web_view's log)",
                     names[i]);
            json_object_set_new(z, "error", json_string(msg));
        }
        json_array_append_new(files, z);
    }
    free_names(names, n);
    json_object_set_new(o, "files", files);
    return o;
}
