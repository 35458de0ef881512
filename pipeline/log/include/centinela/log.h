/* Logging and allocation helpers shared by every library and node.
 *
 * One small API with levels.  Errors are reported once, where they are detected, with the source
 * location; callers then return -1 or NULL.  Out-of-memory is not an error a caller can act on:
 * the x*alloc helpers abort with the location (as rtl_433's fatal.h does).
 *
 * Output goes to stderr as "<time> <level> <node>: <file>:<line>: message".  The node name is set
 * once by the node runtime; libraries never set it.
 */
#ifndef CENTINELA_LOG_H
#define CENTINELA_LOG_H

#include <stddef.h>

enum log_level { LOG_LEVEL_ERROR = 0, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* Minimum level printed (default LOG_LEVEL_INFO). */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Parse "error", "warn", "info", "debug"; returns -1 on an unknown name. */
int log_level_parse(const char *name, enum log_level *out);
const char *log_level_name(enum log_level level);
/* Name printed in every line (a node sets its own name); NULL clears it. */
void log_set_ident(const char *ident);

void log_write(enum log_level level, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define log_error(...) log_write(LOG_LEVEL_ERROR, __FILE__, __LINE__, __VA_ARGS__)
#define log_warn(...) log_write(LOG_LEVEL_WARN, __FILE__, __LINE__, __VA_ARGS__)
#define log_info(...) log_write(LOG_LEVEL_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define log_debug(...) log_write(LOG_LEVEL_DEBUG, __FILE__, __LINE__, __VA_ARGS__)

/* Allocation that aborts with the caller's location on failure. */
void *x_malloc_at(size_t size, const char *file, int line);
void *x_calloc_at(size_t n, size_t size, const char *file, int line);
void *x_realloc_at(void *p, size_t size, const char *file, int line);
char *x_strdup_at(const char *s, const char *file, int line);
#define x_malloc(size) x_malloc_at((size), __FILE__, __LINE__)
#define x_calloc(n, size) x_calloc_at((n), (size), __FILE__, __LINE__)
#define x_realloc(p, size) x_realloc_at((p), (size), __FILE__, __LINE__)
#define x_strdup(s) x_strdup_at((s), __FILE__, __LINE__)

#endif
