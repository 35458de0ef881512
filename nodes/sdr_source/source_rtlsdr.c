/* rtlsdr: an RTL-SDR dongle through librtlsdr.
 *
 *   device = rtlsdr              first dongle (index 0)
 *   device = rtlsdr:1            dongle by index (order of rtl_test's list)
 *   device = rtlsdr:serial=SN    dongle by USB serial (survives re-plugging, the way to pin one
 *                                dongle among several; set it with rtl_eeprom -s)
 *
 * Settings: rate_hz (default 288 kS/s; the RTL2832 takes 225,001-300,000 and 900,001-3,200,000,
 * of which the pipeline uses up to 2.4 MS/s), center_hz (default 162.000 MHz), gain (auto = tuner
 * AGC, or dB: the nearest step the tuner supports), rtl_agc, ppm, bias_tee.
 *
 * librtlsdr's read_async runs on the live engine's reader thread (live.c); its callback only
 * copies into the ring.  When the dongle disappears, read_async returns (librtlsdr cancels on
 * LIBUSB_TRANSFER_NO_DEVICE) and the engine closes it and reopens it with back-off; a dongle
 * that stops delivering without going away is caught by stall_timeout_s.  A dongle that is not
 * there at start is an error (exit 1, as rtl_sdr does) unless wait_for_device = true. */
#include "live.h"
#include "source.h"

#include "centinela/log.h"

#include <errno.h>
#include <math.h>
#include <rtl-sdr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct source {
    live *engine; /* first: live.h's descriptor functions find it here */
    source_settings cfg;
    double rate_hz, center_hz;
    int index; /* -1: by serial */
    char serial[64];
    rtlsdr_dev_t *dev;
    char description[200];
};

#define REPORT(quiet, ...)                                                                         \
    do {                                                                                           \
        if (quiet)                                                                                 \
            log_debug(__VA_ARGS__);                                                                \
        else                                                                                       \
            log_error(__VA_ARGS__);                                                                \
    } while (0)

/* "manufacturer product SN serial" of device i, for messages. */
static void usb_strings(uint32_t i, char *out, size_t cap)
{
    char m[256] = "", p[256] = "", sn[256] = "";
    if (rtlsdr_get_device_usb_strings(i, m, p, sn) != 0)
        snprintf(out, cap, "%s", rtlsdr_get_device_name(i));
    else
        snprintf(out, cap, "%s %s SN %s", m, p, sn);
}

static void list_devices(bool quiet)
{
    uint32_t n = rtlsdr_get_device_count();
    for (uint32_t i = 0; i < n; i++) {
        char s[800];
        usb_strings(i, s, sizeof s);
        REPORT(quiet, "  rtlsdr:%u  %s", i, s);
    }
}

static const char *tuner_name(enum rtlsdr_tuner t)
{
    static const char *const names[] = {"unknown", "E4000", "FC0012", "FC0013",
                                        "FC2580",  "R820T", "R828D"};
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "unknown";
}

/* Nearest gain the tuner supports, in tenths of dB. */
static int nearest_gain(rtlsdr_dev_t *dev, double gain_db)
{
    int want = (int)lround(gain_db * 10);
    int n = rtlsdr_get_tuner_gains(dev, NULL);
    if (n <= 0)
        return want;
    int *g = x_calloc((size_t)n, sizeof *g);
    n = rtlsdr_get_tuner_gains(dev, g);
    int best = want;
    for (int i = 0; i < n; i++)
        if (i == 0 || abs(g[i] - want) < abs(best - want))
            best = g[i];
    free(g);
    return best;
}

static int rtl_connect(void *ctx, bool quiet)
{
    source *s = ctx;
    uint32_t count = rtlsdr_get_device_count();
    if (count == 0) {
        REPORT(quiet, "no RTL-SDR dongle found (plugged in? kernel DVB driver blacklisted? "
                      "permission on the USB device?)");
        return -1;
    }
    int index = s->index;
    if (index < 0) {
        index = rtlsdr_get_index_by_serial(s->serial);
        if (index < 0) {
            REPORT(quiet, "no RTL-SDR dongle with serial '%s'; %u found:", s->serial, count);
            list_devices(quiet);
            return -1;
        }
    } else if ((uint32_t)index >= count) {
        REPORT(quiet, "RTL-SDR dongle %d not found; %u found:", index, count);
        list_devices(quiet);
        return -1;
    }
    int rc = rtlsdr_open(&s->dev, (uint32_t)index);
    if (rc != 0 || !s->dev) {
        REPORT(quiet,
               "cannot open RTL-SDR dongle %d (error %d: in use by another program, or "
               "no permission?)",
               index, rc);
        s->dev = NULL;
        return -1;
    }
    const source_settings *c = &s->cfg;
    const char *what = NULL;
    if (rtlsdr_set_sample_rate(s->dev, (uint32_t)lround(s->rate_hz)) != 0)
        what = "sample rate";
    else if (rtlsdr_set_center_freq(s->dev, (uint32_t)llround(s->center_hz)) != 0)
        what = "centre frequency";
    /* -2 means "already this value": not an error. */
    else if (c->ppm != 0 && (rc = rtlsdr_set_freq_correction(s->dev, c->ppm)) != 0 && rc != -2)
        what = "frequency correction";
    else if (rtlsdr_set_tuner_gain_mode(s->dev, c->gain_auto ? 0 : 1) != 0)
        what = "gain mode";
    else if (!c->gain_auto && rtlsdr_set_tuner_gain(s->dev, nearest_gain(s->dev, c->gain_db)) != 0)
        what = "tuner gain";
    else if (rtlsdr_set_agc_mode(s->dev, c->rtl_agc ? 1 : 0) != 0)
        what = "RTL AGC";
    else if (rtlsdr_set_bias_tee(s->dev, c->bias_tee ? 1 : 0) != 0 && c->bias_tee)
        what = "bias tee";
    if (what) {
        REPORT(quiet, "RTL-SDR dongle %d: cannot set the %s", index, what);
        rtlsdr_close(s->dev);
        s->dev = NULL;
        return -1;
    }
    char strings[800];
    usb_strings((uint32_t)index, strings, sizeof strings);
    char gain[32];
    if (c->gain_auto)
        snprintf(gain, sizeof gain, "auto");
    else
        snprintf(gain, sizeof gain, "%.1f dB", rtlsdr_get_tuner_gain(s->dev) / 10.0);
    snprintf(s->description, sizeof s->description,
             "rtlsdr:%d (%.100s, %s tuner), %.0f S/s, centre %.6f MHz, gain %s, ppm %d%s", index,
             strings, tuner_name(rtlsdr_get_tuner_type(s->dev)), s->rate_hz, s->center_hz / 1e6,
             gain, c->ppm, c->bias_tee ? ", bias tee on" : "");
    return 0;
}

static void on_samples(unsigned char *buf, uint32_t len, void *ctx)
{
    live_deliver(ctx, buf, len);
}

static void rtl_stream(void *ctx, live *l)
{
    source *s = ctx;
    if (rtlsdr_reset_buffer(s->dev) != 0)
        log_warn("rtlsdr_reset_buffer failed");
    int rc = rtlsdr_read_async(s->dev, on_samples, l, 0, (uint32_t)(s->cfg.block_samples * 2));
    if (!live_interrupted(l))
        log_warn("RTL-SDR stopped delivering (read_async returned %d)", rc);
}

static void rtl_interrupt(void *ctx)
{
    source *s = ctx;
    if (s->dev)
        rtlsdr_cancel_async(s->dev);
}

static void rtl_disconnect(void *ctx)
{
    source *s = ctx;
    if (!s->dev)
        return;
    if (s->cfg.bias_tee)
        rtlsdr_set_bias_tee(s->dev, 0);
    rtlsdr_close(s->dev);
    s->dev = NULL;
}

/* Valid RTL2832 rates (librtlsdr refuses the others) within the pipeline's range. */
static bool rate_ok(double r)
{
    return (r > 225000 && r <= 300000) || (r > 900000 && r <= 2400000);
}

static source *rtl_open(const source_settings *cfg, source_info *info, int *exit_code)
{
    *exit_code = 2;
    source *s = x_calloc(1, sizeof *s);
    s->cfg = *cfg;
    s->rate_hz = cfg->rate_hz > 0 ? cfg->rate_hz : SOURCE_DEFAULT_LIVE_RATE_HZ;
    s->center_hz = cfg->center_hz > 0 ? cfg->center_hz : SOURCE_DEFAULT_CENTER_HZ;
    const char *a = cfg->device_arg;
    char *end = NULL;
    if (!*a) {
        s->index = 0;
    } else if (strncmp(a, "serial=", 7) == 0 && a[7] && strlen(a + 7) < sizeof s->serial) {
        s->index = -1;
        snprintf(s->serial, sizeof s->serial, "%s", a + 7);
    } else {
        errno = 0;
        long v = strtol(a, &end, 10);
        if (errno || *end || v < 0 || v > 255) {
            log_error("device 'rtlsdr:%s': give rtlsdr:INDEX or rtlsdr:serial=SERIAL", a);
            free(s);
            return NULL;
        }
        s->index = (int)v;
    }
    if (!rate_ok(s->rate_hz)) {
        log_error("rate_hz %.0f: an RTL-SDR samples at 225001-300000 or 900001-2400000 S/s "
                  "(288000 is the usual AIS rate)",
                  s->rate_hz);
        free(s);
        return NULL;
    }
    if (s->center_hz < 24e6 || s->center_hz > 1.766e9) {
        log_error("center_hz %.0f is outside an RTL-SDR's tuning range (24 MHz - 1.766 GHz)",
                  s->center_hz);
        free(s);
        return NULL;
    }
    live_device d = {s, rtl_connect, rtl_stream, rtl_interrupt, rtl_disconnect};
    s->engine = live_create(&d, cfg, s->rate_hz, cfg->block_samples * 2);
    *exit_code = 1;
    if (live_open(s->engine) != 0) {
        live_destroy(&s->engine);
        free(s);
        return NULL;
    }
    info->sample_rate_hz = s->rate_hz;
    info->center_hz = s->center_hz;
    info->complex_iq = true;
    info->live = true;
    info->total_samples = -1;
    if (s->dev)
        snprintf(info->description, sizeof info->description, "%s", s->description);
    else
        snprintf(info->description, sizeof info->description, "rtlsdr:%s (waiting), %.0f S/s",
                 *a ? a : "0", s->rate_hz);
    return s;
}

static void rtl_close(source **ps)
{
    if (!ps || !*ps)
        return;
    live_destroy(&(*ps)->engine);
    free(*ps);
    *ps = NULL;
}

const source_backend source_rtlsdr = {
    .name = "rtlsdr",
    .live = true,
    .syntax = "rtlsdr[:INDEX | :serial=SERIAL]: an RTL-SDR dongle through librtlsdr "
              "(default index 0)",
    .open = rtl_open,
    .start = live_source_start,
    .read = live_source_read,
    .stop = live_source_stop,
    .get_stats = live_source_stats,
    .close = rtl_close,
};
