/* Shared between the iqfile reader and writer; not installed. */
#ifndef CENTINELA_IQFILE_INTERNAL_H
#define CENTINELA_IQFILE_INTERNAL_H

#include <jansson.h>

/* 0 when rate_hz lies within [IQFILE_MIN_RATE_HZ, IQFILE_MAX_RATE_HZ], else -1 (logged). */
int iqfile_rate_ok(double rate_hz, const char *name);
/* The SigMF base name of path (extension removed); caller frees. */
char *iqfile_sigmf_base(const char *path);

#endif
