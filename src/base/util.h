/* Allocation that aborts on exhaustion, and small numeric helpers shared by every layer. */
#ifndef CP_UTIL_H
#define CP_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Out of memory is not recoverable here: these print one line and abort. Returned memory is owned
 * by the caller and released with free(). */
void *cp_xmalloc(size_t n);
void *cp_xcalloc(size_t n, size_t size);
void *cp_xrealloc(void *p, size_t n);
char *cp_xstrdup(const char *s);

/* Grows *items (of *cap elements of elem_size) so that it holds at least need elements. */
void cp_grow(void **items, size_t *cap, size_t need, size_t elem_size);

#define CP_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Reads a whole file into a NUL-terminated buffer owned by the caller. Returns NULL and sets errno
 * on failure. */
char *cp_read_file(const char *path, size_t *len_out);

/* Levenshtein distance of two short ASCII strings, for "did you mean" suggestions. */
size_t cp_edit_distance(const char *a, const char *b);

#endif
