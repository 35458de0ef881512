/* Private to the ais library: the field-table engine shared by the message files, and the JSON
 * writer they emit with.  Each message family file describes its message with a table that
 * mirrors the bit table of ITU-R M.1371 (start bit, width, kind); decoding, encoding and JSON all
 * walk that one table, so the three cannot drift apart.  Composite fields (dates, variable arrays,
 * binary data) are handled by the family's hooks. */
#ifndef CENTINELA_AIS_INTERNAL_H
#define CENTINELA_AIS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "centinela/ais.h"

/* ---- JSON writer ------------------------------------------------------------------------- */
typedef struct jw {
    char *buf;
    size_t cap, len;
    int overflow;
} jw;

void jw_raw(jw *w, const char *s, size_t n);
void jw_key(jw *w, const char *name); /* ,"name": */
void jw_uint(jw *w, const char *name, uint64_t v);
void jw_int(jw *w, const char *name, int64_t v);
void jw_bool(jw *w, const char *name, int v);
void jw_str(jw *w, const char *name, const char *s);
/* v printed with `decimals` digits after the point (0-9), rounded half away from zero */
void jw_fixed(jw *w, const char *name, double v, int decimals);
/* "data":"<bitcount>:<hex>" as gpsd prints binary payloads */
void jw_data(jw *w, const char *name, const uint8_t *data, uint32_t bitcount);

/* ---- field tables ------------------------------------------------------------------------ */
enum field_kind {
    F_U = 0, /* unsigned integer -> uint32_t */
    F_S,     /* two's complement -> int32_t */
    F_B,     /* one bit -> bool */
    F_T,     /* six-bit text, width = characters -> char[] (width + 1 bytes at least) */
};

enum field_scale {
    S_NONE = 0,
    S_HIDE,      /* decoded and encoded, not printed (spares, or printed by a hook) */
    S_DIV10_1,   /* x / 10, one decimal (speed, course, draught) */
    S_LL4,       /* 1/10000 min -> degrees, 7 decimals */
    S_LL3,       /* 1/1000 min -> degrees, 6 decimals */
    S_LL1_1,     /* 1/10 min -> degrees, 1 decimal (type 17) */
    S_LL1_4,     /* 1/10 min -> degrees, 4 decimals (type 27) */
    S_LL1_6,     /* 1/10 min -> degrees, 6 decimals (types 22, 23) */
};

typedef struct ais_field {
    uint16_t start, width;
    uint8_t kind, scale;
    uint16_t offset;            /* offsetof(ais_msg, ...) */
    const char *name;           /* gpsd name */
    const char *const *legend;  /* when non-NULL, also print "<name>_text" */
    uint16_t nlegend;
} ais_field;

#define FLD(start, width, kind, member, name)                                                      \
    {start, width, kind, S_NONE, (uint16_t)offsetof(ais_msg, member), name, NULL, 0}
#define FLDS(start, width, kind, member, name, scale)                                              \
    {start, width, kind, scale, (uint16_t)offsetof(ais_msg, member), name, NULL, 0}
#define FLDL(start, width, kind, member, name, legend)                                             \
    {start, width, kind, S_NONE, (uint16_t)offsetof(ais_msg, member), name, legend,                 \
     (uint16_t)(sizeof(legend) / sizeof(legend[0]))}

/* bit0: added to every start (application payloads are described relative to their start) */
void fields_decode(const ais_field *f, size_t n, const uint8_t *bits, size_t nbits, size_t bit0,
                   void *base);
void fields_encode(const ais_field *f, size_t n, const void *base, uint8_t *bits, size_t bit0);
void fields_json(const ais_field *f, size_t n, const void *base, jw *w, int scaled);

/* ---- one codec per message type --------------------------------------------------------- */
typedef struct ais_codec {
    const char *name;
    uint16_t min_bits, max_bits; /* accepted lengths (lenient where documented) */
    uint16_t enc_bits;           /* length produced by the encoder (0: hook decides) */
    const ais_field *fields;
    size_t nfields;
    /* optional: runs after the table; may refine the result */
    ais_status (*decode)(const uint8_t *bits, size_t nbits, ais_msg *m);
    /* optional: prints what the table cannot */
    void (*json)(const ais_msg *m, jw *w, int scaled);
    /* optional: writes what the table cannot; sets *nbits when enc_bits is 0 */
    int (*encode)(const ais_msg *m, uint8_t *bits, size_t *nbits);
} ais_codec;

#define AIS_MESSAGE(type, codec) extern const ais_codec codec;
#include "ais_messages.def"
#undef AIS_MESSAGE

/* Legends shared between families (gpsd wording). */
extern const char *const ais_epfd_legend[16];
extern const char *const ais_shiptype_legend[100];
extern const char *const ais_nav_status_legend[16];
/* Ship type text, "INVALID SHIP TYPE" beyond 99 */

/* Binary payloads (types 6 and 8): fills app_kind/app when the DAC/FI is known and fits. */
void ais_app_decode(const uint8_t *bits, size_t nbits, size_t start, int type, ais_binary *b);
void ais_app_json(const ais_binary *b, jw *w, int scaled);
int ais_app_encode(const ais_binary *b, int type, uint8_t *bits, size_t start, size_t *end);

/* Copy `nbits` bits starting at `start` into data[] (left aligned) */
void ais_take_data(const uint8_t *bits, size_t nbits, size_t start, size_t count, uint8_t *data,
                   uint32_t *bitcount);

#endif
