/* libFuzzer target for the manifest loader: the bytes are a manifest file; the story,
 * press-release and layout files it may name are the repository's sample (run from the source
 * tree) or absent. Linked with replay_main.c it is a plain program that replays files. */
#define _DEFAULT_SOURCE
#include "base/arena.h"
#include "base/diag.h"
#include "base/util.h"
#include "manifest/layoutfile.h"
#include "manifest/manifest.h"
#include "manifest/yamltree.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_diags(const cp_diags *d)
{
    /* Every diagnostic must have a message; positions are 1-based or absent. */
    for (size_t i = 0; i < d->n; i++) {
        if (!d->items[i].msg || d->items[i].line < 0 || d->items[i].col < 0)
            abort();
    }
    if (d->n > CP_MAX_ERRORS * 4 + 8)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* 1. the YAML tree and a layout built from it, in memory */
    cp_arena a;
    cp_arena_init(&a);
    cp_diags d;
    cp_diags_init(&d);
    cp_node *root = cp_yaml_load_string(&a, &d, "fuzz.yaml", (const char *)data, size);
    if (root) {
        cp_layout l;
        cp_layout_init(&l);
        cp_layout_apply(&l, &a, &d, root, true);
        cp_layout_check_calendar(&l, &d);
        cp_layout_finish(&l);
    }
    check_diags(&d);
    cp_diags_finish(&d);
    cp_arena_finish(&a);

    /* 2. the whole loader, through a file (it resolves paths relative to the manifest) */
    char path[] = "/tmp/calpress-fuzz-XXXXXX.yaml";
    int fd = mkstemps(path, 5);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    cp_arena_init(&a);
    cp_diags_init(&d);
    cp_calendar cal;
    const char *dirs[] = {CP_FUZZ_DATADIR, NULL};
    cp_manifest_opts opts = {dirs, false};
    if (cp_manifest_load(&cal, &a, &d, path, &opts))
        cp_calendar_finish(&cal);
    check_diags(&d);
    cp_diags_finish(&d);
    cp_arena_finish(&a);
    unlink(path);
    return 0;
}
