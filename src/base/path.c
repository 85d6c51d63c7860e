/* Path helpers. */
#define _POSIX_C_SOURCE 200809L
#include "base/path.h"

#include <string.h>
#include <sys/stat.h>

char *cp_path_dirname(cp_arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return cp_arena_strdup(a, ".");
    if (slash == path)
        return cp_arena_strdup(a, "/");
    return cp_arena_strndup(a, path, (size_t)(slash - path));
}

char *cp_path_join(cp_arena *a, const char *dir, const char *rel)
{
    if (rel[0] == '/' || !dir || !dir[0] || strcmp(dir, ".") == 0)
        return cp_arena_strdup(a, rel);
    while (rel[0] == '.' && rel[1] == '/')
        rel += 2;
    size_t dl = strlen(dir);
    if (dir[dl - 1] == '/')
        return cp_arena_printf(a, "%s%s", dir, rel);
    return cp_arena_printf(a, "%s/%s", dir, rel);
}

const char *cp_path_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

bool cp_path_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool cp_path_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool cp_path_has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}
