/* Configuration: defaults < file < command line; bad values and unknown keys refused. */
#include "centinela/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const opt_spec opts[] = {
    {"rate_hz", 's', OPT_REAL, "288000", 48000, 2.4e6, "sample rate"},
    {"name", 0, OPT_STR, "abc", 0, -1, "a name"},
    {"count", 'n', OPT_INT, "3", 0, 10, "a count"},
    {"fast", 0, OPT_BOOL, "false", 0, -1, "a flag"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

static config *make(void)
{
    const opt_spec *t[] = {opts, NULL};
    return config_create(t);
}

static int parse(config *c, const char *file, int n, const char *const *args)
{
    char *argv[16] = {"prog"};
    int argc = 1;
    if (file) {
        argv[argc++] = "-c";
        argv[argc++] = (char *)file;
    }
    for (int i = 0; i < n; i++)
        argv[argc++] = (char *)args[i];
    return config_parse_args(c, argc, argv, "prog", NULL, NULL);
}

/* Numbers as radio tools write them: k, M, G multipliers. */
static void test_radio_numbers(void)
{
    const char *ok[][2] = {{"288K", "288000"},
                           {"1.536M", "1536000"},
                           {"96k", "96000"},
                           {"2.4e6", "2400000"},
                           {"0.288m", "288000"}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        config *c = make();
        const char *a[] = {"-s", ok[i][0]};
        CHECK(parse(c, NULL, 2, a) == 0);
        CHECK(config_real(c, "rate_hz") == atof(ok[i][1]));
        config_destroy(&c);
    }
    const char *bad[] = {"288KK", "K", "1.5x", "288 K", "9G"}; /* 9G: out of range */
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        config *c = make();
        const char *a[] = {"-s", bad[i]};
        CHECK(parse(c, NULL, 2, a) == -1);
        config_destroy(&c);
    }
}

static char *write_file(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/centinela-config-XXXXXX");
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

/* Lines longer than libinih's 200-byte buffer, duplicate keys, continuation lines. */
static void test_file_edges(void)
{
    /* a 300-character value (a list of files, as a feeds graph has) is read whole */
    char longv[301];
    for (int i = 0; i < 300; i++)
        longv[i] = (char)('a' + i % 26);
    longv[300] = 0;
    char text[1024];
    snprintf(text, sizeof text, "; %s\n[prog]\nname = %s ; a comment\ncount = 4\n", longv, longv);
    char *path = write_file(text);
    config *c = make();
    CHECK(parse(c, path, 0, NULL) == 0);
    CHECK(strcmp(config_str(c, "name"), longv) == 0);
    CHECK(config_int(c, "count") == 4);
    config_destroy(&c);
    remove(path);

    /* a key given twice in the section is refused (both lines are named in the log) */
    path = write_file("[prog]\ncount = 4\nname = x\ncount = 5\n");
    c = make();
    CHECK(parse(c, path, 0, NULL) == -1);
    config_destroy(&c);
    remove(path);
    /* ... also right after itself, unindented */
    path = write_file("[prog]\nname = a\nname = b\n");
    c = make();
    CHECK(parse(c, path, 0, NULL) == -1);
    config_destroy(&c);
    remove(path);
    /* the same key in another section is not a duplicate */
    path = write_file("[other]\ncount = 1\n[prog]\ncount = 2\n");
    c = make();
    CHECK(parse(c, path, 0, NULL) == 0 && config_int(c, "count") == 2);
    config_destroy(&c);
    remove(path);
    /* an indented continuation line still extends a list */
    path = write_file("[prog]\nname = a,\n    b\n");
    c = make();
    CHECK(parse(c, path, 0, NULL) == 0);
    CHECK(strcmp(config_str(c, "name"), "a,, b") == 0);
    config_destroy(&c);
    remove(path);
}

int main(void)
{
    char path[] = "/tmp/centinela-config-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "[other]\nrate_hz = 1\nbogus = 1\n[prog]\nrate_hz = 96000\nname = from file\n");
    fclose(f);

    config *c = make();
    CHECK(parse(c, NULL, 0, NULL) == 0);
    CHECK(config_real(c, "rate_hz") == 288000 && strcmp(config_str(c, "name"), "abc") == 0);
    CHECK(!config_is_set(c, "rate_hz"));
    config_destroy(&c);
    CHECK(c == NULL);

    /* The file's own section only; the command line wins over it. */
    c = make();
    const char *a1[] = {"--rate-hz=1536000", "-n", "7", "--fast"};
    CHECK(parse(c, path, 4, a1) == 0);
    CHECK(config_real(c, "rate_hz") == 1536000);
    CHECK(strcmp(config_str(c, "name"), "from file") == 0);
    CHECK(config_int(c, "count") == 7 && config_bool(c, "fast"));
    config_destroy(&c);

    /* Refusals: out of range, not a number, not an integer, unknown key, bad bool. */
    const char *bad[][1] = {{"--rate_hz=10"}, {"--rate_hz=fast"}, {"--count=2.5"},
                            {"--nope=1"},     {"--fast=maybe"},   {"stray"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        c = make();
        CHECK(parse(c, NULL, 1, bad[i]) == -1);
        config_destroy(&c);
    }

    /* An unknown key inside the program's own section is refused with the file named. */
    f = fopen(path, "a");
    fprintf(f, "[prog]\nunknown_key = 5\n");
    fclose(f);
    c = make();
    CHECK(parse(c, path, 0, NULL) == -1);
    config_destroy(&c);

    /* A missing file is an error, not a silent default. */
    c = make();
    CHECK(parse(c, "/nonexistent/centinela.conf", 0, NULL) == -1);
    config_destroy(&c);

    /* --dump-config prints an INI section that reads back to the same values. */
    c = make();
    const char *a2[] = {"--count=9"};
    CHECK(parse(c, NULL, 1, a2) == 0);
    char dump[] = "/tmp/centinela-dump-XXXXXX";
    fd = mkstemp(dump);
    f = fdopen(fd, "w");
    config_dump(c, "prog", f);
    fclose(f);
    config *d = make();
    CHECK(config_load_file(d, dump, "prog", false) == 0);
    CHECK(config_int(d, "count") == 9 && config_real(d, "rate_hz") == 288000);
    config_destroy(&d);
    config_destroy(&c);
    remove(dump);
    remove(path);
    test_radio_numbers();
    test_file_edges();
    if (!g_failures)
        printf("config: all checks passed\n");
    return g_failures ? 1 : 0;
}
