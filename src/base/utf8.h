/* UTF-8 validation that reports where the first bad byte is. */
#ifndef CP_UTF8_H
#define CP_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Returns true if s[0..len) is valid UTF-8 without NUL bytes. Otherwise sets *line and *col
 * (1-based, columns counted in characters) and *byte to the offending byte. */
bool cp_utf8_check(const char *s, size_t len, int *line, int *col, unsigned char *byte);

/* Number of code points in s. */
size_t cp_utf8_length(const char *s);

#endif
