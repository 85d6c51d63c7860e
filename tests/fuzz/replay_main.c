/* The plain program around a libFuzzer target, for ctest: replays each file named on the command
 * line, and every file (in name order, dot-files left out) in each folder named, through
 * LLVMFuzzerTestOneInput: a target's seed corpus and its regressions. Prints
 * "fuzz/NAME: N passed, 0 failed" (CP_FUZZ_NAME). A crash or sanitizer report fails the test, and
 * so does an unreadable file or a run with no input at all. Files are read with the limits of
 * photos (the largest kind), so a regression kept for its size replays as it was found. */
#define _DEFAULT_SOURCE /* scandir, alphasort */
#include "base/util.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 when path was replayed, -1 when it could not be read. */
static int replay_file(const char *path)
{
    size_t len;
    cp_file_error err;
    char *buf = cp_file_read(path, &cp_file_photo, &len, &err);
    if (!buf) {
        fprintf(stderr, "fuzz/%s: cannot read %s: %s\n", CP_FUZZ_NAME, path, err.text);
        return -1;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
    free(buf);
    return 1;
}

static int not_hidden(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* The number of files replayed from folder, or -1. */
static int replay_folder(const char *folder)
{
    struct dirent **names;
    int n = scandir(folder, &names, not_hidden, alphasort), done = 0;
    if (n < 0) {
        fprintf(stderr, "fuzz/%s: cannot list %s\n", CP_FUZZ_NAME, folder);
        return -1;
    }
    for (int k = 0; k < n; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", folder, names[k]->d_name);
        if (done >= 0) {
            int r = replay_file(path);
            done = r < 0 ? -1 : done + r;
        }
        free(names[k]);
    }
    free(names);
    return done;
}

int main(int argc, char **argv)
{
    int n = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        bool folder = stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode);
        int r = folder ? replay_folder(argv[i]) : replay_file(argv[i]);
        if (r < 0)
            return 1;
        n += r;
    }
    printf("fuzz/%s: %d passed, 0 failed\n", CP_FUZZ_NAME, n);
    return n > 0 ? 0 : 1;
}
