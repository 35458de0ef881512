/* Graph description: node list, binaries and subscriber counts (see graph.h). */
#include "graph.h"
#include "centinela/log.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_PUB "@ipc://${run_dir}/${node}"

struct keys_ctx {
    graph *g;
    bool seen[GRAPH_MAX_NODES];
    char last[192]; /* "section/key" of the previous line: indented lines continue a value */
};

/* Set *slot to value, or append it after ", " when the line continues the previous key. */
static void set_or_join(char **slot, const char *value, bool continues)
{
    if (continues && **slot && *value) {
        size_t k = strlen(*slot) + strlen(value) + 3;
        char *joined = x_malloc(k);
        snprintf(joined, k, "%s, %s", *slot, value);
        free(*slot);
        *slot = joined;
    } else {
        free(*slot);
        *slot = x_strdup(value);
    }
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    struct keys_ctx *kc = user;
    char here[192];
    snprintf(here, sizeof here, "%s/%s", section, name);
    bool continues = strcmp(here, kc->last) == 0;
    snprintf(kc->last, sizeof kc->last, "%s", here);
    for (int i = 0; i < kc->g->n; i++) {
        graph_node *gn = &kc->g->nodes[i];
        if (strcmp(gn->section, section) != 0)
            continue;
        kc->seen[i] = true;
        if (strcmp(name, "sub") == 0) {
            set_or_join(&gn->sub, value, continues);
        } else if (strcmp(name, "pub") == 0) {
            set_or_join(&gn->pub, value, continues);
        } else if (strcmp(name, "source_id") == 0) {
            gn->sets_source_id = true;
        } else if (strcmp(name, "subscribers") == 0) {
            gn->sets_subscribers = true;
        }
    }
    return 1;
}

/* Copy endpoint token without prefix and whitespace, expanding ${node}. */
static void normalise(const char *tok, size_t len, const char *section, char *out, size_t cap)
{
    while (len && (*tok == ' ' || *tok == '\t'))
        tok++, len--;
    while (len && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
        len--;
    if (len && (*tok == '@' || *tok == '>'))
        tok++, len--;
    char raw[512];
    snprintf(raw, sizeof raw, "%.*s", (int)len, tok);
    const char *at = strstr(raw, "${node}");
    if (at)
        snprintf(out, cap, "%.*s%s%s", (int)(at - raw), raw, section, at + 7);
    else
        snprintf(out, cap, "%s", raw);
}

bool graph_endpoints_overlap(const char *a, const char *b, const char *a_section)
{
    for (const char *p = a; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char ea[512];
        normalise(p, len, a_section, ea, sizeof ea);
        for (const char *q = b; *q && *ea;) {
            const char *f = strchr(q, ',');
            size_t lb = f ? (size_t)(f - q) : strlen(q);
            char eb[512];
            normalise(q, lb, "", eb, sizeof eb);
            if (strcmp(ea, eb) == 0)
                return true;
            q = f ? f + 1 : q + lb;
        }
        p = e ? e + 1 : p + len;
    }
    return false;
}

static int resolve(graph_node *gn, const char *bin_dir, const char *launcher_dir)
{
    char cand[3][1024];
    int nc = 0;
    if (bin_dir && *bin_dir) {
        snprintf(cand[nc++], sizeof cand[0], "%s/%s", bin_dir, gn->binary);
    } else {
        /* Build tree: build/nodes/<name>/<name>; installed: all side by side. */
        snprintf(cand[nc++], sizeof cand[0], "%s/../%s/%s", launcher_dir, gn->binary, gn->binary);
        snprintf(cand[nc++], sizeof cand[0], "%s/%s", launcher_dir, gn->binary);
    }
    for (int i = 0; i < nc; i++) {
        if (access(cand[i], X_OK) == 0) {
            snprintf(gn->path, sizeof gn->path, "%s", cand[i]);
            return 0;
        }
    }
    log_error("node '%s': no executable '%s' (looked in %s%s%s)", gn->section, gn->binary,
              cand[0], nc > 1 ? " and " : "", nc > 1 ? cand[1] : "");
    return -1;
}

int graph_load(graph *g, const char *config_path, const char *nodes, const char *bin_dir,
               const char *launcher_dir)
{
    memset(g, 0, sizeof *g);
    char *list = x_strdup(nodes);
    char *save = NULL;
    for (char *tok = strtok_r(list, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
        if (g->n == GRAPH_MAX_NODES) {
            log_error("more than %d nodes in the graph", GRAPH_MAX_NODES);
            free(list);
            return -1;
        }
        graph_node *gn = &g->nodes[g->n++];
        snprintf(gn->section, sizeof gn->section, "%s", tok);
        snprintf(gn->binary, sizeof gn->binary, "%.*s", (int)strcspn(tok, "."), tok);
        gn->sub = x_strdup("");
        gn->pub = x_strdup(DEFAULT_PUB);
    }
    free(list);
    if (g->n == 0) {
        log_error("%s: [centinela] nodes is empty", config_path);
        return -1;
    }
    struct keys_ctx kc = {g, {false}, ""};
    if (ini_parse(config_path, on_key, &kc) != 0) {
        log_error("%s: cannot read config file", config_path);
        return -1;
    }
    for (int i = 0; i < g->n; i++) {
        if (!kc.seen[i])
            log_warn("%s: no [%s] section; the node runs on its defaults", config_path,
                     g->nodes[i].section);
        if (resolve(&g->nodes[i], bin_dir, launcher_dir) != 0)
            return -1;
    }
    for (int i = 0; i < g->n; i++)
        for (int j = 0; j < g->n; j++)
            if (i != j && *g->nodes[j].sub &&
                graph_endpoints_overlap(g->nodes[i].pub, g->nodes[j].sub, g->nodes[i].section))
                g->nodes[i].subscribers++;
    return 0;
}

void graph_free(graph *g)
{
    for (int i = 0; i < g->n; i++) {
        free(g->nodes[i].sub);
        free(g->nodes[i].pub);
        g->nodes[i].sub = g->nodes[i].pub = NULL;
    }
    g->n = 0;
}
