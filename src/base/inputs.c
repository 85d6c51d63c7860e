/* The list of files a run read, with their contents' hashes. */
#include "base/inputs.h"
#include "base/hash.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

void cp_inputs_init(cp_inputs *in)
{
    memset(in, 0, sizeof *in);
}

void cp_inputs_clear(cp_inputs *in)
{
    for (size_t i = 0; i < in->n; i++)
        free(in->items[i].path);
    in->n = 0;
}

void cp_inputs_finish(cp_inputs *in)
{
    cp_inputs_clear(in);
    free(in->items);
    memset(in, 0, sizeof *in);
}

static cp_input *entry(cp_inputs *in, const char *path)
{
    for (size_t i = 0; i < in->n; i++)
        if (strcmp(in->items[i].path, path) == 0)
            return &in->items[i];
    cp_grow((void **)&in->items, &in->cap, in->n + 1, sizeof *in->items);
    cp_input *e = &in->items[in->n++];
    memset(e, 0, sizeof *e);
    e->path = cp_xstrdup(path);
    return e;
}

void cp_inputs_note(cp_inputs *in, const char *path, bool exists)
{
    if (!in || !path)
        return;
    cp_input *e = entry(in, path);
    if (!e->read)
        e->exists = exists;
}

static void read_entry(cp_inputs *in, const char *path, uint64_t hash, bool photo)
{
    if (!in || !path)
        return;
    cp_input *e = entry(in, path);
    e->exists = true;
    e->read = true;
    e->photo = photo;
    e->hash = hash;
}

void cp_inputs_read_hash(cp_inputs *in, const char *path, uint64_t hash)
{
    read_entry(in, path, hash, false);
}

void cp_inputs_read_photo(cp_inputs *in, const char *path, uint64_t key)
{
    read_entry(in, path, key, true);
}

void cp_inputs_read(cp_inputs *in, const char *path, const void *data, size_t len)
{
    if (in)
        cp_inputs_read_hash(in, path, cp_hash_bytes(data, len));
}

void cp_inputs_merge(cp_inputs *in, const cp_inputs *src)
{
    for (size_t i = 0; i < src->n; i++) {
        const cp_input *s = &src->items[i];
        if (s->read)
            read_entry(in, s->path, s->hash, s->photo);
        else
            cp_inputs_note(in, s->path, s->exists);
    }
}

const cp_input *cp_inputs_lookup(const cp_inputs *in, const char *path)
{
    if (!in || !path)
        return NULL;
    for (size_t i = 0; i < in->n; i++)
        if (strcmp(in->items[i].path, path) == 0)
            return &in->items[i];
    return NULL;
}
