/* MMSI structure and the ITU Maritime Identification Digits table.
 *
 * MMSI formats from ITU-R M.585-9 Annex 1: ship station MIDXXXXXX, group 0MIDXXXXX, coast
 * station 00MIDXXXX, SAR aircraft 111MIDXXX, handheld VHF with DSC/GNSS 8MIDXXXXX, craft
 * associated with a parent ship 98MIDXXXX, aid to navigation 99MIDXXXX, and the free-form
 * devices 970 (AIS-SART), 972 (MOB), 974 (EPIRB-AIS).
 *
 * MID allocations: ITU "Table of Maritime Identification Digits" (MARS), ISO 3166-1 alpha-2 of
 * the administration (territories with their own code keep it: FO, GL, GI, AW, CW, BM, ...).
 * The page turns the code into a country name with the browser's own data (Intl.DisplayNames),
 * so no table of names ships with the node, and shows the code itself as the flag: a text badge,
 * since regional-indicator emoji need a font many consoles lack. */
#include "picture.h"

#include <stddef.h>

/* Indexed by MID - 200; empty string = unallocated. */
static const char *const mid_iso[] = {
    /* 200 */ "",   "AL", "AD", "AT", "PT", "BE", "BY", "BG", "VA", "CY",
    /* 210 */ "CY", "DE", "CY", "GE", "MD", "MT", "AM", "",   "DE", "DK",
    /* 220 */ "DK", "",   "",   "",   "ES", "ES", "FR", "FR", "FR", "MT",
    /* 230 */ "FI", "FO", "GB", "GB", "GB", "GB", "GI", "GR", "HR", "GR",
    /* 240 */ "GR", "GR", "MA", "HU", "NL", "NL", "NL", "IT", "MT", "MT",
    /* 250 */ "IE", "IS", "LI", "LU", "MC", "PT", "MT", "NO", "NO", "NO",
    /* 260 */ "",   "PL", "ME", "PT", "RO", "SE", "SE", "SK", "SM", "CH",
    /* 270 */ "CZ", "TR", "UA", "RU", "MK", "LV", "EE", "LT", "SI", "RS",
    /* 280 */ "",   "",   "",   "",   "",   "",   "",   "",   "",   "",
    /* 290 */ "",   "",   "",   "",   "",   "",   "",   "",   "",   "",
    /* 300 */ "",   "AI", "",   "US", "AG", "AG", "CW", "AW", "BS", "BS",
    /* 310 */ "BM", "BS", "BZ", "",   "BB", "",   "CA", "",   "",   "KY",
    /* 320 */ "",   "CR", "",   "CU", "",   "DM", "",   "DO", "",   "GP",
    /* 330 */ "GD", "GL", "GT", "",   "HN", "",   "HT", "",   "US", "JM",
    /* 340 */ "",   "KN", "",   "LC", "",   "MX", "",   "MQ", "MS", "",
    /* 350 */ "NI", "PA", "PA", "PA", "PA", "PA", "PA", "PA", "PR", "SV",
    /* 360 */ "",   "PM", "TT", "",   "TC", "",   "US", "US", "US", "US",
    /* 370 */ "PA", "PA", "PA", "PA", "PA", "VC", "VC", "VC", "VG", "VI",
    /* 380 */ "",   "",   "",   "",   "",   "",   "",   "",   "",   "",
    /* 390 */ "",   "",   "",   "",   "",   "",   "",   "",   "",   "",
    /* 400 */ "",   "AF", "",   "SA", "",   "BD", "",   "",   "BH", "",
    /* 410 */ "BT", "",   "CN", "CN", "CN", "",   "TW", "LK", "",   "IN",
    /* 420 */ "",   "",   "IR", "AZ", "",   "IQ", "",   "",   "IL", "",
    /* 430 */ "",   "JP", "JP", "",   "TM", "",   "KZ", "UZ", "JO", "",
    /* 440 */ "KR", "KR", "",   "PS", "",   "KP", "",   "KW", "",   "",
    /* 450 */ "LB", "KG", "",   "MO", "",   "MV", "",   "MN", "",   "NP",
    /* 460 */ "",   "OM", "",   "PK", "",   "",   "QA", "",   "SY", "",
    /* 470 */ "AE", "AE", "TJ", "YE", "",   "YE", "",   "HK", "BA", "",
    /* 480 */ "",   "",   "",   "",   "",   "",   "",   "",   "",   "",
    /* 490 */ "",   "",   "",   "",   "",   "",   "",   "",   "",   "",
    /* 500 */ "",   "TF", "",   "AU", "",   "",   "MM", "",   "BN", "",
    /* 510 */ "FM", "PW", "NZ", "",   "KH", "KH", "CX", "",   "CK", "",
    /* 520 */ "FJ", "",   "",   "CC", "",   "ID", "",   "",   "",   "KI",
    /* 530 */ "",   "LA", "",   "MY", "",   "",   "MP", "",   "MH", "",
    /* 540 */ "NC", "",   "NU", "",   "NR", "",   "PF", "",   "PH", "",
    /* 550 */ "TL", "",   "",   "PG", "",   "PN", "",   "SB", "",   "AS",
    /* 560 */ "",   "WS", "",   "SG", "SG", "SG", "SG", "TH", "",   "",
    /* 570 */ "TO", "",   "TV", "",   "VN", "",   "VU", "VU", "WF", "",
    /* 580 */ "",   "",   "",   "",   "",   "",   "",   "",   "",   "",
    /* 590 */ "",   "",   "",   "",   "",   "",   "",   "",   "",   "",
    /* 600 */ "",   "ZA", "",   "AO", "",   "DZ", "",   "TF", "SH", "BI",
    /* 610 */ "BJ", "BW", "CF", "CM", "",   "CG", "KM", "CV", "TF", "CI",
    /* 620 */ "KM", "DJ", "EG", "",   "ET", "ER", "GA", "GH", "",   "GM",
    /* 630 */ "GW", "GQ", "GN", "BF", "KE", "TF", "LR", "LR", "SS", "",
    /* 640 */ "",   "",   "LY", "",   "LS", "MU", "",   "MG", "",   "ML",
    /* 650 */ "MZ", "",   "",   "",   "MR", "MW", "NE", "NG", "",   "NA",
    /* 660 */ "RE", "RW", "SD", "SN", "SC", "SH", "SO", "SL", "ST", "SZ",
    /* 670 */ "TD", "TG", "TN", "",   "TZ", "UG", "CD", "TZ", "ZM", "ZW",
    /* 680 */ "",   "",   "",   "",   "",   "",   "",   "",   "",   "",
    /* 690 */ "",   "",   "",   "",   "",   "",   "",   "",   "",   "",
    /* 700 */ "",   "AR", "",   "",   "",   "",   "",   "",   "",   "",
    /* 710 */ "BR", "",   "",   "",   "",   "",   "",   "",   "",   "",
    /* 720 */ "BO", "",   "",   "",   "",   "CL", "",   "",   "",   "",
    /* 730 */ "CO", "",   "",   "",   "",   "EC", "",   "",   "",   "",
    /* 740 */ "FK", "",   "",   "",   "",   "GF", "",   "",   "",   "",
    /* 750 */ "GY", "",   "",   "",   "",   "PY", "",   "",   "",   "",
    /* 760 */ "PE", "",   "",   "",   "",   "SR", "",   "",   "",   "",
    /* 770 */ "UY", "",   "",   "",   "",   "VE",
};

const char *wv_mid_country(int mid)
{
    if (mid < 200 || mid >= 200 + (int)(sizeof mid_iso / sizeof mid_iso[0]))
        return NULL;
    const char *c = mid_iso[mid - 200];
    return *c ? c : NULL;
}

int wv_mmsi_mid(uint32_t mmsi, const char **kind)
{
    const char *k = "invalid";
    int mid = 0;
    if (mmsi >= 100000000u && mmsi <= 999999999u) {
        if (mmsi / 1000000u == 111u) {
            k = "sar_aircraft";
            mid = (int)(mmsi / 1000u % 1000u);
        } else if (mmsi / 10000000u == 97u) {
            k = "sart_mob_epirb";
        } else if (mmsi / 10000000u == 98u) {
            k = "craft";
            mid = (int)(mmsi / 10000u % 1000u);
        } else if (mmsi / 10000000u == 99u) {
            k = "aton";
            mid = (int)(mmsi / 10000u % 1000u);
        } else if (mmsi / 100000000u == 8u) {
            k = "handheld";
            mid = (int)(mmsi / 100000u % 1000u);
        } else if (mmsi / 100000000u >= 2u && mmsi / 100000000u <= 7u) {
            k = "ship";
            mid = (int)(mmsi / 1000000u);
        }
    } else if (mmsi >= 1000000u && mmsi <= 9999999u) {
        k = "coast"; /* 00MIDXXXX: seven significant digits */
        mid = (int)(mmsi / 10000u);
    } else if (mmsi >= 10000000u && mmsi <= 99999999u) {
        k = "group"; /* 0MIDXXXXX: eight significant digits */
        mid = (int)(mmsi / 100000u);
    }
    if (mid && !wv_mid_country(mid))
        mid = 0;
    if (kind)
        *kind = k;
    return mid;
}

static const char *const zone_names[] = {
    "eez",       "territorial_sea", "contiguous_zone", "canal_approach",
    "anchorage", "tss_lane",        "tss_separation",  "port",
    "land"};

const char *wv_zone_kind_name(int kind)
{
    if (kind < 0 || kind >= (int)(sizeof zone_names / sizeof zone_names[0]))
        return NULL;
    return zone_names[kind];
}
