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
