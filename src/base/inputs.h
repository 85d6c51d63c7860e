/* The files this process has read, by device and inode, so that no output is ever written over
 * an input (the manifest, a story, a layout, a photo, an ICC profile, a font), whatever name
 * or link it is reached by. Process-wide: one run per process, recorded between
 * cp_inputs_start and cp_inputs_clear (a fuzzer or test that never starts records nothing). */
#ifndef CP_INPUTS_H
#define CP_INPUTS_H

#include <stdbool.h>
#include <sys/types.h>

/* Starts recording. */
void cp_inputs_start(void);
/* Records the file open on fd (a regular file; anything else is ignored). */
void cp_inputs_note_fd(int fd);
/* Records the file at path, if it exists. */
void cp_inputs_note_path(const char *path);
/* True when the file (dev, ino) was recorded. */
bool cp_inputs_has(dev_t dev, ino_t ino);
/* Forgets every recorded file and stops recording (the end of a run). */
void cp_inputs_clear(void);

#endif
