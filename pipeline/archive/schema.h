/* Table schemas: one field list per table, from which the HDF5 memory type (native struct), the
 * packed file type and the per-field attributes (units, description) are all built, so the C
 * structs, the file and LAYOUT.md cannot drift apart silently (tests/archive checks the names). */
#ifndef ARCHIVE_SCHEMA_H
#define ARCHIVE_SCHEMA_H

#include "centinela/archive.h"

#include <hdf5.h>
#include <stddef.h>

enum field_kind { FK_I64, FK_U64, FK_I32, FK_U32, FK_U16, FK_I8, FK_U8, FK_F32, FK_F64, FK_STR,
                  FK_CHAR, FK_U32_ARRAY };

typedef struct field_desc {
    const char *name;
    size_t offset;       /* in the native struct */
    enum field_kind kind;
    unsigned len;        /* FK_STR: characters on disk (the struct holds len + 1);
                            FK_U32_ARRAY: elements */
    const char *units;   /* "" for none */
    const char *description;
} field_desc;

typedef struct table_desc {
    const char *name;
    size_t row_size;
    const field_desc *fields;
    size_t n_fields;
    hsize_t chunk_rows;
    const char *description;
} table_desc;

const table_desc *schema_table(enum archive_table t);

/* HDF5 types; the caller closes them.  H5I_INVALID_HID on failure (logged). */
hid_t schema_mem_type(const table_desc *t);
hid_t schema_file_type(const table_desc *t);

/* Blob element type is uint8; chunk size in bytes. */
#define SCHEMA_BLOB_CHUNK 65536
/* Table owning each blob (attributes and documentation). */
enum archive_table schema_blob_owner(enum archive_blob b);
const char *schema_blob_description(enum archive_blob b);

/* Format version written in the root attribute "centinela_archive_version". */
#define SCHEMA_VERSION 1

#endif
