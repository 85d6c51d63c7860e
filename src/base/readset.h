/* The files this process has read, by device and inode, so that no output is ever written over
 * an input (the manifest, a story, a layout, a photo, an ICC profile, a font), whatever name
 * or link it is reached by. Process-wide: one run per process, recorded between
 * cp_readset_start and cp_readset_clear (a fuzzer or test that never starts records nothing). */
#ifndef CP_READSET_H
#define CP_READSET_H

#include <stdbool.h>
#include <sys/types.h>

/* Starts recording. */
void cp_readset_start(void);
/* Records the file open on fd (a regular file; anything else is ignored). */
void cp_readset_note_fd(int fd);
/* Records the file at path, if it exists. */
void cp_readset_note_path(const char *path);
/* True when the file (dev, ino) was recorded. */
bool cp_readset_has(dev_t dev, ino_t ino);
/* Forgets every recorded file and stops recording (the end of a run). */
void cp_readset_clear(void);

#endif
