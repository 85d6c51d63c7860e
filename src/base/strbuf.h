/* A growable byte buffer for building strings and PDF bytes. */
#ifndef CP_STRBUF_H
#define CP_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct cp_strbuf {
    char *data; /* always NUL-terminated once anything was added */
    size_t len, cap;
} cp_strbuf;

void cp_strbuf_init(cp_strbuf *b);
void cp_strbuf_finish(cp_strbuf *b);
void cp_strbuf_add(cp_strbuf *b, const void *data, size_t n);
void cp_strbuf_puts(cp_strbuf *b, const char *s);
void cp_strbuf_putc(cp_strbuf *b, char c);
void cp_strbuf_printf(cp_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the buffer to the caller (free() it) and resets b. Never NULL. */
char *cp_strbuf_steal(cp_strbuf *b);

#endif
