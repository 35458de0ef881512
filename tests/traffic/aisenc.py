"""AIS payload encoder (ITU-R M.1371-5) and NMEA 0183 framing with IEC 61162-450 tag blocks.

Written from the standard, independently of the project's codec, so a defect shared by the
project's encoder and decoder cannot hide.  Bit tables are quoted per message below.
"""

_SIXBIT_TEXT = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?"


class Bits:
    """Most-significant-bit-first bit string kept in one Python integer."""

    def __init__(self):
        self.v = 0
        self.n = 0

    def u(self, width, value):
        self.v = (self.v << width) | (int(value) & ((1 << width) - 1))
        self.n += width
        return self

    def s(self, width, value):  # two's complement
        return self.u(width, int(value) & ((1 << width) - 1))

    def text(self, chars, value):
        value = (value or "").upper()[:chars].ljust(chars, "@")
        for ch in value:
            idx = _SIXBIT_TEXT.find(ch)
            self.u(6, idx if idx >= 0 else 0)
        return self

    def armor(self):
        """6-bit ASCII armoring: returns (payload, fill_bits)."""
        fill = (-self.n) % 6
        v = self.v << fill
        nch = (self.n + fill) // 6
        out = []
        for i in range(nch - 1, -1, -1):
            c = (v >> (6 * i)) & 0x3F
            c += 48
            if c > 87:
                c += 8
            out.append(chr(c))
        return "".join(out), fill


def _lon(lon):
    return round(lon * 600000.0)


def _lat(lat):
    return round(lat * 600000.0)


def _sog(sog_kn):
    return 1023 if sog_kn is None else min(1022, max(0, round(sog_kn * 10)))


def _cog(cog_deg):
    return 3600 if cog_deg is None else round(cog_deg * 10) % 3600


def pos_report_a(msg_type, mmsi, status, sog_kn, lat, lon, cog_deg, heading, second):
    """Types 1/2/3, 168 bits: type 6, repeat 2, mmsi 30, status 4, ROT 8 (-128 n/a), SOG 10
    (0.1 kn), accuracy 1, lon 28 / lat 27 (1/10000 min), COG 12 (0.1 deg), heading 9 (511 n/a),
    second 6, manoeuvre 2, spare 3, RAIM 1, radio 19."""
    b = Bits().u(6, msg_type).u(2, 0).u(30, mmsi).u(4, status).s(8, -128)
    b.u(10, _sog(sog_kn)).u(1, 1).s(28, _lon(lon)).s(27, _lat(lat)).u(12, _cog(cog_deg))
    b.u(9, 511 if heading is None else int(heading) % 360).u(6, second).u(2, 0).u(3, 0)
    b.u(1, 0).u(19, 0x1800 | (mmsi & 0x7FF))
    return b


def static_a(mmsi, imo, callsign, name, ship_type, bow, stern, port, stbd, draught_m, dest,
             eta=(3, 5, 12, 0)):
    """Type 5, 424 bits: type 6, repeat 2, mmsi 30, AIS version 2, IMO 30, call sign 42, name 120,
    ship type 8, dimensions 9/9/6/6, EPFD 4, ETA month 4 day 5 hour 5 minute 6, draught 8
    (0.1 m), destination 120, DTE 1, spare 1."""
    b = Bits().u(6, 5).u(2, 0).u(30, mmsi).u(2, 0).u(30, imo).text(7, callsign).text(20, name)
    b.u(8, ship_type).u(9, bow).u(9, stern).u(6, port).u(6, stbd).u(4, 1)
    b.u(4, eta[0]).u(5, eta[1]).u(5, eta[2]).u(6, eta[3]).u(8, round(draught_m * 10))
    b.text(20, dest).u(1, 0).u(1, 0)
    return b


def pos_report_b(mmsi, sog_kn, lat, lon, cog_deg, heading, second):
    """Type 18, 168 bits: type 6, repeat 2, mmsi 30, reserved 8, SOG 10, accuracy 1, lon 28,
    lat 27, COG 12, heading 9, second 6, reserved 2, CS 1, display 1, DSC 1, band 1, msg22 1,
    assigned 1, RAIM 1, radio 20."""
    b = Bits().u(6, 18).u(2, 0).u(30, mmsi).u(8, 0).u(10, _sog(sog_kn)).u(1, 0)
    b.s(28, _lon(lon)).s(27, _lat(lat)).u(12, _cog(cog_deg))
    b.u(9, 511 if heading is None else int(heading) % 360).u(6, second).u(2, 0)
    b.u(1, 1).u(1, 0).u(1, 1).u(1, 1).u(1, 1).u(1, 0).u(1, 0).u(20, 0xE0000 | 6)
    return b


def ext_report_b(mmsi, sog_kn, lat, lon, cog_deg, heading, second, name, ship_type, dims):
    """Type 19, 312 bits: as type 18 up to second, regional 4, name 120, ship type 8,
    dimensions 9/9/6/6, EPFD 4, RAIM 1, DTE 1, assigned 1, spare 4."""
    b = Bits().u(6, 19).u(2, 0).u(30, mmsi).u(8, 0).u(10, _sog(sog_kn)).u(1, 0)
    b.s(28, _lon(lon)).s(27, _lat(lat)).u(12, _cog(cog_deg))
    b.u(9, 511 if heading is None else int(heading) % 360).u(6, second).u(4, 0)
    b.text(20, name).u(8, ship_type).u(9, dims[0]).u(9, dims[1]).u(6, dims[2]).u(6, dims[3])
    b.u(4, 1).u(1, 0).u(1, 0).u(1, 0).u(4, 0)
    return b


def static_b_a(mmsi, name):
    """Type 24 part A, 160 bits: type 6, repeat 2, mmsi 30, part 2 (0), name 120."""
    return Bits().u(6, 24).u(2, 0).u(30, mmsi).u(2, 0).text(20, name)


def static_b_b(mmsi, ship_type, callsign, dims):
    """Type 24 part B, 168 bits: type 6, repeat 2, mmsi 30, part 2 (1), ship type 8, vendor id
    42, call sign 42, dimensions 9/9/6/6, spare 6."""
    b = Bits().u(6, 24).u(2, 0).u(30, mmsi).u(2, 1).u(8, ship_type).text(7, "SRT")
    b.text(7, callsign).u(9, dims[0]).u(9, dims[1]).u(6, dims[2]).u(6, dims[3]).u(6, 0)
    return b


def checksum(body):
    c = 0
    for ch in body:
        c ^= ord(ch)
    return c


def tag_block(station, t_s):
    body = "s:%d,c:%d" % (station, int(t_s))
    return "\\%s*%02X\\" % (body, checksum(body))


def vdm_sentences(bits, channel, seq_id):
    """!AIVDM sentences (at most 60 payload characters each) for one message."""
    payload, fill = bits.armor()
    parts = [payload[i:i + 60] for i in range(0, len(payload), 60)] or [""]
    out = []
    for i, p in enumerate(parts):
        last = i == len(parts) - 1
        seq = "" if len(parts) == 1 else str(seq_id)
        body = "AIVDM,%d,%d,%s,%s,%s,%d" % (len(parts), i + 1, seq, channel, p, fill if last else 0)
        out.append("!%s*%02X" % (body, checksum(body)))
    return out


def ttm_sentence(target, dist_nm, brg_deg, spd_kn, crs_deg, t_s):
    """IEC 61162-1 TTM (tracked target message) as ARPA radars send it: target number, distance,
    bearing (T), speed, course (T), CPA, TCPA, units N, name, status T (tracking), reference,
    UTC hhmmss.ss, acquisition A (automatic)."""
    hh = int(t_s // 3600) % 24
    mm = int(t_s // 60) % 60
    ss = t_s % 60
    body = "RATTM,%02d,%.3f,%.2f,T,%.1f,%.1f,T,,,N,,T,,%02d%02d%05.2f,A" % (
        target, dist_nm, brg_deg % 360.0, spd_kn, crs_deg % 360.0, hh, mm, ss)
    return "$%s*%02X" % (body, checksum(body))
