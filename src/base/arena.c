/* A bump allocator with geometrically growing blocks. */
#include "base/arena.h"
#include "base/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

struct cp_arena_block {
    cp_arena_block *next;
    size_t used, size;
    max_align_t data[];
};

void cp_arena_init(cp_arena *a)
{
    a->head = NULL;
}

void cp_arena_finish(cp_arena *a)
{
    cp_arena_block *b = a->head;
    while (b) {
        cp_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

void *cp_arena_alloc(cp_arena *a, size_t n)
{
    const size_t align = sizeof(max_align_t);
    if (n > SIZE_MAX / 2)
        cp_out_of_memory(n);
    n = (n + align - 1) / align * align;
    if (n == 0)
        n = align;
    cp_arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = b ? b->size * 2 : 16384;
        if (size > (1u << 22))
            size = 1u << 22;
        if (size < n)
            size = n;
        b = cp_xmalloc(sizeof *b + size);
        b->used = 0;
        b->size = size;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *cp_arena_strndup(cp_arena *a, const char *s, size_t n)
{
    char *d = cp_arena_alloc(a, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *cp_arena_strdup(cp_arena *a, const char *s)
{
    return cp_arena_strndup(a, s, strlen(s));
}

char *cp_arena_vprintf(cp_arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return cp_arena_strdup(a, "");
    char *d = cp_arena_alloc(a, (size_t)n + 1);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    return d;
}

char *cp_arena_printf(cp_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *d = cp_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return d;
}
