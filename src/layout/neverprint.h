/* The never-print check over laid-out documents: the set text of every frame, paragraph by
 * paragraph, and the other strings a PDF carries, searched for the never-print list's entries. */
#ifndef CP_LAYOUT_NEVERPRINT_H
#define CP_LAYOUT_NEVERPRINT_H

#include <stdbool.h>

#include "layout/layout.h"
#include "model/neverprint.h"

typedef struct cp_np_seen cp_np_seen;
typedef struct cp_np_field cp_np_field;

/* One check of a run: both documents and their metadata. Each (input field, entry) pair is
 * reported once, however often the field is printed. Borrows lc and np. */
typedef struct cp_np_check {
    cp_layout_ctx *lc;
    cp_never_print *np;
    cp_np_seen *seen; /* owned */
    size_t n_seen, cap_seen;
    cp_np_field *fields; /* the model's texts and their places, built at the first match; owned */
    size_t n_fields, cap_fields;
    bool have_fields;
    size_t found; /* matches reported */
} cp_np_check;

void cp_np_check_init(cp_np_check *c, cp_layout_ctx *lc, cp_never_print *np);
void cp_np_check_finish(cp_np_check *c);

/* Searches the set text of every frame of doc (to be written as pdf_name): the lines of each
 * paragraph joined as written, so a word hyphenated across lines (or pages) is whole again.
 * Each match is an error at the input field that holds it (the frame's own field when it does),
 * naming the frame and the page. */
void cp_np_check_doc(cp_np_check *c, const cp_doc *doc, const char *pdf_name);

/* Searches one string the PDF carries outside its pages; `what` names it ("Title"). A match is
 * an error at the input field that holds it, else at `at`. */
void cp_np_check_text(cp_np_check *c, const char *text, const char *what, const char *pdf_name,
                      cp_pos at);

#endif
