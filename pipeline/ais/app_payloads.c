/* Binary application payloads carried by types 6 and 8 (ITU-R M.1371-5 Annex 5; IMO
 * SN.1/Circ.236 and SN.1/Circ.289; IALA/GLA AtoN monitoring; inland ERI).  Bit positions below
 * are relative to the first bit after the DAC/FI (bit 88 of a type 6, bit 56 of a type 8).
 *
 * A payload is decoded into its struct only when its length fits the layout (as gpsd does);
 * otherwise the message keeps app_kind = AIS_APP_NONE and only the raw data, so an unknown or
 * malformed application never makes a message "corrupt".  Verified against every DAC/FI in
 * gpsd's sample.aivdm.
 */
#include <stdio.h>
#include <string.h>

#include "ais_internal.h"

#define A(member) u.binary.app.member

/* ---- DAC 1 FI 12 (type 6): dangerous cargo indication, IMO236 ----------------------------
 *  rel  width  field
 *    0    30   last port of call, 5 chars (UN/LOCODE)
 *   30    20   ATD: month 4, day 5, hour 5, minute 6
 *   50    30   next port of call, 5 chars
 *   80    20   ETA: month 4, day 5, hour 5, minute 6
 *  100   120   main dangerous good, 20 chars
 *  220    24   IMD category, 4 chars
 *  244    13   UN number
 *  257    10   quantity
 *  267     2   unit
 *  269     3   spare        (total 360 bits with header) */
static const ais_field dac1fid12[] = {
    FLD(0, 5, F_T, A(dac1fid12.lastport), "lastport"),
    FLDS(30, 4, F_U, A(dac1fid12.lmonth), "lmonth", S_HIDE),
    FLDS(34, 5, F_U, A(dac1fid12.lday), "lday", S_HIDE),
    FLDS(39, 5, F_U, A(dac1fid12.lhour), "lhour", S_HIDE),
    FLDS(44, 6, F_U, A(dac1fid12.lminute), "lminute", S_HIDE),
    FLD(50, 5, F_T, A(dac1fid12.nextport), "nextport"),
    FLDS(80, 4, F_U, A(dac1fid12.nmonth), "nmonth", S_HIDE),
    FLDS(84, 5, F_U, A(dac1fid12.nday), "nday", S_HIDE),
    FLDS(89, 5, F_U, A(dac1fid12.nhour), "nhour", S_HIDE),
    FLDS(94, 6, F_U, A(dac1fid12.nminute), "nminute", S_HIDE),
    FLD(100, 20, F_T, A(dac1fid12.dangerous), "dangerous"),
    FLD(220, 4, F_T, A(dac1fid12.imdcat), "imdcat"),
    FLD(244, 13, F_U, A(dac1fid12.unid), "unid"),
    FLD(257, 10, F_U, A(dac1fid12.amount), "amount"),
    FLD(267, 2, F_U, A(dac1fid12.unit), "unit"),
};

/* ---- DAC 1 FI 18 (type 6): clearance time to enter port, IMO289 ---------------------------
 *  rel  width  field
 *    0    10   message linkage id
 *   10    20   time: month 4, day 5, hour 5, minute 6
 *   30   120   port and berth, 20 chars
 *  150    30   destination, 5 chars (UN/LOCODE)
 *  180    25   longitude, 1/1000 min
 *  205    24   latitude, 1/1000 min
 *  229    43   spare */
static const ais_field dac1fid18[] = {
    FLD(0, 10, F_U, A(dac1fid18.linkage), "linkage"),
    FLDS(10, 4, F_U, A(dac1fid18.month), "month", S_HIDE),
    FLDS(14, 5, F_U, A(dac1fid18.day), "day", S_HIDE),
    FLDS(19, 5, F_U, A(dac1fid18.hour), "hour", S_HIDE),
    FLDS(24, 6, F_U, A(dac1fid18.minute), "minute", S_HIDE),
    FLD(30, 20, F_T, A(dac1fid18.portname), "portname"),
    FLD(150, 5, F_T, A(dac1fid18.destination), "destination"),
    FLDS(180, 25, F_S, A(dac1fid18.lon), "lon", S_LL3),
    FLDS(205, 24, F_S, A(dac1fid18.lat), "lat", S_LL3),
};

/* ---- DAC 1 FI 14 (IMO236) and FI 32 (IMO289) (type 6): tidal window ----------------------
 *  rel  width  field
 *    0     4   month
 *    4     5   day
 *    9   ...   up to 3 windows.  FI 14: lat 27, lon 28 (1/10000 min... as gpsd, read as
 *              1/1000 min), from hour 5, from min 6, to hour 5, to min 6, current dir 9,
 *              current speed 7 = 93 bits.  FI 32: lon 25, lat 24 (1/1000 min), from hour 5,
 *              from min 6, to hour 5, to min 6, dir 9, speed 8 = 88 bits. */
/* offsets within one window: lat/lon order and widths differ between FI 14 and FI 32 */
static const uint8_t tidal_off14[8][2] = {{27, 28}, {0, 27}, {55, 5}, {60, 6}, {66, 5}, {71, 6},
                                          {77, 9}, {86, 7}};
static const uint8_t tidal_off32[8][2] = {{0, 25}, {25, 24}, {49, 5}, {54, 6}, {60, 5}, {65, 6},
                                          {71, 9}, {80, 8}};

static void tidal_decode(const uint8_t *bits, size_t nbits, size_t at, int fid, ais_binary *b)
{
    const uint8_t(*o)[2] = fid == 14 ? tidal_off14 : tidal_off32;
    size_t el = fid == 14 ? 93 : 88;
    b->app.tidal.month = sixbit_get_u(bits, nbits, at, 4);
    b->app.tidal.day = sixbit_get_u(bits, nbits, at + 4, 5);
    unsigned n = 0;
    /* A window counts when it starts before the end of the message, even if the message ends
     * inside it (the missing bits read as zero), as gpsd's decoder does with truncated tidal
     * windows.  gpsd also counts a window that starts exactly at the end, with no bits at all;
     * we do not, so that a message of n whole windows decodes as n windows. */
    for (size_t a = at + 9; a < nbits && n < 12; a += el, n++) {
        ais_tidal *t = &b->app.tidal.tidals[n];
        t->lon = sixbit_get_s(bits, nbits, a + o[0][0], o[0][1]);
        t->lat = sixbit_get_s(bits, nbits, a + o[1][0], o[1][1]);
        t->from_hour = sixbit_get_u(bits, nbits, a + o[2][0], o[2][1]);
        t->from_min = sixbit_get_u(bits, nbits, a + o[3][0], o[3][1]);
        t->to_hour = sixbit_get_u(bits, nbits, a + o[4][0], o[4][1]);
        t->to_min = sixbit_get_u(bits, nbits, a + o[5][0], o[5][1]);
        t->cdir = sixbit_get_u(bits, nbits, a + o[6][0], o[6][1]);
        t->cspeed = sixbit_get_u(bits, nbits, a + o[7][0], o[7][1]);
    }
    b->app.tidal.ntidals = n;
}

/* ---- DAC 1 FI 11 (type 8): meteorological and hydrological data, IMO236 ------------------
 * ---- DAC 1 FI 31 (type 8): meteorological and hydrological data, IMO289 ------------------
 * FI 11 (352 bits with header)              FI 31 (360 bits with header)
 *  rel width field                           rel width field
 *    0  24  latitude, 1/1000 min               0  25  longitude, 1/1000 min
 *   24  25  longitude, 1/1000 min             25  24  latitude, 1/1000 min
 *   49   5  day                               49   1  position accuracy
 *   54   5  hour                              50   5  day   55 5 hour   60 6 minute
 *   59   6  minute                            66   7  wind speed, kn
 *   65   7  wind speed, kn                    73   7  gust, kn
 *   72   7  gust                              80   9  wind direction, deg
 *   79   9  wind direction                    89   9  gust direction
 *   88   9  gust direction                    98  11  air temperature, 0.1 C, signed
 *   97  11  air temp, 0.1 C + 60 C offset    109   7  relative humidity, %
 *  108   7  humidity                         116  10  dew point, 0.1 C, signed
 *  115  10  dew point, 0.1 C + 20 C          126   9  pressure, hPa - 799
 *  125   9  pressure, hPa - 800              135   2  pressure tendency
 *  134   2  pressure tendency                137   1  visibility greater than
 *  136   8  visibility, 0.1 NM               138   7  visibility, 0.1 NM
 *  144   9  water level, 0.1 m + 10 m        145  12  water level, 0.01 m + 10 m
 *  153   2  level trend                      157   2  level trend
 *  155   8  surface current speed 0.1 kn     159   8  surface current speed
 *  163   9  its direction                    167   9  its direction
 *  172   8  current 2 speed                  176   8  current 2 speed
 *  180   9  current 2 direction              184   9  direction
 *  189   5  current 2 depth, m               193   5  depth
 *  194   8  current 3 speed                  198   8  current 3 speed
 *  202   9  direction                        206   9  direction
 *  211   5  depth                            215   5  depth
 *  216   8  wave height, 0.1 m               220   8  wave height
 *  224   6  wave period, s                   228   6  wave period
 *  230   9  wave direction                   234   9  wave direction
 *  239   8  swell height                     243   8  swell height
 *  247   6  swell period                     251   6  swell period
 *  253   9  swell direction                  257   9  swell direction
 *  262   4  sea state (Beaufort)             266   4  sea state
 *  266  10  water temp, 0.1 C + 10 C         270  10  water temp, 0.1 C, signed
 *  276   3  precipitation type               280   3  precipitation type
 *  279   9  salinity, 0.1 permille           283   9  salinity
 *  288   2  ice                              292   2  ice
 *  290   6  spare                            294  10  spare */
#define M(member) A(meteo.member)
static const ais_field dac1fid11[] = {
    FLDS(0, 24, F_S, M(lat), "lat", S_LL3), FLDS(24, 25, F_S, M(lon), "lon", S_LL3),
    FLDS(49, 5, F_U, M(day), "day", S_HIDE), FLDS(54, 5, F_U, M(hour), "hour", S_HIDE),
    FLDS(59, 6, F_U, M(minute), "minute", S_HIDE), FLD(65, 7, F_U, M(wspeed), "wspeed"),
    FLD(72, 7, F_U, M(wgust), "wgust"), FLD(79, 9, F_U, M(wdir), "wdir"),
    FLD(88, 9, F_U, M(wgustdir), "wgustdir"), FLDS(97, 11, F_U, M(airtemp), "airtemp", S_HIDE),
    FLD(108, 7, F_U, M(humidity), "humidity"),
    FLDS(115, 10, F_U, M(dewpoint), "dewpoint", S_HIDE),
    FLDS(125, 9, F_U, M(pressure), "pressure", S_HIDE),
    FLDS(134, 2, F_U, M(pressuretend), "pressuretend", S_HIDE),
    FLDS(136, 8, F_U, M(visibility), "visibility", S_DIV10_1),
    FLDS(144, 9, F_U, M(waterlevel), "waterlevel", S_HIDE),
    FLDS(153, 2, F_U, M(leveltrend), "leveltrend", S_HIDE),
    FLDS(155, 8, F_U, M(cspeed), "cspeed", S_DIV10_1), FLD(163, 9, F_U, M(cdir), "cdir"),
    FLDS(172, 8, F_U, M(cspeed2), "cspeed2", S_DIV10_1), FLD(180, 9, F_U, M(cdir2), "cdir2"),
    FLD(189, 5, F_U, M(cdepth2), "cdepth2"),
    FLDS(194, 8, F_U, M(cspeed3), "cspeed3", S_DIV10_1), FLD(202, 9, F_U, M(cdir3), "cdir3"),
    FLD(211, 5, F_U, M(cdepth3), "cdepth3"),
    FLDS(216, 8, F_U, M(waveheight), "waveheight", S_DIV10_1),
    FLD(224, 6, F_U, M(waveperiod), "waveperiod"), FLD(230, 9, F_U, M(wavedir), "wavedir"),
    FLDS(239, 8, F_U, M(swellheight), "swellheight", S_DIV10_1),
    FLD(247, 6, F_U, M(swellperiod), "swellperiod"), FLD(253, 9, F_U, M(swelldir), "swelldir"),
    FLD(262, 4, F_U, M(seastate), "seastate"),
    FLDS(266, 10, F_U, M(watertemp), "watertemp", S_HIDE),
    FLDS(276, 3, F_U, M(preciptype), "preciptype", S_HIDE),
    FLDS(279, 9, F_U, M(salinity), "salinity", S_DIV10_1),
    FLDS(288, 2, F_U, M(ice), "ice", S_HIDE),
};

static const ais_field dac1fid31[] = {
    FLDS(0, 25, F_S, M(lon), "lon", S_LL3), FLDS(25, 24, F_S, M(lat), "lat", S_LL3),
    FLD(49, 1, F_B, M(accuracy), "accuracy"),
    FLDS(50, 5, F_U, M(day), "day", S_HIDE), FLDS(55, 5, F_U, M(hour), "hour", S_HIDE),
    FLDS(60, 6, F_U, M(minute), "minute", S_HIDE), FLD(66, 7, F_U, M(wspeed), "wspeed"),
    FLD(73, 7, F_U, M(wgust), "wgust"), FLD(80, 9, F_U, M(wdir), "wdir"),
    FLD(89, 9, F_U, M(wgustdir), "wgustdir"),
    FLDS(98, 11, F_S, M(airtemp), "airtemp", S_DIV10_1),
    FLD(109, 7, F_U, M(humidity), "humidity"),
    FLDS(116, 10, F_S, M(dewpoint), "dewpoint", S_DIV10_1),
    FLDS(126, 9, F_U, M(pressure), "pressure", S_HIDE),
    FLDS(135, 2, F_U, M(pressuretend), "pressuretend", S_HIDE),
    FLD(137, 1, F_B, M(visgreater), "visgreater"),
    FLDS(138, 7, F_U, M(visibility), "visibility", S_DIV10_1),
    FLDS(145, 12, F_U, M(waterlevel), "waterlevel", S_HIDE),
    FLDS(157, 2, F_U, M(leveltrend), "leveltrend", S_HIDE),
    FLDS(159, 8, F_U, M(cspeed), "cspeed", S_DIV10_1), FLD(167, 9, F_U, M(cdir), "cdir"),
    FLDS(176, 8, F_U, M(cspeed2), "cspeed2", S_DIV10_1), FLD(184, 9, F_U, M(cdir2), "cdir2"),
    FLD(193, 5, F_U, M(cdepth2), "cdepth2"),
    FLDS(198, 8, F_U, M(cspeed3), "cspeed3", S_DIV10_1), FLD(206, 9, F_U, M(cdir3), "cdir3"),
    FLD(215, 5, F_U, M(cdepth3), "cdepth3"),
    FLDS(220, 8, F_U, M(waveheight), "waveheight", S_DIV10_1),
    FLD(228, 6, F_U, M(waveperiod), "waveperiod"), FLD(234, 9, F_U, M(wavedir), "wavedir"),
    FLDS(243, 8, F_U, M(swellheight), "swellheight", S_DIV10_1),
    FLD(251, 6, F_U, M(swellperiod), "swellperiod"), FLD(257, 9, F_U, M(swelldir), "swelldir"),
    FLD(266, 4, F_U, M(seastate), "seastate"),
    FLDS(270, 10, F_S, M(watertemp), "watertemp", S_DIV10_1),
    FLDS(280, 3, F_U, M(preciptype), "preciptype", S_HIDE),
    FLDS(283, 9, F_U, M(salinity), "salinity", S_DIV10_1),
    FLDS(292, 2, F_U, M(ice), "ice", S_HIDE),
};
#undef M

/* ---- DAC 235/250 FI 10 (type 6): GLA AtoN monitoring data (136 bits with header) ---------
 *  rel  width  field
 *    0    10   analogue internal, 0.05 V
 *   10    10   analogue external 1, 0.05 V
 *   20    10   analogue external 2, 0.05 V
 *   30     2   RACON status
 *   32     2   light status
 *   34     1   alarm
 *   35     8   external digital status
 *   43     1   off position
 *   44     4   spare */
static const char *const racon_status[4] = {"No RACON installed", "RACON not monitored",
                                            "RACON operational", "RACON ERROR"};
static const char *const light_status[4] = {"No light or no monitoring", "Light ON", "Light OFF",
                                            "Light ERROR"};
static const ais_field dac235fid10[] = {
    FLDS(0, 10, F_U, A(dac235fid10.ana_int), "ana_int", S_HIDE),
    FLDS(10, 10, F_U, A(dac235fid10.ana_ext1), "ana_ext1", S_HIDE),
    FLDS(20, 10, F_U, A(dac235fid10.ana_ext2), "ana_ext2", S_HIDE),
    FLDL(30, 2, F_U, A(dac235fid10.racon), "racon", racon_status),
    FLDL(32, 2, F_U, A(dac235fid10.light), "light", light_status),
    FLD(34, 1, F_B, A(dac235fid10.alarm), "alarm"),
    FLD(35, 8, F_U, A(dac235fid10.stat_ext), "stat_ext"),
    FLD(43, 1, F_B, A(dac235fid10.off_pos), "off_pos"),
};

/* ---- DAC 200 FI 10 (type 8): inland ship static and voyage data (168 bits with header) ---
 *  rel  width  field
 *    0    48   European vessel id (ENI), 8 chars
 *   48    13   length, 0.1 m
 *   61    10   beam, 0.1 m
 *   71    14   ERI ship or combination type
 *   85     3   hazardous cargo (blue cones)
 *   88    11   draught, 0.01 m
 *   99     2   loaded/unloaded
 *  101     1   speed quality
 *  102     1   course quality
 *  103     1   heading quality
 *  104     8   spare */
static const char *const hazard_types[6] = {"0 blue cones/lights", "1 blue cone/light",
                                            "2 blue cones/lights", "3 blue cones/lights",
                                            "4 B-Flag", "Unknown"};
static const char *const load_status[3] = {"N/A (default)", "Unloaded", "Loaded"};
static const ais_field dac200fid10[] = {
    FLD(0, 8, F_T, A(dac200fid10.vin), "vin"),
    FLD(48, 13, F_U, A(dac200fid10.length), "length"),
    FLD(61, 10, F_U, A(dac200fid10.beam), "beam"),
    FLDS(71, 14, F_U, A(dac200fid10.shiptype), "shiptype", S_HIDE),
    FLDL(85, 3, F_U, A(dac200fid10.hazard), "hazard", hazard_types),
    FLD(88, 11, F_U, A(dac200fid10.draught), "draught"),
    FLDL(99, 2, F_U, A(dac200fid10.loaded), "loaded", load_status),
    FLD(101, 1, F_B, A(dac200fid10.speed_q), "speed_q"),
    FLD(102, 1, F_B, A(dac200fid10.course_q), "course_q"),
    FLD(103, 1, F_B, A(dac200fid10.heading_q), "heading_q"),
};

/* ---- DAC 200 FI 55 (type 6): inland number of persons on board (ERI, as gpsd decodes it) ----
 *  rel  width  field
 *    0     8   crew, 0-254, 255 = unknown
 *    8    13   passengers, 0-8190, 8191 = unknown
 *   21     8   shipboard personnel, 0-254, 255 = unknown
 *   29    51   spare        (total 168 bits with header; 117..176 accepted: the fields fit) */
static const ais_field dac200fid55[] = {
    FLD(0, 8, F_U, A(dac200fid55.crew), "crew"),
    FLD(8, 13, F_U, A(dac200fid55.passengers), "passengers"),
    FLD(21, 8, F_U, A(dac200fid55.personnel), "personnel"),
};

/* ERI ship types (ERI/RIS Index, as listed by gpsd) */
static const struct {
    uint16_t code;
    const char *text;
} eri_types[] = {
    {8000, "Vessel, type unknown"}, {8010, "Motor freighter"}, {8020, "Motor tanker"},
    {8021, "Motor tanker, liquid cargo, type N"}, {8022, "Motor tanker, liquid cargo, type C"},
    {8023, "Motor tanker, dry cargo as if liquid (e.g. cement)"}, {8030, "Container vessel"},
    {8040, "Gas tanker"}, {8050, "Motor freighter, tug"}, {8060, "Motor tanker, tug"},
    {8070, "Motor freighter with one or more ships alongside"},
    {8080, "Motor freighter with tanker"},
    {8090, "Motor freighter pushing one or more freighters"},
    {8100, "Motor freighter pushing at least one tank-ship"}, {8110, "Tug, freighter"},
    {8120, "Tug, tanker"}, {8130, "Tug freighter, coupled"},
    {8140, "Tug, freighter/tanker, coupled"}, {8150, "Freightbarge"}, {8160, "Tankbarge"},
    {8161, "Tankbarge, liquid cargo, type N"}, {8162, "Tankbarge, liquid cargo, type C"},
    {8163, "Tankbarge, dry cargo as if liquid (e.g. cement)"},
    {8170, "Freightbarge with containers"}, {8180, "Tankbarge, gas"},
    {8210, "Pushtow, one cargo barge"}, {8220, "Pushtow, two cargo barges"},
    {8230, "Pushtow, three cargo barges"}, {8240, "Pushtow, four cargo barges"},
    {8250, "Pushtow, five cargo barges"}, {8260, "Pushtow, six cargo barges"},
    {8270, "Pushtow, seven cargo barges"}, {8280, "Pushtow, eight cargo barges"},
    {8290, "Pushtow, nine or more barges"}, {8310, "Pushtow, one tank/gas barge"},
};

/* ---- dispatch ------------------------------------------------------------------------------ */

void ais_app_decode(const uint8_t *bits, size_t nbits, size_t start, int type, ais_binary *b)
{
    ais_msg *m = (ais_msg *)((char *)b - offsetof(ais_msg, u.binary));
    size_t len = nbits - start;
    b->app_kind = AIS_APP_NONE;
    if (type == 6 && b->dac == 1) {
        switch (b->fid) {
        case 12:
            fields_decode(dac1fid12, sizeof dac1fid12 / sizeof dac1fid12[0], bits, nbits, start, m);
            b->app_kind = AIS_APP_DAC1_FID12;
            break;
        case 14:
            if (nbits >= 87) {
                tidal_decode(bits, nbits, start, 14, b);
                b->app_kind = AIS_APP_DAC1_FID14;
            }
            break;
        case 18:
            fields_decode(dac1fid18, sizeof dac1fid18 / sizeof dac1fid18[0], bits, nbits, start, m);
            b->app_kind = AIS_APP_DAC1_FID18;
            break;
        case 30:
            if (nbits >= 98) {
                b->app.text.linkage = sixbit_get_u(bits, nbits, start, 10);
                sixbit_get_text(bits, nbits, start + 10, (unsigned)((len - 10) / 6),
                                b->app.text.text, sizeof b->app.text.text);
                b->app_kind = AIS_APP_DAC1_FID30;
            }
            break;
        case 32:
            if (nbits >= 97) {
                tidal_decode(bits, nbits, start, 32, b);
                b->app_kind = AIS_APP_DAC1_FID32;
            }
            break;
        default:
            break;
        }
    } else if (type == 6 && b->dac == 200 && b->fid == 55 && nbits >= 117 && nbits <= 176) {
        fields_decode(dac200fid55, sizeof dac200fid55 / sizeof dac200fid55[0], bits, nbits, start,
                      m);
        b->app_kind = AIS_APP_DAC200_FID55;
    } else if (type == 6 && (b->dac == 235 || b->dac == 250) && b->fid == 10 && nbits == 136) {
        fields_decode(dac235fid10, sizeof dac235fid10 / sizeof dac235fid10[0], bits, nbits, start,
                      m);
        b->app_kind = AIS_APP_DAC235_FID10;
    } else if (type == 8 && b->dac == 1) {
        /* FI 11 fills 352 bits; transmitters also send it cut at 304 (and other lengths):
         * gpsd decodes it whatever its length, the fields past the end reading 0, and so do
         * we from the wave data on (bit 296 of the message) */
        if (b->fid == 11 && nbits >= 296 && nbits <= 360) {
            fields_decode(dac1fid11, sizeof dac1fid11 / sizeof dac1fid11[0], bits, nbits, start, m);
            b->app_kind = AIS_APP_DAC1_FID11;
        } else if (b->fid == 31 && nbits >= 350) {
            fields_decode(dac1fid31, sizeof dac1fid31 / sizeof dac1fid31[0], bits, nbits, start, m);
            b->app_kind = AIS_APP_DAC1_FID31;
        } else if (b->fid == 29 && nbits >= 66) {
            b->app.text.linkage = sixbit_get_u(bits, nbits, start, 10);
            sixbit_get_text(bits, nbits, start + 10, (unsigned)((len - 10) / 6), b->app.text.text,
                            sizeof b->app.text.text);
            b->app_kind = AIS_APP_DAC1_FID29;
        }
    } else if (type == 8 && b->dac == 200 && b->fid == 10 && nbits == 168) {
        fields_decode(dac200fid10, sizeof dac200fid10 / sizeof dac200fid10[0], bits, nbits, start,
                      m);
        /* gpsd's sanity check: a hazard code beyond "Unknown" or a non-ASCII ENI means this
         * is someone else's FI 10: keep it raw. */
        unsigned char v0 = (unsigned char)b->app.dac200fid10.vin[0];
        if (b->app.dac200fid10.hazard <= 5 && v0 < 0x80)
            b->app_kind = AIS_APP_DAC200_FID10;
    }
}

static void hm_date(jw *w, const char *name, uint32_t mo, uint32_t d, uint32_t h, uint32_t mi)
{
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%02u-%02uT%02u:%02uZ", mo, d, h, mi);
    jw_str(w, name, tmp);
}

static const char *const trends[4] = {"steady", "increasing", "decreasing", "N/A"};
static const char *const preciptypes[8] = {"reserved", "rain", "thunderstorm", "freezing rain",
                                           "mixed/ice", "snow", "reserved", "N/A"};
static const char *const ice_text[4] = {"no", "yes", "reserved", "N/A"};

static void meteo_json(const ais_binary *b, jw *w, int scaled, int fid)
{
    const ais_meteo *mt = &b->app.meteo;
    const ais_msg *m = (const ais_msg *)((const char *)b - offsetof(ais_msg, u.binary));
    if (fid == 11)
        fields_json(dac1fid11, sizeof dac1fid11 / sizeof dac1fid11[0], m, w, scaled);
    else
        fields_json(dac1fid31, sizeof dac1fid31 / sizeof dac1fid31[0], m, w, scaled);
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%02uT%02u:%02uZ", mt->day, mt->hour, mt->minute);
    jw_str(w, "timestamp", tmp);
    if (fid == 11) {
        if (scaled) {
            jw_fixed(w, "airtemp", ((int)mt->airtemp - 600) / 10.0, 1);
            jw_fixed(w, "dewpoint", ((int)mt->dewpoint - 200) / 10.0, 1);
            jw_uint(w, "pressure", mt->pressure + 800);
            jw_str(w, "pressuretend", trends[mt->pressuretend & 3]);
            jw_fixed(w, "waterlevel", ((int)mt->waterlevel - 100) / 10.0, 1);
            jw_str(w, "leveltrend", trends[mt->leveltrend & 3]);
            jw_fixed(w, "watertemp", ((int)mt->watertemp - 100) / 10.0, 1);
        } else {
            jw_uint(w, "airtemp", (uint32_t)mt->airtemp);
            jw_uint(w, "dewpoint", (uint32_t)mt->dewpoint);
            jw_uint(w, "pressure", mt->pressure);
            jw_uint(w, "pressuretend", mt->pressuretend);
            jw_int(w, "waterlevel", mt->waterlevel);
            jw_uint(w, "leveltrend", mt->leveltrend);
            jw_uint(w, "watertemp", (uint32_t)mt->watertemp);
        }
        jw_uint(w, "preciptype", mt->preciptype);
        jw_str(w, "preciptype_text", preciptypes[mt->preciptype & 7]);
        jw_uint(w, "ice", mt->ice);
        jw_str(w, "ice_text", ice_text[mt->ice & 3]);
        return;
    }
    if (scaled) {
        jw_uint(w, "pressure", mt->pressure + 799);
        jw_str(w, "pressuretend", trends[mt->pressuretend & 3]);
        jw_fixed(w, "waterlevel", (mt->waterlevel - 1000) / 100.0, 1);
        jw_str(w, "leveltrend", trends[mt->leveltrend & 3]);
        jw_str(w, "preciptype", preciptypes[mt->preciptype & 7]);
        jw_str(w, "ice", ice_text[mt->ice & 3]);
    } else {
        jw_uint(w, "pressure", mt->pressure);
        jw_uint(w, "pressuretend", mt->pressuretend);
        jw_int(w, "waterlevel", mt->waterlevel);
        jw_uint(w, "leveltrend", mt->leveltrend);
        jw_uint(w, "preciptype", mt->preciptype);
        jw_uint(w, "ice", mt->ice);
    }
}

static void tidal_json(const ais_binary *b, jw *w, int scaled)
{
    jw_uint(w, "month", b->app.tidal.month);
    jw_uint(w, "day", b->app.tidal.day);
    jw_key(w, "tidals");
    jw_raw(w, "[", 1);
    for (uint32_t i = 0; i < b->app.tidal.ntidals; i++) {
        const ais_tidal *t = &b->app.tidal.tidals[i];
        /* each element is an object; build it with a sub-writer to reuse the helpers */
        char tmp[400];
        jw s = {tmp, sizeof tmp, 0, 0};
        if (scaled) {
            jw_fixed(&s, "lon", t->lon / 60000.0, 6);
            jw_fixed(&s, "lat", t->lat / 60000.0, 6);
        } else {
            jw_int(&s, "lon", t->lon);
            jw_int(&s, "lat", t->lat);
        }
        jw_uint(&s, "from_hour", t->from_hour);
        jw_uint(&s, "from_min", t->from_min);
        jw_uint(&s, "to_hour", t->to_hour);
        jw_uint(&s, "to_min", t->to_min);
        jw_uint(&s, "cdir", t->cdir);
        if (scaled)
            jw_fixed(&s, "cspeed", t->cspeed / 10.0, 1);
        else
            jw_uint(&s, "cspeed", t->cspeed);
        if (i)
            jw_raw(w, ",", 1);
        jw_raw(w, "{", 1);
        jw_raw(w, tmp + 1, s.len - 1); /* drop the leading ',' */
        jw_raw(w, "}", 1);
    }
    jw_raw(w, "]", 1);
}

void ais_app_json(const ais_binary *b, jw *w, int scaled)
{
    const ais_msg *m = (const ais_msg *)((const char *)b - offsetof(ais_msg, u.binary));
    switch (b->app_kind) {
    case AIS_APP_DAC1_FID12: {
        fields_json(dac1fid12, sizeof dac1fid12 / sizeof dac1fid12[0], m, w, scaled);
        hm_date(w, "departure", b->app.dac1fid12.lmonth, b->app.dac1fid12.lday,
                b->app.dac1fid12.lhour, b->app.dac1fid12.lminute);
        hm_date(w, "eta", b->app.dac1fid12.nmonth, b->app.dac1fid12.nday, b->app.dac1fid12.nhour,
                b->app.dac1fid12.nminute);
        break;
    }
    case AIS_APP_DAC1_FID14:
    case AIS_APP_DAC1_FID32:
        tidal_json(b, w, scaled);
        break;
    case AIS_APP_DAC1_FID18: {
        fields_json(dac1fid18, sizeof dac1fid18 / sizeof dac1fid18[0], m, w, scaled);
        hm_date(w, "arrival", b->app.dac1fid18.month, b->app.dac1fid18.day, b->app.dac1fid18.hour,
                b->app.dac1fid18.minute);
        break;
    }
    case AIS_APP_DAC1_FID29:
    case AIS_APP_DAC1_FID30:
        jw_uint(w, "linkage", b->app.text.linkage);
        jw_str(w, "text", b->app.text.text);
        break;
    case AIS_APP_DAC1_FID11:
        meteo_json(b, w, scaled, 11);
        break;
    case AIS_APP_DAC1_FID31:
        meteo_json(b, w, scaled, 31);
        break;
    case AIS_APP_DAC235_FID10: {
        fields_json(dac235fid10, sizeof dac235fid10 / sizeof dac235fid10[0], m, w, scaled);
        const uint32_t v[3] = {b->app.dac235fid10.ana_int, b->app.dac235fid10.ana_ext1,
                               b->app.dac235fid10.ana_ext2};
        static const char *const k[3] = {"ana_int", "ana_ext1", "ana_ext2"};
        for (int i = 0; i < 3; i++) {
            if (scaled && v[i] != 0)
                jw_fixed(w, k[i], v[i] * 0.05, 2);
            else
                jw_uint(w, k[i], v[i]);
        }
        break;
    }
    case AIS_APP_DAC200_FID10: {
        fields_json(dac200fid10, sizeof dac200fid10 / sizeof dac200fid10[0], m, w, scaled);
        uint32_t st = b->app.dac200fid10.shiptype;
        const char *text = "Illegal ship type value.";
        for (size_t i = 0; i < sizeof eri_types / sizeof eri_types[0]; i++)
            if (eri_types[i].code == st)
                text = eri_types[i].text;
        jw_uint(w, "shiptype", st);
        jw_str(w, "shiptype_text", text);
        break;
    }
    case AIS_APP_DAC200_FID55:
        fields_json(dac200fid55, sizeof dac200fid55 / sizeof dac200fid55[0], m, w, scaled);
        break;
    case AIS_APP_NONE:
        break;
    }
}

/* ---- encoding: the inverse of ais_app_decode, from the app struct --------------------------- */

static size_t tidal_encode(const ais_binary *b, int fid, uint8_t *bits, size_t at)
{
    const uint8_t(*o)[2] = fid == 14 ? tidal_off14 : tidal_off32;
    size_t el = fid == 14 ? 93 : 88;
    sixbit_put_u(bits, at, 4, b->app.tidal.month);
    sixbit_put_u(bits, at + 4, 5, b->app.tidal.day);
    size_t a = at + 9;
    uint32_t n = b->app.tidal.ntidals < 12 ? b->app.tidal.ntidals : 12;
    for (uint32_t i = 0; i < n; i++, a += el) {
        const ais_tidal *t = &b->app.tidal.tidals[i];
        sixbit_put_s(bits, a + o[0][0], o[0][1], t->lon);
        sixbit_put_s(bits, a + o[1][0], o[1][1], t->lat);
        sixbit_put_u(bits, a + o[2][0], o[2][1], t->from_hour);
        sixbit_put_u(bits, a + o[3][0], o[3][1], t->from_min);
        sixbit_put_u(bits, a + o[4][0], o[4][1], t->to_hour);
        sixbit_put_u(bits, a + o[5][0], o[5][1], t->to_min);
        sixbit_put_u(bits, a + o[6][0], o[6][1], t->cdir);
        sixbit_put_u(bits, a + o[7][0], o[7][1], t->cspeed);
    }
    return a;
}

static size_t text_encode(const ais_binary *b, uint8_t *bits, size_t at, size_t max_end)
{
    sixbit_put_u(bits, at, 10, b->app.text.linkage);
    size_t n = strnlen(b->app.text.text, sizeof b->app.text.text);
    if (at + 10 + 6 * n > max_end)
        n = (max_end - at - 10) / 6;
    if (n)
        sixbit_put_text(bits, at + 10, (unsigned)n, b->app.text.text);
    return at + 10 + 6 * n;
}

/* Writes the application payload of b (app_kind != AIS_APP_NONE) from bit `start` and sets *end
 * to the message length: the fixed lengths the decoder accepts for table payloads, whole
 * windows for tidal data, whole characters for text.  Returns 0, or -1 when app_kind does not
 * belong to this message type or DAC/FI. */
int ais_app_encode(const ais_binary *b, int type, uint8_t *bits, size_t start, size_t *end)
{
    const ais_msg *m = (const ais_msg *)((const char *)b - offsetof(ais_msg, u.binary));
    switch (b->app_kind) {
    case AIS_APP_DAC1_FID12:
        if (type != 6 || b->dac != 1 || b->fid != 12)
            return -1;
        fields_encode(dac1fid12, sizeof dac1fid12 / sizeof dac1fid12[0], m, bits, start);
        *end = start + 272;
        return 0;
    case AIS_APP_DAC1_FID18:
        if (type != 6 || b->dac != 1 || b->fid != 18)
            return -1;
        fields_encode(dac1fid18, sizeof dac1fid18 / sizeof dac1fid18[0], m, bits, start);
        *end = start + 272;
        return 0;
    case AIS_APP_DAC1_FID14:
    case AIS_APP_DAC1_FID32: {
        int fid = b->app_kind == AIS_APP_DAC1_FID14 ? 14 : 32;
        if (type != 6 || b->dac != 1 || (int)b->fid != fid)
            return -1;
        *end = tidal_encode(b, fid, bits, start);
        return *end <= 1008 ? 0 : -1;
    }
    case AIS_APP_DAC1_FID30:
        if (type != 6 || b->dac != 1 || b->fid != 30)
            return -1;
        *end = text_encode(b, bits, start, 1008);
        return 0;
    case AIS_APP_DAC1_FID29:
        if (type != 8 || b->dac != 1 || b->fid != 29)
            return -1;
        *end = text_encode(b, bits, start, 1008);
        return 0;
    case AIS_APP_DAC235_FID10:
        if (type != 6 || (b->dac != 235 && b->dac != 250) || b->fid != 10)
            return -1;
        fields_encode(dac235fid10, sizeof dac235fid10 / sizeof dac235fid10[0], m, bits, start);
        *end = start + 48;
        return 0;
    case AIS_APP_DAC1_FID11:
        if (type != 8 || b->dac != 1 || b->fid != 11)
            return -1;
        fields_encode(dac1fid11, sizeof dac1fid11 / sizeof dac1fid11[0], m, bits, start);
        *end = start + 296;
        return 0;
    case AIS_APP_DAC1_FID31:
        if (type != 8 || b->dac != 1 || b->fid != 31)
            return -1;
        fields_encode(dac1fid31, sizeof dac1fid31 / sizeof dac1fid31[0], m, bits, start);
        *end = start + 304;
        return 0;
    case AIS_APP_DAC200_FID10:
        if (type != 8 || b->dac != 200 || b->fid != 10)
            return -1;
        fields_encode(dac200fid10, sizeof dac200fid10 / sizeof dac200fid10[0], m, bits, start);
        *end = start + 112;
        return 0;
    case AIS_APP_DAC200_FID55:
        if (type != 6 || b->dac != 200 || b->fid != 55)
            return -1;
        fields_encode(dac200fid55, sizeof dac200fid55 / sizeof dac200fid55[0], m, bits, start);
        *end = start + 80;
        return 0;
    case AIS_APP_NONE:
    default:
        return -1;
    }
}
