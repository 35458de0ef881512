/* Configuration: one option table per program, read from an INI file section and the command
 * line with the same keys.
 *
 * Precedence: built-in defaults < config file section < command line.  Every key is accepted as
 * `key = value` in the file and as `--key=value` / `--key value` on the command line (dashes and
 * underscores are interchangeable on the command line).  Lines hold at most 200 characters: a
 * long value (a list of endpoints) continues on indented lines, joined with ", ".  Unknown keys
 * and out-of-range values are
 * refused with the file, line and reason.  `--dump-config` prints the effective values as an INI
 * section that can be pasted back into a file.
 */
#ifndef CENTINELA_CONFIG_H
#define CENTINELA_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum opt_type { OPT_STR, OPT_INT, OPT_REAL, OPT_BOOL };

typedef struct opt_spec {
    const char *key;  /* NULL ends a table */
    char short_name;  /* single-letter flag (e.g. 'r' for -r), 0 for none */
    enum opt_type type;
    const char *def;  /* default as text; NULL means "unset" (empty string) */
    double min, max;  /* allowed range for OPT_INT / OPT_REAL (ignored when min > max) */
    const char *help;
} opt_spec;

typedef struct config config;

/* Build a configuration from one or more option tables (NULL-terminated array of tables). */
config *config_create(const opt_spec *const *tables);
void config_destroy(config **c);

/* Set one key from text; validates type and range.  origin names where the value came from
 * (e.g. "node.conf:12" or "--rate") for the error message.  Returns 0 or -1 (logged). */
int config_set(config *c, const char *key, const char *value, const char *origin);
/* Read section [section] of an INI file.  Keys of other sections are ignored; unknown keys in
 * this section are an error unless allow_unknown.  Returns 0 or -1 (logged). */
int config_load_file(config *c, const char *path, const char *section, bool allow_unknown);

const char *config_str(const config *c, const char *key);
int64_t config_int(const config *c, const char *key);
double config_real(const config *c, const char *key);
bool config_bool(const config *c, const char *key);
/* True when the value came from a file or the command line rather than the default. */
bool config_is_set(const config *c, const char *key);

/* Print "[section]" then every key with its effective value and help as a comment. */
void config_dump(const config *c, const char *section, FILE *out);
/* Print the command-line usage of every key. */
void config_usage(const config *c, const char *program, const char *summary, FILE *out);

/* The command-line front end every program uses:
 *   -c/--config FILE, --section NAME, --dump-config, -h/--help, then --key=value for each option.
 * Loads the file section first, then applies the command line over it.  Returns 0 to run,
 * 1 when the program should exit successfully (help or dump printed), -1 on error (logged).
 * default_section is the program name; *section_out (may be NULL) gets the section used. */
int config_parse_args(config *c, int argc, char **argv, const char *default_section,
                      const char *summary, const char **section_out);

/* The front end of a command that is not a node (tap, traffic_sim, ais_decode, …): build the
 * configuration from one option table, parse the command line, name the log lines after the
 * command and, when the table has a `log_level` key, set the level from it.  Returns the
 * configuration to run with, or NULL with *exit_code set: 0 after --help or --dump-config,
 * 2 on a bad command line or log level. */
config *command_config(const char *name, const opt_spec *options, const char *summary, int argc,
                       char **argv, int *exit_code);

/* Path of the config file given with -c, NULL when none. */
const char *config_file_path(const config *c);

#endif
