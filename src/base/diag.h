/* Diagnostics about the user's input and the environment, printed like a compiler's. */
#ifndef CP_DIAG_H
#define CP_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A place in an input file, 1-based. line == 0 means "the whole file"; file == NULL means no file.
 */
typedef struct cp_pos {
    const char *file;
    int line;
    int col;
} cp_pos;

typedef enum cp_severity { CP_SEV_NOTE, CP_SEV_WARNING, CP_SEV_ERROR } cp_severity;

typedef struct cp_diag {
    cp_severity sev;
    char *file; /* owned copy, or NULL */
    int line, col;
    char *msg; /* owned */
} cp_diag;

/* The diagnostics of one run. Errors beyond max_errors are counted but not kept; the notes that
 * belong to a dropped error are dropped with it. */
typedef struct cp_diags {
    cp_diag *items;
    size_t n, cap;
    size_t n_errors, n_warnings;
    size_t dropped_warnings; /* warnings after the error cap, counted but not kept */
    size_t max_errors;
    bool dropping; /* the last error was dropped, so its notes go too */
    bool press;    /* press mode: preflight findings are errors */
} cp_diags;

#define CP_MAX_ERRORS 20

void cp_diags_init(cp_diags *d);
void cp_diags_finish(cp_diags *d);

void cp_error(cp_diags *d, cp_pos pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void cp_warning(cp_diags *d, cp_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A preflight finding: what a printer would reject. An error in press mode, else a warning. */
void cp_preflight(cp_diags *d, cp_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A note adds context to the error or warning just reported. */
void cp_note(cp_diags *d, cp_pos pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void cp_diag_add(cp_diags *d, cp_severity sev, cp_pos pos, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

/* True once errors were reported. */
bool cp_diags_failed(const cp_diags *d);
/* True when the error cap was reached: callers may stop early. */
bool cp_diags_full(const cp_diags *d);

/* Prints every kept diagnostic as FILE:LINE:COL: severity: message, and a summary line if errors
 * were dropped. */
void cp_diags_print(const cp_diags *d, FILE *out);

/* A position that names only a file. */
cp_pos cp_pos_file(const char *file);

#endif
