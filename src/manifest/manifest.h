/* The manifest: a designer's YAML file (and the story, press-release and layout files it names)
 * loaded into a cp_calendar, with every problem reported at its line and column. */
#ifndef CP_MANIFEST_H
#define CP_MANIFEST_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/inputs.h"
#include "model/calendar.h"

typedef struct cp_manifest_opts {
    const char *const *data_dirs; /* NULL-terminated: where installed layouts live */
    bool placeholders; /* a missing photo is a warning (drawn as a placeholder), not an error */
    cp_inputs *inputs; /* if set, every file the manifest names or reads is recorded here */
} cp_manifest_opts;

/* Loads path and everything it names into *cal, all-or-nothing: on any error, *cal is left
 * zeroed (nothing to finish) and false is returned with the errors in d. Strings live in the
 * arena, which must outlive cal; release the layouts with cp_calendar_finish. */
bool cp_manifest_load(cp_calendar *cal, cp_arena *a, cp_diags *d, const char *path,
                      const cp_manifest_opts *opts);

#endif
