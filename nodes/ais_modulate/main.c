/* ais_modulate: NMEA in, a synthesised AIS recording out.
 *
 *   ais_modulate -i traffic.nmea -o scene.cu8 --rate_hz 288000 --ebn0_db 12 --freq_jitter_hz 1000
 *   traffic_sim -s scenario.json | ais_modulate -o scene.sigmf-meta --sample s16
 *   ais_modulate -i msgs.nmea -o audio.wav --audio --audio_channel B --rate_hz 48000
 *
 * Every line of the input is one NMEA sentence (tag blocks and multipart messages welcome); each
 * message becomes one GMSK burst (BT 0.4, 9600 bit/s, +-2.4 kHz) on its channel, in white
 * Gaussian noise.  Output: cu8, cs8, cs16, cf32, WAV I/Q or SigMF (I/Q), or with --audio the
 * FM-discriminator audio of one channel as WAV or SigMF.  See ais_modulate.h for how burst times
 * come from tag blocks (c: in seconds, milliseconds or fractional seconds), how Eb/N0 is defined
 * (noise flat over the recorded band; SNR in 25 kHz = Eb/N0 - 4.16 dB) and how offsets are drawn.
 * SigMF output carries captures[0].core:datetime (time zero) and one annotation per burst;
 * --truth writes a CSV of what was sent.  Bad lines are counted by class, skipped, and reported
 * at the end; they never stop the run.
 *
 * Exit: 0 done, 1 run-time error (file, nothing to write), 2 bad options. */
#include "ais_modulate.h"

#include "centinela/config.h"
#include "centinela/log.h"
#include "centinela/wire.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const opt_spec modulate_options[] = {
    {"input", 'i', OPT_STR, "-", 0, -1, "NMEA input file; - for stdin"},
    {"output", 'o', OPT_STR, "", 0, -1,
     "recording to write (.cu8 .cs8 .cs16 .cf32 .wav .sigmf-meta); - for stdout (raw, wav)"},
    {"format", 'f', OPT_STR, "auto", 0, -1,
     "auto (from the extension), cu8, cs8, cs16, cf32, wav or sigmf"},
    {"sample", 0, OPT_STR, "s16", 0, -1, "wav/sigmf sample encoding: u8, s8 (sigmf), s16 or f32"},
    {"audio", 0, OPT_BOOL, "false", 0, -1,
     "write FM-discriminator audio of one channel (wav or sigmf) instead of I/Q"},
    {"audio_channel", 0, OPT_STR, "A", 0, -1,
     "audio: the channel the receiver is tuned to (A or B); bursts on the other are dropped"},
    {"rate_hz", 's', OPT_REAL, "288000", 48000, 2.4e6, "sample rate, S/s"},
    {"center_hz", 0, OPT_REAL, "162000000", 1e6, 6e9,
     "receiver centre frequency (I/Q); channels A 161.975 MHz, B 162.025 MHz"},
    {"noise_dbfs", 0, OPT_REAL, "-25", -100, 0,
     "noise power per complex sample re full scale; sets N0 for every Eb/N0"},
    {"noise", 0, OPT_BOOL, "true", 0, -1, "add the noise (false: bursts only, still scaled by N0)"},
    {"channel", 0, OPT_STR, "sentence", 0, -1,
     "sentence (its A/B; 1/2 too; none: A), A, B, or alternate (A, B, A, ... in input order)"},
    {"ebn0_db", 'e', OPT_REAL, "20", -20, 80,
     "Eb/N0 of every burst, dB, noise flat over the band (SNR in 25 kHz = Eb/N0 - 4.16 dB)"},
    {"ebn0_range_db", 0, OPT_REAL, "0", 0, 100,
     "> 0: each burst uniform in [ebn0_db, ebn0_db + range]"},
    {"freq_offset_hz", 0, OPT_REAL, "0", -1e6, 1e6, "frequency offset added to every burst, Hz"},
    {"ppm", 0, OPT_REAL, "0", -1000, 1000,
     "frequency error re each channel frequency (60 ppm = 9.7 kHz); positive: higher"},
    {"freq_jitter_hz", 0, OPT_REAL, "0", 0, 1e6, "each burst: uniform extra offset in +-this, Hz"},
    {"time_offset_s", 0, OPT_REAL, "0", -1e6, 1e6, "added to every burst's start time, s"},
    {"time_jitter_s", 0, OPT_REAL, "0", 0, 1e6, "each burst: uniform extra delay in +-this, s"},
    {"spacing_s", 0, OPT_REAL, "0.1", 0.001, 1e6,
     "messages without a tag time follow the previous one by this, start to start, s"},
    {"lead_s", 0, OPT_REAL, "0.05", 0, 1e6, "noise before the first burst, s"},
    {"tail_s", 0, OPT_REAL, "0.05", 0, 1e6, "noise after the last burst, s"},
    {"duration_s", 'd', OPT_REAL, "0", 0, 1e7,
     "fixed recording length, s (bursts starting later are dropped); 0: to the last burst"},
    {"pack_same_time", 0, OPT_BOOL, "true", 0, -1,
     "messages with the same tag time on one channel go into consecutive slots (26.7 ms)"},
    {"start_time", 't', OPT_STR, "", 0, -1,
     "time of the first sample, ISO 8601 UTC or Unix seconds; empty: first tag time - lead_s"},
    {"seed", 0, OPT_INT, "1", 0, 9e15, "random seed (noise, phases, drawn offsets)"},
    {"truth", 0, OPT_STR, "", 0, -1, "CSV of every burst sent (time, channel, Eb/N0, offset, payload)"},
    {"log_level", 0, OPT_STR, "warn", 0, -1, "error, warn, info or debug"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

/* Options into the library's configuration; 0 or -1 (logged). */
static int build_config(const config *cfg, ais_modulate_config *mc)
{
    ais_modulate_config_default(mc);
    mc->output = config_str(cfg, "output");
    if (!*mc->output) {
        log_error("no output: give -o FILE (see --help)");
        return -1;
    }
    const char *fmt = config_str(cfg, "format");
    if (strcmp(fmt, "auto") != 0 && iqfile_format_parse(fmt, &mc->format) != 0) {
        log_error("unknown format '%s' (auto, cu8, cs8, cs16, cf32, wav, sigmf)", fmt);
        return -1;
    }
    static const struct {
        const char *name;
        iqfile_sample s;
    } samples[] = {{"u8", IQFILE_SAMPLE_U8},
                   {"s8", IQFILE_SAMPLE_S8},
                   {"s16", IQFILE_SAMPLE_S16},
                   {"f32", IQFILE_SAMPLE_F32}};
    const char *smp = config_str(cfg, "sample");
    int found = 0;
    for (unsigned i = 0; i < sizeof samples / sizeof samples[0]; i++)
        if (strcmp(smp, samples[i].name) == 0) {
            mc->sample = samples[i].s;
            found = 1;
        }
    if (!found) {
        log_error("unknown sample encoding '%s' (u8, s8, s16, f32)", smp);
        return -1;
    }
    mc->audio = config_bool(cfg, "audio");
    const char *ach = config_str(cfg, "audio_channel");
    if (strcmp(ach, "A") != 0 && strcmp(ach, "B") != 0) {
        log_error("audio_channel is A or B, not '%s'", ach);
        return -1;
    }
    mc->audio_channel = ach[0];
    mc->sample_rate_hz = config_real(cfg, "rate_hz");
    mc->center_hz = config_real(cfg, "center_hz");
    mc->noise_dbfs = config_real(cfg, "noise_dbfs");
    mc->add_noise = config_bool(cfg, "noise");
    const char *ch = config_str(cfg, "channel");
    if (strcmp(ch, "sentence") == 0)
        mc->channel = AIS_MODULATE_CHANNEL_SENTENCE;
    else if (strcmp(ch, "A") == 0)
        mc->channel = AIS_MODULATE_CHANNEL_A;
    else if (strcmp(ch, "B") == 0)
        mc->channel = AIS_MODULATE_CHANNEL_B;
    else if (strcmp(ch, "alternate") == 0)
        mc->channel = AIS_MODULATE_CHANNEL_ALTERNATE;
    else {
        log_error("channel is sentence, A, B or alternate, not '%s'", ch);
        return -1;
    }
    mc->ebn0_db = config_real(cfg, "ebn0_db");
    mc->ebn0_range_db = config_real(cfg, "ebn0_range_db");
    mc->freq_offset_hz = config_real(cfg, "freq_offset_hz");
    mc->ppm = config_real(cfg, "ppm");
    mc->freq_jitter_hz = config_real(cfg, "freq_jitter_hz");
    mc->time_offset_s = config_real(cfg, "time_offset_s");
    mc->time_jitter_s = config_real(cfg, "time_jitter_s");
    mc->spacing_s = config_real(cfg, "spacing_s");
    mc->lead_s = config_real(cfg, "lead_s");
    mc->tail_s = config_real(cfg, "tail_s");
    mc->duration_s = config_real(cfg, "duration_s");
    mc->pack_same_time = config_bool(cfg, "pack_same_time");
    const char *st = config_str(cfg, "start_time");
    if (*st) {
        int64_t ns;
        if (wire_parse_time(st, &ns) != 0) {
            log_error("start_time '%s' is not ISO 8601 UTC or Unix seconds", st);
            return -1;
        }
        mc->have_start = 1;
        mc->start_unix_s = ns / 1e9;
    }
    mc->seed = (uint64_t)config_int(cfg, "seed");
    mc->truth = config_str(cfg, "truth");
    return 0;
}

int main(int argc, char **argv)
{
    int rc;
    config *cfg = command_config("ais_modulate", modulate_options,
                                 "Synthesise an AIS recording (I/Q or discriminator audio) from NMEA.",
                                 argc, argv, &rc);
    if (!cfg)
        return rc;
    ais_modulate_config mc;
    ais_modulate *m = build_config(cfg, &mc) == 0 ? ais_modulate_create(&mc) : NULL;
    if (!m) {
        config_destroy(&cfg);
        return 2;
    }
    const char *in = config_str(cfg, "input");
    FILE *f = strcmp(in, "-") == 0 ? stdin : fopen(in, "r");
    if (!f) {
        log_error("%s: cannot open", in);
        ais_modulate_destroy(&m);
        config_destroy(&cfg);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0)
        ais_modulate_push_line(m, line, (size_t)n);
    free(line);
    if (f != stdin)
        fclose(f);
    rc = ais_modulate_finish(m) == 0 ? 0 : 1;
    ais_modulate_print_summary(m, stderr);
    if (rc == 0 && ais_modulate_get_stats(m)->messages == 0) {
        /* A recording with no burst in it is almost always a wrong input: say so, fail. */
        fprintf(stderr, "ais_modulate: no AIS message in the input; nothing was modulated\n");
        rc = 1;
    }
    ais_modulate_destroy(&m);
    config_destroy(&cfg);
    return rc;
}
