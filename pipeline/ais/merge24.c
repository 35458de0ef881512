/* See ais.h (ais_merge24).  gpsd (driver_ais.c) keeps the last few part A names in a small
 * queue keyed by MMSI and prints a part B with the name of the part A it holds for that MMSI;
 * the queue here has the same purpose and a size that covers the interleaving of a busy
 * receiver (parts A and B of one station are sent one slot apart, M.1371-5 Annex 8 3.3.8.2). */
#include "centinela/ais.h"
#include "centinela/log.h"

#include <stdlib.h>
#include <string.h>

#define HELD_MAX 64

struct ais_merge24 {
    struct {
        uint32_t mmsi;
        char shipname[21];
    } held[HELD_MAX];
    unsigned next;
};

ais_merge24 *ais_merge24_create(void)
{
    return x_calloc(1, sizeof(ais_merge24));
}

void ais_merge24_destroy(ais_merge24 **pg)
{
    if (!pg || !*pg)
        return;
    free(*pg);
    *pg = NULL;
}

int ais_merge24_push(ais_merge24 *g, ais_msg *m)
{
    if (m->type != 24)
        return 1;
    ais_static_data *s = &m->u.static_data;
    if (s->partno == 0) {
        /* a newer part A of the same MMSI replaces the held one */
        unsigned k = HELD_MAX;
        for (unsigned i = 0; i < HELD_MAX; i++)
            if (g->held[i].mmsi == m->mmsi)
                k = i;
        if (k == HELD_MAX)
            k = g->next++ % HELD_MAX;
        g->held[k].mmsi = m->mmsi;
        memcpy(g->held[k].shipname, s->shipname, sizeof g->held[k].shipname);
        return 0;
    }
    for (unsigned i = 0; i < HELD_MAX; i++) {
        if (g->held[i].mmsi == m->mmsi && m->mmsi != 0) {
            memcpy(s->shipname, g->held[i].shipname, sizeof s->shipname);
            g->held[i].mmsi = 0;
            break;
        }
    }
    return 1;
}
