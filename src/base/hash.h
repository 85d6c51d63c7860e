/* A fast non-cryptographic hash (XXH3, from Debian's libxxhash) for change detection: frames of
 * the build record, input files and cached pages. Not for anything an attacker controls. */
#ifndef CP_HASH_H
#define CP_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An incremental hash: feed bytes, numbers and strings, then read the 64-bit digest. */
typedef struct cp_hasher {
    void *state; /* an XXH3 state, owned */
} cp_hasher;

void cp_hasher_init(cp_hasher *h);
void cp_hasher_finish(cp_hasher *h);
void cp_hasher_bytes(cp_hasher *h, const void *data, size_t len);
/* A string with its terminating NUL, so "ab","c" and "a","bc" differ; NULL hashes as a marker. */
void cp_hasher_str(cp_hasher *h, const char *s);
void cp_hasher_u64(cp_hasher *h, uint64_t v);
/* A length in points, rounded to 1/100 pt: what a dump shows, free of float noise. */
void cp_hasher_pt(cp_hasher *h, double v);
uint64_t cp_hasher_digest(const cp_hasher *h);
/* The 128-bit digest (XXH3-128) of the same bytes, for identifiers where 64 bits are few (a PDF's
 * /ID). XXH3's state is one for both widths. */
void cp_hasher_digest128(const cp_hasher *h, unsigned char out[16]);

/* A double to the bit (-0 as 0): for keys where any difference matters. */
void cp_hasher_f64(cp_hasher *h, double v);
/* A file's stamp as stat() gives it (device, inode, size, modification and change times), or a
 * marker that it is not there: what says the file has not changed without reading it. */
void cp_hasher_file_stamp(cp_hasher *h, const char *path);
/* The GNU build IDs of the program and of every loaded library whose file name starts with one
 * of prefixes (NULL-terminated), with their names: what says the code is the same. A library
 * without a build ID is stamped by its file instead. */
void cp_hasher_build_ids(cp_hasher *h, const char *const *prefixes);
/* A file by its path and stamp (cp_hasher_file_stamp), after seed; never 0. */
uint64_t cp_hash_file_stamp(uint64_t seed, const char *path);
/* A key for what the code of a build makes: tag and the build IDs above, never 0. Worked out
 * once into *slot (0 before; safe from any thread). */
uint64_t cp_hash_builds(uint64_t *slot, const char *tag, const char *const *prefixes);

/* The hash of one buffer. */
uint64_t cp_hash_bytes(const void *data, size_t len);

/* 16 lower-case hex digits into buf (at least 17 bytes); returns buf. */
char *cp_hash_hex(uint64_t v, char *buf);
/* Parses 16 hex digits; false if s is anything else. */
bool cp_hash_parse(const char *s, uint64_t *out);

#endif
