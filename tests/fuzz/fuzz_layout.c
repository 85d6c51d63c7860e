/* libFuzzer target for the layout-file loader (manifest/layoutfile.c): the bytes are a layout
 * file, applied onto the built-in defaults, then a manifest's layout_overrides made of the same
 * tree, colours resolved and the page kinds checked. Diagnostics must have messages and
 * 1-based positions. Built with -DCP_FUZZ_REPLAY it is a plain program that replays files
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

#ifdef CP_FUZZ_REPLAY
int main(int argc, char **argv)
{
    int n = 0;
    for (int i = 1; i < argc; i++) {
        size_t len;
        char *buf = cp_read_file(argv[i], &len);
        if (!buf) {
            fprintf(stderr, "fuzz-replay: cannot read %s\n", argv[i]);
            return 1;
        }
        LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
        free(buf);
        n++;
    }
    printf("fuzz/layout: %d passed, 0 failed\n", n);
    return 0;
}
#endif
