/* An open-addressing hash table of places in the caller's growing array (the array holds the
 * keys; the table only finds them): for memos that add entries as a run meets them. */
#ifndef CP_SLOTS_H
#define CP_SLOTS_H

#include <stddef.h>
#include <stdint.h>

typedef struct cp_slots {
    uint32_t *v; /* place + 1, 0 for an empty slot */
    size_t size; /* a power of two, at least twice the places held; 0 before the first */
} cp_slots;

/* The hash of the entry at place in the caller's array. */
typedef uint64_t (*cp_slots_hash_fn)(const void *ctx, size_t place);

/* Makes room for n places: when the table would be over half full, it doubles, and the places
 * 0 to n - 2 already held are put again by their hashes. */
void cp_slots_reserve(cp_slots *t, size_t n, cp_slots_hash_fn hash, const void *ctx);
/* Holds place (hash is its entry's). */
void cp_slots_put(cp_slots *t, uint64_t hash, size_t place);
/* The places whose entries may have this hash, in turn: start with *i = 0 (a cursor), stop at
 * SIZE_MAX. */
size_t cp_slots_next(const cp_slots *t, uint64_t hash, size_t *i);
void cp_slots_free(cp_slots *t);

#endif
