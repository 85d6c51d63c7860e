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
/* A copy of n bytes at p (n > 0). */
void *cp_xmemdup(const void *p, size_t n);
/* Prints "out of memory" for a request of n bytes and aborts (for sizes that overflow). */
_Noreturn void cp_out_of_memory(size_t n);

/* Grows *items (of *cap elements of elem_size) so that it holds at least need elements. A size
 * that overflows size_t aborts, as out of memory does. */
void cp_grow(void **items, size_t *cap, size_t need, size_t elem_size);

/* a * b (* c) in *out; false, leaving *out alone, if the product overflows size_t. */
bool cp_size_mul(size_t a, size_t b, size_t *out);
bool cp_size_mul3(size_t a, size_t b, size_t c, size_t *out);

#define CP_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* What calpress reads of each kind of input file: a name for messages and the largest size. */
typedef struct cp_file_kind {
    const char *what; /* "a YAML file", "a photo", "an ICC profile" */
    size_t max_bytes;
} cp_file_kind;

extern const cp_file_kind cp_file_yaml;  /* manifest, story, press-release and layout files */
extern const cp_file_kind cp_file_photo; /* photos (for a JPEG: the bytes up to its end marker) */
extern const cp_file_kind cp_file_icc;   /* ICC profiles */

/* Why a file could not be read, in words for a message ("it is a named pipe (FIFO), not a
 * regular file", "No such file or directory"). */
typedef struct cp_file_error {
    char text[160];
} cp_file_error;

/* Opens path for reading only if it is a regular file: stat before opening (a device or FIFO is
 * never opened), then open with O_NONBLOCK (a FIFO swapped in meanwhile cannot block) and fstat
 * the descriptor. Returns the descriptor, owned by the caller (close it), and the file's size in
 * *size; or -1 with the reason in *err. */
int cp_file_open(const char *path, unsigned long long *size, cp_file_error *err);
/* cp_file_open for a file of calpress's own that is no input (its cache): not noted among the
 * files no output may replace, so that the cache can write it anew. */
int cp_file_open_own(const char *path, unsigned long long *size, cp_file_error *err);

/* Reads from fd, appending to *buf (malloc'd, *len bytes held, *cap allocated, grown as needed),
 * until *len >= want or the end of the file (*eof set). False with the reason in *err on a read
 * error. */
bool cp_file_read_more(int fd, unsigned char **buf, size_t *len, size_t *cap, size_t want,
                       bool *eof, cp_file_error *err);

/* Reads the rest of fd into *buf as cp_file_read_more does, until the end of the file or until
 * more than max bytes are held (*over set; the excess is not read). */
bool cp_file_read_rest(int fd, unsigned char **buf, size_t *len, size_t *cap, size_t max,
                       bool *over, cp_file_error *err);

/* Reads a whole regular file of at most kind->max_bytes into a NUL-terminated buffer owned by the
 * caller. Returns NULL with the reason in *err (not a regular file, too large, a read error). */
char *cp_file_read(const char *path, const cp_file_kind *kind, size_t *len_out, cp_file_error *err);

/* cp_file_read for a YAML-sized file, for callers that report errno: NULL with errno set (EINVAL
 * for a file that is not a regular file, EFBIG for one over the limit). Prefer cp_file_read, whose
 * reasons are clearer. */
char *cp_read_file(const char *path, size_t *len_out);

/* write() until all len bytes are written (EINTR retried, at most 1 GiB a call): 0, or the
 * errno of the failed write (EIO for a write of nothing). */
int cp_write_all(int fd, const void *data, size_t len);

/* "17.0 MiB", "1.0 GiB", "512 bytes": a file size for messages, in buf. Returns buf. */
const char *cp_format_bytes(unsigned long long n, char *buf, size_t size);

/* Levenshtein distance of two short ASCII strings, for "did you mean" suggestions. */
size_t cp_edit_distance(const char *a, const char *b);

#endif
