/* Path helpers: directories, joining relative paths, existence checks. */
#ifndef CP_PATH_H
#define CP_PATH_H

#include <stdbool.h>

#include "base/arena.h"

/* The directory part of path ("." when there is none); arena-owned. */
char *cp_path_dirname(cp_arena *a, const char *path);
/* rel resolved against dir, unless rel is absolute; arena-owned. "dir/./x" is tidied to "dir/x". */
char *cp_path_join(cp_arena *a, const char *dir, const char *rel);
/* The last component of path; borrowed from path. */
const char *cp_path_basename(const char *path);
bool cp_path_is_file(const char *path);
/* True when s holds a control character (below U+0020, or DEL): a newline or escape in a file
 * name breaks every listing and message that shows it. */
bool cp_path_has_control(const char *s);
bool cp_path_is_dir(const char *path);

#endif
