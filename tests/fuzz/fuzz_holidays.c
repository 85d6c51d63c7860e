/* libFuzzer target for the holiday importers: the bytes are read as an iCalendar file and as a
 * CSV file into a calendar year. Linked with replay_main.c it is a plain program that replays
 * files. */
#define _DEFAULT_SOURCE
#include "base/arena.h"
#include "base/diag.h"
#include "base/util.h"
#include "manifest/holidays.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every holiday lies in the year, first day before last; every message has a text. */
static void check(const cp_hol_sink *s, const cp_diags *d)
{
    for (size_t i = 0; i < s->n; i++) {
        const cp_holiday *h = &s->items[i];
        if (h->date.year != s->year || h->end.year != s->year || !cp_date_valid(h->date) ||
            !cp_date_valid(h->end) || cp_date_to_days(h->end) < cp_date_to_days(h->date) ||
            !h->name.s || !h->name.s[0])
            abort();
    }
    for (size_t i = 0; i < d->n; i++)
        if (!d->items[i].msg || d->items[i].line < 0 || d->items[i].col < 0)
            abort();
}

static void one(const uint8_t *data, size_t size, const char *suffix)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/calpress-fuzz-XXXXXX%s", suffix);
    int fd = mkstemps(path, (int)strlen(suffix));
    if (fd < 0)
        return;
    bool written = write(fd, data, size) == (ssize_t)size;
    close(fd);
    if (written) {
        cp_arena a;
        cp_arena_init(&a);
        cp_diags d;
        cp_diags_init(&d);
        cp_hol_sink s = {.a = &a, .d = &d, .year = 2021};
        cp_pos from = {"fuzz.yaml", 1, 1};
        if (strcmp(suffix, ".ics") == 0)
            cp_hol_read_ics(&s, path, "fuzz.ics", from);
        else
            cp_hol_read_csv(&s, path, "fuzz.csv", from);
        check(&s, &d);
        free(s.items);
        cp_diags_finish(&d);
        cp_arena_finish(&a);
    }
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one(data, size, ".ics");
    one(data, size, ".csv");
    return 0;
}
