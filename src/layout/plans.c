/* Paragraph plans: a list recorded by one process and followed in order by another. */
#include "layout/plans.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

void cp_plans_init(cp_plans *p, bool recording)
{
    memset(p, 0, sizeof *p);
    p->recording = recording;
}

void cp_plans_finish(cp_plans *p)
{
    free(p->items);
    memset(p, 0, sizeof *p);
}

void cp_plans_reset(cp_plans *p)
{
    p->n = p->next = 0;
    p->lost = false;
}

void cp_plans_put(cp_plans *p, const cp_plan *plan)
{
    if (!p->recording)
        return;
    cp_grow((void **)&p->items, &p->cap, p->n + 1, sizeof *p->items);
    p->items[p->n++] = *plan;
}

bool cp_plans_take(cp_plans *p, uint64_t fp, cp_plan *out)
{
    if (p->recording || p->lost)
        return false;
    if (p->next >= p->n || p->items[p->next].fp != fp) {
        p->lost = true;
        return false;
    }
    *out = p->items[p->next++];
    return true;
}
