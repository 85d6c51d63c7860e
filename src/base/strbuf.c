/* A growable byte buffer. */
#include "base/strbuf.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cp_strbuf_init(cp_strbuf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void cp_strbuf_finish(cp_strbuf *b)
{
    free(b->data);
    cp_strbuf_init(b);
}

void cp_strbuf_add(cp_strbuf *b, const void *data, size_t n)
{
    cp_grow((void **)&b->data, &b->cap, b->len + n + 1, 1);
    if (n)
        memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void cp_strbuf_puts(cp_strbuf *b, const char *s)
{
    cp_strbuf_add(b, s, strlen(s));
}

void cp_strbuf_putc(cp_strbuf *b, char c)
{
    cp_strbuf_add(b, &c, 1);
}

void cp_strbuf_printf(cp_strbuf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0) {
        cp_grow((void **)&b->data, &b->cap, b->len + (size_t)n + 1, 1);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

char *cp_strbuf_steal(cp_strbuf *b)
{
    char *d = b->data ? b->data : cp_xstrdup("");
    cp_strbuf_init(b);
    return d;
}
