#!/usr/bin/env python3
"""The receiver's goals checked on signals the project's modulator did not make.

The receiver's own benchmarks (dsp_bench) build their bursts with the project's modulator
(dsp/ais_mod.c, dsp/gmsk_pulse.c): a flaw shared by the modulator and the demodulator (pulse
shape, bit order, CRC, ramp, frequency sign) would not show there.  This script writes AIS bursts
from the standard alone, with numpy, sharing no code with the project:

  ITU-R M.1371-5 Annex 2: 9,600 bit/s GMSK, BT 0.4 (3.2.2); NRZI, a 0 is a level change
  (3.2.2.2); packet = 8-bit ramp-up, 24-bit training 0101..., start flag 0x7E, data, 16-bit FCS,
  end flag, buffer (3.2.2.5-3.2.2.10, figure 14); bit stuffing after five 1s over data and FCS
  (3.2.2.8.1); data bytes sent least significant bit first, FCS = CRC-16-CCITT as ISO/IEC 13239
  (HDLC): preset 0xFFFF, one's complement appended (3.2.2.6).
  Channels 87B (161.975 MHz) and 88B (162.025 MHz) about a 162.000 MHz tuner (ITU-R M.1084).

then runs receivers on the same cu8 files as whole processes and counts, per scene, the sent
messages each decoded and the payloads it printed that were never sent (wrong frames).

  rxcheck.py --ours build/nodes/ais_demod/ais_demod [--peer $AISCATCHER] --run per|ppm|collision|all
  rxcheck.py --ours ... --run wrong --scenes 100 --bursts 1000   (wrong frames at 2.5-5 dB)
  rxcheck.py --ours ... --run cpu [--cpu_seconds 30 --repeats 5]   (CPU, whole processes)
  rxcheck.py --ours ... --run smoke        (exit 1 unless ours decodes >= 99 % at 12 dB, 0 wrong)

Eb/N0 follows the usual definition: Eb = burst power / 9,600 bit/s, N0 = complex noise power /
sample rate.  Every scene is random from its seed; the figures are reproducible.
"""
import argparse
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

BIT_RATE = 9600.0
CENTER_HZ = 162.000e6
CHANNEL_HZ = {"A": 161.975e6 - CENTER_HZ, "B": 162.025e6 - CENTER_HZ}


# ---------------------------------------------------------------- message and frame (M.1371)

SIXBIT = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?"


def pack(fields):
    """(width, value) fields, most significant bit first (M.1371 Annex 2 3.3.7)."""
    bits = []
    for width, value in fields:
        bits.extend((value >> (width - 1 - i)) & 1 for i in range(width))
    return bits


def text(rng, chars):
    """A six-bit text field (M.1371 table 47): a random word padded with '@'."""
    word = "".join(SIXBIT[int(v)] for v in rng.integers(1, 27, int(rng.integers(1, chars + 1))))
    value = 0
    for ch in word.ljust(chars, "@"):
        value = value << 6 | SIXBIT.index(ch)
    return (6 * chars, value)


def lonlat(rng):
    return [(28, int(rng.integers(-180 * 600000, 180 * 600000)) & ((1 << 28) - 1)),
            (27, int(rng.integers(-90 * 600000, 90 * 600000)) & ((1 << 27) - 1))]


def mmsi(rng):
    return (30, int(rng.integers(201000000, 775999999)))


def position_report(rng):
    """A type 1 report with every field drawn inside its range (168 bits, MSB first)."""
    bits = pack([(6, 1), (2, 0), mmsi(rng), (4, int(rng.integers(0, 9))),
                 (8, int(rng.integers(-126, 127)) & 0xFF), (10, int(rng.integers(0, 300))),
                 (1, int(rng.integers(0, 2)))] + lonlat(rng) +
                [(12, int(rng.integers(0, 3600))), (9, int(rng.integers(0, 360))),
                 (6, int(rng.integers(0, 60))), (2, 0), (3, 0), (1, int(rng.integers(0, 2))),
                 (19, int(rng.integers(0, 1 << 19)))])
    assert len(bits) == 168
    return bits


def base_station_report(rng):
    """Type 4 (M.1371 table 60): UTC and position of a base station, 168 bits."""
    station = int(rng.integers(201, 776)) * 10000 + int(rng.integers(0, 10000))  # 00MIDXXXX
    bits = pack([(6, 4), (2, 0), (30, station),
                 (14, 2026), (4, int(rng.integers(1, 13))), (5, int(rng.integers(1, 29))),
                 (5, int(rng.integers(0, 24))), (6, int(rng.integers(0, 60))),
                 (6, int(rng.integers(0, 60))), (1, 1)] + lonlat(rng) +
                [(4, 7), (10, 0), (1, 0), (19, int(rng.integers(0, 1 << 19)))])
    assert len(bits) == 168
    return bits


def static_voyage(rng):
    """Type 5 (M.1371 table 52): static and voyage data, 424 bits, two slots."""
    bits = pack([(6, 5), (2, 0), mmsi(rng), (2, 0), (30, int(rng.integers(1000000, 9999999))),
                 text(rng, 7), text(rng, 20), (8, int(rng.integers(20, 90))),
                 (9, int(rng.integers(5, 300))), (9, int(rng.integers(5, 100))),
                 (6, int(rng.integers(2, 30))), (6, int(rng.integers(2, 30))), (4, 1),
                 (4, int(rng.integers(1, 13))), (5, int(rng.integers(1, 29))),
                 (5, int(rng.integers(0, 24))), (6, int(rng.integers(0, 60))),
                 (8, int(rng.integers(20, 200))), text(rng, 20), (1, 0), (1, 0)])
    assert len(bits) == 424
    return bits


def class_b_report(rng):
    """Type 18 (M.1371 table 73): class B position report, 168 bits."""
    bits = pack([(6, 18), (2, 0), mmsi(rng), (8, 0), (10, int(rng.integers(0, 300))), (1, 0)] +
                lonlat(rng) + [(12, int(rng.integers(0, 3600))), (9, 511),
                               (6, int(rng.integers(0, 60))), (2, 0), (1, 1), (1, 0), (1, 1),
                               (1, 1), (1, 1), (1, 0), (1, 0), (20, int(rng.integers(0, 1 << 20)))])
    assert len(bits) == 168
    return bits


def class_b_static(rng):
    """Type 24 part A (160 bits, the name) or part B (168 bits) (M.1371 table 80)."""
    if rng.integers(0, 2):
        bits = pack([(6, 24), (2, 0), mmsi(rng), (2, 0), text(rng, 20)])
        assert len(bits) == 160
    else:
        bits = pack([(6, 24), (2, 0), mmsi(rng), (2, 1), (8, int(rng.integers(30, 40))),
                     text(rng, 3), (4, 1), (20, int(rng.integers(0, 1 << 20))), text(rng, 7),
                     (9, 8), (9, 4), (6, 2), (6, 2), (6, 0)])
        assert len(bits) == 168
    return bits


def traffic_message(rng):
    """A message of the mix a coastal receiver hears: class A positions (types 1-3) most, class
    B, static and voyage data (two slots), base stations."""
    u = rng.uniform()
    if u < 0.55:
        return position_report(rng)
    if u < 0.75:
        return class_b_report(rng)
    if u < 0.85:
        return static_voyage(rng)
    if u < 0.93:
        return class_b_static(rng)
    return base_station_report(rng)


def armor(bits):
    """Six-bit ASCII payload of an NMEA VDM sentence (IEC 61162-1 / M.1371 Annex 8 table)."""
    out = []
    for i in range(0, len(bits), 6):
        v = 0
        for b in bits[i:i + 6]:
            v = v << 1 | b
        v <<= 6 - len(bits[i:i + 6])
        out.append(chr(v + 48 if v < 40 else v + 56))
    return "".join(out)


def crc16_x25(data_bits_lsb_first):
    """ISO/IEC 13239 FCS over the bits in the order they are sent; returns the 16 FCS bits in
    the order they are sent (one's complement, low-order coefficient first)."""
    crc = 0xFFFF
    for b in data_bits_lsb_first:
        mix = (crc ^ b) & 1
        crc >>= 1
        if mix:
            crc ^= 0x8408
    crc ^= 0xFFFF
    return [(crc >> i) & 1 for i in range(16)]


def air_bits(msg_bits):
    """Ramp, training, flag, stuffed data + FCS, flag, and the NRZ levels of the burst."""
    data = []
    for i in range(0, len(msg_bits), 8):  # each octet least significant bit first
        data.extend(reversed(msg_bits[i:i + 8]))
    body = data + crc16_x25(data)
    stuffed, ones = [], 0
    for b in body:
        stuffed.append(b)
        ones = ones + 1 if b else 0
        if ones == 5:
            stuffed.append(0)
            ones = 0
    flag = [0, 1, 1, 1, 1, 1, 1, 0]
    training = [k & 1 for k in range(24)]  # 0101...
    ramp = [k & 1 for k in range(8)]
    return ramp, training + flag + stuffed + flag


def nrzi_levels(bits, level=1):
    out = []
    for b in bits:
        if b == 0:
            level = -level
        out.append(level)
    return out


def gaussian_taps(sps, bt=0.4, span_bits=4):
    """Gaussian frequency filter of the GMSK modulator, unit sum (BT = 0.4)."""
    t = np.arange(-span_bits * sps / 2, span_bits * sps / 2 + 1) / sps  # in bit periods
    sigma = math.sqrt(math.log(2)) / (2 * math.pi * bt)
    h = np.exp(-t * t / (2 * sigma * sigma))
    return h / h.sum()


def burst_samples(msg_bits, fs, rng):
    """Complex baseband of one burst at unit amplitude, carrier phase random; returns samples."""
    sps = fs / BIT_RATE
    ramp, rest = air_bits(msg_bits)
    buffer_bits = 8
    levels = nrzi_levels(ramp + rest + [1] * buffer_bits, 1 if rng.integers(0, 2) else -1)
    n = int(math.ceil(len(levels) * sps))
    idx = np.minimum((np.arange(n) / sps).astype(int), len(levels) - 1)
    nrz = np.asarray(levels, dtype=float)[idx]
    freq = np.convolve(nrz, gaussian_taps(int(round(sps))), mode="same")
    phase = np.cumsum(freq) * (math.pi / 2) / sps + rng.uniform(0, 2 * math.pi)
    # raised-cosine power ramp over the 8 ramp bits and the buffer
    t_bits = np.arange(n) / sps
    env = np.ones(n)
    up = t_bits < 8
    env[up] = 0.5 - 0.5 * np.cos(math.pi * t_bits[up] / 8)
    down_start = len(levels) - buffer_bits
    down = t_bits >= down_start
    env[down] = 0.5 + 0.5 * np.cos(math.pi * np.minimum(t_bits[down] - down_start, 8) / 8)
    return env * np.exp(1j * phase)


# ---------------------------------------------------------------- scenes

class Scene:
    """Bursts on a noise floor, written as cu8 (offset binary, 127.5 = 0)."""

    def __init__(self, fs, seconds, seed, noise_dbfs=-20.0):
        self.fs = fs
        self.rng = np.random.default_rng(seed)
        self.n = int(seconds * fs)
        self.pn = 10 ** (noise_dbfs / 10)
        self.x = (self.rng.normal(0, math.sqrt(self.pn / 2), self.n)
                  + 1j * self.rng.normal(0, math.sqrt(self.pn / 2), self.n))
        self.sent = []  # (payload, role)

    def add(self, msg_bits, start_s, channel, ebn0_db, freq_offset_hz, role="wanted"):
        s = burst_samples(msg_bits, self.fs, self.rng)
        amp = math.sqrt(10 ** (ebn0_db / 10) * self.pn / self.fs * BIT_RATE)
        i0 = int(round(start_s * self.fs))
        i1 = min(self.n, i0 + len(s))
        t = (np.arange(i0, i1)) / self.fs
        f = CHANNEL_HZ[channel] + freq_offset_hz
        self.x[i0:i1] += amp * s[:i1 - i0] * np.exp(2j * math.pi * f * t)
        self.sent.append((armor(msg_bits), role))

    def write(self, path):
        iq = np.empty(2 * self.n)
        iq[0::2] = self.x.real
        iq[1::2] = self.x.imag
        np.clip(np.round(127.5 + 127.5 * iq), 0, 255).astype(np.uint8).tofile(path)


def payloads(nmea_text):
    """Payloads of the VDM messages a receiver printed, multi-sentence ones joined (IEC 61162-1:
    fragment count, fragment number, sequential message id, channel)."""
    out, parts = [], {}
    for line in nmea_text.splitlines():
        i = line.find("!AIVDM,")
        if i < 0:
            continue
        f = line[i:].split(",")
        if len(f) < 7 or not f[1].isdigit() or not f[2].isdigit():
            continue
        count, number = int(f[1]), int(f[2])
        if count == 1:
            out.append(f[5])
            continue
        key = (f[3], f[4])
        if number == 1:
            parts[key] = [f[5]]
        elif key in parts and len(parts[key]) == number - 1:
            parts[key].append(f[5])
            if number == count:
                out.append("".join(parts.pop(key)))
    return out


def receiver_argv(kind, binary, path, fs):
    """The command line of a receiver decoding a cu8 file to NMEA on stdout."""
    if kind == "ours":
        return [binary, "-r", path, "--format", "cu8", "-s", str(int(fs))]
    return [binary, "-r", "CU8", path, "-s", str(int(fs)), "-o", "1"]


def run_receiver(kind, binary, path, fs):
    argv = receiver_argv(kind, binary, path, fs)
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=600)
    if p.returncode != 0:
        raise RuntimeError("%s exited %d on %s" % (argv[0], p.returncode, path))
    return payloads(p.stdout.decode("ascii", "replace"))


def score(scene, decoded):
    sent = {}
    for payload, role in scene.sent:
        sent[payload] = role
    got = set(decoded)
    per_role = {}
    for payload, role in scene.sent:
        hit, n = per_role.get(role, (0, 0))
        per_role[role] = (hit + (payload in got), n + 1)
    wrong = sum(1 for p in got if p not in sent)
    return per_role, wrong


class Runner:
    def __init__(self, args):
        self.args = args
        self.receivers = [("ours", args.ours)] + ([("AIS-catcher", args.peer)] if args.peer else [])
        self.wrong = {k: 0 for k, _ in self.receivers}
        self.frames = 0
        self.tmp = tempfile.mkdtemp(prefix="centinela-rxcheck-")

    def measure(self, scene, name):
        path = os.path.join(self.tmp, name + ".cu8")
        scene.write(path)
        out = {}
        for kind, binary in self.receivers:
            per_role, wrong = score(scene, run_receiver(kind, binary, path, scene.fs))
            self.wrong[kind] += wrong
            out[kind] = per_role
        self.frames += len(scene.sent)
        os.unlink(path)
        return out

    def close(self):
        os.rmdir(self.tmp)


def spaced_scene(args, seed, bursts, ebn0_db, offset_fn):
    """Bursts 40 ms apart alternating channels A and B, each with its own offset."""
    sc = Scene(args.rate, 0.05 + bursts * 0.040, seed)
    for i in range(bursts):
        sc.add(position_report(sc.rng), 0.02 + i * 0.040 + sc.rng.uniform(-0.001, 0.001),
               "A" if i % 2 == 0 else "B", ebn0_db, offset_fn(sc.rng))
    return sc


def row(label, res, role="wanted"):
    cells = []
    for kind in res:
        hit, n = res[kind].get(role, (0, 0))
        cells.append("%s %d/%d (%.1f %%)" % (kind, hit, n, 100.0 * hit / n if n else 0))
    print("%-12s %s" % (label, "   ".join(cells)), flush=True)


def run_per(r):
    a = r.args
    print("== decoded share by Eb/N0: %d bursts a point, 288 kS/s cu8, +-1 kHz each" % a.bursts)
    curves = {}
    for k, e in enumerate(np.arange(2.0, 9.01, 0.5)):
        sc = spaced_scene(a, 1000 + k, a.bursts, e, lambda g: g.uniform(-1000, 1000))
        res = r.measure(sc, "per_%.1f" % e)
        row("%.1f dB" % e, res)
        for kind in res:
            hit, n = res[kind]["wanted"]
            curves.setdefault(kind, []).append((e, hit / n))
    for kind, pts in curves.items():
        print("%s: 50 %% at %s dB, 90 %% at %s dB" % (kind, crossing(pts, 0.5), crossing(pts, 0.9)))


def crossing(pts, level):
    for (e0, p0), (e1, p1) in zip(pts, pts[1:]):
        if p0 < level <= p1:
            return "%.2f" % (e0 + (level - p0) * (e1 - e0) / (p1 - p0))
    return "-"


def run_ppm(r):
    a = r.args
    print("== tuning error: %d bursts a point at Eb/N0 10 dB, offset = ppm x 162 MHz +-200 Hz" %
          a.bursts)
    for k, ppm in enumerate((-60, -40, -20, 0, 20, 40, 60)):
        off = ppm * 1e-6 * CENTER_HZ
        sc = spaced_scene(a, 2000 + k, a.bursts, 10.0, lambda g: off + g.uniform(-200, 200))
        row("%+d ppm" % ppm, r.measure(sc, "ppm_%d" % ppm))


def run_collision(r):
    a = r.args
    print("== collisions: %d pairs a point on one channel, the stronger at Eb/N0 20 dB, the "
          "weaker D dB below starting within +-13 ms of it, +-1 kHz each" % a.pairs)
    for k, d in enumerate((3, 5, 10)):
        sc = Scene(a.rate, 0.1 + a.pairs * 0.1, 3000 + k)
        for i in range(a.pairs):
            ch = "A" if i % 2 == 0 else "B"
            t = 0.05 + i * 0.1
            sc.add(position_report(sc.rng), t, ch, 20.0, sc.rng.uniform(-1000, 1000), "stronger")
            sc.add(position_report(sc.rng), t + sc.rng.uniform(-0.0133, 0.0133), ch, 20.0 - d,
                   sc.rng.uniform(-1000, 1000), "weaker")
        res = r.measure(sc, "collision_%d" % d)
        row("%d dB apart" % d, res, "stronger")
        row("", res, "weaker")


def run_wrong(r):
    a = r.args
    levels = np.arange(2.5, 5.01, 0.5)
    print("== wrong frames: %d scenes of %d bursts, Eb/N0 %s dB in turn, +-1 kHz each" % (
        a.scenes, a.bursts, "/".join("%.1f" % e for e in levels)))
    for k in range(a.scenes):
        e = levels[k % len(levels)]
        r.measure(spaced_scene(a, 5000 + k, a.bursts, e, lambda g: g.uniform(-1000, 1000)),
                  "wrong_%d" % k)


def traffic_scene(fs, seconds, seed, msgs_per_s, ebn0_fn):
    """Mixed traffic (traffic_message) on both channels, each burst in a slot of its own (SOTDMA
    slots of 256 bits; a type 5 takes two), its own Eb/N0 and +-1 kHz offset."""
    sc = Scene(fs, seconds, seed)
    slot_s = 256 / BIT_RATE
    nslots = int((seconds - 0.1) / slot_s) - 1
    free = {ch: set(range(nslots)) for ch in CHANNEL_HZ}
    for i in range(int(msgs_per_s * seconds)):
        msg = traffic_message(sc.rng)
        ch = "A" if i % 2 == 0 else "B"
        need = 2 if len(msg) > 256 else 1
        order = sc.rng.permutation(nslots)
        for k in order:
            k = int(k)
            if all(k + j in free[ch] for j in range(need)):
                break
        else:
            continue  # the channel is full
        for j in range(need):
            free[ch].discard(k + j)
        sc.add(msg, 0.05 + k * slot_s + sc.rng.uniform(0, 0.001), ch, ebn0_fn(sc.rng),
               sc.rng.uniform(-1000, 1000))
    return sc


def timed_run(kind, binary, path, fs):
    """One whole-process run: (child CPU seconds, wall seconds, payloads printed)."""
    argv = receiver_argv(kind, binary, path, fs)
    with tempfile.TemporaryFile() as out:
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            raise RuntimeError("%s exited %d on %s" % (argv[0], p.returncode, path))
        out.seek(0)
        printed = payloads(out.read().decode("ascii", "replace"))
    return ru.ru_utime + ru.ru_stime, wall, printed


def run_cpu(r):
    """CPU per second of signal of each receiver as a whole process (start-up included, the same
    for both), runs interleaved, the order alternating, medians."""
    a = r.args
    secs = a.cpu_seconds
    mixes = [
        ("mixed, Eb/N0 5-30 dB, 20 msg/s, 288 kS/s", a.rate, 20, lambda g: g.uniform(5, 30)),
        ("mixed, Eb/N0 5-30 dB, 20 msg/s, 1.536 MS/s", 1536000.0, 20,
         lambda g: g.uniform(5, 30)),
        ("dense weak, Eb/N0 4 dB, 37 msg/s, 288 kS/s", a.rate, 37, lambda g: 4.0),
        ("dense, Eb/N0 8-12 dB, 37 msg/s, 288 kS/s", a.rate, 37, lambda g: g.uniform(8, 12)),
    ]
    print("== CPU: whole processes on the same cu8 files, %.0f s of signal each, %d interleaved "
          "runs a side, medians (child CPU from wait4); decoded of sent" % (secs, a.repeats))
    for k, (label, fs, rate, ebn0) in enumerate(mixes):
        sc = traffic_scene(fs, secs, 6000 + k, rate, ebn0)
        path = os.path.join(r.tmp, "cpu_%d.cu8" % k)
        sc.write(path)
        sent = set(p for p, _ in sc.sent)
        cpu = {kind: [] for kind, _ in r.receivers}
        wall = {kind: [] for kind, _ in r.receivers}
        got = {}
        for rep in range(a.repeats):
            order = r.receivers if rep % 2 == 0 else r.receivers[::-1]
            for kind, binary in order:
                c, w, printed = timed_run(kind, binary, path, fs)
                cpu[kind].append(c)
                wall[kind].append(w)
                got[kind] = printed
        os.unlink(path)
        print(label)
        med = {}
        for kind, _ in r.receivers:
            med[kind] = float(np.median(cpu[kind])) / secs
            hit = len(sent & set(got[kind]))
            wrong = sum(1 for p in set(got[kind]) if p not in sent)
            r.wrong[kind] += wrong
            print("  %-12s CPU %.4f s/s (wall %.4f s/s)  decoded %d of %d" % (
                kind, med[kind], float(np.median(wall[kind])) / secs, hit, len(sent)), flush=True)
        r.frames += len(sc.sent)
        if len(r.receivers) == 2:
            print("  CPU ours/peer %.2f" % (med["ours"] / med[r.receivers[1][0]]), flush=True)


def run_smoke(r):
    sc = spaced_scene(r.args, 7, 200, 12.0, lambda g: g.uniform(-1000, 1000))
    res = r.measure(sc, "smoke")
    row("12 dB", res)
    hit, n = res["ours"]["wanted"]
    if hit < 0.99 * n or r.wrong["ours"] != 0:
        print("FAIL: ours decoded %d of %d, %d wrong" % (hit, n, r.wrong["ours"]))
        return 1
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ours", required=True, help="ais_demod binary")
    ap.add_argument("--peer", default=os.environ.get("AISCATCHER"), help="AIS-catcher binary")
    ap.add_argument("--run", default="all", choices=["per", "ppm", "collision", "all", "wrong", "smoke", "cpu"])
    ap.add_argument("--rate", type=float, default=288000.0)
    ap.add_argument("--bursts", type=int, default=300, help="bursts a point (per, ppm)")
    ap.add_argument("--scenes", type=int, default=100, help="scenes (wrong)")
    ap.add_argument("--pairs", type=int, default=200, help="burst pairs a point (collision)")
    ap.add_argument("--cpu_seconds", type=float, default=30.0, help="signal seconds a mix (cpu)")
    ap.add_argument("--repeats", type=int, default=5, help="runs a side (cpu)")
    a = ap.parse_args()
    r = Runner(a)
    rc = 0
    try:
        if a.run == "smoke":
            rc = run_smoke(r)
        if a.run in ("per", "all"):
            run_per(r)
        if a.run in ("ppm", "all"):
            run_ppm(r)
        if a.run in ("collision", "all"):
            run_collision(r)
        if a.run == "wrong":
            run_wrong(r)
        if a.run == "cpu":
            run_cpu(r)
        if a.run != "smoke":
            print("wrong frames (payloads printed that were never sent), %d sent: %s" % (
                r.frames, ", ".join("%s %d" % kv for kv in r.wrong.items())))
    finally:
        r.close()
    return rc


if __name__ == "__main__":
    sys.exit(main())
