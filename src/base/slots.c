#include "base/slots.h"
#include "base/util.h"

#include <stdlib.h>

static size_t start(const cp_slots *t, uint64_t hash)
{
    return (size_t)((hash * 0x9E3779B97F4A7C15u) >> 32) & (t->size - 1);
}

void cp_slots_put(cp_slots *t, uint64_t hash, size_t place)
{
    size_t i = start(t, hash);
    while (t->v[i])
        i = (i + 1) & (t->size - 1);
    t->v[i] = (uint32_t)(place + 1);
}

void cp_slots_reserve(cp_slots *t, size_t n, cp_slots_hash_fn hash, const void *ctx)
{
    if (2 * n <= t->size)
        return;
    free(t->v);
    t->size = t->size ? 2 * t->size : 1024;
    t->v = cp_xcalloc(t->size, sizeof *t->v);
    for (size_t p = 0; p + 1 < n; p++)
        cp_slots_put(t, hash(ctx, p), p);
}

size_t cp_slots_next(const cp_slots *t, uint64_t hash, size_t *i)
{
    if (!t->size)
        return SIZE_MAX;
    size_t at = (start(t, hash) + *i) & (t->size - 1);
    if (*i >= t->size || !t->v[at])
        return SIZE_MAX;
    (*i)++;
    return t->v[at] - 1;
}

void cp_slots_free(cp_slots *t)
{
    free(t->v);
    t->v = NULL;
    t->size = 0;
}
