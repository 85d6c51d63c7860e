/* Diagnostics list: collected during a run, printed at its end in compiler form. */
#define _POSIX_C_SOURCE 200809L
#include "base/diag.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* A path as the user would type it: relative to the current folder when the file is under it
 * (an installed layout's absolute path, or one resolved from the manifest's folder). */
static const char *as_typed(const char *file, const char *cwd, size_t cwd_len)
{
    if (cwd_len > 1 && file[0] == '/' && strncmp(file, cwd, cwd_len) == 0 && file[cwd_len] == '/' &&
        file[cwd_len + 1])
        return file + cwd_len + 1;
    return file;
}

void cp_diags_print(const cp_diags *d, FILE *out)
{
    static const char *names[] = {"note", "warning", "error"};
    char cwd[4096];
    size_t cwd_len = getcwd(cwd, sizeof cwd) ? strlen(cwd) : 0;
    for (size_t i = 0; i < d->n; i++) {
        const cp_diag *g = &d->items[i];
        const char *sev = names[g->sev];
        const char *file = g->file ? as_typed(g->file, cwd, cwd_len) : NULL;
        if (!file)
            fprintf(out, "calpress: %s: %s\n", sev, g->msg);
        else if (g->line <= 0)
            fprintf(out, "%s: %s: %s\n", file, sev, g->msg);
        else
            fprintf(out, "%s:%d:%d: %s: %s\n", file, g->line, g->col > 0 ? g->col : 1, sev, g->msg);
    }
    if (d->n_errors > d->max_errors)
        fprintf(out, "calpress: note: %zu more errors not shown (the limit is %zu)\n",
                d->n_errors - d->max_errors, d->max_errors);
    if (d->dropped_warnings)
        fprintf(out, "calpress: note: %zu warning%s after the error limit not shown\n",
                d->dropped_warnings, d->dropped_warnings == 1 ? "" : "s");
}
