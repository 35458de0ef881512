/* libFuzzer harness: configuration files.  The input is written as an INI file and loaded into a
 * table with every option type (the parser is libinih; what we own is the handling of what it
 * reports: unknown keys, continuation lines, type and range checks, joining).  Whatever the
 * input, loading returns 0 or -1 and the values read back are well-formed. */
#include "centinela/config.h"
#include "centinela/log.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const opt_spec opts[] = {
    {"sub", 0, OPT_STR, "", 0, -1, "endpoints"},
    {"rate_hz", 's', OPT_REAL, "288000", 48000, 2.4e6, "rate"},
    {"count", 'n', OPT_INT, "3", 0, 1000, "count"},
    {"fast", 0, OPT_BOOL, "false", 0, -1, "flag"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/centinela-fuzz-config-%d.ini", (int)getpid());
        log_set_level(LOG_LEVEL_ERROR);
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    const opt_spec *tables[] = {opts, NULL};
    config *c = config_create(tables);
    /* Both sections the harness cares about, strict and lenient. */
    config_load_file(c, path, "prog", false);
    config_load_file(c, path, "other", true);
    volatile double r = config_real(c, "rate_hz");
    volatile int64_t n = config_int(c, "count");
    volatile size_t k = strlen(config_str(c, "sub"));
    (void)r, (void)n, (void)k;
    if (!(config_real(c, "rate_hz") >= 48000 && config_real(c, "rate_hz") <= 2.4e6))
        abort(); /* a value outside its range was accepted */
    config_destroy(&c);
    return 0;
}
