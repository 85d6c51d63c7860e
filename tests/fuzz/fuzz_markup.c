/* libFuzzer target for the inline markup (model/richtext.c, through cmark): the bytes are a
 * story body. Checks that every span lies inside its paragraph's text and on character
 * boundaries, and that every asterisk found has a place inside the source. Built with
 * -DCP_FUZZ_REPLAY it is a plain program that replays files (tests/fuzz/regressions/markup). */
#include "base/arena.h"
#include "base/util.h"
#include "model/richtext.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const cp_richtext *rt)
{
    for (size_t i = 0; i < rt->n_paras; i++) {
        const cp_para *p = &rt->paras[i];
        size_t len = strlen(p->text);
        for (size_t k = 0; k < p->n_spans; k++) {
            const cp_span *s = &p->spans[k];
            if (s->start > s->end || s->end > len || !s->flags)
                abort();
            if (((unsigned char)p->text[s->start] & 0xC0) == 0x80 ||
                (s->end < len && ((unsigned char)p->text[s->end] & 0xC0) == 0x80))
                abort(); /* a span cut inside a character */
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The loader hands markup over as NUL-free UTF-8 (it rejects the rest); so does this. */
    char *src = cp_xmalloc(size + 1);
    memcpy(src, data, size);
    src[size] = '\0';
    if (strlen(src) != size) {
        free(src);
        return 0;
    }
    cp_arena a;
    cp_arena_init(&a);
    for (unsigned opts = 0; opts <= CP_RICH_SMART; opts += CP_RICH_SMART) {
        cp_richtext rt;
        cp_richtext_parse(&a, src, opts, &rt);
        check_text(&rt);
        (void)cp_richtext_plain(&a, &rt);
    }
    (void)cp_richtext_smart_plain(&a, src);
    cp_rich_star *stars;
    size_t n = cp_richtext_stars(&a, src, &stars);
    int lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += src[i] == '\n';
    for (size_t i = 0; i < n; i++)
        if (stars[i].line < 1 || stars[i].line > lines || stars[i].col < 1 ||
            (size_t)stars[i].col > size)
            abort();
    cp_arena_finish(&a);
    free(src);
    return 0;
}
