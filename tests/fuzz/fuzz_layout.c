/* libFuzzer target for the layout-file loader (manifest/layoutfile.c): the bytes are a layout
 * file, applied onto the built-in defaults, then a manifest's layout_overrides made of the same
 * tree, colours resolved and the page kinds checked. Diagnostics must have messages and
 * 1-based positions. Linked with replay_main.c it is a plain program that replays files
 * (tests/fuzz/regressions/layout). */
#include "base/arena.h"
#include "base/diag.h"
#include "base/util.h"
#include "manifest/layoutfile.h"
#include "manifest/yamltree.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cp_arena a;
    cp_arena_init(&a);
    cp_diags d;
    cp_diags_init(&d);
    cp_node *root = cp_yaml_load_string(&a, &d, "layout.yaml", (const char *)data, size);
    if (root) {
        cp_layout l;
        cp_layout_init(&l);
        if (cp_layout_apply(&l, &a, &d, root, true))
            cp_layout_apply(&l, &a, &d, root, false);
        cp_layout_resolve_colors(&l);
        cp_layout_check_calendar(&l, &d);
        cp_layout_check_press(&l, &d);
        cp_layout_finish(&l);
    }
    for (size_t i = 0; i < d.n; i++)
        if (!d.items[i].msg || d.items[i].line < 0 || d.items[i].col < 0)
            abort();
    cp_diags_finish(&d);
    cp_arena_finish(&a);
    return 0;
}
