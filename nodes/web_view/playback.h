/* Archive playback for web_view: the page's time slider drives a `replay` child process.
 *
 * Honest design: web_view never reads an archive itself.  It runs the project's `replay` node as
 * a child (command line from the `playback_cmd` template) publishing onto a private endpoint;
 * web_view's playback socket subscribes to it and feeds a second picture, the one the page shows
 * in playback mode.  Seek and speed changes stop the child and start a new one from the chosen
 * event time (the playback picture is cleared first, so what is shown is exactly what the
 * archive says from that instant: trails and alert history start there); pause and resume stop
 * and continue the child (SIGSTOP/SIGCONT), so nothing is lost or skipped.  The slider's range is
 * the span the page was told (start and end given by the operator or the archive listing);
 * beyond that the page shows the playback picture's own event time.
 */
#ifndef WEB_VIEW_PLAYBACK_H
#define WEB_VIEW_PLAYBACK_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct wv_playback_config {
    /* Command template, split on blanks (no shell).  Placeholders: {archive} (path), {start}
     * (ISO 8601 UTC event time), {start_s} (Unix seconds), {speed} (factor, 0 = as fast as
     * possible), {endpoint} (where web_view listens, e.g. ipc:///tmp/centinela/web_view_playback). */
    const char *cmd;
    const char *archive_dir; /* archives offered to the page (*.h5), "" none */
    const char *endpoint;    /* bound by the child (its --pub), connected by web_view */
} wv_playback_config;

typedef struct wv_playback wv_playback;

/* NULL with a logged reason when the template has no {archive} or {endpoint}. */
wv_playback *wv_playback_create(const wv_playback_config *cfg);
/* Stops a running child. */
void wv_playback_destroy(wv_playback **pb);

/* Expand the template into an argv (NULL-terminated, malloc'd strings, free with
 * wv_playback_free_argv).  Returns NULL on an empty template. */
char **wv_playback_argv(const char *tmpl, const char *archive, int64_t start_ns, double speed,
                        const char *endpoint);
void wv_playback_free_argv(char **argv);

/* Start (or restart) playing archive from start_ns (0: its beginning) at speed (0: as fast as
 * possible, else x real time).  The archive must be a file inside archive_dir.  Returns 0 or -1
 * (reason in wv_playback_error). */
int wv_playback_start(wv_playback *pb, const char *archive, int64_t start_ns, double speed);
int wv_playback_pause(wv_playback *pb, bool pause);
void wv_playback_stop(wv_playback *pb);
/* Reap the child; true while it runs (paused included). */
bool wv_playback_poll(wv_playback *pb);
const char *wv_playback_error(const wv_playback *pb);

/* {"active","paused","archive","speed","start_ns","exit_status","error"} */
json_t *wv_playback_status_json(const wv_playback *pb);
/* {"dir":..., "archives":[{"name","bytes","mtime"}]} sorted by name. */
json_t *wv_playback_archives_json(const wv_playback *pb);

#endif
