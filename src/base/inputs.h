/* The files one run read or looked for (the manifest, stories, press release, layouts, photos,
 * ICC profile, ...): watch observes them, and the page cache keys pages by their contents. */
#ifndef CP_INPUTS_H
#define CP_INPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cp_input {
    char *path;    /* as the loader spelled it (relative to the working folder); owned */
    bool exists;   /* false: named, but missing or unreadable when looked for */
    bool read;     /* its bytes were read: hash is theirs */
    bool photo;    /* a photo: hash is its content key (cp_image_content_key), not its bytes' */
    uint64_t hash; /* cp_hash_bytes of the bytes read, or a photo's content key */
} cp_input;

typedef struct cp_inputs {
    cp_input *items; /* owned, in the order first recorded */
    size_t n, cap;
} cp_inputs;

void cp_inputs_init(cp_inputs *in);
void cp_inputs_finish(cp_inputs *in);
/* Forgets every entry (for the next run), keeping the storage. */
void cp_inputs_clear(cp_inputs *in);

/* Records a file the run named or checked without reading it (a photo's access check). Every
 * recording function accepts in == NULL and then does nothing. */
void cp_inputs_note(cp_inputs *in, const char *path, bool exists);
/* Records a file whose bytes the run read, with their hash. */
void cp_inputs_read(cp_inputs *in, const char *path, const void *data, size_t len);
/* The same with a hash computed elsewhere (a logo already in memory). */
void cp_inputs_read_hash(cp_inputs *in, const char *path, uint64_t hash);
/* A photo read, with its content key: what watch compares is the key of the photo opened again,
 * so an edit of metadata the pages never show is no change. */
void cp_inputs_read_photo(cp_inputs *in, const char *path, uint64_t key);
/* Adds every entry of src to in (merging entries for one path). */
void cp_inputs_merge(cp_inputs *in, const cp_inputs *src);

/* The entry for path (spelled as recorded), borrowed; NULL when none. */
const cp_input *cp_inputs_lookup(const cp_inputs *in, const char *path);

#endif
