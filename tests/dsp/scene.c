/* Synthesized scenes: modulator -> demodulator in memory, frames matched to what was sent. */
#include "scene.h"

#include "centinela/ais_demod.h"
#include "centinela/ais_mod.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t scene_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double urand(uint64_t *s)
{
    return (double)(scene_rand(s) >> 11) / 9007199254740992.0;
}

/* Writes value into bits [start, start + width) of an MSB-first message. */
static void put_bits(uint8_t *msb, unsigned start, unsigned width, uint32_t value)
{
    for (unsigned i = 0; i < width; i++) {
        unsigned b = start + i, bit = (value >> (width - 1 - i)) & 1u;
        msb[b / 8] = (uint8_t)((msb[b / 8] & ~(0x80u >> (b % 8))) | (bit << (7 - b % 8)));
    }
}

/* Random fields made plausible, as a real transmitter's are (the receiver checks the fields of
 * soft-repaired frames): position inside +-180 / +-90 degrees, course, heading, manoeuvre. */
static void plausible_position(uint64_t *rng, uint8_t *msb)
{
    int64_t lon = (int64_t)(scene_rand(rng) % 216000001) - 108000000;
    int64_t lat = (int64_t)(scene_rand(rng) % 108000001) - 54000000;
    put_bits(msb, 61, 28, (uint32_t)lon & 0x0FFFFFFFu);
    put_bits(msb, 89, 27, (uint32_t)lat & 0x07FFFFFFu);
    put_bits(msb, 116, 12, (uint32_t)(scene_rand(rng) % 3601)); /* course */
    put_bits(msb, 128, 9, (uint32_t)(scene_rand(rng) % 360));   /* heading */
    put_bits(msb, 143, 2, (uint32_t)(scene_rand(rng) % 3));     /* manoeuvre indicator */
    /* the 3 spare bits are clear but in 1.5 % of reports, as in the real feeds of ../shared
     * (1,855 of 127,123 type 1-3 reports: AMSA, Vernon, DMA) */
    if (scene_rand(rng) % 1000 >= 15)
        put_bits(msb, 145, 3, 0);
}

void scene_random_msg(uint64_t *rng, uint8_t msb[21])
{
    for (int i = 0; i < 21; i++)
        msb[i] = (uint8_t)scene_rand(rng);
    msb[0] = (uint8_t)((1 << 2) | (msb[0] & 3)); /* type 1 */
    plausible_position(rng, msb);
}

void scene_random_msg5(uint64_t *rng, uint8_t msb[53])
{
    for (int i = 0; i < 53; i++)
        msb[i] = (uint8_t)scene_rand(rng);
    msb[0] = (uint8_t)((5 << 2) | (msb[0] & 3));              /* type 5 */
    put_bits(msb, 232, 8, (uint32_t)(scene_rand(rng) % 100)); /* ship type */
    put_bits(msb, 270, 4, (uint32_t)(scene_rand(rng) % 9));   /* position fixing device */
    put_bits(msb, 274, 4, (uint32_t)(scene_rand(rng) % 13));  /* ETA month */
    put_bits(msb, 283, 5, (uint32_t)(scene_rand(rng) % 25));  /* ETA hour */
    put_bits(msb, 288, 6, (uint32_t)(scene_rand(rng) % 61));  /* ETA minute */
}

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

typedef struct {
    uint8_t msb[53];
    size_t nbits;
    int wanted;
    int hit;
} sent_msg;

/* Marks the sent message f carries; 0 if it carries none. */
static int match_frame(sent_msg *msgs, int nmsg, const ais_demod_frame *f)
{
    int found = 0;
    for (int i = 0; i < nmsg; i++) {
        if (f->nbits == msgs[i].nbits && memcmp(f->bits, msgs[i].msb, (f->nbits + 7) / 8) == 0) {
            msgs[i].hit = 1;
            found = 1;
        }
    }
    return found;
}

int scene_run(const scene_config *cfg, scene_result *out)
{
    memset(out, 0, sizeof *out);
    uint64_t rng = cfg->seed * 7919 + 17;
    double fs = cfg->audio ? 48000 : cfg->sample_rate_hz;
    ais_mod_config mc = {.sample_rate_hz = fs,
                         .center_hz = cfg->audio ? 161.975e6 : 162.0e6,
                         .noise_dbfs = cfg->audio ? -10 : -20,
                         .add_noise = 1,
                         .seed = cfg->seed};
    ais_mod *mod = ais_mod_create(&mc);
    ais_demod_config dc;
    ais_demod_config_default(&dc, fs);
    dc.input_real = cfg->audio;
    dc.sic = cfg->sic_off ? -1 : 1;
    ais_demod *dem = ais_demod_create(&dc);
    if (!mod || !dem)
        return -1;
    int n = cfg->nbursts;
    int nmsg = cfg->interferer_db > 0 ? 2 * n : n;
    sent_msg *msgs = calloc((size_t)nmsg, sizeof *msgs);
    const double spacing = 0.030;
    const double slot_s = 60.0 / 2250; /* 2,250 slots a minute */
    double packed_t = 0.01;            /* slot_packed: where the next burst may start */
    for (int i = 0; i < n; i++) {
        sent_msg *m = &msgs[i];
        m->nbits = 168;
        if (cfg->slot_packed && (scene_rand(&rng) & 1)) {
            scene_random_msg5(&rng, m->msb);
            m->nbits = 424;
        } else {
            scene_random_msg(&rng, m->msb);
        }
        m->wanted = 1;
        ais_mod_burst b = {.channel = cfg->audio ? 0
                                      : (i & 1)  ? 'B'
                                                 : 'A',
                           .ebn0_db = cfg->ebn0_db,
                           .freq_offset_hz =
                               cfg->common_offset_hz + cfg->freq_spread_hz * (2 * urand(&rng) - 1),
                           .start_s = 0.01 + i * spacing + 0.001 * (2 * urand(&rng) - 1)};
        if (cfg->slot_packed) {
            /* one bit of guard, so the +-1 bit sync error never overlaps two bursts */
            double slot0 = ceil((packed_t + 1 / AIS_BIT_RATE) / slot_s) * slot_s;
            b.channel = cfg->audio ? 0 : 'A';
            b.start_s = slot0 + (2 * urand(&rng) - 1) / AIS_BIT_RATE;
            packed_t = b.start_s + ais_mod_burst_duration_s(m->msb, m->nbits);
        }
        if (cfg->interferer_db > 0) {
            /* same channel, overlapping: each interferer sits beside its wanted burst */
            b.channel = cfg->audio ? 0 : 'A';
            b.start_s = 0.05 + i * 2 * spacing * 1.0;
            sent_msg *w = &msgs[n + i];
            scene_random_msg(&rng, w->msb);
            w->nbits = 168;
            ais_mod_burst ib = b;
            ib.ebn0_db = cfg->ebn0_db - cfg->interferer_db;
            ib.freq_offset_hz = 500 * (2 * urand(&rng) - 1);
            ib.start_s = b.start_s + (2 * urand(&rng) - 1) * 0.0133;
            if (ais_mod_add_burst(mod, w->msb, 168, &ib) != 0)
                return -1;
        }
        if (ais_mod_add_burst(mod, m->msb, m->nbits, &b) != 0)
            return -1;
    }
    double dur = cfg->interferer_db > 0 ? 0.1 + n * 2 * spacing : 0.05 + n * spacing;
    if (cfg->slot_packed)
        dur = packed_t + 0.05;
    size_t total = (size_t)(dur * fs);
    enum { BLK = 16384 };
    float complex *x = malloc(BLK * sizeof *x);
    float *a = malloc(BLK * sizeof *a);
    float complex dstate = 1;
    ais_demod_frame f;
    for (size_t done = 0; done < total || done == 0;) {
        size_t k = total - done < BLK ? total - done : BLK;
        ais_mod_render(mod, x, k);
        double t0 = cpu_now();
        if (cfg->audio) {
            ais_mod_discriminate(x, k, &dstate, a);
            ais_demod_process_real(dem, a, k);
        } else {
            ais_demod_process_cf32(dem, x, k);
        }
        out->cpu_s += cpu_now() - t0;
        done += k;
        if (k == 0)
            break;
        while (ais_demod_pop(dem, &f)) {
            int right = match_frame(msgs, nmsg, &f);
            if (getenv("SCENE_TRACE")) {
                fprintf(stderr, "%s %s snr=%.2f hex=", f.repaired ? "SF" : "SC",
                        right ? "right" : "wrong", f.snr_db);
                for (size_t i = 0; i < (f.nbits + 7) / 8; i++)
                    fprintf(stderr, "%02x", f.bits[i]);
                fprintf(stderr, "\n");
            }
            if (!right) {
                out->false_frames++;
                if (getenv("SCENE_VERBOSE"))
                    fprintf(stderr,
                            "false frame: %zu bits, repaired %d, snr %.1f dB, sample %llu\n",
                            f.nbits, f.repaired, f.snr_db, (unsigned long long)f.start_sample);
            }
        }
    }
    ais_demod_flush(dem);
    while (ais_demod_pop(dem, &f))
        if (!match_frame(msgs, nmsg, &f))
            out->false_frames++;
    for (int i = 0; i < nmsg; i++) {
        if (msgs[i].wanted) {
            out->sent++;
            out->decoded += msgs[i].hit;
        } else {
            out->interferers_decoded += msgs[i].hit;
        }
    }
    out->signal_s = dur;
    ais_demod_stats st;
    ais_demod_get_stats(dem, &st);
    out->candidates = (unsigned long)st.candidates;
    out->gated = (unsigned long)st.gated;
    out->suppressed = (unsigned long)st.candidates_suppressed;
    out->crc_fail = (unsigned long)st.crc_fail;
    out->repair_rejected = (unsigned long)st.repair_rejected;
    out->repair_skipped = (unsigned long)st.repair_skipped;
    out->clean_rejected = (unsigned long)st.clean_rejected;
    out->repaired = (unsigned long)st.repaired;
    out->sic_searches = (unsigned long)st.sic_searches;
    out->sic_decodes = (unsigned long)st.sic_decodes;
    out->sic_pairs = (unsigned long)st.sic_pairs;
    free(x);
    free(a);
    free(msgs);
    ais_mod_destroy(&mod);
    ais_demod_destroy(&dem);
    return 0;
}
