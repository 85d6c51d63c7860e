/* The focus analysis (focus.cpp with OpenCV) as a module loaded on first use: OpenCV and its
 * dependencies (protobuf, LAPACK, TBB) cost every run 7 MB of memory and their start-up, and
 * most runs find every photo's analysis in the focus cache. */
#include "base/module.h"
#include "config.h"
#include "image/focus.h"

#include <stdio.h>
#include <string.h>

typedef bool (*analyse_fn)(const cp_focus_pixels *, const char *, cp_focus *, char *, size_t);

bool cp_focus_analyse(const cp_focus_pixels *px, const char *cascade, cp_focus *out, char *err,
                      size_t err_len)
{
    static cp_module_entry module = {.file = CP_FOCUS_MODULE, .entry = CP_FOCUS_MODULE_ENTRY};
    void *sym = cp_module_entry_get(&module);
    analyse_fn fn;
    memcpy(&fn, &sym, sizeof fn);
    if (!fn) {
        memset(out, 0, sizeof *out);
        snprintf(err, err_len, "%s", module.why);
        return false;
    }
    return fn(px, cascade, out, err, err_len);
}
