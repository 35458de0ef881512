/* The rule table, generated from the hand-edited list in rules.def. */
#include "detect_internal.h"

#include <string.h>

const detect_rule *const detect_rules[] = {
#define DETECT_RULE(id) &rule_##id,
#include "rules.def"
#undef DETECT_RULE
};
const int detect_rules_count = (int)(sizeof detect_rules / sizeof detect_rules[0]);

int detect_rule_count(void)
{
    return detect_rules_count;
}

const char *detect_rule_name(int i)
{
    return (i >= 0 && i < detect_rules_count) ? detect_rules[i]->name : NULL;
}

int detect_rule_index(const char *name)
{
    for (int i = 0; i < detect_rules_count; i++)
        if (strcmp(detect_rules[i]->name, name) == 0)
            return i;
    return -1;
}

static const char *const zone_names[DZ_COUNT] = {
    "eez", "territorial_sea", "contiguous_zone", "canal_approach", "anchorage",
    "tss_lane", "tss_separation", "port", "land",
};

const char *detect_zone_name(int kind)
{
    return (kind >= 0 && kind < DZ_COUNT) ? zone_names[kind] : NULL;
}

int detect_zone_parse(const char *name)
{
    for (int k = 0; k < DZ_COUNT; k++)
        if (strcmp(zone_names[k], name) == 0)
            return k;
    return -1;
}
