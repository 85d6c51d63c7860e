/* calpress diff OLD NEW: what changed between two renders, from their build records. */
#define _POSIX_C_SOURCE 200809L
#include "base/diag.h"
#include "base/path.h"
#include "record/record.h"
#include "watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char diff_usage[] =
    "usage: calpress diff OLD NEW\n"
    "\n"
    "Compares two renders by their build records and prints what changed from OLD to NEW, as\n"
    "render does after each proof. OLD and NEW are output folders (their .calpress/build.json)\n"
    "or build.json files.\n"
    "\n"
    "exit status: 0 when nothing changed, 1 when something did, 2 for a usage error or a build\n"
    "record that cannot be read.\n";

static int diff_usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "calpress: %s%s%s\n%s", msg, arg ? arg : "", arg ? "'" : "", diff_usage);
    return 2;
}

/* A folder means its record; anything else is the record itself. Malloc'd. */
static char *record_path(const char *arg)
{
    if (!cp_path_is_dir(arg))
        return strdup(arg);
    size_t n = strlen(arg) + 32;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/.calpress/build.json", arg);
    return p;
}

int cmd_diff(int argc, char **argv)
{
    const char *args[2] = {NULL, NULL};
    int n = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(diff_usage, stdout);
            return 0;
        }
        if (argv[i][0] == '-' && argv[i][1])
            return diff_usage_error("unknown option '", argv[i]);
        if (n == 2)
            return diff_usage_error("unexpected argument '", argv[i]);
        args[n++] = argv[i];
    }
    if (n < 2)
        return diff_usage_error("diff needs two output folders or build records", NULL);
    cp_diags d;
    cp_diags_init(&d);
    cp_record recs[2];
    bool ok = true;
    for (int i = 0; i < 2; i++) {
        cp_record_init(&recs[i]);
        char *path = record_path(args[i]);
        if (!path) {
            fputs("calpress: out of memory\n", stderr);
            abort();
        }
        ok = cp_record_load(&recs[i], path, &d) && ok;
        free(path);
    }
    int status = 2;
    if (ok) {
        cp_changes c;
        cp_record_compare(&recs[0], &recs[1], &c);
        char *report = cp_changes_report(&c);
        printf("%s\n", report);
        free(report);
        status = c.n ? 1 : 0;
        cp_changes_finish(&c);
    }
    cp_diags_print(&d, stderr);
    cp_diags_finish(&d);
    for (int i = 0; i < 2; i++)
        cp_record_finish(&recs[i]);
    return status;
}
