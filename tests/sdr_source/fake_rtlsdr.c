/* A stand-in for librtlsdr, for tests only: built as librtlsdr.so.0 in its own directory and put
 * in front of the real library with LD_LIBRARY_PATH.  It implements the calls sdr_source makes
 * and plays a cu8 file as if a dongle were delivering it.
 *
 * Environment:
 *   FAKE_RTLSDR_FILE          cu8 file to deliver (looped); required for streaming
 *   FAKE_RTLSDR_DEVICES       number of dongles present (default 1; 0 = none plugged in)
 *   FAKE_RTLSDR_SERIAL        serial of dongle 0 (default 00000001; dongle i has serial+i)
 *   FAKE_RTLSDR_PACE          realtime (default: at the set sample rate) or fast (no sleeping)
 *   FAKE_RTLSDR_START_DELAY_MS  delay before the first buffer of each read_async (default 0)
 *   FAKE_RTLSDR_FAIL_AFTER    the dongle disappears once after delivering this many samples
 *                             (read_async returns -1, as when libusb reports NO_DEVICE)
 *   FAKE_RTLSDR_STALL_AFTER   the dongle stops delivering once after this many samples, without
 *                             going away (read_async then waits for a cancel)
 *   FAKE_RTLSDR_REOPEN_FAILS  after disappearing, the next N device counts report no dongle
 *   FAKE_RTLSDR_LOG           append one line per setting call ("set_center_freq 162000000")
 */
#include <rtl-sdr.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct rtlsdr_dev {
    uint32_t index;
    uint32_t rate, freq;
    int gain, gain_mode, ppm;
    atomic_int cancel;
    atomic_int running;
};

static uint64_t delivered_total; /* over the whole process */
static int lost_once, stalled_once;
static int absent_counts; /* device counts still to report 0 after the loss */

static long env_long(const char *name, long def)
{
    const char *v = getenv(name);
    return v && *v ? strtol(v, NULL, 10) : def;
}

static void log_call(const char *name, long long v)
{
    const char *path = getenv("FAKE_RTLSDR_LOG");
    if (!path || !*path)
        return;
    FILE *f = fopen(path, "a");
    if (!f)
        return;
    fprintf(f, "%s %lld\n", name, v);
    fclose(f);
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_s(double d)
{
    if (d <= 0)
        return;
    struct timespec ts = {(time_t)d, (long)((d - (double)(time_t)d) * 1e9)};
    nanosleep(&ts, NULL);
}

uint32_t rtlsdr_get_device_count(void)
{
    if (absent_counts > 0) {
        absent_counts--;
        return 0;
    }
    return (uint32_t)env_long("FAKE_RTLSDR_DEVICES", 1);
}

const char *rtlsdr_get_device_name(uint32_t index)
{
    return index < rtlsdr_get_device_count() ? "Generic RTL2832U OEM (stand-in)" : "";
}

static void serial_of(uint32_t index, char *out)
{
    const char *s = getenv("FAKE_RTLSDR_SERIAL");
    if (!s || !*s)
        s = "00000001";
    if (index == 0)
        snprintf(out, 256, "%s", s);
    else
        snprintf(out, 256, "%08ld", strtol(s, NULL, 10) + (long)index);
}

int rtlsdr_get_device_usb_strings(uint32_t index, char *manufact, char *product, char *serial)
{
    if (index >= (uint32_t)env_long("FAKE_RTLSDR_DEVICES", 1))
        return -1;
    if (manufact)
        snprintf(manufact, 256, "Realtek");
    if (product)
        snprintf(product, 256, "RTL2838UHIDIR");
    if (serial)
        serial_of(index, serial);
    return 0;
}

int rtlsdr_get_index_by_serial(const char *serial)
{
    if (!serial)
        return -1;
    uint32_t n = rtlsdr_get_device_count();
    if (n == 0)
        return -2;
    for (uint32_t i = 0; i < n; i++) {
        char s[256];
        serial_of(i, s);
        if (strcmp(s, serial) == 0)
            return (int)i;
    }
    return -3;
}

int rtlsdr_open(rtlsdr_dev_t **dev, uint32_t index)
{
    if (index >= (uint32_t)env_long("FAKE_RTLSDR_DEVICES", 1)) {
        *dev = NULL;
        return -1;
    }
    rtlsdr_dev_t *d = calloc(1, sizeof *d);
    if (!d)
        return -1;
    d->index = index;
    d->rate = 2048000;
    *dev = d;
    log_call("open", index);
    return 0;
}

int rtlsdr_close(rtlsdr_dev_t *dev)
{
    if (!dev)
        return -1;
    log_call("close", dev->index);
    free(dev);
    return 0;
}

int rtlsdr_set_center_freq(rtlsdr_dev_t *dev, uint32_t freq)
{
    dev->freq = freq;
    log_call("set_center_freq", freq);
    return 0;
}

uint32_t rtlsdr_get_center_freq(rtlsdr_dev_t *dev)
{
    return dev->freq;
}

int rtlsdr_set_freq_correction(rtlsdr_dev_t *dev, int ppm)
{
    if (dev->ppm == ppm)
        return -2;
    dev->ppm = ppm;
    log_call("set_freq_correction", ppm);
    return 0;
}

enum rtlsdr_tuner rtlsdr_get_tuner_type(rtlsdr_dev_t *dev)
{
    (void)dev;
    return RTLSDR_TUNER_R820T;
}

/* The R820T's steps, tenths of dB (as librtlsdr's r82xx_gains). */
static const int r820t_gains[] = {0,   9,   14,  27,  37,  77,  87,  125, 144, 157,
                                  166, 197, 207, 229, 254, 280, 297, 328, 338, 364,
                                  372, 386, 402, 421, 434, 439, 445, 480, 496};

int rtlsdr_get_tuner_gains(rtlsdr_dev_t *dev, int *gains)
{
    (void)dev;
    int n = (int)(sizeof r820t_gains / sizeof r820t_gains[0]);
    if (gains)
        memcpy(gains, r820t_gains, sizeof r820t_gains);
    return n;
}

int rtlsdr_set_tuner_gain(rtlsdr_dev_t *dev, int gain)
{
    dev->gain = gain;
    log_call("set_tuner_gain", gain);
    return 0;
}

int rtlsdr_get_tuner_gain(rtlsdr_dev_t *dev)
{
    return dev->gain;
}

int rtlsdr_set_tuner_gain_mode(rtlsdr_dev_t *dev, int manual)
{
    dev->gain_mode = manual;
    log_call("set_tuner_gain_mode", manual);
    return 0;
}

int rtlsdr_set_sample_rate(rtlsdr_dev_t *dev, uint32_t rate)
{
    if (rate <= 225000 || rate > 3200000 || (rate > 300000 && rate <= 900000))
        return -22;
    dev->rate = rate;
    log_call("set_sample_rate", rate);
    return 0;
}

uint32_t rtlsdr_get_sample_rate(rtlsdr_dev_t *dev)
{
    return dev->rate;
}

int rtlsdr_set_agc_mode(rtlsdr_dev_t *dev, int on)
{
    (void)dev;
    log_call("set_agc_mode", on);
    return 0;
}

int rtlsdr_set_bias_tee(rtlsdr_dev_t *dev, int on)
{
    (void)dev;
    log_call("set_bias_tee", on);
    return 0;
}

int rtlsdr_reset_buffer(rtlsdr_dev_t *dev)
{
    (void)dev;
    return 0;
}

int rtlsdr_read_async(rtlsdr_dev_t *dev, rtlsdr_read_async_cb_t cb, void *ctx, uint32_t buf_num,
                      uint32_t buf_len)
{
    (void)buf_num;
    if (buf_len == 0)
        buf_len = 16 * 32 * 512;
    if (buf_len % 512) {
        fprintf(stderr, "fake librtlsdr: buf_len %u is not a multiple of 512\n", buf_len);
        return -1;
    }
    const char *path = getenv("FAKE_RTLSDR_FILE");
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f) {
        fprintf(stderr, "fake librtlsdr: FAKE_RTLSDR_FILE not readable\n");
        return -1;
    }
    bool fast = getenv("FAKE_RTLSDR_PACE") && strcmp(getenv("FAKE_RTLSDR_PACE"), "fast") == 0;
    long fail_after = env_long("FAKE_RTLSDR_FAIL_AFTER", -1);
    long stall_after = env_long("FAKE_RTLSDR_STALL_AFTER", -1);
    unsigned char *buf = malloc(buf_len);
    atomic_store(&dev->running, 1);
    log_call("read_async", buf_len);
    sleep_s((double)env_long("FAKE_RTLSDR_START_DELAY_MS", 0) / 1000.0);
    double t0 = mono_s();
    uint64_t here = 0;
    int rc = 0;
    while (!atomic_load(&dev->cancel)) {
        size_t got = 0;
        while (got < buf_len) {
            size_t k = fread(buf + got, 1, buf_len - got, f);
            got += k;
            if (got < buf_len && fseek(f, 0, SEEK_SET) != 0)
                break;
        }
        uint32_t len = buf_len;
        if (fail_after >= 0 && !lost_once && delivered_total + len / 2 >= (uint64_t)fail_after) {
            len = (uint32_t)((uint64_t)fail_after - delivered_total) * 2;
            if (len)
                cb(buf, len, ctx);
            delivered_total += len / 2;
            lost_once = 1;
            absent_counts = (int)env_long("FAKE_RTLSDR_REOPEN_FAILS", 0);
            log_call("lost", (long long)delivered_total);
            rc = -1;
            break;
        }
        if (stall_after >= 0 && !stalled_once && delivered_total >= (uint64_t)stall_after) {
            stalled_once = 1;
            log_call("stalled", (long long)delivered_total);
            while (!atomic_load(&dev->cancel))
                sleep_s(0.01);
            break;
        }
        cb(buf, len, ctx);
        delivered_total += len / 2;
        here += len / 2;
        if (!fast)
            sleep_s(t0 + (double)here / dev->rate - mono_s());
    }
    free(buf);
    fclose(f);
    atomic_store(&dev->running, 0);
    atomic_store(&dev->cancel, 0);
    return rc;
}

int rtlsdr_cancel_async(rtlsdr_dev_t *dev)
{
    if (!dev || !atomic_load(&dev->running))
        return -2;
    atomic_store(&dev->cancel, 1);
    return 0;
}
