/* The set of files read by this process: a small array, searched linearly (a run reads a few
 * dozen files). */
#define _POSIX_C_SOURCE 200809L
#include "base/readset.h"
#include "base/util.h"

#include <stdlib.h>
#include <sys/stat.h>

typedef struct file_id {
    dev_t dev;
    ino_t ino;
} file_id;

static file_id *ids;
static size_t n_ids, cap_ids;
static bool recording;

void cp_readset_start(void)
{
    recording = true;
}

static void note(const struct stat *st)
{
    if (!recording || !S_ISREG(st->st_mode) || cp_readset_has(st->st_dev, st->st_ino))
        return;
    cp_grow((void **)&ids, &cap_ids, n_ids + 1, sizeof *ids);
    ids[n_ids++] = (file_id){.dev = st->st_dev, .ino = st->st_ino};
}

void cp_readset_note_fd(int fd)
{
    struct stat st;
    if (fstat(fd, &st) == 0)
        note(&st);
}

void cp_readset_note_path(const char *path)
{
    struct stat st;
    if (recording && path && stat(path, &st) == 0)
        note(&st);
}

bool cp_readset_has(dev_t dev, ino_t ino)
{
    for (size_t i = 0; i < n_ids; i++)
        if (ids[i].dev == dev && ids[i].ino == ino)
            return true;
    return false;
}

void cp_readset_clear(void)
{
    free(ids);
    ids = NULL;
    n_ids = cap_ids = 0;
    recording = false;
}
