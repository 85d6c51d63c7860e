/* A bump allocator: parse trees and the model live in one arena and are freed at once. */
#ifndef CP_ARENA_H
#define CP_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct cp_arena_block cp_arena_block;
typedef struct cp_arena {
    cp_arena_block *head;
} cp_arena;

void cp_arena_init(cp_arena *a);
/* Releases every allocation made from the arena. */
void cp_arena_finish(cp_arena *a);
/* Zeroed memory owned by the arena, aligned for any type. */
void *cp_arena_alloc(cp_arena *a, size_t n);
char *cp_arena_strdup(cp_arena *a, const char *s);
char *cp_arena_strndup(cp_arena *a, const char *s, size_t n);
char *cp_arena_printf(cp_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *cp_arena_vprintf(cp_arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
