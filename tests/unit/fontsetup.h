/* A typesetter on calpress's private fonts, for the unit tests that set text with Pango. */
#ifndef CP_TEST_FONTSETUP_H
#define CP_TEST_FONTSETUP_H

#include "harness.h"
#include "base/arena.h"
#include "base/diag.h"
#include "config.h"
#include "fonts/fonts.h"
#include "layout/text.h"

typedef struct cp_test_fonts {
    cp_diags d;
    cp_arena a;
    cp_fonts *fonts;
    cp_typesetter ts;
} cp_test_fonts;

/* False (a failed check) when the private font configuration does not load. */
static inline bool cp_test_fonts_open(cp_test_fonts *t)
{
    cp_diags_init(&t->d);
    cp_arena_init(&t->a);
    t->fonts = cp_fonts_new(CP_SOURCE_DATADIR "/fonts", &t->d);
    CHECK(t->fonts != NULL, "the private font configuration loads");
    if (t->fonts)
        cp_typesetter_init(&t->ts, t->fonts, CP_HYPHEN_DIR, CP_DRAW_PDF, &t->a, &t->d);
    return t->fonts != NULL;
}

static inline void cp_test_fonts_close(cp_test_fonts *t)
{
    if (t->fonts) {
        cp_typesetter_finish(&t->ts);
        cp_fonts_free(t->fonts);
    }
    cp_arena_finish(&t->a);
    cp_diags_finish(&t->d);
}

#endif
