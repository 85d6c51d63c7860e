/* A folder for what calpress keeps between runs to start faster (compiled hyphenation
 * dictionaries). Never an input or an output: a missing, unwritable or damaged cache costs only
 * time, and everything read from it is checked before use. */
#ifndef CP_CACHE_H
#define CP_CACHE_H

#include <stddef.h>
#include <stdint.h>

/* The cache folder: $CALPRESS_CACHE_DIR, else $XDG_CACHE_HOME/calpress, else
 * $HOME/.cache/calpress; made (mode 0700) on first use. NULL when none can be used, or when
 * CALPRESS_CACHE_DIR is "off". The string is static; it is worked out once per process. */
const char *cp_cache_dir(void);

/* The whole cache file `name` (a plain file name) if it exists and holds at most max bytes;
 * malloc'd, owned by the caller, its size in *len. NULL otherwise. */
unsigned char *cp_cache_load(const char *name, size_t max, size_t *len);

/* Writes data as cache file `name`: into a temporary file, then renamed over the old one, so a
 * reader sees the old file or the new one, whole. Never over a file this run read as input.
 * Failure is silent: the next run builds its data again. */
void cp_cache_store(const char *name, const void *data, size_t len);

/* Removes cache file `name` (a plain file name), as cp_cache_store would replace it. */
void cp_cache_remove(const char *name);

/* A cache file of fixed-size records: an 8-byte magic, a 32-bit version and count, the records,
 * and an XXH3 of all before it. cp_cache_load_records returns the records (malloc'd, *n of
 * them) if the file is whole, has this magic and version and at most max records; else NULL.
 * cp_cache_store_records writes one as cp_cache_store does. */
void *cp_cache_load_records(const char *name, const char magic[8], uint32_t version, size_t size,
                            size_t max, size_t *n);
void cp_cache_store_records(const char *name, const char magic[8], uint32_t version,
                            const void *records, size_t size, size_t n);

/* From now on this process reads the cache but never writes it (a helper process that may be
 * killed at any moment). */
void cp_cache_readonly(void);

#endif
