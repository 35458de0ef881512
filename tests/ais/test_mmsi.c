/* Unit tests of centinela/mmsi.h: formats of ITU-R M.585-9, the MID table, consistency with the
 * message type and the reasons a caller (the invalid_mmsi rule) reports. */
#include <stdio.h>
#include <string.h>

#include "centinela/mmsi.h"

static int failures;
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);               \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static void expect(uint32_t mmsi, mmsi_kind kind, int mid, const char *iso, mmsi_reason reason)
{
    mmsi_info i;
    mmsi_reason r = mmsi_classify(mmsi, &i);
    int ok = r == reason && i.reason == reason && i.kind == kind && i.mid == mid &&
             (iso ? i.country && strcmp(i.country->iso2, iso) == 0 : i.country == NULL);
    if (!ok) {
        fprintf(stderr, "%09u: got kind %s mid %d iso %s reason %s; expected %s %d %s %s\n", mmsi,
                mmsi_kind_name(i.kind), i.mid, i.country ? i.country->iso2 : "-",
                mmsi_reason_name(r), mmsi_kind_name(kind), mid, iso ? iso : "-",
                mmsi_reason_name(reason));
        failures++;
    }
}

static void test_formats(void)
{
    expect(351234000, MMSI_KIND_SHIP, 351, "PA", MMSI_VALID);
    expect(373999999, MMSI_KIND_SHIP, 373, "PA", MMSI_VALID);
    expect(366123456, MMSI_KIND_SHIP, 366, "US", MMSI_VALID);
    expect(730000001, MMSI_KIND_SHIP, 730, "CO", MMSI_VALID);
    expect(3669713, MMSI_KIND_COAST, 366, "US", MMSI_VALID);        /* 003669713 */
    expect(3510001, MMSI_KIND_COAST, 351, "PA", MMSI_VALID);        /* 003510001 */
    expect(35100010, MMSI_KIND_GROUP, 351, "PA", MMSI_VALID);       /* 035100010 */
    expect(111351501, MMSI_KIND_SAR_AIRCRAFT, 351, "PA", MMSI_VALID);
    expect(993516001, MMSI_KIND_ATON, 351, "PA", MMSI_VALID);
    expect(983661234, MMSI_KIND_CRAFT, 366, "US", MMSI_VALID);
    expect(835112345, MMSI_KIND_HANDHELD, 351, "PA", MMSI_VALID);
    expect(970123456, MMSI_KIND_SART, 0, NULL, MMSI_VALID);
    expect(972011234, MMSI_KIND_MOB, 0, NULL, MMSI_VALID);
    expect(974990000, MMSI_KIND_EPIRB, 0, NULL, MMSI_VALID);
    expect(970001234, MMSI_KIND_SART, 0, NULL, MMSI_BAD_MANUFACTURER);

    /* the number alone is invalid */
    expect(0, MMSI_KIND_INVALID, 0, NULL, MMSI_ZERO);
    expect(1000000000u, MMSI_KIND_INVALID, 0, NULL, MMSI_NOT_9_DIGITS);
    expect(1073741823u, MMSI_KIND_INVALID, 0, NULL, MMSI_NOT_9_DIGITS);
    expect(123456789, MMSI_KIND_INVALID, 0, NULL, MMSI_BAD_FORMAT);  /* 1xx, not 111 */
    expect(112345678, MMSI_KIND_INVALID, 0, NULL, MMSI_BAD_FORMAT);
    expect(971123456, MMSI_KIND_INVALID, 0, NULL, MMSI_BAD_FORMAT);  /* 971 unassigned */
    expect(950000000, MMSI_KIND_INVALID, 0, NULL, MMSI_BAD_FORMAT);
    expect(123, MMSI_KIND_INVALID, 0, NULL, MMSI_BAD_FORMAT);        /* 000000123 */
    expect(1234567, MMSI_KIND_INVALID, 0, NULL, MMSI_BAD_FORMAT);    /* 001234567: MID 123 */
    expect(12345678, MMSI_KIND_INVALID, 0, NULL, MMSI_BAD_FORMAT);   /* 012345678 */
    expect(811111111, MMSI_KIND_INVALID, 0, NULL, MMSI_BAD_FORMAT);  /* 8 then MID 111 */
    expect(111111111, MMSI_KIND_INVALID, 0, NULL, MMSI_BAD_FORMAT);  /* 111 then MID 111 */
    expect(200123456, MMSI_KIND_SHIP, 200, NULL, MMSI_MID_OUT_OF_RANGE);
    expect(776000001, MMSI_KIND_SHIP, 776, NULL, MMSI_MID_OUT_OF_RANGE);
    expect(799999999, MMSI_KIND_SHIP, 799, NULL, MMSI_MID_OUT_OF_RANGE);
    expect(999999999, MMSI_KIND_INVALID, 0, NULL, MMSI_BAD_FORMAT);  /* 99 then MID 999 */
    expect(217123456, MMSI_KIND_SHIP, 217, NULL, MMSI_MID_UNALLOCATED);
    expect(280000000, MMSI_KIND_SHIP, 280, NULL, MMSI_MID_UNALLOCATED);
    expect(2170001, MMSI_KIND_COAST, 217, NULL, MMSI_MID_UNALLOCATED);
    expect(992171234, MMSI_KIND_ATON, 217, NULL, MMSI_MID_UNALLOCATED);

    CHECK(mmsi_check(351234000) == MMSI_VALID);
    CHECK(mmsi_check(217123456) == MMSI_MID_UNALLOCATED);

    mmsi_info i;
    mmsi_classify(970123456, &i);
    CHECK(i.manufacturer == 12 && i.serial == 3456);
    mmsi_classify(351234000, &i);
    CHECK(i.manufacturer == -1 && i.serial == -1);
}

static void test_table(void)
{
    /* 292 allocations in the ITU table, ascending, all inside 201-775, codes upper case */
    CHECK(mmsi_mid_count() == 292);
    int prev = 0;
    for (size_t k = 0; k < mmsi_mid_count(); k++) {
        const mmsi_mid *m = mmsi_mid_at(k);
        CHECK(m && m->mid > prev && m->mid >= 201 && m->mid <= 775);
        CHECK(strlen(m->iso2) == 2 && m->iso2[0] >= 'A' && m->iso2[0] <= 'Z' &&
              m->iso2[1] >= 'A' && m->iso2[1] <= 'Z');
        CHECK(m->country && m->country[0]);
        CHECK(mmsi_mid_lookup(m->mid) == m);
        prev = m->mid;
    }
    CHECK(mmsi_mid_at(mmsi_mid_count()) == NULL);
    CHECK(mmsi_mid_lookup(200) == NULL && mmsi_mid_lookup(776) == NULL);
    CHECK(mmsi_mid_lookup(-1) == NULL && mmsi_mid_lookup(100000) == NULL);
    /* the region this project watches, and a few that are easy to get wrong */
    static const struct {
        int mid;
        const char *iso, *name;
    } rows[] = {
        {351, "PA", "Panama"}, {357, "PA", "Panama"}, {370, "PA", "Panama"},
        {374, "PA", "Panama"}, {730, "CO", "Colombia"}, {775, "VE", "Venezuela"},
        {321, "CR", "Costa Rica"}, {345, "MX", "Mexico"}, {323, "CU", "Cuba"},
        {358, "PR", "Puerto Rico"}, {303, "US", "Alaska"}, {338, "US", "United States"},
        {201, "AL", "Albania"}, {204, "PT", "Azores"}, {255, "PT", "Madeira"},
        {236, "GI", "Gibraltar"}, {231, "FO", "Faroe Islands"}, {416, "TW", "Taiwan"},
        {477, "HK", "Hong Kong"}, {538, "MH", "Marshall Islands"}, {636, "LR", "Liberia"},
        {669, "SZ", "Eswatini"}, {262, "ME", "Montenegro"}, {279, "RS", "Serbia"},
    };
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        const mmsi_mid *m = mmsi_mid_lookup(rows[k].mid);
        if (!m || strcmp(m->iso2, rows[k].iso) != 0 || strcmp(m->country, rows[k].name) != 0) {
            fprintf(stderr, "MID %d: got %s %s, expected %s %s\n", rows[k].mid,
                    m ? m->iso2 : "-", m ? m->country : "-", rows[k].iso, rows[k].name);
            failures++;
        }
    }
    /* unallocated holes inside the range */
    static const int holes[] = {217, 221, 222, 223, 260, 280, 300, 302, 313, 360, 380, 400, 500,
                                600, 700, 774};
    for (size_t k = 0; k < sizeof holes / sizeof holes[0]; k++)
        CHECK(mmsi_mid_lookup(holes[k]) == NULL);
}

static void test_message_types(void)
{
    /* the examples of the issue: type 4 from a coast station, 21 from an AtoN, 9 from SAR */
    CHECK(mmsi_check_for_type(3669713, 4) == MMSI_VALID);
    CHECK(mmsi_check_for_type(366123456, 4) == MMSI_KIND_MISMATCH);
    CHECK(mmsi_check_for_type(993516001, 21) == MMSI_VALID);
    CHECK(mmsi_check_for_type(351234000, 21) == MMSI_KIND_MISMATCH);
    CHECK(mmsi_check_for_type(3510001, 21) == MMSI_KIND_MISMATCH);
    CHECK(mmsi_check_for_type(111351501, 9) == MMSI_VALID);
    CHECK(mmsi_check_for_type(351234000, 9) == MMSI_KIND_MISMATCH);
    /* positions: ships, auxiliary craft and survival craft devices */
    for (unsigned t = 1; t <= 3; t++) {
        CHECK(mmsi_check_for_type(351234000, t) == MMSI_VALID);
        CHECK(mmsi_check_for_type(983661234, t) == MMSI_VALID);
        CHECK(mmsi_check_for_type(970123456, t) == MMSI_VALID);
        CHECK(mmsi_check_for_type(972011234, t) == MMSI_VALID);
        CHECK(mmsi_check_for_type(974990000, t) == MMSI_VALID);
        CHECK(mmsi_check_for_type(3669713, t) == MMSI_KIND_MISMATCH);
        CHECK(mmsi_check_for_type(993516001, t) == MMSI_KIND_MISMATCH);
        CHECK(mmsi_check_for_type(35100010, t) == MMSI_KIND_MISMATCH);
    }
    /* class B and static data */
    static const unsigned mobile_only[] = {5, 18, 19, 24, 27};
    for (size_t k = 0; k < sizeof mobile_only / sizeof mobile_only[0]; k++) {
        unsigned t = mobile_only[k];
        CHECK(mmsi_check_for_type(351234000, t) == MMSI_VALID);
        CHECK(mmsi_check_for_type(983661234, t) == MMSI_VALID);
        CHECK(mmsi_check_for_type(970123456, t) == MMSI_KIND_MISMATCH);
        CHECK(mmsi_check_for_type(3669713, t) == MMSI_KIND_MISMATCH);
    }
    /* base station messages */
    static const unsigned base_only[] = {4, 16, 17, 20, 22, 23};
    for (size_t k = 0; k < sizeof base_only / sizeof base_only[0]; k++) {
        CHECK(mmsi_check_for_type(3669713, base_only[k]) == MMSI_VALID);
        CHECK(mmsi_check_for_type(351234000, base_only[k]) == MMSI_KIND_MISMATCH);
    }
    /* anyone may send binary and safety messages, except a group identity */
    static const unsigned any[] = {6, 7, 8, 12, 13, 14, 15, 25, 26};
    for (size_t k = 0; k < sizeof any / sizeof any[0]; k++) {
        CHECK(mmsi_check_for_type(3669713, any[k]) == MMSI_VALID);
        CHECK(mmsi_check_for_type(993516001, any[k]) == MMSI_VALID);
        CHECK(mmsi_check_for_type(351234000, any[k]) == MMSI_VALID);
        CHECK(mmsi_check_for_type(970123456, any[k]) == MMSI_VALID);
        CHECK(mmsi_check_for_type(35100010, any[k]) == MMSI_KIND_MISMATCH);
    }
    CHECK(mmsi_check_for_type(111351501, 11) == MMSI_VALID);
    CHECK(mmsi_check_for_type(3669713, 10) == MMSI_KIND_MISMATCH);
    /* a bad number is reported as such, not as a mismatch */
    CHECK(mmsi_check_for_type(217123456, 4) == MMSI_MID_UNALLOCATED);
    CHECK(mmsi_check_for_type(0, 1) == MMSI_ZERO);
    /* no message, or not an AIS message type: the number alone */
    CHECK(mmsi_check_for_type(3669713, 0) == MMSI_VALID);
    CHECK(mmsi_check_for_type(35100010, 0) == MMSI_KIND_MISMATCH);
    CHECK(mmsi_check_for_type(3669713, 40) == MMSI_VALID);
    CHECK(mmsi_kind_sends(MMSI_KIND_INVALID, 1) == 0);
    CHECK(mmsi_kind_sends((mmsi_kind)99, 1) == 0);
    CHECK(strcmp(mmsi_expected_for_type(4), "00MIDxxxx") == 0);
    CHECK(strcmp(mmsi_expected_for_type(21), "99MIDaxxx") == 0);
    CHECK(strcmp(mmsi_expected_for_type(9), "111MIDaxx") == 0);
}

static void test_names_and_explain(void)
{
    for (int r = 0; r < MMSI_REASON_COUNT; r++) {
        CHECK(strcmp(mmsi_reason_name((mmsi_reason)r), "unknown") != 0);
        CHECK(mmsi_reason_text((mmsi_reason)r)[0] != '\0');
    }
    for (int k = 0; k < MMSI_KIND_COUNT; k++)
        CHECK(mmsi_kind_name((mmsi_kind)k)[0] && mmsi_kind_format((mmsi_kind)k)[0]);
    CHECK(strcmp(mmsi_reason_name(MMSI_KIND_MISMATCH), "kind_mismatch") == 0);
    CHECK(strcmp(mmsi_reason_name((mmsi_reason)42), "unknown") == 0);
    CHECK(strcmp(mmsi_kind_name(MMSI_KIND_SAR_AIRCRAFT), "sar_aircraft") == 0);
    CHECK(strcmp(mmsi_kind_format(MMSI_KIND_COAST), "00MIDxxxx") == 0);

    char buf[160];
    CHECK(mmsi_explain(366123456, 4, buf, sizeof buf) == MMSI_KIND_MISMATCH);
    CHECK(strcmp(buf, "type 4 from 366123456: ship station MIDxxxxxx (United States), "
                      "expected 00MIDxxxx") == 0);
    CHECK(mmsi_explain(217123456, 1, buf, sizeof buf) == MMSI_MID_UNALLOCATED);
    CHECK(strcmp(buf, "type 1 from 217123456: ship station MIDxxxxxx with MID 217: MID not "
                      "allocated by the ITU") == 0);
    CHECK(mmsi_explain(3669713, 4, buf, sizeof buf) == MMSI_VALID);
    CHECK(strcmp(buf, "type 4 from 003669713: coast station 00MIDxxxx (United States, US)") == 0);
    CHECK(mmsi_explain(970123456, 1, buf, sizeof buf) == MMSI_VALID);
    CHECK(strstr(buf, "AIS-SART") && strstr(buf, "manufacturer 12"));
    CHECK(mmsi_explain(123456789, 0, buf, sizeof buf) == MMSI_BAD_FORMAT);
    CHECK(strcmp(buf, "123456789: leading digits match no ITU-R M.585 format") == 0);
    /* truncation and a zero-sized buffer */
    char tiny[8];
    CHECK(mmsi_explain(366123456, 4, tiny, sizeof tiny) == MMSI_KIND_MISMATCH);
    CHECK(strlen(tiny) == 7);
    CHECK(mmsi_explain(366123456, 4, NULL, 0) == MMSI_KIND_MISMATCH);
}

/* Every number of every format: no crash, and classify agrees with check_for_type(…, 0) on the
 * number itself (sampled with a stride that visits every leading-digit pattern). */
static void test_sweep(void)
{
    unsigned counts[MMSI_KIND_COUNT] = {0};
    for (uint64_t m = 0; m <= 1073741823u; m += 9973) {
        mmsi_info i;
        mmsi_reason r = mmsi_classify((uint32_t)m, &i);
        counts[i.kind]++;
        if (r == MMSI_VALID) {
            CHECK(i.kind != MMSI_KIND_INVALID);
            CHECK(i.country || i.manufacturer > 0);
        }
        if (i.kind == MMSI_KIND_INVALID)
            CHECK(r != MMSI_VALID);
    }
    for (int k = 0; k < MMSI_KIND_COUNT; k++)
        CHECK(counts[k] > 0);
}

int main(void)
{
    test_formats();
    test_table();
    test_message_types();
    test_names_and_explain();
    test_sweep();
    printf("test_mmsi: %d failures\n", failures);
    return failures ? 1 : 0;
}
