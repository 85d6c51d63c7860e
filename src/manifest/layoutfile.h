/* Layout files (layouts/NAME.yaml) -> cp_layout, and the manifest's overrides on top. */
#ifndef CP_LAYOUTFILE_H
#define CP_LAYOUTFILE_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/diag.h"
#include "manifest/yamltree.h"
#include "model/style.h"

/* Applies a layout map (a layout file's root, or the manifest's layout_overrides:) onto l: one
 * merge for both, so later sources override earlier ones field by field. Strings live in the
 * arena. Returns false if errors were reported. */
bool cp_layout_apply(cp_layout *l, cp_arena *a, cp_diags *d, const cp_node *root, bool is_file);

/* Finds a layout by name or path: a value with '/' or ending in .yaml is a path relative to
 * base_dir; a bare name is looked up as base_dir/NAME.yaml, base_dir/layouts/NAME.yaml, then
 * DATADIR/layouts/NAME.yaml for each data dir. Returns an arena-owned path or NULL. */
char *cp_layout_find(cp_arena *a, const char *name, const char *base_dir,
                     const char *const *data_dirs);

/* Loads a layout file onto l (the built-in defaults, or what is there), recording it in inputs
 * (which may be NULL). A file that says 'extends: NAME' has that layout loaded first (found from
 * the file's folder, then in data_dirs' layouts/) and its own keys applied over it. */
bool cp_layout_load(cp_layout *l, cp_arena *a, cp_diags *d, const char *path, const cp_pos *from,
                    cp_inputs *inputs, const char *const *data_dirs);

/* Every frame a page kind needs and every style calpress uses: reports the missing ones. */
bool cp_layout_check_calendar(const cp_layout *l, cp_diags *d);
bool cp_layout_check_press(const cp_layout *l, cp_diags *d);

#endif
