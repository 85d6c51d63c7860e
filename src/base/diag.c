/* Diagnostics list: collected during a run, printed at its end in compiler form. */
#include "base/diag.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

void cp_diags_init(cp_diags *d)
{
    memset(d, 0, sizeof *d);
    d->max_errors = CP_MAX_ERRORS;
}

void cp_diags_finish(cp_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].file);
        free(d->items[i].msg);
    }
    free(d->items);
    memset(d, 0, sizeof *d);
}

cp_pos cp_pos_file(const char *file)
{
    cp_pos p = {file, 0, 0};
    return p;
}

void cp_diag_add(cp_diags *d, cp_severity sev, cp_pos pos, const char *fmt, va_list ap)
{
    if (sev == CP_SEV_ERROR) {
        d->n_errors++;
        d->dropping = d->n_errors > d->max_errors;
    } else if (sev == CP_SEV_WARNING) {
        d->n_warnings++;
        d->dropping = d->n_errors >= d->max_errors;
        d->dropped_warnings += d->dropping;
    }
    if (d->dropping)
        return;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *msg = cp_xmalloc(n > 0 ? (size_t)n + 1 : 1);
    if (n > 0)
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
    else
        msg[0] = '\0';
    cp_grow((void **)&d->items, &d->cap, d->n + 1, sizeof *d->items);
    cp_diag *g = &d->items[d->n++];
    g->sev = sev;
    g->file = pos.file ? cp_xstrdup(pos.file) : NULL;
    g->line = pos.line;
    g->col = pos.col;
    g->msg = msg;
}

#define CP_DIAG_FN(name, sev)                                                                      \
    void name(cp_diags *d, cp_pos pos, const char *fmt, ...)                                       \
    {                                                                                              \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        cp_diag_add(d, sev, pos, fmt, ap);                                                         \
        va_end(ap);                                                                                \
    }
CP_DIAG_FN(cp_error, CP_SEV_ERROR)
CP_DIAG_FN(cp_warning, CP_SEV_WARNING)
CP_DIAG_FN(cp_note, CP_SEV_NOTE)

void cp_preflight(cp_diags *d, cp_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cp_diag_add(d, d->press ? CP_SEV_ERROR : CP_SEV_WARNING, pos, fmt, ap);
    va_end(ap);
}

bool cp_diags_failed(const cp_diags *d)
{
    return d->n_errors > 0;
}

bool cp_diags_full(const cp_diags *d)
{
    return d->n_errors >= d->max_errors;
}

void cp_diags_print(const cp_diags *d, FILE *out)
{
    static const char *names[] = {"note", "warning", "error"};
    for (size_t i = 0; i < d->n; i++) {
        const cp_diag *g = &d->items[i];
        const char *sev = names[g->sev];
        if (!g->file)
            fprintf(out, "calpress: %s: %s\n", sev, g->msg);
        else if (g->line <= 0)
            fprintf(out, "%s: %s: %s\n", g->file, sev, g->msg);
        else
            fprintf(out, "%s:%d:%d: %s: %s\n", g->file, g->line, g->col > 0 ? g->col : 1, sev,
                    g->msg);
    }
    if (d->n_errors > d->max_errors)
        fprintf(out, "calpress: note: %zu more errors not shown (the limit is %zu)\n",
                d->n_errors - d->max_errors, d->max_errors);
    if (d->dropped_warnings)
        fprintf(out, "calpress: note: %zu warning%s after the error limit not shown\n",
                d->dropped_warnings, d->dropped_warnings == 1 ? "" : "s");
}
