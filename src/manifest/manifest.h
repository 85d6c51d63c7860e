/* The manifest: a designer's YAML file (and the story, press-release and layout files it names)
 * loaded into a cp_calendar, with every problem reported at its line and column. */
#ifndef CP_MANIFEST_H
#define CP_MANIFEST_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/diag.h"
#include "model/calendar.h"

/* Loads path and everything it names into *cal, all-or-nothing: on any error, *cal is left
 * zeroed (nothing to finish) and false is returned with the errors in d. data_dirs
 * (NULL-terminated) are where installed layouts live. Strings live in the arena, which must
 * outlive cal; release the layouts with cp_calendar_finish. */
bool cp_manifest_load(cp_calendar *cal, cp_arena *a, cp_diags *d, const char *path,
                      const char *const *data_dirs);

#endif
