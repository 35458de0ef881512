/* Option tables read from INI sections (libinih) and the command line: see centinela/config.h. */
#include "centinela/config.h"
#include "centinela/log.h"

#include <errno.h>
#include <stdio.h>
#include <ini.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct opt_value {
    const opt_spec *spec;
    char *text;
    bool set;
};

struct config {
    struct opt_value *v;
    size_t n;
    char *file;
    char *section;
};

config *config_create(const opt_spec *const *tables)
{
    config *c = x_calloc(1, sizeof *c);
    for (size_t t = 0; tables[t]; t++)
        for (const opt_spec *s = tables[t]; s->key; s++)
            c->n++;
    c->v = x_calloc(c->n, sizeof *c->v);
    size_t i = 0;
    for (size_t t = 0; tables[t]; t++) {
        for (const opt_spec *s = tables[t]; s->key; s++) {
            for (size_t j = 0; j < i; j++) {
                if (strcmp(c->v[j].spec->key, s->key) == 0) {
                    log_error("option '%s' defined twice", s->key);
                    config_destroy(&c);
                    return NULL;
                }
            }
            c->v[i].spec = s;
            c->v[i].text = x_strdup(s->def ? s->def : "");
            i++;
        }
    }
    return c;
}

void config_destroy(config **c)
{
    if (!c || !*c)
        return;
    for (size_t i = 0; i < (*c)->n; i++)
        free((*c)->v[i].text);
    free((*c)->v);
    free((*c)->file);
    free((*c)->section);
    free(*c);
    *c = NULL;
}

static struct opt_value *find(const config *c, const char *key)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->v[i].spec->key, key) == 0)
            return &c->v[i];
    return NULL;
}

static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return *out = true, 0;
        if (strcasecmp(s, no[i]) == 0)
            return *out = false, 0;
    }
    return -1;
}

/* A number as radio tools write them: strtod syntax with an optional multiplier suffix k/K
 * (1e3), m/M (1e6) or g/G (1e9), as rtl_sdr's "-s 288k -f 162M" and AIS-catcher's users do
 * ("288K", "1.536M").  0 or -1. */
static int parse_number(const char *value, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(value, &end);
    if (errno || end == value)
        return -1;
    if (*end && !end[1]) {
        switch (*end) {
        case 'k':
        case 'K':
            d *= 1e3, end++;
            break;
        case 'm':
        case 'M':
            d *= 1e6, end++;
            break;
        case 'g':
        case 'G':
            d *= 1e9, end++;
            break;
        default:
            break;
        }
    }
    if (*end != 0 || !isfinite(d))
        return -1;
    *out = d;
    return 0;
}

static int check_value(const opt_spec *s, const char *value, const char *origin)
{
    if (s->type == OPT_STR)
        return 0;
    if (s->type == OPT_BOOL) {
        bool b;
        if (parse_bool(value, &b) != 0) {
            log_error("%s: %s = '%s' is not a boolean (true/false)", origin, s->key, value);
            return -1;
        }
        return 0;
    }
    double d;
    if (parse_number(value, &d) != 0) {
        log_error("%s: %s = '%s' is not a number", origin, s->key, value);
        return -1;
    }
    if (s->type == OPT_INT && d != floor(d)) {
        log_error("%s: %s = '%s' must be an integer", origin, s->key, value);
        return -1;
    }
    if (s->min <= s->max && (d < s->min || d > s->max)) {
        log_error("%s: %s = %s is out of range [%g, %g]", origin, s->key, value, s->min, s->max);
        return -1;
    }
    return 0;
}

int config_set(config *c, const char *key, const char *value, const char *origin)
{
    struct opt_value *v = find(c, key);
    if (!v) {
        log_error("%s: unknown option '%s'", origin, key);
        return -1;
    }
    if (check_value(v->spec, value, origin) != 0)
        return -1;
    free(v->text);
    v->text = x_strdup(value);
    v->set = true;
    return 0;
}

struct load_ctx {
    config *c;
    const char *path;
    const char *section;
    bool allow_unknown;
    int errors;
    char last_key[128]; /* key of the previous line, for continuation lines */
    /* the reader (read_line): */
    FILE *f;
    char *buf;
    size_t buf_cap;
    int line;           /* physical line being handled, 1-based */
    bool indented;      /* it starts with white space (a continuation line) */
    char **long_values; /* values of lines too long for libinih's buffer */
    size_t n_long;
    int *set_line; /* per option: line of this file that set it, 0 when none */
};

/* Marks a value that read_line kept aside: LONG_VALUE_MARK followed by its index. */
#define LONG_VALUE_MARK '\x01'

/* libinih's reader: one physical line per call, as fgets would give it, so line numbers stay
 * exact.  Debian's libinih is built with INI_MAX_LINE = 200 and no reallocation: it would cut a
 * longer line and read the rest as a line of its own ("unknown option 'ets/feeds.nmea,file'").
 * Such a line is handed over as "key = <mark><index>" with its value kept here, and on_ini
 * puts the value back; a long comment becomes ";". */
static char *read_line(char *str, int num, void *stream)
{
    struct load_ctx *lc = stream;
    ssize_t n = getline(&lc->buf, &lc->buf_cap, lc->f);
    if (n < 0)
        return NULL;
    lc->line++;
    char *b = lc->buf;
    lc->indented = n > 0 && (b[0] == ' ' || b[0] == '\t');
    if (n < num - 1) {
        memcpy(str, b, (size_t)n + 1);
        return str;
    }
    while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r'))
        b[--n] = 0;
    const char *t = b + strspn(b, " \t");
    size_t sep = strcspn(t, "=:");
    if (*t == ';' || *t == '#' || !t[sep] || (size_t)(t - b) + sep + 16 >= (size_t)num) {
        /* a comment, or no "key =" that fits: libinih's own rules apply to what fits */
        snprintf(str, (size_t)num, "%s\n", *t == ';' || *t == '#' ? ";" : b);
        return str;
    }
    char *v = (char *)t + sep + 1;
    v += strspn(v, " \t");
    /* an inline comment (libinih: ';' after white space) */
    for (char *p = v; *p; p++)
        if (*p == ';' && p > v && (p[-1] == ' ' || p[-1] == '\t')) {
            *p = 0;
            break;
        }
    size_t k = strlen(v);
    while (k && (v[k - 1] == ' ' || v[k - 1] == '\t'))
        v[--k] = 0;
    lc->long_values = x_realloc(lc->long_values, (lc->n_long + 1) * sizeof *lc->long_values);
    lc->long_values[lc->n_long] = x_strdup(v);
    snprintf(str, (size_t)num, "%.*s= %c%zu\n", (int)((t - b) + sep), b, LONG_VALUE_MARK,
             lc->n_long);
    lc->n_long++;
    return str;
}

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
    struct load_ctx *lc = user;
    if (strcmp(section, lc->section) != 0)
        return 1;
    if (value[0] == LONG_VALUE_MARK) {
        size_t i = strtoul(value + 1, NULL, 10);
        if (i < lc->n_long)
            value = lc->long_values[i];
    }
    char origin[512];
    snprintf(origin, sizeof origin, "%s:%d [%s]", lc->path, lc->line, section);
    struct opt_value *v = find(lc->c, name);
    if (!v) {
        if (lc->allow_unknown)
            return 1;
        log_error("%s: unknown option '%s'", origin, name);
        lc->errors++;
        return 1;
    }
    /* libinih reports an indented continuation line as the same key again: a long list
     * (endpoints) may continue on indented lines, and the parts are joined with ", ". */
    size_t idx = (size_t)(v - lc->c->v);
    bool continuation = lc->indented && strcmp(lc->last_key, name) == 0;
    if (continuation && v->set && *v->text && *value) {
        size_t k = strlen(v->text) + strlen(value) + 3;
        char *joined = x_malloc(k);
        snprintf(joined, k, "%s, %s", v->text, value);
        if (config_set(lc->c, name, joined, origin) != 0)
            lc->errors++;
        free(joined);
    } else if (!continuation && lc->set_line[idx]) {
        /* the last one silently winning hides a mistake: name both lines */
        log_error("%s: '%s' is set twice in [%s], on lines %d and %d", lc->path, name, section,
                  lc->set_line[idx], lc->line);
        lc->errors++;
    } else if (config_set(lc->c, name, value, origin) != 0) {
        lc->errors++;
    }
    if (!continuation)
        lc->set_line[idx] = lc->line;
    snprintf(lc->last_key, sizeof lc->last_key, "%s", name);
    return 1;
}

int config_load_file(config *c, const char *path, const char *section, bool allow_unknown)
{
    struct load_ctx lc = {.c = c, .path = path, .section = section, .allow_unknown = allow_unknown};
    lc.f = fopen(path, "r");
    if (!lc.f) {
        log_error("%s: cannot open config file: %s", path, strerror(errno));
        return -1;
    }
    lc.set_line = x_calloc(c->n ? c->n : 1, sizeof *lc.set_line);
    int rc = ini_parse_stream(read_line, &lc, on_ini, &lc);
    fclose(lc.f);
    free(lc.buf);
    for (size_t i = 0; i < lc.n_long; i++)
        free(lc.long_values[i]);
    free(lc.long_values);
    free(lc.set_line);
    if (rc > 0) {
        log_error("%s:%d: syntax error", path, rc);
        return -1;
    }
    if (rc < 0) {
        log_error("%s: cannot read config file", path);
        return -1;
    }
    return lc.errors ? -1 : 0;
}

const char *config_str(const config *c, const char *key)
{
    struct opt_value *v = find(c, key);
    if (!v) {
        log_error("internal: unknown option '%s' read", key);
        abort();
    }
    return v->text;
}

int64_t config_int(const config *c, const char *key)
{
    return (int64_t)config_real(c, key);
}

double config_real(const config *c, const char *key)
{
    double d = 0;
    if (parse_number(config_str(c, key), &d) != 0)
        return strtod(config_str(c, key), NULL); /* not a numeric option: as before */
    return d;
}

bool config_bool(const config *c, const char *key)
{
    bool b = false;
    parse_bool(config_str(c, key), &b);
    return b;
}

bool config_is_set(const config *c, const char *key)
{
    struct opt_value *v = find(c, key);
    return v && v->set;
}

const char *config_file_path(const config *c)
{
    return c->file;
}

void config_dump(const config *c, const char *section, FILE *out)
{
    fprintf(out, "[%s]\n", section);
    for (size_t i = 0; i < c->n; i++) {
        const opt_spec *s = c->v[i].spec;
        fprintf(out, "; %s", s->help ? s->help : "");
        if (s->min <= s->max && s->type != OPT_STR && s->type != OPT_BOOL)
            fprintf(out, " [%g..%g]", s->min, s->max);
        fprintf(out, "\n%s = %s\n", s->key, c->v[i].text);
    }
}

void config_usage(const config *c, const char *program, const char *summary, FILE *out)
{
    fprintf(out, "usage: %s [-c FILE] [--section NAME] [--dump-config] [--KEY=VALUE ...]\n",
            program);
    if (summary)
        fprintf(out, "%s\n", summary);
    fprintf(out, "\n  -c, --config FILE   read section [%s] (or --section) of an INI file\n",
            program);
    fprintf(out, "  --dump-config       print the effective configuration and exit\n\n");
    for (size_t i = 0; i < c->n; i++) {
        const opt_spec *s = c->v[i].spec;
        char flag[64];
        if (s->short_name)
            snprintf(flag, sizeof flag, "-%c, --%s", s->short_name, s->key);
        else
            snprintf(flag, sizeof flag, "    --%s", s->key);
        fprintf(out, "  %-28s %s (default: %s)\n", flag, s->help ? s->help : "",
                s->def && s->def[0] ? s->def : "unset");
    }
}

/* "--some-key" -> "some_key" */
static void key_from_flag(const char *flag, char *key, size_t cap)
{
    size_t k = 0;
    for (; flag[k] && flag[k] != '=' && k < cap - 1; k++)
        key[k] = flag[k] == '-' ? '_' : flag[k];
    key[k] = 0;
}

static const opt_spec *find_short(const config *c, char ch)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i].spec->short_name == ch)
            return c->v[i].spec;
    return NULL;
}

int config_parse_args(config *c, int argc, char **argv, const char *default_section,
                      const char *summary, const char **section_out)
{
    const char *file = NULL, *section = default_section;
    bool dump = false;
    /* Pass 1: the file, section and actions, so the file can be loaded before the flags. */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            config_usage(c, default_section, summary, stdout);
            return 1;
        } else if ((strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) && i + 1 < argc) {
            file = argv[++i];
        } else if (strncmp(a, "--config=", 9) == 0) {
            file = a + 9;
        } else if (strcmp(a, "--section") == 0 && i + 1 < argc) {
            section = argv[++i];
        } else if (strncmp(a, "--section=", 10) == 0) {
            section = a + 10;
        } else if (strcmp(a, "--dump-config") == 0) {
            dump = true;
        }
    }
    free(c->section);
    c->section = x_strdup(section);
    if (file) {
        free(c->file);
        c->file = x_strdup(file);
        if (config_load_file(c, file, section, false) != 0)
            return -1;
    }
    /* Pass 2: every other flag sets a key. */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0 || strcmp(a, "--section") == 0) {
            i++;
            continue;
        }
        if (strncmp(a, "--config=", 9) == 0 || strncmp(a, "--section=", 10) == 0 ||
            strcmp(a, "--dump-config") == 0)
            continue;
        char key[128];
        const char *value = NULL;
        const opt_spec *s = NULL;
        if (a[0] == '-' && a[1] == '-') {
            key_from_flag(a + 2, key, sizeof key);
            const char *eq = strchr(a, '=');
            s = find(c, key) ? find(c, key)->spec : NULL;
            if (eq)
                value = eq + 1;
        } else if (a[0] == '-' && a[1] && !a[2]) {
            s = find_short(c, a[1]);
            if (s)
                snprintf(key, sizeof key, "%s", s->key);
            else
                snprintf(key, sizeof key, "%s", a);
        } else {
            log_error("unexpected argument '%s' (options are --key=value; see --help)", a);
            return -1;
        }
        if (!s) {
            log_error("unknown option '%s' (see --help)", a);
            return -1;
        }
        if (!value) {
            /* A boolean flag alone means true; otherwise the value is the next argument. */
            if (s->type == OPT_BOOL && (i + 1 >= argc || argv[i + 1][0] == '-')) {
                value = "true";
            } else if (i + 1 < argc) {
                value = argv[++i];
            } else {
                log_error("option '%s' needs a value", a);
                return -1;
            }
        }
        if (config_set(c, key, value, a) != 0)
            return -1;
    }
    if (section_out)
        *section_out = c->section;
    if (dump) {
        config_dump(c, section, stdout);
        return 1;
    }
    return 0;
}

config *command_config(const char *name, const opt_spec *options, const char *summary, int argc,
                       char **argv, int *exit_code)
{
    const opt_spec *tables[] = {options, NULL};
    config *c = config_create(tables);
    *exit_code = 2;
    if (!c)
        return NULL;
    log_set_ident(name);
    int rc = config_parse_args(c, argc, argv, name, summary, NULL);
    if (rc != 0) {
        *exit_code = rc > 0 ? 0 : 2;
        config_destroy(&c);
        return NULL;
    }
    if (find(c, "log_level")) {
        enum log_level lvl;
        if (log_level_parse(config_str(c, "log_level"), &lvl) != 0) {
            log_error("log_level '%s' is not one of error, warn, info, debug",
                      config_str(c, "log_level"));
            config_destroy(&c);
            return NULL;
        }
        log_set_level(lvl);
    }
    *exit_code = 0;
    return c;
}
