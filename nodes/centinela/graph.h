/* The graph a launcher runs: which nodes, their binaries, and who subscribes to whom.
 * Read from the [centinela] section of a config file and the node sections it names. */
#ifndef CENTINELA_GRAPH_H
#define CENTINELA_GRAPH_H

#include <stdbool.h>
#include <stdint.h>

#define GRAPH_MAX_NODES 32

typedef struct graph_node {
    char section[96];   /* e.g. "nmea_input.station2" */
    char binary[64];    /* the part before the first '.', e.g. "nmea_input" */
    char path[1024];    /* resolved executable */
    char *sub;          /* the node's `sub` key (may be empty) */
    char *pub;          /* the node's `pub` key, or the runtime default */
    bool sets_source_id, sets_subscribers;
    int subscribers;    /* nodes in the graph that subscribe to this node's output */
} graph_node;

typedef struct graph {
    graph_node nodes[GRAPH_MAX_NODES];
    int n;
} graph;

/* Read the node list from `nodes` (comma-separated section names) and each node's sub/pub
 * keys from config_path; resolve binaries under bin_dir (or beside/below the launcher).
 * Returns 0, or -1 with a logged reason (unknown binary, missing section, too many nodes). */
int graph_load(graph *g, const char *config_path, const char *nodes, const char *bin_dir,
               const char *launcher_dir);
void graph_free(graph *g);

/* Normalised endpoint list without "@"/">" prefixes, "${node}" expanded; for matching. */
bool graph_endpoints_overlap(const char *a, const char *b, const char *a_section);

#endif
