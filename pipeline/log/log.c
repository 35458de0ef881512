/* Logging and aborting allocators: see centinela/log.h. */
#include "centinela/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static enum log_level g_level = LOG_LEVEL_INFO;
static char g_ident[64];

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void log_set_level(enum log_level level)
{
    g_level = level;
}

enum log_level log_get_level(void)
{
    return g_level;
}

int log_level_parse(const char *name, enum log_level *out)
{
    for (int i = 0; i <= LOG_LEVEL_DEBUG; i++) {
        if (name && strcasecmp(name, level_names[i]) == 0) {
            *out = (enum log_level)i;
            return 0;
        }
    }
    return -1;
}

const char *log_level_name(enum log_level level)
{
    return (level >= LOG_LEVEL_ERROR && level <= LOG_LEVEL_DEBUG) ? level_names[level] : "?";
}

void log_set_ident(const char *ident)
{
    snprintf(g_ident, sizeof g_ident, "%s", ident ? ident : "");
}

void log_write(enum log_level level, const char *file, int line, const char *fmt, ...)
{
    if (level > g_level)
        return;
    /* Wall-clock time is fine here: it stamps diagnostics, never data. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;

    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* On a terminal, start by clearing the line: a launcher's progress line (drawn with a
     * carriage return and no newline) would otherwise run into this one. */
    static int tty = -1;
    if (tty < 0)
        tty = isatty(2);
    fprintf(stderr, "%s%02d:%02d:%02d.%03ld %-5s %s%s%s:%d: %s\n", tty ? "\r\033[K" : "",
            tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, level_names[level], g_ident,
            g_ident[0] ? ": " : "", base, line, msg);
}

static void oom(size_t size, const char *file, int line)
{
    fprintf(stderr, "fatal: out of memory allocating %zu bytes at %s:%d\n", size, file, line);
    abort();
}

void *x_malloc_at(size_t size, const char *file, int line)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        oom(size, file, line);
    return p;
}

void *x_calloc_at(size_t n, size_t size, const char *file, int line)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size, file, line);
    return p;
}

void *x_realloc_at(void *p, size_t size, const char *file, int line)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        oom(size, file, line);
    return q;
}

char *x_strdup_at(const char *s, const char *file, int line)
{
    char *p = strdup(s ? s : "");
    if (!p)
        oom(strlen(s ? s : ""), file, line);
    return p;
}
